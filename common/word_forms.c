/* word_forms.c - other spellings of a word that an index holds (see
 * word_forms.h). */
#include "word_forms.h"

#include <string.h>

#include "arabic_stem.h"
#include "buf.h"
#include "document.h"

#define HEH "\xd9\x87" /* ه */

/* How much more often than the other a word or its clitic form may be held
 * and the two still be one word (fh_word_forms_arabic()). */
#define CLITIC_RATIO 4

static uint32_t term_freq(fh_db *db, const fh_buf *t)
{
    uint32_t freq = 0;
    if (fh_buf_status(t) != FH_OK || fh_db_term_freq(db, t->data, t->len, &freq) != FH_OK)
        return 0;
    return freq;
}

fh_status fh_word_forms_arabic(fh_db *db, const char *term, fh_word_forms_fn fn, void *ctx)
{
    static const char *const heads[] = {"\xd9\x8a", "\xd8\xaa", "\xd9\x86"}; /* ي ت ن */
    static const char *const clitics[] = {"\xd9\x88", "\xd8\xa8", "\xd9\x84", "\xd9\x81",
                                          "\xd9\x83"}; /* و ب ل ف ك */
    size_t len = strlen(term);
    if (db == NULL || len < 6 || (unsigned char)term[0] < 0xd8 || (unsigned char)term[0] > 0xdb)
        return FH_OK;
    fh_buf t = FH_BUF_INIT;
    fh_status rc = FH_OK;
    fh_buf_puts(&t, term);
    uint32_t freq = term_freq(db, &t);
    /* Candidates: 0-2 a head put before, 3 the first letter (a clitic)
     * taken off, 4-6 a clitic و ب ل put before (ف and ك found no more). A
     * word and its form with a clitic are one word when neither is held
     * more than CLITIC_RATIO times as often as the other (or the index
     * lacks the word): وقال (7,500 pages of newsmix) is قال (4,000), but
     * وزير (3,562) is not زير (20), nor وزارة (3,939) زارة (19), nor
     * واشنطن اشنطن (none). */
    for (size_t i = 0; rc == FH_OK && i < 7; i++) {
        fh_buf_reset(&t);
        if (i < 3) {
            fh_buf_puts(&t, heads[i]);
            fh_buf_puts(&t, term);
        } else if (i == 3) {
            int clitic = 0;
            for (size_t c = 0; c < sizeof clitics / sizeof clitics[0]; c++)
                clitic |= memcmp(term, clitics[c], 2) == 0;
            if (!clitic || (len - 2) / 2 < FH_ARABIC_MIN_STEM)
                continue;
            fh_buf_puts(&t, term + 2);
        } else {
            fh_buf_puts(&t, clitics[i - 4]);
            fh_buf_puts(&t, term);
        }
        rc = fh_buf_status(&t);
        uint32_t f = term_freq(db, &t);
        if (f == 0 || (i == 3 && (uint64_t)f * CLITIC_RATIO < freq) ||
            (i > 3 && freq > 0 && f > (uint64_t)freq * CLITIC_RATIO))
            continue;
        if (fn(ctx, t.data, t.len) != 0)
            break;
    }
    fh_buf_free(&t);
    return rc;
}

fh_status fh_word_forms_arabic_heh(fh_db *db, const char *term, int *more, fh_word_forms_fn fn,
                                   void *ctx)
{
    *more = 0;
    size_t len = strlen(term);
    if (db == NULL || len < 6 || (unsigned char)term[0] < 0xd8 || (unsigned char)term[0] > 0xdb)
        return FH_OK;
    fh_buf t = FH_BUF_INIT;
    if (memcmp(term + len - 2, HEH, 2) == 0) {
        fh_buf_append(&t, term, len - 2); /* the heh kept: the word without it */
    } else {
        fh_buf_puts(&t, term); /* the heh taken off: the word with it */
        fh_buf_puts(&t, HEH);
    }
    fh_status rc = fh_buf_status(&t);
    uint32_t f = rc == FH_OK ? term_freq(db, &t) : 0;
    if (f > 0) {
        fh_buf whole = FH_BUF_INIT;
        fh_buf_puts(&whole, term);
        *more = f > term_freq(db, &whole);
        fh_buf_free(&whole);
        fn(ctx, t.data, t.len);
    }
    fh_buf_free(&t);
    return rc;
}

/* Whether db holds word (len bytes) as the exact term of a title word. */
static int exact_held(fh_db *db, const char *word, size_t len, fh_buf *t)
{
    fh_buf_reset(t);
    fh_document_exact_term(word, len, t);
    return term_freq(db, t) > 0;
}

fh_status fh_word_forms_arabic_exact(fh_db *db, const char *norm, fh_word_forms_fn fn, void *ctx)
{
    static const char *const conjunctions[] = {"\xd9\x88", "\xd9\x81"};          /* و ف */
    static const char *const particles[] = {"\xd8\xa8", "\xd9\x83", "\xd9\x84"}; /* ب ك ل */
    static const char article[] = "\xd8\xa7\xd9\x84";                            /* ال */
    size_t len = strlen(norm);
    if (db == NULL || len < 8 || (unsigned char)norm[0] < 0xd8 || (unsigned char)norm[0] > 0xdb)
        return FH_OK;
    fh_buf t = FH_BUF_INIT;
    if (exact_held(db, norm, len, &t) || fh_buf_status(&t) != FH_OK)
        goto out;
    /* Off come a conjunction, then a particle, then the article: ل before
     * the article drops its alef (للمدرسة), which comes back. Each form
     * keeps FH_ARABIC_MIN_STEM letters; the first the index holds wins. */
    const char *w = norm;
    for (size_t i = 0; i < 2; i++)
        if (memcmp(w, conjunctions[i], 2) == 0) {
            w += 2;
            break;
        }
    int lam_article = 0;
    for (size_t i = 0; i < 3; i++)
        if (memcmp(w, particles[i], 2) == 0 && (size_t)(norm + len - w) >= 8) {
            lam_article = i == 2 && memcmp(w + 2, "\xd9\x84", 2) == 0; /* لل */
            w += 2;
            break;
        }
    size_t left = (size_t)(norm + len - w);
    if (lam_article && left / 2 >= FH_ARABIC_MIN_STEM + 1) {
        fh_buf form = FH_BUF_INIT;
        fh_buf_puts(&form, "\xd8\xa7"); /* the alef back: ل + المدرسة */
        fh_buf_append(&form, w, left);
        int held = fh_buf_status(&form) == FH_OK && exact_held(db, form.data, form.len, &t);
        if (held)
            fn(ctx, form.data, form.len);
        fh_buf_free(&form);
        if (held)
            goto out;
        w += 2; /* the article's lam */
        left -= 2;
    } else if (w != norm && left / 2 >= FH_ARABIC_MIN_STEM && exact_held(db, w, left, &t)) {
        fn(ctx, w, left);
        goto out;
    } else if (left >= 4 && memcmp(w, article, 4) == 0) {
        w += 4;
        left -= 4;
    } else {
        goto out;
    }
    if (w != norm && left / 2 >= FH_ARABIC_MIN_STEM && exact_held(db, w, left, &t))
        fn(ctx, w, left);
out:;
    fh_status rc = fh_buf_status(&t);
    fh_buf_free(&t);
    return rc;
}

/* The one term the analyzer makes of a word, into *out ("" if not one). */
static int first_term(void *ctx, const fh_token *t)
{
    fh_buf *out = ctx;
    if (out->len > 0) {
        fh_buf_reset(out);
        return 1; /* more than one word */
    }
    fh_buf_append(out, t->term, t->term_len);
    return 0;
}

/* A plural Snowball leaves alone: a word ending in s with no vowel before
 * it (qtrs, mlns, 1sts, dvds), where Snowball cannot tell the s from part
 * of the word. */
static int is_vowelless_plural(const char *norm, size_t len)
{
    if (len < 3 || norm[len - 1] != 's' || norm[len - 2] == 's')
        return 0;
    for (size_t i = 0; i + 1 < len; i++)
        if (strchr("aeiouy", norm[i]) != NULL)
            return 0;
    return 1;
}

fh_status fh_word_forms_latin(fh_analyzer *a, fh_db *db, const char *term, const char *norm,
                              fh_word_forms_fn fn, void *ctx)
{
    size_t len = strlen(norm);
    unsigned char c = (unsigned char)term[0];
    int plural = is_vowelless_plural(norm, len);
    uint32_t freq = 0;
    if (db == NULL || len < 3 || !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ||
        fh_db_term_freq(db, term, strlen(term), &freq) != FH_OK || (freq > 0 && !plural))
        return FH_OK;
    fh_buf word = FH_BUF_INIT, stem = FH_BUF_INIT;
    fh_status rc = FH_OK;
    for (int i = 0; rc == FH_OK && i < 2; i++) {
        fh_buf_reset(&word);
        if (i == 0 && norm[len - 1] == 's')
            fh_buf_append(&word, norm, len - 1);
        else if (i == 1 && norm[len - 1] != 's')
            fh_buf_printf(&word, "%ss", norm);
        else
            continue;
        fh_buf_reset(&stem);
        rc = fh_buf_status(&word);
        if (rc == FH_OK)
            rc = fh_analyzer_run(a, word.data, word.len, FH_ANALYZE_QUERY, 0, first_term, &stem,
                                 NULL);
        if (rc != FH_OK || fh_buf_status(&stem) != FH_OK || stem.len == 0 ||
            (stem.len == strlen(term) && memcmp(stem.data, term, stem.len) == 0))
            continue;
        freq = 0;
        if (fh_db_term_freq(db, stem.data, stem.len, &freq) == FH_OK && freq > 0 &&
            fn(ctx, stem.data, stem.len) != 0)
            break;
    }
    fh_buf_free(&word);
    fh_buf_free(&stem);
    return rc;
}
