/* test_warc.c - the web archive record reader (common/warc.h): the real
 * archives of ../shared/warc (skipped when missing) and small archives made
 * here, good and bad. */
#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "buf.h"
#include "warc.h"

/* ---- Reading from memory, listing what came ------------------------------ */

typedef struct src {
    const char *data;
    size_t len, pos;
    size_t step; /* at most this many bytes a read (0: as many as asked) */
} src;

static long src_read(void *ctx, char *buf, size_t cap)
{
    src *s = ctx;
    size_t n = s->len - s->pos;
    if (n > cap)
        n = cap;
    if (s->step && n > s->step)
        n = s->step;
    memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    return (long)n;
}

typedef struct listing {
    src in;
    fh_buf out; /* one line a record or warning */
} listing;

static void on_warn(void *ctx, uint64_t offset, const char *what)
{
    listing *l = ctx;
    fh_buf_printf(&l->out, "! %llu %s\n", (unsigned long long)offset, what);
}

/* Every record of data as "offset type url date length [block]" lines
 * (the block only when show_block), and every warning as "! offset what".
 * The caller frees the string. */
static char *list_records(const char *data, size_t len, uint64_t max_block, size_t step,
                          int show_block)
{
    listing l = {{data, len, 0, step}, FH_BUF_INIT};
    fh_warc *r = NULL;
    cr_assert_eq(fh_warc_new(src_read, on_warn, &l, max_block, &r), FH_OK);
    for (;;) {
        fh_warc_record rec;
        int more = 0;
        cr_assert_eq(fh_warc_next(r, &rec, &more), FH_OK);
        if (!more)
            break;
        fh_buf_printf(&l.out, "%llu %s %s %s %llu", (unsigned long long)rec.offset, rec.type,
                      rec.url, rec.date, (unsigned long long)rec.length);
        if (rec.inflated)
            fh_buf_printf(&l.out, " @%llu", (unsigned long long)rec.inflated_offset);
        if (rec.block == NULL)
            fh_buf_puts(&l.out, " (not kept)");
        else if (show_block)
            fh_buf_printf(&l.out, " [%.*s]", (int)rec.block_len, rec.block);
        fh_buf_putc(&l.out, '\n');
    }
    fh_warc_free(r);
    fh_buf_append(&l.out, "", 0);
    return l.out.data;
}

static char *read_shared(const char *name, size_t *len)
{
    /* $FH_SHARED_DIR, else ../shared beside the source, as lib.sh. */
    const char *shared = getenv("FH_SHARED_DIR"), *top = getenv("FH_SOURCE_DIR");
    char path[4096];
    if (shared && shared[0])
        snprintf(path, sizeof path, "%s/warc/%s", shared, name);
    else
        snprintf(path, sizeof path, "%s/../shared/warc/%s", top ? top : ".", name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    fh_buf b = FH_BUF_INIT;
    char chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
        fh_buf_append(&b, chunk, n);
    fclose(f);
    *len = b.len;
    fh_buf_append(&b, "", 0);
    return b.data;
}

/* ---- Making archives ----------------------------------------------------- */

/* A WARC/1.0 record of this type, URL, date and block, with a
 * Content-Length of length (or the block's when length < 0). */
static void put_record(fh_buf *b, const char *type, const char *url, const char *date,
                       const char *block, long length)
{
    size_t n = strlen(block);
    fh_buf_printf(b,
                  "WARC/1.0\r\nWARC-Type: %s\r\nWARC-Target-URI: %s\r\nWARC-Date: %s\r\n"
                  "Content-Type: text/plain\r\nContent-Length: %ld\r\n\r\n%s\r\n\r\n",
                  type, url, date, length < 0 ? (long)n : length, block);
}

/* data gzip-compressed as one member, appended to out. */
static void gzip_member(fh_buf *out, const char *data, size_t len)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, len) + 64;
    cr_assert_eq(fh_buf_reserve(out, cap), FH_OK);
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    z.next_out = (Bytef *)out->data + out->len;
    z.avail_out = (uInt)cap;
    cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    out->len += cap - z.avail_out;
    deflateEnd(&z);
}

/* ---- The shared archives ------------------------------------------------- */

#define SHARED(name, len)                                                                          \
    char *data = read_shared(name, &len);                                                          \
    if (data == NULL)                                                                              \
        cr_skip_test("../shared/warc/%s is missing: not checked", name);

Test(warc_shared, example_warc_gz_has_each_member_offset)
{
    size_t len;
    SHARED("example.warc.gz", len);
    char *got = list_records(data, len, 1 << 20, 0, 0);
    cr_assert_str_eq(got, "0 warcinfo  2017-03-06T04:03:53Z 249\n"
                          "353 warcinfo  2017-03-06T04:03:53Z 470\n"
                          "784 response http://example.com/ 2017-03-06T04:02:06Z 975\n"
                          "2012 request http://example.com/ 2017-03-06T04:02:06Z 493\n"
                          "2621 revisit http://example.com/ 2017-03-06T04:03:48Z 369\n"
                          "3207 request http://example.com/ 2017-03-06T04:03:48Z 493\n");
    free(got);
    /* Read a byte at a time: the same. */
    got = list_records(data, len, 1 << 20, 1, 0);
    cr_assert_str_eq(got, "0 warcinfo  2017-03-06T04:03:53Z 249\n"
                          "353 warcinfo  2017-03-06T04:03:53Z 470\n"
                          "784 response http://example.com/ 2017-03-06T04:02:06Z 975\n"
                          "2012 request http://example.com/ 2017-03-06T04:02:06Z 493\n"
                          "2621 revisit http://example.com/ 2017-03-06T04:03:48Z 369\n"
                          "3207 request http://example.com/ 2017-03-06T04:03:48Z 493\n");
    free(got);
    free(data);
}

Test(warc_shared, arc_gz)
{
    size_t len;
    SHARED("example.arc.gz", len);
    char *got = list_records(data, len, 1 << 20, 0, 0);
    cr_assert_str_eq(got, "0 warcinfo filedesc://live-web-example.arc.gz 2014-02-16T05:02:21Z 75\n"
                          "171 response http://example.com/ 2014-02-16T05:02:21Z 1591\n");
    free(got);
    free(data);
}

Test(warc_shared, plain_chunked_and_digest)
{
    size_t len;
    SHARED("example-iana.org-chunked.warc", len);
    char *got = list_records(data, len, 1 << 20, 0, 0);
    cr_assert_str_eq(got, "0 warcinfo  2017-03-06T16:54:09Z 137\n"
                          "405 response http://www.iana.org/ 2017-03-06T16:54:09Z 7566\n"
                          "8379 request http://www.iana.org/ 2017-03-06T16:54:09Z 76\n");
    free(got);
    free(data);
    data = read_shared("example-digest.warc", &len);
    cr_assert_not_null(data);
    got = list_records(data, len, 1 << 20, 0, 0);
    cr_assert_str_eq(got, "0 request http://example.com/ 2017-03-06T04:02:06Z 493\n"
                          "922 request http://example.com/ 2017-03-06T04:02:06Z 493\n"
                          "1840 request http://example.com/ 2017-03-06T04:02:06Z 493\n"
                          "2758 request http://example.com/ 2017-03-06T04:02:06Z 493\n");
    free(got);
    free(data);
}

Test(warc_shared, resource)
{
    size_t len;
    SHARED("example-resource.warc.gz", len);
    char *got = list_records(data, len, 300, 0, 0);
    cr_assert_str_eq(got,
                     "0 warcinfo  2017-04-29T01:30:41Z 249\n"
                     "361 warcinfo  2017-04-29T01:30:41Z 399 (not kept)\n"
                     "802 resource http://example.com/ 2017-04-29T01:30:30Z 1303 (not kept)\n");
    free(got);
    free(data);
}

/* ---- Archives made here -------------------------------------------------- */

#define D1 "2020-01-01T00:00:00Z"
#define D2 "2021-02-03T04:05:06Z"

Test(warc_made, good_plain_records_in_order)
{
    fh_buf b = FH_BUF_INIT;
    put_record(&b, "warcinfo", "", D1, "software: test", -1);
    put_record(&b, "response", "<http://a.example/x>", D1, "alpha", -1);
    put_record(&b, "Conversion", "http://b.example/", D2, "beta text", -1);
    char *got = list_records(b.data, b.len, 1 << 20, 7, 1);
    cr_assert_str_eq(got, "0 warcinfo  " D1 " 14 [software: test]\n"
                          "149 response http://a.example/x " D1 " 5 [alpha]\n"
                          "308 conversion http://b.example/ " D2 " 9 [beta text]\n");
    free(got);
    fh_buf_free(&b);
}

Test(warc_made, version_0_17_and_1_1)
{
    const char *a =
        "WARC/0.17\r\nWARC-Type: response\r\nWARC-Target-URI: http://old/\r\n"
        "WARC-Date: 2008-04-30T20:48:25Z\r\nContent-Length: 3\r\n\r\nold\r\n\r\n"
        "WARC/1.1\r\nWARC-Type: resource\r\nWARC-Target-URI: http://new/\r\n"
        "WARC-Date: 2020-01-01T00:00:00.123456Z\r\nContent-Length: 3\r\n\r\nnew\r\n\r\n";
    char *got = list_records(a, strlen(a), 100, 0, 1);
    cr_assert_str_eq(got, "0 response http://old/ 2008-04-30T20:48:25Z 3 [old]\n"
                          "123 resource http://new/ 2020-01-01T00:00:00.123456Z 3 [new]\n");
    free(got);
}

Test(warc_made, wrong_content_length_loses_only_that_record)
{
    /* Shorter, longer, and longer than what is left of the file. */
    for (int longer = 0; longer < 3; longer++) {
        fh_buf b = FH_BUF_INIT;
        put_record(&b, "response", "http://a/", D1, "alpha", -1);
        size_t at = b.len;
        put_record(&b, "response", "http://b/", D1, "bravo bravo", (long[]){4, 40, 4000}[longer]);
        size_t c_at = b.len;
        put_record(&b, "response", "http://c/", D1, "charlie", -1);
        size_t d_at = b.len;
        put_record(&b, "response", "http://d/", D1, "delta", -1);
        char *got = list_records(b.data, b.len, 1 << 20, 0, 1);
        char want[512];
        snprintf(want, sizeof want,
                 "0 response http://a/ " D1 " 5 [alpha]\n"
                 "! %zu wrong Content-Length (the record does not end where it says)\n"
                 "%zu response http://c/ " D1 " 7 [charlie]\n"
                 "%zu response http://d/ " D1 " 5 [delta]\n",
                 at, c_at, d_at);
        cr_assert_str_eq(got, want, "longer=%d: %s", longer, got);
        free(got);
        fh_buf_free(&b);
    }
}

Test(warc_made, not_a_warc_then_a_record)
{
    fh_buf b = FH_BUF_INIT;
    fh_buf_puts(&b, "<html>this is not an archive\nWARC/ but not at a line start: xWARC/1.0\n");
    size_t at = b.len;
    put_record(&b, "response", "http://a/", D1, "alpha", -1);
    char *got = list_records(b.data, b.len, 1 << 20, 3, 0);
    char want[256];
    snprintf(want, sizeof want, "! 0 not a WARC or ARC record\n%zu response http://a/ " D1 " 5\n",
             at);
    cr_assert_str_eq(got, want);
    free(got);
    fh_buf_free(&b);
    got = list_records("plain text, no newline", 22, 100, 0, 0);
    cr_assert_str_eq(got, "! 0 not a WARC or ARC record\n");
    free(got);
    got = list_records("", 0, 100, 0, 0);
    cr_assert_str_eq(got, "");
    free(got);
}

Test(warc_made, header_line_over_64_kib)
{
    fh_buf b = FH_BUF_INIT;
    put_record(&b, "response", "http://a/", D1, "alpha", -1);
    size_t at = b.len;
    fh_buf_puts(&b, "WARC/1.0\r\nWARC-Target-URI: http://");
    for (int i = 0; i < 70000; i++)
        fh_buf_putc(&b, 'x');
    fh_buf_puts(&b, "\r\nContent-Length: 2\r\n\r\nxx\r\n\r\n");
    size_t c_at = b.len;
    put_record(&b, "response", "http://c/", D1, "charlie", -1);
    char *got = list_records(b.data, b.len, 1 << 20, 0, 0);
    char want[256];
    snprintf(want, sizeof want,
             "0 response http://a/ " D1 " 5\n! %zu header line over 64 KiB\n"
             "%zu response http://c/ " D1 " 7\n",
             at, c_at);
    cr_assert_str_eq(got, want);
    free(got);
    fh_buf_free(&b);
}

Test(warc_made, truncated_last_record_and_missing_length)
{
    fh_buf b = FH_BUF_INIT;
    put_record(&b, "response", "http://a/", D1, "alpha", -1);
    size_t at = b.len;
    fh_buf_puts(&b, "WARC/1.0\r\nWARC-Type: response\r\n\r\nno length\r\n\r\n");
    size_t c_at = b.len;
    put_record(&b, "response", "http://c/", D1, "charlie", -1);
    b.len -= 6;
    char *got = list_records(b.data, b.len, 1 << 20, 0, 0);
    char want[256];
    snprintf(want, sizeof want,
             "0 response http://a/ " D1 " 5\n! %zu no valid Content-Length\n"
             "! %zu truncated record\n",
             at, c_at);
    cr_assert_str_eq(got, want);
    free(got);
    fh_buf_free(&b);
}

Test(warc_made, block_over_the_limit_is_passed_over)
{
    fh_buf b = FH_BUF_INIT;
    put_record(&b, "response", "http://big/", D1, "0123456789abcdef", -1);
    size_t at = b.len;
    put_record(&b, "response", "http://a/", D1, "alpha", -1);
    char *got = list_records(b.data, b.len, 10, 3, 1);
    char want[256];
    snprintf(want, sizeof want,
             "0 response http://big/ " D1 " 16 (not kept)\n%zu response http://a/ " D1
             " 5 [alpha]\n",
             at);
    cr_assert_str_eq(got, want);
    free(got);
    fh_buf_free(&b);
}

/* Records a, b, c, each its own gzip member; *at[i] where member i starts. */
static void three_members(fh_buf *gz, size_t at[3], const char *middle_block)
{
    const char *names[3] = {"http://a/", "http://b/", "http://c/"};
    const char *blocks[3] = {"alpha", middle_block, "charlie"};
    for (int i = 0; i < 3; i++) {
        fh_buf rec = FH_BUF_INIT;
        put_record(&rec, "response", names[i], D1, blocks[i], -1);
        at[i] = gz->len;
        gzip_member(gz, rec.data, rec.len);
        fh_buf_free(&rec);
    }
}

Test(warc_made, gzip_member_offsets_and_a_truncated_member)
{
    fh_buf gz = FH_BUF_INIT;
    size_t at[3];
    three_members(&gz, at, "bravo");
    char *got = list_records(gz.data, gz.len, 1 << 20, 5, 0);
    char want[512];
    snprintf(want, sizeof want,
             "0 response http://a/ " D1 " 5\n%zu response http://b/ " D1 " 5\n"
             "%zu response http://c/ " D1 " 7\n",
             at[1], at[2]);
    cr_assert_str_eq(got, want);
    free(got);

    /* Cut the middle member short: a and c stay. */
    fh_buf cut = FH_BUF_INIT;
    fh_buf_append(&cut, gz.data, at[1] + (at[2] - at[1]) / 2);
    fh_buf_append(&cut, gz.data + at[2], gz.len - at[2]);
    got = list_records(cut.data, cut.len, 1 << 20, 0, 0);
    snprintf(want, sizeof want,
             "0 response http://a/ " D1 " 5\n! %zu truncated or corrupt gzip member\n"
             "%zu response http://c/ " D1 " 7\n",
             at[1], at[1] + (at[2] - at[1]) / 2);
    cr_assert_str_eq(got, want);
    free(got);

    /* The last member cut short. */
    got = list_records(gz.data, gz.len - 40, 1 << 20, 0, 0);
    snprintf(want, sizeof want,
             "0 response http://a/ " D1 " 5\n%zu response http://b/ " D1 " 5\n"
             "! %zu truncated or corrupt gzip member\n",
             at[1], at[2]);
    cr_assert_str_eq(got, want);
    free(got);

    /* Junk between members. */
    fh_buf junk = FH_BUF_INIT;
    fh_buf_append(&junk, gz.data, at[1]);
    fh_buf_puts(&junk, "JUNK");
    fh_buf_append(&junk, gz.data + at[1], gz.len - at[1]);
    got = list_records(junk.data, junk.len, 1 << 20, 0, 0);
    snprintf(want, sizeof want,
             "! %zu junk between gzip members\n0 response http://a/ " D1 " 5\n"
             "%zu response http://b/ " D1 " 5\n%zu response http://c/ " D1 " 7\n",
             at[1], at[1] + 4, at[2] + 4);
    cr_assert_str_eq(got, want);
    free(got);
    fh_buf_free(&junk);
    fh_buf_free(&cut);
    fh_buf_free(&gz);
}

Test(warc_made, one_gzip_stream)
{
    fh_buf plain = FH_BUF_INIT, gz = FH_BUF_INIT;
    put_record(&plain, "response", "http://a/", D1, "alpha", -1);
    size_t second = plain.len;
    put_record(&plain, "resource", "http://b/", D2, "bravo", -1);
    gzip_member(&gz, plain.data, plain.len);
    char *got = list_records(gz.data, gz.len, 1 << 20, 0, 1);
    /* Both in the one member at 0; the second at its byte of the inflated
     * stream, where zcat | tail -c finds it. */
    char want[256];
    snprintf(want, sizeof want,
             "0 response http://a/ " D1 " 5 [alpha]\n0 resource http://b/ " D2 " 5 @%zu [bravo]\n",
             second);
    cr_assert_str_eq(got, want);
    free(got);
    fh_buf_free(&plain);
    fh_buf_free(&gz);
}

Test(warc_made, arc_without_its_filedesc_record)
{
    const char *a = "http://a/ 1.2.3.4 20080430204826 text/html 5\nalpha\n";
    char *got = list_records(a, strlen(a), 100, 0, 1);
    cr_assert_str_eq(got, "0 response http://a/ 2008-04-30T20:48:26Z 5 [alpha]\n");
    free(got);
}

Test(warc_made, arc_plain_with_a_bad_length)
{
    const char *a = "filedesc://x.arc 0.0.0.0 20080430204825 text/plain 4\nabc\n\n"
                    "http://a/ 1.2.3.4 20080430204826 text/html 5\nalpha\n"
                    "http://b/ 1.2.3.4 20080430204827 text/html 3\nbravo\n"
                    "http://c/ 1.2.3.4 20080430204828 text/html 7\ncharlie\n";
    char *got = list_records(a, strlen(a), 100, 0, 1);
    cr_assert_str_eq(got, "0 warcinfo filedesc://x.arc 2008-04-30T20:48:25Z 4 [abc\n]\n"
                          "58 response http://a/ 2008-04-30T20:48:26Z 5 [alpha]\n"
                          "! 109 wrong Content-Length (the record does not end where it says)\n"
                          "160 response http://c/ 2008-04-30T20:48:28Z 7 [charlie]\n");
    free(got);
}

/* Where a later reading of data (len bytes) would start. */
static uint64_t resume_of(const char *data, size_t len)
{
    listing l = {{data, len, 0, 0}, FH_BUF_INIT};
    fh_warc *r = NULL;
    cr_assert_eq(fh_warc_new(src_read, on_warn, &l, 1 << 20, &r), FH_OK);
    for (;;) {
        fh_warc_record rec;
        int more = 0;
        cr_assert_eq(fh_warc_next(r, &rec, &more), FH_OK);
        if (!more)
            break;
    }
    uint64_t at = fh_warc_resume_offset(r);
    fh_warc_free(r);
    fh_buf_free(&l.out);
    return at;
}

Test(warc_made, a_growing_archive_resumes_at_its_cut_record)
{
    fh_buf b = FH_BUF_INIT;
    put_record(&b, "response", "http://a/", D1, "alpha", -1);
    size_t at = b.len;
    put_record(&b, "response", "http://b/", D1, "bravo", -1);
    cr_assert_eq(resume_of(b.data, b.len), b.len);
    cr_assert_eq(resume_of(b.data, b.len - 9), at);
    cr_assert_eq(resume_of(b.data, at + 3), at);
    /* Garbage at the end is read past: nothing to come back to. */
    fh_buf_puts(&b, "junk\n");
    cr_assert_eq(resume_of(b.data, b.len), b.len);
    fh_buf_free(&b);

    fh_buf gz = FH_BUF_INIT;
    size_t m[3];
    three_members(&gz, m, "bravo");
    cr_assert_eq(resume_of(gz.data, gz.len), gz.len);
    cr_assert_eq(resume_of(gz.data, gz.len - 20), m[2]);
    cr_assert_eq(resume_of(gz.data, m[2] + 1), m[2]);
    /* A cut member in the middle, good ones after: the end. */
    fh_buf cut = FH_BUF_INIT;
    fh_buf_append(&cut, gz.data, m[1] + 10);
    fh_buf_append(&cut, gz.data + m[2], gz.len - m[2]);
    cr_assert_eq(resume_of(cut.data, cut.len), cut.len);
    fh_buf_free(&cut);
    fh_buf_free(&gz);

    /* A record that starts in one member and is cut in the next: read on
     * from its own member. */
    fh_buf two = FH_BUF_INIT, split = FH_BUF_INIT;
    put_record(&two, "response", "http://a/", D1, "alpha", -1);
    size_t b_at = two.len;
    put_record(&two, "response", "http://b/", D1, "bravo bravo bravo bravo", -1);
    gzip_member(&split, two.data, b_at);
    size_t m1 = split.len;
    gzip_member(&split, two.data + b_at, 40);
    size_t m2 = split.len;
    gzip_member(&split, two.data + b_at + 40, two.len - b_at - 40);
    cr_assert_eq(resume_of(split.data, split.len), split.len);
    uint64_t got_at = resume_of(split.data, m2 + (split.len - m2) / 2);
    cr_assert_eq(got_at, m1, "%llu, not %zu (%zu)", (unsigned long long)got_at, m1, m2);
    fh_buf_free(&two);
    fh_buf_free(&split);
}

/* ---- zstd ------------------------------------------------------------------ */

/* A dictionary of raw content (zstd takes any bytes as one). */
static const char ZDICT[] = "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: http://"
                            "WARC-Date: 2020-01-01T00:00:00Z\r\nContent-Length: ";

/* Append data as one zstd frame with its checksum (as the zstd command
 * writes), compressed with dict when it is not NULL. */
static void zstd_frame(fh_buf *out, const char *data, size_t len, const char *dict)
{
    size_t cap = ZSTD_compressBound(len);
    cr_assert_eq(fh_buf_reserve(out, cap), FH_OK);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    cr_assert(!ZSTD_isError(ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1)));
    if (dict)
        cr_assert(!ZSTD_isError(ZSTD_CCtx_loadDictionary(cc, dict, strlen(dict))));
    size_t n = ZSTD_compress2(cc, out->data + out->len, cap, data, len);
    ZSTD_freeCCtx(cc);
    cr_assert(!ZSTD_isError(n));
    out->len += n;
}

/* Append a skippable frame of magic 0x184D2A50 + low holding len bytes. */
static void skippable_frame(fh_buf *out, unsigned low, const char *data, size_t len)
{
    unsigned char head[8] = {(unsigned char)(0x50 + low),
                             0x2A,
                             0x4D,
                             0x18,
                             (unsigned char)len,
                             (unsigned char)(len >> 8),
                             (unsigned char)(len >> 16),
                             (unsigned char)(len >> 24)};
    fh_buf_append(out, head, 8);
    fh_buf_append(out, data, len);
}

/* Records a, b, c as frames with ZDICT, after its dictionary frame
 * (compressed when packed); at[i] where frame i starts. */
static void zstd_archive(fh_buf *z, size_t at[3], int packed)
{
    if (packed) {
        fh_buf d = FH_BUF_INIT;
        zstd_frame(&d, ZDICT, strlen(ZDICT), NULL);
        skippable_frame(z, 0xD, d.data, d.len);
        fh_buf_free(&d);
    } else {
        skippable_frame(z, 0xD, ZDICT, strlen(ZDICT));
    }
    const char *names[3] = {"http://a/", "http://b/", "http://c/"};
    const char *blocks[3] = {"alpha", "bravo", "charlie"};
    for (int i = 0; i < 3; i++) {
        fh_buf rec = FH_BUF_INIT;
        put_record(&rec, "response", names[i], D1, blocks[i], -1);
        at[i] = z->len;
        zstd_frame(z, rec.data, rec.len, ZDICT);
        fh_buf_free(&rec);
    }
}

Test(warc_made, zstd_frames_with_a_dictionary)
{
    for (int packed = 0; packed < 2; packed++) {
        fh_buf z = FH_BUF_INIT;
        size_t at[3];
        zstd_archive(&z, at, packed);
        char *got = list_records(z.data, z.len, 1 << 20, 3, 1);
        char want[512];
        snprintf(want, sizeof want,
                 "%zu response http://a/ " D1 " 5 [alpha]\n%zu response http://b/ " D1
                 " 5 [bravo]\n%zu response http://c/ " D1 " 7 [charlie]\n",
                 at[0], at[1], at[2]);
        cr_assert_str_eq(got, want, "packed %d", packed);
        free(got);

        /* Junk after the first frame, the middle frame corrupt (its
         * checksum does not match), the last cut short. */
        fh_buf bad = FH_BUF_INIT;
        fh_buf_append(&bad, z.data, at[1]);
        fh_buf_puts(&bad, "JUNK");
        fh_buf_append(&bad, z.data + at[1], 12);
        fh_buf_puts(&bad, "\xff\xff\xff\xff\xff\xff\xff\xff");
        fh_buf_append(&bad, z.data + at[1] + 20, z.len - at[1] - 20 - 5);
        got = list_records(bad.data, bad.len, 1 << 20, 0, 0);
        snprintf(want, sizeof want,
                 "! %zu junk between zstd frames\n%zu response http://a/ " D1 " 5\n"
                 "! %zu truncated or corrupt zstd frame\n! %zu truncated or corrupt zstd frame\n",
                 at[1], at[0], at[1] + 4, at[2] + 4);
        cr_assert_str_eq(got, want, "packed %d", packed);
        free(got);
        fh_buf_free(&bad);
        fh_buf_free(&z);
    }
}

Test(warc_made, zstd_without_a_dictionary)
{
    fh_buf plain = FH_BUF_INIT, z = FH_BUF_INIT, one = FH_BUF_INIT;
    put_record(&plain, "response", "http://a/", D1, "alpha", -1);
    size_t second = plain.len;
    put_record(&plain, "resource", "http://b/", D2, "bravo", -1);
    /* A frame a record, a skippable frame (not a dictionary) between. */
    zstd_frame(&z, plain.data, second, NULL);
    skippable_frame(&z, 0x0, "index data", 10);
    size_t at = z.len;
    zstd_frame(&z, plain.data + second, plain.len - second, NULL);
    char *got = list_records(z.data, z.len, 1 << 20, 0, 0);
    char want[256];
    snprintf(want, sizeof want, "0 response http://a/ " D1 " 5\n%zu resource http://b/ " D2 " 5\n",
             at);
    cr_assert_str_eq(got, want);
    free(got);
    /* One stream: the second at its byte of the stream. */
    zstd_frame(&one, plain.data, plain.len, NULL);
    got = list_records(one.data, one.len, 1 << 20, 0, 0);
    snprintf(want, sizeof want,
             "0 response http://a/ " D1 " 5\n0 resource http://b/ " D2 " 5 @%zu\n", second);
    cr_assert_str_eq(got, want);
    free(got);
    fh_buf_free(&plain);
    fh_buf_free(&z);
    fh_buf_free(&one);
}

/* A skippable frame that runs past the end of the file is a frame cut
 * short: said, and read on from its start. A dictionary frame that is not
 * the file's first is passed over as any skippable frame. */
Test(warc_made, zstd_skippable_frames_cut_or_late)
{
    fh_buf z = FH_BUF_INIT;
    size_t at[3];
    zstd_archive(&z, at, 0);
    fh_buf bad = FH_BUF_INIT;
    fh_buf_append(&bad, z.data, at[1]);
    fh_buf_append(&bad, "\x50\x2a\x4d\x18\xf0\xff\xff\xff", 8);
    fh_buf_append(&bad, z.data + at[1], z.len - at[1]);
    char *got = list_records(bad.data, bad.len, 1 << 20, 0, 0);
    char want[256];
    snprintf(want, sizeof want,
             "%zu response http://a/ " D1 " 5\n! %zu truncated or corrupt zstd frame\n", at[0],
             at[1]);
    cr_assert_str_eq(got, want);
    free(got);
    cr_assert_eq(resume_of(bad.data, bad.len), at[1]);

    /* The dictionary frame after a skippable frame: not loaded. */
    fh_buf late = FH_BUF_INIT;
    skippable_frame(&late, 0x0, "x", 1);
    fh_buf_append(&late, z.data, z.len);
    got = list_records(late.data, late.len, 1 << 20, 0, 0);
    snprintf(want, sizeof want,
             "! %zu truncated or corrupt zstd frame\n! %zu truncated or corrupt zstd frame\n"
             "! %zu truncated or corrupt zstd frame\n",
             at[0] + 9, at[1] + 9, at[2] + 9);
    cr_assert_str_eq(got, want);
    free(got);
    fh_buf_free(&late);
    fh_buf_free(&bad);
    fh_buf_free(&z);
}

Test(warc_made, zstd_dictionary_that_does_not_load)
{
    fh_buf z = FH_BUF_INIT;
    size_t at[3];
    zstd_archive(&z, at, 1);
    /* Cut inside the dictionary frame. */
    char *got = list_records(z.data, 20, 1 << 20, 0, 0);
    cr_assert_str_eq(got, "! 0 truncated zstd dictionary: the archive is not read\n");
    free(got);
    /* Its compressed content broken. */
    fh_buf bad = FH_BUF_INIT;
    fh_buf_append(&bad, z.data, z.len);
    memset(bad.data + 12, 0xff, 6);
    got = list_records(bad.data, bad.len, 1 << 20, 0, 0);
    cr_assert_str_eq(got, "! 0 not a zstd dictionary: the archive is not read\n");
    free(got);
    /* Said to be over 16 MiB. */
    fh_buf_reset(&bad);
    fh_buf_append(&bad, "\x5d\x2a\x4d\x18\x01\x00\x00\x02", 8);
    fh_buf_append(&bad, z.data + at[0], z.len - at[0]);
    got = list_records(bad.data, bad.len, 1 << 20, 0, 0);
    cr_assert_str_eq(got, "! 0 zstd dictionary over 16 MiB: the archive is not read\n");
    free(got);
    fh_buf_free(&bad);
    fh_buf_free(&z);
}

/* A reader from the middle of a .warc.zst, given the dictionary frame. */
Test(warc_made, zstd_read_on_from_the_middle)
{
    fh_buf z = FH_BUF_INIT;
    size_t at[3];
    zstd_archive(&z, at, 1);
    uint64_t dict_len = fh_warc_dict_frame_len((const unsigned char *)z.data);
    cr_assert_eq(dict_len, at[0]);
    cr_assert_eq(fh_warc_dict_frame_len((const unsigned char *)z.data + at[0]), 0);
    listing l = {{z.data + at[1], z.len - at[1], 0, 0}, FH_BUF_INIT};
    fh_warc *r = NULL;
    cr_assert_eq(fh_warc_new(src_read, on_warn, &l, 1 << 20, &r), FH_OK);
    fh_warc_set_format(r, FH_WARC_WARC);
    cr_assert_eq(fh_warc_set_dictionary(r, z.data, (size_t)dict_len), FH_OK);
    fh_warc_record rec;
    int more = 0;
    cr_assert_eq(fh_warc_next(r, &rec, &more), FH_OK);
    cr_assert_eq(more, 1);
    cr_assert_str_eq(rec.url, "http://b/");
    cr_assert_eq(rec.offset, 0);
    cr_assert_eq(fh_warc_next(r, &rec, &more), FH_OK);
    cr_assert_str_eq(rec.url, "http://c/");
    cr_assert_eq(rec.offset, at[2] - at[1]);
    cr_assert_eq(fh_warc_next(r, &rec, &more), FH_OK);
    cr_assert_eq(more, 0);
    fh_warc_free(r);
    /* A dictionary frame that is not one: nothing is read, said once. */
    l = (listing){{z.data + at[1], z.len - at[1], 0, 0}, FH_BUF_INIT};
    cr_assert_eq(fh_warc_new(src_read, on_warn, &l, 1 << 20, &r), FH_OK);
    cr_assert_eq(fh_warc_set_dictionary(r, z.data, 8), FH_ERR_INVALID);
    cr_assert_eq(fh_warc_next(r, &rec, &more), FH_OK);
    cr_assert_eq(more, 0);
    fh_buf_append(&l.out, "", 1);
    cr_assert_str_eq(l.out.data, "! 0 truncated zstd dictionary: the archive is not read\n");
    fh_warc_free(r);
    fh_buf_free(&l.out);
    fh_buf_free(&z);
}
