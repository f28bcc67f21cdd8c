/* version.h - what --version prints: fihris's version and the libraries
 * it runs with. */
#ifndef FH_VERSION_H
#define FH_VERSION_H

#include "buf.h"

/* Append to out the lines --version prints, each ending in a newline:
 *   PROGRAM VERSION
 *   Xapian VERSION, shared library      (the libxapian running now)
 *   ICU VERSION, shared library         (the ICU running now)
 *   libstemmer: no version reported; ...  (it has no version call: how the
 *                                         build found it)
 * "static library" instead of "shared library" for one the build linked
 * statically (CMake's FH_*_STATIC defines). program is the program's name.
 * Returns FH_OK, or FH_ERR_NOMEM (out's sticky error). */
fh_status fh_version_describe(const char *program, fh_buf *out);

#endif
