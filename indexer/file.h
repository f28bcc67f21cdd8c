/* file.h - reading a page file whole, for the pipeline's workers. */
#ifndef FH_INDEX_FILE_H
#define FH_INDEX_FILE_H

#include <stddef.h>
#include <stdint.h>

#include "status.h"

/* Read the file at path whole into memory (a file that grows meanwhile is
 * read as far as it goes). Returns FH_OK and *data (NUL-terminated, *len
 * bytes before the NUL; the caller frees it), FH_ERR_NOMEM, or FH_ERR_IO
 * with *err the errno of the failure. */
fh_status fh_file_read(const char *path, char **data, size_t *len, int *err);

/* Inflate data (len bytes of zstd when they start as zstd does: frames in
 * a row; else of gzip: one member or several in a row) into *out
 * (NUL-terminated, *out_len bytes before the NUL; the caller frees it).
 * Returns FH_OK, FH_ERR_TOOBIG when it inflates to more than max bytes,
 * FH_ERR_CORRUPT when it is neither or is cut short, or FH_ERR_NOMEM. */
fh_status fh_file_inflate(const char *data, size_t len, uint64_t max, char **out, size_t *out_len);

#endif
