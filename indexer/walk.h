/* walk.h - finding the page files under the sources of a run.
 *
 * A source is a folder, walked recursively without recursion (an explicit
 * stack, so a folder nested thousands deep costs memory, not stack), or a
 * file. Only files whose extension names a page format (page.h) are
 * reported. Hidden files and folders (names starting with '.') are skipped
 * unless asked for; names matching an exclude glob (fnmatch, against the
 * name and against the whole path) are skipped. Symbolic links are not
 * followed unless asked; when they are, a folder already visited is not
 * entered again, which also ends symlink loops. The index folder is never
 * entered, even when it lies inside a source (or --hidden lets the walk
 * into ./.fihris): it is known by its device and inode, so another path
 * to it (a link, "..") is skipped too. Problems (an unreadable folder, a
 * loop) are reported as warnings and the walk goes on. */
#ifndef FH_WALK_H
#define FH_WALK_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "page.h"
#include "status.h"

typedef struct fh_walk_opts {
    int follow_symlinks;
    int hidden;
    const char *const *excludes; /* fnmatch globs */
    size_t n_excludes;
    const char *skip_folder; /* never entered (the index folder), or NULL */
} fh_walk_opts;

typedef struct fh_walk_callbacks {
    /* A page file: its path (NUL-terminated, valid during the call), what
     * stat says of it (of the target, for a followed link), and its format.
     * Return 0 to go on, nonzero to stop the walk. */
    int (*file)(void *ctx, const char *path, size_t path_len, const struct stat *st,
                fh_page_format format);
    /* Something was skipped: path and a short reason. */
    void (*warning)(void *ctx, const char *path, const char *reason);
    void *ctx;
    /* A file or folder could not be read: path and the errno that says why
     * (EACCES, EIO, ENOENT when it went in the middle of the walk). NULL:
     * said through warning. */
    void (*unreadable)(void *ctx, const char *path, int err);
} fh_walk_callbacks;

/* Walk root (a folder or a file; as given, not resolved). Returns FH_OK
 * (also when warnings were given or the callback stopped the walk),
 * FH_ERR_NOTFOUND when root does not exist, FH_ERR_IO when it cannot be
 * read at all, FH_ERR_NOMEM. */
fh_status fh_walk(const char *root, const fh_walk_opts *opts, const fh_walk_callbacks *cb);

/* Whether glob is a pattern fnmatch reads as written: 0, or -1 with *why
 * (static text) saying what is wrong. fnmatch takes a [ that is never
 * closed as the character itself and a lone \ at the end as nothing, so
 * that a mistyped --exclude would quietly skip nothing; a [ for itself is
 * written \[. Also refused: a class name fnmatch does not know ([[:word:]]),
 * and an empty glob. */
int fh_walk_glob_check(const char *glob, const char **why);

#endif
