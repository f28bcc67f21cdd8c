/* warc_input.c - the lower layer of the WARC and ARC reader (see warc.c):
 * the file's bytes made the archive's bytes, inflating gzip members one
 * after another into a sliding buffer, with where each member starts in
 * the file and in the inflated stream. */
#include <stdlib.h>
#include <string.h>

#include "warc_internal.h"

/* Read more of the file into in. Keeps the bytes of the member being
 * inflated when they fit in half the buffer, so that a broken member can be
 * searched for the next one from its start. Returns 1 when bytes came. */
static int in_more(fh_warc *r)
{
    if (r->in_eof || r->io_err)
        return 0;
    size_t keep = r->in_pos;
    if (r->gz == 1 && r->z_active && r->member_cpos >= r->in_off &&
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
    if (r->gz != 1)
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

/* Move in_pos to the next gzip member's start. Returns 1 when there is
 * one, 0 at the end of the file. */
static int seek_member(fh_warc *r)
{
    for (;;) {
        size_t have = in_have(r, 3);
        if (have < 3) {
            r->in_pos = r->in_len;
            return 0;
        }
        const unsigned char *s = r->in + r->in_pos;
        for (size_t i = 0; i + 3 <= have; i++)
            if (gzip_magic(s + i)) {
                r->in_pos += i;
                return 1;
            }
        r->in_pos = r->in_len - 2;
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

/* Start the gzip member at in_pos. */
static int start_member(fh_warc *r)
{
    int zr = r->z_init ? inflateReset2(&r->z, 16 + MAX_WBITS) : inflateInit2(&r->z, 16 + MAX_WBITS);
    if (zr != Z_OK) {
        r->nomem = 1;
        return -1;
    }
    r->z_init = 1;
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

/* Add bytes to buf. Returns 1 when some came, 0 at the end of the archive
 * or at a break, -1 out of memory. */
static int produce(fh_warc *r)
{
    if (r->broken || r->at_end || r->nomem)
        return r->nomem ? -1 : 0;
    if (out_reserve(r, FH_WARC__OUT_CHUNK) != 0)
        return -1;
    if (r->gz < 0) {
        size_t have = in_have(r, 3);
        r->gz = have >= 3 && gzip_magic(r->in + r->in_pos);
    }
    if (!r->gz) {
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
    for (;;) {
        if (!r->z_active) {
            size_t have = in_have(r, 3);
            if (have == 0) {
                r->at_end = 1;
                return 0;
            }
            const unsigned char *u = r->in + r->in_pos;
            if (have < 3 && u[0] == 0x1f && (have < 2 || u[1] == 0x8b)) {
                /* The file ends in a member's first bytes: one cut short. */
                r->member_cpos = r->in_off + r->in_pos;
                r->in_pos = r->in_len;
                break_member(r);
                return 0;
            }
            if (have < 3 || !gzip_magic(u)) {
                uint64_t at = r->in_off + r->in_pos;
                if (!r->quiet_junk)
                    fh_warc__warn(r, at, "junk between gzip members");
                r->quiet_junk = 1;
                if (!seek_member(r)) {
                    r->at_end = 1;
                    return 0;
                }
            }
            if (start_member(r) != 0)
                return -1;
        }
        int rc = inflate_some(r);
        if (rc != 0 || r->broken)
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
    free(r->buf);
    free(r->bounds);
}
