/* query_filters.c - site:, lang: and date: in a query (see query.h): read
 * into the parsed query's filters, and built into the Xapian query around
 * its words (filters.h says what the pages hold). */
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "filters.h"
#include "query_internal.h"
#include "record.h"

static const char *const field_names[] = {"site:", "lang:", "date:"};

static const char *const bad_value_notes[] = {
    "a site: was not read: write site:HOST, as site:example.com",
    "a lang: was not read: write lang:ar, lang:en or another two- or three-letter code",
    ("a date: was not read: write date:YYYY, date:YYYY-MM, date:YYYY-MM-DD or a range FROM..TO "
     "(either end may be left open)"),
};

static const char range_note[] = "a date: range ends before it starts: it was left out";

int fh_query__is_filter_note(const char *note)
{
    for (int k = 0; k < 3; k++)
        if (note == bad_value_notes[k])
            return 1;
    return note == range_note;
}

int fh_query__filter_field(const char *s, size_t len)
{
    for (int k = 0; k < 3; k++) {
        size_t n = strlen(field_names[k]);
        if (len < n)
            continue;
        size_t i = 0;
        while (i < n && (s[i] | 0x20) == field_names[k][i])
            i++;
        if (i == n)
            return k;
    }
    return -1;
}

/* FROM..TO, FROM.., ..TO or one DAY (YYYY, YYYY-MM, YYYY-MM-DD) into f. */
static int read_dates(const char *s, size_t len, fh_query__filter *f)
{
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < len; i++)
        if (s[i] == '.' && s[i + 1] == '.') {
            dots = s + i;
            break;
        }
    const char *from = s, *to = s;
    size_t from_len = len, to_len = len;
    if (dots != NULL) {
        from_len = (size_t)(dots - s);
        to = dots + 2;
        to_len = len - from_len - 2;
        if (from_len == 0 && to_len == 0)
            return 0;
    }
    f->has_from = from_len > 0;
    f->has_to = to_len > 0;
    if (f->has_from && fh_date_bound(from, from_len, 0, &f->from) != FH_OK)
        return 0;
    if (f->has_to && fh_date_bound(to, to_len, 1, &f->to) != FH_OK)
        return 0;
    return 1;
}

fh_status fh_query__filter_add(fh_parsed_query *q, const char *s, size_t len, int negated)
{
    int kind = fh_query__filter_field(s, len);
    size_t n = strlen(field_names[kind]);
    const char *v = s + n;
    size_t v_len = len - n;
    fh_query__filter f;
    memset(&f, 0, sizeof f);
    f.kind = kind;
    f.negated = negated;
    int ok = v_len > 0;
    fh_buf value = FH_BUF_INIT;
    char lang[4];
    if (ok && kind == FH_QUERY__SITE) {
        ok = fh_filters_site(v, v_len, &value) == FH_OK;
    } else if (ok && kind == FH_QUERY__LANG) {
        ok = fh_filters_lang(v, v_len, lang);
        if (ok)
            fh_buf_puts(&value, lang);
    } else if (ok) {
        ok = read_dates(v, v_len, &f);
        if (ok && f.has_from && f.has_to && f.from > f.to) {
            fh_buf_free(&value);
            fh_query__note(q, range_note);
            return FH_OK;
        }
        fh_buf_append(&value, v, v_len);
    }
    if (!ok) {
        fh_buf_free(&value);
        fh_query__note(q, bad_value_notes[kind]);
        return FH_OK;
    }
    if (fh_buf_status(&value) != FH_OK) {
        fh_buf_free(&value);
        return FH_ERR_NOMEM;
    }
    if (q->n_filters == q->cap_filters) {
        size_t cap = q->cap_filters ? q->cap_filters * 2 : 4;
        fh_query__filter *more = realloc(q->filters, cap * sizeof *more);
        if (more == NULL) {
            fh_buf_free(&value);
            return FH_ERR_NOMEM;
        }
        q->filters = more;
        q->cap_filters = cap;
    }
    f.value = fh_buf_detach(&value, NULL);
    if (f.value == NULL)
        return FH_ERR_NOMEM;
    q->filters[q->n_filters++] = f;
    return FH_OK;
}

void fh_query__filters_free(fh_parsed_query *q)
{
    for (size_t i = 0; i < q->n_filters; i++)
        free(q->filters[i].value);
    free(q->filters);
    q->filters = NULL;
    q->n_filters = q->cap_filters = 0;
}

/* The pages filter f matches, weighing nothing, into *out. */
static fh_status filter_query(const fh_query__filter *f, fh_xquery **out)
{
    if (f->kind == FH_QUERY__DATE) {
        /* Open ends: the earliest value there is; no upper end. */
        char lo[FH_FILTERS_DATE_SIZE], hi[FH_FILTERS_DATE_SIZE];
        fh_filters_date_value(f->has_from ? f->from : INT64_MIN, lo);
        fh_filters_date_value(f->to, hi);
        return fh_xquery_value_range(FH_SLOT_DATE, lo, sizeof lo, hi, f->has_to ? sizeof hi : 0,
                                     out);
    }
    fh_buf t = FH_BUF_INIT;
    fh_buf_puts(&t, f->kind == FH_QUERY__SITE ? FH_PREFIX_SITE : FH_PREFIX_LANG);
    fh_buf_puts(&t, f->value);
    fh_status rc = fh_buf_status(&t);
    fh_xquery *term = NULL;
    if (rc == FH_OK)
        rc = fh_xquery_term(t.data, t.len, 1, &term);
    if (rc == FH_OK)
        rc = fh_xquery_scale(term, 0, out);
    fh_xquery_free(term);
    fh_buf_free(&t);
    return rc;
}

/* The filters of kind with negated as given, OR-ed, into *out (NULL when
 * there are none). */
static fh_status kind_query(const fh_parsed_query *q, int kind, int negated, fh_xquery **out)
{
    *out = NULL;
    fh_xquery **alts = calloc(q->n_filters ? q->n_filters : 1, sizeof *alts);
    if (alts == NULL)
        return FH_ERR_NOMEM;
    size_t n = 0;
    fh_status rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < q->n_filters; i++)
        if (q->filters[i].kind == kind && q->filters[i].negated == negated)
            rc = filter_query(&q->filters[i], &alts[n++]);
    if (n > 0) /* else none: *out stays NULL */
        rc = fh_query__or_of(rc, alts, n, out);
    free(alts);
    return rc;
}

fh_status fh_query__filters_build(const fh_parsed_query *q, const fh_xquery *words, fh_xquery **out)
{
    *out = NULL;
    /* musts[0] the words (or every page), then a query a kind of filter
     * whose pages must match; nots, a kind whose pages must not. */
    fh_xquery *musts[1 + FH_QUERY__FILTER_KINDS] = {NULL},
                         *nots[1 + FH_QUERY__FILTER_KINDS] = {NULL};
    fh_xquery *every = NULL, *filtered = NULL;
    size_t n_must = 1, n_not = 1;
    fh_status rc = words != NULL ? FH_OK : fh_xquery_match_all(&every);
    for (int k = 0; rc == FH_OK && k < FH_QUERY__FILTER_KINDS; k++) {
        rc = kind_query(q, k, 0, &musts[n_must]);
        n_must += musts[n_must] != NULL;
        if (rc == FH_OK)
            rc = kind_query(q, k, 1, &nots[n_not]);
        n_not += nots[n_not] != NULL;
    }
    musts[0] = words != NULL ? (fh_xquery *)words : every;
    if (rc == FH_OK && n_must > 1)
        rc = fh_xquery_combine(FH_XQUERY_FILTER, musts, n_must, 0, &filtered);
    nots[0] = filtered != NULL ? filtered : musts[0];
    if (rc == FH_OK && n_not > 1)
        rc = fh_xquery_combine(FH_XQUERY_AND_NOT, nots, n_not, 0, out);
    else if (rc == FH_OK) /* a copy: an AND of one is that one */
        rc = fh_xquery_combine(FH_XQUERY_AND, nots, 1, 0, out);
    for (size_t i = 1; i < n_must; i++)
        fh_xquery_free(musts[i]);
    for (size_t i = 1; i < n_not; i++)
        fh_xquery_free(nots[i]);
    fh_xquery_free(filtered);
    fh_xquery_free(every);
    return rc;
}

fh_status fh_parsed_query_narrow(const fh_parsed_query *q, const fh_xquery *words, fh_xquery **out)
{
    return fh_query__filters_build(q, words, out);
}

int fh_query_is_filter(const char *word, size_t len)
{
    return fh_query__filter_field(word, len) >= 0;
}

int fh_parsed_query_has_filters(const fh_parsed_query *q)
{
    return q->n_filters > 0;
}

int fh_parsed_query_has_words(const fh_parsed_query *q)
{
    return q->root != NULL;
}

int fh_parsed_query_needs_filter_index(const fh_parsed_query *q)
{
    for (size_t i = 0; i < q->n_filters; i++)
        if (q->filters[i].kind != FH_QUERY__LANG)
            return 1;
    return 0;
}

void fh_query__filters_describe(const fh_parsed_query *q, fh_buf *out)
{
    for (size_t i = 0; i < q->n_filters; i++) {
        const fh_query__filter *f = &q->filters[i];
        if (out->len > 0)
            fh_buf_putc(out, ' ');
        if (f->negated)
            fh_buf_putc(out, '-');
        fh_buf_puts(out, field_names[f->kind]);
        if (f->kind != FH_QUERY__DATE) {
            fh_buf_puts(out, f->value);
            continue;
        }
        char iso[FH_DATE_ISO_SIZE];
        if (f->has_from) {
            fh_date_format(f->from, iso);
            fh_buf_puts(out, iso);
        }
        fh_buf_puts(out, "..");
        if (f->has_to) {
            fh_date_format(f->to, iso);
            fh_buf_puts(out, iso);
        }
    }
}

char *fh_parsed_query_describe_filters(const fh_parsed_query *q)
{
    if (q->n_filters == 0)
        return strdup("");
    fh_buf b = FH_BUF_INIT;
    fh_query__filters_describe(q, &b);
    return fh_buf_detach(&b, NULL);
}
