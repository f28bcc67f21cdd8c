/* sources.h - the sources an index is made from, and what it holds of
 * each.
 *
 * fihris-index records the SOURCEs of its runs (absolute paths, real where
 * they exist) in the metadata of the index's first shard, under
 * FH_SOURCES_KEY, each path ended by a NUL: a run adds its own, a rebuild
 * starts from its own, --forget removes those it names. A document lies
 * under a source when its key (the file's path, or "PATH#ID" for a line of
 * a JSONL file) names the source itself or a file in its folders. */
#ifndef FH_SOURCES_H
#define FH_SOURCES_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

#define FH_SOURCES_KEY "fihris.sources"

typedef struct fh_sources_list {
    char **items; /* NUL-terminated paths */
    size_t n, cap;
} fh_sources_list;

/* Free what a list holds and empty it. Accepts an empty list. */
void fh_sources_list_clear(fh_sources_list *list);

/* Whether the file path (len bytes) is source (source_len bytes) or lies in
 * its folders. */
int fh_sources_holds(const char *source, size_t source_len, const char *path, size_t len);

/* Make a SOURCE given on the command line absolute: its real path when it
 * exists (*err 0); otherwise the real path of the nearest folder above it
 * that does, followed by the rest as given, with "." and ".." taken out
 * (*err the errno that says why it cannot be resolved: ENOENT when it does
 * not exist, EACCES, ...). Returns FH_OK and *out (the caller frees with
 * free()), or FH_ERR_NOMEM. */
fh_status fh_sources_resolve(const char *given, char **out, int *err);

/* Read the sources db records into *out (appended; clear it with
 * fh_sources_list_clear() either way). Returns FH_OK, FH_ERR_NOMEM or the
 * store's status (its message on db). */
fh_status fh_sources_load(fh_db *db, fh_sources_list *out);

/* Record in db (for its next commit) the sources add[0..n_add) besides
 * those it records, less those that lie under one of forget[0..n_forget).
 * Writes nothing when that is what db records. Returns FH_OK, FH_ERR_NOMEM
 * or the store's status. */
fh_status fh_sources_update(fh_db *db, char *const *add, size_t n_add, char *const *forget,
                            size_t n_forget);

/* Count into *out the documents of db under source, from their key terms.
 * Returns FH_OK or the store's status (its message on db). */
fh_status fh_sources_count(fh_db *db, const char *source, uint64_t *out);

#endif
