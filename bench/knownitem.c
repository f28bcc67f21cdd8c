/* knownitem.c - fihris-bench knownitem: MRR@10 and success@10 of
 * known-item queries (each names the one page it looks for), by variant and
 * language. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "buf.h"
#include "escape.h"

#define MAX_VARIANTS 64

/* The scores of one variant in one language. */
typedef struct variant_score {
    const char *name, *lang; /* into the file's text */
    size_t queries;
    double rr_sum; /* reciprocal rank within the top 10 */
    size_t found;  /* in the top 10 */
} variant_score;

typedef struct known_run {
    fh_searcher *s;
    fh_search_request *req;
    int misses, json;
    variant_score v[MAX_VARIANTS];
    size_t nv;
    size_t dropped;   /* queries of variants past MAX_VARIANTS */
    size_t malformed; /* lines without the five fields */
    fh_buf miss_json; /* the misses as JSON objects, with --misses --format json */
} known_run;

/* Does the result's path name doc, a path relative to the corpus folder? */
static int same_doc(const fh_record *r, const char *doc)
{
    size_t n = strlen(doc);
    return r->path_len > n && memcmp(r->path + r->path_len - n, doc, n) == 0 &&
           r->path[r->path_len - n - 1] == '/';
}

/* The scores of (variant, lang) in k, added when new; NULL when there are
 * MAX_VARIANTS already. */
static variant_score *score_of(known_run *k, const char *variant, const char *lang)
{
    for (size_t i = 0; i < k->nv; i++)
        if (strcmp(k->v[i].name, variant) == 0 && strcmp(k->v[i].lang, lang) == 0)
            return &k->v[i];
    if (k->nv == MAX_VARIANTS)
        return NULL;
    variant_score *v = &k->v[k->nv++];
    memset(v, 0, sizeof *v);
    v->name = variant;
    v->lang = lang;
    return v;
}

/* The rank (1-based) of doc in the results of query, or 0 when it is not
 * among them (or the query found nothing to search for). */
static size_t rank_of(known_run *k, const char *query, const char *doc)
{
    fh_search_response *r = NULL;
    size_t rank = 0;
    k->req->query = query;
    k->req->query_len = strlen(query);
    if (fh_searcher_search(k->s, k->req, &r, NULL) != FH_OK)
        return 0;
    for (size_t h = 0; h < r->n_hits && rank == 0; h++)
        if (same_doc(&r->hits[h].record, doc))
            rank = h + 1;
    fh_search_response_free(r);
    return rank;
}

static void json_member(fh_buf *b, const char *sep, const char *name, const char *value)
{
    fh_buf_printf(b, "%s\"%s\":\"", sep, name);
    fh_escape_json(value, strlen(value), b);
    fh_buf_append(b, "\"", 1);
}

/* A query whose page is not first (rank 0: not in the results): a JSON
 * object into k->miss_json, or a line on stderr (QID, LANG, VARIANT, RANK
 * or "miss", DOC, QUERY), so that stdout keeps only the scores. */
static void report_miss(known_run *k, char *const f[5], size_t rank)
{
    if (!k->json) {
        char r[24] = "miss";
        if (rank)
            snprintf(r, sizeof r, "%zu", rank);
        fprintf(stderr, "%s\t%s\t%s\t%s\t%s\t%s\n", f[0], f[1], f[2], r, f[3], f[4]);
        return;
    }
    fh_buf *b = &k->miss_json;
    json_member(b, b->len ? ",{" : "{", "qid", f[0]);
    json_member(b, ",", "lang", f[1]);
    json_member(b, ",", "variant", f[2]);
    if (rank)
        fh_buf_printf(b, ",\"rank\":%zu", rank);
    else
        fh_buf_printf(b, ",\"rank\":null");
    json_member(b, ",", "doc", f[3]);
    json_member(b, ",", "query", f[4]);
    fh_buf_append(b, "}", 1);
}

/* Run each known-item query of data (the file's text, cut up in place:
 * the scores point into it) and score its rank by variant and language. */
static void score_known_items(known_run *k, char *data)
{
    char *cursor = data;
    for (char *line; (line = fh_bench__next_line(&cursor)) != NULL;) {
        /* qid, lang, variant, doc, query */
        char *f[5];
        int n = 0;
        for (char *p = line; n < 5; n++) {
            f[n] = p;
            char *tab = n < 4 ? strchr(p, '\t') : NULL;
            if (n < 4 && tab == NULL)
                break;
            if (tab) {
                *tab = '\0';
                p = tab + 1;
            }
        }
        if (n == 5 && strcmp(f[0], "qid") == 0)
            continue; /* a header */
        if (n < 5) {
            k->malformed++;
            continue;
        }
        variant_score *v = score_of(k, f[2], f[1]);
        if (v == NULL) {
            k->dropped++;
            continue;
        }
        v->queries++;
        size_t rank = rank_of(k, f[4], f[3]);
        if (rank) {
            v->rr_sum += 1.0 / (double)rank;
            v->found++;
        }
        if (k->misses && rank != 1)
            report_miss(k, f, rank);
    }
}

/* Print MRR@10 and success@10 of each variant, as a table or JSON (with
 * the misses when asked for). */
static void print_variant_scores(known_run *k)
{
    fh_buf out = FH_BUF_INIT;
    if (k->json)
        fh_buf_printf(&out, "{\"variants\":[");
    else
        fh_buf_printf(&out, "%-14s %-4s %8s %8s %12s\n", "variant", "lang", "queries", "MRR@10",
                      "success@10");
    for (size_t i = 0; i < k->nv; i++) {
        const variant_score *v = &k->v[i];
        double mrr = v->queries ? v->rr_sum / (double)v->queries : 0;
        double succ = v->queries ? (double)v->found / (double)v->queries : 0;
        if (k->json) {
            json_member(&out, i ? ",{" : "{", "variant", v->name);
            json_member(&out, ",", "lang", v->lang);
            fh_buf_printf(&out, ",\"queries\":%zu,\"mrr10\":%.4f,\"success10\":%.4f}", v->queries,
                          mrr, succ);
        } else {
            fh_buf_printf(&out, "%-14s %-4s %8zu %8.4f %12.4f\n", v->name, v->lang, v->queries, mrr,
                          succ);
        }
    }
    if (k->json && k->misses)
        fh_buf_printf(&out, "],\"misses\":[%s]}\n", k->miss_json.len ? k->miss_json.data : "");
    else if (k->json)
        fh_buf_printf(&out, "]}\n");
    if (fh_buf_status(&out) == FH_OK)
        fwrite(out.data, 1, out.len, stdout);
    fh_buf_free(&out);
}

int fh_bench__knownitem(int argc, char **argv)
{
    static const struct option options[] = {{"db", required_argument, NULL, 'd'},
                                            {"queries", required_argument, NULL, 'q'},
                                            {"format", required_argument, NULL, 'f'},
                                            {"misses", no_argument, NULL, 'm'},
                                            FH_BENCH_RANKING_OPTIONS,
                                            {"any", no_argument, NULL, 'a'},
                                            {NULL, 0, NULL, 0}};
    const char *db = NULL, *file = NULL;
    int c;
    fh_search_request req;
    fh_search_request_init(&req);
    req.snippets = 0;
    known_run k;
    memset(&k, 0, sizeof k);
    k.req = &req;
    while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'q')
            file = optarg;
        else if (c == 'f') {
            if (fh_bench__format_option(optarg, &k.json) != 0)
                return 64;
        } else if (c == 'm')
            k.misses = 1;
        else if (c == 'a')
            req.mode = FH_MATCH_ANY;
        else if (!fh_bench__ranking_option(c, optarg, &req))
            return fh_bench__bad_option("knownitem", c, argv);
    }
    if (db == NULL || db[0] == '\0')
        return fh_bench__usage_error("knownitem", db ? "--db takes a path, not an empty one"
                                                     : "--db DIR is missing");
    if (file == NULL || file[0] == '\0')
        return fh_bench__usage_error("knownitem", file ? "--queries takes a path, not an empty one"
                                                       : "--queries KNOWNITEM.tsv is missing");
    if (optind < argc)
        return fh_bench__extra_argument("knownitem", argv[optind]);
    char *data = NULL;
    size_t len = 0;
    int code = fh_bench__read_input(file, &data, &len);
    if (code != 0)
        return code;
    code = fh_bench__open_searcher(db, &k.s);
    if (code == 0) {
        score_known_items(&k, data);
        fh_searcher_close(k.s);
        if (k.malformed)
            fprintf(stderr,
                    "fihris-bench: %s: %zu line%s without 5 tab-separated fields (QID LANG "
                    "VARIANT DOC QUERY) left out\n",
                    file, k.malformed, k.malformed == 1 ? "" : "s");
        if (k.dropped)
            fprintf(stderr,
                    "fihris-bench: %s: %zu queries of variants past the first %d left out\n", file,
                    k.dropped, MAX_VARIANTS);
        if (k.nv == 0) {
            fprintf(stderr, "fihris-bench: %s: no known-item queries in it\n", file);
            code = 66;
        } else {
            print_variant_scores(&k);
        }
    }
    fh_buf_free(&k.miss_json);
    free(data);
    return code;
}
