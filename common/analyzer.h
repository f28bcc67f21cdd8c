/* analyzer.h - the one text pipeline of fihris: pages, queries, highlights.
 *
 * ICU's word break iterator segments UTF-8 text in place (utext_openUTF8; a
 * page is never converted to UTF-16 as a whole). Each word comes out as a
 * token with its byte span [start, end) in the ORIGINAL text, its position,
 * its script and its index term: normalized (normalize.h), then stemmed in
 * its own script's language (stem.h). Spans cover a word's combining marks,
 * so an Arabic word keeps its harakat. Invalid UTF-8 never shifts offsets:
 * ICU reads each bad byte as U+FFFD, which is not part of any word.
 *
 * Pages, queries and highlights all go through fh_analyzer_run(), so a query
 * word and a page word agree exactly when their terms are equal.
 *
 * Not thread-safe: one fh_analyzer per thread. */
#ifndef FH_ANALYZER_H
#define FH_ANALYZER_H

#include <stddef.h>
#include <stdint.h>

#include "record_pack.h"
#include "script.h"
#include "status.h"
#include "stem.h"

/* Terms longer than this (in bytes, after normalization) are not emitted. */
#define FH_MAX_TERM_BYTES 120
/* Words whose original span is longer than this are not emitted either. */
#define FH_MAX_WORD_BYTES 1024

typedef struct fh_analyzer fh_analyzer;

/* Why the analyzer runs. The terms are the same in every mode; the mode is
 * passed on so that filters can differ where it is safe to (for example,
 * dropping stopwords from queries). */
typedef enum fh_analyze_mode {
    FH_ANALYZE_DOCUMENT,
    FH_ANALYZE_QUERY,
    FH_ANALYZE_HIGHLIGHT,
    /* Word spans only, for callers that already know which words matched
     * (from the index): no normalization or stemming, so term and norm are
     * empty and the script is FH_SCRIPT_OTHER; positions are not counted. */
    FH_ANALYZE_SPANS,
} fh_analyze_mode;

/* What a title's word count (document.h) counts. */
typedef enum fh_title_count {
    FH_TITLE_COUNT_CONTENT, /* words a person would search by: not common words
                               nor single letters or digits */
    FH_TITLE_COUNT_ALL,     /* every word (indexes of settings format 1 and 2) */
} fh_title_count;

/* The settings that decide which term a word gets. An index records the ones
 * it was built with (see settings.h) and queries must use the same. */
typedef struct fh_analyzer_opts {
    int normalize_flags;        /* fh_normalize_flags from normalize.h */
    fh_english_stemmer english; /* stemmer for Latin words */
    fh_arabic_stemmer arabic;   /* stemmer for Arabic words */
    /* Slots of the word cache, a power of two (0: FH_WORD_CACHE_DEFAULT).
     * Speed only, never the terms: a long run wants many, a process that
     * answers one query few (each slot touched costs it a page fault). */
    size_t word_cache_slots;
    /* How a title's words are counted for FH_SLOT_TITLE_WORDS (document.h).
     * The analyzer does not use it; it is kept with the index's settings. */
    fh_title_count title_count;
    /* 1: each two title words at most one word apart are also indexed as a
     * pair (FH_PREFIX_PAIR, document.h); 0 in indexes of settings format 1
     * to 3. The analyzer does not use it either. */
    int title_pairs;
    /* 1: each page has the terms and values the filters, the sort by date,
     * the facets and the collapsing read (filters.h); 0 in indexes of
     * settings format 1 to 5, which must be rebuilt for them. */
    int filters;
    /* 1: records are stored compressed (record_pack.h); 0 in indexes of
     * settings format 1 to 5. With it, record_dict: the index's dictionary
     * (NULL: none), which whoever loaded it frees after the analyzer. The
     * analyzer uses neither. */
    int records_packed;
    const fh_record_dict *record_dict;
    /* 1: the positions of title and body words are in each page's word map
     * (word_map.h), not in Xapian's position lists, which then hold only
     * the title's FH_PREFIX_TITLE terms; 0 in indexes of settings format 1
     * to 6, and in one made with fihris-index --xapian-positions. */
    int word_map;
} fh_analyzer_opts;

#define FH_WORD_CACHE_DEFAULT 32768

/* The defaults: FH_NORMALIZE_ARABIC_FORMS, Snowball english, fihris's Arabic
 * stemmer (arabic_stem.h), the default word cache. */
void fh_analyzer_opts_init(fh_analyzer_opts *opts);

typedef struct fh_token {
    const char *term; /* index term (normalized and stemmed); not NUL-terminated */
    size_t term_len;
    const char *norm; /* the normalized word before stemming */
    size_t norm_len;
    size_t start; /* byte span [start, end) of the word in the original text */
    size_t end;
    uint32_t pos; /* position: first_pos for the first word, then +1 per word */
    fh_script script;
} fh_token;

/* Called once per token, in text order. The token's strings are valid only
 * during the call. Return 0 to go on, nonzero to stop the run. */
typedef int (*fh_token_fn)(void *ctx, const fh_token *tok);

/* Make an analyzer. opts may be NULL for the defaults. Returns FH_OK and
 * *out (free with fh_analyzer_free()), FH_ERR_NOMEM, or FH_ERR_UNKNOWN when
 * ICU or Snowball data cannot be loaded. */
fh_status fh_analyzer_new(const fh_analyzer_opts *opts, fh_analyzer **out);

/* Free an analyzer. Accepts NULL. */
void fh_analyzer_free(fh_analyzer *a);

/* The options a was made with. */
const fh_analyzer_opts *fh_analyzer_options(const fh_analyzer *a);

/* Segment and analyze text (len bytes of UTF-8, which may be invalid; the
 * analyzer never modifies it) and call fn for each word token. Positions
 * start at first_pos; *next_pos (may be NULL) receives the position after
 * the last token. Returns FH_OK (also when fn stopped the run), FH_ERR_NOMEM,
 * or FH_ERR_UNKNOWN when ICU fails. */
fh_status fh_analyzer_run(fh_analyzer *a, const char *text, size_t len, fh_analyze_mode mode,
                          uint32_t first_pos, fh_token_fn fn, void *ctx, uint32_t *next_pos);

#endif
