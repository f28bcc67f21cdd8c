/* test_filters.c - the terms and values filters read (filters.h). */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "filters.h"

/* url's host as filters.h writes it, or "(none)". */
static void assert_host(const char *url, const char *want)
{
    fh_buf b = FH_BUF_INIT;
    fh_status rc = fh_filters_host(url, strlen(url), &b);
    fh_buf_putc(&b, '\0');
    cr_assert_str_eq(rc == FH_OK ? b.data : "(none)", want, "%s", url);
    fh_buf_free(&b);
}

Test(filters, the_host_of_a_url)
{
    assert_host("http://aawsat.com/home/article/1", "aawsat.com");
    assert_host("https://WWW.BBC.co.uk/news", "bbc.co.uk");
    assert_host("http://news.bbc.co.uk:8080/x?y#z", "news.bbc.co.uk");
    assert_host("http://user:pw@example.org/", "example.org");
    assert_host("http://example.org.", "example.org");
    assert_host("http://example.org?q=1", "example.org");
    assert_host("http://\xd9\x85\xd8\xab\xd8\xa7\xd9\x84.com/",
                "\xd9\x85\xd8\xab\xd8\xa7\xd9\x84.com");
    assert_host("aawsat.com/home", "(none)");
    assert_host("/local/path.html", "(none)");
    assert_host("http://", "(none)");
    assert_host("http:///path", "(none)");
    assert_host("http://www./", "www");
    assert_host("http://exa mple.org/", "(none)");
    assert_host("", "(none)");
}

Test(filters, a_site_filter_is_written_as_hosts_are)
{
    const char *cases[][2] = {{"aawsat.com", "aawsat.com"},
                              {"WWW.Aawsat.COM", "aawsat.com"},
                              {"bbc.co.uk.", "bbc.co.uk"},
                              {"", NULL},
                              {"www.", "www"},
                              {".com", NULL},
                              {"a/b", NULL},
                              {"a b", NULL},
                              {"\xfe.com", NULL},
                              {"\xd9.com", NULL},
                              {"\xd9\x85.com", "\xd9\x85.com"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        fh_buf b = FH_BUF_INIT;
        fh_status rc = fh_filters_site(cases[i][0], strlen(cases[i][0]), &b);
        if (cases[i][1] == NULL) {
            cr_assert_eq(rc, FH_ERR_INVALID, "%s", cases[i][0]);
        } else {
            cr_assert_eq(rc, FH_OK, "%s", cases[i][0]);
            fh_buf_putc(&b, '\0');
            cr_assert_str_eq(b.data, cases[i][1]);
        }
        fh_buf_free(&b);
    }
}

Test(filters, date_values_sort_as_dates)
{
    const char *dates[] = {"0001-01-01", "1969-12-31T23:59:59Z", "1970-01-01",
                           "1987-02-26", "2015-07-21",           "9999-12-31"};
    char prev[FH_FILTERS_DATE_SIZE] = {0};
    for (size_t i = 0; i < sizeof dates / sizeof dates[0]; i++) {
        int64_t t;
        cr_assert_eq(fh_date_parse(dates[i], strlen(dates[i]), &t), FH_OK);
        char v[FH_FILTERS_DATE_SIZE];
        fh_filters_date_value(t, v);
        if (i > 0)
            cr_assert_lt(memcmp(prev, v, sizeof v), 0, "%s", dates[i]);
        memcpy(prev, v, sizeof v);
    }
    char v[FH_FILTERS_DATE_SIZE];
    fh_filters_date_value(0, v);
    cr_assert_eq(memcmp(v, "\x80\0\0\0\0\0\0\0", 8), 0);
}

/* A page's terms and values, through a database. */
Test(filters, a_page_gets_its_terms_and_values)
{
    char dir[] = "/tmp/fh_test_filters_XXXXXX";
    cr_assert_not_null(mkdtemp(dir));
    fh_db *db = NULL;
    cr_assert_eq(fh_db_open_writable(dir, FH_DB_CREATE, &db, NULL), FH_OK);
    fh_doc *doc = fh_doc_new();
    fh_filters_page p = {"https://www.news.bbc.co.uk/a", "en", "Tue, 21 Jul 2015 02:51:32 +0300",
                         0x0102030405060708u};
    int bad = 7;
    cr_assert_eq(fh_filters_add(doc, &p, &bad), FH_OK);
    cr_assert_eq(bad, 0);
    const char *v;
    size_t len;
    cr_assert_eq(fh_doc_get_value(doc, FH_SLOT_SITE, &v, &len), FH_OK);
    cr_assert_eq(len, 14);
    cr_assert_eq(memcmp(v, "news.bbc.co.uk", 14), 0);
    cr_assert_eq(fh_doc_get_value(doc, FH_SLOT_LANG, &v, &len), FH_OK);
    cr_assert_eq(len, 2);
    cr_assert_eq(memcmp(v, "en", 2), 0);
    cr_assert_eq(fh_doc_get_value(doc, FH_SLOT_YEAR, &v, &len), FH_OK);
    cr_assert_eq(len, 4);
    cr_assert_eq(memcmp(v, "2015", 4), 0);
    /* 02:51 at +03:00 is still the 20th in UTC. */
    cr_assert_eq(fh_doc_get_value(doc, FH_SLOT_MONTH, &v, &len), FH_OK);
    cr_assert_eq(len, 7);
    cr_assert_eq(memcmp(v, "2015-07", 7), 0);
    cr_assert_eq(fh_doc_get_value(doc, FH_SLOT_COPIES, &v, &len), FH_OK);
    cr_assert_eq(len, 8);
    cr_assert_eq(memcmp(v, "\x01\x02\x03\x04\x05\x06\x07\x08", 8), 0);
    cr_assert_eq(fh_doc_get_value(doc, FH_SLOT_DATE, &v, &len), FH_OK);
    cr_assert_eq(len, 8);
    char want[FH_FILTERS_DATE_SIZE];
    int64_t t;
    cr_assert_eq(fh_date_parse("2015-07-20T23:51:32Z", 20, &t), FH_OK);
    fh_filters_date_value(t, want);
    cr_assert_eq(memcmp(v, want, 8), 0);
    cr_assert_eq(fh_db_replace_by_key(db, "Q1", 2, doc, NULL), FH_OK);
    fh_doc_free(doc);
    /* A bad date and no URL: no site, no date, and it says so. */
    doc = fh_doc_new();
    fh_filters_page q = {NULL, NULL, "sometime in 2015", 0};
    cr_assert_eq(fh_filters_add(doc, &q, &bad), FH_OK);
    cr_assert_eq(bad, 1);
    cr_assert_eq(fh_doc_get_value(doc, FH_SLOT_DATE, &v, &len), FH_OK);
    cr_assert_eq(len, 0);
    cr_assert_eq(fh_doc_get_value(doc, FH_SLOT_COPIES, &v, &len), FH_OK);
    cr_assert_eq(len, 0);
    cr_assert_eq(fh_db_replace_by_key(db, "Q2", 2, doc, NULL), FH_OK);
    fh_doc_free(doc);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    const char *terms[][2] = {{"XSnews.bbc.co.uk", "1"},
                              {"XSbbc.co.uk", "1"},
                              {"XSco.uk", "1"},
                              {"XSuk", "0"},
                              {"XSwww.news.bbc.co.uk", "0"}};
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++) {
        uint32_t f = 9;
        cr_assert_eq(fh_db_term_freq(db, terms[i][0], strlen(terms[i][0]), &f), FH_OK);
        cr_assert_eq(f, (uint32_t)atoi(terms[i][1]), "%s", terms[i][0]);
    }
    fh_db_close(db);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}
