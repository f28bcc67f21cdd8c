/* date.h - the dates pages carry, read in the forms real dumps and archives
 * write them, as one number: seconds since 1970-01-01T00:00:00Z.
 *
 * Read (fh_date_parse()), with English month and day names in any case:
 *
 *   ISO 8601    2015-07-21, 2015-07-21T02:51:32, 2015-07-21T02:51:32.5Z,
 *               2015-07-21T02:51:32+03:00 (or +0300, +03), 2015-07-21 02:51,
 *               20150721 and 20150721T025132Z (basic form)
 *   SQL         2015-07-21 02:51:32 (ISO 8601 with a space)
 *   RFC 2822    Tue, 21 Jul 2015 02:51:32 +0300 (the day name, the seconds
 *               and the zone optional; GMT, UT, UTC, Z and the US zones)
 *   Reuters     26-FEB-1987 15:01:01.79
 *   archives    20150721025132 (ARC and WARC/0.17: 14 digits, UTC)
 *
 * A time without a zone is taken as UTC; a date without a time is its first
 * second. Fractions of a second are dropped. Years run from 1 to 9999. */
#ifndef FH_DATE_H
#define FH_DATE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Bytes fh_date_format() writes, the NUL included. */
#define FH_DATE_ISO_SIZE 21

/* Read s (len bytes, surrounding spaces allowed) into *seconds. Returns FH_OK,
 * or FH_ERR_INVALID when s is none of the forms above or names a day that
 * does not exist (2015-02-30, 25:00). */
fh_status fh_date_parse(const char *s, size_t len, int64_t *seconds);

/* Write seconds as ISO 8601 in UTC, "2015-07-21T02:51:32Z", into out
 * (FH_DATE_ISO_SIZE bytes, NUL-terminated). */
void fh_date_format(int64_t seconds, char out[FH_DATE_ISO_SIZE]);

/* The first (end 0) or last (end 1) second of the year, month or day that s
 * names as YYYY, YYYY-MM or YYYY-MM-DD (len bytes), into *seconds: the ends
 * of a date: filter's range. Returns FH_OK or FH_ERR_INVALID. */
fh_status fh_date_bound(const char *s, size_t len, int end, int64_t *seconds);

/* The year and month of seconds (UTC), into *year and *month (1-12). */
void fh_date_year_month(int64_t seconds, int *year, int *month);

#endif
