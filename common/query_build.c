/* query_build.c - the Xapian query of a parsed query (see query.h).
 *
 * A word matches its forms along with it (word_forms.h), and in the title
 * with extra weight; phrases and word* keep to the title under title:.
 * Matching all words, the words of an implicit AND also weigh the pages
 * whose title holds them: in the order typed (proximity), and the more of
 * the title they make up (coverage). */
#include "query.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "arabic_stem.h"
#include "buf.h"
#include "document.h"
#include "query_internal.h"
#include "record.h"
#include "word_map.h"

static fh_status build(const fh_parsed_query *q, const fh_query__node *n, fh_match_mode mode,
                       int negated, fh_xquery **out);

/* term, or (title) its title term, appended to t. */
static void put_term(fh_buf *t, const char *term, int title)
{
    if (title)
        fh_document_title_term(term, strlen(term), t);
    else
        fh_buf_puts(t, term);
}

/* The weight of a word's other forms (word_forms.h), the word's being 1:
 * bench/RESULTS.md. */
#define FORM_WEIGHT 0.5

typedef struct forms_ctx {
    fh_xquery *alts[16];
    size_t n;
    fh_status status;
} forms_ctx;

static int add_form(void *ctx, const char *form, size_t len)
{
    forms_ctx *f = ctx;
    if (f->n == sizeof f->alts / sizeof f->alts[0])
        return 1;
    f->status = fh_xquery_term(form, len, 1, &f->alts[f->n]);
    if (f->status == FH_OK && f->n > 0) {
        /* Another form than the word typed counts half: a rare form (a
         * clitic put before) must not outweigh the word itself. */
        fh_xquery *half = NULL;
        f->status = fh_xquery_scale(f->alts[f->n], FORM_WEIGHT, &half);
        fh_xquery_free(f->alts[f->n]);
        f->alts[f->n] = half;
    }
    f->n += f->status == FH_OK;
    return f->status != FH_OK;
}

fh_status fh_query__or_of(fh_status rc, fh_xquery **alts, size_t n, fh_xquery **out)
{
    if (rc == FH_OK)
        rc = fh_xquery_combine(FH_XQUERY_OR, alts, n, 0, out); /* one: that one */
    for (size_t i = 0; i < n; i++)
        fh_xquery_free(alts[i]);
    return rc;
}

/* The term (title: its title term), ORed with the other forms of it that
 * the index holds (fh_query__forms_of()). */
static fh_status word_forms(const fh_parsed_query *q, const char *term, int title, fh_xquery **out)
{
    forms_ctx f = {{NULL}, 0, FH_OK};
    fh_buf t = FH_BUF_INIT;
    put_term(&t, term, title);
    fh_status rc = fh_buf_status(&t);
    if (rc == FH_OK)
        rc = add_form(&f, t.data, t.len) ? f.status : FH_OK;
    const fh_query__memo *m = NULL;
    if (rc == FH_OK)
        rc = fh_query__forms_of(q, term, title, &m);
    for (size_t i = 0; rc == FH_OK && i < m->n_forms; i++)
        if (add_form(&f, m->forms[i], strlen(m->forms[i])) != 0)
            break;
    if (rc == FH_OK)
        rc = f.status;
    rc = fh_query__or_of(rc, f.alts, f.n, out);
    fh_buf_free(&t);
    return rc;
}

/* The exact terms (FH_PREFIX_EXACT) of a word as typed, exact: the word,
 * and for an Arabic word of FH_ARABIC_MIN_STEM letters or more the same
 * word with the article put before or taken off (المساعدات, مساعدات), at
 * FORM_WEIGHT: the article makes another form of the spelling, not another
 * spelling. Into *out. */
static fh_status exact_spellings(const char *exact, fh_xquery **out)
{
    static const char article[] = "\xd8\xa7\xd9\x84"; /* ال */
    size_t len = strlen(exact);
    fh_xquery *alts[2] = {NULL, NULL};
    size_t n = 1;
    fh_buf t = FH_BUF_INIT;
    fh_document_exact_term(exact, len, &t);
    fh_status rc = fh_buf_status(&t);
    if (rc == FH_OK)
        rc = fh_xquery_term(t.data, t.len, 1, &alts[0]);
    int arabic = (unsigned char)exact[0] >= 0xd8 && (unsigned char)exact[0] <= 0xdb;
    if (rc == FH_OK && arabic && len >= 2 * FH_ARABIC_MIN_STEM) {
        fh_buf_reset(&t);
        if (memcmp(exact, article, 4) != 0) {
            fh_buf_puts(&t, FH_PREFIX_EXACT);
            fh_buf_puts(&t, article);
            fh_buf_puts(&t, exact);
        } else if (len - 4 >= 2 * FH_ARABIC_MIN_STEM) {
            fh_document_exact_term(exact + 4, len - 4, &t);
        }
        rc = fh_buf_status(&t);
        fh_xquery *other = NULL;
        if (rc == FH_OK && t.len > 0)
            rc = fh_xquery_term(t.data, t.len, 1, &other);
        if (rc == FH_OK && other != NULL)
            rc = fh_xquery_scale(other, FORM_WEIGHT, &alts[n++]);
        fh_xquery_free(other);
    }
    rc = fh_query__or_of(rc, alts, alts[0] != NULL ? n : 0, out);
    fh_buf_free(&t);
    return rc;
}

/* A term, in the title only (title:) or anywhere with extra weight in the
 * title. */
static fh_status build_term(const fh_parsed_query *q, const char *term, const char *exact,
                            int title, fh_match_mode mode, fh_xquery **out)
{
    double title_weight = mode == FH_MATCH_ANY ? q->opts.title_weight_any : q->opts.title_weight;
    fh_buf t = FH_BUF_INIT;
    put_term(&t, term, 1);
    fh_status rc = fh_buf_status(&t);
    if (rc != FH_OK)
        goto out;
    if (title) {
        rc = fh_xquery_term(t.data, t.len, 1, out);
        goto out;
    }
    if (title_weight <= 0) {
        rc = word_forms(q, term, 0, out);
        goto out;
    }
    fh_xquery *parts[3] = {NULL, NULL, NULL}, *in_title = NULL, *as_typed = NULL;
    size_t n_parts = 2;
    rc = word_forms(q, term, 0, &parts[0]);
    if (rc == FH_OK)
        rc = word_forms(q, term, 1, &in_title);
    if (rc == FH_OK)
        rc = fh_xquery_scale(in_title, title_weight, &parts[1]);
    if (rc == FH_OK && exact && mode != FH_MATCH_ANY && q->opts.exact_weight > 0)
        rc = exact_spellings(exact, &as_typed);
    if (rc == FH_OK && as_typed != NULL)
        rc = fh_xquery_scale(as_typed, q->opts.exact_weight, &parts[n_parts++]);
    if (rc == FH_OK)
        rc = fh_xquery_combine(FH_XQUERY_OR, parts, n_parts, 0, out);
    fh_xquery_free(parts[0]);
    fh_xquery_free(parts[1]);
    fh_xquery_free(parts[2]);
    fh_xquery_free(in_title);
    fh_xquery_free(as_typed);
out:
    fh_buf_free(&t);
    return rc;
}

static fh_status build_list(const fh_parsed_query *q, const fh_query__list *l, fh_match_mode mode,
                            int negated, fh_xquery ***items)
{
    *items = calloc(l->n ? l->n : 1, sizeof **items);
    if (*items == NULL)
        return FH_ERR_NOMEM;
    fh_status rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < l->n; i++)
        rc = build(q, l->items[i], mode, negated, &(*items)[i]);
    return rc;
}

static void free_list(fh_xquery **items, size_t n)
{
    if (items == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        fh_xquery_free(items[i]);
    free(items);
}

/* Join the built parts of an AND group with op. Common words, when there is
 * anything else: matching all words, they are not required but add weight
 * (a known title's "of the" still helps); matching any word (long questions
 * in natural language), they are left out. */
static fh_status combine_required(const fh_query__node *n, fh_xquery **parts, fh_xquery_op op,
                                  fh_xquery **out)
{
    size_t required = 0;
    for (size_t i = 0; i < n->pos.n; i++)
        required += !fh_query__is_common(n->pos.items[i]);
    if (required == 0 || required == n->pos.n)
        return fh_xquery_combine(op, parts, n->pos.n, 0, out);
    fh_xquery **sorted = malloc(n->pos.n * sizeof *sorted);
    if (sorted == NULL)
        return FH_ERR_NOMEM;
    size_t r = 0, c = required;
    for (size_t i = 0; i < n->pos.n; i++)
        sorted[fh_query__is_common(n->pos.items[i]) ? c++ : r++] = parts[i];
    fh_xquery *both[2] = {NULL, NULL};
    fh_status rc = fh_xquery_combine(op, sorted, required, 0, op == FH_XQUERY_OR ? out : &both[0]);
    if (op == FH_XQUERY_OR) {
        free(sorted);
        return rc;
    }
    if (rc == FH_OK)
        rc = fh_xquery_combine(FH_XQUERY_OR, sorted + required, n->pos.n - required, 0, &both[1]);
    if (rc == FH_OK)
        rc = fh_xquery_combine(FH_XQUERY_AND_MAYBE, both, 2, 0, out);
    fh_xquery_free(both[0]);
    fh_xquery_free(both[1]);
    free(sorted);
    return rc;
}

/* A plain word of an implicit AND: neither common nor title:. The title
 * boosts below are built from these, at most MAX_BOOST_WORDS of them. */
#define MAX_BOOST_WORDS 16

static int is_plain_word(const fh_query__node *c)
{
    return c->kind == FH_QUERY__TERM && !c->common && !c->title;
}

static size_t count_plain_words(const fh_query__node *n)
{
    size_t k = 0;
    for (size_t i = 0; i < n->pos.n; i++)
        k += is_plain_word(n->pos.items[i]);
    return k;
}

/* A word of the title pairs: its term, and its form without the clitic it
 * was typed with (word_forms.h), if it has one (وعسير: عسير). */
#define PAIR_SPELLINGS 2

typedef struct {
    const char *spelling[PAIR_SPELLINGS];
    size_t n;
} pair_word;

/* The title pair term of a then b, side by side or (skip) with one word
 * between, into *out: any of a's spellings then any of b's. */
static fh_status pair_term(const pair_word *a, const pair_word *b, int skip, fh_xquery **out)
{
    fh_buf t = FH_BUF_INIT;
    fh_xquery *alts[PAIR_SPELLINGS * PAIR_SPELLINGS] = {NULL};
    size_t n = 0;
    fh_status rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < a->n; i++)
        for (size_t j = 0; rc == FH_OK && j < b->n; j++) {
            const char *x = a->spelling[i], *y = b->spelling[j];
            fh_buf_reset(&t);
            fh_document_pair_term(x, strlen(x), y, strlen(y), skip, &t);
            rc = fh_buf_status(&t);
            if (rc == FH_OK)
                rc = fh_xquery_term(t.data, t.len, 1, &alts[n++]);
        }
    rc = fh_query__or_of(rc, alts, n, out);
    fh_buf_free(&t);
    return rc;
}

/* Whether form is term with one Arabic letter, a clitic, taken off its
 * start (وعسير: عسير). The forms with a clitic put before are not taken:
 * titles that hold them (بعسير for عسير) ranked known items lower. */
static int without_clitic(const char *form, const char *term)
{
    size_t f = strlen(form), t = strlen(term);
    return (unsigned char)term[0] >= 0xd8 && (unsigned char)term[0] <= 0xdb && f + 2 == t &&
           strcmp(form, term + 2) == 0;
}

/* w's title terms, any of its spellings, into *out. */
static fh_status title_spellings(const pair_word *w, fh_xquery **out)
{
    fh_xquery *alts[PAIR_SPELLINGS] = {NULL};
    fh_buf b = FH_BUF_INIT;
    fh_status rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < w->n; i++) {
        fh_buf_reset(&b);
        put_term(&b, w->spelling[i], 1);
        rc = fh_buf_status(&b);
        if (rc == FH_OK)
            rc = fh_xquery_term(b.data, b.len, 1, &alts[i]);
    }
    rc = fh_query__or_of(rc, alts, w->n, out);
    fh_buf_free(&b);
    return rc;
}

/* Titles holding the m words (index terms) in this order with at most one
 * other word among them, from the title pairs, weighing nothing: every
 * two words side by side, or all but one such two with one word between.
 * The same titles as a phrase of their positions within m + 1 (but for a
 * title repeating a word), without reading a position. */
static fh_status build_pairs(const pair_word *w, size_t m, fh_xquery **out)
{
    *out = NULL;
    fh_xquery *alts[MAX_BOOST_WORDS] = {NULL}, *pairs[MAX_BOOST_WORDS] = {NULL}, *any = NULL;
    size_t n_alts = 0;
    fh_status rc = FH_OK;
    /* Alternative 0: no word between any two; g + 1: one between words g and g + 1. */
    for (size_t g = 0; rc == FH_OK && g < m; g++) {
        for (size_t i = 0; rc == FH_OK && i + 1 < m; i++)
            rc = pair_term(&w[i], &w[i + 1], g > 0 && i == g - 1, &pairs[i]);
        if (rc == FH_OK)
            rc = fh_xquery_combine(FH_XQUERY_AND, pairs, m - 1, 0, &alts[n_alts++]);
        for (size_t i = 0; i + 1 < m; i++) {
            fh_xquery_free(pairs[i]);
            pairs[i] = NULL;
        }
    }
    if (rc == FH_OK)
        rc = fh_xquery_combine(FH_XQUERY_OR, alts, n_alts, 0, &any);
    if (rc == FH_OK)
        rc = fh_xquery_scale(any, 0, out);
    fh_xquery_free(any);
    for (size_t i = 0; i < n_alts; i++)
        fh_xquery_free(alts[i]);
    return rc;
}

/* The words of an implicit AND (plain words, neither common nor title:),
 * in the title in the order typed with at most one other word among them
 * (people type a title's words in its order, and leave out an "of" or a
 * "في"), scaled by the proximity weight: the title pairs tell (build_pairs()),
 * or in an index without them the words' positions. A word no title holds
 * (a typo, an odd plural) is there as any of its forms (word_forms()),
 * which takes the positions. NULL when there are fewer than two such
 * words. In any order within twice their
 * number ranked known items lower; the same in the body weighed less than
 * it cost (bench/RESULTS.md). */
static fh_status build_proximity(const fh_parsed_query *q, const fh_query__node *n, fh_xquery **out)
{
    *out = NULL;
    size_t k = count_plain_words(n);
    if (k < 2 || k > MAX_BOOST_WORDS)
        return FH_OK;
    fh_xquery *terms[MAX_BOOST_WORDS + 1] = {NULL}, *ordered = NULL;
    pair_word words[MAX_BOOST_WORDS];
    size_t m = 0;
    fh_status rc = FH_OK;
    int by_pairs = q->opts.title_pairs;
    fh_buf t = FH_BUF_INIT;
    for (size_t i = 0; rc == FH_OK && i < n->pos.n; i++) {
        const fh_query__node *c = n->pos.items[i];
        if (!is_plain_word(c))
            continue;
        fh_buf_reset(&t);
        put_term(&t, c->terms[0], 1);
        rc = fh_buf_status(&t);
        uint32_t freq = 1;
        if (rc == FH_OK && q->opts.expand_in != NULL &&
            fh_db_term_freq(q->opts.expand_in, t.data, t.len, &freq) != FH_OK)
            freq = 1;
        pair_word *w = &words[m];
        w->spelling[0] = c->terms[0];
        w->n = 1;
        const fh_query__memo *forms = NULL;
        if (rc == FH_OK)
            rc = fh_query__forms_of(q, c->terms[0], 0, &forms);
        for (size_t f = 0; rc == FH_OK && f < forms->n_forms && w->n < PAIR_SPELLINGS; f++)
            if (without_clitic(forms->forms[f], c->terms[0]))
                w->spelling[w->n++] = forms->forms[f];
        if (rc == FH_OK && freq == 0)
            rc = word_forms(q, c->terms[0], 1, &terms[m]);
        else if (rc == FH_OK && w->n > 1)
            rc = title_spellings(w, &terms[m]);
        else if (rc == FH_OK)
            rc = fh_xquery_term(t.data, t.len, 1, &terms[m]);
        by_pairs &= freq > 0; /* a word's forms have no pairs of their own */
        m++;
    }
    if (rc == FH_OK && by_pairs) {
        rc = build_pairs(words, m, &terms[m]);
        if (rc == FH_OK)
            rc = fh_xquery_combine(FH_XQUERY_AND, terms, m + 1, 0, &ordered);
    } else if (rc == FH_OK) {
        rc = fh_xquery_combine(FH_XQUERY_PHRASE, terms, m, (uint32_t)(m + 1), &ordered);
    }
    if (rc == FH_OK)
        rc = fh_xquery_scale(ordered, q->opts.proximity_weight, out);
    fh_xquery_free(ordered);
    for (size_t i = 0; i <= MAX_BOOST_WORDS; i++)
        fh_xquery_free(terms[i]);
    fh_buf_free(&t);
    return rc;
}

/* The words of an implicit AND (plain words, neither common nor title:),
 * each in the title in any of its forms, weighing nothing, and a weight
 * from the title's number of content words L (FH_SLOT_TITLE_WORDS,
 * document.h): the coverage weight times the words' summed idf times k / L
 * for k such words (at most 1). The idf is log(1 + (N - n + 0.5) / (n +
 * 0.5)) in opts.expand_in (1 without it), so the boost keeps its size
 * beside BM25's in a small index as in a large one. So of the pages whose title holds all the
 * words, the one whose title they make up more of comes first: a short title the query nearly is,
 * not a long one that happens to hold its words. NULL when there are fewer than two words. */
#define COVERAGE_LENGTHS 24

static fh_status build_coverage(const fh_parsed_query *q, const fh_query__node *n, fh_xquery **out)
{
    *out = NULL;
    size_t k = count_plain_words(n);
    if (k < 2 || k > MAX_BOOST_WORDS)
        return FH_OK;
    fh_xquery *parts[MAX_BOOST_WORDS + 1] = {NULL}, *all = NULL;
    size_t m = 0;
    fh_status rc = FH_OK;
    uint32_t docs = 0;
    if (q->opts.expand_in == NULL || fh_db_doc_count(q->opts.expand_in, &docs) != FH_OK)
        docs = 0;
    double idf_sum = 0;
    for (size_t i = 0; rc == FH_OK && i < n->pos.n; i++) {
        const fh_query__node *c = n->pos.items[i];
        if (!is_plain_word(c))
            continue;
        uint32_t freq = 0;
        if (docs == 0 ||
            fh_db_term_freq(q->opts.expand_in, c->terms[0], strlen(c->terms[0]), &freq) != FH_OK ||
            freq > docs)
            idf_sum += 1;
        else
            idf_sum += log(1 + (docs - freq + 0.5) / (freq + 0.5));
        fh_xquery *forms = NULL;
        rc = word_forms(q, c->terms[0], 1, &forms);
        if (rc == FH_OK)
            rc = fh_xquery_scale(forms, 0, &parts[m++]);
        fh_xquery_free(forms);
    }
    /* Titles of up to COVERAGE_LENGTHS words each get their weight; longer
     * ones that of COVERAGE_LENGTHS + 1 words (a map of all 255 lengths,
     * copied for each shard, made the search 20% slower). */
    char lengths[COVERAGE_LENGTHS];
    fh_xquery_value_weight map[COVERAGE_LENGTHS];
    double weight = q->opts.coverage_weight * idf_sum;
    for (size_t len = 1; len <= COVERAGE_LENGTHS; len++) {
        lengths[len - 1] = (char)(unsigned char)len;
        double share = len > k ? (double)k / (double)len : 1.0;
        map[len - 1] = (fh_xquery_value_weight){&lengths[len - 1], 1, weight * share};
    }
    double longer = weight * (double)k / (COVERAGE_LENGTHS + 1);
    if (rc == FH_OK)
        rc = fh_xquery_value_map(FH_SLOT_TITLE_WORDS, map, COVERAGE_LENGTHS, longer, &parts[m++]);
    if (rc == FH_OK)
        rc = fh_xquery_combine(FH_XQUERY_AND, parts, m, 0, &all);
    if (rc == FH_OK)
        *out = all;
    else
        fh_xquery_free(all);
    for (size_t i = 0; i < m; i++)
        fh_xquery_free(parts[i]);
    return rc;
}

/* p AND_MAYBE boost, into *p (boost not owned). */
static fh_status add_boost(fh_xquery **p, fh_xquery *boost)
{
    fh_xquery *both[2] = {*p, boost}, *boosted = NULL;
    fh_status rc = fh_xquery_combine(FH_XQUERY_AND_MAYBE, both, 2, 0, &boosted);
    if (rc == FH_OK) {
        fh_xquery_free(*p);
        *p = boosted;
    }
    return rc;
}

/* The phrase's words, each in *terms, weighing as its words do, in pages
 * whose word map holds them in order within the window. */
static fh_status phrase_by_map(const fh_query__node *n, fh_xquery *const *terms, fh_xquery **out)
{
    const char **words = calloc(n->n_terms, sizeof *words);
    size_t *lens = calloc(n->n_terms, sizeof *lens);
    uint32_t *hashes = calloc(n->n_terms, sizeof *hashes);
    fh_buf ctx = FH_BUF_INIT;
    fh_xquery *parts[2] = {NULL, NULL};
    fh_status rc = words && lens && hashes ? FH_OK : FH_ERR_NOMEM;
    for (size_t i = 0; rc == FH_OK && i < n->n_terms; i++) {
        words[i] = n->terms[i];
        lens[i] = strlen(n->terms[i]);
        hashes[i] = fh_word_map_hash(words[i], lens[i]);
    }
    uint32_t window = n->window != 0 ? n->window : (uint32_t)n->n_terms;
    if (rc == FH_OK)
        rc = fh_word_map_phrase_encode(hashes, (uint32_t)n->n_terms, window, &ctx);
    if (rc == FH_OK)
        rc = fh_xquery_combine(FH_XQUERY_AND, terms, n->n_terms, 0, &parts[0]);
    if (rc == FH_OK)
        rc = fh_xquery_value_check(words, lens, n->n_terms, FH_SLOT_WORD_MAP, fh_word_map_check,
                                   ctx.data, ctx.len, &parts[1]);
    if (rc == FH_OK)
        rc = fh_xquery_combine(FH_XQUERY_FILTER, parts, 2, 0, out);
    fh_xquery_free(parts[0]);
    fh_xquery_free(parts[1]);
    fh_buf_free(&ctx);
    free(words);
    free(lens);
    free(hashes);
    return rc;
}

/* The words side by side (title: in the title) within the phrase's window:
 * by positions, by the pages' word maps, by both (an index of each kind
 * searched as one), or, where neither can be read (a remote shard of a
 * word-map index), as all the words: more pages than the phrase's, so in
 * an exclusion (negated) as nothing, leaving out fewer pages rather than
 * more (fh_query_opts.phrases). A title: phrase is of FH_PREFIX_TITLE
 * terms, which keep their positions. */
static fh_status build_phrase(const fh_parsed_query *q, const fh_query__node *n, int negated,
                              fh_xquery **out)
{
    fh_xquery **terms = calloc(n->n_terms, sizeof *terms);
    if (terms == NULL)
        return FH_ERR_NOMEM;
    fh_buf t = FH_BUF_INIT;
    fh_status rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < n->n_terms; i++) {
        fh_buf_reset(&t);
        put_term(&t, n->terms[i], n->title);
        rc = fh_buf_status(&t);
        if (rc == FH_OK)
            rc = fh_xquery_term(t.data, t.len, 1, &terms[i]);
    }
    int by = n->title || n->n_terms < 2 ? FH_PHRASES_POSITIONS : q->opts.phrases;
    fh_xquery *ways[2] = {NULL, NULL};
    if (rc == FH_OK && by == FH_PHRASES_WORD_MAP) {
        rc = phrase_by_map(n, terms, out);
    } else if (rc == FH_OK && by == FH_PHRASES_WORDS && negated) {
        rc = fh_xquery_match_nothing(out);
    } else if (rc == FH_OK && by == FH_PHRASES_WORDS) {
        rc = fh_xquery_combine(FH_XQUERY_AND, terms, n->n_terms, 0, out);
    } else if (rc == FH_OK && by == FH_PHRASES_BOTH) {
        rc = fh_xquery_combine(FH_XQUERY_PHRASE, terms, n->n_terms, n->window, &ways[0]);
        if (rc == FH_OK)
            rc = phrase_by_map(n, terms, &ways[1]);
        if (rc == FH_OK)
            rc = fh_xquery_combine(FH_XQUERY_OR, ways, 2, 0, out);
    } else if (rc == FH_OK) {
        rc = fh_xquery_combine(FH_XQUERY_PHRASE, terms, n->n_terms, n->window, out);
    }
    fh_xquery_free(ways[0]);
    fh_xquery_free(ways[1]);
    free_list(terms, n->n_terms);
    fh_buf_free(&t);
    return rc;
}

/* word*: the terms starting with the word or its stem (title: in the
 * title), expanded in opts.expand_in. */
static fh_status build_prefix(const fh_parsed_query *q, const fh_query__node *n, fh_xquery **out)
{
    fh_xquery *alts[2] = {NULL, NULL};
    fh_buf t = FH_BUF_INIT;
    fh_status rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < n->n_terms; i++) {
        fh_buf_reset(&t);
        put_term(&t, n->terms[i], n->title);
        rc = fh_buf_status(&t);
        if (rc == FH_OK)
            rc = fh_xquery_prefix_in(q->opts.expand_in, t.data, t.len, q->opts.max_prefix_expansion,
                                     &alts[i]);
    }
    if (rc == FH_OK)
        rc = fh_xquery_combine(FH_XQUERY_OR, alts, n->n_terms, 0, out);
    fh_xquery_free(alts[0]);
    fh_xquery_free(alts[1]);
    fh_buf_free(&t);
    return rc;
}

/* The title boosts of an implicit AND matching all words (p AND_MAYBE
 * each), into *p. */
static fh_status add_title_boosts(const fh_parsed_query *q, const fh_query__node *n, fh_xquery **p)
{
    fh_status rc = FH_OK;
    if (q->opts.proximity_weight > 0) {
        /* Nested one at a time: libxapian 1.4 weighs an OR of positional
         * queries under AND_MAYBE differently over several databases. */
        fh_xquery *near = NULL;
        rc = build_proximity(q, n, &near);
        if (rc == FH_OK && near)
            rc = add_boost(p, near);
        fh_xquery_free(near);
    }
    if (rc == FH_OK && q->opts.coverage_weight > 0) {
        fh_xquery *cover = NULL;
        rc = build_coverage(q, n, &cover);
        if (rc == FH_OK && cover)
            rc = add_boost(p, cover);
        fh_xquery_free(cover);
    }
    return rc;
}

/* All of an AND's words (any, for an implicit AND not matching all), with
 * its title boosts, and none of its exclusions (negated: the AND is itself
 * inside an exclusion, build_phrase()). */
static fh_status build_and(const fh_parsed_query *q, const fh_query__node *n, fh_match_mode mode,
                           int negated, fh_xquery **out)
{
    fh_xquery_op op = (n->implicit && mode != FH_MATCH_ALL) ? FH_XQUERY_OR : FH_XQUERY_AND;
    fh_xquery **pos = NULL, **neg = NULL, *p = NULL, *x = NULL;
    fh_status rc = build_list(q, &n->pos, mode, negated, &pos);
    if (rc == FH_OK)
        rc = build_list(q, &n->neg, mode, !negated, &neg);
    if (rc != FH_OK)
        goto out;
    if (n->pos.n)
        rc = combine_required(n, pos, op, &p);
    else
        rc = fh_xquery_match_all(&p);
    if (rc == FH_OK && n->implicit && op == FH_XQUERY_AND)
        rc = add_title_boosts(q, n, &p);
    if (rc != FH_OK || n->neg.n == 0) {
        *out = p;
        p = NULL;
        goto out;
    }
    rc = fh_xquery_combine(FH_XQUERY_OR, neg, n->neg.n, 0, &x);
    if (rc == FH_OK) {
        fh_xquery *both[2] = {p, x};
        rc = fh_xquery_combine(FH_XQUERY_AND_NOT, both, 2, 0, out);
    }
out:
    free_list(pos, n->pos.n);
    free_list(neg, n->neg.n);
    fh_xquery_free(p);
    fh_xquery_free(x);
    return rc;
}

static fh_status build(const fh_parsed_query *q, const fh_query__node *n, fh_match_mode mode,
                       int negated, fh_xquery **out)
{
    *out = NULL;
    fh_status rc = FH_OK;
    fh_xquery **pos = NULL;
    switch (n->kind) {
    case FH_QUERY__TERM:
        rc = build_term(q, n->terms[0], n->exact, n->title, mode, out);
        break;
    case FH_QUERY__PHRASE:
        rc = build_phrase(q, n, negated, out);
        break;
    case FH_QUERY__PREFIX:
        rc = build_prefix(q, n, out);
        break;
    case FH_QUERY__OR:
        rc = build_list(q, &n->pos, mode, negated, &pos);
        if (rc == FH_OK)
            rc = fh_xquery_combine(FH_XQUERY_OR, pos, n->pos.n, 0, out);
        free_list(pos, n->pos.n);
        break;
    case FH_QUERY__AND:
        rc = build_and(q, n, mode, negated, out);
        break;
    }
    if (rc != FH_OK) {
        fh_xquery_free(*out);
        *out = NULL;
    }
    return rc;
}

fh_status fh_parsed_query_build(const fh_parsed_query *q, fh_match_mode mode, fh_xquery **out)
{
    if (q->n_filters == 0)
        return build(q, q->root, mode, 0, out);
    *out = NULL;
    fh_xquery *words = NULL;
    fh_status rc = q->root != NULL ? build(q, q->root, mode, 0, &words) : FH_OK;
    if (rc == FH_OK)
        rc = fh_query__filters_build(q, words, out);
    fh_xquery_free(words);
    return rc;
}
