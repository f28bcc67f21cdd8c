/* print.c - text and JSON output of search results (see print.h). */
#include "print.h"

#include <string.h>

#include "buf.h"
#include "date.h"
#include "decode.h"
#include "escape.h"

#define ISOLATE_OPEN  "\xe2\x81\xa8" /* U+2068 FIRST STRONG ISOLATE */
#define ISOLATE_CLOSE "\xe2\x81\xa9" /* U+2069 POP DIRECTIONAL ISOLATE */
#define ELLIPSIS      "\xe2\x80\xa6"
#define ANSI_RESET    "\033[0m"
#define ANSI_MATCH    "\033[1;31m"
#define ANSI_TITLE    "\033[1m"
#define ANSI_PATH     "\033[35m"
#define ANSI_DIM      "\033[2m"

static int is_space_byte(char c)
{
    return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == '\v';
}

/* Append s with runs of white space made one space, then made safe. */
static void put_flat(fh_buf *out, const char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        size_t j = i;
        while (j < len && !is_space_byte(s[j]))
            j++;
        fh_escape_terminal(s + i, j - i, 0, out);
        if (j < len) {
            fh_buf_putc(out, ' ');
            while (j < len && is_space_byte(s[j]))
                j++;
        }
        i = j;
    }
}

/* Whether s holds right-to-left letters (Hebrew, Arabic, Syriac, Thaana,
 * N'Ko and their presentation forms) or bidi controls: then it is written
 * inside isolates, so a bidi terminal lays it out apart from the line. */
static int has_rtl(const char *s, size_t len)
{
    const unsigned char *u = (const unsigned char *)s;
    for (size_t i = 0; i + 1 < len; i++) {
        if (u[i] >= 0xD6 && u[i] <= 0xDF) /* U+0580..U+07FF */
            return 1;
        if (u[i] == 0xE0 && u[i + 1] >= 0xA0 && u[i + 1] <= 0xA3) /* U+0800..U+08FF */
            return 1;
        if (u[i] == 0xEF && u[i + 1] >= 0xAC && u[i + 1] <= 0xBB) /* U+FB00..U+FEFF */
            return 1;
        if (u[i] == 0xE2 && u[i + 1] == 0x80 && i + 2 < len &&
            ((u[i + 2] >= 0x8E && u[i + 2] <= 0x8F) || (u[i + 2] >= 0xAA && u[i + 2] <= 0xAE)))
            return 1; /* LRM RLM, LRE..RLO */
        if (u[i] == 0xE2 && u[i + 1] == 0x81 && i + 2 < len && u[i + 2] >= 0xA6 && u[i + 2] <= 0xA9)
            return 1; /* LRI..PDI */
    }
    return 0;
}

/* Append text[span] with its highlights marked; after each, restore (the
 * surrounding style, or ""). */
static void put_marked(fh_buf *out, const char *text, fh_span span, const fh_span *marks,
                       size_t n_marks, const fh_print_opts *o, const char *restore)
{
    size_t at = span.start;
    for (size_t i = 0; i < n_marks; i++) {
        fh_span m = marks[i];
        if (m.start < at || m.end > span.end)
            continue;
        put_flat(out, text + at, m.start - at);
        if (o->highlight == FH_HIGHLIGHT_ANSI)
            fh_buf_puts(out, ANSI_MATCH);
        else if (o->highlight == FH_HIGHLIGHT_MARKERS)
            fh_buf_puts(out, "**");
        put_flat(out, text + m.start, m.end - m.start);
        if (o->highlight == FH_HIGHLIGHT_ANSI) {
            fh_buf_puts(out, ANSI_RESET);
            fh_buf_puts(out, restore);
        } else if (o->highlight == FH_HIGHLIGHT_MARKERS)
            fh_buf_puts(out, "**");
        at = m.end;
    }
    put_flat(out, text + at, span.end - at);
}

static void put_title(fh_buf *out, const fh_search_hit *h, const fh_print_opts *o)
{
    const fh_record *r = &h->record;
    int isolate = o->isolates && has_rtl(r->title, r->title_len);
    if (isolate)
        fh_buf_puts(out, ISOLATE_OPEN);
    if (o->color)
        fh_buf_puts(out, ANSI_TITLE);
    if (r->title_len == 0) {
        fh_buf_puts(out, "(no title)");
    } else if (h->title.n_passages == 1) {
        fh_span whole = {0, r->title_len};
        put_marked(out, r->title, whole, h->title.passages[0].highlights,
                   h->title.passages[0].n_highlights, o, o->color ? ANSI_TITLE : "");
    } else {
        put_flat(out, r->title, r->title_len);
    }
    if (o->color)
        fh_buf_puts(out, ANSI_RESET);
    if (isolate)
        fh_buf_puts(out, ISOLATE_CLOSE);
}

void fh_print_thousands(fh_buf *b, uint32_t n)
{
    if (n >= 1000) {
        fh_print_thousands(b, n / 1000);
        fh_buf_printf(b, ",%03u", (unsigned)(n % 1000));
    } else {
        fh_buf_printf(b, "%u", (unsigned)n);
    }
}

/* h's date as ISO 8601 into iso: its date value, else (an index made
 * before them) the record's date when date.h reads it; else "". */
static void hit_date(const fh_search_hit *h, char iso[FH_DATE_ISO_SIZE])
{
    int64_t seconds;
    iso[0] = '\0';
    if (h->date[0] != '\0')
        memcpy(iso, h->date, FH_DATE_ISO_SIZE);
    else if (h->record.date_len > 0 &&
             fh_date_parse(h->record.date, h->record.date_len, &seconds) == FH_OK)
        fh_date_format(seconds, iso);
}

/* The facets, one line each: "site: aawsat.com 812, bbc.co.uk 40". */
static void put_facets(fh_buf *b, const fh_search_response *r)
{
    for (size_t k = 0; k < r->n_facets; k++) {
        const fh_search_facet *f = &r->facets[k];
        fh_buf_printf(b, "%s:", fh_search_facet_name(f->field));
        for (size_t i = 0; i < f->n_values; i++) {
            fh_buf_puts(b, i ? ", " : " ");
            fh_escape_terminal(f->values[i].value, f->values[i].len, 0, b);
            fh_buf_putc(b, ' ');
            fh_print_thousands(b, f->values[i].count);
        }
        fh_buf_puts(b, f->n_values ? "\n" : " none\n");
    }
}

fh_status fh_print_text(FILE *out, const fh_search_response *r, const fh_print_opts *o)
{
    fh_buf b = FH_BUF_INIT;
    if (o->count_line && r->total_estimate > 0) {
        fh_buf_puts(&b, r->total_exact ? "" : "about ");
        fh_print_thousands(&b, r->total_estimate);
        fh_buf_puts(&b, r->total_estimate == 1 ? " result\n" : " results\n");
        if (r->n_hits > 0 && !r->relaxed)
            fh_buf_putc(&b, '\n');
    }
    if (r->relaxed && r->n_hits > 0)
        fh_buf_puts(&b, "No page has all the words; these have some of them.\n\n");
    for (size_t i = 0; i < r->n_hits; i++) {
        const fh_search_hit *h = &r->hits[i];
        const fh_record *rec = &h->record;
        fh_buf_printf(&b, "%u. ", h->rank);
        put_title(&b, h, o);
        if (o->show_score && !r->unranked)
            fh_buf_printf(&b, "  %s(score %.3f%s)%s", o->color ? ANSI_DIM : "", h->score,
                          r->relaxed ? ", some words" : "", o->color ? ANSI_RESET : "");
        if (h->copies > 0)
            fh_buf_printf(&b, "  %s(+%u similar)%s", o->color ? ANSI_DIM : "", h->copies,
                          o->color ? ANSI_RESET : "");
        fh_buf_puts(&b, "\n   ");
        if (o->color)
            fh_buf_puts(&b, ANSI_PATH);
        /* Paths are shown exactly, any odd byte escaped, never flattened. */
        fh_escape_terminal(rec->key, rec->key_len, 0, &b);
        if (rec->url_len) {
            fh_buf_puts(&b, "  ");
            fh_escape_terminal(rec->url, rec->url_len, 0, &b);
        }
        char iso[FH_DATE_ISO_SIZE];
        hit_date(h, iso);
        if (iso[0] != '\0')
            fh_buf_printf(&b, "  %.10s", iso);
        if (o->color)
            fh_buf_puts(&b, ANSI_RESET);
        fh_buf_putc(&b, '\n');
        for (size_t k = 0; k < h->snippet.n_passages; k++) {
            const fh_passage *p = &h->snippet.passages[k];
            int isolate =
                o->isolates && has_rtl(rec->text + p->span.start, p->span.end - p->span.start);
            fh_buf_puts(&b, isolate ? "   " ISOLATE_OPEN : "   ");
            if (!p->starts_text)
                fh_buf_puts(&b, ELLIPSIS);
            put_marked(&b, rec->text, p->span, p->highlights, p->n_highlights, o, "");
            if (!p->ends_text)
                fh_buf_puts(&b, ELLIPSIS);
            fh_buf_puts(&b, isolate ? ISOLATE_CLOSE "\n" : "\n");
        }
        if (i + 1 < r->n_hits)
            fh_buf_putc(&b, '\n');
    }
    if (r->n_facets > 0) {
        if (r->n_hits > 0)
            fh_buf_putc(&b, '\n');
        put_facets(&b, r);
    }
    fh_status rc = fh_buf_status(&b);
    if (rc == FH_OK && b.len && fwrite(b.data, 1, b.len, out) != b.len)
        rc = FH_ERR_IO;
    fh_buf_free(&b);
    return rc;
}

/* ---- JSON ---------------------------------------------------------------- */

static void json_string(fh_buf *b, const char *s, size_t len)
{
    fh_buf_putc(b, '"');
    fh_escape_json(s, len, b);
    fh_buf_putc(b, '"');
}

/* ,"name":"BASE64" with the exact bytes of s, when s is not valid UTF-8
 * (its JSON string then holds U+FFFD instead): a name a script can open. */
static void json_bytes(fh_buf *b, const char *name, const char *s, size_t len)
{
    if (fh_utf8_valid(s, len))
        return;
    fh_buf_printf(b, ",\"%s\":\"", name);
    fh_escape_base64(s, len, b);
    fh_buf_putc(b, '"');
}

static size_t code_points(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

/* Highlights relative to base, in bytes, or in code points of text. */
static void json_spans(fh_buf *b, const char *text, size_t base, const fh_span *spans, size_t n,
                       int in_chars)
{
    fh_buf_putc(b, '[');
    for (size_t i = 0; i < n; i++) {
        size_t s = spans[i].start - base, e = spans[i].end - base;
        if (in_chars) {
            s = code_points(text + base, s);
            e = s + code_points(text + spans[i].start, spans[i].end - spans[i].start);
        }
        fh_buf_printf(b, "%s[%zu,%zu]", i ? "," : "", s, e);
    }
    fh_buf_putc(b, ']');
}

fh_status fh_print_json(FILE *out, const char *query, size_t query_len, const fh_search_response *r)
{
    fh_buf b = FH_BUF_INIT;
    fh_buf_puts(&b, "{\"query\":");
    json_string(&b, query, query_len);
    fh_buf_printf(&b, ",\"total_estimate\":%u,\"total_exact\":%s,\"relaxed\":%s,\"notes\":[",
                  r->total_estimate, r->total_exact ? "true" : "false",
                  r->relaxed ? "true" : "false");
    for (size_t i = 0; i < r->n_notes; i++) {
        if (i)
            fh_buf_putc(&b, ',');
        json_string(&b, r->notes[i], strlen(r->notes[i]));
    }
    fh_buf_puts(&b, "],\"results\":[");
    for (size_t i = 0; i < r->n_hits; i++) {
        const fh_search_hit *h = &r->hits[i];
        const fh_record *rec = &h->record;
        fh_buf_printf(&b, "%s{\"rank\":%u,\"score\":%.6f,\"id\":", i ? "," : "", h->rank, h->score);
        json_string(&b, rec->key, rec->key_len);
        json_bytes(&b, "id_bytes", rec->key, rec->key_len);
        fh_buf_printf(&b, ",\"docid\":%u,\"path\":", h->docid);
        json_string(&b, rec->path, rec->path_len);
        json_bytes(&b, "path_bytes", rec->path, rec->path_len);
        fh_buf_puts(&b, ",\"url\":");
        if (rec->url_len)
            json_string(&b, rec->url, rec->url_len);
        else
            fh_buf_puts(&b, "null");
        fh_buf_puts(&b, ",\"date\":");
        char iso[FH_DATE_ISO_SIZE];
        hit_date(h, iso);
        if (iso[0] != '\0')
            json_string(&b, iso, strlen(iso));
        else
            fh_buf_puts(&b, "null");
        fh_buf_printf(&b, ",\"duplicates\":%u", h->copies);
        if (rec->lang_len) {
            fh_buf_puts(&b, ",\"lang\":");
            json_string(&b, rec->lang, rec->lang_len);
        }
        if (rec->in_archive) {
            fh_buf_puts(&b, ",\"archive\":{\"path\":");
            json_string(&b, rec->path, rec->path_len);
            fh_buf_printf(&b, ",\"offset\":%llu", (unsigned long long)rec->archive_offset);
            if (rec->archive_inflated)
                fh_buf_printf(&b, ",\"inflated_offset\":%llu",
                              (unsigned long long)rec->archive_inflated_offset);
            fh_buf_putc(&b, '}');
        }
        fh_buf_puts(&b, ",\"title\":");
        json_string(&b, rec->title, rec->title_len);
        fh_buf_puts(&b, ",\"title_highlights\":");
        if (h->title.n_passages == 1)
            json_spans(&b, rec->title, 0, h->title.passages[0].highlights,
                       h->title.passages[0].n_highlights, 0);
        else
            fh_buf_puts(&b, "[]");
        fh_buf_puts(&b, ",\"snippets\":[");
        for (size_t k = 0; k < h->snippet.n_passages; k++) {
            const fh_passage *p = &h->snippet.passages[k];
            fh_buf_puts(&b, k ? ",{\"text\":" : "{\"text\":");
            json_string(&b, rec->text + p->span.start, p->span.end - p->span.start);
            fh_buf_puts(&b, ",\"highlights\":");
            json_spans(&b, rec->text, p->span.start, p->highlights, p->n_highlights, 0);
            fh_buf_puts(&b, ",\"highlights_chars\":");
            json_spans(&b, rec->text, p->span.start, p->highlights, p->n_highlights, 1);
            fh_buf_putc(&b, '}');
        }
        fh_buf_puts(&b, "]}");
    }
    fh_buf_putc(&b, ']');
    if (r->n_facets > 0) {
        fh_buf_puts(&b, ",\"facets\":{");
        for (size_t k = 0; k < r->n_facets; k++) {
            const fh_search_facet *f = &r->facets[k];
            fh_buf_printf(&b, "%s\"%s\":[", k ? "," : "", fh_search_facet_name(f->field));
            for (size_t i = 0; i < f->n_values; i++) {
                fh_buf_puts(&b, i ? ",{\"value\":" : "{\"value\":");
                json_string(&b, f->values[i].value, f->values[i].len);
                fh_buf_printf(&b, ",\"count\":%u}", f->values[i].count);
            }
            fh_buf_putc(&b, ']');
        }
        fh_buf_putc(&b, '}');
    }
    fh_buf_puts(&b, "}\n");
    fh_status rc = fh_buf_status(&b);
    if (rc == FH_OK && fwrite(b.data, 1, b.len, out) != b.len)
        rc = FH_ERR_IO;
    fh_buf_free(&b);
    return rc;
}
