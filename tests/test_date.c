/* test_date.c - dates in the forms pages carry (date.h). */
#include <criterion/criterion.h>

#include <string.h>

#include "date.h"

/* s reads as the ISO 8601 date iso. */
static void assert_date(const char *s, const char *iso)
{
    int64_t t = -1;
    cr_assert_eq(fh_date_parse(s, strlen(s), &t), FH_OK, "%s", s);
    char out[FH_DATE_ISO_SIZE];
    fh_date_format(t, out);
    cr_assert_str_eq(out, iso, "%s", s);
}

static void assert_bad(const char *s)
{
    int64_t t = 7;
    cr_assert_eq(fh_date_parse(s, strlen(s), &t), FH_ERR_INVALID, "%s", s);
}

Test(date, iso_8601)
{
    assert_date("2015-07-21", "2015-07-21T00:00:00Z");
    assert_date("2015-07", "2015-07-01T00:00:00Z");
    assert_date("2015", "2015-01-01T00:00:00Z");
    assert_date("2015-07-21T02:51:32", "2015-07-21T02:51:32Z");
    assert_date("2015-07-21T02:51:32Z", "2015-07-21T02:51:32Z");
    assert_date("2015-07-21t02:51:32z", "2015-07-21T02:51:32Z");
    assert_date("2015-07-21T02:51:32.123456Z", "2015-07-21T02:51:32Z");
    assert_date("2015-07-21T02:51", "2015-07-21T02:51:00Z");
    assert_date("2015-07-21T02:51:32+03:00", "2015-07-20T23:51:32Z");
    assert_date("2015-07-21T02:51:32+0300", "2015-07-20T23:51:32Z");
    assert_date("2015-07-21T02:51:32+03", "2015-07-20T23:51:32Z");
    assert_date("2015-07-21T22:51:32-05:30", "2015-07-22T04:21:32Z");
    assert_date("20150721", "2015-07-21T00:00:00Z");
    assert_date("20150721T025132Z", "2015-07-21T02:51:32Z");
    assert_date("  2015-07-21  \n", "2015-07-21T00:00:00Z");
    /* Leap days, the ends of the range, a leap second. */
    assert_date("2016-02-29", "2016-02-29T00:00:00Z");
    assert_date("2000-02-29", "2000-02-29T00:00:00Z");
    assert_date("1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z");
    assert_date("0001-01-01", "0001-01-01T00:00:00Z");
    assert_date("9999-12-31T23:59:59", "9999-12-31T23:59:59Z");
    assert_date("2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z");
}

Test(date, the_forms_of_real_dumps)
{
    /* SQL, as the SaudiNewsNet dump writes it. */
    assert_date("2015-07-21 02:51:32", "2015-07-21T02:51:32Z");
    assert_date("2015-07-21 02:51:32.5", "2015-07-21T02:51:32Z");
    /* RFC 2822, with and without the day name, seconds and zone. */
    assert_date("Tue, 21 Jul 2015 02:51:32 +0300", "2015-07-20T23:51:32Z");
    assert_date("Tue, 21 Jul 2015 02:51:32 GMT", "2015-07-21T02:51:32Z");
    assert_date("21 Jul 2015 02:51 -0500", "2015-07-21T07:51:00Z");
    assert_date("Tuesday, 21 July 2015 02:51:32 EST", "2015-07-21T07:51:32Z");
    assert_date("1 Jan 2000", "2000-01-01T00:00:00Z");
    assert_date("21 Jul 15 02:51:32 UT", "2015-07-21T02:51:32Z");
    assert_date("21 Jul 87 02:51:32 PDT", "1987-07-21T09:51:32Z");
    /* Reuters-21578. */
    assert_date("26-FEB-1987 15:01:01.79", "1987-02-26T15:01:01Z");
    assert_date("5-MAR-1987 09:00:00.00", "1987-03-05T09:00:00Z");
    assert_date("26-feb-1987", "1987-02-26T00:00:00Z");
    /* ARC and WARC/0.17. */
    assert_date("20150721025132", "2015-07-21T02:51:32Z");
}

Test(date, bad_dates)
{
    const char *bad[] = {
        "",
        " ",
        "yesterday",
        "2015-02-30",
        "2015-13-01",
        "2015-00-10",
        "2015-07-32",
        "2015-07-21T25:00",
        "2015-07-21T23:60",
        "2015-07-21T02:51:32+15:00",
        "2015-07-21T02:51:32 junk",
        "2015-7-21",
        "15-07-21",
        "2015/07/21",
        "201507",
        "2015072102513",
        "32 Jul 2015",
        "21 Jux 2015",
        "21 Jul",
        "Tue, 21 Jul 2015 02:51:32 XYZ",
        "26-FEB-1987 15:01:01.79 extra",
        "0000-01-01",
        "2015-07-21T",
        "1900-02-29",
        "99999-01-01",
        "\xd9\xa2\xd9\xa0\xd9\xa1\xd9\xa5",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_bad(bad[i]);
}

/* s as the first (end 0) or last (end 1) second it names. */
static void assert_bound(const char *s, int end, const char *iso)
{
    int64_t t = -1;
    cr_assert_eq(fh_date_bound(s, strlen(s), end, &t), FH_OK, "%s", s);
    char out[FH_DATE_ISO_SIZE];
    fh_date_format(t, out);
    cr_assert_str_eq(out, iso, "%s (%d)", s, end);
}

Test(date, the_ends_of_a_range)
{
    assert_bound("2015", 0, "2015-01-01T00:00:00Z");
    assert_bound("2015", 1, "2015-12-31T23:59:59Z");
    assert_bound("2015-02", 1, "2015-02-28T23:59:59Z");
    assert_bound("2016-02", 1, "2016-02-29T23:59:59Z");
    assert_bound("2015-12", 1, "2015-12-31T23:59:59Z");
    assert_bound("2015-07-21", 0, "2015-07-21T00:00:00Z");
    assert_bound("2015-07-21", 1, "2015-07-21T23:59:59Z");
    assert_bound("9999", 1, "9999-12-31T23:59:59Z");
    assert_bound("9999-12", 1, "9999-12-31T23:59:59Z");
    const char *bad[] = {"",      "15",    "2015-7",    "2015-07-1", "2015-02-30", "2015-07-21T00",
                         "2015-", "March", "2015..2016"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t t;
        cr_assert_eq(fh_date_bound(bad[i], strlen(bad[i]), 0, &t), FH_ERR_INVALID, "%s", bad[i]);
    }
}

Test(date, year_and_month)
{
    int y = 0, m = 0;
    fh_date_year_month(0, &y, &m);
    cr_assert_eq(y, 1970);
    cr_assert_eq(m, 1);
    int64_t t;
    cr_assert_eq(fh_date_parse("1987-02-26 15:01:01", 19, &t), FH_OK);
    fh_date_year_month(t, &y, &m);
    cr_assert_eq(y, 1987);
    cr_assert_eq(m, 2);
    cr_assert_eq(fh_date_parse("1969-12-31T23:59:59", 19, &t), FH_OK);
    cr_assert_eq(t, -1);
    fh_date_year_month(t, &y, &m);
    cr_assert_eq(y, 1969);
    cr_assert_eq(m, 12);
}
