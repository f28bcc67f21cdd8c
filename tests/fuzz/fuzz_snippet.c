/* fuzz_snippet.c - libFuzzer target: fh_snippet_make.
 *
 * Input: the page text, a 0x00 byte, then the query (no 0x00: all text, no
 * query). The query is analyzed into terms as the searcher does (at most
 * MAX_TERMS, a few with a weight past the clamp), plus one prefix term: the
 * first word's normalized form cut to its first half. Snippets are made for
 * each max_chars of 2, 20 and 200 and max_passages of 1 and 3, on the whole
 * text and on a region of it (from a word start to a later word start, as
 * search.c takes it from the index), with the analyzer comparing the words
 * with `known` matches (the starts of the DOCUMENT tokens whose term
 * matches, as the index's positions give them), and with those plus the
 * starts of all DOCUMENT tokens as `word_starts` (as the record's offsets
 * give them).
 *
 * Checked: at most max_passages passages, in order, not overlapping, inside
 * the text (and the region), each at most max_chars units (snippet.h: code
 * points, an invalid byte counting as one), without leading or trailing
 * white space, never splitting a valid UTF-8 sequence; highlights inside
 * their passage, in order, not overlapping; starts_text and ends_text true
 * only when nothing but white space lies before or after. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "fuzz.h"
#include "snippet.h"

#define MAX_TERMS 8

static fh_analyzer *analyzer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    FUZZ_CHECK(fh_analyzer_new(NULL, &analyzer) == FH_OK);
    return 0;
}

typedef struct query {
    size_t n;
    char text[MAX_TERMS + 1][FH_MAX_TERM_BYTES];
    fh_snippet_term terms[MAX_TERMS + 1];
    char norm[FH_MAX_TERM_BYTES]; /* the first word's normalized form */
    size_t norm_len;
} query;

static int take_term(void *ctx, const fh_token *t)
{
    query *q = ctx;
    if (q->n == 0 && q->norm_len == 0) {
        memcpy(q->norm, t->norm, t->norm_len);
        q->norm_len = t->norm_len;
    }
    for (size_t i = 0; i < q->n; i++)
        if (q->terms[i].len == t->term_len && memcmp(q->text[i], t->term, t->term_len) == 0)
            return 0;
    memcpy(q->text[q->n], t->term, t->term_len);
    /* Weights like log(N / df), and two huge ones that must be clamped. */
    double weight = q->n % 4 == 3 ? 1e300 : 1.0 + (double)q->n;
    q->terms[q->n] = (fh_snippet_term){q->text[q->n], t->term_len, weight, 0};
    q->n++;
    return q->n == MAX_TERMS;
}

/* A word of the whole text, from a DOCUMENT run. */
typedef struct word {
    size_t start, end;
    int32_t match; /* the term it matches, or -1 */
} word;

typedef struct words {
    const query *q;
    word *w;
    size_t n, cap;
} words;

static int take_word(void *ctx, const fh_token *t)
{
    words *ws = ctx;
    if (ws->n == ws->cap) {
        ws->cap = ws->cap ? ws->cap * 2 : 64;
        ws->w = realloc(ws->w, ws->cap * sizeof *ws->w);
        FUZZ_CHECK(ws->w != NULL);
    }
    /* As snippet.c matches: an exact term first, else the first prefix. */
    int32_t match = -1;
    for (size_t i = 0; i < ws->q->n && match < 0; i++) {
        const fh_snippet_term *s = &ws->q->terms[i];
        if (!s->is_prefix && s->len == t->term_len && memcmp(s->term, t->term, s->len) == 0)
            match = (int32_t)i;
    }
    for (size_t i = 0; i < ws->q->n && match < 0; i++) {
        const fh_snippet_term *s = &ws->q->terms[i];
        if (s->is_prefix && ((s->len <= t->term_len && memcmp(s->term, t->term, s->len) == 0) ||
                             (s->len <= t->norm_len && memcmp(s->term, t->norm, s->len) == 0)))
            match = (int32_t)i;
    }
    ws->w[ws->n++] = (word){t->start, t->end, match};
    return 0;
}

static int is_white(int32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
           (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
           c == 0x205F || c == 0x3000;
}

/* Whether s[from, to) is all white space. */
static int all_white(const unsigned char *s, size_t from, size_t to, size_t len)
{
    for (size_t i = from; i < to; i += fuzz_unit_size(s, i, len))
        if (!is_white(fuzz_unit_cp(s, i, len)))
            return 0;
    return 1;
}

typedef struct check_ctx {
    const unsigned char *text;
    size_t len;
    const unsigned char *bounds;
    size_t lo, hi; /* the region looked at */
    int whole;     /* no region */
    size_t n_terms;
} check_ctx;

static void check(const check_ctx *c, const fh_snippet_opts *o, const fh_snippet *s)
{
    FUZZ_CHECK(s->n_passages <= o->max_passages);
    FUZZ_CHECK(s->n_matched_terms <= c->n_terms);
    FUZZ_CHECK(s->n_passages == 0 || s->passages != NULL);
    size_t prev_end = c->lo;
    for (size_t i = 0; i < s->n_passages; i++) {
        const fh_passage *p = &s->passages[i];
        size_t a = p->span.start, b = p->span.end;
        FUZZ_CHECK(a < b);
        FUZZ_CHECK(a >= prev_end && b <= c->hi);
        FUZZ_CHECK(c->bounds[a] && c->bounds[b]);
        FUZZ_CHECK(fuzz_units(c->text, a, b) <= o->max_chars);
        FUZZ_CHECK(!is_white(fuzz_unit_cp(c->text, a, c->len)));
        size_t last = b - 1;
        while (!c->bounds[last])
            last--;
        FUZZ_CHECK(!is_white(fuzz_unit_cp(c->text, last, c->len)));
        FUZZ_CHECK(p->starts_text == 0 || p->starts_text == 1);
        FUZZ_CHECK(p->ends_text == 0 || p->ends_text == 1);
        if (p->starts_text)
            FUZZ_CHECK(all_white(c->text, 0, a, c->len));
        if (p->ends_text)
            FUZZ_CHECK(all_white(c->text, b, c->len, c->len));
        if (c->whole) {
            FUZZ_CHECK(p->starts_text == all_white(c->text, 0, a, c->len));
            FUZZ_CHECK(p->ends_text == all_white(c->text, b, c->len, c->len));
        }
        FUZZ_CHECK(p->n_highlights == 0 || p->highlights != NULL);
        FUZZ_CHECK(c->n_terms > 0 || p->n_highlights == 0);
        size_t h_end = a;
        for (size_t h = 0; h < p->n_highlights; h++) {
            const fh_span *sp = &p->highlights[h];
            FUZZ_CHECK(sp->start < sp->end);
            FUZZ_CHECK(sp->start >= h_end && sp->end <= b);
            FUZZ_CHECK(c->bounds[sp->start] && c->bounds[sp->end]);
            h_end = sp->end;
        }
        prev_end = b;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const uint8_t *nul = memchr(data, 0, size);
    size_t len = nul ? (size_t)(nul - data) : size;
    const char *text = (const char *)data;
    const char *qtext = nul ? (const char *)nul + 1 : "";
    size_t qlen = nul ? size - len - 1 : 0;

    query q;
    memset(&q, 0, sizeof q);
    FUZZ_CHECK(fh_analyzer_run(analyzer, qtext, qlen, FH_ANALYZE_QUERY, 0, take_term, &q, NULL) ==
               FH_OK);
    if (q.norm_len > 0) {
        /* The first half of the first word, cut at a character boundary. */
        size_t cut = q.norm_len / 2;
        while (cut > 0 && ((unsigned char)q.norm[cut] & 0xC0) == 0x80)
            cut--;
        if (cut == 0)
            cut = q.norm_len;
        memcpy(q.text[q.n], q.norm, cut);
        q.terms[q.n] = (fh_snippet_term){q.text[q.n], cut, 2.5, 1};
        q.n++;
    }

    words ws = {&q, NULL, 0, 0};
    FUZZ_CHECK(fh_analyzer_run(analyzer, text, len, FH_ANALYZE_DOCUMENT, 0, take_word, &ws, NULL) ==
               FH_OK);
    fh_snippet_known *known = malloc((ws.n ? ws.n : 1) * sizeof *known);
    FUZZ_CHECK(known != NULL);
    uint32_t *starts = malloc((ws.n ? ws.n : 1) * sizeof *starts);
    FUZZ_CHECK(starts != NULL);
    size_t n_known = 0;
    for (size_t i = 0; i < ws.n; i++) {
        starts[i] = (uint32_t)ws.w[i].start;
        if (ws.w[i].match >= 0)
            known[n_known++] = (fh_snippet_known){ws.w[i].start, (size_t)ws.w[i].match};
    }

    /* The region: from a word start a third in to a word start (or the end)
     * further on; with no words, the second half of the text. */
    unsigned char *bounds = fuzz_boundaries(data, len);
    size_t region_start, region_end;
    if (ws.n > 0) {
        size_t a = ws.n / 3, b = a + 1 + ws.n / 3;
        region_start = ws.w[a].start;
        region_end = b < ws.n ? ws.w[b].start : len;
    } else {
        region_start = len / 2;
        while (!bounds[region_start])
            region_start++;
        region_end = 0;
    }

    static const size_t max_chars[] = {2, 20, 200};
    static const size_t max_passages[] = {1, 3};
    for (size_t mc = 0; mc < sizeof max_chars / sizeof max_chars[0]; mc++) {
        for (size_t mp = 0; mp < sizeof max_passages / sizeof max_passages[0]; mp++) {
            for (int region = 0; region < 2; region++) {
                for (int use_known = 0; use_known < 3; use_known++) {
                    fh_snippet_opts o;
                    fh_snippet_opts_init(&o);
                    o.max_chars = max_chars[mc];
                    o.max_passages = max_passages[mp];
                    check_ctx c = {data, len, bounds, 0, len, 1, q.n};
                    if (region) {
                        o.region_start = region_start;
                        o.region_end = region_end;
                        c.lo = region_start;
                        c.hi = region_end ? region_end : len;
                        c.whole = region_start == 0 && c.hi == len;
                    }
                    if (use_known) {
                        o.known = known;
                        o.n_known = n_known;
                    }
                    if (use_known == 2) {
                        o.word_starts = starts;
                        o.n_word_starts = ws.n;
                    }
                    fh_snippet s;
                    int rc = fh_snippet_make(analyzer, text, len, q.terms, q.n, &o, &s);
                    FUZZ_CHECK(rc == FH_OK);
                    check(&c, &o, &s);
                    fh_snippet_clear(&s);
                }
            }
        }
    }

    free(bounds);
    free(known);
    free(starts);
    free(ws.w);
    return 0;
}
