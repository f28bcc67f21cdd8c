/* walk.c - the folder walker (see walk.h). */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "status.h"

typedef struct dev_ino {
    dev_t dev;
    ino_t ino;
} dev_ino;

typedef struct walker {
    const fh_walk_opts *opts;
    const fh_walk_callbacks *cb;
    char **stack; /* folders still to read */
    size_t n_stack, cap_stack;
    dev_ino *visited; /* folders entered, when following links */
    size_t n_visited, cap_visited;
    dev_ino skip; /* opts->skip_folder, when has_skip */
    int has_skip;
    int stopped;
} walker;

static fh_status push_dir(walker *w, const char *path, size_t len)
{
    if (fh_grow((void **)&w->stack, &w->cap_stack, w->n_stack + 1, sizeof *w->stack, 64) != FH_OK)
        return FH_ERR_NOMEM;
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return FH_ERR_NOMEM;
    memcpy(copy, path, len);
    copy[len] = '\0';
    w->stack[w->n_stack++] = copy;
    return FH_OK;
}

/* Remember a folder; 1 if it was new, 0 if seen before, <0 on error. A
 * linear scan is fine: it only runs when following links. */
static int visit(walker *w, const struct stat *st)
{
    for (size_t i = 0; i < w->n_visited; i++)
        if (w->visited[i].dev == st->st_dev && w->visited[i].ino == st->st_ino)
            return 0;
    if (fh_grow((void **)&w->visited, &w->cap_visited, w->n_visited + 1, sizeof *w->visited, 64) !=
        FH_OK)
        return FH_ERR_NOMEM;
    w->visited[w->n_visited++] = (dev_ino){st->st_dev, st->st_ino};
    return 1;
}

/* Say that path could not be read, err saying why. */
static void unreadable(walker *w, const char *path, int err)
{
    if (w->cb->unreadable)
        w->cb->unreadable(w->cb->ctx, path, err);
    else
        w->cb->warning(w->cb->ctx, path, strerror(err));
}

static int excluded(const walker *w, const char *name, const char *path)
{
    if (!w->opts->hidden && name[0] == '.')
        return 1;
    for (size_t i = 0; i < w->opts->n_excludes; i++) {
        const char *glob = w->opts->excludes[i];
        if (fnmatch(glob, name, 0) == 0 || fnmatch(glob, path, 0) == 0)
            return 1;
    }
    return 0;
}

/* Look at one entry (a folder's child, or the root itself). */
static fh_status consider(walker *w, const char *path, size_t len, const char *name, int is_root)
{
    struct stat st;
    if (lstat(path, &st) != 0) {
        if (is_root)
            return errno == ENOENT || errno == ENOTDIR ? FH_ERR_NOTFOUND : FH_ERR_IO;
        unreadable(w, path, errno);
        return FH_OK;
    }
    if (!is_root && excluded(w, name, path))
        return FH_OK;
    if (S_ISLNK(st.st_mode)) {
        if (!w->opts->follow_symlinks && !is_root)
            return FH_OK;
        if (stat(path, &st) != 0) {
            /* A link to a place that cannot be reached now is unread; one
             * to nothing (or to itself) is not a page. */
            if (errno != ENOENT && errno != ENOTDIR && errno != ELOOP && !is_root)
                unreadable(w, path, errno);
            else
                w->cb->warning(w->cb->ctx, path,
                               errno == ELOOP ? "symbolic link loop" : "broken symbolic link");
            return is_root ? FH_ERR_NOTFOUND : FH_OK;
        }
    }
    if (S_ISDIR(st.st_mode)) {
        if (w->has_skip && st.st_dev == w->skip.dev && st.st_ino == w->skip.ino)
            return FH_OK;
        if (w->opts->follow_symlinks) {
            int fresh = visit(w, &st);
            if (fresh < 0)
                return FH_ERR_NOMEM;
            if (!fresh) {
                w->cb->warning(w->cb->ctx, path, "folder already visited (symbolic link loop?)");
                return FH_OK;
            }
        }
        return push_dir(w, path, len);
    }
    if (!S_ISREG(st.st_mode))
        return FH_OK;
    fh_page_format format = fh_page_format_of(path);
    if (format == FH_FORMAT_UNKNOWN && !is_root)
        return FH_OK;
    if (format == FH_FORMAT_UNKNOWN)
        format = FH_FORMAT_TXT; /* a file named on the command line is read as text */
    if (w->cb->file(w->cb->ctx, path, len, &st, format) != 0)
        w->stopped = 1;
    return FH_OK;
}

static int strcmp_ptr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static fh_status read_dir(walker *w, const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL) {
        unreadable(w, dir, errno);
        return FH_OK;
    }
    /* Read all names first, then sort: a stable order makes runs and their
     * progress repeatable. */
    char **names = NULL;
    size_t n = 0, cap = 0;
    fh_status rc = FH_OK;
    struct dirent *e;
    errno = 0;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (fh_grow((void **)&names, &cap, n + 1, sizeof *names, 64) != FH_OK) {
            rc = FH_ERR_NOMEM;
            break;
        }
        names[n] = strdup(e->d_name);
        if (names[n] == NULL) {
            rc = FH_ERR_NOMEM;
            break;
        }
        n++;
        errno = 0;
    }
    /* A folder listed only in part (an input/output error) is unread: its
     * other files may still be there. */
    if (rc == FH_OK && e == NULL && errno != 0)
        unreadable(w, dir, errno);
    closedir(d);
    if (rc == FH_OK && n > 1)
        qsort(names, n, sizeof *names, strcmp_ptr);
    fh_buf path = FH_BUF_INIT;
    size_t dir_len = strlen(dir);
    /* Children are pushed in reverse so that they are read in order. */
    size_t first_dir = w->n_stack;
    for (size_t i = 0; rc == FH_OK && i < n && !w->stopped; i++) {
        fh_buf_reset(&path);
        fh_buf_append(&path, dir, dir_len);
        if (dir_len == 0 || dir[dir_len - 1] != '/')
            fh_buf_putc(&path, '/');
        fh_buf_puts(&path, names[i]);
        rc = fh_buf_status(&path);
        if (rc == FH_OK)
            rc = consider(w, path.data, path.len, names[i], 0);
    }
    for (size_t a = first_dir, b = w->n_stack; b > a + 1; a++, b--) {
        char *t = w->stack[a];
        w->stack[a] = w->stack[b - 1];
        w->stack[b - 1] = t;
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    fh_buf_free(&path);
    return rc;
}

fh_status fh_walk(const char *root, const fh_walk_opts *opts, const fh_walk_callbacks *cb)
{
    walker w;
    memset(&w, 0, sizeof w);
    w.opts = opts;
    w.cb = cb;
    struct stat skip;
    if (opts->skip_folder && stat(opts->skip_folder, &skip) == 0 && S_ISDIR(skip.st_mode)) {
        w.skip = (dev_ino){skip.st_dev, skip.st_ino};
        w.has_skip = 1;
    }
    fh_status rc = consider(&w, root, strlen(root), root, 1);
    while (rc == FH_OK && w.n_stack > 0 && !w.stopped) {
        char *dir = w.stack[--w.n_stack];
        rc = read_dir(&w, dir);
        free(dir);
    }
    for (size_t i = 0; i < w.n_stack; i++)
        free(w.stack[i]);
    free(w.stack);
    free(w.visited);
    return rc;
}

/* The end of the bracket expression opened at glob[i] ('['): the index of
 * its closing ']', or 0 when it is not closed; *bad_class when a [:name:]
 * inside names no class. */
static size_t bracket_end(const char *glob, size_t i, int *bad_class)
{
    static const char *const classes[] = {"alnum", "alpha", "blank", "cntrl", "digit", "graph",
                                          "lower", "print", "punct", "space", "upper", "xdigit"};
    size_t j = i + 1;
    if (glob[j] == '!' || glob[j] == '^')
        j++;
    if (glob[j] == ']') /* first: the character itself */
        j++;
    for (; glob[j]; j++) {
        if (glob[j] == ']')
            return j;
        if (glob[j] == '\\' && glob[j + 1]) {
            j++;
            continue;
        }
        if (glob[j] != '[' || (glob[j + 1] != ':' && glob[j + 1] != '.' && glob[j + 1] != '='))
            continue;
        char kind = glob[j + 1];
        const char *close = glob + j + 2;
        while (*close && !(close[0] == kind && close[1] == ']'))
            close++;
        if (*close == '\0')
            return 0;
        if (kind == ':') {
            size_t n = (size_t)(close - (glob + j + 2));
            int known = 0;
            for (size_t k = 0; k < sizeof classes / sizeof classes[0]; k++)
                known |= strlen(classes[k]) == n && strncmp(classes[k], glob + j + 2, n) == 0;
            if (!known)
                *bad_class = 1;
        }
        j = (size_t)(close - glob) + 1;
    }
    return 0;
}

int fh_walk_glob_check(const char *glob, const char **why)
{
    *why = NULL;
    if (glob[0] == '\0')
        *why = "an empty pattern matches nothing";
    for (size_t i = 0; *why == NULL && glob[i]; i++) {
        if (glob[i] == '\\') {
            if (glob[i + 1] == '\0')
                *why = "a lone \\ ends the pattern (write \\\\ for the character itself)";
            i++;
        } else if (glob[i] == '[') {
            int bad_class = 0;
            size_t end = bracket_end(glob, i, &bad_class);
            if (end == 0)
                *why = "a [ is not closed (write \\[ for the character itself)";
            else if (bad_class)
                *why = "a [:class:] names no class (alnum, alpha, digit, space, ...)";
            i = end ? end : i;
        }
    }
    return *why ? -1 : 0;
}
