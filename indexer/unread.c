/* unread.c - the files and folders a run could not read (see unread.h). */
#include "unread.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

typedef struct span {
    char *s;
    size_t len;
} span;

struct fh_unread {
    pthread_mutex_t lock;
    span *paths; /* sorted by bytes, then by length */
    size_t n, cap;
};

fh_status fh_unread_new(fh_unread **out)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return FH_ERR_NOMEM;
    pthread_mutex_init(&(*out)->lock, NULL);
    return FH_OK;
}

void fh_unread_free(fh_unread *u)
{
    if (u == NULL)
        return;
    for (size_t i = 0; i < u->n; i++)
        free(u->paths[i].s);
    free(u->paths);
    pthread_mutex_destroy(&u->lock);
    free(u);
}

static int compare(const char *a, size_t a_len, const char *b, size_t b_len)
{
    int c = memcmp(a, b, a_len < b_len ? a_len : b_len);
    return c ? c : (a_len > b_len) - (a_len < b_len);
}

/* Where path is, or would go, in the sorted paths; *found says which. */
static size_t locate(const fh_unread *u, const char *path, size_t len, int *found)
{
    size_t lo = 0, hi = u->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = compare(u->paths[mid].s, u->paths[mid].len, path, len);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    *found = 0;
    return lo;
}

int fh_unread_add(fh_unread *u, const char *path, size_t len)
{
    if (u == NULL)
        return 1;
    pthread_mutex_lock(&u->lock);
    int found = 0;
    size_t at = locate(u, path, len, &found);
    char *copy = found ? NULL : malloc(len + 1);
    if (copy && fh_grow((void **)&u->paths, &u->cap, u->n + 1, sizeof *u->paths, 16) == FH_OK) {
        memcpy(copy, path, len);
        copy[len] = '\0';
        memmove(&u->paths[at + 1], &u->paths[at], (u->n - at) * sizeof *u->paths);
        u->paths[at] = (span){copy, len};
        u->n++;
    } else {
        free(copy);
    }
    pthread_mutex_unlock(&u->lock);
    return !found;
}

int fh_unread_covers(const fh_unread *u, const char *path, size_t len)
{
    if (u == NULL || u->n == 0)
        return 0;
    /* The path itself, then each folder above it: a few binary searches. */
    int found = 0;
    for (size_t end = len; end > 0 && !found; end--) {
        if (end == len || path[end] == '/')
            locate(u, path, end, &found);
    }
    if (!found && len > 0 && path[0] == '/')
        locate(u, "/", 1, &found);
    return found;
}

size_t fh_unread_count(const fh_unread *u)
{
    return u ? u->n : 0;
}
