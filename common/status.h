/* status.h - the one list of fihris status codes and their messages.
 *
 * Every function that can fail returns one of these: FH_OK (0) or a negative
 * code. The X-macro keeps codes and texts together so they never drift. */
#ifndef FH_STATUS_H
#define FH_STATUS_H

#define FH_STATUS_LIST(X)                                                                          \
    X(FH_OK, 0, "ok")                                                                              \
    X(FH_ERR_NOMEM, -1, "out of memory")                                                           \
    X(FH_ERR_INVALID, -2, "invalid argument")                                                      \
    X(FH_ERR_IO, -3, "input/output error")                                                         \
    X(FH_ERR_NOTFOUND, -4, "not found")                                                            \
    X(FH_ERR_LOCKED, -5, "the index is locked by another writer")                                  \
    X(FH_ERR_OPENING, -6, "cannot open the index")                                                 \
    X(FH_ERR_CORRUPT, -7, "the index is corrupt")                                                  \
    X(FH_ERR_MODIFIED, -8, "the index was modified while reading; reopen and retry")               \
    X(FH_ERR_XAPIAN, -9, "index error")                                                            \
    X(FH_ERR_TOOBIG, -10, "input too large")                                                       \
    X(FH_ERR_ENCODING, -11, "text encoding error")                                                 \
    X(FH_ERR_NETWORK, -12, "cannot reach a remote index")                                          \
    X(FH_ERR_UNKNOWN, -13, "unexpected error")                                                     \
    X(FH_ERR_GUARD, -14, "deletions held back: more than --max-delete allows")

typedef enum fh_status {
#define FH_STATUS_ENUM(name, value, text) name = value,
    FH_STATUS_LIST(FH_STATUS_ENUM)
#undef FH_STATUS_ENUM
} fh_status;

/* Return the fixed message for a status code ("unexpected error" for codes
 * not in the list). The string is static: never free it. */
const char *fh_status_str(int status);

/* Set *errmsg to a new message made from fmt (printf-style), freeing the
 * one it held; the caller frees it with free(). Out of memory, *errmsg is
 * left NULL. Does nothing when errmsg is NULL. Messages longer than 1,200
 * bytes are cut. */
void fh_status_msg(char **errmsg, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
