/* layout.c - the index folder: shards, stub file, lock (see layout.h). */
#include "layout.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "status.h"
#include "store.h"

#define MAX_STUB_DEPTH 8
#define MAX_STUB_BYTES (1 << 20)

void fh_layout_list_clear(fh_layout_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->items[i]);
    free(list->items);
    list->items = NULL;
    list->n = list->cap = 0;
}

fh_status fh_layout_list_add(fh_layout_list *list, const char *item)
{
    if (fh_grow((void **)&list->items, &list->cap, list->n + 1, sizeof *list->items, 8) != FH_OK)
        return FH_ERR_NOMEM;
    char *copy = strdup(item);
    if (copy == NULL)
        return FH_ERR_NOMEM;
    list->items[list->n++] = copy;
    return FH_OK;
}

static int is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

/* Read a small text file whole. Returns FH_OK and *text (free()), FH_ERR_IO
 * (errno set) or FH_ERR_INVALID (too big or binary). */
static fh_status read_text(const char *path, char **text)
{
    *text = NULL;
    FILE *f = fopen(path, "rbe");
    if (f == NULL)
        return FH_ERR_IO;
    char *buf = malloc(MAX_STUB_BYTES + 1);
    if (buf == NULL) {
        fclose(f);
        return FH_ERR_NOMEM;
    }
    size_t n = fread(buf, 1, MAX_STUB_BYTES + 1, f);
    int failed = ferror(f);
    fclose(f);
    if (failed) {
        free(buf);
        errno = EIO;
        return FH_ERR_IO;
    }
    if (n > MAX_STUB_BYTES || memchr(buf, '\0', n) != NULL) {
        free(buf);
        return FH_ERR_INVALID;
    }
    buf[n] = '\0';
    *text = buf;
    return FH_OK;
}

/* The folder part of path, with its slash ("" for a bare name). */
static size_t folder_len(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? (size_t)(slash - path) + 1 : 0;
}

/* Turn one stub line into a database in *item: a path, tcp://HOST:PORT,
 * or "remote :PROGRAM ARGS" as the line has it. */
static fh_status parse_line(const char *stub, char *line, fh_buf *item)
{
    char *space = strchr(line, ' ');
    const char *arg = space ? space + 1 : "";
    if (space)
        *space = '\0';
    fh_buf_reset(item);
    if (strcmp(line, "auto") == 0 || strcmp(line, "glass") == 0 || strcmp(line, "chert") == 0) {
        if (*arg == '\0')
            return FH_ERR_INVALID;
        if (arg[0] != '/')
            fh_buf_append(item, stub, folder_len(stub));
        fh_buf_puts(item, arg);
        return fh_buf_status(item);
    }
    if (strcmp(line, "remote") == 0 && arg[0] == ':' && arg[1] != '\0' && arg[1] != ' ') {
        /* Xapian's program line: kept whole, store.c runs it. */
        fh_buf_puts(item, "remote ");
        fh_buf_puts(item, arg);
        return fh_buf_status(item);
    }
    if (strcmp(line, "remote") == 0 && arg[0] != ':' && arg[0] != '\0') {
        const char *colon = strrchr(arg, ':');
        if (colon == NULL || colon == arg || colon[1] == '\0' || arg[strlen(arg) - 1] == ']')
            return FH_ERR_INVALID;
        fh_buf_puts(item, "tcp://");
        fh_buf_puts(item, arg);
        return fh_buf_status(item);
    }
    return FH_ERR_INVALID;
}

fh_status fh_layout_read_stub(const char *path, fh_layout_list *out, char **errmsg)
{
    char *text = NULL;
    int rc = read_text(path, &text);
    if (rc == FH_ERR_IO) {
        fh_status_msg(errmsg, "%s: cannot read the stub file: %s", path, strerror(errno));
        return rc;
    }
    if (rc == FH_ERR_INVALID)
        fh_status_msg(errmsg, "%s: not a stub database file", path);
    if (rc != FH_OK)
        return rc;
    fh_buf item = FH_BUF_INIT;
    size_t line_no = 0;
    for (char *line = text, *next; line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_no++;
        size_t len = strlen(line);
        if (len > 0 && line[len - 1] == '\r')
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        /* "remote ssh HOST ..." is a bad line to Xapian too. */
        const char *arg = strncmp(line, "remote ", 7) == 0 ? line + 7 : NULL;
        int program_without_colon = arg && *arg != ':' && strchr(arg, ' ') != NULL;
        rc = parse_line(path, line, &item);
        if (rc == FH_OK)
            rc = fh_layout_list_add(out, item.data);
        if (rc != FH_OK) {
            if (rc == FH_ERR_INVALID && program_without_colon)
                fh_status_msg(errmsg,
                              "%s:%zu: a program needs a colon before it: remote :PROGRAM ARGS",
                              path, line_no);
            else if (rc == FH_ERR_INVALID)
                fh_status_msg(errmsg,
                              "%s:%zu: not a line fihris can open (auto PATH, glass PATH, remote "
                              "HOST:PORT or remote :PROGRAM ARGS)",
                              path, line_no);
            break;
        }
    }
    fh_buf_free(&item);
    free(text);
    return rc;
}

fh_status fh_layout_write_file(const char *path, const char *text, size_t len, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    int err = 0;
    fh_buf tmp = FH_BUF_INIT;
    fh_buf_printf(&tmp, "%s.tmp", path);
    int rc = fh_buf_status(&tmp);
    if (rc != FH_OK) {
        err = ENOMEM;
        goto out;
    }
    rc = FH_ERR_IO;
    int fd = open(tmp.data, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
    if (fd < 0) {
        err = errno;
        goto out;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t w = write(fd, text + done, len - done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            break;
        done += (size_t)w;
    }
    int ok = done == len && fsync(fd) == 0;
    err = errno;
    close(fd);
    if (!ok || rename(tmp.data, path) != 0) {
        err = ok ? errno : err;
        unlink(tmp.data);
        goto out;
    }
    /* The rename is durable once the folder is. */
    char *dir = strdup(path);
    if (dir) {
        size_t dlen = folder_len(dir);
        if (dlen == 0)
            strcpy(dir, ".");
        else
            dir[dlen > 1 ? dlen - 1 : 1] = '\0';
        int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd >= 0) {
            fsync(dfd);
            close(dfd);
        }
        free(dir);
    }
    rc = FH_OK;
out:
    if (rc != FH_OK)
        fh_status_msg(errmsg, "%s", strerror(err));
    fh_buf_free(&tmp);
    return rc;
}

fh_status fh_layout_write_stub(const char *path, const char *const *lines, size_t n, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    fh_buf text = FH_BUF_INIT;
    fh_buf_puts(&text, FH_LAYOUT_STUB_COMMENT "\n");
    for (size_t i = 0; i < n; i++) {
        fh_buf_puts(&text, lines[i]);
        fh_buf_putc(&text, '\n');
    }
    fh_status rc = fh_buf_status(&text);
    if (rc == FH_OK)
        rc = fh_layout_write_file(path, text.data, text.len, errmsg);
    else
        fh_status_msg(errmsg, "%s", strerror(ENOMEM));
    fh_buf_free(&text);
    return rc;
}

int fh_layout_is_remote(const char *db)
{
    return strncmp(db, "tcp://", 6) == 0 || strncmp(db, "ssh://", 6) == 0 ||
           strncmp(db, "remote :", 8) == 0;
}

static int expand(const char *where, fh_layout_list *out, char **errmsg, int depth)
{
    if (fh_layout_is_remote(where))
        return fh_layout_list_add(out, where);
    struct stat st;
    if (stat(where, &st) != 0 || (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode)))
        return fh_layout_list_add(out, where); /* opening it will say what is wrong */
    /* Said here in plain words: Xapian would say it cannot detect the type
     * of a database it may not read. */
    int need = S_ISDIR(st.st_mode) ? R_OK | X_OK : R_OK;
    if (faccessat(AT_FDCWD, where, need, AT_EACCESS) != 0) {
        fh_status_msg(errmsg, "%s: cannot read the index: %s", where, strerror(errno));
        return FH_ERR_OPENING;
    }
    fh_buf stub = FH_BUF_INIT;
    int rc = FH_OK;
    if (S_ISDIR(st.st_mode)) {
        fh_buf_printf(&stub, "%s/iamglass", where);
        int glass = fh_buf_status(&stub) == FH_OK && is_file(stub.data);
        fh_buf_reset(&stub);
        fh_buf_printf(&stub, "%s/%s", where, FH_LAYOUT_STUB);
        if (fh_buf_status(&stub) != FH_OK)
            rc = FH_ERR_NOMEM;
        else if (glass || !is_file(stub.data))
            rc = fh_layout_list_add(out, where);
        else
            goto read_stub;
        goto out;
    }
    fh_buf_puts(&stub, where);
    if (fh_buf_status(&stub) != FH_OK) {
        rc = FH_ERR_NOMEM;
        goto out;
    }
    /* A regular file: a stub, unless it is binary (a single-file database). */
    char *probe = NULL;
    if (read_text(where, &probe) == FH_ERR_INVALID) {
        rc = fh_layout_list_add(out, where);
        goto out;
    }
    free(probe);
read_stub:
    if (depth >= MAX_STUB_DEPTH) {
        fh_status_msg(errmsg, "%s: stub files nested more than %d deep", where, MAX_STUB_DEPTH);
        rc = FH_ERR_INVALID;
        goto out;
    }
    fh_layout_list listed = {0};
    rc = fh_layout_read_stub(stub.data, &listed, errmsg);
    for (size_t i = 0; rc == FH_OK && i < listed.n; i++)
        rc = expand(listed.items[i], out, errmsg, depth + 1);
    fh_layout_list_clear(&listed);
out:
    fh_buf_free(&stub);
    return rc;
}

fh_status fh_layout_expand(const char *where, fh_layout_list *out, char **errmsg)
{
    if (errmsg)
        *errmsg = NULL;
    int rc = expand(where, out, errmsg, 0);
    if (rc == FH_ERR_NOMEM)
        fh_status_msg(errmsg, "out of memory");
    return rc;
}

typedef struct skip_filter {
    void (*on_skip)(void *ctx, const char *db, const char *msg);
    void *ctx;
    fh_layout_list *skipped;
} skip_filter;

static void note_skip(void *ctx, const char *db, const char *msg)
{
    skip_filter *f = ctx;
    fh_layout_list_add(f->skipped, db);
    if (f->on_skip)
        f->on_skip(f->ctx, db, msg);
}

/* Whether the local path where (what --db named) holds no index at all:
 * nothing there, or a folder with neither a stub nor a database. */
static int no_index_at(const char *where)
{
    if (fh_layout_is_remote(where))
        return 0;
    struct stat st;
    if (stat(where, &st) != 0)
        return errno == ENOENT || errno == ENOTDIR;
    /* A folder it may not read is said as such when it is expanded. */
    if (!S_ISDIR(st.st_mode) || faccessat(AT_FDCWD, where, R_OK | X_OK, AT_EACCESS) != 0)
        return 0;
    fh_buf path = FH_BUF_INIT;
    fh_buf_printf(&path, "%s/%s", where, FH_LAYOUT_STUB);
    int none = fh_buf_status(&path) == FH_OK && !is_file(path.data);
    static const char *const databases[] = {"iamglass", "iamchert", "iamhoney"};
    for (size_t i = 0; none && i < 3; i++) {
        fh_buf_reset(&path);
        fh_buf_printf(&path, "%s/%s", where, databases[i]);
        none = fh_buf_status(&path) == FH_OK && !is_file(path.data);
    }
    fh_buf_free(&path);
    return none;
}

fh_status fh_layout_open(const char *const *wheres, size_t n, int allow_partial,
                         void (*on_skip)(void *ctx, const char *db, const char *msg), void *ctx,
                         fh_db **out, fh_layout_list *opened, char **errmsg)
{
    *out = NULL;
    *errmsg = NULL;
    int rc = FH_OK;
    for (size_t i = 0; !allow_partial && i < n; i++) {
        if (no_index_at(wheres[i])) {
            fh_status_msg(errmsg, "%s: no index here (fihris-index --db %s SOURCE... makes one)",
                          wheres[i], wheres[i]);
            return FH_ERR_NOTFOUND;
        }
    }
    for (int attempt = 0; attempt < 3; attempt++) {
        fh_layout_list list = {0};
        for (size_t i = 0; rc == FH_OK && i < n; i++)
            rc = fh_layout_expand(wheres[i], &list, errmsg);
        if (rc == FH_OK && list.n == 0) {
            rc = FH_ERR_INVALID;
            fh_status_msg(errmsg, "%s: the stub lists no database", n > 0 ? wheres[0] : "");
        }
        if (rc != FH_OK) {
            fh_layout_list_clear(&list);
            return rc;
        }
        int from_stub = list.n != n;
        for (size_t i = 0; !from_stub && i < n; i++)
            from_stub = strcmp(list.items[i], wheres[i]) != 0;
        fh_layout_list skipped = {0};
        skip_filter filter = {on_skip, ctx, &skipped};
        rc = fh_db_open_available((const char *const *)list.items, list.n,
                                  allow_partial ? note_skip : NULL, &filter, out, errmsg);
        if (rc == FH_OK && opened) {
            for (size_t i = 0; i < list.n; i++) {
                int was_skipped = 0;
                for (size_t k = 0; k < skipped.n; k++)
                    was_skipped |= strcmp(skipped.items[k], list.items[i]) == 0;
                if (!was_skipped && fh_layout_list_add(opened, list.items[i]) != FH_OK)
                    rc = FH_ERR_NOMEM;
            }
        }
        fh_layout_list_clear(&skipped);
        fh_layout_list_clear(&list);
        /* A commit can overtake the opening itself (Xapian discards the
         * revision being read), and a stub can be switched between reading
         * it and opening what it listed: either way, try again. */
        int overtaken = rc == FH_ERR_MODIFIED || (rc == FH_ERR_OPENING && from_stub);
        if (!overtaken || attempt == 2)
            break;
        free(*errmsg);
        *errmsg = NULL;
        rc = FH_OK;
        usleep(20000);
    }
    if (rc != FH_OK) {
        fh_db_close(*out);
        *out = NULL;
    }
    return rc;
}

/* Seconds on a clock that never goes back. */
static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Take the lock on the open file f, waiting as fh_layout_lock() says.
 * Returns 0, or the errno of the failure (EWOULDBLOCK: still held when the
 * time ran out). */
static int take_lock(int f, double wait_seconds)
{
    if (wait_seconds < 0) {
        while (flock(f, LOCK_EX) != 0)
            if (errno != EINTR)
                return errno;
        return 0;
    }
    /* A bounded wait: tries with short sleeps between them (flock has no
     * timeout), the sleeps growing from 10 ms to a quarter second. */
    double deadline = now_seconds() + wait_seconds;
    long pause_ms = 10;
    for (;;) {
        if (flock(f, LOCK_EX | LOCK_NB) == 0)
            return 0;
        if (errno == EINTR)
            continue;
        if (errno != EWOULDBLOCK)
            return errno;
        double left = deadline - now_seconds();
        if (left <= 0)
            return EWOULDBLOCK;
        double pause = (double)pause_ms / 1000;
        if (pause > left)
            pause = left;
        struct timespec ts = {(time_t)pause, (long)((pause - (double)(time_t)pause) * 1e9)};
        nanosleep(&ts, NULL);
        if (pause_ms < 250)
            pause_ms *= 2;
    }
}

fh_status fh_layout_lock(const char *dir, double wait_seconds, int *fd, char **errmsg)
{
    *fd = -1;
    if (errmsg)
        *errmsg = NULL;
    if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
        fh_status_msg(errmsg, "%s", strerror(errno));
        return FH_ERR_IO;
    }
    fh_buf path = FH_BUF_INIT;
    fh_buf_printf(&path, "%s/%s", dir, FH_LAYOUT_LOCK);
    if (fh_buf_status(&path) != FH_OK) {
        fh_buf_free(&path);
        fh_status_msg(errmsg, "%s", strerror(ENOMEM));
        return FH_ERR_NOMEM;
    }
    int f = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC | O_NOCTTY, 0666);
    int err = errno;
    fh_buf_free(&path);
    if (f < 0) {
        fh_status_msg(errmsg, "%s", strerror(err));
        return FH_ERR_IO;
    }
    err = take_lock(f, wait_seconds);
    if (err != 0) {
        close(f);
        if (err == EWOULDBLOCK)
            return FH_ERR_LOCKED;
        fh_status_msg(errmsg, "%s", strerror(err));
        return FH_ERR_IO;
    }
    *fd = f;
    return FH_OK;
}
