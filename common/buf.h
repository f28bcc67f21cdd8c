/* buf.h - a growable byte buffer with a sticky error.
 *
 * Many appends, one check at the end: after the first failed allocation every
 * later append does nothing and fh_buf_status() reports FH_ERR_NOMEM. The
 * contents are always NUL-terminated (the NUL is not counted in len). */
#ifndef FH_BUF_H
#define FH_BUF_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef struct fh_buf {
    char *data; /* owned; NULL until the first append */
    size_t len; /* bytes used, excluding the terminating NUL */
    size_t cap; /* bytes allocated */
    int status; /* FH_OK, or FH_ERR_NOMEM after a failed allocation */
} fh_buf;

#define FH_BUF_INIT                                                                                \
    {                                                                                              \
        NULL, 0, 0, 0                                                                              \
    }

/* Make room for at least extra more bytes. Returns FH_OK or FH_ERR_NOMEM. */
fh_status fh_buf_reserve(fh_buf *b, size_t extra);
/* Append len bytes of p. */
void fh_buf_append(fh_buf *b, const void *p, size_t len);
/* Append a NUL-terminated string. */
void fh_buf_puts(fh_buf *b, const char *s);
/* Append one byte. */
void fh_buf_putc(fh_buf *b, char c);
/* Append printf-style formatted text. */
void fh_buf_printf(fh_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append a code point as UTF-8 (invalid code points become U+FFFD). */
void fh_buf_put_utf8(fh_buf *b, uint32_t cp);
/* Write v as an unsigned LEB128 varint into out; returns its length (1-10). */
size_t fh_varint_encode(uint64_t v, char out[10]);
/* Read an unsigned LEB128 varint at *p (before end) into *v and move *p past
 * it. Returns FH_OK, or FH_ERR_CORRUPT when it runs past end or 64 bits. */
fh_status fh_varint_decode(const char **p, const char *end, uint64_t *v);
/* Append an unsigned LEB128 varint. */
void fh_buf_put_varint(fh_buf *b, uint64_t v);
/* Forget the contents but keep the memory (and clear the sticky error). */
void fh_buf_reset(fh_buf *b);
/* Free the memory; the buffer can be used again afterwards. */
void fh_buf_free(fh_buf *b);
/* FH_OK, or FH_ERR_NOMEM if any append since the last reset failed. */
fh_status fh_buf_status(const fh_buf *b);
/* Hand over the contents (NUL-terminated, never NULL on success): the caller
 * frees with free(). The buffer is left empty. Returns NULL after an error. */
char *fh_buf_detach(fh_buf *b, size_t *len);

/* Make the array *items (each elem bytes, *cap of them allocated) hold at
 * least need: its capacity doubles from first (when empty) until it does.
 * Returns FH_OK or FH_ERR_NOMEM (the array is then left as it was). */
fh_status fh_grow(void **items, size_t *cap, size_t need, size_t elem, size_t first);

#endif
