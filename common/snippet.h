/* snippet.h - choosing passages of a page's stored text and marking the
 * words a query matched.
 *
 * The snippet comes from the ORIGINAL stored text, never from normalized
 * text. The analyzer (analyzer.h) runs over the text in highlight mode; a
 * token matches when its index term equals one of the query's terms, or
 * starts with one of its prefixes (for word* queries). That is how a query
 * typed without hamza highlights the word written with it, and how the query
 * مدرسه marks the whole original word المدرسة with its article and harakat.
 *
 * Choosing: among windows of at most max_chars characters (code points), the
 * best holds the most distinct query terms weighted by their rarity (ties:
 * more matches, then the earlier window). A window starts at a sentence
 * boundary (ICU sentence break; Arabic ؟ and ۔ count) when one lies within
 * reach before its first match, else at a word boundary; it ends at a word
 * boundary. A word is never cut, nor a letter split from its marks. With
 * max_passages > 1 the next best windows among the matches not yet shown
 * are added, never overlapping a passage already chosen, until no match is
 * left; the passages are returned in page order. A text with no match (or no
 * terms) gives its opening passage, without highlights; an empty or
 * all-white-space text gives no passage. A passage's leading and trailing
 * white space is trimmed.
 *
 * Characters are counted as code points; an invalid UTF-8 byte counts as one.
 * Cost: one analyzer run over the text (or the region; or none when the
 * caller gives the matches and the word starts), memory proportional to its
 * words, plus O(matches) for each passage chosen. */
#ifndef FH_SNIPPET_H
#define FH_SNIPPET_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer.h"
#include "status.h"

typedef struct fh_snippet_term {
    const char *term; /* an index term, as the analyzer makes them */
    size_t len;
    double weight; /* its rarity, e.g. log(N / termfreq); > 0 */
    int is_prefix; /* 1: matches every token whose term or normalized word starts with it */
} fh_snippet_term;

typedef struct fh_snippet_opts {
    size_t max_chars;    /* passage length in characters (code points); default 200;
                            0 also means the default */
    size_t max_passages; /* default 1; 0 also means the default */
    /* Look only at text[region_start, region_end) (both 0: the whole text),
     * for speed when the caller already knows where the matches are (from
     * the index's positions and word offsets). The text outside the region
     * still counts: the region's edges are no sentence starts and no text
     * ends unless they are the text's. Offsets in the result stay offsets
     * into the whole text. region_start must be a character boundary. */
    size_t region_start;
    size_t region_end;
    /* The matches, when the caller knows them already (from the index's
     * positions and the record's word offsets): the words starting at these
     * byte offsets match terms[term]. Sorted by start. The text is then
     * only segmented into words, not analyzed, which is most of the cost.
     * NULL (the default): every word is analyzed and compared. */
    const struct fh_snippet_known *known;
    size_t n_known;
    /* With known: the byte offsets (into the whole text, ascending) where
     * the region's words start, e.g. the record's word offsets. The region
     * is then not segmented either: a word runs from its start to the next
     * white space or the next word's start, less trailing punctuation and
     * symbols and invisible format characters. NULL: ICU segments. */
    const uint32_t *word_starts;
    size_t n_word_starts;
} fh_snippet_opts;

typedef struct fh_snippet_known {
    size_t start; /* byte offset of the word in the whole text */
    size_t term;  /* index into the terms given to fh_snippet_make() */
} fh_snippet_known;

/* The defaults: 200 characters, one passage, the whole text. */
void fh_snippet_opts_init(fh_snippet_opts *opts);

typedef struct fh_span {
    size_t start; /* byte offsets into the text given to fh_snippet_make() */
    size_t end;
} fh_span;

typedef struct fh_passage {
    fh_span span;        /* the passage's bytes in the text */
    int starts_text;     /* 1 if only white space lies before the passage */
    int ends_text;       /* 1 if only white space lies after it */
    fh_span *highlights; /* matched words inside span, in order, never overlapping */
    size_t n_highlights;
} fh_passage;

typedef struct fh_snippet {
    fh_passage *passages; /* in page order */
    size_t n_passages;
    size_t n_matched_terms; /* distinct query terms found anywhere in the text */
} fh_snippet;

/* Make a snippet of text (len bytes of UTF-8; invalid bytes are tolerated
 * and never split) for the n terms, with analyzer a (the same settings the
 * index was built with). opts may be NULL for the defaults. On FH_OK the
 * caller frees *out's contents with fh_snippet_clear(); on failure *out is
 * zeroed. Returns FH_OK, FH_ERR_INVALID (a NULL analyzer, or a NULL text or
 * term with a nonzero length), FH_ERR_NOMEM or FH_ERR_UNKNOWN (ICU failure). */
fh_status fh_snippet_make(fh_analyzer *a, const char *text, size_t len, const fh_snippet_term *terms,
                    size_t n, const fh_snippet_opts *opts, fh_snippet *out);

/* Free a snippet's passages and zero it. Accepts a zeroed snippet. */
void fh_snippet_clear(fh_snippet *s);

#endif
