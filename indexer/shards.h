/* shards.h - the index folder as fihris-index keeps it (see layout.h).
 *
 * The shards in use are generation G: DIR/sG-0 ... DIR/sG-(n-1), listed by
 * DIR/XAPIANDB. A page always lives in one shard: the one its key hashes to
 * (fh_shards_of_key()), or wherever the index already holds it. A new index
 * is built in place (generation 1, listed at once, so a killed first build
 * leaves what it committed, and the run that finishes it merges it into one
 * shard, as a first build that is not killed is); a rebuild or a compaction writes generation
 * G+1 beside G and then swaps the stub, so searchers never see a half-made
 * index. Every shard folder is listed in the folder's marker (marker.h)
 * before it is made, and only folders listed there are ever removed. Every
 * function here expects the caller to hold the folder's lock
 * (fh_layout_lock()). */
#ifndef FH_INDEX_SHARDS_H
#define FH_INDEX_SHARDS_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

/* Metadata: the number of documents each commit wrote, in that commit. */
#define FH_COMMITTED_KEY "fihris.committed-documents"

/* Metadata: "1" in each commit that writes pages, removed once every shard
 * holds the whole run. A shard that holds it was left by a run that did not
 * finish, and the index may hold part of a JSONL file under the file's new
 * size and time. */
#define FH_MID_RUN_KEY "fihris.mid-run"

/* The most shards an index can have. */
#define FH_SHARDS_MAX 64

typedef struct fh_shard_set {
    unsigned generation; /* 0: the folder holds no index yet */
    unsigned n;          /* shards in use */
} fh_shard_set;

/* Take the index folder dir's write lock, making the folders above it
 * that are missing (like mkdir -p). wait_seconds as for fh_layout_lock():
 * 0 fails at once, more waits that long, FH_LAYOUT_WAIT_FOREVER blocks.
 * Returns FH_OK and *fd (close it to let go), FH_ERR_LOCKED (another
 * indexer has it), or another status with *errmsg (why, for "cannot create
 * the index"; the caller frees it). */
fh_status fh_shards_lock(const char *dir, double wait_seconds, int *fd, char **errmsg);

/* Read which shards the index at dir uses. An index of the older layout (a
 * glass database in dir itself) is first moved into generation 1 without a
 * moment where readers find no index. The shards the stub lists are
 * written into the marker if it does not list them (an index made by an
 * earlier fihris: nothing else becomes its own). Returns FH_OK and *set
 * ({0, 0} when there is no index yet); FH_ERR_INVALID for a stub fihris
 * did not write or a marker it cannot read, or FH_ERR_IO, with *errmsg
 * (the caller frees it); FH_ERR_NOMEM. */
fh_status fh_shards_read(const char *dir, fh_shard_set *set, char **errmsg);

/* Make the set->n shard folders of a new generation fihris's own before
 * they are made: the first generation from set->generation on whose names
 * no file or folder of someone else's takes is listed in the marker (and
 * set->generation set to it), and what a killed run left under those
 * names is removed. With unmerged, the marker also says that this is a
 * first build still to be merged into one shard (fh_shards_unmerged()).
 * Returns FH_OK, or a status with *errmsg (the caller frees it). */
fh_status fh_shards_claim(const char *dir, fh_shard_set *set, int unmerged, char **errmsg);

/* The generation of dir's first build still to be merged into one shard
 * (fh_shards_claim() with unmerged), or 0: none, or no marker to tell. */
unsigned fh_shards_unmerged(const char *dir);

/* The folder of shard i of generation gen: "DIR/sGEN-I". The caller frees
 * it; NULL when out of memory. */
char *fh_shards_path(const char *dir, unsigned gen, unsigned i);

/* List generation set->generation (set->n shards) in dir's stub: one atomic
 * rename. Returns FH_OK, or FH_ERR_IO or FH_ERR_NOMEM with *errmsg (the
 * caller frees it). */
fh_status fh_shards_install(const char *dir, const fh_shard_set *set, char **errmsg);

/* Remove every shard folder the marker of dir lists that is not of
 * generation keep (and unlist it), and the temporary files of a killed run
 * (FH_LAYOUT_STUB ".tmp" and FH_LAYOUT_MARKER ".tmp"). Nothing the marker
 * does not list is removed, whatever its name. */
void fh_shards_remove_others(const char *dir, unsigned keep);

/* List generation set in dir's stub (fh_shards_install()), then remove
 * every other (fh_shards_remove_others()). Returns FH_OK, or a status with
 * *errmsg (the caller frees it); the other generations are then kept. */
fh_status fh_shards_switch(const char *dir, const fh_shard_set *set, char **errmsg);

/* Open the shards of set for writing into dbs[0..set->n) (flags as for
 * fh_db_open_writable()). Returns FH_OK; or the store's status, with
 * *failed the shard that did not open and *errmsg the store's message
 * (NULL when it gave none; the caller frees it); the shards opened before
 * it are then closed and their dbs[] set to NULL. */
fh_status fh_shards_open(const char *dir, const fh_shard_set *set, int flags, fh_db **dbs,
                         unsigned *failed, char **errmsg);

/* Close the shards of set (dbs[0..set->n), each set to NULL) and fsync
 * each folder. Returns FH_OK, or FH_ERR_IO with *errmsg (the caller frees
 * it) for the first that could not be synced; every shard is closed
 * either way. */
fh_status fh_shards_close_and_sync(const char *dir, const fh_shard_set *set, fh_db **dbs,
                                   char **errmsg);

/* Compact generation from (from->n shards) into generation to (to->n
 * shards, which must divide from->n): new shard i merges old shards j with
 * j % to->n == i, so every page stays where its key sends it. Shards are
 * compacted in parallel and synced. Returns FH_OK, or a status with
 * *errmsg (the caller frees it; it may be NULL). */
fh_status fh_shards_compact(const char *dir, const fh_shard_set *from, const fh_shard_set *to,
                            char **errmsg);

/* Compact generation from into a new generation of to->n shards
 * (fh_shards_compact()): from->generation + 1, or the first after it that
 * fh_shards_claim() finds free, into to->generation. Then set the
 * FH_COMMITTED_KEY of each merged shard to what it holds (a merged shard
 * holds the first one's metadata). Does not switch to it. Returns FH_OK;
 * or a status with *errmsg (the caller frees it; it may be NULL), the new
 * shards then removed. */
fh_status fh_shards_compact_into(const char *dir, const fh_shard_set *from, fh_shard_set *to,
                                 char **errmsg);

/* fsync every file of a shard folder and the folder. Returns FH_OK, or
 * FH_ERR_IO with *errmsg (the caller frees it). */
fh_status fh_shards_sync(const char *path, char **errmsg);

/* Remove a flat folder (a shard) and the files in it. FH_OK or FH_ERR_IO. */
fh_status fh_shards_remove_tree(const char *path);

/* The shard a page with this key goes to, of n. Stable across runs and
 * versions: changing it would move every page. */
unsigned fh_shards_of_key(const char *key, size_t len, unsigned n);

/* Add up the documents of the n shards dbs into *docs. Returns FH_OK, or
 * the store's status with *failed the shard at fault (its message on it). */
fh_status fh_shards_count(fh_db *const *dbs, unsigned n, uint32_t *docs, unsigned *failed);

/* Set metadata key of db to the time now, in seconds since 1970, for its
 * next commit. A failure is not reported: the commit fails the same way. */
void fh_shards_stamp(fh_db *db, const char *key);

/* Set FH_COMMITTED_KEY of db to the number of documents it holds, for its
 * next commit. Returns FH_OK or the store's status. */
fh_status fh_shards_set_committed(fh_db *db);

/* Commit db, with the number of documents in the same commit
 * (FH_COMMITTED_KEY), so that anyone can check that a shard holds exactly
 * what its last commit wrote, and marked as made during a run
 * (FH_MID_RUN_KEY; fh_shards_finish_run() clears the mark). Returns FH_OK
 * or the store's status (its message on db). */
fh_status fh_shards_commit(fh_db *db);

/* Clear the mid-run mark of db and commit, once every shard holds the
 * whole run: a run that stops between two shards' last commits leaves them
 * all marked. Returns FH_OK or the store's status. */
fh_status fh_shards_finish_run(fh_db *db);

/* Whether any of the n shards (NULL ones skipped) was left by a run that
 * did not finish. */
int fh_shards_left_mid_run(fh_db *const *dbs, size_t n);

#endif
