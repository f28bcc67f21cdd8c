/* marker.c - the index folder's marker (see marker.h). */
#include "marker.h"

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "layout.h"
#include "settings.h"
#include "store.h"

#define FORMAT_LINE      "fihris index folder "
#define FORMAT           1
#define MAX_MARKER_BYTES (1 << 16)

/* The foreign folder's message: the caller names the folder before it. */
#define NOT_AN_INDEX                                                                               \
    "not a fihris index and not empty: nothing in it was touched (--db takes a new or empty "      \
    "folder, or an index made by fihris-index)"

/* "DIR/NAME" in *out. Returns FH_OK or FH_ERR_NOMEM. */
static fh_status in_folder(fh_buf *out, const char *dir, const char *name)
{
    fh_buf_reset(out);
    fh_buf_printf(out, "%s/%s", dir, name);
    return fh_buf_status(out);
}

/* Read the small text file path whole into *text (free()). Returns FH_OK,
 * FH_ERR_NOTFOUND, FH_ERR_IO (*err the reason), FH_ERR_INVALID (too big
 * or binary) or FH_ERR_NOMEM. */
static fh_status read_small(const char *path, size_t max, char **text, int *err)
{
    *text = NULL;
    FILE *f = fopen(path, "rbe");
    if (f == NULL) {
        *err = errno;
        return errno == ENOENT ? FH_ERR_NOTFOUND : FH_ERR_IO;
    }
    char *buf = malloc(max + 1);
    if (buf == NULL) {
        fclose(f);
        return FH_ERR_NOMEM;
    }
    size_t n = fread(buf, 1, max + 1, f);
    *err = ferror(f) ? EIO : 0;
    fclose(f);
    fh_status rc = *err ? FH_ERR_IO : FH_OK;
    if (rc == FH_OK && (n > max || memchr(buf, '\0', n) != NULL))
        rc = FH_ERR_INVALID;
    if (rc != FH_OK) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *text = buf;
    return FH_OK;
}

/* One line of the marker after the first. Returns FH_OK, FH_ERR_INVALID
 * or FH_ERR_NOMEM. */
static fh_status parse_line(fh_marker *m, const char *line)
{
    unsigned gen = 0, i = 0;
    char tail;
    if (line[0] == '\0' || line[0] == '#')
        return FH_OK;
    if (sscanf(line, "shard s%u-%u%c", &gen, &i, &tail) == 2 && gen > 0 &&
        strncmp(line, "shard s", 7) == 0 && line[7] >= '0' && line[7] <= '9')
        return fh_marker_add(m, gen, i);
    if (sscanf(line, "unmerged %u%c", &gen, &tail) == 1 && gen > 0 && line[9] >= '0' &&
        line[9] <= '9') {
        m->unmerged = gen;
        return FH_OK;
    }
    return FH_ERR_INVALID;
}

fh_status fh_marker_read(const char *dir, fh_marker *m, char **errmsg)
{
    *errmsg = NULL;
    fh_buf path = FH_BUF_INIT;
    char *text = NULL;
    int err = 0;
    fh_status rc = in_folder(&path, dir, FH_LAYOUT_MARKER);
    if (rc == FH_OK)
        rc = read_small(path.data, MAX_MARKER_BYTES, &text, &err);
    if (rc == FH_ERR_IO)
        fh_status_msg(errmsg, "%s: cannot read the marker: %s", path.data, strerror(err));
    size_t line_no = 0;
    for (char *line = text, *next; rc == FH_OK && line && *line; line = next) {
        next = strchr(line, '\n');
        if (next)
            *next++ = '\0';
        line_no++;
        if (line_no > 1) {
            rc = parse_line(m, line);
            continue;
        }
        unsigned format = 0;
        char tail;
        if (strncmp(line, FORMAT_LINE, strlen(FORMAT_LINE)) != 0 ||
            sscanf(line + strlen(FORMAT_LINE), "%u%c", &format, &tail) != 1)
            rc = FH_ERR_INVALID;
        else if (format != FORMAT) {
            fh_status_msg(errmsg, "%s: the index was made by a newer fihris (format %u)", path.data,
                          format);
            rc = FH_ERR_INVALID;
        }
    }
    if (rc == FH_OK && line_no == 0)
        rc = FH_ERR_INVALID;
    if (rc == FH_ERR_INVALID && *errmsg == NULL)
        fh_status_msg(errmsg, "%s:%zu: not a marker of a fihris index", path.data,
                      line_no ? line_no : 1);
    if (rc == FH_ERR_NOMEM && *errmsg == NULL)
        fh_status_msg(errmsg, "out of memory");
    free(text);
    fh_buf_free(&path);
    return rc;
}

fh_status fh_marker_write(const char *dir, const fh_marker *m, char **errmsg)
{
    *errmsg = NULL;
    fh_buf text = FH_BUF_INIT, path = FH_BUF_INIT;
    fh_buf_printf(&text, FORMAT_LINE "%d\n", FORMAT);
    for (size_t k = 0; k < m->n; k++)
        fh_buf_printf(&text, "shard s%u-%u\n", m->shards[k].generation, m->shards[k].i);
    if (m->unmerged)
        fh_buf_printf(&text, "unmerged %u\n", m->unmerged);
    fh_status rc = fh_buf_status(&text);
    if (rc == FH_OK)
        rc = in_folder(&path, dir, FH_LAYOUT_MARKER);
    if (rc == FH_OK)
        rc = fh_layout_write_file(path.data, text.data, text.len, errmsg);
    else
        fh_status_msg(errmsg, "out of memory");
    fh_buf_free(&text);
    fh_buf_free(&path);
    return rc;
}

int fh_marker_has(const fh_marker *m, unsigned generation, unsigned i)
{
    for (size_t k = 0; k < m->n; k++)
        if (m->shards[k].generation == generation && m->shards[k].i == i)
            return 1;
    return 0;
}

fh_status fh_marker_add(fh_marker *m, unsigned generation, unsigned i)
{
    if (fh_marker_has(m, generation, i))
        return FH_OK;
    if (fh_grow((void **)&m->shards, &m->cap, m->n + 1, sizeof *m->shards, 8) != FH_OK)
        return FH_ERR_NOMEM;
    m->shards[m->n++] = (fh_marker_shard){generation, i};
    return FH_OK;
}

void fh_marker_remove(fh_marker *m, unsigned generation, unsigned i)
{
    int left = 0;
    for (size_t k = 0; k < m->n;) {
        if (m->shards[k].generation == generation && m->shards[k].i == i) {
            m->shards[k] = m->shards[--m->n];
            continue;
        }
        left |= m->shards[k].generation == m->unmerged;
        k++;
    }
    if (!left)
        m->unmerged = 0;
}

void fh_marker_free(fh_marker *m)
{
    free(m->shards);
    memset(m, 0, sizeof *m);
}

/* Whether the stub file at path is one fihris wrote: its first line is
 * fihris's comment. */
static int stub_of_fihris(const char *path)
{
    char *text = NULL;
    int err = 0;
    if (read_small(path, 1 << 20, &text, &err) != FH_OK)
        return 0;
    size_t len = strlen(FH_LAYOUT_STUB_COMMENT);
    int ours =
        strncmp(text, FH_LAYOUT_STUB_COMMENT, len) == 0 && (text[len] == '\n' || text[len] == '\r');
    free(text);
    return ours;
}

/* Whether the glass database in the folder dir holds fihris's settings:
 * an index of the older layout, made by fihris. */
static int glass_of_fihris(const char *dir)
{
    fh_db *db = NULL;
    char *msg = NULL, *settings = NULL;
    int ours = fh_db_open_readonly(&dir, 1, &db, &msg) == FH_OK &&
               fh_db_metadata_get(db, FH_SETTINGS_KEY, &settings, NULL) == FH_OK &&
               settings[0] != '\0';
    free(settings);
    free(msg);
    fh_db_close(db);
    return ours;
}

/* Whether dir holds nothing but the lock file (and the marker's temporary
 * file, a fixed name of fihris's own, when a first run was killed while it
 * wrote the marker). Returns FH_OK and *empty, or FH_ERR_IO (*err the
 * reason). */
static fh_status empty_but_lock(const char *dir, int *empty, int *err)
{
    *empty = 1;
    DIR *d = opendir(dir);
    if (d == NULL) {
        *err = errno;
        return FH_ERR_IO;
    }
    struct dirent *e;
    while (*empty && (e = readdir(d)) != NULL)
        *empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
                 strcmp(e->d_name, FH_LAYOUT_LOCK) == 0 ||
                 strcmp(e->d_name, FH_LAYOUT_MARKER ".tmp") == 0;
    closedir(d);
    return FH_OK;
}

fh_status fh_marker_check_folder(const char *dir, char **errmsg)
{
    *errmsg = NULL;
    struct stat st;
    if (stat(dir, &st) != 0) {
        /* Nothing there: creating it will say why it cannot be made. */
        if (errno == ENOENT || errno == ENOTDIR)
            return FH_OK;
        fh_status_msg(errmsg, "cannot read the index folder: %s", strerror(errno));
        return FH_ERR_IO;
    }
    if (!S_ISDIR(st.st_mode)) {
        fh_status_msg(errmsg, "not a folder: nothing was touched (--db takes the index's folder)");
        return FH_ERR_INVALID;
    }
    fh_marker m = {0};
    char *why = NULL;
    fh_status rc = fh_marker_read(dir, &m, &why);
    fh_marker_free(&m);
    if (rc == FH_ERR_INVALID)
        fh_status_msg(errmsg, "%s; nothing in the folder was touched", why);
    else if (rc != FH_ERR_NOTFOUND && why != NULL)
        fh_status_msg(errmsg, "%s", why);
    free(why);
    if (rc != FH_ERR_NOTFOUND)
        return rc;
    fh_buf path = FH_BUF_INIT;
    int err = 0, empty = 0;
    rc = in_folder(&path, dir, FH_LAYOUT_STUB);
    int ours = rc == FH_OK && stub_of_fihris(path.data);
    if (rc == FH_OK && !ours)
        rc = in_folder(&path, dir, "iamglass");
    if (rc == FH_OK && !ours)
        ours = stat(path.data, &st) == 0 && glass_of_fihris(dir);
    if (rc == FH_OK && !ours)
        rc = empty_but_lock(dir, &empty, &err);
    fh_buf_free(&path);
    if (rc == FH_ERR_IO)
        fh_status_msg(errmsg, "cannot read the index folder: %s", strerror(err));
    else if (rc == FH_ERR_NOMEM)
        fh_status_msg(errmsg, "out of memory");
    else if (!ours && !empty)
        fh_status_msg(errmsg, NOT_AN_INDEX);
    if (rc != FH_OK)
        return rc;
    return ours || empty ? FH_OK : FH_ERR_INVALID;
}
