/* html_meta.c - what an HTML page says of itself in its tags' attributes:
 * its date, og:title, description, language and canonical URL (see
 * page_internal.h). One pass over the tags; values point into the text. */
#include <string.h>

#include "ascii.h"
#include "page_internal.h"

#define DATE_MAX 64

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

/* Whether value v (n bytes) is word, without case. */
static int is(const char *v, size_t n, const char *word)
{
    return fh_ascii_eq_ci(v, n, word);
}

/* One <meta>, <time>, <html> or <link> tag (its attributes s[i..end)). */
static void one_tag(const char *tag, const char *s, size_t i, size_t end, fh_html_meta *m)
{
    const char *name, *value, *content = NULL, *href = NULL;
    size_t nlen, vlen, clen = 0, hlen = 0;
    int rank = 0, og_title = 0, description = 0, canonical = 0;
    while (i < end) {
        i = next_attr(s, i, end, &name, &nlen, &value, &vlen);
        if (strcmp(tag, "time") == 0) {
            if (is(name, nlen, "datetime") && dated(value, vlen) && m->date_rank < 1) {
                m->date = value, m->date_len = vlen, m->date_rank = 1;
            }
        } else if (strcmp(tag, "html") == 0) {
            if (is(name, nlen, "lang") && m->lang == NULL)
                m->lang = value, m->lang_len = vlen;
        } else if (is(name, nlen, "property") || is(name, nlen, "name")) {
            if (is(value, vlen, "article:published_time"))
                rank = 3;
            else if (is(value, vlen, "date") && rank < 2)
                rank = 2;
            else if (is(value, vlen, "og:title"))
                og_title = 1;
            else if (is(value, vlen, "description"))
                description = 1;
        } else if (is(name, nlen, "rel")) {
            canonical = is(value, vlen, "canonical");
        } else if (is(name, nlen, "content")) {
            content = value, clen = vlen;
        } else if (is(name, nlen, "href")) {
            href = value, hlen = vlen;
        }
    }
    if (strcmp(tag, "link") == 0) {
        if (canonical && href && hlen > 0 && m->canonical == NULL)
            m->canonical = href, m->canonical_len = hlen;
        return;
    }
    if (content == NULL)
        return;
    if (rank > m->date_rank && dated(content, clen))
        m->date = content, m->date_len = clen, m->date_rank = rank;
    if (og_title && m->og_title == NULL)
        m->og_title = content, m->og_title_len = clen;
    if (description && m->description == NULL)
        m->description = content, m->description_len = clen;
}

void fh_html__meta(const char *s, size_t n, fh_html_meta *m)
{
    static const char *const tags[] = {"meta", "time", "html", "link"};
    memset(m, 0, sizeof *m);
    size_t i = 0;
    while (i < n) {
        const char *lt = memchr(s + i, '<', n - i);
        if (lt == NULL)
            break;
        i = (size_t)(lt - s) + 1;
        const char *tag = NULL;
        for (size_t k = 0; k < sizeof tags / sizeof tags[0] && tag == NULL; k++)
            if (i + 4 < n && fh_ascii_eq_ci(s + i, 4, tags[k]) &&
                (is_ws(s[i + 4]) || s[i + 4] == '>'))
                tag = tags[k];
        if (tag == NULL)
            continue;
        const char *gt = memchr(s + i, '>', n - i);
        size_t end = gt ? (size_t)(gt - s) : n;
        one_tag(tag, s, i + 4, end, m);
        i = end;
    }
    /* A date is ASCII: it ends at the first byte that is not. */
    for (size_t k = 0; k < m->date_len; k++)
        if ((unsigned char)m->date[k] < 0x20 || (unsigned char)m->date[k] > 0x7E)
            m->date_len = k;
    if (m->date_len > DATE_MAX)
        m->date_len = DATE_MAX;
    if (m->date_len < 10) /* cut before its day: no date */
        m->date = NULL, m->date_len = 0, m->date_rank = 0;
}
