/* status.c - messages for the status codes of status.h. */
#include "status.h"

const char *fh_status_str(int status)
{
    switch (status) {
#define FH_STATUS_CASE(name, value, text)                                                          \
    case name:                                                                                     \
        return text;
        FH_STATUS_LIST(FH_STATUS_CASE)
#undef FH_STATUS_CASE
    }
    return "unexpected error";
}
