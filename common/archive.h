/* archive.h - the pages of a web archive: which records are pages, and
 * each page's text, URL and date.
 *
 *   response    an HTTP response (WARC application/http, or an ARC record
 *               of an http(s) URL) with status 200 whose Content-Type is
 *               text/html, application/xhtml+xml or text/plain; its body
 *               with chunking and content encoding undone (http.h);
 *   resource    a block of those types, with no HTTP layer (not of a
 *               metadata:// URI: wget's log and manifest);
 *   conversion  (WET) plain text, as it is, its first line the title (as
 *               in a .txt page: Common Crawl puts the page's title there).
 * The charset comes from the HTTP Content-Type (or the record's, for a
 * resource), then the page's <meta>, then the bytes (decode.h). The URL is
 * the record's target URI; the date is the page's own (html_meta.c) or
 * else the record's. A text/plain page of a response or resource has no
 * title. Every other record
 * (request, metadata, warcinfo, revisit: revisits add nothing, the page
 * they point to is read where it is) and every other type is passed over. */
#ifndef FH_ARCHIVE_H
#define FH_ARCHIVE_H

#include <stdint.h>

#include "page.h"
#include "status.h"
#include "warc.h"

typedef enum fh_archive_verdict {
    FH_ARCHIVE_PAGE,  /* *out holds the page */
    FH_ARCHIVE_OTHER, /* not a page: passed over, only counted */
    FH_ARCHIVE_BAD,   /* a page that cannot be read: *why says why (a warning) */
} fh_archive_verdict;

/* What the record rec is, and its page when it is one. max: the most bytes
 * of body a page may have (a larger record, or a body that inflates to
 * more, is FH_ARCHIVE_BAD). On FH_OK, *verdict says which; with
 * FH_ARCHIVE_PAGE *out holds the page (the caller clears it with
 * fh_page_clear()), and *why (static) says why for the other two. Returns
 * FH_OK or FH_ERR_NOMEM. */
fh_status fh_archive_page(const fh_warc_record *rec, uint64_t max, fh_page *out,
                          fh_archive_verdict *verdict, const char **why);

#endif
