/* unpack.c - compressed bytes made whole (see unpack.h). */
#include "unpack.h"

#include <string.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

fh_status fh_unpack_gzip(const char *data, size_t len, uint64_t max, fh_buf *b)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return FH_ERR_NOMEM;
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    fh_status rc = FH_OK;
    while (rc == FH_OK) {
        if (fh_buf_reserve(b, 256 * 1024) != FH_OK) {
            rc = FH_ERR_NOMEM;
            break;
        }
        z.next_out = (Bytef *)b->data + b->len;
        z.avail_out = (uInt)(b->cap - b->len - 1);
        int zr = inflate(&z, Z_NO_FLUSH);
        b->len = (size_t)((char *)z.next_out - b->data);
        if (b->len > max)
            rc = FH_ERR_TOOBIG;
        else if (zr == Z_STREAM_END) {
            /* Members follow one another: the next starts where this ended. */
            if (z.avail_in < 2 || z.next_in[0] != 0x1f || z.next_in[1] != 0x8b)
                break;
            inflateReset(&z);
        } else if (zr == Z_MEM_ERROR)
            rc = FH_ERR_NOMEM;
        else if (zr != Z_OK)
            rc = FH_ERR_CORRUPT; /* corrupt, or cut short (Z_BUF_ERROR with no input) */
    }
    inflateEnd(&z);
    return rc;
}

fh_status fh_unpack_zstd(const char *data, size_t len, uint64_t max, fh_buf *b)
{
    ZSTD_DStream *zd = ZSTD_createDStream();
    if (zd == NULL)
        return FH_ERR_NOMEM;
    ZSTD_inBuffer in = {data, len, 0};
    size_t zr = 1;
    fh_status rc = FH_OK;
    while (rc == FH_OK && (in.pos < in.size || zr != 0)) {
        if (fh_buf_reserve(b, 256 * 1024) != FH_OK) {
            rc = FH_ERR_NOMEM;
            break;
        }
        ZSTD_outBuffer out = {b->data + b->len, b->cap - b->len - 1, 0};
        size_t before = in.pos;
        zr = ZSTD_decompressStream(zd, &out, &in);
        b->len += out.pos;
        if (ZSTD_isError(zr))
            rc = ZSTD_getErrorCode(zr) == ZSTD_error_memory_allocation ? FH_ERR_NOMEM
                                                                       : FH_ERR_CORRUPT;
        else if (b->len > max)
            rc = FH_ERR_TOOBIG;
        else if (zr != 0 && out.pos == 0 && (in.pos == in.size || in.pos == before))
            rc = FH_ERR_CORRUPT; /* cut short */
    }
    ZSTD_freeDStream(zd);
    return rc;
}

int fh_unpack_zstd_frame(const unsigned char *s)
{
    return s[0] == 0x28 && s[1] == 0xB5 && s[2] == 0x2F && s[3] == 0xFD;
}

int fh_unpack_zstd_skippable(const unsigned char *s)
{
    return (s[0] & 0xF0) == 0x50 && s[1] == 0x2A && s[2] == 0x4D && s[3] == 0x18;
}

fh_status fh_unpack_any(const char *data, size_t len, uint64_t max, fh_buf *out)
{
    const unsigned char *u = (const unsigned char *)data;
    int zstd = len >= 4 && (fh_unpack_zstd_frame(u) || fh_unpack_zstd_skippable(u));
    return zstd ? fh_unpack_zstd(data, len, max, out) : fh_unpack_gzip(data, len, max, out);
}
