/* skipped.c - warnings remembered between runs (see skipped.h). */
#include "skipped.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "status.h"

typedef struct record {
    const char *path; /* into old (not NUL-terminated where it ends) */
    size_t path_len;
    const char *why; /* into old, why_len bytes */
    size_t why_len;
    uint64_t size;
    int64_t mtime_ns;
} record;

struct fh_skipped {
    char *old; /* the metadata as loaded (records point into it) */
    size_t old_len;
    record *records; /* sorted by path */
    size_t n_records, cap_records;
    fh_buf now; /* this run's records, in the stored form */
};

static int compare_bytes(const char *a, size_t a_len, const char *b, size_t b_len)
{
    int c = memcmp(a, b, a_len < b_len ? a_len : b_len);
    return c ? c : (a_len > b_len) - (a_len < b_len);
}

/* Records in order of path, then reason. */
static int by_path(const void *a, const void *b)
{
    const record *x = a, *y = b;
    int c = compare_bytes(x->path, x->path_len, y->path, y->path_len);
    return c ? c : compare_bytes(x->why, x->why_len, y->why, y->why_len);
}

/* Whether why can be stored: not empty, no tab or NUL, not starting with
 * '/' (a record of the older form, without a reason, has the path there). */
static int good_why(const char *why, size_t len)
{
    return len > 0 && why[0] != '/' && memchr(why, '\t', len) == NULL &&
           memchr(why, '\0', len) == NULL;
}

/* Parse "SIZE\tMTIME\tWHY\tPATH" (len bytes, no NUL in it) into *r. The
 * records of older versions ("SIZE\tMTIME\tPATH") do not parse: they are
 * forgotten, and said once more. */
static int parse_record(const char *s, size_t len, record *r)
{
    char *end = NULL;
    const char *stop = s + len;
    const char *tab1 = memchr(s, '\t', len);
    const char *tab2 = tab1 ? memchr(tab1 + 1, '\t', (size_t)(stop - tab1 - 1)) : NULL;
    const char *tab3 = tab2 ? memchr(tab2 + 1, '\t', (size_t)(stop - tab2 - 1)) : NULL;
    if (tab3 == NULL || tab1 == s || tab2 == tab1 + 1 || tab3 + 1 == stop)
        return -1;
    r->size = strtoull(s, &end, 10);
    if (end != tab1)
        return -1;
    r->mtime_ns = strtoll(tab1 + 1, &end, 10);
    if (end != tab2)
        return -1;
    r->why = tab2 + 1;
    r->why_len = (size_t)(tab3 - r->why);
    if (!good_why(r->why, r->why_len))
        return -1;
    r->path = tab3 + 1;
    r->path_len = (size_t)(stop - r->path);
    return 0;
}

fh_status fh_skipped_load(fh_db *db, fh_skipped **out)
{
    *out = NULL;
    fh_skipped *s = calloc(1, sizeof *s);
    if (s == NULL)
        return FH_ERR_NOMEM;
    fh_status rc = fh_db_metadata_get(db, FH_SKIPPED_KEY, &s->old, &s->old_len);
    for (size_t at = 0; rc == FH_OK && at < s->old_len;) {
        const char *rec = s->old + at;
        size_t len = strnlen(rec, s->old_len - at);
        record r;
        if (len > 0 && parse_record(rec, len, &r) == 0) {
            if (fh_grow((void **)&s->records, &s->cap_records, s->n_records + 1, sizeof r, 16) !=
                FH_OK)
                rc = FH_ERR_NOMEM;
            else
                s->records[s->n_records++] = r;
        }
        at += len + 1;
    }
    if (rc != FH_OK) {
        fh_skipped_free(s);
        return rc;
    }
    if (s->n_records > 1)
        qsort(s->records, s->n_records, sizeof *s->records, by_path);
    *out = s;
    return FH_OK;
}

void fh_skipped_free(fh_skipped *s)
{
    if (s == NULL)
        return;
    free(s->old);
    free(s->records);
    fh_buf_free(&s->now);
    free(s);
}

int fh_skipped_unchanged(const fh_skipped *s, const char *path, size_t len, const char *why,
                         uint64_t size, int64_t mtime_ns)
{
    if (s == NULL || s->n_records == 0)
        return 0;
    record key = {path, len, why, strlen(why), 0, 0};
    const record *r = bsearch(&key, s->records, s->n_records, sizeof key, by_path);
    return r != NULL && r->size == size && r->mtime_ns == mtime_ns;
}

const char *fh_skipped_find(const fh_skipped *s, const char *path, size_t len, const char *prefix,
                            size_t *why_len, uint64_t *size, int64_t *mtime_ns)
{
    if (s == NULL)
        return NULL;
    /* The first record of path: records are sorted by path, then reason. */
    size_t lo = 0, hi = s->n_records;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const record *r = &s->records[mid];
        if (compare_bytes(r->path, r->path_len, path, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t plen = strlen(prefix);
    for (; lo < s->n_records; lo++) {
        const record *r = &s->records[lo];
        if (compare_bytes(r->path, r->path_len, path, len) != 0)
            break;
        if (r->why_len >= plen && memcmp(r->why, prefix, plen) == 0) {
            *why_len = r->why_len;
            *size = r->size;
            *mtime_ns = r->mtime_ns;
            return r->why;
        }
    }
    return NULL;
}

static void put_record(fh_buf *b, const char *path, size_t len, const char *why, size_t why_len,
                       uint64_t size, int64_t mtime_ns)
{
    fh_buf_printf(b, "%" PRIu64 "\t%" PRId64 "\t", size, mtime_ns);
    fh_buf_append(b, why, why_len);
    fh_buf_putc(b, '\t');
    fh_buf_append(b, path, len);
    fh_buf_putc(b, '\0');
}

fh_status fh_skipped_add(fh_skipped *s, const char *path, size_t len, const char *why,
                         uint64_t size, int64_t mtime_ns)
{
    if (len == 0 || memchr(path, '\0', len) != NULL || !good_why(why, strlen(why)))
        return FH_ERR_INVALID;
    put_record(&s->now, path, len, why, strlen(why), size, mtime_ns);
    return fh_buf_status(&s->now);
}

fh_status fh_skipped_save(fh_skipped *s, fh_db *db,
                          int (*keep_old)(void *ctx, const char *path, size_t len), void *ctx)
{
    fh_buf all = FH_BUF_INIT;
    fh_buf_append(&all, s->now.data ? s->now.data : "", s->now.len);
    for (size_t i = 0; i < s->n_records; i++) {
        const record *r = &s->records[i];
        if (keep_old(ctx, r->path, r->path_len))
            put_record(&all, r->path, r->path_len, r->why, r->why_len, r->size, r->mtime_ns);
    }
    fh_status rc = fh_buf_status(&all);
    /* A run over unchanged files stores nothing new. */
    int same = rc == FH_OK && all.len == s->old_len &&
               (all.len == 0 || memcmp(all.data, s->old, all.len) == 0);
    if (rc == FH_OK && !same)
        rc = fh_db_metadata_set(db, FH_SKIPPED_KEY, all.len ? all.data : "", all.len);
    fh_buf_free(&all);
    return rc;
}
