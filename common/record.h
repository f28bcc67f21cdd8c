/* record.h - what fihris stores for each document.
 *
 * The record is everything the searcher shows and the indexer checks, in
 * one compact binary blob (tag, varint length, bytes per field; unknown tags
 * are skipped, so fields can be added later). It is the document's value
 * FH_SLOT_RECORD, which Xapian stores as it is: the document data would be
 * zlib-compressed, and inflating it took a third of the time snippets take
 * (bench/RESULTS.md). An index of settings format 6 or later stores it
 * compressed with LZ4 instead (record_pack.h), which decodes a record in
 * about a microsecond. Indexes made before hold it as the document data, and
 * are read as well. Besides it, each document holds:
 *   - the unique key term FH_PREFIX_KEY + key (a page's absolute path, or
 *     "PATH#ID" for a JSONL line), by which it is replaced and deleted;
 *   - body and title words as unprefixed terms, their positions in the
 *     value FH_SLOT_WORD_MAP (word_map.h; in indexes of settings format 1
 *     to 6 in Xapian's position lists), title words also as FH_PREFIX_TITLE
 *     terms with positions (for title: queries and title weight),
 *     and each title word whose stem differs from it also unstemmed, as an
 *     FH_PREFIX_EXACT term without positions (a title with the exact
 *     spelling ranks higher);
 *   - the value FH_SLOT_STATE: the state the indexer compares on a re-run
 *     (fh_record_state_encode()), so a re-run reads one value stream, not records;
 *   - the value FH_SLOT_TITLE_WORDS: how many content words the title has
 *     (document.h), so that a query can favour a title it makes up more of
 *     (query.h). */
#ifndef FH_RECORD_H
#define FH_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

#define FH_PREFIX_KEY   "Q" /* unique key term */
#define FH_PREFIX_TITLE "S" /* title words */
#define FH_PREFIX_LANG  "L" /* "Lar", "Len": the page's main language */
#define FH_PREFIX_EXACT "U" /* a title word as written (normalized), when its stem differs */
/* Two title words in order, without positions: FH_PREFIX_PAIR + first term
 * + FH_PAIR_NEXT + second term when they stand side by side, or
 * FH_PAIR_SKIP between them when one word stands between. */
#define FH_PREFIX_PAIR "B"
#define FH_PAIR_NEXT   " "
#define FH_PAIR_SKIP   " . "
#define FH_SLOT_STATE  0 /* the indexer's state value, see fh_record_state */
#define FH_SLOT_RECORD 1 /* the record */
/* The title's number of content words (or of all its words, as the index's
 * settings say), as one byte (1 to 255; a longer title 255); no value when
 * the title has no word. */
#define FH_SLOT_TITLE_WORDS 2
/* A page of a web archive: which capture of its URL it is, as a flag byte
 * ('1' when a later capture of the URL is in the index: the page is then
 * hidden, see FH_TERM_HIDDEN; else '0'), the capture date (WARC-Date),
 * a NUL, and the URL. Set by the indexer (captures.h). */
#define FH_SLOT_CAPTURE 3
/* The page's word map (word_map.h), in an index whose settings say
 * positions=map. (Slots 4 to 10 are the filters', filters.h.) */
#define FH_SLOT_WORD_MAP 11
/* The term of a page hidden by a later capture of its URL: searches leave
 * out the documents that have it, so that each URL shows once. */
#define FH_TERM_HIDDEN "H"

/* Title words take positions from FH_TITLE_FIRST_POS on; the body starts one
 * position after the title's last word (body_first_pos), so that no phrase
 * runs from the title into the body. */
#define FH_TITLE_FIRST_POS 1

typedef struct fh_record {
    const char *key; /* unique key: absolute path, or "PATH#ID" */
    size_t key_len;
    const char *path; /* the file (absolute) */
    size_t path_len;
    const char *url; /* may be empty */
    size_t url_len;
    const char *title;
    size_t title_len;
    const char *text; /* the body as indexed (UTF-8): snippets come from here */
    size_t text_len;
    const char *date; /* may be empty */
    size_t date_len;
    const char *charset; /* what the file was read as; may be empty */
    size_t charset_len;
    uint64_t size;         /* the file's size in bytes */
    int64_t mtime_ns;      /* the file's modification time, ns since the epoch */
    uint64_t hash;         /* content hash of title and text (fh_hash64()) */
    uint32_t arabic_words; /* words of each script in title and text */
    uint32_t latin_words;
    uint32_t body_first_pos; /* position of the first body word */
    /* Byte offset in text of the start of each body word, in position
     * order (word i is at position body_first_pos + i). Stored delta-coded;
     * on decode, raw points into the blob (read with fh_record_offsets()). */
    const uint32_t *offsets;
    size_t n_offsets;
    const char *offsets_raw;
    size_t offsets_raw_len;
    /* The same for the title's words (word i at position
     * FH_TITLE_FIRST_POS + i); records written before it have none. */
    const uint32_t *title_offsets;
    size_t n_title_offsets;
    const char *title_offsets_raw;
    size_t title_offsets_raw_len;
    const char *lang; /* an HTML page's <html lang>; may be empty */
    size_t lang_len;
    /* A page of a web archive (path) whose record starts at archive_offset. */
    int in_archive;
    uint64_t archive_offset;
    /* A record inside a gzip member (an archive that is one gzip stream):
     * where it starts in the inflated stream. */
    int archive_inflated;
    uint64_t archive_inflated_offset;
} fh_record;

/* Append r encoded to out. r->offsets and r->title_offsets are
 * delta-coded; the _raw fields are ignored. Returns fh_buf_status(out). */
fh_status fh_record_encode(const fh_record *r, fh_buf *out);

/* Decode data (len bytes) into *r, whose strings then point into data (not
 * NUL-terminated) and stay valid while data does. offsets is NULL after
 * decoding: use fh_record_offsets() to expand offsets_raw. Returns FH_OK or
 * FH_ERR_CORRUPT. */
fh_status fh_record_decode(const char *data, size_t len, fh_record *r);

/* Expand a decoded record's offsets into *out (n_offsets entries; the caller
 * frees with free()). Returns FH_OK, FH_ERR_NOMEM or FH_ERR_CORRUPT. */
fh_status fh_record_offsets(const fh_record *r, uint32_t **out, size_t *n);

/* The same for the title's word offsets (title_offsets_raw). */
fh_status fh_record_title_offsets(const fh_record *r, uint32_t **out, size_t *n);

/* The state the indexer keeps per document in FH_SLOT_STATE: what it
 * compares on a re-run, and the key, so that one pass over the value stream
 * tells it every document it has. */
typedef struct fh_record_state {
    const char *key; /* the document's key; its first path_len bytes are the file */
    size_t key_len;
    size_t path_len;
    uint64_t size; /* the file's size and modification time when indexed */
    int64_t mtime_ns;
    uint64_t hash; /* the content hash of the document */
} fh_record_state;

/* Append the state value to out. Returns fh_buf_status(out). */
fh_status fh_record_state_encode(const fh_record_state *s, fh_buf *out);

/* Decode a state value; s->key points into data. FH_OK or FH_ERR_CORRUPT. */
fh_status fh_record_state_decode(const char *data, size_t len, fh_record_state *s);

/* A 64-bit hash of len bytes (FNV-1a over 64 bits, then mixed), chained by
 * seed: hash(b, hash(a, 0)) hashes a then b. */
uint64_t fh_hash64(const void *data, size_t len, uint64_t seed);

#endif
