/* store.h - fihris's C API over libxapian.
 *
 * store.cc is the one C++ translation unit of fihris and the only code that
 * includes <xapian.h>. Everything here is plain C: opaque handles, status
 * codes from status.h, and messages kept on the handle. No exception ever
 * crosses into C: each entry point catches Xapian::DatabaseLockError,
 * DatabaseModifiedError, DatabaseCorruptError, DatabaseOpeningError, any
 * other Xapian::Error, std::bad_alloc and anything else.
 *
 * Xapian does storage, matching and ranking; tokenizing is fihris's own
 * (analyzer.h): Xapian's term generator, query parser and snippet maker are
 * not used.
 *
 * Thread safety: a handle is used by one thread at a time. Independent
 * handles (each thread opening its own fh_db) are fine across threads. */
#ifndef FH_STORE_H
#define FH_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct fh_db fh_db;           /* a database: writable, or read-only over one or more */
typedef struct fh_doc fh_doc;         /* a document: built for adding, or read back */
typedef struct fh_xquery fh_xquery;   /* a query tree */
typedef struct fh_results fh_results; /* one page of ranked results */

typedef uint32_t fh_docid;

/* When libxapian ends the process (it can, through std::terminate, when a
 * write fails in the middle of a commit), print message on stderr and exit
 * with exit_code instead of aborting. The index on disk is then still at its
 * last commit. For programs, not libraries: it sets a process-wide handler. */
void fh_store_on_fatal(int exit_code, const char *message);

/* The version of the libxapian the process runs with ("1.4.22"), not the
 * one it was built against. Static; never fails. */
const char *fh_store_xapian_version(void);

/* ---- Opening and closing ------------------------------------------------ */

enum fh_db_flags {
    FH_DB_CREATE = 1 << 0,    /* create the database if it does not exist */
    FH_DB_OVERWRITE = 1 << 1, /* create it anew, replacing an existing one */
    FH_DB_NO_SYNC = 1 << 2,   /* skip fsync on commit (bulk builds; commit durably last) */
    FH_DB_FULL_SYNC = 1 << 3, /* F_FULLSYNC where the system has it */
};

/* Open the database at path for writing (one writer at a time).
 * flags: a combination of fh_db_flags.
 * Returns FH_OK and *out; or FH_ERR_LOCKED when another writer holds the
 * lock, FH_ERR_OPENING when it does not exist (without FH_DB_CREATE) or
 * cannot be created, FH_ERR_CORRUPT, FH_ERR_IO, FH_ERR_NOMEM. On failure
 * *out is NULL and *errmsg (if errmsg is not NULL) is a message the caller
 * frees with free(). The caller closes *out with fh_db_close(). */
fh_status fh_db_open_writable(const char *path, int flags, fh_db **out, char **errmsg);

/* Open n databases read-only and search them as one. Each path is a
 * database folder, a Xapian stub database file, "tcp://HOST:PORT" for a
 * remote database served by xapian-tcpsrv, "ssh://[USER@]HOST[:PORT]/PATH"
 * for xapian-progsrv PATH run on HOST through ssh (the program $FIHRIS_SSH
 * names, else ssh; BatchMode, never a prompt), or "remote :PROGRAM ARGS"
 * for xapian-progsrv at the other end of PROGRAM (a stub's line, as
 * fh_layout_read_stub() passes it on). A remote one that does not answer in
 * 10 s fails. Statistics are combined across
 * them, so rankings equal those over a single merged database.
 * Returns FH_OK and *out; FH_ERR_OPENING (no such database), FH_ERR_CORRUPT,
 * FH_ERR_NETWORK (a remote one cannot be reached), FH_ERR_INVALID (n == 0),
 * FH_ERR_NOMEM. On failure *out is NULL and *errmsg as above. */
fh_status fh_db_open_readonly(const char *const *paths, size_t n, fh_db **out, char **errmsg);

/* Like fh_db_open_readonly(), but a database that cannot be opened (a remote
 * shard that is down) is left out and reported to on_skip(ctx, path,
 * message); the others are searched. Fails as fh_db_open_readonly() does
 * when none can be opened. A failure message names the path at fault. */
fh_status fh_db_open_available(const char *const *paths, size_t n,
                               void (*on_skip)(void *ctx, const char *path, const char *msg),
                               void *ctx, fh_db **out, char **errmsg);

/* Write a compacted copy of the n databases (merged into one) to the new
 * folder dest, keeping document ids when n is 1 (several are renumbered). Readers and a writer of
 * the sources may go on meanwhile; the copy holds their last commit. Returns FH_OK, or a status
 * with *errmsg (if errmsg is not NULL) a message the caller frees with free(). */
fh_status fh_db_compact(const char *const *paths, size_t n, const char *dest, char **errmsg);

/* Bring a read-only handle up to the latest commit. Returns FH_OK (also when
 * nothing changed), or an error with the message on the handle. */
fh_status fh_db_reopen(fh_db *db);

/* Close and free. A writable database's uncommitted changes are committed by
 * Xapian's destructor only if no error is pending; call fh_db_commit() first
 * to be sure. Accepts NULL. */
void fh_db_close(fh_db *db);

/* Discard a writable database's uncommitted changes, then close. A crash
 * drops them the same way. Accepts NULL. */
void fh_db_close_discard(fh_db *db);

/* The message of the last failed call on db (empty string if none). Valid
 * until the next call on db. */
const char *fh_db_errmsg(const fh_db *db);

/* The status of the last failed call on db (FH_OK if none). */
fh_status fh_db_last_status(const fh_db *db);

/* ---- Writing (writable handles only) ------------------------------------ */

/* Commit all changes made since the last commit. */
fh_status fh_db_commit(fh_db *db);

/* Add doc, or replace the document that holds the unique term key (for
 * example "Q" followed by the page's key). The key term is added to doc if
 * doc lacks it. *docid (may be NULL) receives the document's id. */
fh_status fh_db_replace_by_key(fh_db *db, const char *key, size_t key_len, fh_doc *doc,
                               fh_docid *docid);

/* Delete every document that holds the term key. Deleting a key that is not
 * there is not an error. */
fh_status fh_db_delete_by_key(fh_db *db, const char *key, size_t key_len);

/* Replace the document with this id by doc (or add it with this id). */
fh_status fh_db_replace(fh_db *db, fh_docid docid, fh_doc *doc);

/* Delete the document with this id. FH_ERR_NOTFOUND if there is none. */
fh_status fh_db_delete(fh_db *db, fh_docid docid);

/* Store value (len bytes) under key in the database's metadata; an empty
 * value removes the key. Metadata is committed with the documents. */
fh_status fh_db_metadata_set(fh_db *db, const char *key, const char *value, size_t len);

/* ---- Reading (any handle) ----------------------------------------------- */

/* Read the metadata under key into *value (NUL-terminated; the caller frees
 * with free()) and *len (may be NULL). A missing key gives an empty string
 * and FH_OK. */
fh_status fh_db_metadata_get(fh_db *db, const char *key, char **value, size_t *len);

/* Number of documents. */
fh_status fh_db_doc_count(fh_db *db, uint32_t *out);

/* How many of db's databases are remote (tcp://, ssh://, a program). */
size_t fh_db_remote_count(const fh_db *db);

/* Highest document id in use (0 if empty). */
fh_status fh_db_last_docid(fh_db *db, fh_docid *out);

/* Average document length (in wdf units). */
fh_status fh_db_avg_length(fh_db *db, double *out);

/* How many documents hold term (0 if none). */
fh_status fh_db_term_freq(fh_db *db, const char *term, size_t len, uint32_t *out);

/* How many times term occurs in all documents together. */
fh_status fh_db_collection_freq(fh_db *db, const char *term, size_t len, uint64_t *out);

/* Whether any document holds term: *out is 1 or 0. */
fh_status fh_db_term_exists(fh_db *db, const char *term, size_t len, int *out);

/* Call fn for each distinct term that starts with prefix (len bytes; 0 for
 * all terms), in byte order, with the term and its document frequency. The
 * term pointer is valid only during the call. fn returns 0 to go on, nonzero
 * to stop early (that is not an error). At most limit terms are visited
 * (0 = no limit); *visited (may be NULL) receives how many were. */
typedef int (*fh_db_term_fn)(void *ctx, const char *term, size_t len, uint32_t termfreq);
fh_status fh_db_terms(fh_db *db, const char *prefix, size_t len, size_t limit, fh_db_term_fn fn,
                      void *ctx, size_t *visited);

/* Call fn for each document that has a value in slot, in docid order, with
 * the docid and the value (valid only during the call). fn returns 0 to go
 * on, nonzero to stop early (not an error). This reads one value stream, so
 * it is the fast way to visit every document's small state. */
typedef int (*fh_db_value_fn)(void *ctx, fh_docid docid, const char *value, size_t len);
fh_status fh_db_values(fh_db *db, uint32_t slot, fh_db_value_fn fn, void *ctx);

/* Find the id of the document holding the unique term key. FH_ERR_NOTFOUND
 * if none. */
fh_status fh_db_find_key(fh_db *db, const char *key, size_t key_len, fh_docid *out);

/* Read the document with this id. FH_ERR_NOTFOUND if there is none. The
 * caller frees *out with fh_doc_free(). */
fh_status fh_db_get_doc(fh_db *db, fh_docid docid, fh_doc **out);

/* Call fn with each position (ascending) at which term occurs in document
 * docid. No positions (or no such term) is not an error. fn returns 0 to go
 * on, nonzero to stop. */
typedef int (*fh_db_position_fn)(void *ctx, uint32_t pos);
fh_status fh_db_positions(fh_db *db, fh_docid docid, const char *term, size_t len,
                          fh_db_position_fn fn, void *ctx);

/* For each of the n documents docids[] (ascending), set has[i] to 1 when
 * term occurs in it, else 0: one pass over term's posting list, which for a
 * rare term is one or two block reads where asking each document for its
 * positions is one per document. */
fh_status fh_db_term_in_docs(fh_db *db, const char *term, size_t len, const fh_docid *docids,
                             size_t n, unsigned char *has);

/* ---- Documents ---------------------------------------------------------- */

/* A new, empty document. Returns NULL when out of memory. Free with
 * fh_doc_free(). */
fh_doc *fh_doc_new(void);

/* Free a document. Accepts NULL. */
void fh_doc_free(fh_doc *doc);

/* Add term (len bytes) with no position, raising its wdf by wdf_inc. */
fh_status fh_doc_add_term(fh_doc *doc, const char *term, size_t len, uint32_t wdf_inc);

/* Remove term (len bytes) and its positions; a term the document lacks is
 * no error. */
fh_status fh_doc_remove_term(fh_doc *doc, const char *term, size_t len);

/* Add term at position pos (positions start at 1), raising its wdf by wdf_inc. */
fh_status fh_doc_add_posting(fh_doc *doc, const char *term, size_t len, uint32_t pos,
                             uint32_t wdf_inc);

/* Set the document data (an opaque blob; fihris stores its record there). */
fh_status fh_doc_set_data(fh_doc *doc, const char *data, size_t len);

/* Read the document data. *data stays valid until the document is freed or
 * its data set again. */
fh_status fh_doc_get_data(fh_doc *doc, const char **data, size_t *len);

/* Set value slot to len bytes (an empty value removes the slot). */
fh_status fh_doc_set_value(fh_doc *doc, uint32_t slot, const char *value, size_t len);

/* Read value slot (empty if unset). *value valid as for fh_doc_get_data(). */
fh_status fh_doc_get_value(fh_doc *doc, uint32_t slot, const char **value, size_t *len);

/* Number of distinct terms in the document. */
fh_status fh_doc_term_count(fh_doc *doc, uint32_t *out);

/* Remove every term and posting (data and values stay). */
fh_status fh_doc_clear_terms(fh_doc *doc);

/* ---- Queries ------------------------------------------------------------ */

typedef enum fh_xquery_op {
    FH_XQUERY_AND,       /* all subqueries match */
    FH_XQUERY_OR,        /* any subquery matches */
    FH_XQUERY_AND_NOT,   /* the first matches and none of the others */
    FH_XQUERY_AND_MAYBE, /* the first matches; the others only add weight */
    FH_XQUERY_PHRASE,    /* the subqueries as adjacent terms in order (window 0 = exact) */
    FH_XQUERY_NEAR,      /* the subqueries within window positions, any order */
    FH_XQUERY_FILTER,    /* the first matches and weighs; the others must match, unweighed */
} fh_xquery_op;

/* Each constructor returns FH_OK and a new query in *out that the caller
 * frees with fh_xquery_free(), or FH_ERR_NOMEM / FH_ERR_INVALID with *out
 * NULL. Constructors copy their subqueries: the caller still frees those. */

/* A single term with query frequency wqf (1 for a plain word). */
fh_status fh_xquery_term(const char *term, size_t len, uint32_t wqf, fh_xquery **out);

/* Combine n subqueries with op. window: for PHRASE and NEAR the window size
 * (0 = the number of subqueries); else ignored. (Xapian's ELITE_SET is not
 * offered: it picks terms by their maximum weight, which fh_db_search()
 * sets out of reach to work around a matcher bug.)
 * n == 0 gives a query that matches nothing. */
fh_status fh_xquery_combine(fh_xquery_op op, fh_xquery *const *subs, size_t n, uint32_t window,
                            fh_xquery **out);

/* The subquery with every weight multiplied by factor (>= 0). */
fh_status fh_xquery_scale(const fh_xquery *sub, double factor, fh_xquery **out);

/* Every term starting with prefix (len bytes), ORed, expanding to at most
 * max_expansion terms (the most frequent ones are kept when there are more).
 * Expansion happens when the query runs. */
fh_status fh_xquery_prefix(const char *prefix, size_t len, uint32_t max_expansion, fh_xquery **out);

/* Like fh_xquery_prefix(), but expanded now against db (all its databases
 * merged) into the terms themselves, ORed. Xapian expands a wildcard, and
 * estimates a synonym's frequency, in each shard apart from what that shard
 * holds; expanded here and ORed, each term weighs with the statistics of
 * the whole index, and a prefix ranks the same over one shard, several, or
 * remote ones. (OP_MAX would keep many completions from adding up, but
 * libxapian 1.4 crashes on it over several databases.) */
fh_status fh_xquery_prefix_in(fh_db *db, const char *prefix, size_t len, uint32_t max_expansion,
                              fh_xquery **out);

/* One value a document may hold in a slot, and the weight it gives. */
typedef struct fh_xquery_value_weight {
    const char *value;
    size_t len;
    double weight; /* >= 0 */
} fh_xquery_value_weight;

/* Every document with a value in slot, weighed by the map (n entries); a
 * value not in the map weighs default_weight (>= 0). (Xapian's
 * ValueMapPostingSource, which a remote shard knows too. The map is copied
 * for each shard and each query: keep it short.) */
fh_status fh_xquery_value_map(uint32_t slot, const fh_xquery_value_weight *map, size_t n,
                              double default_weight, fh_xquery **out);

/* A check of a document's value (len bytes): nonzero when it passes. ctx
 * is the query's own copy of the bytes given to fh_xquery_value_check(). */
typedef int (*fh_value_check_fn)(const void *ctx, const char *value, size_t len);

/* The documents that hold every one of terms[0..n) (lens[i] bytes each)
 * and whose value in slot passes fn, given a copy of the ctx_len bytes at
 * ctx: weighing nothing, *out as for fh_xquery_term(). Checks are mostly of
 * documents the rest of the query found. A remote shard cannot take it
 * (fh_db_remote_count()): searching one with it fails. */
fh_status fh_xquery_value_check(const char *const *terms, const size_t *lens, size_t n,
                                uint32_t slot, fh_value_check_fn fn, const void *ctx,
                                size_t ctx_len, fh_xquery **out);

/* Documents whose value in slot lies between lo and hi (lo_len and hi_len
 * bytes; byte order, ends included), weighing nothing: *out as for
 * fh_xquery_term(). An empty hi means no upper end. */
fh_status fh_xquery_value_range(uint32_t slot, const char *lo, size_t lo_len, const char *hi,
                                size_t hi_len, fh_xquery **out);

/* A query that matches every document (weight 0). */
fh_status fh_xquery_match_all(fh_xquery **out);

/* A query that matches nothing. */
fh_status fh_xquery_match_nothing(fh_xquery **out);

/* Whether the query can match nothing by construction (1) or not (0). */
int fh_xquery_is_empty(const fh_xquery *q);

/* A readable description of q, for debugging; the caller frees with free().
 * NULL when out of memory. */
char *fh_xquery_describe(const fh_xquery *q);

/* Free a query. Accepts NULL. */
void fh_xquery_free(fh_xquery *q);

/* ---- Searching ---------------------------------------------------------- */

/* Value slots whose values a search counts at most (fh_db_search_opts). */
#define FH_DB_MAX_FACETS 4

typedef struct fh_db_search_opts {
    double bm25_k1;          /* term frequency saturation; Xapian's default is 1.2 */
    double bm25_b;           /* length normalization; Xapian's default is 0.75 */
    uint32_t check_at_least; /* look at this many matches to estimate the total (0 = none) */
    int sort_slot;           /* -1: by weight; else by this value slot's bytes, highest
                                first (then by weight); documents without one sort as
                                the lowest value */
    int sort_ascending;      /* with sort_slot: lowest first */
    int collapse_slot;       /* -1: none; else one result a value of this slot (documents
                                without it are never collapsed) */
    uint32_t facet_slots[FH_DB_MAX_FACETS]; /* count the values of these slots over */
    size_t n_facets;                        /* every match looked at (check_at_least) */
} fh_db_search_opts;

/* Default options: BM25 with k1 = 1.2, b = 0.75, check_at_least = 0, by
 * weight, no collapse, no facets. */
void fh_db_search_opts_init(fh_db_search_opts *opts);

/* Run q against db, ranked by BM25, and return the results ranked
 * offset .. offset+limit-1 in *out (free with fh_results_free()).
 * opts may be NULL for the defaults. */
fh_status fh_db_search(fh_db *db, const fh_xquery *q, const fh_db_search_opts *opts,
                       uint32_t offset, uint32_t limit, fh_results **out);

/* Number of results in this page. */
size_t fh_results_size(const fh_results *r);

/* Xapian's estimate of the total number of matches, and its bounds. */
uint32_t fh_results_estimate(const fh_results *r);
uint32_t fh_results_lower_bound(const fh_results *r);
uint32_t fh_results_upper_bound(const fh_results *r);

typedef struct fh_results_item {
    fh_docid docid; /* the document's id (unique across the databases searched) */
    uint32_t rank;  /* 0-based rank over all results (offset included) */
    double weight;  /* BM25 score */
} fh_results_item;

/* The number of documents with term (len bytes) among those searched: from
 * the statistics the search gathered when the term was in its query (no
 * lookup), else looked up. Sets *freq; FH_OK or an error status. */
fh_status fh_results_term_freq(const fh_results *r, const char *term, size_t len, uint32_t *freq);

/* The i-th result of the page (i < fh_results_size()). */
fh_status fh_results_hit(const fh_results *r, size_t i, fh_results_item *out);

/* Read the i-th result's document (data and values). The caller frees *out
 * with fh_doc_free(). */
fh_status fh_results_doc(fh_results *r, size_t i, fh_doc **out);

/* Read the values in slots[0..n) of every result of the page now, for
 * fh_results_doc() to hand to each document: a slot's values read in one
 * walk, with fewer block reads than a document at a time. Over remote
 * databases it reads nothing (the documents read their values). Returns
 * FH_OK, or a status with the message on r. */
fh_status fh_results_read_values(fh_results *r, const uint32_t *slots, size_t n);

/* How many documents with the i-th result's collapse value the search left
 * out for it (opts.collapse_slot; a lower bound when the search stopped
 * early), into *out. Returns FH_OK, or a status with the message on r. */
fh_status fh_results_collapsed(const fh_results *r, size_t i, uint32_t *out);

/* Called with a value of a facet slot (valid only during the call) and how
 * many matching documents hold it; return nonzero to stop early. */
typedef int (*fh_results_facet_fn)(void *ctx, const char *value, size_t len, uint32_t count);

/* Call fn for the values of the k-th facet slot (k < opts.n_facets), most
 * frequent first (ties in byte order), at most max of them (0: all).
 * Returns FH_OK, or a status with the message on r. */
fh_status fh_results_facet(const fh_results *r, size_t k, uint32_t max, fh_results_facet_fn fn,
                           void *ctx);

/* ---- What relevance feedback reads (expand.h) ---------------------------- */

/* The number of documents and their average length (in wdf units) in all
 * the databases searched. Returns FH_OK, or a status with the message on r. */
fh_status fh_results_collection(const fh_results *r, uint32_t *doc_count, double *avg_length);

/* How many documents among those searched hold term (len bytes), always
 * looked up in the databases (never from the search's own statistics).
 * Returns FH_OK, or a status with the message on r. */
fh_status fh_results_db_term_freq(const fh_results *r, const char *term, size_t len,
                                  uint32_t *freq);

/* The length (in wdf units) of the i-th result's document
 * (i < fh_results_size()). Returns FH_OK, or a status with the message on r. */
fh_status fh_results_doc_length(const fh_results *r, size_t i, uint32_t *out);

/* Called with a term (valid only during the call) and its wdf; return
 * nonzero to stop early (not an error). */
typedef int (*fh_results_wdf_fn)(void *ctx, const char *term, size_t len, uint32_t wdf);

/* Call fn for each term of the i-th result's document, in byte order, with
 * its wdf. Returns FH_OK, or a status with the message on r. */
fh_status fh_results_doc_terms(const fh_results *r, size_t i, fh_results_wdf_fn fn, void *ctx);

/* Call fn once for each distinct term of the query searched, in byte order
 * (the wdf passed is 0). Returns FH_OK, or a status with the message on r. */
fh_status fh_results_query_terms(const fh_results *r, fh_results_wdf_fn fn, void *ctx);

/* Keep status and message (msg, NUL-terminated) on r as its last failure,
 * for code outside this file that works on r (expand.c). */
void fh_results__fail(const fh_results *r, fh_status status, const char *msg);

/* The message of the last failed call on r (empty string if none). */
const char *fh_results_errmsg(const fh_results *r);

/* Free results. Accepts NULL. */
void fh_results_free(fh_results *r);

#ifdef __cplusplus
}
#endif

#endif
