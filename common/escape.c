/* escape.c - terminal-safe and JSON-safe text (see escape.h). */
#include "escape.h"

#include <stdint.h>

#include "status.h"

/* Decode one UTF-8 code point at s[*i]; returns it, or -1 for an invalid
 * byte (then *i moves past that one byte). */
static int32_t next_code_point(const unsigned char *s, size_t len, size_t *i)
{
    unsigned char c = s[*i];
    if (c < 0x80) {
        (*i)++;
        return c;
    }
    size_t n;
    int32_t cp, min;
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, cp = c & 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, cp = c & 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, cp = c & 0x07, min = 0x10000;
    else {
        (*i)++;
        return -1;
    }
    if (*i + n > len) {
        (*i)++;
        return -1;
    }
    for (size_t k = 1; k < n; k++) {
        unsigned char cc = s[*i + k];
        if ((cc & 0xC0) != 0x80) {
            (*i)++;
            return -1;
        }
        cp = (cp << 6) | (cc & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
        (*i)++;
        return -1;
    }
    *i += n;
    return cp;
}

static int is_bidi_control(int32_t cp)
{
    return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

fh_status fh_escape_terminal(const char *s, size_t len, int keep_newlines, fh_buf *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t at = i;
        int32_t cp = next_code_point(u, len, &i);
        if (cp < 0)
            fh_buf_printf(out, "\\x%02x", u[at]);
        else if (cp == '\n' && keep_newlines)
            fh_buf_putc(out, '\n');
        else if (cp == '\n')
            fh_buf_puts(out, "\\n");
        else if (cp == '\t')
            fh_buf_puts(out, "\\t");
        else if (cp == '\r')
            fh_buf_puts(out, "\\r");
        else if (cp < 0x20 || cp == 0x7F)
            fh_buf_printf(out, "\\x%02x", (unsigned)cp);
        else if ((cp >= 0x80 && cp <= 0x9F) || is_bidi_control(cp))
            fh_buf_printf(out, "\\u%04x", (unsigned)cp);
        else
            fh_buf_append(out, s + at, i - at);
    }
    return fh_buf_status(out);
}

fh_status fh_escape_json(const char *s, size_t len, fh_buf *out)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        size_t at = i;
        int32_t cp = next_code_point(u, len, &i);
        switch (cp) {
        case -1:
            fh_buf_puts(out, "\xef\xbf\xbd");
            break;
        case '"':
            fh_buf_puts(out, "\\\"");
            break;
        case '\\':
            fh_buf_puts(out, "\\\\");
            break;
        case '\n':
            fh_buf_puts(out, "\\n");
            break;
        case '\t':
            fh_buf_puts(out, "\\t");
            break;
        case '\r':
            fh_buf_puts(out, "\\r");
            break;
        default:
            if (cp < 0x20 || cp == 0x7F)
                fh_buf_printf(out, "\\u%04x", (unsigned)cp);
            else
                fh_buf_append(out, s + at, i - at);
        }
    }
    return fh_buf_status(out);
}

fh_status fh_escape_base64(const char *s, size_t len, fh_buf *out)
{
    static const char digits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = (const unsigned char *)s;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        char q[4] = {digits[v >> 18], digits[(v >> 12) & 63], digits[(v >> 6) & 63],
                     digits[v & 63]};
        if (i + 1 >= len)
            q[2] = '=';
        if (i + 2 >= len)
            q[3] = '=';
        fh_buf_append(out, q, 4);
    }
    return fh_buf_status(out);
}
