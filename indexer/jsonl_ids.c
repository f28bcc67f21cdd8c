/* jsonl_ids.c - the ids met so far in a JSONL file (see jsonl_ids.h). */
#include "jsonl_ids.h"

#include <stdlib.h>
#include <string.h>

#include "record.h"

/* An id met first on line line_no and last on last_line (hash 0: an
 * empty slot). */
struct fh_jsonl_id {
    uint64_t hash;
    size_t line_no;
    size_t last_line;
};

static uint64_t hash_of(const char *id)
{
    uint64_t h = fh_hash64(id, strlen(id), 0);
    return h + (h == 0);
}

/* Double the table (1024 slots at first). Returns 0, or -1 when out of
 * memory. */
static int grow(fh_jsonl_ids *ids)
{
    size_t cap = ids->cap ? 2 * ids->cap : 1024;
    fh_jsonl_id *slots = calloc(cap, sizeof *slots);
    if (slots == NULL)
        return -1;
    for (size_t i = 0; i < ids->cap; i++) {
        if (ids->slots[i].hash == 0)
            continue;
        size_t k = ids->slots[i].hash & (cap - 1);
        while (slots[k].hash != 0)
            k = (k + 1) & (cap - 1);
        slots[k] = ids->slots[i];
    }
    free(ids->slots);
    ids->slots = slots;
    ids->cap = cap;
    return 0;
}

size_t fh_jsonl_ids_add(fh_jsonl_ids *ids, const char *id, size_t line_no)
{
    if (2 * (ids->n + 1) > ids->cap && grow(ids) != 0)
        return 0;
    uint64_t h = hash_of(id);
    size_t k = h & (ids->cap - 1);
    for (; ids->slots[k].hash != 0; k = (k + 1) & (ids->cap - 1)) {
        if (ids->slots[k].hash == h) {
            ids->slots[k].last_line = line_no;
            return ids->slots[k].line_no;
        }
    }
    ids->slots[k] = (fh_jsonl_id){h, line_no, line_no};
    ids->n++;
    return 0;
}

int fh_jsonl_ids_lines(const fh_jsonl_ids *ids, const char *id, size_t *first, size_t *last)
{
    *first = *last = 0;
    if (ids->cap == 0)
        return 0;
    uint64_t h = hash_of(id);
    for (size_t k = h & (ids->cap - 1); ids->slots[k].hash != 0; k = (k + 1) & (ids->cap - 1)) {
        if (ids->slots[k].hash == h) {
            *first = ids->slots[k].line_no;
            *last = ids->slots[k].last_line;
            return 1;
        }
    }
    return 0;
}

void fh_jsonl_ids_clear(fh_jsonl_ids *ids)
{
    free(ids->slots);
    *ids = (fh_jsonl_ids)FH_JSONL_IDS_INIT;
}
