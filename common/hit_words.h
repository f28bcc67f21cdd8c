/* hit_words.h - which words of each result matched, for its snippets.
 *
 * The search (search.h) finds the results; this tells its snippets
 * (snippet.h) where the query's words are in each result's title and body:
 *
 *   - the snippet terms: the query's words with their rarity, and the other
 *     forms of each that the query matched too (word_forms.h)
 *   - the positions of those terms in each result (from its word map, or
 *     from Xapian in an index that keeps them there), placed
 *     on the record's byte offsets of its words (record.h)
 *   - only the matches the query asks to see: a word typed only inside
 *     "phrases" where its whole phrase is, no title: word in the body
 *
 * A result whose record has no word offsets, or a query with a word*, is
 * left to the snippet to analyze from its text. */
#ifndef FH_HIT_WORDS_H
#define FH_HIT_WORDS_H

#include <stddef.h>

#include "query.h"
#include "record.h"
#include "snippet.h"
#include "status.h"
#include "store.h"

typedef struct fh_hit_words fh_hit_words;

/* Make the hit words of n results of res, the results of pq in db (both
 * must outlive it). Returns FH_OK and *out (free with fh_hit_words_free()),
 * or FH_ERR_NOMEM (*out is then NULL). */
fh_status fh_hit_words_new(fh_db *db, const fh_parsed_query *pq, const fh_results *res, size_t n,
                           fh_hit_words **out);

/* The snippet terms into *terms (owned by w, their strings by the parsed
 * query): what fh_snippet_make() highlights. Returns their number. */
size_t fh_hit_words_terms(const fh_hit_words *w, const fh_snippet_term **terms);

/* Load result number hit (0-based, below n): its docid, its record and
 * its word map (word_map.h; NULL, 0: none, its positions are in Xapian),
 * which must stay valid while w is used. Returns FH_OK (a record without
 * usable word offsets included), FH_ERR_NOMEM or a status of the record. */
fh_status fh_hit_words_load(fh_hit_words *w, size_t hit, fh_docid docid, const fh_record *rec,
                            const char *map, size_t map_len);

/* Find the positions of every snippet term in every loaded result: in its
 * word map, or read from the index in docid order. Returns FH_OK,
 * FH_ERR_NOMEM or a store status. */
fh_status fh_hit_words_read(fh_hit_words *w);

/* Point body and title (the snippet options of result hit, record rec) at
 * the result's matches and word offsets, which stay owned by w (valid until
 * fh_hit_words_free()). Leaves them as they are when the result's matches
 * cannot come from the index. Returns FH_OK or FH_ERR_NOMEM. */
fh_status fh_hit_words_place(fh_hit_words *w, size_t hit, const fh_record *rec,
                             fh_snippet_opts *body, fh_snippet_opts *title);

/* Free. Accepts NULL. */
void fh_hit_words_free(fh_hit_words *w);

#endif
