/* snippet_internal.h - what snippet.c (collecting tokens, choosing windows)
 * and snippet_place.c (placing a passage around a window) share. */
#ifndef FH_SNIPPET_INTERNAL_H
#define FH_SNIPPET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <unicode/ubrk.h>

#include "analyzer.h"
#include "snippet.h"

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

static inline size_t tok_end(const tok *k)
{
    return k->start + k->len;
}

static inline size_t tok_cend(const tok *k)
{
    return k->cstart + k->clen;
}

/* The passage for the window of matches mi..mj, in gap gi (the free text
 * between chosen passages gi-1 and gi). Returns FH_OK, FH_ERR_NOMEM or
 * FH_ERR_UNKNOWN (ICU's sentence iterator failed). */
fh_status fh_snippet__place_window(snip *S, size_t mi, size_t mj, size_t gi, placed *out);

/* The opening passage of the text, for when no match can be shown. Sets
 * *found to 0 when the text holds nothing but white space. */
void fh_snippet__place_opening(const snip *S, placed *out, int *found);

/* 1 if bytes [from, to) of the text hold nothing but white space. */
int fh_snippet__only_space(const snip *S, size_t from, size_t to);

#endif
