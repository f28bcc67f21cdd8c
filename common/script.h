/* script.h - the scripts the analyzer tells apart. */
#ifndef FH_SCRIPT_H
#define FH_SCRIPT_H

typedef enum fh_script {
    FH_SCRIPT_LATIN,  /* Latin letters: stemmed as English */
    FH_SCRIPT_ARABIC, /* Arabic letters: stemmed as Arabic */
    FH_SCRIPT_NUMBER, /* digits of any script, folded to ASCII */
    FH_SCRIPT_OTHER,  /* any other script: normalized, not stemmed */
} fh_script;

/* The name of a script: "latin", "arabic", "number" or "other" (static). */
const char *fh_script_name(fh_script script);

#endif
