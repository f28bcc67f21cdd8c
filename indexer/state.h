/* state.h - what the index already holds, loaded once per run.
 *
 * One pass over the FH_SLOT_STATE value stream gives every document's key,
 * file, size, modification time and content hash. The run looks documents
 * up by key (is this page new? changed?) and by file (all the documents of
 * a JSONL file), marks the ones it sees, and deletes the unseen ones under
 * the folders it scanned. */
#ifndef FH_INDEX_STATE_H
#define FH_INDEX_STATE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"
#include "store.h"

typedef struct fh_state_entry {
    char *key; /* NUL-terminated; the file's path is key[0..path_len) */
    size_t key_len;
    size_t path_len;
    fh_docid docid; /* in its shard */
    unsigned shard; /* which of the databases it was loaded from */
    uint64_t size;
    int64_t mtime_ns;
    uint64_t hash;
    unsigned char seen;    /* set by the run: the document's file still exists */
    size_t capture;        /* a capture of a URL: 1 + its index in the run's captures, else 0 */
    size_t next_same_path; /* index of the next entry of the same file, or SIZE_MAX */
} fh_state_entry;

typedef struct fh_state_table fh_state_table;

/* Load the state of every document of the n databases dbs (the shards;
 * n == 0: an empty table). Entries remember their shard's index. Returns
 * FH_OK and *out (free with fh_state_table_free()), FH_ERR_NOMEM, or the
 * store's status (its message on the shard at fault, *failed). */
fh_status fh_state_table_load(fh_db *const *dbs, size_t n, fh_state_table **out, size_t *failed);

/* Free a table. Accepts NULL. */
void fh_state_table_free(fh_state_table *t);

/* The number of entries, and entry i (i < size). */
size_t fh_state_table_size(const fh_state_table *t);
fh_state_entry *fh_state_table_at(fh_state_table *t, size_t i);

/* The entry with this key, or NULL. */
fh_state_entry *fh_state_table_find(fh_state_table *t, const char *key, size_t len);

/* The first entry of the file path (follow next_same_path), or NULL. */
fh_state_entry *fh_state_table_first_of_path(fh_state_table *t, const char *path, size_t len);

/* The next entry of the same file as e (a JSONL file has one per line), or
 * NULL after the last. */
fh_state_entry *fh_state_table_next_of_path(fh_state_table *t, const fh_state_entry *e);

#endif
