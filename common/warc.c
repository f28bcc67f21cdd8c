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

#include "ascii.h"
#include "warc_internal.h"

#define WARC_MAGIC   "WARC/"
#define WRONG_LENGTH "wrong Content-Length (the record does not end where it says)"

/* ---- The upper layer: records -------------------------------------------- */

/* Whether s (n bytes) starts as a WARC record does: "WARC/" and a digit. */
static int warc_start(const char *s, size_t n)
{
    return n >= 6 && memcmp(s, WARC_MAGIC, 5) == 0 && s[5] >= '0' && s[5] <= '9';
}

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
        if (fh_warc__fill(r, have + 1) <= have)
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
    if (n >= FH_WARC__FIELD_MAX)
        n = FH_WARC__FIELD_MAX - 1;
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
    r->type[0] = r->date[0] = r->ctype[0] = r->ptype[0] = '\0';
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
        else if (name_is(line, nlen, "WARC-Identified-Payload-Type"))
            copy_field(r->ptype, v, vlen, 0);
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
        snprintf(r->date, FH_WARC__FIELD_MAX, "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", d, d + 4, d + 6,
                 d + 8, d + 10, d + 12);
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
    size_t have = fh_warc__fill(r, i + 4);
    size_t k = i;
    while (k < have && k < i + 4 && (r->buf[r->start + k] == '\r' || r->buf[r->start + k] == '\n'))
        k++;
    if (k == have && fh_warc__fill(r, k + 1) == k)
        return 1; /* the end of the archive (or of a good member before a break) */
    /* A WARC record right after the block, without the blank lines some
     * writers leave out, still ends it well. */
    int joined = k == i && !fh_warc__is_boundary(r, r->buf_dpos + r->start + k);
    if (joined && r->format == FH_WARC_ARC)
        return 0;
    if (r->format == FH_WARC_ARC) {
        size_t len, next;
        int64_t ignored;
        parse_result pr = get_line(r, k, &len, &next);
        if (pr == PARSE_SHORT)
            return 1;
        return pr == PARSE_OK && arc_line(NULL, r->buf + r->start + k, len, &ignored);
    }
    have = fh_warc__fill(r, k + 6);
    if (have - k < 6)
        return !joined &&
               memcmp(r->buf + r->start + k, WARC_MAGIC, have - k < 5 ? have - k : 5) == 0;
    return warc_start(r->buf + r->start + k, 6);
}

/* Look for the next record from start + 1: a "WARC/" at the start of a
 * line or of a gzip member (for ARC, a line that reads as an ARC record's
 * header, or a member's start). */
static void resync(fh_warc *r)
{
    if (r->end > r->start)
        r->start++;
    for (;;) {
        size_t have = fh_warc__fill(r, 7);
        size_t i;
        for (i = 0; i < have; i++) {
            int at_member = fh_warc__is_boundary(r, r->buf_dpos + r->start + i);
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
        if (fh_warc__fill(r, now + 1) > now)
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
        size_t have = fh_warc__fill(r, 1);
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
    rec->payload_type = r->ptype;
    rec->offset = offset;
    rec->length = (uint64_t)length;
}

/* A break or the end inside the record at offset (UINT64_MAX: between
 * records): say which, once, and go on. A later reading starts at the
 * record, or at the member that broke when the record started in it. */
static void cut_short(fh_warc *r, uint64_t offset)
{
    r->cut_at_end = 1;
    if (r->broken) {
        char what[64];
        snprintf(what, sizeof what, "truncated or corrupt %s", fh_warc__member_name(r));
        fh_warc__warn(r, r->broken_cpos, what);
        r->cut_offset = offset < r->broken_cpos ? offset : r->broken_cpos;
        r->start = r->end;
        r->broken = 0; /* go on: the next member's bytes follow */
    } else {
        fh_warc__warn(r, offset, "truncated record");
        r->cut_offset = offset;
        r->start = r->end;
    }
}

fh_status fh_warc_next(fh_warc *r, fh_warc_record *rec, int *more)
{
    *more = 0;
    memset(rec, 0, sizeof *rec);
    for (;;) {
        while (fh_warc__fill(r, 1) > 0 && (r->buf[r->start] == '\r' || r->buf[r->start] == '\n'))
            r->start++;
        if (r->nomem)
            return FH_ERR_NOMEM;
        if (r->end == r->start) {
            if (r->broken) {
                cut_short(r, UINT64_MAX);
                continue;
            }
            return r->io_err ? FH_ERR_IO : FH_OK;
        }
        uint64_t dpos = r->buf_dpos + r->start, offset = fh_warc__file_offset(r, dpos);
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
            fh_warc__warn(r, offset, why);
            resync(r);
            continue;
        }
        fill_record(r, rec, offset, length);
        /* inside a member */
        rec->inflated = r->compression > FH_WARC__PLAIN && !fh_warc__is_boundary(r, dpos);
        rec->inflated_offset = dpos;
        if ((uint64_t)length > r->max_block) {
            r->start += hdr_end;
            if (skip_bytes(r, (uint64_t)length) != 0) {
                cut_short(r, offset);
                continue;
            }
            if (!ends_well(r, 0)) {
                fh_warc__warn(r, offset, WRONG_LENGTH);
                resync(r);
                continue;
            }
            r->cut_at_end = 0;
            *more = 1;
            return FH_OK;
        }
        size_t need = hdr_end + (size_t)length;
        if (fh_warc__fill(r, need) < need) {
            /* The data ends first: the record is cut short, unless another
             * starts inside what it claims (its length is wrong). */
            if (!r->nomem && !r->broken) {
                resync(r);
                if (r->end > r->start) {
                    fh_warc__warn(r, offset, WRONG_LENGTH);
                    continue;
                }
            }
            if (!r->nomem)
                cut_short(r, offset);
            continue;
        }
        if (!ends_well(r, need)) {
            fh_warc__warn(r, offset, WRONG_LENGTH);
            resync(r);
            continue;
        }
        /* fh_warc__fill() may have moved the buffer: point into it now. */
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
    r->compression = -1;
    r->url = (fh_buf)FH_BUF_INIT;
    *out = r;
    return FH_OK;
}

void fh_warc_free(fh_warc *r)
{
    if (r == NULL)
        return;
    fh_warc__input_free(r);
    fh_buf_free(&r->url);
    free(r);
}

void fh_warc_set_format(fh_warc *r, fh_warc_format format)
{
    r->format = format;
}

fh_warc_format fh_warc_format_of(const fh_warc *r)
{
    return r->format;
}

int fh_warc_compressed(const fh_warc *r)
{
    return r->compression > FH_WARC__PLAIN;
}

fh_status fh_warc_set_dictionary(fh_warc *r, const char *frame, size_t len)
{
    if (fh_warc__load_dict(r, (const unsigned char *)frame, len) == 0)
        return FH_OK;
    if (r->nomem)
        return FH_ERR_NOMEM;
    r->at_end = 1; /* its frames would not decompress: said once */
    return FH_ERR_INVALID;
}

uint64_t fh_warc_resume_offset(const fh_warc *r)
{
    return r->cut_at_end ? r->cut_offset : r->in_off + r->in_len;
}
