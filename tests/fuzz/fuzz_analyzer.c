/* fuzz_analyzer.c - libFuzzer target: fh_analyzer_run over any bytes.
 *
 * The input is the text. It is analyzed in every mode, and each token is
 * checked as it comes: its span lies in [0, len), is not empty, follows the
 * previous one without overlap, never splits a valid UTF-8 sequence and is
 * at most FH_MAX_WORD_BYTES long; outside FH_ANALYZE_SPANS its term and
 * normalized word are 1 to FH_MAX_TERM_BYTES bytes of valid UTF-8 and
 * positions go up by one from first_pos (*next_pos is the one after the
 * last). Across runs:
 *   - DOCUMENT, QUERY and HIGHLIGHT give the same tokens (analyzer.h: "the
 *     terms are the same in every mode"); highlighting depends on it;
 *   - an analyzer with a one-slot word cache gives the same tokens as one
 *     with the default cache (the cache is for speed only);
 *   - every DOCUMENT token's span is also a SPANS token's span (snippets
 *     match the index's word offsets against SPANS tokens);
 *   - a callback that stops the run after k tokens got exactly the first k.
 * Other settings (hamza seats folded, Porter, Snowball arabic, no stemming)
 * get the per-token checks too. The bytes up to the first newline and those
 * after it, as a page's title and body (valid UTF-8 without NUL only, as the
 * readers hand pages over), also become a document (document.h: its terms,
 * word pieces, record); it must build, with its key term and, when there
 * is a word, more. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "buf.h"
#include "decode.h"
#include "document.h"
#include "fuzz.h"
#include "normalize.h"

#define FIRST_POS 7

typedef struct rec {
    size_t start, end;
    uint32_t pos;
    fh_script script;
    size_t term, term_len; /* offsets into the run's strings */
    size_t norm, norm_len;
} rec;

typedef struct run {
    const unsigned char *text;
    size_t len;
    const unsigned char *bounds;
    fh_analyze_mode mode;
    size_t stop_after; /* 0: never stop */
    rec *toks;
    size_t n, cap;
    fh_buf strings;
} run;

static fh_analyzer *small_cache, *big_cache, *hamza_porter, *snowball_none;
static fh_document_builder *builder;

static fh_analyzer *make(int flags, fh_english_stemmer en, fh_arabic_stemmer ar, size_t slots)
{
    fh_analyzer_opts o;
    fh_analyzer_opts_init(&o);
    o.normalize_flags = flags;
    o.english = en;
    o.arabic = ar;
    o.word_cache_slots = slots;
    fh_analyzer *a = NULL;
    FUZZ_CHECK(fh_analyzer_new(&o, &a) == FH_OK);
    return a;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    small_cache = make(0, FH_EN_STEM_SNOWBALL, FH_AR_STEM_LIGHT10, 1);
    big_cache = make(0, FH_EN_STEM_SNOWBALL, FH_AR_STEM_LIGHT10, 0);
    hamza_porter = make(FH_NORMALIZE_FOLD_HAMZA_SEATS, FH_EN_STEM_PORTER, FH_AR_STEM_SNOWBALL, 64);
    snowball_none = make(0, FH_EN_STEM_NONE, FH_AR_STEM_NONE, 64);
    FUZZ_CHECK(fh_document_builder_new(big_cache, &builder) == FH_OK);
    return 0;
}

static int on_token(void *ctx, const fh_token *t)
{
    run *r = ctx;
    FUZZ_CHECK(t->start < t->end);
    FUZZ_CHECK(t->end <= r->len);
    FUZZ_CHECK(t->end - t->start <= FH_MAX_WORD_BYTES);
    FUZZ_CHECK(r->bounds[t->start] && r->bounds[t->end]);
    if (r->n > 0) {
        const rec *prev = &r->toks[r->n - 1];
        FUZZ_CHECK(t->start >= prev->end);
        if (r->mode != FH_ANALYZE_SPANS)
            FUZZ_CHECK(t->pos == prev->pos + 1);
    } else if (r->mode != FH_ANALYZE_SPANS) {
        FUZZ_CHECK(t->pos == FIRST_POS);
    }
    if (r->mode == FH_ANALYZE_SPANS) {
        FUZZ_CHECK(t->term_len == 0 && t->norm_len == 0);
        FUZZ_CHECK(t->script == FH_SCRIPT_OTHER);
    } else {
        FUZZ_CHECK(t->term != NULL && t->norm != NULL);
        FUZZ_CHECK(t->term_len > 0 && t->term_len <= FH_MAX_TERM_BYTES);
        FUZZ_CHECK(t->norm_len > 0 && t->norm_len <= FH_MAX_TERM_BYTES);
        FUZZ_CHECK(fh_utf8_valid(t->term, t->term_len));
        FUZZ_CHECK(fh_utf8_valid(t->norm, t->norm_len));
        FUZZ_CHECK(t->script >= FH_SCRIPT_LATIN && t->script <= FH_SCRIPT_OTHER);
    }

    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 64;
        r->toks = realloc(r->toks, r->cap * sizeof *r->toks);
        FUZZ_CHECK(r->toks != NULL);
    }
    rec *k = &r->toks[r->n++];
    k->start = t->start;
    k->end = t->end;
    k->pos = t->pos;
    k->script = t->script;
    k->term = r->strings.len;
    k->term_len = t->term_len;
    fh_buf_append(&r->strings, t->term, t->term_len);
    k->norm = r->strings.len;
    k->norm_len = t->norm_len;
    fh_buf_append(&r->strings, t->norm, t->norm_len);
    FUZZ_CHECK(fh_buf_status(&r->strings) == FH_OK);
    return r->stop_after && r->n == r->stop_after;
}

static void analyze(fh_analyzer *a, const uint8_t *data, size_t size, const unsigned char *bounds,
                    fh_analyze_mode mode, size_t stop_after, run *r)
{
    memset(r, 0, sizeof *r);
    r->text = data;
    r->len = size;
    r->bounds = bounds;
    r->mode = mode;
    r->stop_after = stop_after;
    uint32_t next = 0;
    int rc = fh_analyzer_run(a, (const char *)data, size, mode, FIRST_POS, on_token, r, &next);
    FUZZ_CHECK(rc == FH_OK);
    if (mode != FH_ANALYZE_SPANS)
        FUZZ_CHECK(next == (r->n ? r->toks[r->n - 1].pos + 1 : FIRST_POS));
}

static void run_free(run *r)
{
    free(r->toks);
    fh_buf_free(&r->strings);
}

/* Tokens of x and y are the same, the first n of them (all when n is 0,
 * which then also needs as many). */
static void same(const run *x, const run *y, size_t n)
{
    if (n == 0) {
        FUZZ_CHECK(x->n == y->n);
        n = x->n;
    }
    for (size_t i = 0; i < n; i++) {
        const rec *a = &x->toks[i], *b = &y->toks[i];
        FUZZ_CHECK(a->start == b->start && a->end == b->end && a->pos == b->pos);
        FUZZ_CHECK(a->script == b->script);
        FUZZ_CHECK(a->term_len == b->term_len && a->norm_len == b->norm_len);
        FUZZ_CHECK(memcmp(x->strings.data + a->term, y->strings.data + b->term, a->term_len) == 0);
        FUZZ_CHECK(memcmp(x->strings.data + a->norm, y->strings.data + b->norm, a->norm_len) == 0);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    unsigned char *bounds = fuzz_boundaries(data, size);
    run doc, query, hl, spans, big, stopped, other;

    analyze(small_cache, data, size, bounds, FH_ANALYZE_DOCUMENT, 0, &doc);
    analyze(small_cache, data, size, bounds, FH_ANALYZE_QUERY, 0, &query);
    analyze(small_cache, data, size, bounds, FH_ANALYZE_HIGHLIGHT, 0, &hl);
    analyze(small_cache, data, size, bounds, FH_ANALYZE_SPANS, 0, &spans);
    analyze(big_cache, data, size, bounds, FH_ANALYZE_DOCUMENT, 0, &big);
    same(&doc, &query, 0);
    same(&doc, &hl, 0);
    same(&doc, &big, 0);

    /* Each DOCUMENT span is a SPANS span (SPANS also has the words that give
     * no term). */
    size_t j = 0;
    for (size_t i = 0; i < doc.n; i++) {
        while (j < spans.n && spans.toks[j].start < doc.toks[i].start)
            j++;
        FUZZ_CHECK(j < spans.n && spans.toks[j].start == doc.toks[i].start &&
                   spans.toks[j].end == doc.toks[i].end);
    }

    if (doc.n > 0) {
        size_t k = 1 + size % doc.n;
        analyze(big_cache, data, size, bounds, FH_ANALYZE_DOCUMENT, k, &stopped);
        FUZZ_CHECK(stopped.n == k);
        same(&doc, &stopped, k);
        run_free(&stopped);
    }

    analyze(hamza_porter, data, size, bounds, FH_ANALYZE_DOCUMENT, 0, &other);
    run_free(&other);
    analyze(snowball_none, data, size, bounds, FH_ANALYZE_QUERY, 0, &other);
    run_free(&other);

    if (fh_utf8_valid((const char *)data, size) && memchr(data, 0, size) == NULL) {
        /* A page's strings end with a NUL, as the readers make them. */
        char *text = malloc(size + 1);
        FUZZ_CHECK(text != NULL);
        memcpy(text, data, size);
        text[size] = '\0';
        char *nl = memchr(text, '\n', size);
        fh_page page;
        memset(&page, 0, sizeof page);
        page.title = text;
        page.title_len = nl ? (size_t)(nl - text) : size;
        page.text = nl ? nl + 1 : text + size;
        page.text_len = nl ? size - page.title_len - 1 : 0;
        if (nl)
            *nl = '\0';
        page.charset = "UTF-8";
        fh_document_origin origin = {"/f.txt", 6, 6, size, 0};
        fh_doc *d = NULL;
        FUZZ_CHECK(fh_document_build(builder, &page, &origin, fh_document_hash(&page), &d) ==
                   FH_OK);
        uint32_t terms = 0;
        FUZZ_CHECK(fh_doc_term_count(d, &terms) == FH_OK);
        FUZZ_CHECK(terms >= 1 && (doc.n == 0 || terms >= 2));
        fh_doc_free(d);
        free(text);
    }

    run_free(&doc);
    run_free(&query);
    run_free(&hl);
    run_free(&spans);
    run_free(&big);
    free(bounds);
    return 0;
}
