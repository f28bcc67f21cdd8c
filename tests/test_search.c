/* test_search.c - the searcher over an index made here, record by record:
 * what it does with a record it cannot trust. */
#define _XOPEN_SOURCE 700
#define TMPDIR_PREFIX "fh_test_search_"
#include "tmpdir.h"

#include "record.h"
#include "record_pack.h"
#include "search.h"
#include "store.h"

TestSuite(search, .init = tmpdir_make, .fini = tmpdir_remove);

/* One page: title "Alpha beta" (words at positions 1 and 2), body "gamma
 * delta" (positions 4 and 5), with the record's title offsets as given, the
 * record in its value slot (LAYOUT_VALUE, as indexes of settings format 5
 * hold it; LAYOUT_PACKED compressed, as format 6 does), or as the document
 * data (LAYOUT_DATA, as indexes made before hold it). */
enum { LAYOUT_VALUE, LAYOUT_DATA, LAYOUT_PACKED };
static void write_record(const uint32_t *title_offsets, size_t n_title, int layout)
{
    fh_db *db = NULL;
    cr_assert_eq(fh_db_open_writable(g_dir, FH_DB_CREATE, &db, NULL), FH_OK);
    fh_doc *doc = fh_doc_new();
    const char *words[] = {"alpha", "beta", "", "gamma", "delta"};
    for (uint32_t pos = 1; pos <= 5; pos++)
        if (words[pos - 1][0])
            cr_assert_eq(fh_doc_add_posting(doc, words[pos - 1], strlen(words[pos - 1]), pos, 1),
                         FH_OK);
    uint32_t body_offsets[] = {0, 6};
    fh_record r = {0};
    r.key = "/p/a.txt", r.key_len = 8;
    r.path = r.key, r.path_len = 8;
    r.title = "Alpha beta", r.title_len = 10;
    r.text = "gamma delta", r.text_len = 11;
    r.body_first_pos = 4;
    r.offsets = body_offsets, r.n_offsets = 2;
    r.title_offsets = title_offsets, r.n_title_offsets = n_title;
    fh_buf b = FH_BUF_INIT;
    cr_assert_eq(fh_record_encode(&r, &b), FH_OK);
    if (layout == LAYOUT_PACKED) {
        fh_record_codec *c = NULL;
        fh_buf packed = FH_BUF_INIT;
        cr_assert_eq(fh_record_codec_new(NULL, &c), FH_OK);
        cr_assert_eq(fh_record_pack(c, b.data, b.len, &packed), FH_OK);
        fh_record_codec_free(c);
        fh_buf_free(&b);
        b = packed;
    }
    if (layout == LAYOUT_DATA)
        cr_assert_eq(fh_doc_set_data(doc, b.data, b.len), FH_OK);
    else
        cr_assert_eq(fh_doc_set_value(doc, FH_SLOT_RECORD, b.data, b.len), FH_OK);
    cr_assert_eq(fh_db_replace_by_key(db, "Q/p/a.txt", 9, doc, NULL), FH_OK);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    fh_buf_free(&b);
    fh_doc_free(doc);
    fh_db_close(db);
}

static void write_page(const uint32_t *title_offsets, size_t n_title)
{
    write_record(title_offsets, n_title, LAYOUT_VALUE);
}

/* The title's highlight for the query "beta". */
static void assert_title_highlight(size_t start, size_t end)
{
    const char *paths[1] = {g_dir};
    fh_searcher *s = NULL;
    char *msg = NULL;
    cr_assert_eq(fh_searcher_open(paths, 1, NULL, &s, &msg), FH_OK, "%s", msg ? msg : "");
    fh_search_request req;
    fh_search_request_init(&req);
    req.query = "beta";
    req.query_len = 4;
    fh_search_response *res = NULL;
    char *err = NULL;
    cr_assert_eq(fh_searcher_search(s, &req, &res, &err), FH_OK);
    cr_assert_eq(res->n_hits, 1);
    const fh_snippet *t = &res->hits[0].title;
    cr_assert_eq(t->n_passages, 1);
    cr_assert_eq(t->passages[0].n_highlights, 1);
    cr_assert_eq(t->passages[0].highlights[0].start, start);
    cr_assert_eq(t->passages[0].highlights[0].end, end);
    fh_search_response_free(res);
    fh_searcher_close(s);
}

Test(search, title_words_placed_from_the_record)
{
    uint32_t title[] = {0, 6};
    write_page(title, 2);
    assert_title_highlight(6, 10);
}

Test(search, damaged_title_offsets_are_not_trusted)
{
    /* Descending, or past the title's end: the title is analyzed instead,
     * and "beta" is still found where it is. */
    uint32_t descending[] = {6, 0};
    write_page(descending, 2);
    assert_title_highlight(6, 10);
}

Test(search, title_offsets_past_the_title_are_not_trusted)
{
    uint32_t past[] = {0, 60};
    write_page(past, 2);
    assert_title_highlight(6, 10);
}

Test(search, a_record_held_as_the_document_data_is_read)
{
    uint32_t title[] = {0, 6};
    write_record(title, 2, LAYOUT_DATA);
    assert_title_highlight(6, 10);
}

Test(search, a_compressed_record_is_read)
{
    uint32_t title[] = {0, 6};
    write_record(title, 2, LAYOUT_PACKED);
    assert_title_highlight(6, 10);
}

Test(search, a_damaged_compressed_record_shows_the_hit_without_it)
{
    fh_db *db = NULL;
    cr_assert_eq(fh_db_open_writable(g_dir, FH_DB_CREATE, &db, NULL), FH_OK);
    fh_doc *doc = fh_doc_new();
    cr_assert_eq(fh_doc_add_posting(doc, "beta", 4, 1, 1), FH_OK);
    /* A record made with a dictionary the index does not hold. */
    cr_assert_eq(fh_doc_set_value(doc, FH_SLOT_RECORD,
                                  "\0\x07\x05"
                                  "abcde",
                                  8),
                 FH_OK);
    cr_assert_eq(fh_db_replace_by_key(db, "Q/p/b.txt", 9, doc, NULL), FH_OK);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    fh_doc_free(doc);
    fh_db_close(db);
    const char *paths[1] = {g_dir};
    fh_searcher *s = NULL;
    cr_assert_eq(fh_searcher_open(paths, 1, NULL, &s, NULL), FH_OK);
    fh_search_request req;
    fh_search_request_init(&req);
    req.query = "beta";
    req.query_len = 4;
    fh_search_response *res = NULL;
    cr_assert_eq(fh_searcher_search(s, &req, &res, NULL), FH_OK);
    cr_assert_eq(res->n_hits, 1);
    cr_assert_eq(res->hits[0].record.text_len, 0);
    cr_assert_eq(res->hits[0].record.title_len, 0);
    fh_search_response_free(res);
    fh_searcher_close(s);
}

Test(search, all_words_normalize_less_for_length_than_any_word)
{
    /* A search for all the words looks for a page people know, by its
     * title; a long body must not drown that (bench/RESULTS.md). */
    fh_search_request req;
    fh_search_request_init(&req);
    cr_assert_float_eq(req.bm25.bm25_k1, 0.9, 1e-12);
    cr_assert_float_eq(req.bm25.bm25_b, 0.1, 1e-12);
    cr_assert_float_eq(req.bm25_b_any, 0.4, 1e-12);
    cr_assert_eq(req.mode, FH_MATCH_ALL);
}
