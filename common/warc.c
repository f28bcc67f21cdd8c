/* warc.c - the WARC and ARC record reader (see warc.h).
 *
 * Two layers. The lower one turns the file's bytes into the archive's bytes
 * (inflating gzip members one after another) in a sliding buffer, and
 * remembers where each member starts, in the file and in the inflated
 * stream, so that a record's start maps back to its member. When a member
 * breaks (truncated, corrupt) it gives no byte past the break until the
 * upper layer has said so and moved on. The upper layer parses records in
 * the buffer without consuming them until each is known good, so that after
 * a bad one it can look for the next record right after the bad header. */
#include "warc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "ascii.h"
#include "buf.h"

#define IN_CAP       (64 * 1024)
#define OUT_CHUNK    (64 * 1024)
#define FIELD_MAX    256
#define WARC_MAGIC   "WARC/"
#define WRONG_LENGTH "wrong Content-Length (the record does not end where it says)"

typedef struct boundary {
    uint64_t dpos; /* where the member's bytes start in the inflated stream */
    uint64_t cpos; /* where the member starts in the file */
} boundary;

struct fh_warc {
    fh_warc_read_fn read;
    fh_warc_warn_fn warn;
    void *ctx;
    uint64_t max_block;

    unsigned char in[IN_CAP]; /* the file's bytes: in[in_pos..in_len) not used yet */
    size_t in_pos, in_len;
    uint64_t in_off; /* the file offset of in[0] */
    int in_eof, io_err;

    int gz; /* -1 not told yet, 0 plain, 1 gzip */
    z_stream z;
    int z_init, z_active;
    uint64_t member_cpos; /* the start of the member being inflated */
    int quiet_junk;       /* looking for a member after a break: junk is not news */

    char *buf; /* the archive's bytes: buf[start..end) not consumed yet */
    size_t cap, start, end;
    uint64_t buf_dpos; /* the inflated-stream offset of buf[0] */
    boundary *bounds;
    size_t n_bounds, cap_bounds;
    int broken; /* a member broke at broken_dpos (== buf_dpos + end) */
    uint64_t broken_cpos;
    int at_end;
    int nomem;
    int cut_at_end;      /* the last thing read was a record cut short ... */
    uint64_t cut_offset; /* ... that starts (or whose member starts) here */

    fh_warc_format format;
    char type[FIELD_MAX], date[FIELD_MAX], ctype[FIELD_MAX];
    fh_buf url;
};

/* ---- The lower layer: the archive's bytes -------------------------------- */

/* Read more of the file into in. Keeps the bytes of the member being
 * inflated when they fit in half the buffer, so that a broken member can be
 * searched for the next one from its start. Returns 1 when bytes came. */
static int in_more(fh_warc *r)
{
    if (r->in_eof || r->io_err)
        return 0;
    size_t keep = r->in_pos;
    if (r->gz == 1 && r->z_active && r->member_cpos >= r->in_off &&
        r->member_cpos - r->in_off < keep && r->in_pos - (r->member_cpos - r->in_off) < IN_CAP / 2)
        keep = (size_t)(r->member_cpos - r->in_off);
    if (keep > 0) {
        memmove(r->in, r->in + keep, r->in_len - keep);
        r->in_off += keep;
        r->in_len -= keep;
        r->in_pos -= keep;
    }
    if (r->in_len == IN_CAP)
        return 0;
    long n = r->read(r->ctx, (char *)r->in + r->in_len, IN_CAP - r->in_len);
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
    size_t cap = r->cap ? r->cap : OUT_CHUNK;
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
static uint64_t file_offset(const fh_warc *r, uint64_t dpos)
{
    if (r->gz != 1)
        return dpos;
    uint64_t at = 0;
    for (size_t i = 0; i < r->n_bounds && r->bounds[i].dpos <= dpos; i++)
        at = r->bounds[i].cpos;
    return at;
}

static int is_boundary(const fh_warc *r, uint64_t dpos)
{
    for (size_t i = 0; i < r->n_bounds; i++)
        if (r->bounds[i].dpos == dpos)
            return 1;
    return dpos == 0;
}

/* Whether s (n bytes) starts as a WARC record does: "WARC/" and a digit. */
static int warc_start(const char *s, size_t n)
{
    return n >= 6 && memcmp(s, WARC_MAGIC, 5) == 0 && s[5] >= '0' && s[5] <= '9';
}

static void warn(fh_warc *r, uint64_t offset, const char *what)
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
    if (out_reserve(r, OUT_CHUNK) != 0)
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
                    warn(r, at, "junk between gzip members");
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
static size_t fill(fh_warc *r, size_t n)
{
    while (r->end - r->start < n && produce(r) > 0)
        ;
    return r->end - r->start;
}

/* ---- The upper layer: records -------------------------------------------- */

typedef enum parse_result {
    PARSE_OK,
    PARSE_BAD,   /* a problem with the record: warned, look for the next one */
    PARSE_SHORT, /* the data ends (or breaks) inside the record */
} parse_result;

/* Find the end of the line at start + i. Returns PARSE_OK with its length
 * (without CR LF) and where the next line begins, PARSE_BAD when it is
 * over FH_WARC_LINE_MAX, PARSE_SHORT when the data ends first. */
static parse_result get_line(fh_warc *r, size_t i, size_t *len, size_t *next)
{
    size_t from = i;
    for (;;) {
        size_t have = r->end - r->start;
        size_t stop = have < i + FH_WARC_LINE_MAX + 2 ? have : i + FH_WARC_LINE_MAX + 2;
        const char *nl = from < stop ? memchr(r->buf + r->start + from, '\n', stop - from) : NULL;
        if (nl) {
            size_t at = (size_t)(nl - (r->buf + r->start));
            *next = at + 1;
            *len = at - i;
            if (*len > 0 && r->buf[r->start + at - 1] == '\r')
                (*len)--;
            return *len > FH_WARC_LINE_MAX ? PARSE_BAD : PARSE_OK;
        }
        if (stop - i >= FH_WARC_LINE_MAX + 2)
            return PARSE_BAD;
        from = stop;
        if (fill(r, have + 1) <= have)
            return PARSE_SHORT;
    }
}

static int name_is(const char *s, size_t n, const char *name)
{
    size_t len = strlen(name);
    if (n != len)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (fh_ascii_lower((unsigned char)s[i]) != fh_ascii_lower((unsigned char)name[i]))
            return 0;
    return 1;
}

static void copy_field(char *dst, const char *s, size_t n, int lower)
{
    if (n >= FIELD_MAX)
        n = FIELD_MAX - 1;
    for (size_t i = 0; i < n; i++)
        dst[i] = lower ? (char)fh_ascii_lower((unsigned char)s[i]) : s[i];
    dst[n] = '\0';
}

/* A decimal number of at most 18 digits; -1 if s is not one. */
static int64_t parse_length(const char *s, size_t n)
{
    if (n == 0 || n > 18)
        return -1;
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static void trim(const char **s, size_t *n)
{
    while (*n > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t'))
        (*n)--;
}

static void set_url(fh_warc *r, const char *s, size_t n)
{
    if (n >= 2 && s[0] == '<' && s[n - 1] == '>') {
        s++;
        n -= 2;
    }
    fh_buf_reset(&r->url);
    fh_buf_append(&r->url, s, n);
    fh_buf_append(&r->url, "", 0);
}

static void clear_fields(fh_warc *r)
{
    r->type[0] = r->date[0] = r->ctype[0] = '\0';
    set_url(r, "", 0);
}

/* The named fields of a WARC header, from start + i; *hdr_end is where the
 * block begins, *length the Content-Length. */
static parse_result warc_fields(fh_warc *r, size_t i, size_t *hdr_end, int64_t *length,
                                const char **why)
{
    *length = -1;
    for (;;) {
        size_t len, next;
        parse_result pr = get_line(r, i, &len, &next);
        if (pr == PARSE_BAD)
            *why = "header line over 64 KiB";
        if (pr != PARSE_OK)
            return pr;
        if (next > FH_WARC_HEADER_MAX) {
            *why = "header over 1 MiB";
            return PARSE_BAD;
        }
        const char *line = r->buf + r->start + i;
        i = next;
        if (len == 0)
            break;
        const char *colon = memchr(line, ':', len);
        if (colon == NULL || line[0] == ' ' || line[0] == '\t')
            continue; /* a continuation line, or not a field: nothing we use */
        size_t nlen = (size_t)(colon - line);
        const char *v = colon + 1;
        size_t vlen = len - nlen - 1;
        trim(&v, &vlen);
        if (name_is(line, nlen, "WARC-Type"))
            copy_field(r->type, v, vlen, 1);
        else if (name_is(line, nlen, "WARC-Target-URI"))
            set_url(r, v, vlen);
        else if (name_is(line, nlen, "WARC-Date"))
            copy_field(r->date, v, vlen, 0);
        else if (name_is(line, nlen, "Content-Type"))
            copy_field(r->ctype, v, vlen, 0);
        else if (name_is(line, nlen, "Content-Length"))
            *length = parse_length(v, vlen);
    }
    *hdr_end = i;
    if (*length < 0) {
        *why = "no valid Content-Length";
        return PARSE_BAD;
    }
    return PARSE_OK;
}

/* Split an ARC header line into its space-separated fields; returns how
 * many (at most max). */
static size_t arc_split(const char *s, size_t n, const char **f, size_t *fl, size_t max)
{
    size_t k = 0, i = 0;
    while (i < n && k < max) {
        while (i < n && s[i] == ' ')
            i++;
        if (i >= n)
            break;
        size_t b = i;
        while (i < n && s[i] != ' ')
            i++;
        f[k] = s + b;
        fl[k++] = i - b;
    }
    return k;
}

/* Whether a line is an ARC record's header: URL IP DATE TYPE ... LENGTH
 * (5 fields in version 1, 10 in version 2), fills the fields if so. */
static int arc_line(fh_warc *r, const char *s, size_t n, int64_t *length)
{
    const char *f[11];
    size_t fl[11];
    size_t k = arc_split(s, n, f, fl, 11);
    if ((k != 5 && k != 10) || fl[2] < 14)
        return 0;
    for (size_t i = 0; i < 14; i++)
        if (f[2][i] < '0' || f[2][i] > '9')
            return 0;
    *length = parse_length(f[k - 1], fl[k - 1]);
    if (*length < 0)
        return 0;
    if (r) {
        const char *d = f[2];
        snprintf(r->date, FIELD_MAX, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", d, d + 4, d + 6, d + 8,
                 d + 10, d + 12);
        set_url(r, f[0], fl[0]);
        copy_field(r->ctype, f[3], fl[3], 0);
        const char *type = "other";
        if (fl[0] >= 11 && memcmp(f[0], "filedesc://", 11) == 0)
            type = "warcinfo";
        else if ((fl[0] >= 7 && memcmp(f[0], "http://", 7) == 0) ||
                 (fl[0] >= 8 && memcmp(f[0], "https://", 8) == 0))
            type = "response";
        copy_field(r->type, type, strlen(type), 0);
    }
    return 1;
}

/* The header of the record at start. */
static parse_result parse_header(fh_warc *r, size_t *hdr_end, int64_t *length, const char **why)
{
    size_t len, next;
    parse_result pr = get_line(r, 0, &len, &next);
    if (pr == PARSE_BAD)
        *why = "header line over 64 KiB";
    if (pr == PARSE_SHORT && r->format != FH_WARC_ARC) {
        /* Cut short: still say so of what cannot be a record at all. */
        size_t have = r->end - r->start;
        const char *s = r->buf + r->start;
        if (have < 6 ? memcmp(s, WARC_MAGIC, have < 5 ? have : 5) != 0 : !warc_start(s, have)) {
            *why = "not a WARC or ARC record";
            return PARSE_BAD;
        }
    }
    if (pr != PARSE_OK)
        return pr;
    const char *line = r->buf + r->start;
    clear_fields(r);
    if (warc_start(line, len) && r->format != FH_WARC_ARC) {
        r->format = FH_WARC_WARC;
        return warc_fields(r, next, hdr_end, length, why);
    }
    /* An ARC file starts with its filedesc:// record, or at least with a
     * line that reads as an ARC record's header. */
    if (r->format != FH_WARC_WARC && arc_line(r, line, len, length)) {
        r->format = FH_WARC_ARC;
        *hdr_end = next;
        return PARSE_OK;
    }
    *why = "not a WARC or ARC record";
    return PARSE_BAD;
}

/* After a block ending at start + i: whether the next record (or the end)
 * follows, past the record's closing newlines. */
static int ends_well(fh_warc *r, size_t i)
{
    size_t have = fill(r, i + 4);
    size_t k = i;
    while (k < have && k < i + 4 && (r->buf[r->start + k] == '\r' || r->buf[r->start + k] == '\n'))
        k++;
    if (k == have && fill(r, k + 1) == k)
        return 1; /* the end of the archive (or of a good member before a break) */
    if (k == i && !is_boundary(r, r->buf_dpos + r->start + k))
        return 0;
    if (r->format == FH_WARC_ARC) {
        size_t len, next;
        int64_t ignored;
        parse_result pr = get_line(r, k, &len, &next);
        if (pr == PARSE_SHORT)
            return 1;
        return pr == PARSE_OK && arc_line(NULL, r->buf + r->start + k, len, &ignored);
    }
    have = fill(r, k + 6);
    return have - k < 6
               ? memcmp(r->buf + r->start + k, WARC_MAGIC, have - k < 5 ? have - k : 5) == 0
               : warc_start(r->buf + r->start + k, 6);
}

/* Look for the next record from start + 1: a "WARC/" at the start of a
 * line or of a gzip member (for ARC, a line that reads as an ARC record's
 * header, or a member's start). */
static void resync(fh_warc *r)
{
    if (r->end > r->start)
        r->start++;
    for (;;) {
        size_t have = fill(r, 7);
        size_t i;
        for (i = 0; i < have; i++) {
            int at_member = is_boundary(r, r->buf_dpos + r->start + i);
            int line_start = at_member || (i > 0 && r->buf[r->start + i - 1] == '\n');
            if (!line_start)
                continue;
            if (r->format == FH_WARC_ARC) {
                size_t len, next;
                int64_t ignored;
                if (!at_member && (get_line(r, i, &len, &next) != PARSE_OK ||
                                   !arc_line(NULL, r->buf + r->start + i, len, &ignored)))
                    continue;
                r->start += i;
                return;
            }
            if (have - i < 6)
                break; /* not enough to tell yet */
            if (warc_start(r->buf + r->start + i, 6)) {
                r->start += i;
                return;
            }
        }
        /* Keep the byte before i: it tells whether a line starts at i. */
        r->start += i > 0 ? i - 1 : 0;
        size_t now = r->end - r->start;
        if (fill(r, now + 1) > now)
            continue;
        r->start = r->end;
        if (!r->broken)
            return;
        r->broken = 0; /* go on: the next member's bytes follow */
    }
}

/* Skip n bytes of a block too large to keep. Returns 0, or -1 when the
 * data ends first. */
static int skip_bytes(fh_warc *r, uint64_t n)
{
    while (n > 0) {
        size_t have = fill(r, 1);
        if (have == 0)
            return -1;
        size_t take = have < n ? have : (size_t)n;
        r->start += take;
        n -= take;
    }
    return 0;
}

static void fill_record(fh_warc *r, fh_warc_record *rec, uint64_t offset, int64_t length)
{
    memset(rec, 0, sizeof *rec);
    rec->format = r->format;
    rec->type = r->type;
    rec->url = r->url.data ? r->url.data : "";
    rec->date = r->date;
    rec->content_type = r->ctype;
    rec->offset = offset;
    rec->length = (uint64_t)length;
}

/* A break or the end inside a record: say which, once, and go on. */
static void cut_short(fh_warc *r, uint64_t offset)
{
    r->cut_at_end = 1;
    if (r->broken) {
        warn(r, r->broken_cpos, "truncated or corrupt gzip member");
        r->cut_offset = r->broken_cpos;
        r->start = r->end;
        r->broken = 0; /* go on: the next member's bytes follow */
    } else {
        warn(r, offset, "truncated record");
        r->cut_offset = offset;
        r->start = r->end;
    }
}

fh_status fh_warc_next(fh_warc *r, fh_warc_record *rec, int *more)
{
    *more = 0;
    memset(rec, 0, sizeof *rec);
    for (;;) {
        while (fill(r, 1) > 0 && (r->buf[r->start] == '\r' || r->buf[r->start] == '\n'))
            r->start++;
        if (r->nomem)
            return FH_ERR_NOMEM;
        if (r->end == r->start) {
            if (r->broken) {
                cut_short(r, 0);
                continue;
            }
            return r->io_err ? FH_ERR_IO : FH_OK;
        }
        uint64_t dpos = r->buf_dpos + r->start, offset = file_offset(r, dpos);
        size_t hdr_end = 0;
        int64_t length = 0;
        const char *why = NULL;
        parse_result pr = parse_header(r, &hdr_end, &length, &why);
        if (pr == PARSE_SHORT) {
            if (!r->nomem)
                cut_short(r, offset);
            continue;
        }
        if (pr == PARSE_BAD) {
            warn(r, offset, why);
            resync(r);
            continue;
        }
        fill_record(r, rec, offset, length);
        rec->inflated = r->gz == 1 && !is_boundary(r, dpos); /* inside a gzip member */
        rec->inflated_offset = dpos;
        if ((uint64_t)length > r->max_block) {
            r->start += hdr_end;
            if (skip_bytes(r, (uint64_t)length) != 0) {
                cut_short(r, offset);
                continue;
            }
            if (!ends_well(r, 0)) {
                warn(r, offset, WRONG_LENGTH);
                resync(r);
                continue;
            }
            r->cut_at_end = 0;
            *more = 1;
            return FH_OK;
        }
        size_t need = hdr_end + (size_t)length;
        if (fill(r, need) < need) {
            /* The data ends first: the record is cut short, unless another
             * starts inside what it claims (its length is wrong). */
            if (!r->nomem && !r->broken) {
                resync(r);
                if (r->end > r->start) {
                    warn(r, offset, WRONG_LENGTH);
                    continue;
                }
            }
            if (!r->nomem)
                cut_short(r, offset);
            continue;
        }
        if (!ends_well(r, need)) {
            warn(r, offset, WRONG_LENGTH);
            resync(r);
            continue;
        }
        /* fill() may have moved the buffer: point into it now. */
        rec->block = r->buf + r->start + hdr_end;
        rec->block_len = (size_t)length;
        r->start += need;
        r->cut_at_end = 0;
        *more = 1;
        return FH_OK;
    }
}

fh_status fh_warc_new(fh_warc_read_fn read, fh_warc_warn_fn warn_fn, void *ctx, uint64_t max_block,
                      fh_warc **out)
{
    *out = NULL;
    fh_warc *r = calloc(1, sizeof *r);
    if (r == NULL)
        return FH_ERR_NOMEM;
    r->read = read;
    r->warn = warn_fn;
    r->ctx = ctx;
    r->max_block = max_block;
    r->gz = -1;
    r->url = (fh_buf)FH_BUF_INIT;
    *out = r;
    return FH_OK;
}

void fh_warc_free(fh_warc *r)
{
    if (r == NULL)
        return;
    if (r->z_init)
        inflateEnd(&r->z);
    free(r->buf);
    free(r->bounds);
    fh_buf_free(&r->url);
    free(r);
}

fh_warc_format fh_warc_format_of(const fh_warc *r)
{
    return r->format;
}

int fh_warc_compressed(const fh_warc *r)
{
    return r->gz == 1;
}

uint64_t fh_warc_resume_offset(const fh_warc *r)
{
    return r->cut_at_end ? r->cut_offset : r->in_off + r->in_len;
}
