/* units.h - stepping through UTF-8 text in "units", as the snippet code
 * counts characters.
 *
 * A well-formed UTF-8 sequence is one unit, and so is every byte that is not
 * part of one. Moving from unit boundary to unit boundary never splits a
 * valid sequence, whatever bytes the text holds. Header-only: these run per
 * character in the snippet's inner loops and must inline. */
#ifndef FH_UNITS_H
#define FH_UNITS_H

#include <stddef.h>
#include <stdint.h>

static inline int fh_units_is_cont(unsigned char b)
{
    return (b & 0xC0) == 0x80;
}

/* fh_units_size() of a lead byte of three or four bytes, or a stray one. */
static inline size_t fh_units__long_size(const unsigned char *s, size_t i, size_t len)
{
    unsigned char b = s[i];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        if (b == 0xE0)
            lo = 0xA0;
        else if (b == 0xED)
            hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        if (b == 0xF0)
            lo = 0x90;
        else if (b == 0xF4)
            hi = 0x8F;
    } else {
        return 1;
    }
    if (len - i <= need)
        return 1;
    if (s[i + 1] < lo || s[i + 1] > hi)
        return 1;
    for (size_t k = 2; k <= need; k++)
        if (!fh_units_is_cont(s[i + k]))
            return 1;
    return need + 1;
}

/* The byte length of the unit at i (i < len): the length of the well-formed
 * sequence starting there, or 1 for a byte that does not start one. ASCII
 * and two-byte letters (Arabic) inline, the rest in fh_units__long_size(). */
static inline size_t fh_units_size(const unsigned char *s, size_t i, size_t len)
{
    unsigned char b = s[i];
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF)
        return i + 1 < len && fh_units_is_cont(s[i + 1]) ? 2 : 1;
    return fh_units__long_size(s, i, len);
}

/* The code point of the unit at i (i < len), or -1 for an invalid byte;
 * *size receives the unit's length. */
static inline int32_t fh_units_at(const unsigned char *s, size_t i, size_t len, size_t *size)
{
    size_t n = fh_units_size(s, i, len);
    *size = n;
    unsigned char b = s[i];
    switch (n) {
    case 1:
        return b < 0x80 ? (int32_t)b : -1;
    case 2:
        return (int32_t)(((b & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu));
    case 3:
        return (int32_t)(((b & 0x0Fu) << 12) | ((s[i + 1] & 0x3Fu) << 6) | (s[i + 2] & 0x3Fu));
    default:
        return (int32_t)(((b & 0x07u) << 18) | ((s[i + 1] & 0x3Fu) << 12) |
                         ((s[i + 2] & 0x3Fu) << 6) | (s[i + 3] & 0x3Fu));
    }
}

/* The start of the unit that ends at i (lo < i), not before lo. */
static inline size_t fh_units_before(const unsigned char *s, size_t lo, size_t i, size_t len)
{
    for (size_t k = 1; k <= 4 && k <= i - lo; k++) {
        size_t p = i - k;
        if (!fh_units_is_cont(s[p])) {
            if (fh_units_size(s, p, len) == k)
                return p;
            break;
        }
    }
    return i - 1; /* a stray byte is a unit of its own */
}

/* Units in [from, to); to must be a unit boundary at or after from. */
static inline size_t fh_units_count(const unsigned char *s, size_t from, size_t to, size_t len)
{
    size_t n = 0;
    while (from < to) {
        from += s[from] < 0x80 ? 1 : fh_units_size(s, from, len);
        n++;
    }
    return n;
}

#endif
