/* version.c - what --version prints (see version.h). */
#include "version.h"

#include <unicode/uversion.h>

#include "store.h"

/* Set by common/CMakeLists.txt from the libraries the build found. */
#ifndef FH_XAPIAN_STATIC
#define FH_XAPIAN_STATIC 0
#endif
#ifndef FH_ICU_STATIC
#define FH_ICU_STATIC 0
#endif
#ifndef FH_STEMMER_STATIC
#define FH_STEMMER_STATIC 0
#endif
#ifndef FH_STEMMER_PACKAGE
#define FH_STEMMER_PACKAGE ""
#endif

static const char *linkage(int is_static)
{
    return is_static ? "static library" : "shared library";
}

fh_status fh_version_describe(const char *program, fh_buf *out)
{
    UVersionInfo icu;
    char icu_text[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(icu);
    u_versionToString(icu, icu_text);

    fh_buf_printf(out, "%s %s\n", program, FH_VERSION);
    fh_buf_printf(out, "Xapian %s, %s\n", fh_store_xapian_version(), linkage(FH_XAPIAN_STATIC));
    fh_buf_printf(out, "ICU %s, %s\n", icu_text, linkage(FH_ICU_STATIC));
    /* libstemmer has no version call: say what the build linked. */
    if (FH_STEMMER_PACKAGE[0] != '\0')
        fh_buf_printf(out, "libstemmer: no version reported; built with Debian package %s, %s\n",
                      FH_STEMMER_PACKAGE, linkage(FH_STEMMER_STATIC));
    else
        fh_buf_printf(out, "libstemmer: no version reported; not from a Debian package, %s\n",
                      linkage(FH_STEMMER_STATIC));
    return fh_buf_status(out);
}
