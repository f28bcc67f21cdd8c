/* warc_internal.h - what warc.c (the records) and warc_input.c (the
 * archive's bytes) share; not part of warc.h's API. */
#ifndef FH_WARC_INTERNAL_H
#define FH_WARC_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include "buf.h"
#include "warc.h"

#define FH_WARC__IN_CAP    (64 * 1024)
#define FH_WARC__OUT_CHUNK (64 * 1024)
#define FH_WARC__FIELD_MAX 256

/* How the archive's file is compressed. */
enum {
    FH_WARC__PLAIN = 0,
    FH_WARC__GZIP = 1, /* gzip members */
    FH_WARC__ZSTD = 2, /* zstd frames, perhaps a dictionary first */
};

/* A member is a gzip member or a zstd frame. */
typedef struct boundary {
    uint64_t dpos; /* where the member's bytes start in the inflated stream */
    uint64_t cpos; /* where the member starts in the file */
} boundary;

struct fh_warc {
    fh_warc_read_fn read;
    fh_warc_warn_fn warn;
    void *ctx;
    uint64_t max_block;

    unsigned char in[FH_WARC__IN_CAP]; /* the file's bytes: in[in_pos..in_len) not used yet */
    size_t in_pos, in_len;
    uint64_t in_off; /* the file offset of in[0] */
    int in_eof, io_err;

    int compression; /* -1 not told yet, else FH_WARC__PLAIN, _GZIP or _ZSTD */
    z_stream z;
    ZSTD_DCtx *zd;
    int z_init, z_active; /* z_active: a member is being inflated */
    int dict_seen;        /* zstd: a frame went by, so no dictionary frame can come */
    int zd_dict;          /* zstd: a dictionary is loaded */
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
    char type[FH_WARC__FIELD_MAX], date[FH_WARC__FIELD_MAX], ctype[FH_WARC__FIELD_MAX];
    char ptype[FH_WARC__FIELD_MAX];
    fh_buf url;
};

/* Make at least n bytes available from buf + start, or as many as there
 * are before the end or a break. Returns what is available. */
size_t fh_warc__fill(fh_warc *r, size_t n);

/* The file offset of the inflated-stream offset dpos: itself for a plain
 * file, else the start of the member it is in. */
uint64_t fh_warc__file_offset(const fh_warc *r, uint64_t dpos);

/* Whether a member (or the file) starts at inflated-stream offset
 * dpos. */
int fh_warc__is_boundary(const fh_warc *r, uint64_t dpos);

/* Say what, at file offset offset, to the reader's warn callback. */
void fh_warc__warn(fh_warc *r, uint64_t offset, const char *what);

/* The name of what a member is, for warnings: "gzip member", "zstd frame". */
const char *fh_warc__member_name(const fh_warc *r);

/* Load the zstd dictionary frame frame[0..len) (its 8-byte header first)
 * into r, which is then read as zstd. Returns 0, or -1 when it is not one
 * that loads (warned at offset 0) or out of memory (r->nomem). */
int fh_warc__load_dict(fh_warc *r, const unsigned char *frame, size_t len);

/* Free what the lower layer holds (zlib's and zstd's state, the buffers). */
void fh_warc__input_free(fh_warc *r);

#endif
