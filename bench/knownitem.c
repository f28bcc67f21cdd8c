/* knownitem.c - fihris-bench knownitem: MRR@10 and success@10 of
 * known-item queries (each names the one page it looks for), by variant. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"

#define MAX_VARIANTS 32

typedef struct variant_score {
    char name[32];
    char lang[8];
    size_t queries;
    double rr_sum; /* reciprocal rank within the top 10 */
    size_t found;  /* in the top 10 */
} variant_score;

/* Does the result's path name doc, a path relative to the corpus folder? */
static int same_doc(const fh_record *r, const char *doc)
{
    size_t n = strlen(doc);
    return r->path_len > n && memcmp(r->path + r->path_len - n, doc, n) == 0 &&
           r->path[r->path_len - n - 1] == '/';
}

/* Run each known-item query of data (the file's text, cut up in place)
 * and score its rank by variant into v (MAX_VARIANTS). With misses, print
 * each query whose page is not first. Returns the number of variants. */
static size_t score_known_items(fh_searcher *s, char *data, fh_search_request *req, int misses,
                                variant_score *v)
{
    size_t nv = 0;
    char *cursor = data;
    for (char *line; (line = fh_bench__next_line(&cursor)) != NULL;) {
        /* qid, lang, variant, doc, query */
        char *f[5];
        int k = 0;
        for (char *p = line; k < 5; k++) {
            f[k] = p;
            char *tab = k < 4 ? strchr(p, '\t') : NULL;
            if (k < 4 && tab == NULL)
                break;
            if (tab) {
                *tab = '\0';
                p = tab + 1;
            }
        }
        if (k < 5 || strcmp(f[0], "qid") == 0)
            continue;
        size_t i = 0;
        while (i < nv && strcmp(v[i].name, f[2]) != 0)
            i++;
        if (i == nv) {
            if (nv == MAX_VARIANTS)
                continue;
            memset(&v[nv], 0, sizeof v[nv]);
            snprintf(v[nv].name, sizeof v[nv].name, "%s", f[2]);
            snprintf(v[nv].lang, sizeof v[nv].lang, "%s", f[1]);
            nv++;
        }
        v[i].queries++;
        req->query = f[4];
        req->query_len = strlen(f[4]);
        fh_search_response *r = NULL;
        size_t rank = 0;
        if (fh_searcher_search(s, req, &r, NULL) == FH_OK) {
            for (size_t h = 0; h < r->n_hits; h++) {
                if (same_doc(&r->hits[h].record, f[3])) {
                    rank = h + 1;
                    break;
                }
            }
            fh_search_response_free(r);
        }
        if (rank) {
            v[i].rr_sum += 1.0 / (double)rank;
            v[i].found++;
        }
        if (misses && rank != 1)
            printf("%s\t%s\t%s\t%s\t%s\n", rank ? "rank" : "miss", f[0], f[2], f[3], f[4]);
    }
    return nv;
}

/* Print MRR@10 and success@10 of each variant, as a table or JSON. */
static void print_variant_scores(const variant_score *v, size_t nv, int json)
{
    if (json)
        printf("{\"variants\":[");
    else
        printf("%-14s %-4s %8s %8s %12s\n", "variant", "lang", "queries", "MRR@10", "success@10");
    for (size_t i = 0; i < nv; i++) {
        double mrr = v[i].queries ? v[i].rr_sum / (double)v[i].queries : 0;
        double succ = v[i].queries ? (double)v[i].found / (double)v[i].queries : 0;
        if (json)
            printf("%s{\"variant\":\"%s\",\"lang\":\"%s\",\"queries\":%zu,\"mrr10\":%.4f,"
                   "\"success10\":%.4f}",
                   i ? "," : "", v[i].name, v[i].lang, v[i].queries, mrr, succ);
        else
            printf("%-14s %-4s %8zu %8.4f %12.4f\n", v[i].name, v[i].lang, v[i].queries, mrr, succ);
    }
    if (json)
        printf("]}\n");
}

int fh_bench__knownitem(int argc, char **argv)
{
    static const struct option options[] = {{"db", required_argument, NULL, 'd'},
                                            {"queries", required_argument, NULL, 'q'},
                                            {"format", required_argument, NULL, 'f'},
                                            {"misses", no_argument, NULL, 'm'},
                                            {"title-weight", required_argument, NULL, 't'},
                                            {"proximity", required_argument, NULL, 'P'},
                                            {"coverage", required_argument, NULL, 'C'},
                                            {"word-forms", required_argument, NULL, 'V'},
                                            {"exact", required_argument, NULL, 'X'},
                                            {"expand", required_argument, NULL, 'F'},
                                            {"expand-terms", required_argument, NULL, 'G'},
                                            {"expand-weight", required_argument, NULL, 'H'},
                                            {"k1", required_argument, NULL, 'k'},
                                            {"b", required_argument, NULL, 'b'},
                                            {"any", no_argument, NULL, 'a'},
                                            {NULL, 0, NULL, 0}};
    const char *db = NULL, *file = NULL;
    int json = 0, misses = 0, c;
    fh_search_request req;
    fh_search_request_init(&req);
    req.snippets = 0;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (c == 'd')
            db = optarg;
        else if (c == 'q')
            file = optarg;
        else if (c == 'f')
            json = strcmp(optarg, "json") == 0;
        else if (c == 'm')
            misses = 1;
        else if (fh_bench__ranking_option(c, optarg, &req))
            continue;
        else if (c == 'a')
            req.mode = FH_MATCH_ANY;
        else
            return 64;
    }
    if (db == NULL || file == NULL) {
        fh_bench__usage(stderr);
        return 64;
    }
    char *data = NULL;
    size_t len = 0;
    if (fh_bench__read_file(file, &data, &len) != 0) {
        fprintf(stderr, "fihris-bench: %s: cannot read\n", file);
        return 66;
    }
    fh_searcher *s = NULL;
    char *msg = NULL;
    const char *paths[1] = {db};
    if (fh_searcher_open(paths, 1, NULL, &s, &msg) != FH_OK) {
        fprintf(stderr, "fihris-bench: %s: %s\n", db, msg ? msg : "cannot open");
        free(msg);
        free(data);
        return 2;
    }
    variant_score v[MAX_VARIANTS];
    size_t nv = score_known_items(s, data, &req, misses, v);
    fh_searcher_close(s);
    free(data);
    print_variant_scores(v, nv, json);
    return 0;
}
