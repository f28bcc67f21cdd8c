/* word_map.h - which word stands at each position of a page, kept beside
 * the page in the index instead of Xapian's position lists.
 *
 * Xapian keeps a word's positions in a document under a key of their own
 * (document and term): on newsmix that was 149 MB of a 310 MB index, about
 * eleven bytes a position, and a third of the build's time. A word map
 * holds the same for one page in one value (FH_SLOT_WORD_MAP, record.h):
 * the 32-bit hashes of the page's distinct words (unprefixed terms, title
 * and body), sorted, then for each position from FH_TITLE_FIRST_POS on the
 * number of its word in that list (0: no word there), one to three bytes
 * each as the page needs. About three bytes a position.
 *
 * Phrases are matched on it (a query node of store.h that reads the value,
 * query_build.c) and snippets find their words in it (hit_words.c) instead
 * of reading positions from Xapian. Two words of a page whose hashes are
 * equal count as one word there: for a query word, one page in about
 * 2^32 / (the page's distinct words) holds a word it would mistake for it.
 *
 * The layout: the byte width of an id (1 to 3), varint first position,
 * varint number of positions, varint number of hashes, the hashes (4 bytes
 * each, little-endian, ascending), the ids (little-endian). */
#ifndef FH_WORD_MAP_H
#define FH_WORD_MAP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

/* The hash of a term (len bytes) as a word map keeps it. */
uint32_t fh_word_map_hash(const char *term, size_t len);

/* Collects a page's words in position order, then writes its map. */
typedef struct fh_word_map_word {
    uint32_t pos, hash;
} fh_word_map_word;

typedef struct fh_word_map_builder {
    fh_word_map_word *words; /* one per word added */
    size_t n, cap;
    uint32_t *sorted; /* encode's scratch: the distinct hashes, and room to sort */
    size_t cap_sorted;
} fh_word_map_builder;

#define FH_WORD_MAP_BUILDER_INIT                                                                   \
    {                                                                                              \
        NULL, 0, 0, NULL, 0                                                                        \
    }

/* Forget the words added (keeping the memory). */
void fh_word_map_reset(fh_word_map_builder *b);

/* Add term (len bytes) at position pos, which must be above the positions
 * added before and at least FH_TITLE_FIRST_POS. FH_OK, FH_ERR_NOMEM, or
 * FH_ERR_INVALID for a position out of order. */
fh_status fh_word_map_add(fh_word_map_builder *b, uint32_t pos, const char *term, size_t len);

/* Append the map of the words added to out (nothing when there are none).
 * Returns fh_buf_status(out), FH_ERR_NOMEM, or FH_ERR_TOOBIG for 16,777,215
 * distinct words or more. */
fh_status fh_word_map_encode(fh_word_map_builder *b, fh_buf *out);

void fh_word_map_builder_free(fh_word_map_builder *b);

/* A map read in place: its pointers point into the value. */
typedef struct fh_word_map {
    uint32_t first_pos, n_pos, n_hashes;
    unsigned width;              /* bytes an id */
    const unsigned char *hashes; /* n_hashes * 4 bytes */
    const unsigned char *ids;    /* n_pos * width bytes */
} fh_word_map;

/* Read value (len bytes) into *m. FH_OK, or FH_ERR_CORRUPT (also for more
 * hashes than ids of its width number). Whether the hashes ascend is not
 * checked: in a map where they do not, a word may not be found. */
fh_status fh_word_map_read(const char *value, size_t len, fh_word_map *m);

/* The id of the word with hash h in m (1 to n_hashes), 0 when m has none
 * (or, in a damaged map whose hashes do not ascend, may not find it). */
uint32_t fh_word_map_find(const fh_word_map *m, uint32_t h);

/* The id at position pos (0: none there, or pos outside the map). */
uint32_t fh_word_map_at(const fh_word_map *m, uint32_t pos);

/* Call fn with each position of the word with hash h, ascending, until it
 * returns nonzero. */
void fh_word_map_positions(const fh_word_map *m, uint32_t h, int (*fn)(void *ctx, uint32_t pos),
                           void *ctx);

/* Whether the words of hashes[0..n) stand in m in this order within window
 * positions (the last at most window - 1 after the first; window n: side by
 * side), as Xapian's OP_PHRASE matches them. n >= 1, window >= n. */
int fh_word_map_phrase(const fh_word_map *m, const uint32_t *hashes, size_t n, uint32_t window);

/* A phrase as fh_word_map_check() takes it: the window, the number of
 * words and their hashes, as native 32-bit numbers, appended to out.
 * Returns fh_buf_status(out). */
fh_status fh_word_map_phrase_encode(const uint32_t *hashes, uint32_t n, uint32_t window,
                                    fh_buf *out);

/* Whether the map value (len bytes) holds the phrase (of
 * fh_word_map_phrase_encode()) at ctx: an fh_value_check_fn (store.h) for
 * the phrase's query. A value that is no map holds nothing. */
int fh_word_map_check(const void *ctx, const char *value, size_t len);

#endif
