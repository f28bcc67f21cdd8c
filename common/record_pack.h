/* record_pack.h - the stored record compressed with LZ4.
 *
 * An index of settings format 6 or later (settings.h, "records=lz4") stores
 * each record (record.h) as the byte FH_RECORD_PACKED, the varint id of the
 * dictionary it was made with (0: none), the varint length of the encoded
 * record, then the encoded record as one LZ4 block (LZ4's high-compression
 * mode). The dictionary is trained on a sample of the pages of the index's
 * first build (by zstd's dictionary builder, whose dictionaries LZ4 reads
 * as they are) and kept in every shard's metadata under FH_RECORD_DICT_KEY,
 * so that a record of a few kilobytes compresses nearly as well as the
 * whole corpus would. zstd's own decompression took three times LZ4's,
 * snippets 15% longer (bench/RESULTS.md). A plain record (the first byte a
 * field tag, never 0) is read as it is: indexes made before hold only
 * those. */
#ifndef FH_RECORD_PACK_H
#define FH_RECORD_PACK_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

/* The first byte of a compressed record. */
#define FH_RECORD_PACKED '\0'
/* The metadata key of an index's record dictionary. */
#define FH_RECORD_DICT_KEY "fihris.record-dict"
/* The largest dictionary trained, in bytes: LZ4 reads at most 64 KiB. */
#define FH_RECORD_DICT_MAX (64 * 1024)

/* A dictionary, ready for compressing and decompressing; shared read-only
 * by any number of threads. */
typedef struct fh_record_dict fh_record_dict;

/* Make a dictionary from len bytes of data (fh_record_dict_train()'s
 * output). Returns FH_OK and *out (free with fh_record_dict_free()),
 * FH_ERR_NOMEM, or FH_ERR_CORRUPT when data is not a zstd dictionary. */
fh_status fh_record_dict_new(const char *data, size_t len, fh_record_dict **out);

/* Free a dictionary. Accepts NULL. */
void fh_record_dict_free(fh_record_dict *d);

/* Train a dictionary on n samples, stored one after another in samples
 * (sizes[i] bytes each), and append it to out. Returns FH_OK, FH_ERR_NOMEM,
 * or FH_ERR_INVALID when the samples are too few or too small to train on
 * (then records are compressed without a dictionary). */
fh_status fh_record_dict_train(const char *samples, const size_t *sizes, size_t n, fh_buf *out);

/* What compresses and decompresses records: one per thread. */
typedef struct fh_record_codec fh_record_codec;

/* Make a codec that uses dict (NULL: none), which must outlive it. Returns
 * FH_OK and *out (free with fh_record_codec_free()), or FH_ERR_NOMEM. */
fh_status fh_record_codec_new(const fh_record_dict *dict, fh_record_codec **out);

/* Free a codec. Accepts NULL. */
void fh_record_codec_free(fh_record_codec *c);

/* Append the record raw (len bytes, as fh_record_encode() wrote it)
 * compressed to out. Returns FH_OK, FH_ERR_NOMEM, or FH_ERR_TOOBIG for a
 * record of 2 GiB or more. */
fh_status fh_record_pack(fh_record_codec *c, const char *raw, size_t len, fh_buf *out);

/* The encoded record a stored one holds. A plain record is given as it is
 * (*raw = data); a compressed one is decompressed into out (reset first)
 * and *raw points into it. c may be NULL when only plain records are read.
 * Returns FH_OK, FH_ERR_NOMEM, or FH_ERR_CORRUPT for a compressed record
 * that is damaged, made with another dictionary, or read without a
 * codec. */
fh_status fh_record_unpack(fh_record_codec *c, const char *data, size_t len, fh_buf *out,
                           const char **raw, size_t *raw_len);

#endif
