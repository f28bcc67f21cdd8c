/* fuzz_page.c - libFuzzer target: the page readers and fh_decode_text.
 *
 * Input: one byte that picks the reader ('t' .txt, 'h' .html, 'j' .jsonl,
 * any other byte its value mod 3), then optionally a charset name ended by a
 * newline within the next 33 bytes ("windows-1256\n", "bogus\n"; an empty
 * line means none), then the file's bytes. Seeds look like
 * "hISO-8859-6\n<html>...".
 *
 * Checked: every string of every page is valid UTF-8 (fh_utf8_valid) without
 * NUL bytes, its length is its strlen, .txt and .html titles are at most
 * 1,000 bytes; JSONL lines come in order with a reason for each bad one;
 * fh_decode_text, with no charset and with the name, gives valid UTF-8
 * without NUL, and fails only on binary data (a NUL byte without a UTF-16
 * byte order mark); valid UTF-8 without a BOM or NUL, with no declared
 * charset, comes back unchanged. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "decode.h"
#include "fuzz.h"
#include "page.h"

#define MAX_NAME  32
#define MAX_TITLE 1000

static void check_string(const char *s, size_t len)
{
    FUZZ_CHECK(s != NULL);
    FUZZ_CHECK(strlen(s) == len);
    FUZZ_CHECK(fh_utf8_valid(s, len));
}

static void check_opt_string(const char *s)
{
    if (s)
        check_string(s, strlen(s));
}

static void check_page(const fh_page *p, int is_jsonl)
{
    check_string(p->title, p->title_len);
    check_string(p->text, p->text_len);
    check_opt_string(p->url);
    check_opt_string(p->date);
    FUZZ_CHECK(p->charset != NULL);
    FUZZ_CHECK(p->lossy == 0 || p->lossy == 1);
    if (is_jsonl) {
        FUZZ_CHECK(p->id != NULL);
        check_string(p->id, strlen(p->id));
    } else {
        FUZZ_CHECK(p->id == NULL && p->url == NULL && p->date == NULL);
        FUZZ_CHECK(p->title_len <= MAX_TITLE);
    }
}

/* Whether a reader or the decoder may call these bytes binary. */
static int may_be_binary(const uint8_t *d, size_t n)
{
    int utf16_bom = n >= 2 && ((d[0] == 0xFF && d[1] == 0xFE) || (d[0] == 0xFE && d[1] == 0xFF));
    return !utf16_bom && memchr(d, 0, n) != NULL;
}

typedef struct jsonl_state {
    size_t last_line;
    size_t pages, errors;
} jsonl_state;

static int on_page(void *ctx, const fh_page *page, size_t line_no)
{
    jsonl_state *st = ctx;
    FUZZ_CHECK(line_no > st->last_line);
    st->last_line = line_no;
    st->pages++;
    check_page(page, 1);
    return 0;
}

static int on_error(void *ctx, size_t line_no, const char *reason)
{
    jsonl_state *st = ctx;
    FUZZ_CHECK(line_no > st->last_line);
    st->last_line = line_no;
    st->errors++;
    FUZZ_CHECK(reason != NULL && reason[0] != '\0');
    check_string(reason, strlen(reason));
    return 0;
}

static void decode(const uint8_t *d, size_t n, const char *declared)
{
    fh_buf out = FH_BUF_INIT;
    fh_decoded info;
    int rc = fh_decode_text((const char *)d, n, declared, &out, &info);
    FUZZ_CHECK(info.charset != NULL);
    if (rc == FH_OK) {
        FUZZ_CHECK(info.lossy == 0 || info.lossy == 1);
        const char *s = out.data ? out.data : "";
        FUZZ_CHECK(memchr(s, 0, out.len) == NULL);
        FUZZ_CHECK(fh_utf8_valid(s, out.len));
        int bom = n >= 3 && d[0] == 0xEF && d[1] == 0xBB && d[2] == 0xBF;
        if (declared == NULL && !bom && memchr(d, 0, n) == NULL &&
            fh_utf8_valid((const char *)d, n))
            FUZZ_CHECK(out.len == n && memcmp(s, d, n) == 0 && !info.lossy);
    } else {
        FUZZ_CHECK(rc == FH_ERR_ENCODING);
        FUZZ_CHECK(may_be_binary(d, n));
    }
    fh_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    fh_page_format format;
    switch (data[0]) {
    case 't':
        format = FH_FORMAT_TXT;
        break;
    case 'h':
        format = FH_FORMAT_HTML;
        break;
    case 'j':
        format = FH_FORMAT_JSONL;
        break;
    default:
        format = (fh_page_format)(FH_FORMAT_TXT + data[0] % 3);
        break;
    }
    data++;
    size--;

    char name[MAX_NAME + 1] = "";
    const uint8_t *nl = memchr(data, '\n', size < MAX_NAME + 1 ? size : MAX_NAME + 1);
    if (nl) {
        size_t k = (size_t)(nl - data);
        memcpy(name, data, k);
        name[k] = '\0'; /* a NUL inside ends the name early */
        data += k + 1;
        size -= k + 1;
    }
    /* The name as a file name, too: the format from the extension. */
    fh_page_format of = fh_page_format_of(name);
    FUZZ_CHECK(of >= FH_FORMAT_UNKNOWN && of <= FH_FORMAT_JSONL_COMPRESSED);

    /* libFuzzer's buffer is exactly size bytes: ASan sees any read past it. */
    const char *d = (const char *)data;
    if (format == FH_FORMAT_JSONL) {
        jsonl_state st = {0, 0, 0};
        int rc = fh_page_read_jsonl(d, size, on_page, on_error, &st);
        FUZZ_CHECK(rc == FH_OK || rc == FH_ERR_ENCODING);
        if (rc == FH_ERR_ENCODING) {
            FUZZ_CHECK(st.pages == 0 && st.errors == 0);
            FUZZ_CHECK(may_be_binary(data, size));
        }
    } else {
        fh_page page;
        int rc = format == FH_FORMAT_TXT ? fh_page_read_txt(d, size, &page)
                                         : fh_page_read_html(d, size, &page);
        if (rc == FH_OK) {
            check_page(&page, 0);
            fh_page_clear(&page);
        } else {
            FUZZ_CHECK(rc == FH_ERR_ENCODING);
            FUZZ_CHECK(may_be_binary(data, size));
            FUZZ_CHECK(page.title == NULL && page.text == NULL);
        }
    }

    decode(data, size, NULL);
    if (name[0])
        decode(data, size, name);
    return 0;
}
