/* pipeline.c - the pages of a run, from files to the shards (see
 * pipeline.h). */
#include "pipeline.h"
#include "pipeline_internal.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "document.h"
#include "file.h"
#include "page.h"
#include "progress.h"
#include "record.h"
#include "shards.h"
#include "walk.h"

static int64_t mtime_ns_of(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* ---- The pipeline's shared state ----------------------------------------- */

/* Add one to a count of the report (workers share it). */
void fh_pipeline__count(fh_pipeline *p, uint64_t *counter)
{
    pthread_mutex_lock(&p->lock);
    (*counter)++;
    pthread_mutex_unlock(&p->lock);
}

void fh_pipeline__warn(fh_pipeline *p, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fh_progress_say(p->opts, path, "%s", msg);
    fh_pipeline__count(p, &p->report->warnings);
}

int fh_pipeline__stopping(fh_pipeline *p)
{
    pthread_mutex_lock(&p->lock);
    int stopping = p->stop;
    pthread_mutex_unlock(&p->lock);
    return stopping;
}

/* A file or folder that cannot be read: said once, and what the index
 * holds under it is kept. */
static void unreadable(void *ctx, const char *path, int err)
{
    if (fh_unread_add(((fh_pipeline *)ctx)->unread, path, strlen(path)))
        fh_pipeline__warn(ctx, path, "cannot read: %s", strerror(err));
}

/* Remember a warning of path (skipped.h); out of memory, it is only said
 * again next time. */
void fh_pipeline__remember(fh_pipeline *p, const char *path, size_t len, const char *why,
                           uint64_t size, int64_t mtime_ns)
{
    if (p->remembered == NULL || p->opts->dry_run)
        return;
    pthread_mutex_lock(&p->lock);
    fh_skipped_add(p->remembered, path, len, why, size, mtime_ns);
    pthread_mutex_unlock(&p->lock);
}

/* A warning of the walk (a symbolic link loop, a folder already visited)
 * is said once, then remembered while it recurs. */
static void walk_warning(void *ctx, const char *path, const char *reason)
{
    fh_pipeline *p = ctx;
    size_t len = strlen(path);
    if (!fh_skipped_unchanged(p->remembered, path, len, reason, 0, 0))
        fh_pipeline__warn(p, path, "%s", reason);
    fh_pipeline__remember(p, path, len, reason, 0, 0);
}

/* Mark every document of the file path as still there. */
void fh_pipeline__mark_seen(fh_pipeline *p, const char *path, size_t len)
{
    fh_state_entry *e = fh_state_table_first_of_path(p->state, path, len);
    for (; e; e = fh_state_table_next_of_path(p->state, e))
        e->seen = 1;
}

/* ---- Walking: which files need reading ----------------------------------- */

static fh_status add_job(fh_pipeline *p, const char *path, size_t len, const struct stat *st,
                         fh_page_format format)
{
    if (fh_grow((void **)&p->jobs, &p->cap_jobs, p->n_jobs + 1, sizeof *p->jobs, 1024) != FH_OK)
        return FH_ERR_NOMEM;
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return FH_ERR_NOMEM;
    memcpy(copy, path, len + 1);
    p->jobs[p->n_jobs++] =
        (job){copy, len, format, (uint64_t)st->st_size, mtime_ns_of(st), 0, 0, 0, 0};
    p->job_bytes += (uint64_t)st->st_size;
    return FH_OK;
}

/* The reason path was skipped for before with this size and time: being
 * over the limit now in force (limit_why, when it is over it now), or what
 * it holds. NULL when it was not. */
static const char *skipped_before(fh_pipeline *p, const char *path, size_t len,
                                  const char *limit_why, uint64_t size, int64_t mtime_ns)
{
    if (limit_why && fh_skipped_unchanged(p->remembered, path, len, limit_why, size, mtime_ns))
        return limit_why;
    if (fh_skipped_unchanged(p->remembered, path, len, FH_PIPELINE__SKIP_CONTENT, size, mtime_ns))
        return FH_PIPELINE__SKIP_CONTENT;
    return NULL;
}

static int on_file(void *ctx, const char *path, size_t len, const struct stat *st,
                   fh_page_format format)
{
    fh_pipeline *p = ctx;
    const fh_index_opts *o = p->opts;
    fh_state_entry *e = fh_state_table_first_of_path(p->state, path, len);
    /* A JSONL file's pages are committed as they come: after a run that did
     * not finish, its size and time may be on only part of them. */
    int trust_time = !fh_page_format_many(format) || !p->reread_jsonl;
    /* A web archive is compared with how far it was read (it may grow). */
    job probe = {NULL, len, format, (uint64_t)st->st_size, mtime_ns_of(st), 0, 0, 0, 0};
    int read_all =
        trust_time && format == FH_FORMAT_WARC && fh_pipeline__archive_walked(p, path, len, &probe);
    if ((e && trust_time && e->size == (uint64_t)st->st_size && e->mtime_ns == mtime_ns_of(st)) ||
        read_all) {
        /* Unchanged by size and time: nothing to read. */
        for (fh_state_entry *x = e; x; x = fh_state_table_next_of_path(p->state, x)) {
            x->seen = 1;
            if (x->capture && p->captures)
                fh_captures_note_kept(p->captures, x);
            else
                p->report->unchanged++;
        }
        return 0;
    }
    /* A file whose text cannot be indexed now (empty, too large, binary) is
     * not marked seen: what the index held of it is stale and goes. It is
     * said once, then passed over in silence while it stays the same, and
     * one over the size limit while the limit stays the same too. */
    uint64_t size = (uint64_t)st->st_size;
    int too_big = !fh_page_format_many(format) && format == fh_page_format_inner(format) &&
                  size > o->max_file_size;
    char over_limit[40];
    snprintf(over_limit, sizeof over_limit, "limit=%llu", (unsigned long long)o->max_file_size);
    const char *before =
        e ? NULL : skipped_before(p, path, len, too_big ? over_limit : NULL, size, mtime_ns_of(st));
    if (before) {
        fh_pipeline__remember(p, path, len, before, size, mtime_ns_of(st));
        p->report->skipped++;
        return 0;
    }
    if (size == 0) {
        fh_pipeline__warn(p, path, "skipped: empty file%s", e ? FH_PIPELINE__STALE : "");
        fh_pipeline__remember(p, path, len, FH_PIPELINE__SKIP_CONTENT, 0, mtime_ns_of(st));
        p->report->skipped++;
        return 0;
    }
    if (too_big) {
        fh_pipeline__warn(p, path, "skipped: %llu bytes is over --max-file-size (%llu)%s",
                          (unsigned long long)size, (unsigned long long)o->max_file_size,
                          e ? FH_PIPELINE__STALE : "");
        fh_pipeline__remember(p, path, len, over_limit, size, mtime_ns_of(st));
        p->report->skipped++;
        return 0;
    }
    /* A dry run reads and compares the file as the real run will, to count
     * exactly what it will do. */
    if (add_job(p, path, len, st, format) != FH_OK) {
        p->worker_status = FH_ERR_NOMEM;
        return 1;
    }
    job *j = &p->jobs[p->n_jobs - 1];
    j->resume = probe.resume;
    j->tail_hash = probe.tail_hash;
    j->tail_len = probe.tail_len;
    j->resume_arc = probe.resume_arc;
    return 0;
}

/* ---- Workers: read, compare, analyze ------------------------------------- */

static void write_queued_locked(fh_pipeline *p, unsigned shard);

/* Hand a result to its shard, queued; worker self then writes what the
 * queue holds when nobody is writing it and the shard is self's own, or its
 * own worker has ended, or the queue is a quarter full. (A shard written by
 * one worker keeps Xapian's buffers in one core's cache: two workers taking
 * turns on both shards spent a fifth more CPU.) Waits while the queue is
 * full. Returns 0, or 1 when the run is stopping (the result is then freed
 * here). */
static int push_result(fh_pipeline *p, unsigned self, unsigned shard, result *res)
{
    shard_queue *q = &p->queues[shard];
    pthread_mutex_lock(&p->lock);
    while (q->len == RESULT_QUEUE && !p->stop)
        pthread_cond_wait(&q->not_full, &p->lock);
    int stopping = p->stop;
    if (!stopping) {
        q->items[(q->head + q->len) % RESULT_QUEUE] = *res;
        q->len++;
        if (!q->writing &&
            (shard % p->n_workers == self || q->owner_gone || q->len >= RESULT_QUEUE / 4))
            write_queued_locked(p, shard);
    }
    pthread_mutex_unlock(&p->lock);
    if (stopping) {
        fh_doc_free(res->doc);
        free(res->key_term);
        free(res->state);
    }
    return stopping;
}

/* Wake every thread that waits on a queue (the run stops). */
static void wake_all_locked(fh_pipeline *p)
{
    for (unsigned i = 0; i < p->n_shards; i++)
        pthread_cond_broadcast(&p->queues[i].not_full);
}

/* A dry run counts (and lists, with list_changes) the page with this key
 * that the real run would write. */
static void count_dry(fh_pipeline *p, const char *key, size_t len, int is_new, int capture)
{
    if (p->opts->list_changes)
        fh_progress_change(p->opts, is_new ? "new" : "changed", key, len);
    pthread_mutex_lock(&p->lock);
    if (capture)
        ; /* counted by URL, from the run's captures */
    else if (is_new)
        p->report->added++;
    else
        p->report->changed++;
    p->report->pages_read++;
    pthread_mutex_unlock(&p->lock);
}

/* One page of the current job: compare with the index, build if needed
 * (a dry run only counts it). */
fh_status fh_pipeline__page(worker *w, const fh_page *page, const char *label)
{
    fh_pipeline *p = w->p;
    const job *j = w->j;
    fh_buf_reset(&w->key);
    fh_buf_append(&w->key, j->path, j->path_len);
    if (page->id) {
        fh_buf_putc(&w->key, '#');
        fh_buf_puts(&w->key, page->id);
    }
    if (fh_buf_status(&w->key) != FH_OK)
        return FH_ERR_NOMEM;
    if (fh_page_warning(page))
        fh_pipeline__warn(p, label, fh_page_warning(page));

    uint64_t hash = fh_document_hash(page);
    fh_state_entry *e = fh_state_table_find(p->state, w->key.data, w->key.len);
    /* A capture of a URL is counted by URL, from the run's notes. */
    int capture = p->captures && page->in_archive && page->url && (e == NULL || e->capture);
    if (e) {
        e->seen = 1;
        if (e->hash == hash) {
            pthread_mutex_lock(&p->lock);
            if (capture)
                fh_captures_note_kept(p->captures, e);
            else
                p->report->unchanged++;
            pthread_mutex_unlock(&p->lock);
            if ((e->size == j->size && e->mtime_ns == j->mtime_ns) || p->n_shards == 0)
                return FH_OK;
            fh_record_state st = {w->key.data, w->key.len, j->path_len, j->size, j->mtime_ns, hash};
            fh_buf_reset(&w->state);
            if (fh_record_state_encode(&st, &w->state) != FH_OK)
                return FH_ERR_NOMEM;
            result res = {RESULT_TOUCH, NULL, NULL, 0, 0, 0, e->docid, NULL, 0};
            res.state = fh_buf_detach(&w->state, &res.state_len);
            if (res.state == NULL)
                return FH_ERR_NOMEM;
            push_result(p, w->index, e->shard, &res);
            return FH_OK;
        }
    }
    fh_document_origin origin = {w->key.data, w->key.len, j->path_len, j->size, j->mtime_ns};
    result res = {RESULT_PUT, NULL, NULL, 0, e == NULL, capture, 0, NULL, 0};
    fh_status rc = fh_document_build(w->builder, page, &origin, hash, &res.doc);
    if (rc != FH_OK) {
        if (rc == FH_ERR_NOMEM)
            return rc;
        fh_pipeline__warn(p, label, "skipped: %s", fh_status_str(rc));
        return FH_OK;
    }
    if (fh_document_builder_bad_date(w->builder) && !w->date_warned) {
        w->date_warned = 1; /* once a file */
        fh_pipeline__warn(p, label,
                          "a date that is not one of the forms read (fihris(7)): the "
                          "page is indexed without it");
    }
    if (capture) {
        pthread_mutex_lock(&p->lock);
        rc = fh_captures_note_written(p->captures, e, w->key.data, w->key.len, page->url,
                                      page->captured ? page->captured : "");
        pthread_mutex_unlock(&p->lock);
        if (rc != FH_OK) {
            fh_doc_free(res.doc);
            return rc;
        }
    }
    if (p->n_shards == 0) {
        count_dry(p, w->key.data, w->key.len, e == NULL, capture);
        fh_doc_free(res.doc);
        return FH_OK;
    }
    fh_buf_reset(&w->term);
    fh_document_key_term(w->key.data, w->key.len, &w->term);
    res.key_term = fh_buf_detach(&w->term, &res.key_term_len);
    if (res.key_term == NULL) {
        fh_doc_free(res.doc);
        return FH_ERR_NOMEM;
    }
    /* A page stays in the shard that holds it; a new one goes where its
     * key hashes to. */
    unsigned shard = e ? e->shard : fh_shards_of_key(w->key.data, w->key.len, p->n_shards);
    push_result(p, w->index, shard, &res);
    return FH_OK;
}

/* Read the job's file whole (inflated when it is compressed) and its pages. */
static fh_status read_whole(worker *w, int *err)
{
    const job *j = w->j;
    char *data = NULL;
    size_t len = 0;
    fh_status rc = fh_file_read(j->path, &data, &len, err);
    if (rc != FH_OK)
        return rc;
    fh_page_format format = fh_page_format_inner(j->format);
    if (format != j->format) {
        char *raw = data;
        rc = fh_file_inflate(raw, len, w->p->opts->max_file_size, &data, &len);
        free(raw);
        if (rc != FH_OK)
            return rc;
    }
    if (format == FH_FORMAT_JSONL) {
        rc = fh_pipeline__read_jsonl(w, data, len);
    } else {
        fh_page page;
        memset(&page, 0, sizeof page);
        rc = format == FH_FORMAT_HTML ? fh_page_read_html(data, len, &page)
                                      : fh_page_read_txt(data, len, &page);
        if (rc == FH_OK)
            rc = fh_pipeline__page(w, &page, j->path);
        fh_page_clear(&page);
    }
    free(data);
    return rc;
}

static fh_status process_job(worker *w)
{
    fh_pipeline *p = w->p;
    const job *j = w->j;
    int err = 0;
    fh_status rc =
        j->format == FH_FORMAT_WARC ? fh_pipeline__read_archive(w, &err) : read_whole(w, &err);
    if (rc == FH_ERR_NOMEM)
        return rc;
    if (rc == FH_ERR_IO) {
        unreadable(p, j->path, err);
        fh_pipeline__mark_seen(p, j->path, j->path_len);
        fh_pipeline__count(p, &p->report->skipped);
        return FH_OK;
    }
    if (rc == FH_ERR_ENCODING || rc == FH_ERR_TOOBIG || rc == FH_ERR_CORRUPT) {
        int held = fh_state_table_first_of_path(p->state, j->path, j->path_len) != NULL;
        fh_pipeline__warn(p, j->path, "skipped: %s%s",
                          rc == FH_ERR_ENCODING ? "binary file (NUL bytes)"
                          : rc == FH_ERR_TOOBIG
                              ? "too large"
                              : "not valid gzip or zstd data (corrupt or cut short)",
                          held ? FH_PIPELINE__STALE : "");
        fh_pipeline__remember(p, j->path, j->path_len, FH_PIPELINE__SKIP_CONTENT, j->size,
                              j->mtime_ns);
        fh_pipeline__count(p, &p->report->skipped);
        rc = FH_OK;
    }
    if (rc == FH_OK) {
        pthread_mutex_lock(&p->lock);
        p->files_done++;
        p->report->bytes_read += j->size;
        pthread_mutex_unlock(&p->lock);
    }
    return rc;
}

/* Worker self ends: its shards are written by whoever queues to them from
 * now on, and what they hold now is written here. */
static void give_up_shards_locked(fh_pipeline *p, unsigned self)
{
    for (unsigned i = self; i < p->n_shards; i += p->n_workers) {
        shard_queue *q = &p->queues[i];
        q->owner_gone = 1;
        if (q->len > 0 && !q->writing)
            write_queued_locked(p, i);
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    fh_pipeline *p = w->p;
    for (;;) {
        pthread_mutex_lock(&p->lock);
        int done = p->stop || p->next_job == p->n_jobs;
        size_t i = p->next_job;
        if (!done)
            p->next_job++;
        pthread_mutex_unlock(&p->lock);
        if (done)
            break;
        w->j = &p->jobs[i];
        w->date_warned = 0;
        fh_status rc = process_job(w);
        if (rc != FH_OK) {
            pthread_mutex_lock(&p->lock);
            if (p->worker_status == FH_OK)
                p->worker_status = rc;
            p->stop = 1;
            wake_all_locked(p);
            pthread_mutex_unlock(&p->lock);
            break;
        }
    }
    pthread_mutex_lock(&p->lock);
    p->workers_running--;
    if (p->workers_running == 0)
        wake_all_locked(p);
    give_up_shards_locked(p, w->index);
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

/* ---- Writing ------------------------------------------------------------- */

static fh_status apply_result(fh_pipeline *p, fh_db *db, result *res)
{
    fh_status rc = FH_OK;
    switch (res->kind) {
    case RESULT_PUT:
        rc = fh_db_replace_by_key(db, res->key_term, res->key_term_len, res->doc, NULL);
        if (rc == FH_OK) {
            pthread_mutex_lock(&p->lock);
            if (res->capture)
                ; /* counted by URL, from the run's captures */
            else if (res->is_new)
                p->report->added++;
            else
                p->report->changed++;
            p->report->pages_read++;
            pthread_mutex_unlock(&p->lock);
        }
        break;
    case RESULT_TOUCH: {
        fh_doc *doc = NULL;
        rc = fh_db_get_doc(db, res->docid, &doc);
        if (rc == FH_OK)
            rc = fh_doc_set_value(doc, FH_SLOT_STATE, res->state, res->state_len);
        if (rc == FH_OK)
            rc = fh_db_replace(db, res->docid, doc);
        fh_doc_free(doc);
        break;
    }
    }
    fh_doc_free(res->doc);
    free(res->key_term);
    free(res->state);
    return rc;
}

/* Write shard's queued results until its queue is empty, committing every
 * commit_docs changes or commit_seconds. Called with p->lock held, which is
 * let go while writing. */
static void write_queued_locked(fh_pipeline *p, unsigned shard)
{
    shard_queue *q = &p->queues[shard];
    const fh_index_opts *o = p->opts;
    q->writing = 1;
    while (q->len > 0) {
        result res = q->items[q->head];
        q->head = (q->head + 1) % RESULT_QUEUE;
        q->len--;
        pthread_cond_signal(&q->not_full);
        pthread_mutex_unlock(&p->lock);
        fh_status rc = q->status;
        if (rc != FH_OK) {
            /* Failed already: only drain, so that workers can finish. */
            fh_doc_free(res.doc);
            free(res.key_term);
            free(res.state);
        } else {
            rc = apply_result(p, q->db, &res);
            q->since_commit++;
            double now = fh_progress_now();
            if (rc == FH_OK &&
                (q->since_commit >= o->commit_docs || now - q->last_commit >= o->commit_seconds)) {
                fh_shards_stamp(q->db, "fihris.updated");
                rc = fh_shards_commit(q->db);
                q->since_commit = 0;
                q->last_commit = now;
            }
        }
        pthread_mutex_lock(&p->lock);
        if (rc != FH_OK && q->status == FH_OK) {
            q->status = rc;
            p->stop = 1;
            wake_all_locked(p);
        }
    }
    q->writing = 0;
}

/* ---- The pipeline -------------------------------------------------------- */

fh_status fh_pipeline_new(const fh_pipeline_setup *setup, fh_index_report *report,
                          fh_pipeline **out)
{
    *out = NULL;
    fh_pipeline *p = calloc(1, sizeof *p);
    if (p == NULL)
        return FH_ERR_NOMEM;
    p->opts = setup->opts;
    p->report = report;
    p->analyzer_opts = setup->analyzer;
    p->state = setup->state;
    p->remembered = setup->remembered;
    p->n_shards = setup->n_shards;
    p->reread_jsonl = setup->reread_jsonl;
    p->unread = setup->unread;
    p->captures = setup->captures;
    pthread_mutex_init(&p->lock, NULL);
    *out = p;
    return FH_OK;
}

void fh_pipeline_free(fh_pipeline *p)
{
    if (p == NULL)
        return;
    for (unsigned i = 0; p->queues && i < p->n_shards; i++)
        pthread_cond_destroy(&p->queues[i].not_full);
    free(p->queues);
    for (size_t i = 0; i < p->n_jobs; i++)
        free(p->jobs[i].path);
    free(p->jobs);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

fh_status fh_pipeline_walk(fh_pipeline *p, const char *root)
{
    fh_walk_callbacks cb = {on_file, walk_warning, p, unreadable};
    fh_status rc = fh_walk(root, &p->opts->walk, &cb);
    return rc == FH_OK ? p->worker_status : rc;
}

unsigned fh_pipeline_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

/* Make n workers (an analyzer and a document builder each) and start their
 * threads; *started says how many run. Returns FH_OK (also when only some
 * threads could start), or FH_ERR_NOMEM. */
static fh_status start_workers(fh_pipeline *p, pthread_t *threads, worker *workers, unsigned n,
                               unsigned *started)
{
    *started = 0;
    p->workers_running = 0;
    p->n_workers = n;
    for (unsigned i = 0; i < n; i++) {
        worker *w = &workers[i];
        memset(w, 0, sizeof *w);
        w->p = p;
        w->index = i;
        fh_status rc = fh_analyzer_new(p->analyzer_opts, &w->analyzer);
        if (rc == FH_OK)
            rc = fh_document_builder_new(w->analyzer, &w->builder);
        if (rc != FH_OK)
            return rc;
    }
    for (unsigned i = 0; i < n; i++) {
        pthread_mutex_lock(&p->lock);
        p->workers_running++;
        pthread_mutex_unlock(&p->lock);
        if (pthread_create(&threads[i], NULL, worker_main, &workers[i]) != 0) {
            pthread_mutex_lock(&p->lock);
            p->workers_running--;
            for (unsigned k = i; k < n; k++)
                give_up_shards_locked(p, k);
            pthread_mutex_unlock(&p->lock);
            /* Fewer threads are fine; none is not. */
            return i == 0 ? FH_ERR_NOMEM : FH_OK;
        }
        (*started)++;
    }
    return FH_OK;
}

/* Send a PROGRESS event with the counts so far. */
static void show_progress(fh_pipeline *p, double started)
{
    pthread_mutex_lock(&p->lock);
    uint64_t pages = p->report->pages_read, files = p->files_done;
    uint64_t bytes = p->report->bytes_read;
    pthread_mutex_unlock(&p->lock);
    fh_progress_show(p->opts, pages, files, p->n_jobs, bytes, p->job_bytes,
                     fh_progress_now() - started);
}

/* Wait for the workers to end, showing progress while they run if asked. */
static void wait_for_workers(fh_pipeline *p, pthread_t *threads, unsigned n_started, double started)
{
    while (p->opts->progress) {
        pthread_mutex_lock(&p->lock);
        int busy = p->workers_running > 0;
        pthread_mutex_unlock(&p->lock);
        if (!busy)
            break;
        show_progress(p, started);
        nanosleep(&(struct timespec){0, 200000000}, NULL);
    }
    for (unsigned i = 0; i < n_started; i++)
        pthread_join(threads[i], NULL);
}

/* One queue per shard, each handed its database. */
static fh_status make_queues(fh_pipeline *p, fh_db **dbs)
{
    p->queues = calloc(p->n_shards ? p->n_shards : 1, sizeof *p->queues);
    if (p->queues == NULL)
        return FH_ERR_NOMEM;
    for (unsigned i = 0; i < p->n_shards; i++) {
        pthread_cond_init(&p->queues[i].not_full, NULL);
        p->queues[i].db = dbs[i];
    }
    return FH_OK;
}

fh_status fh_pipeline_write(fh_pipeline *p, fh_db **dbs, unsigned *failed)
{
    const fh_index_opts *o = p->opts;
    fh_status rc = make_queues(p, dbs);
    if (rc != FH_OK)
        return rc;
    /* As many threads as shards (each can be writing its own), at most one
     * per core, unless told: --jobs 1 is a one-core run. */
    unsigned n_threads = o->threads;
    if (n_threads == 0 && p->n_shards == 0)
        n_threads = fh_pipeline_cores(); /* a dry run: no shard to write */
    if (n_threads == 0)
        n_threads = p->n_shards < fh_pipeline_cores() ? p->n_shards : fh_pipeline_cores();
    if (n_threads > p->n_jobs)
        n_threads = (unsigned)p->n_jobs;
    unsigned n_started = 0;
    pthread_t *threads = calloc(n_threads + 1, sizeof *threads);
    worker *workers = calloc(n_threads + 1, sizeof *workers);
    rc = threads && workers ? FH_OK : FH_ERR_NOMEM;
    double started = fh_progress_now();
    for (unsigned i = 0; i < p->n_shards; i++)
        p->queues[i].last_commit = started;
    if (rc == FH_OK)
        rc = start_workers(p, threads, workers, n_threads, &n_started);
    if (rc != FH_OK) {
        pthread_mutex_lock(&p->lock);
        p->stop = 1;
        wake_all_locked(p);
        pthread_mutex_unlock(&p->lock);
    } else {
        wait_for_workers(p, threads, n_started, started);
    }
    /* Every queue is empty now: its writer was a worker, joined above. */
    for (unsigned i = 0; i < p->n_shards; i++) {
        if (rc == FH_OK && p->queues[i].status != FH_OK) {
            rc = p->queues[i].status;
            *failed = i;
        }
    }
    if (rc == FH_OK)
        rc = p->worker_status;
    for (unsigned i = 0; workers && i < n_threads; i++) {
        fh_document_builder_free(workers[i].builder);
        fh_analyzer_free(workers[i].analyzer);
        fh_buf_free(&workers[i].key);
        fh_buf_free(&workers[i].term);
        fh_buf_free(&workers[i].state);
    }
    free(workers);
    free(threads);
    return rc;
}
