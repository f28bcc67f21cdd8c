/* html_meta.c - what an HTML page says of itself in its tags' attributes:
 * its date (see page_internal.h). */
#include <string.h>

#include "page_internal.h"

#define DATE_MAX 64

static int lower_c(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static int eq_ci(const char *s, size_t n, const char *word)
{
    size_t len = strlen(word);
    if (n != len)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (lower_c((unsigned char)s[i]) != word[i])
            return 0;
    return 1;
}

static int is_ws(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

/* One attribute of the tag s[i..end): name and value (quotes off).
 * Returns the index after it, or end when there is none. */
static size_t next_attr(const char *s, size_t i, size_t end, const char **name, size_t *nlen,
                        const char **value, size_t *vlen)
{
    while (i < end && (is_ws(s[i]) || s[i] == '/'))
        i++;
    size_t b = i;
    while (i < end && !is_ws(s[i]) && s[i] != '=' && s[i] != '/')
        i++;
    *name = s + b;
    *nlen = i - b;
    *value = s + i;
    *vlen = 0;
    while (i < end && is_ws(s[i]))
        i++;
    if (i < end && s[i] == '=') {
        i++;
        while (i < end && is_ws(s[i]))
            i++;
        if (i < end && (s[i] == '"' || s[i] == '\'')) {
            char q = s[i++];
            const char *close = memchr(s + i, q, end - i);
            size_t e = close ? (size_t)(close - s) : end;
            *value = s + i;
            *vlen = e - i;
            i = close ? e + 1 : end;
        } else {
            b = i;
            while (i < end && !is_ws(s[i]))
                i++;
            *value = s + b;
            *vlen = i - b;
        }
    }
    return *nlen == 0 && i == b ? end : i;
}

/* Whether v looks like a date: it starts YYYY-MM-DD. */
static int dated(const char *v, size_t n)
{
    static const char shape[] = "dddd-dd-dd";
    if (n < 10)
        return 0;
    for (size_t i = 0; i < 10; i++)
        if (shape[i] == 'd' ? v[i] < '0' || v[i] > '9' : v[i] != '-')
            return 0;
    return 1;
}

/* The date a <meta> or <time> tag (its attributes s[i..end)) gives, with
 * its rank: 3 for article:published_time, 2 for <meta name="date">, 1 for
 * <time datetime>; 0 for none. */
static int tag_date(const char *s, size_t i, size_t end, int is_time, const char **date,
                    size_t *len)
{
    const char *name, *value, *content = NULL;
    size_t nlen, vlen, clen = 0;
    int rank = 0;
    while (i < end) {
        i = next_attr(s, i, end, &name, &nlen, &value, &vlen);
        if (is_time && eq_ci(name, nlen, "datetime") && dated(value, vlen)) {
            *date = value;
            *len = vlen;
            return 1;
        }
        if (is_time)
            continue;
        if ((eq_ci(name, nlen, "property") || eq_ci(name, nlen, "name")) &&
            eq_ci(value, vlen, "article:published_time"))
            rank = 3;
        else if (eq_ci(name, nlen, "name") && eq_ci(value, vlen, "date") && rank < 2)
            rank = 2;
        else if (eq_ci(name, nlen, "content")) {
            content = value;
            clen = vlen;
        }
    }
    if (rank == 0 || content == NULL || !dated(content, clen))
        return 0;
    *date = content;
    *len = clen;
    return rank;
}

int fh_html__date(const char *s, size_t n, char *out, size_t cap)
{
    int best = 0;
    size_t i = 0;
    while (i < n && best < 3) {
        const char *lt = memchr(s + i, '<', n - i);
        if (lt == NULL)
            break;
        i = (size_t)(lt - s) + 1;
        int is_time = i + 4 < n && eq_ci(s + i, 4, "time") && is_ws(s[i + 4]);
        int is_meta = i + 4 < n && eq_ci(s + i, 4, "meta") && is_ws(s[i + 4]);
        if (!is_time && !is_meta)
            continue;
        const char *gt = memchr(s + i, '>', n - i);
        size_t end = gt ? (size_t)(gt - s) : n;
        const char *date;
        size_t len;
        int rank = tag_date(s, i + 4, end, is_time, &date, &len);
        /* A date is ASCII: it ends at the first byte that is not. */
        for (size_t k = 0; rank > 0 && k < len; k++)
            if ((unsigned char)date[k] < 0x20 || (unsigned char)date[k] > 0x7E)
                len = k;
        if (rank > best) {
            best = rank;
            if (len >= cap)
                len = cap - 1;
            if (len > DATE_MAX)
                len = DATE_MAX;
            memcpy(out, date, len);
            out[len] = '\0';
        }
        i = end;
    }
    return best > 0;
}
