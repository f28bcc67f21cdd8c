/* state.c - the table of indexed documents (see state.h). */
#include "state.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "record.h"

struct fh_state_table {
    fh_state_entry *entries;
    size_t n, cap;
    size_t *by_key;   /* open addressing: entry index + 1, 0 = empty */
    size_t *by_path;  /* first entry of each path, likewise */
    size_t slots;     /* a power of two, at least twice n */
    fh_status status; /* FH_ERR_NOMEM when loading ran out of memory */
    unsigned shard;   /* of the entries being loaded */
};

static uint64_t hash_key(const char *s, size_t len)
{
    return fh_hash64(s, len, 0);
}

static int add_entry(void *ctx, fh_docid docid, const char *value, size_t len)
{
    fh_state_table *t = ctx;
    fh_record_state st;
    if (fh_record_state_decode(value, len, &st) != FH_OK)
        return 0; /* an odd value is skipped; the page is then indexed anew */
    if (fh_grow((void **)&t->entries, &t->cap, t->n + 1, sizeof *t->entries, 1024) != FH_OK) {
        t->status = FH_ERR_NOMEM;
        return 1;
    }
    char *key = malloc(st.key_len + 1);
    if (key == NULL) {
        t->status = FH_ERR_NOMEM;
        return 1;
    }
    memcpy(key, st.key, st.key_len);
    key[st.key_len] = '\0';
    t->entries[t->n++] =
        (fh_state_entry){key,         st.key_len, st.path_len, docid, t->shard, st.size,
                         st.mtime_ns, st.hash,    0,           0,     SIZE_MAX};
    return 0;
}

static fh_status build_index(fh_state_table *t)
{
    size_t slots = 1024;
    while (slots < t->n * 2)
        slots *= 2;
    t->slots = slots;
    t->by_key = calloc(slots, sizeof *t->by_key);
    t->by_path = calloc(slots, sizeof *t->by_path);
    if (t->by_key == NULL || t->by_path == NULL)
        return FH_ERR_NOMEM;
    for (size_t i = 0; i < t->n; i++) {
        fh_state_entry *e = &t->entries[i];
        size_t s = hash_key(e->key, e->key_len) & (slots - 1);
        while (t->by_key[s])
            s = (s + 1) & (slots - 1);
        t->by_key[s] = i + 1;

        s = hash_key(e->key, e->path_len) & (slots - 1);
        for (;;) {
            size_t at = t->by_path[s];
            if (at == 0) {
                t->by_path[s] = i + 1;
                break;
            }
            fh_state_entry *first = &t->entries[at - 1];
            if (first->path_len == e->path_len && memcmp(first->key, e->key, e->path_len) == 0) {
                e->next_same_path = first->next_same_path;
                first->next_same_path = i;
                break;
            }
            s = (s + 1) & (slots - 1);
        }
    }
    return FH_OK;
}

fh_status fh_state_table_load(fh_db *const *dbs, size_t n, fh_state_table **out, size_t *failed)
{
    *out = NULL;
    *failed = 0;
    fh_state_table *t = calloc(1, sizeof *t);
    if (t == NULL)
        return FH_ERR_NOMEM;
    fh_status rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < n; i++) {
        t->shard = (unsigned)i;
        *failed = i;
        rc = fh_db_values(dbs[i], FH_SLOT_STATE, add_entry, t);
        if (rc == FH_OK)
            rc = t->status;
    }
    if (rc == FH_OK)
        rc = build_index(t);
    if (rc != FH_OK) {
        fh_state_table_free(t);
        return rc;
    }
    *out = t;
    return FH_OK;
}

void fh_state_table_free(fh_state_table *t)
{
    if (t == NULL)
        return;
    for (size_t i = 0; i < t->n; i++)
        free(t->entries[i].key);
    free(t->entries);
    free(t->by_key);
    free(t->by_path);
    free(t);
}

size_t fh_state_table_size(const fh_state_table *t)
{
    return t->n;
}

fh_state_entry *fh_state_table_at(fh_state_table *t, size_t i)
{
    return &t->entries[i];
}

fh_state_entry *fh_state_table_find(fh_state_table *t, const char *key, size_t len)
{
    size_t s = hash_key(key, len) & (t->slots - 1);
    for (size_t at; (at = t->by_key[s]) != 0; s = (s + 1) & (t->slots - 1)) {
        fh_state_entry *e = &t->entries[at - 1];
        if (e->key_len == len && memcmp(e->key, key, len) == 0)
            return e;
    }
    return NULL;
}

fh_state_entry *fh_state_table_first_of_path(fh_state_table *t, const char *path, size_t len)
{
    size_t s = hash_key(path, len) & (t->slots - 1);
    for (size_t at; (at = t->by_path[s]) != 0; s = (s + 1) & (t->slots - 1)) {
        fh_state_entry *e = &t->entries[at - 1];
        if (e->path_len == len && memcmp(e->key, path, len) == 0)
            return e;
    }
    return NULL;
}

fh_state_entry *fh_state_table_next_of_path(fh_state_table *t, const fh_state_entry *e)
{
    return e->next_same_path == SIZE_MAX ? NULL : &t->entries[e->next_same_path];
}
