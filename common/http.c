/* http.c - the HTTP layer of an archived response (see http.h). */
#include "http.h"

#include <brotli/decode.h>
#include <string.h>
#include <zlib.h>

#include "ascii.h"
#include "unpack.h"

#define MAX_ENCODINGS 4

static int is_space(char c)
{
    return c == ' ' || c == '\t';
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && is_space(**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && is_space((*s)[*n - 1]))
        (*n)--;
}

fh_http_kind fh_http_media(const char *ctype, size_t len, char *charset, size_t cap)
{
    if (cap > 0)
        charset[0] = '\0';
    const char *semi = memchr(ctype, ';', len);
    const char *type = ctype;
    size_t tlen = semi ? (size_t)(semi - ctype) : len;
    trim(&type, &tlen);
    while (semi && cap > 1) {
        const char *p = semi + 1;
        size_t rest = len - (size_t)(p - ctype);
        semi = memchr(p, ';', rest);
        size_t plen = semi ? (size_t)(semi - p) : rest;
        trim(&p, &plen);
        /* "charset=utf-8", and as servers also write it: "Charset = utf-8". */
        const char *eq = plen > 7 && fh_ascii_eq_ci(p, 7, "charset") ? memchr(p, '=', plen) : NULL;
        const char *name = p + 7;
        size_t name_len = eq ? (size_t)(eq - name) : 0;
        trim(&name, &name_len);
        if (eq && name_len == 0) {
            plen -= (size_t)(eq + 1 - p);
            p = eq + 1;
            trim(&p, &plen);
            /* Quoted, or with one quote of a pair lost. */
            if (plen > 0 && (p[0] == '"' || p[0] == '\'')) {
                p++;
                plen--;
            }
            if (plen > 0 && (p[plen - 1] == '"' || p[plen - 1] == '\''))
                plen--;
            if (plen >= cap)
                plen = cap - 1;
            memcpy(charset, p, plen);
            charset[plen] = '\0';
        }
    }
    if (fh_ascii_eq_ci(type, tlen, "text/html") ||
        fh_ascii_eq_ci(type, tlen, "application/xhtml+xml"))
        return FH_HTTP_HTML;
    if (fh_ascii_eq_ci(type, tlen, "text/plain"))
        return FH_HTTP_TEXT;
    return FH_HTTP_OTHER;
}

/* ---- Transfer-Encoding: chunked ------------------------------------------ */

/* The chunk size line at s[i..n): its value and where the data starts.
 * Returns 0, or -1 when it is not one. */
static int chunk_line(const char *s, size_t n, size_t i, uint64_t *size, size_t *data)
{
    uint64_t v = 0;
    size_t digits = 0;
    for (; i < n; i++, digits++) {
        char c = s[i];
        int d = c >= '0' && c <= '9'   ? c - '0'
                : c >= 'a' && c <= 'f' ? c - 'a' + 10
                : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                       : -1;
        if (d < 0)
            break;
        if (digits >= 15)
            return -1;
        v = v * 16 + (uint64_t)d;
    }
    if (digits == 0)
        return -1;
    /* Spaces and extensions (";name=value") up to the end of the line. */
    while (i < n && is_space(s[i]))
        i++;
    if (i < n && s[i] == ';')
        while (i < n && s[i] != '\n')
            i++;
    if (i < n && s[i] == '\r')
        i++;
    if (i >= n || s[i] != '\n')
        return -1;
    *size = v;
    *data = i + 1;
    return 0;
}

/* Undo chunking of body into out. Returns 0, 1 when the body is not
 * chunked at all (read it as it is), or -1 when the chunks break off. */
static int dechunk(const char *s, size_t n, fh_buf *out)
{
    size_t i = 0;
    int first = 1;
    for (;;) {
        uint64_t size;
        size_t data;
        if (i >= n)
            return 0; /* cut short after a whole chunk: keep what came */
        if (chunk_line(s, n, i, &size, &data) != 0)
            return first ? 1 : -1;
        first = 0;
        if (size == 0)
            return 0;
        if (size > n - data) {
            fh_buf_append(out, s + data, n - data); /* cut short: keep what came */
            return 0;
        }
        fh_buf_append(out, s + data, (size_t)size);
        i = data + (size_t)size;
        if (i < n && s[i] == '\r')
            i++;
        if (i < n && s[i] == '\n')
            i++;
    }
}

/* ---- Content-Encoding ---------------------------------------------------- */

/* Inflate s with zlib's window bits wbits into out, at most max bytes.
 * Returns 0 (a stream cut short keeps what came), -1 when it fails before
 * giving anything, -2 over max. */
static int inflate_body(const char *s, size_t n, int wbits, uint64_t max, fh_buf *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, wbits) != Z_OK)
        return -1;
    z.next_in = (Bytef *)s;
    z.avail_in = (uInt)n;
    int rc = 0;
    for (;;) {
        if (fh_buf_reserve(out, 64 * 1024) != FH_OK) {
            rc = -1;
            break;
        }
        z.next_out = (Bytef *)out->data + out->len;
        z.avail_out = (uInt)(out->cap - out->len - 1);
        int zr = inflate(&z, Z_NO_FLUSH);
        out->len = (size_t)((char *)z.next_out - out->data);
        if (out->len > max) {
            rc = -2;
            break;
        }
        if (zr == Z_STREAM_END)
            break;
        if (zr == Z_OK)
            continue;
        if (zr == Z_BUF_ERROR && z.avail_in == 0)
            break; /* cut short */
        rc = out->len > 0 ? 0 : -1;
        break;
    }
    inflateEnd(&z);
    return rc;
}

static int brotli_body(const char *s, size_t n, uint64_t max, fh_buf *out)
{
    BrotliDecoderState *st = BrotliDecoderCreateInstance(NULL, NULL, NULL);
    if (st == NULL)
        return -1;
    const uint8_t *in = (const uint8_t *)s;
    size_t avail_in = n;
    int rc = -1;
    for (;;) {
        if (fh_buf_reserve(out, 64 * 1024) != FH_OK)
            break;
        uint8_t *next_out = (uint8_t *)out->data + out->len;
        size_t avail_out = out->cap - out->len - 1;
        BrotliDecoderResult br =
            BrotliDecoderDecompressStream(st, &avail_in, &in, &avail_out, &next_out, NULL);
        out->len = (size_t)((char *)next_out - out->data);
        if (out->len > max) {
            rc = -2;
            break;
        }
        if (br == BROTLI_DECODER_RESULT_SUCCESS ||
            (br == BROTLI_DECODER_RESULT_NEEDS_MORE_INPUT && out->len > 0)) {
            rc = 0;
            break;
        }
        if (br != BROTLI_DECODER_RESULT_NEEDS_MORE_OUTPUT)
            break;
    }
    BrotliDecoderDestroyInstance(st);
    return rc;
}

/* Whether a body starts as markup or text would (so that one said to be
 * brotli that does not decode is read as it is). */
static int looks_like_text(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    if (i + 3 <= n && (unsigned char)s[i] == 0xEF && (unsigned char)s[i + 1] == 0xBB)
        return 1;
    return i < n && (s[i] == '<' || (s[i] >= 0x20 && s[i] < 0x7F));
}

/* Undo one content encoding of *body (n bytes) into out. Returns 0 when
 * done (or when the body is stored plain: out stays empty), or a problem. */
static const char *decode_one(const char *enc, size_t elen, const char *s, size_t n, uint64_t max,
                              fh_buf *out)
{
    int rc = 0;
    const unsigned char *u = (const unsigned char *)s;
    if (fh_ascii_eq_ci(enc, elen, "gzip") || fh_ascii_eq_ci(enc, elen, "x-gzip")) {
        if (n < 2 || u[0] != 0x1f || u[1] != 0x8b)
            return NULL;
        rc = inflate_body(s, n, 16 + MAX_WBITS, max, out);
    } else if (fh_ascii_eq_ci(enc, elen, "deflate")) {
        int zlib = n >= 2 && (u[0] & 0x0F) == 8 && ((u[0] << 8) | u[1]) % 31 == 0;
        rc = inflate_body(s, n, zlib ? MAX_WBITS : -MAX_WBITS, max, out);
        if (rc == -1 && !zlib) {
            fh_buf_reset(out);
            return NULL; /* not raw deflate either: stored plain */
        }
    } else if (fh_ascii_eq_ci(enc, elen, "br")) {
        rc = brotli_body(s, n, max, out);
        if (rc == -1 && looks_like_text(s, n)) {
            fh_buf_reset(out);
            return NULL;
        }
    } else if (fh_ascii_eq_ci(enc, elen, "zstd")) {
        if (n < 4 || !fh_unpack_zstd_frame(u))
            return NULL;
        fh_status st = fh_unpack_zstd(s, n, max, out);
        /* A stream cut short keeps what came, as gzip's does. */
        rc = st == FH_OK                          ? 0
             : st == FH_ERR_TOOBIG                ? -2
             : out->len > 0 && st != FH_ERR_NOMEM ? 0
                                                  : -1;
    } else {
        return NULL; /* identity, or one we do not know: read as it is */
    }
    if (fh_buf_status(out) != FH_OK)
        return NULL;
    if (rc == -2)
        return "body over the size limit once decompressed";
    return rc == 0 ? NULL : "body fails to decompress";
}

/* ---- The response -------------------------------------------------------- */

typedef struct headers {
    const char *ctype;
    size_t ctype_len;
    int chunked;
    const char *enc[MAX_ENCODINGS];
    size_t enc_len[MAX_ENCODINGS];
    size_t n_enc;
} headers;

static void note_encodings(headers *h, const char *v, size_t n)
{
    while (n > 0 && h->n_enc < MAX_ENCODINGS) {
        const char *comma = memchr(v, ',', n);
        size_t len = comma ? (size_t)(comma - v) : n;
        const char *e = v;
        size_t elen = len;
        trim(&e, &elen);
        if (elen > 0) {
            h->enc[h->n_enc] = e;
            h->enc_len[h->n_enc++] = elen;
        }
        if (comma == NULL)
            break;
        v = comma + 1;
        n -= len + 1;
    }
}

/* The status line and headers; returns where the body starts, or 0 when
 * block is not an HTTP response. */
static size_t parse_head(const char *s, size_t n, int *status, headers *h)
{
    if (n < 12 || memcmp(s, "HTTP/", 5) != 0)
        return 0;
    const char *sp = memchr(s, ' ', n < 64 ? n : 64);
    if (sp == NULL || (size_t)(sp - s) + 4 > n)
        return 0;
    int code = 0;
    for (int k = 1; k <= 3; k++) {
        if (sp[k] < '0' || sp[k] > '9')
            return 0;
        code = code * 10 + (sp[k] - '0');
    }
    *status = code;
    const char *nl = memchr(s, '\n', n);
    if (nl == NULL)
        return 0;
    size_t i = (size_t)(nl - s) + 1;
    while (i < n) {
        const char *e = memchr(s + i, '\n', n - i);
        size_t end = e ? (size_t)(e - s) : n;
        size_t len = end - i;
        if (len > 0 && s[i + len - 1] == '\r')
            len--;
        const char *line = s + i;
        i = e ? end + 1 : n;
        if (len == 0)
            return i;
        const char *colon = memchr(line, ':', len);
        if (colon == NULL)
            continue;
        size_t nlen = (size_t)(colon - line);
        const char *v = colon + 1;
        size_t vlen = len - nlen - 1;
        trim(&v, &vlen);
        if (fh_ascii_eq_ci(line, nlen, "content-type")) {
            h->ctype = v;
            h->ctype_len = vlen;
        } else if (fh_ascii_eq_ci(line, nlen, "transfer-encoding")) {
            for (size_t k = 0; k + 7 <= vlen; k++)
                if (fh_ascii_eq_ci(v + k, 7, "chunked"))
                    h->chunked = 1;
        } else if (fh_ascii_eq_ci(line, nlen, "content-encoding")) {
            note_encodings(h, v, vlen);
        }
    }
    return n; /* headers without a blank line: no body */
}

fh_status fh_http_read(const char *block, size_t len, const char *untyped, uint64_t max,
                       fh_http_response *out, const char **problem)
{
    memset(out, 0, sizeof *out);
    *problem = NULL;
    headers h;
    memset(&h, 0, sizeof h);
    size_t at = parse_head(block, len, &out->status, &h);
    /* An interim response (100 Continue, ...) comes before the real one. */
    while (at > 0 && at < len && out->status >= 100 && out->status < 200) {
        headers real;
        memset(&real, 0, sizeof real);
        int status = 0;
        size_t next = parse_head(block + at, len - at, &status, &real);
        if (next == 0)
            break; /* no response after it: not a page */
        block += at;
        len -= at;
        at = next;
        out->status = status;
        h = real;
    }
    if (at == 0) {
        *problem = "not an HTTP response";
        return FH_OK;
    }
    if (h.ctype == NULL && untyped && untyped[0]) {
        h.ctype = untyped;
        h.ctype_len = strlen(untyped);
    }
    out->kind = h.ctype ? fh_http_media(h.ctype, h.ctype_len, out->charset, sizeof out->charset)
                        : FH_HTTP_OTHER;
    out->body = block + at;
    out->body_len = len - at;
    if (out->status != 200 || out->kind == FH_HTTP_OTHER)
        return FH_OK; /* not a page: no need to decode it */
    fh_buf tmp = FH_BUF_INIT;
    if (h.chunked) {
        int rc = dechunk(out->body, out->body_len, &tmp);
        if (rc < 0)
            *problem = "invalid chunking";
        if (rc == 0) {
            fh_buf_free(&out->own);
            out->own = tmp;
            tmp = (fh_buf)FH_BUF_INIT;
            out->body = out->own.data ? out->own.data : "";
            out->body_len = out->own.len;
        }
    }
    for (size_t k = h.n_enc; k-- > 0 && *problem == NULL;) {
        fh_buf_reset(&tmp);
        *problem = decode_one(h.enc[k], h.enc_len[k], out->body, out->body_len, max, &tmp);
        if (fh_buf_status(&tmp) != FH_OK)
            break;
        if (*problem == NULL && tmp.len > 0) {
            fh_buf_free(&out->own);
            out->own = tmp;
            tmp = (fh_buf)FH_BUF_INIT;
            out->body = out->own.data;
            out->body_len = out->own.len;
        }
    }
    fh_status rc =
        fh_buf_status(&tmp) != FH_OK || fh_buf_status(&out->own) != FH_OK ? FH_ERR_NOMEM : FH_OK;
    fh_buf_free(&tmp);
    if (rc != FH_OK)
        fh_http_response_clear(out);
    return rc;
}

void fh_http_response_clear(fh_http_response *r)
{
    fh_buf_free(&r->own);
    memset(r, 0, sizeof *r);
}
