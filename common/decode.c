/* decode.c - turning a file's bytes into valid UTF-8 (see decode.h).
 *
 * Our own code does UTF-8 (validation and the lossy fallback); ICU does the
 * rest: UTF-16 after a BOM, declared charsets and the charset detector. ICU
 * converts to UTF-16 in chunks and we write those out as UTF-8, so a file is
 * never held twice over in UTF-16. */
#include "decode.h"

#include <stdint.h>
#include <string.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>

#include "status.h"

/* The detector looks at no more than this many bytes. */
#define DETECT_MAX (64 * 1024)

/* UTF-16 code units converted at a time. */
#define CHUNK 2048

/* The names we report, all static. An encoding ICU knows by another name
 * (its MIME or IANA name, compared loosely) maps onto one of these;
 * anything else is "unknown". */
static const char *const charset_names[] = {
    "UTF-8",        "UTF-16LE",     "UTF-16BE",     "UTF-32LE",     "UTF-32BE",     "US-ASCII",
    "windows-1256", "ISO-8859-6",   "ISO-8859-1",   "windows-1252", "ISO-8859-2",   "windows-1250",
    "ISO-8859-5",   "windows-1251", "KOI8-R",       "ISO-8859-7",   "windows-1253", "ISO-8859-8",
    "windows-1255", "ISO-8859-9",   "windows-1254", "ISO-8859-15",  "windows-1257", "windows-1258",
    "Shift_JIS",    "EUC-JP",       "ISO-2022-JP",  "EUC-KR",       "ISO-2022-KR",  "GB18030",
    "GBK",          "GB2312",       "Big5",         "ISO-2022-CN",
};

static const char *static_name_of(const char *name)
{
    if (name == NULL)
        return NULL;
    for (size_t i = 0; i < sizeof charset_names / sizeof charset_names[0]; i++)
        if (ucnv_compareNames(name, charset_names[i]) == 0)
            return charset_names[i];
    return NULL;
}

/* The static name of what cnv converts, or "unknown". */
static const char *charset_of(UConverter *cnv)
{
    UErrorCode err = U_ZERO_ERROR;
    const char *canon = ucnv_getName(cnv, &err);
    if (U_FAILURE(err) || canon == NULL)
        return "unknown";
    const char *found = static_name_of(canon);
    const char *std[] = {"MIME", "IANA"};
    for (size_t i = 0; found == NULL && i < 2; i++) {
        err = U_ZERO_ERROR;
        const char *alias = ucnv_getStandardName(canon, std[i], &err);
        if (U_SUCCESS(err))
            found = static_name_of(alias);
    }
    return found ? found : "unknown";
}

/* The length of the well-formed UTF-8 sequence at s (n > 0 bytes left), or 0
 * when it is ill-formed; then *bad is the length of its maximal subpart (the
 * longest prefix that could start a well-formed sequence, at least 1), which
 * is what one U+FFFD replaces. */
static size_t utf8_seq(const unsigned char *s, size_t n, size_t *bad)
{
    unsigned char c = s[0];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        need = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        need = 3;
        if (c == 0xE0)
            lo = 0xA0; /* overlong */
        else if (c == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (c >= 0xF0 && c <= 0xF4) {
        need = 4;
        if (c == 0xF0)
            lo = 0x90; /* overlong */
        else if (c == 0xF4)
            hi = 0x8F; /* past U+10FFFF */
    } else {
        *bad = 1;
        return 0;
    }
    size_t i = 1;
    for (; i < need && i < n; i++) {
        unsigned char t = s[i];
        if (t < lo || t > hi)
            break;
        lo = 0x80;
        hi = 0xBF;
    }
    if (i == need)
        return need;
    *bad = i;
    return 0;
}

int fh_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0;
    size_t bad;
    while (i < len) {
        /* ASCII eight bytes at a time: most text is mostly ASCII. */
        while (len - i >= 8) {
            uint64_t w;
            memcpy(&w, p + i, 8);
            if (w & UINT64_C(0x8080808080808080))
                break;
            i += 8;
        }
        if (i == len)
            break;
        size_t n = utf8_seq(p + i, len - i, &bad);
        if (n == 0)
            return 0;
        i += n;
    }
    return 1;
}

/* Append s as UTF-8 with each maximal ill-formed subpart made U+FFFD and NUL
 * bytes made spaces. Returns 1 if anything was replaced. */
static int put_utf8_lossy(const char *s, size_t len, fh_buf *out)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, run = 0; /* run: start of the bytes not yet appended */
    int lossy = 0;
    while (i < len) {
        size_t bad = 0;
        size_t n = p[i] ? utf8_seq(p + i, len - i, &bad) : 0;
        if (n) {
            i += n;
            continue;
        }
        fh_buf_append(out, p + run, i - run);
        if (p[i] == 0) {
            fh_buf_putc(out, ' ');
            i++;
        } else {
            fh_buf_put_utf8(out, 0xFFFD);
            lossy = 1;
            i += bad;
        }
        run = i;
    }
    fh_buf_append(out, p + run, i - run);
    return lossy;
}

/* Writes UTF-16 chunks as UTF-8, keeping a high surrogate that ends one
 * chunk for the next. */
typedef struct utf16_writer {
    fh_buf *out;
    UChar high; /* a high surrogate waiting for its low half, or 0 */
    int lossy;
} utf16_writer;

static void put_utf16(utf16_writer *w, const UChar *u, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t c = u[i];
        if (w->high) {
            if (c >= 0xDC00 && c <= 0xDFFF) {
                fh_buf_put_utf8(w->out,
                                0x10000 + ((uint32_t)(w->high - 0xD800) << 10) + (c - 0xDC00));
                w->high = 0;
                continue;
            }
            fh_buf_put_utf8(w->out, 0xFFFD);
            w->lossy = 1;
            w->high = 0;
        }
        if (c >= 0xD800 && c <= 0xDBFF) {
            w->high = (UChar)c;
        } else if (c >= 0xDC00 && c <= 0xDFFF) {
            fh_buf_put_utf8(w->out, 0xFFFD);
            w->lossy = 1;
        } else if (c == 0) {
            fh_buf_putc(w->out, ' ');
        } else if (c < 0x80) {
            fh_buf_putc(w->out, (char)c);
        } else {
            fh_buf_put_utf8(w->out, c);
        }
    }
}

/* ICU calls this for bytes it cannot convert: write U+FFFD (never the
 * U+001A some code pages substitute) and remember that text was lost. */
static void U_CALLCONV substitute(const void *context, UConverterToUnicodeArgs *args,
                                  const char *units, int32_t length,
                                  UConverterCallbackReason reason, UErrorCode *err)
{
    static const UChar fffd = 0xFFFD;
    (void)units;
    (void)length;
    if (reason != UCNV_UNASSIGNED && reason != UCNV_ILLEGAL && reason != UCNV_IRREGULAR)
        return;
    *(int *)(uintptr_t)context = 1;
    *err = U_ZERO_ERROR;
    ucnv_cbToUWriteUChars(args, &fffd, 1, 0, err);
}

/* Convert data with cnv and append it to out as UTF-8. */
static int convert(UConverter *cnv, const char *data, size_t len, fh_buf *out, int *lossy)
{
    int status = FH_OK;
    int substituted = 0;
    UErrorCode err = U_ZERO_ERROR;
    UChar chunk[CHUNK];
    utf16_writer w = {out, 0, 0};
    ucnv_setToUCallBack(cnv, substitute, &substituted, NULL, NULL, &err);
    if (U_FAILURE(err)) {
        status = FH_ERR_UNKNOWN;
        goto out;
    }
    const char *src = data;
    const char *end = data + len;
    do {
        UChar *t = chunk;
        err = U_ZERO_ERROR;
        ucnv_toUnicode(cnv, &t, chunk + CHUNK, &src, end, NULL, 1, &err);
        put_utf16(&w, chunk, (size_t)(t - chunk));
    } while (err == U_BUFFER_OVERFLOW_ERROR && fh_buf_status(out) == FH_OK);
    if (U_FAILURE(err) && err != U_BUFFER_OVERFLOW_ERROR) {
        status = FH_ERR_ENCODING;
        goto out;
    }
    if (w.high) {
        fh_buf_put_utf8(out, 0xFFFD);
        w.lossy = 1;
    }
    *lossy = substituted || w.lossy;
out:
    return status;
}

/* Open a converter for name; NULL if ICU does not know it. */
static UConverter *open_converter(const char *name)
{
    UErrorCode err = U_ZERO_ERROR;
    UConverter *cnv = ucnv_open(name, &err);
    if (U_FAILURE(err)) {
        ucnv_close(cnv);
        return NULL;
    }
    return cnv;
}

/* Whether cnv converts one of the Unicode encodings: a declared or detected
 * UTF-16 or UTF-32 means nothing for bytes with no NUL in them, and UTF-8 we
 * do ourselves. */
static int is_unicode(const UConverter *cnv)
{
    switch (ucnv_getType(cnv)) {
    case UCNV_UTF8:
    case UCNV_UTF16:
    case UCNV_UTF16_BigEndian:
    case UCNV_UTF16_LittleEndian:
    case UCNV_UTF32:
    case UCNV_UTF32_BigEndian:
    case UCNV_UTF32_LittleEndian:
        return 1;
    default:
        break;
    }
    return 0;
}

/* Bytes that speak for UTF-8 or against it, in data's first n bytes. */
typedef struct utf8_evidence {
    size_t sequences; /* valid multi-byte sequences */
    size_t invalid;   /* bytes that are not part of one */
    size_t foreign;   /* of those, bytes no UTF-8 writer makes: not a lead byte followed by
                         continuation bytes (an overlong form, a surrogate) or cut off at the
                         end, but a lone one (the é of "café" in Latin-1) or 0xFE, 0xFF */
    size_t high;      /* bytes >= 0x80 */
} utf8_evidence;

static utf8_evidence weigh_utf8(const char *data, size_t n)
{
    utf8_evidence e = {0, 0, 0, 0};
    const unsigned char *p = (const unsigned char *)data;
    size_t i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = 1;
        while (k < 4 && i + k < n && (p[i + k] & 0xC0) == 0x80)
            k++;
        if (k >= 2 && fh_utf8_valid(data + i, k)) {
            e.sequences++;
            e.high += k;
            i += k;
        } else if (p[i] >= 0xC0 && p[i] < 0xFE && (k >= 2 || i + 1 == n)) {
            /* UTF-8's shape, spoiled: overlong, a surrogate, cut off. */
            e.invalid += k;
            e.high += k;
            i += k;
        } else {
            e.invalid++;
            e.foreign++;
            e.high++;
            i++;
        }
    }
    return e;
}

/* Single-byte Latin charsets read any bytes at all: a guess of one of them
 * needs more than a stray byte or two behind it. */
static int is_latin_single_byte(const char *name)
{
    static const char *const names[] = {"ISO-8859-1",   "ISO-8859-2",   "ISO-8859-9",
                                        "windows-1250", "windows-1252", "windows-1254"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0)
            return 1;
    return 0;
}

/* Guess the charset of data with ICU's detector: a converter, or NULL when
 * the guess is not confident enough (or is UTF-8, which data is not). high
 * is the number of bytes >= 0x80 the guess rests on. */
static UConverter *detect(const char *data, size_t len, size_t high)
{
    UConverter *cnv = NULL;
    UErrorCode err = U_ZERO_ERROR;
    UCharsetDetector *det = ucsdet_open(&err);
    size_t n = len < DETECT_MAX ? len : DETECT_MAX;
    if (U_FAILURE(err))
        goto out;
    /* Markup says nothing of the charset; ICU ignores the filter when the
     * text has too few tags to be markup. */
    ucsdet_enableInputFilter(det, 1);
    ucsdet_setText(det, data, (int32_t)n, &err);
    const UCharsetMatch *match = ucsdet_detect(det, &err);
    if (U_FAILURE(err) || match == NULL)
        goto out;
    int32_t confidence = ucsdet_getConfidence(match, &err);
    const char *name = ucsdet_getName(match, &err);
    if (U_FAILURE(err) || name == NULL || confidence < FH_DECODE_MIN_CONFIDENCE)
        goto out;
    if (is_latin_single_byte(name) && high < FH_DECODE_MIN_EVIDENCE)
        goto out;
    cnv = open_converter(name);
    if (cnv && is_unicode(cnv)) {
        ucnv_close(cnv);
        cnv = NULL;
    }
out:
    ucsdet_close(det);
    return cnv;
}

/* How much of data, read with cnv, makes Arabic words: letters side by
 * side count for it; a lone letter, a letter of another script and a byte
 * cnv cannot map (U+FFFD) against; harakat and tatweel neither way (they
 * are what ISO-8859-6 makes of some windows-1256 letters). */
static long arabic_evidence(UConverter *cnv, const char *data, size_t len)
{
    fh_buf t = FH_BUF_INIT;
    int lossy = 0;
    long arabic = 0, other = 0;
    size_t run = 0;
    if (cnv && convert(cnv, data, len < DETECT_MAX ? len : DETECT_MAX, &t, &lossy) == FH_OK) {
        for (size_t i = 0; i <= t.len; i++) {
            unsigned char c = i < t.len ? (unsigned char)t.data[i] : 0;
            unsigned char next = i + 1 < t.len ? (unsigned char)t.data[i + 1] : 0;
            if (c >= 0x80 && c < 0xC0)
                continue; /* a continuation byte */
            if (c == 0xD9 && (next == 0x80 || (next >= 0x8B && next <= 0x92)))
                continue;                 /* U+0640 tatweel, U+064B-U+0652 harakat */
            if (c >= 0xD8 && c <= 0xDB) { /* U+0600-U+06FF */
                run++;
                continue;
            }
            arabic += run >= 2 ? (long)run : 0;
            other += run == 1;
            other += c >= 0xC0;
            run = 0;
        }
    }
    fh_buf_free(&t);
    return arabic - other;
}

/* The single-byte charset of text that is not UTF-8 and that the detector
 * could not place (a short page): windows-1256 or ISO-8859-6 when its high
 * bytes read there mostly as Arabic words (letters side by side: a lone
 * 0xFF is ے in windows-1256, ÿ in windows-1252), the one they read better in
 * (windows-1256 when both read alike), else windows-1252. NULL when ICU
 * lacks them. */
static UConverter *by_letters(const char *data, size_t len, const char **name)
{
    UConverter *w1256 = open_converter("windows-1256");
    UConverter *iso = open_converter("ISO-8859-6");
    long in_1256 = arabic_evidence(w1256, data, len);
    long in_iso = arabic_evidence(iso, data, len);
    if (in_iso > in_1256 && in_iso > 0) {
        ucnv_close(w1256);
        *name = "ISO-8859-6";
        return iso;
    }
    ucnv_close(iso);
    if (in_1256 > 0) {
        *name = "windows-1256";
        return w1256;
    }
    ucnv_close(w1256);
    *name = "windows-1252";
    return open_converter("windows-1252");
}

fh_status fh_decode_text(const char *data, size_t len, const char *declared, fh_buf *out,
                         fh_decoded *info)
{
    int status = FH_OK;
    UConverter *cnv = NULL;
    size_t start = out->len;
    const unsigned char *p = (const unsigned char *)data;
    int lossy = 0;
    const char *charset = "UTF-8";

    info->charset = "unknown";
    info->lossy = 0;
    info->guessed = 0;
    if (len >= 2 && ((p[0] == 0xFF && p[1] == 0xFE) || (p[0] == 0xFE && p[1] == 0xFF))) {
        charset = p[0] == 0xFF ? "UTF-16LE" : "UTF-16BE";
        cnv = open_converter(charset);
        if (cnv == NULL) {
            status = FH_ERR_UNKNOWN;
            goto out;
        }
        status = convert(cnv, data + 2, len - 2, out, &lossy);
        goto out;
    }
    if (len >= 3 && p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF) {
        data += 3;
        len -= 3;
        declared = "UTF-8";
    }
    if (len && memchr(data, 0, len) != NULL) {
        status = FH_ERR_ENCODING;
        goto out;
    }
    if (declared && *declared) {
        cnv = open_converter(declared);
        if (cnv) {
            charset = charset_of(cnv);
            /* HTML's rule: ISO-8859-1 and US-ASCII labels mean
             * windows-1252, whose 0x80-0x9F are quotes and dashes, not
             * controls. */
            if (strcmp(charset, "ISO-8859-1") == 0 || strcmp(charset, "US-ASCII") == 0) {
                ucnv_close(cnv);
                cnv = open_converter("windows-1252");
                charset = "windows-1252";
            }
        }
        if (cnv && is_unicode(cnv)) {
            int utf8 = ucnv_getType(cnv) == UCNV_UTF8;
            ucnv_close(cnv);
            cnv = NULL;
            if (utf8) {
                lossy = put_utf8_lossy(data, len, out);
                goto out;
            }
        }
        if (cnv) {
            status = convert(cnv, data, len, out, &lossy);
            goto out;
        }
    }
    charset = "UTF-8";
    if (fh_utf8_valid(data, len)) {
        fh_buf_append(out, data, len);
        goto out;
    }
    /* Mostly good UTF-8 with a few bad bytes is damaged UTF-8, not another
     * charset. */
    utf8_evidence ev = weigh_utf8(data, len < DETECT_MAX ? len : DETECT_MAX);
    cnv = ev.sequences > ev.invalid ? NULL : detect(data, len, ev.high);
    if (cnv) {
        charset = charset_of(cnv);
        status = convert(cnv, data, len, out, &lossy);
        goto out;
    }
    /* No UTF-8 sequence at all, and bytes no UTF-8 writer makes: a
     * single-byte charset, told by its letters. */
    if (ev.sequences == 0 && ev.foreign > 0) {
        cnv = by_letters(data, len, &charset);
        if (cnv) {
            info->guessed = 1;
            status = convert(cnv, data, len, out, &lossy);
            goto out;
        }
        charset = "UTF-8";
    }
    lossy = put_utf8_lossy(data, len, out);
out:
    ucnv_close(cnv);
    if (status == FH_OK)
        status = fh_buf_status(out);
    if (status == FH_OK) {
        info->charset = charset;
        info->lossy = lossy;
    } else if (out->data) {
        /* Leave out as it was (a NOMEM stays sticky). */
        out->len = start;
        out->data[start] = '\0';
    }
    return status;
}

size_t fh_utf8_invalid_at(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t i = 0, bad;
    while (i < len) {
        size_t n = utf8_seq(p + i, len - i, &bad);
        if (n == 0)
            return i;
        i += n;
    }
    return len;
}

fh_status fh_decode_typed(const char *s, size_t len, const char *codeset, fh_buf *out,
                          int *converted, size_t *bad)
{
    if (converted)
        *converted = 0;
    *bad = fh_utf8_invalid_at(s, len);
    if (*bad == len) {
        fh_buf_append(out, s, len);
        return fh_buf_status(out);
    }
    UConverter *cnv = codeset && *codeset ? open_converter(codeset) : NULL;
    if (cnv == NULL || is_unicode(cnv) || ucnv_getType(cnv) == UCNV_US_ASCII) {
        ucnv_close(cnv);
        return FH_ERR_ENCODING;
    }
    size_t start = out->len;
    int lossy = 0;
    fh_status rc = convert(cnv, s, len, out, &lossy);
    ucnv_close(cnv);
    if (rc == FH_OK)
        rc = fh_buf_status(out);
    if (rc == FH_OK && lossy)
        rc = FH_ERR_ENCODING;
    if (rc != FH_OK && out->data && rc != FH_ERR_NOMEM) {
        out->len = start;
        out->data[start] = '\0';
    }
    if (converted)
        *converted = rc == FH_OK ? 1 : rc == FH_ERR_ENCODING ? -1 : 0;
    return rc;
}
