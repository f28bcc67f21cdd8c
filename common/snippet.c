/* snippet.c - choosing passages of a page's stored text and marking the
 * words a query matched (see snippet.h).
 *
 * One analyzer run collects every word token with its byte span, its offset
 * in code points and the query term it matched. A two-pointer sweep over the
 * matched tokens finds the best window; the window is then widened to a
 * passage of at most max_chars code points that starts at a sentence or word
 * boundary and ends at a word end. Only the few hundred bytes around a
 * window are handed to ICU's sentence break iterator: a page is never
 * converted to UTF-16.
 *
 * Characters are counted in "units": a well-formed UTF-8 sequence is one
 * unit, and so is every byte that is not part of one. Every boundary this
 * file moves to is a unit boundary, so a valid sequence is never split. */
#include "snippet.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uchar.h>
#include <unicode/utext.h>

#include "analyzer_internal.h"
#include "buf.h"
#include "status.h"

#define DEFAULT_MAX_CHARS 200
/* Weights are clamped to this so that adding and removing them in the sweep
 * never overflows to infinity (and inf - inf never gives NaN). */
#define MAX_WEIGHT 1e12
/* Extra code points of context given to the sentence break iterator before
 * the furthest boundary it may report, so that its rules see what precedes. */
#define SENTENCE_CONTEXT 16

/* One word token. Offsets are size_t; the lengths fit 16 bits because the
 * analyzer never emits a word longer than FH_MAX_WORD_BYTES. */
typedef struct tok {
    size_t start;  /* byte offset in the text */
    size_t cstart; /* code point (unit) offset in the text */
    uint16_t len;  /* bytes */
    uint16_t clen; /* units */
    int32_t term;  /* the matched term (a canonical index), or -1 */
} tok;

/* A passage chosen so far: bytes [start, end), units [cstart, cend). */
typedef struct placed {
    size_t start, end;
    size_t cstart, cend;
} placed;

typedef struct snip {
    const unsigned char *text;
    size_t len;
    const fh_snippet_term *terms;
    size_t n;
    size_t max_chars;
    size_t *canon;  /* n: the first term equal to each term */
    double *weight; /* n: clamped weights, by canonical index */

    tok *toks; /* every word token, in text order */
    size_t ntoks, tcap;
    size_t pos, cpos;   /* how far units were counted while collecting */
    size_t total_chars; /* units in the whole text */
    int status;

    size_t *match; /* token indices of the matched tokens */
    size_t nmatch, mcap;
    unsigned char *covered; /* nmatch: inside a chosen passage */
    size_t *gap;            /* nmatch: the gap between passages it lies in */
    size_t *count;          /* n: matches of each term in the current window */

    UBreakIterator *sentences; /* the analyzer's, set on first use */
    fh_analyzer *analyzer;
    int clip_start;                /* the text goes on before text[0] */
    int clip_end;                  /* and after text[len - 1] */
    size_t base;                   /* where text[0] is in the caller's text */
    const fh_snippet_known *known; /* matches given by the caller, or NULL */
    size_t n_known, next_known;

    placed *placed; /* chosen passages, sorted by start */
    size_t nplaced;
} snip;

void fh_snippet_opts_init(fh_snippet_opts *opts)
{
    opts->max_chars = DEFAULT_MAX_CHARS;
    opts->max_passages = 1;
    opts->region_start = 0;
    opts->region_end = 0;
    opts->known = NULL;
    opts->n_known = 0;
    opts->word_starts = NULL;
    opts->n_word_starts = 0;
}

void fh_snippet_clear(fh_snippet *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n_passages; i++)
        free(s->passages[i].highlights);
    free(s->passages);
    memset(s, 0, sizeof *s);
}

/* ---- UTF-8 units ---- */

static int is_cont(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}

/* unit_size() of a lead byte of three or four bytes, or a stray one. */
static size_t long_unit_size(const unsigned char *s, size_t i, size_t len)
{
    unsigned char b = s[i];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;
    } else {
        return 1;
    }
    if (len - i <= need)
        return 1;
    if (s[i + 1] < lo || s[i + 1] > hi)
        return 1;
    for (size_t k = 2; k <= need; k++)
        if (!is_cont(s[i + k]))
            return 1;
    return need + 1;
}

/* The byte length of the unit at i (i < len): the length of the well-formed
 * sequence starting there, or 1 for a byte that does not start one. ASCII
 * and two-byte letters (Arabic) inline, the rest in long_unit_size(). */
static inline size_t unit_size(const unsigned char *s, size_t i, size_t len)
{
    unsigned char b = s[i];
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        return i + 1 < len && is_cont(s[i + 1]) ? 2 : 1;
    return long_unit_size(s, i, len);
}

/* The code point of the unit at i (i < len), or -1 for an invalid byte;
 * *size receives the unit's length. */
static int32_t unit_at(const unsigned char *s, size_t i, size_t len, size_t *size)
{
    size_t n = unit_size(s, i, len);
    *size = n;
    unsigned char b = s[i];
    switch (n) {
    case 1:
        return b < 0x80 ? (int32_t)b : -1;
    case 2:
        return (int32_t)(((b & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu));
    case 3:
        return (int32_t)(((b & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu));
    default:
        return (int32_t)(((b & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) |
                         ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu));
    }
}

/* The start of the unit that ends at i (lo < i), not before lo. */
static size_t unit_before(const unsigned char *s, size_t lo, size_t i, size_t len)
{
    for (size_t k = 1; k <= 4 && k <= i - lo; k++) {
        size_t p = i - k;
        if (!is_cont(s[p])) {
            if (unit_size(s, p, len) == k)
                return p;
            break;
        }
    }
    return i - 1; /* a stray byte is a unit of its own */
}

/* Units in [from, to); to must be a unit boundary at or after from. */
static size_t count_units(const unsigned char *s, size_t from, size_t to, size_t len)
{
    size_t n = 0;
    while (from < to) {
        from += s[from] < 0x80 ? 1 : unit_size(s, from, len);
        n++;
    }
    return n;
}

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
    int32_t c = unit_at(s, i, len, &size);
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
        int32_t c = unit_at(S->text, *s, S->len, &size);
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
        size_t p = unit_before(S->text, from, *e, S->len);
        size_t size;
        int32_t c = unit_at(S->text, p, S->len, &size);
        if (size != *e - p || !is_space_cp(c))
            break;
        *e = p;
        (*ce)--;
    }
}

/* 1 if [from, to) holds nothing but white space. Stops at the first other
 * unit, so it is cheap however long the text is. */
static int only_space(const snip *S, size_t from, size_t to)
{
    size_t i = from, ci = 0;
    trim_start(S, &i, &ci, to);
    return i >= to;
}

/* ---- collecting tokens ---- */

/* The canonical index of the term tok matches, or -1. An exact match wins
 * over a prefix match. */
static int32_t match_term(const snip *S, const fh_token *t)
{
    int32_t prefix = -1;
    for (size_t i = 0; i < S->n; i++) {
        const fh_snippet_term *q = &S->terms[i];
        if (q->len == 0 || q->term == NULL)
            continue;
        if (!q->is_prefix) {
            if (q->len == t->term_len && memcmp(q->term, t->term, q->len) == 0)
                return (int32_t)S->canon[i];
        } else if (prefix < 0) {
            if ((q->len <= t->term_len && memcmp(q->term, t->term, q->len) == 0) ||
                (q->len <= t->norm_len && memcmp(q->term, t->norm, q->len) == 0))
                prefix = (int32_t)S->canon[i];
        }
    }
    return prefix;
}

/* The term of the token at t->start when the caller named it a match. */
static int32_t known_term(snip *S, const fh_token *t)
{
    size_t at = S->base + t->start;
    while (S->next_known < S->n_known && S->known[S->next_known].start < at)
        S->next_known++;
    if (S->next_known < S->n_known && S->known[S->next_known].start == at &&
        S->known[S->next_known].term < S->n)
        return (int32_t)S->canon[S->known[S->next_known].term];
    return -1;
}

/* Add token t, of clen units (SIZE_MAX: not counted yet). */
static int add_tok(snip *S, const fh_token *t, size_t clen)
{
    /* Tokens come in order and never overlap; anything else is skipped
     * rather than trusted. */
    if (t->start < S->pos || t->end <= t->start || t->end > S->len ||
        t->end - t->start > UINT16_MAX)
        return 0;
    if (fh_grow((void **)&S->toks, &S->tcap, S->ntoks + 1, sizeof *S->toks, 256) != FH_OK) {
        S->status = FH_ERR_NOMEM;
        return 1;
    }
    S->cpos += count_units(S->text, S->pos, t->start, S->len);
    if (clen == SIZE_MAX)
        clen = count_units(S->text, t->start, t->end, S->len);
    tok *k = &S->toks[S->ntoks];
    k->start = t->start;
    k->cstart = S->cpos;
    k->len = (uint16_t)(t->end - t->start);
    k->clen = (uint16_t)clen;
    k->term = S->known ? known_term(S, t) : match_term(S, t);
    S->pos = t->end;
    S->cpos += clen;
    if (k->term >= 0) {
        if (fh_grow((void **)&S->match, &S->mcap, S->nmatch + 1, sizeof *S->match, 256) != FH_OK) {
            S->status = FH_ERR_NOMEM;
            return 1;
        }
        S->match[S->nmatch++] = S->ntoks;
    }
    S->ntoks++;
    return 0;
}

static int collect(void *ctx, const fh_token *t)
{
    return add_tok(ctx, t, SIZE_MAX);
}

static size_t tok_end(const tok *k)
{
    return k->start + k->len;
}

static size_t tok_cend(const tok *k)
{
    return k->cstart + k->clen;
}

/* Whether code point c (-1: an invalid byte) is white space or a control
 * character: no word goes on over it. */
static int is_space_or_control(int32_t c)
{
    if (c < 0x80)
        return c < 0 || c <= 0x20 || c == 0x7F;
    if (c >= 0x0621 && c <= 0x065F)
        return 0; /* Arabic letters and marks, the bulk of the text */
    int8_t t = u_charType(c);
    return t == U_SPACE_SEPARATOR || t == U_LINE_SEPARATOR || t == U_PARAGRAPH_SEPARATOR ||
           t == U_CONTROL_CHAR;
}

/* Whether a word's last code point c is left out of its span: punctuation,
 * a symbol, a format or control character, white space, an invalid byte. */
static int trails_word(int32_t c)
{
    if (c < 0x80)
        return !((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'));
    if (c >= 0x0621 && c <= 0x065F)
        return 0; /* Arabic letters and marks */
    switch (u_charType(c)) {
    case U_UPPERCASE_LETTER:
    case U_LOWERCASE_LETTER:
    case U_TITLECASE_LETTER:
    case U_MODIFIER_LETTER:
    case U_OTHER_LETTER:
    case U_NON_SPACING_MARK:
    case U_ENCLOSING_MARK:
    case U_COMBINING_SPACING_MARK:
    case U_DECIMAL_DIGIT_NUMBER:
    case U_LETTER_NUMBER:
    case U_OTHER_NUMBER:
        return 0;
    default:
        return 1;
    }
}

/* The word tokens from the caller's word starts (whole-text offsets): each
 * runs to white space or the next start, less what trails_word() leaves
 * out. Starts outside the region, not ascending or inside a character are
 * skipped. */
static void collect_starts(snip *S, const uint32_t *starts, size_t n)
{
    for (size_t i = 0; i < n && S->status == FH_OK; i++) {
        if (starts[i] < S->base)
            continue;
        size_t at = starts[i] - S->base;
        if (at >= S->len)
            break;
        if (at < S->pos || is_cont(S->text[at]))
            continue;
        /* The next start to trust: ahead of this one, at a character. */
        size_t limit = S->len;
        for (size_t j = i + 1; j < n; j++) {
            if (starts[j] <= starts[i])
                continue;
            if (starts[j] - S->base < S->len && !is_cont(S->text[starts[j] - S->base]))
                limit = starts[j] - S->base;
            if (starts[j] - S->base >= S->len || limit < S->len)
                break;
        }
        /* ASCII, most of an English page, byte by byte; the units
         * counted on the way. */
        size_t end = at, size, clen = 0;
        while (end < limit) {
            unsigned char b = S->text[end];
            if (b < 0x80) {
                if (is_space_or_control(b))
                    break;
                end++;
            } else if (is_space_or_control(unit_at(S->text, end, S->len, &size))) {
                break;
            } else {
                end += size;
            }
            clen++;
        }
        if (end > limit) {
            end = limit;
            clen = SIZE_MAX; /* a unit cut: count again */
        }
        while (end > at) {
            unsigned char b = S->text[end - 1];
            size_t p = b < 0x80 ? end - 1 : unit_before(S->text, at, end, S->len);
            if (!trails_word(b < 0x80 ? b : unit_at(S->text, p, S->len, &size)))
                break;
            end = p;
            if (clen != SIZE_MAX)
                clen--;
        }
        if (end == at)
            continue;
        fh_token t;
        memset(&t, 0, sizeof t);
        t.start = at;
        t.end = end;
        if (add_tok(S, &t, clen) != 0)
            break;
    }
}

/* ---- placing a passage ---- */

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
static int sentence_start(snip *S, size_t ti, size_t tj, const gap_bounds *g, size_t *s, size_t *cs,
                          int *found)
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
        lo = unit_before(S->text, 0, lo, S->len);
    /* Only boundaries up to p count; the iterator's rules look a little
     * past one, so it sees SENTENCE_CONTEXT code points after p. */
    size_t hi = p;
    for (size_t k = 0; hi < S->len && k < SENTENCE_CONTEXT; k++)
        hi += unit_size(S->text, hi, S->len);
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
    size_t d = count_units(S->text, last, p, S->len);
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
        int32_t c = unit_at(S->text, *e, S->len, &size);
        if (!is_closing_punct(c) || *e + size > g->hi || is_mark_at(S->text, *e + size, S->len))
            break;
        *e += size;
        (*ce)++;
    }
}

/* The passage for the window of matches mi..mj (in gap gi). */
static int place_window(snip *S, size_t mi, size_t mj, size_t gi, placed *out)
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
static void place_opening(const snip *S, placed *out, int *found)
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
            i += unit_size(S->text, i, S->len);
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

/* ---- choosing windows ---- */

/* Score comparison with a tolerance: sums built by adding and removing
 * weights in different orders may differ in the last bits. */
static int better(double w, size_t cnt, double bw, size_t bcnt)
{
    double eps = 1e-9 * (1.0 + (bw > 0 ? bw : -bw));
    if (w > bw + eps)
        return 1;
    if (w < bw - eps)
        return 0;
    return cnt > bcnt;
}

/* Find the best window among the uncovered matches that does not cross a
 * chosen passage. Returns 1 and *bi, *bj (match indices) and *bg (its gap),
 * or 0 when no match is left. */
static int best_window(snip *S, size_t *bi, size_t *bj, size_t *bg)
{
    size_t p = 0;
    for (size_t m = 0; m < S->nmatch; m++) {
        if (S->covered[m])
            continue;
        const tok *t = &S->toks[S->match[m]];
        while (p < S->nplaced && S->placed[p].end <= t->start)
            p++;
        if (p < S->nplaced && tok_end(t) > S->placed[p].start) {
            S->covered[m] = 1; /* straddles a passage: cannot be shown */
            continue;
        }
        S->gap[m] = p;
    }
    memset(S->count, 0, S->n * sizeof *S->count);

    int have = 0;
    double w = 0, best_w = 0;
    size_t cnt = 0, best_cnt = 0;
    size_t li = 0;
    while (li < S->nmatch && S->covered[li])
        li++;
    for (size_t j = 0; j < S->nmatch; j++) {
        if (S->covered[j])
            continue;
        const tok *tj = &S->toks[S->match[j]];
        if (S->count[tj->term]++ == 0)
            w += S->weight[tj->term];
        cnt++;
        while (li <= j) {
            const tok *tl = &S->toks[S->match[li]];
            if (S->gap[li] == S->gap[j] && tok_cend(tj) - tl->cstart <= S->max_chars)
                break;
            if (--S->count[tl->term] == 0)
                w -= S->weight[tl->term];
            cnt--;
            li++;
            while (li < S->nmatch && S->covered[li])
                li++;
        }
        if (li > j)
            continue; /* a single word longer than max_chars */
        if (!have || better(w, cnt, best_w, best_cnt)) {
            have = 1;
            best_w = w;
            best_cnt = cnt;
            *bi = li;
            *bj = j;
            *bg = S->gap[j];
        }
    }
    return have;
}

/* Mark the matches inside passage pl as covered. */
static void cover(snip *S, const placed *pl)
{
    for (size_t m = 0; m < S->nmatch; m++) {
        const tok *t = &S->toks[S->match[m]];
        if (t->start >= pl->start && tok_end(t) <= pl->end)
            S->covered[m] = 1;
    }
}

/* Insert pl into the sorted array of chosen passages (room is reserved). */
static void insert_placed(snip *S, const placed *pl)
{
    size_t i = S->nplaced;
    while (i > 0 && S->placed[i - 1].start > pl->start) {
        S->placed[i] = S->placed[i - 1];
        i--;
    }
    S->placed[i] = *pl;
    S->nplaced++;
}

/* Build out's passages and highlights from the chosen passages. */
static int build_output(const snip *S, fh_snippet *out)
{
    if (S->nplaced == 0)
        return FH_OK;
    out->passages = calloc(S->nplaced, sizeof *out->passages);
    if (out->passages == NULL)
        return FH_ERR_NOMEM;
    out->n_passages = S->nplaced;
    size_t m = 0;
    for (size_t i = 0; i < S->nplaced; i++) {
        const placed *pl = &S->placed[i];
        fh_passage *ps = &out->passages[i];
        ps->span.start = S->base + pl->start;
        ps->span.end = S->base + pl->end;
        ps->starts_text = !S->clip_start && only_space(S, 0, pl->start);
        ps->ends_text = !S->clip_end && only_space(S, pl->end, S->len);
        while (m < S->nmatch && S->toks[S->match[m]].start < pl->start)
            m++;
        size_t first = m, nh = 0;
        while (m + nh < S->nmatch && tok_end(&S->toks[S->match[m + nh]]) <= pl->end)
            nh++;
        if (nh == 0)
            continue;
        ps->highlights = malloc(nh * sizeof *ps->highlights);
        if (ps->highlights == NULL)
            return FH_ERR_NOMEM;
        for (size_t h = 0; h < nh; h++) {
            const tok *t = &S->toks[S->match[first + h]];
            ps->highlights[h].start = S->base + t->start;
            ps->highlights[h].end = S->base + tok_end(t);
        }
        ps->n_highlights = nh;
        m = first + nh;
    }
    return FH_OK;
}

int fh_snippet_make(fh_analyzer *a, const char *text, size_t len, const fh_snippet_term *terms,
                    size_t n, const fh_snippet_opts *opts, fh_snippet *out)
{
    int rc = FH_OK;
    snip S;
    memset(&S, 0, sizeof S);
    memset(out, 0, sizeof *out);
    if (a == NULL || (text == NULL && len > 0) || (terms == NULL && n > 0))
        return FH_ERR_INVALID;
    for (size_t i = 0; i < n; i++)
        if (terms[i].term == NULL && terms[i].len > 0)
            return FH_ERR_INVALID;
    if (len == 0)
        return FH_OK;

    fh_snippet_opts o;
    fh_snippet_opts_init(&o);
    if (opts) {
        /* Clamped so that offset + max_chars never wraps around. */
        if (opts->max_chars > 0)
            o.max_chars = opts->max_chars < SIZE_MAX / 4 ? opts->max_chars : SIZE_MAX / 4;
        if (opts->max_passages > 0)
            o.max_passages = opts->max_passages;
    }
    if (opts && (opts->region_start || opts->region_end)) {
        size_t lo = opts->region_start, hi = opts->region_end;
        if (hi > len || hi == 0)
            hi = len;
        if (lo > hi)
            lo = hi;
        S.clip_start = lo > 0;
        S.clip_end = hi < len;
        S.base = lo;
        text += lo;
        len = hi - lo;
        if (len == 0)
            return FH_OK;
    }
    S.analyzer = a;
    S.text = (const unsigned char *)text;
    S.len = len;
    S.terms = terms;
    S.n = n;
    S.max_chars = o.max_chars;

    if (n > 0) {
        S.canon = malloc(n * sizeof *S.canon);
        S.weight = malloc(n * sizeof *S.weight);
        S.count = malloc(n * sizeof *S.count);
        if (S.canon == NULL || S.weight == NULL || S.count == NULL) {
            rc = FH_ERR_NOMEM;
            goto out;
        }
    }
    /* A term given twice counts once, with its first weight. */
    for (size_t i = 0; i < n; i++) {
        S.canon[i] = i;
        for (size_t j = 0; j < i; j++) {
            if (terms[j].len == terms[i].len && !terms[j].is_prefix == !terms[i].is_prefix &&
                (terms[i].len == 0 || memcmp(terms[j].term, terms[i].term, terms[i].len) == 0)) {
                S.canon[i] = j;
                break;
            }
        }
        double w = terms[i].weight;
        S.weight[i] = w > 0 ? (w < MAX_WEIGHT ? w : MAX_WEIGHT) : 0; /* NaN gives 0 */
    }

    if (opts && opts->known && n > 0) {
        S.known = opts->known;
        S.n_known = opts->n_known;
    }
    if (S.known && opts->word_starts)
        collect_starts(&S, opts->word_starts, opts->n_word_starts);
    else
        rc = fh_analyzer_run(a, text, len, S.known ? FH_ANALYZE_SPANS : FH_ANALYZE_HIGHLIGHT, 0,
                             collect, &S, NULL);
    if (rc == FH_OK)
        rc = S.status;
    if (rc != FH_OK)
        goto out;
    S.total_chars = S.cpos + count_units(S.text, S.pos, len, len);

    size_t nterms_found = 0;
    if (S.nmatch > 0) {
        memset(S.count, 0, n * sizeof *S.count);
        for (size_t m = 0; m < S.nmatch; m++)
            if (S.count[S.toks[S.match[m]].term]++ == 0)
                nterms_found++;
        S.covered = calloc(S.nmatch, 1);
        S.gap = malloc(S.nmatch * sizeof *S.gap);
        size_t room = o.max_passages < S.nmatch ? o.max_passages : S.nmatch;
        S.placed = malloc(room * sizeof *S.placed);
        if (S.covered == NULL || S.gap == NULL || S.placed == NULL) {
            rc = FH_ERR_NOMEM;
            goto out;
        }
        while (S.nplaced < room) {
            size_t mi, mj, gi;
            if (!best_window(&S, &mi, &mj, &gi))
                break;
            placed pl;
            rc = place_window(&S, mi, mj, gi, &pl);
            if (rc != FH_OK)
                goto out;
            cover(&S, &pl);
            insert_placed(&S, &pl);
        }
    }
    if (S.nplaced == 0) {
        if (S.placed == NULL) {
            S.placed = malloc(sizeof *S.placed);
            if (S.placed == NULL) {
                rc = FH_ERR_NOMEM;
                goto out;
            }
        }
        int found;
        place_opening(&S, &S.placed[0], &found);
        S.nplaced = found ? 1 : 0;
    }
    rc = build_output(&S, out);
    if (rc == FH_OK)
        out->n_matched_terms = nterms_found;

out:
    if (rc != FH_OK)
        fh_snippet_clear(out);
    free(S.canon);
    free(S.weight);
    free(S.count);
    free(S.toks);
    free(S.match);
    free(S.covered);
    free(S.gap);
    free(S.placed);
    return rc;
}
