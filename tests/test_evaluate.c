/* test_evaluate.c - bench/evaluate.c, the relevance evaluator.
 *
 * Small qrels and runs written here, with every value worked out by hand in
 * the comments; then, when ../shared/relevance/eval.py (beside the project:
 * FH_SHARED_DIR, else FH_SOURCE_DIR/../shared), python3 and the shared
 * collections are there, the same pseudo-run is scored by both and
 * the printed outputs must be equal. */
#include <criterion/criterion.h>
#include <criterion/logging.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evaluate.h"

/* ---- Helpers ------------------------------------------------------------ */

static fh_eval_qrels *qrels_of(const char *s)
{
    fh_eval_qrels *q = NULL;
    char *err = NULL;
    int rc = fh_eval_qrels_load(s, strlen(s), NULL, &q, &err);
    cr_assert_eq(rc, FH_OK, "qrels: %s (%s)", fh_status_str(rc), err ? err : "");
    free(err);
    return q;
}

static fh_eval_run *run_of(const char *s)
{
    fh_eval_run *r = NULL;
    char *err = NULL;
    int rc = fh_eval_run_load(s, strlen(s), NULL, &r, &err);
    cr_assert_eq(rc, FH_OK, "run: %s (%s)", fh_status_str(rc), err ? err : "");
    free(err);
    return r;
}

static fh_eval_result *eval_of(const char *qrels, const char *run, unsigned flags)
{
    fh_eval_qrels *q = qrels_of(qrels);
    fh_eval_run *r = run_of(run);
    fh_eval_result *res = NULL;
    cr_assert_eq(fh_eval_compute(q, r, flags, &res), FH_OK);
    cr_assert_not_null(res);
    fh_eval_qrels_free(q);
    fh_eval_run_free(r);
    return res;
}

/* v equals the hand-computed value (to 1e-12) and prints as four. */
static void check(double v, double hand, const char *four, const char *what)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.4f", v);
    cr_expect(fabs(v - hand) < 1e-12, "%s: got %.17g, by hand %.17g", what, v, hand);
    cr_expect_str_eq(buf, four, "%s: got %s, expected %s", what, buf, four);
}

static const fh_eval_query *query(const fh_eval_result *res, const char *qid)
{
    size_t i;
    for (i = 0; i < res->num_q; i++)
        if (strcmp(res->queries[i].qid, qid) == 0)
            return &res->queries[i];
    cr_assert_fail("no query %s in the result", qid);
    return NULL;
}

/* ---- The worked example ------------------------------------------------- */

/* A: graded (R = 4: a1=3, a2=1, a4=2, a5=1; a3 judged 0).
 * B: one relevant doc, tied with an unjudged one.
 * C: judged, but nothing relevant (scores 0, still averaged).
 * D: relevant doc, absent from the run (scores 0, still averaged).
 * E: only in the run (ignored). */
static const char *QRELS = "A 0 a1 3\n"
                           "A 0 a2 1\n"
                           "A 0 a3 0\n"
                           "A 0 a4 2\n"
                           "A 0 a5 1\n"
                           "B 0 b1 1\n"
                           "C 0 c1 0\n"
                           "D 0 d1 1\n";

/* A's ranks say a1 before a2, but ranks are ignored: a1 and a2 tie at 7.5
 * and the tie goes to the larger docid, so the order is
 *   1 a3 (rel 0)  2 x1 (unjudged)  3 a2 (rel 1)  4 a1 (rel 3)  5 a4 (rel 2)
 * The second a2 line is a duplicate: the first line counts, this is ignored.
 * B: b1 and bz tie at 2.0; "bz" > "b1", so bz is 1st and b1 2nd. */
static const char *RUN = "A Q0 a3 1 9.0 t\n"
                         "A Q0 x1 2 8 t\n"
                         "A Q0 a1 3 7.5 t\n"
                         "A Q0 a2 4 7.5 t\n"
                         "A Q0 a4 5 5 t\n"
                         "A Q0 a2 6 1.0 t\n"
                         "B Q0 b1 1 2.0 t\n"
                         "B Q0 bz 2 2.0 t\n"
                         "C Q0 c1 1 1.0 t\n"
                         "E Q0 e1 1 1.0 t\n";

/* A: relevant at ranks 3, 4, 5.
 *   MAP = (1/3 + 2/4 + 3/5) / 4 = (10 + 15 + 18) / 30 / 4 = 43/120 = 0.358333
 *   P@10 = 3/10 = 0.3; Recall@100 = 3/4 = 0.75; MRR@10 = 1/3
 *   DCG = 1/log2(4) + 3/log2(5) + 2/log2(6) = 0.5 + 1.292030 + 0.773706 = 2.565735
 *   IDCG (3,2,1,1) = 3/log2(2) + 2/log2(3) + 1/log2(4) + 1/log2(5)
 *        = 3 + 1.261860 + 0.5 + 0.430677 = 5.192536
 *   nDCG@10 = 2.565735 / 5.192536 = 0.494120 (= nDCG: all within 10)
 *   P@30 = 3/30 = 0.1; MAP@10 = MAP; RR = MRR
 * B: relevant at rank 2: MAP = 1/2 / 1 = 0.5; P@10 = 0.1; Recall@100 = 1;
 *   MRR@10 = 1/2; nDCG@10 = (1/log2(3)) / (1/log2(2)) = 0.630930; P@30 = 1/30
 * C, D: all 0. */
#define A_DCG  (1 / log2(4) + 3 / log2(5) + 2 / log2(6))
#define A_IDCG (3 / log2(2) + 2 / log2(3) + 1 / log2(4) + 1 / log2(5))
#define A_NDCG (A_DCG / A_IDCG)
#define B_NDCG (1 / log2(3))

Test(evaluate, worked_example_per_query)
{
    fh_eval_result *res = eval_of(QRELS, RUN, 0);
    const fh_eval_query *a = query(res, "A"), *b = query(res, "B");
    const fh_eval_query *c = query(res, "C"), *d = query(res, "D");

    check(a->m.map, (1.0 / 3 + 2.0 / 4 + 3.0 / 5) / 4, "0.3583", "A MAP");
    check(a->m.map, 43.0 / 120, "0.3583", "A MAP = 43/120");
    check(a->m.ndcg_10, A_NDCG, "0.4941", "A nDCG@10");
    check(a->m.p_10, 0.3, "0.3000", "A P@10");
    check(a->m.recall_100, 0.75, "0.7500", "A Recall@100");
    check(a->m.mrr_10, 1.0 / 3, "0.3333", "A MRR@10");
    check(a->m.map_10, 43.0 / 120, "0.3583", "A MAP@10");
    check(a->m.ndcg, A_NDCG, "0.4941", "A nDCG");
    check(a->m.p_30, 0.1, "0.1000", "A P@30");
    check(a->m.rr, 1.0 / 3, "0.3333", "A RR");
    cr_expect_eq(a->m.num_ret, 5); /* the duplicate a2 is not counted */
    cr_expect_eq(a->m.num_rel, 4);
    cr_expect_eq(a->m.num_rel_ret, 3);

    check(b->m.map, 0.5, "0.5000", "B MAP");
    check(b->m.ndcg_10, B_NDCG, "0.6309", "B nDCG@10");
    check(b->m.p_10, 0.1, "0.1000", "B P@10 (2 retrieved, still over 10)");
    check(b->m.recall_100, 1.0, "1.0000", "B Recall@100");
    check(b->m.mrr_10, 0.5, "0.5000", "B MRR@10");
    check(b->m.p_30, 1.0 / 30, "0.0333", "B P@30");

    check(c->m.map, 0, "0.0000", "C MAP");
    check(c->m.ndcg_10, 0, "0.0000", "C nDCG@10");
    check(c->m.mrr_10, 0, "0.0000", "C MRR@10");
    cr_expect_eq(c->m.num_ret, 1);
    cr_expect_eq(c->m.num_rel, 0);
    check(d->m.map, 0, "0.0000", "D MAP");
    check(d->m.recall_100, 0, "0.0000", "D Recall@100");
    cr_expect_eq(d->m.num_ret, 0);
    cr_expect_eq(d->m.num_rel, 1);
    fh_eval_free(res);
}

/* Averaged over A, B, C, D (all qrels queries; E ignored):
 *   MAP = (43/120 + 0.5 + 0 + 0) / 4 = 0.858333 / 4 = 0.214583
 *   nDCG@10 = (0.494120 + 0.630930) / 4 = 1.125050 / 4 = 0.281262
 *   P@10 = (0.3 + 0.1) / 4 = 0.1
 *   Recall@100 = (0.75 + 1) / 4 = 0.4375
 *   MRR@10 = (1/3 + 1/2) / 4 = 0.208333
 *   P@30 = (0.1 + 1/30) / 4 = 0.033333
 *   num_ret = 5 + 2 + 1 + 0 = 8; num_rel = 4 + 1 + 0 + 1 = 6; num_rel_ret = 3 + 1 = 4 */
Test(evaluate, worked_example_means)
{
    fh_eval_result *res = eval_of(QRELS, RUN, 0);

    cr_assert_eq(res->num_q, 4);
    check(res->all.map, (43.0 / 120 + 0.5) / 4, "0.2146", "MAP");
    check(res->all.ndcg_10, (A_NDCG + B_NDCG) / 4, "0.2813", "nDCG@10");
    check(res->all.p_10, (0.3 + 0.1) / 4, "0.1000", "P@10");
    check(res->all.recall_100, (0.75 + 1) / 4, "0.4375", "Recall@100");
    check(res->all.mrr_10, (1.0 / 3 + 0.5) / 4, "0.2083", "MRR@10");
    check(res->all.map_10, (43.0 / 120 + 0.5) / 4, "0.2146", "MAP@10");
    check(res->all.ndcg, (A_NDCG + B_NDCG) / 4, "0.2813", "nDCG");
    check(res->all.p_30, (0.1 + 1.0 / 30) / 4, "0.0333", "P@30");
    check(res->all.rr, (1.0 / 3 + 0.5) / 4, "0.2083", "RR");
    cr_expect_eq(res->all.num_ret, 8);
    cr_expect_eq(res->all.num_rel, 6);
    cr_expect_eq(res->all.num_rel_ret, 4);
    cr_expect_eq(res->num_no_rel, 1);     /* C */
    cr_expect_eq(res->num_run_only, 1);   /* E */
    cr_expect_eq(res->num_duplicates, 1); /* the second a2 */
    fh_eval_free(res);
}

/* FH_EVAL_NO_C (eval.py --no-c): D, missing from the run, is dropped; C is
 * in the run and still counts. Over A, B, C:
 *   MAP = 0.858333 / 3 = 0.286111; nDCG@10 = 1.125050 / 3 = 0.375017
 *   P@10 = 0.4 / 3 = 0.133333; Recall@100 = 1.75 / 3 = 0.583333
 *   MRR@10 = 0.833333 / 3 = 0.277778 */
Test(evaluate, no_c_drops_queries_missing_from_the_run)
{
    fh_eval_result *res = eval_of(QRELS, RUN, FH_EVAL_NO_C);

    cr_assert_eq(res->num_q, 3);
    check(res->all.map, (43.0 / 120 + 0.5) / 3, "0.2861", "MAP");
    check(res->all.ndcg_10, (A_NDCG + B_NDCG) / 3, "0.3750", "nDCG@10");
    check(res->all.p_10, 0.4 / 3, "0.1333", "P@10");
    check(res->all.recall_100, 1.75 / 3, "0.5833", "Recall@100");
    check(res->all.mrr_10, (1.0 / 3 + 0.5) / 3, "0.2778", "MRR@10");
    fh_eval_free(res);
}

/* The first 9 per-query lines eval.py prints for the worked example (run by
 * hand: python3 eval.py qrels run --per-query). */
static const char *expect_a = "MAP         \tA\t0.3583\n"
                              "nDCG@10     \tA\t0.4941\n"
                              "P@10        \tA\t0.3000\n"
                              "Recall@100  \tA\t0.7500\n"
                              "MRR@10      \tA\t0.3333\n"
                              "MAP@10      \tA\t0.3583\n"
                              "nDCG        \tA\t0.4941\n"
                              "P@30        \tA\t0.1000\n"
                              "RR          \tA\t0.3333\n";

/* What eval.py prints for the worked example, with and without
 * --per-query. */
Test(evaluate, write_prints_like_eval_py)
{
    fh_eval_result *res = eval_of(QRELS, RUN, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);

    cr_assert_not_null(fp);
    cr_assert_eq(fh_eval_write(res, fp, 0), FH_OK);
    fclose(fp);
    cr_expect_str_eq(text, "num_q       \tall\t4\n"
                           "num_ret     \tall\t8\n"
                           "num_rel     \tall\t6\n"
                           "num_rel_ret \tall\t4\n"
                           "MAP         \tall\t0.2146\n"
                           "nDCG@10     \tall\t0.2813\n"
                           "P@10        \tall\t0.1000\n"
                           "Recall@100  \tall\t0.4375\n"
                           "MRR@10      \tall\t0.2083\n"
                           "MAP@10      \tall\t0.2146\n"
                           "nDCG        \tall\t0.2813\n"
                           "P@30        \tall\t0.0333\n"
                           "RR          \tall\t0.2083\n");
    free(text);

    text = NULL;
    fp = open_memstream(&text, &len);
    cr_assert_not_null(fp);
    cr_assert_eq(fh_eval_write(res, fp, 1), FH_OK);
    fclose(fp);
    cr_expect(strncmp(text, expect_a, strlen(expect_a)) == 0, "%s", text);
    free(text);
    fh_eval_free(res);
}

/* ---- Cut-offs ----------------------------------------------------------- */

/* Z: 120 documents, relevant r1 at rank 1, r11 (grade 2) at rank 11, r101
 * at rank 101, and rmiss never retrieved: R = 4.
 *   MAP = (1/1 + 2/11 + 3/101) / 4 = (1 + 0.181818 + 0.029703) / 4 = 0.302880
 *   MAP@10 = (1/1) / 4 = 0.25 (still over R, not min(R, 10))
 *   P@10 = 1/10; P@30 = 2/30 = 0.066667; Recall@100 = 2/4 = 0.5 (r101 is past 100)
 *   MRR@10 = RR = 1
 *   IDCG (2,1,1,1) = 2 + 1/log2(3) + 1/log2(4) + 1/log2(5) = 2 + 0.630930 + 0.5 + 0.430677
 *        = 3.561606
 *   nDCG@10 = (1/log2(2)) / 3.561606 = 0.280772
 *   nDCG = (1 + 2/log2(12) + 1/log2(102)) / 3.561606 = (1 + 0.557886 + 0.149871) / 3.561606
 *        = 0.479491
 * Y: 11 documents, the one relevant y11 at rank 11.
 *   MRR@10 = 0 but RR = 1/11 = 0.090909; P@10 = 0; MAP = 1/11; MAP@10 = 0;
 *   Recall@100 = 1; nDCG@10 = 0; nDCG = (1/log2(12)) / 1 = 0.278943 */
Test(evaluate, cutoffs)
{
    const char *qrels = "Z 0 r1 1\nZ 0 r11 2\nZ 0 r101 1\nZ 0 rmiss 1\nY 0 y11 1\n";
    char *run = malloc(200 * 40);
    size_t len = 0;
    int i;
    fh_eval_result *res;
    const fh_eval_query *z, *y;
    double z_idcg = 2 + 1 / log2(3) + 1 / log2(4) + 1 / log2(5);

    cr_assert_not_null(run);
    for (i = 1; i <= 120; i++) {
        char doc[16];
        if (i == 1 || i == 11 || i == 101)
            snprintf(doc, sizeof doc, "r%d", i);
        else
            snprintf(doc, sizeof doc, "n%d", i);
        len += (size_t)sprintf(run + len, "Z Q0 %s %d %d x\n", doc, i, 1000 - i);
    }
    for (i = 1; i <= 11; i++)
        len += (size_t)sprintf(run + len, "Y Q0 %s %d %d x\n", i == 11 ? "y11" : "m", i, 50 - i);
    /* "m" ten times: duplicates, one document only, so y11 is at rank 2 ... */
    res = eval_of(qrels, run, 0);
    y = query(res, "Y");
    cr_expect_eq(y->m.num_ret, 2);
    check(y->m.mrr_10, 0.5, "0.5000", "Y with duplicates: y11 at rank 2");
    cr_expect_eq(res->num_duplicates, 9);
    fh_eval_free(res);

    /* ... so write Y again with distinct docids. */
    len = 0;
    for (i = 1; i <= 120; i++) {
        char doc[16];
        if (i == 1 || i == 11 || i == 101)
            snprintf(doc, sizeof doc, "r%d", i);
        else
            snprintf(doc, sizeof doc, "n%d", i);
        len += (size_t)sprintf(run + len, "Z Q0 %s %d %d x\n", doc, i, 1000 - i);
    }
    for (i = 1; i <= 11; i++)
        len += (size_t)sprintf(run + len, "Y Q0 %s%d %d %d x\n", i == 11 ? "y" : "m", i, i, 50 - i);
    res = eval_of(qrels, run, 0);
    z = query(res, "Z");
    y = query(res, "Y");

    check(z->m.map, (1.0 + 2.0 / 11 + 3.0 / 101) / 4, "0.3029", "Z MAP");
    check(z->m.map_10, 0.25, "0.2500", "Z MAP@10");
    check(z->m.p_10, 0.1, "0.1000", "Z P@10");
    check(z->m.p_30, 2.0 / 30, "0.0667", "Z P@30");
    check(z->m.recall_100, 0.5, "0.5000", "Z Recall@100");
    check(z->m.mrr_10, 1, "1.0000", "Z MRR@10");
    check(z->m.rr, 1, "1.0000", "Z RR");
    check(z->m.ndcg_10, 1 / z_idcg, "0.2808", "Z nDCG@10");
    check(z->m.ndcg, (1 + 2 / log2(12) + 1 / log2(102)) / z_idcg, "0.4795", "Z nDCG");
    cr_expect_eq(z->m.num_ret, 120);
    cr_expect_eq(z->m.num_rel_ret, 3);

    check(y->m.mrr_10, 0, "0.0000", "Y MRR@10");
    check(y->m.rr, 1.0 / 11, "0.0909", "Y RR");
    check(y->m.p_10, 0, "0.0000", "Y P@10");
    check(y->m.map, 1.0 / 11, "0.0909", "Y MAP");
    check(y->m.map_10, 0, "0.0000", "Y MAP@10");
    check(y->m.recall_100, 1, "1.0000", "Y Recall@100");
    check(y->m.ndcg_10, 0, "0.0000", "Y nDCG@10");
    check(y->m.ndcg, 1 / log2(12), "0.2789", "Y nDCG");
    /* query order: (length, qid) -> Y before Z */
    cr_expect_str_eq(res->queries[0].qid, "Y");
    free(run);
    fh_eval_free(res);
}

/* ---- Grades and numbers as Python reads them ---------------------------- */

/* rel is int(float(rel)): 2.7 -> 2, Arabic-Indic one (U+0661) -> 1, -1 and
 * 0.99 -> not relevant; g4 is judged twice and the last line (0) counts.
 * So R = 2 (g1 = 2, g2 = 1), ideal gains (2, 1).
 * Scores: INF, 3_0 = 30, +2e1 = 20, .1e2 = 10, 5. = 5, -Infinity:
 *   1 gx (unjudged)  2 g3 (-1)  3 g2 (1)  4 g1 (2)  5 g4 (0)  6 g5 (0)
 *   MAP = (1/3 + 2/4) / 2 = 0.416667; P@10 = 0.2; Recall@100 = 1; MRR@10 = 1/3
 *   DCG = 1/log2(4) + 2/log2(5) = 0.5 + 0.861353 = 1.361353
 *   IDCG = 2/log2(2) + 1/log2(3) = 2 + 0.630930 = 2.630930
 *   nDCG@10 = 1.361353 / 2.630930 = 0.517442 */
Test(evaluate, graded_and_python_numbers)
{
    fh_eval_result *res = eval_of("G 0 g1 2.7\n"
                                  "G 0 g2 \xD9\xA1\n"
                                  "G 0 g3 -1\n"
                                  "G 0 g4 1e0\n"
                                  "G 0 g4 0\n"
                                  "G 0 g5 0.99\n",
                                  "G Q0 gx 1 INF t\n"
                                  "G Q0 g3 2 3_0 t\n"
                                  "G Q0 g2 3 +2e1 t\n"
                                  "G Q0 g1 4 .1e2 t\n"
                                  "G Q0 g4 5 5. t\n"
                                  "G Q0 g5 6 -Infinity t\n",
                                  0);
    const fh_eval_query *g = query(res, "G");

    check(g->m.map, (1.0 / 3 + 2.0 / 4) / 2, "0.4167", "G MAP");
    check(g->m.ndcg_10, (1 / log2(4) + 2 / log2(5)) / (2 + 1 / log2(3)), "0.5174", "G nDCG@10");
    check(g->m.p_10, 0.2, "0.2000", "G P@10");
    check(g->m.recall_100, 1, "1.0000", "G Recall@100");
    check(g->m.mrr_10, 1.0 / 3, "0.3333", "G MRR@10");
    cr_expect_eq(g->m.num_rel, 2);
    cr_expect_eq(g->m.num_ret, 6);
    fh_eval_free(res);
}

/* Columns split where str.split() splits (NBSP, EM SPACE, 0x1F), lines end
 * at CRLF and lone CR, a BOM starts the run. H: R = 2 (h1, h2), the run
 * finds h1 at rank 1: MAP = (1/1) / 2 = 0.5, Recall@100 = 0.5, MRR@10 = 1. */
Test(evaluate, python_whitespace_lines_and_bom)
{
    fh_eval_result *res = eval_of("H\xC2\xA0"
                                  "0\xE2\x80\x83h1\x1F"
                                  "1\r\nH 0 h2 1\rH 0 h3 0\n",
                                  "\xEF\xBB\xBFH Q0 h1 1 1 t\n", 0);
    cr_assert_eq(res->num_q, 1);
    check(res->all.map, 0.5, "0.5000", "H MAP");
    check(res->all.recall_100, 0.5, "0.5000", "H Recall@100");
    check(res->all.mrr_10, 1, "1.0000", "H MRR@10");
    cr_expect_eq(res->all.num_rel, 2);
    fh_eval_free(res);
}

/* eval.py sorts queries by (length in characters, qid): "é" is one
 * character (two bytes). */
Test(evaluate, query_order)
{
    fh_eval_result *res = eval_of("ab 0 d 1\n10 0 d 1\n\xC3\xA9 0 d 1\nB 0 d 1\n9 0 d 1\n", "", 0);
    cr_assert_eq(res->num_q, 5);
    cr_expect_str_eq(res->queries[0].qid, "9");
    cr_expect_str_eq(res->queries[1].qid, "B");
    cr_expect_str_eq(res->queries[2].qid, "\xC3\xA9");
    cr_expect_str_eq(res->queries[3].qid, "10");
    cr_expect_str_eq(res->queries[4].qid, "ab");
    /* an empty run: every query missing, all 0, all counted */
    check(res->all.map, 0, "0.0000", "MAP");
    cr_expect_eq(res->all.num_rel, 5);
    fh_eval_free(res);
}

/* Which score strings Python's float() takes. */
Test(evaluate, score_syntax)
{
    static const char *good[] = {
        "1",
        "-0",
        "+1.5",
        "1_000",
        "1_2.3_4",
        "1e5",
        "1E-2",
        "1.e2",
        ".5",
        "5.",
        "iNfInItY",
        "-inf",
        "+INF",
        "0_0",
        "007",
        "1e0_1",
        "\xD9\xA1\xD9\xA2",  /* Arabic-Indic 12 */
        "\xDB\xB3",          /* Extended Arabic-Indic 3 */
        "\xEF\xBC\x91",      /* fullwidth 1 */
        "\xD9\xA1.\xD9\xA5", /* 1.5 */
        "1e99999",           /* inf */
        "-1e-99999",         /* -0 */
    };
    static const char *bad[] = {
        "1__0",
        "_1",
        "1_",
        "1_.5",
        "1._5",
        "0x10",
        "1e",
        "1e+",
        ".",
        "+",
        "-",
        "e5",
        "1,5",
        "infinit",
        "nanx",
        "infx",
        "1.2.3",
        "--1",
        "1e5_",
        "in_f",
        "\xC2\xBD",
        "1\xD9\xAB"
        "5", /* Arabic decimal separator */
        "nan",
        "-NaN", /* Python takes them, but a NaN score has no order */
    };
    size_t i;
    for (i = 0; i < sizeof good / sizeof good[0]; i++) {
        char line[80];
        fh_eval_run *r = NULL;
        char *err = NULL;
        snprintf(line, sizeof line, "q Q0 d 1 %s t\n", good[i]);
        cr_expect_eq(fh_eval_run_load(line, strlen(line), NULL, &r, &err), FH_OK, "%s: %s", good[i],
                     err ? err : "");
        fh_eval_run_free(r);
        free(err);
    }
    for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char line[80];
        fh_eval_run *r = NULL;
        char *err = NULL;
        snprintf(line, sizeof line, "q Q0 d 1 %s t\n", bad[i]);
        cr_expect_eq(fh_eval_run_load(line, strlen(line), NULL, &r, &err), FH_ERR_INVALID,
                     "%s was accepted", bad[i]);
        cr_expect_null(r);
        cr_expect_not_null(err);
        if (err != NULL)
            cr_expect(strncmp(err, "line 1: score \"", 15) == 0, "%s", err);
        free(err);
    }
}

/* Scores order the run, whatever the file order and the ranks: "inf" above
 * everything, "-0" ties with "0" (the docid breaks the tie: "z" > "a").
 * Q: relevant a only; order 1 i (inf)  2 z (-0)  3 a (0): MRR@10 = 1/3. */
Test(evaluate, score_order)
{
    fh_eval_result *res = eval_of("Q 0 a 1\n", "Q Q0 a 1 0 t\nQ Q0 z 2 -0 t\nQ Q0 i 3 inf t\n", 0);
    check(res->all.mrr_10, 1.0 / 3, "0.3333", "MRR@10");
    fh_eval_free(res);
}

/* ---- Qur'an QA 2023 rules ----------------------------------------------- */

/* eval.py's own self-test plus a missing zero-answer question (counted
 * twice) and a missing normal question (dropped). Order (length, qid):
 *   n1: run b, a; relevant a at rank 2 -> MAP@10 = (1/2) / 1 = 0.5, RR = 0.5
 *   n2: missing -> dropped
 *   z1: run exactly "-1" -> 1 on every measure
 *   z2: run "-1", a -> 0
 *   z3: missing -> 0, twice ("z3" and "z3(dup)")
 * num_q = 5; MAP@10 = (0.5 + 1 + 0 + 0 + 0) / 5 = 0.3; RR = 0.3 as well;
 * nDCG@10: n1 = (1/log2(3)) / 1 = 0.630930 -> (0.630930 + 1) / 5 = 0.326186 */
Test(evaluate, qqa23)
{
    fh_eval_result *res = eval_of("z1 0 -1 1\nz2 0 -1 1\nz3 0 -1 1\nn1 0 a 1\nn2 0 c 1\n",
                                  "z1 Q0 -1 1 1 t\n"
                                  "z2 Q0 -1 1 2 t\nz2 Q0 a 2 1 t\n"
                                  "n1 Q0 b 1 2 t\nn1 Q0 a 2 1 t\n",
                                  FH_EVAL_QQA23);
    cr_assert_eq(res->num_q, 5);
    cr_expect_str_eq(res->queries[0].qid, "n1");
    cr_expect_str_eq(res->queries[1].qid, "z1");
    cr_expect_str_eq(res->queries[4].qid, "z3(dup)");
    check(res->all.map_10, 0.3, "0.3000", "MAP@10");
    check(res->all.rr, 0.3, "0.3000", "RR");
    check(res->all.ndcg_10, (1 / log2(3) + 1) / 5, "0.3262", "nDCG@10");
    cr_expect_eq(res->num_dropped, 1);
    cr_expect_eq(res->num_zero_missing, 1);
    fh_eval_free(res);
}

/* ---- Summation as Python's sum() ---------------------------------------- */

/* Ten queries with P@10 = 0.1 each. Python <= 3.11 sums left to right:
 * 0.1 + 0.1 + ... = 0.9999999999999999, / 10 = 0.09999999999999999;
 * Python >= 3.12 (Neumaier) gets 1.0, / 10 = 0.1. Both print 0.1000. */
Test(evaluate, python_sum)
{
    char qrels[400], run[400];
    size_t ql = 0, rl = 0;
    int i;
    double naive = 0;
    fh_eval_result *res;

    for (i = 0; i < 10; i++) {
        ql += (size_t)snprintf(qrels + ql, sizeof qrels - ql, "q%d 0 d 1\n", i);
        rl += (size_t)snprintf(run + rl, sizeof run - rl, "q%d Q0 d 1 1 t\n", i);
        naive += 0.1;
    }
    res = eval_of(qrels, run, 0);
    cr_expect_eq(res->all.p_10, naive / 10, "%.17g", res->all.p_10);
    cr_expect_neq(res->all.p_10, 0.1);
    fh_eval_free(res);
    res = eval_of(qrels, run, FH_EVAL_COMPENSATED_SUM);
    cr_expect_eq(res->all.p_10, 0.1, "%.17g", res->all.p_10);
    fh_eval_free(res);
}

/* ---- Errors ------------------------------------------------------------- */

static void expect_qrels_error(const char *s, int status, const char *msg)
{
    fh_eval_qrels *q = (fh_eval_qrels *)1;
    char *err = NULL;
    cr_expect_eq(fh_eval_qrels_load(s, strlen(s), NULL, &q, &err), status, "%s", s);
    cr_expect_null(q);
    cr_expect_str_eq(err ? err : "(null)", msg);
    free(err);
}

static void expect_run_error(const char *s, int status, const char *msg)
{
    fh_eval_run *r = (fh_eval_run *)1;
    char *err = NULL;
    cr_expect_eq(fh_eval_run_load(s, strlen(s), NULL, &r, &err), status, "%s", s);
    cr_expect_null(r);
    cr_expect_str_eq(err ? err : "(null)", msg);
    free(err);
}

/* A qrels line whose first column starts with '#' is a comment, even with
 * 4 or 5 columns: H keeps R = 2 and MAP 0.5 as above. */
Test(evaluate, qrels_comment_lines_are_skipped)
{
    fh_eval_result *res = eval_of("# qid iter docid rel\n#H 0 h3 1\n  # H 0 h4 1\n"
                                  "H 0 h1 1\n\nH 0 h2 1\n",
                                  "H Q0 h1 1 1 t\n", 0);
    cr_assert_eq(res->num_q, 1);
    cr_expect_eq(res->all.num_rel, 2);
    check(res->all.map, 0.5, "0.5000", "H MAP");
    fh_eval_free(res);
    expect_qrels_error("# a comment\nA 0 a1\n", FH_ERR_INVALID,
                       "line 2: expected 4 columns (qid iter docid rel), got 3");
}

Test(evaluate, malformed_lines_name_the_line)
{
    expect_qrels_error("A 0 a1 1\nA 0 a2\n", FH_ERR_INVALID,
                       "line 2: expected 4 columns (qid iter docid rel), got 3");
    expect_qrels_error("A 0 a1 1 extra\n", FH_ERR_INVALID,
                       "line 1: expected 4 columns (qid iter docid rel), got 5");
    /* blank lines count, CR and CRLF end lines */
    expect_qrels_error("\n  \nA 0 a1 1\r\rA 0 a2 x\r\n", FH_ERR_INVALID,
                       "line 5: rel \"x\" is not a number");
    expect_qrels_error("A 0 a1 inf\n", FH_ERR_INVALID,
                       "line 1: rel \"inf\" is not a finite number");
    expect_qrels_error("A 0 a1 NaN\n", FH_ERR_INVALID,
                       "line 1: rel \"NaN\" is not a finite number");
    expect_qrels_error("A 0 a1 1\nA 0 a\xFF 1\n", FH_ERR_ENCODING, "line 2: invalid UTF-8");
    expect_qrels_error("A 0 \xED\xA0\x80 1\n", FH_ERR_ENCODING,
                       "line 1: invalid UTF-8"); /* surrogate */
    expect_qrels_error("A 0 \xC0\xAF 1\n", FH_ERR_ENCODING, "line 1: invalid UTF-8"); /* overlong */
    expect_qrels_error("A 0 a \x01\x7F"
                       "0123456789012345678901234567890123456789\n",
                       FH_ERR_INVALID,
                       "line 1: rel \"??01234567890123456789012345678901234567...\" is not a "
                       "number");

    expect_run_error("A Q0 a1 1\n", FH_ERR_INVALID,
                     "line 1: expected 6 columns (qid Q0 docid rank score tag), got 4");
    expect_run_error("A Q0 a1 1 1 t\nA Q0 a2 2 abc t\n", FH_ERR_INVALID,
                     "line 2: score \"abc\" is not a number");
    expect_run_error("A Q0 a1 1 nan t\n", FH_ERR_INVALID,
                     "line 1: score \"nan\" is NaN: it cannot be ranked");
}

Test(evaluate, named_inputs_and_files)
{
    fh_eval_qrels *q = NULL;
    fh_eval_run *r = NULL;
    char *err = NULL;
    char path[] = "/tmp/fh_test_evaluate_XXXXXX";
    int fd;
    FILE *fp;

    cr_expect_eq(fh_eval_qrels_load("x\n", 2, "my.qrels", &q, &err), FH_ERR_INVALID);
    cr_expect_str_eq(err, "my.qrels:1: expected 4 columns (qid iter docid rel), got 1");
    free(err);

    cr_expect_eq(fh_eval_qrels_load_file("/nonexistent/qrels.txt", &q, &err), FH_ERR_NOTFOUND);
    cr_expect_null(q);
    cr_expect(err != NULL && strstr(err, "/nonexistent/qrels.txt") != NULL);
    free(err);

    fd = mkstemp(path);
    cr_assert(fd >= 0);
    fp = fdopen(fd, "w");
    fputs("A Q0 a1 1 1 t\nA Q0 a1 2 0.5 t\nB Q0 b 1 1\n", fp);
    fclose(fp);
    cr_assert_eq(fh_eval_run_load_file(path, &r, &err), FH_OK);
    cr_expect_null(err);
    cr_expect_eq(fh_eval_run_count(r), 2);
    cr_expect_eq(fh_eval_run_duplicates(r), 1);
    fh_eval_run_free(r);

    fp = fopen(path, "w");
    fputs("A 0 a1 1\nA 0 a1\n", fp);
    fclose(fp);
    cr_expect_eq(fh_eval_qrels_load_file(path, &q, &err), FH_ERR_INVALID);
    cr_expect(
        err != NULL && strncmp(err, path, strlen(path)) == 0 &&
            strcmp(err + strlen(path), ":2: expected 4 columns (qid iter docid rel), got 3") == 0,
        "%s", err);
    free(err);
    unlink(path);
}

Test(evaluate, bad_arguments_and_limits)
{
    fh_eval_qrels *q = NULL;
    fh_eval_run *r = NULL;
    fh_eval_result *res = (fh_eval_result *)1;
    char *err = NULL;
    static const char tiny[] = "A 0 a 1\n";

    cr_expect_eq(fh_eval_qrels_load(NULL, 5, NULL, &q, &err), FH_ERR_INVALID);
    cr_expect_eq(fh_eval_qrels_load(tiny, 8, NULL, NULL, &err), FH_ERR_INVALID);
    cr_expect_eq(fh_eval_run_load(tiny, FH_EVAL_MAX_BYTES + 1, NULL, &r, &err), FH_ERR_TOOBIG);
    cr_expect_null(r);
    free(err);
    cr_expect_eq(fh_eval_compute(NULL, NULL, 0, &res), FH_ERR_INVALID);
    cr_expect_null(res);
    fh_eval_qrels_free(NULL);
    fh_eval_run_free(NULL);
    fh_eval_free(NULL);

    /* empty inputs: no queries, means 0 */
    res = eval_of("", "\n\n", 0);
    cr_expect_eq(res->num_q, 0);
    check(res->all.map, 0, "0.0000", "MAP");
    fh_eval_free(res);
}

/* Garbage never crashes (run under ASan in build-eval-asan): lines of
 * random bytes from an alphabet of separators, digits, number syntax,
 * UTF-8 pieces and NUL. */
Test(evaluate, garbage_never_crashes)
{
    static const char alphabet[] = " \t\n\r\v\f0123456789.eE_+-xyQ0infa\xC2\xA0\xD9\xA1\xFF\x80";
    unsigned long seed = 12345;
    char buf[512];
    int iter;
    for (iter = 0; iter < 3000; iter++) {
        size_t len, i;
        fh_eval_qrels *q = NULL;
        fh_eval_run *r = NULL;
        fh_eval_result *res = NULL;
        char *err = NULL;
        seed = seed * 6364136223846793005UL + 1442695040888963407UL;
        len = (seed >> 33) % sizeof buf;
        for (i = 0; i < len; i++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            buf[i] = (seed >> 40) % 97 == 0 ? '\0' : alphabet[(seed >> 33) % (sizeof alphabet - 1)];
        }
        fh_eval_qrels_load(buf, len, NULL, &q, &err);
        free(err);
        err = NULL;
        fh_eval_run_load(buf, len, "garbage", &r, &err);
        free(err);
        if (q != NULL && r != NULL) {
            unsigned flags;
            for (flags = 0; flags < 8; flags++) {
                cr_assert_eq(fh_eval_compute(q, r, flags, &res), FH_OK);
                fh_eval_free(res);
            }
        }
        fh_eval_qrels_free(q);
        fh_eval_run_free(r);
    }
    /* well-formed random lines, so that compute really runs */
    for (iter = 0; iter < 300; iter++) {
        size_t len = 0;
        int k;
        fh_eval_qrels *q = NULL;
        fh_eval_run *r = NULL;
        fh_eval_result *res = NULL;
        char qbuf[2048];
        for (k = 0; k < 40; k++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            len += (size_t)snprintf(qbuf + len, sizeof qbuf - len, "%lu 0 %s%lu %ld\n",
                                    (seed >> 60) % 4, (seed >> 50) % 2 ? "-" : "d",
                                    (seed >> 40) % 8, (long)((seed >> 35) % 5) - 1);
        }
        cr_assert_eq(fh_eval_qrels_load(qbuf, len, NULL, &q, NULL), FH_OK);
        len = 0;
        for (k = 0; k < 40; k++) {
            seed = seed * 6364136223846793005UL + 1442695040888963407UL;
            len += (size_t)snprintf(buf + len, sizeof buf - len, "%lu Q0 %s%lu 0 %lu\n",
                                    (seed >> 60) % 5, (seed >> 50) % 2 ? "-" : "d",
                                    (seed >> 40) % 8, (seed >> 30) % 4);
            if (len > sizeof buf - 64)
                break;
        }
        cr_assert_eq(fh_eval_run_load(buf, len, NULL, &r, NULL), FH_OK);
        for (k = 0; k < 8; k++) {
            cr_assert_eq(fh_eval_compute(q, r, (unsigned)k, &res), FH_OK);
            fh_eval_free(res);
        }
        fh_eval_qrels_free(q);
        fh_eval_run_free(r);
    }
}

/* ---- Against eval.py ---------------------------------------------------- */

/* The shared relevance folder: $FH_SHARED_DIR/relevance, else
 * $FH_SOURCE_DIR/../shared/relevance, else ../shared/relevance. */
static const char *shared_relevance(void)
{
    static char path[1024];
    const char *shared = getenv("FH_SHARED_DIR"), *source = getenv("FH_SOURCE_DIR");
    if (shared && shared[0])
        snprintf(path, sizeof path, "%s/relevance", shared);
    else if (source && source[0])
        snprintf(path, sizeof path, "%s/../shared/relevance", source);
    else
        snprintf(path, sizeof path, "../shared/relevance");
    return path;
}

/* All of a command's stdout (the caller frees), or NULL if it failed. */
static char *command_output(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    char *text = NULL;
    size_t len = 0, cap = 0;
    if (p == NULL)
        return NULL;
    for (;;) {
        size_t got;
        if (cap - len < 4096) {
            char *n = realloc(text, cap + 65536);
            cr_assert_not_null(n);
            text = n;
            cap += 65536;
        }
        got = fread(text + len, 1, cap - len - 1, p);
        if (got == 0)
            break;
        len += got;
    }
    if (text != NULL)
        text[len] = '\0';
    if (pclose(p) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

static unsigned long lcg(unsigned long *s)
{
    *s = *s * 6364136223846793005UL + 1442695040888963407UL;
    return *s >> 33;
}

/* A deterministic pseudo-run from a qrels file: for each query (every 7th
 * left out, so it is missing from the run) its judged documents in a
 * shuffled order, interleaved with unjudged docids, up to 150 lines, scores
 * descending with ties (equal steps of 0), some duplicated lines, the lines
 * of every other query written in reverse order (ranks do not matter), and
 * one query that is not in the qrels. */
static void write_pseudo_run(const char *qrels_path, FILE *out)
{
    FILE *in = fopen(qrels_path, "r");
    char line[512], qid[128] = "", prev[128] = "";
    char **docs = NULL;
    size_t ndocs = 0, cap = 0, nq = 0;
    unsigned long seed = 2024;
    int done = 0;

    cr_assert_not_null(in);
    while (!done) {
        char q[128], d[256];
        int have =
            fgets(line, sizeof line, in) != NULL && sscanf(line, "%127s %*s %255s", q, d) == 2;
        if (!have)
            done = 1;
        if ((done || strcmp(q, qid) != 0) && ndocs > 0) {
            /* flush query qid */
            size_t i, n = 0, total;
            double score = 100.0;
            char(*lines)[1024];
            nq++;
            if (nq % 7 != 0) {
                for (i = ndocs; i > 1; i--) { /* shuffle */
                    size_t j = lcg(&seed) % i;
                    char *t = docs[i - 1];
                    docs[i - 1] = docs[j];
                    docs[j] = t;
                }
                total = ndocs * 3 + 5;
                if (total > 150)
                    total = 150;
                lines = malloc(total * 2 * sizeof *lines);
                cr_assert_not_null(lines);
                for (i = 0; i < total; i++) {
                    unsigned long r = lcg(&seed);
                    char doc[300];
                    if (i % 2 == 1 && i / 2 < ndocs)
                        snprintf(doc, sizeof doc, "%s", docs[i / 2]);
                    else if (r % 5 == 0)
                        snprintf(doc, sizeof doc, "%s",
                                 prev[0] ? prev : "X"); /* a docid of elsewhere */
                    else
                        snprintf(doc, sizeof doc, "U%s-%lu", qid, r % 1000);
                    snprintf(lines[n++], sizeof lines[0], "%s Q0 %s %zu %.4f pseudo\n", qid, doc,
                             i + 1, score);
                    if (r % 13 == 0) /* a duplicate line, later and lower */
                        snprintf(lines[n++], sizeof lines[0], "%s Q0 %s %zu %.4f pseudo\n", qid,
                                 doc, i + 100, score - 50);
                    score -= (double)((r >> 4) % 4) * 0.25; /* 0 makes a tie */
                }
                for (i = 0; i < n; i++)
                    fputs(lines[nq % 2 ? i : n - 1 - i], out);
                free(lines);
            }
            snprintf(prev, sizeof prev, "%s", docs[ndocs - 1]);
            for (i = 0; i < ndocs; i++)
                free(docs[i]);
            ndocs = 0;
        }
        if (done)
            break;
        if (strcmp(q, qid) != 0)
            snprintf(qid, sizeof qid, "%s", q);
        if (ndocs == cap) {
            cap = cap ? cap * 2 : 64;
            docs = realloc(docs, cap * sizeof *docs);
            cr_assert_not_null(docs);
        }
        docs[ndocs] = strdup(d);
        cr_assert_not_null(docs[ndocs]);
        ndocs++;
    }
    fputs("999999 Q0 X 1 1.0 pseudo\n", out);
    free(docs);
    fclose(in);
}

/* Our output for qrels and run, printed as eval.py prints, into *text (the
   caller frees it). */
static void our_output(const char *qrels_path, const char *run_path, unsigned flags, char **text)
{
    fh_eval_qrels *q = NULL;
    fh_eval_run *r = NULL;
    fh_eval_result *res = NULL;
    char *err = NULL;
    size_t len = 0;
    FILE *fp;

    cr_assert_eq(fh_eval_qrels_load_file(qrels_path, &q, &err), FH_OK, "%s", err);
    cr_assert_eq(fh_eval_run_load_file(run_path, &r, &err), FH_OK, "%s", err);
    cr_assert_eq(fh_eval_compute(q, r, flags, &res), FH_OK);
    *text = NULL;
    fp = open_memstream(text, &len);
    cr_assert_not_null(fp);
    cr_assert_eq(fh_eval_write(res, fp, 1), FH_OK);
    fclose(fp);
    fh_eval_free(res);
    fh_eval_qrels_free(q);
    fh_eval_run_free(r);
}

/* The value of "NAME\tall\tVALUE" in eval.py's output, or NULL. */
static const char *all_value(const char *text, const char *name, char out[32])
{
    char key[32];
    const char *p;
    snprintf(key, sizeof key, "\n%-12s\tall\t", name);
    p = strstr(text, key);
    if (p == NULL)
        return NULL;
    p += strlen(key);
    snprintf(out, 32, "%.*s", (int)strcspn(p, "\n"), p);
    return out;
}

static void compare_with_eval_py(const char *collection, const char *qrels_file)
{
    char qrels[1200], run[] = "/tmp/fh_test_evaluate_run_XXXXXX", cmd[4096];
    static const char *names[] = {"num_q",   "num_ret", "num_rel",    "num_rel_ret", "MAP",
                                  "nDCG@10", "P@10",    "Recall@100", "MRR@10",      "MAP@10",
                                  "nDCG",    "P@30",    "RR"};
    const char *modes[] = {"", " --no-c"};
    char *version;
    unsigned sum_flag;
    int fd, m;
    size_t i;
    FILE *fp;

    char eval_py[1100];
    snprintf(eval_py, sizeof eval_py, "%s/eval.py", shared_relevance());
    snprintf(qrels, sizeof qrels, "%s/%s/%s", shared_relevance(), collection, qrels_file);
    if (access(eval_py, R_OK) != 0 || access(qrels, R_OK) != 0)
        cr_skip_test("%s or %s is missing", eval_py, qrels);
    version = command_output("python3 -c 'import sys; print(int(sys.version_info >= (3, 12)))' "
                             "2>/dev/null");
    if (version == NULL)
        cr_skip_test("python3 is not available");
    sum_flag = version[0] == '1' ? FH_EVAL_COMPENSATED_SUM : 0;
    free(version);

    fd = mkstemp(run);
    cr_assert(fd >= 0);
    fp = fdopen(fd, "w");
    cr_assert_not_null(fp);
    write_pseudo_run(qrels, fp);
    cr_assert_eq(fclose(fp), 0);

    for (m = 0; m < 2; m++) {
        char *py, *ours;
        char line[512] = "";
        size_t ll = 0;
        snprintf(cmd, sizeof cmd, "python3 '%s' '%s' '%s' --per-query%s 2>/dev/null", eval_py,
                 qrels, run, modes[m]);
        py = command_output(cmd);
        cr_assert_not_null(py, "%s failed", cmd);
        our_output(qrels, run, sum_flag | (m == 1 ? FH_EVAL_NO_C : 0), &ours);
        for (i = 0; i < sizeof names / sizeof names[0]; i++) {
            char a[32], b[32];
            const char *pv = all_value(py, names[i], a), *ov = all_value(ours, names[i], b);
            cr_assert_not_null(pv, "eval.py printed no %s", names[i]);
            cr_assert_not_null(ov, "we printed no %s", names[i]);
            cr_expect_str_eq(ov, pv, "%s %s%s: ours %s, eval.py %s", collection, names[i], modes[m],
                             ov, pv);
            if (i == 0 || i >= 4)
                ll += (size_t)snprintf(line + ll, sizeof line - ll, " %s=%s", names[i], pv);
        }
        /* and every per-query line, byte for byte */
        cr_expect_str_eq(ours, py, "%s/%s%s: per-query output differs", collection, qrels_file,
                         modes[m]);
        cr_log_info("%s/%s%s: eval.py and fh_eval agree:%s", collection, qrels_file, modes[m],
                    line);
        free(py);
        free(ours);
    }
    unlink(run);
}

Test(eval_py, cacm)
{
    compare_with_eval_py("cacm", "qrels.txt");
}

Test(eval_py, cacm_fixed)
{
    compare_with_eval_py("cacm", "qrels.fixed.txt");
}

Test(eval_py, cranfield_graded)
{
    compare_with_eval_py("cranfield", "qrels.txt");
}

Test(eval_py, npl)
{
    compare_with_eval_py("npl_vaswani", "qrels.txt");
}
