/* main.c - fihris-bench: how fast fihris analyzes, indexes and answers.
 *
 *   fihris-bench analyze FILE|DIR          analyzer MB/s and tokens/s
 *   fihris-bench index --corpus DIR|FILE   a fresh index: MB/s, pages/s, memory, size
 *   fihris-bench query --db DIR --queries FILE   latency percentiles and QPS
 *   fihris-bench relevance, knownitem            search quality
 *
 * Every figure is measured in-process with a monotonic clock; nothing here
 * is a test, and nothing fails on time. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "analyzer.h"
#include "bench.h"
#include "buf.h"
#include "console.h"
#include "page.h"
#include "run.h"
#include "version.h"

/* --version: fihris's version and the libraries it runs with, on stdout.
 * Returns 0, or 1 when it could not be printed. */
static int print_version(void)
{
    fh_buf v = FH_BUF_INIT;
    int bad = fh_version_describe("fihris-bench", &v) != FH_OK || fputs(v.data, stdout) == EOF;
    fh_buf_free(&v);
    return bad;
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
    double t0 = fh_bench__now();
    uint32_t next = 1;
    fh_analyzer_run(t->analyzer, p->title, p->title_len, FH_ANALYZE_DOCUMENT, 1, count_token,
                    &t->tokens, &next);
    fh_analyzer_run(t->analyzer, p->text, p->text_len, FH_ANALYZE_DOCUMENT, next + 1, count_token,
                    &t->tokens, NULL);
    t->seconds += fh_bench__now() - t0;
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
    /* Plain pages only: analyze times the analyzer, not gzip or archives. */
    fh_page_format format = fh_page_format_of(path);
    if (format != FH_FORMAT_TXT && format != FH_FORMAT_HTML && format != FH_FORMAT_JSONL)
        return;
    char *data = NULL;
    size_t len = 0;
    if (fh_bench__read_file(path, &data, &len) != 0)
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
    while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        if (c != 'f')
            return fh_bench__bad_option("analyze", c, argv);
        if (fh_bench__format_option(optarg, &json) != 0)
            return 64;
    }
    if (optind == argc)
        return fh_bench__usage_error("analyze", "FILE|DIR is missing");
    if (optind + 1 != argc)
        return fh_bench__usage_error("analyze", "one FILE|DIR only");
    struct stat st;
    if (stat(argv[optind], &st) != 0) {
        fprintf(stderr, "fihris-bench: %s: %s\n", argv[optind], strerror(errno));
        return 66;
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
    long n;
    while ((c = getopt_long(argc, argv, ":", options, NULL)) != -1) {
        switch (c) {
        case 'c':
            corpus = optarg;
            break;
        case 't':
            if (fh_bench__number_option("index", "--threads", optarg, 0, 256, &n) != 0)
                return 64;
            threads = (unsigned)n;
            break;
        case 'j':
            if (fh_bench__number_option("index", "--jobs", optarg, 1, 64, &n) != 0)
                return 64;
            jobs = (unsigned)n;
            break;
        case 'E':
        case 'A':
        case 'H':
            if (fh_bench__analyzer_option(c, optarg, &analyzer) != 0)
                return 64;
            break;
        case 'k':
            keep = optarg;
            break;
        case 'f':
            if (fh_bench__format_option(optarg, &json) != 0)
                return 64;
            break;
        default:
            return fh_bench__bad_option("index", c, argv);
        }
    }
    if (corpus == NULL || corpus[0] == '\0')
        return fh_bench__usage_error("index", corpus ? "--corpus takes a path, not an empty one"
                                                     : "--corpus DIR|FILE is missing");
    if (optind < argc)
        return fh_bench__extra_argument("index", argv[optind]);
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
    console.name = "fihris-bench";
    int code = fh_console_exit_code(fh_index_run(&opts, &rep));
    /* Nothing measured: said, as for a query file without queries, rather
     * than rates of zero. */
    int empty = code == 0 && rep.pages_read == 0;
    if (empty) {
        fprintf(stderr, "fihris-bench: %s: no pages in it to index\n", corpus);
        code = 66;
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    uint64_t size = folder_bytes(db);
    double mb = (double)rep.bytes_read / 1e6;
    if (!empty && json)
        printf("{\"pages\":%llu,\"mb\":%.2f,\"seconds\":%.3f,\"mb_per_s\":%.3f,"
               "\"pages_per_s\":%.1f,\"peak_rss_mb\":%.1f,\"index_mb\":%.1f,\"exit\":%d}\n",
               (unsigned long long)rep.pages_read, mb, rep.seconds, mb / rep.seconds,
               (double)rep.pages_read / rep.seconds, (double)ru.ru_maxrss / 1024.0,
               (double)size / 1e6, code);
    else if (!empty)
        printf("index  %llu pages  %.1f MB  %.1f s  %.2f MB/s  %.0f pages/s  peak memory %.0f MB"
               "  index %.1f MB%s\n",
               (unsigned long long)rep.pages_read, mb, rep.seconds, mb / rep.seconds,
               (double)rep.pages_read / rep.seconds, (double)ru.ru_maxrss / 1024.0,
               (double)size / 1e6, code ? "  (the run failed)" : "");
    if (!keep) {
        fh_bench__remove_folder(db);
        rmdir(tmp);
    }
    return code;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fh_bench__usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 64 : 0;
    }
    if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
        return print_version() ? 74 : 0;
    }
    const char *cmd = argv[1];
    argv[1] = argv[0];
    if (strcmp(cmd, "analyze") == 0)
        return cmd_analyze(argc - 1, argv + 1);
    if (strcmp(cmd, "index") == 0)
        return cmd_index(argc - 1, argv + 1);
    if (strcmp(cmd, "query") == 0)
        return fh_bench__query(argc - 1, argv + 1);
    if (strcmp(cmd, "knownitem") == 0)
        return fh_bench__knownitem(argc - 1, argv + 1);
    if (strcmp(cmd, "relevance") == 0)
        return fh_bench__relevance(argc - 1, argv + 1);
    fprintf(stderr, "fihris-bench: unknown command: %s\n", cmd);
    fh_bench__usage(stderr);
    return 64;
}
