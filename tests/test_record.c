/* test_record.c - the stored record, the state value and the settings line. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"
#include "record.h"
#include "record_pack.h"
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
    cr_assert_str_eq(text, "format=7 english=english arabic=fihris hamza-seats=0 arabic-forms=1 "
                           "records=lz4 positions=map");
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
        "format=7 english=english arabic=light10-2 hamza-seats=0 arabic-forms=0 title-words=all "
        "title-pairs=0 records=plain filters=0 positions=xapian");
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
        text, "format=7 english=english arabic=fihris hamza-seats=0 arabic-forms=1 title-words=all "
              "records=lz4 positions=map");
    p.title_pairs = 0;
    cr_assert_eq(fh_settings_format(&p, text, sizeof text), FH_OK);
    cr_assert_str_eq(text, "format=7 english=english arabic=fihris hamza-seats=0 arabic-forms=1 "
                           "title-words=all title-pairs=0 records=lz4 positions=map");
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

Test(settings, records_are_compressed_from_format_6_on)
{
    /* Formats 1 to 5 stored plain records (record_pack.h). */
    fh_analyzer_opts p;
    cr_assert_eq(fh_settings_parse("format=5 arabic=fihris arabic-forms=1", &p), FH_OK);
    cr_assert_eq(p.records_packed, 0);
    cr_assert_eq(fh_settings_parse("format=6 arabic=fihris records=lz4", &p), FH_OK);
    cr_assert_eq(p.records_packed, 1);
    cr_assert_eq(fh_settings_parse("format=6 records=plain", &p), FH_OK);
    cr_assert_eq(p.records_packed, 0);
    cr_assert_eq(fh_settings_parse("", &p), FH_OK);
    cr_assert_eq(p.records_packed, 1);
}

Test(settings, positions_are_in_word_maps_from_format_7_on)
{
    /* Formats 1 to 6 kept every word's positions in Xapian (word_map.h). */
    fh_analyzer_opts p;
    cr_assert_eq(fh_settings_parse("format=6 arabic=fihris records=lz4", &p), FH_OK);
    cr_assert_eq(p.word_map, 0);
    cr_assert_eq(fh_settings_parse("format=6 positions=map", &p), FH_OK);
    cr_assert_eq(p.word_map, 0);
    cr_assert_eq(fh_settings_parse("format=7 records=lz4", &p), FH_OK);
    cr_assert_eq(p.word_map, 1);
    cr_assert_eq(fh_settings_parse("format=7 positions=xapian", &p), FH_OK);
    cr_assert_eq(p.word_map, 0);
    cr_assert_eq(fh_settings_parse("format=7 positions=map", &p), FH_OK);
    cr_assert_eq(p.word_map, 1);
    cr_assert_eq(fh_settings_parse("", &p), FH_OK);
    cr_assert_eq(p.word_map, 1);
    cr_assert_eq(fh_settings_parse("format=7 positions=lucene", &p), FH_ERR_INVALID);
}

Test(settings, unknown_names_and_values_are_refused)
{
    fh_analyzer_opts p;
    cr_assert_eq(fh_settings_parse("format=8", &p), FH_ERR_INVALID);
    cr_assert_eq(fh_settings_parse("format=6 records=zstd", &p), FH_ERR_INVALID);
    cr_assert_eq(fh_settings_parse("arabic=khoja", &p), FH_ERR_INVALID);
    cr_assert_eq(fh_settings_parse("colour=blue", &p), FH_ERR_INVALID);
    cr_assert_eq(fh_settings_parse("english", &p), FH_ERR_INVALID);
}

/* A page of a web archive: the record's offset in the file and, inside a
 * gzip member, in the inflated stream; a record without them has neither. */
Test(record, archive_offsets_round_trip)
{
    fh_record r = {0};
    r.key = "k", r.key_len = 1;
    r.in_archive = 1;
    r.archive_offset = 0;
    r.archive_inflated = 1;
    r.archive_inflated_offset = 4242;
    fh_buf b = FH_BUF_INIT;
    cr_assert_eq(fh_record_encode(&r, &b), FH_OK);
    fh_record d;
    cr_assert_eq(fh_record_decode(b.data, b.len, &d), FH_OK);
    cr_assert_eq(d.in_archive, 1);
    cr_assert_eq(d.archive_offset, 0);
    cr_assert_eq(d.archive_inflated, 1);
    cr_assert_eq(d.archive_inflated_offset, 4242);
    fh_buf_reset(&b);
    r.archive_inflated = 0;
    r.archive_offset = 77;
    cr_assert_eq(fh_record_encode(&r, &b), FH_OK);
    cr_assert_eq(fh_record_decode(b.data, b.len, &d), FH_OK);
    cr_assert_eq(d.archive_offset, 77);
    cr_assert_eq(d.archive_inflated, 0);
    fh_buf_free(&b);
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

/* ---- Compressed records (record_pack.h) ---------------------------------- */

/* A record of the page "Rivers of Arabia" with a body of n_words words. */
static void encode_page(size_t n_words, fh_buf *out, fh_buf *text, uint32_t *offsets)
{
    static const char *words[] = {"the", "river", "النهر", "runs", "الى", "sea", "البحر"};
    fh_buf_reset(text);
    for (size_t i = 0; i < n_words; i++) {
        offsets[i] = (uint32_t)text->len;
        fh_buf_puts(text, words[(i * 5 + i / 7) % 7]);
        fh_buf_putc(text, ' ');
    }
    fh_record r = {0};
    r.key = "/c/rivers.txt", r.key_len = 13;
    r.path = r.key, r.path_len = 13;
    r.title = "Rivers of Arabia", r.title_len = 16;
    r.text = text->data, r.text_len = text->len;
    r.size = 4096, r.hash = 99, r.body_first_pos = 4;
    r.offsets = offsets, r.n_offsets = n_words;
    fh_buf_reset(out);
    cr_assert_eq(fh_record_encode(&r, out), FH_OK);
}

/* Pack raw with codec c, unpack it again: the same bytes. */
static void assert_round_trip(fh_record_codec *c, const fh_buf *raw, fh_buf *packed)
{
    fh_buf_reset(packed);
    cr_assert_eq(fh_record_pack(c, raw->data, raw->len, packed), FH_OK);
    cr_assert_eq(packed->data[0], FH_RECORD_PACKED);
    fh_buf out = FH_BUF_INIT;
    const char *back = NULL;
    size_t back_len = 0;
    cr_assert_eq(fh_record_unpack(c, packed->data, packed->len, &out, &back, &back_len), FH_OK);
    cr_assert_eq(back, out.data);
    cr_assert_eq(back_len, raw->len);
    cr_assert_eq(memcmp(back, raw->data, raw->len), 0);
    fh_record d;
    cr_assert_eq(fh_record_decode(back, back_len, &d), FH_OK);
    cr_assert_eq(d.title_len, 16);
    cr_assert_eq(memcmp(d.title, "Rivers of Arabia", 16), 0);
    cr_assert_eq(d.hash, 99);
    fh_buf_free(&out);
}

Test(record_pack, round_trip_without_a_dictionary)
{
    fh_buf raw = FH_BUF_INIT, text = FH_BUF_INIT, packed = FH_BUF_INIT;
    uint32_t offsets[400];
    encode_page(400, &raw, &text, offsets);
    fh_record_codec *c = NULL;
    cr_assert_eq(fh_record_codec_new(NULL, &c), FH_OK);
    assert_round_trip(c, &raw, &packed);
    /* The marker, dictionary 0, the length, then the LZ4 block: repeated
     * words make it far smaller. */
    cr_assert_eq(packed.data[1], 0);
    cr_assert_lt(packed.len, raw.len / 4);
    /* An empty record too. */
    fh_buf empty = FH_BUF_INIT;
    fh_buf_reset(&packed);
    cr_assert_eq(fh_record_pack(c, "", 0, &packed), FH_OK);
    cr_assert_eq(packed.len, 4);
    const char *back = NULL;
    size_t back_len = 9;
    cr_assert_eq(fh_record_unpack(c, packed.data, packed.len, &empty, &back, &back_len), FH_OK);
    cr_assert_eq(back_len, 0);
    fh_record_codec_free(c);
    fh_buf_free(&empty);
    fh_buf_free(&raw);
    fh_buf_free(&text);
    fh_buf_free(&packed);
}

/* A dictionary trained on 300 records of 20 to 319 words. */
static fh_record_dict *trained_dict(void)
{
    fh_buf samples = FH_BUF_INIT, raw = FH_BUF_INIT, text = FH_BUF_INIT, dict = FH_BUF_INIT;
    size_t sizes[300];
    uint32_t offsets[320];
    for (size_t i = 0; i < 300; i++) {
        encode_page(20 + i, &raw, &text, offsets);
        fh_buf_append(&samples, raw.data, raw.len);
        sizes[i] = raw.len;
    }
    cr_assert_eq(fh_record_dict_train(samples.data, sizes, 300, &dict), FH_OK);
    cr_assert_gt(dict.len, 0);
    cr_assert_leq(dict.len, FH_RECORD_DICT_MAX);
    fh_record_dict *d = NULL;
    cr_assert_eq(fh_record_dict_new(dict.data, dict.len, &d), FH_OK);
    fh_buf_free(&samples);
    fh_buf_free(&raw);
    fh_buf_free(&text);
    fh_buf_free(&dict);
    return d;
}

Test(record_pack, round_trip_with_a_trained_dictionary)
{
    fh_record_dict *d = trained_dict();
    fh_record_codec *with = NULL, *without = NULL;
    cr_assert_eq(fh_record_codec_new(d, &with), FH_OK);
    cr_assert_eq(fh_record_codec_new(NULL, &without), FH_OK);
    fh_buf raw = FH_BUF_INIT, text = FH_BUF_INIT, packed = FH_BUF_INIT, plain = FH_BUF_INIT;
    uint32_t offsets[40];
    encode_page(40, &raw, &text, offsets);
    assert_round_trip(without, &raw, &plain);
    assert_round_trip(with, &raw, &packed);
    /* The dictionary holds what a short record repeats of the others. */
    cr_assert_lt(packed.len, plain.len / 2);
    /* Without the dictionary, or with another, it cannot be read. */
    fh_buf out = FH_BUF_INIT;
    const char *back = NULL;
    size_t back_len = 0;
    cr_assert_eq(fh_record_unpack(without, packed.data, packed.len, &out, &back, &back_len),
                 FH_ERR_CORRUPT);
    cr_assert_eq(fh_record_unpack(NULL, packed.data, packed.len, &out, &back, &back_len),
                 FH_ERR_CORRUPT);
    cr_assert_null(back);
    /* A record made without one is read with one. */
    cr_assert_eq(fh_record_unpack(with, plain.data, plain.len, &out, &back, &back_len), FH_OK);
    cr_assert_eq(back_len, raw.len);
    fh_buf_free(&out);
    fh_buf_free(&raw);
    fh_buf_free(&text);
    fh_buf_free(&packed);
    fh_buf_free(&plain);
    fh_record_codec_free(with);
    fh_record_codec_free(without);
    fh_record_dict_free(d);
}

Test(record_pack, too_few_samples_train_no_dictionary)
{
    fh_buf dict = FH_BUF_INIT;
    size_t sizes[2] = {3, 3};
    cr_assert_eq(fh_record_dict_train("abcabc", sizes, 2, &dict), FH_ERR_INVALID);
    cr_assert_eq(fh_record_dict_train("", sizes, 0, &dict), FH_ERR_INVALID);
    cr_assert_eq(dict.len, 0);
    fh_record_dict *d = NULL;
    cr_assert_eq(fh_record_dict_new("not a dictionary", 16, &d), FH_ERR_CORRUPT);
    cr_assert_null(d);
    fh_buf_free(&dict);
}

Test(record_pack, a_damaged_record_is_corrupt_not_a_crash)
{
    fh_buf raw = FH_BUF_INIT, text = FH_BUF_INIT, packed = FH_BUF_INIT, out = FH_BUF_INIT;
    uint32_t offsets[200];
    encode_page(200, &raw, &text, offsets);
    fh_record_codec *c = NULL;
    cr_assert_eq(fh_record_codec_new(NULL, &c), FH_OK);
    cr_assert_eq(fh_record_pack(c, raw.data, raw.len, &packed), FH_OK);
    const char *back = NULL;
    size_t back_len = 0;
    /* Every truncation. */
    for (size_t len = 1; len < packed.len; len++)
        cr_assert_eq(fh_record_unpack(c, packed.data, len, &out, &back, &back_len), FH_ERR_CORRUPT,
                     "cut at %zu", len);
    /* A length that is not the block's, or past any record. */
    fh_buf bad = FH_BUF_INIT;
    fh_buf_append(&bad, packed.data, packed.len);
    bad.data[2] ^= 0x01;
    cr_assert_eq(fh_record_unpack(c, bad.data, bad.len, &out, &back, &back_len), FH_ERR_CORRUPT);
    cr_assert_eq(fh_record_unpack(c, "\0\0\xff\xff\xff\xff\x0f", 7, &out, &back, &back_len),
                 FH_ERR_CORRUPT);
    cr_assert_eq(fh_record_unpack(c, "\0\0\x05", 3, &out, &back, &back_len), FH_ERR_CORRUPT);
    /* Every byte of the block changed: an error or some record, never a
     * crash (LZ4's safe decoder never writes past the length). */
    for (size_t i = 3; i < packed.len; i++) {
        memcpy(bad.data, packed.data, packed.len);
        bad.data[i] ^= 0x5a;
        fh_status rc = fh_record_unpack(c, bad.data, bad.len, &out, &back, &back_len);
        cr_assert(rc == FH_OK || rc == FH_ERR_CORRUPT);
        if (rc == FH_OK)
            cr_assert_eq(back_len, raw.len);
    }
    fh_record_codec_free(c);
    fh_buf_free(&bad);
    fh_buf_free(&raw);
    fh_buf_free(&text);
    fh_buf_free(&packed);
    fh_buf_free(&out);
}

Test(record_pack, a_plain_record_is_read_as_it_is)
{
    /* Indexes made before format 6 hold plain records: their first byte
     * is a field tag. */
    fh_buf raw = FH_BUF_INIT, text = FH_BUF_INIT, out = FH_BUF_INIT;
    uint32_t offsets[10];
    encode_page(10, &raw, &text, offsets);
    const char *back = NULL;
    size_t back_len = 0;
    cr_assert_eq(fh_record_unpack(NULL, raw.data, raw.len, &out, &back, &back_len), FH_OK);
    cr_assert_eq(back, raw.data);
    cr_assert_eq(back_len, raw.len);
    cr_assert_eq(out.len, 0);
    cr_assert_eq(fh_record_unpack(NULL, "", 0, &out, &back, &back_len), FH_OK);
    cr_assert_eq(back_len, 0);
    fh_buf_free(&raw);
    fh_buf_free(&text);
    fh_buf_free(&out);
}

Test(record, an_offset_delta_that_wraps_is_corrupt)
{
    /* Deltas 5 and 2^64 - 1: added in 64 bits they would wrap to 4. */
    fh_record r = {0};
    r.offsets_raw = "\x05\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01";
    r.offsets_raw_len = 11;
    uint32_t *v = NULL;
    size_t n = 7;
    cr_assert_eq(fh_record_offsets(&r, &v, &n), FH_ERR_CORRUPT);
    cr_assert_null(v);
}
