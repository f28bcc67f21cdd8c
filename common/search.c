/* search.c - query text to ranked results with snippets (see search.h). */
#include "search.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "date.h"
#include "expand.h"
#include "filters.h"
#include "hit_words.h"
#include "layout.h"
#include "record_pack.h"
#include "settings.h"

/* A search that meets a commit reopens and tries again this many times. */
#define MODIFIED_RETRIES 5

struct fh_searcher {
    fh_db *db;
    fh_analyzer *analyzer;
    fh_record_dict *dict;   /* the index's record dictionary, or NULL */
    fh_record_codec *codec; /* decompresses records */
    int phrases;            /* how phrases are matched (fh_query_opts.phrases) */
};

struct response_owned {
    fh_search_response pub;
    fh_doc **docs; /* the documents the plain records point into */
    size_t n_docs;
    char **unpacked; /* the compressed records decompressed (one a document, or NULL) */
    const char **notes;
    fh_search_facet facets[FH_DB_MAX_FACETS];
};

static const char *const facet_names[] = {"site", "lang", "year", "month"};
static const uint32_t facet_slots[] = {FH_SLOT_SITE, FH_SLOT_LANG, FH_SLOT_YEAR, FH_SLOT_MONTH};

const char *fh_search_facet_name(fh_search_facet_field f)
{
    return (size_t)f < sizeof facet_names / sizeof facet_names[0] ? facet_names[f] : "";
}

int fh_search_facet_parse(const char *name, size_t len)
{
    for (size_t i = 0; i < sizeof facet_names / sizeof facet_names[0]; i++)
        if (strlen(facet_names[i]) == len && memcmp(facet_names[i], name, len) == 0)
            return (int)i;
    return -1;
}

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int fh_search_sort_parse(const char *arg, fh_search_sort *out)
{
    static const char *const names[] = {"relevance", "date", "-date"};
    for (int i = 0; i < 3; i++)
        if (strcmp(arg, names[i]) == 0) {
            *out = (fh_search_sort)i;
            return 0;
        }
    return -1;
}

int fh_search_facets_parse(const char *arg, fh_search_request *req)
{
    req->n_facets = 0;
    const char *p = arg;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        int f = fh_search_facet_parse(p, len);
        if (f < 0 || req->n_facets == FH_DB_MAX_FACETS)
            return -1;
        for (size_t i = 0; i < req->n_facets; i++)
            if (req->facets[i] == (fh_search_facet_field)f)
                return -1;
        req->facets[req->n_facets++] = (fh_search_facet_field)f;
        if (comma == NULL)
            return 0;
        p = comma + 1;
    }
}

/* The index's record dictionary and a codec with it. A dictionary that is
 * not one leaves the records made with it unread (shown without them). */
static fh_status load_dict(fh_searcher *s)
{
    char *data = NULL;
    size_t len = 0;
    fh_status rc = fh_db_metadata_get(s->db, FH_RECORD_DICT_KEY, &data, &len);
    if (rc == FH_OK && len > 0 && fh_record_dict_new(data, len, &s->dict) == FH_ERR_NOMEM)
        rc = FH_ERR_NOMEM;
    free(data);
    if (rc == FH_OK)
        rc = fh_record_codec_new(s->dict, &s->codec);
    return rc;
}

/* How s's phrases are matched: by word maps or by Xapian's positions, as
 * the index's settings say; by either when several indexes searched as one
 * differ (each local --db's settings read on its own); as their words when
 * a remote shard cannot read the maps. */
static int choose_phrases(fh_searcher *s, const char *const *paths, size_t n)
{
    int maps = fh_analyzer_options(s->analyzer)->word_map, positions = !maps;
    for (size_t i = 0; n > 1 && i < n; i++) {
        if (fh_layout_is_remote(paths[i]))
            continue; /* not asked twice: one that is down waits out its timeout */
        fh_db *one = NULL;
        char *msg = NULL;
        fh_analyzer_opts opts;
        if (fh_layout_open(&paths[i], 1, 0, NULL, NULL, &one, NULL, &msg) == FH_OK &&
            fh_settings_load(one, &opts) == FH_OK) {
            maps |= opts.word_map;
            positions |= !opts.word_map;
        }
        fh_db_close(one);
        free(msg);
    }
    if (maps && fh_db_remote_count(s->db) > 0)
        return FH_PHRASES_WORDS;
    return maps && positions ? FH_PHRASES_BOTH : maps ? FH_PHRASES_WORD_MAP : FH_PHRASES_POSITIONS;
}

fh_status fh_searcher_open(const char *const *paths, size_t n,
                           const fh_searcher_open_opts *open_opts, fh_searcher **out, char **errmsg)
{
    static const fh_searcher_open_opts strict = {0, NULL, NULL};
    if (open_opts == NULL)
        open_opts = &strict;
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    fh_searcher *s = calloc(1, sizeof *s);
    if (s == NULL)
        return FH_ERR_NOMEM;
    char *msg = NULL;
    fh_status rc = fh_layout_open(paths, n, open_opts->allow_partial, open_opts->on_skip,
                                  open_opts->ctx, &s->db, NULL, &msg);
    if (errmsg)
        *errmsg = msg;
    else
        free(msg);
    fh_analyzer_opts opts;
    if (rc == FH_OK) {
        rc = fh_settings_load(s->db, &opts);
        if (rc == FH_ERR_INVALID && errmsg)
            *errmsg = strdup("the index was made by a newer version of fihris");
        else if (rc != FH_OK && errmsg)
            *errmsg = strdup(fh_db_errmsg(s->db));
    }
    if (rc == FH_OK)
        rc = load_dict(s);
    /* A search analyzes a few hundred words at most: a small cache touches
     * few pages. */
    opts.word_cache_slots = 1024;
    if (rc == FH_OK)
        rc = fh_analyzer_new(&opts, &s->analyzer);
    if (rc != FH_OK) {
        fh_searcher_close(s);
        return rc;
    }
    s->phrases = choose_phrases(s, paths, n);
    *out = s;
    return FH_OK;
}

void fh_searcher_close(fh_searcher *s)
{
    if (s == NULL)
        return;
    fh_analyzer_free(s->analyzer);
    fh_record_codec_free(s->codec);
    fh_record_dict_free(s->dict);
    fh_db_close(s->db);
    free(s);
}

fh_db *fh_searcher_db(fh_searcher *s)
{
    return s->db;
}

fh_analyzer *fh_searcher_analyzer(fh_searcher *s)
{
    return s->analyzer;
}

void fh_search_request_init(fh_search_request *req)
{
    memset(req, 0, sizeof *req);
    req->limit = 10;
    req->mode = FH_MATCH_ALL;
    req->relax = 1;
    req->snippets = 1;
    fh_snippet_opts_init(&req->snippet);
    fh_query_opts_init(&req->query_opts);
    fh_db_search_opts_init(&req->bm25);
    req->bm25.check_at_least = FH_SEARCH_EXACT_COUNT;
    /* Measured on the known-item queries and the test collections
     * (bench/RESULTS.md): better on both than Xapian's 1.2 and 0.75. A
     * search for all the words (a page people know) normalizes less for
     * length: a long body otherwise drowns a title that matches. */
    req->bm25.bm25_k1 = 0.9;
    req->bm25.bm25_b = 0.1;
    req->bm25_b_any = 0.4;
    /* Arabic questions over passages (ARCD) rank their answer better with
     * more length normalization and without expansion. */
    req->bm25_b_any_arabic = 0.9;
    /* Measured on the test collections (bench/RESULTS.md). */
    req->expand_docs = 0;
    req->expand_terms = 30;
    req->expand_weight = 0.4;
    req->sort = FH_SORT_RELEVANCE;
    req->collapse = 1;
    req->facet_limit = 10;
}

void fh_search_response_free(fh_search_response *r)
{
    if (r == NULL)
        return;
    struct response_owned *o = (struct response_owned *)r;
    for (size_t i = 0; i < r->n_hits; i++) {
        fh_snippet_clear(&r->hits[i].snippet);
        fh_snippet_clear(&r->hits[i].title);
    }
    for (size_t i = 0; i < o->n_docs; i++) {
        fh_doc_free(o->docs[i]);
        free(o->unpacked[i]);
    }
    free(o->docs);
    for (size_t k = 0; k < r->n_facets; k++) {
        for (size_t i = 0; i < o->facets[k].n_values; i++)
            free((char *)o->facets[k].values[i].value);
        free(o->facets[k].values);
    }
    free(o->unpacked);
    free(o->notes);
    free(r->hits);
    free(o);
}

/* Whether req's query has more Arabic letters than Latin ones. */
static int is_arabic(const fh_search_request *req)
{
    const unsigned char *p = (const unsigned char *)req->query;
    size_t arabic = 0, latin = 0;
    for (size_t i = 0; i < req->query_len; i++) {
        arabic += p[i] >= 0xD8 && p[i] <= 0xDB; /* U+0600-U+06FF */
        latin += (p[i] | 0x20) >= 'a' && (p[i] | 0x20) <= 'z';
    }
    return arabic > latin;
}

/* Run q, built for mode, for the page asked (a concurrent commit:
 * fh_searcher_search() tries the whole search again): sorted, collapsed
 * and counted as req asks, unless plain (by score alone, for feedback). */
static fh_status run_query(fh_searcher *s, const fh_xquery *q, fh_match_mode mode,
                           const fh_search_request *req, uint32_t offset, uint32_t limit, int plain,
                           fh_results **out)
{
    fh_db_search_opts bm25 = req->bm25;
    if (mode == FH_MATCH_ANY)
        bm25.bm25_b = req->bm25_b_any;
    if (!plain && req->sort != FH_SORT_RELEVANCE) { /* pages without a date last */
        bm25.sort_slot = req->sort == FH_SORT_OLDEST ? FH_SLOT_OLDEST : FH_SLOT_DATE;
        bm25.sort_ascending = req->sort == FH_SORT_OLDEST;
    }
    if (!plain && req->collapse)
        bm25.collapse_slot = FH_SLOT_COPIES;
    for (size_t k = 0; !plain && k < req->n_facets; k++)
        bm25.facet_slots[bm25.n_facets++] = facet_slots[req->facets[k]];
    if (bm25.n_facets > 0) /* every match counted */
        bm25.check_at_least = UINT32_MAX;
    /* Earlier captures of a URL a later one replaces are left out (in an
     * index that holds any). */
    fh_xquery *hidden = NULL, *shown = NULL;
    int any_hidden = 0;
    fh_status rc = fh_db_term_exists(s->db, FH_TERM_HIDDEN, strlen(FH_TERM_HIDDEN), &any_hidden);
    if (rc == FH_OK && any_hidden)
        rc = fh_xquery_term(FH_TERM_HIDDEN, strlen(FH_TERM_HIDDEN), 1, &hidden);
    if (rc == FH_OK && any_hidden) {
        fh_xquery *both[2] = {(fh_xquery *)q, hidden};
        rc = fh_xquery_combine(FH_XQUERY_AND_NOT, both, 2, 0, &shown);
    }
    if (rc == FH_OK)
        rc = fh_db_search(s->db, shown ? shown : q, &bm25, offset, limit, out);
    fh_xquery_free(hidden);
    fh_xquery_free(shown);
    return rc;
}

/* The expansion terms, each weighed by its expansion weight over the best. */
typedef struct expansion {
    fh_xquery **terms;
    size_t n, cap;
    double top, scale;
    fh_status status;
} expansion;

static int add_expansion(void *ctx, const char *term, size_t len, double weight)
{
    expansion *e = ctx;
    if (e->n == e->cap)
        return 1;
    if (e->n == 0)
        e->top = weight;
    fh_xquery *t = NULL;
    e->status = fh_xquery_term(term, len, 1, &t);
    if (e->status == FH_OK)
        e->status =
            fh_xquery_scale(t, e->scale * (e->top > 0 ? weight / e->top : 1), &e->terms[e->n]);
    fh_xquery_free(t);
    if (e->status != FH_OK)
        return 1;
    e->n++;
    return 0;
}

/* Pseudo-relevance feedback: *q OR the words that mark its first results,
 * narrowed by pq's filters. */
static fh_status expand_query(fh_searcher *s, const fh_parsed_query *pq,
                              const fh_search_request *req, fh_xquery **q)
{
    fh_results *first = NULL;
    uint32_t docs = req->expand_docs;
    fh_status rc = run_query(s, *q, FH_MATCH_ANY, req, 0, docs, 1, &first);
    expansion e = {calloc(req->expand_terms ? req->expand_terms : 1, sizeof *e.terms),
                   0,
                   req->expand_terms,
                   0,
                   req->expand_weight,
                   FH_OK};
    if (e.terms == NULL)
        rc = FH_ERR_NOMEM;
    if (rc == FH_OK)
        rc = fh_expand_results(first, docs, req->expand_terms, add_expansion, &e);
    if (rc == FH_OK)
        rc = e.status;
    fh_results_free(first);
    if (rc == FH_OK && e.n > 0) {
        fh_xquery *more = NULL, *out = NULL;
        rc = fh_xquery_combine(FH_XQUERY_OR, e.terms, e.n, 0, &more);
        fh_xquery *both[2] = {*q, more};
        if (rc == FH_OK)
            rc = fh_xquery_combine(FH_XQUERY_OR, both, 2, 0, &out);
        fh_xquery_free(more);
        if (rc == FH_OK && fh_parsed_query_has_filters(pq)) {
            fh_xquery *narrowed = NULL;
            rc = fh_parsed_query_narrow(pq, out, &narrowed);
            fh_xquery_free(out);
            out = narrowed;
        }
        if (rc == FH_OK) {
            fh_xquery_free(*q);
            *q = out;
        }
    }
    for (size_t i = 0; i < e.n; i++)
        fh_xquery_free(e.terms[i]);
    free(e.terms);
    return rc;
}

/* Match: all the words, or any when none has them all. For a query mostly
 * in Arabic, req's Arabic b and expansion stand in for the others. */
static fh_status match(fh_searcher *s, const fh_parsed_query *pq, const fh_search_request *asked,
                       fh_results **out, int *relaxed)
{
    fh_search_request own = *asked;
    const fh_search_request *req = &own;
    if (is_arabic(asked)) {
        own.bm25_b_any = asked->bm25_b_any_arabic;
        own.expand_docs = asked->expand_docs_arabic;
    }
    if (!fh_parsed_query_has_words(pq) && own.sort == FH_SORT_RELEVANCE)
        own.sort = FH_SORT_NEWEST; /* no score to rank by */
    *relaxed = 0;
    fh_xquery *q = NULL;
    fh_status rc = fh_parsed_query_build(pq, req->mode, &q);
    if (rc == FH_OK && req->mode == FH_MATCH_ANY && req->expand_docs > 0 && req->expand_terms > 0)
        rc = expand_query(s, pq, req, &q);
    if (rc == FH_OK)
        rc = run_query(s, q, req->mode, req, req->offset, req->limit, 0, out);
    fh_xquery_free(q);
    q = NULL;
    /* Something matched: a result, or a count of them (--limit 0). */
    int found = rc == FH_OK && (fh_results_size(*out) > 0 || fh_results_lower_bound(*out) > 0);
    if (rc != FH_OK || found || !req->relax || req->mode == FH_MATCH_ANY ||
        !fh_parsed_query_can_relax(pq))
        return rc;
    if (req->offset > 0) {
        /* An empty page past the end is not "no match". */
        fh_results *first = NULL;
        rc = fh_parsed_query_build(pq, req->mode, &q);
        if (rc == FH_OK)
            rc = run_query(s, q, req->mode, req, 0, 1, 0, &first);
        int any = rc == FH_OK && fh_results_size(first) > 0;
        fh_results_free(first);
        fh_xquery_free(q);
        q = NULL;
        if (rc != FH_OK || any)
            return rc;
    }
    fh_results_free(*out);
    *out = NULL;
    rc = fh_parsed_query_build(pq, FH_MATCH_ANY_OF_ALL, &q);
    if (rc == FH_OK)
        rc = run_query(s, q, FH_MATCH_ANY_OF_ALL, req, req->offset, req->limit, 0, out);
    fh_xquery_free(q);
    *relaxed = rc == FH_OK;
    return rc;
}

/* Decode doc's record into *r, which points into doc or, for a compressed
 * record, into *unpacked (the caller frees it). A record that cannot be
 * read leaves *r empty: the hit is shown without it. Returns FH_OK,
 * FH_ERR_NOMEM or the status of reading the document. */
static fh_status read_record(fh_searcher *s, fh_doc *doc, fh_record *r, char **unpacked)
{
    const char *data = NULL, *raw = NULL;
    size_t len = 0, raw_len = 0;
    memset(r, 0, sizeof *r);
    fh_status rc = fh_doc_get_value(doc, FH_SLOT_RECORD, &data, &len);
    if (rc == FH_OK && len == 0)
        rc = fh_doc_get_data(doc, &data, &len); /* an index made before */
    if (rc != FH_OK)
        return rc;
    fh_buf b = FH_BUF_INIT;
    rc = fh_record_unpack(s->codec, data, len, &b, &raw, &raw_len);
    if (rc == FH_OK && raw == b.data)
        *unpacked = fh_buf_detach(&b, NULL);
    fh_buf_free(&b);
    if (rc == FH_OK && fh_record_decode(raw, raw_len, r) != FH_OK)
        memset(r, 0, sizeof *r);
    return rc == FH_ERR_NOMEM ? rc : FH_OK;
}

/* The results' records, then the positions of the query's words in them
 * (hit_words.h), then their snippets. */
static fh_status fill_hits(fh_searcher *s, const fh_parsed_query *pq, const fh_search_request *req,
                           fh_results *res, struct response_owned *o)
{
    size_t n = fh_results_size(res);
    o->pub.hits = calloc(n ? n : 1, sizeof *o->pub.hits);
    o->docs = calloc(n ? n : 1, sizeof *o->docs);
    o->unpacked = calloc(n ? n : 1, sizeof *o->unpacked);
    if (o->pub.hits == NULL || o->docs == NULL || o->unpacked == NULL)
        return FH_ERR_NOMEM;
    fh_hit_words *w = NULL;
    fh_status rc = fh_hit_words_new(s->db, pq, res, n, &w);
    const fh_snippet_term *terms = NULL;
    size_t n_terms = rc == FH_OK ? fh_hit_words_terms(w, &terms) : 0;
    fh_snippet_opts title_defaults;
    fh_snippet_opts_init(&title_defaults);
    title_defaults.max_chars = 1000;
    const uint32_t slots[] = {FH_SLOT_RECORD, FH_SLOT_WORD_MAP};
    if (rc == FH_OK)
        rc = fh_results_read_values(res, slots, req->snippets ? 2 : 1);
    for (size_t i = 0; rc == FH_OK && i < n; i++) {
        fh_results_item hit;
        rc = fh_results_hit(res, i, &hit);
        fh_doc *doc = NULL;
        if (rc == FH_OK)
            rc = fh_results_doc(res, i, &doc);
        if (rc != FH_OK)
            break;
        fh_search_hit *h = &o->pub.hits[o->pub.n_hits++];
        h->docid = hit.docid;
        h->rank = hit.rank + 1;
        h->score = hit.weight;
        rc = read_record(s, doc, &h->record, &o->unpacked[o->n_docs]);
        o->docs[o->n_docs++] = doc;
        if (rc == FH_OK && req->collapse)
            rc = fh_results_collapsed(res, i, &h->copies);
        /* The date the filters read, as the indexer made it from the
         * page's (filters.c), without reading its value. */
        int64_t seconds;
        if (rc == FH_OK && fh_analyzer_options(s->analyzer)->filters && h->record.date_len > 0 &&
            fh_date_parse(h->record.date, h->record.date_len, &seconds) == FH_OK)
            fh_date_format(seconds, h->date);
        const char *map = NULL;
        size_t map_len = 0;
        if (rc == FH_OK && req->snippets)
            rc = fh_doc_get_value(doc, FH_SLOT_WORD_MAP, &map, &map_len);
        if (rc == FH_OK && req->snippets)
            rc = fh_hit_words_load(w, i, h->docid, &h->record, map, map_len);
    }
    if (rc == FH_OK && req->snippets)
        rc = fh_hit_words_read(w);
    for (size_t i = 0; rc == FH_OK && req->snippets && i < o->pub.n_hits; i++) {
        fh_search_hit *h = &o->pub.hits[i];
        fh_snippet_opts body_opts = req->snippet, title_opts = title_defaults;
        rc = fh_hit_words_place(w, i, &h->record, &body_opts, &title_opts);
        if (rc == FH_OK)
            rc = fh_snippet_make(s->analyzer, h->record.text, h->record.text_len, terms, n_terms,
                                 &body_opts, &h->snippet);
        if (rc == FH_OK)
            rc = fh_snippet_make(s->analyzer, h->record.title, h->record.title_len, terms, n_terms,
                                 &title_opts, &h->title);
    }
    fh_hit_words_free(w);
    return rc;
}

static int stop_at_once(void *ctx, const char *term, size_t len, uint32_t freq)
{
    (void)ctx, (void)term, (void)len, (void)freq;
    return 0;
}

/* Whether some word* of the query has more expansions than max (so that
 * Xapian kept only the most frequent): 1 or 0. */
static int prefix_capped(fh_searcher *s, const fh_parsed_query *pq, uint32_t max)
{
    const fh_query_word *words = NULL;
    size_t n = fh_parsed_query_words(pq, &words);
    for (size_t i = 0; max > 0 && i < n; i++) {
        size_t visited = 0;
        if (words[i].is_prefix &&
            fh_db_terms(s->db, words[i].term, words[i].len, (size_t)max + 1, stop_at_once, NULL,
                        &visited) == FH_OK &&
            visited > max)
            return 1;
    }
    return 0;
}

/* A value of a facet, copied into the response. */
static int add_facet_value(void *ctx, const char *value, size_t len, uint32_t count)
{
    fh_search_facet *f = ctx;
    char *copy = malloc(len ? len : 1);
    if (copy == NULL)
        return 1;
    memcpy(copy, value, len);
    f->values[f->n_values++] = (fh_search_facet_value){copy, len, count};
    return 0;
}

/* The facets req asks for, counted by res, into o. */
static fh_status count_facets(const fh_search_request *req, const fh_results *res,
                              struct response_owned *o)
{
    fh_status rc = FH_OK;
    for (size_t k = 0; rc == FH_OK && k < req->n_facets; k++) {
        fh_search_facet *f = &o->facets[o->pub.n_facets++];
        f->field = req->facets[k];
        uint32_t max = req->facet_limit ? req->facet_limit : 10;
        f->values = calloc(max, sizeof *f->values);
        if (f->values == NULL)
            return FH_ERR_NOMEM;
        rc = fh_results_facet(res, k, max, add_facet_value, f);
    }
    o->pub.facets = o->facets;
    return rc;
}

/* One try of fh_searcher_search(). */
static fh_status search_once(fh_searcher *s, const fh_search_request *req, fh_search_response **out,
                             char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    uint64_t t0 = now_ns();
    fh_parsed_query *pq = NULL;
    fh_results *res = NULL;
    struct response_owned *o = calloc(1, sizeof *o);
    if (o == NULL)
        return FH_ERR_NOMEM;
    fh_query_opts qopts = req->query_opts;
    qopts.expand_in = s->db;
    qopts.title_pairs = qopts.title_pairs && fh_analyzer_options(s->analyzer)->title_pairs;
    qopts.phrases = s->phrases;
    fh_status rc = fh_query_parse(s->analyzer, req->query, req->query_len, &qopts, &pq, errmsg);
    if (rc == FH_OK && !fh_analyzer_options(s->analyzer)->filters &&
        (fh_parsed_query_needs_filter_index(pq) || req->sort != FH_SORT_RELEVANCE ||
         req->n_facets > 0)) {
        rc = FH_ERR_INVALID;
        if (errmsg)
            *errmsg = strdup("this index was made before site:, date:, --sort and --facets: "
                             "rebuild it (fihris-index --rebuild) to use them");
    }
    if (rc == FH_OK)
        rc = match(s, pq, req, &res, &o->pub.relaxed);
    if (rc == FH_OK)
        rc = count_facets(req, res, o);
    if (rc != FH_OK && rc != FH_ERR_INVALID && rc != FH_ERR_NOMEM && errmsg)
        *errmsg = strdup(fh_db_errmsg(s->db));
    if (rc != FH_OK)
        goto out;
    o->pub.unranked = !fh_parsed_query_has_words(pq);
    o->pub.total_estimate = fh_results_estimate(res);
    o->pub.total_exact = fh_results_lower_bound(res) == fh_results_upper_bound(res);
    const char *const *notes = NULL;
    o->pub.n_notes = fh_parsed_query_notes(pq, &notes);
    o->notes = calloc(o->pub.n_notes + 1, sizeof *o->notes);
    if (o->notes == NULL) {
        rc = FH_ERR_NOMEM;
        goto out;
    }
    memcpy(o->notes, notes, o->pub.n_notes * sizeof *notes);
    if (prefix_capped(s, pq, req->query_opts.max_prefix_expansion))
        o->notes[o->pub.n_notes++] =
            "a word* matched more words than the limit: the most frequent were searched";
    o->pub.notes = o->notes;
    uint64_t t1 = now_ns();
    o->pub.search_ns = t1 - t0;
    rc = fill_hits(s, pq, req, res, o);
    if (rc != FH_OK && rc != FH_ERR_NOMEM && errmsg)
        *errmsg = strdup(fh_status_str(rc));
    o->pub.snippet_ns = now_ns() - t1;
out:
    fh_results_free(res);
    fh_parsed_query_free(pq);
    if (rc != FH_OK) {
        fh_search_response_free(&o->pub);
        return rc;
    }
    *out = &o->pub;
    return FH_OK;
}

/* A commit can overtake a search anywhere (a document, its positions): the
 * whole search is tried again on the reopened index, not just the match. */
fh_status fh_searcher_search(fh_searcher *s, const fh_search_request *req, fh_search_response **out,
                             char **errmsg)
{
    fh_status rc = FH_OK;
    for (int attempt = 0; attempt <= MODIFIED_RETRIES; attempt++) {
        rc = search_once(s, req, out, errmsg);
        if (rc != FH_ERR_MODIFIED)
            break;
        fh_db_reopen(s->db);
        if (attempt < MODIFIED_RETRIES && errmsg) {
            free(*errmsg); /* this try's: the next one says its own */
            *errmsg = NULL;
        }
    }
    return rc;
}
