/* bench.c - what the commands of fihris-bench share (see bench.h). */
#include "bench.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "normalize.h"
#include "stem.h"

void fh_bench__usage(FILE *out)
{
    fputs("usage: fihris-bench analyze [--format text|json] FILE|DIR\n"
          "       fihris-bench index --corpus DIR|FILE [--jobs N] [--threads N] [--keep DIR]\n"
          "                          [--english S] [--arabic S] [--fold-hamza]\n"
          "                          [--format text|json]\n"
          "       fihris-bench query --db DIR --queries FILE [--snippets] [--limit N]\n"
          "                          [--repeat N] [--warmup N] [--threads N]\n"
          "                          [--title-weight W] [--proximity W] [--coverage W]\n"
          "                          [--word-forms N] [--exact W] [--filter FILTERS]\n"
          "                          [--sort ORDER] [--facets FIELDS] [--no-collapse]\n"
          "                          [--format text|json]\n"
          "       fihris-bench relevance --docs DOCS.jsonl --queries QUERIES.tsv --qrels QRELS\n"
          "                          [--run OUT] [--keep DIR] [--all] [RANKING...]\n"
          "                          [--english english|porter|none] [--format text|json]\n"
          "                          [--arabic fihris|light10|snowball|none]\n"
          "       fihris-bench knownitem --db DIR --queries KNOWNITEM.tsv [--misses] [--any]\n"
          "                          [RANKING...] [--format text|json]\n"
          "       fihris-bench -h|--help | -V|--version\n"
          "RANKING: --k1 K --b B --title-weight W --proximity W --coverage W --word-forms N\n"
          "         --exact W --expand DOCS --expand-terms N --expand-weight W\n"
          "Query files hold one query a line, or LANG<TAB>QUERY lines; known-item files\n"
          "QID<TAB>LANG<TAB>VARIANT<TAB>DOC<TAB>QUERY lines, DOC relative to the corpus;\n"
          "blank lines and lines starting with # are skipped in every such file.\n"
          "query --filter: FILTERS (site:, lang:, date:) added to every query; --sort,\n"
          "--facets and --no-collapse as in fihris-search.\n"
          "knownitem --misses: each query whose page is not first, with its rank (or\n"
          "\"miss\"), on stderr, or in the JSON with --format json.\n"
          "relevance matches any word and expands each query with the words that mark its\n"
          "first 6 results (pseudo-relevance feedback; --expand 0 turns it off).\n",
          out);
}

double fh_bench__now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int fh_bench__read_file(const char *path, char **data, size_t *len)
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

int fh_bench__format_option(const char *arg, int *json)
{
    if (strcmp(arg, "json") != 0 && strcmp(arg, "text") != 0) {
        fprintf(stderr, "fihris-bench: --format is text or json, not \"%s\"\n", arg);
        return 64;
    }
    *json = strcmp(arg, "json") == 0;
    return 0;
}

int fh_bench__usage_error(const char *cmd, const char *what)
{
    if (what != NULL)
        fprintf(stderr, "fihris-bench %s: %s (fihris-bench --help shows every option)\n", cmd,
                what);
    else
        fprintf(stderr, "fihris-bench %s: fihris-bench --help shows every option\n", cmd);
    return 64;
}

int fh_bench__bad_option(const char *cmd, int c, char *const *argv)
{
    const char *arg = optind > 0 ? argv[optind - 1] : "";
    fprintf(stderr, "fihris-bench %s: %s: %s (fihris-bench --help shows every option)\n", cmd,
            c == ':' ? "option needs a value" : "unknown option", arg);
    return 64;
}

int fh_bench__extra_argument(const char *cmd, const char *arg)
{
    fprintf(stderr,
            "fihris-bench %s: takes no argument \"%s\" (fihris-bench --help shows every option)\n",
            cmd, arg);
    return 64;
}

int fh_bench__number_option(const char *cmd, const char *name, const char *arg, long min, long max,
                            long *out)
{
    char *end = NULL;
    errno = 0;
    long v = strtol(arg, &end, 10);
    if (errno != 0 || end == arg || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "fihris-bench %s: %s takes a whole number from %ld to %ld, not \"%s\"\n",
                cmd, name, min, max, arg);
        return 64;
    }
    *out = v;
    return 0;
}

int fh_bench__open_searcher(const char *db, fh_searcher **s)
{
    char *msg = NULL;
    const char *paths[1] = {db};
    fh_status rc = fh_searcher_open(paths, 1, NULL, s, &msg);
    if (rc == FH_OK)
        return 0;
    /* The library's message names the path (db, or a shard in it), as
     * fihris-search shows it. */
    if (msg != NULL)
        fprintf(stderr, "fihris-bench: %s\n", msg);
    else
        fprintf(stderr, "fihris-bench: %s: %s\n", db, fh_status_str(rc));
    free(msg);
    return 2;
}

int fh_bench__read_input(const char *path, char **data, size_t *len)
{
    errno = 0;
    if (fh_bench__read_file(path, data, len) == 0) {
        /* A UTF-8 byte order mark (Notepad writes one) is no part of the
         * first line. */
        if (*len >= 3 && memcmp(*data, "\xEF\xBB\xBF", 3) == 0) {
            memmove(*data, *data + 3, *len - 2); /* with the NUL */
            *len -= 3;
        }
        return 0;
    }
    fprintf(stderr, "fihris-bench: %s: %s\n", path, errno ? strerror(errno) : "cannot be read");
    return 66;
}

char *fh_bench__next_line(char **cursor)
{
    char *p = *cursor;
    while (p != NULL && *p != '\0') {
        char *nl = strchr(p, '\n');
        char *next = nl ? nl + 1 : NULL;
        if (nl)
            *nl = '\0';
        size_t n = strlen(p);
        while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
            p[--n] = '\0';
        const char *first = p + strspn(p, " \t");
        if (*first != '\0' && *first != '#') {
            *cursor = next;
            return p;
        }
        p = next;
    }
    *cursor = NULL;
    return NULL;
}

void fh_bench__remove_folder(const char *path)
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
            fh_bench__remove_folder(sub);
        else
            unlinkat(dirfd(d), e->d_name, 0);
    }
    closedir(d);
    rmdir(path);
}

int fh_bench__analyzer_option(int c, const char *arg, fh_analyzer_opts *analyzer)
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

int fh_bench__ranking_option(int c, const char *arg, fh_search_request *req)
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
