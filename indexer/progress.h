/* progress.h - what a run tells its caller: warnings and errors, the changes
 * a dry run would make, and how far writing has come. Each is handed as an
 * fh_index_event to the on_event callback of the run's options (run.h), one
 * call at a time whatever thread sends it. */
#ifndef FH_INDEX_PROGRESS_H
#define FH_INDEX_PROGRESS_H

#include <stddef.h>
#include <stdint.h>

#include "run.h"

/* Send a MESSAGE: the text made from fmt (at most 1023 bytes), about path
 * (a file, a line of a file or the index; NULL: none). */
void fh_progress_say(const fh_index_opts *o, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Send a CHANGE: what ("new", "changed" or "deleted") and the file or page
 * (len bytes). */
void fh_progress_change(const fh_index_opts *o, const char *what, const char *path, size_t len);

/* Send a PROGRESS: pages and files done of files_total, bytes read of
 * bytes_total, seconds since writing began. */
void fh_progress_show(const fh_index_opts *o, uint64_t pages, uint64_t files, uint64_t files_total,
                      uint64_t bytes, uint64_t bytes_total, double seconds);

/* Send the END of the run. */
void fh_progress_end(const fh_index_opts *o);

/* Seconds on a clock that only goes forward. */
double fh_progress_now(void);

#endif
