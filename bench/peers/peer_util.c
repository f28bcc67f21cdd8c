/* peer_util.c - corpus walk, query files, timing and printing shared by the
 * benchmark peers. See peer_util.h. */
#include "peer_util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define MAX_DEPTH 64

double peer_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ---- script ------------------------------------------------------------- */

static int is_arabic_letter(uint32_t c)
{
    return (c >= 0x0620 && c <= 0x064A) || (c >= 0x066E && c <= 0x066F) ||
           (c >= 0x0671 && c <= 0x06D3) || c == 0x06D5 || (c >= 0x06EE && c <= 0x06EF) ||
           (c >= 0x06FA && c <= 0x06FC) || c == 0x06FF || (c >= 0x0750 && c <= 0x077F) ||
           (c >= 0x08A0 && c <= 0x08C9) || (c >= 0xFB50 && c <= 0xFDFB) ||
           (c >= 0xFE70 && c <= 0xFEFC);
}

static int is_latin_letter(uint32_t c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
           (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7) || (c >= 0x1E00 && c <= 0x1EFF);
}

int peer_is_arabic(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t arabic = 0, latin = 0, i = 0;
    while (i < len) {
        unsigned char b = p[i];
        uint32_t c;
        size_t n;
        if (b < 0x80) {
            c = b;
            n = 1;
        } else if ((b & 0xE0) == 0xC0) {
            c = b & 0x1F;
            n = 2;
        } else if ((b & 0xF0) == 0xE0) {
            c = b & 0x0F;
            n = 3;
        } else if ((b & 0xF8) == 0xF0) {
            c = b & 0x07;
            n = 4;
        } else {
            i++;
            continue;
        }
        if (i + n > len)
            break;
        size_t k;
        for (k = 1; k < n && (p[i + k] & 0xC0) == 0x80; k++)
            c = (c << 6) | (p[i + k] & 0x3F);
        if (k < n) {
            i += k;
            continue;
        }
        i += n;
        if (is_arabic_letter(c))
            arabic++;
        else if (is_latin_letter(c))
            latin++;
    }
    return arabic > latin;
}

/* ---- walk --------------------------------------------------------------- */

typedef struct walk_ctx {
    peer_page_fn fn;
    void *ctx;
    uint64_t *pages, *bytes;
    char *buf;
    size_t cap;
} walk_ctx;

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space(s[i]))
            return 0;
    return 1;
}

static void split_page(const char *s, size_t n, peer_page *pg)
{
    const char *nl = memchr(s, '\n', n);
    size_t a = 0, b = nl ? (size_t)(nl - s) : n;
    size_t body = nl ? b + 1 : n;
    while (a < b && is_space(s[a]))
        a++;
    while (b > a && is_space(s[b - 1]))
        b--;
    if (body < n) {
        const char *nl2 = memchr(s + body, '\n', n - body);
        size_t end2 = nl2 ? (size_t)(nl2 - s) : n;
        if (is_blank(s + body, end2 - body))
            body = nl2 ? end2 + 1 : n;
    }
    pg->title = s + a;
    pg->title_len = b - a;
    pg->body = s + body;
    pg->body_len = n - body;
    pg->text = s;
    pg->text_len = n;
}

/* Reads the file at path into w->buf (NUL-terminated); returns its length or -1. */
static long read_whole(walk_ctx *w, const char *path, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    if (size + 1 > w->cap) {
        size_t cap = w->cap ? w->cap : 65536;
        while (cap < size + 1)
            cap *= 2;
        char *p = realloc(w->buf, cap);
        if (p == NULL) {
            close(fd);
            return -1;
        }
        w->buf = p;
        w->cap = cap;
    }
    size_t got = 0;
    while (got < size) {
        ssize_t r = read(fd, w->buf + got, size - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    w->buf[got] = '\0';
    return (long)got;
}

static int ends_with_txt(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".txt") == 0;
}

static int walk_dir(walk_ctx *w, const char *dir, int depth)
{
    if (depth > MAX_DEPTH)
        return 0;
    struct dirent **names = NULL;
    int n = scandir(dir, &names, NULL, alphasort);
    if (n < 0) {
        fprintf(stderr, "%s: %s\n", dir, strerror(errno));
        return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
        const char *name = names[i]->d_name;
        if (rc == 0 && name[0] != '.') {
            size_t len = strlen(dir) + strlen(name) + 2;
            char *path = malloc(len);
            struct stat st;
            if (path == NULL) {
                rc = -1;
            } else {
                snprintf(path, len, "%s/%s", dir, name);
                if (lstat(path, &st) == 0) {
                    if (S_ISDIR(st.st_mode)) {
                        rc = walk_dir(w, path, depth + 1);
                    } else if (S_ISREG(st.st_mode) && st.st_size > 0 && ends_with_txt(name)) {
                        long got = read_whole(w, path, (size_t)st.st_size);
                        if (got > 0) {
                            peer_page pg;
                            split_page(w->buf, (size_t)got, &pg);
                            pg.path = path;
                            if (w->fn(w->ctx, &pg) != 0)
                                rc = -1;
                            ++*w->pages;
                            *w->bytes += (uint64_t)got;
                        } else if (got < 0) {
                            fprintf(stderr, "%s: cannot read\n", path);
                        }
                    }
                }
                free(path);
            }
        }
        free(names[i]);
    }
    free(names);
    return rc;
}

int peer_walk(const char *dir, peer_page_fn fn, void *ctx, uint64_t *pages, uint64_t *bytes)
{
    walk_ctx w = {fn, ctx, pages, bytes, NULL, 0};
    int rc = walk_dir(&w, dir, 0);
    free(w.buf);
    return rc;
}

void peer_print_build(uint64_t pages, uint64_t bytes, double seconds, int json)
{
    double mb = (double)bytes / 1e6;
    double mbs = seconds > 0 ? mb / seconds : 0;
    if (json)
        printf("{\"pages\":%llu,\"mb\":%.2f,\"seconds\":%.3f,\"mb_per_s\":%.3f}\n",
               (unsigned long long)pages, mb, seconds, mbs);
    else
        printf("build  %llu pages  %.1f MB  %.2f s  %.2f MB/s\n", (unsigned long long)pages, mb,
               seconds, mbs);
}

/* ---- queries ------------------------------------------------------------ */

int peer_queries_load(const char *path, peer_queries *qs)
{
    qs->q = NULL;
    qs->n = 0;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    size_t cap = 0;
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t got;
    while ((got = getline(&line, &line_cap, f)) >= 0) {
        char *tab = strchr(line, '\t');
        char *q = tab ? tab + 1 : line;
        size_t n = strlen(q);
        while (n && (q[n - 1] == '\n' || q[n - 1] == '\r' || q[n - 1] == ' '))
            q[--n] = '\0';
        if (n == 0)
            continue;
        if (qs->n == cap) {
            cap = cap ? cap * 2 : 256;
            char **p = realloc(qs->q, cap * sizeof *p);
            if (p == NULL)
                break;
            qs->q = p;
        }
        char *copy = strdup(q);
        if (copy == NULL)
            break;
        qs->q[qs->n++] = copy;
    }
    free(line);
    fclose(f);
    return qs->n ? 0 : -1;
}

void peer_queries_free(peer_queries *qs)
{
    for (size_t i = 0; i < qs->n; i++)
        free(qs->q[i]);
    free(qs->q);
    qs->q = NULL;
    qs->n = 0;
}

int peer_query_opts_parse(int argc, char **argv, peer_query_opts *o, const char *usage)
{
    static const struct option options[] = {
        {"snippets", no_argument, NULL, 's'},     {"limit", required_argument, NULL, 'l'},
        {"repeat", required_argument, NULL, 'r'}, {"warmup", required_argument, NULL, 'w'},
        {"format", required_argument, NULL, 'f'}, {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->limit = 10;
    o->repeat = 1;
    o->warmup = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        switch (c) {
        case 's':
            o->snippets = 1;
            break;
        case 'l':
            o->limit = atol(optarg);
            break;
        case 'r':
            o->repeat = atol(optarg);
            break;
        case 'w':
            o->warmup = atol(optarg);
            break;
        case 'f':
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                fputs(usage, stderr);
                return 64;
            }
            o->json = strcmp(optarg, "json") == 0;
            break;
        default:
            fputs(usage, stderr);
            return 64;
        }
    }
    if (optind + 2 != argc || o->limit < 1 || o->limit > 100000 || o->repeat < 1 ||
        o->repeat > 1000 || o->warmup < 0 || o->warmup > 1000) {
        fputs(usage, stderr);
        return 64;
    }
    o->db = argv[optind];
    o->queries = argv[optind + 1];
    return 0;
}

static int compare_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Nearest rank on the sorted array, exactly as fihris-bench computes it. */
static double percentile(const double *sorted, size_t n, double p)
{
    if (n == 0)
        return 0;
    size_t i = (size_t)(p / 100.0 * (double)(n - 1) + 0.5);
    return sorted[i < n ? i : n - 1];
}

int peer_run_queries(const peer_query_opts *o, const peer_queries *qs, peer_query_fn fn, void *ctx)
{
    size_t per = qs->n * (size_t)o->repeat;
    double *lat = calloc(per ? per : 1, sizeof *lat);
    if (lat == NULL)
        return 70;
    uint64_t hits = 0, zero = 0, rejected = 0, h;
    for (long w = 0; w < o->warmup; w++)
        for (size_t i = 0; i < qs->n; i++)
            fn(ctx, i, &h);
    size_t runs = 0;
    double t0 = peer_now();
    for (long r = 0; r < o->repeat; r++) {
        for (size_t i = 0; i < qs->n; i++) {
            h = 0;
            double a = peer_now();
            int rc = fn(ctx, i, &h);
            double b = peer_now();
            lat[runs++] = (b - a) * 1e3;
            if (rc != 0) {
                rejected++;
                h = 0;
            }
            hits += h;
            zero += h == 0;
        }
    }
    double seconds = peer_now() - t0;
    double sum = 0;
    for (size_t i = 0; i < runs; i++)
        sum += lat[i];
    double qps = seconds > 0 ? (double)runs / seconds : 0;
    double mean = runs ? sum / (double)runs : 0;
    qsort(lat, runs, sizeof *lat, compare_double);
    double p50 = percentile(lat, runs, 50), p95 = percentile(lat, runs, 95),
           p99 = percentile(lat, runs, 99), max = runs ? lat[runs - 1] : 0;
    if (o->json) {
        printf("{\"queries\":%zu,\"runs\":%zu,\"threads\":1,\"snippets\":%s,\"hits\":%llu,"
               "\"zero_hit\":%llu,\"rejected\":%llu,\"qps\":%.1f,\"mean_ms\":%.4f,"
               "\"p50_ms\":%.4f,\"p95_ms\":%.4f,\"p99_ms\":%.4f,\"max_ms\":%.4f}\n",
               qs->n, runs, o->snippets ? "true" : "false", (unsigned long long)hits,
               (unsigned long long)zero, (unsigned long long)rejected, qps, mean, p50, p95, p99,
               max);
    } else {
        printf("query  %zu queries x %ld  %s  1 thread\n", qs->n, o->repeat,
               o->snippets ? "with snippets" : "no snippets");
        printf("  hits %llu  zero-hit queries %llu  (rejected by the engine %llu)\n",
               (unsigned long long)hits, (unsigned long long)zero / (unsigned long long)o->repeat,
               (unsigned long long)rejected / (unsigned long long)o->repeat);
        printf("  QPS %.0f  mean %.3f ms  p50 %.3f  p95 %.3f  p99 %.3f  max %.3f ms\n", qps, mean,
               p50, p95, p99, max);
    }
    free(lat);
    return 0;
}
