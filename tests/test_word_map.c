/* Tests of word_map.h: a page's words by position, read back, and phrases
 * matched on it as Xapian's OP_PHRASE matches them on positions (through
 * fh_xquery_value_check() too). */
#define _XOPEN_SOURCE 700 /* nftw */

#include <criterion/criterion.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"
#include "store.h"
#include "word_map.h"
#define TMPDIR_PREFIX "fh_word_map_"
#include "tmpdir.h"
#include "tmpdb.h"

/* The map of words[0..n) at positions pos[0..n). */
static void make_map(const char *const *words, const uint32_t *pos, size_t n, fh_buf *out)
{
    fh_word_map_builder b = FH_WORD_MAP_BUILDER_INIT;
    for (size_t i = 0; i < n; i++)
        cr_assert_eq(fh_word_map_add(&b, pos[i], words[i], strlen(words[i])), FH_OK);
    cr_assert_eq(fh_word_map_encode(&b, out), FH_OK);
    fh_word_map_builder_free(&b);
}

static uint32_t h(const char *w)
{
    return fh_word_map_hash(w, strlen(w));
}

typedef struct pos_list {
    uint32_t pos[16];
    size_t n;
} pos_list;

static int collect(void *ctx, uint32_t pos)
{
    pos_list *l = ctx;
    l->pos[l->n++] = pos;
    return l->n == 16;
}

Test(word_map, words_and_positions_read_back)
{
    /* A title of two words at 1 and 2, the body from 4 on. */
    const char *words[] = {"oil", "price", "the", "oil", "price", "rose"};
    uint32_t pos[] = {1, 2, 4, 5, 6, 7};
    fh_buf v = FH_BUF_INIT;
    make_map(words, pos, 6, &v);
    /* width, first, count, hashes, then 7 one-byte ids. */
    cr_assert_eq(v.len, 1 + 1 + 1 + 1 + 4 * 4 + 7);
    fh_word_map m;
    cr_assert_eq(fh_word_map_read(v.data, v.len, &m), FH_OK);
    cr_assert_eq(m.width, 1);
    cr_assert_eq(m.first_pos, 1);
    cr_assert_eq(m.n_pos, 7);
    cr_assert_eq(m.n_hashes, 4);
    uint32_t oil = fh_word_map_find(&m, h("oil"));
    cr_assert_neq(oil, 0);
    cr_assert_eq(fh_word_map_at(&m, 1), oil);
    cr_assert_eq(fh_word_map_at(&m, 5), oil);
    cr_assert_eq(fh_word_map_at(&m, 3), 0); /* the gap */
    cr_assert_eq(fh_word_map_at(&m, 0), 0);
    cr_assert_eq(fh_word_map_at(&m, 8), 0);
    cr_assert_eq(fh_word_map_find(&m, h("gas")), 0);
    pos_list l = {{0}, 0};
    fh_word_map_positions(&m, h("price"), collect, &l);
    cr_assert_eq(l.n, 2);
    cr_assert_eq(l.pos[0], 2);
    cr_assert_eq(l.pos[1], 6);
    l.n = 0;
    fh_word_map_positions(&m, h("gas"), collect, &l);
    cr_assert_eq(l.n, 0);
    fh_buf_free(&v);
}

Test(word_map, ids_widen_with_the_words)
{
    fh_word_map_builder b = FH_WORD_MAP_BUILDER_INIT;
    char w[16];
    for (uint32_t i = 0; i < 300; i++) {
        snprintf(w, sizeof w, "w%u", i);
        cr_assert_eq(fh_word_map_add(&b, 10 + i, w, strlen(w)), FH_OK);
    }
    fh_buf v = FH_BUF_INIT;
    cr_assert_eq(fh_word_map_encode(&b, &v), FH_OK);
    fh_word_map m;
    cr_assert_eq(fh_word_map_read(v.data, v.len, &m), FH_OK);
    cr_assert_eq(m.width, 2);
    cr_assert_eq(m.first_pos, 10);
    cr_assert_eq(m.n_pos, 300);
    cr_assert_eq(fh_word_map_at(&m, 10 + 299), fh_word_map_find(&m, h("w299")));
    cr_assert_neq(fh_word_map_find(&m, h("w299")), 0);
    /* One-byte ids for 300 words (ascending hashes 1 to 300), which they
     * cannot number: damaged. */
    fh_buf narrow = FH_BUF_INIT;
    fh_buf_putc(&narrow, 1);
    fh_buf_put_varint(&narrow, 1);
    fh_buf_put_varint(&narrow, 2);
    fh_buf_put_varint(&narrow, 300);
    for (uint32_t i = 1; i <= 300; i++)
        fh_buf_append(&narrow, (char[4]){(char)i, (char)(i >> 8), 0, 0}, 4);
    fh_buf_append(&narrow, "\x2c\x02", 2);
    cr_assert_eq(fh_word_map_read(narrow.data, narrow.len, &m), FH_ERR_CORRUPT);
    narrow.data[0] = 2; /* two-byte ids, and two more bytes for them: sound */
    fh_buf_append(&narrow, "\0\0", 2);
    cr_assert_eq(fh_word_map_read(narrow.data, narrow.len, &m), FH_OK);
    cr_assert_eq(m.n_hashes, 300);
    fh_buf_free(&narrow);
    /* Reused: the same builder, reset, for a page of one word. */
    fh_word_map_reset(&b);
    fh_buf_reset(&v);
    cr_assert_eq(fh_word_map_add(&b, 1, "x", 1), FH_OK);
    cr_assert_eq(fh_word_map_encode(&b, &v), FH_OK);
    cr_assert_eq(fh_word_map_read(v.data, v.len, &m), FH_OK);
    cr_assert_eq(m.width, 1);
    cr_assert_eq(m.n_pos, 1);
    cr_assert_eq(m.n_hashes, 1);
    /* No word: no map. */
    fh_word_map_reset(&b);
    fh_buf_reset(&v);
    cr_assert_eq(fh_word_map_encode(&b, &v), FH_OK);
    cr_assert_eq(v.len, 0);
    fh_buf_free(&v);
    fh_word_map_builder_free(&b);
}

Test(word_map, positions_out_of_order_are_refused)
{
    fh_word_map_builder b = FH_WORD_MAP_BUILDER_INIT;
    cr_assert_eq(fh_word_map_add(&b, 0, "a", 1), FH_ERR_INVALID);
    cr_assert_eq(fh_word_map_add(&b, 5, "a", 1), FH_OK);
    cr_assert_eq(fh_word_map_add(&b, 5, "b", 1), FH_ERR_INVALID);
    cr_assert_eq(fh_word_map_add(&b, 4, "b", 1), FH_ERR_INVALID);
    cr_assert_eq(b.n, 1);
    fh_word_map_builder_free(&b);
}

Test(word_map, damaged_values_are_refused)
{
    const char *words[] = {"a", "b", "a"};
    uint32_t pos[] = {1, 2, 3};
    fh_buf v = FH_BUF_INIT;
    make_map(words, pos, 3, &v);
    fh_word_map m;
    cr_assert_eq(fh_word_map_read(v.data, v.len, &m), FH_OK);
    for (size_t cut = 0; cut < v.len; cut++)
        cr_assert_eq(fh_word_map_read(v.data, cut, &m), FH_ERR_CORRUPT, "cut at %zu", cut);
    char longer[64];
    memcpy(longer, v.data, v.len);
    longer[v.len] = 1;
    cr_assert_eq(fh_word_map_read(longer, v.len + 1, &m), FH_ERR_CORRUPT);
    for (int width = 0; width <= 4; width += 4) {
        longer[0] = (char)width;
        cr_assert_eq(fh_word_map_read(longer, v.len, &m), FH_ERR_CORRUPT);
    }
    cr_assert_eq(fh_word_map_read(NULL, 0, &m), FH_ERR_CORRUPT);
    /* Hashes out of order (the first two swapped): read, each still found
     * with the id it is at, never another's. */
    memcpy(longer, v.data, v.len);
    memcpy(longer + 4, v.data + 8, 4);
    memcpy(longer + 8, v.data + 4, 4);
    cr_assert_eq(fh_word_map_read(longer, v.len, &m), FH_OK);
    for (uint32_t id = 1; id <= 2; id++) {
        uint32_t hash;
        memcpy(&hash, longer + 4 * id, 4); /* little-endian here */
        uint32_t found = fh_word_map_find(&m, hash);
        cr_assert(found == 0 || found == id, "id %u found as %u", id, found);
    }
    /* An id past the hashes is no word. */
    memcpy(longer, v.data, v.len);
    longer[v.len - 1] = 9;
    cr_assert_eq(fh_word_map_read(longer, v.len, &m), FH_OK);
    cr_assert_eq(fh_word_map_at(&m, 3), 0);
    fh_buf_free(&v);
}

/* "a b" side by side; in order within a window; not across a gap. */
Test(word_map, phrases_in_order_within_the_window)
{
    const char *words[] = {"a", "x", "b", "c", "a", "b", "d"};
    uint32_t pos[] = {1, 2, 3, 5, 6, 7, 8}; /* nothing at 4 */
    fh_buf v = FH_BUF_INIT;
    make_map(words, pos, 7, &v);
    fh_word_map m;
    cr_assert_eq(fh_word_map_read(v.data, v.len, &m), FH_OK);
    uint32_t ab[] = {h("a"), h("b")}, ba[] = {h("b"), h("a")}, bc[] = {h("b"), h("c")};
    uint32_t aa[] = {h("a"), h("a")}, abd[] = {h("a"), h("b"), h("d")}, cz[] = {h("c"), h("z")};
    cr_assert_eq(fh_word_map_phrase(&m, ab, 2, 2), 1); /* at 6-7 */
    cr_assert_eq(fh_word_map_phrase(&m, ba, 2, 2), 0); /* b at 3, a at 6: not side by side */
    cr_assert_eq(fh_word_map_phrase(&m, ba, 2, 3), 0); /* 3 to 6 spans 4 */
    cr_assert_eq(fh_word_map_phrase(&m, ba, 2, 4), 1); /* ... within 4 */
    cr_assert_eq(fh_word_map_phrase(&m, bc, 2, 2), 0); /* the gap at 4 between */
    cr_assert_eq(fh_word_map_phrase(&m, bc, 2, 3), 1); /* b at 3, c at 5 */
    cr_assert_eq(fh_word_map_phrase(&m, aa, 2, 5), 0); /* a at 1 and 6: spans 6 */
    cr_assert_eq(fh_word_map_phrase(&m, aa, 2, 6), 1);
    cr_assert_eq(fh_word_map_phrase(&m, abd, 3, 3), 1); /* 6, 7, 8 */
    cr_assert_eq(fh_word_map_phrase(&m, cz, 2, 9), 0);  /* a word the page lacks */
    cr_assert_eq(fh_word_map_phrase(&m, ab, 2, 1), 0);  /* a window below the words */
    fh_buf_free(&v);
}

/* Random pages over five words, each with its positions in Xapian and its
 * map; every phrase of two and three words in windows of n to n + 3 finds
 * the same pages by OP_PHRASE as by the map, alone and through
 * fh_xquery_value_check(). */
TestSuite(word_map_xapian, .init = tmpdir_make, .fini = tmpdir_remove);

#define PAGES 300
#define WORDS 5

static size_t matches(fh_db *db, fh_xquery *q, unsigned char *hit)
{
    fh_db_search_opts o;
    fh_db_search_opts_init(&o);
    fh_results *r = NULL;
    cr_assert_eq(fh_db_search(db, q, &o, 0, PAGES + 1, &r), FH_OK, "%s", fh_db_errmsg(db));
    size_t n = fh_results_size(r);
    memset(hit, 0, PAGES + 1);
    for (size_t i = 0; i < n; i++) {
        fh_results_item it;
        cr_assert_eq(fh_results_hit(r, i, &it), FH_OK);
        hit[it.docid] = 1;
    }
    fh_results_free(r);
    fh_xquery_free(q);
    return n;
}

Test(word_map_xapian, phrases_match_as_xapian_positions_do)
{
    static const char *vocab[WORDS] = {"a", "b", "c", "d", "e"};
    static char values[PAGES + 1][64];
    static size_t value_len[PAGES + 1];
    fh_db *db = tmpdb_open();
    srand(7);
    for (int p = 1; p <= PAGES; p++) {
        fh_doc *doc = fh_doc_new();
        const char *words[12];
        uint32_t pos[12];
        size_t n = 2 + (size_t)(rand() % 10);
        uint32_t at = 1;
        for (size_t i = 0; i < n; i++) {
            at += rand() % 4 == 0 ? 2 : 1; /* now and then a gap */
            words[i] = vocab[rand() % WORDS];
            pos[i] = at;
            cr_assert_eq(fh_doc_add_posting(doc, words[i], 1, at, 1), FH_OK);
        }
        fh_buf v = FH_BUF_INIT;
        make_map(words, pos, n, &v);
        cr_assert_lt(v.len, sizeof values[p]);
        memcpy(values[p], v.data, v.len);
        value_len[p] = v.len;
        cr_assert_eq(fh_doc_set_value(doc, FH_SLOT_WORD_MAP, v.data, v.len), FH_OK);
        fh_buf_free(&v);
        fh_docid id = 0;
        char key[16];
        snprintf(key, sizeof key, "Q%d", p);
        cr_assert_eq(fh_db_replace_by_key(db, key, strlen(key), doc, &id), FH_OK);
        cr_assert_eq(id, (fh_docid)p);
        fh_doc_free(doc);
    }
    cr_assert_eq(fh_db_commit(db), FH_OK);
    unsigned char by_pos[PAGES + 1], by_map[PAGES + 1];
    size_t phrases = 0, found = 0;
    for (size_t len = 2; len <= 3; len++) {
        for (int combo = 0; combo < 25; combo++) {
            const char *ph[3];
            size_t lens[3];
            uint32_t hashes[3];
            for (size_t i = 0; i < len; i++) {
                ph[i] = vocab[(combo / (i ? 5 : 1) + i * 3) % WORDS];
                lens[i] = 1;
                hashes[i] = h(ph[i]);
            }
            for (uint32_t window = (uint32_t)len; window <= len + 3; window++) {
                fh_xquery *t[3], *q = NULL, *parts[2] = {NULL, NULL}, *f = NULL;
                for (size_t i = 0; i < len; i++)
                    cr_assert_eq(fh_xquery_term(ph[i], 1, 1, &t[i]), FH_OK);
                cr_assert_eq(fh_xquery_combine(FH_XQUERY_PHRASE, t, len, window, &q), FH_OK);
                size_t n_pos = matches(db, q, by_pos);
                fh_buf ctx = FH_BUF_INIT;
                cr_assert_eq(fh_word_map_phrase_encode(hashes, (uint32_t)len, window, &ctx), FH_OK);
                cr_assert_eq(fh_xquery_combine(FH_XQUERY_AND, t, len, 0, &parts[0]), FH_OK);
                cr_assert_eq(fh_xquery_value_check(ph, lens, len, FH_SLOT_WORD_MAP,
                                                   fh_word_map_check, ctx.data, ctx.len, &parts[1]),
                             FH_OK);
                cr_assert_eq(fh_xquery_combine(FH_XQUERY_FILTER, parts, 2, 0, &f), FH_OK);
                size_t n_map = matches(db, f, by_map);
                /* The value check leading the match (alone). */
                fh_xquery *alone = NULL;
                cr_assert_eq(fh_xquery_value_check(ph, lens, len, FH_SLOT_WORD_MAP,
                                                   fh_word_map_check, ctx.data, ctx.len, &alone),
                             FH_OK);
                unsigned char by_check[PAGES + 1];
                size_t n_alone = matches(db, alone, by_check);
                cr_assert_eq(n_map, n_pos, "%zu words, window %u", len, window);
                cr_assert_eq(n_alone, n_pos, "%zu words, window %u", len, window);
                for (int p = 1; p <= PAGES; p++) {
                    cr_assert_eq(by_map[p], by_pos[p], "page %d", p);
                    cr_assert_eq(by_check[p], by_pos[p], "page %d", p);
                    fh_word_map m;
                    cr_assert_eq(fh_word_map_read(values[p], value_len[p], &m), FH_OK);
                    cr_assert_eq(fh_word_map_phrase(&m, hashes, len, window), by_pos[p]);
                }
                phrases++;
                found += n_pos;
                for (size_t i = 0; i < len; i++)
                    fh_xquery_free(t[i]);
                fh_xquery_free(parts[0]);
                fh_xquery_free(parts[1]);
                fh_buf_free(&ctx);
            }
        }
    }
    cr_assert_eq(phrases, 200);
    cr_assert_eq(found, 9800); /* srand(7): pages matched in all */
    fh_db_close(db);
}
