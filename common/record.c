/* record.c - the stored document record and the indexer's state value (see
 * record.h). */
#include "record.h"

#include <stdlib.h>
#include <string.h>

enum field_tag {
    TAG_KEY = 1,
    TAG_PATH,
    TAG_URL,
    TAG_TITLE,
    TAG_TEXT,
    TAG_DATE,
    TAG_CHARSET,
    TAG_SIZE,
    TAG_MTIME,
    TAG_HASH,
    TAG_ARABIC_WORDS,
    TAG_LATIN_WORDS,
    TAG_BODY_FIRST_POS,
    TAG_OFFSETS,
    TAG_TITLE_OFFSETS,
    TAG_ARCHIVE_OFFSET, /* present only for a page of a web archive */
    TAG_LANG,
    TAG_ARCHIVE_INFLATED, /* present only for a record inside a gzip member */
};

static void put_bytes(fh_buf *out, int tag, const char *s, size_t len)
{
    if (len == 0)
        return;
    fh_buf_putc(out, (char)tag);
    fh_buf_put_varint(out, len);
    fh_buf_append(out, s, len);
}

static void put_uint(fh_buf *out, int tag, uint64_t v)
{
    char tmp[10];
    put_bytes(out, tag, tmp, fh_varint_encode(v, tmp));
}

static int varint_value(const char *s, size_t len, uint64_t *v)
{
    const char *p = s;
    int rc = fh_varint_decode(&p, s + len, v);
    return rc == FH_OK && p == s + len ? FH_OK : FH_ERR_CORRUPT;
}

/* Ascending offsets as the varint deltas between them. */
static void put_offsets(fh_buf *out, int tag, const uint32_t *offsets, size_t n)
{
    if (n == 0)
        return;
    fh_buf deltas = FH_BUF_INIT;
    uint32_t prev = 0;
    for (size_t i = 0; i < n; i++) {
        fh_buf_put_varint(&deltas, offsets[i] - prev);
        prev = offsets[i];
    }
    if (fh_buf_status(&deltas) != FH_OK)
        out->status = FH_ERR_NOMEM;
    else
        put_bytes(out, tag, deltas.data, deltas.len);
    fh_buf_free(&deltas);
}

fh_status fh_record_encode(const fh_record *r, fh_buf *out)
{
    put_bytes(out, TAG_KEY, r->key, r->key_len);
    put_bytes(out, TAG_PATH, r->path, r->path_len);
    put_bytes(out, TAG_URL, r->url, r->url_len);
    put_bytes(out, TAG_TITLE, r->title, r->title_len);
    put_bytes(out, TAG_TEXT, r->text, r->text_len);
    put_bytes(out, TAG_DATE, r->date, r->date_len);
    put_bytes(out, TAG_CHARSET, r->charset, r->charset_len);
    put_bytes(out, TAG_LANG, r->lang, r->lang_len);
    put_uint(out, TAG_SIZE, r->size);
    put_uint(out, TAG_MTIME, (uint64_t)r->mtime_ns);
    put_uint(out, TAG_HASH, r->hash);
    put_uint(out, TAG_ARABIC_WORDS, r->arabic_words);
    put_uint(out, TAG_LATIN_WORDS, r->latin_words);
    put_uint(out, TAG_BODY_FIRST_POS, r->body_first_pos);
    put_offsets(out, TAG_OFFSETS, r->offsets, r->n_offsets);
    put_offsets(out, TAG_TITLE_OFFSETS, r->title_offsets, r->n_title_offsets);
    if (r->in_archive)
        put_uint(out, TAG_ARCHIVE_OFFSET, r->archive_offset);
    if (r->in_archive && r->archive_inflated)
        put_uint(out, TAG_ARCHIVE_INFLATED, r->archive_inflated_offset);
    return fh_buf_status(out);
}

fh_status fh_record_decode(const char *data, size_t len, fh_record *r)
{
    memset(r, 0, sizeof *r);
    const char *p = data, *end = data + len;
    while (p < end) {
        int tag = (unsigned char)*p++;
        uint64_t flen = 0;
        if (fh_varint_decode(&p, end, &flen) != FH_OK || flen > (uint64_t)(end - p))
            return FH_ERR_CORRUPT;
        const char *f = p;
        p += flen;
        uint64_t v = 0;
        int numeric = (tag >= TAG_SIZE && tag <= TAG_BODY_FIRST_POS) || tag == TAG_ARCHIVE_OFFSET ||
                      tag == TAG_ARCHIVE_INFLATED;
        if (numeric && varint_value(f, (size_t)flen, &v) != FH_OK)
            return FH_ERR_CORRUPT;
        switch (tag) {
        case TAG_KEY:
            r->key = f, r->key_len = (size_t)flen;
            break;
        case TAG_PATH:
            r->path = f, r->path_len = (size_t)flen;
            break;
        case TAG_URL:
            r->url = f, r->url_len = (size_t)flen;
            break;
        case TAG_TITLE:
            r->title = f, r->title_len = (size_t)flen;
            break;
        case TAG_TEXT:
            r->text = f, r->text_len = (size_t)flen;
            break;
        case TAG_DATE:
            r->date = f, r->date_len = (size_t)flen;
            break;
        case TAG_CHARSET:
            r->charset = f, r->charset_len = (size_t)flen;
            break;
        case TAG_SIZE:
            r->size = v;
            break;
        case TAG_MTIME:
            r->mtime_ns = (int64_t)v;
            break;
        case TAG_HASH:
            r->hash = v;
            break;
        case TAG_ARABIC_WORDS:
            r->arabic_words = (uint32_t)v;
            break;
        case TAG_LATIN_WORDS:
            r->latin_words = (uint32_t)v;
            break;
        case TAG_BODY_FIRST_POS:
            r->body_first_pos = (uint32_t)v;
            break;
        case TAG_OFFSETS:
            r->offsets_raw = f, r->offsets_raw_len = (size_t)flen;
            break;
        case TAG_TITLE_OFFSETS:
            r->title_offsets_raw = f, r->title_offsets_raw_len = (size_t)flen;
            break;
        case TAG_LANG:
            r->lang = f, r->lang_len = (size_t)flen;
            break;
        case TAG_ARCHIVE_OFFSET:
            r->in_archive = 1;
            r->archive_offset = v;
            break;
        case TAG_ARCHIVE_INFLATED:
            r->archive_inflated = 1;
            r->archive_inflated_offset = v;
            break;
        default:
            break; /* a field from a later version */
        }
    }
    /* Strings that were empty when encoded were left out: make them "". */
    const char **strings[] = {&r->key,  &r->path, &r->url,     &r->title,
                              &r->text, &r->date, &r->charset, &r->lang};
    for (size_t i = 0; i < sizeof strings / sizeof strings[0]; i++)
        if (*strings[i] == NULL)
            *strings[i] = "";
    return FH_OK;
}

static fh_status expand_offsets(const char *raw, size_t raw_len, uint32_t **out, size_t *n)
{
    *out = NULL;
    *n = 0;
    /* Each delta takes at least one byte: that bounds the count. */
    size_t cap = raw_len;
    if (cap == 0)
        return FH_OK;
    uint32_t *v = malloc(cap * sizeof *v);
    if (v == NULL)
        return FH_ERR_NOMEM;
    const char *p = raw, *end = p + raw_len;
    size_t count = 0;
    uint64_t at = 0;
    while (p < end) {
        uint64_t d = 0;
        if (fh_varint_decode(&p, end, &d) != FH_OK || d > UINT32_MAX - at) {
            free(v);
            return FH_ERR_CORRUPT;
        }
        at += d;
        v[count++] = (uint32_t)at;
    }
    *out = v;
    *n = count;
    return FH_OK;
}

fh_status fh_record_offsets(const fh_record *r, uint32_t **out, size_t *n)
{
    return expand_offsets(r->offsets_raw, r->offsets_raw_len, out, n);
}

fh_status fh_record_title_offsets(const fh_record *r, uint32_t **out, size_t *n)
{
    return expand_offsets(r->title_offsets_raw, r->title_offsets_raw_len, out, n);
}

fh_status fh_record_state_encode(const fh_record_state *s, fh_buf *out)
{
    fh_buf_put_varint(out, s->size);
    fh_buf_put_varint(out, (uint64_t)s->mtime_ns);
    fh_buf_put_varint(out, s->hash);
    fh_buf_put_varint(out, s->path_len);
    fh_buf_append(out, s->key, s->key_len);
    return fh_buf_status(out);
}

fh_status fh_record_state_decode(const char *data, size_t len, fh_record_state *s)
{
    const char *p = data, *end = data + len;
    uint64_t mtime = 0, path_len = 0;
    if (fh_varint_decode(&p, end, &s->size) != FH_OK || fh_varint_decode(&p, end, &mtime) != FH_OK ||
        fh_varint_decode(&p, end, &s->hash) != FH_OK || fh_varint_decode(&p, end, &path_len) != FH_OK ||
        path_len > (uint64_t)(end - p))
        return FH_ERR_CORRUPT;
    s->mtime_ns = (int64_t)mtime;
    s->key = p;
    s->key_len = (size_t)(end - p);
    s->path_len = (size_t)path_len;
    return FH_OK;
}

uint64_t fh_hash64(const void *data, size_t len, uint64_t seed)
{
    const unsigned char *s = data;
    uint64_t h = 14695981039346656037ull ^ seed;
    for (size_t i = 0; i < len; i++) {
        h ^= s[i];
        h *= 1099511628211ull;
    }
    /* Finish with a mix (splitmix64) so nearby inputs spread over all bits. */
    h ^= h >> 30;
    h *= 0xbf58476d1ce4e5b9ull;
    h ^= h >> 27;
    h *= 0x94d049bb133111ebull;
    h ^= h >> 31;
    return h;
}
