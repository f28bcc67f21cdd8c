/* main.c - fihris-search: the command line. */
#include <getopt.h>
#include <langinfo.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "decode.h"
#include "escape.h"
#include "layout.h"
#include "print.h"
#include "search.h"
#include "settings.h"
#include "stats.h"
#include "version.h"

#define DEFAULT_DB ".fihris"

enum { EXIT_FOUND = 0, EXIT_NONE = 1, EXIT_ERROR = 2 };

static void usage(FILE *out)
{
    fputs("usage: fihris-search [--db DIR]... [OPTIONS] QUERY...\n"
          "       fihris-search [--db DIR]... --stats [--format json]\n"
          "       fihris-search [--db DIR] --analyze TEXT [--format json]\n"
          "Search a fihris index, best matches first (BM25), with snippets.\n"
          "\n"
          "Query language:\n"
          "  words          pages with all the words (when none has them all, pages\n"
          "                 with most of them, marked as such)\n"
          "  a OR b         either word;  -word or NOT word: without it (also\n"
          "                 -\"a phrase\" and -( ... ))\n"
          "  \"a phrase\"     the words side by side;  word*  words starting with it\n"
          "  title:word     in the title;  ( ... )  grouping\n"
          "  site:HOST      pages of HOST or a host under it;  lang:ar, lang:en\n"
          "  date:FROM..TO  pages dated within it (YYYY, YYYY-MM or YYYY-MM-DD; either\n"
          "                 end may be left out);  date:DAY  that day, month or year\n"
          "Filters apply to the whole query: several site: are OR-ed, different kinds\n"
          "AND-ed, -site: leaves out. Filters alone list their pages, newest first.\n"
          "OR, NOT and AND are operators in capitals, but words in a query typed all in\n"
          "capitals with other common words (USE OF COMPUTERS AND PRINTERS).\n"
          "Words are matched as the pages' words are indexed: without case, accents,\n"
          "harakat, tatweel or hamza forms, by stem (running = runs, مسئول = المسؤول).\n"
          "A query is UTF-8, or in the locale's charset when that is a legacy one.\n"
          "\n"
          "  --db DIR           an index (repeatable: searched as one): a folder, a Xapian\n"
          "                     stub file, ssh://[USER@]HOST[:PORT]/PATH for one on another\n"
          "                     machine, or tcp://HOST:PORT for one served by xapian-tcpsrv.\n"
          "                     Default: $FIHRIS_DB, else ./" DEFAULT_DB "\n"
          "  --limit N          results to show (default 10; 0: the count alone)\n"
          "  --offset N         results to skip first (default 0)\n"
          "  --any              match any of the words, not all\n"
          "  --expand           --any, and also the words that best mark the first\n"
          "                     results (for long questions in natural language)\n"
          "  --count            print only the number of results, every one counted\n"
          "                     (exit 1 when 0)\n"
          "  --sort ORDER       relevance (default), date (newest first) or -date (oldest\n"
          "                     first); pages without a date come last\n"
          "  --facets FIELDS    count every matching page (copies too) by site, lang, year\n"
          "                     or month, comma-separated\n"
          "  --facet-limit N    values shown a facet, the most frequent (default 10)\n"
          "  --no-collapse      show pages with the same text each; by default one is\n"
          "                     shown, \"(+N similar)\" (counts are of every page)\n"
          "  --format FMT       text (default) or json (an error too: {\"error\":{...}})\n"
          "  --color WHEN       auto (default: on a terminal, unless NO_COLOR, TERM=dumb\n"
          "                     or no TERM), always, never\n"
          "  --highlight HOW    ansi, markers (**word**) or none (default: ansi with colour)\n"
          "  --isolates, --no-isolates\n"
          "                     right-to-left text inside bidi isolates (default: on a\n"
          "                     terminal); JSON has none\n"
          "  --snippet-length N characters of each snippet (default 200)\n"
          "  --passages N       passages per snippet (default 1)\n"
          "  --analyze TEXT     show the tokens of TEXT: TERM START END SCRIPT SURFACE,\n"
          "                     then FILTERS and its filters as read (with --format\n"
          "                     json, an array of objects)\n"
          "  --stats            documents, terms, shards, size, last update, languages,\n"
          "                     and the sources indexed, with their documents\n"
          "  --allow-partial    when a shard cannot be reached, search the others (with a\n"
          "                     warning) instead of failing\n"
          "  -q, --quiet        the results alone: no count line, no notes\n"
          "  -h, --help         this help;  -V, --version  the version\n"
          "\n"
          "Text output starts with the count: exact, but it may be \"about\" over 10,000\n"
          "matches of remote shards or of a query some of whose matches need hold no word.\n"
          "Exit codes: 0 results found, 1 none, 2 error (no index, bad option or query).\n",
          out);
}

/* --version: fihris's version and the libraries it runs with, on stdout.
 * Returns 0, or 1 when it could not be printed. */
static int print_version(void)
{
    fh_buf v = FH_BUF_INIT;
    int bad = fh_version_describe("fihris-search", &v) != FH_OK || fputs(v.data, stdout) == EOF;
    fh_buf_free(&v);
    return bad;
}

/* With --format json, an error is also said on stdout, once, as one JSON
 * object: a script reading the output never meets an empty string. */
static int json_errors;

/* "fihris-search: WHAT: DETAIL" on stderr (detail may be NULL). */
static void say(const char *what, const char *detail)
{
    fh_buf b = FH_BUF_INIT;
    fh_buf_puts(&b, "fihris-search: ");
    fh_escape_terminal(what, strlen(what), 0, &b);
    if (detail) {
        fh_buf_puts(&b, ": ");
        fh_escape_terminal(detail, strlen(detail), 0, &b);
    }
    fprintf(stderr, "%s\n", fh_buf_status(&b) == FH_OK ? b.data : "out of memory");
    fh_buf_free(&b);
}

/* An error: said on stderr, and with --format json the first one also as
 * {"error":{"code":2,"message":"WHAT: DETAIL"}} on stdout. */
static void error_line(const char *what, const char *detail)
{
    say(what, detail);
    if (json_errors != 1)
        return;
    json_errors = 2;
    fh_buf b = FH_BUF_INIT;
    fh_buf_printf(&b, "{\"error\":{\"code\":%d,\"message\":\"", EXIT_ERROR);
    fh_escape_json(what, strlen(what), &b);
    if (detail) {
        fh_buf_puts(&b, ": ");
        fh_escape_json(detail, strlen(detail), &b);
    }
    fh_buf_puts(&b, "\"}}\n");
    if (fh_buf_status(&b) == FH_OK)
        fputs(b.data, stdout);
    fh_buf_free(&b);
    fflush(stdout);
}

/* Whether the command line asks for JSON (its last --format), known
 * before the options are read so that an error in them is JSON too. */
static int wants_json(char *const *args, int n)
{
    int json = 0;
    for (int i = 1; i < n; i++) {
        if (strcmp(args[i], "--format") == 0 && i + 1 < n)
            json = strcmp(args[++i], "json") == 0;
        else if (strncmp(args[i], "--format=", 9) == 0)
            json = strcmp(args[i] + 9, "json") == 0;
    }
    return json;
}

static int bad_usage(const char *msg, const char *arg)
{
    error_line(msg, arg);
    fputs("Try 'fihris-search --help'.\n", stderr);
    return EXIT_ERROR;
}

static int parse_count(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
    char *end = NULL;
    unsigned long v = strtoul(s, &end, 10);
    if (end == s || *end || s[0] == '-' || v < min || v > max)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

typedef struct tokens_out {
    const char *text;
    int json;
    size_t n;
    fh_buf out;
} tokens_out;

/* Whether the token at [start, end) of text is part of a filter (a word
 * starting with site:, lang: or date:, after a - or +), which the query
 * reads as no word. */
static int in_filter(const char *text, size_t start)
{
    size_t w = start;
    while (w > 0 && text[w - 1] != ' ' && text[w - 1] != '\t' && text[w - 1] != '(')
        w--;
    while (text[w] == '-' || text[w] == '+')
        w++;
    return fh_query_is_filter(text + w, strlen(text + w));
}

/* One token of --analyze: a line TERM START END SCRIPT SURFACE, or an
 * object of the JSON array. */
static int print_token(void *ctx, const fh_token *t)
{
    tokens_out *to = ctx;
    fh_buf *b = &to->out;
    const char *surface = to->text + t->start;
    if (in_filter(to->text, t->start))
        return 0; /* shown as a filter, after the words */
    if (to->json) {
        fh_buf_puts(b, to->n ? ",{\"term\":\"" : "{\"term\":\"");
        fh_escape_json(t->term, t->term_len, b);
        fh_buf_printf(b, "\",\"start\":%zu,\"end\":%zu,\"script\":\"%s\",\"surface\":\"", t->start,
                      t->end, fh_script_name(t->script));
        fh_escape_json(surface, t->end - t->start, b);
        fh_buf_puts(b, "\"}");
    } else {
        fh_escape_terminal(t->term, t->term_len, 0, b);
        fh_buf_printf(b, "\t%zu\t%zu\t%s\t", t->start, t->end, fh_script_name(t->script));
        fh_escape_terminal(surface, t->end - t->start, 0, b);
        fh_buf_putc(b, '\n');
    }
    to->n++;
    return 0;
}

/* Text typed on the command line (what) to UTF-8, in *out (the caller
 * frees it with free()): as it is when it is UTF-8, else from the locale's
 * charset when that is a legacy one (decode.h). 0, or -1 having said why. */
static int typed_text(const char *what, const char *s, size_t len, char **out)
{
    *out = NULL;
    fh_buf b = FH_BUF_INIT;
    size_t bad = 0;
    int converted = 0;
    fh_status rc = fh_decode_typed(s, len, NULL, &b, NULL, &bad);
    char codeset[64] = "";
    if (rc == FH_ERR_ENCODING) {
        /* Only the charset is read from the locale: the rest of the program
         * runs in the C locale. */
        if (setlocale(LC_CTYPE, "") != NULL)
            snprintf(codeset, sizeof codeset, "%s", nl_langinfo(CODESET));
        setlocale(LC_CTYPE, "C");
        rc = fh_decode_typed(s, len, codeset, &b, &converted, &bad);
    }
    if (rc == FH_OK) {
        *out = fh_buf_detach(&b, NULL);
        rc = *out ? FH_OK : FH_ERR_NOMEM;
    }
    fh_buf_free(&b);
    if (rc == FH_ERR_ENCODING) {
        char msg[160];
        snprintf(msg, sizeof msg, "%s is not valid UTF-8: byte 0x%02X at offset %zu%s%s%s", what,
                 (unsigned)(unsigned char)s[bad], bad, converted ? ", nor valid " : "",
                 converted ? codeset : "", converted ? " (the locale's charset)" : "");
        error_line(msg, NULL);
    } else if (rc != FH_OK) {
        error_line("out of memory", NULL);
    }
    return rc == FH_OK ? 0 : -1;
}

/* --allow-partial: a shard left out is said on stderr, never silently. */
static void warn_skipped(void *ctx, const char *db, const char *msg)
{
    (void)ctx;
    fh_buf b = FH_BUF_INIT;
    fh_buf_puts(&b, "left out of this search: ");
    fh_buf_puts(&b, msg);
    say(db, fh_buf_status(&b) == FH_OK ? b.data : msg);
    fh_buf_free(&b);
}

/* Whether all written to stdout got there (a full disk, a closed pipe);
 * says so when not. */
static int wrote_stdout(void)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return 1;
    error_line("cannot write the results", NULL);
    return 0;
}

/* --analyze: with the index's settings when there is an index. */
static int analyze(const char *const *dbs, size_t n_dbs, int db_given, int partial,
                   const char *text, int json)
{
    fh_analyzer_opts opts;
    fh_analyzer_opts_init(&opts);
    fh_db *db = NULL;
    char *msg = NULL;
    int rc = fh_layout_open(dbs, n_dbs, partial, warn_skipped, NULL, &db, NULL, &msg);
    if (rc == FH_OK) {
        rc = fh_settings_load(db, &opts);
        if (rc != FH_OK)
            error_line(dbs[0], "cannot read the index's settings");
    } else if (db_given) {
        error_line(msg ? msg : dbs[0], msg ? NULL : fh_status_str(rc));
    } else {
        rc = FH_OK; /* no index: the default settings */
    }
    free(msg);
    fh_db_close(db);
    if (rc != FH_OK)
        return EXIT_ERROR;
    fh_analyzer *a = NULL;
    if (fh_analyzer_new(&opts, &a) != FH_OK) {
        error_line("cannot start the analyzer", NULL);
        return EXIT_ERROR;
    }
    tokens_out to = {text, json, 0, FH_BUF_INIT};
    if (json)
        fh_buf_putc(&to.out, '[');
    rc = fh_analyzer_run(a, text, strlen(text), FH_ANALYZE_QUERY, 0, print_token, &to, NULL);
    /* The filters TEXT holds, as the query reads them. */
    fh_parsed_query *pq = NULL;
    char *filters = NULL;
    if (rc == FH_OK && fh_query_parse(a, text, strlen(text), NULL, &pq, NULL) == FH_OK)
        filters = fh_parsed_query_describe_filters(pq);
    if (filters != NULL && filters[0] != '\0') {
        fh_buf_puts(&to.out, json ? (to.n ? ",{\"filters\":\"" : "{\"filters\":\"") : "FILTERS\t");
        if (json)
            fh_escape_json(filters, strlen(filters), &to.out);
        else
            fh_escape_terminal(filters, strlen(filters), 0, &to.out);
        fh_buf_puts(&to.out, json ? "\"}" : "\n");
    }
    free(filters);
    fh_parsed_query_free(pq);
    fh_analyzer_free(a);
    if (json)
        fh_buf_puts(&to.out, "]\n");
    if (rc == FH_OK)
        rc = fh_buf_status(&to.out);
    if (rc == FH_OK && to.out.len)
        fwrite(to.out.data, 1, to.out.len, stdout);
    fh_buf_free(&to.out);
    if (rc != FH_OK) {
        error_line("cannot analyze the text", fh_status_str(rc));
        return EXIT_ERROR;
    }
    return wrote_stdout() ? EXIT_FOUND : EXIT_ERROR;
}

static int stats(const char *const *dbs, size_t n_dbs, int json, int partial)
{
    fh_db *db = NULL;
    char *msg = NULL;
    fh_layout_list opened = {0};
    int rc = fh_layout_open(dbs, n_dbs, partial, warn_skipped, NULL, &db, &opened, &msg);
    if (rc != FH_OK) {
        error_line(msg ? msg : dbs[0], msg ? NULL : fh_status_str(rc));
        free(msg);
        return EXIT_ERROR;
    }
    fh_stats s;
    rc = fh_stats_gather(db, (const char *const *)opened.items, opened.n, &s);
    fh_layout_list_clear(&opened);
    if (rc != FH_OK)
        error_line(dbs[0], fh_db_errmsg(db));
    fh_db_close(db);
    int wrote = rc;
    if (rc == FH_OK)
        wrote = json ? fh_stats_print_json(stdout, &s) : fh_stats_print_text(stdout, &s);
    fh_stats_clear(&s);
    return rc == FH_OK && wrote == 0 && wrote_stdout() ? EXIT_FOUND : EXIT_ERROR;
}

int main(int argc, char **argv)
{
    enum {
        OPT_DB = 256,
        OPT_LIMIT,
        OPT_OFFSET,
        OPT_ANY,
        OPT_EXPAND,
        OPT_FORMAT,
        OPT_COLOR,
        OPT_HIGHLIGHT,
        OPT_SNIPPET_LENGTH,
        OPT_PASSAGES,
        OPT_ANALYZE,
        OPT_STATS,
        OPT_ALLOW_PARTIAL,
        OPT_COUNT,
        OPT_ISOLATES,
        OPT_NO_ISOLATES,
        OPT_SORT,
        OPT_FACETS,
        OPT_FACET_LIMIT,
        OPT_NO_COLLAPSE,
    };
    static const struct option options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"limit", required_argument, NULL, OPT_LIMIT},
        {"offset", required_argument, NULL, OPT_OFFSET},
        {"any", no_argument, NULL, OPT_ANY},
        {"expand", no_argument, NULL, OPT_EXPAND},
        {"format", required_argument, NULL, OPT_FORMAT},
        {"color", required_argument, NULL, OPT_COLOR},
        {"colour", required_argument, NULL, OPT_COLOR},
        {"highlight", required_argument, NULL, OPT_HIGHLIGHT},
        {"snippet-length", required_argument, NULL, OPT_SNIPPET_LENGTH},
        {"passages", required_argument, NULL, OPT_PASSAGES},
        {"analyze", required_argument, NULL, OPT_ANALYZE},
        {"stats", no_argument, NULL, OPT_STATS},
        {"allow-partial", no_argument, NULL, OPT_ALLOW_PARTIAL},
        {"count", no_argument, NULL, OPT_COUNT},
        {"isolates", no_argument, NULL, OPT_ISOLATES},
        {"no-isolates", no_argument, NULL, OPT_NO_ISOLATES},
        {"sort", required_argument, NULL, OPT_SORT},
        {"facets", required_argument, NULL, OPT_FACETS},
        {"facet-limit", required_argument, NULL, OPT_FACET_LIMIT},
        {"no-collapse", no_argument, NULL, OPT_NO_COLLAPSE},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    const char **dbs = calloc((size_t)argc + 1, sizeof *dbs);
    if (dbs == NULL)
        return EXIT_ERROR;
    size_t n_dbs = 0;
    fh_search_request req;
    fh_search_request_init(&req);
    int json = 0, color_mode = -1 /* auto */, highlight = -1, want_stats = 0, partial = 0;
    int quiet = 0, count_only = 0, isolates = -1 /* auto */;
    int code = EXIT_ERROR;
    const char *analyze_text = NULL;
    char *query = NULL;
    fh_searcher *s = NULL;
    fh_search_response *res = NULL;

    /* Options and query words are told apart here, in order, before
     * getopt: a "-word" is an exclusion in the query, not an option, so that
     * "fihris-search reading -library" works as typed. Everything after
     * "--" is query too. */
    char **args = calloc((size_t)argc + 1, sizeof *args);
    char **words = calloc((size_t)argc + 1, sizeof *words);
    if (args == NULL || words == NULL) {
        free(args);
        free(words);
        free(dbs);
        return EXIT_ERROR;
    }
    int n_args = 0, n_words = 0;
    args[n_args++] = argv[0];
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--") == 0) {
            /* Said to be query: a -x in it is no option typed late. */
            req.query_opts.option_notes = 0;
            while (++i < argc)
                words[n_words++] = argv[i];
            break;
        }
        int is_option = (a[0] == '-' && a[1] == '-') || strcmp(a, "-h") == 0 ||
                        strcmp(a, "-V") == 0 || strcmp(a, "-q") == 0;
        if (!is_option) {
            words[n_words++] = argv[i];
            continue;
        }
        args[n_args++] = argv[i];
        /* The value of an option given apart ("--db DIR") stays with it. */
        if (a[1] == '-' && strchr(a, '=') == NULL && i + 1 < argc) {
            for (const struct option *o = options; o->name; o++) {
                if (o->has_arg == required_argument && strcmp(a + 2, o->name) == 0) {
                    args[n_args++] = argv[++i];
                    break;
                }
            }
        }
    }
    int n_options = n_args;
    args[n_args] = NULL;
    json_errors = wants_json(args, n_options);

    opterr = 0;
    int c;
    while ((c = getopt_long(n_options, args, ":hVq", options, NULL)) != -1) {
        uint32_t n = 0;
        switch (c) {
        case OPT_DB:
            if (optarg[0] == '\0') {
                code = bad_usage("--db takes an index, not an empty name", NULL);
                goto out;
            }
            dbs[n_dbs++] = optarg;
            break;
        case OPT_LIMIT:
            if (parse_count(optarg, 0, 100000, &req.limit) != 0) {
                code = bad_usage("--limit takes a number from 0 to 100000", optarg);
                goto out;
            }
            break;
        case OPT_OFFSET:
            if (parse_count(optarg, 0, 100000000, &req.offset) != 0) {
                code = bad_usage("--offset takes a number from 0", optarg);
                goto out;
            }
            break;
        case OPT_ANY:
            req.mode = FH_MATCH_ANY;
            break;
        case OPT_EXPAND:
            req.mode = FH_MATCH_ANY;
            req.expand_docs = req.expand_docs_arabic = FH_EXPAND_DOCS;
            break;
        case OPT_FORMAT:
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                code = bad_usage("--format is text or json", optarg);
                goto out;
            }
            json = strcmp(optarg, "json") == 0;
            break;
        case OPT_COLOR:
            if (strcmp(optarg, "auto") == 0)
                color_mode = -1;
            else if (strcmp(optarg, "always") == 0)
                color_mode = 1;
            else if (strcmp(optarg, "never") == 0)
                color_mode = 0;
            else {
                code = bad_usage("--color is auto, always or never", optarg);
                goto out;
            }
            break;
        case OPT_HIGHLIGHT:
            if (strcmp(optarg, "ansi") == 0)
                highlight = FH_HIGHLIGHT_ANSI;
            else if (strcmp(optarg, "markers") == 0)
                highlight = FH_HIGHLIGHT_MARKERS;
            else if (strcmp(optarg, "none") == 0)
                highlight = FH_HIGHLIGHT_NONE;
            else {
                code = bad_usage("--highlight is ansi, markers or none", optarg);
                goto out;
            }
            break;
        case OPT_SNIPPET_LENGTH:
            if (parse_count(optarg, 10, 100000, &n) != 0) {
                code = bad_usage("--snippet-length takes a number from 10 to 100000", optarg);
                goto out;
            }
            req.snippet.max_chars = n;
            break;
        case OPT_PASSAGES:
            if (parse_count(optarg, 1, 20, &n) != 0) {
                code = bad_usage("--passages takes a number from 1 to 20", optarg);
                goto out;
            }
            req.snippet.max_passages = n;
            break;
        case OPT_ANALYZE:
            analyze_text = optarg;
            break;
        case OPT_STATS:
            want_stats = 1;
            break;
        case OPT_ALLOW_PARTIAL:
            partial = 1;
            break;
        case OPT_COUNT:
            count_only = 1;
            break;
        case OPT_ISOLATES:
        case OPT_NO_ISOLATES:
            isolates = c == OPT_ISOLATES;
            break;
        case OPT_SORT:
            if (fh_search_sort_parse(optarg, &req.sort) != 0) {
                code = bad_usage("--sort is relevance, date or -date", optarg);
                goto out;
            }
            break;
        case OPT_FACETS:
            if (fh_search_facets_parse(optarg, &req) != 0) {
                code = bad_usage("--facets takes site, lang, year or month, comma-separated, "
                                 "each once",
                                 optarg);
                goto out;
            }
            break;
        case OPT_FACET_LIMIT:
            if (parse_count(optarg, 1, 10000, &req.facet_limit) != 0) {
                code = bad_usage("--facet-limit takes a number from 1 to 10000", optarg);
                goto out;
            }
            break;
        case OPT_NO_COLLAPSE:
            req.collapse = 0;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            usage(stdout);
            code = EXIT_FOUND;
            goto out;
        case 'V':
            code = print_version() ? EXIT_ERROR : EXIT_FOUND;
            goto out;
        case ':':
            code = bad_usage("option needs a value", args[optind - 1]);
            goto out;
        default:
            code = bad_usage("unknown option", args[optind - 1]);
            goto out;
        }
    }
    int db_given = n_dbs > 0;
    if (n_dbs == 0) {
        const char *env = getenv("FIHRIS_DB");
        dbs[n_dbs++] = env && env[0] ? env : DEFAULT_DB;
    }
    /* What would be ignored is said, not ignored. */
    if (analyze_text && want_stats) {
        code = bad_usage("--analyze and --stats are two runs: give one", NULL);
        goto out;
    }
    if ((analyze_text || want_stats) && (n_words > 0 || count_only)) {
        code = bad_usage(n_words > 0 && analyze_text
                             ? "--analyze takes its TEXT as one argument (quote it), and no QUERY"
                         : n_words > 0 ? "--stats takes no QUERY"
                                       : "--count goes with a QUERY, not --stats or --analyze",
                         n_words > 0 ? words[0] : NULL);
        goto out;
    }
    if (analyze_text) {
        if (typed_text("--analyze TEXT", analyze_text, strlen(analyze_text), &query) == 0)
            code = analyze(dbs, n_dbs, db_given, partial, query, json);
        goto out;
    }
    if (want_stats) {
        code = stats(dbs, n_dbs, json, partial);
        goto out;
    }
    if (n_words == 0) {
        code = bad_usage("no QUERY given", NULL);
        goto out;
    }

    /* The query: the words, in the order given, joined by spaces. */
    fh_buf q = FH_BUF_INIT;
    for (int i = 0; i < n_words; i++) {
        if (i > 0)
            fh_buf_putc(&q, ' ');
        fh_buf_puts(&q, words[i]);
    }
    size_t typed_len = 0;
    char *typed = fh_buf_detach(&q, &typed_len);
    if (typed == NULL) {
        error_line("out of memory", NULL);
        goto out;
    }
    int typed_ok = typed_text("the query", typed, typed_len, &query);
    free(typed);
    if (typed_ok != 0)
        goto out;
    size_t query_len = strlen(query);
    req.query = query;
    req.query_len = query_len;
    if (count_only) {
        /* The pages that match the query as typed, every one counted. */
        req.limit = 0;
        req.relax = 0;
        req.bm25.check_at_least = UINT32_MAX;
    }

    char *msg = NULL;
    fh_searcher_open_opts open_opts = {partial, warn_skipped, NULL};
    int rc = fh_searcher_open(dbs, n_dbs, &open_opts, &s, &msg);
    if (rc != FH_OK) {
        error_line(msg ? msg : dbs[0], msg ? NULL : fh_status_str(rc));
        if (rc == FH_ERR_OPENING && !db_given)
            fputs("fihris-search: build an index first: fihris-index --db DIR SOURCE...\n", stderr);
        free(msg);
        goto out;
    }
    char *err = NULL;
    rc = fh_searcher_search(s, &req, &res, &err);
    if (rc == FH_ERR_INVALID) {
        error_line(err ? err : "invalid query", NULL);
        free(err);
        goto out;
    }
    if (rc != FH_OK) {
        error_line(dbs[0], err ? err : fh_status_str(rc));
        free(err);
        goto out;
    }

    /* A terminal that says it cannot do colour (TERM=dumb) is taken at
     * its word, as NO_COLOR is; so is one that says nothing (TERM unset),
     * as git and ripgrep take it. */
    const char *no_color = getenv("NO_COLOR"), *term = getenv("TERM");
    int tty = isatty(STDOUT_FILENO);
    int color = color_mode == 1 || (color_mode == -1 && tty && !(no_color && no_color[0]) &&
                                    term != NULL && strcmp(term, "dumb") != 0);
    fh_print_opts popts = {color, FH_HIGHLIGHT_NONE, 1, 0, isolates == -1 ? tty : isolates};
    popts.highlight =
        highlight >= 0 ? (fh_highlight)highlight : (color ? FH_HIGHLIGHT_ANSI : FH_HIGHLIGHT_NONE);
    popts.count_line = !quiet;
    int wrote;
    if (json) {
        wrote = fh_print_json(stdout, query, query_len, res);
    } else if (count_only) {
        wrote = printf("%u\n", (unsigned)res->total_estimate) < 0 ? FH_ERR_IO : FH_OK;
    } else {
        for (size_t i = 0; !quiet && i < res->n_notes; i++)
            say("note", res->notes[i]);
        wrote = fh_print_text(stdout, res, &popts);
        /* --limit 0 of a search relaxed to some of the words: the count
         * line says what it counts. */
        if (wrote == FH_OK && !quiet && req.limit == 0 && res->relaxed && res->total_estimate > 0 &&
            fputs("No page has all the words: the count is of pages with some of them.\n", stdout) <
                0)
            wrote = FH_ERR_IO;
        /* With --limit 0, the count line says it all. */
        if (!quiet && res->total_estimate == 0)
            fputs("No results.\n", stderr);
        else if (!quiet && res->n_hits == 0 && req.limit > 0)
            fprintf(stderr, "No results from --offset %u on (%u in all).\n", (unsigned)req.offset,
                    (unsigned)res->total_estimate);
    }
    if (wrote != 0) {
        error_line("cannot write the results", NULL);
        goto out;
    }
    if (!wrote_stdout())
        goto out;
    /* Found: results shown, or counted without showing any. */
    code = res->n_hits > 0 || (req.limit == 0 && res->total_estimate > 0) ? EXIT_FOUND : EXIT_NONE;
out:
    fh_search_response_free(res);
    fh_searcher_close(s);
    free(query);
    free(dbs);
    free(args);
    free(words);
    return code;
}
