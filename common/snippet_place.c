/* snippet_place.c - placing a passage around a window of matches (see
 * snippet_internal.h): it starts at a sentence or word boundary, ends at a
 * word end with its closing punctuation, and holds at most max_chars units.
 * Only the few hundred bytes around a window are handed to ICU's sentence
 * break iterator. */
#include "snippet_internal.h"

#include <string.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

#include "analyzer_internal.h"
#include "status.h"
#include "units.h"

/* Extra code points of context given to the sentence break iterator before
 * the furthest boundary it may report, so that its rules see what precedes. */
#define SENTENCE_CONTEXT 16

static int is_space_cp(int32_t c)
{
    return c >= 0 && u_isUWhiteSpace(c);
}

/* A unit that must stay with the one before it: a combining mark, or a
 * joiner. */
static int is_mark_at(const unsigned char *s, size_t i, size_t len)
{
    if (i >= len || s[i] < 0x80)
        return 0;
    size_t size;
    int32_t c = fh_units_at(s, i, len, &size);
    if (c < 0)
        return 0;
    if (c == 0x200C || c == 0x200D)
        return 1;
    int8_t t = u_charType(c);
    return t == U_NON_SPACING_MARK || t == U_ENCLOSING_MARK || t == U_COMBINING_SPACING_MARK;
}

/* Punctuation that may close a passage after its last word: . ! ? ؟ ، ؛ ۔
 * … closing brackets and quotes. */
static int is_closing_punct(int32_t c)
{
    if (c < 0)
        return 0;
    int8_t t = u_charType(c);
    return t == U_END_PUNCTUATION || t == U_FINAL_PUNCTUATION || t == U_OTHER_PUNCTUATION;
}

/* Move *s (and its unit offset *cs) forward over white space, not past to. */
static void trim_start(const snip *S, size_t *s, size_t *cs, size_t to)
{
    while (*s < to) {
        size_t size;
        int32_t c = fh_units_at(S->text, *s, S->len, &size);
        if (!is_space_cp(c))
            break;
        *s += size;
        (*cs)++;
    }
}

/* Move *e (and *ce) back over white space, not before from. */
static void trim_end(const snip *S, size_t from, size_t *e, size_t *ce)
{
    while (*e > from) {
        size_t p = fh_units_before(S->text, from, *e, S->len);
        size_t size;
        int32_t c = fh_units_at(S->text, p, S->len, &size);
        if (size != *e - p || !is_space_cp(c))
            break;
        *e = p;
        (*ce)--;
    }
}

/* 1 if [from, to) holds nothing but white space. Stops at the first other
 * unit, so it is cheap however long the text is. */
int fh_snippet__only_space(const snip *S, size_t from, size_t to)
{
    size_t i = from, ci = 0;
    trim_start(S, &i, &ci, to);
    return i >= to;
}

/* The bounds of gap g, the free text between chosen passages g-1 and g. */
typedef struct gap_bounds {
    size_t lo, clo; /* bytes and units */
    size_t hi, chi;
} gap_bounds;

static gap_bounds gap_of(const snip *S, size_t g)
{
    gap_bounds b;
    b.lo = g > 0 ? S->placed[g - 1].end : 0;
    b.clo = g > 0 ? S->placed[g - 1].cend : 0;
    b.hi = g < S->nplaced ? S->placed[g].start : S->len;
    b.chi = g < S->nplaced ? S->placed[g].cstart : S->total_chars;
    return b;
}

/* Look for the sentence that token ti starts in: its start must lie in the
 * gap, at most max_chars/2 units before the token, not inside a word, and
 * leave room through token tj. On success *found is 1 and *s, *cs are the
 * boundary. Returns FH_OK, FH_ERR_NOMEM or FH_ERR_UNKNOWN. */
static fh_status sentence_start(snip *S, size_t ti, size_t tj, const gap_bounds *g, size_t *s,
                                size_t *cs, int *found)
{
    *found = 0;
    int rc = FH_OK;
    UErrorCode err = U_ZERO_ERROR;
    UText ut = UTEXT_INITIALIZER;
    int opened = 0;
    const tok *a = &S->toks[ti], *b = &S->toks[tj];
    size_t half = S->max_chars / 2;
    size_t need = tok_cend(b) - a->cstart;
    size_t p = a->start;

    /* half + SENTENCE_CONTEXT code points back (an invalid byte counts as
     * one, as everywhere here). */
    size_t lo = p;
    for (size_t k = 0; lo > 0 && k < half + SENTENCE_CONTEXT; k++)
        lo = fh_units_before(S->text, 0, lo, S->len);
    /* Only boundaries up to p count; the iterator's rules look a little
     * past one, so it sees SENTENCE_CONTEXT code points after p. */
    size_t hi = p;
    for (size_t k = 0; hi < S->len && k < SENTENCE_CONTEXT; k++)
        hi += fh_units_size(S->text, hi, S->len);
    if (hi - lo > INT32_MAX)
        goto out;

    if (S->sentences == NULL) {
        /* Opening a break iterator costs more than a snippet: reuse the
         * analyzer's. */
        S->sentences = fh_analyzer__sentences(S->analyzer);
        if (S->sentences == NULL) {
            rc = FH_ERR_UNKNOWN;
            goto out;
        }
    }
    /* Native indexes of a UTF-8 UText are byte offsets from lo. */
    utext_openUTF8(&ut, (const char *)S->text + lo, (int64_t)(hi - lo), &err);
    if (U_FAILURE(err)) {
        rc = err == U_MEMORY_ALLOCATION_ERROR ? FH_ERR_NOMEM : FH_ERR_UNKNOWN;
        goto out;
    }
    opened = 1;
    ubrk_setUText(S->sentences, &ut, &err);
    if (U_FAILURE(err)) {
        rc = FH_ERR_UNKNOWN;
        goto out;
    }
    size_t last = SIZE_MAX;
    for (int32_t r = ubrk_first(S->sentences); r != UBRK_DONE; r = ubrk_next(S->sentences)) {
        size_t at = lo + (size_t)r;
        if (at > p)
            break;
        /* The start of the region is a boundary only when it starts the text. */
        if (r > 0 || (lo == 0 && !S->clip_start))
            last = at;
    }
    if (last == SIZE_MAX || last < g->lo)
        goto out;
    size_t d = fh_units_count(S->text, last, p, S->len);
    if (d > half || d + need > S->max_chars)
        goto out;
    /* ICU may put a sentence break inside a word ("end.Next"): never cut it. */
    size_t k = ti;
    while (k > 0 && S->toks[k - 1].start >= last)
        k--;
    if (k > 0 && tok_end(&S->toks[k - 1]) > last)
        goto out;
    *s = last;
    *cs = a->cstart - d;
    *found = 1;
out:
    if (opened)
        utext_close(&ut);
    return rc;
}

/* The end of a passage starting at s (unit cs) whose words run from token
 * `from` on (which must fit): the whole rest of the gap when it fits, else
 * the end of the last word that fits, plus closing punctuation that fits.
 * *ran_out is 1 when no word of the gap is left after the end. */
static void place_end(const snip *S, size_t s, size_t cs, size_t from, const gap_bounds *g,
                      size_t *e, size_t *ce, int *ran_out)
{
    size_t limit = cs + S->max_chars;
    if (g->chi - cs <= S->max_chars) {
        *e = g->hi;
        *ce = g->chi;
        trim_end(S, s, e, ce);
        *ran_out = 1;
        return;
    }
    size_t k = from;
    while (k + 1 < S->ntoks && tok_end(&S->toks[k + 1]) <= g->hi &&
           tok_cend(&S->toks[k + 1]) <= limit)
        k++;
    *ran_out = !(k + 1 < S->ntoks && tok_end(&S->toks[k + 1]) <= g->hi);
    *e = tok_end(&S->toks[k]);
    *ce = tok_cend(&S->toks[k]);
    while (*e < g->hi && *ce < limit) {
        size_t size;
        int32_t c = fh_units_at(S->text, *e, S->len, &size);
        if (!is_closing_punct(c) || *e + size > g->hi || is_mark_at(S->text, *e + size, S->len))
            break;
        *e += size;
        (*ce)++;
    }
}

/* The passage for the window of matches mi..mj (in gap gi). */
fh_status fh_snippet__place_window(snip *S, size_t mi, size_t mj, size_t gi, placed *out)
{
    gap_bounds g = gap_of(S, gi);
    size_t ti = S->match[mi], tj = S->match[mj];
    const tok *a = &S->toks[ti];
    size_t need = tok_cend(&S->toks[tj]) - a->cstart;
    size_t s = 0, cs = 0, k = ti;
    int at_sentence = 0;
    int rc = sentence_start(S, ti, tj, &g, &s, &cs, &at_sentence);
    if (rc != FH_OK)
        return rc;
    if (at_sentence) {
        trim_start(S, &s, &cs, a->start);
    } else {
        /* Some context before the first match: about a quarter of the room
         * left, in whole words. */
        size_t lead = (S->max_chars - need) / 4;
        while (k > 0 && S->toks[k - 1].start >= g.lo && a->cstart - S->toks[k - 1].cstart <= lead)
            k--;
        s = S->toks[k].start;
        cs = S->toks[k].cstart;
    }
    size_t e, ce;
    int ran_out;
    place_end(S, s, cs, tj, &g, &e, &ce, &ran_out);
    if (!at_sentence && ran_out) {
        /* The gap ends before the room does: spend the rest before. */
        if (ce - g.clo <= S->max_chars) {
            s = g.lo;
            cs = g.clo;
            trim_start(S, &s, &cs, a->start);
        } else {
            while (k > 0 && S->toks[k - 1].start >= g.lo &&
                   ce - S->toks[k - 1].cstart <= S->max_chars)
                k--;
            s = S->toks[k].start;
            cs = S->toks[k].cstart;
        }
    }
    out->start = s;
    out->cstart = cs;
    out->end = e;
    out->cend = ce;
    return FH_OK;
}

/* The opening passage of the text, for when no match can be shown. Sets
 * *found to 0 when the text holds nothing but white space. */
void fh_snippet__place_opening(const snip *S, placed *out, int *found)
{
    gap_bounds g = {0, 0, S->len, S->total_chars};
    size_t s = 0, cs = 0, e, ce;
    trim_start(S, &s, &cs, S->len);
    *found = 0;
    if (s >= S->len)
        return;
    size_t first = 0;
    while (first < S->ntoks && S->toks[first].start < s)
        first++;
    if (g.chi - cs <= S->max_chars ||
        (first < S->ntoks && tok_cend(&S->toks[first]) <= cs + S->max_chars)) {
        int ran_out;
        place_end(S, s, cs, first, &g, &e, &ce, &ran_out);
    } else {
        /* No word fits: cut after max_chars units, never before a mark. */
        size_t i = s, ci = cs;
        e = s;
        ce = cs;
        while (i < S->len && ci - cs < S->max_chars) {
            i += fh_units_size(S->text, i, S->len);
            ci++;
            if (!is_mark_at(S->text, i, S->len)) {
                e = i;
                ce = ci;
            }
        }
        trim_end(S, s, &e, &ce);
    }
    if (e <= s)
        return;
    out->start = s;
    out->cstart = cs;
    out->end = e;
    out->cend = ce;
    *found = 1;
}
