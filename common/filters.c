/* filters.c - the terms and values of a page that filters read (see
 * filters.h). */
#include "filters.h"

#include <stdio.h>
#include <string.h>

#include "date.h"
#include "decode.h"

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* A byte a host may hold: ASCII letters, digits, '-', '.', '_', and the
 * bytes of an internationalized name written in UTF-8. */
static int host_byte(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c >= 0x80;
}

fh_status fh_filters_site(const char *host, size_t len, fh_buf *out)
{
    while (len > 0 && host[len - 1] == '.')
        len--;
    if (len >= 4 && lower(host[0]) == 'w' && lower(host[1]) == 'w' && lower(host[2]) == 'w' &&
        host[3] == '.')
        host += 4, len -= 4;
    if (len == 0 || host[0] == '.')
        return FH_ERR_INVALID;
    for (size_t i = 0; i < len; i++)
        if (!host_byte((unsigned char)host[i]))
            return FH_ERR_INVALID;
    if (!fh_utf8_valid(host, len)) /* an internationalized name is UTF-8 */
        return FH_ERR_INVALID;
    for (size_t i = 0; i < len; i++)
        fh_buf_putc(out, lower(host[i]));
    return fh_buf_status(out);
}

fh_status fh_filters_host(const char *url, size_t len, fh_buf *out)
{
    const char *end = url + len, *p = url;
    while (p < end && *p != ':' && *p != '/')
        p++;
    if (p == url || end - p < 3 || memcmp(p, "://", 3) != 0)
        return FH_ERR_INVALID;
    const char *host = p + 3, *h = host;
    while (h < end && *h != '/' && *h != '?' && *h != '#')
        h++;
    /* user:password@ before the host, :port after it. */
    const char *at = memchr(host, '@', (size_t)(h - host));
    if (at != NULL)
        host = at + 1;
    const char *colon = memchr(host, ':', (size_t)(h - host));
    if (colon != NULL)
        h = colon;
    return fh_filters_site(host, (size_t)(h - host), out);
}

int fh_filters_lang(const char *tag, size_t len, char out[4])
{
    size_t n = 0;
    while (n < len && n < 4 && ((tag[n] | 0x20) >= 'a' && (tag[n] | 0x20) <= 'z'))
        n++;
    if (n < 2 || n > 3 || (n < len && tag[n] != '-' && tag[n] != '_'))
        return 0;
    for (size_t i = 0; i < n; i++)
        out[i] = (char)(tag[i] | 0x20);
    out[n] = '\0';
    return 1;
}

void fh_filters_date_value(int64_t seconds, char out[FH_FILTERS_DATE_SIZE])
{
    /* The sign bit flipped: as unsigned bytes, earlier dates sort first. */
    uint64_t u = (uint64_t)seconds ^ ((uint64_t)1 << 63);
    for (int i = FH_FILTERS_DATE_SIZE - 1; i >= 0; i--) {
        out[i] = (char)(u & 0xff);
        u >>= 8;
    }
}

int fh_filters_date_of_value(const char *value, size_t len, int64_t *seconds)
{
    if (value == NULL || len != FH_FILTERS_DATE_SIZE)
        return 0;
    uint64_t u = 0;
    for (size_t i = 0; i < len; i++)
        u = u << 8 | (unsigned char)value[i];
    *seconds = (int64_t)(u ^ ((uint64_t)1 << 63));
    return 1;
}

/* The site terms of host (h_len bytes): the host and each domain it is
 * under, down to two labels' worth of one (co.uk), and its FH_SLOT_SITE. */
static fh_status add_site(fh_doc *doc, const char *h, size_t h_len, fh_buf *t)
{
    fh_status rc = fh_doc_set_value(doc, FH_SLOT_SITE, h, h_len);
    for (size_t i = 0; rc == FH_OK && i < h_len; i++) {
        if (i > 0 && h[i - 1] != '.')
            continue;
        if (memchr(h + i, '.', h_len - i) == NULL && i > 0)
            break; /* a top-level domain alone (uk) is no site */
        fh_buf_reset(t);
        fh_buf_puts(t, FH_PREFIX_SITE);
        fh_buf_append(t, h + i, h_len - i);
        rc = fh_buf_status(t);
        if (rc == FH_OK)
            rc = fh_doc_add_term(doc, t->data, t->len, 0);
    }
    return rc;
}

fh_status fh_filters_add(fh_doc *doc, const fh_filters_page *p, int *bad_date)
{
    *bad_date = 0;
    fh_buf host = FH_BUF_INIT, t = FH_BUF_INIT;
    fh_status rc = FH_OK;
    if (p->url != NULL && fh_filters_host(p->url, strlen(p->url), &host) == FH_OK)
        rc = add_site(doc, host.data, host.len, &t);
    int64_t seconds = 0;
    if (rc == FH_OK && p->date != NULL && p->date[0] != '\0') {
        if (fh_date_parse(p->date, strlen(p->date), &seconds) != FH_OK) {
            *bad_date = 1;
        } else {
            char value[FH_FILTERS_DATE_SIZE], ym[16];
            fh_filters_date_value(seconds, value);
            rc = fh_doc_set_value(doc, FH_SLOT_DATE, value, sizeof value);
            if (rc == FH_OK)
                rc = fh_doc_set_value(doc, FH_SLOT_OLDEST, value, sizeof value);
            int year, month;
            fh_date_year_month(seconds, &year, &month);
            snprintf(ym, sizeof ym, "%04d-%02d", year % 10000, month % 100);
            if (rc == FH_OK)
                rc = fh_doc_set_value(doc, FH_SLOT_YEAR, ym, 4);
            if (rc == FH_OK)
                rc = fh_doc_set_value(doc, FH_SLOT_MONTH, ym, 7);
        }
    }
    if (rc == FH_OK && (p->date == NULL || p->date[0] == '\0' || *bad_date))
        rc = fh_doc_set_value(doc, FH_SLOT_OLDEST, "\xff\xff\xff\xff\xff\xff\xff\xff\xff", 9);
    if (rc == FH_OK && p->lang != NULL && p->lang[0] != '\0')
        rc = fh_doc_set_value(doc, FH_SLOT_LANG, p->lang, strlen(p->lang));
    if (rc == FH_OK && p->copies != 0) {
        char value[8];
        uint64_t h = p->copies;
        for (int i = 7; i >= 0; i--, h >>= 8)
            value[i] = (char)(h & 0xff);
        rc = fh_doc_set_value(doc, FH_SLOT_COPIES, value, sizeof value);
    }
    fh_buf_free(&host);
    fh_buf_free(&t);
    return rc;
}
