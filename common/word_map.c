/* word_map.c - which word stands at each position of a page (see
 * word_map.h). */
#include "word_map.h"

#include <stdlib.h>
#include <string.h>

#include "record.h"

uint32_t fh_word_map_hash(const char *term, size_t len)
{
    uint64_t h = fh_hash64(term, len, 0);
    return (uint32_t)(h ^ (h >> 32));
}

void fh_word_map_reset(fh_word_map_builder *b)
{
    b->n = 0;
}

fh_status fh_word_map_add(fh_word_map_builder *b, uint32_t pos, const char *term, size_t len)
{
    if (pos < FH_TITLE_FIRST_POS || (b->n > 0 && pos <= b->words[b->n - 1].pos))
        return FH_ERR_INVALID;
    if (fh_grow((void **)&b->words, &b->cap, b->n + 1, sizeof *b->words, 256) != FH_OK)
        return FH_ERR_NOMEM;
    b->words[b->n++] = (fh_word_map_word){pos, fh_word_map_hash(term, len)};
    return FH_OK;
}

/* Sort v[0..n) ascending, by bytes from the lowest (tmp: n entries). */
static void radix_sort(uint32_t *v, uint32_t *tmp, size_t n)
{
    for (unsigned shift = 0; shift < 32; shift += 8) {
        size_t count[257] = {0};
        for (size_t i = 0; i < n; i++)
            count[((v[i] >> shift) & 0xFF) + 1]++;
        for (size_t b = 1; b < 257; b++)
            count[b] += count[b - 1];
        for (size_t i = 0; i < n; i++)
            tmp[count[(v[i] >> shift) & 0xFF]++] = v[i];
        uint32_t *swap = v;
        v = tmp;
        tmp = swap;
    }
    /* Four passes: the sorted numbers are back in the first array. */
}

static void put_le(fh_buf *out, uint32_t v, unsigned bytes)
{
    char b[4];
    for (unsigned i = 0; i < bytes; i++)
        b[i] = (char)(v >> (8 * i));
    fh_buf_append(out, b, bytes);
}

static uint32_t get_le(const unsigned char *p, unsigned bytes)
{
    uint32_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint32_t)p[i] << (8 * i);
    return v;
}

fh_status fh_word_map_encode(fh_word_map_builder *b, fh_buf *out)
{
    if (b->n == 0)
        return fh_buf_status(out);
    if (fh_grow((void **)&b->sorted, &b->cap_sorted, 2 * b->n, sizeof *b->sorted, 256) != FH_OK)
        return FH_ERR_NOMEM;
    for (size_t i = 0; i < b->n; i++)
        b->sorted[i] = b->words[i].hash;
    radix_sort(b->sorted, b->sorted + b->n, b->n);
    size_t distinct = 0;
    for (size_t i = 0; i < b->n; i++)
        if (distinct == 0 || b->sorted[distinct - 1] != b->sorted[i])
            b->sorted[distinct++] = b->sorted[i];
    /* Ids of three bytes at most: a page of 16 million distinct words is
     * beyond any --max-file-size a page is read with. */
    if (distinct >= 0xFFFFFF)
        return FH_ERR_TOOBIG;
    unsigned width = distinct < 0xFF ? 1 : distinct < 0xFFFF ? 2 : 3;
    uint32_t first = b->words[0].pos, n_pos = b->words[b->n - 1].pos - first + 1;
    fh_buf_putc(out, (char)width);
    fh_buf_put_varint(out, first);
    fh_buf_put_varint(out, n_pos);
    fh_buf_put_varint(out, distinct);
    for (size_t i = 0; i < distinct; i++)
        put_le(out, b->sorted[i], 4);
    fh_status rc = fh_buf_reserve(out, (size_t)n_pos * width);
    if (rc != FH_OK)
        return rc;
    /* The ids written in place: the room is reserved. */
    unsigned char *at = (unsigned char *)out->data + out->len;
    memset(at, 0, (size_t)n_pos * width);
    /* Each hash's id by way of an open-addressing table of the distinct
     * hashes (they are hashes: their low bits spread them), after them in
     * the scratch. */
    size_t slots = 1;
    while (slots < 2 * distinct)
        slots *= 2;
    if (fh_grow((void **)&b->sorted, &b->cap_sorted, distinct + 2 * slots, sizeof *b->sorted,
                256) != FH_OK)
        return FH_ERR_NOMEM;
    uint32_t *table = b->sorted + distinct;
    memset(table, 0, slots * 2 * sizeof *table); /* pairs: hash, id (0: empty) */
    for (size_t k = 0; k < distinct; k++) {
        size_t j = b->sorted[k] & (slots - 1);
        while (table[2 * j + 1] != 0)
            j = (j + 1) & (slots - 1);
        table[2 * j] = b->sorted[k];
        table[2 * j + 1] = (uint32_t)k + 1;
    }
    for (size_t i = 0; i < b->n; i++) {
        size_t j = b->words[i].hash & (slots - 1);
        while (table[2 * j + 1] == 0 || table[2 * j] != b->words[i].hash)
            j = (j + 1) & (slots - 1);
        uint32_t id = table[2 * j + 1];
        unsigned char *p = at + (size_t)(b->words[i].pos - first) * width;
        for (unsigned k = 0; k < width; k++)
            p[k] = (unsigned char)(id >> (8 * k));
    }
    out->len += (size_t)n_pos * width;
    out->data[out->len] = '\0';
    return FH_OK;
}

void fh_word_map_builder_free(fh_word_map_builder *b)
{
    free(b->words);
    free(b->sorted);
    *b = (fh_word_map_builder)FH_WORD_MAP_BUILDER_INIT;
}

fh_status fh_word_map_read(const char *value, size_t len, fh_word_map *m)
{
    memset(m, 0, sizeof *m);
    if (value == NULL || len < 4)
        return FH_ERR_CORRUPT;
    const char *p = value + 1, *end = value + len;
    uint64_t first, n_pos, n_hashes;
    m->width = (unsigned char)value[0];
    if (m->width < 1 || m->width > 3 || fh_varint_decode(&p, end, &first) != FH_OK ||
        fh_varint_decode(&p, end, &n_pos) != FH_OK ||
        fh_varint_decode(&p, end, &n_hashes) != FH_OK || first > UINT32_MAX ||
        n_pos > UINT32_MAX - first || n_hashes > (uint64_t)(end - p) / 4 ||
        (uint64_t)(end - p) != 4 * n_hashes + n_pos * m->width)
        return FH_ERR_CORRUPT;
    /* More words than ids of its width can number (the encoder chooses
     * the width by them): damaged. */
    if (n_hashes >= (m->width == 1 ? 0xFFu : m->width == 2 ? 0xFFFFu : 0xFFFFFFu))
        return FH_ERR_CORRUPT;
    m->first_pos = (uint32_t)first;
    m->n_pos = (uint32_t)n_pos;
    m->n_hashes = (uint32_t)n_hashes;
    m->hashes = (const unsigned char *)p;
    m->ids = m->hashes + 4 * n_hashes;
    /* Hashes out of order (a damaged map) are not checked for here: that
     * took a third of a phrase's check. fh_word_map_find() then misses
     * some, and never gives a wrong id. */
    return FH_OK;
}

uint32_t fh_word_map_find(const fh_word_map *m, uint32_t h)
{
    size_t lo = 0, hi = m->n_hashes;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint32_t v = get_le(m->hashes + 4 * mid, 4);
        if (v == h)
            return (uint32_t)mid + 1;
        if (v < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return 0;
}

uint32_t fh_word_map_at(const fh_word_map *m, uint32_t pos)
{
    if (pos < m->first_pos || pos - m->first_pos >= m->n_pos)
        return 0;
    uint32_t id = get_le(m->ids + (size_t)(pos - m->first_pos) * m->width, m->width);
    return id <= m->n_hashes ? id : 0;
}

/* The first position from pos on (before end) holding id, or end. Ids of
 * one byte are looked for with memchr(). */
static uint64_t next_of(const fh_word_map *m, uint32_t id, uint64_t pos, uint64_t end)
{
    if (pos >= end)
        return end;
    const unsigned char *p = m->ids + (pos - m->first_pos) * m->width;
    if (m->width == 1) {
        const unsigned char *at = memchr(p, (int)id, end - pos);
        return at ? pos + (uint64_t)(at - p) : end;
    }
    if (m->width == 2) {
        for (; pos < end; pos++, p += 2)
            if ((p[0] | (uint32_t)p[1] << 8) == id)
                return pos;
        return end;
    }
    for (; pos < end; pos++, p += 3)
        if ((p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16) == id)
            return pos;
    return end;
}

void fh_word_map_positions(const fh_word_map *m, uint32_t h, int (*fn)(void *ctx, uint32_t pos),
                           void *ctx)
{
    uint32_t id = fh_word_map_find(m, h);
    if (id == 0)
        return;
    uint64_t last = (uint64_t)m->first_pos + m->n_pos; /* one past the map */
    for (uint64_t pos = next_of(m, id, m->first_pos, last); pos < last;
         pos = next_of(m, id, pos + 1, last))
        if (fn(ctx, (uint32_t)pos))
            return;
}

/* Whether the words of ids[0..n) stand in m as fh_word_map_phrase() says. */
static int phrase_at(const fh_word_map *m, const uint32_t *ids, size_t n, uint32_t window)
{
    uint64_t last = (uint64_t)m->first_pos + m->n_pos; /* one past the map */
    for (uint64_t start = next_of(m, ids[0], m->first_pos, last); start < last;
         start = next_of(m, ids[0], start + 1, last)) {
        /* Each next word at its first position after the one before, all
         * within the window from start (Xapian's PhrasePostList). */
        uint64_t end = start + window < last ? start + window : last;
        uint64_t pos = start;
        size_t i = 1;
        for (; i < n; i++) {
            pos = next_of(m, ids[i], pos + 1, end);
            if (pos >= end)
                break;
        }
        if (i == n)
            return 1;
    }
    return 0;
}

/* fh_word_map_phrase() with the n hashes read from bytes at hashes (4
 * each, native order, not necessarily aligned). */
static int phrase_of(const fh_word_map *m, const void *hashes, size_t n, uint32_t window)
{
    if (n == 0 || window < n)
        return 0;
    uint32_t small[16], *ids = n <= 16 ? small : malloc(n * sizeof *ids);
    if (ids == NULL)
        return 0;
    int found = 1;
    for (size_t i = 0; found && i < n; i++) {
        uint32_t h;
        memcpy(&h, (const char *)hashes + i * sizeof h, sizeof h);
        found = (ids[i] = fh_word_map_find(m, h)) != 0;
    }
    if (found)
        found = phrase_at(m, ids, n, window);
    if (ids != small)
        free(ids);
    return found;
}

int fh_word_map_phrase(const fh_word_map *m, const uint32_t *hashes, size_t n, uint32_t window)
{
    return phrase_of(m, hashes, n, window);
}

fh_status fh_word_map_phrase_encode(const uint32_t *hashes, uint32_t n, uint32_t window,
                                    fh_buf *out)
{
    fh_buf_append(out, &window, sizeof window);
    fh_buf_append(out, &n, sizeof n);
    fh_buf_append(out, hashes, (size_t)n * sizeof *hashes);
    return fh_buf_status(out);
}

int fh_word_map_check(const void *ctx, const char *value, size_t len)
{
    const char *c = ctx;
    uint32_t window, n;
    memcpy(&window, c, sizeof window);
    memcpy(&n, c + sizeof window, sizeof n);
    fh_word_map m;
    return fh_word_map_read(value, len, &m) == FH_OK &&
           phrase_of(&m, c + sizeof window + sizeof n, n, window);
}
