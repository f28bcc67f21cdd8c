/* layout.h - the index folder: its shards, its stub file and its lock.
 *
 * An index made by fihris-index is a folder:
 *
 *   DIR/XAPIANDB      a Xapian stub database file listing the shards
 *   DIR/s3-0 ...      the shards: Xapian (glass) databases, "s<generation>-<n>"
 *   DIR/FIHRIS        fihris-index's marker: the shard folders it made there
 *                     (indexer/marker.h); it removes no other
 *   DIR/fihris.lock   held (flock) by the one indexer at work
 *
 * Xapian opens a folder holding XAPIANDB as all the databases it lists,
 * so `fihris-search --db DIR`, `quest -d DIR` and `xapian-check DIR` see
 * the shards as one index. Changing the list is one rename of a new stub
 * over the old: readers see the old shards or the new, never a mix.
 *
 * A stub file may also list remote shards: "remote HOST:PORT", served by
 * xapian-tcpsrv, becomes "tcp://HOST:PORT" here, the form store.h opens;
 * "remote :PROGRAM ARGS" (xapian-progsrv at the other end of a program,
 * typically "remote :ssh HOST xapian-progsrv PATH") stays as it is, and
 * store.h runs it. An index folder of the older layout (one glass database in DIR
 * itself) is read as one shard. */
#ifndef FH_LAYOUT_H
#define FH_LAYOUT_H

#include <stddef.h>

#include "status.h"

/* The stub file's name in an index folder. */
#define FH_LAYOUT_STUB "XAPIANDB"
/* The marker's name in an index folder. */
#define FH_LAYOUT_MARKER "FIHRIS"
/* The lock file's name in an index folder. */
#define FH_LAYOUT_LOCK "fihris.lock"
/* The first line of every stub file fihris writes. */
#define FH_LAYOUT_STUB_COMMENT "# fihris index: Xapian opens this folder as the databases below"

/* A list of databases: local paths, tcp://HOST:PORT, ssh://HOST/PATH and
 * "remote :PROGRAM ARGS". */
typedef struct fh_layout_list {
    char **items;
    size_t n, cap;
} fh_layout_list;

/* Free what a list holds and empty it. Accepts an empty list. */
void fh_layout_list_clear(fh_layout_list *list);

/* Append a copy of item. Returns FH_OK or FH_ERR_NOMEM. */
fh_status fh_layout_list_add(fh_layout_list *list, const char *item);

/* Read the stub file at path, appending each database it lists to out
 * (paths made relative to the stub's folder, "remote HOST:PORT" as
 * tcp://HOST:PORT, "remote :PROGRAM ARGS" as it is). Blank lines and lines
 * starting with '#' are skipped.
 * Returns FH_OK; FH_ERR_IO when it cannot be read; FH_ERR_INVALID for a line
 * fihris cannot open (in-memory databases, a bad line),
 * with *errmsg (the caller frees it) naming the file and line. */
fh_status fh_layout_read_stub(const char *path, fh_layout_list *out, char **errmsg);

/* Write len bytes of text into the file at path, atomically: the temporary
 * file PATH.tmp (a fixed name: the caller holds the folder's lock, and a
 * file a killed writer left there is written over), synced, renamed over
 * path, and the folder synced. Returns FH_OK, or FH_ERR_IO or FH_ERR_NOMEM
 * with *errmsg (if errmsg is not NULL) the system's reason, which the
 * caller frees. */
fh_status fh_layout_write_file(const char *path, const char *text, size_t len, char **errmsg);

/* Write a stub file at path: FH_LAYOUT_STUB_COMMENT, then lines (each
 * "auto NAME", "remote HOST:PORT", ...), one per line, atomically
 * (fh_layout_write_file()). Returns FH_OK, or FH_ERR_IO or FH_ERR_NOMEM
 * with *errmsg (if errmsg is not NULL) the system's reason, which the
 * caller frees. */
fh_status fh_layout_write_stub(const char *path, const char *const *lines, size_t n, char **errmsg);

/* Whether db (an item of a list) names a remote database: tcp://HOST:PORT,
 * ssh://[USER@]HOST[:PORT]/PATH or "remote :PROGRAM ARGS". */
int fh_layout_is_remote(const char *db);

/* Expand what a user named with --db into the databases to open, appended
 * to out: a remote database (fh_layout_is_remote()) as it is; a folder holding a glass database as
 * itself; a folder holding XAPIANDB, or any other regular file, as the
 * databases its stub lists (stubs listing stubs are followed, 8 deep).
 * Returns FH_OK, FH_ERR_NOTFOUND (nothing there), FH_ERR_INVALID (a bad
 * stub, or stubs nested too deep), FH_ERR_OPENING (a folder or file this
 * user may not read: "PATH: cannot read the index: Permission denied"),
 * FH_ERR_IO or FH_ERR_NOMEM, with *errmsg (the caller frees it) saying what
 * and where. */
fh_status fh_layout_expand(const char *where, fh_layout_list *out, char **errmsg);

/* Open what the user named (each of wheres[0..n), expanded as above) to be
 * searched as one. Without allow_partial a database that cannot be opened
 * fails the whole, and *errmsg names it; with it, such a database is left
 * out and reported to on_skip(ctx, database, message), and only none at all
 * fails. When a stub is switched between reading it and opening what it
 * listed (fihris-index --compact), or a commit overtakes the opening, it
 * is tried again. *opened, if not NULL, receives the databases opened
 * (the caller clears it). Returns
 * FH_OK and *out (close with fh_db_close()); FH_ERR_NOTFOUND when a local
 * path named holds no index (nothing there, or a folder without a stub or
 * a database; without allow_partial); or a store status; with *errmsg (the
 * caller frees it). */
struct fh_db;
fh_status fh_layout_open(const char *const *wheres, size_t n, int allow_partial,
                         void (*on_skip)(void *ctx, const char *db, const char *msg), void *ctx,
                         struct fh_db **out, fh_layout_list *opened, char **errmsg);

/* fh_layout_lock(): wait as long as it takes. */
#define FH_LAYOUT_WAIT_FOREVER (-1.0)

/* Take the index folder's write lock (creating the folder and the lock file
 * if needed). wait_seconds: 0 fails at once when another process holds it;
 * more waits at most that long (trying again with short sleeps between);
 * FH_LAYOUT_WAIT_FOREVER blocks until it is free. Returns FH_OK and *fd
 * (close it to let go; a killed process lets go too), FH_ERR_LOCKED
 * (another indexer has it, still after the wait), or FH_ERR_IO or
 * FH_ERR_NOMEM with *errmsg (if errmsg is not NULL) the system's reason,
 * which the caller frees. */
fh_status fh_layout_lock(const char *dir, double wait_seconds, int *fd, char **errmsg);

#endif
