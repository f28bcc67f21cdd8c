/* jsonl.c - the .jsonl reader (see page.h): one JSON object per line.
 *
 * The whole file is decoded to UTF-8 first (decode.h), then each line is
 * parsed by a small strict JSON parser (RFC 8259) that keeps the five keys
 * we use and checks and skips every other value. Nested arrays and objects
 * are skipped without recursion, with an explicit stack of MAX_DEPTH, so a
 * line of a million "[" costs a short error, not the C stack. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "page.h"
#include "page_internal.h"
#include "status.h"

/* Arrays and objects nest at most this deep, the line's object included. */
#define MAX_DEPTH 64

enum field { F_ID, F_TITLE, F_TEXT, F_URL, F_DATE, F_COUNT, F_NONE = F_COUNT };

static const char *const field_names[F_COUNT] = {"id", "title", "text", "url", "date"};

static const char *const type_errors[F_COUNT] = {
    "\"id\" is not a string or number", "\"title\" is not a string", "\"text\" is not a string",
    "\"url\" is not a string",          "\"date\" is not a string",
};

/* Parsing one line. */
typedef struct jparser {
    const char *s;
    size_t n;
    size_t i;      /* the next byte */
    size_t err_at; /* where parsing failed (0-based) */
    int too_deep;  /* it failed on nesting, not syntax */
    fh_buf key;    /* the current key, decoded */
    fh_buf f[F_COUNT];
    int have[F_COUNT];
    const char *type_error; /* the first value of the wrong type */
} jparser;

static int fail(jparser *jp)
{
    jp->err_at = jp->i;
    return -1;
}

static void skip_ws(jparser *jp)
{
    while (jp->i < jp->n) {
        char c = jp->s[jp->i];
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
        jp->i++;
    }
}

static int hex4(const char *s, size_t n, size_t at, uint32_t *v)
{
    if (at > n || n - at < 4)
        return -1;
    *v = 0;
    for (size_t k = 0; k < 4; k++) {
        char c = s[at + k];
        uint32_t d;
        if (c >= '0' && c <= '9')
            d = (uint32_t)(c - '0');
        else if (c >= 'a' && c <= 'f')
            d = (uint32_t)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            d = (uint32_t)(c - 'A' + 10);
        else
            return -1;
        *v = *v << 4 | d;
    }
    return 0;
}

/* The string at jp->i (which is '"'), decoded into out unless out is NULL. A
 * lone surrogate escape becomes U+FFFD and \u0000 a space. */
static int parse_string(jparser *jp, fh_buf *out)
{
    const char *s = jp->s;
    size_t n = jp->n;
    size_t i = jp->i + 1;
    size_t run = i;
    for (;;) {
        if (i >= n) {
            jp->i = i;
            return fail(jp);
        }
        unsigned char c = (unsigned char)s[i];
        if (c == '"')
            break;
        if (c < 0x20) {
            jp->i = i;
            return fail(jp);
        }
        if (c != '\\') {
            i++;
            continue;
        }
        if (out)
            fh_buf_append(out, s + run, i - run);
        if (++i >= n) {
            jp->i = i;
            return fail(jp);
        }
        char e = s[i];
        uint32_t cp = 0, lo;
        switch (e) {
        case '"':
        case '\\':
        case '/':
            cp = (uint32_t)e;
            break;
        case 'b':
            cp = '\b';
            break;
        case 'f':
            cp = '\f';
            break;
        case 'n':
            cp = '\n';
            break;
        case 'r':
            cp = '\r';
            break;
        case 't':
            cp = '\t';
            break;
        case 'u':
            if (hex4(s, n, i + 1, &cp) != 0) {
                jp->i = i + 1;
                return fail(jp);
            }
            i += 4;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (i + 2 < n && s[i + 1] == '\\' && s[i + 2] == 'u' &&
                    hex4(s, n, i + 3, &lo) == 0 && lo >= 0xDC00 && lo <= 0xDFFF) {
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                } else {
                    cp = 0xFFFD;
                }
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                cp = 0xFFFD;
            } else if (cp == 0) {
                cp = ' ';
            }
            break;
        default:
            jp->i = i;
            return fail(jp);
        }
        if (out)
            fh_buf_put_utf8(out, cp);
        i++;
        run = i;
    }
    if (out) {
        fh_buf_append(out, s + run, i - run);
        fh_buf_append(out, "", 0);
    }
    jp->i = i + 1;
    return 0;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int parse_number(jparser *jp)
{
    const char *s = jp->s;
    size_t n = jp->n;
    if (jp->i < n && s[jp->i] == '-')
        jp->i++;
    if (jp->i < n && s[jp->i] == '0') {
        jp->i++;
    } else if (jp->i < n && is_digit(s[jp->i])) {
        while (jp->i < n && is_digit(s[jp->i]))
            jp->i++;
    } else {
        return fail(jp);
    }
    if (jp->i < n && s[jp->i] == '.') {
        jp->i++;
        if (jp->i >= n || !is_digit(s[jp->i]))
            return fail(jp);
        while (jp->i < n && is_digit(s[jp->i]))
            jp->i++;
    }
    if (jp->i < n && (s[jp->i] == 'e' || s[jp->i] == 'E')) {
        jp->i++;
        if (jp->i < n && (s[jp->i] == '+' || s[jp->i] == '-'))
            jp->i++;
        if (jp->i >= n || !is_digit(s[jp->i]))
            return fail(jp);
        while (jp->i < n && is_digit(s[jp->i]))
            jp->i++;
    }
    return 0;
}

static int parse_literal(jparser *jp, const char *word)
{
    size_t len = strlen(word);
    for (size_t k = 0; k < len; k++, jp->i++)
        if (jp->i >= jp->n || jp->s[jp->i] != word[k])
            return fail(jp);
    return 0;
}

/* A string, number, true, false or null at jp->i. */
static int parse_scalar(jparser *jp)
{
    if (jp->i >= jp->n)
        return fail(jp);
    char c = jp->s[jp->i];
    if (c == '"')
        return parse_string(jp, NULL);
    if (c == '-' || is_digit(c))
        return parse_number(jp);
    if (c == 't')
        return parse_literal(jp, "true");
    if (c == 'f')
        return parse_literal(jp, "false");
    if (c == 'n')
        return parse_literal(jp, "null");
    return fail(jp);
}

/* '"key" :' at jp->i (after whitespace), the key decoded into key. */
static int parse_key(jparser *jp, fh_buf *key)
{
    skip_ws(jp);
    if (jp->i >= jp->n || jp->s[jp->i] != '"')
        return fail(jp);
    if (key)
        fh_buf_reset(key);
    if (parse_string(jp, key) != 0)
        return -1;
    skip_ws(jp);
    if (jp->i >= jp->n || jp->s[jp->i] != ':')
        return fail(jp);
    jp->i++;
    return 0;
}

/* Check and skip one value of any kind, inside depth open containers. */
static int skip_value(jparser *jp, int depth)
{
    char stack[MAX_DEPTH]; /* '{' or '[' for each container open here */
    int top = 0;
    for (;;) {
        skip_ws(jp);
        if (jp->i >= jp->n)
            return fail(jp);
        char c = jp->s[jp->i];
        if (c == '{' || c == '[') {
            if (depth + top >= MAX_DEPTH) {
                jp->too_deep = 1;
                return fail(jp);
            }
            stack[top++] = c;
            jp->i++;
            skip_ws(jp);
            if (jp->i < jp->n && jp->s[jp->i] == (c == '{' ? '}' : ']')) {
                jp->i++;
                top--;
            } else {
                if (c == '{' && parse_key(jp, NULL) != 0)
                    return -1;
                continue;
            }
        } else if (parse_scalar(jp) != 0) {
            return -1;
        }
        /* A value is complete: close the containers that end here. */
        for (;;) {
            if (top == 0)
                return 0;
            skip_ws(jp);
            if (jp->i >= jp->n)
                return fail(jp);
            c = jp->s[jp->i];
            if (c == ',') {
                jp->i++;
                if (stack[top - 1] == '{' && parse_key(jp, NULL) != 0)
                    return -1;
                break;
            }
            if (c != (stack[top - 1] == '{' ? '}' : ']'))
                return fail(jp);
            jp->i++;
            top--;
        }
    }
}

static enum field field_of(const fh_buf *key)
{
    if (key->data == NULL)
        return F_NONE;
    for (int f = 0; f < F_COUNT; f++)
        if (key->len == strlen(field_names[f]) && memcmp(key->data, field_names[f], key->len) == 0)
            return (enum field)f;
    return F_NONE;
}

/* The value of one member of the line's object. */
static int parse_member_value(jparser *jp, enum field f)
{
    skip_ws(jp);
    if (f == F_NONE)
        return skip_value(jp, 1);
    char c = jp->i < jp->n ? jp->s[jp->i] : '\0';
    if (c == '"') {
        fh_buf_reset(&jp->f[f]);
        jp->have[f] = 1;
        return parse_string(jp, &jp->f[f]);
    }
    if (f == F_ID && (c == '-' || is_digit(c))) {
        size_t start = jp->i;
        if (parse_number(jp) != 0)
            return -1;
        fh_buf_reset(&jp->f[f]);
        fh_buf_append(&jp->f[f], jp->s + start, jp->i - start);
        jp->have[f] = 1;
        return 0;
    }
    if (c == 'n' && f != F_ID && f != F_TEXT) {
        /* null for an optional key is as good as no key. */
        jp->have[f] = 0;
        return parse_literal(jp, "null");
    }
    if (jp->type_error == NULL)
        jp->type_error = type_errors[f];
    return skip_value(jp, 1);
}

/* Parse the line in jp: 0 when it is an object (its fields in jp), 1 when it
 * is valid JSON but not an object, -1 when it is not valid JSON. */
static int parse_line(jparser *jp)
{
    skip_ws(jp);
    if (jp->i >= jp->n || jp->s[jp->i] != '{') {
        if (skip_value(jp, 0) != 0)
            return -1;
        skip_ws(jp);
        return jp->i == jp->n ? 1 : fail(jp);
    }
    jp->i++;
    skip_ws(jp);
    if (jp->i < jp->n && jp->s[jp->i] == '}') {
        jp->i++;
    } else {
        for (;;) {
            if (parse_key(jp, &jp->key) != 0)
                return -1;
            if (parse_member_value(jp, field_of(&jp->key)) != 0)
                return -1;
            skip_ws(jp);
            if (jp->i < jp->n && jp->s[jp->i] == ',') {
                jp->i++;
                continue;
            }
            if (jp->i < jp->n && jp->s[jp->i] == '}') {
                jp->i++;
                break;
            }
            return fail(jp);
        }
    }
    skip_ws(jp);
    return jp->i == jp->n ? 0 : fail(jp);
}

static int is_blank_line(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r')
            return 0;
    return 1;
}

static char *field_str(jparser *jp, enum field f)
{
    return jp->have[f] ? jp->f[f].data : NULL;
}

/* One line: 1 to stop reading, 0 to go on, or a negative status. */
static int read_line(jparser *jp, size_t line_no, const fh_page *file, fh_page_jsonl_fn page_fn,
                     fh_page_jsonl_error_fn error_fn, void *ctx)
{
    char reason[64];
    const char *why = NULL;
    int rc = parse_line(jp);
    int status = FH_OK;

    for (int f = 0; f < F_COUNT; f++)
        if (fh_buf_status(&jp->f[f]) != FH_OK)
            status = FH_ERR_NOMEM;
    if (fh_buf_status(&jp->key) != FH_OK)
        status = FH_ERR_NOMEM;
    if (status != FH_OK)
        return status;

    if (rc < 0) {
        snprintf(reason, sizeof reason, "%s at byte %zu",
                 jp->too_deep ? "JSON nested too deeply" : "invalid JSON", jp->err_at + 1);
        why = reason;
    } else if (rc > 0) {
        why = "not a JSON object";
    } else if (jp->type_error) {
        why = jp->type_error;
    } else if (!jp->have[F_ID]) {
        why = "missing \"id\"";
    } else if (!jp->have[F_TEXT]) {
        why = "missing \"text\"";
    }
    if (why)
        return error_fn && error_fn(ctx, line_no, why) ? 1 : 0;

    fh_page page = *file;
    static char empty[1] = "";
    page.id = field_str(jp, F_ID);
    page.title = jp->have[F_TITLE] ? jp->f[F_TITLE].data : empty;
    page.title_len = jp->have[F_TITLE] ? jp->f[F_TITLE].len : 0;
    page.text = jp->f[F_TEXT].data;
    page.text_len = jp->f[F_TEXT].len;
    page.url = field_str(jp, F_URL);
    page.date = field_str(jp, F_DATE);
    return page_fn && page_fn(ctx, &page, line_no) ? 1 : 0;
}

fh_status fh_page_read_jsonl(const char *data, size_t len, fh_page_jsonl_fn page_fn,
                             fh_page_jsonl_error_fn error_fn, void *ctx)
{
    int status;
    fh_buf raw = FH_BUF_INIT;
    fh_page file = {0};
    jparser jp;

    memset(&jp, 0, sizeof jp);
    status = fh_page__decode(data, len, NULL, &raw, &file);
    if (status != FH_OK)
        goto out;

    size_t start = 0, line_no = 0;
    while (start < raw.len) {
        const char *nl = memchr(raw.data + start, '\n', raw.len - start);
        size_t end = nl ? (size_t)(nl - raw.data) : raw.len;
        size_t stop = end;
        line_no++;
        if (stop > start && raw.data[stop - 1] == '\r')
            stop--;
        if (!is_blank_line(raw.data + start, stop - start)) {
            jp.s = raw.data + start;
            jp.n = stop - start;
            jp.i = 0;
            jp.too_deep = 0;
            jp.type_error = NULL;
            for (int f = 0; f < F_COUNT; f++) {
                fh_buf_reset(&jp.f[f]);
                jp.have[f] = 0;
            }
            int rc = read_line(&jp, line_no, &file, page_fn, error_fn, ctx);
            if (rc < 0) {
                status = rc;
                goto out;
            }
            if (rc > 0)
                break;
        }
        start = end + 1;
    }
out:
    fh_buf_free(&raw);
    fh_buf_free(&jp.key);
    for (int f = 0; f < F_COUNT; f++)
        fh_buf_free(&jp.f[f]);
    return status;
}
