/* fts5_peer.c - SQLite FTS5 on the same pages and queries as fihris-bench.
 *
 *   fts5_peer build DB CORPUS_DIR [--format text|json]
 *   fts5_peer query DB QUERIES_FILE [--snippets] [--limit N] [--warmup N]
 *                   [--repeat N] [--format text|json]
 *   fts5_peer convert QUERIES_FILE       each query as the FTS5 query it is run as
 *   fts5_peer relevance DB DOCS.jsonl QUERIES.tsv RUN_OUT
 *   fts5_peer knownitem DB KNOWNITEM.tsv
 *
 * relevance: builds DB (the same table, path = the JSONL id) from a test
 * collection, runs each `qid<TAB>text` query in any-word mode (every word
 * double-quoted, joined with OR), and writes a TREC run
 * "qid Q0 docid rank score fts5" of up to 1,000 hits (score = -bm25, so
 * higher is better).
 * knownitem: over an index made by build, each query as in `query` (AND),
 * top 10; prints MRR@10 and success@10 per variant as JSON, matching the
 * target by the stored path ending with "/" + doc.
 *
 * The table is pages(title, body, path UNINDEXED) with
 * tokenize='porter unicode61 remove_diacritics 2', filled in one transaction.
 * Queries run as
 *   SELECT path, title, bm25(pages, 2.0, 1.0)[, snippet(pages, 1, '[', ']', '…', 20)]
 *   FROM pages WHERE pages MATCH ? ORDER BY bm25(pages, 2.0, 1.0) LIMIT N
 * each timed with CLOCK_MONOTONIC around prepare, stepping every row and
 * finalize. */
#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "peer_util.h"

static const char usage_text[] =
    "usage: fts5_peer build DB CORPUS_DIR [--format text|json]\n"
    "       fts5_peer query DB QUERIES_FILE [--snippets] [--limit N] [--warmup N]\n"
    "                       [--repeat N] [--format text|json]\n"
    "       fts5_peer convert QUERIES_FILE\n"
    "       fts5_peer relevance DB DOCS.jsonl QUERIES.tsv RUN_OUT\n"
    "       fts5_peer knownitem DB KNOWNITEM.tsv\n"
    "Query files hold one query a line, or LANG<TAB>QUERY lines.\n";

/* ---- query conversion ---------------------------------------------------- */

/* Appends s[0..n) as one FTS5 string ("..." with " doubled) to out, a space
 * first when out is not empty. out has room: the caller sizes it. */
static void append_string(char *out, size_t *len, const char *s, size_t n)
{
    if (*len)
        out[(*len)++] = ' ';
    out[(*len)++] = '"';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '"')
            out[(*len)++] = '"';
        out[(*len)++] = s[i];
    }
    out[(*len)++] = '"';
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* The FTS5 query for a fihris-style query: a quoted phrase stays a phrase
 * (an unclosed quote runs to the end), every other white-space separated
 * word becomes a quoted string, and the strings are joined by spaces, which
 * FTS5 reads as AND. Quoting makes punctuation, Arabic, and the words AND,
 * OR, NOT and NEAR plain text. Returns a string the caller frees, or NULL
 * when out of memory. */
static char *to_fts5(const char *q)
{
    size_t n = strlen(q);
    char *out = malloc(3 * n + 3); /* each byte at most doubled, plus quotes and spaces */
    if (out == NULL)
        return NULL;
    size_t len = 0, i = 0;
    while (i < n) {
        if (is_ws(q[i])) {
            i++;
        } else if (q[i] == '"') {
            size_t a = i + 1, b = a;
            while (b < n && q[b] != '"')
                b++;
            i = b < n ? b + 1 : n;
            while (a < b && is_ws(q[a]))
                a++;
            while (b > a && is_ws(q[b - 1]))
                b--;
            if (b > a)
                append_string(out, &len, q + a, b - a);
        } else {
            size_t a = i;
            while (i < n && !is_ws(q[i]) && q[i] != '"')
                i++;
            append_string(out, &len, q + a, i - a);
        }
    }
    out[len] = '\0';
    return out;
}

/* The any-word FTS5 query for a long query typed as text: each white-space
 * separated word quoted (quotes in it doubled), joined with OR. Returns a
 * string the caller frees, or NULL when out of memory. */
static char *to_fts5_any(const char *q)
{
    size_t n = strlen(q);
    char *out = malloc(6 * n + 3);
    if (out == NULL)
        return NULL;
    size_t len = 0, i = 0;
    while (i < n) {
        if (is_ws(q[i])) {
            i++;
            continue;
        }
        size_t a = i;
        while (i < n && !is_ws(q[i]))
            i++;
        if (len) {
            memcpy(out + len, " OR", 3);
            len += 3;
        }
        append_string(out, &len, q + a, i - a);
    }
    out[len] = '\0';
    return out;
}

/* ---- build --------------------------------------------------------------- */

typedef struct build_ctx {
    sqlite3 *db;
    sqlite3_stmt *insert;
} build_ctx;

static int add_page(void *ctx, const peer_page *p)
{
    build_ctx *b = ctx;
    sqlite3_bind_text(b->insert, 1, p->title, (int)p->title_len, SQLITE_STATIC);
    sqlite3_bind_text(b->insert, 2, p->body, (int)p->body_len, SQLITE_STATIC);
    sqlite3_bind_text(b->insert, 3, p->path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(b->insert);
    sqlite3_reset(b->insert);
    if (rc != SQLITE_DONE) {
        fprintf(stderr, "fts5_peer: %s: %s\n", p->path, sqlite3_errmsg(b->db));
        return -1;
    }
    return 0;
}

static int exec(sqlite3 *db, const char *sql)
{
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
        fprintf(stderr, "fts5_peer: %s: %s\n", sql, err ? err : sqlite3_errmsg(db));
        sqlite3_free(err);
        return -1;
    }
    return 0;
}

/* Create the FTS5 table of pages in a new database at path, begin the bulk
 * transaction and prepare the insert. Returns 0, or an exit code (73, 70)
 * after a line on stderr; b->db is then for the caller to close. */
static int open_table(const char *path, build_ctx *b)
{
    if (sqlite3_open_v2(path, &b->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        fprintf(stderr, "fts5_peer: %s: %s\n", path, sqlite3_errmsg(b->db));
        return 73;
    }
    if (exec(b->db, "CREATE VIRTUAL TABLE pages USING fts5(title, body, path UNINDEXED, "
                    "tokenize='porter unicode61 remove_diacritics 2')") != 0 ||
        exec(b->db, "BEGIN") != 0)
        return 73;
    if (sqlite3_prepare_v2(b->db, "INSERT INTO pages(title, body, path) VALUES (?, ?, ?)", -1,
                           &b->insert, NULL) != SQLITE_OK) {
        fprintf(stderr, "fts5_peer: %s\n", sqlite3_errmsg(b->db));
        return 70;
    }
    return 0;
}

/* Finish what open_table() began: the insert and the transaction. 0 or -1. */
static int close_table(build_ctx *b)
{
    sqlite3_finalize(b->insert);
    b->insert = NULL;
    return exec(b->db, "COMMIT") != 0 ? -1 : 0;
}

static int cmd_build(int argc, char **argv)
{
    static const struct option options[] = {{"format", required_argument, NULL, 'f'},
                                            {NULL, 0, NULL, 0}};
    int json = 0, c;
    while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
        if (c != 'f') {
            fputs(usage_text, stderr);
            return 64;
        }
        json = strcmp(optarg, "json") == 0;
    }
    if (optind + 2 != argc) {
        fputs(usage_text, stderr);
        return 64;
    }
    const char *path = argv[optind], *corpus = argv[optind + 1];
    struct stat st;
    if (stat(path, &st) == 0) {
        fprintf(stderr, "fts5_peer: %s already exists; build wants a new database\n", path);
        return 73;
    }
    build_ctx b = {NULL, NULL};
    uint64_t pages = 0, bytes = 0;
    double t0 = peer_now();
    int code = open_table(path, &b);
    if (code != 0)
        goto out;
    if (peer_walk(corpus, add_page, &b, &pages, &bytes) != 0) {
        code = 74;
        goto out;
    }
    if (close_table(&b) != 0) {
        code = 74;
        goto out;
    }
out:
    sqlite3_finalize(b.insert);
    if (sqlite3_close(b.db) != SQLITE_OK && code == 0)
        code = 74;
    double seconds = peer_now() - t0;
    if (code == 0)
        peer_print_build(pages, bytes, seconds, json);
    return code;
}

/* ---- query --------------------------------------------------------------- */

typedef struct query_ctx {
    sqlite3 *db;
    const char *sql;
    char **fts; /* the converted queries */
    int snippets;
    long limit;
} query_ctx;

static int run_query(void *ctx, size_t i, uint64_t *hits)
{
    query_ctx *q = ctx;
    sqlite3_stmt *st = NULL;
    uint64_t rows = 0;
    size_t sink = 0;
    int rc = sqlite3_prepare_v2(q->db, q->sql, -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, q->fts[i], -1, SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, q->limit);
        while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
            rows++;
            /* Read every column, as a program showing the results would. */
            sink += (size_t)sqlite3_column_bytes(st, 0) + (size_t)sqlite3_column_bytes(st, 1);
            sink += sqlite3_column_double(st, 2) < 0;
            if (q->snippets)
                sink += (size_t)sqlite3_column_bytes(st, 3);
        }
    }
    sqlite3_finalize(st);
    *hits = rc == SQLITE_DONE ? rows : 0;
    (void)sink;
    return rc == SQLITE_DONE ? 0 : -1;
}

static int cmd_query(int argc, char **argv)
{
    peer_query_opts o;
    int code = peer_query_opts_parse(argc, argv, &o, usage_text);
    if (code != 0)
        return code;
    peer_queries qs;
    if (peer_queries_load(o.queries, &qs) != 0) {
        fprintf(stderr, "fts5_peer: %s: no queries read\n", o.queries);
        return 66;
    }
    query_ctx q = {NULL, NULL, NULL, o.snippets, o.limit};
    q.sql = o.snippets ? "SELECT path, title, bm25(pages, 2.0, 1.0), "
                         "snippet(pages, 1, '[', ']', '…', 20) FROM pages WHERE pages MATCH ? "
                         "ORDER BY bm25(pages, 2.0, 1.0) LIMIT ?"
                       : "SELECT path, title, bm25(pages, 2.0, 1.0) FROM pages "
                         "WHERE pages MATCH ? ORDER BY bm25(pages, 2.0, 1.0) LIMIT ?";
    q.fts = calloc(qs.n, sizeof *q.fts);
    if (q.fts == NULL) {
        code = 70;
        goto out;
    }
    for (size_t i = 0; i < qs.n; i++) {
        if ((q.fts[i] = to_fts5(qs.q[i])) == NULL) {
            code = 70;
            goto out;
        }
    }
    if (sqlite3_open_v2(o.db, &q.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        fprintf(stderr, "fts5_peer: %s: %s\n", o.db, sqlite3_errmsg(q.db));
        code = 66;
        goto out;
    }
    code = peer_run_queries(&o, &qs, run_query, &q);
out:
    sqlite3_close(q.db);
    if (q.fts)
        for (size_t i = 0; i < qs.n; i++)
            free(q.fts[i]);
    free(q.fts);
    peer_queries_free(&qs);
    return code;
}

static int cmd_convert(int argc, char **argv)
{
    if (argc != 2) {
        fputs(usage_text, stderr);
        return 64;
    }
    peer_queries qs;
    if (peer_queries_load(argv[1], &qs) != 0) {
        fprintf(stderr, "fts5_peer: %s: no queries read\n", argv[1]);
        return 66;
    }
    int code = 0;
    for (size_t i = 0; i < qs.n && code == 0; i++) {
        char *f = to_fts5(qs.q[i]);
        if (f == NULL)
            code = 70;
        else
            puts(f);
        free(f);
    }
    peer_queries_free(&qs);
    return code;
}

/* ---- relevance and known items ------------------------------------------ */

static int add_doc(void *ctx, const peer_doc *d)
{
    peer_page p = {d->id, d->title, d->title_len, d->text, d->text_len, d->text, d->text_len};
    return add_page(ctx, &p);
}

static int cmd_relevance(int argc, char **argv)
{
    if (argc != 5) {
        fputs(usage_text, stderr);
        return 64;
    }
    const char *path = argv[1], *docs = argv[2], *queries = argv[3], *run = argv[4];
    struct stat st;
    if (stat(path, &st) == 0) {
        fprintf(stderr, "fts5_peer: %s already exists; relevance wants a new database\n", path);
        return 73;
    }
    peer_rows qs;
    if (peer_rows_load(queries, 2, &qs) != 0) {
        fprintf(stderr, "fts5_peer: %s: cannot read\n", queries);
        return 66;
    }
    build_ctx b = {NULL, NULL};
    sqlite3_stmt *sel = NULL;
    FILE *out = NULL;
    uint64_t n_docs = 0, bytes = 0;
    int code = open_table(path, &b);
    if (code != 0)
        goto out;
    if (peer_jsonl_walk(docs, add_doc, &b, &n_docs, &bytes) != 0) {
        code = 65;
        goto out;
    }
    if (close_table(&b) != 0) {
        code = 74;
        goto out;
    }
    if (sqlite3_prepare_v2(b.db,
                           "SELECT path, bm25(pages, 2.0, 1.0) FROM pages WHERE pages MATCH ? "
                           "ORDER BY bm25(pages, 2.0, 1.0) LIMIT 1000",
                           -1, &sel, NULL) != SQLITE_OK) {
        fprintf(stderr, "fts5_peer: %s\n", sqlite3_errmsg(b.db));
        code = 70;
        goto out;
    }
    if ((out = fopen(run, "w")) == NULL) {
        fprintf(stderr, "fts5_peer: %s: cannot write\n", run);
        code = 73;
        goto out;
    }
    for (size_t i = 0; i < qs.n; i++) {
        const char *qid = qs.f[2 * i];
        char *m = to_fts5_any(qs.f[2 * i + 1]);
        if (m == NULL) {
            code = 70;
            goto out;
        }
        sqlite3_bind_text(sel, 1, m, -1, SQLITE_STATIC);
        int rc, rank = 0;
        while ((rc = sqlite3_step(sel)) == SQLITE_ROW)
            fprintf(out, "%s Q0 %s %d %.6f fts5\n", qid, (const char *)sqlite3_column_text(sel, 0),
                    ++rank, -sqlite3_column_double(sel, 1));
        if (rc != SQLITE_DONE)
            fprintf(stderr, "fts5_peer: query %s: %s\n", qid, sqlite3_errmsg(b.db));
        sqlite3_reset(sel);
        sqlite3_clear_bindings(sel);
        free(m);
    }
    fprintf(stderr, "fts5_peer: relevance: %llu documents, %zu queries\n",
            (unsigned long long)n_docs, qs.n);
out:
    if (out && fclose(out) != 0 && code == 0)
        code = 74;
    sqlite3_finalize(sel);
    sqlite3_finalize(b.insert);
    sqlite3_close(b.db);
    peer_rows_free(&qs);
    return code;
}

typedef struct known_ctx {
    sqlite3 *db;
    sqlite3_stmt *sel;
} known_ctx;

static int known_rank(void *ctx, const char *query, const char *doc)
{
    known_ctx *k = ctx;
    char *m = to_fts5(query);
    if (m == NULL)
        return 0;
    sqlite3_bind_text(k->sel, 1, m, -1, SQLITE_STATIC);
    int rc, rank = 0, found = 0;
    while (found == 0 && (rc = sqlite3_step(k->sel)) == SQLITE_ROW) {
        rank++;
        const char *p = (const char *)sqlite3_column_text(k->sel, 0);
        if (p && peer_path_is_doc(p, (size_t)sqlite3_column_bytes(k->sel, 0), doc))
            found = rank;
    }
    sqlite3_reset(k->sel);
    sqlite3_clear_bindings(k->sel);
    free(m);
    return found;
}

static int cmd_knownitem(int argc, char **argv)
{
    if (argc != 3) {
        fputs(usage_text, stderr);
        return 64;
    }
    known_ctx k = {NULL, NULL};
    int code;
    if (sqlite3_open_v2(argv[1], &k.db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(k.db,
                           "SELECT path FROM pages WHERE pages MATCH ? "
                           "ORDER BY bm25(pages, 2.0, 1.0) LIMIT 10",
                           -1, &k.sel, NULL) != SQLITE_OK) {
        fprintf(stderr, "fts5_peer: %s: %s\n", argv[1], sqlite3_errmsg(k.db));
        code = 66;
    } else {
        code = peer_knownitem(argv[2], known_rank, &k);
    }
    sqlite3_finalize(k.sel);
    sqlite3_close(k.db);
    return code;
}

int main(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        fputs(usage_text, argc < 2 ? stderr : stdout);
        return argc < 2 ? 64 : 0;
    }
    const char *cmd = argv[1];
    argv[1] = argv[0];
    if (strcmp(cmd, "build") == 0)
        return cmd_build(argc - 1, argv + 1);
    if (strcmp(cmd, "query") == 0)
        return cmd_query(argc - 1, argv + 1);
    if (strcmp(cmd, "convert") == 0)
        return cmd_convert(argc - 1, argv + 1);
    if (strcmp(cmd, "relevance") == 0)
        return cmd_relevance(argc - 1, argv + 1);
    if (strcmp(cmd, "knownitem") == 0)
        return cmd_knownitem(argc - 1, argv + 1);
    fprintf(stderr, "fts5_peer: unknown command: %s\n", cmd);
    fputs(usage_text, stderr);
    return 64;
}
