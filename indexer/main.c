/* main.c - fihris-index: the command line. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "console.h"
#include "layout.h"
#include "run.h"
#include "shards.h"
#include "store.h"
#include "version.h"

#define DEFAULT_DB ".fihris"

static void usage(FILE *out)
{
    fputs("usage: fihris-index [OPTIONS] SOURCE...\n"
          "       fihris-index [--db DIR] --forget SOURCE...\n"
          "Bring a fihris index up to date with the pages under each SOURCE (a folder,\n"
          "walked recursively, or a file): new and changed pages are indexed, pages whose\n"
          "files are gone from the folders given are deleted. Pages: .txt (title on line 1,\n"
          "a blank line, the body), .html/.htm, .jsonl (one {\"id\",\"title\",\"text\"}\n"
          "per line), each also .gz or .zst; web archives .warc, .arc, .wet, .wat (also\n"
          ".gz, .zst): each HTML or text page of an archive is a document, known by its\n"
          "URL.\n"
          "\n"
          "  --db DIR             the index (default: $FIHRIS_DB, else ./" DEFAULT_DB "): a new\n"
          "                       or empty folder, or an index fihris-index made\n"
          "  --exclude GLOB       skip files and folders matching GLOB (repeatable; \\[\n"
          "                       for the character [; a [ never closed is refused)\n"
          "  --hidden             also read hidden files and folders\n"
          "  --follow             follow symbolic links (loops are detected)\n"
          "  --max-file-size SIZE skip pages larger than SIZE (default 64M; K, M, G)\n"
          "  --no-delete          keep documents whose files are gone\n"
          "  --max-delete N|P%    delete at most N documents (or P%) of those under each\n"
          "                       SOURCE; a run that would delete more deletes none and\n"
          "                       exits 65 (default: half; 0 never deletes)\n"
          "  --forget             remove every document under each SOURCE (a path; files\n"
          "                       gone too) and drop it from the index's sources\n"
          "  --dry-run            say what would change (with --verbose, each file)\n"
          "  --rebuild            build the index anew beside the old one, then swap\n"
          "  --xapian-positions   a new index (or --rebuild) keeps word positions in\n"
          "                       Xapian's tables, not in word maps: bigger and slower to\n"
          "                       build, but phrases work over xapian-tcpsrv\n"
          "  -j, --jobs N         shards of a new index, written in parallel (default: one\n"
          "                       per core); with --rebuild or --compact, the new count\n"
          "  --compact            merge the shards into one (or --jobs N) beside the old\n"
          "                       ones, then switch; searches go on meanwhile. No SOURCE\n"
          "                       needed\n"
          "  --wait[=SECONDS]     when another indexer is updating the index, wait for it\n"
          "                       at most SECONDS, then exit 75; bare --wait waits as\n"
          "                       long as it takes (even forever, if the other is stuck)\n"
          "  --threads N          threads that read, analyze and write (default: one per\n"
          "                       shard, at most one per core)\n"
          "  --commit-every N     commit after N changed pages (default 500; also every 30 s)\n"
          "  -v, --verbose        print the summary even when not on a terminal\n"
          "  -q, --quiet          no progress line, no summary, and nothing said on exit 75\n"
          "  -h, --help           this help\n"
          "  -V, --version        the version\n"
          "\n"
          "Quiet when all is well: under cron only warnings are printed, one line each\n"
          "naming the file. On a terminal, a progress line and a summary. What cannot be\n"
          "read (permissions, I/O errors) keeps its documents.\n"
          "Exit codes:\n"
          "  0  the index is up to date (some files may have been skipped with a warning)\n"
          "  64 usage: a bad command line\n"
          "  65 the deletion guard held: a SOURCE would lose more documents than\n"
          "     --max-delete allows; nothing was deleted, the rest was indexed\n"
          "  66 no input: a SOURCE does not exist and the index holds nothing under it,\n"
          "     nothing at all could be read, or no index for --compact or --forget\n"
          "  73 the index cannot be created or opened: not a fihris index, damaged\n"
          "     (--rebuild mends it), permission denied\n"
          "  74 input/output error while reading or writing the index (disk full...)\n"
          "  75 another indexer is updating the index (also after --wait=SECONDS)\n",
          out);
}

/* --version: fihris's version and the libraries it runs with, on stdout.
 * Returns 0, or 1 when it could not be printed. */
static int print_version(void)
{
    fh_buf v = FH_BUF_INIT;
    int bad = fh_version_describe("fihris-index", &v) != FH_OK || fputs(v.data, stdout) == EOF;
    fh_buf_free(&v);
    return bad;
}

/* "64M", "500K", "2GiB", "1000" -> bytes. Returns 0 on success. */
static int parse_size(const char *s, uint64_t *out)
{
    static const struct {
        const char *suffix;
        unsigned shift;
    } units[] = {{"", 0},    {"K", 10},  {"M", 20},   {"G", 30},   {"KB", 10},
                 {"MB", 20}, {"GB", 30}, {"KiB", 10}, {"MiB", 20}, {"GiB", 30}};
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || s[0] == '-')
        return -1;
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcasecmp(end, units[i].suffix) != 0)
            continue;
        if (v > (UINT64_MAX >> units[i].shift))
            return -1;
        *out = (uint64_t)v << units[i].shift;
        return 0;
    }
    return -1;
}

/* "60" -> 60 seconds (a whole number from 0 to a week). Returns 0 on
 * success. */
static int parse_seconds(const char *s, double *out)
{
    char *end = NULL;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (errno != 0 || end == s || *end || s[0] == '-' || s[0] == '+' || v > 7 * 24 * 3600)
        return -1;
    *out = (double)v;
    return 0;
}

/* "30" (documents) or "10%" (of those under a source). Returns 0 on
 * success. */
static int parse_max_delete(const char *s, fh_index_opts *opts)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno != 0 || end == s || s[0] == '-' || s[0] == '+')
        return -1;
    int percent = strcmp(end, "%") == 0;
    if ((!percent && *end) || (percent && v > 100) || v > UINT64_MAX / 100)
        return -1;
    opts->max_delete = v;
    opts->max_delete_percent = percent;
    return 0;
}

static void print_summary(const fh_index_opts *opts, const fh_index_report *rep)
{
    char hidden[64] = "", passed[64] = "";
    if (rep->hidden > 0)
        snprintf(hidden, sizeof hidden, ", %llu older capture%s kept hidden",
                 (unsigned long long)rep->hidden, rep->hidden == 1 ? "" : "s");
    if (rep->passed_over > 0)
        snprintf(passed, sizeof passed, ", %llu archive record%s not %s",
                 (unsigned long long)rep->passed_over, rep->passed_over == 1 ? "" : "s",
                 rep->passed_over == 1 ? "a page" : "pages");
    fprintf(stderr,
            "fihris-index: %s%llu new, %llu changed, %llu deleted, %llu unchanged, "
            "%llu skipped%s%s in %.1f s (%.1f MB read)\n",
            opts->dry_run ? "would make " : "", (unsigned long long)rep->added,
            (unsigned long long)rep->changed, (unsigned long long)rep->deleted,
            (unsigned long long)rep->unchanged, (unsigned long long)rep->skipped, hidden, passed,
            rep->seconds, (double)rep->bytes_read / 1e6);
}

static void bad_usage(const char *msg, const char *arg)
{
    if (arg)
        fprintf(stderr, "fihris-index: %s: %s\n", msg, arg);
    else
        fprintf(stderr, "fihris-index: %s\n", msg);
    fputs("Try 'fihris-index --help'.\n", stderr);
}

int main(int argc, char **argv)
{
    enum {
        OPT_DB = 256,
        OPT_EXCLUDE,
        OPT_HIDDEN,
        OPT_FOLLOW,
        OPT_MAX_SIZE,
        OPT_NO_DELETE,
        OPT_MAX_DELETE,
        OPT_FORGET,
        OPT_DRY_RUN,
        OPT_REBUILD,
        OPT_XAPIAN_POSITIONS,
        OPT_COMPACT,
        OPT_WAIT,
        OPT_THREADS,
        OPT_COMMIT_EVERY,
    };
    static const struct option options[] = {
        {"db", required_argument, NULL, OPT_DB},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {"hidden", no_argument, NULL, OPT_HIDDEN},
        {"follow", no_argument, NULL, OPT_FOLLOW},
        {"max-file-size", required_argument, NULL, OPT_MAX_SIZE},
        {"no-delete", no_argument, NULL, OPT_NO_DELETE},
        {"max-delete", required_argument, NULL, OPT_MAX_DELETE},
        {"forget", no_argument, NULL, OPT_FORGET},
        {"dry-run", no_argument, NULL, OPT_DRY_RUN},
        {"rebuild", no_argument, NULL, OPT_REBUILD},
        {"xapian-positions", no_argument, NULL, OPT_XAPIAN_POSITIONS},
        {"jobs", required_argument, NULL, 'j'},
        {"compact", no_argument, NULL, OPT_COMPACT},
        {"wait", optional_argument, NULL, OPT_WAIT},
        {"threads", required_argument, NULL, OPT_THREADS},
        {"commit-every", required_argument, NULL, OPT_COMMIT_EVERY},
        {"verbose", no_argument, NULL, 'v'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, 'V'},
        {NULL, 0, NULL, 0},
    };
    /* The index holds the text of every page: what it makes follows the
     * umask, but is never writable by others, whatever the umask (Xapian
     * creates its files with mode 0666 and its folders with 0777). */
    umask(umask(0) | S_IWOTH);
    fh_index_opts opts;
    fh_index_opts_init(&opts);
    const char *env_db = getenv("FIHRIS_DB");
    opts.db_path = env_db && env_db[0] ? env_db : DEFAULT_DB;
    const char **excludes = calloc((size_t)argc + 1, sizeof *excludes);
    size_t n_excludes = 0;
    int verbose = 0, quiet = 0, db_given = 0, forget = 0, code = FH_EXIT_OK;
    if (excludes == NULL) {
        fputs("fihris-index: out of memory\n", stderr);
        return FH_EXIT_IOERR;
    }
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":j:vqhV", options, NULL)) != -1) {
        switch (c) {
        case OPT_DB:
            if (optarg[0] == '\0' || db_given) {
                bad_usage(optarg[0] ? "one --db at a time (an index is written by one run)"
                                    : "--db takes a folder, not an empty name",
                          optarg[0] ? optarg : NULL);
                code = FH_EXIT_USAGE;
                goto out;
            }
            db_given = 1;
            opts.db_path = optarg;
            break;
        case OPT_EXCLUDE: {
            const char *why = NULL;
            if (fh_walk_glob_check(optarg, &why) != 0) {
                fprintf(stderr, "fihris-index: --exclude '%s': %s\n", optarg, why);
                fputs("Try 'fihris-index --help'.\n", stderr);
                code = FH_EXIT_USAGE;
                goto out;
            }
            excludes[n_excludes++] = optarg;
            break;
        }
        case OPT_HIDDEN:
            opts.walk.hidden = 1;
            break;
        case OPT_FOLLOW:
            opts.walk.follow_symlinks = 1;
            break;
        case OPT_MAX_SIZE:
            if (parse_size(optarg, &opts.max_file_size) != 0) {
                bad_usage("--max-file-size takes a size like 500K, 64M or 2G", optarg);
                code = FH_EXIT_USAGE;
                goto out;
            }
            break;
        case OPT_NO_DELETE:
            opts.no_delete = 1;
            break;
        case OPT_MAX_DELETE:
            if (parse_max_delete(optarg, &opts) != 0) {
                bad_usage("--max-delete takes a number of documents or a percentage (30, 10%)",
                          optarg);
                code = FH_EXIT_USAGE;
                goto out;
            }
            break;
        case OPT_FORGET:
            forget = 1;
            break;
        case OPT_DRY_RUN:
            opts.dry_run = 1;
            break;
        case OPT_REBUILD:
            opts.rebuild = 1;
            break;
        case OPT_XAPIAN_POSITIONS:
            opts.analyzer.word_map = 0;
            break;
        case OPT_WAIT:
            opts.wait_for_lock = 1;
            if (optarg && parse_seconds(optarg, &opts.wait_seconds) != 0) {
                bad_usage("--wait takes a number of seconds (--wait=60)", optarg);
                code = FH_EXIT_USAGE;
                goto out;
            }
            break;
        case OPT_COMPACT:
            opts.compact = 1;
            break;
        case 'j': {
            char *end = NULL;
            long n = strtol(optarg, &end, 10);
            if (end == optarg || *end || n < 1 || n > FH_SHARDS_MAX) {
                bad_usage("--jobs takes a number of shards from 1 to 64", optarg);
                code = FH_EXIT_USAGE;
                goto out;
            }
            opts.shards = (unsigned)n;
            break;
        }
        case OPT_THREADS: {
            char *end = NULL;
            long n = strtol(optarg, &end, 10);
            if (end == optarg || *end || n < 1 || n > 256) {
                bad_usage("--threads takes a number from 1 to 256", optarg);
                code = FH_EXIT_USAGE;
                goto out;
            }
            opts.threads = (unsigned)n;
            break;
        }
        case OPT_COMMIT_EVERY: {
            char *end = NULL;
            long n = strtol(optarg, &end, 10);
            if (end == optarg || *end || n < 1 || n > 10000000) {
                bad_usage("--commit-every takes a number of pages from 1", optarg);
                code = FH_EXIT_USAGE;
                goto out;
            }
            opts.commit_docs = (size_t)n;
            break;
        }
        case 'v':
            verbose = 1;
            break;
        case 'q':
            quiet = 1;
            opts.quiet = 1;
            break;
        case 'h':
            usage(stdout);
            goto out;
        case 'V':
            code = print_version() ? FH_EXIT_IOERR : 0;
            goto out;
        case ':':
            bad_usage("option needs a value", argv[optind - 1]);
            code = FH_EXIT_USAGE;
            goto out;
        default:
            bad_usage("unknown option", argv[optind - 1]);
            code = FH_EXIT_USAGE;
            goto out;
        }
    }
    if (forget && (opts.compact || opts.rebuild || optind >= argc)) {
        bad_usage(optind >= argc ? "--forget needs the SOURCE to remove"
                                 : "--forget does not go with --rebuild or --compact",
                  NULL);
        code = FH_EXIT_USAGE;
        goto out;
    }
    if (optind >= argc && !opts.compact) {
        bad_usage("no SOURCE given: name the folders or files to index", NULL);
        code = FH_EXIT_USAGE;
        goto out;
    }
    if (fh_layout_is_remote(opts.db_path)) {
        fprintf(stderr,
                "fihris-index: %s: a remote index is updated on the machine that serves it\n",
                opts.db_path);
        code = FH_EXIT_USAGE;
        goto out;
    }
    if ((opts.rebuild || opts.compact) && opts.dry_run) {
        bad_usage("--rebuild and --compact do not go with --dry-run", NULL);
        code = FH_EXIT_USAGE;
        goto out;
    }
    opts.sources = (const char *const *)argv + optind;
    opts.n_sources = (size_t)(argc - optind);
    opts.walk.excludes = excludes;
    opts.walk.n_excludes = n_excludes;
    int on_terminal = isatty(STDERR_FILENO);
    opts.progress = on_terminal && !quiet;
    opts.list_changes = verbose && opts.dry_run;

    /* Past a file size limit (ulimit -f), a write should fail like a full
     * disk (exit 74, the index left at its last commit), not kill us. */
    signal(SIGXFSZ, SIG_IGN);
    char fatal[512];
    snprintf(fatal, sizeof fatal,
             "fihris-index: %s: the index could not be written (is the disk full?); it is left "
             "as it was at its last commit",
             opts.db_path);
    fh_store_on_fatal(FH_EXIT_IOERR, fatal);
    fh_console console;
    fh_console_attach(&console, stdout, stderr, &opts);
    if (opts.n_sources == 0) {
        code = fh_console_exit_code(fh_index_compact(&opts, -1));
        goto out;
    }
    fh_index_report rep;
    if (forget) {
        code = fh_console_exit_code(fh_index_forget(&opts, &rep));
        if (code == FH_EXIT_OK && !quiet)
            print_summary(&opts, &rep);
        goto out;
    }
    code = fh_console_exit_code(fh_index_run(&opts, &rep));
    /* Held deletions still leave the rest indexed: say what was done. */
    if ((code == FH_EXIT_OK || code == FH_EXIT_DATAERR) && !quiet &&
        (on_terminal || verbose || opts.dry_run))
        print_summary(&opts, &rep);
out:
    free(excludes);
    return code;
}
