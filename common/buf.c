/* buf.c - growable byte buffer with a sticky error (see buf.h). */
#include "buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"

fh_status fh_buf_reserve(fh_buf *b, size_t extra)
{
    if (b->status != FH_OK)
        return b->status;
    if (extra >= SIZE_MAX - b->len - 1) {
        b->status = FH_ERR_NOMEM;
        return b->status;
    }
    size_t need = b->len + extra + 1;
    if (need <= b->cap)
        return FH_OK;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need)
        cap = cap > SIZE_MAX / 2 ? need : cap * 2;
    char *p = realloc(b->data, cap);
    if (p == NULL) {
        b->status = FH_ERR_NOMEM;
        return b->status;
    }
    b->data = p;
    b->cap = cap;
    return FH_OK;
}

void fh_buf_append(fh_buf *b, const void *p, size_t len)
{
    if (fh_buf_reserve(b, len) != FH_OK)
        return;
    if (len)
        memcpy(b->data + b->len, p, len);
    b->len += len;
    b->data[b->len] = '\0';
}

void fh_buf_puts(fh_buf *b, const char *s)
{
    fh_buf_append(b, s, strlen(s));
}

void fh_buf_putc(fh_buf *b, char c)
{
    fh_buf_append(b, &c, 1);
}

void fh_buf_printf(fh_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    va_list ap2;
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n >= 0 && fh_buf_reserve(b, (size_t)n) == FH_OK) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap2);
        b->len += (size_t)n;
    }
    va_end(ap2);
}

void fh_buf_put_utf8(fh_buf *b, uint32_t cp)
{
    char s[4];
    size_t n;
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        cp = 0xFFFD;
    if (cp < 0x80) {
        s[0] = (char)cp;
        n = 1;
    } else if (cp < 0x800) {
        s[0] = (char)(0xC0 | (cp >> 6));
        s[1] = (char)(0x80 | (cp & 0x3F));
        n = 2;
    } else if (cp < 0x10000) {
        s[0] = (char)(0xE0 | (cp >> 12));
        s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F));
        n = 3;
    } else {
        s[0] = (char)(0xF0 | (cp >> 18));
        s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[3] = (char)(0x80 | (cp & 0x3F));
        n = 4;
    }
    fh_buf_append(b, s, n);
}

size_t fh_varint_encode(uint64_t v, char out[10])
{
    size_t n = 0;
    do {
        unsigned char byte = v & 0x7F;
        v >>= 7;
        out[n++] = (char)(v ? byte | 0x80 : byte);
    } while (v);
    return n;
}

fh_status fh_varint_decode(const char **p, const char *end, uint64_t *v)
{
    uint64_t r = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*p >= end)
            return FH_ERR_CORRUPT;
        unsigned char byte = (unsigned char)*(*p)++;
        r |= (uint64_t)(byte & 0x7F) << shift;
        if (!(byte & 0x80)) {
            *v = r;
            return FH_OK;
        }
    }
    return FH_ERR_CORRUPT;
}

void fh_buf_put_varint(fh_buf *b, uint64_t v)
{
    char s[10];
    fh_buf_append(b, s, fh_varint_encode(v, s));
}

void fh_buf_reset(fh_buf *b)
{
    b->len = 0;
    b->status = FH_OK;
    if (b->data)
        b->data[0] = '\0';
}

void fh_buf_free(fh_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
    b->status = FH_OK;
}

fh_status fh_buf_status(const fh_buf *b)
{
    return b->status;
}

char *fh_buf_detach(fh_buf *b, size_t *len)
{
    if (b->status != FH_OK || fh_buf_reserve(b, 0) != FH_OK) {
        fh_buf_free(b);
        return NULL;
    }
    char *p = b->data;
    p[b->len] = '\0'; /* an empty buffer too */
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}

fh_status fh_grow(void **items, size_t *cap, size_t need, size_t elem, size_t first)
{
    if (need <= *cap)
        return FH_OK;
    size_t c = *cap ? *cap : (first ? first : 1);
    while (c < need) {
        if (c > SIZE_MAX / 2 / elem)
            return FH_ERR_NOMEM;
        c *= 2;
    }
    void *p = realloc(*items, c * elem);
    if (p == NULL)
        return FH_ERR_NOMEM;
    *items = p;
    *cap = c;
    return FH_OK;
}
