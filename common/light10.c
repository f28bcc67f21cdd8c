/* light10.c - light Arabic stemming (see light10.h). */
#include "light10.h"

#include <string.h>

/* Every Arabic letter of U+0600-U+06FF is two bytes in UTF-8, so letter counts
 * are byte counts / 2 as long as the word is all Arabic letters. */
#define AR(s) s, sizeof(s) - 1

typedef struct affix {
    const char *text;
    size_t len;
} affix;

static const affix articles[] = {
    {AR("\xd9\x88\xd8\xa7\xd9\x84")}, /* وال */
    {AR("\xd8\xa8\xd8\xa7\xd9\x84")}, /* بال */
    {AR("\xd9\x83\xd8\xa7\xd9\x84")}, /* كال */
    {AR("\xd9\x81\xd8\xa7\xd9\x84")}, /* فال */
    {AR("\xd8\xa7\xd9\x84")},         /* ال */
    {AR("\xd9\x84\xd9\x84")},         /* لل */
};

static const affix waw = {AR("\xd9\x88")}; /* و */

static const affix suffixes[] = {
    {AR("\xd9\x87\xd8\xa7")}, /* ها */
    {AR("\xd8\xa7\xd9\x86")}, /* ان */
    {AR("\xd8\xa7\xd8\xaa")}, /* ات */
    {AR("\xd9\x88\xd9\x86")}, /* ون */
    {AR("\xd9\x8a\xd9\x86")}, /* ين */
    {AR("\xd9\x8a\xd9\x87")}, /* يه */
    {AR("\xd9\x87")},         /* ه */
    {AR("\xd9\x8a")},         /* ي */
};

/* Letters in s: code points, counting any byte that does not continue a
 * UTF-8 sequence. */
static size_t letters(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

static int starts_with(const char *s, size_t len, const affix *a)
{
    return len >= a->len && memcmp(s, a->text, a->len) == 0;
}

static int ends_with(const char *s, size_t len, const affix *a)
{
    return len >= a->len && memcmp(s + len - a->len, a->text, a->len) == 0;
}

size_t fh_light10_stem(const char *word, size_t len, size_t min_stem, size_t *start)
{
    const char *s = word;
    size_t n = len;
    size_t count = letters(s, n);
    int stripped = 0;
    for (size_t i = 0; i < sizeof articles / sizeof articles[0]; i++) {
        const affix *a = &articles[i];
        if (starts_with(s, n, a) && count >= a->len / 2 + 2) {
            s += a->len;
            n -= a->len;
            count -= a->len / 2;
            stripped = 1;
            break;
        }
    }
    if (!stripped && starts_with(s, n, &waw) && count >= 4) {
        s += waw.len;
        n -= waw.len;
        count -= 1;
    }
    for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
        const affix *a = &suffixes[i];
        if (ends_with(s, n, a) && count >= a->len / 2 + min_stem) {
            n -= a->len;
            count -= a->len / 2;
        }
    }
    *start = (size_t)(s - word);
    return n;
}
