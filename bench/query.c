/* query.c - fihris-bench query: latency percentiles and QPS of a query
 * file against an index, in-process, on one or more threads. */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <getopt.h>
#include <unistd.h>

#include "bench.h"
#include "query.h"
#include "status.h"

typedef struct query_set {
    char **queries;
    size_t n;
} query_set;

/* Read the queries of the file at path into qs (freed with
 * free_queries). Returns 0, or an exit code with a line on stderr: 66 when
 * the file cannot be read or holds no query, 70 when out of memory. */
static int load_queries(const char *path, query_set *qs)
{
    char *data = NULL;
    size_t len = 0, cap = 0;
    int code = fh_bench__read_input(path, &data, &len);
    qs->n = 0;
    qs->queries = NULL;
    char *cursor = data;
    for (char *line; code == 0 && (line = fh_bench__next_line(&cursor)) != NULL;) {
        char *tab = strchr(line, '\t');
        char *q = tab ? tab + 1 : line;
        if (*q == '\0')
            continue;
        if (qs->n == cap) {
            cap = cap ? cap * 2 : 256;
            char **p = realloc(qs->queries, cap * sizeof *p);
            if (p == NULL)
                code = 70;
            else
                qs->queries = p;
        }
        if (code == 0 && (qs->queries[qs->n] = strdup(q)) == NULL)
            code = 70;
        else if (code == 0)
            qs->n++;
    }
    free(data);
    if (code == 70)
        fputs("fihris-bench: out of memory\n", stderr);
    else if (code == 0 && qs->n == 0) {
        fprintf(stderr, "fihris-bench: %s: no queries in it\n", path);
        code = 66;
    }
    return code;
}

static void free_queries(query_set *qs)
{
    for (size_t i = 0; i < qs->n; i++)
        free(qs->queries[i]);
    free(qs->queries);
}

/* Whether --filter FILTER reads as written with the analyzer of s: 0, or
 * 64 with a line on stderr saying what of it was not read (a query it
 * leaves unread would time another search than the one asked for). */
static int check_filter(fh_searcher *s, const char *filter)
{
    fh_parsed_query *pq = NULL;
    char *err = NULL;
    const char *const *notes = NULL;
    fh_status rc = fh_query_parse(fh_searcher_analyzer(s), filter, strlen(filter), NULL, &pq, &err);
    size_t n = rc == FH_OK ? fh_parsed_query_notes(pq, &notes) : 0;
    int code = 0;
    const char *why = rc != FH_OK ? (err ? err : fh_status_str(rc))
                      : n > 0     ? notes[0]
                      : fh_parsed_query_has_words(pq)
                          ? "it takes filters (site:, lang:, date:), not words"
                          : NULL;
    if (why != NULL) {
        fprintf(stderr, "fihris-bench query: --filter '%s': %s\n", filter, why);
        code = 64;
    }
    free(err);
    fh_parsed_query_free(pq);
    return code;
}

/* Each query of qs with filter after it (--filter). Returns 0, or 70 out of
 * memory (qs freed). */
static int add_filter(query_set *qs, const char *filter)
{
    for (size_t i = 0; i < qs->n; i++) {
        size_t n = strlen(qs->queries[i]) + strlen(filter) + 2;
        char *both = malloc(n);
        if (both == NULL) {
            fputs("fihris-bench: out of memory\n", stderr);
            free_queries(qs);
            return 70;
        }
        snprintf(both, n, "%s %s", qs->queries[i], filter);
        free(qs->queries[i]);
        qs->queries[i] = both;
    }
    return 0;
}

typedef struct query_run {
    int progress;   /* draw a progress line on stderr (one thread does) */
    fh_searcher *s; /* the thread's own, closed by the thread */
    const query_set *qs;
    int snippets;
    uint32_t limit;
    const fh_search_request *base; /* the ranking options */
    unsigned repeat, warmup;
    double *latency, *search_ms, *snippet_ms; /* one per query run (thread 0) */
    uint64_t hits, zero_hit;
    size_t runs;
    double seconds;
} query_run;

static void *query_thread(void *arg)
{
    query_run *q = arg;
    fh_searcher *s = q->s;
    fh_search_request req = *q->base;
    req.limit = q->limit;
    req.snippets = q->snippets;
    for (unsigned w = 0; w < q->warmup; w++) {
        for (size_t i = 0; i < q->qs->n; i++) {
            fh_search_response *r = NULL;
            req.query = q->qs->queries[i];
            req.query_len = strlen(req.query);
            if (fh_searcher_search(s, &req, &r, NULL) == FH_OK)
                fh_search_response_free(r);
        }
    }
    double t0 = fh_bench__now();
    for (unsigned rep = 0; rep < q->repeat; rep++) {
        for (size_t i = 0; i < q->qs->n; i++) {
            fh_search_response *r = NULL;
            req.query = q->qs->queries[i];
            req.query_len = strlen(req.query);
            double a = fh_bench__now();
            int rc = fh_searcher_search(s, &req, &r, NULL);
            double b = fh_bench__now();
            size_t k = q->runs++;
            q->latency[k] = (b - a) * 1e3;
            if (q->progress && (k + 1) % 50 == 0)
                fprintf(stderr, "\rquery  %zu/%zu", k + 1, q->qs->n * q->repeat);
            if (rc == FH_OK) {
                q->search_ms[k] = (double)r->search_ns / 1e6;
                q->snippet_ms[k] = (double)r->snippet_ns / 1e6;
                q->hits += r->n_hits;
                q->zero_hit += r->n_hits == 0;
                fh_search_response_free(r);
            } else {
                q->search_ms[k] = q->latency[k];
                q->snippet_ms[k] = 0;
                q->zero_hit++;
            }
        }
    }
    q->seconds = fh_bench__now() - t0;
    if (q->progress)
        fputs("\r\033[K", stderr);
    fh_searcher_close(s);
    return NULL;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}

static double mean_of(const double *v, size_t n)
{
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    return n ? sum / (double)n : 0;
}

/* Print the figures of a query run: thread 0's latencies, and the
 * throughput of all threads over wall seconds. */
static void print_query_figures(query_run *runs, long threads, double wall, size_t n_queries,
                                long repeat, int snippets, int json)
{
    query_run *r = &runs[0];
    size_t total_runs = 0;
    for (long i = 0; i < threads; i++)
        total_runs += runs[i].runs;
    double qps = threads == 1 ? (double)r->runs / r->seconds : (double)total_runs / wall;
    double mean = mean_of(r->latency, r->runs);
    double mean_search = mean_of(r->search_ms, r->runs),
           mean_snip = mean_of(r->snippet_ms, r->runs);
    qsort(r->latency, r->runs, sizeof(double), compare_double);
    qsort(r->search_ms, r->runs, sizeof(double), compare_double);
    qsort(r->snippet_ms, r->runs, sizeof(double), compare_double);
    double p50 = percentile(r->latency, r->runs, 50), p95 = percentile(r->latency, r->runs, 95),
           p99 = percentile(r->latency, r->runs, 99), max = r->latency[r->runs - 1];
    double search_p50 = percentile(r->search_ms, r->runs, 50),
           snip_p50 = percentile(r->snippet_ms, r->runs, 50);
    /* Only what was measured: without --snippets, no snippet figures. */
    if (json) {
        printf("{\"queries\":%zu,\"runs\":%zu,\"threads\":%ld,\"snippets\":%s,\"hits\":%llu,"
               "\"zero_hit\":%llu,\"qps\":%.1f,\"mean_ms\":%.4f,\"p50_ms\":%.4f,\"p95_ms\":%.4f,"
               "\"p99_ms\":%.4f,\"max_ms\":%.4f,\"search_p50_ms\":%.4f,\"search_mean_ms\":%.4f",
               n_queries, r->runs, threads, snippets ? "true" : "false",
               (unsigned long long)r->hits, (unsigned long long)r->zero_hit, qps, mean, p50, p95,
               p99, max, search_p50, mean_search);
        if (snippets)
            printf(",\"snippet_p50_ms\":%.4f,\"snippet_mean_ms\":%.4f", snip_p50, mean_snip);
        printf("}\n");
    } else {
        printf("query  %zu queries x %ld  %s  %ld thread%s\n", n_queries, repeat,
               snippets ? "with snippets" : "no snippets", threads, threads > 1 ? "s" : "");
        /* Counted once per pass over the file. */
        printf("  hits %llu  zero-hit queries %llu\n",
               (unsigned long long)(r->hits / (uint64_t)repeat),
               (unsigned long long)(r->zero_hit / (uint64_t)repeat));
        printf("  QPS %.0f  mean %.3f ms  p50 %.3f  p95 %.3f  p99 %.3f  max %.3f ms\n", qps, mean,
               p50, p95, p99, max);
        printf("  search p50 %.3f ms (mean %.3f)", search_p50, mean_search);
        if (snippets)
            printf("  snippets p50 %.3f ms (mean %.3f)", snip_p50, mean_snip);
        putchar('\n');
    }
}

/* The options of fihris-bench query. */
static const struct option query_options[] = {
    {"db", required_argument, NULL, 'd'},           {"queries", required_argument, NULL, 'q'},
    {"snippets", no_argument, NULL, 's'},           {"limit", required_argument, NULL, 'l'},
    {"repeat", required_argument, NULL, 'r'},       {"warmup", required_argument, NULL, 'w'},
    {"threads", required_argument, NULL, 't'},      {"format", required_argument, NULL, 'f'},
    {"title-weight", required_argument, NULL, 'T'}, {"proximity", required_argument, NULL, 'P'},
    {"coverage", required_argument, NULL, 'C'},     {"word-forms", required_argument, NULL, 'V'},
    {"exact", required_argument, NULL, 'X'},        {"filter", required_argument, NULL, 'L'},
    {"sort", required_argument, NULL, 'S'},         {"facets", required_argument, NULL, 'A'},
    {"no-collapse", no_argument, NULL, 'N'},        {NULL, 0, NULL, 0}};

/* --sort (S), --facets (A) or --no-collapse (N) into base. Returns 0, or
 * 64 having said what is wrong. */
static int listing_option(int c, const char *arg, fh_search_request *base)
{
    if (c == 'S' && fh_search_sort_parse(arg, &base->sort) != 0)
        return fh_bench__usage_error("query", "--sort is relevance, date or -date");
    if (c == 'A' && fh_search_facets_parse(arg, base) != 0)
        return fh_bench__usage_error("query", "--facets takes site, lang, year or month, "
                                              "comma-separated, each once");
    if (c == 'N')
        base->collapse = 0;
    return 0;
}

/* A searcher of db for each of the threads' runs, opened before any
 * thread starts so that an index that cannot be opened is said once, and
 * filter (or NULL) checked with the first. Returns 0, or 2 (the index) or
 * 64 (the filter) with every searcher closed. */
static int open_searchers(query_run *runs, long threads, const char *db, const char *filter)
{
    int code = 0;
    long opened = 0;
    while (opened < threads && fh_bench__open_searcher(db, &runs[opened].s) == 0)
        opened++;
    if (opened < threads)
        code = 2;
    else if (filter != NULL)
        code = check_filter(runs[0].s, filter);
    for (long i = 0; code != 0 && i < opened; i++)
        fh_searcher_close(runs[i].s);
    return code;
}

int fh_bench__query(int argc, char **argv)
{
    const char *filter = NULL;
    const char *db = NULL, *file = NULL;
    int snippets = 0, json = 0, c;
    long limit = 10, repeat = 1, warmup = 1, threads = 1;
    fh_search_request base;
    fh_search_request_init(&base);
    while ((c = getopt_long(argc, argv, ":", query_options, NULL)) != -1) {
        if (c == 'T') {
            base.query_opts.title_weight = atof(optarg);
            continue;
        }
        if (c != 't' && fh_bench__ranking_option(c, optarg, &base))
            continue;
        switch (c) {
        case 'd':
            db = optarg;
            break;
        case 'q':
            file = optarg;
            break;
        case 's':
            snippets = 1;
            break;
        case 'l':
            if (fh_bench__number_option("query", "--limit", optarg, 1, 100000, &limit) != 0)
                return 64;
            break;
        case 'r':
            if (fh_bench__number_option("query", "--repeat", optarg, 1, 1000000, &repeat) != 0)
                return 64;
            break;
        case 'w':
            if (fh_bench__number_option("query", "--warmup", optarg, 0, 1000000, &warmup) != 0)
                return 64;
            break;
        case 't':
            if (fh_bench__number_option("query", "--threads", optarg, 1, 64, &threads) != 0)
                return 64;
            break;
        case 'f':
            if (fh_bench__format_option(optarg, &json) != 0)
                return 64;
            break;
        case 'L': /* not 'F': that is --expand, a ranking option */
            filter = optarg;
            break;
        case 'S':
        case 'A':
        case 'N':
            if (listing_option(c, optarg, &base) != 0)
                return 64;
            break;
        default:
            return fh_bench__bad_option("query", c, argv);
        }
    }
    if (db == NULL || db[0] == '\0')
        return fh_bench__usage_error("query", db ? "--db takes a path, not an empty one"
                                                 : "--db DIR is missing");
    if (file == NULL || file[0] == '\0')
        return fh_bench__usage_error("query", file ? "--queries takes a path, not an empty one"
                                                   : "--queries FILE is missing");
    if (optind < argc)
        return fh_bench__extra_argument("query", argv[optind]);
    query_set qs;
    int code = load_queries(file, &qs);
    if (code == 0 && filter != NULL)
        code = add_filter(&qs, filter);
    if (code != 0)
        return code;
    query_run *runs = calloc((size_t)threads, sizeof *runs);
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    size_t per = qs.n * (size_t)repeat;
    for (long i = 0; runs != NULL && i < threads; i++) {
        runs[i] = (query_run){.progress = i == 0 && isatty(STDERR_FILENO),
                              .qs = &qs,
                              .snippets = snippets,
                              .limit = (uint32_t)limit,
                              .repeat = (unsigned)repeat,
                              .warmup = (unsigned)warmup,
                              .base = &base};
        runs[i].latency = calloc(per, sizeof(double));
        runs[i].search_ms = calloc(per, sizeof(double));
        runs[i].snippet_ms = calloc(per, sizeof(double));
        if (!runs[i].latency || !runs[i].search_ms || !runs[i].snippet_ms)
            code = 70;
    }
    if (runs == NULL || tids == NULL || code != 0) {
        fputs("fihris-bench: out of memory\n", stderr);
        code = 70;
        goto out;
    }
    if ((code = open_searchers(runs, threads, db, filter)) != 0)
        goto out;
    double t0 = fh_bench__now();
    for (long i = 0; i < threads; i++)
        pthread_create(&tids[i], NULL, query_thread, &runs[i]);
    for (long i = 0; i < threads; i++)
        pthread_join(tids[i], NULL);
    double wall = fh_bench__now() - t0;
    print_query_figures(runs, threads, wall, qs.n, repeat, snippets, json);
out:
    for (long i = 0; runs != NULL && i < threads; i++) {
        free(runs[i].latency);
        free(runs[i].search_ms);
        free(runs[i].snippet_ms);
    }
    free(runs);
    free(tids);
    free_queries(&qs);
    return code;
}
