/* sources.c - the sources an index is made from (see sources.h). */
#include "sources.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "record.h"

void fh_sources_list_clear(fh_sources_list *list)
{
    for (size_t i = 0; i < list->n; i++)
        free(list->items[i]);
    free(list->items);
    list->items = NULL;
    list->n = list->cap = 0;
}

static fh_status list_add(fh_sources_list *list, const char *path, size_t len)
{
    if (fh_grow((void **)&list->items, &list->cap, list->n + 1, sizeof *list->items, 8) != FH_OK)
        return FH_ERR_NOMEM;
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return FH_ERR_NOMEM;
    memcpy(copy, path, len);
    copy[len] = '\0';
    list->items[list->n++] = copy;
    return FH_OK;
}

int fh_sources_holds(const char *source, size_t source_len, const char *path, size_t len)
{
    if (len < source_len || memcmp(path, source, source_len) != 0)
        return 0;
    return len == source_len || path[source_len] == '/' ||
           (source_len > 0 && source[source_len - 1] == '/');
}

/* Append the path given to out, absolute, with "." and ".." taken out and
 * no slash doubled or at the end. */
static void make_absolute(const char *given, fh_buf *out)
{
    if (given[0] != '/') {
        char cwd[PATH_MAX];
        if (getcwd(cwd, sizeof cwd) != NULL)
            fh_buf_puts(out, strcmp(cwd, "/") == 0 ? "" : cwd);
    }
    for (const char *p = given; *p;) {
        while (*p == '/')
            p++;
        size_t n = strcspn(p, "/");
        if (n == 0 || (n == 1 && p[0] == '.')) {
            p += n;
            continue;
        }
        if (n == 2 && p[0] == '.' && p[1] == '.') {
            while (out->len > 0 && out->data[out->len - 1] != '/')
                out->len--;
            if (out->len > 0)
                out->len--;
        } else {
            fh_buf_putc(out, '/');
            fh_buf_append(out, p, n);
        }
        p += n;
    }
    if (out->len == 0)
        fh_buf_putc(out, '/');
    if (out->data)
        out->data[out->len] = '\0';
}

fh_status fh_sources_resolve(const char *given, char **out, int *err)
{
    *out = NULL;
    *err = 0;
    char *real = realpath(given, NULL);
    if (real != NULL) {
        *out = real;
        return FH_OK;
    }
    *err = errno;
    if (*err == ENOMEM)
        return FH_ERR_NOMEM;
    fh_buf path = FH_BUF_INIT;
    make_absolute(given, &path);
    if (fh_buf_status(&path) != FH_OK)
        return FH_ERR_NOMEM;
    /* The nearest folder above that exists, made real. */
    fh_buf whole = FH_BUF_INIT;
    for (size_t cut = path.len; cut > 0 && real == NULL;) {
        while (cut > 0 && path.data[cut - 1] != '/')
            cut--;
        if (cut == 0)
            break;
        cut--;
        path.data[cut] = '\0';
        real = realpath(cut ? path.data : "/", NULL);
        path.data[cut] = '/';
        if (real != NULL) {
            fh_buf_puts(&whole, strcmp(real, "/") == 0 ? "" : real);
            fh_buf_puts(&whole, path.data + cut);
        }
    }
    free(real);
    fh_status rc = fh_buf_status(&whole);
    if (rc == FH_OK)
        *out = whole.len ? fh_buf_detach(&whole, NULL) : fh_buf_detach(&path, NULL);
    fh_buf_free(&whole);
    fh_buf_free(&path);
    return *out ? FH_OK : FH_ERR_NOMEM;
}

fh_status fh_sources_load(fh_db *db, fh_sources_list *out)
{
    char *text = NULL;
    size_t len = 0;
    fh_status rc = fh_db_metadata_get(db, FH_SOURCES_KEY, &text, &len);
    for (size_t at = 0; rc == FH_OK && at < len;) {
        size_t n = strnlen(text + at, len - at);
        if (n > 0)
            rc = list_add(out, text + at, n);
        at += n + 1;
    }
    free(text);
    return rc;
}

static int listed(const fh_sources_list *list, const char *path)
{
    for (size_t i = 0; i < list->n; i++)
        if (strcmp(list->items[i], path) == 0)
            return 1;
    return 0;
}

fh_status fh_sources_update(fh_db *db, char *const *add, size_t n_add, char *const *forget,
                            size_t n_forget)
{
    fh_sources_list old = {0}, now = {0};
    fh_status rc = fh_sources_load(db, &old);
    for (size_t i = 0; rc == FH_OK && i < old.n + n_add; i++) {
        const char *s = i < old.n ? old.items[i] : add[i - old.n];
        int gone = listed(&now, s);
        for (size_t k = 0; k < n_forget && !gone; k++)
            gone = fh_sources_holds(forget[k], strlen(forget[k]), s, strlen(s));
        if (!gone)
            rc = list_add(&now, s, strlen(s));
    }
    int same = now.n == old.n;
    for (size_t i = 0; same && i < now.n; i++)
        same = strcmp(now.items[i], old.items[i]) == 0;
    fh_buf text = FH_BUF_INIT;
    for (size_t i = 0; i < now.n; i++)
        fh_buf_append(&text, now.items[i], strlen(now.items[i]) + 1);
    if (rc == FH_OK && !same)
        rc = fh_buf_status(&text);
    if (rc == FH_OK && !same)
        rc = fh_db_metadata_set(db, FH_SOURCES_KEY, text.len ? text.data : "", text.len);
    fh_buf_free(&text);
    fh_sources_list_clear(&old);
    fh_sources_list_clear(&now);
    return rc;
}

typedef struct counting {
    size_t prefix_len; /* of the key prefix and the source together */
    int source_ends_in_slash;
    uint64_t n;
} counting;

static int count_key(void *ctx, const char *term, size_t len, uint32_t freq)
{
    (void)freq;
    counting *c = ctx;
    /* A document's key is the source, or a file in its folders, or a line
     * of the source's JSONL file ("PATH#ID"). */
    if (len == c->prefix_len || c->source_ends_in_slash || term[c->prefix_len] == '/' ||
        term[c->prefix_len] == '#')
        c->n++;
    return 0;
}

fh_status fh_sources_count(fh_db *db, const char *source, uint64_t *out)
{
    *out = 0;
    fh_buf prefix = FH_BUF_INIT;
    fh_buf_puts(&prefix, FH_PREFIX_KEY);
    fh_buf_puts(&prefix, source);
    fh_status rc = fh_buf_status(&prefix);
    size_t n = strlen(source);
    counting c = {prefix.len, n > 0 && source[n - 1] == '/', 0};
    if (rc == FH_OK)
        rc = fh_db_terms(db, prefix.data, prefix.len, 0, count_key, &c, NULL);
    fh_buf_free(&prefix);
    *out = c.n;
    return rc;
}
