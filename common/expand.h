/* expand.h - pseudo-relevance feedback: the terms that mark a query's first
 * results.
 *
 * The expansion is computed here rather than by Xapian's Enquire::get_eset():
 * over several shards, libxapian 1.4 weighs the candidates with each shard's
 * statistics, so the terms chosen (and their ranking) changed with how the
 * pages fell into shards. Here every statistic is the whole index's
 * (store.h, "What relevance feedback reads"). */
#ifndef FH_EXPAND_H
#define FH_EXPAND_H

#include <stddef.h>

#include "status.h"
#include "store.h"

/* Called with each expansion term (valid only during the call) and its
 * weight, best first; return nonzero to stop. */
typedef int (*fh_expand_fn)(void *ctx, const char *term, size_t len, double weight);

/* The terms that best tell the first n_docs results of r apart from the rest
 * of the index, passed to fn best first, at most n_terms of them.
 *
 * The weight is that of Xapian's default expansion (TradEWeight, k = 1):
 * Robertson and Sparck Jones's relevance weight times the term's BM25-like
 * frequency in the feedback documents, each document's part weighed by the
 * square of its score over the first's (a document ranked lower is less
 * likely relevant, so its words count less). Only plain word terms count
 * (fh_expand_is_plain_term()), never the query's own, and only those of
 * weight above 0. Ties go to the smaller term, so the choice is the same on
 * any layout of shards.
 *
 * r: the results of the query (not changed, but failures are kept on it).
 * Returns FH_OK (also when there are no results: fn is then not called),
 * FH_ERR_INVALID (r or fn NULL), FH_ERR_NOMEM, or a status from the store
 * with the message on r (fh_results_errmsg()). */
fh_status fh_expand_results(fh_results *r, size_t n_docs, size_t n_terms, fh_expand_fn fn,
                            void *ctx);

/* Whether term is one of the index's plain word terms: its first byte a
 * lowercase ASCII letter, a digit or a non-ASCII byte. The prefixes of
 * record.h (FH_PREFIX_*) are uppercase ASCII letters, so no prefixed term
 * is plain. Returns 1 or 0. */
int fh_expand_is_plain_term(const char *term, size_t len);

#endif
