/* captures.c - one capture of each URL shown (see captures.h). */
#include "captures.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "record.h"

typedef struct capture {
    uint64_t url;  /* a hash of the URL */
    uint64_t date; /* the capture date's digits, YYYYMMDDhhmmss */
    fh_docid docid;
    unsigned shard;
    int hidden;
} capture;

typedef struct capture_list {
    capture *items;
    size_t n, cap;
    unsigned shard;
    fh_status status;
} capture_list;

/* The first 14 digits of an ISO 8601 date as a number that sorts as the
 * dates do ("2014-01-03T03:03:21Z" is 20140103030321); 0 for none. */
static uint64_t date_key(const char *s, size_t n)
{
    uint64_t v = 0;
    int digits = 0;
    for (size_t i = 0; i < n && s[i] && digits < 14; i++) {
        if (s[i] >= '0' && s[i] <= '9') {
            v = v * 10 + (uint64_t)(s[i] - '0');
            digits++;
        }
    }
    while (digits++ < 14)
        v *= 10;
    return v;
}

static int add_capture(void *ctx, fh_docid docid, const char *value, size_t len)
{
    capture_list *l = ctx;
    const char *nul = len > 1 ? memchr(value, '\0', len) : NULL;
    if (nul == NULL)
        return 0; /* an odd value: left as it is */
    size_t date_len = (size_t)(nul - value) - 1;
    size_t url_len = len - (size_t)(nul - value) - 1;
    if (fh_grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items, 1024) != FH_OK) {
        l->status = FH_ERR_NOMEM;
        return 1;
    }
    l->items[l->n++] = (capture){fh_hash64(nul + 1, url_len, 0), date_key(value + 1, date_len),
                                 docid, l->shard, value[0] == '1'};
    return 0;
}

/* By URL, then the shown one first: latest date, then later shard, then
 * later document. */
static int by_url_latest(const void *a, const void *b)
{
    const capture *x = a, *y = b;
    if (x->url != y->url)
        return x->url < y->url ? -1 : 1;
    if (x->date != y->date)
        return x->date > y->date ? -1 : 1;
    if (x->shard != y->shard)
        return x->shard > y->shard ? -1 : 1;
    return x->docid > y->docid ? -1 : x->docid < y->docid;
}

/* Hide or show one capture: its term and the flag of its value. */
static fh_status set_hidden(fh_db *db, fh_docid docid, int hide)
{
    fh_doc *doc = NULL;
    fh_status rc = fh_db_get_doc(db, docid, &doc);
    const char *value = NULL;
    size_t len = 0;
    if (rc == FH_OK)
        rc = fh_doc_get_value(doc, FH_SLOT_CAPTURE, &value, &len);
    char *copy = rc == FH_OK && len > 0 ? malloc(len) : NULL;
    if (rc == FH_OK && copy == NULL)
        rc = len > 0 ? FH_ERR_NOMEM : FH_ERR_CORRUPT;
    if (rc == FH_OK) {
        memcpy(copy, value, len);
        copy[0] = hide ? '1' : '0';
        rc = fh_doc_set_value(doc, FH_SLOT_CAPTURE, copy, len);
    }
    if (rc == FH_OK)
        rc = hide ? fh_doc_add_term(doc, FH_TERM_HIDDEN, strlen(FH_TERM_HIDDEN), 0)
                  : fh_doc_remove_term(doc, FH_TERM_HIDDEN, strlen(FH_TERM_HIDDEN));
    if (rc == FH_OK)
        rc = fh_db_replace(db, docid, doc);
    free(copy);
    fh_doc_free(doc);
    return rc;
}

fh_status fh_captures_settle(fh_db **dbs, unsigned n, uint64_t *changed, unsigned *failed)
{
    *changed = 0;
    capture_list l = {NULL, 0, 0, 0, FH_OK};
    fh_status rc = FH_OK;
    for (unsigned i = 0; rc == FH_OK && i < n; i++) {
        l.shard = i;
        *failed = i;
        rc = fh_db_values(dbs[i], FH_SLOT_CAPTURE, add_capture, &l);
        if (rc == FH_OK)
            rc = l.status;
    }
    if (rc == FH_OK && l.n > 0)
        qsort(l.items, l.n, sizeof *l.items, by_url_latest);
    for (size_t i = 0; rc == FH_OK && i < l.n; i++) {
        int first = i == 0 || l.items[i - 1].url != l.items[i].url;
        const capture *c = &l.items[i];
        if (c->hidden == !first)
            continue;
        *failed = c->shard;
        rc = set_hidden(dbs[c->shard], c->docid, !first);
        (*changed)++;
    }
    free(l.items);
    return rc;
}
