/* query.h - the fihris query language, parsed with the page analyzer.
 *
 *   words         all must match (or any, in FH_MATCH_ANY mode), ranked by BM25
 *   a OR b        either
 *   -word, NOT w  without
 *   "a phrase"    the words in this order, side by side
 *   word*         any word starting with it (expansion bounded)
 *   title:word    in the title (also title:"a phrase", title:(a OR b))
 *   ( ... )       grouping; AND may be written but is the default anyway
 *   site:HOST     pages of HOST or a host under it (www. and case ignored)
 *   lang:ar       pages in that language (lang:en, or another code)
 *   date:FROM..TO pages dated within it, ends included, either end open;
 *                 FROM and TO are YYYY, YYYY-MM or YYYY-MM-DD; date:DAY is
 *                 that day, month or year
 *
 * Filters apply to the whole query, wherever they stand: several of one
 * kind are OR-ed, different kinds AND-ed, and -site: (and friends) leaves
 * out. A query may be only filters. A filter that cannot be read gets a
 * note and is left out.
 *
 * Every word goes through the same analyzer as the pages, so a query typed
 * without hamza, harakat or the article meets the page's word. A word the
 * analyzer splits (US-led) becomes a phrase of its parts. Common words (the,
 * of, في, من: stopwords.h) are optional: matching all words they add weight
 * to the pages that have them but are not required, matching any word they
 * are left out; inside a phrase, or when the query has nothing else, they
 * count like any word. They are not highlighted.
 *
 * The parser is forgiving: an unbalanced quote or parenthesis, a lone
 * operator or a query that is too long is read the nearest sensible way and
 * a note says how. Only a query with no word to search for is an error. */
#ifndef FH_QUERY_H
#define FH_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "status.h"
#include "store.h"

typedef enum fh_match_mode {
    FH_MATCH_ALL,        /* words side by side must all match */
    FH_MATCH_ANY,        /* any of them; ranking favours pages with more of them */
    FH_MATCH_ANY_OF_ALL, /* any, weighed as for all: the fallback when no page has all */
} fh_match_mode;

typedef struct fh_query_opts {
    double title_weight;           /* extra weight of a word found in the title (0 = none),
                                      matching all words (short queries, people looking
                                      for a page) */
    double title_weight_any;       /* the same, matching any word (long questions) */
    uint32_t max_terms;            /* words kept; more are dropped with a note */
    uint32_t max_prefix_expansion; /* terms a word* may expand to */
    uint32_t max_depth;            /* parentheses nested deeper are ignored with a note */
    int keep_stopwords;            /* 1: common words (stopwords.h) count like any other */
    double exact_weight;           /* matching all words: extra weight of a word as typed
                                      (unstemmed) in the title; 0 = none */
    double proximity_weight;       /* matching all words: weight of pages with the words
                                      near each other in the title (0 = none) */
    double coverage_weight;        /* matching all words: weight of a page whose title
                                      holds them all, times their idf summed and the
                                      share of the title's words they are (0 = none) */
    int word_forms;                /* an Arabic word also matches the index's forms of it
                                      with ي ت ن, without a clitic و ب ل ف ك or with
                                      و ب ل; a Latin word the index lacks, its forms
                                      without or with a final s; each at half weight
                                      (needs expand_in) */
    fh_db *expand_in;              /* expand word* against it (store.h) as the query is
                                      built; NULL: Xapian expands as it runs */
    int title_pairs;               /* 1: the index holds title pairs (FH_PREFIX_PAIR):
                                      the title order boost checks them, not the
                                      positions; 0: positions (indexes before settings
                                      format 4) */
    int option_notes;              /* 1: a lone -x is noted as an option typed after the
                                      query; 0: not (the query came after "--") */
    int phrases;                   /* how a phrase of title and body words is matched:
                                      FH_PHRASES_POSITIONS (the default) or one of the
                                      others below */
} fh_query_opts;

/* fh_query_opts.phrases: by Xapian's positions; by the pages' word maps
 * (word_map.h: an index of settings positions=map); by either (indexes of
 * both kinds searched as one); or, noted, as all their words, and in an
 * exclusion as nothing (a word-map index with a remote shard, which cannot
 * read the maps). */
#define FH_PHRASES_POSITIONS 0
#define FH_PHRASES_WORD_MAP  1
#define FH_PHRASES_WORDS     2
#define FH_PHRASES_BOTH      3

/* Set opts to the defaults (bench/RESULTS.md says why): title weight 2 matching all words, 0.5
 * matching any; proximity weight 1, coverage weight 3 and exact weight 1 (matching all words);
 * Arabic word forms on; 256 words, 200 expansions, depth 32; common words optional. */
void fh_query_opts_init(fh_query_opts *opts);

typedef struct fh_parsed_query fh_parsed_query;

/* The other spellings of term (an index term without prefix) that
 * opts.expand_in holds, when opts.word_forms is on (word_forms.h: Arabic
 * clitic forms; a Latin word's forms are found as the query is parsed),
 * looked up once per query and remembered: the query built from q and its
 * snippets use the same forms. Each form goes to fn (NUL-terminated, valid
 * while q is; fn returns nonzero to stop). Returns FH_OK or FH_ERR_NOMEM. */
fh_status fh_parsed_query_word_forms(const fh_parsed_query *q, const char *term,
                                     int (*fn)(void *ctx, const char *form, size_t len), void *ctx);

/* A term a result may have matched, for highlighting and snippets. */
typedef struct fh_query_word {
    const char *term; /* index term (for a prefix: the normalized prefix) */
    size_t len;
    int is_prefix;
    int in_title_only;  /* from a title: field */
    int in_phrase_only; /* only inside "phrases" (or words the analyzer split) */
} fh_query_word;

/* A phrase of the query: its words (indices into fh_parsed_query_words()),
 * in order, within window positions. */
typedef struct fh_query_phrase {
    size_t *words;
    size_t n;
    uint32_t window;
} fh_query_phrase;

/* Parse text (len bytes of UTF-8, which may be invalid) with analyzer a
 * (configured as the index was built). opts may be NULL for the defaults.
 * errmsg may be NULL; else *errmsg is set to NULL or a message. Returns:
 *   FH_OK           *out, freed with fh_parsed_query_free()
 *   FH_ERR_INVALID  the query has nothing to search for: *out is NULL and
 *                   *errmsg says so (the caller frees it with free(); NULL
 *                   when out of memory)
 *   FH_ERR_NOMEM, or a status of the analyzer (*out is NULL) */
fh_status fh_query_parse(fh_analyzer *a, const char *text, size_t len, const fh_query_opts *opts,
                         fh_parsed_query **out, char **errmsg);

/* Build the Xapian query of q for mode. Returns FH_OK and *out (the caller
 * frees it with fh_xquery_free()), or FH_ERR_NOMEM or a store status (*out
 * is then NULL). */
fh_status fh_parsed_query_build(const fh_parsed_query *q, fh_match_mode mode, fh_xquery **out);

/* Whether FH_MATCH_ANY would read the query differently from FH_MATCH_ALL
 * (it has two or more parts joined by an implicit or written AND): 1 or 0.
 * When nothing matches all the words, that is the query to fall back to. */
int fh_parsed_query_can_relax(const fh_parsed_query *q);

/* The notes on how the query was read (static or owned by q; valid until
 * fh_parsed_query_free()). */
size_t fh_parsed_query_notes(const fh_parsed_query *q, const char *const **notes);

/* The positive words (not under NOT), each once; owned by q. */
size_t fh_parsed_query_words(const fh_parsed_query *q, const fh_query_word **words);

/* The phrases among the query's words to match (not the excluded ones):
 * *phrases points into q. Returns their number. */
size_t fh_parsed_query_phrases(const fh_parsed_query *q, const fh_query_phrase **phrases);

/* How the query was read, as text: "(run AND (madrasa OR x*) AND [the])",
 * common words in brackets; the caller
 * frees with free(). NULL when out of memory. */
char *fh_parsed_query_describe(const fh_parsed_query *q);

/* The query words (of q or another, as pseudo-relevance feedback widens
 * it) narrowed by q's filters, into *out (the caller frees it with
 * fh_xquery_free()). Returns FH_OK, FH_ERR_NOMEM or a store status. */
fh_status fh_parsed_query_narrow(const fh_parsed_query *q, const fh_xquery *words, fh_xquery **out);

/* Whether word (len bytes) starts with a filter's field, site:, lang: or
 * date: in any case, so that the query reads it as a filter: 1 or 0. */
int fh_query_is_filter(const char *word, size_t len);

/* Whether q has filters (site:, lang:, date:): 1 or 0. */
int fh_parsed_query_has_filters(const fh_parsed_query *q);

/* Whether q has words to match (else it is only filters): 1 or 0. */
int fh_parsed_query_has_words(const fh_parsed_query *q);

/* Whether q has a filter only an index of settings format 6 answers
 * (site:, date:; lang: every index can): 1 or 0. */
int fh_parsed_query_needs_filter_index(const fh_parsed_query *q);

/* q's filters as read, as text ("site:aawsat.com date:2015-01-01T00:00:00Z..";
 * "" for none); the caller frees with free(). NULL when out of memory. */
char *fh_parsed_query_describe_filters(const fh_parsed_query *q);

/* Free a parsed query. Accepts NULL. */
void fh_parsed_query_free(fh_parsed_query *q);

#endif
