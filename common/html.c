/* html.c - the .html reader (see page.h).
 *
 * No HTML library: one pass over the decoded text that keeps no element
 * stack, so deep nesting and unclosed tags cost nothing and the time is
 * linear. Every search it makes either finds what it looks for and moves
 * past it, or runs to the end of the text, so no byte is scanned twice over.
 *
 * What it does, in the order a browser would:
 *   - <!-- comments --> end at the first "-->" (so "<!-- a <!-- b --> c -->"
 *     leaves " c -->"); an unclosed comment runs to the end; <![CDATA[...]]>,
 *     <!DOCTYPE ...>, <?...> and </ ...> are dropped;
 *   - the contents of script, style, noscript, template, iframe, noembed,
 *     noframes and xmp are dropped up to their end tag (or the end);
 *   - the first <title> gives the title (its contents are text, not tags,
 *     up to </title> or the end); later titles are dropped;
 *   - text inside <head> is dropped; the head ends at </head>, <body> or any
 *     start tag that does not belong in a head;
 *   - a tag in quotes ends at its closing quote: <a title="x>y"> is one tag;
 *     a tag never closed runs to the end; "<" not followed by a letter, "/",
 *     "!" or "?" is text;
 *   - block elements end a line, and p, headings, lists, tables, pre,
 *     blockquote, hr and the sectioning elements a paragraph (a blank line);
 *     each <br> adds a line break;
 *   - whitespace runs become one space, lines are trimmed, at most one
 *     blank line is kept, none at the start or the end; in <pre> line
 *     breaks are kept (spaces still collapse).
 * Entities: the named ones of HTML 4 (&nbsp; becomes a plain space, &shy;
 * nothing), &apos;, and numeric ones with or without the ";" (0, surrogates
 * and values past U+10FFFF become U+FFFD, 0x80-0x9F are read as windows-1252
 * as browsers do). A named entity needs its ";"; an unknown one stays as
 * written. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "page.h"
#include "page_internal.h"
#include "status.h"

/* Where the <meta> charset is looked for. */
#define SNIFF_MAX 4096
/* Longest element name we tell apart; longer ones are unknown elements. */
#define NAME_MAX_LEN 15
/* Longest entity name looked up. */
#define ENTITY_MAX_LEN 8
/* An entity that stands for nothing (&shy;). */
#define NO_CHAR UINT32_MAX

/* Collapses whitespace and line breaks on the way into a buffer. */
typedef struct emitter {
    fh_buf *out;
    int space;       /* a space is pending */
    int breaks;      /* line breaks pending: 0, 1 or 2 */
    int single_line; /* line breaks become spaces (the title) */
} emitter;

static void emit(emitter *e, const char *s, size_t n)
{
    if (e->out->len > 0) {
        if (e->breaks)
            fh_buf_append(e->out, "\n\n", (size_t)e->breaks);
        else if (e->space)
            fh_buf_putc(e->out, ' ');
    }
    e->space = 0;
    e->breaks = 0;
    fh_buf_append(e->out, s, n);
}

/* The end of a block: n line breaks (2 makes a blank line). */
static void emit_break(emitter *e, int n)
{
    if (e->single_line)
        e->space = 1;
    else if (n > e->breaks)
        e->breaks = n;
}

/* A <br> (or a newline in <pre>): one more line break. */
static void emit_br(emitter *e)
{
    if (e->single_line)
        e->space = 1;
    else if (e->breaks < 2)
        e->breaks++;
}

static int is_ws(unsigned char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

static int is_alpha(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_digit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

static int lower(unsigned char c)
{
    return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

static void emit_ws(emitter *e, unsigned char c, int pre)
{
    if (pre && c == '\n')
        emit_br(e);
    else if (!(pre && c == '\r'))
        e->space = 1;
}

/* The HTML 4 entities for U+00A0 to U+00FF, in order. */
static const char *const latin1_entities[96] = {
    "nbsp",   "iexcl",  "cent",   "pound",  "curren", "yen",    "brvbar", "sect",   "uml",
    "copy",   "ordf",   "laquo",  "not",    "shy",    "reg",    "macr",   "deg",    "plusmn",
    "sup2",   "sup3",   "acute",  "micro",  "para",   "middot", "cedil",  "sup1",   "ordm",
    "raquo",  "frac14", "frac12", "frac34", "iquest", "Agrave", "Aacute", "Acirc",  "Atilde",
    "Auml",   "Aring",  "AElig",  "Ccedil", "Egrave", "Eacute", "Ecirc",  "Euml",   "Igrave",
    "Iacute", "Icirc",  "Iuml",   "ETH",    "Ntilde", "Ograve", "Oacute", "Ocirc",  "Otilde",
    "Ouml",   "times",  "Oslash", "Ugrave", "Uacute", "Ucirc",  "Uuml",   "Yacute", "THORN",
    "szlig",  "agrave", "aacute", "acirc",  "atilde", "auml",   "aring",  "aelig",  "ccedil",
    "egrave", "eacute", "ecirc",  "euml",   "igrave", "iacute", "icirc",  "iuml",   "eth",
    "ntilde", "ograve", "oacute", "ocirc",  "otilde", "ouml",   "divide", "oslash", "ugrave",
    "uacute", "ucirc",  "uuml",   "yacute", "thorn",  "yuml",
};

static const struct {
    const char *name;
    uint16_t cp;
} other_entities[] = {
    {"amp", '&'},       {"lt", '<'},        {"gt", '>'},       {"quot", '"'},
    {"apos", '\''},     {"OElig", 0x0152},  {"oelig", 0x0153}, {"Scaron", 0x0160},
    {"scaron", 0x0161}, {"Yuml", 0x0178},   {"fnof", 0x0192},  {"circ", 0x02C6},
    {"tilde", 0x02DC},  {"ensp", 0x2002},   {"emsp", 0x2003},  {"thinsp", 0x2009},
    {"zwnj", 0x200C},   {"zwj", 0x200D},    {"lrm", 0x200E},   {"rlm", 0x200F},
    {"ndash", 0x2013},  {"mdash", 0x2014},  {"lsquo", 0x2018}, {"rsquo", 0x2019},
    {"sbquo", 0x201A},  {"ldquo", 0x201C},  {"rdquo", 0x201D}, {"bdquo", 0x201E},
    {"dagger", 0x2020}, {"Dagger", 0x2021}, {"bull", 0x2022},  {"hellip", 0x2026},
    {"permil", 0x2030}, {"prime", 0x2032},  {"Prime", 0x2033}, {"lsaquo", 0x2039},
    {"rsaquo", 0x203A}, {"oline", 0x203E},  {"frasl", 0x2044}, {"euro", 0x20AC},
    {"trade", 0x2122},  {"larr", 0x2190},   {"uarr", 0x2191},  {"rarr", 0x2192},
    {"darr", 0x2193},   {"harr", 0x2194},   {"minus", 0x2212}, {"infin", 0x221E},
    {"asymp", 0x2248},  {"ne", 0x2260},     {"le", 0x2264},    {"ge", 0x2265},
    {"hearts", 0x2665},
};

/* windows-1252 for 0x80-0x9F, which browsers apply to &#128; to &#159;
 * (0 where windows-1252 has nothing: the value stays). */
static const uint16_t cp1252_c1[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
    0x2039, 0x0152, 0,      0x017D, 0,      0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
    0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178,
};

static int name_is(const char *s, size_t n, const char *name)
{
    return strlen(name) == n && memcmp(s, name, n) == 0;
}

/* The code point of the named entity s (n bytes, no "&" or ";"), NO_CHAR
 * for &shy;, or 0 if unknown. */
static uint32_t named_entity(const char *s, size_t n)
{
    for (size_t i = 0; i < 96; i++) {
        if (name_is(s, n, latin1_entities[i])) {
            uint32_t cp = 0xA0 + (uint32_t)i;
            if (cp == 0xA0)
                return ' ';
            return cp == 0xAD ? NO_CHAR : cp;
        }
    }
    for (size_t i = 0; i < sizeof other_entities / sizeof other_entities[0]; i++)
        if (name_is(s, n, other_entities[i].name))
            return other_entities[i].cp;
    return 0;
}

static uint32_t numeric_entity(uint32_t v)
{
    if (v == 0 || v > 0x10FFFF || (v >= 0xD800 && v <= 0xDFFF))
        return 0xFFFD;
    if (v >= 0x80 && v <= 0x9F && cp1252_c1[v - 0x80])
        return cp1252_c1[v - 0x80];
    return v;
}

static int hex_value(unsigned char c)
{
    if (is_digit(c))
        return c - '0';
    c = (unsigned char)lower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Decode the entity at s (s[0] == '&', n bytes left): the bytes it takes,
 * with the code point in *cp, or 0 if it is not one. */
static size_t entity(const char *s, size_t n, uint32_t *cp)
{
    size_t i = 1;
    if (n > 2 && s[1] == '#') {
        int hex = s[2] == 'x' || s[2] == 'X';
        uint32_t v = 0;
        i = hex ? 3 : 2;
        size_t first = i;
        for (; i < n; i++) {
            int d = hex ? hex_value((unsigned char)s[i])
                        : (is_digit((unsigned char)s[i]) ? s[i] - '0' : -1);
            if (d < 0)
                break;
            if (v <= 0x10FFFF)
                v = v * (hex ? 16 : 10) + (uint32_t)d;
        }
        if (i == first)
            return 0;
        if (i < n && s[i] == ';')
            i++;
        *cp = numeric_entity(v);
        return i;
    }
    while (i < n && i <= ENTITY_MAX_LEN &&
           (is_alpha((unsigned char)s[i]) || is_digit((unsigned char)s[i])))
        i++;
    if (i == 1 || i >= n || s[i] != ';')
        return 0;
    *cp = named_entity(s + 1, i - 1);
    return *cp ? i + 1 : 0;
}

/* Encode cp (a valid code point) as UTF-8 into s; returns the length. */
static size_t utf8_encode(uint32_t cp, char s[4])
{
    if (cp < 0x80) {
        s[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        s[0] = (char)(0xC0 | (cp >> 6));
        s[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        s[0] = (char)(0xE0 | (cp >> 12));
        s[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        s[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    s[0] = (char)(0xF0 | (cp >> 18));
    s[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    s[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    s[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static void emit_cp(emitter *e, uint32_t cp, int pre)
{
    if (cp == NO_CHAR)
        return;
    if (cp < 0x80 && is_ws((unsigned char)cp)) {
        emit_ws(e, (unsigned char)cp, pre);
    } else {
        char s[4];
        emit(e, s, utf8_encode(cp, s));
    }
}

/* Text (n bytes at s, no tags in it): entities decoded, whitespace
 * collapsed, line breaks kept when pre. */
static void put_text(emitter *e, const char *s, size_t n, int pre)
{
    size_t i = 0;
    while (i < n) {
        unsigned char c = (unsigned char)s[i];
        if (c == '&') {
            uint32_t cp;
            size_t used = entity(s + i, n - i, &cp);
            if (used) {
                emit_cp(e, cp, pre);
                i += used;
            } else {
                emit(e, "&", 1);
                i++;
            }
        } else if (is_ws(c)) {
            emit_ws(e, c, pre);
            i++;
        } else {
            size_t j = i + 1;
            while (j < n && s[j] != '&' && !is_ws((unsigned char)s[j]))
                j++;
            emit(e, s + i, j - i);
            i = j;
        }
    }
}

/* The first index at or after from where needle (nlen bytes) starts in s
 * (n bytes), or n. */
static size_t find(const char *s, size_t n, size_t from, const char *needle, size_t nlen)
{
    while (from < n && n - from >= nlen) {
        const char *p = memchr(s + from, needle[0], n - from - nlen + 1);
        if (p == NULL)
            break;
        size_t at = (size_t)(p - s);
        if (memcmp(p, needle, nlen) == 0)
            return at;
        from = at + 1;
    }
    return n;
}

/* The index just after the ">" of the tag whose attributes start at j; a
 * quoted attribute value may hold ">". n if the tag never ends. */
static size_t tag_end(const char *s, size_t n, size_t j)
{
    while (j < n) {
        char c = s[j];
        if (c == '>')
            return j + 1;
        j++;
        if (c != '=')
            continue;
        while (j < n && is_ws((unsigned char)s[j]))
            j++;
        if (j < n && (s[j] == '"' || s[j] == '\'')) {
            const char *q = memchr(s + j + 1, s[j], n - j - 1);
            if (q == NULL)
                return n;
            j = (size_t)(q - s) + 1;
        }
    }
    return n;
}

/* Read the element name at s[j] into name (lower-cased; "" when longer than
 * NAME_MAX_LEN) and return the index after it. */
static size_t tag_name(const char *s, size_t n, size_t j, char name[NAME_MAX_LEN + 1])
{
    size_t k = 0;
    while (j < n && !is_ws((unsigned char)s[j]) && s[j] != '/' && s[j] != '>') {
        if (k <= NAME_MAX_LEN)
            name[k] = (char)lower((unsigned char)s[j]);
        k++;
        j++;
    }
    name[k <= NAME_MAX_LEN ? k : 0] = '\0';
    return j;
}

/* Skip the contents of a raw text element (script, style, title...) that
 * start at j: *content_end is where its end tag starts (n if none); the
 * return value is the index after the end tag. */
static size_t skip_raw(const char *s, size_t n, size_t j, const char *name, size_t *content_end)
{
    size_t len = strlen(name);
    while (j < n) {
        const char *p = memchr(s + j, '<', n - j);
        if (p == NULL)
            break;
        size_t k = (size_t)(p - s);
        j = k + 1;
        if (n - k < len + 2 || s[k + 1] != '/')
            continue;
        size_t m = 0;
        while (m < len && lower((unsigned char)s[k + 2 + m]) == name[m])
            m++;
        if (m < len)
            continue;
        size_t after = k + 2 + len;
        if (after < n && !is_ws((unsigned char)s[after]) && s[after] != '/' && s[after] != '>')
            continue;
        *content_end = k;
        return tag_end(s, n, after);
    }
    *content_end = n;
    return n;
}

static const char *const raw_elements[] = {
    "script", "style", "noscript", "template", "iframe", "noembed", "noframes", "xmp",
};

static const char *const head_elements[] = {
    "html",     "head",  "title",  "meta",     "link",     "base",
    "basefont", "style", "script", "noscript", "template", "bgsound",
};

static const struct {
    const char *name;
    int breaks; /* 1: ends a line, 2: ends a paragraph */
} block_elements[] = {
    {"p", 2},          {"div", 1},        {"li", 1},       {"h1", 2},       {"h2", 2},
    {"h3", 2},         {"h4", 2},         {"h5", 2},       {"h6", 2},       {"tr", 1},
    {"td", 1},         {"th", 1},         {"section", 2},  {"article", 2},  {"header", 2},
    {"footer", 2},     {"blockquote", 2}, {"pre", 2},      {"listing", 2},  {"table", 2},
    {"ul", 2},         {"ol", 2},         {"dl", 2},       {"dt", 1},       {"dd", 1},
    {"hr", 2},         {"nav", 2},        {"aside", 2},    {"main", 2},     {"figure", 2},
    {"figcaption", 1}, {"form", 2},       {"fieldset", 2}, {"legend", 1},   {"address", 2},
    {"details", 2},    {"summary", 1},    {"menu", 2},     {"center", 2},   {"hgroup", 2},
    {"dialog", 2},     {"caption", 1},    {"thead", 1},    {"tbody", 1},    {"tfoot", 1},
    {"option", 1},     {"title", 1},      {"textarea", 1}, {"select", 1},   {"body", 1},
    {"html", 1},       {"head", 1},       {"dir", 2},      {"frameset", 1}, {"frame", 1},
};

static int in_list(const char *name, const char *const *list, size_t count)
{
    for (size_t i = 0; i < count; i++)
        if (strcmp(name, list[i]) == 0)
            return 1;
    return 0;
}

static int block_breaks(const char *name)
{
    for (size_t i = 0; i < sizeof block_elements / sizeof block_elements[0]; i++)
        if (strcmp(name, block_elements[i].name) == 0)
            return block_elements[i].breaks;
    return 0;
}

typedef struct scanner {
    const char *s;
    size_t n;
    emitter text;
    emitter title;
    emitter h1;   /* the first <h1>'s text, for a page without a title */
    int h1_state; /* 0 before the first <h1>, 1 in it, 2 after it */
    int have_title;
    int in_head;
    size_t pre; /* depth of <pre> and <listing> */
} scanner;

/* A start tag: name ends at j; returns where the text goes on. */
static size_t start_tag(scanner *sc, const char *name, size_t j)
{
    const char *s = sc->s;
    size_t n = sc->n;
    size_t end = tag_end(s, n, j);
    size_t content_end;

    if (strcmp(name, "title") == 0) {
        size_t after = skip_raw(s, n, end, "title", &content_end);
        if (!sc->have_title)
            put_text(&sc->title, s + end, content_end - end, 0);
        sc->have_title = 1;
        emit_break(&sc->text, 1);
        return after;
    }
    if (in_list(name, raw_elements, sizeof raw_elements / sizeof raw_elements[0]))
        return skip_raw(s, n, end, name, &content_end);
    if (strcmp(name, "head") == 0)
        sc->in_head = 1;
    else if (!in_list(name, head_elements, sizeof head_elements / sizeof head_elements[0]))
        sc->in_head = 0;
    if (strcmp(name, "br") == 0) {
        emit_br(&sc->text);
        return end;
    }
    if (strcmp(name, "h1") == 0 && sc->h1_state == 0)
        sc->h1_state = 1;
    if (strcmp(name, "pre") == 0 || strcmp(name, "listing") == 0)
        sc->pre++;
    int breaks = block_breaks(name);
    if (breaks)
        emit_break(&sc->text, breaks);
    return end;
}

/* An end tag: name ends at j; returns where the text goes on. */
static size_t end_tag(scanner *sc, const char *name, size_t j)
{
    size_t end = tag_end(sc->s, sc->n, j);
    if (strcmp(name, "head") == 0)
        sc->in_head = 0;
    if (strcmp(name, "h1") == 0 && sc->h1_state == 1)
        sc->h1_state = 2;
    if (strcmp(name, "br") == 0) {
        emit_br(&sc->text);
        return end;
    }
    if ((strcmp(name, "pre") == 0 || strcmp(name, "listing") == 0) && sc->pre > 0)
        sc->pre--;
    int breaks = block_breaks(name);
    if (breaks)
        emit_break(&sc->text, breaks);
    return end;
}

/* Whatever starts with "<" at i: returns where the text goes on. */
static size_t markup(scanner *sc, size_t i)
{
    const char *s = sc->s;
    size_t n = sc->n;
    char name[NAME_MAX_LEN + 1];
    size_t at;

    if (i + 1 >= n) {
        emit(&sc->text, "<", 1);
        return n;
    }
    unsigned char c = (unsigned char)s[i + 1];
    if (c == '!') {
        if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            /* From i + 2, so that "<!-->" is a whole (empty) comment. */
            at = find(s, n, i + 2, "-->", 3);
            return at < n ? at + 3 : n;
        }
        if (n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
            at = find(s, n, i + 9, "]]>", 3);
            return at < n ? at + 3 : n;
        }
        at = find(s, n, i + 2, ">", 1);
        return at < n ? at + 1 : n;
    }
    if (c == '?') {
        at = find(s, n, i + 2, ">", 1);
        return at < n ? at + 1 : n;
    }
    if (c == '/') {
        if (i + 2 < n && is_alpha((unsigned char)s[i + 2]))
            return end_tag(sc, name, tag_name(s, n, i + 2, name));
        at = find(s, n, i + 2, ">", 1);
        return at < n ? at + 1 : n;
    }
    if (is_alpha(c))
        return start_tag(sc, name, tag_name(s, n, i + 1, name));
    emit(&sc->text, "<", 1);
    return i + 1;
}

static void scan(scanner *sc)
{
    size_t i = 0;
    while (i < sc->n) {
        const char *lt = memchr(sc->s + i, '<', sc->n - i);
        size_t stop = lt ? (size_t)(lt - sc->s) : sc->n;
        if (!sc->in_head)
            put_text(&sc->text, sc->s + i, stop - i, sc->pre > 0);
        if (!sc->in_head && sc->h1_state == 1)
            put_text(&sc->h1, sc->s + i, stop - i, 0);
        i = stop < sc->n ? markup(sc, stop) : stop;
    }
}

static int is_charset_char(unsigned char c)
{
    return is_alpha(c) || is_digit(c) || c == '-' || c == '_' || c == '.' || c == ':';
}

static int starts_ci(const char *s, size_t n, const char *word)
{
    size_t len = strlen(word);
    if (n < len)
        return 0;
    for (size_t i = 0; i < len; i++)
        if (lower((unsigned char)s[i]) != word[i])
            return 0;
    return 1;
}

/* Find the charset a <meta> tag declares in the first SNIFF_MAX bytes, as
 * <meta charset="..."> or in <meta http-equiv="Content-Type"
 * content="text/html; charset=...">. Returns 1 with the name in name. */
static int sniff_charset(const char *data, size_t len, char *name, size_t cap)
{
    size_t n = len < SNIFF_MAX ? len : SNIFF_MAX;
    size_t i = 0;
    while (i < n) {
        const char *lt = memchr(data + i, '<', n - i);
        if (lt == NULL)
            break;
        i = (size_t)(lt - data) + 1;
        if (!starts_ci(data + i, n - i, "meta") || i + 4 >= n ||
            !(is_ws((unsigned char)data[i + 4]) || data[i + 4] == '/'))
            continue;
        const char *gt = memchr(data + i, '>', n - i);
        size_t end = gt ? (size_t)(gt - data) : n;
        for (size_t j = i + 4; j < end; j++) {
            if (!starts_ci(data + j, end - j, "charset"))
                continue;
            size_t k = j + 7;
            while (k < end && is_ws((unsigned char)data[k]))
                k++;
            if (k >= end || data[k] != '=')
                continue;
            k++;
            while (k < end && is_ws((unsigned char)data[k]))
                k++;
            if (k < end && (data[k] == '"' || data[k] == '\''))
                k++;
            size_t m = 0;
            while (k < end && m + 1 < cap && is_charset_char((unsigned char)data[k]))
                name[m++] = data[k++];
            name[m] = '\0';
            if (m > 0)
                return 1;
        }
        i = end;
    }
    return 0;
}

fh_status fh_page_read_html(const char *data, size_t len, fh_page *out)
{
    return fh_page_read_html_as(data, len, NULL, out);
}

/* A copy of the ASCII value v (n bytes), or of none when it is not short
 * printable ASCII (a language tag, a date; spaces only when spaces). NULL when none or out of
 * memory (then *nomem is set). */
static char *ascii_copy(const char *v, size_t n, size_t max, int spaces, int *nomem)
{
    if (v == NULL || n == 0 || n > max)
        return NULL;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] < 0x20 + !spaces || (unsigned char)v[i] > 0x7E)
            return NULL;
    char *c = strndup(v, n);
    *nomem |= c == NULL;
    return c;
}

/* What the page's tags say: its date, language and canonical URL into
 * out; the title from og:title, else the first <h1>, when the page has
 * none; the description after the text, so that a snippet shows it only
 * when it holds the words searched for. */
static fh_status apply_meta(const fh_html_meta *m, const fh_buf *h1, fh_buf *title, fh_buf *text,
                            fh_page *out)
{
    int nomem = 0;
    out->date = ascii_copy(m->date, m->date_len, 64, 1, &nomem);
    /* "2015-03-02 10:00" is written the ISO 8601 way, "2015-03-02T10:00". */
    if (out->date && strlen(out->date) > 11 && out->date[10] == ' ' && out->date[11] >= '0' &&
        out->date[11] <= '9')
        out->date[10] = 'T';
    out->lang = ascii_copy(m->lang, m->lang_len, 35, 0, &nomem);
    fh_buf tmp = FH_BUF_INIT;
    emitter e = {&tmp, 0, 0, 1};
    if (m->canonical) {
        put_text(&e, m->canonical, m->canonical_len, 0);
        fh_buf_append(&tmp, "", 0);
        if (tmp.data &&
            (strncmp(tmp.data, "http://", 7) == 0 || strncmp(tmp.data, "https://", 8) == 0)) {
            out->url = strdup(tmp.data);
            nomem |= out->url == NULL;
        }
        fh_buf_reset(&tmp);
    }
    if (title->len == 0) {
        emitter t = {title, 0, 0, 1};
        if (m->og_title)
            put_text(&t, m->og_title, m->og_title_len, 0);
        if (title->len == 0 && h1->len > 0)
            fh_buf_append(title, h1->data, h1->len);
    }
    if (m->description) {
        put_text(&e, m->description, m->description_len, 0);
        if (tmp.len > 0) {
            if (text->len > 0)
                fh_buf_puts(text, "\n\n");
            fh_buf_append(text, tmp.data, tmp.len);
        }
    }
    fh_status rc = nomem || fh_buf_status(&tmp) != FH_OK ? FH_ERR_NOMEM : FH_OK;
    fh_buf_free(&tmp);
    return rc;
}

fh_status fh_page_read_html_as(const char *data, size_t len, const char *charset, fh_page *out)
{
    int status;
    fh_buf raw = FH_BUF_INIT, title = FH_BUF_INIT, text = FH_BUF_INIT, h1 = FH_BUF_INIT;
    char declared[64];

    memset(out, 0, sizeof *out);
    if (charset && *charset)
        snprintf(declared, sizeof declared, "%s", charset);
    else if (!sniff_charset(data, len, declared, sizeof declared))
        declared[0] = '\0';
    status = fh_page__decode(data, len, declared[0] ? declared : NULL, &raw, out);
    if (status != FH_OK)
        goto out;

    scanner sc = {raw.data, raw.len, {&text, 0, 0, 0}, {&title, 0, 0, 1}, {&h1, 0, 0, 1}, 0, 0,
                  0,        0};
    scan(&sc);
    fh_html_meta meta;
    fh_html__meta(raw.data, raw.len, &meta);
    status = apply_meta(&meta, &h1, &title, &text, out);
    if (status != FH_OK)
        goto out;
    if (title.len > FH_PAGE__TITLE_MAX) {
        title.len = fh_page__utf8_cut(title.data, title.len, FH_PAGE__TITLE_MAX);
        while (title.len > 0 && title.data[title.len - 1] == ' ')
            title.len--;
        title.data[title.len] = '\0';
    }
    status = fh_page__take(out, &title, &text);
out:
    fh_buf_free(&raw);
    fh_buf_free(&title);
    fh_buf_free(&text);
    fh_buf_free(&h1);
    if (status != FH_OK)
        fh_page_clear(out);
    return status;
}
