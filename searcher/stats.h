/* stats.h - fihris-search --stats: the state of an index, for monitoring. */
#ifndef FH_STATS_H
#define FH_STATS_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sources.h"
#include "store.h"

typedef struct fh_stats {
    uint32_t documents;     /* as searches show them: one per URL of a web archive */
    uint32_t hidden;        /* older captures of those URLs, kept hidden (not in documents) */
    uint64_t terms;         /* distinct word terms (not key, title or language terms) */
    uint32_t shards;        /* databases searched as one */
    uint32_t remote_shards; /* of which remote (tcp://, ssh://, a stub's program) */
    int word_map;           /* 1: word positions in word maps, 0: in Xapian (word_map.h) */
    uint64_t bytes_on_disk; /* of the local ones */
    int64_t updated;        /* seconds since the epoch of the last change; 0 if unknown */
    int64_t last_run;       /* of the last indexer run that succeeded; 0 if unknown */
    uint32_t arabic_pages;  /* pages mostly in Arabic */
    uint32_t english_pages;
    fh_sources_list sources;    /* the sources the index records (sources.h) */
    uint64_t *source_documents; /* the documents under each (hidden captures left out) */
} fh_stats;

/* Gather the statistics of db, opened from the n paths. Returns FH_OK or a
 * store status (the message on db). Free what *out holds with
 * fh_stats_clear() either way. */
fh_status fh_stats_gather(fh_db *db, const char *const *paths, size_t n, fh_stats *out);

/* Free what s holds. */
void fh_stats_clear(fh_stats *s);

/* Print as text lines, or as one JSON object; the sources come last (text:
 * "source          PATH (N documents)" each; JSON: "sources":[{"path":
 * PATH,"documents":N},...]). Older captures kept hidden are said after
 * the documents (text: "(N older captures kept hidden)", when there are;
 * JSON: "hidden_captures":N). Where the index keeps word positions: text
 * "positions       word maps" or "Xapian", JSON "positions":"map" or
 * "xapian". Return FH_OK, FH_ERR_NOMEM, or FH_ERR_IO on a
 * write error. */
fh_status fh_stats_print_text(FILE *out, const fh_stats *s);
fh_status fh_stats_print_json(FILE *out, const fh_stats *s);

#endif
