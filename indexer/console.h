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

/* Exit codes (sysexits): the README, --help and fh_console_exit_code() say
 * the same. */
enum fh_index_exit {
    FH_EXIT_OK = 0,         /* the index is up to date (some files may have been skipped) */
    FH_EXIT_USAGE = 64,     /* a bad command line */
    FH_EXIT_DATAERR = 65,   /* the deletion guard held: nothing deleted, the rest indexed */
    FH_EXIT_NOINPUT = 66,   /* a source does not exist (and the index holds nothing under it),
                               nothing could be read, or no index for --compact / --forget */
    FH_EXIT_CANTCREAT = 73, /* the index cannot be created or opened: not a fihris index,
                               damaged, permission denied */
    FH_EXIT_IOERR = 74,     /* reading or writing the index failed (disk full, ...) */
    FH_EXIT_TEMPFAIL = 75,  /* another indexer is updating the index (also after --wait) */
};

typedef struct fh_console {
    FILE *out;          /* CHANGE lines */
    FILE *err;          /* messages and the progress line */
    int progress_shown; /* a progress line is on err now */
    const char *name;   /* the program the messages start with: "fihris-index" */
} fh_console;

/* Make c a console printing on out and err (stdout and stderr for a
 * program), and hand it the events of runs made with opts. c must outlive
 * those runs. Its messages start with "fihris-index: " (set c->name after
 * for another program). */
void fh_console_attach(fh_console *c, FILE *out, FILE *err, fh_index_opts *opts);

/* An fh_index_event_fn; ctx is an fh_console. Prints:
 *   MESSAGE   "NAME: PATH: TEXT" on err (PATH escaped)
 *   CHANGE    "TEXT PATH" on out
 *   PROGRESS  the progress line on err, drawn over the last one
 * A MESSAGE, a CHANGE or the END first clears the progress line. */
void fh_console_event(void *ctx, const fh_index_event *ev);

/* The exit code of fihris-index for a status of fh_index_run() or
 * fh_index_compact(): FH_OK 0, FH_ERR_INVALID 64, FH_ERR_NOTFOUND 66,
 * FH_ERR_OPENING and FH_ERR_CORRUPT 73, FH_ERR_LOCKED 75, any other 74. */
int fh_console_exit_code(fh_status status);

#endif
