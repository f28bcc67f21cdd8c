/* test_store.c - unit tests for store.h, the C API over libxapian.
 *
 * Each test builds its databases in a fresh folder under /tmp, removed by the
 * suite's teardown. */
#define _XOPEN_SOURCE 700 /* nftw */

#include <criterion/criterion.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "expand.h"
#include "store.h"

#define TMPDIR_PREFIX "fh_test_store_"
#include "tmpdir.h"

/* ---- Fixture ------------------------------------------------------------ */

TestSuite(store, .init = tmpdir_make, .fini = tmpdir_remove);

/* The path of database name inside the test's folder (a static buffer per
 * slot, so two paths can be in use at once). */
static const char *db_path(const char *name)
{
    static char paths[4][128];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", g_dir, name);
    return p;
}

static fh_db *create_db(const char *name)
{
    fh_db *db = NULL;
    char *msg = NULL;
    int rc = fh_db_open_writable(db_path(name), FH_DB_CREATE, &db, &msg);
    cr_assert_eq(rc, FH_OK, "open %s: %s", name, msg ? msg : "");
    cr_assert_not_null(db);
    return db;
}

static fh_db *open_ro(const char *name)
{
    const char *paths[1] = {db_path(name)};
    fh_db *db = NULL;
    char *msg = NULL;
    int rc = fh_db_open_readonly(paths, 1, &db, &msg);
    cr_assert_eq(rc, FH_OK, "open %s: %s", name, msg ? msg : "");
    return db;
}

/* Add (or replace) the document with unique term key, postings for the
 * space-separated words at positions 1, 2, ... and data. Returns its id. */
static fh_docid add_doc(fh_db *db, const char *key, const char *words, const char *data)
{
    fh_doc *doc = fh_doc_new();
    cr_assert_not_null(doc);
    char *copy = strdup(words);
    uint32_t pos = 1;
    char *save = NULL;
    for (char *w = strtok_r(copy, " ", &save); w != NULL; w = strtok_r(NULL, " ", &save))
        cr_assert_eq(fh_doc_add_posting(doc, w, strlen(w), pos++, 1), FH_OK);
    free(copy);
    if (data != NULL)
        cr_assert_eq(fh_doc_set_data(doc, data, strlen(data)), FH_OK);
    fh_docid id = 0;
    cr_assert_eq(fh_db_replace_by_key(db, key, strlen(key), doc, &id), FH_OK, "%s",
                 fh_db_errmsg(db));
    fh_doc_free(doc);
    return id;
}

/* The corpus most tests search:
 *   1 Qa  the quick brown fox       (length 4)
 *   2 Qb  the lazy dog              (length 3)
 *   3 Qc  quick dog brown           (length 3)
 *   4 Qd  brown quick fox jumps     (length 4) */
static fh_db *make_corpus(void)
{
    fh_db *db = create_db("main");
    cr_assert_eq(add_doc(db, "Qa", "the quick brown fox", "doc a"), 1);
    cr_assert_eq(add_doc(db, "Qb", "the lazy dog", "doc b"), 2);
    cr_assert_eq(add_doc(db, "Qc", "quick dog brown", "doc c"), 3);
    cr_assert_eq(add_doc(db, "Qd", "brown quick fox jumps", "doc d"), 4);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    return db;
}

static fh_xquery *term(const char *t)
{
    fh_xquery *q = NULL;
    cr_assert_eq(fh_xquery_term(t, strlen(t), 1, &q), FH_OK);
    return q;
}

/* Combine two or three queries with op, freeing them. */
static fh_xquery *combine(fh_xquery_op op, uint32_t window, fh_xquery *a, fh_xquery *b,
                          fh_xquery *c)
{
    fh_xquery *subs[3] = {a, b, c};
    fh_xquery *q = NULL;
    cr_assert_eq(fh_xquery_combine(op, subs, c != NULL ? 3 : 2, window, &q), FH_OK);
    fh_xquery_free(a);
    fh_xquery_free(b);
    fh_xquery_free(c);
    return q;
}

/* Run q (freeing it) and store up to max docids and weights; returns the
 * page size. */
static size_t search(fh_db *db, fh_xquery *q, const fh_db_search_opts *opts, fh_docid *ids,
                     double *weights, size_t max)
{
    fh_results *r = NULL;
    int rc = fh_db_search(db, q, opts, 0, 100, &r);
    cr_assert_eq(rc, FH_OK, "search: %s", fh_db_errmsg(db));
    size_t n = fh_results_size(r);
    for (size_t i = 0; i < n && i < max; i++) {
        fh_results_item hit;
        cr_assert_eq(fh_results_hit(r, i, &hit), FH_OK);
        cr_assert_eq(hit.rank, i);
        if (ids != NULL)
            ids[i] = hit.docid;
        if (weights != NULL)
            weights[i] = hit.weight;
    }
    fh_results_free(r);
    fh_xquery_free(q);
    return n;
}

#define assert_ids(got_n, got, ...)                                                                \
    do {                                                                                           \
        fh_docid want_[] = {__VA_ARGS__};                                                          \
        size_t want_n_ = sizeof want_ / sizeof want_[0];                                           \
        cr_assert_eq((got_n), want_n_, "expected %zu results, got %zu", want_n_, (size_t)(got_n)); \
        for (size_t i_ = 0; i_ < want_n_; i_++)                                                    \
            cr_assert_eq((got)[i_], want_[i_], "result %zu: expected %u, got %u", i_,              \
                         (unsigned)want_[i_], (unsigned)(got)[i_]);                                \
    } while (0)

/* ---- Writing and statistics --------------------------------------------- */

Test(store, counts_and_freqs)
{
    fh_db *db = make_corpus();
    uint32_t n = 0;
    cr_assert_eq(fh_db_doc_count(db, &n), FH_OK);
    cr_assert_eq(n, 4);
    fh_docid last = 0;
    cr_assert_eq(fh_db_last_docid(db, &last), FH_OK);
    cr_assert_eq(last, 4);
    double avg = 0;
    cr_assert_eq(fh_db_avg_length(db, &avg), FH_OK);
    cr_assert_float_eq(avg, 3.5, 1e-9); /* key terms have wdf 0 */

    cr_assert_eq(fh_db_term_freq(db, "quick", 5, &n), FH_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(fh_db_term_freq(db, "fox", 3, &n), FH_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(fh_db_term_freq(db, "zebra", 5, &n), FH_OK);
    cr_assert_eq(n, 0);
    uint64_t cf = 0;
    cr_assert_eq(fh_db_collection_freq(db, "the", 3, &cf), FH_OK);
    cr_assert_eq(cf, 2);
    int exists = -1;
    cr_assert_eq(fh_db_term_exists(db, "lazy", 4, &exists), FH_OK);
    cr_assert_eq(exists, 1);
    cr_assert_eq(fh_db_term_exists(db, "lazz", 4, &exists), FH_OK);
    cr_assert_eq(exists, 0);

    fh_docid id = 0;
    cr_assert_eq(fh_db_find_key(db, "Qc", 2, &id), FH_OK);
    cr_assert_eq(id, 3);
    cr_assert_eq(fh_db_find_key(db, "Qz", 2, &id), FH_ERR_NOTFOUND);
    cr_assert_eq(fh_db_last_status(db), FH_ERR_NOTFOUND);
    cr_assert_neq(fh_db_errmsg(db)[0], '\0');
    fh_db_close(db);
}

Test(store, replace_and_delete_by_key)
{
    fh_db *db = make_corpus();
    /* Replacing keeps the id and the count. */
    cr_assert_eq(add_doc(db, "Qb", "the sleepy cat", "doc b2"), 2);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    uint32_t n = 0;
    cr_assert_eq(fh_db_doc_count(db, &n), FH_OK);
    cr_assert_eq(n, 4);
    cr_assert_eq(fh_db_term_freq(db, "lazy", 4, &n), FH_OK);
    cr_assert_eq(n, 0);
    cr_assert_eq(fh_db_term_freq(db, "Qb", 2, &n), FH_OK);
    cr_assert_eq(n, 1);
    fh_doc *doc = NULL;
    cr_assert_eq(fh_db_get_doc(db, 2, &doc), FH_OK);
    const char *data = NULL;
    size_t len = 0;
    cr_assert_eq(fh_doc_get_data(doc, &data, &len), FH_OK);
    cr_assert_eq(len, 6);
    cr_assert_str_eq(data, "doc b2");
    uint32_t terms = 0;
    cr_assert_eq(fh_doc_term_count(doc, &terms), FH_OK);
    cr_assert_eq(terms, 4); /* the sleepy cat Qb */
    fh_doc_free(doc);

    /* A new key adds a document. */
    cr_assert_eq(add_doc(db, "Qe", "new words", NULL), 5);

    /* A document that already holds its key does not get it twice. */
    doc = fh_doc_new();
    cr_assert_eq(fh_doc_add_term(doc, "Qf", 2, 0), FH_OK);
    cr_assert_eq(fh_doc_add_term(doc, "word", 4, 1), FH_OK);
    fh_docid id = 0;
    cr_assert_eq(fh_db_replace_by_key(db, "Qf", 2, doc, &id), FH_OK);
    cr_assert_eq(id, 6);
    cr_assert_eq(fh_doc_term_count(doc, &terms), FH_OK);
    cr_assert_eq(terms, 2);
    fh_doc_free(doc);

    cr_assert_eq(fh_db_delete_by_key(db, "Qb", 2), FH_OK);
    cr_assert_eq(fh_db_delete_by_key(db, "Qnone", 5), FH_OK); /* not an error */
    cr_assert_eq(fh_db_commit(db), FH_OK);
    cr_assert_eq(fh_db_doc_count(db, &n), FH_OK);
    cr_assert_eq(n, 5);
    cr_assert_eq(fh_db_find_key(db, "Qb", 2, &id), FH_ERR_NOTFOUND);
    cr_assert_eq(fh_db_get_doc(db, 2, &doc), FH_ERR_NOTFOUND);
    cr_assert_null(doc);

    cr_assert_eq(fh_db_delete(db, 5), FH_OK);
    cr_assert_eq(fh_db_delete(db, 99), FH_ERR_NOTFOUND);
    cr_assert_eq(fh_db_last_status(db), FH_ERR_NOTFOUND);
    cr_assert_neq(fh_db_errmsg(db)[0], '\0');
    cr_assert_eq(fh_db_doc_count(db, &n), FH_OK);
    cr_assert_eq(n, 4);
    fh_db_close(db);
}

Test(store, document_fields)
{
    fh_doc *doc = fh_doc_new();
    cr_assert_not_null(doc);
    const char *v0 = NULL, *v1 = NULL, *v9 = NULL;
    size_t l0 = 0, l1 = 0, l9 = 99;
    cr_assert_eq(fh_doc_set_value(doc, 0, "zero", 4), FH_OK);
    cr_assert_eq(fh_doc_set_value(doc, 1, "one\0x", 5), FH_OK);
    cr_assert_eq(fh_doc_get_value(doc, 0, &v0, &l0), FH_OK);
    cr_assert_eq(fh_doc_get_value(doc, 1, &v1, &l1), FH_OK);
    cr_assert_eq(fh_doc_get_value(doc, 9, &v9, &l9), FH_OK);
    /* Each pointer stays valid while others are read. */
    cr_assert_eq(l0, 4);
    cr_assert_str_eq(v0, "zero");
    cr_assert_eq(l1, 5);
    cr_assert_eq(memcmp(v1, "one\0x", 5), 0);
    cr_assert_eq(l9, 0);
    cr_assert_str_eq(v9, "");

    cr_assert_eq(fh_doc_add_posting(doc, "alpha", 5, 1, 1), FH_OK);
    cr_assert_eq(fh_doc_add_posting(doc, "beta", 4, 2, 1), FH_OK);
    cr_assert_eq(fh_doc_add_term(doc, "alpha", 5, 2), FH_OK);
    cr_assert_eq(fh_doc_add_term(doc, "", 0, 1), FH_ERR_INVALID);
    uint32_t terms = 0;
    cr_assert_eq(fh_doc_term_count(doc, &terms), FH_OK);
    cr_assert_eq(terms, 2);
    cr_assert_eq(fh_doc_set_data(doc, "payload", 7), FH_OK);

    fh_db *db = create_db("fields");
    cr_assert_eq(fh_db_replace_by_key(db, "Qx", 2, doc, NULL), FH_OK);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    uint64_t cf = 0;
    cr_assert_eq(fh_db_collection_freq(db, "alpha", 5, &cf), FH_OK);
    cr_assert_eq(cf, 3);

    cr_assert_eq(fh_doc_clear_terms(doc), FH_OK);
    cr_assert_eq(fh_doc_term_count(doc, &terms), FH_OK);
    cr_assert_eq(terms, 0);
    cr_assert_eq(fh_doc_get_value(doc, 0, &v0, &l0), FH_OK);
    cr_assert_str_eq(v0, "zero");
    fh_doc_free(doc);

    fh_doc *back = NULL;
    cr_assert_eq(fh_db_get_doc(db, 1, &back), FH_OK);
    const char *data = NULL;
    size_t len = 0;
    cr_assert_eq(fh_doc_get_data(back, &data, &len), FH_OK);
    cr_assert_eq(len, 7);
    cr_assert_str_eq(data, "payload");
    cr_assert_eq(fh_doc_get_value(back, 1, &v1, &l1), FH_OK);
    cr_assert_eq(l1, 5);
    cr_assert_eq(memcmp(v1, "one\0x", 5), 0);
    cr_assert_eq(fh_doc_term_count(back, &terms), FH_OK);
    cr_assert_eq(terms, 3); /* alpha beta Qx */
    fh_doc_free(back);
    fh_db_close(db);
    fh_doc_free(NULL);
}

Test(store, metadata)
{
    fh_db *db = create_db("meta");
    cr_assert_eq(fh_db_metadata_set(db, "schema", "3", 1), FH_OK);
    cr_assert_eq(fh_db_metadata_set(db, "blob", "a\0b", 3), FH_OK);
    cr_assert_eq(fh_db_commit(db), FH_OK);

    fh_db *ro = open_ro("meta");
    char *v = NULL;
    size_t len = 99;
    cr_assert_eq(fh_db_metadata_get(ro, "schema", &v, &len), FH_OK);
    cr_assert_eq(len, 1);
    cr_assert_str_eq(v, "3");
    free(v);
    cr_assert_eq(fh_db_metadata_get(ro, "blob", &v, &len), FH_OK);
    cr_assert_eq(len, 3);
    cr_assert_eq(memcmp(v, "a\0b", 4), 0);
    free(v);
    cr_assert_eq(fh_db_metadata_get(ro, "missing", &v, &len), FH_OK);
    cr_assert_not_null(v);
    cr_assert_eq(len, 0);
    cr_assert_str_eq(v, "");
    free(v);

    /* An empty value removes the key. */
    cr_assert_eq(fh_db_metadata_set(db, "schema", "", 0), FH_OK);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    cr_assert_eq(fh_db_reopen(ro), FH_OK);
    cr_assert_eq(fh_db_metadata_get(ro, "schema", &v, &len), FH_OK);
    cr_assert_eq(len, 0);
    free(v);

    /* Writing through a read-only handle is refused with a message. */
    cr_assert_eq(fh_db_metadata_set(ro, "k", "v", 1), FH_ERR_INVALID);
    cr_assert_eq(fh_db_last_status(ro), FH_ERR_INVALID);
    cr_assert_not_null(strstr(fh_db_errmsg(ro), "read-only"));
    cr_assert_eq(fh_db_commit(ro), FH_ERR_INVALID);
    fh_db_close(ro);
    fh_db_close(db);
}

struct term_list {
    char terms[8][16];
    uint32_t freqs[8];
    size_t n;
    size_t stop_after; /* 0 = never stop */
};

static int collect_term(void *ctx, const char *t, size_t len, uint32_t freq)
{
    struct term_list *l = ctx;
    cr_assert_lt(l->n, 8);
    cr_assert_lt(len, 16);
    memcpy(l->terms[l->n], t, len);
    l->terms[l->n][len] = '\0';
    l->freqs[l->n] = freq;
    l->n++;
    return l->stop_after != 0 && l->n == l->stop_after;
}

Test(store, terms_listing)
{
    fh_db *db = make_corpus();
    struct term_list l = {0};
    size_t visited = 99;
    cr_assert_eq(fh_db_terms(db, "Q", 1, 0, collect_term, &l, &visited), FH_OK);
    cr_assert_eq(visited, 4);
    cr_assert_eq(l.n, 4);
    cr_assert_str_eq(l.terms[0], "Qa");
    cr_assert_str_eq(l.terms[3], "Qd");
    cr_assert_eq(l.freqs[0], 1);

    memset(&l, 0, sizeof l);
    cr_assert_eq(fh_db_terms(db, "b", 1, 0, collect_term, &l, &visited), FH_OK);
    cr_assert_eq(visited, 1);
    cr_assert_str_eq(l.terms[0], "brown");
    cr_assert_eq(l.freqs[0], 3);

    memset(&l, 0, sizeof l);
    cr_assert_eq(fh_db_terms(db, "Q", 1, 2, collect_term, &l, &visited), FH_OK);
    cr_assert_eq(visited, 2);
    cr_assert_eq(l.n, 2);
    cr_assert_str_eq(l.terms[1], "Qb");

    /* The callback stops early: not an error. */
    memset(&l, 0, sizeof l);
    l.stop_after = 3;
    cr_assert_eq(fh_db_terms(db, NULL, 0, 0, collect_term, &l, &visited), FH_OK);
    cr_assert_eq(visited, 3);
    cr_assert_str_eq(l.terms[0], "Qa"); /* byte order: uppercase first */

    memset(&l, 0, sizeof l);
    cr_assert_eq(fh_db_terms(db, "zz", 2, 0, collect_term, &l, &visited), FH_OK);
    cr_assert_eq(visited, 0);
    fh_db_close(db);
}

struct pos_list {
    uint32_t pos[8];
    size_t n;
};

static int collect_pos(void *ctx, uint32_t pos)
{
    struct pos_list *l = ctx;
    cr_assert_lt(l->n, 8);
    l->pos[l->n++] = pos;
    return 0;
}

Test(store, positions)
{
    fh_db *db = make_corpus();
    cr_assert_eq(add_doc(db, "Qr", "to be or not to be", NULL), 5);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    struct pos_list l = {0};
    cr_assert_eq(fh_db_positions(db, 1, "quick", 5, collect_pos, &l), FH_OK);
    cr_assert_eq(l.n, 1);
    cr_assert_eq(l.pos[0], 2);
    memset(&l, 0, sizeof l);
    cr_assert_eq(fh_db_positions(db, 5, "be", 2, collect_pos, &l), FH_OK);
    cr_assert_eq(l.n, 2);
    cr_assert_eq(l.pos[0], 2);
    cr_assert_eq(l.pos[1], 6);
    memset(&l, 0, sizeof l);
    cr_assert_eq(fh_db_positions(db, 5, "quick", 5, collect_pos, &l), FH_OK);
    cr_assert_eq(l.n, 0);
    memset(&l, 0, sizeof l);
    cr_assert_eq(fh_db_positions(db, 2, "Qb", 2, collect_pos, &l), FH_OK);
    cr_assert_eq(l.n, 0); /* a term without positions */
    fh_db_close(db);
}

Test(store, term_in_docs)
{
    fh_db *db = make_corpus();
    fh_docid ids[] = {1, 2, 3, 4};
    unsigned char has[4] = {9, 9, 9, 9};
    cr_assert_eq(fh_db_term_in_docs(db, "fox", 3, ids, 4, has), FH_OK);
    cr_assert(has[0] == 1 && has[1] == 0 && has[2] == 0 && has[3] == 1);
    fh_docid some[] = {2, 3};
    cr_assert_eq(fh_db_term_in_docs(db, "dog", 3, some, 2, has), FH_OK);
    cr_assert(has[0] == 1 && has[1] == 1);
    memset(has, 9, sizeof has);
    cr_assert_eq(fh_db_term_in_docs(db, "cat", 3, ids, 4, has), FH_OK);
    cr_assert(has[0] == 0 && has[1] == 0 && has[2] == 0 && has[3] == 0);
    cr_assert_eq(fh_db_term_in_docs(db, NULL, 0, ids, 4, has), FH_ERR_INVALID);
    fh_db_close(db);
}

/* ---- Searching ---------------------------------------------------------- */

Test(store, search_boolean_ops)
{
    fh_db *db = make_corpus();
    fh_docid ids[8];
    double w[8];
    size_t n;

    /* Shorter documents weigh more; ties go by ascending docid. */
    n = search(db, term("quick"), NULL, ids, w, 8);
    assert_ids(n, ids, 3, 1, 4);
    cr_assert_gt(w[0], w[1]);
    cr_assert_float_eq(w[1], w[2], 1e-12);

    n = search(db, combine(FH_XQUERY_AND, 0, term("quick"), term("fox"), NULL), NULL, ids, NULL, 8);
    assert_ids(n, ids, 1, 4);

    /* lazy is rarer than fox and its document shorter. */
    n = search(db, combine(FH_XQUERY_OR, 0, term("fox"), term("lazy"), NULL), NULL, ids, NULL, 8);
    assert_ids(n, ids, 2, 1, 4);

    n = search(db, combine(FH_XQUERY_AND_NOT, 0, term("quick"), term("fox"), NULL), NULL, ids, NULL,
               8);
    assert_ids(n, ids, 3);
    n = search(db, combine(FH_XQUERY_AND_NOT, 0, term("brown"), term("fox"), term("dog")), NULL,
               ids, NULL, 8);
    cr_assert_eq(n, 0);

    /* dog decides the matches; quick lifts doc 3 above doc 2. */
    n = search(db, combine(FH_XQUERY_AND_MAYBE, 0, term("dog"), term("quick"), NULL), NULL, ids,
               NULL, 8);
    assert_ids(n, ids, 3, 2);
    n = search(db, combine(FH_XQUERY_AND_MAYBE, 0, term("dog"), term("jumps"), term("quick")), NULL,
               ids, NULL, 8);
    assert_ids(n, ids, 3, 2);

    /* Match all: every document, weight 0, docid order. */
    fh_xquery *all = NULL;
    cr_assert_eq(fh_xquery_match_all(&all), FH_OK);
    cr_assert_eq(fh_xquery_is_empty(all), 0);
    n = search(db, all, NULL, ids, w, 8);
    assert_ids(n, ids, 1, 2, 3, 4);
    cr_assert_float_eq(w[0], 0.0, 1e-12);

    fh_xquery *none = NULL;
    cr_assert_eq(fh_xquery_match_nothing(&none), FH_OK);
    cr_assert_eq(fh_xquery_is_empty(none), 1);
    n = search(db, none, NULL, ids, NULL, 8);
    cr_assert_eq(n, 0);
    cr_assert_eq(fh_xquery_combine(FH_XQUERY_AND, NULL, 0, 0, &none), FH_OK);
    cr_assert_eq(fh_xquery_is_empty(none), 1);
    fh_xquery_free(none);

    fh_xquery *q = NULL;
    cr_assert_eq(fh_xquery_term("", 0, 1, &q), FH_ERR_INVALID);
    cr_assert_null(q);
    fh_db_close(db);
}

Test(store, phrase_and_near)
{
    fh_db *db = make_corpus();
    fh_docid ids[8];
    size_t n;

    /* Adjacent and in order: doc 1 (quick@2 brown@3) only; doc 4 has them
     * reversed, doc 3 has dog between. */
    n = search(db, combine(FH_XQUERY_PHRASE, 0, term("quick"), term("brown"), NULL), NULL, ids,
               NULL, 8);
    assert_ids(n, ids, 1);
    n = search(db, combine(FH_XQUERY_PHRASE, 0, term("brown"), term("quick"), NULL), NULL, ids,
               NULL, 8);
    assert_ids(n, ids, 4);
    n = search(db, combine(FH_XQUERY_PHRASE, 0, term("quick"), term("brown"), term("fox")), NULL,
               ids, NULL, 8);
    assert_ids(n, ids, 1);
    /* A wider phrase window lets one word in between. */
    n = search(db, combine(FH_XQUERY_PHRASE, 3, term("quick"), term("brown"), NULL), NULL, ids,
               NULL, 8);
    assert_ids(n, ids, 3, 1);

    /* NEAR: any order, within the window. */
    n = search(db, combine(FH_XQUERY_NEAR, 0, term("quick"), term("brown"), NULL), NULL, ids, NULL,
               8);
    assert_ids(n, ids, 1, 4);
    n = search(db, combine(FH_XQUERY_NEAR, 3, term("quick"), term("brown"), NULL), NULL, ids, NULL,
               8);
    assert_ids(n, ids, 3, 1, 4);
    fh_db_close(db);
}

Test(store, prefix_expansion)
{
    fh_db *db = create_db("prefix");
    cr_assert_eq(add_doc(db, "Q1", "apple pie", NULL), 1);
    cr_assert_eq(add_doc(db, "Q2", "apple tart", NULL), 2);
    cr_assert_eq(add_doc(db, "Q3", "apricot jam", NULL), 3);
    cr_assert_eq(add_doc(db, "Q4", "apply here", NULL), 4);
    cr_assert_eq(add_doc(db, "Q5", "banana split", NULL), 5);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    fh_docid ids[8];
    size_t n;
    fh_xquery *q = NULL;

    cr_assert_eq(fh_xquery_prefix("ap", 2, 0, &q), FH_OK); /* 0: no limit */
    n = search(db, q, NULL, ids, NULL, 8);
    assert_ids(n, ids, 1, 2, 3, 4);

    /* Over the limit, the most frequent expansion (apple) is kept. */
    cr_assert_eq(fh_xquery_prefix("ap", 2, 1, &q), FH_OK);
    n = search(db, q, NULL, ids, NULL, 8);
    assert_ids(n, ids, 1, 2);

    cr_assert_eq(fh_xquery_prefix("apr", 3, 10, &q), FH_OK);
    n = search(db, q, NULL, ids, NULL, 8);
    assert_ids(n, ids, 3);

    cr_assert_eq(fh_xquery_prefix("zz", 2, 10, &q), FH_OK);
    n = search(db, q, NULL, ids, NULL, 8);
    cr_assert_eq(n, 0);
    fh_db_close(db);
}

Test(store, scale_weight)
{
    fh_db *db = make_corpus();
    fh_docid ids[8];
    double w1[8], w2[8];

    size_t n1 = search(db, term("dog"), NULL, ids, w1, 8);
    assert_ids(n1, ids, 2, 3);
    fh_xquery *t = term("dog"), *s = NULL;
    cr_assert_eq(fh_xquery_scale(t, 2.5, &s), FH_OK);
    fh_xquery_free(t);
    size_t n2 = search(db, s, NULL, ids, w2, 8);
    assert_ids(n2, ids, 2, 3);
    cr_assert_float_eq(w2[0], 2.5 * w1[0], 1e-9);
    cr_assert_float_eq(w2[1], 2.5 * w1[1], 1e-9);

    /* Scaling "fox" up makes it outrank the rarer "lazy". */
    t = term("fox");
    cr_assert_eq(fh_xquery_scale(t, 10.0, &s), FH_OK);
    fh_xquery_free(t);
    size_t n = search(db, combine(FH_XQUERY_OR, 0, term("lazy"), s, NULL), NULL, ids, NULL, 8);
    assert_ids(n, ids, 1, 4, 2);

    t = term("fox");
    cr_assert_eq(fh_xquery_scale(t, -1.0, &s), FH_ERR_INVALID);
    cr_assert_null(s);
    fh_xquery_free(t);
    fh_db_close(db);
}

Test(store, bm25_parameters)
{
    fh_db *db = create_db("bm25");
    /* Doc 1 long, doc 2 short, both with "zeta" once; docs 3 and 4 the same
     * length with "kappa" five times and once. */
    cr_assert_eq(add_doc(db, "Q1", "zeta a b c d e f g h i", NULL), 1);
    cr_assert_eq(add_doc(db, "Q2", "zeta a", NULL), 2);
    cr_assert_eq(add_doc(db, "Q3", "kappa kappa kappa kappa kappa x", NULL), 3);
    cr_assert_eq(add_doc(db, "Q4", "kappa x y z w v", NULL), 4);
    cr_assert_eq(add_doc(db, "Q5", "other words entirely", NULL), 5);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    fh_docid ids[8];
    double w[8];
    fh_db_search_opts o;
    fh_db_search_opts_init(&o);
    cr_assert_float_eq(o.bm25_k1, 1.2, 1e-12);
    cr_assert_float_eq(o.bm25_b, 0.75, 1e-12);
    cr_assert_eq(o.check_at_least, 0);

    /* b = 0: no length normalization, a tie broken by docid. */
    o.bm25_b = 0;
    size_t n = search(db, term("zeta"), &o, ids, w, 8);
    assert_ids(n, ids, 1, 2);
    cr_assert_float_eq(w[0], w[1], 1e-12);

    /* b > 0: the short document wins, more so as b grows. */
    o.bm25_b = 0.5;
    n = search(db, term("zeta"), &o, ids, w, 8);
    assert_ids(n, ids, 2, 1);
    double ratio_half = w[0] / w[1];
    cr_assert_gt(ratio_half, 1.0);
    o.bm25_b = 1.0;
    n = search(db, term("zeta"), &o, ids, w, 8);
    assert_ids(n, ids, 2, 1);
    cr_assert_gt(w[0] / w[1], ratio_half);

    /* k1 = 0: term frequency does not count, so a tie. */
    o.bm25_b = 0;
    o.bm25_k1 = 0;
    n = search(db, term("kappa"), &o, ids, w, 8);
    assert_ids(n, ids, 3, 4);
    cr_assert_float_eq(w[0], w[1], 1e-12);
    /* k1 = 1.2, b = 0: wdf 5 against wdf 1 weighs
     * (5 (k1+1) / (k1+5)) / (1 (k1+1) / (k1+1)) = 11 / 6.2. */
    o.bm25_k1 = 1.2;
    n = search(db, term("kappa"), &o, ids, w, 8);
    assert_ids(n, ids, 3, 4);
    cr_assert_float_eq(w[0] / w[1], 11.0 / 6.2, 1e-9);

    o.bm25_b = 2.0;
    fh_results *r = NULL;
    fh_xquery *q = term("zeta");
    cr_assert_eq(fh_db_search(db, q, &o, 0, 10, &r), FH_ERR_INVALID);
    cr_assert_null(r);
    fh_xquery_free(q);
    fh_db_close(db);
}

Test(store, results_paging_and_docs)
{
    fh_db *db = make_corpus();
    fh_xquery *q = term("quick");
    fh_results *r = NULL;
    cr_assert_eq(fh_db_search(db, q, NULL, 1, 5, &r), FH_OK);
    cr_assert_eq(fh_results_size(r), 2);
    cr_assert_eq(fh_results_estimate(r), 3);
    cr_assert_eq(fh_results_lower_bound(r), 3);
    cr_assert_eq(fh_results_upper_bound(r), 3);
    fh_results_item hit;
    cr_assert_eq(fh_results_hit(r, 0, &hit), FH_OK);
    cr_assert_eq(hit.docid, 1);
    cr_assert_eq(hit.rank, 1);
    cr_assert_eq(fh_results_hit(r, 1, &hit), FH_OK);
    cr_assert_eq(hit.docid, 4);
    cr_assert_eq(hit.rank, 2);
    cr_assert_gt(hit.weight, 0.0);

    fh_doc *doc = NULL;
    cr_assert_eq(fh_results_doc(r, 1, &doc), FH_OK);
    const char *data = NULL;
    size_t len = 0;
    cr_assert_eq(fh_doc_get_data(doc, &data, &len), FH_OK);
    cr_assert_str_eq(data, "doc d");
    cr_assert_eq(len, 5);
    fh_doc_free(doc);

    cr_assert_str_eq(fh_results_errmsg(r), "");
    cr_assert_eq(fh_results_hit(r, 2, &hit), FH_ERR_INVALID);
    cr_assert_eq(fh_results_doc(r, 7, &doc), FH_ERR_INVALID);
    cr_assert_null(doc);
    cr_assert_neq(fh_results_errmsg(r)[0], '\0');
    fh_results_free(r);
    fh_results_free(NULL);
    fh_xquery_free(q);
    fh_db_close(db);
}

typedef struct expanded {
    char terms[8][32];
    size_t n;
} expanded;

static int collect_expansion(void *ctx, const char *t, size_t len, double weight)
{
    expanded *e = ctx;
    cr_assert_lt(len, 32);
    cr_assert_gt(weight, 0.0);
    memcpy(e->terms[e->n], t, len);
    e->terms[e->n][len] = '\0';
    return ++e->n == 8;
}

Test(store, expansion_from_the_first_results)
{
    /* "kiwi" ranks 1 (the shortest), then 3: their other words, "melon"
     * (in both) first, then "fig" and "plum"; never the query's own word,
     * a prefixed term, or a word of the results left out. */
    fh_db *db = create_db("main");
    add_doc(db, "Q1", "kiwi melon fig Sfig", NULL);
    add_doc(db, "Q2", "melon grape lime pear", NULL);
    add_doc(db, "Q3", "kiwi melon plum grape grape", NULL);
    add_doc(db, "Q4", "apple pear lime date", NULL);
    add_doc(db, "Q5", "kiwi lemon lemon lemon lemon lemon lemon", NULL);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    fh_xquery *q = term("kiwi");
    fh_results *r = NULL;
    cr_assert_eq(fh_db_search(db, q, NULL, 0, 10, &r), FH_OK);
    cr_assert_eq(fh_results_size(r), 3);
    fh_results_item hit;
    cr_assert_eq(fh_results_hit(r, 0, &hit), FH_OK);
    cr_assert_eq(hit.docid, 1);
    cr_assert_eq(fh_results_hit(r, 1, &hit), FH_OK);
    cr_assert_eq(hit.docid, 3);
    expanded e = {0};
    cr_assert_eq(fh_expand_results(r, 2, 8, collect_expansion, &e), FH_OK);
    cr_assert_eq(e.n, 4, "%zu terms", e.n);
    cr_assert_str_eq(e.terms[0], "melon");
    for (size_t i = 0; i < e.n; i++) {
        cr_assert_str_neq(e.terms[i], "kiwi");
        cr_assert_str_neq(e.terms[i], "Sfig");
        cr_assert_str_neq(e.terms[i], "lemon");
    }
    /* No results to learn from: nothing, and no error. */
    fh_results_free(r);
    fh_xquery_free(q);
    q = term("absent");
    cr_assert_eq(fh_db_search(db, q, NULL, 0, 10, &r), FH_OK);
    e.n = 0;
    cr_assert_eq(fh_expand_results(r, 4, 8, collect_expansion, &e), FH_OK);
    cr_assert_eq(e.n, 0);
    fh_results_free(r);
    fh_xquery_free(q);
    fh_db_close(db);
}

Test(store, expansion_weighs_each_result_by_its_score)
{
    /* Two results of one length: "kiwi" twice in the first, once in the
     * second. Their other words are alike in all else, so only the scores
     * order them: the first result's word "zest" comes before the second's
     * "anise" and "filler" (which, alike, go in the order of their names). */
    fh_db *db = create_db("main");
    add_doc(db, "Q1", "kiwi kiwi zest", NULL);
    add_doc(db, "Q2", "kiwi anise filler", NULL);
    add_doc(db, "Q3", "apple pear lime", NULL);
    add_doc(db, "Q4", "date pear lime", NULL);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    fh_xquery *q = term("kiwi");
    fh_results *r = NULL;
    cr_assert_eq(fh_db_search(db, q, NULL, 0, 10, &r), FH_OK);
    cr_assert_eq(fh_results_size(r), 2);
    expanded e = {0};
    cr_assert_eq(fh_expand_results(r, 2, 8, collect_expansion, &e), FH_OK);
    cr_assert_eq(e.n, 3, "%zu terms", e.n);
    cr_assert_str_eq(e.terms[0], "zest");
    cr_assert_str_eq(e.terms[1], "anise");
    cr_assert_str_eq(e.terms[2], "filler");
    fh_results_free(r);
    fh_xquery_free(q);
    fh_db_close(db);
}

Test(store, value_map_weighs_by_the_value)
{
    /* Slot 2 holds "a", "b", "c" or nothing: mapped a 1.5, b 0.5, anything
     * else the default 0.25; a document without the value does not match. */
    fh_db *db = create_db("main");
    const char *values[] = {"b", "a", NULL, "c"};
    for (size_t i = 0; i < 4; i++) {
        fh_doc *doc = fh_doc_new();
        cr_assert_eq(fh_doc_add_posting(doc, "word", 4, 1, 1), FH_OK);
        if (values[i])
            cr_assert_eq(fh_doc_set_value(doc, 2, values[i], 1), FH_OK);
        char key[8];
        snprintf(key, sizeof key, "Q%zu", i);
        cr_assert_eq(fh_db_replace_by_key(db, key, strlen(key), doc, NULL), FH_OK);
        fh_doc_free(doc);
    }
    cr_assert_eq(fh_db_commit(db), FH_OK);
    fh_xquery_value_weight map[] = {{"a", 1, 1.5}, {"b", 1, 0.5}};
    fh_xquery *q = NULL;
    cr_assert_eq(fh_xquery_value_map(2, map, 2, 0.25, &q), FH_OK);
    fh_results *r = NULL;
    cr_assert_eq(fh_db_search(db, q, NULL, 0, 10, &r), FH_OK);
    cr_assert_eq(fh_results_size(r), 3);
    fh_docid want[] = {2, 1, 4};
    double weight[] = {1.5, 0.5, 0.25};
    for (size_t i = 0; i < 3; i++) {
        fh_results_item hit;
        cr_assert_eq(fh_results_hit(r, i, &hit), FH_OK);
        cr_assert_eq(hit.docid, want[i]);
        cr_assert_float_eq(hit.weight, weight[i], 1e-9);
    }
    fh_results_free(r);
    fh_xquery_free(q);
    /* A negative weight is refused. */
    fh_xquery_value_weight bad[] = {{"a", 1, -1}};
    cr_assert_eq(fh_xquery_value_map(2, bad, 1, 0, &q), FH_ERR_INVALID);
    cr_assert_null(q);
    cr_assert_eq(fh_xquery_value_map(2, map, 2, -0.5, &q), FH_ERR_INVALID);
    fh_db_close(db);
}

Test(store, query_describe)
{
    fh_xquery *q = combine(FH_XQUERY_AND, 0, term("alpha"), term("beta"), NULL);
    char *d = fh_xquery_describe(q);
    cr_assert_not_null(d);
    cr_assert_str_eq(d, "Query((alpha AND beta))");
    free(d);
    fh_xquery_free(q);

    cr_assert_eq(fh_xquery_prefix("pre", 3, 5, &q), FH_OK);
    d = fh_xquery_describe(q);
    cr_assert_not_null(d);
    cr_assert_not_null(strstr(d, "WILDCARD"));
    free(d);
    fh_xquery_free(q);
    fh_xquery_free(NULL);
}

/* ---- Opening, reopening, locking ---------------------------------------- */

Test(store, reopen_sees_new_commit)
{
    fh_db *db = make_corpus();
    fh_db *ro = open_ro("main");
    cr_assert_eq(add_doc(db, "Qe", "fresh words", NULL), 5);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    uint32_t n = 0;
    cr_assert_eq(fh_db_doc_count(ro, &n), FH_OK);
    cr_assert_eq(n, 4);
    cr_assert_eq(fh_db_reopen(ro), FH_OK);
    cr_assert_eq(fh_db_doc_count(ro, &n), FH_OK);
    cr_assert_eq(n, 5);
    cr_assert_eq(fh_db_reopen(ro), FH_OK); /* nothing changed: still fine */
    fh_docid ids[8];
    size_t got = search(ro, term("fresh"), NULL, ids, NULL, 8);
    assert_ids(got, ids, 5);
    fh_db_close(ro);
    fh_db_close(db);
}

Test(store, two_readonly_databases)
{
    fh_db *a = create_db("a");
    cr_assert_eq(add_doc(a, "Qa1", "shared alpha", "a1"), 1);
    cr_assert_eq(add_doc(a, "Qa2", "shared beta", "a2"), 2);
    fh_db_close(a); /* commits */
    fh_db *b = create_db("b");
    cr_assert_eq(add_doc(b, "Qb1", "shared gamma", "b1"), 1);
    fh_db_close(b);

    const char *paths[2] = {db_path("a"), db_path("b")};
    fh_db *db = NULL;
    char *msg = NULL;
    cr_assert_eq(fh_db_open_readonly(paths, 2, &db, &msg), FH_OK);
    cr_assert_null(msg);
    uint32_t n = 0;
    cr_assert_eq(fh_db_doc_count(db, &n), FH_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(fh_db_term_freq(db, "shared", 6, &n), FH_OK);
    cr_assert_eq(n, 3);

    /* Ids interleave: a's d is 2d-1, b's d is 2d. */
    fh_docid ids[8];
    size_t got = search(db, term("shared"), NULL, ids, NULL, 8);
    assert_ids(got, ids, 1, 2, 3);
    got =
        search(db, combine(FH_XQUERY_OR, 0, term("beta"), term("gamma"), NULL), NULL, ids, NULL, 8);
    assert_ids(got, ids, 2, 3);

    fh_doc *doc = NULL;
    cr_assert_eq(fh_db_get_doc(db, 2, &doc), FH_OK);
    const char *data = NULL;
    cr_assert_eq(fh_doc_get_data(doc, &data, NULL), FH_OK);
    cr_assert_str_eq(data, "b1");
    fh_doc_free(doc);
    fh_docid id = 0;
    cr_assert_eq(fh_db_find_key(db, "Qa2", 3, &id), FH_OK);
    cr_assert_eq(id, 3);
    /* Over both: beta is a's second document (3), gamma b's first (2). */
    fh_docid all[] = {1, 2, 3};
    unsigned char has[3] = {9, 9, 9};
    cr_assert_eq(fh_db_term_in_docs(db, "beta", 4, all, 3, has), FH_OK);
    cr_assert(has[0] == 0 && has[1] == 0 && has[2] == 1);
    cr_assert_eq(fh_db_term_in_docs(db, "gamma", 5, all, 3, has), FH_OK);
    cr_assert(has[0] == 0 && has[1] == 1 && has[2] == 0);
    fh_db_close(db);

    cr_assert_eq(fh_db_open_readonly(paths, 0, &db, &msg), FH_ERR_INVALID);
    cr_assert_null(db);
    cr_assert_not_null(msg);
    free(msg);
}

/* Documents k = 1..n in database name: "every" in all, "half" in those
 * with k even, value slot 1 "v<k>" and slot 5 "f<k>" when k % 3 == 0. */
static void add_counted(const char *name, int n)
{
    fh_db *db = create_db(name);
    for (int k = 1; k <= n; k++) {
        fh_doc *doc = fh_doc_new();
        cr_assert_not_null(doc);
        char key[32], v[32];
        cr_assert_eq(fh_doc_add_term(doc, "every", 5, 1), FH_OK);
        if (k % 2 == 0)
            cr_assert_eq(fh_doc_add_term(doc, "half", 4, 1 + (uint32_t)k % 5), FH_OK);
        snprintf(v, sizeof v, "%s%d", name, k);
        cr_assert_eq(fh_doc_set_value(doc, 1, v, strlen(v)), FH_OK);
        if (k % 3 == 0)
            cr_assert_eq(fh_doc_set_value(doc, 5, "f", 1), FH_OK);
        snprintf(key, sizeof key, "Q%s%d", name, k);
        fh_docid id = 0;
        cr_assert_eq(fh_db_replace_by_key(db, key, strlen(key), doc, &id), FH_OK);
        fh_doc_free(doc);
    }
    fh_db_close(db);
}

/* A search counting exactly to more than its page counts every match as it
 * ranks them, over two databases too; the page's values read ahead are
 * those each document reads itself. */
Test(store, counts_every_match_and_reads_values_ahead)
{
    add_counted("a", 30);
    add_counted("b", 11);
    const char *paths[2] = {db_path("a"), db_path("b")};
    fh_db *db = NULL;
    char *msg = NULL;
    cr_assert_eq(fh_db_open_readonly(paths, 2, &db, &msg), FH_OK);
    fh_db_search_opts opts;
    fh_db_search_opts_init(&opts);
    opts.check_at_least = 10000;
    fh_xquery *q = combine(FH_XQUERY_AND, 0, term("every"), term("half"), NULL);
    fh_results *r = NULL;
    cr_assert_eq(fh_db_search(db, q, &opts, 2, 4, &r), FH_OK);
    cr_assert_eq(fh_results_size(r), 4);
    /* 15 of a's 30 and 5 of b's 11. */
    cr_assert_eq(fh_results_lower_bound(r), 20);
    cr_assert_eq(fh_results_estimate(r), 20);
    cr_assert_eq(fh_results_upper_bound(r), 20);

    const uint32_t slots[] = {1, 5};
    cr_assert_eq(fh_results_read_values(r, slots, 2), FH_OK);
    for (size_t i = 0; i < 4; i++) {
        fh_results_item hit;
        cr_assert_eq(fh_results_hit(r, i, &hit), FH_OK);
        /* Ids interleave: a's k is 2k - 1, b's k is 2k. */
        int k = (int)(hit.docid + 1) / 2;
        char want[32];
        snprintf(want, sizeof want, "%s%d", hit.docid % 2 ? "a" : "b", k);
        fh_doc *doc = NULL;
        cr_assert_eq(fh_results_doc(r, i, &doc), FH_OK);
        const char *v = NULL;
        size_t len = 9;
        cr_assert_eq(fh_doc_get_value(doc, 1, &v, &len), FH_OK);
        cr_assert_str_eq(v, want);
        cr_assert_eq(fh_doc_get_value(doc, 5, &v, &len), FH_OK);
        cr_assert_str_eq(v, k % 3 == 0 ? "f" : "");
        cr_assert_eq(len, k % 3 == 0 ? 1 : 0);
        fh_doc_free(doc);
    }
    fh_results_free(r);

    /* The count alone (no page), and a search of the first page only. */
    cr_assert_eq(fh_db_search(db, q, &opts, 0, 0, &r), FH_OK);
    cr_assert_eq(fh_results_lower_bound(r), 20);
    cr_assert_eq(fh_results_upper_bound(r), 20);
    fh_results_free(r);
    opts.check_at_least = 0;
    cr_assert_eq(fh_db_search(db, q, &opts, 0, 1, &r), FH_OK);
    cr_assert_eq(fh_results_size(r), 1);
    fh_results_free(r);
    fh_xquery_free(q);
    fh_db_close(db);
}

Test(store, second_writer_is_locked)
{
    fh_db *db = create_db("locked");
    fh_db *other = (fh_db *)1;
    char *msg = NULL;
    int rc = fh_db_open_writable(db_path("locked"), FH_DB_CREATE, &other, &msg);
    cr_assert_eq(rc, FH_ERR_LOCKED);
    cr_assert_null(other);
    cr_assert_not_null(msg);
    cr_assert_not_null(strstr(msg, "lock"), "message: %s", msg);
    cr_assert_not_null(strstr(msg, db_path("locked")), "message: %s", msg);
    free(msg);

    /* Readers are not blocked by the writer. */
    fh_db *ro = open_ro("locked");
    fh_db_close(ro);

    /* Once the writer closes, the lock is free. */
    fh_db_close(db);
    msg = NULL;
    cr_assert_eq(fh_db_open_writable(db_path("locked"), 0, &other, &msg), FH_OK);
    cr_assert_null(msg);
    fh_db_close(other);
}

Test(store, opening_missing_databases)
{
    const char *paths[1] = {db_path("nothing-here")};
    fh_db *db = (fh_db *)1;
    char *msg = NULL;
    cr_assert_eq(fh_db_open_readonly(paths, 1, &db, &msg), FH_ERR_OPENING);
    cr_assert_null(db);
    cr_assert_not_null(msg);
    cr_assert_neq(msg[0], '\0');
    free(msg);

    /* Without FH_DB_CREATE a writer does not create it. */
    msg = NULL;
    cr_assert_eq(fh_db_open_writable(db_path("nothing-here"), 0, &db, &msg), FH_ERR_OPENING);
    cr_assert_null(db);
    cr_assert_not_null(msg);
    free(msg);

    /* errmsg may be NULL. */
    cr_assert_eq(fh_db_open_readonly(paths, 1, &db, NULL), FH_ERR_OPENING);

    /* Overwrite starts afresh. */
    fh_db *w = make_corpus();
    fh_db_close(w);
    cr_assert_eq(fh_db_open_writable(db_path("main"), FH_DB_OVERWRITE | FH_DB_NO_SYNC, &w, NULL),
                 FH_OK);
    uint32_t n = 99;
    cr_assert_eq(fh_db_doc_count(w, &n), FH_OK);
    cr_assert_eq(n, 0);
    fh_db_close(w);
    fh_db_close(NULL);
    fh_db_close_discard(NULL);
    cr_assert_str_eq(fh_db_errmsg(NULL), "");
}

Test(store, close_commits_and_discard_drops)
{
    fh_db *db = make_corpus();
    cr_assert_eq(add_doc(db, "Qe", "kept by close", NULL), 5);
    fh_db_close(db);
    fh_db *ro = open_ro("main");
    uint32_t n = 0;
    cr_assert_eq(fh_db_doc_count(ro, &n), FH_OK);
    cr_assert_eq(n, 5);
    fh_db_close(ro);

    cr_assert_eq(fh_db_open_writable(db_path("main"), 0, &db, NULL), FH_OK);
    cr_assert_eq(add_doc(db, "Qf", "dropped by discard", NULL), 6);
    cr_assert_eq(fh_db_delete_by_key(db, "Qa", 2), FH_OK);
    cr_assert_eq(fh_db_metadata_set(db, "k", "v", 1), FH_OK);
    fh_db_close_discard(db);
    ro = open_ro("main");
    cr_assert_eq(fh_db_doc_count(ro, &n), FH_OK);
    cr_assert_eq(n, 5);
    fh_docid id = 0;
    cr_assert_eq(fh_db_find_key(ro, "Qa", 2, &id), FH_OK);
    cr_assert_eq(id, 1);
    char *v = NULL;
    size_t len = 99;
    cr_assert_eq(fh_db_metadata_get(ro, "k", &v, &len), FH_OK);
    cr_assert_eq(len, 0);
    free(v);
    fh_db_close(ro);

    /* The lock is released: a new writer gets in. */
    cr_assert_eq(fh_db_open_writable(db_path("main"), 0, &db, NULL), FH_OK);
    fh_db_close(db);
}

/* ---- Remote databases --------------------------------------------------- */

Test(store, remote_errors)
{
    fh_db *db = (fh_db *)1;
    char *msg = NULL;
    const char *bad[1] = {"tcp://localhost"};
    cr_assert_eq(fh_db_open_readonly(bad, 1, &db, &msg), FH_ERR_INVALID);
    cr_assert_null(db);
    cr_assert_not_null(msg);
    free(msg);
    const char *badport[1] = {"tcp://localhost:99999"};
    cr_assert_eq(fh_db_open_readonly(badport, 1, &db, NULL), FH_ERR_INVALID);

    /* Port 1 on the loopback: nothing listens, the connection is refused. */
    const char *refused[1] = {"tcp://127.0.0.1:1"};
    msg = NULL;
    cr_assert_eq(fh_db_open_readonly(refused, 1, &db, &msg), FH_ERR_NETWORK);
    cr_assert_null(db);
    cr_assert_not_null(msg);
    free(msg);
}

Test(store, ssh_url_errors)
{
    /* Each refused before any program runs: FIHRIS_SSH would say if one did. */
    setenv("FIHRIS_SSH", "/nonexistent/ssh", 1);
    const char *bad[] = {"ssh://h",       "ssh:///p",     "ssh://h/",       "ssh://-oX=y/p",
                         "ssh://u;x@h/p", "ssh://-u@h/p", "ssh://h:0/p",    "ssh://h:99999/p",
                         "ssh://h:/p",    "ssh://h:+2/p", "ssh://h/p;rm",   "ssh://h/a/-b",
                         "ssh://h/a$(x)", "ssh://[::1/p", "ssh://[::1]x/p", "ssh://[::1]:/p",
                         "ssh://h h/p",   "ssh://h/p\tq"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        fh_db *db = (fh_db *)1;
        char *msg = NULL;
        const char *one[1] = {bad[i]};
        cr_assert_eq(fh_db_open_readonly(one, 1, &db, &msg), FH_ERR_INVALID, "%s: %s", bad[i], msg);
        cr_assert_null(db);
        cr_assert_eq(strncmp(msg, bad[i], strlen(bad[i])), 0, "%s", msg);
        free(msg);
    }
    unsetenv("FIHRIS_SSH");
}

Test(store, ssh_runs_ssh_with_batch_mode)
{
    /* A stand-in for ssh that writes down its arguments and fails as ssh
     * does, its message in the log file that -E names. */
    char script[160], args[160];
    snprintf(script, sizeof script, "%s/ssh", g_dir);
    snprintf(args, sizeof args, "%s/args", g_dir);
    FILE *f = fopen(script, "w");
    cr_assert_not_null(f);
    fprintf(f,
            "#!/bin/sh\nprintf '%%s\\n' \"$@\" >%s\n"
            "printf 'first line\\r\\nssh: connect to host h port 2222: Connection "
            "refused\\r\\n' >>\"$2\"\nexit 255\n",
            args);
    fclose(f);
    cr_assert_eq(chmod(script, 0700), 0);
    setenv("FIHRIS_SSH", script, 1);
    const char *url[1] = {"ssh://u@h:2222/~/idx"};
    fh_db *db = NULL;
    char *msg = NULL;
    cr_assert_eq(fh_db_open_readonly(url, 1, &db, &msg), FH_ERR_NETWORK);
    unsetenv("FIHRIS_SSH");
    cr_assert_str_eq(msg, "ssh://u@h:2222/~/idx: NetworkError: ssh: connect to host h port 2222: "
                          "Connection refused");
    free(msg);
    char got[1024] = "";
    f = fopen(args, "r");
    cr_assert_not_null(f);
    size_t n = fread(got, 1, sizeof got - 1, f);
    got[n] = '\0';
    fclose(f);
    /* -E and the log file, which is gone afterwards. */
    cr_assert_eq(strncmp(got, "-E\n", 3), 0, "%s", got);
    char *log_end = strchr(got + 3, '\n');
    cr_assert_not_null(log_end);
    *log_end = '\0';
    cr_assert_eq(access(got + 3, F_OK), -1, "%s is left", got + 3);
    cr_assert_str_eq(log_end + 1, "-o\nBatchMode=yes\n-o\nConnectTimeout=10\n-o\nLogLevel=ERROR\n"
                                  "-p\n2222\n-l\nu\n--\nh\nxapian-progsrv\n~/idx\n");
}

/* A free TCP port on the loopback (free when asked; good enough here). */
static unsigned free_port(void)
{
    int s = socket(AF_INET, SOCK_STREAM, 0);
    cr_assert_geq(s, 0);
    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(s, (struct sockaddr *)&addr, sizeof addr), 0);
    socklen_t len = sizeof addr;
    cr_assert_eq(getsockname(s, (struct sockaddr *)&addr, &len), 0);
    close(s);
    return ntohs(addr.sin_port);
}

/* Stop the server PID started and every child it forked: SIGTERM, then
 * SIGKILL to its process group when it has not gone within 5 s. */
static void stop_server(pid_t pid)
{
    kill(pid, SIGTERM);
    for (int i = 0; i < 100; i++) {
        if (waitpid(pid, NULL, WNOHANG) == pid) {
            kill(-pid, SIGKILL);
            return;
        }
        nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
    }
    kill(-pid, SIGKILL);
    waitpid(pid, NULL, 0);
}

Test(store, remote_database_with_tcpsrv)
{
    if (access("/usr/bin/xapian-tcpsrv", X_OK) != 0)
        cr_skip_test("xapian-tcpsrv is not installed");
    fh_db *w = make_corpus();
    fh_db_close(w);
    fh_db *b = create_db("local");
    cr_assert_eq(add_doc(b, "Qz", "quick local", NULL), 1);
    fh_db_close(b);

    unsigned port = free_port();
    char port_str[16], url[64];
    snprintf(port_str, sizeof port_str, "%u", port);
    snprintf(url, sizeof url, "tcp://127.0.0.1:%u", port);
    const char *main_path = db_path("main");
    pid_t pid = fork();
    cr_assert_geq(pid, 0);
    if (pid == 0) {
        /* Only async-signal-safe calls between fork and exec: the test
         * runner has threads, whose locks a copy of stdio could find held.
         * Its own process group: on SIGTERM xapian-tcpsrv signals its whole
         * group, which would otherwise include this test. No descriptor of
         * the runner is left open in the server. */
        setpgid(0, 0);
        int devnull = open("/dev/null", O_WRONLY);
        if (devnull >= 0)
            dup2(devnull, STDOUT_FILENO);
        for (int fd = 3; fd < 1024; fd++)
            close(fd);
        execl("/usr/bin/xapian-tcpsrv", "xapian-tcpsrv", "--interface", "127.0.0.1", "--port",
              port_str, "--quiet", main_path, (char *)NULL);
        _exit(127);
    }

    /* Wait for the server to listen (up to 5 s). */
    const char *paths[2] = {url, db_path("local")};
    fh_db *db = NULL;
    int rc = FH_ERR_NETWORK;
    for (int i = 0; i < 100 && rc == FH_ERR_NETWORK; i++) {
        rc = fh_db_open_readonly(paths, 2, &db, NULL);
        if (rc == FH_ERR_NETWORK)
            nanosleep(&(struct timespec){0, 50 * 1000 * 1000}, NULL);
    }
    int ok = rc == FH_OK;
    uint32_t n = 0;
    fh_docid ids[8];
    size_t got = 0;
    if (ok) {
        ok = fh_db_doc_count(db, &n) == FH_OK;
        got = search(db, term("quick"), NULL, ids, NULL, 8);
        fh_db_close(db);
    }
    stop_server(pid);
    cr_assert(ok, "remote open: %d", rc);
    cr_assert_eq(n, 5);
    /* main's 1, 3, 4 become 1, 5, 7; local's 1 becomes 2 (shortest). */
    assert_ids(got, ids, 2, 5, 1, 7);
}

/* ---- Shards ------------------------------------------------------------- */

static int n_skipped;
static char skipped_path[256];

static void on_skip(void *ctx, const char *path, const char *msg)
{
    (void)ctx;
    (void)msg;
    n_skipped++;
    snprintf(skipped_path, sizeof skipped_path, "%s", path);
}

/* The same four pages in one database, and split over two. */
static void make_split_corpus(void)
{
    fh_db *all = create_db("all"), *a = create_db("a"), *b = create_db("b");
    add_doc(all, "Q1", "market day", NULL);
    add_doc(all, "Q2", "marathon runners market", NULL);
    add_doc(all, "Q3", "marble hall", NULL);
    add_doc(all, "Q4", "quiet day", NULL);
    add_doc(a, "Q1", "market day", NULL);
    add_doc(a, "Q2", "marathon runners market", NULL);
    add_doc(b, "Q3", "marble hall", NULL);
    add_doc(b, "Q4", "quiet day", NULL);
    cr_assert_eq(fh_db_commit(all), FH_OK);
    cr_assert_eq(fh_db_commit(a), FH_OK);
    cr_assert_eq(fh_db_commit(b), FH_OK);
    fh_db_close(all);
    fh_db_close(a);
    fh_db_close(b);
}

Test(store, prefix_expanded_in_the_index_ranks_the_same_over_shards)
{
    make_split_corpus();
    fh_db *one = open_ro("all");
    const char *paths[2] = {db_path("a"), db_path("b")};
    fh_db *two = NULL;
    cr_assert_eq(fh_db_open_readonly(paths, 2, &two, NULL), FH_OK);
    double w1[8], w2[8];
    fh_docid ids[8];
    fh_xquery *q = NULL;
    cr_assert_eq(fh_xquery_prefix_in(one, "mar", 3, 0, &q), FH_OK);
    size_t n1 = search(one, q, NULL, ids, w1, 8);
    cr_assert_eq(n1, 3);
    cr_assert_eq(fh_xquery_prefix_in(two, "mar", 3, 0, &q), FH_OK);
    size_t n2 = search(two, q, NULL, ids, w2, 8);
    cr_assert_eq(n2, 3);
    for (size_t i = 0; i < 3; i++)
        cr_assert_float_eq(w1[i], w2[i], 1e-12, "result %zu: %f vs %f", i, w1[i], w2[i]);

    /* Capped at one: the most frequent completion (market, in two pages). */
    cr_assert_eq(fh_xquery_prefix_in(two, "mar", 3, 1, &q), FH_OK);
    cr_assert_eq(search(two, q, NULL, ids, NULL, 8), 2);
    cr_assert_eq(fh_xquery_prefix_in(two, "zz", 2, 5, &q), FH_OK);
    cr_assert_eq(search(two, q, NULL, ids, NULL, 8), 0);
    /* Without a database: Xapian's own wildcard. */
    cr_assert_eq(fh_xquery_prefix_in(NULL, "mar", 3, 0, &q), FH_OK);
    cr_assert_eq(search(one, q, NULL, ids, NULL, 8), 3);
    fh_db_close(one);
    fh_db_close(two);
}

Test(store, open_names_the_database_at_fault_or_leaves_it_out)
{
    make_split_corpus();
    const char *paths[2] = {db_path("a"), db_path("gone")};
    fh_db *db = NULL;
    char *msg = NULL;
    cr_assert_eq(fh_db_open_readonly(paths, 2, &db, &msg), FH_ERR_OPENING);
    cr_assert_null(db);
    cr_assert_eq(strncmp(msg, db_path("gone"), strlen(db_path("gone"))), 0, "%s", msg);
    free(msg);

    n_skipped = 0;
    cr_assert_eq(fh_db_open_available(paths, 2, on_skip, NULL, &db, &msg), FH_OK);
    cr_assert_eq(n_skipped, 1);
    cr_assert_str_eq(skipped_path, db_path("gone"));
    uint32_t docs = 0;
    cr_assert_eq(fh_db_doc_count(db, &docs), FH_OK);
    cr_assert_eq(docs, 2);
    fh_db_close(db);

    const char *none[1] = {db_path("gone")};
    cr_assert_eq(fh_db_open_available(none, 1, on_skip, NULL, &db, &msg), FH_ERR_OPENING);
    cr_assert_not_null(strstr(msg, "none of the databases could be opened"), "%s", msg);
    free(msg);
}

Test(store, results_term_freq_from_the_search)
{
    /* A term of the query: the search's own count; another: looked up. */
    fh_db *db = make_corpus();
    fh_xquery *q = term("quick");
    fh_results *r = NULL;
    cr_assert_eq(fh_db_search(db, q, NULL, 0, 1, &r), FH_OK);
    uint32_t freq = 99;
    cr_assert_eq(fh_results_term_freq(r, "quick", 5, &freq), FH_OK);
    cr_assert_eq(freq, 3);
    cr_assert_eq(fh_results_term_freq(r, "dog", 3, &freq), FH_OK);
    cr_assert_eq(freq, 2);
    cr_assert_eq(fh_results_term_freq(r, "absent", 6, &freq), FH_OK);
    cr_assert_eq(freq, 0);
    cr_assert_eq(fh_results_term_freq(NULL, "dog", 3, &freq), FH_ERR_INVALID);
    fh_results_free(r);
    fh_xquery_free(q);
    fh_db_close(db);
}
