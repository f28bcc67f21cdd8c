/* run.c - one run of fihris-index (see run.h). */
#include "run.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
#include "escape.h"
#include "layout.h"
#include "page.h"
#include "record.h"
#include "settings.h"
#include "shards.h"
#include "skipped.h"
#include "state.h"
#include "store.h"

#define RESULT_QUEUE 256

/* ---- Messages ------------------------------------------------------------ */

static pthread_mutex_t stderr_lock = PTHREAD_MUTEX_INITIALIZER;
static int progress_shown; /* a progress line is on screen (under stderr_lock) */

static void clear_progress_locked(void)
{
    if (progress_shown) {
        fputs("\r\033[K", stderr);
        progress_shown = 0;
    }
}

/* One line on stderr: "fihris-index: PATH: reason", the path made safe. */
static void say(const char *path, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void say(const char *path, const char *fmt, ...)
{
    fh_buf line = FH_BUF_INIT;
    fh_buf_puts(&line, "fihris-index: ");
    if (path) {
        fh_escape_terminal(path, strlen(path), 0, &line);
        fh_buf_puts(&line, ": ");
    }
    va_list ap;
    va_start(ap, fmt);
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fh_buf_puts(&line, msg);
    fh_buf_putc(&line, '\n');
    pthread_mutex_lock(&stderr_lock);
    clear_progress_locked();
    if (fh_buf_status(&line) == FH_OK)
        fputs(line.data, stderr);
    else
        fputs("fihris-index: out of memory\n", stderr);
    pthread_mutex_unlock(&stderr_lock);
    fh_buf_free(&line);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int64_t mtime_ns_of(const struct stat *st)
{
    return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

/* ---- The run's shared state ---------------------------------------------- */

typedef struct job {
    char *path;
    size_t path_len;
    fh_page_format format;
    uint64_t size;
    int64_t mtime_ns;
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
    int status; /* FH_OK, or the store's status of the first failed write */
} shard_queue;

typedef struct run {
    const fh_index_opts *opts;
    fh_index_report *report;
    fh_analyzer_opts analyzer_opts;
    fh_state_table *state;
    fh_skipped *remembered; /* files skipped for their content (under lock) */
    char **roots;           /* the sources, resolved */
    size_t n_roots;
    unsigned n_shards; /* shards written (one queue each) */
    int reread_jsonl;  /* the last run did not finish: read JSONL files again */

    job *jobs;
    size_t n_jobs, cap_jobs;
    uint64_t job_bytes;

    pthread_mutex_t lock; /* guards everything below */
    shard_queue *queues;  /* n_shards */
    size_t next_job;
    unsigned workers_running;
    unsigned n_workers; /* shard i's own worker is i % n_workers */
    int stop;           /* a writer failed: workers finish now */
    int worker_status;  /* the first fatal worker error (out of memory) */
    uint64_t warnings, skipped, unchanged;
    uint64_t files_done;
} run;

static void warn_file(run *r, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void warn_file(run *r, const char *path, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    say(path, "%s", msg);
    pthread_mutex_lock(&r->lock);
    r->warnings++;
    pthread_mutex_unlock(&r->lock);
}

static void walk_warning(void *ctx, const char *path, const char *reason)
{
    run *r = ctx;
    warn_file(r, path, "%s", reason);
}

/* Said of a skipped file the index held: its earlier text is taken out. */
#define STALE " (its earlier text leaves the index)"

/* Remember a file skipped for its content (skipped.h); out of memory, it is
 * only said again next time. */
static void remember_skipped(run *r, const char *path, size_t len, uint64_t size, int64_t mtime_ns)
{
    if (r->remembered == NULL || r->opts->dry_run)
        return;
    pthread_mutex_lock(&r->lock);
    fh_skipped_add(r->remembered, path, len, size, mtime_ns);
    pthread_mutex_unlock(&r->lock);
}

/* Mark every document of the file path as still there. */
static void mark_path_seen(run *r, const char *path, size_t len)
{
    fh_state_entry *e = fh_state_table_first_of_path(r->state, path, len);
    while (e) {
        e->seen = 1;
        e = e->next_same_path == SIZE_MAX ? NULL : fh_state_table_at(r->state, e->next_same_path);
    }
}

/* ---- Walking: which files need reading ----------------------------------- */

static int add_job(run *r, const char *path, size_t len, const struct stat *st,
                   fh_page_format format)
{
    if (fh_grow((void **)&r->jobs, &r->cap_jobs, r->n_jobs + 1, sizeof *r->jobs, 1024) != FH_OK)
        return FH_ERR_NOMEM;
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return FH_ERR_NOMEM;
    memcpy(copy, path, len + 1);
    r->jobs[r->n_jobs++] = (job){copy, len, format, (uint64_t)st->st_size, mtime_ns_of(st)};
    r->job_bytes += (uint64_t)st->st_size;
    return FH_OK;
}

static int on_file(void *ctx, const char *path, size_t len, const struct stat *st,
                   fh_page_format format)
{
    run *r = ctx;
    const fh_index_opts *o = r->opts;
    fh_state_entry *e = fh_state_table_first_of_path(r->state, path, len);
    /* A JSONL file's pages are committed as they come: after a run that did
     * not finish, its size and time may be on only part of them. */
    int trust_time = format != FH_FORMAT_JSONL || !r->reread_jsonl;
    if (e && trust_time && e->size == (uint64_t)st->st_size && e->mtime_ns == mtime_ns_of(st)) {
        /* Unchanged by size and time: nothing to read. */
        for (fh_state_entry *x = e; x; x = x->next_same_path == SIZE_MAX
                                               ? NULL
                                               : fh_state_table_at(r->state, x->next_same_path)) {
            x->seen = 1;
            r->unchanged++;
        }
        return 0;
    }
    /* A file whose text cannot be indexed now (empty, too large, binary) is
     * not marked seen: what the index held of it is stale and goes. It is
     * said once, then passed over in silence while it stays the same. */
    if (e == NULL &&
        fh_skipped_unchanged(r->remembered, path, len, (uint64_t)st->st_size, mtime_ns_of(st))) {
        remember_skipped(r, path, len, (uint64_t)st->st_size, mtime_ns_of(st));
        r->skipped++;
        return 0;
    }
    if (st->st_size == 0) {
        warn_file(r, path, "skipped: empty file%s", e ? STALE : "");
        remember_skipped(r, path, len, 0, mtime_ns_of(st));
        r->skipped++;
        return 0;
    }
    if (format != FH_FORMAT_JSONL && (uint64_t)st->st_size > o->max_file_size) {
        warn_file(r, path, "skipped: %llu bytes is over --max-file-size (%llu)%s",
                  (unsigned long long)st->st_size, (unsigned long long)o->max_file_size,
                  e ? STALE : "");
        remember_skipped(r, path, len, (uint64_t)st->st_size, mtime_ns_of(st));
        r->skipped++;
        return 0;
    }
    if (o->dry_run) {
        if (o->list_changes) {
            pthread_mutex_lock(&stderr_lock);
            clear_progress_locked();
            fh_buf line = FH_BUF_INIT;
            fh_buf_puts(&line, e ? "changed " : "new ");
            fh_escape_terminal(path, len, 0, &line);
            if (fh_buf_status(&line) == FH_OK)
                printf("%s\n", line.data);
            fh_buf_free(&line);
            pthread_mutex_unlock(&stderr_lock);
        }
        if (e) {
            r->report->changed++;
            mark_path_seen(r, path, len);
        } else {
            r->report->added++;
        }
        return 0;
    }
    if (add_job(r, path, len, st, format) != FH_OK) {
        r->worker_status = FH_ERR_NOMEM;
        return 1;
    }
    return 0;
}

/* ---- Workers: read, compare, analyze ------------------------------------- */

static void write_queued_locked(run *r, unsigned shard);

/* Hand a result to its shard, queued; worker self then writes what the
 * queue holds when nobody is writing it and the shard is self's own, or its
 * own worker has ended, or the queue is a quarter full. (A shard written by
 * one worker keeps Xapian's buffers in one core's cache: two workers taking
 * turns on both shards spent a fifth more CPU.) Waits while the queue is
 * full. Returns 0, or 1 when the run is stopping (the result is then freed
 * here). */
static int push_result(run *r, unsigned self, unsigned shard, result *res)
{
    shard_queue *q = &r->queues[shard];
    pthread_mutex_lock(&r->lock);
    while (q->len == RESULT_QUEUE && !r->stop)
        pthread_cond_wait(&q->not_full, &r->lock);
    int stopping = r->stop;
    if (!stopping) {
        q->items[(q->head + q->len) % RESULT_QUEUE] = *res;
        q->len++;
        if (!q->writing &&
            (shard % r->n_workers == self || q->owner_gone || q->len >= RESULT_QUEUE / 4))
            write_queued_locked(r, shard);
    }
    pthread_mutex_unlock(&r->lock);
    if (stopping) {
        fh_doc_free(res->doc);
        free(res->key_term);
        free(res->state);
    }
    return stopping;
}

/* Wake every thread that waits on a queue (the run stops). */
static void wake_all_locked(run *r)
{
    for (unsigned i = 0; i < r->n_shards; i++)
        pthread_cond_broadcast(&r->queues[i].not_full);
}

typedef struct worker {
    run *r;
    unsigned index;
    fh_analyzer *analyzer;
    fh_document_builder *builder;
    fh_buf key;
    fh_buf term;
    fh_buf state;
    const job *j;
} worker;

/* One page of the current job: compare with the index, build if needed. */
static int handle_page(worker *w, const fh_page *page, const char *label)
{
    run *r = w->r;
    const job *j = w->j;
    fh_buf_reset(&w->key);
    fh_buf_append(&w->key, j->path, j->path_len);
    if (page->id) {
        fh_buf_putc(&w->key, '#');
        fh_buf_puts(&w->key, page->id);
    }
    if (fh_buf_status(&w->key) != FH_OK)
        return FH_ERR_NOMEM;
    if (page->lossy)
        warn_file(r, label, "invalid text encoding: bad bytes replaced by U+FFFD");

    uint64_t hash = fh_document_hash(page);
    fh_state_entry *e = fh_state_table_find(r->state, w->key.data, w->key.len);
    if (e) {
        e->seen = 1;
        if (e->hash == hash) {
            pthread_mutex_lock(&r->lock);
            r->unchanged++;
            pthread_mutex_unlock(&r->lock);
            if (e->size == j->size && e->mtime_ns == j->mtime_ns)
                return FH_OK;
            fh_state st = {w->key.data, w->key.len, j->path_len, j->size, j->mtime_ns, hash};
            fh_buf_reset(&w->state);
            if (fh_state_encode(&st, &w->state) != FH_OK)
                return FH_ERR_NOMEM;
            result res = {RESULT_TOUCH, NULL, NULL, 0, 0, e->docid, NULL, 0};
            res.state = fh_buf_detach(&w->state, &res.state_len);
            if (res.state == NULL)
                return FH_ERR_NOMEM;
            push_result(r, w->index, e->shard, &res);
            return FH_OK;
        }
    }
    fh_document_origin origin = {w->key.data, w->key.len, j->path_len, j->size, j->mtime_ns};
    result res = {RESULT_PUT, NULL, NULL, 0, e == NULL, 0, NULL, 0};
    int rc = fh_document_build(w->builder, page, &origin, hash, &res.doc);
    if (rc != FH_OK) {
        if (rc == FH_ERR_NOMEM)
            return rc;
        warn_file(r, label, "skipped: %s", fh_status_str(rc));
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
    unsigned shard = e ? e->shard : fh_shards_of_key(w->key.data, w->key.len, r->n_shards);
    push_result(r, w->index, shard, &res);
    return FH_OK;
}

/* An id of a JSONL file met on line line_no (hash 0: an empty slot). */
typedef struct id_seen {
    uint64_t hash;
    size_t line_no;
} id_seen;

typedef struct jsonl_ctx {
    worker *w;
    int status;
    fh_buf label;
    id_seen *ids; /* open addressing, cap_ids a power of two */
    size_t n_ids, cap_ids;
} jsonl_ctx;

/* Remember that id is on line line_no of the file; the line it was on
 * before (0: none, or out of memory: the check is only for a warning). */
static size_t id_seen_before(jsonl_ctx *c, const char *id, size_t line_no)
{
    if (2 * (c->n_ids + 1) > c->cap_ids) {
        size_t cap = c->cap_ids ? 2 * c->cap_ids : 1024;
        id_seen *ids = calloc(cap, sizeof *ids);
        if (ids == NULL)
            return 0;
        for (size_t i = 0; i < c->cap_ids; i++) {
            if (c->ids[i].hash == 0)
                continue;
            size_t k = c->ids[i].hash & (cap - 1);
            while (ids[k].hash != 0)
                k = (k + 1) & (cap - 1);
            ids[k] = c->ids[i];
        }
        free(c->ids);
        c->ids = ids;
        c->cap_ids = cap;
    }
    uint64_t h = fh_hash64(id, strlen(id), 0);
    h += h == 0;
    size_t k = h & (c->cap_ids - 1);
    for (; c->ids[k].hash != 0; k = (k + 1) & (c->cap_ids - 1))
        if (c->ids[k].hash == h)
            return c->ids[k].line_no;
    c->ids[k] = (id_seen){h, line_no};
    c->n_ids++;
    return 0;
}

static const char *line_label(jsonl_ctx *c, size_t line_no)
{
    fh_buf_reset(&c->label);
    fh_buf_printf(&c->label, "%s:%zu", c->w->j->path, line_no);
    return fh_buf_status(&c->label) == FH_OK ? c->label.data : c->w->j->path;
}

static int jsonl_page(void *ctx, const fh_page *page, size_t line_no)
{
    jsonl_ctx *c = ctx;
    run *r = c->w->r;
    if (page->title_len + page->text_len > r->opts->max_file_size) {
        /* Not marked seen: what the index held of it is stale and goes. */
        fh_buf key = FH_BUF_INIT;
        fh_buf_printf(&key, "%s#%s", c->w->j->path, page->id ? page->id : "");
        int held = fh_state_table_find(r->state, key.data ? key.data : "", key.len) != NULL;
        fh_buf_free(&key);
        warn_file(r, line_label(c, line_no), "skipped: the document is over --max-file-size%s",
                  held ? STALE : "");
        pthread_mutex_lock(&r->lock);
        r->skipped++;
        pthread_mutex_unlock(&r->lock);
        return 0;
    }
    size_t before = page->id ? id_seen_before(c, page->id, line_no) : 0;
    if (before)
        warn_file(r, line_label(c, line_no), "the id of line %zu again: this line replaces it",
                  before);
    c->status = handle_page(c->w, page, line_label(c, line_no));
    pthread_mutex_lock(&r->lock);
    int stopping = r->stop;
    pthread_mutex_unlock(&r->lock);
    return c->status != FH_OK || stopping;
}

static int jsonl_error(void *ctx, size_t line_no, const char *reason)
{
    jsonl_ctx *c = ctx;
    warn_file(c->w->r, line_label(c, line_no), "skipped line: %s", reason);
    pthread_mutex_lock(&c->w->r->lock);
    c->w->r->skipped++;
    pthread_mutex_unlock(&c->w->r->lock);
    return 0;
}

/* Read a whole file into memory. Returns FH_OK and *data (free()), or sets
 * errno and returns FH_ERR_IO. */
static int read_file(const char *path, char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0)
        return FH_ERR_IO;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return FH_ERR_IO;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        close(fd);
        errno = ENOMEM;
        return FH_ERR_NOMEM;
    }
    for (;;) {
        if (n + 1 >= cap) {
            /* The file grew while we read it: read what is there. */
            char *p = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (p == NULL) {
                free(buf);
                close(fd);
                errno = ENOMEM;
                return FH_ERR_NOMEM;
            }
            buf = p;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + n, cap - n - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            int e = errno;
            free(buf);
            close(fd);
            errno = e;
            return FH_ERR_IO;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return FH_OK;
}

static int process_job(worker *w)
{
    run *r = w->r;
    const job *j = w->j;
    char *data = NULL;
    size_t len = 0;
    int rc = read_file(j->path, &data, &len);
    if (rc == FH_ERR_NOMEM)
        return rc;
    if (rc != FH_OK) {
        warn_file(r, j->path, "cannot read: %s", strerror(errno));
        mark_path_seen(r, j->path, j->path_len);
        pthread_mutex_lock(&r->lock);
        r->skipped++;
        pthread_mutex_unlock(&r->lock);
        return FH_OK;
    }
    if (j->format == FH_FORMAT_JSONL) {
        jsonl_ctx c = {w, FH_OK, FH_BUF_INIT, NULL, 0, 0};
        rc = fh_page_read_jsonl(data, len, jsonl_page, jsonl_error, &c);
        fh_buf_free(&c.label);
        free(c.ids);
        if (rc == FH_OK)
            rc = c.status;
    } else {
        fh_page page;
        memset(&page, 0, sizeof page);
        rc = j->format == FH_FORMAT_HTML ? fh_page_read_html(data, len, &page)
                                         : fh_page_read_txt(data, len, &page);
        if (rc == FH_OK)
            rc = handle_page(w, &page, j->path);
        fh_page_clear(&page);
    }
    free(data);
    if (rc == FH_ERR_ENCODING || rc == FH_ERR_TOOBIG) {
        int held = fh_state_table_first_of_path(r->state, j->path, j->path_len) != NULL;
        warn_file(r, j->path, "%s%s",
                  rc == FH_ERR_ENCODING ? "skipped: binary file (NUL bytes)" : "skipped: too large",
                  held ? STALE : "");
        remember_skipped(r, j->path, j->path_len, j->size, j->mtime_ns);
        pthread_mutex_lock(&r->lock);
        r->skipped++;
        pthread_mutex_unlock(&r->lock);
        rc = FH_OK;
    }
    if (rc == FH_OK) {
        pthread_mutex_lock(&r->lock);
        r->files_done++;
        r->report->bytes_read += j->size;
        pthread_mutex_unlock(&r->lock);
    }
    return rc;
}

/* Worker self ends: its shards are written by whoever queues to them from
 * now on, and what they hold now is written here. */
static void give_up_shards_locked(run *r, unsigned self)
{
    for (unsigned i = self; i < r->n_shards; i += r->n_workers) {
        shard_queue *q = &r->queues[i];
        q->owner_gone = 1;
        if (q->len > 0 && !q->writing)
            write_queued_locked(r, i);
    }
}

static void *worker_main(void *arg)
{
    worker *w = arg;
    run *r = w->r;
    for (;;) {
        pthread_mutex_lock(&r->lock);
        int done = r->stop || r->next_job == r->n_jobs;
        size_t i = r->next_job;
        if (!done)
            r->next_job++;
        pthread_mutex_unlock(&r->lock);
        if (done)
            break;
        w->j = &r->jobs[i];
        int rc = process_job(w);
        if (rc != FH_OK) {
            pthread_mutex_lock(&r->lock);
            if (r->worker_status == FH_OK)
                r->worker_status = rc;
            r->stop = 1;
            wake_all_locked(r);
            pthread_mutex_unlock(&r->lock);
            break;
        }
    }
    pthread_mutex_lock(&r->lock);
    r->workers_running--;
    if (r->workers_running == 0)
        wake_all_locked(r);
    give_up_shards_locked(r, w->index);
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/* ---- Writing ------------------------------------------------------------- */

static void show_progress(run *r, double started)
{
    pthread_mutex_lock(&r->lock);
    uint64_t pages = r->report->pages_read, files = r->files_done;
    uint64_t bytes = r->report->bytes_read;
    pthread_mutex_unlock(&r->lock);
    double secs = now_seconds() - started;
    double rate = secs > 0 ? (double)pages / secs : 0;
    double mb_rate = secs > 0 ? (double)bytes / secs : 0;
    char eta[32] = "--:--";
    if (mb_rate > 0 && r->job_bytes >= bytes) {
        unsigned long left = (unsigned long)((double)(r->job_bytes - bytes) / mb_rate);
        snprintf(eta, sizeof eta, "%lu:%02lu", left / 60, left % 60);
    }
    pthread_mutex_lock(&stderr_lock);
    fprintf(stderr,
            "\r\033[Kfihris-index: %llu pages  %llu/%zu files  %.1f/%.1f MB  %.0f pages/s  ETA %s",
            (unsigned long long)pages, (unsigned long long)files, r->n_jobs, (double)bytes / 1e6,
            (double)r->job_bytes / 1e6, rate, eta);
    progress_shown = 1;
    pthread_mutex_unlock(&stderr_lock);
}

static int apply_result(run *r, fh_db *db, result *res)
{
    int rc = FH_OK;
    switch (res->kind) {
    case RESULT_PUT:
        rc = fh_db_replace_by_key(db, res->key_term, res->key_term_len, res->doc, NULL);
        if (rc == FH_OK) {
            pthread_mutex_lock(&r->lock);
            if (res->is_new)
                r->report->added++;
            else
                r->report->changed++;
            r->report->pages_read++;
            pthread_mutex_unlock(&r->lock);
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

static void set_time_metadata(fh_db *db, const char *key)
{
    char stamp[32];
    snprintf(stamp, sizeof stamp, "%lld", (long long)time(NULL));
    fh_db_metadata_set(db, key, stamp, strlen(stamp));
}

/* Set FH_COMMITTED_KEY to the number of documents db holds (for its next
 * commit). */
static int set_committed(fh_db *db)
{
    uint32_t docs = 0;
    int rc = fh_db_doc_count(db, &docs);
    if (rc == FH_OK) {
        char text[16];
        snprintf(text, sizeof text, "%u", docs);
        rc = fh_db_metadata_set(db, FH_COMMITTED_KEY, text, strlen(text));
    }
    return rc;
}

/* Commit, with the number of documents in the same commit (metadata
 * FH_COMMITTED_KEY), so that anyone can check that a shard holds exactly
 * what its last commit wrote, and marked as made during a run
 * (FH_MID_RUN_KEY; finish_run() clears the mark). */
static int commit(fh_db *db)
{
    int rc = set_committed(db);
    if (rc == FH_OK)
        rc = fh_db_metadata_set(db, FH_MID_RUN_KEY, "1", 1);
    return rc == FH_OK ? fh_db_commit(db) : rc;
}

/* Clear the mid-run mark, once every shard holds the whole run: a run that
 * stops between two shards' last commits leaves them all marked. */
static int finish_run(fh_db *db)
{
    int rc = fh_db_metadata_set(db, FH_MID_RUN_KEY, "", 0);
    return rc == FH_OK ? fh_db_commit(db) : rc;
}

/* Whether any of the n shards was left by a run that did not finish. */
static int left_mid_run(fh_db *const *dbs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *text = NULL;
        int mid = dbs[i] && fh_db_metadata_get(dbs[i], FH_MID_RUN_KEY, &text, NULL) == FH_OK &&
                  text[0] != '\0';
        free(text);
        if (mid)
            return 1;
    }
    return 0;
}

/* Write shard's queued results until its queue is empty, committing every
 * commit_docs changes or commit_seconds. Called with r->lock held, which is
 * let go while writing. */
static void write_queued_locked(run *r, unsigned shard)
{
    shard_queue *q = &r->queues[shard];
    const fh_index_opts *o = r->opts;
    q->writing = 1;
    while (q->len > 0) {
        result res = q->items[q->head];
        q->head = (q->head + 1) % RESULT_QUEUE;
        q->len--;
        pthread_cond_signal(&q->not_full);
        pthread_mutex_unlock(&r->lock);
        int rc = q->status;
        if (rc != FH_OK) {
            /* Failed already: only drain, so that workers can finish. */
            fh_doc_free(res.doc);
            free(res.key_term);
            free(res.state);
        } else {
            rc = apply_result(r, q->db, &res);
            q->since_commit++;
            double now = now_seconds();
            if (rc == FH_OK &&
                (q->since_commit >= o->commit_docs || now - q->last_commit >= o->commit_seconds)) {
                set_time_metadata(q->db, "fihris.updated");
                rc = commit(q->db);
                q->since_commit = 0;
                q->last_commit = now;
            }
        }
        pthread_mutex_lock(&r->lock);
        if (rc != FH_OK && q->status == FH_OK) {
            q->status = rc;
            r->stop = 1;
            wake_all_locked(r);
        }
    }
    q->writing = 0;
}

/* ---- Deleting what is gone ----------------------------------------------- */

static int under_roots(const run *r, const char *path, size_t len)
{
    for (size_t i = 0; i < r->n_roots; i++) {
        size_t n = strlen(r->roots[i]);
        if (len < n || memcmp(path, r->roots[i], n) != 0)
            continue;
        if (len == n || path[n] == '/' || (n > 0 && r->roots[i][n - 1] == '/'))
            return 1;
    }
    return 0;
}

/* Delete the documents of files gone from the folders scanned (with dbs
 * NULL, only count and list them). Returns FH_OK, or the store's status with
 * *failed the shard at fault. */
static int delete_unseen(run *r, fh_db **dbs, unsigned *failed)
{
    size_t n = fh_state_table_size(r->state);
    for (size_t i = 0; i < n; i++) {
        fh_state_entry *e = fh_state_table_at(r->state, i);
        if (e->seen || !under_roots(r, e->key, e->path_len))
            continue;
        if (r->opts->list_changes && r->opts->dry_run) {
            fh_buf line = FH_BUF_INIT;
            fh_buf_puts(&line, "deleted ");
            fh_escape_terminal(e->key, e->key_len, 0, &line);
            if (fh_buf_status(&line) == FH_OK)
                printf("%s\n", line.data);
            fh_buf_free(&line);
        }
        if (dbs) {
            int rc = fh_db_delete(dbs[e->shard], e->docid);
            if (rc != FH_OK && rc != FH_ERR_NOTFOUND) {
                *failed = e->shard;
                return rc;
            }
        }
        r->report->deleted++;
    }
    return FH_OK;
}

/* Of the files skipped before, those of folders this run did not walk are
 * still remembered (the others were either skipped again or are gone). */
static int keep_remembered(void *ctx, const char *path, size_t len)
{
    return !under_roots(ctx, path, len);
}

/* ---- The index folder ---------------------------------------------------- */

static int exit_for_status(int status)
{
    switch (status) {
    case FH_ERR_LOCKED:
        return FH_EXIT_TEMPFAIL;
    case FH_ERR_OPENING:
    case FH_ERR_CORRUPT:
    case FH_ERR_INVALID:
        return FH_EXIT_CANTCREAT;
    default:
        return FH_EXIT_IOERR;
    }
}

/* Create the folders above path that are missing (like mkdir -p). */
static void make_parents(const char *path)
{
    char *copy = strdup(path);
    if (copy == NULL)
        return;
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(copy, 0777);
        *p = '/';
    }
    free(copy);
}

/* Take the index folder's lock, waiting for it if asked. Returns an exit
 * code; *fd is the lock (close it to let go). */
static int lock_index(const fh_index_opts *o, int *fd)
{
    make_parents(o->db_path);
    int rc = fh_layout_lock(o->db_path, 0, fd);
    if (rc == FH_ERR_LOCKED && o->wait_for_lock) {
        if (o->progress)
            say(o->db_path, "waiting for another indexer to finish");
        rc = fh_layout_lock(o->db_path, 1, fd);
    }
    if (rc == FH_OK)
        return FH_EXIT_OK;
    if (rc == FH_ERR_LOCKED) {
        say(o->db_path, "another indexer is updating this index; try again later (or use --wait)");
        return FH_EXIT_TEMPFAIL;
    }
    say(o->db_path, "cannot create the index: %s", strerror(errno));
    return FH_EXIT_CANTCREAT;
}

/* Open the shards of set for writing into dbs[0..set->n). Returns an exit
 * code; on failure the ones opened are closed. */
static int open_shards(const fh_index_opts *o, const fh_shard_set *set, int flags, fh_db **dbs)
{
    for (unsigned i = 0; i < set->n; i++) {
        char *path = fh_shards_path(o->db_path, set->generation, i);
        char *msg = NULL;
        int rc = path ? fh_db_open_writable(path, flags, &dbs[i], &msg) : FH_ERR_NOMEM;
        if (rc != FH_OK) {
            say(path ? path : o->db_path, "cannot open the index: %s%s",
                msg ? msg : fh_status_str(rc),
                rc == FH_ERR_NOMEM || o->rebuild || o->compact
                    ? ""
                    : " (if it is damaged, --rebuild makes it anew from the pages)");
            free(msg);
            free(path);
            for (unsigned j = 0; j < i; j++) {
                fh_db_close(dbs[j]);
                dbs[j] = NULL;
            }
            return exit_for_status(rc);
        }
        free(path);
    }
    return FH_EXIT_OK;
}

/* Close the shards, syncing each to disk. Returns an exit code. */
static int close_and_sync(const fh_index_opts *o, const fh_shard_set *set, fh_db **dbs)
{
    int code = FH_EXIT_OK;
    for (unsigned i = 0; i < set->n; i++) {
        fh_db_close(dbs[i]);
        dbs[i] = NULL;
        char *path = fh_shards_path(o->db_path, set->generation, i);
        if (code == FH_EXIT_OK && (path == NULL || fh_shards_sync(path) != FH_OK)) {
            say(o->db_path, "cannot sync the index to disk: %s", strerror(errno));
            code = FH_EXIT_IOERR;
        }
        free(path);
    }
    return code;
}

/* List generation set in the stub and remove every other. Returns an exit
 * code. */
static int switch_to(const fh_index_opts *o, const fh_shard_set *set)
{
    if (fh_shards_install(o->db_path, set) != FH_OK) {
        say(o->db_path, "cannot switch to the new shards: %s", strerror(errno));
        return FH_EXIT_IOERR;
    }
    fh_shards_remove_others(o->db_path, set->generation);
    return FH_EXIT_OK;
}

/* A shard merged from several holds the first one's metadata: its
 * FH_COMMITTED_KEY is set again to what it holds. Returns FH_OK or a
 * status, with *msg to free. */
static int recount_merged(const fh_index_opts *o, const fh_shard_set *to, char **msg)
{
    int rc = FH_OK;
    for (unsigned i = 0; rc == FH_OK && i < to->n; i++) {
        char *path = fh_shards_path(o->db_path, to->generation, i);
        fh_db *db = NULL;
        rc = path ? fh_db_open_writable(path, 0, &db, msg) : FH_ERR_NOMEM;
        if (rc == FH_OK)
            rc = set_committed(db);
        if (rc == FH_OK)
            rc = fh_db_commit(db);
        if (rc != FH_OK && db != NULL && *msg == NULL)
            *msg = strdup(fh_db_errmsg(db));
        fh_db_close(db);
        free(path);
    }
    return rc;
}

/* Compact generation built into built->generation + 1 with to_n shards and
 * switch to it; keeps built (switching to it) when compaction fails and
 * fallback is set. Returns an exit code. */
static int compact_into(const fh_index_opts *o, const fh_shard_set *built, unsigned to_n,
                        int fallback)
{
    fh_shard_set to = {built->generation + 1, to_n};
    char *msg = NULL;
    int rc = fh_shards_compact(o->db_path, built, &to, &msg);
    if (rc == FH_OK && to_n < built->n)
        rc = recount_merged(o, &to, &msg);
    if (rc == FH_OK) {
        free(msg);
        return switch_to(o, &to);
    }
    say(o->db_path, "cannot compact the index (%s)%s", msg ? msg : fh_status_str(rc),
        fallback ? "; keeping it as built" : "; it is left as it was");
    free(msg);
    for (unsigned i = 0; i < to.n; i++) {
        char *path = fh_shards_path(o->db_path, to.generation, i);
        if (path)
            fh_shards_remove_tree(path);
        free(path);
    }
    return fallback ? switch_to(o, built) : FH_EXIT_IOERR;
}

/* ---- The run ------------------------------------------------------------- */

void fh_index_opts_init(fh_index_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->max_file_size = (uint64_t)64 << 20;
    opts->commit_docs = 500;
    opts->commit_seconds = 30;
    fh_analyzer_opts_init(&opts->analyzer);
}

static unsigned cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (unsigned)n : 1;
}

static int resolve_sources(run *r)
{
    const fh_index_opts *o = r->opts;
    r->roots = calloc(o->n_sources ? o->n_sources : 1, sizeof *r->roots);
    if (r->roots == NULL)
        return FH_ERR_NOMEM;
    for (size_t i = 0; i < o->n_sources; i++) {
        char *real = realpath(o->sources[i], NULL);
        if (real == NULL) {
            say(o->sources[i], "no such file or folder");
            return FH_ERR_NOTFOUND;
        }
        r->roots[r->n_roots++] = real;
    }
    return FH_OK;
}

static int start_workers(run *r, pthread_t *threads, worker *workers, unsigned n, unsigned *started)
{
    *started = 0;
    r->workers_running = 0;
    r->n_workers = n;
    for (unsigned i = 0; i < n; i++) {
        worker *w = &workers[i];
        memset(w, 0, sizeof *w);
        w->r = r;
        w->index = i;
        int rc = fh_analyzer_new(&r->analyzer_opts, &w->analyzer);
        if (rc == FH_OK)
            rc = fh_document_builder_new(w->analyzer, &w->builder);
        if (rc != FH_OK)
            return rc;
    }
    for (unsigned i = 0; i < n; i++) {
        pthread_mutex_lock(&r->lock);
        r->workers_running++;
        pthread_mutex_unlock(&r->lock);
        if (pthread_create(&threads[i], NULL, worker_main, &workers[i]) != 0) {
            pthread_mutex_lock(&r->lock);
            r->workers_running--;
            for (unsigned k = i; k < n; k++)
                give_up_shards_locked(r, k);
            pthread_mutex_unlock(&r->lock);
            /* Fewer threads are fine; none is not. */
            return i == 0 ? FH_ERR_NOMEM : FH_OK;
        }
        (*started)++;
    }
    return FH_OK;
}

/* Read the index's settings from its first shard, or store the run's in
 * every shard of a new index. */
static int load_settings(run *r, fh_db **dbs, unsigned n, int store)
{
    char *text = NULL;
    int rc = fh_db_metadata_get(dbs[0], FH_SETTINGS_KEY, &text, NULL);
    if (rc == FH_OK && text[0] != '\0') {
        rc = fh_settings_parse(text, &r->analyzer_opts);
        if (rc != FH_OK)
            say(r->opts->db_path, "the index was made by a newer fihris (settings \"%s\")", text);
    } else if (rc == FH_OK && store) {
        for (unsigned i = 0; rc == FH_OK && i < n; i++)
            rc = fh_settings_store(dbs[i], &r->analyzer_opts);
    }
    free(text);
    return rc;
}

/* Read, analyze and write in worker threads until done. Returns FH_OK or
 * the first failure, with *failed the shard at fault. */
static int analyze_and_write(run *r, fh_db **dbs, unsigned *failed)
{
    const fh_index_opts *o = r->opts;
    /* As many threads as shards (each can be writing its own), at most one
     * a core, unless told: --jobs 1 is a one-core run. */
    unsigned n_threads = o->threads;
    if (n_threads == 0)
        n_threads = r->n_shards < cores() ? r->n_shards : cores();
    if (n_threads > r->n_jobs)
        n_threads = (unsigned)r->n_jobs;
    unsigned n_started = 0;
    pthread_t *threads = calloc(n_threads + 1, sizeof *threads);
    worker *workers = calloc(n_threads + 1, sizeof *workers);
    int rc = threads && workers ? FH_OK : FH_ERR_NOMEM;
    double started = now_seconds();
    for (unsigned i = 0; i < r->n_shards; i++) {
        r->queues[i].db = dbs[i];
        r->queues[i].last_commit = started;
    }
    if (rc == FH_OK)
        rc = start_workers(r, threads, workers, n_threads, &n_started);
    if (rc != FH_OK) {
        pthread_mutex_lock(&r->lock);
        r->stop = 1;
        wake_all_locked(r);
        pthread_mutex_unlock(&r->lock);
    }
    if (o->progress && rc == FH_OK) {
        for (;;) {
            pthread_mutex_lock(&r->lock);
            int busy = r->workers_running > 0;
            pthread_mutex_unlock(&r->lock);
            if (!busy)
                break;
            show_progress(r, started);
            nanosleep(&(struct timespec){0, 200000000}, NULL);
        }
    }
    for (unsigned i = 0; i < n_started; i++)
        pthread_join(threads[i], NULL);
    /* Every queue is empty now: its writer was a worker, joined above. */
    for (unsigned i = 0; i < r->n_shards; i++) {
        if (rc == FH_OK && r->queues[i].status != FH_OK) {
            rc = r->queues[i].status;
            *failed = i;
        }
    }
    if (rc == FH_OK)
        rc = r->worker_status;
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

int fh_index_run(const fh_index_opts *o, fh_index_report *report)
{
    memset(report, 0, sizeof *report);
    double t0 = now_seconds();
    run r;
    memset(&r, 0, sizeof r);
    r.opts = o;
    r.report = report;
    r.analyzer_opts = o->analyzer;
    pthread_mutex_init(&r.lock, NULL);
    int code = FH_EXIT_OK, rc = FH_OK, lock_fd = -1;
    fh_db *dbs[FH_SHARDS_MAX] = {NULL};
    fh_db *reader = NULL;
    fh_shard_set current = {0, 0}, build = {0, 0};
    uint32_t doc_count = 0;
    unsigned failed = 0;

    if (resolve_sources(&r) != FH_OK) {
        code = FH_EXIT_NOINPUT;
        goto out;
    }

    if (o->dry_run) {
        /* Read what is there, if anything: everything else is new. */
        fh_db_list list = {0};
        char *msg = NULL;
        if (fh_layout_expand(o->db_path, &list, &msg) == FH_OK && list.n > 0)
            fh_db_open_readonly((const char *const *)list.items, list.n, &reader, NULL);
        fh_db_list_clear(&list);
        free(msg);
        rc = fh_state_table_load(&reader, reader ? 1 : 0, &r.state, &(size_t){0});
        r.reread_jsonl = rc == FH_OK && left_mid_run(&reader, reader ? 1 : 0);
        if (rc != FH_OK) {
            say(o->db_path, "cannot read the index: %s",
                fh_db_errmsg(reader)[0] ? fh_db_errmsg(reader) : fh_status_str(rc));
            code = FH_EXIT_IOERR;
            goto out;
        }
    } else {
        code = lock_index(o, &lock_fd);
        if (code != FH_EXIT_OK)
            goto out;
        char *msg = NULL;
        rc = fh_shards_read(o->db_path, &current, &msg);
        if (rc != FH_OK) {
            say(o->db_path, "cannot read the index: %s",
                msg               ? msg
                : rc == FH_ERR_IO ? strerror(errno)
                                  : fh_status_str(rc));
            free(msg);
            code = exit_for_status(rc);
            goto out;
        }
        unsigned compact_to = o->shards ? o->shards : 1;
        if (o->compact && !o->rebuild && current.n > 0 &&
            (compact_to > current.n || current.n % compact_to != 0)) {
            say(o->db_path,
                "--compact --jobs %u: the index has %u shards, and %u does not divide it",
                compact_to, current.n, compact_to);
            code = FH_EXIT_USAGE;
            goto out;
        }
        /* The lock is ours: shards of other generations are what killed
         * runs left. */
        fh_shards_remove_others(o->db_path, current.generation);
        build = current;
        if (current.n == 0 || o->rebuild) {
            /* One writer a core, unless --jobs says, or the index has more
             * shards than one (a rebuild keeps their number). */
            unsigned n = o->shards ? o->shards : current.n > 1 ? current.n : cores();
            build.generation = current.generation + 1;
            build.n = n > FH_SHARDS_MAX ? FH_SHARDS_MAX : n;
        } else if (o->shards && o->shards != current.n && !o->compact) {
            say(o->db_path,
                "the index has %u shards; --jobs %u applies to a new index, to --rebuild and "
                "to --compact",
                current.n, o->shards);
        }
        code = open_shards(o, &build, FH_DB_CREATE | FH_DB_NO_SYNC, dbs);
        if (code != FH_EXIT_OK)
            goto out;
        /* A new index is listed at once: a killed first build leaves what
         * it committed, and the next run goes on from there. */
        if (current.n == 0) {
            code = switch_to(o, &build);
            if (code != FH_EXIT_OK)
                goto out;
        }
        r.n_shards = build.n;
        for (unsigned i = 0; i < build.n; i++) {
            uint32_t count = 0;
            rc = fh_db_doc_count(dbs[i], &count);
            if (rc != FH_OK) {
                failed = i;
                break;
            }
            doc_count += count;
        }
        if (rc == FH_OK)
            rc = load_settings(&r, dbs, build.n, 1);
        size_t at = failed;
        if (rc == FH_OK)
            rc = fh_state_table_load(dbs, build.n, &r.state, &at);
        if (rc == FH_OK) {
            at = 0;
            rc = fh_skipped_load(dbs[0], &r.remembered);
        }
        r.reread_jsonl = rc == FH_OK && left_mid_run(dbs, build.n);
        if (rc != FH_OK) {
            /* FH_ERR_INVALID: settings of a newer fihris, already said. */
            const char *why = fh_db_errmsg(dbs[at]);
            if (why[0])
                say(o->db_path, "cannot read the index: %s", why);
            else if (rc != FH_ERR_INVALID)
                say(o->db_path, "cannot read the index: %s", fh_status_str(rc));
            code = rc == FH_ERR_INVALID ? FH_EXIT_CANTCREAT : FH_EXIT_IOERR;
            goto out;
        }
    }

    /* Walk every source. */
    fh_walk_callbacks cb = {on_file, walk_warning, &r};
    for (size_t i = 0; i < r.n_roots; i++) {
        rc = fh_walk(r.roots[i], &o->walk, &cb);
        if (rc == FH_OK)
            rc = r.worker_status;
        if (rc != FH_OK) {
            say(o->sources[i], "cannot walk: %s", fh_status_str(rc));
            code = rc == FH_ERR_NOTFOUND ? FH_EXIT_NOINPUT : FH_EXIT_IOERR;
            goto out;
        }
    }

    if (o->dry_run) {
        if (!o->no_delete)
            delete_unseen(&r, NULL, &failed);
        goto out;
    }

    r.queues = calloc(r.n_shards, sizeof *r.queues);
    if (r.queues == NULL) {
        rc = FH_ERR_NOMEM;
    } else {
        for (unsigned i = 0; i < r.n_shards; i++)
            pthread_cond_init(&r.queues[i].not_full, NULL);
        rc = analyze_and_write(&r, dbs, &failed);
    }
    if (rc == FH_OK && !o->no_delete)
        rc = delete_unseen(&r, dbs, &failed);
    if (rc == FH_OK) {
        rc = fh_skipped_save(r.remembered, dbs[0], keep_remembered, &r);
        failed = 0;
    }
    for (unsigned i = 0; rc == FH_OK && i < build.n; i++) {
        if (report->added || report->changed || report->deleted || doc_count == 0)
            set_time_metadata(dbs[i], "fihris.updated");
        set_time_metadata(dbs[i], "fihris.last-run");
        rc = commit(dbs[i]);
        failed = i;
    }
    for (unsigned i = 0; rc == FH_OK && i < build.n; i++) {
        rc = finish_run(dbs[i]);
        failed = i;
    }
    if (rc != FH_OK) {
        const char *msg = dbs[failed] ? fh_db_errmsg(dbs[failed]) : "";
        say(o->db_path, "cannot update the index: %s", msg[0] ? msg : fh_status_str(rc));
        say(o->db_path, "it is left as it was at its last commit");
        code = rc == FH_ERR_NOMEM ? FH_EXIT_IOERR : exit_for_status(rc);
        for (unsigned i = 0; i < build.n; i++) {
            fh_db_close_discard(dbs[i]);
            dbs[i] = NULL;
        }
        /* A rebuild's half-made shards go; a new index keeps its commits. */
        if (build.generation != current.generation && current.n > 0)
            fh_shards_remove_others(o->db_path, current.generation);
        goto out;
    }

    /* Commits ran without fsync. A new index or a rebuild is compacted (half
     * the size and quicker to search) and switched to; any other run syncs
     * the shards as they are. A new index written by a writer a core (and
     * the rebuild of an index of one shard) is merged into one shard unless
     * --jobs said how many to keep: a search opens each term's postings
     * once a shard, and one shard took 20% less time a query
     * (bench/RESULTS.md). */
    code = close_and_sync(o, &build, dbs);
    unsigned keep = o->shards ? build.n : current.n > 1 ? current.n : 1;
    unsigned target = o->compact ? (o->shards ? o->shards : 1) : keep;
    if (code == FH_EXIT_OK && (doc_count == 0 || build.generation != current.generation)) {
        if (report->added > 0)
            code = compact_into(o, &build, target, 1);
        else
            code = switch_to(o, &build);
    } else if (code == FH_EXIT_OK && o->compact) {
        code = fh_index_compact(o, lock_fd);
    }

out:
    for (unsigned i = 0; i < FH_SHARDS_MAX; i++)
        fh_db_close(dbs[i]);
    fh_db_close(reader);
    if (lock_fd >= 0)
        close(lock_fd);
    for (unsigned i = 0; r.queues && i < r.n_shards; i++)
        pthread_cond_destroy(&r.queues[i].not_full);
    free(r.queues);
    for (size_t i = 0; i < r.n_jobs; i++)
        free(r.jobs[i].path);
    free(r.jobs);
    for (size_t i = 0; i < r.n_roots; i++)
        free(r.roots[i]);
    free(r.roots);
    fh_state_table_free(r.state);
    fh_skipped_free(r.remembered);
    report->unchanged = r.unchanged;
    report->skipped += r.skipped;
    report->warnings = r.warnings;
    report->seconds = now_seconds() - t0;
    pthread_mutex_lock(&stderr_lock);
    clear_progress_locked();
    pthread_mutex_unlock(&stderr_lock);
    pthread_mutex_destroy(&r.lock);
    return code;
}

int fh_index_compact(const fh_index_opts *o, int lock_fd)
{
    int own_lock = -1, code = FH_EXIT_OK;
    if (lock_fd < 0) {
        code = lock_index(o, &own_lock);
        if (code != FH_EXIT_OK)
            return code;
    }
    fh_shard_set current;
    char *msg = NULL;
    int rc = fh_shards_read(o->db_path, &current, &msg);
    unsigned to = o->shards ? o->shards : 1;
    if (rc != FH_OK) {
        say(o->db_path, "cannot read the index: %s",
            msg               ? msg
            : rc == FH_ERR_IO ? strerror(errno)
                              : fh_status_str(rc));
        code = exit_for_status(rc);
    } else if (current.n == 0) {
        say(o->db_path, "no index here to compact");
        code = FH_EXIT_NOINPUT;
    } else if (to > current.n || current.n % to != 0) {
        say(o->db_path, "--compact --jobs %u: the index has %u shards, and %u does not divide it",
            to, current.n, to);
        code = FH_EXIT_USAGE;
    } else {
        fh_shards_remove_others(o->db_path, current.generation);
        code = compact_into(o, &current, to, 0);
    }
    free(msg);
    if (own_lock >= 0)
        close(own_lock);
    return code;
}
