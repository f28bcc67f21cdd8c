/* arabic_stem.c - fihris's Arabic light stemmer (see arabic_stem.h). */
#include "arabic_stem.h"

#include <stdint.h>
#include <string.h>

#define MAX_LETTERS 64

enum {
    ALEF = 0x0627,
    BEH = 0x0628,
    TEH_MARBUTA = 0x0629,
    TEH = 0x062A,
    FEH = 0x0641,
    KAF = 0x0643,
    LAM = 0x0644,
    MEEM = 0x0645,
    NOON = 0x0646,
    HEH = 0x0647,
    WAW = 0x0648,
    YEH = 0x064A,
};

/* Affixes, in letters; 0 ends each. */
static const uint16_t articles[][4] = {
    {WAW, ALEF, LAM}, {BEH, ALEF, LAM}, {KAF, ALEF, LAM}, {FEH, ALEF, LAM}, {LAM, LAM}, {ALEF, LAM},
};
static const uint16_t pronouns[][4] = {
    {HEH, MEEM, ALEF}, {HEH, MEEM}, {HEH, NOON}, {HEH, ALEF}, {HEH},
};
static const uint16_t plurals[][4] = {
    {ALEF, TEH}, {WAW, NOON}, {YEH, NOON}, {ALEF, NOON},
};

/* A word [s, e) of letters. */
typedef struct word {
    uint16_t l[MAX_LETTERS];
    size_t s, e;
} word;

static size_t affix_len(const uint16_t *a)
{
    size_t n = 0;
    while (n < 4 && a[n])
        n++;
    return n;
}

static int starts_with(const word *w, const uint16_t *a, size_t n)
{
    return w->e - w->s >= n && memcmp(w->l + w->s, a, n * sizeof *a) == 0;
}

static int ends_with(const word *w, const uint16_t *a, size_t n)
{
    return w->e - w->s >= n && memcmp(w->l + w->e - n, a, n * sizeof *a) == 0;
}

static void strip_article(word *w)
{
    for (size_t i = 0; i < sizeof articles / sizeof articles[0]; i++) {
        size_t n = affix_len(articles[i]);
        if (starts_with(w, articles[i], n)) {
            if (w->e - w->s >= n + FH_ARABIC_MIN_STEM)
                w->s += n;
            return;
        }
    }
}

/* Take off one pronoun suffix; returns 1 when one came off. A teh then
 * left at the end was a teh marbuta, or ends a plural ات. */
static int strip_pronoun(word *w)
{
    for (size_t i = 0; i < sizeof pronouns / sizeof pronouns[0]; i++) {
        size_t n = affix_len(pronouns[i]);
        size_t keep = n == 1 ? FH_ARABIC_MIN_STEM_LONG : FH_ARABIC_MIN_STEM;
        if (!ends_with(w, pronouns[i], n) || w->e - w->s < n + keep)
            continue;
        w->e -= n;
        size_t left = w->e - w->s;
        if (w->l[w->e - 1] == TEH && left >= FH_ARABIC_MIN_STEM + 1) {
            if (w->l[w->e - 2] == ALEF && left >= FH_ARABIC_MIN_STEM + 2)
                w->e -= 2;
            else
                w->l[w->e - 1] = TEH_MARBUTA;
        }
        return 1;
    }
    return 0;
}

static void strip_plural(word *w)
{
    for (size_t i = 0; i < sizeof plurals / sizeof plurals[0]; i++) {
        size_t n = affix_len(plurals[i]);
        size_t keep = i == 0 ? FH_ARABIC_MIN_STEM : FH_ARABIC_MIN_STEM_LONG;
        if (ends_with(w, plurals[i], n) && w->e - w->s >= n + keep) {
            w->e -= n;
            return;
        }
    }
}

size_t fh_arabic_stem(const char *in, size_t len, char *out)
{
    word w;
    w.s = 0, w.e = 0;
    const unsigned char *p = (const unsigned char *)in;
    for (size_t i = 0; i < len; i += 2) {
        /* U+0600-U+06FF are the two-byte sequences D8 80 to DB BF. */
        if (i + 1 >= len || p[i] < 0xD8 || p[i] > 0xDB || (p[i + 1] & 0xC0) != 0x80 ||
            w.e == MAX_LETTERS) {
            memcpy(out, in, len);
            return len;
        }
        w.l[w.e++] = (uint16_t)(((p[i] & 0x1F) << 6) | (p[i + 1] & 0x3F));
    }
    strip_article(&w);
    if (!strip_pronoun(&w))
        strip_plural(&w);
    size_t n = 0;
    for (size_t i = w.s; i < w.e; i++) {
        out[n++] = (char)(0xC0 | (w.l[i] >> 6));
        out[n++] = (char)(0x80 | (w.l[i] & 0x3F));
    }
    return n;
}
