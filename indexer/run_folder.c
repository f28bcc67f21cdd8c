/* run_folder.c - the index folder as a run sees it (see run_folder.h). */
#include "run_folder.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "marker.h"
#include "progress.h"

/* The status a run returns when the store failed with rc: the exit code
 * says "cannot open" (73) for OPENING, CORRUPT and INVALID, "locked" (75)
 * for LOCKED, and "input/output error" (74) for anything else. */
fh_status fh_run_folder_failure(fh_status rc)
{
    switch (rc) {
    case FH_ERR_INVALID:
        return FH_ERR_OPENING;
    case FH_ERR_NOTFOUND:
        return FH_ERR_IO;
    default:
        return rc;
    }
}

void fh_run_folder_say_cannot_read(const fh_index_opts *o, const char *why)
{
    fh_progress_say(o, o->db_path, "cannot read the index: %s", why);
}

/* Refuse an index folder that fihris-index did not make (a non-empty
 * folder of someone else's files), before anything in it is touched, not
 * even the lock file. Returns FH_OK or FH_ERR_OPENING (said). */
fh_status fh_run_folder_check(const fh_index_opts *o)
{
    struct stat st;
    if (stat(o->db_path, &st) == 0 && S_ISDIR(st.st_mode) &&
        faccessat(AT_FDCWD, o->db_path, R_OK | X_OK, AT_EACCESS) != 0) {
        const char *why = strerror(errno);
        if (o->dry_run)
            fh_run_folder_say_cannot_read(o, why);
        else
            fh_progress_say(o, o->db_path,
                            "cannot read the index: %s (run as a user who may read it, or "
                            "change its permissions)",
                            why);
        return FH_ERR_OPENING;
    }
    char *msg = NULL;
    fh_status rc = fh_marker_check_folder(o->db_path, &msg);
    if (rc != FH_OK)
        fh_progress_say(o, o->db_path, "%s", msg ? msg : fh_status_str(rc));
    free(msg);
    return rc == FH_OK ? FH_OK : FH_ERR_OPENING;
}

/* Say that the index folder could not be locked, with the system's reason
 * why: it cannot be created, read or written. */
static void say_cannot_lock(const fh_index_opts *o, const char *why)
{
    struct stat st;
    if (stat(o->db_path, &st) != 0 || !S_ISDIR(st.st_mode)) {
        fh_progress_say(o, o->db_path, "cannot create the index: %s", why);
        return;
    }
    const char *what = "write";
    if (faccessat(AT_FDCWD, o->db_path, R_OK | X_OK, AT_EACCESS) != 0) {
        what = "read";
        why = strerror(errno);
    }
    fh_progress_say(o, o->db_path,
                    "cannot %s the index: %s (run as a user who may %s it, or change its "
                    "permissions)",
                    what, why, what);
}

/* Whether the folder dir holds an index (a stub, or a glass database of
 * the older layout). */
int fh_run_folder_has_index(const char *dir)
{
    static const char *const marks[] = {FH_LAYOUT_STUB, "iamglass"};
    for (size_t i = 0; i < 2; i++) {
        size_t n = strlen(dir) + strlen(marks[i]) + 2;
        char *path = malloc(n);
        int found = path && (snprintf(path, n, "%s/%s", dir, marks[i]), access(path, F_OK) == 0);
        free(path);
        if (found)
            return 1;
    }
    return 0;
}

/* A dry run's view of the index: *reader, or NULL when there is no index
 * yet. Returns FH_OK, or FH_ERR_OPENING when the index is there but cannot
 * be read (said, as a real run would). */
fh_status fh_run_folder_open_reader(const fh_index_opts *o, fh_db **reader)
{
    *reader = NULL;
    fh_layout_list list = {0};
    char *msg = NULL;
    fh_status rc = fh_layout_expand(o->db_path, &list, &msg);
    int expanded = rc == FH_OK; /* else msg says what and where */
    if (rc == FH_OK && list.n > 0 && access(o->db_path, F_OK) == 0) {
        rc = fh_db_open_readonly((const char *const *)list.items, list.n, reader, &msg);
        /* A folder that holds no index yet reads as none. */
        if (rc != FH_OK && !fh_run_folder_has_index(o->db_path))
            rc = FH_OK;
    }
    if (rc != FH_OK) {
        fh_progress_say(o, NULL, "%s%s%s", expanded ? "cannot open the index: " : "",
                        msg ? msg : o->db_path,
                        expanded && rc != FH_ERR_NOMEM
                            ? " (if it is damaged, --rebuild makes it anew from the pages)"
                            : "");
        rc = FH_ERR_OPENING;
    }
    fh_layout_list_clear(&list);
    free(msg);
    return rc;
}

/* Take the index folder's lock, waiting for it if asked. Returns FH_OK and
 * *fd (close it to let go), FH_ERR_LOCKED (said unless quiet) or
 * FH_ERR_OPENING (said). */
fh_status fh_run_folder_lock(const fh_index_opts *o, int *fd)
{
    char *msg = NULL;
    fh_status rc = fh_shards_lock(o->db_path, 0, fd, &msg);
    double wait = o->wait_seconds < 0 ? FH_LAYOUT_WAIT_FOREVER : o->wait_seconds;
    if (rc == FH_ERR_LOCKED && o->wait_for_lock && wait != 0) {
        if (o->progress)
            fh_progress_say(o, o->db_path, "waiting for another indexer to finish");
        rc = fh_shards_lock(o->db_path, wait, fd, &msg);
    }
    if (rc == FH_ERR_LOCKED && !o->quiet && o->wait_for_lock && wait > 0) {
        fh_progress_say(o, o->db_path,
                        "another indexer is still updating this index after %g s; try again "
                        "later (or wait longer with --wait)",
                        wait);
    } else if (rc == FH_ERR_LOCKED && !o->quiet) {
        fh_progress_say(o, o->db_path,
                        "another indexer is updating this index; try again later (or use --wait)");
    } else if (rc != FH_OK && rc != FH_ERR_LOCKED) {
        say_cannot_lock(o, msg ? msg : fh_status_str(rc));
        rc = FH_ERR_OPENING;
    }
    free(msg);
    return rc;
}

/* Read which shards the index uses into *set. Returns FH_OK or a failure
 * (said). */
fh_status fh_run_folder_read_shards(const fh_index_opts *o, fh_shard_set *set)
{
    char *msg = NULL;
    fh_status rc = fh_shards_read(o->db_path, set, &msg);
    if (rc != FH_OK)
        fh_run_folder_say_cannot_read(o, msg ? msg : fh_status_str(rc));
    free(msg);
    return rc == FH_OK ? FH_OK : fh_run_folder_failure(rc);
}

/* Whether the index's n shards can be compacted into opts->shards (0: one).
 * Returns FH_OK, or FH_ERR_INVALID (said). */
fh_status fh_run_folder_check_compact(const fh_index_opts *o, unsigned n)
{
    unsigned to = o->shards ? o->shards : 1;
    if (to <= n && n % to == 0)
        return FH_OK;
    fh_progress_say(o, o->db_path,
                    "--compact --jobs %u: the index has %u shards, and %u does not divide it", to,
                    n, to);
    return FH_ERR_INVALID;
}

/* Whether this user may read and write the shards of set that exist.
 * Returns FH_OK, or FH_ERR_OPENING (said, with the shard and the reason)
 * before Xapian finds it out in words of its own. */
static fh_status shards_access(const fh_index_opts *o, const fh_shard_set *set)
{
    fh_status rc = FH_OK;
    for (unsigned i = 0; rc == FH_OK && i < set->n; i++) {
        char *path = fh_shards_path(o->db_path, set->generation, i);
        if (path == NULL)
            return FH_ERR_NOMEM;
        struct stat st;
        int denied =
            stat(path, &st) == 0 && faccessat(AT_FDCWD, path, R_OK | W_OK | X_OK, AT_EACCESS) != 0;
        if (denied) {
            fh_progress_say(o, path,
                            "cannot write the index: %s (run as a user who may write it, or "
                            "change its permissions)",
                            strerror(errno));
            rc = FH_ERR_OPENING;
        }
        free(path);
    }
    return rc;
}

/* Open the shards of set for writing into dbs[0..set->n). Returns FH_OK or
 * a failure (said); on failure the ones opened are closed. */
fh_status fh_run_folder_open_shards(const fh_index_opts *o, const fh_shard_set *set, int flags,
                                    fh_db **dbs)
{
    unsigned failed = 0;
    char *msg = NULL;
    fh_status rc = shards_access(o, set);
    if (rc != FH_OK)
        return rc;
    rc = fh_shards_open(o->db_path, set, flags, dbs, &failed, &msg);
    if (rc != FH_OK) {
        char *path = fh_shards_path(o->db_path, set->generation, failed);
        fh_progress_say(o, path ? path : o->db_path, "cannot open the index: %s%s",
                        msg ? msg : fh_status_str(rc),
                        rc == FH_ERR_NOMEM || o->rebuild || o->compact
                            ? ""
                            : " (if it is damaged, --rebuild makes it anew from the pages)");
        free(path);
    }
    free(msg);
    /* A shard that does not open is damaged or cannot be made (73), be
     * Xapian's error what it may: only memory and locks are otherwise. */
    if (rc != FH_OK && rc != FH_ERR_NOMEM && rc != FH_ERR_LOCKED)
        rc = FH_ERR_OPENING;
    return rc;
}

/* Close the shards, syncing each to disk. Returns FH_OK or FH_ERR_IO
 * (said). */
fh_status fh_run_folder_close_and_sync(const fh_index_opts *o, const fh_shard_set *set, fh_db **dbs)
{
    char *msg = NULL;
    fh_status rc = fh_shards_close_and_sync(o->db_path, set, dbs, &msg);
    if (rc != FH_OK)
        fh_progress_say(o, o->db_path, "cannot sync the index to disk: %s",
                        msg ? msg : fh_status_str(rc));
    free(msg);
    return rc == FH_OK ? FH_OK : FH_ERR_IO;
}

/* List generation set in the stub and remove every other. Returns FH_OK or
 * FH_ERR_IO (said). */
fh_status fh_run_folder_switch(const fh_index_opts *o, const fh_shard_set *set)
{
    char *msg = NULL;
    fh_status rc = fh_shards_switch(o->db_path, set, &msg);
    if (rc != FH_OK)
        fh_progress_say(o, o->db_path, "cannot switch to the new shards: %s",
                        msg ? msg : fh_status_str(rc));
    free(msg);
    return rc == FH_OK ? FH_OK : FH_ERR_IO;
}

/* Compact generation built into built->generation + 1 with to_n shards and
 * switch to it; keeps built (switching to it) when compaction fails and
 * fallback is set. Returns FH_OK or FH_ERR_IO (said). */
fh_status fh_run_folder_compact_and_switch(const fh_index_opts *o, const fh_shard_set *built,
                                           unsigned to_n, int fallback)
{
    char *msg = NULL;
    fh_shard_set to = {0, to_n};
    fh_status rc = fh_shards_compact_into(o->db_path, built, &to, &msg);
    if (rc == FH_OK) {
        free(msg);
        return fh_run_folder_switch(o, &to);
    }
    fh_progress_say(o, o->db_path, "cannot compact the index (%s)%s", msg ? msg : fh_status_str(rc),
                    fallback ? "; keeping it as built" : "; it is left as it was");
    free(msg);
    return fallback ? fh_run_folder_switch(o, built) : FH_ERR_IO;
}
