/* pipeline.h - the pages of a run, from files to the shards.
 *
 * Walking (fh_pipeline_walk()): each page file is checked against the
 * index's state (state.h) by size and modification time; files that are
 * new or changed become jobs. Writing (fh_pipeline_write()): worker threads
 * read the jobs' files (page.h), compare content hashes and build Xapian
 * documents (document.h); each document goes to its shard (shards.h),
 * written by the worker that built it unless another worker is writing
 * that shard (then it queues it for that one); a shard's writer replaces
 * documents by key and commits every commit_docs changes or
 * commit_seconds. Every document the pipeline meets is marked seen in the
 * state table: the run deletes the others of the folders scanned, except
 * those under a file or folder that could not be read (unread.h). The
 * counts go to the run's fh_index_report, the warnings to its on_event
 * (progress.h). */
#ifndef FH_INDEX_PIPELINE_H
#define FH_INDEX_PIPELINE_H

#include <stddef.h>

#include "analyzer.h"
#include "captures.h"
#include "run.h"
#include "skipped.h"
#include "state.h"
#include "status.h"
#include "store.h"
#include "unread.h"

typedef struct fh_pipeline_setup {
    const fh_index_opts *opts;        /* the run's options */
    const fh_analyzer_opts *analyzer; /* the index's settings */
    fh_state_table *state;            /* what the shards hold; marked as files are seen */
    fh_skipped *remembered;           /* files skipped before (NULL: none) */
    unsigned n_shards;                /* shards written (0 for a dry run) */
    int reread_jsonl;                 /* the last run did not finish: read JSONL files again */
    fh_unread *unread;                /* what could not be read is added (NULL: only said) */
    fh_captures *captures; /* what is done with captures of URLs is noted there, not counted
                              (NULL: counted as every document) */
} fh_pipeline_setup;

typedef struct fh_pipeline fh_pipeline;

/* Make a pipeline. setup and everything it points to must outlive it;
 * report (zeroed by the caller) receives the counts as they come. Returns
 * FH_OK and *out (free with fh_pipeline_free()), or FH_ERR_NOMEM. */
fh_status fh_pipeline_new(const fh_pipeline_setup *setup, fh_index_report *report,
                          fh_pipeline **out);

/* Free a pipeline. Accepts NULL. */
void fh_pipeline_free(fh_pipeline *p);

/* Walk root (a folder or a file; walk.h) with the run's walk options:
 * unchanged files are counted, skipped ones said, the others kept as jobs
 * (a dry run's too: fh_pipeline_write() counts them). Returns FH_OK, fh_walk()'s status, or
 * FH_ERR_NOMEM. */
fh_status fh_pipeline_walk(fh_pipeline *p, const char *root);

/* Read, analyze and write the jobs in worker threads until done, into
 * dbs[0..n_shards) (open for writing; each commits as it goes). A dry run
 * (n_shards 0, dbs NULL) reads, compares and analyzes the same way, and
 * only counts what it would write. Returns
 * FH_OK or the first failure: FH_ERR_NOMEM, or the store's status with
 * *failed the shard at fault (its message on it). */
fh_status fh_pipeline_write(fh_pipeline *p, fh_db **dbs, unsigned *failed);

/* The cores online (at least one): the most workers a pipeline starts
 * unless told, and the shards of a new index unless told. */
unsigned fh_pipeline_cores(void);

#endif
