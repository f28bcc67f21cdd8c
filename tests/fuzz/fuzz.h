/* fuzz.h - helpers the libFuzzer targets share: a check that aborts (so that
 * libFuzzer records the input), and UTF-8 units as snippet.c counts them.
 *
 * A "unit" is a well-formed UTF-8 sequence, or one byte that does not start
 * one. A boundary between units never splits a valid sequence. */
#ifndef FH_FUZZ_H
#define FH_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Abort with the failed condition when cond is false: a crash for libFuzzer. */
#define FUZZ_CHECK(cond)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);               \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

/* The byte length of the unit at s[i] (i < len). */
static inline size_t fuzz_unit_size(const unsigned char *s, size_t i, size_t len)
{
    unsigned char b = s[i];
    size_t need;
    unsigned char lo = 0x80, hi = 0xBF;
    if (b < 0x80)
        return 1;
    if (b >= 0xC2 && b <= 0xDF) {
        need = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
        need = 2;
        lo = b == 0xE0 ? 0xA0 : 0x80;
        hi = b == 0xED ? 0x9F : 0xBF;
    } else if (b >= 0xF0 && b <= 0xF4) {
        need = 3;
        lo = b == 0xF0 ? 0x90 : 0x80;
        hi = b == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 1;
    }
    if (len - i <= need || s[i + 1] < lo || s[i + 1] > hi)
        return 1;
    for (size_t k = 2; k <= need; k++)
        if ((s[i + k] & 0xC0) != 0x80)
            return 1;
    return need + 1;
}

/* A map of the unit boundaries of s: out[i] is 1 when a unit starts at i
 * (out has len + 1 entries; out[len] is 1). The caller frees with free(). */
static inline unsigned char *fuzz_boundaries(const unsigned char *s, size_t len)
{
    unsigned char *out = calloc(len + 1, 1);
    FUZZ_CHECK(out != NULL);
    for (size_t i = 0; i < len; i += fuzz_unit_size(s, i, len))
        out[i] = 1;
    out[len] = 1;
    return out;
}

/* Units in s[from, to). */
static inline size_t fuzz_units(const unsigned char *s, size_t from, size_t to)
{
    size_t n = 0;
    while (from < to) {
        from += fuzz_unit_size(s, from, to);
        n++;
    }
    return n;
}

/* The code point of the unit at s[i], or -1 for a byte that starts none. */
static inline int32_t fuzz_unit_cp(const unsigned char *s, size_t i, size_t len)
{
    size_t n = fuzz_unit_size(s, i, len);
    unsigned char b = s[i];
    if (n == 1)
        return b < 0x80 ? (int32_t)b : -1;
    int32_t c = b & (n == 2 ? 0x1F : n == 3 ? 0x0F : 0x07);
    for (size_t k = 1; k < n; k++)
        c = (c << 6) | (s[i + k] & 0x3F);
    return c;
}

#endif
