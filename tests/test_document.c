/* test_document.c - the terms a page becomes: words as written in titles
 * only, the pieces of words that other tools split, the title's length; and
 * how a short title the query makes up most of ranks. */
#define _XOPEN_SOURCE 700
#define TMPDIR_PREFIX "fh_test_document_"
#include "tmpdir.h"

#include "analyzer.h"
#include "document.h"
#include "page.h"
#include "record.h"
#include "search.h"
#include "store.h"

TestSuite(document, .init = tmpdir_make, .fini = tmpdir_remove);

static fh_db *g_db;
static fh_title_count g_title_count = FH_TITLE_COUNT_CONTENT;
static int g_title_pairs = 1; /* index title pairs */
static int g_query_pairs = 1; /* search with them (ranking()) */

/* Index pages (title, blank line, body), the i-th as /p/I.txt, and keep
 * the database open. Title words are counted as g_title_count says, and
 * kept in pairs when g_title_pairs is set. */
static void index_pages(const char *const *txts, size_t n)
{
    fh_analyzer *a = NULL;
    fh_document_builder *b = NULL;
    fh_analyzer_opts opts;
    fh_analyzer_opts_init(&opts);
    opts.title_count = g_title_count;
    opts.title_pairs = g_title_pairs;
    cr_assert_eq(fh_analyzer_new(&opts, &a), FH_OK);
    cr_assert_eq(fh_document_builder_new(a, &b), FH_OK);
    cr_assert_eq(fh_db_open_writable(g_dir, FH_DB_CREATE, &g_db, NULL), FH_OK);
    for (size_t i = 0; i < n; i++) {
        fh_page page;
        cr_assert_eq(fh_page_read_txt(txts[i], strlen(txts[i]), &page), FH_OK);
        char key[32], term[40];
        snprintf(key, sizeof key, "/p/%zu.txt", i);
        snprintf(term, sizeof term, "Q%s", key);
        fh_document_origin origin = {key, strlen(key), strlen(key), strlen(txts[i]), 0};
        fh_doc *doc = NULL;
        cr_assert_eq(fh_document_build(b, &page, &origin, fh_document_hash(&page), &doc), FH_OK);
        cr_assert_eq(fh_db_replace_by_key(g_db, term, strlen(term), doc, NULL), FH_OK);
        fh_doc_free(doc);
        fh_page_clear(&page);
    }
    cr_assert_eq(fh_db_commit(g_db), FH_OK);
    fh_document_builder_free(b);
    fh_analyzer_free(a);
}

/* Index one page, as /p/0.txt. */
static void index_page(const char *txt)
{
    index_pages(&txt, 1);
}

/* How many documents hold term. */
static uint32_t freq(const char *term)
{
    uint32_t n = 99;
    cr_assert_eq(fh_db_term_freq(g_db, term, strlen(term), &n), FH_OK);
    return n;
}

Test(document, a_word_as_written_only_in_the_title)
{
    index_page("City Marathon Runs\n\nThe running was fast.\n");
    cr_assert_eq(freq("run"), 1);
    cr_assert_eq(freq("Srun"), 1);
    cr_assert_eq(freq(FH_PREFIX_EXACT "runs"), 1);
    cr_assert_eq(freq(FH_PREFIX_EXACT "running"), 0);
    /* A word that is its own stem is not held twice. */
    cr_assert_eq(freq(FH_PREFIX_EXACT "marathon"), 0);
    fh_db_close(g_db);
}

Test(document, latin_words_split_at_their_dots)
{
    index_page("HUGH KEITH <HKME.O> COMPLETES ACQUISITION\n\n"
               "See www.example.com, the U.S. and e.g. this.\n");
    /* The whole word stays; its pieces of two letters or more are added. */
    cr_assert_eq(freq("hkme.o"), 1);
    cr_assert_eq(freq("hkme"), 1);
    cr_assert_eq(freq("Shkme"), 1);
    cr_assert_eq(freq("o"), 0);
    cr_assert_eq(freq("www.example.com"), 1);
    cr_assert_eq(freq("www"), 1);
    cr_assert_eq(freq("exampl"), 1); /* pieces are stemmed like words */
    cr_assert_eq(freq("com"), 1);
    cr_assert_eq(freq("Scom"), 0); /* a body word's pieces are not title terms */
    /* One-letter pieces are not terms. */
    cr_assert_eq(freq("u"), 0);
    cr_assert_eq(freq("s"), 0);
    cr_assert_eq(freq("e"), 0);
    cr_assert_eq(freq("g"), 0);
    fh_db_close(g_db);
}

Test(document, arabic_title_words_split_at_inner_marks)
{
    /* تعزّز (shadda inside), تُواصل (damma after its first letter), سريعًا
     * (tanween before its last letter); the body's تعزّز is not split. */
    index_page("كيف تعزّز بورما تُواصل سريعًا\n\nالخبر تعزّز هنا\n");
    cr_assert_eq(freq("تعزز"), 1);
    cr_assert_eq(freq("تعز"), 1);
    cr_assert_eq(freq("Sتعز"), 1);
    cr_assert_eq(freq("واصل"), 1); /* واصل keeps its waw, as the query واصل does */
    cr_assert_eq(freq("Sواصل"), 1);
    cr_assert_eq(freq("سريع"), 1);
    /* One-letter pieces (ز, ت, ا) are not terms. */
    cr_assert_eq(freq("ز"), 0);
    cr_assert_eq(freq("ت"), 0);
    fh_db_close(g_db);
}

Test(document, arabic_body_words_are_not_split)
{
    index_page("عنوان\n\nالخبر تعزّز هنا\n");
    cr_assert_eq(freq("تعزز"), 1);
    cr_assert_eq(freq("تعز"), 0);
    fh_db_close(g_db);
}

Test(document, a_page_without_words)
{
    /* A fresh builder holds no word offsets yet (the sanitizer build checks
     * that none is computed from a null pointer). */
    index_page("!!!\n\n... ---\n");
    cr_assert_eq(freq("Q/p/0.txt"), 1);
    uint32_t n = 0;
    cr_assert_eq(fh_db_doc_count(g_db, &n), FH_OK);
    cr_assert_eq(n, 1);
    fh_db_close(g_db);
}

/* The value FH_SLOT_TITLE_WORDS of the only document (-1: none). */
static int title_words(void)
{
    fh_doc *doc = NULL;
    cr_assert_eq(fh_db_get_doc(g_db, 1, &doc), FH_OK);
    const char *v = NULL;
    size_t len = 0;
    cr_assert_eq(fh_doc_get_value(doc, FH_SLOT_TITLE_WORDS, &v, &len), FH_OK);
    int n = len == 1 ? (unsigned char)v[0] : len == 0 ? -1 : -2;
    fh_doc_free(doc);
    return n;
}

Test(document, the_title_length_in_content_words)
{
    /* Not common words (the, of, في), single letters or digits (S/P, 5)
     * nor pieces: HKME.O, bank, Dubai, 500, 9.9, 4th, U.S., بنك, دبي, ٢٠٠٥. */
    index_page("The <HKME.O> bank of Dubai S/P 5 500 9.9 4th U.S. \xd8\xa8\xd9\x86\xd9\x83 "
               "\xd9\x81\xd9\x8a \xd8\xaf\xd8\xa8\xd9\x8a \xd9\xa2\xd9\xa0\xd9\xa0\xd9\xa5"
               "\n\nbody words here\n");
    cr_assert_eq(title_words(), 10);
    fh_db_close(g_db);
}

Test(document, a_title_of_no_content_word_counts_one)
{
    index_page("The 5 of S\n\nbody words here\n");
    cr_assert_eq(title_words(), 1);
    fh_db_close(g_db);
}

Test(document, an_index_of_format_2_counts_every_title_word)
{
    /* Every word counts, common ones too; pieces do not. */
    g_title_count = FH_TITLE_COUNT_ALL;
    index_page("The <HKME.O> bank of Dubai\n\nbody words here\n");
    g_title_count = FH_TITLE_COUNT_CONTENT;
    cr_assert_eq(title_words(), 5);
    fh_db_close(g_db);
}

Test(document, no_title_length_without_title_words)
{
    index_page("...\n\nbody words here\n");
    cr_assert_eq(title_words(), -1);
    fh_db_close(g_db);
}

Test(document, a_long_title_counts_255)
{
    char txt[4096] = "";
    for (int i = 0; i < 300; i++) /* 900 bytes: titles are cut at 1,000 */
        strcat(txt, "ab ");
    strcat(txt, "\n\nbody\n");
    index_page(txt);
    cr_assert_eq(title_words(), 255);
    fh_db_close(g_db);
}

/* The pages' numbers (as in index_pages()) in the order a search of query
 * ranks them, with coverage weight w and proximity weight p, into order (n
 * of them). */
static void ranking(const char *query, double w, double p, size_t *order, size_t n)
{
    const char *paths[1] = {g_dir};
    fh_searcher *s = NULL;
    cr_assert_eq(fh_searcher_open(paths, 1, NULL, &s, NULL), FH_OK);
    fh_search_request req;
    fh_search_request_init(&req);
    req.query = query;
    req.query_len = strlen(query);
    req.query_opts.coverage_weight = w;
    req.query_opts.proximity_weight = p;
    req.query_opts.title_pairs = g_query_pairs;
    req.collapse = 0; /* the pages share a body: each is ranked */
    fh_search_response *res = NULL;
    char *err = NULL;
    cr_assert_eq(fh_searcher_search(s, &req, &res, &err), FH_OK);
    cr_assert_eq(res->n_hits, n);
    for (size_t i = 0; i < n; i++)
        order[i] = (size_t)(res->hits[i].record.path[3] - '0');
    fh_search_response_free(res);
    fh_searcher_close(s);
}

Test(document, a_title_the_query_makes_up_more_of_ranks_first)
{
    const char *pages[] = {
        "Bank raises rates as markets fall across the region on Monday\n\n"
        "The bank raises rates. The bank raises rates again. Bank rates rise, bank raises.\n",
        "Bank raises rates\n\nOfficials spoke on Friday about other matters of the day, "
        "of trade, of roads, of schools and of the weather in the north and the south.\n",
        "Weather\n\nThe bank raises rates, they said.\n",
    };
    index_pages(pages, 3);
    fh_db_close(g_db);
    size_t order[3];
    /* Without the coverage weight, the body's repeated words win... */
    ranking("bank raises rates", 0, 1, order, 3);
    cr_assert_eq(order[0], 0);
    cr_assert_eq(order[1], 1);
    cr_assert_eq(order[2], 2);
    /* ...with it, the title that is the query; a title without the words
     * gains nothing. */
    ranking("bank raises rates", 3, 1, order, 3);
    cr_assert_eq(order[0], 1);
    cr_assert_eq(order[1], 0);
    cr_assert_eq(order[2], 2);
    /* One word: nothing to cover. */
    ranking("bank", 3, 1, order, 3);
    cr_assert_eq(order[0], 0);
}

Test(document, common_words_and_letters_do_not_make_a_title_longer)
{
    /* Page 0 has 12 words, 6 of them content words (oil prices rise third
     * first year); page 1 has 8 words, 7 of them content words. */
    const char *pages[] = {
        "Oil prices rise by a third in the first of the year\n\nThe same body.\n",
        "Oil prices rise on heavy Tokyo market demand\n\nThe same body.\n",
        "Weather\n\nThe same body.\n",
    };
    size_t order[2];
    /* Counting every word, the shorter title wins... */
    g_title_count = FH_TITLE_COUNT_ALL;
    index_pages(pages, 3);
    g_title_count = FH_TITLE_COUNT_CONTENT;
    fh_db_close(g_db);
    ranking("oil prices rise", 3, 1, order, 2);
    cr_assert_eq(order[0], 1);
    cr_assert_eq(order[1], 0);
    /* ...counting content words (the same pages indexed again), the one
     * the query makes up more of. */
    index_pages(pages, 3);
    fh_db_close(g_db);
    ranking("oil prices rise", 3, 1, order, 2);
    cr_assert_eq(order[0], 0);
    cr_assert_eq(order[1], 1);
}

Test(document, title_words_at_most_one_apart_are_kept_in_pairs)
{
    /* bank raises the rates: stems bank rais the rate, at 0 1 2 3. */
    index_page("Bank raises the rates\n\nThe same body.\n");
    cr_assert_eq(freq("Bbank rais"), 1);
    cr_assert_eq(freq("Brais the"), 1);
    cr_assert_eq(freq("Bthe rate"), 1);
    cr_assert_eq(freq("Bbank . the"), 1);
    cr_assert_eq(freq("Brais . rate"), 1);
    cr_assert_eq(freq("Bbank . rate"), 0); /* two words between */
    cr_assert_eq(freq("Brais bank"), 0);   /* not in this order */
    cr_assert_eq(freq("Bsame bodi"), 0);   /* the body has none */
    fh_db_close(g_db);
}

Test(document, an_index_of_format_3_has_no_pairs)
{
    g_title_pairs = 0;
    index_page("Bank raises the rates\n\nThe same body.\n");
    g_title_pairs = 1;
    cr_assert_eq(freq("Bbank rais"), 0);
    cr_assert_eq(freq("Sbank"), 1);
    fh_db_close(g_db);
}

Test(document, a_title_with_the_words_in_the_order_typed_ranks_first)
{
    /* Titles of one length, with one body: only the order of the words and
     * the words between them differ. */
    const char *pages[] = {
        "Rates bank raises now again\n\nThe same body.\n",
        "Bank raises all the rates\n\nThe same body.\n",
        "Bank raises the rates now\n\nThe same body.\n",
        "Now bank raises rates again\n\nThe same body.\n",
    };
    index_pages(pages, 4);
    fh_db_close(g_db);
    size_t order[4];
    /* Without the proximity weight, a tie, in the order indexed... */
    ranking("bank raises rates", 0, 0, order, 4);
    for (size_t i = 0; i < 4; i++)
        cr_assert_eq(order[i], i);
    /* ...with it, the titles holding the words in this order with at most
     * one other word among them come first: told by the title pairs, and
     * the same by the positions. */
    for (g_query_pairs = 1; g_query_pairs >= 0; g_query_pairs--) {
        ranking("bank raises rates", 0, 1, order, 4);
        cr_assert_eq(order[0], 2, "pairs %d", g_query_pairs);
        cr_assert_eq(order[1], 3, "pairs %d", g_query_pairs);
        cr_assert_eq(order[2], 0, "pairs %d", g_query_pairs);
        cr_assert_eq(order[3], 1, "pairs %d", g_query_pairs);
    }
    g_query_pairs = 1;
}

Test(document, a_word_no_title_holds_is_in_the_title_order_as_its_forms)
{
    /* "getss" is in no title; its form "gets" stands in for it, so the
     * title with "gets defense contract" in this order comes first. */
    const char *pages[] = {
        "Sooner defense gets contract\n\nThe same body.\n",
        "Electrospace gets defense contract\n\nThe same body.\n",
    };
    index_pages(pages, 2);
    fh_db_close(g_db);
    size_t order[2];
    ranking("getss defense contract", 0, 0, order, 2);
    cr_assert_eq(order[0], 0);
    cr_assert_eq(order[1], 1);
    ranking("getss defense contract", 0, 1, order, 2);
    cr_assert_eq(order[0], 1);
    cr_assert_eq(order[1], 0);
}
