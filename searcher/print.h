/* print.h - writing search results for people (text) and scripts (JSON).
 *
 * Text output is made safe for a terminal: page text never reaches it raw
 * (escape.h), snippets and titles with right-to-left text are written in
 * logical order inside Unicode first-strong isolates (U+2068 ... U+2069;
 * opts->isolates) so that Arabic renders right on a bidi-capable terminal,
 * and colour escapes only surround whole matched words. JSON has neither:
 * its offsets are into the text as stored.
 *
 * JSON output is one object:
 *   {"query": "...", "total_estimate": N, "total_exact": true, "relaxed": false,
 *    "notes": ["..."],
 *    "results": [{"rank": 1, "score": 1.23, "id": "KEY", "docid": 7,
 *                 "path": "...", "url": "...", "date": "2015-07-21T02:51:32Z",
 *                 "duplicates": 0, "title": "...",
 *                 "title_highlights": [[s, e], ...],
 *                 "snippets": [{"text": "...", "highlights": [[s, e], ...],
 *                               "highlights_chars": [[s, e], ...]}]}],
 *    "facets": {"site": [{"value": "aawsat.com", "count": 812}, ...]}}
 * "date" is ISO 8601 in UTC (null when the page has none); "duplicates"
 * the pages with the same text left out for this one (--no-collapse: 0);
 * "facets" only when asked, each field's values the most frequent first.
 * highlights are byte offsets into the UTF-8 text, highlights_chars the
 * same spans in code points. A key or path that is not valid UTF-8 (a file
 * name) also comes whole, in base64: "id_bytes", "path_bytes". */
#ifndef FH_PRINT_H
#define FH_PRINT_H

#include <stdio.h>

#include "buf.h"
#include "search.h"

typedef enum fh_highlight {
    FH_HIGHLIGHT_ANSI,    /* bold colour */
    FH_HIGHLIGHT_MARKERS, /* **word** */
    FH_HIGHLIGHT_NONE,
} fh_highlight;

typedef struct fh_print_opts {
    int color;              /* colour titles and paths */
    fh_highlight highlight; /* how matched words are marked */
    int show_score;
    int count_line; /* start with "177 results" (or "about 12,400 results") */
    int isolates;   /* right-to-left titles and snippets inside U+2068 ... U+2069 */
} fh_print_opts;

/* Append n with a comma between thousands: 12,400. */
void fh_print_thousands(fh_buf *b, uint32_t n);

/* Write the results as text: a count line when opts->count_line and
 * something matched, then the results. Returns FH_OK, FH_ERR_NOMEM, or FH_ERR_IO on a
 * write error. */
fh_status fh_print_text(FILE *out, const fh_search_response *r, const fh_print_opts *opts);

/* Write the results as one JSON object and a newline. query is the query
 * text as given. Returns FH_OK, FH_ERR_NOMEM, or FH_ERR_IO on a
 * write error. */
fh_status fh_print_json(FILE *out, const char *query, size_t query_len,
                        const fh_search_response *r);

#endif
