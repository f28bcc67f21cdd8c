/* hit_words.c - which words of a result matched, for highlighting (see
 * hit_words.h).
 *
 * A word's positions come from the page's word map (word_map.h), or in an
 * index without them from Xapian's position lists; the byte offset of each
 * title and body word from the page's record: so a snippet's matches are
 * placed without analyzing the page again. Then the matches the query did
 * not ask to see are left out: a word typed only inside a phrase where its
 * whole phrase is not, a title: word in the body. */
#include "hit_words.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "word_map.h"

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

static fh_status snippet_terms(fh_db *db, const fh_parsed_query *pq, const fh_results *res,
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
    fh_db_doc_count(db, &docs);
    form_sink f = {*out, *dfs, 0, cap, 0, res};
    fh_status rc = FH_OK;
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
    fh_status status;
} position_sink;

static fh_status add_match(match_list *l, uint32_t word, uint32_t which)
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
typedef struct page_words {
    fh_docid docid;
    uint32_t *offsets, *title_offsets;
    size_t n_offsets, n_title;
    fh_snippet_known *known, *title_known;
    position_sink matches; /* the query words' positions in the page */
    int usable;            /* 1: the record has word offsets to place them */
    int has_map;           /* 1: map holds the page's positions */
    fh_word_map map;
} page_words;

static void page_words_free(page_words *w)
{
    free(w->offsets);
    free(w->title_offsets);
    free(w->known);
    free(w->title_known);
    free(w->matches.body.items);
    free(w->matches.title.items);
}

/* The known matches of list l, as byte offsets by way of offsets. */
static fh_status known_of(const match_list *l, const uint32_t *offsets, fh_snippet_known **out)
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
static fh_status best_words(const match_list *l, const fh_snippet_term *terms, size_t n_terms,
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
static fh_status page_words_load(const fh_record *rec, const fh_snippet_term *terms, size_t n_terms,
                                 page_words *w)
{
    memset(w, 0, sizeof *w);
    for (size_t i = 0; i < n_terms; i++)
        if (terms[i].is_prefix)
            return FH_OK;
    fh_status rc = fh_record_offsets(rec, &w->offsets, &w->n_offsets);
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
static fh_status keep_asked_matches(match_list *l, int body, const match_rules *mr)
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
 * (page_words_load()). */
static fh_status snippet_words(const fh_record *rec, const fh_snippet_term *terms, size_t n_terms,
                               const match_rules *mr, fh_snippet_opts *body, fh_snippet_opts *title,
                               page_words *w)
{
    if (!w->usable)
        return FH_OK;
    position_sink *k = &w->matches;
    if (k->body.n > 1)
        qsort(k->body.items, k->body.n, sizeof *k->body.items, by_word);
    if (k->title.n > 1)
        qsort(k->title.items, k->title.n, sizeof *k->title.items, by_word);
    fh_status status = keep_asked_matches(&k->body, 1, mr);
    if (status == FH_OK)
        status = keep_asked_matches(&k->title, 0, mr);
    if (status != FH_OK)
        return status;
    size_t max_chars = body->max_chars ? body->max_chars : 200;
    /* Words of context either side: enough for a sentence start within
     * reach and for the passage to run on (words average 5-7 characters). */
    size_t before = max_chars / 8 + 8, after = max_chars / 6 + 8, width = max_chars / 6 + 1;
    size_t first = 0, last = 0, n_offsets = w->n_offsets;
    fh_status rc = best_words(&k->body, terms, n_terms, width, &first, &last);
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
static fh_status read_positions(fh_db *db, page_words *w, size_t n, const fh_snippet_term *terms,
                                const uint32_t *dfs, size_t n_terms)
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
        order[j] = (hit_order){w[j].docid, j};
    qsort(order, n, sizeof *order, by_docid);
    size_t m = 0; /* the usable hits' docids without a word map, ascending */
    for (size_t jj = 0; jj < n; jj++)
        if (w[order[jj].hit].usable && !w[order[jj].hit].has_map)
            ids[m++] = order[jj].docid;
    fh_status rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < n_terms; i++) {
        /* A form no page holds is in no result; a rare one is looked for
         * in its posting list first. */
        if (dfs[i] == 0)
            continue;
        uint32_t hash = fh_word_map_hash(terms[i].term, terms[i].len);
        int check = m > 0 && dfs[i] != FH_DF_WORD && dfs[i] <= RARE_FORM_DOCS;
        if (check)
            rc = fh_db_term_in_docs(db, terms[i].term, terms[i].len, ids, m, has);
        for (size_t jj = 0, k = 0; rc == FH_OK && jj < n; jj++) {
            size_t j = order[jj].hit;
            if (!w[j].usable)
                continue;
            w[j].matches.which = (uint32_t)i;
            if (w[j].has_map) {
                fh_word_map_positions(&w[j].map, hash, add_position, &w[j].matches);
            } else {
                if (check && !has[k++])
                    continue;
                rc = fh_db_positions(db, w[j].docid, terms[i].term, terms[i].len, add_position,
                                     &w[j].matches);
            }
            if (rc == FH_OK)
                rc = w[j].matches.status;
        }
    }
    free(order);
    free(ids);
    free(has);
    return rc;
}

/* The query's rules for which matches to show, and the snippet terms. */
struct fh_hit_words {
    fh_db *db;
    fh_snippet_term *terms;
    uint32_t *dfs;
    size_t *term_word;
    size_t n_terms;
    match_rules rules;
    page_words *pages; /* one per hit, in rank order */
    size_t n_pages;
};

fh_status fh_hit_words_new(fh_db *db, const fh_parsed_query *pq, const fh_results *res, size_t n,
                           fh_hit_words **out)
{
    *out = NULL;
    fh_hit_words *w = calloc(1, sizeof *w);
    if (w == NULL)
        return FH_ERR_NOMEM;
    w->db = db;
    fh_status rc = snippet_terms(db, pq, res, &w->terms, &w->dfs, &w->term_word, &w->n_terms);
    w->rules = (match_rules){pq, w->terms, w->term_word, 0};
    const fh_query_word *words = NULL;
    size_t n_words = fh_parsed_query_words(pq, &words);
    for (size_t i = 0; i < n_words; i++)
        w->rules.any |= words[i].in_phrase_only || words[i].in_title_only;
    w->pages = calloc(n ? n : 1, sizeof *w->pages);
    w->n_pages = n;
    if (w->pages == NULL && rc == FH_OK)
        rc = FH_ERR_NOMEM;
    if (rc != FH_OK) {
        fh_hit_words_free(w);
        return rc;
    }
    *out = w;
    return FH_OK;
}

size_t fh_hit_words_terms(const fh_hit_words *w, const fh_snippet_term **terms)
{
    *terms = w->terms;
    return w->n_terms;
}

fh_status fh_hit_words_load(fh_hit_words *w, size_t hit, fh_docid docid, const fh_record *rec,
                            const char *map, size_t map_len)
{
    fh_status rc = page_words_load(rec, w->terms, w->n_terms, &w->pages[hit]);
    w->pages[hit].docid = docid;
    /* A damaged map is as none: the page's words are then not placed. */
    w->pages[hit].has_map = map != NULL && map_len > 0;
    if (w->pages[hit].has_map && fh_word_map_read(map, map_len, &w->pages[hit].map) != FH_OK)
        w->pages[hit].usable = 0;
    return rc;
}

fh_status fh_hit_words_read(fh_hit_words *w)
{
    return read_positions(w->db, w->pages, w->n_pages, w->terms, w->dfs, w->n_terms);
}

fh_status fh_hit_words_place(fh_hit_words *w, size_t hit, const fh_record *rec,
                             fh_snippet_opts *body, fh_snippet_opts *title)
{
    return snippet_words(rec, w->terms, w->n_terms, &w->rules, body, title, &w->pages[hit]);
}

void fh_hit_words_free(fh_hit_words *w)
{
    if (w == NULL)
        return;
    for (size_t i = 0; w->pages && i < w->n_pages; i++)
        page_words_free(&w->pages[i]);
    free(w->pages);
    free(w->terms);
    free(w->dfs);
    free(w->term_word);
    free(w);
}
