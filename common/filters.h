/* filters.h - what the filters, the sort by date, the facets and the
 * collapsing of duplicates read of a page, written by the indexer as
 * Xapian boolean terms and values (settings format 6 on; settings.h
 * "filters"):
 *
 *   site:   FH_PREFIX_SITE + the URL's host and each domain it is under,
 *           lower-cased, "www." and the port taken off (news.bbc.co.uk:
 *           news.bbc.co.uk, bbc.co.uk, co.uk); FH_SLOT_SITE the host
 *   lang:   FH_PREFIX_LANG + the page's language (record.h); FH_SLOT_LANG it
 *   date:   FH_SLOT_DATE the date (fh_filters_date_value()), FH_SLOT_YEAR
 *           "2015", FH_SLOT_MONTH "2015-07"; FH_SLOT_OLDEST the date too, and
 *           for a page without one a value above every date, so that sorted
 *           oldest first it comes last (newest first, FH_SLOT_DATE puts it
 *           last: it has no value there)
 *   copies: FH_SLOT_COPIES a hash of the body's words as normalized, the
 *           same for two pages whose bodies differ only in spacing,
 *           punctuation, case, diacritics or markup */
#ifndef FH_FILTERS_H
#define FH_FILTERS_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"
#include "store.h"

#define FH_PREFIX_SITE "XS"

#define FH_SLOT_DATE   4 /* 8 bytes, big-endian: sorts as the dates do */
#define FH_SLOT_SITE   5
#define FH_SLOT_YEAR   6
#define FH_SLOT_MONTH  7
#define FH_SLOT_COPIES 8
#define FH_SLOT_LANG   9
#define FH_SLOT_OLDEST 10

/* Bytes of a date value (FH_SLOT_DATE). */
#define FH_FILTERS_DATE_SIZE 8

/* The host of url (len bytes), lower-cased, without "www." or a port, into
 * out (appended). Returns FH_OK, FH_ERR_INVALID when url has no host
 * (no "scheme://"), or fh_buf_status(out). */
fh_status fh_filters_host(const char *url, size_t len, fh_buf *out);

/* A site: filter's HOST as the indexer writes hosts (lower-cased, "www."
 * and a final dot taken off), into out (appended). Returns FH_OK, or
 * FH_ERR_INVALID when host is empty or holds a character no host has. */
fh_status fh_filters_site(const char *host, size_t len, fh_buf *out);

/* The language code of a language tag (len bytes: "en-US", "AR"): its
 * first part, two or three ASCII letters, lower-cased, into out (4 bytes,
 * NUL-terminated). Returns 1, or 0 when tag starts with none. */
int fh_filters_lang(const char *tag, size_t len, char out[4]);

/* seconds (date.h) as a value of FH_SLOT_DATE. */
void fh_filters_date_value(int64_t seconds, char out[FH_FILTERS_DATE_SIZE]);

/* The seconds of a date value (FH_SLOT_DATE; len bytes) into *seconds:
 * 1, or 0 when value is not one (an empty value: a page without a date). */
int fh_filters_date_of_value(const char *value, size_t len, int64_t *seconds);

/* What a page gives the filters. */
typedef struct fh_filters_page {
    const char *url;  /* may be NULL */
    const char *lang; /* its language code ("ar"); may be NULL */
    const char *date; /* as the page wrote it (date.h forms); may be NULL */
    uint64_t copies;  /* the hash of its body's words; 0 for a body without words */
} fh_filters_page;

/* Add p's terms and values to doc. A date that date.h cannot read is left
 * out and *bad_date set to 1 (else 0). Returns FH_OK or a store status. */
fh_status fh_filters_add(fh_doc *doc, const fh_filters_page *p, int *bad_date);

#endif
