/* script.c - names of the scripts of script.h. */
#include "script.h"

const char *fh_script_name(fh_script script)
{
    switch (script) {
    case FH_SCRIPT_LATIN:
        return "latin";
    case FH_SCRIPT_ARABIC:
        return "arabic";
    case FH_SCRIPT_NUMBER:
        return "number";
    case FH_SCRIPT_OTHER:
        break;
    }
    return "other";
}
