/* run.h - one run of fihris-index: bring an index up to date with its
 * sources.
 *
 * The path of a page: the walker (walk.h) lists page files; each is checked
 * against the index's state (state.h) by size and modification time; files
 * that are new or changed go to worker threads, which read them (page.h),
 * compare content hashes and build Xapian documents (document.h); each
 * document goes to its shard (shards.h), written by the worker that built
 * it unless another worker is writing that shard (then it queues it for
 * that one); a shard's writer replaces documents by key and commits every
 * commit_docs changes or commit_seconds; then the documents of files gone from the folders scanned
 * are deleted and every shard commits. A run killed at any moment leaves
 * each shard at its last commit, and the next run finishes the work. */
#ifndef FH_INDEX_RUN_H
#define FH_INDEX_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "walk.h"

/* Metadata: the number of documents each commit wrote, in that commit. */
#define FH_COMMITTED_KEY "fihris.committed-documents"

/* Metadata: "1" in each commit that writes pages, removed once every shard
 * holds the whole run. A shard that holds it was left by a run that did not
 * finish, and the index may hold part of a JSONL file under the file's new
 * size and time. */
#define FH_MID_RUN_KEY "fihris.mid-run"

/* Exit codes (sysexits). */
enum fh_index_exit {
    FH_EXIT_OK = 0,         /* the index is up to date (some files may have been skipped) */
    FH_EXIT_USAGE = 64,     /* bad command line */
    FH_EXIT_NOINPUT = 66,   /* a source does not exist */
    FH_EXIT_CANTCREAT = 73, /* the index cannot be created or opened */
    FH_EXIT_IOERR = 74,     /* reading or writing failed (disk full, ...) */
    FH_EXIT_TEMPFAIL = 75,  /* another indexer is updating the index */
};

typedef struct fh_index_opts {
    const char *db_path;
    const char *const *sources;
    size_t n_sources;
    fh_walk_opts walk;
    uint64_t max_file_size;    /* pages (and JSONL lines) larger than this are skipped */
    int dry_run;               /* say what would change, change nothing */
    int no_delete;             /* keep documents whose files are gone */
    int rebuild;               /* build a new index beside the old, then swap */
    int wait_for_lock;         /* wait for another indexer instead of exiting 75 */
    unsigned threads;          /* worker threads (0 = one a shard, at most one a core) */
    unsigned shards;           /* shards of a new or rebuilt index, or to compact into (0 =
                                  a new index written by one writer a core, then merged
                                  into one; a rebuild keeps the count; one for compact) */
    int compact;               /* merge the shards into `shards` (default one) at the end */
    size_t commit_docs;        /* commit after this many changes */
    double commit_seconds;     /* ... or after this long */
    int progress;              /* draw a progress line on stderr */
    int list_changes;          /* print each change (with dry_run) */
    fh_analyzer_opts analyzer; /* settings of a new index */
} fh_index_opts;

/* Defaults: no sources, 64 MiB files, commit every 500 changes or 30 s. */
void fh_index_opts_init(fh_index_opts *opts);

typedef struct fh_index_report {
    uint64_t added, changed, deleted, unchanged, skipped;
    uint64_t warnings;
    uint64_t pages_read; /* documents analyzed */
    uint64_t bytes_read; /* bytes of the files read */
    double seconds;
} fh_index_report;

/* Run. Warnings and errors are printed to stderr, one line each, naming the
 * file or the index. Returns an fh_index_exit code; *report is filled in
 * either way. */
int fh_index_run(const fh_index_opts *opts, fh_index_report *report);

/* Merge the index's shards into opts->shards (0: one) with Xapian's
 * compaction, beside the old ones, then switch the stub to them: searchers
 * go on meanwhile. lock_fd: the folder's lock when the caller holds it, or
 * -1 to take it here. Returns an fh_index_exit code (64 when the count does
 * not divide the index's). */
int fh_index_compact(const fh_index_opts *opts, int lock_fd);

#endif
