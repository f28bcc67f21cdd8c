/* captures.c - one capture of each URL shown (see captures.h). */
#include "captures.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "record.h"
#include "shards.h"

typedef struct capture {
    uint64_t url;  /* a hash of the URL */
    uint64_t date; /* the capture date's digits, YYYYMMDDhhmmss */
    uint64_t key;  /* a hash of the document's key (PATH#URL), 0 if unknown */
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
    l->items[l->n++] = (capture){fh_hash64(nul + 1, url_len, 0),
                                 date_key(value + 1, date_len),
                                 0,
                                 docid,
                                 l->shard,
                                 value[0] == '1'};
    return 0;
}

static int by_place_of_capture(const void *a, const void *b)
{
    const capture *x = a, *y = b;
    if (x->shard != y->shard)
        return x->shard < y->shard ? -1 : 1;
    return x->docid < y->docid ? -1 : x->docid > y->docid;
}

/* The key of the capture with this docid in the list's shard, from its
 * state value. */
static int add_key(void *ctx, fh_docid docid, const char *value, size_t len)
{
    capture_list *l = ctx;
    capture probe = {.docid = docid, .shard = l->shard};
    capture *c = bsearch(&probe, l->items, l->n, sizeof *l->items, by_place_of_capture);
    fh_record_state st;
    if (c && fh_record_state_decode(value, len, &st) == FH_OK)
        c->key = fh_hash64(st.key, st.key_len, 0);
    return 0;
}

/* By URL, then the shown one first: latest date, then (two archives
 * holding a capture of the same second) the larger hash of its key, the
 * same whatever the shards; then later shard, then later document. */
static int by_url_latest(const void *a, const void *b)
{
    const capture *x = a, *y = b;
    if (x->url != y->url)
        return x->url < y->url ? -1 : 1;
    if (x->date != y->date)
        return x->date > y->date ? -1 : 1;
    if (x->key != y->key)
        return x->key > y->key ? -1 : 1;
    if (x->shard != y->shard)
        return x->shard > y->shard ? -1 : 1;
    return x->docid > y->docid ? -1 : x->docid < y->docid;
}

/* Whether two captures of a URL have the same date, in a list sorted by
 * by_url_latest(). */
static int same_second_twice(const capture_list *l)
{
    for (size_t i = 1; i < l->n; i++)
        if (l->items[i].url == l->items[i - 1].url && l->items[i].date == l->items[i - 1].date)
            return 1;
    return 0;
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
    /* Two captures of a URL of the same second (two archives holding one
     * capture) are ordered by their keys, read from the state values only
     * then: in shard and docid order, as the values come. */
    if (rc == FH_OK && same_second_twice(&l)) {
        qsort(l.items, l.n, sizeof *l.items, by_place_of_capture);
        for (unsigned i = 0; rc == FH_OK && i < n; i++) {
            l.shard = i;
            *failed = i;
            rc = fh_db_values(dbs[i], FH_SLOT_STATE, add_key, &l);
        }
        qsort(l.items, l.n, sizeof *l.items, by_url_latest);
    }
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

/* ---- Counting ------------------------------------------------------------ */

/* A capture the index held when the run began. */
typedef struct held {
    uint64_t url;
    uint64_t date_before, date; /* date is the one written this run, if it was */
    uint64_t key;               /* a hash of its key, as fh_captures_settle() orders */
    fh_docid raw;               /* the docid in the database it was read from */
    unsigned db;                /* which of them */
    unsigned shard;             /* its shard, and docid in it (for the order) */
    fh_docid docid;
    unsigned char hidden, kept, written, deleted;
} held;

/* A capture the run adds. */
typedef struct added {
    uint64_t url, date, key;
    unsigned shard;
    unsigned char superseded; /* its key written again later in the run */
} added;

struct fh_captures {
    held *held;
    size_t n_held, cap_held;
    added *added;
    size_t n_added, cap_added;
    unsigned n_shards, interleaved, db;
    fh_status status;
};

static int add_held(void *ctx, fh_docid docid, const char *value, size_t len)
{
    fh_captures *c = ctx;
    const char *nul = len > 1 ? memchr(value, '\0', len) : NULL;
    if (nul == NULL)
        return 0;
    if (fh_grow((void **)&c->held, &c->cap_held, c->n_held + 1, sizeof *c->held, 1024) != FH_OK) {
        c->status = FH_ERR_NOMEM;
        return 1;
    }
    uint64_t date = date_key(value + 1, (size_t)(nul - value) - 1);
    unsigned k = c->interleaved;
    held h = {.url = fh_hash64(nul + 1, len - (size_t)(nul - value) - 1, 0),
              .date_before = date,
              .date = date,
              .raw = docid,
              .db = c->db,
              .shard = k > 1 ? (unsigned)((docid - 1) % k) : c->db,
              .docid = k > 1 ? (docid - 1) / k + 1 : docid,
              .hidden = value[0] == '1'};
    c->held[c->n_held++] = h;
    return 0;
}

static int by_place(const void *a, const void *b)
{
    const held *x = a, *y = b;
    if (x->db != y->db)
        return x->db < y->db ? -1 : 1;
    return x->raw < y->raw ? -1 : x->raw > y->raw;
}

fh_status fh_captures_load(fh_db *const *dbs, unsigned n, unsigned interleaved, unsigned n_shards,
                           fh_state_table *state, fh_captures **out, unsigned *failed)
{
    *out = NULL;
    fh_captures *c = calloc(1, sizeof *c);
    if (c == NULL)
        return FH_ERR_NOMEM;
    c->n_shards = n_shards;
    c->interleaved = interleaved;
    fh_status rc = FH_OK;
    for (unsigned i = 0; rc == FH_OK && i < n; i++) {
        c->db = i;
        *failed = i;
        rc = fh_db_values(dbs[i], FH_SLOT_CAPTURE, add_held, c);
        if (rc == FH_OK)
            rc = c->status;
    }
    if (rc == FH_OK && c->n_held > 0)
        qsort(c->held, c->n_held, sizeof *c->held, by_place);
    for (size_t i = 0; rc == FH_OK && c->n_held > 0 && i < fh_state_table_size(state); i++) {
        fh_state_entry *e = fh_state_table_at(state, i);
        held probe = {.db = e->shard, .raw = e->docid};
        held *h = bsearch(&probe, c->held, c->n_held, sizeof *c->held, by_place);
        e->capture = h ? (size_t)(h - c->held) + 1 : 0;
        if (h)
            h->key = fh_hash64(e->key, e->key_len, 0);
    }
    if (rc != FH_OK) {
        fh_captures_free(c);
        return rc;
    }
    *out = c;
    return FH_OK;
}

void fh_captures_free(fh_captures *c)
{
    if (c == NULL)
        return;
    free(c->held);
    free(c->added);
    free(c);
}

void fh_captures_note_kept(fh_captures *c, const fh_state_entry *e)
{
    if (c && e->capture)
        c->held[e->capture - 1].kept = 1;
}

void fh_captures_note_deleted(fh_captures *c, const fh_state_entry *e)
{
    if (c && e->capture)
        c->held[e->capture - 1].deleted = 1;
}

fh_status fh_captures_note_written(fh_captures *c, const fh_state_entry *e, const char *key,
                                   size_t key_len, const char *url, const char *date)
{
    if (c == NULL)
        return FH_OK;
    uint64_t d = date_key(date, strlen(date));
    if (e && e->capture) {
        held *h = &c->held[e->capture - 1];
        h->written = 1;
        h->date = d;
        return FH_OK;
    }
    if (fh_grow((void **)&c->added, &c->cap_added, c->n_added + 1, sizeof *c->added, 256) != FH_OK)
        return FH_ERR_NOMEM;
    unsigned shard = c->n_shards > 1 ? fh_shards_of_key(key, key_len, c->n_shards) : 0;
    c->added[c->n_added++] =
        (added){fh_hash64(url, strlen(url), 0), d, fh_hash64(key, key_len, 0), shard, 0};
    return FH_OK;
}

/* One capture of a URL, before and after the run, for the count. */
typedef struct row {
    uint64_t url;
    uint64_t date_before, date;
    uint64_t key;
    unsigned shard;
    fh_docid docid; /* a new one: after every held one, in the order written */
    int before;     /* held, shown when the run began */
    int after;      /* there when the run ends */
    int touched;    /* kept, written, deleted or added by the run */
    int rewritten;  /* written or added by the run */
} row;

static int by_url(const void *a, const void *b)
{
    const row *x = a, *y = b;
    return x->url < y->url ? -1 : x->url > y->url;
}

/* Whether x is shown before y of the same URL (fh_captures_settle()'s
 * order), by the dates after the run or (before) those it began with. */
static int shows_before(const row *x, const row *y, int before)
{
    uint64_t dx = before ? x->date_before : x->date, dy = before ? y->date_before : y->date;
    if (dx != dy)
        return dx > dy;
    if (x->key != y->key)
        return x->key > y->key;
    if (x->shard != y->shard)
        return x->shard > y->shard;
    return x->docid > y->docid;
}

static int by_key_then_order(const void *a, const void *b)
{
    const added *const *x = a, *const *y = b;
    if ((*x)->key != (*y)->key)
        return (*x)->key < (*y)->key ? -1 : 1;
    return *x < *y ? -1 : *x > *y;
}

/* Mark each added capture whose key the run wrote again later. */
static fh_status mark_superseded(added *a, size_t n)
{
    added **order = malloc((n ? n : 1) * sizeof *order);
    if (order == NULL)
        return FH_ERR_NOMEM;
    for (size_t i = 0; i < n; i++)
        order[i] = &a[i];
    qsort(order, n, sizeof *order, by_key_then_order);
    for (size_t i = 0; i + 1 < n; i++)
        order[i]->superseded = order[i]->key == order[i + 1]->key;
    free(order);
    return FH_OK;
}

/* Count the URL of rows g[0..n). */
static void count_url(const row *g, size_t n, fh_captures_tally *t)
{
    const row *shown_before = NULL, *shown_after = NULL;
    int touched = 0;
    uint64_t after = 0;
    for (size_t i = 0; i < n; i++) {
        touched |= g[i].touched;
        if (g[i].before && (!shown_before || shows_before(&g[i], shown_before, 1)))
            shown_before = &g[i];
        if (g[i].after && (!shown_after || shows_before(&g[i], shown_after, 0)))
            shown_after = &g[i];
        after += (uint64_t)g[i].after;
    }
    if (!touched)
        return;
    if (after > 0)
        t->hidden += after - 1;
    if (!shown_before && shown_after)
        t->added++;
    else if (shown_before && !shown_after)
        t->deleted++;
    else if (shown_before && shown_after == shown_before && !shown_after->rewritten)
        t->unchanged++;
    else if (shown_before)
        t->changed++;
}

fh_status fh_captures_count(fh_captures *c, fh_captures_tally *out)
{
    memset(out, 0, sizeof *out);
    if (c == NULL)
        return FH_OK;
    size_t n = c->n_held + c->n_added;
    row *rows = malloc((n ? n : 1) * sizeof *rows);
    if (rows == NULL || mark_superseded(c->added, c->n_added) != FH_OK) {
        free(rows);
        return FH_ERR_NOMEM;
    }
    for (size_t i = 0; i < c->n_held; i++) {
        const held *h = &c->held[i];
        rows[i] = (row){.url = h->url,
                        .date_before = h->date_before,
                        .date = h->date,
                        .key = h->key,
                        .shard = h->shard,
                        .docid = h->docid,
                        .before = !h->hidden,
                        .after = !h->deleted,
                        .touched = h->kept || h->written || h->deleted,
                        .rewritten = h->written};
        out->docs_written += (uint64_t)(h->written || h->deleted);
    }
    for (size_t i = 0; i < c->n_added; i++) {
        const added *a = &c->added[i];
        rows[c->n_held + i] = (row){.url = a->url,
                                    .date_before = a->date,
                                    .date = a->date,
                                    .key = a->key,
                                    .shard = a->shard,
                                    .docid = (fh_docid)(UINT32_MAX - c->n_added + i + 1),
                                    .before = 0,
                                    .after = !a->superseded,
                                    .touched = 1,
                                    .rewritten = 1};
        out->docs_written++;
    }
    if (n > 0)
        qsort(rows, n, sizeof *rows, by_url);
    for (size_t i = 0, end; i < n; i = end) {
        for (end = i + 1; end < n && rows[end].url == rows[i].url;)
            end++;
        count_url(rows + i, end - i, out);
    }
    free(rows);
    return FH_OK;
}
