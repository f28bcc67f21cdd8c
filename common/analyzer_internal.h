/* analyzer_internal.h - what the analyzer shares with snippet.c, not public. */
#ifndef FH_ANALYZER_INTERNAL_H
#define FH_ANALYZER_INTERNAL_H

#include <unicode/ubrk.h>

#include "analyzer.h"

/* The analyzer's sentence break iterator, opened on first use and owned by
 * a (one thread, like a). The caller sets its text and leaves it open.
 * NULL when ICU cannot open one. */
UBreakIterator *fh_analyzer__sentences(fh_analyzer *a);

#endif
