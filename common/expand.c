/* expand.c - pseudo-relevance feedback (see expand.h).
 *
 * The terms of the first results are gathered as parts, one per term and
 * document, then sorted by term so that each term's parts come together in
 * the order of the results: the sums add up in the same order whatever the
 * layout, and the weights are exactly those of Xapian's formula. */
#include "expand.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

/* One term of one feedback document. */
typedef struct part {
    size_t off, len;  /* the term: terms.data[off .. off+len) */
    const char *text; /* the same, set once every term is gathered */
    size_t doc;       /* the document's rank among the feedback documents */
    double value;     /* its BM25-like frequency there, weighed by the score */
} part;

/* A candidate term and its expansion weight. */
typedef struct scored {
    const char *text;
    size_t len;
    double weight;
} scored;

typedef struct gather {
    fh_buf terms; /* every term gathered, one after the other */
    part *parts;
    size_t n, cap;
    size_t doc;      /* the document being read */
    double norm, dw; /* its length over the average, its score's weight */
    int plain_only;  /* 1 for document terms, 0 for the query's */
    fh_status status;
} gather;

int fh_expand_is_plain_term(const char *term, size_t len)
{
    unsigned char c = len == 0 ? 0 : (unsigned char)term[0];
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c >= 0x80;
}

/* Byte order, the shorter first when one starts the other (std::string's). */
static int compare_terms(const char *a, size_t a_len, const char *b, size_t b_len)
{
    int c = memcmp(a, b, a_len < b_len ? a_len : b_len);
    if (c != 0)
        return c;
    return a_len < b_len ? -1 : a_len > b_len;
}

/* Keep term as a part of the document being read. */
static int add_part(void *ctx, const char *term, size_t len, uint32_t wdf)
{
    gather *g = ctx;
    if (g->plain_only && (wdf == 0 || !fh_expand_is_plain_term(term, len)))
        return 0;
    if (fh_grow((void **)&g->parts, &g->cap, g->n + 1, sizeof *g->parts, 256) != FH_OK) {
        g->status = FH_ERR_NOMEM;
        return 1;
    }
    size_t off = g->terms.len;
    fh_buf_append(&g->terms, term, len);
    if (fh_buf_status(&g->terms) != FH_OK) {
        g->status = FH_ERR_NOMEM;
        return 1;
    }
    double value = g->plain_only ? g->dw * 2.0 * wdf / (g->norm + wdf) : 0;
    g->parts[g->n++] = (part){off, len, NULL, g->doc, value};
    return 0;
}

static int by_term_then_doc(const void *pa, const void *pb);

/* Point the parts of g at their text, which no longer moves, and sort them
 * by term, then by document. */
static void sort_parts(gather *g)
{
    for (size_t i = 0; i < g->n; i++)
        g->parts[i].text = g->terms.data + g->parts[i].off;
    qsort(g->parts, g->n, sizeof *g->parts, by_term_then_doc);
}

static int by_term_then_doc(const void *pa, const void *pb)
{
    const part *a = pa, *b = pb;
    int c = compare_terms(a->text, a->len, b->text, b->len);
    if (c != 0)
        return c;
    return a->doc < b->doc ? -1 : a->doc > b->doc;
}

static int by_weight_then_term(const void *pa, const void *pb)
{
    const scored *a = pa, *b = pb;
    if (a->weight != b->weight)
        return a->weight > b->weight ? -1 : 1;
    return compare_terms(a->text, a->len, b->text, b->len);
}

/* Gather the parts of the first n_docs results of r into g; *rsize gets how
 * many results were read. */
static fh_status gather_parts(fh_results *r, size_t n_docs, gather *g, size_t *rsize)
{
    uint32_t count = 0;
    double avlen = 0, top = 0;
    fh_status rc = fh_results_collection(r, &count, &avlen);
    size_t n = fh_results_size(r);
    fh_results_item hit;
    if (rc == FH_OK && n > 0 && (rc = fh_results_hit(r, 0, &hit)) == FH_OK)
        top = hit.weight;
    for (*rsize = 0; rc == FH_OK && *rsize < n && *rsize < n_docs; ++*rsize) {
        uint32_t len = 0;
        if ((rc = fh_results_hit(r, *rsize, &hit)) != FH_OK ||
            (rc = fh_results_doc_length(r, *rsize, &len)) != FH_OK)
            break;
        g->norm = avlen > 0 ? (double)len / avlen : 1.0;
        double share = top > 0 ? hit.weight / top : 1.0;
        g->dw = share * share;
        g->doc = *rsize;
        rc = fh_results_doc_terms(r, *rsize, add_part, g);
        if (rc == FH_OK)
            rc = g->status;
    }
    return rc;
}

/* Whether term is one of the query's terms, the first nq parts of q
 * (sorted by term). */
static int in_query(const gather *q, size_t nq, const char *term, size_t len)
{
    size_t lo = 0, hi = nq;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const part *p = &q->parts[mid];
        int c = compare_terms(p->text, p->len, term, len);
        if (c == 0)
            return 1;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

/* Weigh each candidate of g (its parts sorted by term), leaving out the
 * query's terms (q), into *out (the caller frees it) and *n_out. */
static fh_status weigh(fh_results *r, const gather *g, const gather *q, size_t rsize, scored **out,
                       size_t *n_out)
{
    uint32_t count = 0;
    double avlen = 0;
    fh_status rc = fh_results_collection(r, &count, &avlen);
    double total = (double)count, rs = (double)rsize;
    scored *s = malloc((g->n > 0 ? g->n : 1) * sizeof *s);
    size_t n = 0;
    if (s == NULL && rc == FH_OK)
        rc = FH_ERR_NOMEM;
    for (size_t i = 0; rc == FH_OK && i < g->n;) {
        const part *first = &g->parts[i];
        const char *term = first->text;
        double sum = 0.0;
        size_t j = i;
        for (; j < g->n && compare_terms(g->parts[j].text, g->parts[j].len, term, first->len) == 0;
             j++)
            sum += g->parts[j].value;
        double rt = (double)(j - i);
        i = j;
        if (in_query(q, q->n, term, first->len))
            continue;
        uint32_t freq = 0;
        if ((rc = fh_results_db_term_freq(r, term, first->len, &freq)) != FH_OK)
            break;
        double tf = (double)freq;
        double tw = (rt + 0.5) * (total - rs - tf + rt + 0.5) / ((rs - rt + 0.5) * (tf - rt + 0.5));
        if (tw < 2)
            tw = tw * 0.5 + 1;
        double weight = sum * log(tw);
        if (weight > 0)
            s[n++] = (scored){term, first->len, weight};
    }
    *out = s;
    *n_out = n;
    return rc;
}

fh_status fh_expand_results(fh_results *r, size_t n_docs, size_t n_terms, fh_expand_fn fn,
                            void *ctx)
{
    if (r == NULL || fn == NULL)
        return FH_ERR_INVALID;
    gather g = {.terms = FH_BUF_INIT, .plain_only = 1, .status = FH_OK};
    gather q = {.terms = FH_BUF_INIT, .plain_only = 0, .status = FH_OK};
    scored *s = NULL;
    size_t n = 0, rsize = 0;
    fh_status rc = fh_results_query_terms(r, add_part, &q);
    if (rc == FH_OK)
        rc = q.status;
    if (rc == FH_OK)
        rc = gather_parts(r, n_docs, &g, &rsize);
    if (rc != FH_OK || rsize == 0)
        goto out;
    sort_parts(&q);
    sort_parts(&g);
    rc = weigh(r, &g, &q, rsize, &s, &n);
    if (rc != FH_OK)
        goto out;
    qsort(s, n, sizeof *s, by_weight_then_term);
    for (size_t i = 0; i < n && i < n_terms; i++)
        if (fn(ctx, s[i].text, s[i].len, s[i].weight) != 0)
            break;
out:
    if (rc == FH_ERR_NOMEM)
        fh_results__fail(r, rc, "out of memory");
    free(s);
    free(g.parts);
    free(q.parts);
    fh_buf_free(&g.terms);
    fh_buf_free(&q.terms);
    return rc;
}
