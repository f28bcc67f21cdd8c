/* read_file.h - reading a page file whole into memory. */
#ifndef FH_INDEX_READ_FILE_H
#define FH_INDEX_READ_FILE_H

#include <stddef.h>

#include "status.h"

/* Read the file path whole into memory; a file that grows while it is read
 * is read as far as it goes. Returns FH_OK and *data (NUL-terminated, the
 * caller frees with free()) and *len, FH_ERR_NOMEM, or FH_ERR_IO with *err
 * the errno of the failure (the file cannot be opened or read). */
fh_status fh_read_file(const char *path, char **data, size_t *len, int *err);

#endif
