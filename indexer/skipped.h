/* skipped.h - files skipped for what they hold, remembered between runs.
 *
 * A file skipped for its content (empty, binary, too large) is said once: a
 * run remembers its path, size and modification time in the index's
 * metadata (FH_SKIPPED_KEY of the first shard, records "SIZE\tMTIME\tPATH"
 * each ended by a NUL), and later runs pass it over in silence while its
 * size and time stay the same, as omindex does with files it failed on. A
 * file that cannot be read is not remembered: that may pass. */
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

/* Whether path (len bytes) was skipped before with this size and time. */
int fh_skipped_unchanged(const fh_skipped *s, const char *path, size_t len, uint64_t size,
                         int64_t mtime_ns);

/* Remember path as skipped in this run. Not thread-safe: callers lock. */
fh_status fh_skipped_add(fh_skipped *s, const char *path, size_t len, uint64_t size,
                         int64_t mtime_ns);

/* Store in db this run's files and the files remembered before that
 * keep_old(ctx, path, len) says to keep (those of folders this run did not
 * walk); writes nothing when that is what db holds. Returns FH_OK,
 * FH_ERR_NOMEM or the store's status. */
fh_status fh_skipped_save(fh_skipped *s, fh_db *db,
                          int (*keep_old)(void *ctx, const char *path, size_t len), void *ctx);

#endif
