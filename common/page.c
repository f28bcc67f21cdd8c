/* page.c - file formats, pages, the .txt reader and the helpers the readers
 * share (see page.h and page_internal.h). */
#include "page.h"

#include <stdlib.h>
#include <string.h>

#include "decode.h"
#include "page_internal.h"
#include "status.h"

static int ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static int ext_is(const char *ext, const char *want)
{
    for (; *ext && *want; ext++, want++)
        if (ascii_lower((unsigned char)*ext) != *want)
            return 0;
    return *ext == '\0' && *want == '\0';
}

/* The format an extension (ext_len bytes at ext, without the dot) names. */
static fh_page_format format_of_ext(const char *ext, size_t ext_len)
{
    char e[8];
    if (ext_len >= sizeof e)
        return FH_FORMAT_UNKNOWN;
    memcpy(e, ext, ext_len);
    e[ext_len] = '\0';
    if (ext_is(e, "txt"))
        return FH_FORMAT_TXT;
    if (ext_is(e, "html") || ext_is(e, "htm"))
        return FH_FORMAT_HTML;
    if (ext_is(e, "jsonl"))
        return FH_FORMAT_JSONL;
    if (ext_is(e, "warc") || ext_is(e, "arc") || ext_is(e, "wet") || ext_is(e, "wat"))
        return FH_FORMAT_WARC;
    return FH_FORMAT_UNKNOWN;
}

fh_page_format fh_page_format_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    const char *dot = strrchr(name, '.');
    if (dot == NULL)
        return FH_FORMAT_UNKNOWN;
    if (!ext_is(dot + 1, "gz") && !ext_is(dot + 1, "zst"))
        return format_of_ext(dot + 1, strlen(dot + 1));
    const char *prev = dot;
    while (prev > name && prev[-1] != '.')
        prev--;
    if (prev == name)
        return FH_FORMAT_UNKNOWN;
    switch (format_of_ext(prev, (size_t)(dot - prev))) {
    case FH_FORMAT_TXT:
        return FH_FORMAT_TXT_COMPRESSED;
    case FH_FORMAT_HTML:
        return FH_FORMAT_HTML_COMPRESSED;
    case FH_FORMAT_JSONL:
        return FH_FORMAT_JSONL_COMPRESSED;
    case FH_FORMAT_WARC:
        return FH_FORMAT_WARC;
    default:
        return FH_FORMAT_UNKNOWN;
    }
}

fh_page_format fh_page_format_inner(fh_page_format format)
{
    switch (format) {
    case FH_FORMAT_TXT_COMPRESSED:
        return FH_FORMAT_TXT;
    case FH_FORMAT_HTML_COMPRESSED:
        return FH_FORMAT_HTML;
    case FH_FORMAT_JSONL_COMPRESSED:
        return FH_FORMAT_JSONL;
    default:
        return format;
    }
}

int fh_page_format_many(fh_page_format format)
{
    return format == FH_FORMAT_JSONL || format == FH_FORMAT_JSONL_COMPRESSED ||
           format == FH_FORMAT_WARC;
}

void fh_page_clear(fh_page *page)
{
    free(page->id);
    free(page->title);
    free(page->text);
    free(page->url);
    free(page->date);
    free(page->captured);
    free(page->lang);
    memset(page, 0, sizeof *page);
}

const char *fh_page_warning(const fh_page *page)
{
    if (page->lossy)
        return "invalid text encoding: bad bytes replaced by U+FFFD";
    if (page->guessed && page->charset && strcmp(page->charset, "windows-1256") == 0)
        return "not UTF-8 and no charset named: read as windows-1256 (its letters are Arabic)";
    if (page->guessed && page->charset && strcmp(page->charset, "ISO-8859-6") == 0)
        return "not UTF-8 and no charset named: read as ISO-8859-6 (its letters are Arabic)";
    if (page->guessed)
        return "not UTF-8 and no charset named: read as windows-1252 (its letters are not "
               "Arabic)";
    return NULL;
}

fh_status fh_page__decode(const char *data, size_t len, const char *declared, fh_buf *out,
                          fh_page *page)
{
    fh_decoded info;
    int status = fh_decode_text(data, len, declared, out, &info);
    if (status == FH_OK) {
        page->charset = info.charset;
        page->lossy = info.lossy;
        page->guessed = info.guessed;
        /* Make sure out->data is a string even for empty input. */
        fh_buf_append(out, "", 0);
        status = fh_buf_status(out);
    }
    return status;
}

size_t fh_page__utf8_cut(const char *s, size_t len, size_t max)
{
    if (len <= max)
        return len;
    /* Back off over continuation bytes to the start of a character. */
    size_t n = max;
    while (n > 0 && ((unsigned char)s[n] & 0xC0) == 0x80)
        n--;
    return n;
}

fh_status fh_page__take(fh_page *page, fh_buf *title, fh_buf *text)
{
    int status = FH_OK;
    char *t = NULL, *x = NULL;
    size_t tlen = 0, xlen = 0;
    fh_buf_append(title, "", 0);
    fh_buf_append(text, "", 0);
    t = fh_buf_detach(title, &tlen);
    x = fh_buf_detach(text, &xlen);
    if (t == NULL || x == NULL) {
        free(t);
        free(x);
        status = FH_ERR_NOMEM;
        goto out;
    }
    page->title = t;
    page->title_len = tlen;
    page->text = x;
    page->text_len = xlen;
out:
    return status;
}

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static int is_blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (!is_space(s[i]))
            return 0;
    return 1;
}

/* Append s (len bytes) to out with each CR LF made LF. */
static void append_without_cr(fh_buf *out, const char *s, size_t len)
{
    size_t run = 0;
    for (size_t i = 0; i + 1 < len; i++) {
        if (s[i] == '\r' && s[i + 1] == '\n') {
            fh_buf_append(out, s + run, i - run);
            run = i + 1;
        }
    }
    fh_buf_append(out, s + run, len - run);
}

fh_status fh_page_read_txt(const char *data, size_t len, fh_page *out)
{
    int status;
    fh_buf raw = FH_BUF_INIT, title = FH_BUF_INIT, text = FH_BUF_INIT;

    memset(out, 0, sizeof *out);
    status = fh_page__decode(data, len, NULL, &raw, out);
    if (status != FH_OK)
        goto out;
    const char *s = raw.data;
    size_t n = raw.len;

    /* Line 1 is the title. */
    const char *nl = memchr(s, '\n', n);
    size_t a = 0, b = nl ? (size_t)(nl - s) : n;
    size_t body = nl ? b + 1 : n;
    while (a < b && is_space(s[a]))
        a++;
    while (b > a && is_space(s[b - 1]))
        b--;
    /* A first line too long for a title (a file without line breaks) is
     * cut after its last word that fits; the rest of it starts the body. */
    size_t line_end = b, cut = a + fh_page__utf8_cut(s + a, b - a, FH_PAGE__TITLE_MAX);
    if (cut < line_end) {
        size_t space = cut;
        while (space > a && !is_space(s[space]))
            space--;
        if (space > a)
            cut = space;
    }
    b = cut;
    while (b > a && is_space(s[b - 1]))
        b--;
    fh_buf_append(&title, s + a, b - a);
    while (cut < line_end && is_space(s[cut]))
        cut++;
    if (cut < line_end) {
        fh_buf_append(&text, s + cut, line_end - cut);
        fh_buf_puts(&text, "\n\n");
    }

    /* A blank line 2 separates title and body. */
    if (body < n) {
        const char *nl2 = memchr(s + body, '\n', n - body);
        size_t end2 = nl2 ? (size_t)(nl2 - s) : n;
        if (is_blank(s + body, end2 - body))
            body = nl2 ? end2 + 1 : n;
    }

    /* The body as it is, CRLF made LF. */
    append_without_cr(&text, s + body, n - body);
    status = fh_page__take(out, &title, &text);
out:
    fh_buf_free(&raw);
    fh_buf_free(&title);
    fh_buf_free(&text);
    if (status != FH_OK)
        fh_page_clear(out);
    return status;
}

fh_status fh_page_read_plain(const char *data, size_t len, const char *charset, fh_page *out)
{
    int status;
    fh_buf raw = FH_BUF_INIT, title = FH_BUF_INIT, text = FH_BUF_INIT;

    memset(out, 0, sizeof *out);
    status = fh_page__decode(data, len, charset && *charset ? charset : NULL, &raw, out);
    if (status != FH_OK)
        goto out;
    append_without_cr(&text, raw.data, raw.len);
    status = fh_page__take(out, &title, &text);
out:
    fh_buf_free(&raw);
    fh_buf_free(&title);
    fh_buf_free(&text);
    if (status != FH_OK)
        fh_page_clear(out);
    return status;
}
