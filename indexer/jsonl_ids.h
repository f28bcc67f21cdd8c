/* jsonl_ids.h - the ids of a JSONL file, each with the first and the last
 * line it is on: the page of an id's last line replaces those of its
 * earlier lines, which are passed over (and the run says so once), so that
 * an id met twice counts once. Ids are kept as 64-bit hashes: two ids of
 * one file with the same hash (about one chance in 2^64 a pair) are taken
 * for one. */
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

/* Remember that id is on line line_no (from 1; lines come in order, so
 * this is its last line so far). Returns the line it was first on before,
 * or 0 when it is new (or when out of memory: then it is not remembered). */
size_t fh_jsonl_ids_add(fh_jsonl_ids *ids, const char *id, size_t line_no);

/* The first and the last line of id. Returns 1, or 0 when id was not
 * remembered (then *first and *last are 0). */
int fh_jsonl_ids_lines(const fh_jsonl_ids *ids, const char *id, size_t *first, size_t *last);

/* Forget every id and free the memory. */
void fh_jsonl_ids_clear(fh_jsonl_ids *ids);

#endif
