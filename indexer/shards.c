/* shards.c - generations of shards in an index folder (see shards.h). */
#include "shards.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "layout.h"
#include "marker.h"
#include "record.h"
#include "status.h"
#include "store.h"

char *fh_shards_path(const char *dir, unsigned gen, unsigned i)
{
    size_t n = strlen(dir) + 32;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/s%u-%u", dir, gen, i);
    return p;
}

unsigned fh_shards_of_key(const char *key, size_t len, unsigned n)
{
    return n <= 1 ? 0 : (unsigned)(fh_hash64(key, len, 0x5348415244ULL) % n);
}

/* "sG-I" -> G and I. */
static int parse_name(const char *name, unsigned *gen, unsigned *i)
{
    char tail;
    return sscanf(name, "s%u-%u%c", gen, i, &tail) == 2 && name[1] >= '0' && name[1] <= '9';
}

/* *errmsg = the text of errno (of the call that just failed). */
static void set_errno_msg(char **errmsg, int err)
{
    free(*errmsg);
    *errmsg = strdup(strerror(err));
}

fh_status fh_shards_sync(const char *path, char **errmsg)
{
    *errmsg = NULL;
    DIR *d = opendir(path);
    if (d == NULL) {
        set_errno_msg(errmsg, errno);
        return FH_ERR_IO;
    }
    fh_status rc = FH_OK;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        int fd = openat(dirfd(d), e->d_name, O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            continue;
        if (fsync(fd) != 0 && errno != EINVAL) {
            set_errno_msg(errmsg, errno);
            rc = FH_ERR_IO;
        }
        close(fd);
    }
    closedir(d);
    return rc;
}

fh_status fh_shards_remove_tree(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return unlink(path) == 0 || errno == ENOENT ? FH_OK : FH_ERR_IO;
    struct dirent *e;
    fh_status rc = FH_OK;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        /* Shard folders are flat: files only. */
        if (unlinkat(dirfd(d), e->d_name, 0) != 0)
            rc = FH_ERR_IO;
    }
    closedir(d);
    if (rmdir(path) != 0)
        rc = FH_ERR_IO;
    return rc;
}

/* The older layout: one glass database in dir itself. Hard-link its files
 * into generation 1 (or the first after it whose name is free), list that,
 * then remove iamglass first (from then on Xapian opens dir through the
 * stub) and the rest of the database's own files. Returns FH_OK, or
 * FH_ERR_IO with *errmsg (the caller frees it). */
static fh_status migrate(const char *dir, char **errmsg)
{
    fh_shard_set set = {1, 1};
    char *shard = NULL;
    fh_buf from = FH_BUF_INIT, to = FH_BUF_INIT;
    fh_status rc = FH_ERR_IO;
    int err = ENOMEM;
    DIR *d = NULL;
    if (fh_shards_claim(dir, &set, 0, errmsg) != FH_OK)
        goto out;
    shard = fh_shards_path(dir, set.generation, 0);
    if (shard == NULL)
        goto out;
    if (mkdir(shard, 0777) != 0 || (d = opendir(dir)) == NULL) {
        err = errno;
        goto out;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        int ours = strcmp(e->d_name, "iamglass") == 0 ||
                   (len > 6 && strcmp(e->d_name + len - 6, ".glass") == 0);
        if (!ours)
            continue;
        fh_buf_reset(&from);
        fh_buf_reset(&to);
        fh_buf_printf(&from, "%s/%s", dir, e->d_name);
        fh_buf_printf(&to, "%s/%s", shard, e->d_name);
        if (fh_buf_status(&from) != FH_OK || fh_buf_status(&to) != FH_OK)
            goto out;
        if (link(from.data, to.data) != 0) {
            err = errno;
            goto out;
        }
    }
    if (fh_shards_sync(shard, errmsg) != FH_OK || fh_shards_install(dir, &set, errmsg) != FH_OK)
        goto out;
    fh_buf_reset(&from);
    fh_buf_printf(&from, "%s/iamglass", dir);
    if (fh_buf_status(&from) != FH_OK)
        goto out;
    if (unlink(from.data) != 0) {
        err = errno;
        goto out;
    }
    rewinddir(d);
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if ((len > 6 && strcmp(e->d_name + len - 6, ".glass") == 0) ||
            strcmp(e->d_name, "flintlock") == 0)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    rc = FH_OK;
out:
    if (rc != FH_OK && *errmsg == NULL)
        set_errno_msg(errmsg, err);
    if (d)
        closedir(d);
    fh_buf_free(&from);
    fh_buf_free(&to);
    free(shard);
    return rc;
}

/* Read dir's marker into *m: empty when there is none yet. Returns FH_OK or
 * a status with *errmsg (the caller frees it). */
static fh_status read_marker(const char *dir, fh_marker *m, char **errmsg)
{
    fh_status rc = fh_marker_read(dir, m, errmsg);
    return rc == FH_ERR_NOTFOUND ? FH_OK : rc;
}

/* The shards the stub lists are fihris's own: an index made by an earlier
 * fihris, which wrote no marker, gets one listing them (and only them).
 * Returns FH_OK or a status with *errmsg (the caller frees it). */
static fh_status adopt(const char *dir, const fh_shard_set *set, char **errmsg)
{
    fh_marker m = {0};
    fh_status rc = read_marker(dir, &m, errmsg);
    int missing = 0;
    for (unsigned i = 0; rc == FH_OK && i < set->n; i++) {
        missing |= !fh_marker_has(&m, set->generation, i);
        rc = fh_marker_add(&m, set->generation, i);
    }
    if (rc == FH_OK && missing)
        rc = fh_marker_write(dir, &m, errmsg);
    if (rc == FH_ERR_NOMEM && *errmsg == NULL)
        set_errno_msg(errmsg, ENOMEM);
    fh_marker_free(&m);
    return rc;
}

fh_status fh_shards_claim(const char *dir, fh_shard_set *set, int unmerged, char **errmsg)
{
    *errmsg = NULL;
    fh_marker m = {0};
    fh_status rc = read_marker(dir, &m, errmsg);
    /* A name taken by a file or folder that is not ours moves the whole
     * generation on: it is never written over. */
    int free_names = 0;
    for (unsigned tries = 0; rc == FH_OK && tries < 1000; tries++, set->generation++) {
        free_names = 1;
        for (unsigned i = 0; free_names && i < set->n; i++) {
            char *path = fh_shards_path(dir, set->generation, i);
            struct stat st;
            if (path == NULL)
                rc = FH_ERR_NOMEM;
            else if (lstat(path, &st) == 0 && !fh_marker_has(&m, set->generation, i))
                free_names = 0;
            free(path);
        }
        if (free_names)
            break;
    }
    if (rc == FH_OK && !free_names) {
        set_errno_msg(errmsg, EEXIST);
        rc = FH_ERR_IO;
    }
    for (unsigned i = 0; rc == FH_OK && i < set->n; i++)
        rc = fh_marker_add(&m, set->generation, i);
    if (rc == FH_OK && unmerged)
        m.unmerged = set->generation;
    if (rc == FH_OK)
        rc = fh_marker_write(dir, &m, errmsg);
    /* Listed now: what a killed run left under these names is ours. */
    for (unsigned i = 0; rc == FH_OK && i < set->n; i++) {
        char *path = fh_shards_path(dir, set->generation, i);
        if (path == NULL || fh_shards_remove_tree(path) != FH_OK) {
            rc = path ? FH_ERR_IO : FH_ERR_NOMEM;
            set_errno_msg(errmsg, path ? errno : ENOMEM);
        }
        free(path);
    }
    if (rc == FH_ERR_NOMEM && *errmsg == NULL)
        set_errno_msg(errmsg, ENOMEM);
    fh_marker_free(&m);
    return rc;
}

unsigned fh_shards_unmerged(const char *dir)
{
    fh_marker m = {0};
    char *msg = NULL;
    unsigned gen = fh_marker_read(dir, &m, &msg) == FH_OK ? m.unmerged : 0;
    free(msg);
    fh_marker_free(&m);
    return gen;
}

fh_status fh_shards_read(const char *dir, fh_shard_set *set, char **errmsg)
{
    *errmsg = NULL;
    set->generation = set->n = 0;
    fh_buf path = FH_BUF_INIT;
    fh_buf_printf(&path, "%s/iamglass", dir);
    if (fh_buf_status(&path) != FH_OK)
        return FH_ERR_NOMEM;
    struct stat st;
    if (stat(path.data, &st) == 0 && migrate(dir, errmsg) != FH_OK) {
        fh_buf_free(&path);
        return FH_ERR_IO;
    }
    fh_buf_reset(&path);
    fh_buf_printf(&path, "%s/%s", dir, FH_LAYOUT_STUB);
    if (fh_buf_status(&path) != FH_OK)
        return FH_ERR_NOMEM;
    if (stat(path.data, &st) != 0) {
        int e = errno;
        fh_buf_free(&path);
        if (e == ENOENT)
            return FH_OK;
        set_errno_msg(errmsg, e);
        return FH_ERR_IO;
    }
    fh_layout_list list = {0};
    fh_status rc = fh_layout_read_stub(path.data, &list, errmsg);
    if (rc == FH_ERR_IO && *errmsg == NULL)
        set_errno_msg(errmsg, errno);
    size_t dlen = strlen(dir);
    for (size_t i = 0; rc == FH_OK && i < list.n; i++) {
        const char *item = list.items[i];
        unsigned gen = 0, idx = 0;
        int ok = strncmp(item, dir, dlen) == 0 && item[dlen] == '/' &&
                 parse_name(item + dlen + 1, &gen, &idx) && idx == i && gen > 0 &&
                 (i == 0 || gen == set->generation) && i < FH_SHARDS_MAX;
        if (!ok) {
            free(*errmsg);
            *errmsg = NULL;
            fh_buf msg = FH_BUF_INIT;
            fh_buf_printf(&msg,
                          "%s: line %zu does not name a shard of this folder (sG-%zu); this "
                          "stub was not written by fihris-index",
                          path.data, i + 1, i);
            *errmsg = fh_buf_detach(&msg, NULL);
            rc = FH_ERR_INVALID;
            break;
        }
        set->generation = gen;
        set->n = (unsigned)i + 1;
    }
    fh_layout_list_clear(&list);
    fh_buf_free(&path);
    return rc == FH_OK ? adopt(dir, set, errmsg) : rc;
}

fh_status fh_shards_install(const char *dir, const fh_shard_set *set, char **errmsg)
{
    *errmsg = NULL;
    char lines[FH_SHARDS_MAX][48];
    const char *ptrs[FH_SHARDS_MAX];
    for (unsigned i = 0; i < set->n && i < FH_SHARDS_MAX; i++) {
        snprintf(lines[i], sizeof lines[i], "auto s%u-%u", set->generation, i);
        ptrs[i] = lines[i];
    }
    fh_buf path = FH_BUF_INIT;
    fh_buf_printf(&path, "%s/%s", dir, FH_LAYOUT_STUB);
    fh_status rc = fh_buf_status(&path) == FH_OK
                       ? fh_layout_write_stub(path.data, ptrs, set->n, errmsg)
                       : FH_ERR_NOMEM;
    if (rc == FH_ERR_NOMEM && *errmsg == NULL)
        set_errno_msg(errmsg, ENOMEM);
    fh_buf_free(&path);
    return rc;
}

/* Remove the shard folders dir's marker lists: of every generation but gen
 * (all_but), or of gen alone; each is unlisted once it is gone. */
static void remove_listed(const char *dir, unsigned gen, int all_but)
{
    fh_marker m = {0};
    char *msg = NULL;
    if (fh_marker_read(dir, &m, &msg) == FH_OK) {
        size_t before = m.n;
        /* Backwards: removing one moves the last into its place. */
        for (size_t k = m.n; k-- > 0;) {
            fh_marker_shard s = m.shards[k];
            if ((s.generation == gen) == all_but)
                continue;
            char *path = fh_shards_path(dir, s.generation, s.i);
            if (path && fh_shards_remove_tree(path) == FH_OK)
                fh_marker_remove(&m, s.generation, s.i);
            free(path);
        }
        free(msg);
        msg = NULL;
        /* If it cannot be written, the marker lists folders no longer
         * there, which the next run removes again (they are gone). */
        if (m.n != before)
            fh_marker_write(dir, &m, &msg);
    }
    free(msg);
    fh_marker_free(&m);
}

void fh_shards_remove_others(const char *dir, unsigned keep)
{
    remove_listed(dir, keep, 1);
    /* The temporary files fihris writes have fixed names of its own. */
    static const char *const temporary[] = {FH_LAYOUT_STUB ".tmp", FH_LAYOUT_MARKER ".tmp"};
    fh_buf path = FH_BUF_INIT;
    for (size_t i = 0; i < sizeof temporary / sizeof temporary[0]; i++) {
        fh_buf_reset(&path);
        fh_buf_printf(&path, "%s/%s", dir, temporary[i]);
        if (fh_buf_status(&path) == FH_OK)
            unlink(path.data);
    }
    fh_buf_free(&path);
}

typedef struct compaction {
    const char *dir;
    const fh_shard_set *from, *to;
    unsigned target;
    fh_status status;
    char *msg;
} compaction;

static void *compact_one(void *arg)
{
    compaction *c = arg;
    const char *sources[FH_SHARDS_MAX];
    char *owned[FH_SHARDS_MAX];
    size_t n = 0;
    char *dest = fh_shards_path(c->dir, c->to->generation, c->target);
    c->status = dest ? FH_OK : FH_ERR_NOMEM;
    for (unsigned j = c->target; c->status == FH_OK && j < c->from->n; j += c->to->n) {
        owned[n] = fh_shards_path(c->dir, c->from->generation, j);
        if (owned[n] == NULL) {
            c->status = FH_ERR_NOMEM;
            break;
        }
        sources[n] = owned[n];
        n++;
    }
    if (c->status == FH_OK) {
        fh_shards_remove_tree(dest);
        c->status = fh_db_compact(sources, n, dest, &c->msg);
    }
    if (c->status == FH_OK)
        c->status = fh_shards_sync(dest, &c->msg);
    for (size_t i = 0; i < n; i++)
        free(owned[i]);
    free(dest);
    return NULL;
}

fh_status fh_shards_compact(const char *dir, const fh_shard_set *from, const fh_shard_set *to,
                            char **errmsg)
{
    *errmsg = NULL;
    if (to->n == 0 || to->n > from->n || from->n % to->n != 0)
        return FH_ERR_INVALID;
    compaction jobs[FH_SHARDS_MAX];
    pthread_t threads[FH_SHARDS_MAX];
    int started[FH_SHARDS_MAX] = {0};
    for (unsigned i = 0; i < to->n; i++) {
        jobs[i] = (compaction){dir, from, to, i, FH_OK, NULL};
        started[i] = pthread_create(&threads[i], NULL, compact_one, &jobs[i]) == 0;
        if (!started[i])
            compact_one(&jobs[i]);
    }
    fh_status rc = FH_OK;
    for (unsigned i = 0; i < to->n; i++) {
        if (started[i])
            pthread_join(threads[i], NULL);
        if (rc == FH_OK && jobs[i].status != FH_OK) {
            rc = jobs[i].status;
            *errmsg = jobs[i].msg;
            jobs[i].msg = NULL;
        }
        free(jobs[i].msg);
    }
    return rc;
}

fh_status fh_shards_switch(const char *dir, const fh_shard_set *set, char **errmsg)
{
    fh_status rc = fh_shards_install(dir, set, errmsg);
    if (rc == FH_OK)
        fh_shards_remove_others(dir, set->generation);
    return rc;
}

/* Create the folders above path that are missing (like mkdir -p). */
static void make_parents(const char *path)
{
    char *copy = strdup(path);
    if (copy == NULL)
        return;
    for (char *p = copy + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        mkdir(copy, 0777);
        *p = '/';
    }
    free(copy);
}

fh_status fh_shards_lock(const char *dir, double wait_seconds, int *fd, char **errmsg)
{
    *errmsg = NULL;
    make_parents(dir);
    return fh_layout_lock(dir, wait_seconds, fd, errmsg);
}

fh_status fh_shards_open(const char *dir, const fh_shard_set *set, int flags, fh_db **dbs,
                         unsigned *failed, char **errmsg)
{
    *errmsg = NULL;
    for (unsigned i = 0; i < set->n; i++) {
        char *path = fh_shards_path(dir, set->generation, i);
        fh_status rc = path ? fh_db_open_writable(path, flags, &dbs[i], errmsg) : FH_ERR_NOMEM;
        free(path);
        if (rc != FH_OK) {
            *failed = i;
            for (unsigned j = 0; j < i; j++) {
                fh_db_close(dbs[j]);
                dbs[j] = NULL;
            }
            return rc;
        }
    }
    return FH_OK;
}

fh_status fh_shards_close_and_sync(const char *dir, const fh_shard_set *set, fh_db **dbs,
                                   char **errmsg)
{
    *errmsg = NULL;
    fh_status rc = FH_OK;
    for (unsigned i = 0; i < set->n; i++) {
        fh_db_close(dbs[i]);
        dbs[i] = NULL;
        if (rc != FH_OK)
            continue;
        char *path = fh_shards_path(dir, set->generation, i);
        if (path == NULL) {
            set_errno_msg(errmsg, ENOMEM);
            rc = FH_ERR_IO;
        } else if (fh_shards_sync(path, errmsg) != FH_OK) {
            rc = FH_ERR_IO;
        }
        free(path);
    }
    return rc;
}

/* A shard merged from several holds the first one's metadata: its
 * FH_COMMITTED_KEY is set again to what it holds. Returns FH_OK or a
 * status, with *errmsg to free. */
static fh_status recount_merged(const char *dir, const fh_shard_set *to, char **errmsg)
{
    fh_status rc = FH_OK;
    for (unsigned i = 0; rc == FH_OK && i < to->n; i++) {
        char *path = fh_shards_path(dir, to->generation, i);
        fh_db *db = NULL;
        rc = path ? fh_db_open_writable(path, 0, &db, errmsg) : FH_ERR_NOMEM;
        if (rc == FH_OK)
            rc = fh_shards_set_committed(db);
        if (rc == FH_OK)
            rc = fh_db_commit(db);
        if (rc != FH_OK && db != NULL && *errmsg == NULL)
            *errmsg = strdup(fh_db_errmsg(db));
        fh_db_close(db);
        free(path);
    }
    return rc;
}

fh_status fh_shards_compact_into(const char *dir, const fh_shard_set *from, fh_shard_set *to,
                                 char **errmsg)
{
    to->generation = from->generation + 1;
    fh_status rc = fh_shards_claim(dir, to, 0, errmsg);
    if (rc != FH_OK)
        return rc;
    rc = fh_shards_compact(dir, from, to, errmsg);
    if (rc == FH_OK && to->n < from->n)
        rc = recount_merged(dir, to, errmsg);
    if (rc != FH_OK)
        remove_listed(dir, to->generation, 0);
    return rc;
}

fh_status fh_shards_count(fh_db *const *dbs, unsigned n, uint32_t *docs, unsigned *failed)
{
    *docs = 0;
    for (unsigned i = 0; i < n; i++) {
        uint32_t count = 0;
        fh_status rc = fh_db_doc_count(dbs[i], &count);
        if (rc != FH_OK) {
            *failed = i;
            return rc;
        }
        *docs += count;
    }
    return FH_OK;
}

void fh_shards_stamp(fh_db *db, const char *key)
{
    char stamp[32];
    snprintf(stamp, sizeof stamp, "%lld", (long long)time(NULL));
    fh_db_metadata_set(db, key, stamp, strlen(stamp));
}

fh_status fh_shards_set_committed(fh_db *db)
{
    uint32_t docs = 0;
    fh_status rc = fh_db_doc_count(db, &docs);
    if (rc == FH_OK) {
        char text[16];
        snprintf(text, sizeof text, "%u", docs);
        rc = fh_db_metadata_set(db, FH_COMMITTED_KEY, text, strlen(text));
    }
    return rc;
}

fh_status fh_shards_commit(fh_db *db)
{
    fh_status rc = fh_shards_set_committed(db);
    if (rc == FH_OK)
        rc = fh_db_metadata_set(db, FH_MID_RUN_KEY, "1", 1);
    return rc == FH_OK ? fh_db_commit(db) : rc;
}

fh_status fh_shards_finish_run(fh_db *db)
{
    fh_status rc = fh_db_metadata_set(db, FH_MID_RUN_KEY, "", 0);
    return rc == FH_OK ? fh_db_commit(db) : rc;
}

int fh_shards_left_mid_run(fh_db *const *dbs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *text = NULL;
        int mid = dbs[i] && fh_db_metadata_get(dbs[i], FH_MID_RUN_KEY, &text, NULL) == FH_OK &&
                  text[0] != '\0';
        free(text);
        if (mid)
            return 1;
    }
    return 0;
}
