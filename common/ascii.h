/* ascii.h - ASCII case in the headers and tags of pages and archives
 * (HTTP, WARC, HTML), whatever the locale. */
#ifndef FH_ASCII_H
#define FH_ASCII_H

#include <stddef.h>
#include <string.h>

/* c lower-cased when it is an ASCII capital, else as it is. */
static inline int fh_ascii_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

/* Whether s (n bytes) is word (lower-case, NUL-terminated) in any ASCII
 * case: 1 or 0. */
static inline int fh_ascii_eq_ci(const char *s, size_t n, const char *word)
{
    if (n != strlen(word))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (fh_ascii_lower((unsigned char)s[i]) != word[i])
            return 0;
    return 1;
}

#endif
