/* archive.c - the pages of a web archive (see archive.h). */
#include "archive.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "decode.h"
#include "http.h"

static int starts_ci(const char *s, const char *word)
{
    for (; *word; s++, word++)
        if (*s == '\0' || (*s | 0x20) != (*word | 0x20))
            return 0;
    return 1;
}

/* Read body as a page of this kind and charset into out. */
static fh_status read_body(const char *body, size_t len, fh_http_kind kind, const char *charset,
                           fh_page *out)
{
    if (kind == FH_HTTP_HTML)
        return fh_page_read_html_as(body, len, charset, out);
    return fh_page_read_plain(body, len, charset, out);
}

/* A copy of the URL u that is valid UTF-8: a byte of anything else is
 * percent-encoded (as a browser would send it). NULL out of memory. */
static char *clean_url(const char *u)
{
    size_t n = strlen(u);
    if (fh_utf8_valid(u, n))
        return strdup(u);
    fh_buf b = FH_BUF_INIT;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)u[i];
        if (c >= 0x80 || c < 0x20)
            fh_buf_printf(&b, "%%%02X", c);
        else
            fh_buf_putc(&b, (char)c);
    }
    fh_buf_append(&b, "", 0);
    return fh_buf_detach(&b, NULL);
}

/* Whether a date is printable ASCII, as every ISO 8601 date is. */
static int ascii_date(const char *d)
{
    for (; *d; d++)
        if ((unsigned char)*d < 0x20 || (unsigned char)*d > 0x7E)
            return 0;
    return 1;
}

/* Give the page its URL, date and place. */
static fh_status place(const fh_warc_record *rec, fh_page *out)
{
    if (rec->url[0]) {
        free(out->url); /* the record's URL comes before the page's canonical one */
        out->url = clean_url(rec->url);
        if (out->url == NULL)
            return FH_ERR_NOMEM;
    }
    if (out->date == NULL && rec->date[0] && ascii_date(rec->date)) {
        out->date = strdup(rec->date);
        if (out->date == NULL)
            return FH_ERR_NOMEM;
    }
    if (rec->date[0] && ascii_date(rec->date)) {
        out->captured = strdup(rec->date);
        if (out->captured == NULL)
            return FH_ERR_NOMEM;
    }
    out->in_archive = 1;
    out->archive_offset = rec->offset;
    out->archive_inflated = rec->inflated;
    out->archive_inflated_offset = rec->inflated_offset;
    return FH_OK;
}

fh_status fh_archive_page(const fh_warc_record *rec, uint64_t max, fh_page *out,
                          fh_archive_verdict *verdict, const char **why)
{
    memset(out, 0, sizeof *out);
    *verdict = FH_ARCHIVE_OTHER;
    *why = "not a page";
    int response = strcmp(rec->type, "response") == 0;
    int resource = strcmp(rec->type, "resource") == 0;
    int conversion = strcmp(rec->type, "conversion") == 0;
    if (!response && !resource && !conversion)
        return FH_OK;
    /* A WARC response that is not HTTP (a DNS lookup, say) is no page; one
     * whose record has no Content-Type is, when its block is HTTP. */
    if (response && rec->format == FH_WARC_WARC &&
        !starts_ci(rec->content_type, "application/http") &&
        !(rec->content_type[0] == '\0' && rec->block && rec->block_len >= 5 &&
          starts_ci(rec->block, "HTTP/")))
        return FH_OK;
    char charset[64] = "";
    fh_http_kind kind = conversion ? FH_HTTP_TEXT
                                   : fh_http_media(rec->content_type, strlen(rec->content_type),
                                                   charset, sizeof charset);
    /* wget keeps its log and manifest as resources of metadata:// URIs;
     * Browsertrix its text extracts, page infos and screenshots of pages
     * it holds as responses, as resources of urn: URIs. */
    if (resource &&
        (kind == FH_HTTP_OTHER || starts_ci(rec->url, "metadata:") || starts_ci(rec->url, "urn:")))
        return FH_OK;
    if (rec->block == NULL) {
        *verdict = FH_ARCHIVE_BAD;
        *why = "record over --max-file-size";
        return FH_OK;
    }
    fh_status rc;
    if (response) {
        fh_http_response http;
        const char *problem = NULL;
        rc = fh_http_read(rec->block, rec->block_len, rec->payload_type, max, &http, &problem);
        if (rc != FH_OK)
            return rc;
        if (problem) {
            *verdict = FH_ARCHIVE_BAD;
            *why = problem;
        } else if (http.status == 200 && http.kind != FH_HTTP_OTHER) {
            rc = read_body(http.body, http.body_len, http.kind, http.charset, out);
            if (rc == FH_ERR_ENCODING) {
                *verdict = FH_ARCHIVE_BAD;
                *why = "binary body (NUL bytes)";
                rc = FH_OK;
            } else if (rc == FH_OK) {
                *verdict = FH_ARCHIVE_PAGE;
            }
        }
        fh_http_response_clear(&http);
    } else {
        /* Common Crawl's WET text starts with the page's title line. */
        rc = conversion ? fh_page_read_txt(rec->block, rec->block_len, out)
                        : read_body(rec->block, rec->block_len, kind, charset, out);
        if (rc == FH_ERR_ENCODING) {
            *verdict = FH_ARCHIVE_BAD;
            *why = "binary body (NUL bytes)";
            rc = FH_OK;
        } else if (rc == FH_OK) {
            *verdict = FH_ARCHIVE_PAGE;
        }
    }
    if (rc == FH_OK && *verdict == FH_ARCHIVE_PAGE) {
        *why = NULL;
        rc = place(rec, out);
    }
    if (rc != FH_OK)
        fh_page_clear(out);
    return rc;
}
