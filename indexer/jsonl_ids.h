/* jsonl_ids.h - the ids met so far in a JSONL file, each with the line it
 * was first on: a page whose id comes again replaces the earlier one, and
 * the run says so. Ids are kept as 64-bit hashes: two ids of one file with
 * the same hash are taken for one, which only costs a wrong warning. */
#ifndef FH_INDEX_JSONL_IDS_H
#define FH_INDEX_JSONL_IDS_H

#include <stddef.h>
#include <stdint.h>

typedef struct fh_jsonl_id fh_jsonl_id;

typedef struct fh_jsonl_ids {
    fh_jsonl_id *slots; /* open addressing, cap a power of two */
    size_t n, cap;
} fh_jsonl_ids;

#define FH_JSONL_IDS_INIT                                                                          \
    {                                                                                              \
        NULL, 0, 0                                                                                 \
    }

/* Remember that id is on line line_no (from 1). Returns the line it was
 * first on before, or 0 when it is new (or when out of memory: then it is
 * not remembered). */
size_t fh_jsonl_ids_add(fh_jsonl_ids *ids, const char *id, size_t line_no);

/* Forget every id and free the memory. */
void fh_jsonl_ids_clear(fh_jsonl_ids *ids);

#endif
