/* http.h - the HTTP layer of an archived response: status, type, charset,
 * and the body with its transfer and content encodings undone.
 *
 * Archives hold responses as they came over the wire, and real archives
 * lie: a body said to be chunked or compressed is often stored already
 * undone. Such a body is read as it is, without a problem reported: a body
 * said to be chunked whose first line is not a chunk size, a body said to
 * be gzip or zstd that does not start with its magic bytes, a deflate body
 * that is neither zlib nor raw deflate from its first bytes, a brotli body
 * that does not decode but starts as markup or text does. */
#ifndef FH_HTTP_H
#define FH_HTTP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "status.h"

typedef enum fh_http_kind {
    FH_HTTP_OTHER, /* an image, a script, a PDF, ...: not a page */
    FH_HTTP_HTML,  /* text/html, application/xhtml+xml */
    FH_HTTP_TEXT,  /* text/plain */
} fh_http_kind;

/* What a media type (a Content-Type value, "text/html; charset=utf-8") is;
 * its charset parameter, if any, goes to charset (cap bytes, "" if none).
 * An empty or missing type is FH_HTTP_OTHER. */
fh_http_kind fh_http_media(const char *ctype, size_t len, char *charset, size_t cap);

typedef struct fh_http_response {
    int status;        /* the status code (200, 404, ...) */
    fh_http_kind kind; /* from its Content-Type */
    char charset[64];  /* its Content-Type's charset; "" if none */
    const char *body;  /* the payload, decoded: into the block, or into own */
    size_t body_len;
    fh_buf own; /* holds the body when it had to be decoded */
} fh_http_response;

/* Read the HTTP response in block (len bytes: status line, headers, blank
 * line, body), undoing Transfer-Encoding: chunked and Content-Encoding
 * gzip, x-gzip, deflate and br (the last applied first). Interim responses
 * before it (100 Continue, 103 Early Hints) are passed over. A response
 * without a Content-Type is taken to be of the media type untyped (from
 * elsewhere: a crawler's WARC-Identified-Payload-Type), or (NULL or "")
 * of none. A body that would inflate to more than max bytes is not
 * decoded. Returns FH_OK with *out
 * filled (free with fh_http_response_clear()) and *problem NULL, or FH_OK
 * with *problem a short static reason ("not an HTTP response", "invalid
 * chunking", "body fails to decompress", "body over the size limit once
 * decompressed"), or FH_ERR_NOMEM. */
fh_status fh_http_read(const char *block, size_t len, const char *untyped, uint64_t max,
                       fh_http_response *out, const char **problem);

/* Free what a response holds and zero it. Accepts a zeroed one. */
void fh_http_response_clear(fh_http_response *r);

#endif
