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
#include "page.h"
#include "record.h"
#include "settings.h"
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
    RESULT_FILE,  /* a file is done: bytes for the progress line */
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
    uint64_t bytes;
} result;

typedef struct run {
    const fh_index_opts *opts;
    fh_index_report *report;
    fh_analyzer_opts analyzer_opts;
    fh_state_table *state;
    char **roots; /* the sources, resolved */
    size_t n_roots;

    job *jobs;
    size_t n_jobs, cap_jobs;
    uint64_t job_bytes;

    pthread_mutex_t lock; /* guards everything below */
    pthread_cond_t not_empty, not_full;
    size_t next_job;
    result queue[RESULT_QUEUE];
    size_t q_head, q_len;
    unsigned workers_running;
    int stop;          /* the writer failed: workers finish now */
    int worker_status; /* the first fatal worker error (out of memory) */
    uint64_t warnings, skipped, unchanged;
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
    if (r->n_jobs == r->cap_jobs) {
        size_t cap = r->cap_jobs ? r->cap_jobs * 2 : 1024;
        job *p = realloc(r->jobs, cap * sizeof *p);
        if (p == NULL)
            return FH_ERR_NOMEM;
        r->jobs = p;
        r->cap_jobs = cap;
    }
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
    if (e && e->size == (uint64_t)st->st_size && e->mtime_ns == mtime_ns_of(st)) {
        /* Unchanged by size and time: nothing to read. */
        for (fh_state_entry *x = e; x; x = x->next_same_path == SIZE_MAX
                                               ? NULL
                                               : fh_state_table_at(r->state, x->next_same_path)) {
            x->seen = 1;
            r->unchanged++;
        }
        return 0;
    }
    if (st->st_size == 0) {
        warn_file(r, path, "skipped: empty file");
        r->skipped++;
        mark_path_seen(r, path, len);
        return 0;
    }
    if (format != FH_FORMAT_JSONL && (uint64_t)st->st_size > o->max_file_size) {
        warn_file(r, path, "skipped: %llu bytes is over --max-file-size (%llu)",
                  (unsigned long long)st->st_size, (unsigned long long)o->max_file_size);
        r->skipped++;
        mark_path_seen(r, path, len);
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

/* Hand a result to the writer; waits while the queue is full. Returns 0, or
 * 1 when the run is stopping (the result is then freed here). */
static int push_result(run *r, result *res)
{
    pthread_mutex_lock(&r->lock);
    while (r->q_len == RESULT_QUEUE && !r->stop)
        pthread_cond_wait(&r->not_full, &r->lock);
    int stopping = r->stop;
    if (!stopping) {
        r->queue[(r->q_head + r->q_len) % RESULT_QUEUE] = *res;
        r->q_len++;
        pthread_cond_signal(&r->not_empty);
    }
    pthread_mutex_unlock(&r->lock);
    if (stopping) {
        fh_doc_free(res->doc);
        free(res->key_term);
        free(res->state);
    }
    return stopping;
}

typedef struct worker {
    run *r;
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
            result res = {RESULT_TOUCH, NULL, NULL, 0, 0, e->docid, NULL, 0, 0};
            res.state = fh_buf_detach(&w->state, &res.state_len);
            if (res.state == NULL)
                return FH_ERR_NOMEM;
            push_result(r, &res);
            return FH_OK;
        }
    }
    fh_document_origin origin = {w->key.data, w->key.len, j->path_len, j->size, j->mtime_ns};
    result res = {RESULT_PUT, NULL, NULL, 0, e == NULL, 0, NULL, 0, 0};
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
    push_result(r, &res);
    return FH_OK;
}

typedef struct jsonl_ctx {
    worker *w;
    int status;
    fh_buf label;
} jsonl_ctx;

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
        warn_file(r, line_label(c, line_no), "skipped: the document is over --max-file-size");
        /* Keep what the index has of it. */
        fh_buf key = FH_BUF_INIT;
        fh_buf_printf(&key, "%s#%s", c->w->j->path, page->id ? page->id : "");
        fh_state_entry *e = fh_state_table_find(r->state, key.data ? key.data : "", key.len);
        if (e)
            e->seen = 1;
        fh_buf_free(&key);
        pthread_mutex_lock(&r->lock);
        r->skipped++;
        pthread_mutex_unlock(&r->lock);
        return 0;
    }
    c->status = handle_page(c->w, page, line_label(c, line_no));
    return c->status != FH_OK || r->stop;
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
        jsonl_ctx c = {w, FH_OK, FH_BUF_INIT};
        rc = fh_page_read_jsonl(data, len, jsonl_page, jsonl_error, &c);
        fh_buf_free(&c.label);
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
        warn_file(r, j->path,
                  rc == FH_ERR_ENCODING ? "skipped: binary file (NUL bytes)"
                                        : "skipped: too large");
        mark_path_seen(r, j->path, j->path_len);
        pthread_mutex_lock(&r->lock);
        r->skipped++;
        pthread_mutex_unlock(&r->lock);
        rc = FH_OK;
    }
    if (rc == FH_OK) {
        result res = {RESULT_FILE, NULL, NULL, 0, 0, 0, NULL, 0, j->size};
        push_result(r, &res);
    }
    return rc;
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
            pthread_cond_broadcast(&r->not_full);
            pthread_mutex_unlock(&r->lock);
            break;
        }
    }
    pthread_mutex_lock(&r->lock);
    r->workers_running--;
    pthread_cond_signal(&r->not_empty);
    pthread_mutex_unlock(&r->lock);
    return NULL;
}

/* ---- The writer ---------------------------------------------------------- */

static void show_progress(run *r, uint64_t files_done, uint64_t bytes_done, double started)
{
    if (!r->opts->progress)
        return;
    double secs = now_seconds() - started;
    uint64_t pages = r->report->pages_read;
    double rate = secs > 0 ? (double)pages / secs : 0;
    double mb_rate = secs > 0 ? (double)bytes_done / secs : 0;
    char eta[32] = "--:--";
    if (mb_rate > 0 && r->job_bytes >= bytes_done) {
        unsigned long left = (unsigned long)((double)(r->job_bytes - bytes_done) / mb_rate);
        snprintf(eta, sizeof eta, "%lu:%02lu", left / 60, left % 60);
    }
    pthread_mutex_lock(&stderr_lock);
    fprintf(stderr,
            "\r\033[Kfihris-index: %llu pages  %llu/%zu files  %.1f/%.1f MB  %.0f pages/s  ETA %s",
            (unsigned long long)pages, (unsigned long long)files_done, r->n_jobs,
            (double)bytes_done / 1e6, (double)r->job_bytes / 1e6, rate, eta);
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
            if (res->is_new)
                r->report->added++;
            else
                r->report->changed++;
            r->report->pages_read++;
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
    case RESULT_FILE:
        r->report->bytes_read += res->bytes;
        break;
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

/* Commit, with the number of documents in the same commit (metadata
 * FH_COMMITTED_KEY), so that anyone can check that an index holds exactly
 * what its last commit wrote. */
static int commit(fh_db *db)
{
    uint32_t docs = 0;
    int rc = fh_db_doc_count(db, &docs);
    if (rc == FH_OK) {
        char text[16];
        snprintf(text, sizeof text, "%u", docs);
        rc = fh_db_metadata_set(db, FH_COMMITTED_KEY, text, strlen(text));
    }
    return rc == FH_OK ? fh_db_commit(db) : rc;
}

/* Drain the results until every worker is done. Returns FH_OK or the
 * store's status of the first failed write. */
static int write_results(run *r, fh_db *db)
{
    const fh_index_opts *o = r->opts;
    double started = now_seconds(), last_commit = started, last_progress = 0;
    uint64_t files_done = 0, since_commit = 0;
    int rc = FH_OK;
    for (;;) {
        pthread_mutex_lock(&r->lock);
        while (r->q_len == 0 && r->workers_running > 0)
            pthread_cond_wait(&r->not_empty, &r->lock);
        if (r->q_len == 0) {
            pthread_mutex_unlock(&r->lock);
            break;
        }
        result res = r->queue[r->q_head];
        r->q_head = (r->q_head + 1) % RESULT_QUEUE;
        r->q_len--;
        pthread_cond_signal(&r->not_full);
        pthread_mutex_unlock(&r->lock);

        if (rc != FH_OK) {
            /* Failed already: only drain, so that workers can finish. */
            fh_doc_free(res.doc);
            free(res.key_term);
            free(res.state);
            continue;
        }
        int counts = res.kind != RESULT_FILE;
        files_done += res.kind == RESULT_FILE;
        rc = apply_result(r, db, &res);
        since_commit += counts;
        double now = now_seconds();
        if (rc == FH_OK && since_commit > 0 &&
            (since_commit >= o->commit_docs || now - last_commit >= o->commit_seconds)) {
            set_time_metadata(db, "fihris.updated");
            rc = commit(db);
            since_commit = 0;
            last_commit = now;
        }
        if (now - last_progress >= 0.2) {
            show_progress(r, files_done, r->report->bytes_read, started);
            last_progress = now;
        }
        if (rc != FH_OK) {
            pthread_mutex_lock(&r->lock);
            r->stop = 1;
            pthread_cond_broadcast(&r->not_full);
            pthread_mutex_unlock(&r->lock);
        }
    }
    return rc;
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

static int delete_unseen(run *r, fh_db *db)
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
        if (db) {
            int rc = fh_db_delete(db, e->docid);
            if (rc != FH_OK && rc != FH_ERR_NOTFOUND)
                return rc;
        }
        r->report->deleted++;
    }
    return FH_OK;
}

/* ---- Opening ------------------------------------------------------------- */

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

/* Open the index for writing, waiting for the lock if asked. */
static int open_writable(const fh_index_opts *o, const char *path, int flags, fh_db **db)
{
    int waited = 0;
    make_parents(path);
    for (;;) {
        char *msg = NULL;
        int rc = fh_db_open_writable(path, flags, db, &msg);
        if (rc == FH_ERR_LOCKED && o->wait_for_lock) {
            if (!waited && o->progress)
                say(path, "waiting for another indexer to finish");
            waited = 1;
            free(msg);
            sleep(1);
            continue;
        }
        if (rc == FH_ERR_LOCKED)
            say(path, "another indexer is updating this index; try again later (or use --wait)");
        else if (rc != FH_OK)
            say(path, "cannot open the index: %s", msg ? msg : fh_status_str(rc));
        free(msg);
        return rc;
    }
}

/* fsync every file of the index folder, and the folder: the end of a bulk
 * build that committed without syncing. */
static int sync_folder(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return FH_ERR_IO;
    int rc = FH_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        if (fsync(fd) != 0 && errno != EINVAL)
            rc = FH_ERR_IO;
        close(fd);
    }
    closedir(d);
    return rc;
}

static int remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return unlink(path) == 0 || errno == ENOENT ? FH_OK : FH_ERR_IO;
    struct dirent *e;
    int rc = FH_OK;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        /* Index folders are flat: files only. */
        if (unlinkat(dirfd(d), e->d_name, 0) != 0)
            rc = FH_ERR_IO;
    }
    closedir(d);
    if (rmdir(path) != 0)
        rc = FH_ERR_IO;
    return rc;
}

/* Folders a killed run can leave beside the index: a rebuild, a compacted
 * copy, the old index put aside for a swap. */
static const char *const leftovers[] = {"rebuild", "compact", "old"};

/* The path of name, a sibling of db_path. The caller frees it. */
static char *sibling(const char *db_path, const char *name)
{
    const char *slash = strrchr(db_path, '/');
    size_t dlen = slash ? (size_t)(slash - db_path) + 1 : 0;
    char *p = malloc(dlen + strlen(name) + 1);
    if (p) {
        memcpy(p, db_path, dlen);
        strcpy(p + dlen, name);
    }
    return p;
}

/* Call fn(db_path, name, kind) for each leftover folder beside db_path
 * ("DB.rebuild-123", ...) that is not this process's own. */
static void each_leftover(const char *db_path,
                          void (*fn)(const char *db_path, const char *name, size_t kind))
{
    char *copy = strdup(db_path);
    if (copy == NULL)
        return;
    char *slash = strrchr(copy, '/');
    const char *dir = ".", *base = copy;
    if (slash) {
        *slash = '\0';
        dir = slash == copy ? "/" : copy;
        base = slash + 1;
    }
    DIR *d = opendir(dir);
    size_t blen = strlen(base);
    char own[32];
    snprintf(own, sizeof own, "-%ld", (long)getpid());
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, base, blen) != 0 || e->d_name[blen] != '.')
            continue;
        const char *rest = e->d_name + blen + 1;
        for (size_t k = 0; k < sizeof leftovers / sizeof leftovers[0]; k++) {
            size_t n = strlen(leftovers[k]);
            if (strncmp(rest, leftovers[k], n) == 0 && rest[n] == '-' && strcmp(rest + n, own) != 0)
                fn(db_path, e->d_name, k);
        }
    }
    if (d)
        closedir(d);
    free(copy);
}

/* A run killed between putting the old index aside and moving the new one
 * in leaves no index but the old one aside: put it back. */
static void restore_aside(const char *db_path, const char *name, size_t kind)
{
    struct stat st;
    if (strcmp(leftovers[kind], "old") != 0 || stat(db_path, &st) == 0)
        return;
    char *from = sibling(db_path, name);
    if (from && rename(from, db_path) == 0)
        say(db_path, "restored the index a killed run had put aside");
    free(from);
}

/* Once the index's lock is ours, leftovers belong to dead runs. */
static void remove_leftover(const char *db_path, const char *name, size_t kind)
{
    (void)kind;
    char *p = sibling(db_path, name);
    if (p)
        remove_tree(p);
    free(p);
}

/* A path beside the index: "DB.what-PID". The caller frees it. */
static char *beside(const char *db_path, const char *what)
{
    size_t n = strlen(db_path) + strlen(what) + 32;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s.%s-%ld", db_path, what, (long)getpid());
    return p;
}

/* Sync the index as written and, for a rebuild, swap it in. Closes *db and
 * *old. Returns an exit code. */
static int install_as_is(const fh_index_opts *o, const char *build_path, fh_db **db, fh_db **old)
{
    fh_db_close(*db);
    *db = NULL;
    if (sync_folder(build_path ? build_path : o->db_path) != FH_OK) {
        say(o->db_path, "cannot sync the index to disk: %s", strerror(errno));
        return FH_EXIT_IOERR;
    }
    if (build_path == NULL)
        return FH_EXIT_OK;
    /* Readers of the old index keep their open files until they reopen. */
    char *aside = beside(o->db_path, "old");
    if (aside == NULL)
        return FH_EXIT_IOERR;
    int code = FH_EXIT_OK;
    if (rename(o->db_path, aside) != 0 || rename(build_path, o->db_path) != 0) {
        say(o->db_path, "cannot swap in the rebuilt index: %s", strerror(errno));
        code = FH_EXIT_IOERR;
    }
    fh_db_close(*old);
    *old = NULL;
    if (code == FH_EXIT_OK)
        remove_tree(aside);
    free(aside);
    return code;
}

/* Compact the index just built (at built) into the index's place, while
 * the write locks are still held, so no other indexer can slip in between.
 * Falls back to install_as_is() when compaction fails. Closes *db and *old.
 * Returns an exit code. */
static int install_compacted(const fh_index_opts *o, const char *built, const char *build_path,
                             fh_db **db, fh_db **old)
{
    char *compacted = beside(o->db_path, "compact");
    char *aside = beside(o->db_path, "old");
    char *msg = NULL;
    int code = FH_EXIT_OK;
    if (compacted == NULL || aside == NULL) {
        code = FH_EXIT_IOERR;
        goto out;
    }
    remove_tree(compacted);
    int rc = fh_db_compact(&built, 1, compacted, &msg);
    if (rc == FH_OK && sync_folder(compacted) != FH_OK)
        rc = FH_ERR_IO;
    if (rc != FH_OK) {
        say(o->db_path, "cannot compact the new index (%s); keeping it as built",
            msg ? msg : fh_status_str(rc));
        remove_tree(compacted);
        code = install_as_is(o, build_path, db, old);
        goto out;
    }
    if (rename(o->db_path, aside) != 0 && errno != ENOENT) {
        say(o->db_path, "cannot put the old index aside: %s", strerror(errno));
        remove_tree(compacted);
        code = FH_EXIT_IOERR;
        goto out;
    }
    if (rename(compacted, o->db_path) != 0) {
        say(o->db_path, "cannot move the compacted index in: %s", strerror(errno));
        rename(aside, o->db_path);
        remove_tree(compacted);
        code = FH_EXIT_IOERR;
        goto out;
    }
out:
    fh_db_close(*db);
    *db = NULL;
    fh_db_close(*old);
    *old = NULL;
    if (code == FH_EXIT_OK) {
        remove_tree(aside);
        if (build_path)
            remove_tree(build_path);
    }
    free(msg);
    free(compacted);
    free(aside);
    return code;
}

/* ---- The run ------------------------------------------------------------- */

void fh_index_opts_init(fh_index_opts *opts)
{
    memset(opts, 0, sizeof *opts);
    opts->max_file_size = (uint64_t)64 << 20;
    opts->commit_docs = 2000;
    opts->commit_seconds = 30;
    fh_analyzer_opts_init(&opts->analyzer);
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
    for (unsigned i = 0; i < n; i++) {
        worker *w = &workers[i];
        memset(w, 0, sizeof *w);
        w->r = r;
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
            pthread_mutex_unlock(&r->lock);
            /* Fewer threads are fine; none is not. */
            return i == 0 ? FH_ERR_NOMEM : FH_OK;
        }
        (*started)++;
    }
    return FH_OK;
}

int fh_index_run(const fh_index_opts *o, fh_index_report *report)
{
    memset(report, 0, sizeof *report);
    double t0 = now_seconds();
    run r;
    memset(&r, 0, sizeof r);
    r.opts = o;
    r.report = report;
    pthread_mutex_init(&r.lock, NULL);
    pthread_cond_init(&r.not_empty, NULL);
    pthread_cond_init(&r.not_full, NULL);
    int code = FH_EXIT_OK, rc = FH_OK;
    fh_db *db = NULL, *old = NULL;
    char *build_path = NULL;
    unsigned n_threads = 0, n_started = 0;
    pthread_t *threads = NULL;
    worker *workers = NULL;

    if (resolve_sources(&r) != FH_OK) {
        code = FH_EXIT_NOINPUT;
        goto out;
    }

    /* Open the index (or, to rebuild, lock it and build a new one beside). */
    uint32_t doc_count = 0;
    if (o->dry_run) {
        char *msg = NULL;
        const char *paths[1] = {o->db_path};
        rc = fh_db_open_readonly(paths, 1, &db, &msg);
        free(msg);
        if (rc != FH_OK)
            db = NULL; /* no index yet: everything is new */
    } else {
        const char *path = o->db_path;
        each_leftover(o->db_path, restore_aside);
        if (o->rebuild) {
            rc = open_writable(o, o->db_path, FH_DB_CREATE, &old);
            if (rc != FH_OK) {
                code = exit_for_status(rc);
                goto out;
            }
            size_t n = strlen(o->db_path) + 32;
            build_path = malloc(n);
            if (build_path == NULL) {
                code = FH_EXIT_IOERR;
                goto out;
            }
            snprintf(build_path, n, "%s.rebuild-%ld", o->db_path, (long)getpid());
            remove_tree(build_path);
            path = build_path;
        }
        rc = open_writable(o, path, FH_DB_CREATE | FH_DB_NO_SYNC, &db);
        if (rc != FH_OK) {
            code = exit_for_status(rc);
            goto out;
        }
        /* The lock is ours (for a rebuild, the index's own through `old`):
         * what killed runs left beside the index can go. */
        each_leftover(o->db_path, remove_leftover);
    }
    if (db)
        rc = fh_db_doc_count(db, &doc_count);
    r.analyzer_opts = o->analyzer;
    if (db && rc == FH_OK) {
        char *text = NULL;
        rc = fh_db_metadata_get(db, FH_SETTINGS_KEY, &text, NULL);
        if (rc == FH_OK && text[0] != '\0') {
            rc = fh_settings_parse(text, &r.analyzer_opts);
            if (rc != FH_OK)
                say(o->db_path, "the index was made by a newer fihris (settings \"%s\")", text);
        } else if (rc == FH_OK && !o->dry_run) {
            rc = fh_settings_store(db, &r.analyzer_opts);
        }
        free(text);
    }
    if (rc == FH_OK)
        rc = fh_state_table_load(db, &r.state);
    if (rc != FH_OK) {
        if (db && fh_db_errmsg(db)[0])
            say(o->db_path, "cannot read the index: %s", fh_db_errmsg(db));
        else if (rc != FH_ERR_INVALID)
            say(o->db_path, "cannot read the index: %s", fh_status_str(rc));
        code = rc == FH_ERR_INVALID ? FH_EXIT_CANTCREAT : FH_EXIT_IOERR;
        goto out;
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
            delete_unseen(&r, NULL);
        goto out;
    }

    /* Read and analyze in worker threads; write here. */
    n_threads = o->threads;
    if (n_threads == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        n_threads = cores > 0 ? (unsigned)cores : 1;
    }
    if (n_threads > r.n_jobs)
        n_threads = r.n_jobs ? (unsigned)r.n_jobs : 0;
    threads = calloc(n_threads ? n_threads : 1, sizeof *threads);
    workers = calloc(n_threads ? n_threads : 1, sizeof *workers);
    if (threads == NULL || workers == NULL) {
        say(NULL, "out of memory");
        code = FH_EXIT_IOERR;
        goto out;
    }
    rc = start_workers(&r, threads, workers, n_threads, &n_started);
    int write_rc = FH_OK;
    if (rc == FH_OK)
        write_rc = write_results(&r, db);
    pthread_mutex_lock(&r.lock);
    r.stop = r.stop || rc != FH_OK;
    pthread_cond_broadcast(&r.not_full);
    pthread_mutex_unlock(&r.lock);
    for (unsigned i = 0; i < n_started; i++)
        pthread_join(threads[i], NULL);
    if (rc == FH_OK)
        rc = write_rc;
    if (rc == FH_OK)
        rc = r.worker_status;

    if (rc == FH_OK && !o->no_delete)
        rc = delete_unseen(&r, db);
    if (rc == FH_OK) {
        if (report->added || report->changed || report->deleted || doc_count == 0)
            set_time_metadata(db, "fihris.updated");
        set_time_metadata(db, "fihris.last-run");
        rc = commit(db);
    }
    if (rc != FH_OK) {
        const char *msg = fh_db_errmsg(db);
        say(o->db_path, "cannot update the index: %s", msg[0] ? msg : fh_status_str(rc));
        say(o->db_path, "it is left as it was at its last commit");
        code = rc == FH_ERR_NOMEM ? FH_EXIT_IOERR : exit_for_status(rc);
        fh_db_close_discard(db);
        db = NULL;
        goto out;
    }
    /* Commits ran without fsync. A fresh build is compacted into its place
     * (half the size and quicker to search); any other is synced as it is. */
    if ((doc_count == 0 || build_path) && report->added > 0)
        code = install_compacted(o, build_path ? build_path : o->db_path, build_path, &db, &old);
    else
        code = install_as_is(o, build_path, &db, &old);

out:
    if (db)
        fh_db_close(db);
    fh_db_close(old);
    if (build_path && code != FH_EXIT_OK)
        remove_tree(build_path);
    free(build_path);
    for (unsigned i = 0; workers && i < n_threads; i++) {
        fh_document_builder_free(workers[i].builder);
        fh_analyzer_free(workers[i].analyzer);
        fh_buf_free(&workers[i].key);
        fh_buf_free(&workers[i].term);
        fh_buf_free(&workers[i].state);
    }
    free(workers);
    free(threads);
    for (size_t i = 0; i < r.n_jobs; i++)
        free(r.jobs[i].path);
    free(r.jobs);
    for (size_t i = 0; i < r.n_roots; i++)
        free(r.roots[i]);
    free(r.roots);
    fh_state_table_free(r.state);
    report->unchanged = r.unchanged;
    report->skipped += r.skipped;
    report->warnings = r.warnings;
    report->seconds = now_seconds() - t0;
    pthread_mutex_lock(&stderr_lock);
    clear_progress_locked();
    pthread_mutex_unlock(&stderr_lock);
    pthread_mutex_destroy(&r.lock);
    pthread_cond_destroy(&r.not_empty);
    pthread_cond_destroy(&r.not_full);
    return code;
}
