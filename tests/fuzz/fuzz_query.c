/* fuzz_query.c - libFuzzer target: the query parser and the Xapian queries
 * built from it.
 *
 * The input is the query text. It is parsed twice, with the defaults and
 * with tight limits (4 words, depth 3, one expansion, common words kept);
 * each parsed query is built for all-words and any-word matching and
 * described both ways. Nothing may crash. FH_ERR_INVALID (nothing to search
 * for) is fine, with a message and no query; otherwise the notes, the words
 * (1 to FH_MAX_TERM_BYTES bytes of valid UTF-8 each) and the description
 * (valid UTF-8) are checked. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "decode.h"
#include "fuzz.h"
#include "query.h"
#include "store.h"

#define MAX_NOTES 8 /* the parsed query keeps no more (query_internal.h) */

static fh_analyzer *analyzer;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    FUZZ_CHECK(fh_analyzer_new(NULL, &analyzer) == FH_OK);
    return 0;
}

static void build(const fh_parsed_query *pq, fh_match_mode mode)
{
    fh_xquery *q = NULL;
    FUZZ_CHECK(fh_parsed_query_build(pq, mode, &q) == FH_OK);
    FUZZ_CHECK(q != NULL);
    FUZZ_CHECK(fh_xquery_is_empty(q) == 0 || fh_xquery_is_empty(q) == 1);
    char *d = fh_xquery_describe(q);
    FUZZ_CHECK(d != NULL);
    free(d);
    fh_xquery_free(q);
}

static void parse(const uint8_t *data, size_t size, const fh_query_opts *opts)
{
    fh_parsed_query *pq = (fh_parsed_query *)1;
    char *errmsg = NULL;
    int rc = fh_query_parse(analyzer, (const char *)data, size, opts, &pq, &errmsg);
    if (rc != FH_OK) {
        FUZZ_CHECK(rc == FH_ERR_INVALID);
        FUZZ_CHECK(pq == NULL);
        FUZZ_CHECK(errmsg != NULL && errmsg[0] != '\0');
        free(errmsg);
        return;
    }
    FUZZ_CHECK(pq != NULL);

    const char *const *notes = NULL;
    size_t n_notes = fh_parsed_query_notes(pq, &notes);
    FUZZ_CHECK(n_notes <= MAX_NOTES);
    for (size_t i = 0; i < n_notes; i++)
        FUZZ_CHECK(notes[i] != NULL && notes[i][0] != '\0');

    const fh_query_word *words = NULL;
    size_t n_words = fh_parsed_query_words(pq, &words);
    if (opts)
        FUZZ_CHECK(n_words <= 2 * (size_t)opts->max_terms); /* a word* has two terms */
    for (size_t i = 0; i < n_words; i++) {
        const fh_query_word *w = &words[i];
        FUZZ_CHECK(w->term != NULL);
        FUZZ_CHECK(w->len > 0 && w->len <= FH_MAX_TERM_BYTES);
        FUZZ_CHECK(fh_utf8_valid(w->term, w->len));
        FUZZ_CHECK(w->is_prefix == 0 || w->is_prefix == 1);
    }

    int relax = fh_parsed_query_can_relax(pq);
    FUZZ_CHECK(relax == 0 || relax == 1);

    char *d = fh_parsed_query_describe(pq);
    FUZZ_CHECK(d != NULL);
    FUZZ_CHECK(fh_utf8_valid(d, strlen(d)));
    free(d);

    build(pq, FH_MATCH_ALL);
    build(pq, FH_MATCH_ANY);
    fh_parsed_query_free(pq);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    parse(data, size, NULL);

    fh_query_opts tight;
    fh_query_opts_init(&tight);
    tight.max_terms = 4;
    tight.max_depth = 3;
    tight.max_prefix_expansion = 1;
    tight.keep_stopwords = 1;
    tight.title_weight = 0;
    parse(data, size, &tight);
    return 0;
}
