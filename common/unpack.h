/* unpack.h - compressed bytes in memory made whole: gzip members or zstd
 * frames one after another, to a limit. (Web archives, which are read as
 * a stream, have their own reader: warc.h.) */
#ifndef FH_UNPACK_H
#define FH_UNPACK_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

/* Append to *out what data (len bytes of gzip: one member or several in a
 * row) inflates to. Returns FH_OK, FH_ERR_TOOBIG when *out would pass max
 * bytes, FH_ERR_CORRUPT when it is not gzip or is cut short, or
 * FH_ERR_NOMEM. *out has room for one more byte after it. */
fh_status fh_unpack_gzip(const char *data, size_t len, uint64_t max, fh_buf *out);

/* The same for zstd: frames in a row (skippable ones passed over), the
 * data ending where a frame ends; no dictionary. */
fh_status fh_unpack_zstd(const char *data, size_t len, uint64_t max, fh_buf *out);

/* fh_unpack_zstd() when data starts as zstd does (a frame or a skippable
 * frame), else fh_unpack_gzip(). */
fh_status fh_unpack_any(const char *data, size_t len, uint64_t max, fh_buf *out);

/* Whether the 4 bytes at s start a zstd frame. */
int fh_unpack_zstd_frame(const unsigned char *s);

/* Whether the 4 bytes at s start a zstd skippable frame (magic 0x184D2A50
 * to 0x184D2A5F, little-endian). */
int fh_unpack_zstd_skippable(const unsigned char *s);

#endif
