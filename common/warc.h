/* warc.h - reading web archives record by record: WARC and ARC, plain,
 * gzip- or zstd-compressed.
 *
 * The reader pulls the archive's bytes through a callback and never holds
 * more of it than one record (and only when the record is at most max_block
 * bytes; a larger one is passed over as it streams by). It reads:
 *   - WARC/1.0, WARC/1.1 and WARC/0.17 (0.18): a version line, named
 *     header fields, a blank line, Content-Length bytes of block, CRLF CRLF;
 *   - ARC (version 1 and 2): records whose one header line (URL, IP,
 *     14-digit date, type, ..., length) ends with the block's length, a
 *     "filedesc://" record first;
 *   - either one gzip-compressed: one member a record (as crawlers write)
 *     or one stream;
 *   - either one zstd-compressed, one frame a record or one stream, perhaps
 *     with a dictionary first in a skippable frame (magic 0x184D2A5D, the
 *     dictionary plain or itself zstd-compressed): the .warc.zst of
 *     ArchiveTeam and the IIPC's warc-zstd note;
 *   told by the first bytes, not by the file name.
 * Each record carries the byte offset of its start in the file: for a
 * compressed file, the offset of the member (gzip member, zstd frame) it
 * starts in (the start of the record itself when each record is one, so
 * that `warcio`, `pywb` or `tail -c +OFFSET | zcat` open it there).
 *
 * Bad input never stops the reader. Each of these gets one warning, through
 * the warn callback, with the byte offset it is at, and the reader goes on
 * at the next record it finds (a "WARC/" line, or the next gzip member):
 *   "not a WARC or ARC record", "header line over 64 KiB",
 *   "header over 1 MiB", "no valid Content-Length",
 *   "wrong Content-Length (the record does not end where it says)",
 *   "truncated record", "truncated or corrupt gzip member" (or "zstd
 *   frame"), "junk between gzip members" (or "zstd frames"). A zstd
 *   dictionary that does not load ("not a zstd dictionary", "zstd
 *   dictionary over 16 MiB", "truncated zstd dictionary"), or frames made
 *   with one the file does not hold ("zstd frame needs a dictionary the
 *   file does not start with", "zstd frame made with another dictionary"),
 *   stop the reading, said once: every frame would need it. Only a
 *   dictionary frame that is the file's first is one. */
#ifndef FH_WARC_H
#define FH_WARC_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* A header line longer than this is an error. */
#define FH_WARC_LINE_MAX (64 * 1024)
/* All the header lines of one record together. */
#define FH_WARC_HEADER_MAX (1024 * 1024)
/* A zstd dictionary larger than this is not loaded. */
#define FH_WARC_DICT_MAX (16u << 20)

/* Read up to cap bytes of the archive into buf. Returns how many (0 at the
 * end), or -1 on a read error (the reader then stops with FH_ERR_IO). */
typedef long (*fh_warc_read_fn)(void *ctx, char *buf, size_t cap);

/* A problem at byte offset of the file (the start of the record, or of the
 * gzip member, it is about); what is valid only during the call. */
typedef void (*fh_warc_warn_fn)(void *ctx, uint64_t offset, const char *what);

typedef enum fh_warc_format {
    FH_WARC_UNKNOWN, /* not told yet */
    FH_WARC_WARC,
    FH_WARC_ARC,
} fh_warc_format;

/* One record. The strings are NUL-terminated and valid until the next call
 * of fh_warc_next() or fh_warc_free(). */
typedef struct fh_warc_record {
    fh_warc_format format;
    /* WARC-Type, lowercased ("response", "resource", "request", "revisit",
     * "metadata", "warcinfo", "conversion", ...); of an ARC record,
     * "warcinfo" for its filedesc:// record, "response" for an http(s)://
     * URL, else "other". "" when missing. */
    const char *type;
    const char *url;          /* WARC-Target-URI (without <>), the ARC URL; "" if none */
    const char *date;         /* ISO 8601 (WARC-Date, or the ARC date made so); "" if none */
    const char *content_type; /* the record's Content-Type (ARC: the page's); "" if none */
    const char *payload_type; /* WARC-Identified-Payload-Type (Common Crawl's); "" if none */
    uint64_t offset;          /* where the record starts in the file */
    int inflated;             /* 1: it starts inside a gzip member (a one-stream file)... */
    uint64_t inflated_offset; /* ... at this byte of the inflated stream */
    uint64_t length;          /* the block's length, from the header */
    const char *block;        /* the block; NULL when length > max_block */
    size_t block_len;
} fh_warc_record;

typedef struct fh_warc fh_warc;

/* Make a reader. read pulls the bytes, warn (may be NULL) hears the
 * problems, both with ctx. Blocks longer than max_block are not kept.
 * Returns FH_OK and *out (free with fh_warc_free()), or FH_ERR_NOMEM. */
fh_status fh_warc_new(fh_warc_read_fn read, fh_warc_warn_fn warn, void *ctx, uint64_t max_block,
                      fh_warc **out);

/* Free a reader. Accepts NULL. */
void fh_warc_free(fh_warc *r);

/* Read the next good record into *rec. Returns FH_OK with *more = 1 and
 * the record, FH_OK with *more = 0 at the end of the archive, FH_ERR_NOMEM,
 * or FH_ERR_IO when the read callback failed. */
fh_status fh_warc_next(fh_warc *r, fh_warc_record *rec, int *more);

/* Tell a new reader what the archive is, before it reads: one read from
 * the middle (from where an earlier reader stopped) may start in a record
 * cut short, that would not tell. */
void fh_warc_set_format(fh_warc *r, fh_warc_format format);

/* The format of the archive, once a record has been read. */
fh_warc_format fh_warc_format_of(const fh_warc *r);

/* Whether the archive is compressed, gzip or zstd (once a read was made). */
int fh_warc_compressed(const fh_warc *r);

/* The length of the zstd dictionary frame a file starts with, from its
 * first 8 bytes (its header included); 0 when it starts with none. Over
 * FH_WARC_DICT_MAX + 8, give fh_warc_set_dictionary() the 8 bytes alone. */
uint64_t fh_warc_dict_frame_len(const unsigned char head[8]);

/* Give a new reader that reads a zstd archive from the middle (where an
 * earlier reader stopped) the dictionary frame the file starts with,
 * frame[0..len). Returns FH_OK, FH_ERR_NOMEM, or FH_ERR_INVALID when it
 * does not load (said through warn; the reader then reads nothing). */
fh_status fh_warc_set_dictionary(fh_warc *r, const char *frame, size_t len);

/* Once fh_warc_next() has said the end: where a later reading of the same
 * file, grown since, should start to read only what it has not read. That
 * is the end of the file as read, or, when the archive ended in a record
 * cut short (a crawler is still writing it), that record's offset (of its
 * member). A new reader over the file from there reads the rest. */
uint64_t fh_warc_resume_offset(const fh_warc *r);

#endif
