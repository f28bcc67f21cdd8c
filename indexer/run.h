/* run.h - one run of fihris-index: bring an index up to date with its
 * sources.
 *
 * A run goes in four phases:
 * - open: refuse a folder that is not fihris's own (marker.h), take the
 *   folder's lock and open its shards (shards.h), load what they hold
 *   (state.h) and the files skipped before (skipped.h);
 * - walk: list the page files (walk.h; never those of the index folder)
 *   and keep those new or changed by size and modification time
 *   (pipeline.h);
 * - write and commit: worker threads read, analyze and write them
 *   (pipeline.h); the documents of files gone from the folders scanned are
 *   deleted (not those under a file or folder that could not be read, and
 *   none when that would take more of a source than max_delete allows),
 *   the sources are recorded (sources.h) and every shard commits;
 * - publish: a new index or a rebuild is compacted and switched to (and so
 *   is a killed first build, by the run that finishes it); any other run
 *   syncs its shards as they are.
 * A run killed at any moment leaves each shard at its last commit, and the
 * next run finishes the work. */
#ifndef FH_INDEX_RUN_H
#define FH_INDEX_RUN_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "status.h"
#include "walk.h"

/* What a run tells its caller, through fh_index_opts.on_event. */
typedef enum fh_index_event_kind {
    FH_INDEX_EVENT_MESSAGE,  /* a warning or an error, one line: path and text */
    FH_INDEX_EVENT_CHANGE,   /* a change a dry run would make (with list_changes) */
    FH_INDEX_EVENT_PROGRESS, /* how far writing has come (with progress) */
    FH_INDEX_EVENT_END,      /* the run is over: a progress line drawn goes */
} fh_index_event_kind;

typedef struct fh_index_event {
    fh_index_event_kind kind;
    /* MESSAGE: the file, line ("FILE:LINE") or index it is about, or NULL;
     * CHANGE: the file or page (path_len bytes, not escaped for a terminal). */
    const char *path;
    size_t path_len;
    /* MESSAGE: the text; CHANGE: "new", "changed" or "deleted". */
    const char *text;
    /* PROGRESS: pages and files done of files_total, bytes read of
     * bytes_total, and the seconds since writing began. */
    uint64_t pages, files, files_total, bytes, bytes_total;
    double seconds;
} fh_index_event;

/* Called with each event, from any of the run's threads but never two at a
 * time. ev and what it points to are valid only during the call. */
typedef void (*fh_index_event_fn)(void *ctx, const fh_index_event *ev);

typedef struct fh_index_opts {
    const char *db_path;
    const char *const *sources;
    size_t n_sources;
    fh_walk_opts walk;
    uint64_t max_file_size;     /* pages (and JSONL lines) larger than this are skipped */
    int dry_run;                /* say what would change, change nothing */
    int no_delete;              /* keep documents whose files are gone */
    uint64_t max_delete;        /* the most documents a run may delete under a source ... */
    int max_delete_percent;     /* ... as a percentage of those it holds there (when set) */
    int rebuild;                /* build a new index beside the old, then swap */
    int wait_for_lock;          /* wait for another indexer instead of exiting 75 */
    double wait_seconds;        /* with wait_for_lock: at most this long (< 0, the default:
                                   as long as it takes) */
    int quiet;                  /* say nothing when another indexer holds the lock (the
                                   status, FH_ERR_LOCKED, says it) */
    unsigned threads;           /* worker threads (0 = one per shard, at most one per core) */
    unsigned shards;            /* shards of a new or rebuilt index, or to compact into (0 =
                                   a new index written by one writer per core, then merged
                                   into one; a rebuild keeps the count; one for compact) */
    int compact;                /* merge the shards into `shards` (default one) at the end */
    size_t commit_docs;         /* commit after this many changes */
    double commit_seconds;      /* ... or after this long */
    int progress;               /* send PROGRESS events while writing */
    int list_changes;           /* send a CHANGE event for each change (with dry_run) */
    fh_analyzer_opts analyzer;  /* settings of a new index */
    fh_index_event_fn on_event; /* warnings, changes, progress (NULL: none) */
    void *event_ctx;            /* passed to on_event */
} fh_index_opts;

/* Defaults: no sources, 64 MiB files, deleting at most half of what a
 * source holds, commit every 500 changes or 30 s, no waiting for the lock
 * (and with wait_for_lock, waiting as long as it takes), no events. */
void fh_index_opts_init(fh_index_opts *opts);

/* A page of a web archive is counted by its URL, as searches show it:
 * new (no capture of it was shown), changed (the capture shown is another,
 * or was written anew), deleted (none is shown now), unchanged; hidden
 * counts the older captures of those URLs kept (captures.h). */
typedef struct fh_index_report {
    uint64_t added, changed, deleted, unchanged, skipped;
    uint64_t hidden;      /* older captures of the URLs counted, kept hidden */
    uint64_t passed_over; /* archive records that are not pages (requests, images, ...) */
    uint64_t warnings;
    uint64_t pages_read; /* documents analyzed */
    uint64_t bytes_read; /* bytes of the files read */
    double seconds;
} fh_index_report;

/* Run: bring the index opts->db_path up to date with opts->sources.
 * Warnings and errors reach opts->on_event, one MESSAGE each, naming the
 * file or the index; the last event is END. *report is filled in either
 * way. Returns:
 *   FH_OK            the index is up to date (some files may have been
 *                    skipped, with a warning)
 *   FH_ERR_GUARD     the run would delete more documents under a source
 *                    than opts->max_delete allows: it deleted none (said,
 *                    one line per source), and wrote the rest
 *   FH_ERR_INVALID   the options do not fit the index (--compact --jobs N
 *                    where N does not divide its shards)
 *   FH_ERR_NOTFOUND  a source does not exist and the index holds nothing
 *                    under it, or no source could be read at all
 *   FH_ERR_OPENING, FH_ERR_CORRUPT  the index cannot be created or opened,
 *                    or opts->db_path is a folder that is not a fihris index
 *                    (nothing in it touched)
 *   FH_ERR_LOCKED    another indexer is updating the index
 *   any other status: reading or writing failed (disk full, ...). */
fh_status fh_index_run(const fh_index_opts *opts, fh_index_report *report);

/* Remove from the index opts->db_path every document under the path
 * prefixes opts->sources (made absolute, and real where they exist), also
 * of files that no longer exist, the files remembered as skipped under
 * them, and the sources they name from the index's list; under the lock,
 * one commit per shard. With opts->dry_run, only count. report->deleted
 * says how many went. Returns FH_OK, FH_ERR_NOTFOUND when there is no
 * index, or the statuses of fh_index_run() for an index that cannot be
 * opened or written. */
fh_status fh_index_forget(const fh_index_opts *opts, fh_index_report *report);

/* Merge the index's shards into opts->shards (0: one) with Xapian's
 * compaction, beside the old ones, then switch the stub to them: searchers
 * go on meanwhile. lock_fd: the folder's lock when the caller holds it, or
 * -1 to take it here. Messages reach opts->on_event. Returns the statuses
 * of fh_index_run(): FH_ERR_INVALID when the count does not divide the
 * index's, FH_ERR_NOTFOUND when there is no index. */
fh_status fh_index_compact(const fh_index_opts *opts, int lock_fd);

#endif
