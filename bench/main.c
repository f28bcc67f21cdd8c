/* main.c - fihris-bench: how fast fihris analyzes, indexes and answers.
 *
 *   fihris-bench analyze FILE|DIR          analyzer MB/s and tokens/s
 *   fihris-bench index --corpus DIR|FILE   a fresh index: MB/s, pages/s, memory, size
 *   fihris-bench query --db DIR --queries FILE   latency percentiles and QPS
 *
 * Every figure is measured in-process with a monotonic clock; nothing here
 * is a test, and nothing fails on time. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "analyzer.h"
#include "evaluate.h"
#include "buf.h"
#include "escape.h"
#include "normalize.h"
#include "page.h"
#include "console.h"
#include "run.h"
#include "search.h"
#include "stem.h"

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void usage(FILE *out)
{
    fputs("usage: fihris-bench analyze [--format text|json] FILE|DIR\n"
          "       fihris-bench index --corpus DIR|FILE [--jobs N] [--threads N] [--keep DIR]\n"
          "                          [--english S] [--arabic S] [--fold-hamza]\n"
          "                          [--format text|json]\n"
          "       fihris-bench query --db DIR --queries FILE [--snippets] [--limit N]\n"
          "                          [--repeat N] [--warmup N] [--threads N]\n"
          "                          [--format text|json]\n"
          "       fihris-bench relevance --docs DOCS.jsonl --queries QUERIES.tsv --qrels QRELS\n"
          "                          [--run OUT] [--k1 K] [--b B] [--title-weight W]\n"
          "                          [--expand DOCS] [--expand-terms N] [--expand-weight W]\n"
          "                          [--english english|porter|none] [--arabic "
          "fihris|light10|snowball|none]\n"
          "       fihris-bench knownitem --db DIR --queries KNOWNITEM.tsv [--misses] [--any]\n"
          "                          [--k1 K] [--b B] [--title-weight W] [--format text|json]\n"
          "Query files hold one query a line, or LANG<TAB>QUERY lines; known-item files\n"
          "QID<TAB>LANG<TAB>VARIANT<TAB>DOC<TAB>QUERY lines, DOC relative to the corpus.\n"
          "relevance matches any word and expands each query with the words that mark its\n"
          "first 6 results (pseudo-relevance feedback; --expand 0 turns it off).\n",
          out);
}

static int read_file(const char *path, char **data, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    fh_buf b = FH_BUF_INIT;
    char chunk[65536];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fh_buf_append(&b, chunk, n);
    int bad = ferror(f);
    fclose(f);
    *data = fh_buf_detach(&b, len);
    return bad || *data == NULL ? -1 : 0;
}

/* ---- analyze ------------------------------------------------------------- */

typedef struct analyze_totals {
    int progress; /* draw a progress line on stderr */
    fh_analyzer *analyzer;
    uint64_t bytes, tokens, pages;
    double seconds;
} analyze_totals;

static int count_token(void *ctx, const fh_token *t)
{
    (void)t;
    ++*(uint64_t *)ctx;
    return 0;
}

static void analyze_page(analyze_totals *t, const fh_page *p)
{
    double t0 = now_seconds();
    uint32_t next = 1;
    fh_analyzer_run(t->analyzer, p->title, p->title_len, FH_ANALYZE_DOCUMENT, 1, count_token,
                    &t->tokens, &next);
    fh_analyzer_run(t->analyzer, p->text, p->text_len, FH_ANALYZE_DOCUMENT, next + 1, count_token,
                    &t->tokens, NULL);
    t->seconds += now_seconds() - t0;
    t->bytes += p->title_len + p->text_len;
    t->pages++;
    if (t->progress && t->pages % 1000 == 0)
        fprintf(stderr, "\ranalyze  %llu pages  %.1f MB", (unsigned long long)t->pages,
                (double)t->bytes / 1e6);
}

static int analyze_jsonl_page(void *ctx, const fh_page *page, size_t line_no)
{
    (void)line_no;
    analyze_page(ctx, page);
    return 0;
}

static void analyze_path(analyze_totals *t, const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        if (d == NULL)
            return;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (e->d_name[0] == '.')
                continue;
            fh_buf child = FH_BUF_INIT;
            fh_buf_printf(&child, "%s/%s", path, e->d_name);
            if (fh_buf_status(&child) == FH_OK)
                analyze_path(t, child.data);
            fh_buf_free(&child);
        }
        closedir(d);
        return;
    }
    fh_page_format format = fh_page_format_of(path);
    if (format == FH_FORMAT_UNKNOWN)
        return;
    char *data = NULL;
    size_t len = 0;
    if (read_file(path, &data, &len) != 0)
        return;
    if (format == FH_FORMAT_JSONL) {
        fh_page_read_jsonl(data, len, analyze_jsonl_page, NULL, t);
    } else {
        fh_page page;
        memset(&page, 0, sizeof page);
        int rc = format == FH_FORMAT_HTML ? fh_page_read_html(data, len, &page)
                                          : fh_page_read_txt(data, len, &page);
        if (rc == FH_OK)
            analyze_page(t, &page);
        fh_page_clear(&page);
    }
    free(data);
}

static int cmd_analyze(int argc, char **argv)
{
    static const struct option options[] = {{"format", required_argument, NULL, 'f'},
                                            {NULL, 0, NULL, 0}};
    int json = 0, c;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (c != 'f')
            return 64;
        json = strcmp(optarg, "json") == 0;
    }
    if (optind + 1 != argc) {
        usage(stderr);
        return 64;
    }
    analyze_totals t;
    memset(&t, 0, sizeof t);
    if (fh_analyzer_new(NULL, &t.analyzer) != FH_OK) {
        fputs("fihris-bench: cannot start the analyzer\n", stderr);
        return 70;
    }
    t.progress = isatty(STDERR_FILENO);
    analyze_path(&t, argv[optind]);
    if (t.progress)
        fputs("\r\033[K", stderr);
    fh_analyzer_free(t.analyzer);
    if (t.pages == 0) {
        fprintf(stderr, "fihris-bench: %s: no pages found\n", argv[optind]);
        return 66;
    }
    double mbs = t.seconds > 0 ? (double)t.bytes / 1e6 / t.seconds : 0;
    double tps = t.seconds > 0 ? (double)t.tokens / t.seconds : 0;
    if (json)
        printf("{\"pages\":%llu,\"bytes\":%llu,\"tokens\":%llu,\"seconds\":%.3f,"
               "\"mb_per_s\":%.2f,\"tokens_per_s\":%.0f}\n",
               (unsigned long long)t.pages, (unsigned long long)t.bytes,
               (unsigned long long)t.tokens, t.seconds, mbs, tps);
    else
        printf("analyze  %llu pages  %.1f MB  %llu tokens  %.2f s  %.1f MB/s  %.2f M tokens/s "
               "(one thread)\n",
               (unsigned long long)t.pages, (double)t.bytes / 1e6, (unsigned long long)t.tokens,
               t.seconds, mbs, tps / 1e6);
    return 0;
}

/* ---- index --------------------------------------------------------------- */

/* Bytes of the files under path (an index folder and its shard folders). */
static uint64_t folder_bytes(const char *path)
{
    uint64_t total = 0;
    DIR *d = opendir(path);
    if (d == NULL)
        return 0;
    struct dirent *e;
    struct stat st;
    char sub[4096];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0)
            continue;
        if (S_ISREG(st.st_mode))
            total += (uint64_t)st.st_size;
        else if (S_ISDIR(st.st_mode) &&
                 snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < (int)sizeof sub)
            total += folder_bytes(sub);
    }
    closedir(d);
    return total;
}

/* Remove an index folder: its files and its (flat) shard folders. */
static void remove_folder(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return;
    struct dirent *e;
    struct stat st;
    char sub[4096];
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) &&
            snprintf(sub, sizeof sub, "%s/%s", path, e->d_name) < (int)sizeof sub)
            remove_folder(sub);
        else
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
    rmdir(path);
}

/* The analyzer options of index and relevance: --english (E), --arabic
 * (A), --fold-hamza (H). Returns 0, or -1 with a line on stderr. */
static int analyzer_option(int c, const char *arg, fh_analyzer_opts *analyzer)
{
    if (c == 'E' && fh_english_stemmer_parse(arg, &analyzer->english) != FH_OK) {
        fprintf(stderr, "fihris-bench: --english is english, porter or none\n");
        return -1;
    }
    if (c == 'A' && fh_arabic_stemmer_parse(arg, &analyzer->arabic) != FH_OK) {
        fprintf(stderr, "fihris-bench: --arabic is fihris, light10, snowball or none\n");
        return -1;
    }
    if (c == 'H')
        analyzer->normalize_flags |= FH_NORMALIZE_FOLD_HAMZA_SEATS;
    return 0;
}

static int cmd_index(int argc, char **argv)
{
    static const struct option options[] = {{"corpus", required_argument, NULL, 'c'},
                                            {"threads", required_argument, NULL, 't'},
                                            {"jobs", required_argument, NULL, 'j'},
                                            {"keep", required_argument, NULL, 'k'},
                                            {"format", required_argument, NULL, 'f'},
                                            {"english", required_argument, NULL, 'E'},
                                            {"arabic", required_argument, NULL, 'A'},
                                            {"fold-hamza", no_argument, NULL, 'H'},
                                            {NULL, 0, NULL, 0}};
    const char *corpus = NULL, *keep = NULL;
    int json = 0, c;
    fh_analyzer_opts analyzer;
    fh_analyzer_opts_init(&analyzer);
    unsigned threads = 0, jobs = 0;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 'c':
            corpus = optarg;
            break;
        case 't':
            threads = (unsigned)atoi(optarg);
            break;
        case 'j':
            jobs = (unsigned)atoi(optarg);
            if (jobs < 1 || jobs > 64) {
                fprintf(stderr, "fihris-bench: --jobs takes a number of shards from 1 to 64\n");
                return 64;
            }
            break;
        case 'E':
        case 'A':
        case 'H':
            if (analyzer_option(c, optarg, &analyzer) != 0)
                return 64;
            break;
        case 'k':
            keep = optarg;
            break;
        case 'f':
            json = strcmp(optarg, "json") == 0;
            break;
        default:
            usage(stderr);
            return 64;
        }
    }
    if (corpus == NULL) {
        usage(stderr);
        return 64;
    }
    char tmp[] = "/tmp/fihris-bench.XXXXXX";
    char db[256];
    if (keep) {
        snprintf(db, sizeof db, "%s", keep);
    } else {
        if (mkdtemp(tmp) == NULL) {
            perror("fihris-bench: mkdtemp");
            return 73;
        }
        snprintf(db, sizeof db, "%s/index", tmp);
    }
    fh_index_opts opts;
    fh_index_opts_init(&opts);
    const char *sources[1] = {corpus};
    opts.db_path = db;
    opts.sources = sources;
    opts.n_sources = 1;
    opts.threads = threads;
    opts.analyzer = analyzer;
    opts.shards = jobs;
    opts.progress = isatty(STDERR_FILENO);
    opts.max_file_size = UINT64_MAX;
    fh_index_report rep;
    fh_console console;
    fh_console_attach(&console, stdout, stderr, &opts);
    int code = fh_console_exit_code(fh_index_run(&opts, &rep));
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    uint64_t size = folder_bytes(db);
    double mb = (double)rep.bytes_read / 1e6;
    if (json)
        printf("{\"pages\":%llu,\"mb\":%.2f,\"seconds\":%.3f,\"mb_per_s\":%.3f,"
               "\"pages_per_s\":%.1f,\"peak_rss_mb\":%.1f,\"index_mb\":%.1f,\"exit\":%d}\n",
               (unsigned long long)rep.pages_read, mb, rep.seconds, mb / rep.seconds,
               (double)rep.pages_read / rep.seconds, (double)ru.ru_maxrss / 1024.0,
               (double)size / 1e6, code);
    else
        printf("index  %llu pages  %.1f MB  %.1f s  %.2f MB/s  %.0f pages/s  peak memory %.0f MB"
               "  index %.1f MB%s\n",
               (unsigned long long)rep.pages_read, mb, rep.seconds, mb / rep.seconds,
               (double)rep.pages_read / rep.seconds, (double)ru.ru_maxrss / 1024.0,
               (double)size / 1e6, code ? "  (the run failed)" : "");
    if (!keep) {
        remove_folder(db);
        rmdir(tmp);
    }
    return code;
}

/* ---- query --------------------------------------------------------------- */

typedef struct query_set {
    char **queries;
    size_t n;
} query_set;

static int load_queries(const char *path, query_set *qs)
{
    char *data = NULL;
    size_t len = 0;
    if (read_file(path, &data, &len) != 0)
        return -1;
    size_t cap = 0;
    qs->n = 0;
    qs->queries = NULL;
    for (char *line = strtok(data, "\n"); line; line = strtok(NULL, "\n")) {
        char *tab = strchr(line, '\t');
        char *q = tab ? tab + 1 : line;
        size_t n = strlen(q);
        while (n && (q[n - 1] == '\r' || q[n - 1] == ' '))
            q[--n] = '\0';
        if (n == 0)
            continue;
        if (qs->n == cap) {
            cap = cap ? cap * 2 : 256;
            char **p = realloc(qs->queries, cap * sizeof *p);
            if (p == NULL)
                break;
            qs->queries = p;
        }
        qs->queries[qs->n++] = strdup(q);
    }
    free(data);
    return qs->n ? 0 : -1;
}

typedef struct query_run {
    int progress; /* draw a progress line on stderr (one thread does) */
    const char *db;
    const query_set *qs;
    int snippets;
    uint32_t limit;
    const fh_search_request *base; /* the ranking options */
    unsigned repeat, warmup;
    double *latency, *search_ms, *snippet_ms; /* one per query run (thread 0) */
    uint64_t hits, zero_hit;
    size_t runs;
    double seconds;
    int failed;
} query_run;

static void *query_thread(void *arg)
{
    query_run *q = arg;
    fh_searcher *s = NULL;
    char *msg = NULL;
    const char *paths[1] = {q->db};
    if (fh_searcher_open(paths, 1, NULL, &s, &msg) != FH_OK) {
        fprintf(stderr, "fihris-bench: %s: %s\n", q->db, msg ? msg : "cannot open");
        free(msg);
        q->failed = 1;
        return NULL;
    }
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
    double t0 = now_seconds();
    for (unsigned rep = 0; rep < q->repeat; rep++) {
        for (size_t i = 0; i < q->qs->n; i++) {
            fh_search_response *r = NULL;
            req.query = q->qs->queries[i];
            req.query_len = strlen(req.query);
            double a = now_seconds();
            int rc = fh_searcher_search(s, &req, &r, NULL);
            double b = now_seconds();
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
    q->seconds = now_seconds() - t0;
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

static int ranking_option(int c, const char *arg, fh_search_request *req);

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
    if (json) {
        printf("{\"queries\":%zu,\"runs\":%zu,\"threads\":%ld,\"snippets\":%s,\"hits\":%llu,"
               "\"zero_hit\":%llu,\"qps\":%.1f,\"mean_ms\":%.4f,\"p50_ms\":%.4f,\"p95_ms\":%.4f,"
               "\"p99_ms\":%.4f,\"max_ms\":%.4f,\"search_p50_ms\":%.4f,\"search_mean_ms\":%.4f,"
               "\"snippet_p50_ms\":%.4f,\"snippet_mean_ms\":%.4f}\n",
               n_queries, r->runs, threads, snippets ? "true" : "false",
               (unsigned long long)r->hits, (unsigned long long)r->zero_hit, qps, mean, p50, p95,
               p99, max, percentile(r->search_ms, r->runs, 50), mean_search,
               percentile(r->snippet_ms, r->runs, 50), mean_snip);
    } else {
        printf("query  %zu queries x %ld  %s  %ld thread%s\n", n_queries, repeat,
               snippets ? "with snippets" : "no snippets", threads, threads > 1 ? "s" : "");
        /* Counted once per pass over the file. */
        printf("  hits %llu  zero-hit queries %llu\n",
               (unsigned long long)(r->hits / (uint64_t)repeat),
               (unsigned long long)(r->zero_hit / (uint64_t)repeat));
        printf("  QPS %.0f  mean %.3f ms  p50 %.3f  p95 %.3f  p99 %.3f  max %.3f ms\n", qps, mean,
               p50, p95, p99, max);
        printf("  search p50 %.3f ms (mean %.3f)  snippets p50 %.3f ms (mean %.3f)\n",
               percentile(r->search_ms, r->runs, 50), mean_search,
               percentile(r->snippet_ms, r->runs, 50), mean_snip);
    }
}

static int cmd_query(int argc, char **argv)
{
    static const struct option options[] = {{"db", required_argument, NULL, 'd'},
                                            {"queries", required_argument, NULL, 'q'},
                                            {"snippets", no_argument, NULL, 's'},
                                            {"limit", required_argument, NULL, 'l'},
                                            {"repeat", required_argument, NULL, 'r'},
                                            {"warmup", required_argument, NULL, 'w'},
                                            {"threads", required_argument, NULL, 't'},
                                            {"format", required_argument, NULL, 'f'},
                                            {"title-weight", required_argument, NULL, 'T'},
                                            {"proximity", required_argument, NULL, 'P'},
                                            {"coverage", required_argument, NULL, 'C'},
                                            {"word-forms", required_argument, NULL, 'V'},
                                            {"exact", required_argument, NULL, 'X'},
                                            {NULL, 0, NULL, 0}};
    const char *db = NULL, *file = NULL;
    int snippets = 0, json = 0, c;
    long limit = 10, repeat = 1, warmup = 1, threads = 1;
    fh_search_request base;
    fh_search_request_init(&base);
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (c == 'T') {
            base.query_opts.title_weight = atof(optarg);
            continue;
        }
        if (c != 't' && ranking_option(c, optarg, &base))
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
            limit = atol(optarg);
            break;
        case 'r':
            repeat = atol(optarg);
            break;
        case 'w':
            warmup = atol(optarg);
            break;
        case 't':
            threads = atol(optarg);
            break;
        case 'f':
            json = strcmp(optarg, "json") == 0;
            break;
        default:
            usage(stderr);
            return 64;
        }
    }
    if (db == NULL || file == NULL || limit < 1 || repeat < 1 || warmup < 0 || threads < 1 ||
        threads > 64) {
        usage(stderr);
        return 64;
    }
    query_set qs;
    if (load_queries(file, &qs) != 0) {
        fprintf(stderr, "fihris-bench: %s: no queries read\n", file);
        return 66;
    }
    query_run *runs = calloc((size_t)threads, sizeof *runs);
    pthread_t *tids = calloc((size_t)threads, sizeof *tids);
    size_t per = qs.n * (size_t)repeat;
    int code = 0;
    for (long i = 0; i < threads; i++) {
        runs[i] = (query_run){.progress = i == 0 && isatty(STDERR_FILENO),
                              .db = db,
                              .qs = &qs,
                              .snippets = snippets,
                              .limit = (uint32_t)limit,
                              .repeat = (unsigned)repeat,
                              .warmup = (unsigned)warmup,
                              .base = &base};
        runs[i].latency = calloc(per, sizeof(double));
        runs[i].search_ms = calloc(per, sizeof(double));
        runs[i].snippet_ms = calloc(per, sizeof(double));
    }
    double t0 = now_seconds();
    for (long i = 0; i < threads; i++)
        pthread_create(&tids[i], NULL, query_thread, &runs[i]);
    for (long i = 0; i < threads; i++)
        pthread_join(tids[i], NULL);
    double wall = now_seconds() - t0;
    query_run *r = &runs[0];
    if (r->failed) {
        code = 2;
        goto out;
    }
    print_query_figures(runs, threads, wall, qs.n, repeat, snippets, json);
out:
    for (long i = 0; i < threads; i++) {
        free(runs[i].latency);
        free(runs[i].search_ms);
        free(runs[i].snippet_ms);
    }
    free(runs);
    free(tids);
    for (size_t i = 0; i < qs.n; i++)
        free(qs.queries[i]);
    free(qs.queries);
    return code;
}

/* ---- relevance ----------------------------------------------------------- */

/* The ranking options that relevance and knownitem share, to tune with:
 * --k1, --b, --title-weight, --proximity, --coverage, --word-forms, --exact, --expand,
 * --expand-terms, --expand-weight. Returns 1 when c was one of them. */
static int ranking_option(int c, const char *arg, fh_search_request *req)
{
    switch (c) {
    case 'k':
        req->bm25.bm25_k1 = atof(arg);
        return 1;
    case 'b':
        req->bm25.bm25_b = req->bm25_b_any = req->bm25_b_any_arabic = atof(arg);
        return 1;
    case 't':
        req->query_opts.title_weight = req->query_opts.title_weight_any = atof(arg);
        return 1;
    case 'P':
        req->query_opts.proximity_weight = atof(arg);
        return 1;
    case 'C':
        req->query_opts.coverage_weight = atof(arg);
        return 1;
    case 'V':
        req->query_opts.word_forms = atoi(arg);
        return 1;
    case 'X':
        req->query_opts.exact_weight = atof(arg);
        return 1;
    case 'F':
        req->expand_docs = req->expand_docs_arabic = (uint32_t)atoi(arg);
        return 1;
    case 'G':
        req->expand_terms = (uint32_t)atoi(arg);
        return 1;
    case 'H':
        req->expand_weight = atof(arg);
        return 1;
    default:
        return 0;
    }
}

/* Run every query of a test collection against an index of its documents
 * and write a TREC run ("qid Q0 docid rank score fihris", up to 1,000 hits)
 * to out. The docid is the JSONL id (after the last '#' of the key). */
static int write_run(const char *db, char *queries, const fh_search_request *base, FILE *out,
                     size_t *n_queries)
{
    fh_searcher *s = NULL;
    char *msg = NULL;
    const char *paths[1] = {db};
    if (fh_searcher_open(paths, 1, NULL, &s, &msg) != FH_OK) {
        fprintf(stderr, "fihris-bench: %s: %s\n", db, msg ? msg : "cannot open");
        free(msg);
        return 2;
    }
    fh_search_request req = *base;
    char *save = NULL;
    *n_queries = 0;
    for (char *line = strtok_r(queries, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *tab = strchr(line, '\t');
        if (tab == NULL)
            continue;
        *tab = '\0';
        req.query = tab + 1;
        req.query_len = strlen(req.query);
        while (req.query_len && (req.query[req.query_len - 1] == '\r'))
            req.query_len--;
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
    return fh_console_exit_code(fh_index_run(&opts, &rep));
}

/* Print the settings of a relevance run and its measures. */
static void print_relevance(const fh_search_request *req, size_t n_queries,
                            const fh_eval_result *result)
{
    printf("relevance  %zu queries (%zu judged)  k1 %.2f  b %.2f  title weight %.2f  %s words",
           n_queries, result->num_q, req->bm25.bm25_k1,
           req->mode == FH_MATCH_ANY ? req->bm25_b_any : req->bm25.bm25_b,
           req->mode == FH_MATCH_ANY ? req->query_opts.title_weight_any
                                     : req->query_opts.title_weight,
           req->mode == FH_MATCH_ANY ? "any" : "all");
    if (req->mode == FH_MATCH_ANY && req->bm25_b_any_arabic != req->bm25_b_any)
        printf(" (b %.2f in Arabic)", req->bm25_b_any_arabic);
    if (req->mode == FH_MATCH_ANY && req->expand_docs > 0 && req->expand_terms > 0)
        printf("  expanded from %u results (%u terms, weight %.2f; %u in Arabic)", req->expand_docs,
               req->expand_terms, req->expand_weight, req->expand_docs_arabic);
    putchar('\n');
    printf("  MAP %.4f  nDCG@10 %.4f  P@10 %.4f  Recall@100 %.4f  MRR@10 %.4f\n", result->all.map,
           result->all.ndcg_10, result->all.p_10, result->all.recall_100, result->all.mrr_10);
}

/* Index the collection docs (into keep, when it names a folder that holds
 * no index yet, else a temporary one), run the queries into the run file
 * (run_path, or a temporary one), evaluate it against the qrels and print
 * the measures. Returns the exit code. */
static int run_relevance(const char *docs, const char *queries, const char *qrels_path,
                         const char *run_path, const char *keep, const fh_analyzer_opts *analyzer,
                         const fh_search_request *reqp)
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
    if (read_file(queries, &qtext, &qlen) != 0) {
        fprintf(stderr, "fihris-bench: %s: cannot read\n", queries);
        code = 66;
        goto out;
    }
    if (fh_eval_qrels_load_file(qrels_path, &qrels, &errmsg) != FH_OK) {
        fprintf(stderr, "fihris-bench: %s\n", errmsg ? errmsg : qrels_path);
        code = 65;
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
    print_relevance(&req, n_queries, result);
out:
    if (out)
        fclose(out);
    fh_eval_free(result);
    fh_eval_run_free(run);
    fh_eval_qrels_free(qrels);
    free(errmsg);
    free(qtext);
    if (!keep)
        remove_folder(db);
    if (!run_path)
        unlink(run_file);
    rmdir(tmp);
    return code;
}

static int cmd_relevance(int argc, char **argv)
{
    static const struct option options[] = {{"docs", required_argument, NULL, 'd'},
                                            {"queries", required_argument, NULL, 'q'},
                                            {"qrels", required_argument, NULL, 'r'},
                                            {"run", required_argument, NULL, 'o'},
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
                                            {"all", no_argument, NULL, 'a'},
                                            {"keep", required_argument, NULL, 'K'},
                                            {"english", required_argument, NULL, 'E'},
                                            {"arabic", required_argument, NULL, 'A'},
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
    int c;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (ranking_option(c, optarg, &req))
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
            if (analyzer_option(c, optarg, &analyzer) != 0)
                return 64;
            break;
        default:
            usage(stderr);
            return 64;
        }
    }
    if (docs == NULL || queries == NULL || qrels_path == NULL) {
        usage(stderr);
        return 64;
    }
    return run_relevance(docs, queries, qrels_path, run_path, keep, &analyzer, &req);
}

/* ---- knownitem ----------------------------------------------------------- */

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
    char *save = NULL;
    for (char *line = strtok_r(data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
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

static int cmd_knownitem(int argc, char **argv)
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
        else if (ranking_option(c, optarg, &req))
            continue;
        else if (c == 'a')
            req.mode = FH_MATCH_ANY;
        else
            return 64;
    }
    if (db == NULL || file == NULL) {
        usage(stderr);
        return 64;
    }
    char *data = NULL;
    size_t len = 0;
    if (read_file(file, &data, &len) != 0) {
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

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 64 : 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("fihris-bench %s\n", FH_VERSION);
        return 0;
    }
    const char *cmd = argv[1];
    argv[1] = argv[0];
    if (strcmp(cmd, "analyze") == 0)
        return cmd_analyze(argc - 1, argv + 1);
    if (strcmp(cmd, "index") == 0)
        return cmd_index(argc - 1, argv + 1);
    if (strcmp(cmd, "query") == 0)
        return cmd_query(argc - 1, argv + 1);
    if (strcmp(cmd, "knownitem") == 0)
        return cmd_knownitem(argc - 1, argv + 1);
    if (strcmp(cmd, "relevance") == 0)
        return cmd_relevance(argc - 1, argv + 1);
    fprintf(stderr, "fihris-bench: unknown command: %s\n", cmd);
    usage(stderr);
    return 64;
}
