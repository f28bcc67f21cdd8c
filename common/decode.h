/* decode.h - turning a file's bytes into valid UTF-8.
 *
 * In order:
 *   1. a byte order mark decides: UTF-8, UTF-16LE or UTF-16BE (the BOM is
 *      dropped);
 *   2. otherwise NUL bytes mean binary data (FH_ERR_ENCODING); only a UTF-16
 *      BOM lets NUL bytes through;
 *   3. a charset the caller found declared (an HTML <meta charset>) is used
 *      when ICU knows it, with two browser rules: ISO-8859-1 and US-ASCII
 *      are read as windows-1252, and a declared UTF-16 or UTF-32 (bytes
 *      without a BOM or NULs cannot be that) is ignored; a declared UTF-8
 *      goes to step 7 when the bytes are not valid UTF-8;
 *   4. valid UTF-8 is taken as it is;
 *   5. otherwise, unless the text is mostly valid UTF-8 with a few bad
 *      bytes (more valid multi-byte sequences than invalid bytes), ICU's
 *      charset detector guesses from the first 64 KiB; a guess with
 *      confidence of at least FH_DECODE_MIN_CONFIDENCE is converted
 *      (windows-1256 and ISO-8859-6 are common on Arabic sites; a guess of
 *      UTF-8, UTF-16 or UTF-32 is not used). A guess of a single-byte Latin
 *      charset also needs FH_DECODE_MIN_EVIDENCE bytes >= 0x80. Short texts
 *      (a few dozen bytes) rarely get a confident guess, and pure-ASCII text
 *      says nothing of its charset;
 *   6. otherwise, when the text has no valid multi-byte UTF-8 sequence and
 *      bytes no UTF-8 writer makes (a lone high byte, as the é of a short
 *      Latin-1 "Café crème"; not a sequence cut short or overlong), it is
 *      single-byte text, read as windows-1256 or ISO-8859-6 when most of
 *      its high bytes are Arabic letters there (the one where they make
 *      more Arabic words; windows-1256 when alike), else as windows-1252;
 *      the result says the charset was guessed;
 *   7. otherwise the text is read as UTF-8 with every invalid byte made
 *      U+FFFD, and the result says so (lossy). One U+FFFD replaces each
 *      maximal subpart (Unicode's recommended practice, as ICU and the WHATWG
 *      decoder do): "\xE2\x82" cut short is one U+FFFD, the overlong
 *      "\xC0\xAF" two, the surrogate "\xED\xA0\x80" three.
 * Bytes a converter cannot map (and unpaired UTF-16 surrogates) also become
 * U+FFFD and make the result lossy. NUL characters in the decoded text (from
 * UTF-16, say) become spaces, so the result is always a C string. */
#ifndef FH_DECODE_H
#define FH_DECODE_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

#define FH_DECODE_MIN_CONFIDENCE 50
/* A guess of a single-byte Latin charset (ISO-8859-1, windows-1252, ...)
 * also needs at least this many bytes >= 0x80, since those charsets read any
 * bytes at all: ASCII text with a stray byte or two is left to step 6. */
#define FH_DECODE_MIN_EVIDENCE 8

typedef struct fh_decoded {
    const char *charset; /* static name of what the bytes were read as: "UTF-8", "UTF-16LE",
                            "windows-1256", ...; "unknown" for a charset outside the list
                            in decode.c */
    int lossy;           /* 1 when invalid bytes became U+FFFD */
    int guessed;         /* 1 when the charset was told by its letters (step 6) */
} fh_decoded;

/* Decode data (len bytes) and append the UTF-8 text to out (the caller
 * owns out and frees it with fh_buf_free()). declared may be NULL, or the
 * name of a charset the document declares (any ICU alias, case and
 * punctuation ignored; unknown names are ignored). Returns FH_OK and fills
 * *info, FH_ERR_ENCODING for binary data, FH_ERR_NOMEM. On failure out is
 * left as it was (with its sticky error after FH_ERR_NOMEM) and *info says
 * "unknown", not lossy. */
fh_status fh_decode_text(const char *data, size_t len, const char *declared, fh_buf *out,
                         fh_decoded *info);

/* Text typed by a person (a query on the command line) to UTF-8 in out.
 * Valid UTF-8 is taken as it is, whatever the locale (cron runs with
 * LANG=C). Other bytes are converted from codeset, the locale's charset
 * (nl_langinfo(CODESET)), when ICU knows it and it is neither a Unicode
 * encoding nor ASCII (windows-1256, ISO-8859-6, ISO-8859-1, EUC-JP, ...);
 * every byte must map. Returns:
 *   FH_OK            the text appended to out; *converted is 1 when it was
 *                    converted from codeset, else 0
 *   FH_ERR_ENCODING  neither: *bad is the offset of the first byte that is
 *                    not UTF-8, out is left as it was, and *converted is -1
 *                    when codeset was tried but a byte did not map (0 when
 *                    codeset cannot be used)
 *   FH_ERR_NOMEM
 * codeset may be NULL (no locale charset). converted may be NULL. */
fh_status fh_decode_typed(const char *s, size_t len, const char *codeset, fh_buf *out,
                          int *converted, size_t *bad);

/* The offset of the first byte of s (len bytes) that is not part of a
 * well-formed UTF-8 sequence, or len when s is valid UTF-8. */
size_t fh_utf8_invalid_at(const char *s, size_t len);

/* Whether s (len bytes) is valid UTF-8 (no overlong forms, no surrogates,
 * nothing past U+10FFFF): 1 or 0. */
int fh_utf8_valid(const char *s, size_t len);

#endif
