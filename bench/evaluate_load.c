/* evaluate_load.c - loading qrels and runs into sorted tables (see
 * evaluate.c for how the order is kept identical to eval.py's). */
#include "evaluate_internal.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- Tables ------------------------------------------------------------- */

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
const group *fh_eval__find_group(const table *t, const char *qid, uint32_t len, uint32_t chars)
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
const entry *fh_eval__find_doc(const table *t, const group *g, const char *doc, size_t len)
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
            len = fh_eval__utf8_decode(p, (size_t)(end - p), &cp);
            if (len == 0)
                return -1;
        }
        if (p >= end || fh_eval__is_space(cp)) {
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
        if (c.count == 0 || (kind == KIND_QRELS && c.s[0][0] == '#'))
            continue; /* a blank line, or a comment in qrels */
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
            rc = fh_eval__py_float(c.s[3], c.n[3], c_locale, &e->value);
            quote_token(c.s[3], c.n[3], shown);
            if (rc == FH_ERR_INVALID)
                return fail(r, rc, "rel \"%s\" is not a number", shown);
            if (rc == FH_OK && !isfinite(e->value)) /* int(float(rel)) fails in Python too */
                return fail(r, FH_ERR_INVALID, "rel \"%s\" is not a finite number", shown);
            if (rc == FH_OK)
                e->value = trunc(e->value); /* int(float(rel)) */
        } else {
            rc = fh_eval__py_float(c.s[4], c.n[4], c_locale, &e->value);
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

/* The one loader behind the four public ones: the file at source
 * (from_file) or len bytes of data at source, loaded as kind into a new
 * fh_eval_qrels or fh_eval_run in *out. name starts error messages. */
static int load(enum kind kind, int from_file, const char *source, size_t len, const char *name,
                void **out, char **errmsg)
{
    char *text;
    size_t dups = 0;
    void *holder;
    int rc;

    if (errmsg != NULL)
        *errmsg = NULL;
    if (out == NULL || (from_file && source == NULL))
        return FH_ERR_INVALID;
    *out = NULL;
    if (from_file)
        rc = read_file(source, &text, &len, errmsg);
    else
        rc = copy_input(source, len, &text, errmsg);
    if (rc != FH_OK)
        return rc;
    /* Both begin with their table. */
    holder = calloc(1, kind == KIND_QRELS ? sizeof(fh_eval_qrels) : sizeof(fh_eval_run));
    if (holder == NULL) {
        free(text);
        return FH_ERR_NOMEM;
    }
    rc = load_table(text, len, kind, name, (table *)holder, &dups, errmsg);
    if (rc != FH_OK) {
        free(holder);
        return rc;
    }
    if (kind == KIND_RUN)
        ((fh_eval_run *)holder)->dups = dups;
    *out = holder;
    return FH_OK;
}

fh_status fh_eval_qrels_load(const char *data, size_t len, const char *name, fh_eval_qrels **out,
                             char **errmsg)
{
    void *q = NULL;
    int rc = load(KIND_QRELS, 0, data, len, name, out != NULL ? &q : NULL, errmsg);
    if (out != NULL)
        *out = q;
    return rc;
}

fh_status fh_eval_qrels_load_file(const char *path, fh_eval_qrels **out, char **errmsg)
{
    void *q = NULL;
    int rc = load(KIND_QRELS, 1, path, 0, path, out != NULL ? &q : NULL, errmsg);
    if (out != NULL)
        *out = q;
    return rc;
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

fh_status fh_eval_run_load(const char *data, size_t len, const char *name, fh_eval_run **out,
                           char **errmsg)
{
    void *run = NULL;
    int rc = load(KIND_RUN, 0, data, len, name, out != NULL ? &run : NULL, errmsg);
    if (out != NULL)
        *out = run;
    return rc;
}

fh_status fh_eval_run_load_file(const char *path, fh_eval_run **out, char **errmsg)
{
    void *run = NULL;
    int rc = load(KIND_RUN, 1, path, 0, path, out != NULL ? &run : NULL, errmsg);
    if (out != NULL)
        *out = run;
    return rc;
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
