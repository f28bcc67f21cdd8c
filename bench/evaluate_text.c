/* evaluate_text.c - text and numbers read as Python reads them, for the
 * evaluation's loaders (evaluate_internal.h). */
#include "evaluate_internal.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Decode one code point of strict UTF-8 (as Python's decoder: no overlong
 * forms, no surrogates, nothing above U+10FFFF). Returns its length, or 0
 * for an invalid sequence. */
size_t fh_eval__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
    unsigned char b = s[0];
    if (b < 0x80) {
        *cp = b;
        return 1;
    }
    if (b >= 0xC2 && b <= 0xDF) {
        if (n < 2 || (s[1] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(b & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (b >= 0xE0 && b <= 0xEF) {
        unsigned char lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
        if (n < 3 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(b & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    if (b >= 0xF0 && b <= 0xF4) {
        unsigned char lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
        if (n < 4 || s[1] < lo || s[1] > hi || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80)
            return 0;
        *cp = ((uint32_t)(b & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
              ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
        return 4;
    }
    return 0;
}

/* What str.split() splits on: str.isspace() (Python 3.11, Unicode 14). */
int fh_eval__is_space(uint32_t cp)
{
    if (cp < 0x80)
        return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || (cp >= 0x1C && cp <= 0x1F);
    switch (cp) {
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000:
        return 1;
    default:
        return cp >= 0x2000 && cp <= 0x200A;
    }
}

/* The code points of digit zero of the 65 runs of ten decimal digits
 * (Numeric_Type=Decimal) of Unicode 14, which Python 3.11's float() reads
 * as 0-9, in order. Generated with unicodedata.decimal(). */
static const uint32_t decimal_zeros[] = {
    0x660,   0x6F0,   0x7C0,   0x966,   0x9E6,   0xA66,   0xAE6,   0xB66,   0xBE6,   0xC66,
    0xCE6,   0xD66,   0xDE6,   0xE50,   0xED0,   0xF20,   0x1040,  0x1090,  0x17E0,  0x1810,
    0x1946,  0x19D0,  0x1A80,  0x1A90,  0x1B50,  0x1BB0,  0x1C40,  0x1C50,  0xA620,  0xA8D0,
    0xA900,  0xA9D0,  0xA9F0,  0xAA50,  0xABF0,  0xFF10,  0x104A0, 0x10D30, 0x11066, 0x110F0,
    0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0, 0x11650, 0x116C0, 0x11730, 0x118E0, 0x11950,
    0x11C50, 0x11D50, 0x11DA0, 0x16A60, 0x16AC0, 0x16B50, 0x1D7CE, 0x1D7D8, 0x1D7E2, 0x1D7EC,
    0x1D7F6, 0x1E140, 0x1E2F0, 0x1E950, 0x1FBF0,
};

/* The value 0-9 of a non-ASCII decimal digit, or -1. */
static int unicode_decimal(uint32_t cp)
{
    size_t lo = 0, hi = sizeof decimal_zeros / sizeof decimal_zeros[0];
    while (lo < hi) { /* the first zero greater than cp */
        size_t mid = lo + (hi - lo) / 2;
        if (decimal_zeros[mid] <= cp)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || cp - decimal_zeros[lo - 1] > 9)
        return -1;
    return (int)(cp - decimal_zeros[lo - 1]);
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* s[0..n) equals the lower-case ASCII word w, in any case. */
static int ascii_caseeq(const char *s, size_t n, const char *w)
{
    size_t i;
    if (strlen(w) != n)
        return 0;
    for (i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c != w[i])
            return 0;
    }
    return 1;
}

/* Python's float(s) for a token (valid UTF-8, no whitespace): non-ASCII
 * decimal digits become ASCII, single underscores between digits go, then
 * the decimal syntax of Python's dtoa (sign, digits, point, exponent) or
 * inf / infinity / nan. The value is strtod's under the C locale: glibc's
 * strtod and Python's dtoa both round correctly. Returns FH_OK,
 * FH_ERR_INVALID (not a number) or FH_ERR_NOMEM. */
fh_status fh_eval__py_float(const char *tok, size_t n, locale_t c_locale, double *out)
{
    char small[128];
    char *buf = n < sizeof small ? small : malloc(n + 1);
    const unsigned char *p = (const unsigned char *)tok, *end = p + n;
    size_t k = 0, i;
    const char *q, *stop;
    size_t digits = 0;
    int rc = FH_ERR_INVALID;

    if (buf == NULL)
        return FH_ERR_NOMEM;
    while (p < end) {
        uint32_t cp = 0;
        size_t len = fh_eval__utf8_decode(p, (size_t)(end - p), &cp);
        if (len == 0)
            goto out;
        if (cp < 0x7F) {
            buf[k++] = (char)cp;
        } else {
            int d = unicode_decimal(cp);
            if (d < 0)
                goto out;
            buf[k++] = (char)('0' + d);
        }
        p += len;
    }
    buf[k] = '\0';

    if (memchr(buf, '_', k) != NULL) {
        size_t w = 0;
        char prev = '\0';
        for (i = 0; i < k; i++) {
            char c = buf[i];
            if (c == '_') {
                if (!is_digit(prev))
                    goto out;
            } else {
                if (prev == '_' && !is_digit(c))
                    goto out;
                buf[w++] = c;
            }
            prev = c;
        }
        if (prev == '_')
            goto out;
        k = w;
        buf[k] = '\0';
    }

    stop = buf + k;
    q = buf;
    if (q < stop && (*q == '+' || *q == '-'))
        q++;
    while (q < stop && is_digit(*q)) {
        q++;
        digits++;
    }
    if (q < stop && *q == '.') {
        q++;
        while (q < stop && is_digit(*q)) {
            q++;
            digits++;
        }
    }
    if (digits == 0) {
        const char *r = buf;
        int neg = 0;
        if (r < stop && (*r == '+' || *r == '-'))
            neg = *r++ == '-';
        if (ascii_caseeq(r, (size_t)(stop - r), "inf") ||
            ascii_caseeq(r, (size_t)(stop - r), "infinity")) {
            *out = neg ? -HUGE_VAL : HUGE_VAL;
            rc = FH_OK;
        } else if (ascii_caseeq(r, (size_t)(stop - r), "nan")) {
            *out = NAN;
            rc = FH_OK;
        }
        goto out;
    }
    if (q < stop && (*q == 'e' || *q == 'E')) {
        const char *e = q + 1;
        if (e < stop && (*e == '+' || *e == '-'))
            e++;
        if (e < stop && is_digit(*e)) { /* an exponent without digits is not one */
            while (e < stop && is_digit(*e))
                e++;
            q = e;
        }
    }
    if (q != stop)
        goto out; /* trailing text, or a NUL that was in the token */
    {
        locale_t old = uselocale(c_locale);
        *out = strtod(buf, NULL);
        uselocale(old);
    }
    rc = FH_OK;
out:
    if (buf != small)
        free(buf);
    return rc;
}
