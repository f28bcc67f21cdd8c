/* evaluate.c - relevance evaluation with the numbers of eval.py.
 *
 * evaluate.h states the definitions. How they are kept identical here:
 *
 * - Reading. A loader copies the input once and keeps every line as an
 *   entry pointing into the copy. The entries are sorted by (qid length in
 *   code points, qid bytes, docid bytes, line): that is eval.py's query
 *   order, it puts the lines of one (qid, docid) together in file order
 *   (qrels keep the last, runs the first), and the judgments of a query end
 *   up sorted by docid for binary search. A run's documents are then sorted
 *   by score descending, docid descending, the order eval.py's two stable
 *   sorts give. Sorting instead of hashing keeps the time O(n log n) for any
 *   input. UTF-8 byte order is code point order, so comparing bytes is
 *   comparing Python strings.
 * - Arithmetic. Every double is computed by the same operations in the same
 *   order as eval.py: hits / i as a correctly rounded division, AP summed
 *   left to right (Python's +=), DCG and the means summed as Python's sum()
 *   sums floats (plain on Python <= 3.11, Neumaier-compensated on >= 3.12,
 *   FH_EVAL_COMPENSATED_SUM), log2 from the same libm as math.log2. */
#include "evaluate.h"

#include <errno.h>
#include <locale.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- Tables ------------------------------------------------------------- */

/* One non-empty line: pointers into the table's text. */
typedef struct entry {
    const char *qid;
    const char *doc;
    double value; /* qrels: the truncated rel; run: the score */
    uint32_t qid_len;
    uint32_t doc_len;
    uint32_t qid_chars; /* the qid's length in code points (eval.py sorts by it) */
    uint32_t line;
} entry;

/* The entries of one query: e[first .. first + count). */
typedef struct group {
    const char *qid;
    uint32_t qid_len;
    uint32_t qid_chars;
    size_t first;
    size_t count;
} group;

typedef struct table {
    char *text; /* owned copy of the input */
    entry *e;
    size_t ne;
    group *g; /* in eval.py's query order */
    size_t ng;
    size_t max_group; /* largest count */
} table;

struct fh_eval_qrels {
    table t;
};

struct fh_eval_run {
    table t;
    size_t dups;
};

enum kind { KIND_QRELS, KIND_RUN };

static void table_clear(table *t)
{
    free(t->text);
    free(t->e);
    free(t->g);
    memset(t, 0, sizeof *t);
}

static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
    size_t n = an < bn ? an : bn;
    int c = n ? memcmp(a, b, n) : 0;
    if (c != 0)
        return c;
    return (an > bn) - (an < bn);
}

/* eval.py's query order: sorted(qrels, key=lambda q: (len(q), q)). */
static int cmp_qid(const char *a, uint32_t alen, uint32_t achars, const char *b, uint32_t blen,
                   uint32_t bchars)
{
    if (achars != bchars)
        return achars < bchars ? -1 : 1;
    return cmp_bytes(a, alen, b, blen);
}

static int cmp_entry_key(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    int c = cmp_qid(a->qid, a->qid_len, a->qid_chars, b->qid, b->qid_len, b->qid_chars);
    if (c == 0)
        c = cmp_bytes(a->doc, a->doc_len, b->doc, b->doc_len);
    if (c == 0)
        c = (a->line > b->line) - (a->line < b->line);
    return c;
}

/* trec_eval's order: score descending, then docid descending. Docids are
 * unique within a query, so the order is total and qsort's is the one
 * Python's stable sorts give. NaN scores were refused at loading. */
static int cmp_ranked(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    if (a->value > b->value)
        return -1;
    if (a->value < b->value)
        return 1;
    return -cmp_bytes(a->doc, a->doc_len, b->doc, b->doc_len);
}

static int same_qid(const entry *a, const entry *b)
{
    return a->qid_len == b->qid_len && memcmp(a->qid, b->qid, a->qid_len) == 0;
}

static int same_doc(const entry *a, const entry *b)
{
    return a->doc_len == b->doc_len && memcmp(a->doc, b->doc, a->doc_len) == 0;
}

/* The group of t with this qid, or NULL. */
static const group *find_group(const table *t, const char *qid, uint32_t len, uint32_t chars)
{
    size_t lo = 0, hi = t->ng;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const group *g = &t->g[mid];
        int c = cmp_qid(qid, len, chars, g->qid, g->qid_len, g->qid_chars);
        if (c == 0)
            return g;
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* The entry of group g (sorted by docid) for doc, or NULL. */
static const entry *find_doc(const table *t, const group *g, const char *doc, size_t len)
{
    const entry *e = t->e + g->first;
    size_t lo = 0, hi = g->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp_bytes(doc, len, e[mid].doc, e[mid].doc_len);
        if (c == 0)
            return &e[mid];
        if (c < 0)
            hi = mid;
        else
            lo = mid + 1;
    }
    return NULL;
}

/* ---- Text as Python reads it -------------------------------------------- */

/* Decode one code point of strict UTF-8 (as Python's decoder: no overlong
 * forms, no surrogates, nothing above U+10FFFF). Returns its length, or 0
 * for an invalid sequence. */
static size_t utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
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
static int is_space(uint32_t cp)
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
static int py_float(const char *tok, size_t n, locale_t c_locale, double *out)
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
        size_t len = utf8_decode(p, (size_t)(end - p), &cp);
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

/* ---- Loading ------------------------------------------------------------ */

typedef struct reader {
    const char *name; /* for messages; may be NULL */
    char **errmsg;
    uint32_t line;
} reader;

/* Set *r->errmsg to "name:LINE: message" (or "line LINE: message") and
 * return status. */
static int fail(reader *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fail(reader *r, int status, const char *fmt, ...)
{
    char msg[256];
    va_list ap;
    int n;
    char *s;

    if (r->errmsg == NULL)
        return status;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->name != NULL)
        n = snprintf(NULL, 0, "%s:%lu: %s", r->name, (unsigned long)r->line, msg);
    else
        n = snprintf(NULL, 0, "line %lu: %s", (unsigned long)r->line, msg);
    s = n < 0 ? NULL : malloc((size_t)n + 1);
    if (s != NULL) {
        if (r->name != NULL)
            snprintf(s, (size_t)n + 1, "%s:%lu: %s", r->name, (unsigned long)r->line, msg);
        else
            snprintf(s, (size_t)n + 1, "line %lu: %s", (unsigned long)r->line, msg);
    }
    *r->errmsg = s;
    return status;
}

/* A token made printable for a message: at most 40 bytes, cut at a
 * character boundary, control bytes shown as '?'. */
static void quote_token(const char *tok, size_t n, char out[48])
{
    size_t k = n > 40 ? 40 : n, i;
    while (k > 0 && k < n && ((unsigned char)tok[k] & 0xC0) == 0x80)
        k--;
    for (i = 0; i < k; i++) {
        unsigned char c = (unsigned char)tok[i];
        out[i] = (char)(c < 0x20 || c == 0x7F ? '?' : c);
    }
    if (k < n) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = '\0';
}

/* The columns of one line: the first 5, and how many there are. */
typedef struct columns {
    const char *s[5];
    size_t n[5];
    size_t count;
} columns;

/* Split line [p, end) where str.split() would. Returns 0, or -1 for
 * invalid UTF-8. */
static int split_line(const unsigned char *p, const unsigned char *end, columns *c)
{
    const unsigned char *tok = NULL;
    c->count = 0;
    for (;;) {
        uint32_t cp = ' ';
        size_t len = 1;
        if (p < end) {
            len = utf8_decode(p, (size_t)(end - p), &cp);
            if (len == 0)
                return -1;
        }
        if (p >= end || is_space(cp)) {
            if (tok != NULL) {
                if (c->count < 5) {
                    c->s[c->count] = (const char *)tok;
                    c->n[c->count] = (size_t)(p - tok);
                }
                c->count++;
                tok = NULL;
            }
            if (p >= end)
                return 0;
        } else if (tok == NULL) {
            tok = p;
        }
        p += len;
    }
}

static uint32_t count_chars(const char *s, size_t n)
{
    uint32_t k = 0;
    size_t i;
    for (i = 0; i < n; i++)
        k += ((unsigned char)s[i] & 0xC0) != 0x80;
    return k;
}

/* Read the lines of t->text (len bytes) into t->e. */
static int read_lines(table *t, size_t len, enum kind kind, reader *r, locale_t c_locale)
{
    const char *text = t->text;
    size_t pos = 0, cap = 0;

    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        pos = 3; /* utf-8-sig */
    r->line = 0;
    while (pos < len) {
        size_t start = pos, stop;
        columns c;
        entry *e;
        int rc;
        char shown[48];

        while (pos < len && text[pos] != '\n' && text[pos] != '\r')
            pos++;
        stop = pos;
        if (pos < len)
            pos += text[pos] == '\r' && pos + 1 < len && text[pos + 1] == '\n' ? 2 : 1;
        r->line++;

        if (split_line((const unsigned char *)text + start, (const unsigned char *)text + stop,
                       &c) != 0)
            return fail(r, FH_ERR_ENCODING, "invalid UTF-8");
        if (c.count == 0)
            continue;
        if (kind == KIND_QRELS && c.count != 4)
            return fail(r, FH_ERR_INVALID, "expected 4 columns (qid iter docid rel), got %zu",
                        c.count);
        if (kind == KIND_RUN && c.count < 5)
            return fail(r, FH_ERR_INVALID,
                        "expected 6 columns (qid Q0 docid rank score tag), got %zu", c.count);

        if (t->ne == cap) {
            size_t ncap = cap ? cap * 2 : 1024;
            entry *ne;
            if (ncap > SIZE_MAX / sizeof *ne)
                return fail(r, FH_ERR_NOMEM, "out of memory");
            ne = realloc(t->e, ncap * sizeof *ne);
            if (ne == NULL)
                return fail(r, FH_ERR_NOMEM, "out of memory");
            t->e = ne;
            cap = ncap;
        }
        e = &t->e[t->ne];
        e->qid = c.s[0];
        e->qid_len = (uint32_t)c.n[0];
        e->qid_chars = count_chars(c.s[0], c.n[0]);
        e->doc = c.s[2];
        e->doc_len = (uint32_t)c.n[2];
        e->line = r->line;
        if (kind == KIND_QRELS) {
            rc = py_float(c.s[3], c.n[3], c_locale, &e->value);
            quote_token(c.s[3], c.n[3], shown);
            if (rc == FH_ERR_INVALID)
                return fail(r, rc, "rel \"%s\" is not a number", shown);
            if (rc == FH_OK && !isfinite(e->value)) /* int(float(rel)) fails in Python too */
                return fail(r, FH_ERR_INVALID, "rel \"%s\" is not a finite number", shown);
            if (rc == FH_OK)
                e->value = trunc(e->value); /* int(float(rel)) */
        } else {
            rc = py_float(c.s[4], c.n[4], c_locale, &e->value);
            quote_token(c.s[4], c.n[4], shown);
            if (rc == FH_ERR_INVALID)
                return fail(r, rc, "score \"%s\" is not a number", shown);
            if (rc == FH_OK && isnan(e->value))
                return fail(r, FH_ERR_INVALID, "score \"%s\" is NaN: it cannot be ranked", shown);
        }
        if (rc != FH_OK)
            return fail(r, rc, "out of memory");
        t->ne++;
    }
    return FH_OK;
}

/* Sort, drop repeated (qid, docid) lines (qrels keep the last, runs the
 * first; *dups counts the dropped) and group by query. */
static int build_groups(table *t, enum kind kind, size_t *dups)
{
    size_t i, w = 0;

    if (t->ne > 1)
        qsort(t->e, t->ne, sizeof *t->e, cmp_entry_key);
    *dups = 0;
    for (i = 0; i < t->ne;) {
        size_t j = i;
        while (j + 1 < t->ne && same_qid(&t->e[j + 1], &t->e[i]) &&
               same_doc(&t->e[j + 1], &t->e[i]))
            j++;
        t->e[w++] = t->e[kind == KIND_QRELS ? j : i];
        *dups += j - i;
        i = j + 1;
    }
    t->ne = w;

    for (i = 0; i < t->ne; i++)
        if (i == 0 || !same_qid(&t->e[i], &t->e[i - 1]))
            t->ng++;
    t->g = calloc(t->ng ? t->ng : 1, sizeof *t->g);
    if (t->g == NULL)
        return FH_ERR_NOMEM;
    t->ng = 0;
    for (i = 0; i < t->ne; i++) {
        group *g;
        if (i == 0 || !same_qid(&t->e[i], &t->e[i - 1])) {
            g = &t->g[t->ng++];
            g->qid = t->e[i].qid;
            g->qid_len = t->e[i].qid_len;
            g->qid_chars = t->e[i].qid_chars;
            g->first = i;
        }
        g = &t->g[t->ng - 1];
        g->count++;
        if (g->count > t->max_group)
            t->max_group = g->count;
    }
    if (kind == KIND_RUN)
        for (i = 0; i < t->ng; i++)
            if (t->g[i].count > 1)
                qsort(t->e + t->g[i].first, t->g[i].count, sizeof *t->e, cmp_ranked);
    return FH_OK;
}

/* Load text (len bytes, NUL-terminated, owned: freed here on failure) into
 * t. */
static int load_table(char *text, size_t len, enum kind kind, const char *name, table *t,
                      size_t *dups, char **errmsg)
{
    reader r = {name, errmsg, 0};
    locale_t c_locale;
    int rc;

    memset(t, 0, sizeof *t);
    t->text = text;
    c_locale = newlocale(LC_NUMERIC_MASK, "C", (locale_t)0);
    if (c_locale == (locale_t)0) {
        rc = fail(&r, FH_ERR_NOMEM, "out of memory");
        goto out;
    }
    rc = read_lines(t, len, kind, &r, c_locale);
    freelocale(c_locale);
    if (rc != FH_OK)
        goto out;
    rc = build_groups(t, kind, dups);
    if (rc != FH_OK && errmsg != NULL)
        *errmsg = strdup("out of memory");
out:
    if (rc != FH_OK)
        table_clear(t);
    return rc;
}

/* A malloc'ed NUL-terminated copy of data, or an error. */
static int copy_input(const char *data, size_t len, char **text, char **errmsg)
{
    *text = NULL;
    if (data == NULL && len > 0)
        return FH_ERR_INVALID;
    if (len > FH_EVAL_MAX_BYTES) {
        if (errmsg != NULL)
            *errmsg = strdup("input too large (more than 1 GiB)");
        return FH_ERR_TOOBIG;
    }
    *text = malloc(len + 1);
    if (*text == NULL)
        return FH_ERR_NOMEM;
    if (len > 0)
        memcpy(*text, data, len);
    (*text)[len] = '\0';
    return FH_OK;
}

/* Read the whole file at path into a malloc'ed NUL-terminated buffer. */
static int read_file(const char *path, char **text, size_t *len, char **errmsg)
{
    FILE *fp = NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    int rc = FH_OK, err;
    char msg[160];

    *text = NULL;
    *len = 0;
    fp = fopen(path, "rb");
    if (fp == NULL) {
        err = errno;
        rc = err == ENOENT ? FH_ERR_NOTFOUND : FH_ERR_IO;
        snprintf(msg, sizeof msg, "%s", strerror(err));
        goto out;
    }
    for (;;) {
        size_t got;
        errno = 0;
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 65536;
            char *nb;
            if (cap > FH_EVAL_MAX_BYTES) {
                rc = FH_ERR_TOOBIG;
                snprintf(msg, sizeof msg, "input too large (more than 1 GiB)");
                goto out;
            }
            if (ncap > FH_EVAL_MAX_BYTES + 1) /* one byte more tells a file too large */
                ncap = FH_EVAL_MAX_BYTES + 1;
            nb = realloc(buf, ncap + 1);
            if (nb == NULL) {
                rc = FH_ERR_NOMEM;
                snprintf(msg, sizeof msg, "out of memory");
                goto out;
            }
            buf = nb;
            cap = ncap;
        }
        got = fread(buf + n, 1, cap - n, fp);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(fp)) {
        rc = FH_ERR_IO;
        snprintf(msg, sizeof msg, "%s", errno != 0 ? strerror(errno) : "read error");
        goto out;
    }
    if (n > FH_EVAL_MAX_BYTES) {
        rc = FH_ERR_TOOBIG;
        snprintf(msg, sizeof msg, "input too large (more than 1 GiB)");
        goto out;
    }
    if (buf == NULL) {
        buf = malloc(1);
        if (buf == NULL) {
            rc = FH_ERR_NOMEM;
            snprintf(msg, sizeof msg, "out of memory");
            goto out;
        }
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    buf = NULL;
out:
    if (fp != NULL)
        fclose(fp);
    free(buf);
    if (rc != FH_OK && errmsg != NULL) {
        size_t need = strlen(path) + strlen(msg) + 3;
        *errmsg = malloc(need);
        if (*errmsg != NULL)
            snprintf(*errmsg, need, "%s: %s", path, msg);
    }
    return rc;
}

static int qrels_from_text(char *text, size_t len, const char *name, fh_eval_qrels **out,
                           char **errmsg)
{
    size_t dups;
    int rc;
    fh_eval_qrels *q = calloc(1, sizeof *q);
    if (q == NULL) {
        free(text);
        return FH_ERR_NOMEM;
    }
    rc = load_table(text, len, KIND_QRELS, name, &q->t, &dups, errmsg);
    if (rc != FH_OK) {
        free(q);
        return rc;
    }
    *out = q;
    return FH_OK;
}

static int run_from_text(char *text, size_t len, const char *name, fh_eval_run **out, char **errmsg)
{
    int rc;
    fh_eval_run *run = calloc(1, sizeof *run);
    if (run == NULL) {
        free(text);
        return FH_ERR_NOMEM;
    }
    rc = load_table(text, len, KIND_RUN, name, &run->t, &run->dups, errmsg);
    if (rc != FH_OK) {
        free(run);
        return rc;
    }
    *out = run;
    return FH_OK;
}

int fh_eval_qrels_load(const char *data, size_t len, const char *name, fh_eval_qrels **out,
                       char **errmsg)
{
    char *text;
    int rc;

    if (errmsg != NULL)
        *errmsg = NULL;
    if (out == NULL)
        return FH_ERR_INVALID;
    *out = NULL;
    rc = copy_input(data, len, &text, errmsg);
    if (rc != FH_OK)
        return rc;
    return qrels_from_text(text, len, name, out, errmsg);
}

int fh_eval_qrels_load_file(const char *path, fh_eval_qrels **out, char **errmsg)
{
    char *text;
    size_t len;
    int rc;

    if (errmsg != NULL)
        *errmsg = NULL;
    if (out == NULL || path == NULL)
        return FH_ERR_INVALID;
    *out = NULL;
    rc = read_file(path, &text, &len, errmsg);
    if (rc != FH_OK)
        return rc;
    return qrels_from_text(text, len, path, out, errmsg);
}

size_t fh_eval_qrels_count(const fh_eval_qrels *qrels)
{
    return qrels != NULL ? qrels->t.ng : 0;
}

void fh_eval_qrels_free(fh_eval_qrels *qrels)
{
    if (qrels == NULL)
        return;
    table_clear(&qrels->t);
    free(qrels);
}

int fh_eval_run_load(const char *data, size_t len, const char *name, fh_eval_run **out,
                     char **errmsg)
{
    char *text;
    int rc;

    if (errmsg != NULL)
        *errmsg = NULL;
    if (out == NULL)
        return FH_ERR_INVALID;
    *out = NULL;
    rc = copy_input(data, len, &text, errmsg);
    if (rc != FH_OK)
        return rc;
    return run_from_text(text, len, name, out, errmsg);
}

int fh_eval_run_load_file(const char *path, fh_eval_run **out, char **errmsg)
{
    char *text;
    size_t len;
    int rc;

    if (errmsg != NULL)
        *errmsg = NULL;
    if (out == NULL || path == NULL)
        return FH_ERR_INVALID;
    *out = NULL;
    rc = read_file(path, &text, &len, errmsg);
    if (rc != FH_OK)
        return rc;
    return run_from_text(text, len, path, out, errmsg);
}

size_t fh_eval_run_count(const fh_eval_run *run)
{
    return run != NULL ? run->t.ng : 0;
}

size_t fh_eval_run_duplicates(const fh_eval_run *run)
{
    return run != NULL ? run->dups : 0;
}

void fh_eval_run_free(fh_eval_run *run)
{
    if (run == NULL)
        return;
    table_clear(&run->t);
    free(run);
}

/* ---- Measures ----------------------------------------------------------- */

/* Python's sum() over floats, started from the int 0. */
typedef struct py_sum {
    double f;
    double c;
    int compensated; /* Python >= 3.12 */
} py_sum;

static void py_sum_add(py_sum *s, double x)
{
    double t;
    if (!s->compensated) {
        s->f += x;
        return;
    }
    t = s->f + x;
    if (fabs(s->f) >= fabs(x))
        s->c += (s->f - t) + x;
    else
        s->c += (x - t) + s->f;
    s->f = t;
}

static double py_sum_value(const py_sum *s)
{
    if (s->compensated && s->c != 0.0 && isfinite(s->c))
        return s->f + s->c;
    return s->f;
}

/* The 9 measures in eval.py's order (MAIN + EXTRA). */
static const struct {
    const char *name;
    size_t offset;
} measures[] = {
    {"MAP", offsetof(fh_eval_metrics, map)},
    {"nDCG@10", offsetof(fh_eval_metrics, ndcg_10)},
    {"P@10", offsetof(fh_eval_metrics, p_10)},
    {"Recall@100", offsetof(fh_eval_metrics, recall_100)},
    {"MRR@10", offsetof(fh_eval_metrics, mrr_10)},
    {"MAP@10", offsetof(fh_eval_metrics, map_10)},
    {"nDCG", offsetof(fh_eval_metrics, ndcg)},
    {"P@30", offsetof(fh_eval_metrics, p_30)},
    {"RR", offsetof(fh_eval_metrics, rr)},
};
#define NMEASURES (sizeof measures / sizeof measures[0])

static double *measure(fh_eval_metrics *m, size_t i)
{
    return (double *)(void *)((char *)m + measures[i].offset);
}

static double measure_of(const fh_eval_metrics *m, size_t i)
{
    return *(const double *)(const void *)((const char *)m + measures[i].offset);
}

static int cmp_double_desc(const void *pa, const void *pb)
{
    double a = *(const double *)pa, b = *(const double *)pb;
    return (a < b) - (a > b);
}

/* eval.py's query_metrics() for a query with R > 0 relevant documents.
 * ideal: room for the query's judgments. */
static void query_metrics(const table *qt, const group *qg, const table *rt, const group *rg,
                          int compensated, double *ideal, fh_eval_metrics *m)
{
    const entry *judged = qt->e + qg->first;
    const entry *ranked = rt->e + rg->first;
    py_sum idcg10 = {0, 0, compensated}, idcg = {0, 0, compensated};
    py_sum dcg10 = {0, 0, compensated}, dcg = {0, 0, compensated};
    size_t R = 0, nideal = 0, hits = 0, first = 0, hits10 = 0, hits30 = 0, hits100 = 0, i;
    double ap = 0.0, ap10 = 0.0;

    for (i = 0; i < qg->count; i++) {
        if (judged[i].value >= 1)
            R++;
        if (judged[i].value > 0)
            ideal[nideal++] = judged[i].value;
    }
    if (nideal > 1)
        qsort(ideal, nideal, sizeof *ideal, cmp_double_desc);
    for (i = 0; i < nideal; i++) {
        double term = ideal[i] / log2((double)i + 2.0);
        if (i < 10)
            py_sum_add(&idcg10, term);
        py_sum_add(&idcg, term);
    }

    for (i = 1; i <= rg->count; i++) {
        const entry *d = &ranked[i - 1];
        const entry *j = find_doc(qt, qg, d->doc, d->doc_len);
        double rel = j != NULL ? j->value : 0.0;
        if (rel >= 1) {
            double prec;
            hits++;
            prec = (double)hits / (double)i;
            ap += prec;
            if (i <= 10) {
                ap10 += prec;
                hits10++;
            }
            if (i <= 30)
                hits30++;
            if (i <= 100)
                hits100++;
            if (first == 0)
                first = i;
        }
        if (rel > 0) {
            double term = rel / log2((double)i + 1.0);
            if (i <= 10)
                py_sum_add(&dcg10, term);
            py_sum_add(&dcg, term);
        }
    }

    memset(m, 0, sizeof *m);
    m->map = ap / (double)R;
    m->ndcg_10 = py_sum_value(&idcg10) > 0 ? py_sum_value(&dcg10) / py_sum_value(&idcg10) : 0.0;
    m->p_10 = (double)hits10 / 10.0;
    m->recall_100 = (double)hits100 / (double)R;
    m->mrr_10 = first > 0 && first <= 10 ? 1.0 / (double)first : 0.0;
    m->map_10 = ap10 / (double)R;
    m->ndcg = py_sum_value(&idcg) > 0 ? py_sum_value(&dcg) / py_sum_value(&idcg) : 0.0;
    m->p_30 = (double)hits30 / 30.0;
    m->rr = first > 0 ? 1.0 / (double)first : 0.0;
    m->num_ret = rg->count;
    m->num_rel = R;
    m->num_rel_ret = hits;
}

/* Append a query to res (room was made by the caller). */
static int add_query(fh_eval_result *res, const char *qid, size_t len, const char *suffix,
                     const fh_eval_metrics *m)
{
    size_t slen = suffix != NULL ? strlen(suffix) : 0;
    fh_eval_query *q = &res->queries[res->num_q];
    q->qid = malloc(len + slen + 1);
    if (q->qid == NULL)
        return FH_ERR_NOMEM;
    memcpy(q->qid, qid, len);
    if (slen > 0)
        memcpy(q->qid + len, suffix, slen);
    q->qid[len + slen] = '\0';
    q->qid_len = len + slen;
    q->m = *m;
    res->num_q++;
    return FH_OK;
}

int fh_eval_compute(const fh_eval_qrels *qrels, const fh_eval_run *run, unsigned flags,
                    fh_eval_result **out)
{
    const table *qt, *rt;
    fh_eval_result *res = NULL;
    double *ideal = NULL;
    int compensated = (flags & FH_EVAL_COMPENSATED_SUM) != 0;
    int qqa23 = (flags & FH_EVAL_QQA23) != 0, no_c = (flags & FH_EVAL_NO_C) != 0;
    size_t i, k;
    int rc = FH_ERR_NOMEM;

    if (out == NULL)
        return FH_ERR_INVALID;
    *out = NULL;
    if (qrels == NULL || run == NULL)
        return FH_ERR_INVALID;
    qt = &qrels->t;
    rt = &run->t;

    res = calloc(1, sizeof *res);
    if (res == NULL)
        goto out;
    /* a zero-answer question missing from the run counts twice */
    res->queries = calloc(qt->ng * 2 + 1, sizeof *res->queries);
    ideal = malloc((qt->max_group + 1) * sizeof *ideal);
    if (res->queries == NULL || ideal == NULL)
        goto out;

    for (i = 0; i < qt->ng; i++) {
        const group *qg = &qt->g[i];
        const group *rg = find_group(rt, qg->qid, qg->qid_len, qg->qid_chars);
        fh_eval_metrics m;
        size_t R = 0;

        memset(&m, 0, sizeof m);
        if (qqa23 && find_doc(qt, qg, "-1", 2) != NULL) {
            const entry *top = rg != NULL ? rt->e + rg->first : NULL;
            double ok =
                rg != NULL && rg->count == 1 && top->doc_len == 2 && memcmp(top->doc, "-1", 2) == 0
                    ? 1.0
                    : 0.0;
            for (k = 0; k < NMEASURES; k++)
                *measure(&m, k) = ok;
            m.num_ret = rg != NULL ? rg->count : 0;
            if (add_query(res, qg->qid, qg->qid_len, NULL, &m) != FH_OK)
                goto out;
            if (rg == NULL) { /* the official script's quirk */
                res->num_zero_missing++;
                if (add_query(res, qg->qid, qg->qid_len, "(dup)", &m) != FH_OK)
                    goto out;
            }
            continue;
        }
        for (k = 0; k < qg->count; k++)
            R += qt->e[qg->first + k].value >= 1;
        if (R == 0)
            res->num_no_rel++;
        if (rg == NULL) {
            if (qqa23 || no_c) {
                res->num_dropped += qqa23;
                continue;
            }
            m.num_rel = R;
        } else if (R == 0) {
            m.num_ret = rg->count;
        } else {
            query_metrics(qt, qg, rt, rg, compensated, ideal, &m);
        }
        if (add_query(res, qg->qid, qg->qid_len, NULL, &m) != FH_OK)
            goto out;
    }

    for (i = 0; i < rt->ng; i++)
        if (find_group(qt, rt->g[i].qid, rt->g[i].qid_len, rt->g[i].qid_chars) == NULL)
            res->num_run_only++;
    res->num_duplicates = run->dups;

    for (k = 0; k < NMEASURES; k++) {
        py_sum s = {0, 0, compensated};
        for (i = 0; i < res->num_q; i++)
            py_sum_add(&s, measure_of(&res->queries[i].m, k));
        *measure(&res->all, k) = res->num_q > 0 ? py_sum_value(&s) / (double)res->num_q : 0.0;
    }
    for (i = 0; i < res->num_q; i++) {
        res->all.num_ret += res->queries[i].m.num_ret;
        res->all.num_rel += res->queries[i].m.num_rel;
        res->all.num_rel_ret += res->queries[i].m.num_rel_ret;
    }
    rc = FH_OK;
out:
    free(ideal);
    if (rc != FH_OK) {
        fh_eval_free(res);
        res = NULL;
    }
    *out = res;
    return rc;
}

void fh_eval_free(fh_eval_result *result)
{
    size_t i;
    if (result == NULL)
        return;
    if (result->queries != NULL)
        for (i = 0; i < result->num_q; i++)
            free(result->queries[i].qid);
    free(result->queries);
    free(result);
}

/* A value as Python's f'{v:.4f}' writes it ("nan" never "-nan"). */
static void write_value(FILE *fp, double v)
{
    if (isnan(v))
        fputs("nan", fp);
    else
        fprintf(fp, "%.4f", v);
}

int fh_eval_write(const fh_eval_result *result, FILE *fp, int per_query)
{
    size_t i, k;

    if (result == NULL || fp == NULL)
        return FH_ERR_INVALID;
    if (per_query) {
        for (i = 0; i < result->num_q; i++) {
            const fh_eval_query *q = &result->queries[i];
            for (k = 0; k < NMEASURES; k++) {
                fprintf(fp, "%-12s\t", measures[k].name);
                fwrite(q->qid, 1, q->qid_len, fp);
                fputc('\t', fp);
                write_value(fp, measure_of(&q->m, k));
                fputc('\n', fp);
            }
        }
    }
    fprintf(fp, "%-12s\tall\t%zu\n", "num_q", result->num_q);
    fprintf(fp, "%-12s\tall\t%zu\n", "num_ret", result->all.num_ret);
    fprintf(fp, "%-12s\tall\t%zu\n", "num_rel", result->all.num_rel);
    fprintf(fp, "%-12s\tall\t%zu\n", "num_rel_ret", result->all.num_rel_ret);
    for (k = 0; k < NMEASURES; k++) {
        fprintf(fp, "%-12s\tall\t", measures[k].name);
        write_value(fp, measure_of(&result->all, k));
        fputc('\n', fp);
    }
    return ferror(fp) ? FH_ERR_IO : FH_OK;
}
