/* run_folder.h - the index folder as a run sees it: refusing a folder
 * that is not fihris's own, locking it, reading, opening, syncing,
 * switching and compacting its shards (shards.h), each failure said
 * through the run's events (progress.h) and turned into the status the
 * run returns. Shared by run.c's run, --forget and --compact. */
#ifndef FH_INDEX_RUN_FOLDER_H
#define FH_INDEX_RUN_FOLDER_H

#include "run.h"
#include "shards.h"
#include "status.h"
#include "store.h"

/* The status a run returns when the store failed with rc: the exit code
 * says "cannot open" (73) for OPENING, CORRUPT and INVALID, "locked" (75)
 * for LOCKED, and "input/output error" (74) for anything else. */
fh_status fh_run_folder_failure(fh_status rc);

/* Say that the index cannot be read, and why. */
void fh_run_folder_say_cannot_read(const fh_index_opts *o, const char *why);

/* Whether the folder dir holds an index (a stub, or a glass database of
 * the older layout). */
int fh_run_folder_has_index(const char *dir);

/* Refuse an index folder that fihris-index did not make (a non-empty
 * folder of someone else's files), before anything in it is touched, not
 * even the lock file. Returns FH_OK or FH_ERR_OPENING (said). */
fh_status fh_run_folder_check(const fh_index_opts *o);

/* A dry run's view of the index: *reader, or NULL when there is no index
 * yet. Returns FH_OK, or FH_ERR_OPENING when the index is there but cannot
 * be read (said, as a real run would). */
fh_status fh_run_folder_open_reader(const fh_index_opts *o, fh_db **reader);

/* Take the index folder's lock, waiting for it if asked. Returns FH_OK and
 * *fd (close it to let go), FH_ERR_LOCKED (said unless quiet) or
 * FH_ERR_OPENING (said). */
fh_status fh_run_folder_lock(const fh_index_opts *o, int *fd);

/* Read which shards the index uses into *set. Returns FH_OK or a failure
 * (said). */
fh_status fh_run_folder_read_shards(const fh_index_opts *o, fh_shard_set *set);

/* Whether the index's n shards can be compacted into opts->shards (0: one).
 * Returns FH_OK, or FH_ERR_INVALID (said). */
fh_status fh_run_folder_check_compact(const fh_index_opts *o, unsigned n);

/* Open the shards of set for writing into dbs[0..set->n). Returns FH_OK or
 * a failure (said); on failure the ones opened are closed. */
fh_status fh_run_folder_open_shards(const fh_index_opts *o, const fh_shard_set *set, int flags,
                                    fh_db **dbs);

/* Close the shards, syncing each to disk. Returns FH_OK or FH_ERR_IO
 * (said). */
fh_status fh_run_folder_close_and_sync(const fh_index_opts *o, const fh_shard_set *set,
                                       fh_db **dbs);

/* List generation set in the stub and remove every other. Returns FH_OK or
 * FH_ERR_IO (said). */
fh_status fh_run_folder_switch(const fh_index_opts *o, const fh_shard_set *set);

/* Compact generation built into built->generation + 1 with to_n shards and
 * switch to it; keeps built (switching to it) when compaction fails and
 * fallback is set. Returns FH_OK or FH_ERR_IO (said). */
fh_status fh_run_folder_compact_and_switch(const fh_index_opts *o, const fh_shard_set *built,
                                           unsigned to_n, int fallback);

#endif
