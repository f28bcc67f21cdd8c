/* pipeline_internal.h - what the pipeline's modules share (pipeline.c
 * runs the workers and writers; pipeline_jsonl.c and pipeline_archive.c
 * read the files of many documents); not part of its API. */
#ifndef FH_INDEX_PIPELINE_INTERNAL_H
#define FH_INDEX_PIPELINE_INTERNAL_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "document.h"
#include "page.h"
#include "pipeline.h"

#define RESULT_QUEUE 256

/* Said of a skipped file the index held: its earlier text is taken out. */
#define FH_PIPELINE__STALE " (its earlier text leaves the index)"

/* The reason a file skipped for what it holds is remembered with
 * (skipped.h): said once, then passed over while it stays the same. */
#define FH_PIPELINE__SKIP_CONTENT "content"

typedef struct job {
    char *path;
    size_t path_len;
    fh_page_format format;
    uint64_t size;
    int64_t mtime_ns;
    /* A web archive read before up to resume (0: read it all), if the
     * tail_len bytes before resume still hash to tail_hash. */
    uint64_t resume;
    uint64_t tail_hash;
    uint32_t tail_len;
    int resume_arc; /* it was read as ARC (else WARC) */
} job;

typedef enum result_kind {
    RESULT_PUT,   /* add or replace doc under key_term */
    RESULT_TOUCH, /* same content, new size/mtime: rewrite the state value of docid */
} result_kind;

typedef struct result {
    result_kind kind;
    fh_doc *doc;
    char *key_term;
    size_t key_term_len;
    int is_new;
    int capture; /* a capture of a URL: counted by the run's captures, not here */
    fh_docid docid;
    char *state;
    size_t state_len;
} result;

/* One shard's queue of results. Workers put results in; one worker at a
 * time writes what it holds, until it is empty (see push_result() for
 * which). So the run's threads read, analyze and write alike, and no shard
 * has two writers. A queue a quarter full always has a writer, and when the
 * workers have ended every queue is empty. */
typedef struct shard_queue {
    result items[RESULT_QUEUE];
    size_t head, len;
    pthread_cond_t not_full;
    int writing;    /* a worker is writing this shard's results */
    int owner_gone; /* the shard's own worker has ended (or never started) */
    /* Used only by the worker writing the shard: */
    fh_db *db;
    double last_commit;
    uint64_t since_commit;
    fh_status status; /* FH_OK, or the store's status of the first failed write */
} shard_queue;

struct fh_pipeline {
    const fh_index_opts *opts;
    fh_index_report *report; /* the counts (under lock while workers run) */
    const fh_analyzer_opts *analyzer_opts;
    fh_state_table *state;
    fh_skipped *remembered; /* files skipped for their content (under lock) */
    unsigned n_shards;      /* shards written (one queue each) */
    int reread_jsonl;       /* the last run did not finish: read JSONL files again */
    fh_unread *unread;      /* the files and folders that could not be read */
    fh_captures *captures;  /* notes of what is done with captures (under lock; NULL: none) */

    job *jobs;
    size_t n_jobs, cap_jobs;
    uint64_t job_bytes;

    pthread_mutex_t lock; /* guards everything below */
    shard_queue *queues;  /* n_shards */
    size_t next_job;
    unsigned workers_running;
    unsigned n_workers;      /* shard i's own worker is i % n_workers */
    int stop;                /* a writer failed: workers finish now */
    fh_status worker_status; /* the first fatal worker error (out of memory) */
    uint64_t files_done;
};

typedef struct worker {
    fh_pipeline *p;
    unsigned index;
    fh_analyzer *analyzer;
    fh_document_builder *builder;
    fh_buf key;
    fh_buf term;
    fh_buf state;
    const job *j;
    int date_warned; /* the job's file has had its warning of a date not read */
} worker;

/* Add one to a count of the report (workers share it). */
void fh_pipeline__count(fh_pipeline *p, uint64_t *counter);

/* Say a warning of path (a file, "FILE:LINE", ...) and count it. */
void fh_pipeline__warn(fh_pipeline *p, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* One page of the worker's current job: compare it with the index, build
 * and queue it if needed (a dry run only counts it). label names it in
 * warnings. Returns FH_OK or FH_ERR_NOMEM. */
fh_status fh_pipeline__page(worker *w, const fh_page *page, const char *label);

/* Mark every document of the file path as still there. */
void fh_pipeline__mark_seen(fh_pipeline *p, const char *path, size_t len);

/* Remember a warning (or an archive's progress) of path (skipped.h);
 * nothing in a dry run. */
void fh_pipeline__remember(fh_pipeline *p, const char *path, size_t len, const char *why,
                           uint64_t size, int64_t mtime_ns);

/* A web archive met by the walk, with its size and time: 1 when it has not
 * changed since it was read last (its progress is remembered again), else
 * 0, with where to resume reading it set in *j (0: from the start). */
int fh_pipeline__archive_walked(fh_pipeline *p, const char *path, size_t len, job *j);

/* Whether the run is stopping (a writer failed). */
int fh_pipeline__stopping(fh_pipeline *p);

/* The pages of the JSONL file data (len bytes) of the worker's job. Returns
 * FH_OK, FH_ERR_NOMEM, or FH_ERR_ENCODING for a binary file. */
fh_status fh_pipeline__read_jsonl(worker *w, const char *data, size_t len);

/* The pages of the web archive of the worker's job, read as a stream.
 * Returns FH_OK, FH_ERR_NOMEM, or FH_ERR_IO with *err the errno when the
 * file cannot be read. */
fh_status fh_pipeline__read_archive(worker *w, int *err);

#endif
