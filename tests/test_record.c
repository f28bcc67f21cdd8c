/* test_record.c - the stored record, the state value and the settings line. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "record.h"
#include "settings.h"

Test(record, round_trip_keeps_every_field)
{
    uint32_t offsets[] = {0, 4, 9, 300, 70000};
    fh_record r = {0};
    r.key = "/p/a.jsonl#7", r.key_len = strlen(r.key);
    r.path = "/p/a.jsonl", r.path_len = strlen(r.path);
    r.url = "https://example.org/x", r.url_len = strlen(r.url);
    r.title = "عنوان", r.title_len = strlen(r.title);
    r.text = "body text", r.text_len = strlen(r.text);
    r.date = "2018-07-26", r.date_len = strlen(r.date);
    r.charset = "windows-1256", r.charset_len = strlen(r.charset);
    r.size = 123456789012ull;
    r.mtime_ns = 1532563200123456789ll;
    r.hash = 0xfedcba9876543210ull;
    r.arabic_words = 12;
    r.latin_words = 34;
    r.body_first_pos = 3;
    r.offsets = offsets;
    r.n_offsets = 5;

    fh_buf b = FH_BUF_INIT;
    cr_assert_eq(fh_record_encode(&r, &b), FH_OK);
    fh_record d;
    cr_assert_eq(fh_record_decode(b.data, b.len, &d), FH_OK);
    cr_assert_eq(d.key_len, 12);
    cr_assert_eq(memcmp(d.key, "/p/a.jsonl#7", 12), 0);
    cr_assert_eq(memcmp(d.url, "https://example.org/x", d.url_len), 0);
    cr_assert_eq(d.title_len, strlen("عنوان"));
    cr_assert_eq(memcmp(d.text, "body text", 9), 0);
    cr_assert_eq(memcmp(d.date, "2018-07-26", 10), 0);
    cr_assert_eq(memcmp(d.charset, "windows-1256", 12), 0);
    cr_assert_eq(d.size, 123456789012ull);
    cr_assert_eq(d.mtime_ns, 1532563200123456789ll);
    cr_assert_eq(d.hash, 0xfedcba9876543210ull);
    cr_assert_eq(d.arabic_words, 12);
    cr_assert_eq(d.latin_words, 34);
    cr_assert_eq(d.body_first_pos, 3);
    uint32_t *got = NULL;
    size_t n = 0;
    cr_assert_eq(fh_record_offsets(&d, &got, &n), FH_OK);
    cr_assert_eq(n, 5);
    for (size_t i = 0; i < 5; i++)
        cr_assert_eq(got[i], offsets[i]);
    free(got);
    fh_buf_free(&b);
}

Test(record, empty_fields_decode_as_empty_strings)
{
    fh_record r = {0};
    fh_buf b = FH_BUF_INIT;
    cr_assert_eq(fh_record_encode(&r, &b), FH_OK);
    fh_record d;
    cr_assert_eq(fh_record_decode(b.data, b.len, &d), FH_OK);
    cr_assert_str_eq(d.url, "");
    cr_assert_eq(d.url_len, 0);
    cr_assert_str_eq(d.title, "");
    cr_assert_eq(d.size, 0);
    fh_buf_free(&b);
}

Test(record, truncated_data_is_corrupt)
{
    fh_record r = {0};
    r.title = "a title", r.title_len = 7;
    fh_buf b = FH_BUF_INIT;
    cr_assert_eq(fh_record_encode(&r, &b), FH_OK);
    fh_record d;
    cr_assert_eq(fh_record_decode(b.data, b.len - 1, &d), FH_ERR_CORRUPT);
    cr_assert_eq(fh_record_decode("\x01\xff", 2, &d), FH_ERR_CORRUPT);
    fh_buf_free(&b);
}

Test(record, unknown_fields_are_skipped)
{
    const char data[] = "\x63\x02zz\x04\x03"
                        "abc";
    fh_record d;
    cr_assert_eq(fh_record_decode(data, sizeof data - 1, &d), FH_OK);
    cr_assert_eq(d.title_len, 3);
    cr_assert_eq(memcmp(d.title, "abc", 3), 0);
}

Test(record, state_round_trip)
{
    fh_record_state s = {"/x/y.jsonl#12", 13, 10, 42, -5, 7};
    fh_buf b = FH_BUF_INIT;
    cr_assert_eq(fh_record_state_encode(&s, &b), FH_OK);
    fh_record_state d;
    cr_assert_eq(fh_record_state_decode(b.data, b.len, &d), FH_OK);
    cr_assert_eq(d.size, 42);
    cr_assert_eq(d.mtime_ns, -5);
    cr_assert_eq(d.hash, 7);
    cr_assert_eq(d.key_len, 13);
    cr_assert_eq(d.path_len, 10);
    cr_assert_eq(memcmp(d.key, "/x/y.jsonl#12", 13), 0);
    cr_assert_eq(fh_record_state_decode("\x80", 1, &d), FH_ERR_CORRUPT);
    /* A path longer than the key is corrupt. */
    cr_assert_eq(fh_record_state_decode("\x01\x01\x01\x05ab", 6, &d), FH_ERR_CORRUPT);
    fh_buf_free(&b);
}

Test(record, hash_is_stable_and_chains)
{
    cr_assert_eq(fh_hash64("abc", 3, 0), fh_hash64("abc", 3, 0));
    cr_assert_neq(fh_hash64("abc", 3, 0), fh_hash64("abd", 3, 0));
    cr_assert_neq(fh_hash64("", 0, fh_hash64("ab", 2, 0)), fh_hash64("ab", 2, 0));
}

Test(settings, round_trip_and_defaults)
{
    fh_analyzer_opts o;
    fh_analyzer_opts_init(&o);
    char text[256];
    cr_assert_eq(fh_settings_format(&o, text, sizeof text), FH_OK);
    cr_assert_str_eq(text, "format=6 english=english arabic=fihris hamza-seats=0 arabic-forms=1");
    o.english = FH_EN_STEM_PORTER;
    o.arabic = FH_AR_STEM_SNOWBALL;
    o.normalize_flags = FH_NORMALIZE_FOLD_HAMZA_SEATS;
    cr_assert_eq(fh_settings_format(&o, text, sizeof text), FH_OK);
    fh_analyzer_opts p;
    cr_assert_eq(fh_settings_parse(text, &p), FH_OK);
    cr_assert_eq(p.english, FH_EN_STEM_PORTER);
    cr_assert_eq(p.arabic, FH_AR_STEM_SNOWBALL);
    cr_assert_eq(p.normalize_flags, FH_NORMALIZE_FOLD_HAMZA_SEATS);
    cr_assert_eq(p.title_count, FH_TITLE_COUNT_CONTENT);
    cr_assert_eq(p.title_pairs, 1);
    cr_assert_eq(fh_settings_parse("", &p), FH_OK);
    cr_assert_eq(p.arabic, FH_AR_STEM_FIHRIS);
    cr_assert_eq(p.normalize_flags, FH_NORMALIZE_ARABIC_FORMS);
    cr_assert_eq(p.title_count, FH_TITLE_COUNT_CONTENT);
    cr_assert_eq(p.title_pairs, 1);
}

Test(settings, an_index_of_format_1_keeps_its_two_letter_light10)
{
    fh_analyzer_opts p;
    cr_assert_eq(fh_settings_parse("format=1 english=english arabic=light10 hamza-seats=0", &p),
                 FH_OK);
    cr_assert_eq(p.arabic, FH_AR_STEM_LIGHT10_2);
    cr_assert_eq(p.title_count, FH_TITLE_COUNT_ALL);
    cr_assert_eq(fh_settings_parse("format=2 english=english arabic=light10 hamza-seats=0", &p),
                 FH_OK);
    cr_assert_eq(p.arabic, FH_AR_STEM_LIGHT10);
    cr_assert_eq(fh_settings_parse("format=1 arabic=snowball", &p), FH_OK);
    cr_assert_eq(p.arabic, FH_AR_STEM_SNOWBALL);
    /* Written again, it stays what it was. */
    char text[256];
    p.arabic = FH_AR_STEM_LIGHT10_2;
    cr_assert_eq(fh_settings_format(&p, text, sizeof text), FH_OK);
    cr_assert_str_eq(
        text,
        "format=6 english=english arabic=light10-2 hamza-seats=0 arabic-forms=0 title-words=all "
        "title-pairs=0 filters=0");
    cr_assert_eq(fh_settings_parse(text, &p), FH_OK);
    cr_assert_eq(p.arabic, FH_AR_STEM_LIGHT10_2);
    cr_assert_eq(p.normalize_flags, 0);
    cr_assert_eq(p.title_count, FH_TITLE_COUNT_ALL);
}

Test(settings, older_formats_count_every_title_word_and_have_no_pairs)
{
    /* Formats 1 and 2 count every title word; formats 1 to 3 have no
     * title pairs. */
    static const struct {
        const char *text;
        fh_title_count want;
        int pairs;
    } cases[] = {
        {"format=1 arabic=light10", FH_TITLE_COUNT_ALL, 0},
        {"format=2 english=english arabic=light10 hamza-seats=0", FH_TITLE_COUNT_ALL, 0},
        {"format=3 english=english arabic=light10 hamza-seats=0", FH_TITLE_COUNT_CONTENT, 0},
        {"format=4 english=english arabic=light10 hamza-seats=0", FH_TITLE_COUNT_CONTENT, 1},
        {"format=4 title-words=all title-pairs=0", FH_TITLE_COUNT_ALL, 0},
        {"format=4 title-words=content title-pairs=1", FH_TITLE_COUNT_CONTENT, 1},
        {"", FH_TITLE_COUNT_CONTENT, 1},
    };
    fh_analyzer_opts p;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        cr_assert_eq(fh_settings_parse(cases[i].text, &p), FH_OK, "%s", cases[i].text);
        cr_assert_eq(p.title_count, cases[i].want, "%s", cases[i].text);
        cr_assert_eq(p.title_pairs, cases[i].pairs, "%s", cases[i].text);
    }
    cr_assert_eq(fh_settings_parse("format=4 title-words=some", &p), FH_ERR_INVALID);
    cr_assert_eq(fh_settings_parse("format=4 title-pairs=2", &p), FH_ERR_INVALID);
    /* Written again, it stays what it was. */
    char text[256];
    fh_analyzer_opts_init(&p);
    p.title_count = FH_TITLE_COUNT_ALL;
    cr_assert_eq(fh_settings_format(&p, text, sizeof text), FH_OK);
    cr_assert_str_eq(
        text, "format=6 english=english arabic=fihris hamza-seats=0 arabic-forms=1 title-words=all");
    p.title_pairs = 0;
    cr_assert_eq(fh_settings_format(&p, text, sizeof text), FH_OK);
    cr_assert_str_eq(text, "format=6 english=english arabic=fihris hamza-seats=0 arabic-forms=1 "
                           "title-words=all title-pairs=0");
}

Test(settings, older_formats_fold_no_arabic_letter_forms)
{
    /* Formats 1 to 4 made light10's terms of unfolded letters; format 5
     * folds them (normalize.h) for fihris's stemmer. */
    fh_analyzer_opts p;
    cr_assert_eq(fh_settings_parse("format=4 english=english arabic=light10 hamza-seats=0", &p),
                 FH_OK);
    cr_assert_eq(p.normalize_flags, 0);
    cr_assert_eq(p.arabic, FH_AR_STEM_LIGHT10);
    cr_assert_eq(fh_settings_parse("format=5 arabic=fihris arabic-forms=1", &p), FH_OK);
    cr_assert_eq(p.normalize_flags, FH_NORMALIZE_ARABIC_FORMS);
    cr_assert_eq(p.arabic, FH_AR_STEM_FIHRIS);
    cr_assert_eq(fh_settings_parse("format=5 arabic-forms=0", &p), FH_OK);
    cr_assert_eq(p.normalize_flags, 0);
    cr_assert_eq(fh_settings_parse("format=5 arabic-forms=2", &p), FH_ERR_INVALID);
}

Test(settings, older_formats_have_nothing_for_the_filters)
{
    /* Formats 1 to 5 wrote no filter terms or values (filters.h). */
    fh_analyzer_opts p;
    cr_assert_eq(fh_settings_parse("format=5 arabic=fihris arabic-forms=1", &p), FH_OK);
    cr_assert_eq(p.filters, 0);
    cr_assert_eq(fh_settings_parse("format=1 arabic=light10", &p), FH_OK);
    cr_assert_eq(p.filters, 0);
    cr_assert_eq(fh_settings_parse("format=6 arabic=fihris", &p), FH_OK);
    cr_assert_eq(p.filters, 1);
    cr_assert_eq(fh_settings_parse("format=6 filters=0", &p), FH_OK);
    cr_assert_eq(p.filters, 0);
    cr_assert_eq(fh_settings_parse("", &p), FH_OK);
    cr_assert_eq(p.filters, 1);
    cr_assert_eq(fh_settings_parse("format=6 filters=yes", &p), FH_ERR_INVALID);
}

Test(settings, unknown_names_and_values_are_refused)
{
    fh_analyzer_opts p;
    cr_assert_eq(fh_settings_parse("format=7", &p), FH_ERR_INVALID);
    cr_assert_eq(fh_settings_parse("arabic=khoja", &p), FH_ERR_INVALID);
    cr_assert_eq(fh_settings_parse("colour=blue", &p), FH_ERR_INVALID);
    cr_assert_eq(fh_settings_parse("english", &p), FH_ERR_INVALID);
}

Test(record, title_offsets_round_trip_apart_from_the_body)
{
    uint32_t title[] = {0, 6, 13};
    uint32_t body[] = {0, 200};
    fh_record r = {0};
    r.title = "Rivers of Arabia", r.title_len = strlen(r.title);
    r.title_offsets = title;
    r.n_title_offsets = 3;
    r.offsets = body;
    r.n_offsets = 2;
    fh_buf b = FH_BUF_INIT;
    cr_assert_eq(fh_record_encode(&r, &b), FH_OK);
    fh_record d;
    cr_assert_eq(fh_record_decode(b.data, b.len, &d), FH_OK);
    uint32_t *got = NULL;
    size_t n = 0;
    cr_assert_eq(fh_record_title_offsets(&d, &got, &n), FH_OK);
    cr_assert_eq(n, 3);
    cr_assert_eq(got[0], 0);
    cr_assert_eq(got[1], 6);
    cr_assert_eq(got[2], 13);
    free(got);
    cr_assert_eq(fh_record_offsets(&d, &got, &n), FH_OK);
    cr_assert_eq(n, 2);
    cr_assert_eq(got[1], 200);
    free(got);
    fh_buf_free(&b);
}

Test(record, a_record_without_title_offsets_has_none)
{
    /* Records written before title offsets were kept. */
    fh_record r = {0};
    r.title = "Old", r.title_len = 3;
    fh_buf b = FH_BUF_INIT;
    cr_assert_eq(fh_record_encode(&r, &b), FH_OK);
    fh_record d;
    cr_assert_eq(fh_record_decode(b.data, b.len, &d), FH_OK);
    uint32_t *got = (uint32_t *)&r;
    size_t n = 7;
    cr_assert_eq(fh_record_title_offsets(&d, &got, &n), FH_OK);
    cr_assert_null(got);
    cr_assert_eq(n, 0);
    fh_buf_free(&b);
}

Test(record, growing_an_array_doubles_from_the_first_size)
{
    /* fh_grow() (buf.h), which every growable array here uses. */
    uint32_t *items = NULL;
    size_t cap = 0;
    cr_assert_eq(fh_grow((void **)&items, &cap, 1, sizeof *items, 4), FH_OK);
    cr_assert_eq(cap, 4);
    items[3] = 7;
    cr_assert_eq(fh_grow((void **)&items, &cap, 4, sizeof *items, 4), FH_OK);
    cr_assert_eq(cap, 4); /* enough already */
    cr_assert_eq(fh_grow((void **)&items, &cap, 9, sizeof *items, 4), FH_OK);
    cr_assert_eq(cap, 16);
    cr_assert_eq(items[3], 7);
    /* A size past what memory can address: refused, the array kept. */
    uint32_t *before = items;
    cr_assert_eq(fh_grow((void **)&items, &cap, SIZE_MAX / 2, sizeof *items, 4), FH_ERR_NOMEM);
    cr_assert_eq(items, before);
    cr_assert_eq(cap, 16);
    free(items);
}
