/* shards.h - the index folder as fihris-index keeps it (see layout.h).
 *
 * The shards in use are generation G: DIR/sG-0 ... DIR/sG-(n-1), listed by
 * DIR/XAPIANDB. A page always lives in one shard: the one its key hashes to
 * (fh_shards_of_key()), or wherever the index already holds it. A new index
 * is built in place (generation 1, listed at once, so a killed first build
 * leaves what it committed); a rebuild or a compaction writes generation
 * G+1 beside G and then swaps the stub, so searchers never see a half-made
 * index. Every function here expects the caller to hold the folder's lock
 * (fh_layout_lock()). */
#ifndef FH_INDEX_SHARDS_H
#define FH_INDEX_SHARDS_H

#include <stddef.h>
#include <stdint.h>

/* The most shards an index can have. */
#define FH_SHARDS_MAX 64

typedef struct fh_shard_set {
    unsigned generation; /* 0: the folder holds no index yet */
    unsigned n;          /* shards in use */
} fh_shard_set;

/* Read which shards the index at dir uses. An index of the older layout (a
 * glass database in dir itself) is first moved into generation 1 without a
 * moment where readers find no index. Returns FH_OK and *set ({0, 0} when
 * there is no index yet); FH_ERR_INVALID for a stub fihris did not write,
 * with *errmsg (the caller frees it); FH_ERR_IO (errno set). */
int fh_shards_read(const char *dir, fh_shard_set *set, char **errmsg);

/* The folder of shard i of generation gen: "DIR/sGEN-I". The caller frees
 * it; NULL when out of memory. */
char *fh_shards_path(const char *dir, unsigned gen, unsigned i);

/* List generation set->generation (set->n shards) in dir's stub: one atomic
 * rename. Returns FH_OK or FH_ERR_IO (errno set). */
int fh_shards_install(const char *dir, const fh_shard_set *set);

/* Remove every shard folder of dir that is not of generation keep, and
 * temporary stubs that killed runs left. */
void fh_shards_remove_others(const char *dir, unsigned keep);

/* Compact generation from (from->n shards) into generation to (to->n
 * shards, which must divide from->n): new shard i merges old shards j with
 * j % to->n == i, so every page stays where its key sends it. Shards are
 * compacted in parallel and synced. Returns FH_OK, or a status with
 * *errmsg (the caller frees it). */
int fh_shards_compact(const char *dir, const fh_shard_set *from, const fh_shard_set *to,
                      char **errmsg);

/* fsync every file of a shard folder and the folder. FH_OK or FH_ERR_IO. */
int fh_shards_sync(const char *path);

/* Remove a flat folder (a shard) and the files in it. FH_OK or FH_ERR_IO. */
int fh_shards_remove_tree(const char *path);

/* The shard a page with this key goes to, of n. Stable across runs and
 * versions: changing it would move every page. */
unsigned fh_shards_of_key(const char *key, size_t len, unsigned n);

#endif
