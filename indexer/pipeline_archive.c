/* pipeline_archive.c - the pages of a web archive, for the pipeline's
 * workers (see pipeline_internal.h).
 *
 * The archive is read as a stream (warc.h); each record that is a page
 * (archive.h) becomes a document keyed "PATH#URL". A URL captured several
 * times in the archive keeps its latest capture (by date; of two alike,
 * the later in the file): an earlier one met after is passed over, a later
 * one replaces it (same key, same shard, queued in order). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "archive.h"
#include "pipeline_internal.h"
#include "record.h"
#include "skipped.h"
#include "state.h"
#include "warc.h"

#define DATE_KEPT 40
/* How far an archive was read is remembered with skipped.h as
 * "archive=OFFSET:TAIL:HASH:FORMAT[:LLIMIT][:WKIND@AT]": the offset to read
 * on from, a hash of the TAIL bytes before it, which must be the same to
 * read on, and what the archive is, "W" (WARC; also when missing) or "A"
 * (ARC); then, when records were passed over for being larger than
 * --max-file-size, the LIMIT in force (a run with a larger one reads the
 * archive again), and when the archive ended in a record cut short that
 * was not said (it was still being written), which warning (HELD[KIND])
 * at which offset: said by the first run that finds the archive unchanged
 * ten minutes after it last changed. */
#define PROGRESS     "archive="
#define PROGRESS_MAX 160
#define TAIL_MAX     4096

/* The warnings of a record cut short, held back while an archive may still
 * be growing. */
static const char *const HELD[] = {"truncated record", "truncated or corrupt gzip member",
                                   "truncated or corrupt zstd frame"};
#define N_HELD (sizeof HELD / sizeof HELD[0])

/* The URLs met in this archive with the date of the capture kept, by a
 * 64-bit hash of the URL (two URLs of one archive with the same hash,
 * about one chance in 2^64 a pair, are taken for one). */
typedef struct url_slot {
    uint64_t hash; /* 0: empty */
    char date[DATE_KEPT];
} url_slot;

typedef struct archive_ctx {
    worker *w;
    int fd;
    uint64_t base; /* the file offset the reader started at */
    int err;       /* the errno of a failed read */
    url_slot *slots;
    size_t n, cap;
    fh_buf label;
    fh_buf id;
    int held;         /* the HELD[] warning held back + 1, or 0 ... */
    uint64_t held_at; /* ... at this offset */
    int warned;       /* something was said of the archive */
    int over_limit;   /* a record was passed over for its size */
    uint64_t pages;   /* pages given to the pipeline */
} archive_ctx;

static long read_fd(void *ctx, char *buf, size_t cap)
{
    archive_ctx *c = ctx;
    for (;;) {
        ssize_t n = read(c->fd, buf, cap);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            c->err = errno;
        return (long)n;
    }
}

/* An archive changed this recently is taken as still being written. */
#define GROWING_NS (600 * (int64_t)1000000000)

static int64_t now_ns(void)
{
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

static void say_warning(archive_ctx *c, uint64_t offset, const char *what)
{
    c->warned = 1;
    fh_pipeline__warn(c->w->p, c->w->j->path, "at byte %llu: %s", (unsigned long long)offset, what);
}

/* Say the warning held back: something came after it, so it was not the
 * end of an archive still being written. */
static void say_held(archive_ctx *c)
{
    if (c->held > 0)
        say_warning(c, c->held_at, HELD[c->held - 1]);
    c->held = 0;
}

static void on_warn(void *ctx, uint64_t offset, const char *what)
{
    archive_ctx *c = ctx;
    offset += c->base;
    say_held(c);
    /* A record cut short at the end of an archive a crawler is still
     * writing is the part written so far: read in full on the next run,
     * not warned of. Such a warning is held back until a record or
     * another warning shows that more came after it; one still held at
     * the end is remembered, and said once the archive stops growing. */
    if (now_ns() - c->w->j->mtime_ns < GROWING_NS) {
        for (size_t i = 0; i < N_HELD; i++)
            if (strcmp(what, HELD[i]) == 0) {
                c->held = (int)i + 1;
                c->held_at = offset;
                return;
            }
    }
    say_warning(c, offset, what);
}

/* The slot of hash h (empty when new), or NULL out of memory. */
static url_slot *slot_of(archive_ctx *c, uint64_t h)
{
    if (c->n + 1 > c->cap / 2) {
        size_t cap = c->cap ? c->cap * 2 : 256;
        url_slot *s = calloc(cap, sizeof *s);
        if (s == NULL)
            return NULL;
        for (size_t i = 0; i < c->cap; i++) {
            if (c->slots[i].hash == 0)
                continue;
            size_t k = c->slots[i].hash & (cap - 1);
            while (s[k].hash != 0)
                k = (k + 1) & (cap - 1);
            s[k] = c->slots[i];
        }
        free(c->slots);
        c->slots = s;
        c->cap = cap;
    }
    size_t k = h & (c->cap - 1);
    while (c->slots[k].hash != 0 && c->slots[k].hash != h)
        k = (k + 1) & (c->cap - 1);
    return &c->slots[k];
}

/* Whether the capture of url dated date is the latest met so far (then it
 * is remembered). Out of memory, every capture is taken. */
static int latest(archive_ctx *c, const char *url, const char *date)
{
    uint64_t h = fh_hash64(url, strlen(url), 0) | 1;
    url_slot *s = slot_of(c, h);
    if (s == NULL)
        return 1;
    if (s->hash == h && strncmp(date, s->date, DATE_KEPT - 1) < 0)
        return 0;
    if (s->hash == 0)
        c->n++;
    s->hash = h;
    snprintf(s->date, sizeof s->date, "%s", date);
    return 1;
}

/* A hash of the len bytes of fd before offset at; 0 when they cannot be
 * read. */
static uint64_t tail_hash(int fd, uint64_t at, uint32_t len)
{
    char buf[TAIL_MAX];
    if (len > TAIL_MAX || len > at)
        return 0;
    ssize_t got = pread(fd, buf, len, (off_t)(at - len));
    return got == (ssize_t)len ? fh_hash64(buf, len, 0) | 1 : 0;
}

int fh_pipeline__archive_walked(fh_pipeline *p, const char *path, size_t len, job *j)
{
    size_t why_len = 0;
    uint64_t size = 0;
    int64_t mtime_ns = 0;
    const char *why =
        fh_skipped_find(p->remembered, path, len, PROGRESS, &why_len, &size, &mtime_ns);
    char copy[PROGRESS_MAX];
    unsigned long long at = 0, hash = 0, limit = 0, held_at = 0;
    unsigned tail = 0, held = 0;
    char format = 'W';
    if (why == NULL || why_len >= sizeof copy)
        return 0;
    memcpy(copy, why, why_len);
    copy[why_len] = '\0';
    int end = 0; /* where the optional fields start */
    if (sscanf(copy, PROGRESS "%llu:%u:%llx:%c%n", &at, &tail, &hash, &format, &end) < 3)
        return 0;
    const char *l = end ? strstr(copy + end, ":L") : NULL,
               *w = end ? strstr(copy + end, ":W") : NULL;
    if (l && sscanf(l, ":L%llu", &limit) != 1)
        limit = 0;
    if (w && (sscanf(w, ":W%u@%llu", &held, &held_at) != 2 || held == 0 || held > N_HELD))
        held = 0;
    if (size == j->size && mtime_ns == j->mtime_ns) {
        /* Records passed over for their size, and a larger limit now:
         * read it all again. */
        if (l && p->opts->max_file_size > limit)
            return 0;
        if (held && now_ns() - mtime_ns >= GROWING_NS) {
            fh_pipeline__warn(p, path, "at byte %llu: %s (the archive has stopped growing)",
                              held_at, HELD[held - 1]);
            copy[w - copy] = '\0'; /* said: no more */
        }
        fh_pipeline__remember(p, path, len, copy, size, mtime_ns);
        return 1;
    }
    if (at <= j->size && tail <= TAIL_MAX) {
        j->resume = at;
        j->tail_len = tail;
        j->tail_hash = hash;
        j->resume_arc = format == 'A';
    }
    return 0;
}

/* Read on from where the archive was read last, when the bytes before
 * that are still the same: the documents of what was read stay. */
static void resume_reading(archive_ctx *c)
{
    const job *j = c->w->j;
    if (j->resume == 0 || tail_hash(c->fd, j->resume, j->tail_len) != j->tail_hash ||
        lseek(c->fd, (off_t)j->resume, SEEK_SET) != (off_t)j->resume) {
        lseek(c->fd, 0, SEEK_SET);
        return;
    }
    c->base = j->resume;
    fh_pipeline *p = c->w->p;
    uint64_t kept = 0;
    fh_state_entry *e = fh_state_table_first_of_path(p->state, j->path, j->path_len);
    pthread_mutex_lock(&p->lock);
    for (; e; e = fh_state_table_next_of_path(p->state, e)) {
        e->seen = 1;
        if (e->capture && p->captures)
            fh_captures_note_kept(p->captures, e);
        else
            kept++;
    }
    p->report->unchanged += kept;
    pthread_mutex_unlock(&p->lock);
}

/* Remember how far a WARC or ARC file was read, for the next run, with
 * the limit records were passed over for and the warning held back (see
 * PROGRESS). A record of either, plain or a member, reads the same from
 * its start as from the file's (an ARC record's header line says all it
 * needs; the filedesc:// record first says nothing the others need).
 * Returns 1 when remembered, 0 when there is nothing to read on from. */
static int remember_progress(archive_ctx *c, const fh_warc *r)
{
    const job *j = c->w->j;
    uint64_t at = c->base + fh_warc_resume_offset(r);
    uint32_t tail = at < TAIL_MAX ? (uint32_t)at : TAIL_MAX;
    uint64_t hash = tail_hash(c->fd, at, tail);
    /* Read on from the middle, the archive was one even when no record
     * came this time (only part of one was added). */
    fh_warc_format format = fh_warc_format_of(r);
    if ((format == FH_WARC_UNKNOWN && c->base == 0) || at == 0 || hash == 0)
        return 0;
    int arc = format == FH_WARC_ARC || (format == FH_WARC_UNKNOWN && j->resume_arc);
    char why[PROGRESS_MAX];
    int n = snprintf(why, sizeof why, PROGRESS "%llu:%u:%llx:%c", (unsigned long long)at, tail,
                     (unsigned long long)hash, arc ? 'A' : 'W');
    if (c->over_limit)
        n += snprintf(why + n, sizeof why - (size_t)n, ":L%llu",
                      (unsigned long long)c->w->p->opts->max_file_size);
    if (c->held)
        snprintf(why + n, sizeof why - (size_t)n, ":W%d@%llu", c->held,
                 (unsigned long long)c->held_at);
    fh_pipeline__remember(c->w->p, j->path, j->path_len, why, j->size, j->mtime_ns);
    return 1;
}

/* One record: a page is indexed, a bad one said, the others counted. */
static fh_status one_record(archive_ctx *c, const fh_warc_record *rec)
{
    fh_pipeline *p = c->w->p;
    fh_page page;
    fh_archive_verdict verdict;
    const char *why = NULL;
    fh_warc_record placed = *rec;
    placed.offset += c->base;
    rec = &placed;
    fh_status rc = fh_archive_page(rec, p->opts->max_file_size, &page, &verdict, &why);
    if (rc != FH_OK)
        return rc;
    if (verdict == FH_ARCHIVE_OTHER) {
        fh_pipeline__count(p, &p->report->passed_over);
        return FH_OK;
    }
    if (verdict == FH_ARCHIVE_BAD) {
        char what[160];
        if (rec->length > p->opts->max_file_size) {
            c->over_limit = 1;
            snprintf(what, sizeof what,
                     "skipped: a record of %llu bytes is over --max-file-size (%llu)",
                     (unsigned long long)rec->length, (unsigned long long)p->opts->max_file_size);
        } else {
            snprintf(what, sizeof what, "skipped: %s", why);
        }
        say_warning(c, rec->offset, what);
        fh_pipeline__count(p, &p->report->skipped);
        return FH_OK;
    }
    /* The key is the URL; a page without one is known by its offset. */
    fh_buf_reset(&c->id);
    if (page.url)
        fh_buf_puts(&c->id, page.url);
    else
        fh_buf_printf(&c->id, "@%llu", (unsigned long long)rec->offset);
    fh_buf_append(&c->id, "", 0);
    fh_buf_reset(&c->label);
    fh_buf_printf(&c->label, "%s (at byte %llu)", c->w->j->path, (unsigned long long)rec->offset);
    if (fh_buf_status(&c->id) != FH_OK || fh_buf_status(&c->label) != FH_OK) {
        fh_page_clear(&page);
        return FH_ERR_NOMEM;
    }
    if (!latest(c, c->id.data, rec->date)) {
        fh_pipeline__count(p, &p->report->passed_over);
        fh_page_clear(&page);
        return FH_OK;
    }
    page.id = strdup(c->id.data);
    rc = page.id ? fh_pipeline__page(c->w, &page, c->label.data) : FH_ERR_NOMEM;
    c->pages++;
    fh_page_clear(&page);
    return rc;
}

/* An archive that gave no page and was warned of, and cannot be read on
 * from where it stopped (not an archive, broken from its start): passed
 * over in silence while it stays the same, as a file skipped for what it
 * holds. */
static void nothing_to_read_on(archive_ctx *c)
{
    const job *j = c->w->j;
    fh_pipeline *p = c->w->p;
    if (!c->warned || c->pages > 0 || fh_state_table_first_of_path(p->state, j->path, j->path_len))
        return;
    fh_pipeline__remember(p, j->path, j->path_len, FH_PIPELINE__SKIP_CONTENT, j->size, j->mtime_ns);
    fh_pipeline__count(p, &p->report->skipped);
}

/* A zstd archive read on from the middle needs the dictionary its file
 * starts with: give it to the reader. */
static fh_status give_dictionary(archive_ctx *c, fh_warc *r)
{
    unsigned char head[8];
    if (pread(c->fd, head, sizeof head, 0) != (ssize_t)sizeof head)
        return FH_OK;
    uint64_t n = fh_warc_dict_frame_len(head);
    if (n == 0)
        return FH_OK;
    if (n > FH_WARC_DICT_MAX + 8)
        n = sizeof head; /* the reader says it is too large */
    char *frame = malloc((size_t)n);
    if (frame == NULL)
        return FH_ERR_NOMEM;
    ssize_t got = pread(c->fd, frame, (size_t)n, 0);
    uint64_t base = c->base; /* the dictionary is at the file's start */
    c->base = 0;
    fh_status rc = fh_warc_set_dictionary(r, frame, got > 0 ? (size_t)got : 0);
    c->base = base;
    free(frame);
    return rc == FH_ERR_NOMEM ? rc : FH_OK;
}

fh_status fh_pipeline__read_archive(worker *w, int *err)
{
    archive_ctx c = {w, -1, 0, 0, NULL, 0, 0, FH_BUF_INIT, FH_BUF_INIT, 0, 0, 0, 0, 0};
    c.fd = open(w->j->path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (c.fd < 0) {
        *err = errno;
        return FH_ERR_IO;
    }
    resume_reading(&c);
    fh_warc *r = NULL;
    fh_status rc = fh_warc_new(read_fd, on_warn, &c, w->p->opts->max_file_size, &r);
    if (rc == FH_OK && c.base > 0) {
        fh_warc_set_format(r, w->j->resume_arc ? FH_WARC_ARC : FH_WARC_WARC);
        rc = give_dictionary(&c, r);
    }
    while (rc == FH_OK) {
        fh_warc_record rec;
        int more = 0;
        rc = fh_warc_next(r, &rec, &more);
        if (rc != FH_OK || !more)
            break;
        say_held(&c);
        rc = one_record(&c, &rec);
        if (fh_pipeline__stopping(w->p))
            break;
    }
    if (rc == FH_ERR_IO)
        *err = c.err;
    if (rc == FH_OK && !fh_pipeline__stopping(w->p) && !remember_progress(&c, r))
        nothing_to_read_on(&c);
    fh_warc_free(r);
    close(c.fd);
    free(c.slots);
    fh_buf_free(&c.label);
    fh_buf_free(&c.id);
    return rc;
}
