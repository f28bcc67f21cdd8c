/* skipped.h - warnings remembered between runs, so that cron hears each
 * once.
 *
 * A run remembers each warning it gives of a file or a folder by path and
 * reason, with the file's size and modification time where those are what
 * caused it, in the index's metadata (FH_SKIPPED_KEY of the first shard,
 * records "SIZE\tMTIME\tWHY\tPATH" each ended by a NUL). Later runs pass
 * it over in silence while it stays the same, as omindex does with files it
 * failed on; a run that walks the path and no longer meets it forgets it.
 * The indexer's reasons:
 *   "content"   a file skipped for what it holds (empty, binary, too large
 *               to read), while its size and time stay the same;
 *   "limit=N"   a file over --max-file-size N bytes: a run with another
 *               limit looks at it again;
 *   TEXT        a warning of the walk (a symbolic link loop, a folder
 *               already visited), size and time 0;
 *   "archive=OFFSET:TAIL:HASH"  not a warning: how far a web archive was
 *               read, with its size and time then (pipeline_archive.c).
 * A file that cannot be read is not remembered: that may pass. */
#ifndef FH_INDEX_SKIPPED_H
#define FH_INDEX_SKIPPED_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

#define FH_SKIPPED_KEY "fihris.skipped"

typedef struct fh_skipped fh_skipped;

/* Load what db remembers. Returns FH_OK and *out (free with
 * fh_skipped_free()), FH_ERR_NOMEM, or the store's status. Records that do
 * not parse are dropped. */
fh_status fh_skipped_load(fh_db *db, fh_skipped **out);

/* Free. Accepts NULL. */
void fh_skipped_free(fh_skipped *s);

/* Whether path (len bytes) was remembered before with the reason why and
 * this size and time. s may be NULL (nothing remembered). */
int fh_skipped_unchanged(const fh_skipped *s, const char *path, size_t len, const char *why,
                         uint64_t size, int64_t mtime_ns);

/* The first reason path (len bytes) was remembered with that starts with
 * prefix, not NUL-terminated (*why_len bytes, valid until s is freed),
 * with its size and time; NULL when there is none. */
const char *fh_skipped_find(const fh_skipped *s, const char *path, size_t len, const char *prefix,
                            size_t *why_len, uint64_t *size, int64_t *mtime_ns);

/* Remember path (len bytes) with the reason why, size and time in this
 * run. Not thread-safe: callers lock. Returns FH_OK, FH_ERR_NOMEM, or
 * FH_ERR_INVALID for an empty path or one with a NUL, or a reason that is
 * empty, starts with '/' or holds a tab or a NUL. */
fh_status fh_skipped_add(fh_skipped *s, const char *path, size_t len, const char *why,
                         uint64_t size, int64_t mtime_ns);

/* Store in db this run's warnings and those remembered before that
 * keep_old(ctx, path, len) says to keep (those of folders this run did not
 * walk); writes nothing when that is what db holds. Returns FH_OK,
 * FH_ERR_NOMEM or the store's status. */
fh_status fh_skipped_save(fh_skipped *s, fh_db *db,
                          int (*keep_old)(void *ctx, const char *path, size_t len), void *ctx);

#endif
