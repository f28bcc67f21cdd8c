/* escape.h - making text from strangers safe for a terminal and for JSON.
 *
 * Page titles, paths and snippets come from files fihris does not control.
 * Written raw to a terminal, an escape sequence in a title could move the
 * cursor or retitle the window, and a bidi override could reorder what
 * follows it. */
#ifndef FH_ESCAPE_H
#define FH_ESCAPE_H

#include <stddef.h>

#include "buf.h"

/* Append s (len bytes) to out so that it can go to a terminal: C0 and C1
 * control characters and DEL are shown escaped (\n, \t, \x1b, \u009b),
 * bidi embedding, override and isolate controls (U+202A-U+202E,
 * U+2066-U+2069) and invalid UTF-8 bytes are shown as \u202e or \xff.
 * With keep_newlines, '\n' passes through. Returns fh_buf_status(out). */
fh_status fh_escape_terminal(const char *s, size_t len, int keep_newlines, fh_buf *out);

/* Append s (len bytes) as the inside of a JSON string: quotes, backslashes
 * and control characters escaped, invalid UTF-8 bytes made U+FFFD. Returns
 * fh_buf_status(out). */
fh_status fh_escape_json(const char *s, size_t len, fh_buf *out);

/* Append s (len bytes) in base64 (RFC 4648, with padding): the exact bytes
 * of a name that is not UTF-8, for JSON. Returns fh_buf_status(out). */
fh_status fh_escape_base64(const char *s, size_t len, fh_buf *out);

#endif
