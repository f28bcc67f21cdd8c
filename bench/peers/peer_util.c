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

int peer_line_skipped(const char *line)
{
    line += strspn(line, " \t\r\n");
    return *line == '\0' || *line == '#';
}

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
    for (int first = 1; (got = getline(&line, &line_cap, f)) >= 0; first = 0) {
        /* A UTF-8 byte order mark is no part of the first line. */
        char *text = first && strncmp(line, "\xEF\xBB\xBF", 3) == 0 ? line + 3 : line;
        if (peer_line_skipped(text))
            continue;
        char *tab = strchr(text, '\t');
        char *q = tab ? tab + 1 : text;
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

/* ---- JSONL test collections ---------------------------------------------- */

typedef struct jbuf {
    char *p;
    size_t len, cap;
} jbuf;

static int jbuf_put(jbuf *b, const char *s, size_t n)
{
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (p == NULL)
            return -1;
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
    return 0;
}

static int jbuf_put_cp(jbuf *b, uint32_t c)
{
    char u[4];
    size_t n;
    if (c < 0x80) {
        u[0] = (char)c;
        n = 1;
    } else if (c < 0x800) {
        u[0] = (char)(0xC0 | (c >> 6));
        u[1] = (char)(0x80 | (c & 0x3F));
        n = 2;
    } else if (c < 0x10000) {
        u[0] = (char)(0xE0 | (c >> 12));
        u[1] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[2] = (char)(0x80 | (c & 0x3F));
        n = 3;
    } else {
        u[0] = (char)(0xF0 | (c >> 18));
        u[1] = (char)(0x80 | ((c >> 12) & 0x3F));
        u[2] = (char)(0x80 | ((c >> 6) & 0x3F));
        u[3] = (char)(0x80 | (c & 0x3F));
        n = 4;
    }
    return jbuf_put(b, u, n);
}

static const char *skip_ws(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n'))
        s++;
    return s;
}

/* Four hex digits at s (s + 4 <= end); -1 when not hex. */
static long hex4(const char *s, const char *end)
{
    if (end - s < 4)
        return -1;
    long v = 0;
    for (int i = 0; i < 4; i++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* Parses the JSON string starting at *s (on its opening quote) into out
 * (when out is not NULL; emptied first); *s moves past the closing quote.
 * Returns 0, or -1 on a malformed string or out of memory. */
static int json_string(const char **s, const char *end, jbuf *out)
{
    const char *p = *s + 1;
    if (out)
        out->len = 0;
    if (out && jbuf_put(out, "", 0) != 0)
        return -1;
    while (p < end && *p != '"') {
        if (*p != '\\') {
            const char *a = p;
            while (p < end && *p != '"' && *p != '\\')
                p++;
            if (out && jbuf_put(out, a, (size_t)(p - a)) != 0)
                return -1;
            continue;
        }
        if (++p >= end)
            return -1;
        char c = *p++, e = 0;
        switch (c) {
        case '"':
            e = '"';
            break;
        case '\\':
            e = '\\';
            break;
        case '/':
            e = '/';
            break;
        case 'b':
            e = '\b';
            break;
        case 'f':
            e = '\f';
            break;
        case 'n':
            e = '\n';
            break;
        case 'r':
            e = '\r';
            break;
        case 't':
            e = '\t';
            break;
        case 'u': {
            long v = hex4(p, end);
            if (v < 0)
                return -1;
            p += 4;
            uint32_t cp = (uint32_t)v;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                long lo = end - p >= 6 && p[0] == '\\' && p[1] == 'u' ? hex4(p + 2, end) : -1;
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + ((uint32_t)lo - 0xDC00);
                    p += 6;
                } else {
                    cp = 0xFFFD; /* a lone surrogate */
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            }
            if (out && jbuf_put_cp(out, cp) != 0)
                return -1;
            continue;
        }
        default:
            return -1;
        }
        if (out && jbuf_put(out, &e, 1) != 0)
            return -1;
    }
    if (p >= end)
        return -1;
    *s = p + 1;
    return 0;
}

/* Skips one JSON value that is not a string member we keep: a string, a
 * number or literal, or a nested object or array (strings inside skipped
 * whole). Returns 0, or -1 when malformed. */
static int json_skip(const char **s, const char *end)
{
    const char *p = *s;
    if (p < end && *p == '"') {
        if (json_string(&p, end, NULL) != 0)
            return -1;
        *s = p;
        return 0;
    }
    int depth = 0;
    while (p < end) {
        char c = *p;
        if (c == '"') {
            if (json_string(&p, end, NULL) != 0)
                return -1;
            continue;
        }
        if (c == '{' || c == '[') {
            depth++;
        } else if (c == '}' || c == ']') {
            if (depth == 0)
                break;
            depth--;
        } else if (c == ',' && depth == 0) {
            break;
        }
        p++;
    }
    if (depth != 0 || p == *s)
        return -1;
    *s = p;
    return 0;
}

/* Parses one object line into id, title and text. Returns 0, or -1. */
static int json_doc(const char *s, const char *end, jbuf *key, jbuf *v[3], int *have_id)
{
    static const char *names[3] = {"id", "title", "text"};
    for (int k = 0; k < 3; k++) {
        v[k]->len = 0;
        if (jbuf_put(v[k], "", 0) != 0)
            return -1;
    }
    *have_id = 0;
    s = skip_ws(s, end);
    if (s >= end || *s != '{')
        return -1;
    s = skip_ws(s + 1, end);
    if (s < end && *s == '}')
        return 0;
    for (;;) {
        if (s >= end || *s != '"' || json_string(&s, end, key) != 0)
            return -1;
        s = skip_ws(s, end);
        if (s >= end || *s != ':')
            return -1;
        s = skip_ws(s + 1, end);
        int k = 0;
        while (k < 3 && strcmp(key->p, names[k]) != 0)
            k++;
        if (k < 3 && s < end && *s == '"') {
            if (json_string(&s, end, v[k]) != 0)
                return -1;
            if (k == 0)
                *have_id = 1;
        } else if (k == 0 && s < end && (*s == '-' || (*s >= '0' && *s <= '9'))) {
            const char *a = s; /* a numeric id, kept as written */
            if (json_skip(&s, end) != 0)
                return -1;
            const char *b = s;
            while (b > a && (b[-1] == ' ' || b[-1] == '\t' || b[-1] == '\r' || b[-1] == '\n'))
                b--;
            v[0]->len = 0;
            if (jbuf_put(v[0], a, (size_t)(b - a)) != 0)
                return -1;
            *have_id = 1;
        } else if (json_skip(&s, end) != 0) {
            return -1;
        }
        s = skip_ws(s, end);
        if (s < end && *s == ',') {
            s = skip_ws(s + 1, end);
            continue;
        }
        if (s < end && *s == '}')
            return 0;
        return -1;
    }
}

int peer_jsonl_walk(const char *path, peer_doc_fn fn, void *ctx, uint64_t *docs, uint64_t *bytes)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        fprintf(stderr, "%s: cannot read: %s\n", path, strerror(errno));
        return -1;
    }
    jbuf key = {0}, id = {0}, title = {0}, text = {0};
    jbuf *v[3] = {&id, &title, &text};
    char *line = NULL;
    size_t line_cap = 0, line_no = 0;
    ssize_t got;
    int rc = 0;
    while ((got = getline(&line, &line_cap, f)) >= 0) {
        line_no++;
        const char *end = line + got;
        if (skip_ws(line, end) == end)
            continue;
        int have_id = 0;
        if (json_doc(line, end, &key, v, &have_id) != 0 || !have_id) {
            fprintf(stderr, "%s:%zu: not a JSON object with an \"id\"\n", path, line_no);
            rc = -1;
            break;
        }
        peer_doc d = {id.p, title.p, text.p, id.len, title.len, text.len};
        *docs += 1;
        *bytes += (uint64_t)got;
        if (fn(ctx, &d) != 0) {
            rc = -1;
            break;
        }
    }
    free(line);
    free(key.p);
    free(id.p);
    free(title.p);
    free(text.p);
    fclose(f);
    return rc;
}
