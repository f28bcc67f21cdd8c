/* test_http.c - the HTTP layer of archived responses (common/http.h) and
 * the pages of archive records (common/archive.h). */
#include <criterion/criterion.h>

#include <brotli/encode.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "archive.h"
#include "buf.h"
#include "http.h"

#define HTML "<html><head><title>T</title></head><body><p>caf\xc3\xa9 au lait</p></body></html>"

/* A response with these extra header lines and body (len bytes). */
static void response(fh_buf *b, const char *status, const char *headers, const char *body,
                     size_t len)
{
    fh_buf_reset(b);
    fh_buf_printf(b, "HTTP/1.1 %s\r\n%s\r\n", status, headers);
    fh_buf_append(b, body, len);
}

/* The body decoded, or "PROBLEM: ..." */
static char *body_of(const fh_buf *b)
{
    fh_http_response r;
    const char *problem = NULL;
    cr_assert_eq(fh_http_read(b->data, b->len, NULL, 1 << 20, &r, &problem), FH_OK);
    fh_buf out = FH_BUF_INIT;
    if (problem)
        fh_buf_printf(&out, "PROBLEM: %s", problem);
    else
        fh_buf_printf(&out, "%d %d %s [%.*s]", r.status, (int)r.kind, r.charset, (int)r.body_len,
                      r.body);
    fh_http_response_clear(&r);
    return out.data;
}

static void gzip_into(fh_buf *out, const char *s, size_t n, int wbits)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    cr_assert_eq(deflateInit2(&z, 6, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY), Z_OK);
    size_t cap = deflateBound(&z, n) + 32;
    fh_buf_reset(out);
    fh_buf_reserve(out, cap);
    z.next_in = (Bytef *)s;
    z.avail_in = (uInt)n;
    z.next_out = (Bytef *)out->data;
    z.avail_out = (uInt)cap;
    cr_assert_eq(deflate(&z, Z_FINISH), Z_STREAM_END);
    out->len = cap - z.avail_out;
    deflateEnd(&z);
}

Test(http, media_types_and_charsets)
{
    char cs[64];
    cr_assert_eq(fh_http_media("text/html; charset=\"windows-1256\"", 33, cs, sizeof cs),
                 FH_HTTP_HTML);
    cr_assert_str_eq(cs, "windows-1256");
    cr_assert_eq(fh_http_media("Application/XHTML+XML", 21, cs, sizeof cs), FH_HTTP_HTML);
    cr_assert_str_eq(cs, "");
    cr_assert_eq(fh_http_media("text/plain;charset=utf-8", 24, cs, sizeof cs), FH_HTTP_TEXT);
    cr_assert_str_eq(cs, "utf-8");
    cr_assert_eq(fh_http_media("image/png", 9, cs, sizeof cs), FH_HTTP_OTHER);
    cr_assert_eq(fh_http_media("", 0, cs, sizeof cs), FH_HTTP_OTHER);
}

/* The charset parameter as servers write it: spaces around "=", quotes
 * (single, double, or one of a pair lost), any case, other parameters. */
Test(http, charset_parameter_spelt_oddly)
{
    static const struct {
        const char *ctype, *charset;
        fh_http_kind kind;
    } cases[] = {
        {"text/html ; charset = \"ISO-8859-1\"", "ISO-8859-1", FH_HTTP_HTML},
        {"text/html;charset='windows-1256'", "windows-1256", FH_HTTP_HTML},
        {"TEXT/HTML; Charset=UTF-8", "UTF-8", FH_HTTP_HTML},
        {"text/html;\tCHARSET=\tutf-8 ", "utf-8", FH_HTTP_HTML},
        {"text/html; charset=\"utf-8", "utf-8", FH_HTTP_HTML},
        {"text/html; boundary=x; charset=koi8-r; q=1", "koi8-r", FH_HTTP_HTML},
        {"text/plain; charsetx=latin1", "", FH_HTTP_TEXT},
        {"text/html; charset=", "", FH_HTTP_HTML},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char cs[64];
        fh_http_kind kind = fh_http_media(cases[i].ctype, strlen(cases[i].ctype), cs, sizeof cs);
        cr_assert_eq(kind, cases[i].kind, "%s", cases[i].ctype);
        cr_assert_str_eq(cs, cases[i].charset, "%s", cases[i].ctype);
    }
}

/* Interim responses (100 Continue, 103 Early Hints) come before the real
 * one in some archives; one alone is no page. */
Test(http, interim_responses_passed_over)
{
    fh_buf b = FH_BUF_INIT;
    fh_buf_puts(&b,
                "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </s.css>\r\n\r\n"
                "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n<p>x</p>");
    char *got = body_of(&b);
    cr_assert_str_eq(got, "200 1 utf-8 [<p>x</p>]");
    free(got);
    fh_buf_reset(&b);
    fh_buf_puts(&b, "HTTP/1.1 100 Continue\r\n\r\n");
    got = body_of(&b);
    cr_assert_str_eq(got, "100 0  []");
    free(got);
    fh_buf_free(&b);
}

/* A response without a Content-Type takes the type said elsewhere (Common
 * Crawl's WARC-Identified-Payload-Type); one with its own keeps it. */
Test(http, untyped_response_takes_the_type_given)
{
    const char *untyped = "HTTP/1.1 200 OK\r\nServer: x\r\n\r\n<p>y</p>";
    const char *typed = "HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n<p>y</p>";
    fh_http_response r;
    const char *problem = NULL;
    cr_assert_eq(fh_http_read(untyped, strlen(untyped), NULL, 1 << 20, &r, &problem), FH_OK);
    cr_assert_eq(r.kind, FH_HTTP_OTHER);
    fh_http_response_clear(&r);
    cr_assert_eq(fh_http_read(untyped, strlen(untyped), "text/html", 1 << 20, &r, &problem), FH_OK);
    cr_assert_eq(r.kind, FH_HTTP_HTML);
    cr_assert_eq(r.body_len, 8);
    fh_http_response_clear(&r);
    cr_assert_eq(fh_http_read(typed, strlen(typed), "text/html", 1 << 20, &r, &problem), FH_OK);
    cr_assert_eq(r.kind, FH_HTTP_OTHER);
    cr_assert_null(problem);
    fh_http_response_clear(&r);
}

Test(http, plain_chunked_and_lying_chunked)
{
    fh_buf b = FH_BUF_INIT;
    response(&b, "200 OK", "Content-Type: text/html\r\n", "<p>x</p>", 8);
    char *got = body_of(&b);
    cr_assert_str_eq(got, "200 1  [<p>x</p>]");
    free(got);
    const char *chunked = "4;ext=1\r\n<p>x\r\n4\r\n</p>\r\n0\r\n\r\n";
    response(&b, "200 OK", "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n", chunked,
             strlen(chunked));
    got = body_of(&b);
    cr_assert_str_eq(got, "200 1  [<p>x</p>]");
    free(got);
    /* Said chunked, stored plain: read as it is. */
    response(&b, "200 OK", "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n", "<p>x</p>",
             8);
    got = body_of(&b);
    cr_assert_str_eq(got, "200 1  [<p>x</p>]");
    free(got);
    /* Chunks that break off. */
    const char *bad = "4\r\n<p>x\r\nzz\r\n</p>\r\n0\r\n\r\n";
    response(&b, "200 OK", "Content-Type: text/html\r\nTransfer-Encoding: chunked\r\n", bad,
             strlen(bad));
    got = body_of(&b);
    cr_assert_str_eq(got, "PROBLEM: invalid chunking");
    free(got);
    fh_buf_free(&b);
}

Test(http, gzip_deflate_brotli_and_lies)
{
    fh_buf b = FH_BUF_INIT, z = FH_BUF_INIT;
    const int wbits[3] = {16 + MAX_WBITS, MAX_WBITS, -MAX_WBITS};
    const char *names[3] = {"gzip", "deflate", "deflate"};
    for (int i = 0; i < 3; i++) {
        gzip_into(&z, HTML, strlen(HTML), wbits[i]);
        char h[128];
        snprintf(h, sizeof h, "Content-Type: text/html; charset=utf-8\r\nContent-Encoding: %s\r\n",
                 names[i]);
        response(&b, "200 OK", h, z.data, z.len);
        char *got = body_of(&b);
        cr_assert_str_eq(got, "200 1 utf-8 [" HTML "]", "%s %d", names[i], i);
        free(got);
    }
    /* Said gzip (and br), stored plain. */
    response(&b, "200 OK", "Content-Type: text/html\r\nContent-Encoding: gzip\r\n", HTML,
             strlen(HTML));
    char *got = body_of(&b);
    cr_assert_str_eq(got, "200 1  [" HTML "]");
    free(got);
    response(&b, "200 OK", "Content-Type: text/html\r\nContent-Encoding: br\r\n", HTML,
             strlen(HTML));
    got = body_of(&b);
    cr_assert_str_eq(got, "200 1  [" HTML "]");
    free(got);
    /* Brotli. */
    uint8_t enc[1024];
    size_t enc_len = sizeof enc;
    cr_assert(BrotliEncoderCompress(5, 22, BROTLI_MODE_TEXT, strlen(HTML), (const uint8_t *)HTML,
                                    &enc_len, enc));
    response(&b, "200 OK", "Content-Type: text/html\r\nContent-Encoding: br\r\n", (char *)enc,
             enc_len);
    got = body_of(&b);
    cr_assert_str_eq(got, "200 1  [" HTML "]");
    free(got);
    /* gzip that breaks after its header. */
    gzip_into(&z, HTML, strlen(HTML), 16 + MAX_WBITS);
    memset(z.data + 10, 0xff, 8);
    response(&b, "200 OK", "Content-Type: text/html\r\nContent-Encoding: gzip\r\n", z.data, z.len);
    got = body_of(&b);
    cr_assert_str_eq(got, "PROBLEM: body fails to decompress");
    free(got);
    fh_buf_free(&b);
    fh_buf_free(&z);
}

Test(http, zstd_and_lies)
{
    fh_buf b = FH_BUF_INIT;
    char z[1024];
    size_t n = ZSTD_compress(z, sizeof z, HTML, strlen(HTML), 3);
    cr_assert(!ZSTD_isError(n));
    const char *h = "Content-Type: text/html\r\nContent-Encoding: zstd\r\n";
    response(&b, "200 OK", h, z, n);
    char *got = body_of(&b);
    cr_assert_str_eq(got, "200 1  [" HTML "]");
    free(got);
    /* Said zstd, stored plain. */
    response(&b, "200 OK", h, HTML, strlen(HTML));
    got = body_of(&b);
    cr_assert_str_eq(got, "200 1  [" HTML "]");
    free(got);
    /* Cut short inside its one block: nothing comes. */
    response(&b, "200 OK", h, z, n - 3);
    got = body_of(&b);
    cr_assert_str_eq(got, "PROBLEM: body fails to decompress");
    free(got);
    /* Broken after its magic. */
    memset(z + 4, 0xff, n - 4);
    response(&b, "200 OK", h, z, n);
    got = body_of(&b);
    cr_assert_str_eq(got, "PROBLEM: body fails to decompress");
    free(got);
    fh_buf_free(&b);
}

Test(http, not_http_and_not_200)
{
    fh_buf b = FH_BUF_INIT;
    fh_buf_puts(&b, "<html>no headers</html>");
    char *got = body_of(&b);
    cr_assert_str_eq(got, "PROBLEM: not an HTTP response");
    free(got);
    response(&b, "404 Not Found", "Content-Type: text/html\r\n", "gone", 4);
    got = body_of(&b);
    cr_assert_str_eq(got, "404 1  [gone]");
    free(got);
    fh_buf_free(&b);
}

/* ---- Pages of records ---------------------------------------------------- */

static fh_warc_record record(const char *type, const char *ctype, const char *block)
{
    fh_warc_record r;
    memset(&r, 0, sizeof r);
    r.format = FH_WARC_WARC;
    r.type = type;
    r.url = "http://example.org/a";
    r.date = "2020-05-06T07:08:09Z";
    r.content_type = ctype;
    r.offset = 1234;
    r.block = block;
    r.block_len = strlen(block);
    r.length = r.block_len;
    return r;
}

Test(archive, a_response_page_in_its_http_charset)
{
    /* "مرحبا" in windows-1256; the page's <meta> says otherwise: HTTP wins. */
    const char *block = "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=windows-1256\r\n\r\n"
                        "<html><head><meta charset=\"iso-8859-1\"><title>\xe3\xd1\xcd\xc8\xc7"
                        "</title></head><body>x</body></html>";
    fh_warc_record r = record("response", "application/http; msgtype=response", block);
    fh_page page;
    fh_archive_verdict v;
    const char *why;
    cr_assert_eq(fh_archive_page(&r, 1 << 20, &page, &v, &why), FH_OK);
    cr_assert_eq(v, FH_ARCHIVE_PAGE);
    cr_assert_str_eq(page.title, "مرحبا");
    cr_assert_str_eq(page.url, "http://example.org/a");
    cr_assert_str_eq(page.date, "2020-05-06T07:08:09Z");
    cr_assert_eq(page.archive_offset, 1234);
    cr_assert_eq(page.in_archive, 1);
    fh_page_clear(&page);
}

Test(archive, the_page_date_comes_first)
{
    const char *block =
        "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\n\r\n<html><head>"
        "<meta name=\"date\" content=\"2001-01-01\">"
        "<meta property=\"article:published_time\" content=\"2015-03-02T10:00:00+03:00\">"
        "</head><body><time datetime=\"1999-09-09\">then</time></body></html>";
    fh_warc_record r = record("response", "application/http;msgtype=response", block);
    fh_page page;
    fh_archive_verdict v;
    const char *why;
    cr_assert_eq(fh_archive_page(&r, 1 << 20, &page, &v, &why), FH_OK);
    cr_assert_eq(v, FH_ARCHIVE_PAGE);
    cr_assert_str_eq(page.date, "2015-03-02T10:00:00+03:00");
    fh_page_clear(&page);
}

Test(archive, resources_conversions_and_what_is_passed_over)
{
    fh_warc_record r = record("resource", "text/plain; charset=utf-8", "first line\r\nsecond");
    fh_page page;
    fh_archive_verdict v;
    const char *why;
    cr_assert_eq(fh_archive_page(&r, 1 << 20, &page, &v, &why), FH_OK);
    cr_assert_eq(v, FH_ARCHIVE_PAGE);
    cr_assert_str_eq(page.title, "");
    cr_assert_str_eq(page.text, "first line\nsecond");
    fh_page_clear(&page);
    r = record("conversion", "text/plain", "WET title\nWET text");
    cr_assert_eq(fh_archive_page(&r, 1 << 20, &page, &v, &why), FH_OK);
    cr_assert_eq(v, FH_ARCHIVE_PAGE);
    cr_assert_str_eq(page.title, "WET title");
    cr_assert_str_eq(page.text, "WET text");
    cr_assert_str_eq(page.date, "2020-05-06T07:08:09Z");
    fh_page_clear(&page);
    const char *others[][3] = {
        {"request", "application/http; msgtype=request", "GET / HTTP/1.1\r\n\r\n"},
        {"revisit", "application/http; msgtype=response", "HTTP/1.1 200 OK\r\n\r\n"},
        {"warcinfo", "application/warc-fields", "software: x\r\n"},
        {"metadata", "application/warc-fields", "via: x\r\n"},
        {"resource", "image/png", "\x89PNG"},
        {"resource", "text/plain", "wget log"},
        {"response", "text/dns", "example.org. 300 IN A 1.2.3.4"},
        {"response", "application/http", "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\n\r\nGIF"},
        {"response", "application/http", "HTTP/1.1 302 Found\r\nContent-Type: text/html\r\n\r\n"},
    };
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        r = record(others[i][0], others[i][1], others[i][2]);
        if (strcmp(others[i][2], "wget log") == 0)
            r.url = "metadata://gnu.org/software/wget/warc/wget.log";
        cr_assert_eq(fh_archive_page(&r, 1 << 20, &page, &v, &why), FH_OK);
        cr_assert_eq(v, FH_ARCHIVE_OTHER, "%zu", i);
    }
    r = record("response", "application/http",
               "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n");
    r.block = NULL;
    cr_assert_eq(fh_archive_page(&r, 10, &page, &v, &why), FH_OK);
    cr_assert_eq(v, FH_ARCHIVE_BAD);
    cr_assert_str_eq(why, "record over --max-file-size");
}
