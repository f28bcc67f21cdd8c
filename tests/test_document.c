/* test_document.c - the terms a page becomes: words as written in titles
 * only, and the pieces of words that other tools split. */
#define _XOPEN_SOURCE 700
#define TMPDIR_PREFIX "fh_test_document_"
#include "tmpdir.h"

#include "analyzer.h"
#include "document.h"
#include "page.h"
#include "record.h"
#include "store.h"

TestSuite(document, .init = tmpdir_make, .fini = tmpdir_remove);

static fh_db *g_db;

/* Index one page (title, blank line, body) and keep the database open. */
static void index_page(const char *txt)
{
    fh_analyzer *a = NULL;
    fh_document_builder *b = NULL;
    cr_assert_eq(fh_analyzer_new(NULL, &a), FH_OK);
    cr_assert_eq(fh_document_builder_new(a, &b), FH_OK);
    fh_page page;
    cr_assert_eq(fh_page_read_txt(txt, strlen(txt), &page), FH_OK);
    fh_document_origin origin = {"/p/a.txt", 8, 8, strlen(txt), 0};
    fh_doc *doc = NULL;
    cr_assert_eq(fh_document_build(b, &page, &origin, fh_document_hash(&page), &doc), FH_OK);
    cr_assert_eq(fh_db_open_writable(g_dir, FH_DB_CREATE, &g_db, NULL), FH_OK);
    cr_assert_eq(fh_db_replace_by_key(g_db, "Q/p/a.txt", 9, doc, NULL), FH_OK);
    cr_assert_eq(fh_db_commit(g_db), FH_OK);
    fh_doc_free(doc);
    fh_page_clear(&page);
    fh_document_builder_free(b);
    fh_analyzer_free(a);
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
    cr_assert_eq(freq("اصل"), 1); /* واصل, stemmed as the query واصل is */
    cr_assert_eq(freq("Sاصل"), 1);
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
    cr_assert_eq(freq("Q/p/a.txt"), 1);
    uint32_t n = 0;
    cr_assert_eq(fh_db_doc_count(g_db, &n), FH_OK);
    cr_assert_eq(n, 1);
    fh_db_close(g_db);
}
