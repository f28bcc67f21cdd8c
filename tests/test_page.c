/* test_page.c - the page readers: .txt, .html and .jsonl. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "page.h"

#define MADRASA_1256 "\xE3\xCF\xD1\xD3\xC9"
#define MADRASA_UTF8 "\xD9\x85\xD8\xAF\xD8\xB1\xD8\xB3\xD8\xA9"
#define FFFD         "\xEF\xBF\xBD"

static fh_page page;

static void teardown(void)
{
    fh_page_clear(&page);
}

TestSuite(page, .fini = teardown);
TestSuite(txt, .fini = teardown);
TestSuite(html, .fini = teardown);
TestSuite(jsonl);

static int txt(const char *s)
{
    return fh_page_read_txt(s, strlen(s), &page);
}

static int html(const char *s)
{
    return fh_page_read_html(s, strlen(s), &page);
}

/* ---- formats and pages ---- */

/* A file name and the format it is read as. */
static const struct {
    const char *path;
    fh_page_format format;
} formats[] = {
    {"a/b/page.txt", FH_FORMAT_TXT},
    {"PAGE.TXT", FH_FORMAT_TXT},
    {"index.html", FH_FORMAT_HTML},
    {"index.HtM", FH_FORMAT_HTML},
    {"dump.jsonl", FH_FORMAT_JSONL},
    {"dump.json", FH_FORMAT_UNKNOWN},
    {"page.txt.gz", FH_FORMAT_TXT_COMPRESSED},
    {"a.b/PAGE.HTM.GZ", FH_FORMAT_HTML_COMPRESSED},
    {"dump.jsonl.gz", FH_FORMAT_JSONL_COMPRESSED},
    {"crawl.warc", FH_FORMAT_WARC},
    {"crawl-00001.warc.gz", FH_FORMAT_WARC},
    {"old.arc.gz", FH_FORMAT_WARC},
    {"CC-MAIN-1.warc.wet.gz", FH_FORMAT_WARC},
    {"CC-MAIN-1.warc.wat.gz", FH_FORMAT_WARC},
    {"x.wat", FH_FORMAT_WARC},
    {"t.example-20230301-000000-00000.warc.zst", FH_FORMAT_WARC},
    {"old.ARC.ZST", FH_FORMAT_WARC},
    {"page.txt.zst", FH_FORMAT_TXT_COMPRESSED},
    {"index.html.zst", FH_FORMAT_HTML_COMPRESSED},
    {"dump.jsonl.zst", FH_FORMAT_JSONL_COMPRESSED},
    {"x.tar.zst", FH_FORMAT_UNKNOWN},
    {"page.zst", FH_FORMAT_UNKNOWN},
    {"page.txt.zstd", FH_FORMAT_UNKNOWN},
    {"x.tar.gz", FH_FORMAT_UNKNOWN},
    {"dir.txt/.gz", FH_FORMAT_UNKNOWN},
    {"page.gz", FH_FORMAT_UNKNOWN},
    {"notes.d/README", FH_FORMAT_UNKNOWN},
    {"Makefile", FH_FORMAT_UNKNOWN},
    {"page.txtx", FH_FORMAT_UNKNOWN},
    {"", FH_FORMAT_UNKNOWN},
};

Test(page, format_of)
{
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        cr_assert_eq(fh_page_format_of(formats[i].path), formats[i].format, "\"%s\"",
                     formats[i].path);
}

Test(page, clear_accepts_a_zeroed_page_and_zeroes)
{
    fh_page p;
    memset(&p, 0, sizeof p);
    fh_page_clear(&p);
    cr_assert_eq(txt("T\n\nB"), FH_OK);
    fh_page_clear(&page);
    cr_assert_null(page.title);
    cr_assert_null(page.text);
    cr_assert_null(page.charset);
    cr_assert_eq(page.title_len, 0);
    cr_assert_eq(page.lossy, 0);
}

/* ---- .txt ---- */

Test(txt, title_blank_line_body)
{
    cr_assert_eq(txt("  My Title \t\n\nBody line 1\nBody line 2\n"), FH_OK);
    cr_assert_str_eq(page.title, "My Title");
    cr_assert_eq(page.title_len, 8);
    cr_assert_str_eq(page.text, "Body line 1\nBody line 2\n");
    cr_assert_eq(page.text_len, 24);
    cr_assert_null(page.id);
    cr_assert_null(page.url);
    cr_assert_null(page.date);
    cr_assert_str_eq(page.charset, "UTF-8");
    cr_assert_eq(page.lossy, 0);
}

/* A .txt file, its title (NULL: not checked) and its body. */
typedef struct read_case {
    const char *name, *input, *title, *text;
} read_case;

/* Read each row with read() and check its title and body. */
static void check_reads(int (*read)(const char *), const read_case *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const read_case *c = &rows[i];
        fh_page_clear(&page);
        cr_assert_eq(read(c->input), FH_OK, "%s", c->name);
        if (c->title != NULL) {
            cr_assert_str_eq(page.title, c->title, "%s", c->name);
            cr_assert_eq(page.title_len, strlen(c->title), "%s", c->name);
        }
        cr_assert_str_eq(page.text, c->text, "%s", c->name);
        cr_assert_eq(page.text_len, strlen(c->text), "%s", c->name);
    }
}

static const read_case txt_cases[] = {
    {"no blank line: the body starts at line 2", "Title\nBody starts here\nmore", "Title",
     "Body starts here\nmore"},
    /* Only one blank line is the separator; the rest is body. */
    {"a line 2 of spaces is blank", "Title\n  \t \n\nBody", "Title", "\nBody"},
    {"CRLF", "Title\r\n\r\nLine 1\r\nLine 2\r\n", "Title", "Line 1\nLine 2\n"},
    {"only a title", "Only a title", "Only a title", ""},
    {"only a title and a line break", "Only a title\n", "Only a title", ""},
    {"a title and a blank line", "Title\n\n", NULL, ""},
    {"an empty first line", "\nBody", "", "Body"},
};

Test(txt, titles_and_bodies)
{
    check_reads(txt, txt_cases, sizeof txt_cases / sizeof txt_cases[0]);
}

Test(txt, empty_file)
{
    cr_assert_eq(fh_page_read_txt("", 0, &page), FH_OK);
    cr_assert_str_eq(page.title, "");
    cr_assert_eq(page.title_len, 0);
    cr_assert_str_eq(page.text, "");
    cr_assert_eq(page.text_len, 0);
    cr_assert_str_eq(page.charset, "UTF-8");
    cr_assert_eq(page.lossy, 0);
}

Test(txt, arabic_utf16le)
{
    /* BOM, "سلام", LF, LF, "نص" */
    const char bytes[] = "\xFF\xFE\x33\x06\x44\x06\x27\x06\x45\x06\x0A\x00\x0A\x00\x46\x06\x35\x06";
    cr_assert_eq(fh_page_read_txt(bytes, sizeof bytes - 1, &page), FH_OK);
    cr_assert_str_eq(page.title, "\xD8\xB3\xD9\x84\xD8\xA7\xD9\x85");
    cr_assert_str_eq(page.text, "\xD9\x86\xD8\xB5");
    cr_assert_str_eq(page.charset, "UTF-16LE");
}

Test(txt, invalid_bytes_are_lossy)
{
    /* A bad byte amid UTF-8 (the é) is damaged UTF-8. */
    cr_assert_eq(txt("T\n\nbad \xFF byte, caf\xC3\xA9"), FH_OK);
    cr_assert_str_eq(page.text, "bad " FFFD " byte, café");
    cr_assert_eq(page.lossy, 1);
    cr_assert_eq(page.guessed, 0);
    cr_assert_str_eq(page.charset, "UTF-8");
    cr_assert_str_eq(fh_page_warning(&page), "invalid text encoding: bad bytes replaced by U+FFFD");
}

Test(txt, a_lone_high_byte_is_windows_1252)
{
    /* With no UTF-8 at all it is a single-byte page: 0xFF is ÿ there (in
     * windows-1256 it would be a lone Arabic letter, no word). */
    cr_assert_eq(txt("T\n\nbad \xFF byte"), FH_OK);
    cr_assert_str_eq(page.text, "bad ÿ byte");
    cr_assert_eq(page.lossy, 0);
    cr_assert_eq(page.guessed, 1);
    cr_assert_str_eq(page.charset, "windows-1252");
    cr_assert_str_eq(fh_page_warning(&page),
                     "not UTF-8 and no charset named: read as windows-1252 (its letters are not "
                     "Arabic)");
}

Test(txt, binary_is_an_encoding_error)
{
    const char bytes[] = "PK\x03\x04\0\0\0";
    cr_assert_eq(fh_page_read_txt(bytes, sizeof bytes - 1, &page), FH_ERR_ENCODING);
    cr_assert_null(page.title);
    cr_assert_null(page.text);
}

Test(txt, long_title_is_cut_at_a_character)
{
    /* 999 ASCII bytes and a 2-byte letter: 1,001 bytes, cut to 999 (no
     * space to cut at); the rest of the line starts the body. */
    char s[1100];
    memset(s, 'a', 999);
    memcpy(s + 999, MADRASA_UTF8, 10);
    memcpy(s + 1009, "\n\nbody", 7);
    cr_assert_eq(txt(s), FH_OK);
    cr_assert_eq(page.title_len, 999);
    cr_assert_eq(strlen(page.title), 999);
    cr_assert_str_eq(page.text, MADRASA_UTF8 "\n\nbody");
}

Test(txt, long_first_line_is_cut_after_a_word_and_the_rest_is_body)
{
    /* A file without line breaks: 250 "word " and "tailword". The title
     * ends at the last whole word within 1,000 bytes; no word is lost. */
    char s[1400] = "", rest[400] = "";
    for (int i = 0; i < 250; i++)
        strcat(s, "word ");
    strcat(s, "tailword");
    for (int i = 0; i < 50; i++)
        strcat(rest, "word ");
    strcat(rest, "tailword\n\n");
    cr_assert_eq(txt(s), FH_OK);
    cr_assert_eq(page.title_len, 999); /* 200 words */
    cr_assert_eq(page.title[998], 'd');
    cr_assert_str_eq(page.text, rest);
}

Test(txt, title_of_1000_bytes_is_kept)
{
    char s[1100];
    memset(s, 'a', 998);
    memcpy(s + 998, "\xD9\x85", 2);
    s[1000] = '\0';
    cr_assert_eq(txt(s), FH_OK);
    cr_assert_eq(page.title_len, 1000);
}

/* ---- .html ---- */

Test(html, title_and_text)
{
    cr_assert_eq(html("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
                      "<title> Hello &amp;\n  World </title>"
                      "<style>p { color: red }</style>"
                      "<script>var x = \"<p>no</p>\";</script></head>\n"
                      "<body><h1>Head</h1><p>First   para<br>line two</p>"
                      "<!-- hidden --><div>Div&nbsp;text</div></body></html>\n"),
                 FH_OK);
    cr_assert_str_eq(page.title, "Hello & World");
    cr_assert_eq(page.title_len, 13);
    cr_assert_str_eq(page.text, "Head\n\nFirst para\nline two\n\nDiv text");
    cr_assert_str_eq(page.charset, "UTF-8");
    cr_assert_eq(page.lossy, 0);
    cr_assert_null(page.id);
    cr_assert_null(page.url);
}

Test(html, empty_input)
{
    cr_assert_eq(fh_page_read_html("", 0, &page), FH_OK);
    cr_assert_str_eq(page.title, "");
    cr_assert_str_eq(page.text, "");
}

static const read_case html_cases[] = {
    {"a missing title is empty", "<p>just text</p>", "", "just text"},
    {"only the first title", "<title>One</title><title>Two</title>body", "One", "body"},
    {"the title holds text, not tags", "<TITLE>A &lt;b&gt; <b>bold</b></TITLE >x",
     "A <b> <b>bold</b>", "x"},
    {"an unclosed title runs to the end", "<title>All of <p>this", "All of <p>this", ""},
    {"scripts, styles and friends are dropped",
     "a<SCRIPT type=x>if (a<b) document.write('</scr'+'ipt>')</script >b"
     "<style>x{}</style>c<noscript>no</noscript>d"
     "<template><p>t</p></template>e<script>never closed",
     NULL, "abcde"},
    {"entities",
     "<p>&lt;b&gt; &quot;q&quot; &apos;a&apos; &copy; &reg; &hellip; &mdash; "
     "&ndash; &lsquo;x&rsquo; &ldquo;y&rdquo; &laquo;z&raquo; so&shy;ft "
     "a&zwnj;b &zwj;&lrm;&rlm; &times; &middot; &bull; &euro; &pound; "
     "&eacute;&Uuml;</p>",
     NULL,
     "<b> \"q\" 'a' \xC2\xA9 \xC2\xAE \xE2\x80\xA6 \xE2\x80\x94 "
     "\xE2\x80\x93 \xE2\x80\x98x\xE2\x80\x99 \xE2\x80\x9Cy\xE2\x80\x9D "
     "\xC2\xABz\xC2\xBB soft a\xE2\x80\x8C"
     "b "
     "\xE2\x80\x8D\xE2\x80\x8E\xE2\x80\x8F \xC3\x97 \xC2\xB7 "
     "\xE2\x80\xA2 \xE2\x82\xAC \xC2\xA3 \xC3\xA9\xC3\x9C"},
    {"numeric entities",
     "&#65;&#x42;&#X43;&#1605; &#0; &#xD800; &#x110000; &#99999999999; "
     "&#150; &#x1F600; &#97",
     NULL, "ABC\xD9\x85 " FFFD " " FFFD " " FFFD " " FFFD " \xE2\x80\x93 \xF0\x9F\x98\x80 a"},
    {"unknown or incomplete entities stay", "&unknown; &amp &; &# &#x; AT&T &amp;amp;", NULL,
     "&unknown; &amp &; &# &#x; AT&T &amp;"},
    {"nbsp collapses like a space", "a&nbsp;&nbsp; \n b", NULL, "a b"},
    {"unclosed elements", "<p>one<b>two<i>three<div>four<span>five", NULL, "onetwothree\nfourfive"},
    {"an unclosed tag runs to the end", "text <a href=\"x>not text</a> more", NULL, "text"},
    {"an unclosed tag at the end", "text <p", NULL, "text"},
    {"a quoted > inside a tag", "<a title=\"a>b\" href='c>d'>link</a>", NULL, "link"},
    {"a lone < is text", "a < b and 3<4 <", NULL, "a < b and 3<4 <"},
    /* A comment ends at the first "-->", nested or not. */
    {"comments", "a<!-- a <!-- b --> c -->d", NULL, "a c -->d"},
    {"empty comments", "x<!---->y<!-->z", NULL, "xyz"},
    {"a comment never closed", "before<!-- never closed <p>x</p>", NULL, "before"},
    {"CDATA, DOCTYPE and processing instructions",
     "<?xml version=\"1.0\"?><!DOCTYPE html>x<![CDATA[ y ]]>z</ odd>w", NULL, "xzw"},
    {"head text is dropped", "<head><title>T</title>stray<link rel=x></head><body>B</body>", "T",
     "B"},
    {"the head ends at a body element", "<head><title>T</title><p>Body text", "T", "Body text"},
    {"blocks and blank lines",
     "<p>a</p><p></p><p> </p><p>b</p><ul><li>c<li>d</ul>"
     "<table><tr><td>e</td><td>f</td></tr></table>g<br><br><br>h",
     NULL, "a\n\nb\n\nc\nd\n\ne\nf\n\ng\n\nh"},
    {"pre keeps line breaks", "<pre>line 1\n  line   2\r\n\n\n\nline 3</pre>after", NULL,
     "line 1\nline 2\n\nline 3\n\nafter"},
    {"inline elements join", "<b>bo</b><i>ld</i> <a href=x>link</a>", NULL, "bold link"},
};

Test(html, titles_and_texts)
{
    check_reads(html, html_cases, sizeof html_cases / sizeof html_cases[0]);
}

Test(html, meta_charset_windows_1256)
{
    cr_assert_eq(html("<html><head><meta http-equiv=\"Content-Type\" "
                      "content=\"text/html; charset=windows-1256\">"
                      "<title>" MADRASA_1256 "</title></head><body><p>" MADRASA_1256
                      " 1</p></body></html>"),
                 FH_OK);
    cr_assert_str_eq(page.title, MADRASA_UTF8);
    cr_assert_str_eq(page.text, MADRASA_UTF8 " 1");
    cr_assert_str_eq(page.charset, "windows-1256");
    cr_assert_eq(page.lossy, 0);
}

Test(html, meta_charset_short_form_any_case)
{
    cr_assert_eq(html("<META CharSet = 'CP1256' /><p>" MADRASA_1256 "</p>"), FH_OK);
    cr_assert_str_eq(page.text, MADRASA_UTF8);
    cr_assert_str_eq(page.charset, "windows-1256");
}

Test(html, meta_charset_after_4_kib_is_not_seen)
{
    char s[5000];
    memset(s, ' ', 4200);
    strcpy(s + 4200, "<meta charset=windows-1256>x");
    cr_assert_eq(html(s), FH_OK);
    cr_assert_str_eq(page.text, "x");
    cr_assert_str_eq(page.charset, "UTF-8");
}

Test(html, deep_nesting)
{
    size_t depth = 100000;
    size_t len = depth * 11 + 4;
    char *s = malloc(len + 1);
    cr_assert_not_null(s);
    char *p = s;
    for (size_t i = 0; i < depth; i++, p += 5)
        memcpy(p, "<div>", 5);
    memcpy(p, "deep", 4);
    p += 4;
    for (size_t i = 0; i < depth; i++, p += 6)
        memcpy(p, "</div>", 6);
    *p = '\0';
    cr_assert_eq((size_t)(p - s), len);
    cr_assert_eq(fh_page_read_html(s, len, &page), FH_OK);
    cr_assert_str_eq(page.text, "deep");
    cr_assert_str_eq(page.title, "");
    free(s);
}

Test(html, many_unclosed_quotes_and_comments_stay_linear)
{
    /* 200,000 tags whose quotes pair up across tags; if a scan went back
     * over the text this would take minutes. */
    size_t n = 200000;
    char *s = malloc(n * 8 + 1);
    cr_assert_not_null(s);
    for (size_t i = 0; i < n; i++)
        memcpy(s + i * 8, "<a x=\"y>", 8);
    s[n * 8] = '\0';
    cr_assert_eq(fh_page_read_html(s, n * 8, &page), FH_OK);
    cr_assert_str_eq(page.text, "");
    free(s);
}

Test(html, long_title_is_cut)
{
    /* 600 two-byte letters: 1,200 bytes, cut to 1,000 (500 letters). */
    char s[1400];
    strcpy(s, "<title>");
    for (size_t i = 0; i < 600; i++)
        memcpy(s + 7 + 2 * i, "\xD9\x85", 2);
    strcpy(s + 1207, "</title>");
    cr_assert_eq(html(s), FH_OK);
    cr_assert_eq(page.title_len, 1000);
    cr_assert_eq(memcmp(page.title + 998, "\xD9\x85", 2), 0);
}

Test(html, binary_is_an_encoding_error)
{
    const char bytes[] = "<html>\0\0\0";
    cr_assert_eq(fh_page_read_html(bytes, sizeof bytes - 1, &page), FH_ERR_ENCODING);
    cr_assert_null(page.title);
}

Test(html, utf16le_page)
{
    /* BOM, "<p>x</p>" */
    const char bytes[] = "\xFF\xFE<\0p\0>\0x\0<\0/\0p\0>\0";
    cr_assert_eq(fh_page_read_html(bytes, sizeof bytes - 1, &page), FH_OK);
    cr_assert_str_eq(page.text, "x");
    cr_assert_str_eq(page.charset, "UTF-16LE");
}

Test(html, what_the_tags_say)
{
    cr_assert_eq(html("<html lang=\"ar-SA\"><head><title>T</title>"
                      "<link rel=\"canonical\" href=\"https://x.example/a?b=1&amp;c=2\">"
                      "<meta name=\"description\" content=\"Short &amp; sweet\">"
                      "<meta name=\"date\" content=\"2001-02-03\">"
                      "</head><body><p>Body <time datetime=\"1999-01-01\">then</time>.</p>"
                      "</body></html>"),
                 FH_OK);
    cr_assert_str_eq(page.title, "T");
    cr_assert_str_eq(page.text, "Body then.\n\nShort & sweet");
    cr_assert_str_eq(page.lang, "ar-SA");
    cr_assert_str_eq(page.url, "https://x.example/a?b=1&c=2");
    cr_assert_str_eq(page.date, "2001-02-03");
}

Test(html, title_falls_back_to_og_title_then_h1)
{
    cr_assert_eq(html("<head><title> </title><meta property=\"og:title\" content=\"OG &amp; co\">"
                      "</head><body><h1>Head</h1></body>"),
                 FH_OK);
    cr_assert_str_eq(page.title, "OG & co");
    fh_page_clear(&page);
    cr_assert_eq(html("<meta name=date content=2015-03-02 10:00:00><p>x</p>"), FH_OK);
    cr_assert_str_eq(page.date, "2015-03-02"); /* unquoted: the value ends at the space */
    fh_page_clear(&page);
    cr_assert_eq(html("<meta name=date content='2015-03-02 10:00:00'><p>x</p>"), FH_OK);
    cr_assert_str_eq(page.date, "2015-03-02T10:00:00");
    fh_page_clear(&page);
    cr_assert_eq(
        html("<body><h2>Not this</h2><h1>The <b>first</b>\n h1</h1><h1>second</h1></body>"), FH_OK);
    cr_assert_str_eq(page.title, "The first h1");
    cr_assert_str_eq(page.text, "Not this\n\nThe first h1\n\nsecond");
    fh_page_clear(&page);
    /* No title of any kind; a relative canonical URL and a bad lang are not kept. */
    cr_assert_eq(html("<html lang=\"en us\"><link rel=canonical href=\"/a\"><p>x</p>"), FH_OK);
    cr_assert_str_eq(page.title, "");
    cr_assert_null(page.lang);
    cr_assert_null(page.url);
    cr_assert_null(page.date);
}

/* ---- .jsonl ---- */

#define SEEN_MAX 16

typedef struct seen {
    int pages;
    size_t lines[SEEN_MAX];
    char *ids[SEEN_MAX], *titles[SEEN_MAX], *texts[SEEN_MAX], *urls[SEEN_MAX], *dates[SEEN_MAX];
    size_t title_lens[SEEN_MAX], text_lens[SEEN_MAX];
    const char *charsets[SEEN_MAX];
    int errors;
    size_t error_lines[SEEN_MAX];
    char *reasons[SEEN_MAX];
    int stop_at_page;  /* stop after this many pages (0: never) */
    int stop_at_error; /* stop after this many errors (0: never) */
} seen;

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static int on_page(void *ctx, const fh_page *p, size_t line_no)
{
    seen *sn = ctx;
    cr_assert_lt(sn->pages, SEEN_MAX);
    int i = sn->pages++;
    cr_assert_not_null(p->title);
    cr_assert_not_null(p->text);
    cr_assert_eq(strlen(p->title), p->title_len);
    cr_assert_eq(strlen(p->text), p->text_len);
    sn->lines[i] = line_no;
    sn->ids[i] = dup_or_null(p->id);
    sn->titles[i] = dup_or_null(p->title);
    sn->texts[i] = dup_or_null(p->text);
    sn->urls[i] = dup_or_null(p->url);
    sn->dates[i] = dup_or_null(p->date);
    sn->title_lens[i] = p->title_len;
    sn->text_lens[i] = p->text_len;
    sn->charsets[i] = p->charset;
    return sn->stop_at_page && sn->pages >= sn->stop_at_page;
}

static int on_error(void *ctx, size_t line_no, const char *reason)
{
    seen *sn = ctx;
    cr_assert_lt(sn->errors, SEEN_MAX);
    int i = sn->errors++;
    sn->error_lines[i] = line_no;
    sn->reasons[i] = strdup(reason);
    return sn->stop_at_error && sn->errors >= sn->stop_at_error;
}

static void seen_free(seen *sn)
{
    for (int i = 0; i < sn->pages; i++) {
        free(sn->ids[i]);
        free(sn->titles[i]);
        free(sn->texts[i]);
        free(sn->urls[i]);
        free(sn->dates[i]);
    }
    for (int i = 0; i < sn->errors; i++)
        free(sn->reasons[i]);
}

static int jsonl(const char *s, seen *sn)
{
    return fh_page_read_jsonl(s, strlen(s), on_page, on_error, sn);
}

/* The reason of a one-line file that is not a document. */
static void assert_bad_line(const char *line, const char *reason)
{
    seen sn = {0};
    cr_assert_eq(jsonl(line, &sn), FH_OK);
    cr_assert_eq(sn.pages, 0, "%s", line);
    cr_assert_eq(sn.errors, 1, "%s", line);
    cr_assert_eq(sn.error_lines[0], 1);
    cr_assert_str_eq(sn.reasons[0], reason, "%s", line);
    seen_free(&sn);
}

Test(jsonl, three_good_lines)
{
    seen sn = {0};
    cr_assert_eq(jsonl("{\"id\":\"a1\",\"title\":\"First\",\"text\":\"one\","
                       "\"url\":\"http://x/1\",\"date\":\"2024-01-02\"}\n"
                       "{\"id\":\"a2\",\"text\":\"two\"}\n"
                       " { \"text\" : \"three\" , \"id\" : \"a3\", \"title\": \"Third\", "
                       "\"extra\": [1, {\"k\": [true, false, null, -0.5e+3, \"s\"]}, []],"
                       " \"n\": {} } \n",
                       &sn),
                 FH_OK);
    cr_assert_eq(sn.pages, 3);
    cr_assert_eq(sn.errors, 0);
    cr_assert_eq(sn.lines[0], 1);
    cr_assert_eq(sn.lines[1], 2);
    cr_assert_eq(sn.lines[2], 3);
    cr_assert_str_eq(sn.ids[0], "a1");
    cr_assert_str_eq(sn.titles[0], "First");
    cr_assert_str_eq(sn.texts[0], "one");
    cr_assert_eq(sn.text_lens[0], 3);
    cr_assert_str_eq(sn.urls[0], "http://x/1");
    cr_assert_str_eq(sn.dates[0], "2024-01-02");
    cr_assert_str_eq(sn.charsets[0], "UTF-8");
    cr_assert_str_eq(sn.ids[1], "a2");
    cr_assert_str_eq(sn.titles[1], "");
    cr_assert_eq(sn.title_lens[1], 0);
    cr_assert_str_eq(sn.texts[1], "two");
    cr_assert_null(sn.urls[1]);
    cr_assert_null(sn.dates[1]);
    cr_assert_str_eq(sn.ids[2], "a3");
    cr_assert_str_eq(sn.titles[2], "Third");
    cr_assert_str_eq(sn.texts[2], "three");
    seen_free(&sn);
}

Test(jsonl, broken_line_in_the_middle)
{
    seen sn = {0};
    cr_assert_eq(jsonl("{\"id\":\"b1\",\"text\":\"x\"}\n"
                       "{\"id\":\"b2\",\"text\":\"x\",}\n"
                       "{\"id\":\"b3\",\"text\":\"z\"}",
                       &sn),
                 FH_OK);
    cr_assert_eq(sn.pages, 2);
    cr_assert_str_eq(sn.ids[0], "b1");
    cr_assert_eq(sn.lines[0], 1);
    cr_assert_str_eq(sn.ids[1], "b3");
    cr_assert_eq(sn.lines[1], 3);
    cr_assert_eq(sn.errors, 1);
    cr_assert_eq(sn.error_lines[0], 2);
    cr_assert_str_eq(sn.reasons[0], "invalid JSON at byte 23");
    seen_free(&sn);
}

Test(jsonl, no_error_fn)
{
    const char *s = "oops\n{\"id\":\"c\",\"text\":\"t\"}\n";
    seen sn = {0};
    cr_assert_eq(fh_page_read_jsonl(s, strlen(s), on_page, NULL, &sn), FH_OK);
    cr_assert_eq(sn.pages, 1);
    cr_assert_eq(sn.lines[0], 2);
    seen_free(&sn);
}

Test(jsonl, blank_lines_are_skipped)
{
    seen sn = {0};
    cr_assert_eq(
        jsonl("\n   \n{\"id\":\"1\",\"text\":\"a\"}\n\t\n{\"id\":\"2\",\"text\":\"b\"}\n\n", &sn),
        FH_OK);
    cr_assert_eq(sn.errors, 0);
    cr_assert_eq(sn.pages, 2);
    cr_assert_eq(sn.lines[0], 3);
    cr_assert_eq(sn.lines[1], 5);
    seen_free(&sn);
}

Test(jsonl, empty_file)
{
    seen sn = {0};
    cr_assert_eq(fh_page_read_jsonl("", 0, on_page, on_error, &sn), FH_OK);
    cr_assert_eq(sn.pages, 0);
    cr_assert_eq(sn.errors, 0);
}

Test(jsonl, numeric_id_is_kept_as_text)
{
    seen sn = {0};
    cr_assert_eq(jsonl("{\"id\": 42, \"text\": \"t\"}\n{\"id\":-1.50e+3,\"text\":\"u\"}\n", &sn),
                 FH_OK);
    cr_assert_eq(sn.pages, 2);
    cr_assert_str_eq(sn.ids[0], "42");
    cr_assert_str_eq(sn.ids[1], "-1.50e+3");
    seen_free(&sn);
}

Test(jsonl, null_optional_keys_are_absent)
{
    seen sn = {0};
    cr_assert_eq(
        jsonl("{\"id\":\"n\",\"title\":null,\"text\":\"t\",\"url\":null,\"date\":null}", &sn),
        FH_OK);
    cr_assert_eq(sn.pages, 1);
    cr_assert_str_eq(sn.titles[0], "");
    cr_assert_null(sn.urls[0]);
    cr_assert_null(sn.dates[0]);
    seen_free(&sn);
}

Test(jsonl, the_last_of_repeated_keys_wins)
{
    seen sn = {0};
    cr_assert_eq(jsonl("{\"id\":\"a\",\"text\":\"first\",\"text\":\"second\"}", &sn), FH_OK);
    cr_assert_str_eq(sn.texts[0], "second");
    seen_free(&sn);
}

/* A one-line file that is not a document, and the reason given. */
static const struct {
    const char *line, *reason;
} bad_lines[] = {
    {"{\"id\":\"x\"}", "missing \"text\""},
    {"{\"text\":\"x\"}", "missing \"id\""},
    {"{}", "missing \"id\""},
    {"{\"id\":\"x\",\"text\":5}", "\"text\" is not a string"},
    {"{\"id\":\"x\",\"text\":null}", "\"text\" is not a string"},
    {"{\"id\":true,\"text\":\"t\"}", "\"id\" is not a string or number"},
    {"{\"id\":\"x\",\"title\":[],\"text\":\"t\"}", "\"title\" is not a string"},
    {"{\"id\":\"x\",\"url\":1,\"text\":\"t\"}", "\"url\" is not a string"},
    {"[1, 2]", "not a JSON object"},
    {"\"just a string\"", "not a JSON object"},
    {"hello", "invalid JSON at byte 1"},
    {"{", "invalid JSON at byte 2"},
    {"{\"id\":\"x\",\"text\":\"t\"} trailing", "invalid JSON at byte 23"},
    {"{\"id\":\"x\",\"text\":\"t\"}{}", "invalid JSON at byte 22"},
    {"{\"id\":'x',\"text\":\"t\"}", "invalid JSON at byte 7"},
    {"{\"id\":\"x\",\"text\":\"tab\there\"}", "invalid JSON at byte 22"},
    {"{\"id\":\"x\",\"text\":\"\\q\"}", "invalid JSON at byte 20"},
    {"{\"id\":\"x\",\"text\":\"\\u12G4\"}", "invalid JSON at byte 21"},
    {"{\"id\":01,\"text\":\"t\"}", "invalid JSON at byte 8"},
    {"{\"id\":1.,\"text\":\"t\"}", "invalid JSON at byte 9"},
    {"{\"id\":\"x\",\"text\":\"t\",\"x\":tru}", "invalid JSON at byte 29"},
    {"{\"id\":\"x\",\"text\":\"unterminated}", "invalid JSON at byte 32"},
    {"{\"id\":\"x\" \"text\":\"t\"}", "invalid JSON at byte 11"},
};

Test(jsonl, bad_lines_and_their_reasons)
{
    for (size_t i = 0; i < sizeof bad_lines / sizeof bad_lines[0]; i++)
        assert_bad_line(bad_lines[i].line, bad_lines[i].reason);
}

Test(jsonl, nesting_is_bounded)
{
    /* The line's object and 63 arrays are fine; a 64th array is not. */
    char line[400];
    const char *head = "{\"id\":\"d\",\"text\":\"t\",\"x\":";
    size_t h = strlen(head);
    memcpy(line, head, h);
    memset(line + h, '[', 63);
    memset(line + h + 63, ']', 63);
    strcpy(line + h + 126, "}");
    seen sn = {0};
    cr_assert_eq(jsonl(line, &sn), FH_OK);
    cr_assert_eq(sn.pages, 1);
    cr_assert_eq(sn.errors, 0);
    seen_free(&sn);

    memset(line + h, '[', 64);
    memset(line + h + 64, ']', 64);
    strcpy(line + h + 128, "}");
    char reason[64];
    snprintf(reason, sizeof reason, "JSON nested too deeply at byte %zu", h + 64);
    assert_bad_line(line, reason);
}

Test(jsonl, very_deep_nesting_is_a_short_error)
{
    size_t n = 1000000;
    char *s = malloc(n + 1);
    cr_assert_not_null(s);
    memset(s, '[', n);
    s[n] = '\0';
    seen sn = {0};
    cr_assert_eq(fh_page_read_jsonl(s, n, on_page, on_error, &sn), FH_OK);
    cr_assert_eq(sn.errors, 1);
    cr_assert_str_eq(sn.reasons[0], "JSON nested too deeply at byte 65");
    seen_free(&sn);
    free(s);
}

Test(jsonl, string_escapes)
{
    seen sn = {0};
    cr_assert_eq(jsonl("{\"id\":\"u\",\"title\":\"caf\\u00e9 \\u0645\",\"text\":"
                       "\"\\ud83d\\ude00 \\ud800x \\udc00 \\ud800\\u0041 a\\u0000b "
                       "\\\"q\\\" \\\\ \\/ \\b\\f\\n\\r\\t \\u00E9\"}",
                       &sn),
                 FH_OK);
    cr_assert_eq(sn.errors, 0);
    cr_assert_eq(sn.pages, 1);
    cr_assert_str_eq(sn.titles[0], "caf\xC3\xA9 \xD9\x85");
    cr_assert_str_eq(sn.texts[0], "\xF0\x9F\x98\x80 " FFFD "x " FFFD " " FFFD "A a b "
                                  "\"q\" \\ / \b\f\n\r\t \xC3\xA9");
    seen_free(&sn);
}

Test(jsonl, escaped_key_names_match)
{
    seen sn = {0};
    cr_assert_eq(jsonl("{\"\\u0069d\":\"e\",\"te\\u0078t\":\"t\"}", &sn), FH_OK);
    cr_assert_eq(sn.pages, 1);
    cr_assert_str_eq(sn.ids[0], "e");
    seen_free(&sn);
}

Test(jsonl, utf8_text_is_kept)
{
    seen sn = {0};
    cr_assert_eq(jsonl("{\"id\":\"ar\",\"title\":\"" MADRASA_UTF8 "\",\"text\":\"" MADRASA_UTF8
                       " " MADRASA_UTF8 "\"}",
                       &sn),
                 FH_OK);
    cr_assert_str_eq(sn.titles[0], MADRASA_UTF8);
    cr_assert_str_eq(sn.texts[0], MADRASA_UTF8 " " MADRASA_UTF8);
    cr_assert_eq(sn.text_lens[0], 21);
    seen_free(&sn);
}

Test(jsonl, page_fn_stops_the_reading)
{
    seen sn = {0};
    sn.stop_at_page = 2;
    cr_assert_eq(jsonl("{\"id\":\"1\",\"text\":\"a\"}\n{\"id\":\"2\",\"text\":\"b\"}\n"
                       "{\"id\":\"3\",\"text\":\"c\"}\nbad\n",
                       &sn),
                 FH_OK);
    cr_assert_eq(sn.pages, 2);
    cr_assert_str_eq(sn.ids[1], "2");
    cr_assert_eq(sn.errors, 0);
    seen_free(&sn);
}

Test(jsonl, error_fn_stops_the_reading)
{
    seen sn = {0};
    sn.stop_at_error = 1;
    cr_assert_eq(jsonl("{\"id\":\"1\",\"text\":\"a\"}\nbad\n{\"id\":\"3\",\"text\":\"c\"}\n", &sn),
                 FH_OK);
    cr_assert_eq(sn.pages, 1);
    cr_assert_eq(sn.errors, 1);
    cr_assert_eq(sn.error_lines[0], 2);
    seen_free(&sn);
}

Test(jsonl, crlf_lines)
{
    seen sn = {0};
    cr_assert_eq(
        jsonl("{\"id\":\"1\",\"text\":\"a\"}\r\n\r\n{\"id\":\"2\",\"text\":\"b\"}\r\n", &sn),
        FH_OK);
    cr_assert_eq(sn.errors, 0);
    cr_assert_eq(sn.pages, 2);
    cr_assert_eq(sn.lines[0], 1);
    cr_assert_eq(sn.lines[1], 3);
    cr_assert_str_eq(sn.texts[1], "b");
    seen_free(&sn);
}

Test(jsonl, utf16le_file)
{
    /* BOM, then {"id":"1","text":"x"} LF in UTF-16LE. */
    const char *line = "{\"id\":\"1\",\"text\":\"x\"}\n";
    char bytes[128];
    size_t n = 0;
    bytes[n++] = (char)0xFF;
    bytes[n++] = (char)0xFE;
    for (const char *p = line; *p; p++) {
        bytes[n++] = *p;
        bytes[n++] = '\0';
    }
    seen sn = {0};
    cr_assert_eq(fh_page_read_jsonl(bytes, n, on_page, on_error, &sn), FH_OK);
    cr_assert_eq(sn.pages, 1);
    cr_assert_str_eq(sn.texts[0], "x");
    cr_assert_str_eq(sn.charsets[0], "UTF-16LE");
    seen_free(&sn);
}

Test(jsonl, binary_is_an_encoding_error)
{
    const char bytes[] = "{\"id\":\"1\",\0\"text\":\"x\"}\n";
    seen sn = {0};
    cr_assert_eq(fh_page_read_jsonl(bytes, sizeof bytes - 1, on_page, on_error, &sn),
                 FH_ERR_ENCODING);
    cr_assert_eq(sn.pages, 0);
    cr_assert_eq(sn.errors, 0);
}
