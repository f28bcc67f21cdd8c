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

/* What an HTML page says of itself in its tags' attributes. Each value
 * points into the text it was read from (as written: entities not
 * decoded); NULL when the page has none. */
typedef struct fh_html_meta {
    /* The page's date: <meta property="article:published_time">, else
     * <meta name="date">, else the first <time datetime>, each only when
     * it starts as YYYY-MM-DD; cut at its first byte that is not printable
     * ASCII, and to 64 bytes. */
    const char *date;
    size_t date_len;
    int date_rank;        /* 3, 2, 1 as above; 0 for none */
    const char *og_title; /* <meta property="og:title" content> */
    size_t og_title_len;
    const char *description; /* <meta name="description" content> */
    size_t description_len;
    const char *lang; /* <html lang> */
    size_t lang_len;
    const char *canonical; /* <link rel="canonical" href> */
    size_t canonical_len;
} fh_html_meta;

/* Read what the HTML page s (n bytes of UTF-8) says of itself into *m
 * (the first of each; the best date). Linear in n. */
void fh_html__meta(const char *s, size_t n, fh_html_meta *m);

#endif
