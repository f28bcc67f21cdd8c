/* evaluate.h - relevance evaluation of a TREC run against TREC qrels.
 *
 * The numbers are those of ../shared/relevance/eval.py (trec_eval
 * compatible), computed the same way so that, printed to 4 decimals, they
 * are equal:
 *
 *   qrels  "qid iter docid rel", exactly 4 whitespace-separated columns.
 *          rel is read as Python's int(float(rel)) (truncated toward 0).
 *          A document is relevant iff rel >= 1; its nDCG gain is rel (linear
 *          gain; rel <= 0 gives 0). A repeated (qid, docid): the last line
 *          counts. Blank lines and lines whose first column starts
 *          with '#' (comments) are skipped.
 *   run    "qid Q0 docid rank score [tag ...]", at least 5 columns. The rank
 *          column is ignored: a query's documents are ordered by score
 *          descending, ties by docid descending (byte order, as trec_eval's
 *          strcmp). A repeated (qid, docid): the first line counts, the
 *          others are counted as duplicates and ignored.
 *   per query (R = relevant documents in the qrels)
 *          MAP       sum over relevant retrieved docs of precision at their
 *                    rank, divided by R (not min(R, k)); MAP@10 the same
 *                    over ranks 1-10, still divided by R
 *          nDCG@10   DCG = sum of gain / log2(rank + 1) over ranks 1-10,
 *                    over the same sum for the qrels' positive gains sorted
 *                    descending, cut at 10 (nDCG: both without cut-off)
 *          P@10      relevant in ranks 1-10, over 10 even if fewer were
 *                    retrieved (P@30 likewise)
 *          Recall@100  relevant in ranks 1-100, over R
 *          MRR@10    1 / rank of the first relevant document if <= 10,
 *                    else 0 (RR: without cut-off)
 *   averaging  over the qrels queries, in order of (length in characters,
 *          qid): a query without relevant documents scores 0 on everything
 *          and is counted; a query with relevant documents missing from the
 *          run scores 0 and is counted (trec_eval -c; FH_EVAL_NO_C drops
 *          it); run queries absent from the qrels are ignored.
 *
 * Reading follows Python's: UTF-8 with an optional BOM (invalid UTF-8 is an
 * error), lines end at LF, CRLF or a lone CR, columns are separated by any
 * character Python's str.split() splits on (ASCII whitespace, 0x1C-0x1F,
 * U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F,
 * U+3000), and the numbers follow Python's float(): optional sign,
 * digits with single underscores between them, a decimal point, an
 * exponent, "inf", "infinity", "nan" in any case, and the Unicode 14
 * decimal digits (e.g. Arabic-Indic) Python 3.11 accepts. Where eval.py
 * would stop with an error, these functions return one; they also refuse a
 * NaN score (Python's sort has no defined order for it).
 *
 * Bounds: an input is at most FH_EVAL_MAX_BYTES; memory is linear in the
 * input (at most about 6 times its size, for files of very short lines;
 * about 3 times for typical runs) and time O(n log n) whatever the input. */
#ifndef FH_EVALUATE_H
#define FH_EVALUATE_H

#include <stddef.h>
#include <stdio.h>

#include "status.h"

/* The largest qrels or run input accepted (1 GiB); larger is FH_ERR_TOOBIG. */
#define FH_EVAL_MAX_BYTES ((size_t)1 << 30)

/* A loaded qrels file (opaque). */
typedef struct fh_eval_qrels fh_eval_qrels;
/* A loaded run file (opaque). */
typedef struct fh_eval_run fh_eval_run;

/* Flags of fh_eval_compute(). */
enum fh_eval_flags {
    /* eval.py --no-c: average only over the qrels queries present in the
     * run (plain trec_eval). Default: queries missing from the run count 0. */
    FH_EVAL_NO_C = 1 << 0,
    /* eval.py --qqa23: the Qur'an QA 2023 Task A rules. A question whose
     * qrels hold docid "-1" scores 1 on every measure iff its run is exactly
     * the one document "-1", else 0 (missing from the run it is counted
     * twice, the second time as qid + "(dup)"); other questions missing
     * from the run are dropped. */
    FH_EVAL_QQA23 = 1 << 1,
    /* Sum floats as Python >= 3.12's sum() does (Neumaier compensation)
     * instead of Python <= 3.11's plain left-to-right sum. Either way the
     * difference is in the last bits; set it when eval.py runs on a Python
     * 3.12 or later to get the very same doubles. */
    FH_EVAL_COMPENSATED_SUM = 1 << 2,
};

/* The measures of one query, or of all (then the doubles are means over
 * the queries and the counts are sums, as eval.py prints them). */
typedef struct fh_eval_metrics {
    double map;         /* MAP */
    double ndcg_10;     /* nDCG@10 */
    double p_10;        /* P@10 */
    double recall_100;  /* Recall@100 */
    double mrr_10;      /* MRR@10 */
    double map_10;      /* MAP@10 (trec_eval map_cut_10) */
    double ndcg;        /* nDCG without cut-off (trec_eval ndcg) */
    double p_30;        /* P@30 */
    double rr;          /* reciprocal rank without cut-off (trec_eval recip_rank) */
    size_t num_ret;     /* documents retrieved (duplicates removed) */
    size_t num_rel;     /* relevant documents in the qrels */
    size_t num_rel_ret; /* relevant documents retrieved */
} fh_eval_metrics;

/* One averaged query. */
typedef struct fh_eval_query {
    char *qid;      /* NUL-terminated (qid_len excludes the NUL) */
    size_t qid_len; /* a qid may hold NUL bytes: use qid_len */
    fh_eval_metrics m;
} fh_eval_query;

/* The result of fh_eval_compute(). */
typedef struct fh_eval_result {
    size_t num_q;            /* queries averaged over (eval.py's num_q) */
    fh_eval_query *queries;  /* the num_q queries, in eval.py's order */
    fh_eval_metrics all;     /* means (0 when num_q is 0); counts summed */
    size_t num_no_rel;       /* qrels queries without a relevant document */
    size_t num_run_only;     /* run queries absent from the qrels (ignored) */
    size_t num_duplicates;   /* duplicate (qid, docid) run lines ignored */
    size_t num_dropped;      /* FH_EVAL_QQA23: normal questions missing from the run */
    size_t num_zero_missing; /* FH_EVAL_QQA23: zero-answer questions missing (counted twice) */
} fh_eval_result;

/* Load TREC qrels from data (len bytes; copied, the caller keeps data).
 * name, if not NULL, starts error messages ("name:LINE: ..."); without it
 * they start "line LINE: ...".
 * Returns FH_OK and *out, which the caller frees with fh_eval_qrels_free();
 * FH_ERR_INVALID for a line without exactly 4 columns or a rel that is not
 * a finite number; FH_ERR_ENCODING for invalid UTF-8; FH_ERR_TOOBIG when
 * len > FH_EVAL_MAX_BYTES; FH_ERR_NOMEM. On failure *out is NULL and
 * *errmsg (if errmsg is not NULL) a message naming the line, which the
 * caller frees with free(). */
fh_status fh_eval_qrels_load(const char *data, size_t len, const char *name, fh_eval_qrels **out,
                             char **errmsg);

/* Read the file at path and load it as fh_eval_qrels_load() with name =
 * path. Also returns FH_ERR_NOTFOUND (no such file) or FH_ERR_IO. */
fh_status fh_eval_qrels_load_file(const char *path, fh_eval_qrels **out, char **errmsg);

/* Number of distinct queries in the qrels. */
size_t fh_eval_qrels_count(const fh_eval_qrels *qrels);

/* Free qrels. Accepts NULL. */
void fh_eval_qrels_free(fh_eval_qrels *qrels);

/* Load a TREC run from data (len bytes; copied). name and the statuses as
 * fh_eval_qrels_load(), except that a line needs at least 5 columns and
 * FH_ERR_INVALID also means a score that is not a number or is NaN. The
 * caller frees *out with fh_eval_run_free(). */
fh_status fh_eval_run_load(const char *data, size_t len, const char *name, fh_eval_run **out,
                           char **errmsg);

/* Read the file at path and load it as fh_eval_run_load() with name = path.
 * Also returns FH_ERR_NOTFOUND (no such file) or FH_ERR_IO. */
fh_status fh_eval_run_load_file(const char *path, fh_eval_run **out, char **errmsg);

/* Number of distinct queries in the run. */
size_t fh_eval_run_count(const fh_eval_run *run);

/* Number of duplicate (qid, docid) lines the run ignored. */
size_t fh_eval_run_duplicates(const fh_eval_run *run);

/* Free a run. Accepts NULL. */
void fh_eval_run_free(fh_eval_run *run);

/* Evaluate run against qrels. flags: a combination of fh_eval_flags (0 for
 * eval.py's defaults). Returns FH_OK and *out, which the caller frees with
 * fh_eval_free(); FH_ERR_INVALID (qrels or run NULL); FH_ERR_NOMEM (then
 * *out is NULL). */
fh_status fh_eval_compute(const fh_eval_qrels *qrels, const fh_eval_run *run, unsigned flags,
                          fh_eval_result **out);

/* Free a result. Accepts NULL. */
void fh_eval_free(fh_eval_result *result);

/* Print result to fp exactly as eval.py prints to stdout: with per_query,
 * first the 9 measures of every query ("MAP         \tqid\t0.1234"), then
 * num_q, the summed counts and the 9 means. Returns FH_OK or FH_ERR_IO. */
fh_status fh_eval_write(const fh_eval_result *result, FILE *fp, int per_query);

#endif
