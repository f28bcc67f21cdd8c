/* captures.h - one capture of each URL shown: the latest.
 *
 * Each page of a web archive is a document of its own (keyed "PATH#URL",
 * so that an archive's pages come and go with it), and carries its URL
 * and capture date in FH_SLOT_CAPTURE (record.h). When several archives
 * hold a URL, the capture with the latest date is shown and the others
 * are hidden (FH_TERM_HIDDEN): searches leave them out. Hidden captures
 * stay in the index, so that when the archive of the shown one goes, the
 * next latest is shown again without reading its archive anew. Of two
 * captures of the same date, the one in the later shard and document wins,
 * so that the choice is the same in every run. */
#ifndef FH_INDEX_CAPTURES_H
#define FH_INDEX_CAPTURES_H

#include <stdint.h>

#include "state.h"
#include "status.h"
#include "store.h"

/* Read the captures of the n shards dbs (open for writing), and hide or
 * show each so that exactly the latest of each URL is shown. *changed
 * counts the documents rewritten. Returns FH_OK, FH_ERR_NOMEM, or the
 * store's status (with *failed the shard at fault). */
fh_status fh_captures_settle(fh_db **dbs, unsigned n, uint64_t *changed, unsigned *failed);

/* ---- Counting pages as searches show them: one per URL ------------------
 *
 * A run's summary counts a URL once, whatever the captures of it: new
 * (shown now, by none before), changed (its shown capture is another now,
 * or was written anew), deleted (none shown now), unchanged; and the older
 * captures kept hidden. The run loads the captures its shards hold before
 * it writes, notes what it does with each (kept as it was, written,
 * deleted) and what it adds, and works out from that which capture of
 * each URL it touched is shown before and after, by the rule of
 * fh_captures_settle(). The same notes give a dry run the counts of the
 * real run. */
typedef struct fh_captures fh_captures;

/* Load the captures of the n databases dbs: the run's shards (interleaved
 * 1), or a dry run's one reader over interleaved shards. Each entry of
 * state that is a capture gets its `capture` set. A new capture of a key
 * is taken to go to the shard fh_shards_of_key() gives of n_shards.
 * Returns FH_OK and *out (free with fh_captures_free()), FH_ERR_NOMEM, or
 * the store's status (*failed the database at fault). */
fh_status fh_captures_load(fh_db *const *dbs, unsigned n, unsigned interleaved, unsigned n_shards,
                           fh_state_table *state, fh_captures **out, unsigned *failed);

/* Free. Accepts NULL. */
void fh_captures_free(fh_captures *c);

/* Note that the capture e (an entry with `capture` set) stays as it is,
 * its file or its page read and unchanged; or that it is deleted. Not
 * thread-safe: the caller holds its lock. Accepts c NULL. */
void fh_captures_note_kept(fh_captures *c, const fh_state_entry *e);
void fh_captures_note_deleted(fh_captures *c, const fh_state_entry *e);

/* Note that a capture of url dated date (ISO 8601, or "") is written under
 * key: over e's document, or (e NULL) as a new one. A key written twice
 * in a run keeps the last. Not thread-safe. Returns FH_OK or
 * FH_ERR_NOMEM. */
fh_status fh_captures_note_written(fh_captures *c, const fh_state_entry *e, const char *key,
                                   size_t key_len, const char *url, const char *date);

typedef struct fh_captures_tally {
    uint64_t added, changed, deleted, unchanged; /* URLs, as shown */
    uint64_t hidden;       /* older captures of those URLs kept hidden after the run */
    uint64_t docs_written; /* capture documents written or deleted */
} fh_captures_tally;

/* The counts of the URLs the run touched. Returns FH_OK or FH_ERR_NOMEM. */
fh_status fh_captures_count(fh_captures *c, fh_captures_tally *out);

#endif
