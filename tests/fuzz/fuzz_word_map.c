/* fuzz_word_map.c - libFuzzer target: reading a page's word map
 * (word_map.h) as the index holds it, and checking phrases on it.
 *
 * Input: a byte for the phrase (low two bits + 1: its words; the next
 * three: how many positions its window has beyond them), then the value.
 *
 * Checked: reading gives FH_OK or FH_ERR_CORRUPT, never a crash; on FH_OK
 * every id read is at most the number of hashes, a hash found has an id
 * whose hash it is (in a damaged map whose hashes do not ascend one may be
 * missed), the positions of each word come ascending inside
 * the map, and a phrase of words the map holds (taken at a position, side
 * by side) is found there; the phrase check through fh_word_map_check()
 * agrees with fh_word_map_phrase(). Then the value's bytes, cut into words
 * at spaces, make a map that reads back word for word. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "word_map.h"

typedef struct walk {
    const fh_word_map *m;
    uint32_t last, id, n;
} walk;

static int on_position(void *ctx, uint32_t pos)
{
    walk *w = ctx;
    FUZZ_CHECK(pos >= w->m->first_pos && pos - w->m->first_pos < w->m->n_pos);
    FUZZ_CHECK(w->n == 0 || pos > w->last);
    FUZZ_CHECK(fh_word_map_at(w->m, pos) == w->id);
    w->last = pos;
    w->n++;
    return 0;
}

static uint32_t hash_of(const fh_word_map *m, uint32_t id)
{
    const unsigned char *p = m->hashes + 4 * (size_t)(id - 1);
    return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void check_read(const unsigned char *data, size_t size, size_t words, uint32_t extra)
{
    fh_word_map m;
    fh_status rc = fh_word_map_read((const char *)data, size, &m);
    FUZZ_CHECK(rc == FH_OK || rc == FH_ERR_CORRUPT);
    if (rc != FH_OK)
        return;
    for (uint32_t i = 0; i < m.n_pos && i < 4096; i++)
        FUZZ_CHECK(fh_word_map_at(&m, m.first_pos + i) <= m.n_hashes);
    for (uint32_t id = 1; id <= m.n_hashes && id <= 64; id++) {
        /* Hashes out of order may be missed, never found as another's. */
        uint32_t found = fh_word_map_find(&m, hash_of(&m, id));
        FUZZ_CHECK(found == 0 || hash_of(&m, found) == hash_of(&m, id));
        walk w = {&m, 0, found, 0};
        if (found != 0)
            fh_word_map_positions(&m, hash_of(&m, id), on_position, &w);
    }
    /* The words at the first positions, side by side: a phrase there when
     * each is the id its hash finds. */
    uint32_t hashes[4];
    int whole = m.n_pos >= words;
    for (size_t i = 0; whole && i < words; i++) {
        uint32_t id = fh_word_map_at(&m, m.first_pos + (uint32_t)i);
        whole = id != 0;
        if (whole) {
            hashes[i] = hash_of(&m, id);
            whole = fh_word_map_find(&m, hashes[i]) == id;
        }
    }
    if (!whole)
        return;
    uint32_t window = (uint32_t)words + extra;
    int found = fh_word_map_phrase(&m, hashes, words, window);
    FUZZ_CHECK(found == 1);
    fh_buf ctx = FH_BUF_INIT;
    FUZZ_CHECK(fh_word_map_phrase_encode(hashes, (uint32_t)words, window, &ctx) == FH_OK);
    FUZZ_CHECK(fh_word_map_check(ctx.data, (const char *)data, size) == found);
    fh_buf_free(&ctx);
}

/* The bytes cut into words at spaces, one position each (a gap after an
 * empty word): the map reads them back. */
static void check_round_trip(const unsigned char *data, size_t size)
{
    fh_word_map_builder b = FH_WORD_MAP_BUILDER_INIT;
    uint32_t pos = 1, n = 0;
    uint32_t at[512], hash[512];
    for (size_t i = 0; i < size && n < 512;) {
        size_t j = i;
        while (j < size && data[j] != ' ')
            j++;
        if (j > i) {
            FUZZ_CHECK(fh_word_map_add(&b, pos, (const char *)data + i, j - i) == FH_OK);
            at[n] = pos;
            hash[n++] = fh_word_map_hash((const char *)data + i, j - i);
        }
        pos++;
        i = j + 1;
    }
    fh_buf v = FH_BUF_INIT;
    FUZZ_CHECK(fh_word_map_encode(&b, &v) == FH_OK);
    if (n == 0) {
        FUZZ_CHECK(v.len == 0);
    } else {
        fh_word_map m;
        FUZZ_CHECK(fh_word_map_read(v.data, v.len, &m) == FH_OK);
        FUZZ_CHECK(m.first_pos == at[0] && m.n_pos == at[n - 1] - at[0] + 1);
        for (uint32_t k = 0; k < n; k++)
            FUZZ_CHECK(fh_word_map_at(&m, at[k]) == fh_word_map_find(&m, hash[k]) &&
                       fh_word_map_at(&m, at[k]) != 0);
    }
    fh_buf_free(&v);
    fh_word_map_builder_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    size_t words = (data[0] & 3) + 1;
    uint32_t extra = (data[0] >> 2) & 7;
    check_read(data + 1, size - 1, words, extra);
    check_round_trip(data + 1, size - 1);
    return 0;
}
