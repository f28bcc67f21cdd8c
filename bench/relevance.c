/* relevance.c - fihris-bench relevance: index a test collection, run its
 * queries into a TREC run and print the measures eval.py prints (MAP,
 * nDCG@10, P@10, Recall@100, MRR@10). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bench.h"
#include "console.h"
#include "evaluate.h"
#include "run.h"

/* Run every query of a test collection against an index of its documents
 * and write a TREC run ("qid Q0 docid rank score fihris", up to 1,000 hits)
 * to out. The docid is the JSONL id (after the last '#' of the key). */
/* Say how many lines of the queries file at path (its text) are not
 * QID<TAB>QUERY, before the pages are indexed. Returns 0, or 66 when no
 * line is a query (70 out of memory), said on stderr. */
static int check_queries(const char *path, const char *text)
{
    char *copy = strdup(text);
    if (copy == NULL) {
        fputs("fihris-bench: out of memory\n", stderr);
        return 70;
    }
    size_t good = 0, bad = 0;
    char *cursor = copy;
    for (char *line; (line = fh_bench__next_line(&cursor)) != NULL;) {
        if (strchr(line, '\t') != NULL)
            good++;
        else
            bad++;
    }
    free(copy);
    if (bad > 0)
        fprintf(stderr, "fihris-bench: %s: %zu line%s without QID<TAB>QUERY left out\n", path, bad,
                bad == 1 ? "" : "s");
    if (good > 0)
        return 0;
    fprintf(stderr, "fihris-bench: %s: no queries in it\n", path);
    return 66;
}

static int write_run(const char *db, char *queries, const fh_search_request *base, FILE *out,
                     size_t *n_queries)
{
    fh_searcher *s = NULL;
    if (fh_bench__open_searcher(db, &s) != 0)
        return 2;
    fh_search_request req = *base;
    char *cursor = queries;
    *n_queries = 0;
    for (char *line; (line = fh_bench__next_line(&cursor)) != NULL;) {
        char *tab = strchr(line, '\t');
        if (tab == NULL)
            continue;
        *tab = '\0';
        req.query = tab + 1;
        req.query_len = strlen(req.query);
        (*n_queries)++;
        fh_search_response *r = NULL;
        if (fh_searcher_search(s, &req, &r, NULL) != FH_OK)
            continue; /* nothing to search for: no line, as trec_eval expects */
        for (size_t h = 0; h < r->n_hits; h++) {
            const fh_record *rec = &r->hits[h].record;
            const char *hash = memchr(rec->key, '#', rec->key_len);
            const char *id = rec->key;
            for (const char *p = hash; p;
                 p = memchr(p + 1, '#', rec->key_len - (size_t)(p + 1 - rec->key)))
                id = p + 1;
            fprintf(out, "%s Q0 %.*s %zu %.6f fihris\n", line,
                    (int)(rec->key_len - (size_t)(id - rec->key)), id, h + 1, r->hits[h].score);
        }
        fh_search_response_free(r);
    }
    fh_searcher_close(s);
    return 0;
}

/* Index the test collection docs (a JSONL file) into db, as fihris-index
 * would. Returns fihris-index's exit code. */
static int index_collection(const char *docs, const char *db, const fh_analyzer_opts *analyzer)
{
    fh_index_opts opts;
    fh_index_opts_init(&opts);
    const char *sources[1] = {docs};
    opts.db_path = db;
    opts.sources = sources;
    opts.n_sources = 1;
    opts.analyzer = *analyzer;
    opts.max_file_size = UINT64_MAX;
    fh_index_report rep;
    fh_console console;
    fh_console_attach(&console, stdout, stderr, &opts);
    console.name = "fihris-bench";
    return fh_console_exit_code(fh_index_run(&opts, &rep));
}

/* Print the settings of a relevance run and its measures, as two lines
 * of text or one JSON object. */
static void print_relevance(const fh_search_request *req, size_t n_queries,
                            const fh_eval_result *result, int json)
{
    int any = req->mode == FH_MATCH_ANY;
    double b = any ? req->bm25_b_any : req->bm25.bm25_b;
    double b_arabic = any ? req->bm25_b_any_arabic : b;
    double title_weight = any ? req->query_opts.title_weight_any : req->query_opts.title_weight;
    int expanded = any && req->expand_docs > 0 && req->expand_terms > 0;
    const fh_eval_metrics *m = &result->all;
    if (json) {
        printf("{\"queries\":%zu,\"judged\":%zu,\"k1\":%.4g,\"b\":%.4g,\"b_arabic\":%.4g,"
               "\"title_weight\":%.4g,\"words\":\"%s\",\"expand_docs\":%u,"
               "\"expand_docs_arabic\":%u,\"expand_terms\":%u,\"expand_weight\":%.4g,"
               "\"map\":%.4f,\"ndcg10\":%.4f,\"p10\":%.4f,\"recall100\":%.4f,\"mrr10\":%.4f}\n",
               n_queries, result->num_q, req->bm25.bm25_k1, b, b_arabic, title_weight,
               any ? "any" : "all", expanded ? req->expand_docs : 0,
               expanded ? req->expand_docs_arabic : 0, expanded ? req->expand_terms : 0,
               expanded ? req->expand_weight : 0, m->map, m->ndcg_10, m->p_10, m->recall_100,
               m->mrr_10);
        return;
    }
    printf("relevance  %zu queries (%zu judged)  k1 %.2f  b %.2f  title weight %.2f  %s words",
           n_queries, result->num_q, req->bm25.bm25_k1, b, title_weight, any ? "any" : "all");
    if (b_arabic != b)
        printf(" (b %.2f in Arabic)", b_arabic);
    if (expanded)
        printf("  expanded from %u results (%u terms, weight %.2f; %u in Arabic)", req->expand_docs,
               req->expand_terms, req->expand_weight, req->expand_docs_arabic);
    putchar('\n');
    printf("  MAP %.4f  nDCG@10 %.4f  P@10 %.4f  Recall@100 %.4f  MRR@10 %.4f\n", m->map,
           m->ndcg_10, m->p_10, m->recall_100, m->mrr_10);
}

/* Index the collection docs (into keep, when it names a folder that holds
 * no index yet, else a temporary one), run the queries into the run file
 * (run_path, or a temporary one), evaluate it against the qrels and print
 * the measures. Returns the exit code. */
static int run_relevance(const char *docs, const char *queries, const char *qrels_path,
                         const char *run_path, const char *keep, const fh_analyzer_opts *analyzer,
                         const fh_search_request *reqp, int json)
{
    fh_search_request req = *reqp;
    char *qtext = NULL, *errmsg = NULL;
    size_t qlen = 0;
    fh_eval_qrels *qrels = NULL;
    fh_eval_run *run = NULL;
    fh_eval_result *result = NULL;
    FILE *out = NULL;
    int code = 0;
    char tmp[] = "/tmp/fihris-relevance.XXXXXX";
    char db[512], run_file[600];
    if (mkdtemp(tmp) == NULL) {
        perror("fihris-bench: mkdtemp");
        return 73;
    }
    snprintf(db, sizeof db, "%s", keep ? keep : tmp);
    if (!keep)
        snprintf(db, sizeof db, "%s/index", tmp);
    snprintf(run_file, sizeof run_file, "%s", run_path ? run_path : tmp);
    if (!run_path)
        snprintf(run_file, sizeof run_file, "%s/run.txt", tmp);
    code = fh_bench__read_input(queries, &qtext, &qlen);
    if (code == 0)
        code = check_queries(queries, qtext);
    if (code != 0)
        goto out;
    fh_status loaded = fh_eval_qrels_load_file(qrels_path, &qrels, &errmsg);
    if (loaded != FH_OK) {
        fprintf(stderr, "fihris-bench: %s\n", errmsg ? errmsg : qrels_path);
        /* A file that cannot be read is 66, as --queries; bad lines 65. */
        code = loaded == FH_ERR_NOTFOUND || loaded == FH_ERR_IO ? 66 : 65;
        goto out;
    }
    struct stat st;
    if (!keep || stat(db, &st) != 0) {
        code = index_collection(docs, db, analyzer);
        if (code != 0)
            goto out;
    }
    out = fopen(run_file, "w");
    if (out == NULL) {
        fprintf(stderr, "fihris-bench: %s: %s\n", run_file, strerror(errno));
        code = 73;
        goto out;
    }
    size_t n_queries = 0;
    code = write_run(db, qtext, &req, out, &n_queries);
    if (fclose(out) != 0 && code == 0)
        code = 74;
    out = NULL;
    if (code != 0)
        goto out;
    if (fh_eval_run_load_file(run_file, &run, &errmsg) != FH_OK ||
        fh_eval_compute(qrels, run, 0, &result) != FH_OK) {
        fprintf(stderr, "fihris-bench: %s\n", errmsg ? errmsg : "cannot evaluate the run");
        code = 65;
        goto out;
    }
    print_relevance(&req, n_queries, result, json);
out:
    if (out)
        fclose(out);
    fh_eval_free(result);
    fh_eval_run_free(run);
    fh_eval_qrels_free(qrels);
    free(errmsg);
    free(qtext);
    if (!keep)
        fh_bench__remove_folder(db);
    if (!run_path)
        unlink(run_file);
    rmdir(tmp);
    return code;
}

int fh_bench__relevance(int argc, char **argv)
{
    static const struct option options[] = {{"docs", required_argument, NULL, 'd'},
                                            {"queries", required_argument, NULL, 'q'},
                                            {"qrels", required_argument, NULL, 'r'},
                                            {"run", required_argument, NULL, 'o'},
                                            FH_BENCH_RANKING_OPTIONS,
                                            {"all", no_argument, NULL, 'a'},
                                            {"keep", required_argument, NULL, 'K'},
                                            {"english", required_argument, NULL, 'E'},
                                            {"arabic", required_argument, NULL, 'A'},
                                            {"format", required_argument, NULL, 'f'},
                                            {NULL, 0, NULL, 0}};
    const char *docs = NULL, *queries = NULL, *qrels_path = NULL, *run_path = NULL, *keep = NULL;
    fh_analyzer_opts analyzer;
    fh_analyzer_opts_init(&analyzer);
    fh_search_request req;
    fh_search_request_init(&req);
    req.mode = FH_MATCH_ANY; /* long natural-language queries */
    req.expand_docs = FH_EXPAND_DOCS;
    req.limit = 1000;
    req.snippets = 0;
    req.query_opts.max_terms = 1024;
    int c, json = 0;
    while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        if (fh_bench__ranking_option(c, optarg, &req))
            continue;
        switch (c) {
        case 'd':
            docs = optarg;
            break;
        case 'q':
            queries = optarg;
            break;
        case 'r':
            qrels_path = optarg;
            break;
        case 'o':
            run_path = optarg;
            break;
        case 'a':
            req.mode = FH_MATCH_ALL;
            break;
        case 'K':
            keep = optarg;
            break;
        case 'E':
        case 'A':
            if (fh_bench__analyzer_option(c, optarg, &analyzer) != 0)
                return 64;
            break;
        case 'f':
            if (fh_bench__format_option(optarg, &json) != 0)
                return 64;
            break;
        default:
            return fh_bench__bad_option("relevance", c, argv);
        }
    }
    if (docs == NULL || docs[0] == '\0')
        return fh_bench__usage_error("relevance", docs ? "--docs takes a path, not an empty one"
                                                       : "--docs DOCS.jsonl is missing");
    if (queries == NULL || queries[0] == '\0')
        return fh_bench__usage_error("relevance", queries
                                                      ? "--queries takes a path, not an empty one"
                                                      : "--queries QUERIES.tsv is missing");
    if (qrels_path == NULL || qrels_path[0] == '\0')
        return fh_bench__usage_error("relevance", qrels_path
                                                      ? "--qrels takes a path, not an empty one"
                                                      : "--qrels QRELS is missing");
    if (optind < argc)
        return fh_bench__extra_argument("relevance", argv[optind]);
    return run_relevance(docs, queries, qrels_path, run_path, keep, &analyzer, &req, json);
}
