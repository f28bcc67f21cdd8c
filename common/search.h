/* search.h - one search, from query text to ranked results with snippets.
 *
 * This is the code path of fihris-search, and fihris-bench times exactly
 * it: open the index (one or several databases searched as one) and make an
 * analyzer with the index's settings; then, per query, parse it (query.h),
 * run it with BM25 (store.h), fall back to any-word matching when no page
 * has all the words, read each result's record (record.h), find where the
 * query's words are in it (hit_words.h) and make its snippet from the
 * stored text (snippet.h). A search that meets a commit by
 * the indexer reopens the index and tries again. */
#ifndef FH_SEARCH_H
#define FH_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "query.h"
#include "record.h"
#include "snippet.h"
#include "store.h"

typedef struct fh_searcher fh_searcher;

typedef struct fh_searcher_open_opts {
    int allow_partial; /* leave out databases that cannot be opened (shards down) */
    void (*on_skip)(void *ctx, const char *db, const char *msg); /* told of each */
    void *ctx;
} fh_searcher_open_opts;

/* Open the n databases (index folders, stub files, or tcp://HOST:PORT; see
 * layout.h) to be searched as one. opts may be NULL (every database must
 * open). Returns FH_OK and *out (close with fh_searcher_close()), or a store
 * status with *errmsg a message naming the database at fault (the caller
 * frees it with free()). */
fh_status fh_searcher_open(const char *const *paths, size_t n, const fh_searcher_open_opts *opts,
                           fh_searcher **out, char **errmsg);

/* Close. Accepts NULL. */
void fh_searcher_close(fh_searcher *s);

/* The open database and the analyzer configured from its settings (owned
 * by s). */
fh_db *fh_searcher_db(fh_searcher *s);
fh_analyzer *fh_searcher_analyzer(fh_searcher *s);

/* How results are ordered. A query of filters alone, with no words, lists
 * its pages newest first when FH_SORT_RELEVANCE is asked. */
typedef enum fh_search_sort {
    FH_SORT_RELEVANCE, /* by score (the default) */
    FH_SORT_NEWEST,    /* by date, newest first, pages without a date last */
    FH_SORT_OLDEST,    /* by date, oldest first, pages without a date last */
} fh_search_sort;

/* What a facet counts (filters.h). */
typedef enum fh_search_facet_field {
    FH_FACET_SITE,
    FH_FACET_LANG,
    FH_FACET_YEAR,
    FH_FACET_MONTH,
} fh_search_facet_field;

/* The name of a facet field ("site", ...), and the field a name is (-1
 * when none). */
const char *fh_search_facet_name(fh_search_facet_field f);
int fh_search_facet_parse(const char *name, size_t len);

typedef struct fh_search_request {
    const char *query; /* the query text (UTF-8; need not be NUL-terminated) */
    size_t query_len;
    uint32_t offset;    /* results to skip */
    uint32_t limit;     /* results to return */
    fh_match_mode mode; /* FH_MATCH_ALL (default) or FH_MATCH_ANY */
    /* Matching any word: pseudo-relevance feedback. The query also looks
     * for the expand_terms words that best mark its first expand_docs
     * results (fh_results_expand()), each weighed expand_weight times its
     * expansion weight over the best one's. 0 docs (the default): none.
     * A query mostly in Arabic takes expand_docs_arabic instead. */
    uint32_t expand_docs;
    uint32_t expand_docs_arabic;
    uint32_t expand_terms;
    double expand_weight;
    int relax;    /* when nothing matches all the words, match any (default 1) */
    int snippets; /* make snippets (default 1) */
    fh_snippet_opts snippet;
    fh_query_opts query_opts;
    fh_db_search_opts bm25;   /* BM25 matching all words (and the fallback to most) */
    double bm25_b_any;        /* BM25's b matching any word (long questions) */
    double bm25_b_any_arabic; /* the same for a query mostly in Arabic */
    fh_search_sort sort;
    int collapse; /* one result a body (filters.h: copies), the best (default 1) */
    /* Count the values of these fields over every matching page (copies
     * included), at most facet_limit values a field, the most frequent. */
    fh_search_facet_field facets[FH_DB_MAX_FACETS];
    size_t n_facets;
    uint32_t facet_limit; /* default 10 */
} fh_search_request;

/* --sort's ORDER (relevance, date, -date) into *out. Returns 0, or -1 when
 * it is none of them. */
int fh_search_sort_parse(const char *arg, fh_search_sort *out);

/* --facets' FIELD[,FIELD] into req's facets. Returns 0, or -1 for a field
 * that is none, one given twice, or more than FH_DB_MAX_FACETS. */
int fh_search_facets_parse(const char *arg, fh_search_request *req);

/* Matches up to this many are counted exactly (Xapian's check_at_least):
 * beyond it, total_estimate is Xapian's estimate. A ranked search of local
 * shards counts every match as it ranks them, where every match must hold
 * a word (fh_db_search()). */
#define FH_SEARCH_EXACT_COUNT 10000

/* Defaults: offset 0, limit 10 (0 is allowed: the count alone), all words
 * with relaxing, snippets on, totals exact up to FH_SEARCH_EXACT_COUNT
 * (bm25.check_at_least; UINT32_MAX counts every match), BM25
 * with k1 = 0.9 and b = 0.1 matching all words (b = 0.4 matching any, 0.9
 * for Arabic); no expansion, but when it is asked for (expand_docs =
 * FH_EXPAND_DOCS), 30 terms weighed 0.4. Arabic questions are better
 * without it (bench/RESULTS.md): expand_docs_arabic stays 0. */
#define FH_EXPAND_DOCS 6
void fh_search_request_init(fh_search_request *req);

typedef struct fh_search_hit {
    fh_docid docid;
    uint32_t rank; /* 1-based, counting the offset */
    double score;
    uint32_t copies;    /* pages with the same body left out for it (req.collapse) */
    char date[24];      /* its date as ISO 8601 in UTC (date.h), or "" */
    fh_record record;   /* strings point into the stored data, valid with the response */
    fh_snippet snippet; /* passages of record.text (empty without snippets) */
    fh_snippet title;   /* the title, whole, with its matched words */
} fh_search_hit;

typedef struct fh_search_facet_value {
    const char *value; /* not NUL-terminated; owned by the response */
    size_t len;
    uint32_t count;
} fh_search_facet_value;

typedef struct fh_search_facet {
    fh_search_facet_field field;
    fh_search_facet_value *values; /* most frequent first */
    size_t n_values;
} fh_search_facet;

typedef struct fh_search_response {
    fh_search_hit *hits;
    size_t n_hits;
    fh_search_facet *facets; /* as asked (req.facets) */
    size_t n_facets;
    uint32_t total_estimate;  /* matches in all, one a body when collapsing: exact when
                                 total_exact, else estimated */
    int total_exact;          /* 1 when total_estimate is the exact count */
    int relaxed;              /* no page had all the words: these have most of them */
    int unranked;             /* the query is filters alone: every score is 0 */
    const char *const *notes; /* how the query was read (owned by the response) */
    size_t n_notes;
    uint64_t search_ns;  /* parse and match */
    uint64_t snippet_ns; /* read records and make snippets */
} fh_search_response;

/* Run one search. errmsg may be NULL; else *errmsg is set to NULL or a
 * message the caller frees with free() (NULL when out of memory). Returns:
 *   FH_OK           *out, freed with fh_search_response_free()
 *   FH_ERR_INVALID  a query with nothing to search for, or with site: or
 *                   date: on an index made before them (*errmsg says so)
 *   FH_ERR_NOMEM
 *   a store status  *errmsg is the index's message
 * *out is NULL on failure. */
fh_status fh_searcher_search(fh_searcher *s, const fh_search_request *req, fh_search_response **out,
                             char **errmsg);

/* Free a response. Accepts NULL. */
void fh_search_response_free(fh_search_response *r);

#endif
