/* record_pack.c - records compressed with LZ4 (see record_pack.h). */
#include "record_pack.h"

#include <lz4.h>
#include <stdlib.h>
#include <string.h>
#define ZDICT_STATIC_LINKING_ONLY /* ZDICT_trainFromBuffer_fastCover */
#include <zdict.h>

/* Records are compressed by LZ4's fast compressor. Its high-compression
 * one (LZ4 HC at level 4, which earlier indexes used) keeps a state of 256
 * KiB with the dictionary loaded, copied for every record: that copy and
 * HC's search were a fifth of a build's CPU (callgrind, 2,127 BBC pages);
 * the fast state is 16 KiB. newsmix's index grew 219.5 -> 239.7 MB, its
 * build took 14% less CPU (bench/RESULTS.md). The format is the same:
 * records of either compressor decode alike. */
#define PACK_ACCELERATION 1
/* The dictionary trainer's segment and d-mer sizes, fixed: searching for
 * them (ZDICT_trainFromBuffer) took 4-5 times as long, a fifth of a small
 * build, for records 1% smaller. */
#define TRAIN_SEGMENT 256
#define TRAIN_DMER 8
/* No record is this large (a page that large is refused before): a record
 * that says it is, is damaged. */
#define RECORD_MAX ((uint64_t)1 << 31)

struct fh_record_dict {
    char *data; /* the dictionary; LZ4 reads its last 64 KiB */
    size_t len;
    unsigned id;
    LZ4_stream_t *loaded; /* a stream with the dictionary loaded, copied for each record */
};

struct fh_record_codec {
    const fh_record_dict *dict;
    LZ4_stream_t *stream; /* made when first needed */
    /* The dictionary, then room for a record: LZ4 decodes a block whose
     * dictionary lies right before it twice as fast as one whose
     * dictionary lies elsewhere (bench/RESULTS.md). */
    char *scratch;
    size_t scratch_cap;
};

fh_status fh_record_dict_new(const char *data, size_t len, fh_record_dict **out)
{
    *out = NULL;
    unsigned id = ZDICT_getDictID(data, len);
    if (id == 0 || len > INT32_MAX)
        return FH_ERR_CORRUPT;
    fh_record_dict *d = calloc(1, sizeof *d);
    if (d == NULL)
        return FH_ERR_NOMEM;
    d->id = id;
    d->len = len;
    d->data = malloc(len);
    d->loaded = LZ4_createStream();
    if (d->data == NULL || d->loaded == NULL) {
        fh_record_dict_free(d);
        return FH_ERR_NOMEM;
    }
    memcpy(d->data, data, len);
    LZ4_loadDict(d->loaded, d->data, (int)len);
    *out = d;
    return FH_OK;
}

void fh_record_dict_free(fh_record_dict *d)
{
    if (d == NULL)
        return;
    LZ4_freeStream(d->loaded);
    free(d->data);
    free(d);
}

fh_status fh_record_dict_train(const char *samples, const size_t *sizes, size_t n, fh_buf *out)
{
    if (n == 0 || n > UINT32_MAX)
        return FH_ERR_INVALID;
    fh_status rc = fh_buf_reserve(out, FH_RECORD_DICT_MAX);
    if (rc != FH_OK)
        return rc;
    ZDICT_fastCover_params_t params;
    memset(&params, 0, sizeof params);
    params.k = TRAIN_SEGMENT;
    params.d = TRAIN_DMER;
    params.f = 20; /* zstd's default */
    /* zstd's default is 1: 4 trained on half the instructions (300 -> 141
     * million for 2,127 BBC pages, before any page is written), and newsmix's
     * index came out as large (239.7 and 239.6 MB). */
    params.accel = 4;
    params.splitPoint = 1.0; /* every sample trains */
    size_t got = ZDICT_trainFromBuffer_fastCover(out->data + out->len, FH_RECORD_DICT_MAX, samples,
                                                 sizes, (unsigned)n, params);
    if (ZDICT_isError(got))
        return FH_ERR_INVALID;
    out->len += got;
    out->data[out->len] = '\0';
    return FH_OK;
}

fh_status fh_record_codec_new(const fh_record_dict *dict, fh_record_codec **out)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return FH_ERR_NOMEM;
    (*out)->dict = dict;
    return FH_OK;
}

void fh_record_codec_free(fh_record_codec *c)
{
    if (c == NULL)
        return;
    LZ4_freeStream(c->stream);
    free(c->scratch);
    free(c);
}

fh_status fh_record_pack(fh_record_codec *c, const char *raw, size_t len, fh_buf *out)
{
    if (len > RECORD_MAX)
        return FH_ERR_TOOBIG;
    if (c->stream == NULL && (c->stream = LZ4_createStream()) == NULL)
        return FH_ERR_NOMEM;
    int bound = LZ4_compressBound((int)len);
    fh_buf_putc(out, FH_RECORD_PACKED);
    fh_buf_put_varint(out, c->dict ? c->dict->id : 0);
    fh_buf_put_varint(out, len);
    fh_status rc = fh_buf_reserve(out, (size_t)bound);
    if (rc != FH_OK)
        return rc;
    int n;
    if (c->dict) {
        /* A copy of the stream with the dictionary loaded: LZ4 documents
         * it as the way to use one dictionary many times. */
        memcpy(c->stream, c->dict->loaded, sizeof *c->stream);
        n = LZ4_compress_fast_continue(c->stream, raw, out->data + out->len, (int)len, bound,
                                       PACK_ACCELERATION);
    } else {
        n = LZ4_compress_fast_extState(c->stream, raw, out->data + out->len, (int)len, bound,
                                       PACK_ACCELERATION);
    }
    if (n <= 0)
        return FH_ERR_NOMEM; /* the bound leaves room: this does not happen */
    out->len += (size_t)n;
    out->data[out->len] = '\0';
    return FH_OK;
}

/* Make c->scratch hold the dictionary and room for size bytes after it. */
static fh_status make_scratch(fh_record_codec *c, size_t size)
{
    size_t need = c->dict->len + size;
    if (need <= c->scratch_cap)
        return FH_OK;
    size_t cap = c->scratch_cap ? c->scratch_cap : c->dict->len + 16384;
    while (cap < need)
        cap *= 2;
    char *p = realloc(c->scratch, cap);
    if (p == NULL)
        return FH_ERR_NOMEM;
    if (c->scratch == NULL)
        memcpy(p, c->dict->data, c->dict->len);
    c->scratch = p;
    c->scratch_cap = cap;
    return FH_OK;
}

fh_status fh_record_unpack(fh_record_codec *c, const char *data, size_t len, fh_buf *out,
                           const char **raw, size_t *raw_len)
{
    *raw = NULL;
    *raw_len = 0;
    if (len == 0 || data[0] != FH_RECORD_PACKED) {
        *raw = data;
        *raw_len = len;
        return FH_OK;
    }
    const char *p = data + 1, *end = data + len;
    uint64_t id = 0, size = 0;
    /* A byte of an LZ4 block makes at most 255 of its output: a length
     * past that is damaged (and would take memory for nothing). */
    if (fh_varint_decode(&p, end, &id) != FH_OK || fh_varint_decode(&p, end, &size) != FH_OK ||
        size >= RECORD_MAX || end - p > INT32_MAX || size > (uint64_t)(end - p) * 256 + 64)
        return FH_ERR_CORRUPT;
    const fh_record_dict *d = c ? c->dict : NULL;
    if (id != 0 && (d == NULL || d->id != id))
        return FH_ERR_CORRUPT;
    fh_buf_reset(out);
    fh_status rc = fh_buf_reserve(out, (size_t)size);
    if (rc == FH_OK && id)
        rc = make_scratch(c, (size_t)size);
    if (rc != FH_OK)
        return rc;
    int n;
    if (id) {
        char *at = c->scratch + d->len;
        n = LZ4_decompress_safe_usingDict(p, at, (int)(end - p), (int)size, c->scratch,
                                          (int)d->len);
        if (n > 0)
            memcpy(out->data, at, (size_t)n);
    } else {
        n = LZ4_decompress_safe(p, out->data, (int)(end - p), (int)size);
    }
    if (n < 0 || (uint64_t)n != size)
        return FH_ERR_CORRUPT;
    out->len = (size_t)n;
    out->data[n] = '\0';
    *raw = out->data;
    *raw_len = (size_t)n;
    return FH_OK;
}
