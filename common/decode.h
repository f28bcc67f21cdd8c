/* decode.h - turning a file's bytes into valid UTF-8.
 *
 * In order:
 *   1. a byte order mark decides: UTF-8, UTF-16LE or UTF-16BE (the BOM is
 *      dropped);
 *   2. otherwise NUL bytes mean binary data (FH_ERR_ENCODING);
 *   3. a charset the caller found declared (an HTML <meta charset>) is used
 *      when ICU knows it;
 *   4. valid UTF-8 is taken as it is;
 *   5. otherwise ICU's charset detector guesses; a guess with confidence of
 *      at least FH_DECODE_MIN_CONFIDENCE is converted (windows-1256 and
 *      ISO-8859-6 are common on Arabic sites);
 *   6. otherwise the text is read as UTF-8 with every invalid byte made
 *      U+FFFD, and the result says so (lossy).
 * NUL characters in the decoded text (from UTF-16, say) become spaces, so
 * the result is always a C string. */
#ifndef FH_DECODE_H
#define FH_DECODE_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

#define FH_DECODE_MIN_CONFIDENCE 50

typedef struct fh_decoded {
    const char *charset; /* static name of what the bytes were read as: "UTF-8", "UTF-16LE",
                            "windows-1256", ... */
    int lossy;           /* 1 when invalid bytes became U+FFFD */
} fh_decoded;

/* Decode data (len bytes) and append the UTF-8 text to out. declared may be
 * NULL, or the name of a charset the document declares. Returns FH_OK and
 * fills *info, FH_ERR_ENCODING for binary data, FH_ERR_NOMEM. */
int fh_decode_text(const char *data, size_t len, const char *declared, fh_buf *out,
                   fh_decoded *info);

/* Whether s (len bytes) is valid UTF-8 (no overlong forms, no surrogates,
 * nothing past U+10FFFF): 1 or 0. */
int fh_utf8_valid(const char *s, size_t len);

#endif
