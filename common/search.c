/* search.c - query text to ranked results with snippets (see search.h). */
#include "search.h"

#include "buf.h"
#include "expand.h"
#include "layout.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "settings.h"

/* A search that meets a commit reopens and tries again this many times. */
#define MODIFIED_RETRIES 5

struct fh_searcher {
    fh_db *db;
    fh_analyzer *analyzer;
};

struct response_owned {
    fh_search_response pub;
    fh_doc **docs; /* the documents the records point into */
    size_t n_docs;
    const char **notes;
};

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int fh_searcher_open(const char *const *paths, size_t n, const fh_searcher_open_opts *open_opts,
                     fh_searcher **out, char **errmsg)
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
    int rc = fh_layout_open(paths, n, open_opts->allow_partial, open_opts->on_skip, open_opts->ctx,
                            &s->db, NULL, &msg);
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
    /* A search analyzes a few hundred words at most: a small cache touches
     * few pages. */
    opts.word_cache_slots = 1024;
    if (rc == FH_OK)
        rc = fh_analyzer_new(&opts, &s->analyzer);
    if (rc != FH_OK) {
        fh_searcher_close(s);
        return rc;
    }
    *out = s;
    return FH_OK;
}

void fh_searcher_close(fh_searcher *s)
{
    if (s == NULL)
        return;
    fh_analyzer_free(s->analyzer);
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
    fh_search_opts_init(&req->bm25);
    /* Measured on the known-item queries and the test collections
     * (bench/RESULTS.md): better on both than Xapian's 1.2 and 0.75. A
     * search for all the words (a page people know) normalizes less for
     * length: a long body otherwise drowns a title that matches. */
    req->bm25.bm25_k1 = 0.9;
    req->bm25.bm25_b = 0.1;
    req->bm25_b_any = 0.4;
    /* Measured on the test collections (bench/RESULTS.md). */
    req->expand_docs = 0;
    req->expand_terms = 30;
    req->expand_weight = 0.4;
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
    for (size_t i = 0; i < o->n_docs; i++)
        fh_doc_free(o->docs[i]);
    free(o->docs);
    free(o->notes);
    free(r->hits);
    free(o);
}

/* Run q, built for mode, for the page asked (a concurrent commit:
 * fh_searcher_search() tries the whole search again). */
static int run_query(fh_searcher *s, const fh_query *q, fh_match_mode mode,
                     const fh_search_request *req, uint32_t offset, uint32_t limit,
                     fh_results **out)
{
    fh_search_opts bm25 = req->bm25;
    if (mode == FH_MATCH_ANY)
        bm25.bm25_b = req->bm25_b_any;
    return fh_db_search(s->db, q, &bm25, offset, limit, out);
}

/* The expansion terms, each weighed by its expansion weight over the best. */
typedef struct expansion {
    fh_query **terms;
    size_t n, cap;
    double top, scale;
    int status;
} expansion;

static int add_expansion(void *ctx, const char *term, size_t len, double weight)
{
    expansion *e = ctx;
    if (e->n == e->cap)
        return 1;
    if (e->n == 0)
        e->top = weight;
    fh_query *t = NULL;
    e->status = fh_query_term(term, len, 1, &t);
    if (e->status == FH_OK)
        e->status =
            fh_query_scale(t, e->scale * (e->top > 0 ? weight / e->top : 1), &e->terms[e->n]);
    fh_query_free(t);
    if (e->status != FH_OK)
        return 1;
    e->n++;
    return 0;
}

/* Pseudo-relevance feedback: *q OR the words that mark its first results. */
static int expand_query(fh_searcher *s, const fh_search_request *req, fh_query **q)
{
    fh_results *first = NULL;
    int rc = run_query(s, *q, FH_MATCH_ANY, req, 0, req->expand_docs, &first);
    expansion e = {calloc(req->expand_terms ? req->expand_terms : 1, sizeof *e.terms),
                   0,
                   req->expand_terms,
                   0,
                   req->expand_weight,
                   FH_OK};
    if (e.terms == NULL)
        rc = FH_ERR_NOMEM;
    if (rc == FH_OK)
        rc = fh_expand_results(first, req->expand_docs, req->expand_terms, add_expansion, &e);
    if (rc == FH_OK)
        rc = e.status;
    fh_results_free(first);
    if (rc == FH_OK && e.n > 0) {
        fh_query *more = NULL, *out = NULL;
        rc = fh_query_combine(FH_QUERY_OR, e.terms, e.n, 0, &more);
        fh_query *both[2] = {*q, more};
        if (rc == FH_OK)
            rc = fh_query_combine(FH_QUERY_OR, both, 2, 0, &out);
        fh_query_free(more);
        if (rc == FH_OK) {
            fh_query_free(*q);
            *q = out;
        }
    }
    for (size_t i = 0; i < e.n; i++)
        fh_query_free(e.terms[i]);
    free(e.terms);
    return rc;
}

/* Match: all the words, or any when none has them all. */
static int match(fh_searcher *s, const fh_parsed_query *pq, const fh_search_request *req,
                 fh_results **out, int *relaxed)
{
    *relaxed = 0;
    fh_query *q = NULL;
    int rc = fh_parsed_query_build(pq, req->mode, &q);
    if (rc == FH_OK && req->mode == FH_MATCH_ANY && req->expand_docs > 0 && req->expand_terms > 0)
        rc = expand_query(s, req, &q);
    if (rc == FH_OK)
        rc = run_query(s, q, req->mode, req, req->offset, req->limit, out);
    fh_query_free(q);
    q = NULL;
    if (rc != FH_OK || fh_results_size(*out) > 0 || !req->relax || req->mode == FH_MATCH_ANY ||
        !fh_parsed_query_can_relax(pq))
        return rc;
    if (req->offset > 0) {
        /* An empty page past the end is not "no match". */
        fh_results *first = NULL;
        rc = fh_parsed_query_build(pq, req->mode, &q);
        if (rc == FH_OK)
            rc = run_query(s, q, req->mode, req, 0, 1, &first);
        int any = rc == FH_OK && fh_results_size(first) > 0;
        fh_results_free(first);
        fh_query_free(q);
        q = NULL;
        if (rc != FH_OK || any)
            return rc;
    }
    fh_results_free(*out);
    *out = NULL;
    rc = fh_parsed_query_build(pq, FH_MATCH_ANY_OF_ALL, &q);
    if (rc == FH_OK)
        rc = run_query(s, q, FH_MATCH_ANY_OF_ALL, req, req->offset, req->limit, out);
    fh_query_free(q);
    *relaxed = rc == FH_OK;
    return rc;
}

/* The query's words with their rarity, for snippets, and the other forms
 * of each that the query matched too (fh_parsed_query_word_forms()), each
 * weighed as its word. The strings are pq's: valid while it is. */
typedef struct form_sink {
    fh_snippet_term *terms;
    uint32_t *dfs; /* each term's document frequency; FH_DF_WORD for a query word */
    size_t n, cap;
    double weight;
    const fh_results *res;
} form_sink;

/* In form_sink.dfs: a word of the query (not a form), or a prefix. */
#define FH_DF_WORD UINT32_MAX

/* A form held by at most this many pages is first looked up in its posting
 * list (a block or two) before asking each result for its positions (a
 * block read each). */
#define RARE_FORM_DOCS 2000

static int add_snippet_form(void *ctx, const char *form, size_t len)
{
    form_sink *f = ctx;
    if (f->n == f->cap)
        return 1;
    f->dfs[f->n] = 0;
    fh_results_term_freq(f->res, form, len, &f->dfs[f->n]);
    f->terms[f->n++] = (fh_snippet_term){form, len, f->weight, 0};
    return 0;
}

static int snippet_terms(fh_searcher *s, const fh_parsed_query *pq, const fh_results *res,
                         fh_snippet_term **out, uint32_t **dfs, size_t **term_word, size_t *n)
{
    const fh_query_word *words = NULL;
    size_t count = fh_parsed_query_words(pq, &words);
    size_t cap = count * 12 + 1; /* a word and up to eleven forms */
    *n = 0;
    *out = calloc(cap, sizeof **out);
    *dfs = calloc(cap, sizeof **dfs);
    *term_word = calloc(cap, sizeof **term_word);
    if (*out == NULL || *dfs == NULL || *term_word == NULL)
        return FH_ERR_NOMEM;
    uint32_t docs = 0;
    fh_db_doc_count(s->db, &docs);
    form_sink f = {*out, *dfs, 0, cap, 0, res};
    int rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < count; i++) {
        uint32_t df = 0;
        if (!words[i].is_prefix)
            fh_results_term_freq(res, words[i].term, words[i].len, &df);
        /* An unseen word (or a prefix) counts as rare. */
        f.weight = log(1.0 + (double)(docs + 1) / (double)(df ? df : 1));
        f.dfs[f.n] = FH_DF_WORD;
        f.terms[f.n++] =
            (fh_snippet_term){words[i].term, words[i].len, f.weight, words[i].is_prefix};
        size_t first = f.n - 1;
        if (!words[i].is_prefix)
            rc = fh_parsed_query_word_forms(pq, words[i].term, add_snippet_form, &f);
        for (size_t t = first; t < f.n; t++)
            (*term_word)[t] = i;
    }
    *n = f.n;
    return rc;
}

/* A match of a query word in a page's title or body: its word index there. */
typedef struct word_match {
    uint32_t word;  /* index into the title's or the body's offsets */
    uint32_t which; /* the query word */
} word_match;

typedef struct match_list {
    word_match *items;
    size_t n, cap;
} match_list;

/* Where one query word's positions go: title words, body words, or neither. */
typedef struct position_sink {
    match_list title, body;
    uint32_t which;
    uint32_t n_title;            /* title words: positions FH_TITLE_FIRST_POS on */
    uint32_t first_pos, n_words; /* body words: positions first_pos on */
    int status;
} position_sink;

static int add_match(match_list *l, uint32_t word, uint32_t which)
{
    if (fh_grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items, 64) != FH_OK)
        return FH_ERR_NOMEM;
    l->items[l->n++] = (word_match){word, which};
    return FH_OK;
}

static int add_position(void *ctx, uint32_t pos)
{
    position_sink *k = ctx;
    if (pos < k->first_pos) {
        if (pos >= FH_TITLE_FIRST_POS && pos - FH_TITLE_FIRST_POS < k->n_title)
            k->status = add_match(&k->title, pos - FH_TITLE_FIRST_POS, k->which);
        return k->status != FH_OK;
    }
    if (pos - k->first_pos >= k->n_words)
        return 1;
    k->status = add_match(&k->body, pos - k->first_pos, k->which);
    /* Enough to choose from. */
    return k->status != FH_OK || k->body.n >= 4096;
}

static int by_word(const void *a, const void *b)
{
    const word_match *x = a, *y = b;
    return (x->word > y->word) - (x->word < y->word);
}

/* What the index tells about a hit's snippets, owned here: the matched
 * words and the word offsets fh_snippet_opts points into. */
typedef struct hit_words {
    uint32_t *offsets, *title_offsets;
    size_t n_offsets, n_title;
    fh_snippet_known *known, *title_known;
    position_sink matches; /* the query words' positions in the page */
    int usable;            /* 1: the record has word offsets to place them */
} hit_words;

static void hit_words_free(hit_words *w)
{
    free(w->offsets);
    free(w->title_offsets);
    free(w->known);
    free(w->title_known);
    free(w->matches.body.items);
    free(w->matches.title.items);
}

/* The known matches of list l, as byte offsets by way of offsets. */
static int known_of(const match_list *l, const uint32_t *offsets, fh_snippet_known **out)
{
    *out = malloc((l->n ? l->n : 1) * sizeof **out);
    if (*out == NULL)
        return FH_ERR_NOMEM;
    for (size_t i = 0; i < l->n; i++)
        (*out)[i] = (fh_snippet_known){offsets[l->items[i].word], l->items[i].which};
    return FH_OK;
}

/* The window of `width` body words with the most weight of distinct query
 * words: its first and last matched word (both 0 without a match). */
static int best_words(const match_list *l, const fh_snippet_term *terms, size_t n_terms,
                      size_t width, size_t *first, size_t *last)
{
    *first = *last = 0;
    if (l->n == 0)
        return FH_OK;
    size_t *count = calloc(n_terms, sizeof *count);
    if (count == NULL)
        return FH_ERR_NOMEM;
    double weight = 0, best = -1;
    size_t lo = 0, best_n = 0;
    for (size_t hi = 0; hi < l->n; hi++) {
        if (count[l->items[hi].which]++ == 0)
            weight += terms[l->items[hi].which].weight;
        while (l->items[hi].word - l->items[lo].word >= width) {
            if (--count[l->items[lo].which] == 0)
                weight -= terms[l->items[lo].which].weight;
            lo++;
        }
        if (weight > best || (weight == best && hi - lo + 1 > best_n)) {
            best = weight;
            best_n = hi - lo + 1;
            *first = l->items[lo].word;
            *last = l->items[hi].word;
        }
    }
    free(count);
    return FH_OK;
}

/* Whether the n offsets are each past the one before and inside len bytes
 * (what the indexer writes; a damaged record is not trusted). 0 for none. */
static int ascending_within(const uint32_t *offsets, size_t n, size_t len)
{
    if (n == 0)
        return 0;
    for (size_t i = 1; i < n; i++)
        if (offsets[i] <= offsets[i - 1])
            return 0;
    return offsets[n - 1] < len;
}

/* A page's word offsets (the record's), for its words' positions to be
 * placed by. Leaves w unusable when the snippets cannot come from the index:
 * a prefix word (its terms are not known), a record without offsets. */
static int hit_words_load(const fh_record *rec, const fh_snippet_term *terms, size_t n_terms,
                          hit_words *w)
{
    memset(w, 0, sizeof *w);
    for (size_t i = 0; i < n_terms; i++)
        if (terms[i].is_prefix)
            return FH_OK;
    int rc = fh_record_offsets(rec, &w->offsets, &w->n_offsets);
    if (rc == FH_OK)
        rc = fh_record_title_offsets(rec, &w->title_offsets, &w->n_title);
    if (rc != FH_OK || !ascending_within(w->offsets, w->n_offsets, rec->text_len))
        return rc == FH_ERR_CORRUPT ? FH_OK : rc;
    if (!ascending_within(w->title_offsets, w->n_title, rec->title_len)) {
        free(w->title_offsets); /* the title is analyzed instead */
        w->title_offsets = NULL;
        w->n_title = 0;
    }
    w->matches.n_title = (uint32_t)w->n_title;
    w->matches.first_pos = rec->body_first_pos;
    w->matches.n_words = (uint32_t)w->n_offsets;
    w->usable = 1;
    return FH_OK;
}

/* The query's structure, for which matches to show: the query word of each
 * snippet term (term_word) and the phrases. */
typedef struct match_rules {
    const fh_parsed_query *pq;
    const fh_snippet_term *terms;
    const size_t *term_word;
    int any; /* some word is only in phrases or only in the title */
} match_rules;

/* Whether l (sorted by word) has the query word wd's own term (not a form)
 * at word pos. */
static int has_own_match(const match_list *l, uint32_t pos, size_t wd, const match_rules *mr)
{
    const fh_query_word *words = NULL;
    fh_parsed_query_words(mr->pq, &words);
    size_t lo = 0, hi = l->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->items[mid].word < pos)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (; lo < l->n && l->items[lo].word == pos; lo++) {
        uint32_t t = l->items[lo].which;
        if (mr->term_word[t] == wd && mr->terms[t].term == words[wd].term)
            return 1;
    }
    return 0;
}

/* Whether the match m of query word wd is part of a whole phrase match. */
static int in_a_phrase(const match_list *l, word_match m, size_t wd, const match_rules *mr)
{
    const fh_query_phrase *ph = NULL;
    size_t n_ph = fh_parsed_query_phrases(mr->pq, &ph);
    for (size_t p = 0; p < n_ph; p++) {
        for (size_t j = 0; j < ph[p].n; j++) {
            if (ph[p].words[j] != wd)
                continue;
            if (ph[p].window != ph[p].n)
                return 1; /* words apart in the phrase: not checked here */
            if (m.word < j)
                continue;
            uint32_t start = m.word - (uint32_t)j;
            size_t k = 0;
            while (k < ph[p].n && has_own_match(l, start + (uint32_t)k, ph[p].words[k], mr))
                k++;
            if (k == ph[p].n)
                return 1;
        }
    }
    return 0;
}

/* Keep the matches the query asks to see: a word typed only inside
 * "phrases" where its whole phrase is ("the city" marks "the" only before
 * "city"), and in the body no title: word. l is sorted by word. */
static int keep_asked_matches(match_list *l, int body, const match_rules *mr)
{
    if (!mr->any)
        return FH_OK;
    const fh_query_word *words = NULL;
    fh_parsed_query_words(mr->pq, &words);
    unsigned char *keep = malloc(l->n ? l->n : 1);
    if (keep == NULL)
        return FH_ERR_NOMEM;
    for (size_t i = 0; i < l->n; i++) {
        word_match m = l->items[i];
        size_t wd = mr->term_word[m.which];
        keep[i] = !(body && words[wd].in_title_only) &&
                  (!words[wd].in_phrase_only ||
                   (mr->terms[m.which].term == words[wd].term && in_a_phrase(l, m, wd, mr)));
    }
    size_t out = 0;
    for (size_t i = 0; i < l->n; i++)
        if (keep[i])
            l->items[out++] = l->items[i];
    l->n = out;
    free(keep);
    return FH_OK;
}

/* Where a page's snippets lie, from the index alone: the positions of the
 * query's words (Xapian, in w->matches) and the byte offset of each title
 * and body word (the record). The body's snippet only looks at the region
 * around the best matches (the whole page for more than one passage), the
 * title's at the title, and neither is analyzed or segmented again: the
 * words come from the offsets, the matches from the positions. Leaves *body
 * and *title as they are (the whole text, analyzed) when w is not usable
 * (hit_words_load()). */
static int snippet_words(const fh_record *rec, const fh_snippet_term *terms, size_t n_terms,
                         const match_rules *mr, fh_snippet_opts *body, fh_snippet_opts *title,
                         hit_words *w)
{
    if (!w->usable)
        return FH_OK;
    position_sink *k = &w->matches;
    if (k->body.n > 1)
        qsort(k->body.items, k->body.n, sizeof *k->body.items, by_word);
    if (k->title.n > 1)
        qsort(k->title.items, k->title.n, sizeof *k->title.items, by_word);
    int status = keep_asked_matches(&k->body, 1, mr);
    if (status == FH_OK)
        status = keep_asked_matches(&k->title, 0, mr);
    if (status != FH_OK)
        return status;
    size_t max_chars = body->max_chars ? body->max_chars : 200;
    /* Words of context either side: enough for a sentence start within
     * reach and for the passage to run on (words average 5-7 characters). */
    size_t before = max_chars / 8 + 8, after = max_chars / 6 + 8, width = max_chars / 6 + 1;
    size_t first = 0, last = 0, n_offsets = w->n_offsets;
    int rc = best_words(&k->body, terms, n_terms, width, &first, &last);
    if (rc == FH_OK) {
        /* No body match (the title matched): the page's opening. */
        size_t lo_word = first > before ? first - before : 0;
        size_t hi_word = last + after < n_offsets ? last + after : n_offsets;
        if (body->max_passages > 1) {
            /* More passages: the next best may be anywhere in the page. */
            lo_word = 0;
            hi_word = n_offsets;
        }
        size_t lo = w->offsets[lo_word];
        size_t hi = hi_word < n_offsets ? w->offsets[hi_word] : rec->text_len;
        if (hi <= rec->text_len && lo < hi)
            rc = known_of(&k->body, w->offsets, &w->known);
        if (rc == FH_OK && w->known) {
            body->region_start = lo;
            body->region_end = hi;
            body->known = w->known;
            body->n_known = k->body.n;
            body->word_starts = w->offsets + lo_word;
            body->n_word_starts = hi_word - lo_word;
        }
    }
    if (rc == FH_OK && w->n_title > 0)
        rc = known_of(&k->title, w->title_offsets, &w->title_known);
    if (rc == FH_OK && w->title_known) {
        title->known = w->title_known;
        title->n_known = k->title.n;
        title->word_starts = w->title_offsets;
        title->n_word_starts = w->n_title;
    }
    return rc;
}

/* Hits in docid order: their positions are read term by term in that order,
 * so that each read lands next to the one before in Xapian's table. */
typedef struct hit_order {
    fh_docid docid;
    size_t hit;
} hit_order;

static int by_docid(const void *a, const void *b)
{
    fh_docid x = ((const hit_order *)a)->docid, y = ((const hit_order *)b)->docid;
    return (x > y) - (x < y);
}

/* The positions of every query word in every usable hit. */
static int read_positions(fh_searcher *s, const fh_search_hit *hits, hit_words *w, size_t n,
                          const fh_snippet_term *terms, const uint32_t *dfs, size_t n_terms)
{
    hit_order *order = malloc((n ? n : 1) * sizeof *order);
    fh_docid *ids = malloc((n ? n : 1) * sizeof *ids);
    unsigned char *has = malloc(n ? n : 1);
    if (order == NULL || ids == NULL || has == NULL) {
        free(order);
        free(ids);
        free(has);
        return FH_ERR_NOMEM;
    }
    for (size_t j = 0; j < n; j++)
        order[j] = (hit_order){hits[j].docid, j};
    qsort(order, n, sizeof *order, by_docid);
    size_t m = 0; /* the usable hits' docids, ascending */
    for (size_t jj = 0; jj < n; jj++)
        if (w[order[jj].hit].usable)
            ids[m++] = order[jj].docid;
    int rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < n_terms; i++) {
        /* A form no page holds is in no result; a rare one is looked for
         * in its posting list first. */
        if (dfs[i] == 0)
            continue;
        int check = dfs[i] != FH_DF_WORD && dfs[i] <= RARE_FORM_DOCS;
        if (check)
            rc = fh_db_term_in_docs(s->db, terms[i].term, terms[i].len, ids, m, has);
        for (size_t jj = 0, k = 0; rc == FH_OK && jj < n; jj++) {
            size_t j = order[jj].hit;
            if (!w[j].usable)
                continue;
            if (check && !has[k++])
                continue;
            w[j].matches.which = (uint32_t)i;
            rc = fh_db_positions(s->db, hits[j].docid, terms[i].term, terms[i].len, add_position,
                                 &w[j].matches);
            if (rc == FH_OK)
                rc = w[j].matches.status;
        }
    }
    free(order);
    free(ids);
    free(has);
    return rc;
}

static int fill_hits(fh_searcher *s, const fh_parsed_query *pq, const fh_search_request *req,
                     fh_results *res, struct response_owned *o)
{
    size_t n = fh_results_size(res);
    o->pub.hits = calloc(n ? n : 1, sizeof *o->pub.hits);
    o->docs = calloc(n ? n : 1, sizeof *o->docs);
    if (o->pub.hits == NULL || o->docs == NULL)
        return FH_ERR_NOMEM;
    fh_snippet_term *terms = NULL;
    uint32_t *dfs = NULL;
    size_t *term_word = NULL, n_terms = 0;
    int rc = snippet_terms(s, pq, res, &terms, &dfs, &term_word, &n_terms);
    match_rules rules = {pq, terms, term_word, 0};
    const fh_query_word *words = NULL;
    size_t n_words = fh_parsed_query_words(pq, &words);
    for (size_t i = 0; i < n_words; i++)
        rules.any |= words[i].in_phrase_only || words[i].in_title_only;
    fh_snippet_opts title_defaults;
    fh_snippet_opts_init(&title_defaults);
    title_defaults.max_chars = 1000;
    hit_words *w = calloc(n ? n : 1, sizeof *w);
    if (w == NULL && rc == FH_OK)
        rc = FH_ERR_NOMEM;
    /* The pages and their records, then the positions of the query's words
     * in them, then their snippets. */
    for (size_t i = 0; rc == FH_OK && i < n; i++) {
        fh_hit hit;
        rc = fh_results_hit(res, i, &hit);
        fh_doc *doc = NULL;
        if (rc == FH_OK)
            rc = fh_results_doc(res, i, &doc);
        if (rc != FH_OK)
            break;
        o->docs[o->n_docs++] = doc;
        fh_search_hit *h = &o->pub.hits[o->pub.n_hits++];
        h->docid = hit.docid;
        h->rank = hit.rank + 1;
        h->score = hit.weight;
        const char *data = NULL;
        size_t len = 0;
        rc = fh_doc_get_value(doc, FH_SLOT_RECORD, &data, &len);
        if (rc == FH_OK && len == 0)
            rc = fh_doc_get_data(doc, &data, &len); /* an index made before */
        if (rc == FH_OK && fh_record_decode(data, len, &h->record) != FH_OK)
            memset(&h->record, 0, sizeof h->record); /* shown without its record */
        if (rc == FH_OK && req->snippets)
            rc = hit_words_load(&h->record, terms, n_terms, &w[i]);
    }
    if (rc == FH_OK && req->snippets)
        rc = read_positions(s, o->pub.hits, w, o->pub.n_hits, terms, dfs, n_terms);
    for (size_t i = 0; rc == FH_OK && req->snippets && i < o->pub.n_hits; i++) {
        fh_search_hit *h = &o->pub.hits[i];
        fh_snippet_opts body_opts = req->snippet, title_opts = title_defaults;
        rc = snippet_words(&h->record, terms, n_terms, &rules, &body_opts, &title_opts, &w[i]);
        if (rc == FH_OK)
            rc = fh_snippet_make(s->analyzer, h->record.text, h->record.text_len, terms, n_terms,
                                 &body_opts, &h->snippet);
        if (rc == FH_OK)
            rc = fh_snippet_make(s->analyzer, h->record.title, h->record.title_len, terms, n_terms,
                                 &title_opts, &h->title);
    }
    for (size_t i = 0; w && i < n; i++)
        hit_words_free(&w[i]);
    free(w);
    free(terms);
    free(dfs);
    free(term_word);
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

/* One try of fh_searcher_search(). */
static int search_once(fh_searcher *s, const fh_search_request *req, fh_search_response **out,
                       const char **errmsg)
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
    int rc = fh_query_parse(s->analyzer, req->query, req->query_len, &qopts, &pq, errmsg);
    if (rc == FH_OK)
        rc = match(s, pq, req, &res, &o->pub.relaxed);
    if (rc != FH_OK && rc != FH_ERR_INVALID && rc != FH_ERR_NOMEM && errmsg)
        *errmsg = fh_db_errmsg(s->db);
    if (rc != FH_OK)
        goto out;
    o->pub.total_estimate = fh_results_estimate(res);
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
        *errmsg = fh_status_str(rc);
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
int fh_searcher_search(fh_searcher *s, const fh_search_request *req, fh_search_response **out,
                       const char **errmsg)
{
    int rc = FH_OK;
    for (int attempt = 0; attempt <= MODIFIED_RETRIES; attempt++) {
        rc = search_once(s, req, out, errmsg);
        if (rc != FH_ERR_MODIFIED)
            break;
        fh_db_reopen(s->db);
    }
    return rc;
}
