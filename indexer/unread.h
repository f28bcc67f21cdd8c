/* unread.h - the files and folders a run could not read.
 *
 * A folder that cannot be listed, or a file that cannot be opened or read
 * (permission denied, an input/output error, a file gone in the middle of
 * the walk), says nothing about whether its pages still exist. The run
 * remembers each such path here, warns once per path, and keeps every
 * document whose file lies under one of them: the delete phase passes them
 * over. Adding is safe from several threads at once; asking is for when
 * adding is over. */
#ifndef FH_INDEX_UNREAD_H
#define FH_INDEX_UNREAD_H

#include <stddef.h>

#include "status.h"

typedef struct fh_unread fh_unread;

/* Make an empty set. Returns FH_OK and *out (free with fh_unread_free()),
 * or FH_ERR_NOMEM. */
fh_status fh_unread_new(fh_unread **out);

/* Free a set. Accepts NULL. */
void fh_unread_free(fh_unread *u);

/* Remember path (len bytes). Returns 1 when it is new to the set (the
 * caller warns), 0 when it was there already, and 1 as well when u is NULL
 * or memory runs out (then it is only said, not remembered). */
int fh_unread_add(fh_unread *u, const char *path, size_t len);

/* Whether the file path (len bytes) is one of the set's paths or lies under
 * one of its folders. */
int fh_unread_covers(const fh_unread *u, const char *path, size_t len);

/* How many paths the set holds. */
size_t fh_unread_count(const fh_unread *u);

#endif
