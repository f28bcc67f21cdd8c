/* page.h - reading the pages fihris indexes: .txt, .html/.htm and .jsonl.
 *
 * A reader turns a file's raw bytes into documents whose title and text are
 * valid UTF-8 (decode.h does the encodings). The readers never touch the
 * file system: the indexer reads the bytes and hands them over, so that
 * they can be tested (and fuzzed) on memory alone.
 *
 *   .txt    line 1 is the title, then a blank line, then the body. A file
 *           without the blank line is all title on line 1 and body after.
 *           The title is trimmed of ASCII whitespace; a line 2 of nothing
 *           but ASCII whitespace counts as blank. The body is kept as it is
 *           except that CRLF becomes LF.
 *   .html   title from <title>, else og:title, else the first <h1>;
 *           date from the page's own tags (article:published_time,
 *           <meta name="date">, <time datetime>); <html lang> as lang; an
 *           http(s) <link rel="canonical"> as url; <meta name="description">
 *           after the text, a paragraph of its own; text without tags, scripts, styles and
 *   .htm    comments; entities decoded; block elements end lines. The
 *           charset of a <meta charset> or http-equiv Content-Type in the
 *           first 4 KiB is passed to fh_decode_text(). Whitespace collapses,
 *           paragraphs are separated by one blank line. html.c's opening
 *           comment lists the exact rules (comments end at the first "-->",
 *           text directly inside <head> is dropped, unknown entities stay).
 *   .jsonl  one JSON object per line with "id", "title", "text" and optional
 *           "url" and "date"; each line is its own document. A broken line
 *           is reported and skipped; the others are still read. "id" is a
 *           string or a number (kept as written); "title", "url" and "date"
 *           may be null, meaning absent; other keys are checked as JSON and
 *           ignored; of a repeated key the last one counts. Arrays and
 *           objects nest at most 64 deep. Lines end at LF (a CR before it is
 *           dropped); lines of spaces and tabs are blank.
 * Titles of .txt and .html pages are cut to at most 1,000 bytes, at a
 * character boundary. */
#ifndef FH_PAGE_H
#define FH_PAGE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

typedef enum fh_page_format {
    FH_FORMAT_UNKNOWN,
    FH_FORMAT_TXT,
    FH_FORMAT_HTML,
    FH_FORMAT_JSONL,
    FH_FORMAT_WARC, /* a web archive: WARC, ARC or WET (warc.h, archive.h) */
    /* gzip or zstd, told by the content (file.h) */
    FH_FORMAT_TXT_COMPRESSED,
    FH_FORMAT_HTML_COMPRESSED,
    FH_FORMAT_JSONL_COMPRESSED,
} fh_page_format;

/* The format of a file from its name's extension, case-insensitive:
 * .txt, .html, .htm, .jsonl, each also with .gz or .zst after it
 * (.txt.gz); .warc, .arc, .wet and .wat, with or without .gz or .zst
 * (.warc.gz, .warc.wet.gz, .warc.zst); FH_FORMAT_UNKNOWN for anything
 * else. */
fh_page_format fh_page_format_of(const char *path);

/* The format of a compressed one's content (FH_FORMAT_TXT of
 * FH_FORMAT_TXT_COMPRESSED); any other format is itself. */
fh_page_format fh_page_format_inner(fh_page_format format);

/* Whether a file of this format holds many documents (JSONL, archives). */
int fh_page_format_many(fh_page_format format);

/* One document read from a file. All strings are NUL-terminated, valid
 * UTF-8 and free of NUL bytes; lengths exclude the NUL. */
typedef struct fh_page {
    char *id;    /* the JSONL "id" (a JSON number is kept as its text); NULL otherwise */
    char *title; /* never NULL; may be empty */
    size_t title_len;
    char *text; /* the body; never NULL; may be empty */
    size_t text_len;
    char *url;               /* NULL if none */
    char *date;              /* NULL if none */
    const char *charset;     /* the encoding the bytes were read as (static string, e.g. "UTF-8") */
    int lossy;               /* 1 when invalid bytes were replaced by U+FFFD (for JSONL: anywhere in
                                the file) */
    int guessed;             /* 1 when the charset was told by the letters (decode.h, step 6) */
    char *captured;          /* the capture date of a page of an archive; NULL if none */
    char *lang;              /* an HTML page's <html lang> (printable ASCII); NULL if none */
    int in_archive;          /* 1 for a page read from a web archive (archive.h) ... */
    uint64_t archive_offset; /* ... whose record starts at this byte of the file */
    int archive_inflated;    /* 1: the record starts inside a gzip member (one-stream gzip)... */
    uint64_t archive_inflated_offset; /* ... at this byte of the inflated stream */
} fh_page;

/* Free the strings of a page (not the struct itself) and zero it. Accepts a
 * zeroed page. */
void fh_page_clear(fh_page *page);

/* What a reader of page should be told of how its bytes were read (a
 * static string), or NULL: bad bytes replaced, or a charset guessed from
 * the letters of a short page that names none. */
const char *fh_page_warning(const fh_page *page);

/* Read a .txt page from data (len bytes; the caller keeps it). On FH_OK
 * *out holds the page (the caller clears it with fh_page_clear()). Returns
 * FH_ERR_NOMEM, or FH_ERR_ENCODING for binary data (NUL bytes outside a
 * UTF-16 text); on failure *out is zeroed. Malformed text never fails: bad
 * bytes become U+FFFD. */
fh_status fh_page_read_txt(const char *data, size_t len, fh_page *out);

/* Read an .html page from data, as fh_page_read_txt(). Malformed HTML never
 * fails; the time is linear in len whatever the markup. */
fh_status fh_page_read_html(const char *data, size_t len, fh_page *out);

/* Read an HTML page as fh_page_read_html() does, but in charset (the one
 * its HTTP Content-Type names) when that is not NULL or empty: it comes
 * before the page's own <meta>. */
fh_status fh_page_read_html_as(const char *data, size_t len, const char *charset, fh_page *out);

/* Read plain text with no title line (a text/plain page of an archive, a
 * WET conversion record): all of it is the body, CRLF made LF, decoded as
 * charset when that is not NULL or empty, else as a file is. Statuses as
 * fh_page_read_txt(). */
fh_status fh_page_read_plain(const char *data, size_t len, const char *charset, fh_page *out);

/* Called for each document of a JSONL file, with its 1-based line number.
 * The page is valid only during the call (the reader clears it after).
 * Return 0 to go on, nonzero to stop reading. */
typedef int (*fh_page_jsonl_fn)(void *ctx, const fh_page *page, size_t line_no);

/* Called for each line that is not a usable document, with its line number
 * and a short reason, valid only during the call: "invalid JSON at byte 17"
 * (the 1-based byte of the line, after decoding, where parsing failed),
 * "JSON nested too deeply at byte 80", "not a JSON object", "\"text\" is
 * not a string" (alike for "title", "url", "date"), "\"id\" is not a string
 * or number", "missing \"id\"", "missing \"text\"", checked in that order.
 * Return 0 to go on, nonzero to stop. */
typedef int (*fh_page_jsonl_error_fn)(void *ctx, size_t line_no, const char *reason);

/* Read a JSONL file from data (len bytes), calling page_fn for each good
 * line and error_fn (may be NULL) for each bad one, in line order, with ctx.
 * The whole file is decoded first, so a binary file calls neither. Blank
 * lines are skipped silently (they still count for line numbers). Returns
 * FH_OK (also when some lines were bad or a callback stopped the reading),
 * FH_ERR_NOMEM, or FH_ERR_ENCODING for binary data. */
fh_status fh_page_read_jsonl(const char *data, size_t len, fh_page_jsonl_fn page_fn,
                             fh_page_jsonl_error_fn error_fn, void *ctx);

#endif
