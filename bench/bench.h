/* bench.h - what the commands of fihris-bench share (bench.c): the usage,
 * the clock, reading a file, the analyzer and ranking options, and the
 * commands that live in their own files (query.c, relevance.c,
 * knownitem.c). Not a public API: fihris-bench's own. */
#ifndef FH_BENCH_H
#define FH_BENCH_H

#include <stddef.h>
#include <stdio.h>

#include "analyzer.h"
#include "search.h"

/* Print the usage of every command to out. */
void fh_bench__usage(FILE *out);

/* Seconds on CLOCK_MONOTONIC. */
double fh_bench__now(void);

/* Read the whole file at path into *data (NUL-terminated, *len bytes
 * without the NUL; the caller frees with free). Returns 0, or -1. */
int fh_bench__read_file(const char *path, char **data, size_t *len);

/* Set *json from the argument of --format: "text" or "json". Returns 0,
 * or 64 (the usage exit code) with a line on stderr. */
int fh_bench__format_option(const char *arg, int *json);

/* Say on stderr that command cmd lacks what (an option and its argument,
 * "--queries FILE is missing") or has a bad one, or with what NULL (after
 * getopt_long said what it did not know) where the options are shown.
 * Returns 64, the usage exit code. */
int fh_bench__usage_error(const char *cmd, const char *what);

/* The usage error of getopt_long's answer c (with an optstring starting
 * with ':'): an option it does not know, or one without its value, named
 * as typed (argv[optind - 1]). Returns 64. */
int fh_bench__bad_option(const char *cmd, int c, char *const *argv);

/* The usage error of an argument cmd does not take (arg). Returns 64. */
int fh_bench__extra_argument(const char *cmd, const char *arg);

/* Read arg, the argument of option name of command cmd, into *out: a whole
 * number from min to max. Returns 0, or 64 with a line on stderr. */
int fh_bench__number_option(const char *cmd, const char *name, const char *arg, long min, long max,
                            long *out);

/* Open the index at db for searching into *s (closed with
 * fh_searcher_close). Returns 0, or 2 with one line on stderr that names
 * db once. */
int fh_bench__open_searcher(const char *db, fh_searcher **s);

/* Read the file of queries (or judgements) at path into
 * *data as fh_bench__read_file does, without a UTF-8 byte order mark at its
 * start. Returns 0, or 66 with one line on
 * stderr naming the file and why it cannot be read. */
int fh_bench__read_input(const char *path, char **data, size_t *len);

/* The next line of a query, known-item or test-collection file worth
 * reading, cut out of the text at *cursor in place (*cursor starts at the
 * NUL-terminated text and moves on): blank lines and lines whose first
 * non-blank byte is '#' are skipped, a trailing CR and trailing spaces and
 * tabs are cut. Returns the line, or NULL at the end. */
char *fh_bench__next_line(char **cursor);

/* Remove an index folder: its files and its (flat) shard folders. */
void fh_bench__remove_folder(const char *path);

/* The analyzer options of index and relevance: --english (E), --arabic
 * (A), --fold-hamza (H). Returns 0, or -1 with a line on stderr. */
int fh_bench__analyzer_option(int c, const char *arg, fh_analyzer_opts *analyzer);

/* The ranking options that relevance and knownitem share, to tune with:
 * --k1, --b, --title-weight, --proximity, --coverage, --word-forms, --exact,
 * --expand, --expand-terms, --expand-weight. Returns 1 when c was one of
 * them. */
int fh_bench__ranking_option(int c, const char *arg, fh_search_request *req);

/* Those options, as entries of a struct option table (getopt.h). */
#define FH_BENCH_RANKING_OPTIONS                                                                   \
    {"title-weight", required_argument, NULL, 't'}, {"proximity", required_argument, NULL, 'P'},   \
        {"coverage", required_argument, NULL, 'C'}, {"word-forms", required_argument, NULL, 'V'},  \
        {"exact", required_argument, NULL, 'X'}, {"expand", required_argument, NULL, 'F'},         \
        {"expand-terms", required_argument, NULL, 'G'},                                            \
        {"expand-weight", required_argument, NULL, 'H'}, {"k1", required_argument, NULL, 'k'},     \
    {                                                                                              \
        "b", required_argument, NULL, 'b'                                                          \
    }

/* The commands: argv[0] is the program, the rest the command's arguments.
 * Each returns the exit code. */
int fh_bench__query(int argc, char **argv);
int fh_bench__relevance(int argc, char **argv);
int fh_bench__knownitem(int argc, char **argv);

#endif
