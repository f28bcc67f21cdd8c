/* peer_util.h - what the benchmark peers (fts5_peer, xapian_peer) share:
 * walking a corpus of .txt pages, reading query files, timing a query loop
 * and printing the figures under the same names as `fihris-bench query`.
 *
 * This is benchmark code outside the fihris library; it is C so that both
 * the C and the C++ peer can link it. */
#ifndef FH_PEER_UTIL_H
#define FH_PEER_UTIL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One page as the walker hands it over. Every pointer is valid only during
 * the callback. title is line 1 without surrounding white space; body is
 * what follows the blank line 2 (or line 1 when line 2 is not blank). */
typedef struct peer_page {
    const char *path;
    const char *title;
    size_t title_len;
    const char *body;
    size_t body_len;
    const char *text; /* the whole file */
    size_t text_len;
} peer_page;

/* Return 0 to go on, non-zero to stop the walk (the walk then returns -1). */
typedef int (*peer_page_fn)(void *ctx, const peer_page *page);

/* Walks DIR recursively (sorted by name, hidden entries and symbolic links
 * skipped, at most 64 levels deep) and calls fn for each non-empty regular
 * file whose name ends in ".txt". Adds the pages and their file bytes to
 * *pages and *bytes. Returns 0, or -1 when DIR cannot be read or fn stopped
 * the walk (a message is on stderr). */
int peer_walk(const char *dir, peer_page_fn fn, void *ctx, uint64_t *pages, uint64_t *bytes);

/* Seconds on CLOCK_MONOTONIC. */
double peer_now(void);

/* 1 when the UTF-8 text s has more Arabic letters than Latin letters. */
int peer_is_arabic(const char *s, size_t len);

/* Prints the build figures: a text line, or one JSON object. */
void peer_print_build(uint64_t pages, uint64_t bytes, double seconds, int json);

/* 1 when a line of a query or known-item file is read as nothing: blank,
 * or a comment (its first non-blank byte is '#'), as fihris-bench reads
 * them. */
int peer_line_skipped(const char *line);

/* Queries read from a file of `lang<TAB>query` lines or one query a line
 * (the same reading as fihris-bench: blank and '#' lines skipped, trailing
 * CR and spaces dropped). Freed with peer_queries_free. */
typedef struct peer_queries {
    char **q;
    size_t n;
} peer_queries;

/* Returns 0, or -1 when the file cannot be read or holds no query. */
int peer_queries_load(const char *path, peer_queries *qs);
void peer_queries_free(peer_queries *qs);

/* Options of the `query` command, shared by both peers. */
typedef struct peer_query_opts {
    const char *db, *queries;
    int snippets, json;
    long limit, warmup, repeat;
} peer_query_opts;

/* Parses `query DB QUERIES_FILE [--snippets] [--limit N] [--warmup N]
 * [--repeat N] [--format text|json]` (argv[0] is the command name).
 * Returns 0, or 64 after printing the usage on a bad command line. */
int peer_query_opts_parse(int argc, char **argv, peer_query_opts *o, const char *usage);

/* Runs query i (0-based index into the query set): all of it that should be
 * timed. Sets *hits to the rows returned. Returns 0, or -1 when the engine
 * rejected the query (it then counts as a zero-hit query). Must not throw. */
typedef int (*peer_query_fn)(void *ctx, size_t i, uint64_t *hits);

/* Runs the query set warmup times untimed, then repeat times timed one by
 * one with CLOCK_MONOTONIC, and prints the figures (text or JSON) with the
 * same names and percentile method as `fihris-bench query`. Returns 0, or
 * 70 when out of memory. */
int peer_run_queries(const peer_query_opts *o, const peer_queries *qs, peer_query_fn fn, void *ctx);

/* ---- test collections and known items -------------------------------------- */

/* One document of a JSONL test collection ({"id":..,"title":..,"text":..} a
 * line; other members skipped). The strings are decoded (escapes, \uXXXX
 * with surrogate pairs, as UTF-8), NUL-terminated, and valid only during the
 * callback; a missing member is "". */
typedef struct peer_doc {
    const char *id, *title, *text;
    size_t id_len, title_len, text_len;
} peer_doc;

typedef int (*peer_doc_fn)(void *ctx, const peer_doc *doc);

/* Calls fn for each non-empty line of the JSONL file at path; adds the
 * documents and their bytes to *docs and *bytes. Returns 0, or -1 when the
 * file cannot be read, a line is not a JSON object with an "id", or fn
 * returned non-zero (a message is on stderr). */
int peer_jsonl_walk(const char *path, peer_doc_fn fn, void *ctx, uint64_t *docs, uint64_t *bytes);

/* The lines of a tab-separated file with at least nf fields, split into
 * exactly nf (the last one keeps any further tabs), trailing CR dropped;
 * lines with fewer fields, blank and '#' lines, and a header whose first
 * field is "qid", are skipped. Field k of row i is f[i * nf + k]. */
typedef struct peer_rows {
    char *data;
    char **f;
    size_t n, nf;
} peer_rows;

/* Returns 0, or -1 when the file cannot be read or out of memory. */
int peer_rows_load(const char *path, size_t nf, peer_rows *r);
void peer_rows_free(peer_rows *r);

/* 1 when path (len bytes) ends with "/" followed by doc. */
int peer_path_is_doc(const char *path, size_t len, const char *doc);

/* Returns the rank (1-10) of doc, a corpus-relative path, in the top 10
 * hits for query, or 0 when it is not there or the query failed. */
typedef int (*peer_known_fn)(void *ctx, const char *query, const char *doc);

/* Reads a known-item file (qid, lang, variant, doc, query), asks fn for each
 * query, and prints MRR@10 and success@10 per variant and language as one
 * JSON object in
 * the form of `fihris-bench knownitem --format json`. Returns 0, or 66 when
 * the file cannot be read. */
int peer_knownitem(const char *path, peer_known_fn fn, void *ctx);

#ifdef __cplusplus
}
#endif

#endif
