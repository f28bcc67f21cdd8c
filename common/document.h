/* document.h - turning a page into the Xapian document fihris stores.
 *
 * The title and the body go through the analyzer (analyzer.h). Each word
 * becomes an unprefixed term at its position; title words also become
 * FH_PREFIX_TITLE terms, and FH_PREFIX_EXACT ones as written when their stem
 * differs; each two title words side by side or one word apart also make
 * an FH_PREFIX_PAIR term (wdf 0: lengths and weights stay), unless the
 * index's settings say it has none. The body starts one position after
 * the title's last word so no phrase spans the two. The record (record.h) keeps the
 * original text, the byte offset of each body word (so that snippets can
 * find a position's word without re-reading the page), the file's state and
 * the page's language mix; the term FH_PREFIX_LANG + "ar" or "en" tells the
 * page's main language. The value FH_SLOT_TITLE_WORDS counts the title's
 * content words: not common words (stopwords.h) nor single letters or
 * digits (the pieces of "S/P"), which people do not search by; an index
 * whose settings say FH_TITLE_COUNT_ALL counts every word. */
#ifndef FH_DOCUMENT_H
#define FH_DOCUMENT_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "buf.h"
#include "page.h"
#include "status.h"
#include "store.h"

/* Where a page came from. */
typedef struct fh_document_origin {
    const char *key; /* unique key: the absolute path, or "PATH#ID" */
    size_t key_len;
    size_t path_len; /* the file's path is key[0..path_len) */
    uint64_t size;   /* the file's size and modification time */
    int64_t mtime_ns;
} fh_document_origin;

/* Reusable buffers for building documents; one per thread. */
typedef struct fh_document_builder fh_document_builder;

/* Make a builder that analyzes with a (not owned; it must outlive the
 * builder). Returns FH_OK and *out (free with fh_document_builder_free()) or
 * FH_ERR_NOMEM. */
fh_status fh_document_builder_new(fh_analyzer *a, fh_document_builder **out);

/* Free a builder. Accepts NULL. */
void fh_document_builder_free(fh_document_builder *b);

/* The content hash of a page: title, text, url and date. Cannot fail. */
uint64_t fh_document_hash(const fh_page *page);

/* Build the document for page from origin. hash is fh_document_hash(page).
 * Returns FH_OK and *out (free with fh_doc_free()), or FH_ERR_NOMEM or
 * another status from the analyzer or the store (*out is then NULL). */
fh_status fh_document_build(fh_document_builder *b, const fh_page *page,
                            const fh_document_origin *origin, uint64_t hash, fh_doc **out);

/* Whether the page fh_document_build() last built had a date that
 * filters.h cannot read (then left out): 1 or 0. */
int fh_document_builder_bad_date(const fh_document_builder *b);

/* The title term (FH_PREFIX_TITLE) of word (an index term of len bytes),
 * appended to out: the term a page holds for a word of its title, and a
 * query asks for. Errors stay in out (fh_buf_status()). */
void fh_document_title_term(const char *word, size_t len, fh_buf *out);

/* The exact term (FH_PREFIX_EXACT) of word (a title word as written and
 * normalized, len bytes), appended to out. Errors stay in out. */
void fh_document_exact_term(const char *word, size_t len, fh_buf *out);

/* The title pair term (FH_PREFIX_PAIR) of words a then b (index terms),
 * side by side or (skip) with one word between, appended to out. Errors
 * stay in out (fh_buf_status()). */
void fh_document_pair_term(const char *a, size_t a_len, const char *b, size_t b_len, int skip,
                           fh_buf *out);

/* Keys longer than this many bytes get a hashed key term. */
#define FH_KEY_TERM_MAX 200

/* The key term of a key, appended to out: FH_PREFIX_KEY + key, or for a key
 * longer than FH_KEY_TERM_MAX its start and a hash of the whole. Errors
 * stay in out (fh_buf_status()). */
void fh_document_key_term(const char *key, size_t key_len, fh_buf *out);

#endif
