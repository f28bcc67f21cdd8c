/* evaluate.c - relevance evaluation with the numbers of eval.py.
 *
 * evaluate.h states the definitions. How they are kept identical here:
 *
 * - Reading. A loader copies the input once and keeps every line as an
 *   entry pointing into the copy. The entries are sorted by (qid length in
 *   code points, qid bytes, docid bytes, line): that is eval.py's query
 *   order, it puts the lines of one (qid, docid) together in file order
 *   (qrels keep the last, runs the first), and the judgments of a query end
 *   up sorted by docid for binary search. A run's documents are then sorted
 *   by score descending, docid descending, the order eval.py's two stable
 *   sorts give. Sorting instead of hashing keeps the time O(n log n) for any
 *   input. UTF-8 byte order is code point order, so comparing bytes is
 *   comparing Python strings.
 * - Arithmetic. Every double is computed by the same operations in the same
 *   order as eval.py: hits / i as a correctly rounded division, AP summed
 *   left to right (Python's +=), DCG and the means summed as Python's sum()
 *   sums floats (plain on Python <= 3.11, Neumaier-compensated on >= 3.12,
 *   FH_EVAL_COMPENSATED_SUM), log2 from the same libm as math.log2. */
#include "evaluate_internal.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* ---- Measures ----------------------------------------------------------- */

/* Python's sum() over floats, started from the int 0. */
typedef struct py_sum {
    double f;
    double c;
    int compensated; /* Python >= 3.12 */
} py_sum;

static void py_sum_add(py_sum *s, double x)
{
    double t;
    if (!s->compensated) {
        s->f += x;
        return;
    }
    t = s->f + x;
    if (fabs(s->f) >= fabs(x))
        s->c += (s->f - t) + x;
    else
        s->c += (x - t) + s->f;
    s->f = t;
}

static double py_sum_value(const py_sum *s)
{
    if (s->compensated && s->c != 0.0 && isfinite(s->c))
        return s->f + s->c;
    return s->f;
}

/* The 9 measures in eval.py's order (MAIN + EXTRA). */
static const struct {
    const char *name;
    size_t offset;
} measures[] = {
    {"MAP", offsetof(fh_eval_metrics, map)},
    {"nDCG@10", offsetof(fh_eval_metrics, ndcg_10)},
    {"P@10", offsetof(fh_eval_metrics, p_10)},
    {"Recall@100", offsetof(fh_eval_metrics, recall_100)},
    {"MRR@10", offsetof(fh_eval_metrics, mrr_10)},
    {"MAP@10", offsetof(fh_eval_metrics, map_10)},
    {"nDCG", offsetof(fh_eval_metrics, ndcg)},
    {"P@30", offsetof(fh_eval_metrics, p_30)},
    {"RR", offsetof(fh_eval_metrics, rr)},
};
#define NMEASURES (sizeof measures / sizeof measures[0])

static double *measure(fh_eval_metrics *m, size_t i)
{
    return (double *)(void *)((char *)m + measures[i].offset);
}

static double measure_of(const fh_eval_metrics *m, size_t i)
{
    return *(const double *)(const void *)((const char *)m + measures[i].offset);
}

static int cmp_double_desc(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a < b) - (a > b);
}

/* eval.py's query_metrics() for a query with R > 0 relevant documents.
 * ideal: room for the query's judgments. */
static void query_metrics(const table *qt, const group *qg, const table *rt, const group *rg,
                          int compensated, double *ideal, fh_eval_metrics *m)
{
    const entry *judged = qt->e + qg->first;
    const entry *ranked = rt->e + rg->first;
    py_sum idcg10 = {0, 0, compensated}, idcg = {0, 0, compensated};
    py_sum dcg10 = {0, 0, compensated}, dcg = {0, 0, compensated};
    size_t R = 0, nideal = 0, hits = 0, first = 0, hits10 = 0, hits30 = 0, hits100 = 0, i;
    double ap = 0.0, ap10 = 0.0;

    for (i = 0; i < qg->count; i++) {
        if (judged[i].value >= 1)
            R++;
        if (judged[i].value > 0)
            ideal[nideal++] = judged[i].value;
    }
    if (nideal > 1)
        qsort(ideal, nideal, sizeof *ideal, cmp_double_desc);
    for (i = 0; i < nideal; i++) {
        double term = ideal[i] / log2((double)i + 2.0);
        if (i < 10)
            py_sum_add(&idcg10, term);
        py_sum_add(&idcg, term);
    }

    for (i = 1; i <= rg->count; i++) {
        const entry *d = &ranked[i - 1];
        const entry *j = fh_eval__find_doc(qt, qg, d->doc, d->doc_len);
        double rel = j != NULL ? j->value : 0.0;
        if (rel >= 1) {
            double prec;
            hits++;
            prec = (double)hits / (double)i;
            ap += prec;
            if (i <= 10) {
                ap10 += prec;
                hits10++;
            }
            if (i <= 30)
                hits30++;
            if (i <= 100)
                hits100++;
            if (first == 0)
                first = i;
        }
        if (rel > 0) {
            double term = rel / log2((double)i + 1.0);
            if (i <= 10)
                py_sum_add(&dcg10, term);
            py_sum_add(&dcg, term);
        }
    }

    memset(m, 0, sizeof *m);
    m->map = ap / (double)R;
    m->ndcg_10 = py_sum_value(&idcg10) > 0 ? py_sum_value(&dcg10) / py_sum_value(&idcg10) : 0.0;
    m->p_10 = (double)hits10 / 10.0;
    m->recall_100 = (double)hits100 / (double)R;
    m->mrr_10 = first > 0 && first <= 10 ? 1.0 / (double)first : 0.0;
    m->map_10 = ap10 / (double)R;
    m->ndcg = py_sum_value(&idcg) > 0 ? py_sum_value(&dcg) / py_sum_value(&idcg) : 0.0;
    m->p_30 = (double)hits30 / 30.0;
    m->rr = first > 0 ? 1.0 / (double)first : 0.0;
    m->num_ret = rg->count;
    m->num_rel = R;
    m->num_rel_ret = hits;
}

/* Append a query to res (room was made by the caller). */
static int add_query(fh_eval_result *res, const char *qid, size_t len, const char *suffix,
                     const fh_eval_metrics *m)
{
    size_t slen = suffix != NULL ? strlen(suffix) : 0;
    fh_eval_query *q = &res->queries[res->num_q];
    q->qid = malloc(len + slen + 1);
    if (q->qid == NULL)
        return FH_ERR_NOMEM;
    memcpy(q->qid, qid, len);
    if (slen > 0)
        memcpy(q->qid + len, suffix, slen);
    q->qid[len + slen] = '\0';
    q->qid_len = len + slen;
    q->m = *m;
    res->num_q++;
    return FH_OK;
}

fh_status fh_eval_compute(const fh_eval_qrels *qrels, const fh_eval_run *run, unsigned flags,
                          fh_eval_result **out)
{
    const table *qt, *rt;
    fh_eval_result *res = NULL;
    double *ideal = NULL;
    int compensated = (flags & FH_EVAL_COMPENSATED_SUM) != 0;
    int qqa23 = (flags & FH_EVAL_QQA23) != 0, no_c = (flags & FH_EVAL_NO_C) != 0;
    size_t i, k;
    int rc = FH_ERR_NOMEM;

    if (out == NULL)
        return FH_ERR_INVALID;
    *out = NULL;
    if (qrels == NULL || run == NULL)
        return FH_ERR_INVALID;
    qt = &qrels->t;
    rt = &run->t;

    res = calloc(1, sizeof *res);
    if (res == NULL)
        goto out;
    /* a zero-answer question missing from the run counts twice */
    res->queries = calloc(qt->ng * 2 + 1, sizeof *res->queries);
    ideal = malloc((qt->max_group + 1) * sizeof *ideal);
    if (res->queries == NULL || ideal == NULL)
        goto out;

    for (i = 0; i < qt->ng; i++) {
        const group *qg = &qt->g[i];
        const group *rg = fh_eval__find_group(rt, qg->qid, qg->qid_len, qg->qid_chars);
        fh_eval_metrics m;
        size_t R = 0;

        memset(&m, 0, sizeof m);
        if (qqa23 && fh_eval__find_doc(qt, qg, "-1", 2) != NULL) {
            const entry *top = rg != NULL ? rt->e + rg->first : NULL;
            double ok =
                rg != NULL && rg->count == 1 && top->doc_len == 2 && memcmp(top->doc, "-1", 2) == 0
                    ? 1.0
                    : 0.0;
            for (k = 0; k < NMEASURES; k++)
                *measure(&m, k) = ok;
            m.num_ret = rg != NULL ? rg->count : 0;
            if (add_query(res, qg->qid, qg->qid_len, NULL, &m) != FH_OK)
                goto out;
            if (rg == NULL) { /* the official script's quirk */
                res->num_zero_missing++;
                if (add_query(res, qg->qid, qg->qid_len, "(dup)", &m) != FH_OK)
                    goto out;
            }
            continue;
        }
        for (k = 0; k < qg->count; k++)
            R += qt->e[qg->first + k].value >= 1;
        if (R == 0)
            res->num_no_rel++;
        if (rg == NULL) {
            if (qqa23 || no_c) {
                res->num_dropped += qqa23;
                continue;
            }
            m.num_rel = R;
        } else if (R == 0) {
            m.num_ret = rg->count;
        } else {
            query_metrics(qt, qg, rt, rg, compensated, ideal, &m);
        }
        if (add_query(res, qg->qid, qg->qid_len, NULL, &m) != FH_OK)
            goto out;
    }

    for (i = 0; i < rt->ng; i++)
        if (fh_eval__find_group(qt, rt->g[i].qid, rt->g[i].qid_len, rt->g[i].qid_chars) == NULL)
            res->num_run_only++;
    res->num_duplicates = run->dups;

    for (k = 0; k < NMEASURES; k++) {
        py_sum s = {0, 0, compensated};
        for (i = 0; i < res->num_q; i++)
            py_sum_add(&s, measure_of(&res->queries[i].m, k));
        *measure(&res->all, k) = res->num_q > 0 ? py_sum_value(&s) / (double)res->num_q : 0.0;
    }
    for (i = 0; i < res->num_q; i++) {
        res->all.num_ret += res->queries[i].m.num_ret;
        res->all.num_rel += res->queries[i].m.num_rel;
        res->all.num_rel_ret += res->queries[i].m.num_rel_ret;
    }
    rc = FH_OK;
out:
    free(ideal);
    if (rc != FH_OK) {
        fh_eval_free(res);
        res = NULL;
    }
    *out = res;
    return rc;
}

void fh_eval_free(fh_eval_result *result)
{
    size_t i;
    if (result == NULL)
        return;
    if (result->queries != NULL)
        for (i = 0; i < result->num_q; i++)
            free(result->queries[i].qid);
    free(result->queries);
    free(result);
}

/* A value as Python's f'{v:.4f}' writes it ("nan" never "-nan"). */
static void write_value(FILE *fp, double v)
{
    if (isnan(v))
        fputs("nan", fp);
    else
        fprintf(fp, "%.4f", v);
}

fh_status fh_eval_write(const fh_eval_result *result, FILE *fp, int per_query)
{
    size_t i, k;

    if (result == NULL || fp == NULL)
        return FH_ERR_INVALID;
    if (per_query) {
        for (i = 0; i < result->num_q; i++) {
            const fh_eval_query *q = &result->queries[i];
            for (k = 0; k < NMEASURES; k++) {
                fprintf(fp, "%-12s\t", measures[k].name);
                fwrite(q->qid, 1, q->qid_len, fp);
                fputc('\t', fp);
                write_value(fp, measure_of(&q->m, k));
                fputc('\n', fp);
            }
        }
    }
    fprintf(fp, "%-12s\tall\t%zu\n", "num_q", result->num_q);
    fprintf(fp, "%-12s\tall\t%zu\n", "num_ret", result->all.num_ret);
    fprintf(fp, "%-12s\tall\t%zu\n", "num_rel", result->all.num_rel);
    fprintf(fp, "%-12s\tall\t%zu\n", "num_rel_ret", result->all.num_rel_ret);
    for (k = 0; k < NMEASURES; k++) {
        fprintf(fp, "%-12s\tall\t", measures[k].name);
        write_value(fp, measure_of(&result->all, k));
        fputc('\n', fp);
    }
    return ferror(fp) ? FH_ERR_IO : FH_OK;
}
