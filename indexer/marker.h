/* marker.h - the index folder's marker: what fihris-index made there.
 *
 * fihris-index writes only into a folder of its own, and removes only what
 * it made there. The marker, DIR/FIHRIS (FH_LAYOUT_MARKER), says both: its
 * first line names the format, and each line after it names a shard folder
 * that fihris-index made in DIR:
 *
 *   fihris index folder 1
 *   shard s3-0
 *   shard s4-0
 *   unmerged 3
 *
 * A shard folder is listed before it is made and unlisted once it is
 * removed, so a run killed at any moment leaves nothing of its own
 * unlisted, and a folder that is not listed (a user's own s1-0, say) is
 * never removed, whatever its name. "unmerged G" says that generation G is
 * a first build still to be merged into one shard (a killed first build:
 * the run that finishes it merges it).
 *
 * The marker is written atomically (fh_layout_write_file()) by the one
 * holding the folder's lock. */
#ifndef FH_INDEX_MARKER_H
#define FH_INDEX_MARKER_H

#include <stddef.h>

#include "status.h"

typedef struct fh_marker_shard {
    unsigned generation, i; /* the folder "s<generation>-<i>" */
} fh_marker_shard;

typedef struct fh_marker {
    fh_marker_shard *shards; /* the shard folders fihris-index made */
    size_t n, cap;
    unsigned unmerged; /* a first build still to be merged into one shard (0: none) */
} fh_marker;

/* Read the marker of the index folder dir into *m (which must be empty:
 * {0}). Returns FH_OK; FH_ERR_NOTFOUND when dir holds no marker (*errmsg
 * left NULL); FH_ERR_INVALID when the file is not a marker this fihris
 * can read (another program's file, a damaged one or a newer format);
 * FH_ERR_IO or FH_ERR_NOMEM; with *errmsg (the caller frees it) naming the
 * file and why. Free *m with fh_marker_free() either way. */
fh_status fh_marker_read(const char *dir, fh_marker *m, char **errmsg);

/* Write m as dir's marker, atomically. The caller holds the folder's lock.
 * Returns FH_OK, or FH_ERR_IO or FH_ERR_NOMEM with *errmsg (the caller
 * frees it) the system's reason. */
fh_status fh_marker_write(const char *dir, const fh_marker *m, char **errmsg);

/* Whether m lists the shard folder "s<generation>-<i>". */
int fh_marker_has(const fh_marker *m, unsigned generation, unsigned i);

/* List the shard folder "s<generation>-<i>" in m (once). Returns FH_OK or
 * FH_ERR_NOMEM. */
fh_status fh_marker_add(fh_marker *m, unsigned generation, unsigned i);

/* Unlist the shard folder "s<generation>-<i>" from m. When no shard of
 * m->unmerged is left, that mark goes too. */
void fh_marker_remove(fh_marker *m, unsigned generation, unsigned i);

/* Free what m holds and empty it. Accepts an empty marker. */
void fh_marker_free(fh_marker *m);

/* Whether fihris-index may write into the folder dir. It may when dir does
 * not exist, is empty or holds only the lock file; when it holds a marker;
 * when it holds a stub fihris wrote (an index of an earlier fihris, which
 * then gets its marker); or when it holds a glass database with fihris's
 * settings (the older layout: one database in the folder itself). Reads
 * only: nothing in dir is made or changed, not even the lock file.
 * Returns FH_OK; FH_ERR_INVALID when dir holds anything else (not an
 * index of fihris's: nothing in it may be touched) or a marker it cannot
 * read; FH_ERR_IO when dir cannot be read; with *errmsg (the caller frees
 * it) saying why, without the folder's name. */
fh_status fh_marker_check_folder(const char *dir, char **errmsg);

#endif
