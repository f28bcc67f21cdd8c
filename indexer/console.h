/* console.h - how the programs that run the indexer (fihris-index,
 * fihris-bench) show a run: its events (run.h) as lines on the streams they
 * give, a progress line redrawn in place, and its status as a sysexits exit
 * code. The indexer's other files only send events; this is the one place
 * that prints them. */
#ifndef FH_INDEX_CONSOLE_H
#define FH_INDEX_CONSOLE_H

#include <stdio.h>

#include "run.h"
#include "status.h"

/* Exit codes (sysexits). */
enum fh_index_exit {
    FH_EXIT_OK = 0,         /* the index is up to date (some files may have been skipped) */
    FH_EXIT_USAGE = 64,     /* bad command line */
    FH_EXIT_DATAERR = 65,   /* the deletion guard held: nothing was deleted */
    FH_EXIT_NOINPUT = 66,   /* no input: a source is missing, nothing could be read, no index */
    FH_EXIT_CANTCREAT = 73, /* the index cannot be created or opened */
    FH_EXIT_IOERR = 74,     /* reading or writing failed (disk full, ...) */
    FH_EXIT_TEMPFAIL = 75,  /* another indexer is updating the index */
};

typedef struct fh_console {
    FILE *out;          /* CHANGE lines */
    FILE *err;          /* messages and the progress line */
    int progress_shown; /* a progress line is on err now */
} fh_console;

/* Make c a console printing on out and err (stdout and stderr for a
 * program), and hand it the events of runs made with opts. c must outlive
 * those runs. */
void fh_console_attach(fh_console *c, FILE *out, FILE *err, fh_index_opts *opts);

/* An fh_index_event_fn; ctx is an fh_console. Prints:
 *   MESSAGE   "fihris-index: PATH: TEXT" on err (PATH escaped)
 *   CHANGE    "TEXT PATH" on out
 *   PROGRESS  the progress line on err, drawn over the last one
 * A MESSAGE, a CHANGE or the END first clears the progress line. */
void fh_console_event(void *ctx, const fh_index_event *ev);

/* The exit code of fihris-index for a status of fh_index_run() or
 * fh_index_compact(). */
int fh_console_exit_code(fh_status status);

#endif
