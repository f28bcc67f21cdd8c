/* snippet.c - choosing passages of a page's stored text and marking the
 * words a query matched (see snippet.h).
 *
 * One analyzer run collects every word token with its byte span, its offset
 * in code points and the query term it matched. A two-pointer sweep over the
 * matched tokens finds the best window; the window is then widened to a
 * passage of at most max_chars code points that starts at a sentence or word
 * boundary and ends at a word end (snippet_place.c). A page is never
 * converted to UTF-16.
 *
 * Characters are counted in "units" (units.h): every boundary this code
 * moves to is a unit boundary, so a valid UTF-8 sequence is never split. */
#include "snippet.h"
#include "snippet_internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uchar.h>

#include "analyzer_internal.h"
#include "buf.h"
#include "status.h"
#include "units.h"

#define DEFAULT_MAX_CHARS 200
/* Weights are clamped to this so that adding and removing them in the sweep
 * never overflows to infinity (and inf - inf never gives NaN). */
#define MAX_WEIGHT 1e12

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
    S->cpos += fh_units_count(S->text, S->pos, t->start, S->len);
    if (clen == SIZE_MAX)
        clen = fh_units_count(S->text, t->start, t->end, S->len);
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
        if (at < S->pos || fh_units_is_cont(S->text[at]))
            continue;
        /* The next start to trust: ahead of this one, at a character. */
        size_t limit = S->len;
        for (size_t j = i + 1; j < n; j++) {
            if (starts[j] <= starts[i])
                continue;
            if (starts[j] - S->base < S->len && !fh_units_is_cont(S->text[starts[j] - S->base]))
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
            } else if (is_space_or_control(fh_units_at(S->text, end, S->len, &size))) {
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
            size_t p = b < 0x80 ? end - 1 : fh_units_before(S->text, at, end, S->len);
            if (!trails_word(b < 0x80 ? b : fh_units_at(S->text, p, S->len, &size)))
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
static fh_status build_output(const snip *S, fh_snippet *out)
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
        ps->starts_text = !S->clip_start && fh_snippet__only_space(S, 0, pl->start);
        ps->ends_text = !S->clip_end && fh_snippet__only_space(S, pl->end, S->len);
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

/* Set S's canonical index and clamped weight of each of its terms: a term
 * given twice counts once, with its first weight. */
static fh_status prepare_terms(snip *S)
{
    size_t n = S->n;
    const fh_snippet_term *terms = S->terms;
    if (n == 0)
        return FH_OK;
    S->canon = malloc(n * sizeof *S->canon);
    S->weight = malloc(n * sizeof *S->weight);
    S->count = malloc(n * sizeof *S->count);
    if (S->canon == NULL || S->weight == NULL || S->count == NULL)
        return FH_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        S->canon[i] = i;
        for (size_t j = 0; j < i; j++) {
            if (terms[j].len == terms[i].len && !terms[j].is_prefix == !terms[i].is_prefix &&
                (terms[i].len == 0 || memcmp(terms[j].term, terms[i].term, terms[i].len) == 0)) {
                S->canon[i] = j;
                break;
            }
        }
        double w = terms[i].weight;
        S->weight[i] = w > 0 ? (w < MAX_WEIGHT ? w : MAX_WEIGHT) : 0; /* NaN gives 0 */
    }
    return FH_OK;
}

/* Choose up to max_passages passages, best window first; the text's opening
 * when no match can be shown. *nterms_found: the distinct terms matched. */
static fh_status choose_passages(snip *S, size_t max_passages, size_t *nterms_found)
{
    if (S->nmatch > 0) {
        memset(S->count, 0, S->n * sizeof *S->count);
        for (size_t m = 0; m < S->nmatch; m++)
            if (S->count[S->toks[S->match[m]].term]++ == 0)
                (*nterms_found)++;
        S->covered = calloc(S->nmatch, 1);
        S->gap = malloc(S->nmatch * sizeof *S->gap);
        size_t room = max_passages < S->nmatch ? max_passages : S->nmatch;
        S->placed = malloc(room * sizeof *S->placed);
        if (S->covered == NULL || S->gap == NULL || S->placed == NULL)
            return FH_ERR_NOMEM;
        while (S->nplaced < room) {
            size_t mi, mj, gi;
            if (!best_window(S, &mi, &mj, &gi))
                break;
            placed pl;
            int rc = fh_snippet__place_window(S, mi, mj, gi, &pl);
            if (rc != FH_OK)
                return rc;
            cover(S, &pl);
            insert_placed(S, &pl);
        }
    }
    if (S->nplaced == 0) {
        if (S->placed == NULL) {
            S->placed = malloc(sizeof *S->placed);
            if (S->placed == NULL)
                return FH_ERR_NOMEM;
        }
        int found;
        fh_snippet__place_opening(S, &S->placed[0], &found);
        S->nplaced = found ? 1 : 0;
    }
    return FH_OK;
}

fh_status fh_snippet_make(fh_analyzer *a, const char *text, size_t len,
                          const fh_snippet_term *terms, size_t n, const fh_snippet_opts *opts,
                          fh_snippet *out)
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

    rc = prepare_terms(&S);
    if (rc != FH_OK)
        goto out;

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
    S.total_chars = S.cpos + fh_units_count(S.text, S.pos, len, len);

    size_t nterms_found = 0;
    rc = choose_passages(&S, o.max_passages, &nterms_found);
    if (rc != FH_OK)
        goto out;
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
