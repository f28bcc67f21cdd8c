/* captures.h - one capture of each URL shown: the latest.
 *
 * Each page of a web archive is a document of its own (keyed "PATH#URL",
 * so that an archive's pages come and go with it), and carries its URL
 * and capture date in FH_SLOT_CAPTURE (record.h). When several archives
 * hold a URL, the capture with the latest date is shown and the others
 * are hidden (FH_TERM_HIDDEN): searches leave them out. Hidden captures
 * stay in the index, so that when the archive of the shown one goes, the
 * next latest is shown again without reading its archive anew. Of two
 * captures of the same date, the one in the later shard and document wins,
 * so that the choice is the same in every run. */
#ifndef FH_INDEX_CAPTURES_H
#define FH_INDEX_CAPTURES_H

#include <stdint.h>

#include "status.h"
#include "store.h"

/* Read the captures of the n shards dbs (open for writing), and hide or
 * show each so that exactly the latest of each URL is shown. *changed
 * counts the documents rewritten. Returns FH_OK, FH_ERR_NOMEM, or the
 * store's status (with *failed the shard at fault). */
fh_status fh_captures_settle(fh_db **dbs, unsigned n, uint64_t *changed, unsigned *failed);

#endif
