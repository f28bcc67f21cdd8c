/* page_internal.h - helpers the page readers (page.c, html.c, jsonl.c)
 * share; not part of the public API. */
#ifndef FH_PAGE_INTERNAL_H
#define FH_PAGE_INTERNAL_H

#include <stddef.h>

#include "buf.h"
#include "page.h"

/* Titles of .txt and .html pages are cut to at most this many bytes. */
#define FH_PAGE__TITLE_MAX 1000

/* Decode data (len bytes; declared as for fh_decode_text()) into out, which
 * must be empty, and set page->charset and page->lossy. Returns FH_OK,
 * FH_ERR_ENCODING or FH_ERR_NOMEM. */
fh_status fh_page__decode(const char *data, size_t len, const char *declared, fh_buf *out,
                          fh_page *page);

/* The length of the longest prefix of the UTF-8 string s (len bytes) that
 * has at most max bytes and ends on a character boundary. */
size_t fh_page__utf8_cut(const char *s, size_t len, size_t max);

/* Move the contents of title and text into page->title and page->text
 * (never NULL; the page owns them, freed by fh_page_clear()). Both buffers
 * are left empty. Returns FH_OK, or FH_ERR_NOMEM (then the page's title and
 * text are untouched and both buffers freed). */
fh_status fh_page__take(fh_page *page, fh_buf *title, fh_buf *text);

/* The date an HTML page (s, n bytes of UTF-8) states for itself: the
 * content of <meta property="article:published_time">, else of <meta
 * name="date">, else the datetime of its first <time>, each only when it
 * starts as YYYY-MM-DD; copied to out (cap bytes, at most 64 kept).
 * Returns 1, or 0 when the page states none. */
int fh_html__date(const char *s, size_t n, char *out, size_t cap);

#endif
