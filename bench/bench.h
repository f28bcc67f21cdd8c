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

/* The commands: argv[0] is the program, the rest the command's arguments.
 * Each returns the exit code. */
int fh_bench__query(int argc, char **argv);
int fh_bench__relevance(int argc, char **argv);
int fh_bench__knownitem(int argc, char **argv);

#endif
