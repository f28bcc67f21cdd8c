/* warc_input.c - the lower layer of the WARC and ARC reader (see warc.c):
 * the file's bytes made the archive's bytes, inflating gzip members or
 * zstd frames one after another into a sliding buffer, with where each
 * starts in the file and in the inflated stream. A zstd archive may start
 * with its dictionary in a skippable frame (magic 0x184D2A5D, the
 * dictionary itself perhaps zstd-compressed), as ArchiveTeam's .warc.zst
 * files do; other skippable frames are passed over. */
#include <stdlib.h>
#include <string.h>

#include "unpack.h"
#include "warc_internal.h"

/* Read more of the file into in. Keeps the bytes of the member being
 * inflated when they fit in half the buffer, so that a broken member can be
 * searched for the next one from its start. Returns 1 when bytes came. */
static int in_more(fh_warc *r)
{
    if (r->in_eof || r->io_err)
        return 0;
    size_t keep = r->in_pos;
    if (r->compression > FH_WARC__PLAIN && r->z_active && r->member_cpos >= r->in_off &&
        r->member_cpos - r->in_off < keep &&
        r->in_pos - (r->member_cpos - r->in_off) < FH_WARC__IN_CAP / 2)
        keep = (size_t)(r->member_cpos - r->in_off);
    if (keep > 0) {
        memmove(r->in, r->in + keep, r->in_len - keep);
        r->in_off += keep;
        r->in_len -= keep;
        r->in_pos -= keep;
    }
    if (r->in_len == FH_WARC__IN_CAP)
        return 0;
    long n = r->read(r->ctx, (char *)r->in + r->in_len, FH_WARC__IN_CAP - r->in_len);
    if (n < 0) {
        r->io_err = 1;
        return 0;
    }
    if (n == 0) {
        r->in_eof = 1;
        return 0;
    }
    r->in_len += (size_t)n;
    return 1;
}

/* Make room for n more bytes at buf + end, dropping what was consumed. */
static int out_reserve(fh_warc *r, size_t n)
{
    if (r->start > 0) {
        memmove(r->buf, r->buf + r->start, r->end - r->start);
        r->buf_dpos += r->start;
        r->end -= r->start;
        r->start = 0;
    }
    if (r->cap - r->end >= n)
        return 0;
    size_t cap = r->cap ? r->cap : FH_WARC__OUT_CHUNK;
    while (cap - r->end < n)
        cap *= 2;
    char *b = realloc(r->buf, cap);
    if (b == NULL) {
        r->nomem = 1;
        return -1;
    }
    r->buf = b;
    r->cap = cap;
    return 0;
}

static int add_boundary(fh_warc *r, uint64_t dpos, uint64_t cpos)
{
    /* Drop the boundaries before the one holding the first unconsumed byte. */
    size_t drop = 0;
    while (drop + 1 < r->n_bounds && r->bounds[drop + 1].dpos <= r->buf_dpos + r->start)
        drop++;
    if (drop > 0) {
        memmove(r->bounds, r->bounds + drop, (r->n_bounds - drop) * sizeof *r->bounds);
        r->n_bounds -= drop;
    }
    if (fh_grow((void **)&r->bounds, &r->cap_bounds, r->n_bounds + 1, sizeof *r->bounds, 16) !=
        FH_OK) {
        r->nomem = 1;
        return -1;
    }
    r->bounds[r->n_bounds++] = (boundary){dpos, cpos};
    return 0;
}

/* The file offset of the inflated-stream offset dpos: itself for a plain
 * file, else the start of the member it is in. */
uint64_t fh_warc__file_offset(const fh_warc *r, uint64_t dpos)
{
    if (r->compression <= FH_WARC__PLAIN)
        return dpos;
    uint64_t at = 0;
    for (size_t i = 0; i < r->n_bounds && r->bounds[i].dpos <= dpos; i++)
        at = r->bounds[i].cpos;
    return at;
}

int fh_warc__is_boundary(const fh_warc *r, uint64_t dpos)
{
    for (size_t i = 0; i < r->n_bounds; i++)
        if (r->bounds[i].dpos == dpos)
            return 1;
    return dpos == 0;
}

void fh_warc__warn(fh_warc *r, uint64_t offset, const char *what)
{
    if (r->warn)
        r->warn(r->ctx, offset, what);
}

/* Ensure at least n unread input bytes, or as many as there are. */
static size_t in_have(fh_warc *r, size_t n)
{
    while (r->in_len - r->in_pos < n && in_more(r))
        ;
    return r->in_len - r->in_pos;
}

static int gzip_magic(const unsigned char *s)
{
    return s[0] == 0x1f && s[1] == 0x8b && s[2] == 8;
}

#define DICT_MAGIC_BYTE 0x5D /* the first byte of 0x184D2A5D, little-endian */

static uint32_t le32(const unsigned char *s)
{
    return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
}

uint64_t fh_warc_dict_frame_len(const unsigned char head[8])
{
    if (head[0] != DICT_MAGIC_BYTE || !fh_unpack_zstd_skippable(head))
        return 0;
    return 8 + (uint64_t)le32(head + 4);
}

/* The bytes a member's magic takes, and whether s starts one. */
static size_t magic_len(const fh_warc *r)
{
    return r->compression == FH_WARC__ZSTD ? 4 : 3;
}

static int member_magic(const fh_warc *r, const unsigned char *s)
{
    return r->compression == FH_WARC__ZSTD ? fh_unpack_zstd_frame(s) || fh_unpack_zstd_skippable(s)
                                           : gzip_magic(s);
}

/* Whether the have bytes at s (fewer than a magic) begin a member's magic. */
static int magic_prefix(const fh_warc *r, const unsigned char *s, size_t have)
{
    static const unsigned char gz[3] = {0x1f, 0x8b, 8}, zstd[4] = {0x28, 0xB5, 0x2F, 0xFD};
    return memcmp(s, r->compression == FH_WARC__ZSTD ? zstd : gz, have) == 0;
}

const char *fh_warc__member_name(const fh_warc *r)
{
    return r->compression == FH_WARC__ZSTD ? "zstd frame" : "gzip member";
}

/* Move in_pos to the next member's start. Returns 1 when there is one, 0
 * at the end of the file. */
static int seek_member(fh_warc *r)
{
    size_t m = magic_len(r);
    for (;;) {
        size_t have = in_have(r, m);
        if (have < m) {
            r->in_pos = r->in_len;
            return 0;
        }
        const unsigned char *s = r->in + r->in_pos;
        for (size_t i = 0; i + m <= have; i++)
            if (member_magic(r, s + i)) {
                r->in_pos += i;
                return 1;
            }
        r->in_pos = r->in_len - (m - 1);
    }
}

/* The member being inflated breaks here: no byte past it is given until
 * broken is cleared; the next member is sought from this one's start + 1. */
static void break_member(fh_warc *r)
{
    r->broken = 1;
    r->broken_cpos = r->member_cpos;
    r->z_active = 0;
    if (r->member_cpos >= r->in_off && r->member_cpos + 1 - r->in_off <= r->in_len)
        r->in_pos = (size_t)(r->member_cpos + 1 - r->in_off);
    r->quiet_junk = 1;
}

/* Consume n bytes of input, appended to into unless it is NULL. Returns 1
 * when they all came, 0 when the file ended first. */
static int take_input(fh_warc *r, uint64_t n, fh_buf *into)
{
    while (n > 0) {
        if (r->in_pos == r->in_len && !in_more(r))
            return 0;
        size_t k = r->in_len - r->in_pos;
        if (k > n)
            k = (size_t)n;
        if (into)
            fh_buf_append(into, r->in + r->in_pos, k);
        r->in_pos += k;
        n -= k;
    }
    return 1;
}

int fh_warc__load_dict(fh_warc *r, const unsigned char *frame, size_t len)
{
    const char *bad = "not a zstd dictionary: the archive is not read";
    if (len < 8 || frame[0] != DICT_MAGIC_BYTE || !fh_unpack_zstd_skippable(frame)) {
        fh_warc__warn(r, 0, bad);
        return -1;
    }
    if (le32(frame + 4) > FH_WARC_DICT_MAX) {
        fh_warc__warn(r, 0, "zstd dictionary over 16 MiB: the archive is not read");
        return -1;
    }
    if (le32(frame + 4) != len - 8) {
        fh_warc__warn(r, 0, "truncated zstd dictionary: the archive is not read");
        return -1;
    }
    const unsigned char *d = frame + 8;
    size_t n = len - 8;
    fh_buf plain = FH_BUF_INIT;
    if (n >= 4 && fh_unpack_zstd_frame(d)) { /* the dictionary compressed */
        fh_status rc = fh_unpack_zstd((const char *)d, n, FH_WARC_DICT_MAX, &plain);
        if (rc != FH_OK || plain.len == 0) {
            fh_buf_free(&plain);
            if (rc == FH_ERR_NOMEM)
                r->nomem = 1;
            else
                fh_warc__warn(r, 0, bad);
            return -1;
        }
        d = (const unsigned char *)plain.data;
        n = plain.len;
    }
    if (r->zd == NULL && (r->zd = ZSTD_createDCtx()) == NULL) {
        fh_buf_free(&plain);
        r->nomem = 1;
        return -1;
    }
    size_t zr = ZSTD_DCtx_loadDictionary(r->zd, d, n); /* copied */
    fh_buf_free(&plain);
    if (ZSTD_isError(zr)) {
        if (ZSTD_getErrorCode(zr) == ZSTD_error_memory_allocation)
            r->nomem = 1;
        else
            fh_warc__warn(r, 0, bad);
        return -1;
    }
    r->compression = FH_WARC__ZSTD;
    r->dict_seen = 1;
    r->zd_dict = 1;
    return 0;
}

/* The zstd skippable frame at in_pos: the dictionary when it is the
 * file's first frame, loaded; any other passed over. Returns 1 when it
 * was, 0 when nothing more is to be read (the dictionary does not load:
 * said) or when the file ends inside the frame (then it breaks as a frame
 * cut short does), -1 out of memory. */
static int skip_frame(fh_warc *r)
{
    uint64_t at = r->in_off + r->in_pos;
    int whole_header = in_have(r, 8) >= 8; /* may move the buffer */
    const unsigned char *u = r->in + r->in_pos;
    uint32_t n = whole_header ? le32(u + 4) : 0;
    if (!whole_header || u[0] != DICT_MAGIC_BYTE || r->dict_seen || at != 0) {
        if (whole_header && take_input(r, 8 + (uint64_t)n, NULL))
            return 1;
        r->member_cpos = at; /* the file ends inside it */
        break_member(r);
        return 0;
    }
    r->dict_seen = 1;
    if (n > FH_WARC_DICT_MAX) /* said by fh_warc__load_dict() */
        return fh_warc__load_dict(r, u, 8) == 0 ? 1 : r->nomem ? -1 : 0;
    fh_buf frame = FH_BUF_INIT;
    int whole = take_input(r, 8 + (uint64_t)n, &frame);
    int rc = 0;
    if (fh_buf_status(&frame) != FH_OK) {
        r->nomem = 1;
        rc = -1;
    } else if (!whole) {
        fh_warc__warn(r, at, "truncated zstd dictionary: the archive is not read");
    } else if (fh_warc__load_dict(r, (const unsigned char *)frame.data, frame.len) == 0) {
        rc = 1;
    } else {
        rc = r->nomem ? -1 : 0;
    }
    fh_buf_free(&frame);
    return rc;
}

/* Start the member (a gzip member, a zstd frame) at in_pos. */
static int start_member(fh_warc *r)
{
    if (r->compression == FH_WARC__ZSTD) {
        /* A reset keeps the dictionary. */
        if (r->zd ? ZSTD_isError(ZSTD_DCtx_reset(r->zd, ZSTD_reset_session_only))
                  : (r->zd = ZSTD_createDCtx()) == NULL) {
            r->nomem = 1;
            return -1;
        }
        r->dict_seen = 1;
    } else {
        int zr =
            r->z_init ? inflateReset2(&r->z, 16 + MAX_WBITS) : inflateInit2(&r->z, 16 + MAX_WBITS);
        if (zr != Z_OK) {
            r->nomem = 1;
            return -1;
        }
        r->z_init = 1;
    }
    r->z_active = 1;
    r->quiet_junk = 0;
    r->member_cpos = r->in_off + r->in_pos;
    return add_boundary(r, r->buf_dpos + r->end, r->member_cpos);
}

/* Inflate some of the current member into buf. Returns 1 when bytes came,
 * 0 when the member ended or broke without more, -1 out of memory. */
static int inflate_some(fh_warc *r)
{
    for (;;) {
        if (r->in_pos == r->in_len && !in_more(r)) {
            break_member(r); /* the file ends inside the member */
            return 0;
        }
        r->z.next_in = r->in + r->in_pos;
        r->z.avail_in = (uInt)(r->in_len - r->in_pos);
        r->z.next_out = (Bytef *)r->buf + r->end;
        r->z.avail_out = (uInt)(r->cap - r->end);
        int zr = inflate(&r->z, Z_NO_FLUSH);
        r->in_pos = r->in_len - r->z.avail_in;
        size_t made = (size_t)((char *)r->z.next_out - (r->buf + r->end));
        r->end += made;
        if (zr == Z_STREAM_END) {
            r->z_active = 0;
            return made > 0;
        }
        if (zr == Z_MEM_ERROR) {
            r->nomem = 1;
            return -1;
        }
        if (zr != Z_OK && zr != Z_BUF_ERROR) {
            break_member(r);
            return made > 0;
        }
        if (made > 0)
            return 1;
    }
}

/* Decompress some of the current zstd frame into buf. Returns 1 when
 * bytes came, 0 when the frame ended or broke without more, -1 out of
 * memory. */
static int unzstd_some(fh_warc *r)
{
    for (;;) {
        ZSTD_inBuffer in = {r->in + r->in_pos, r->in_len - r->in_pos, 0};
        ZSTD_outBuffer out = {r->buf + r->end, r->cap - r->end, 0};
        size_t zr = ZSTD_decompressStream(r->zd, &out, &in);
        r->in_pos += in.pos;
        r->end += out.pos;
        if (ZSTD_isError(zr)) {
            ZSTD_ErrorCode code = ZSTD_getErrorCode(zr);
            if (code == ZSTD_error_memory_allocation) {
                r->nomem = 1;
                return -1;
            }
            if (code == ZSTD_error_dictionary_wrong) {
                /* Every frame would need it: said once. */
                fh_warc__warn(r, r->member_cpos,
                              r->dict_seen && r->zd_dict
                                  ? "zstd frame made with another dictionary: the archive is "
                                    "not read further"
                                  : "zstd frame needs a dictionary the file does not start "
                                    "with: the archive is not read further");
                r->z_active = 0;
                r->at_end = 1;
                return out.pos > 0;
            }
            break_member(r);
            return out.pos > 0;
        }
        if (zr == 0) {
            r->z_active = 0;
            return out.pos > 0;
        }
        if (out.pos > 0)
            return 1;
        /* No output: the frame needs more of the file. */
        if ((r->in_pos < r->in_len && in.pos == 0) || (r->in_pos == r->in_len && !in_more(r))) {
            break_member(r); /* the file ends inside the frame */
            return 0;
        }
    }
}

/* Add bytes to buf. Returns 1 when some came, 0 at the end of the archive
 * or at a break, -1 out of memory. */
static int produce(fh_warc *r)
{
    if (r->broken || r->at_end || r->nomem)
        return r->nomem ? -1 : 0;
    if (out_reserve(r, FH_WARC__OUT_CHUNK) != 0)
        return -1;
    if (r->compression < 0) {
        size_t have = in_have(r, 4);
        const unsigned char *u = r->in + r->in_pos;
        r->compression = have >= 3 && gzip_magic(u) ? FH_WARC__GZIP
                         : have >= 4 && (fh_unpack_zstd_frame(u) || fh_unpack_zstd_skippable(u))
                             ? FH_WARC__ZSTD
                             : FH_WARC__PLAIN;
    }
    if (r->compression == FH_WARC__PLAIN) {
        if (r->in_pos == r->in_len && !in_more(r)) {
            r->at_end = 1;
            return 0;
        }
        size_t n = r->in_len - r->in_pos;
        if (n > r->cap - r->end)
            n = r->cap - r->end;
        memcpy(r->buf + r->end, r->in + r->in_pos, n);
        r->in_pos += n;
        r->end += n;
        return 1;
    }
    size_t m = magic_len(r);
    for (;;) {
        if (!r->z_active) {
            size_t have = in_have(r, m);
            if (have == 0) {
                r->at_end = 1;
                return 0;
            }
            const unsigned char *u = r->in + r->in_pos;
            if (have < m && magic_prefix(r, u, have)) {
                /* The file ends in a member's first bytes: one cut short. */
                r->member_cpos = r->in_off + r->in_pos;
                r->in_pos = r->in_len;
                break_member(r);
                return 0;
            }
            if (have < m || !member_magic(r, u)) {
                uint64_t at = r->in_off + r->in_pos;
                if (!r->quiet_junk)
                    fh_warc__warn(r, at,
                                  r->compression == FH_WARC__ZSTD ? "junk between zstd frames"
                                                                  : "junk between gzip members");
                r->quiet_junk = 1;
                if (!seek_member(r)) {
                    r->at_end = 1;
                    return 0;
                }
            }
            if (r->compression == FH_WARC__ZSTD && fh_unpack_zstd_skippable(r->in + r->in_pos)) {
                int k = skip_frame(r);
                if (k == 0 && !r->broken)
                    r->at_end = 1;
                if (k <= 0)
                    return k;
                continue;
            }
            if (start_member(r) != 0)
                return -1;
        }
        int rc = r->compression == FH_WARC__ZSTD ? unzstd_some(r) : inflate_some(r);
        if (rc != 0 || r->broken || r->at_end)
            return rc;
    }
}

/* Make at least n bytes available from start, or as many as there are
 * before the end or a break. Returns what is available. */
size_t fh_warc__fill(fh_warc *r, size_t n)
{
    while (r->end - r->start < n && produce(r) > 0)
        ;
    return r->end - r->start;
}

void fh_warc__input_free(fh_warc *r)
{
    if (r->z_init)
        inflateEnd(&r->z);
    ZSTD_freeDCtx(r->zd);
    free(r->buf);
    free(r->bounds);
}
