/* status.c - messages for the status codes of status.h. */
#include "status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

void fh_status_msg(char **errmsg, const char *fmt, ...)
{
    if (errmsg == NULL)
        return;
    free(*errmsg);
    *errmsg = NULL;
    char text[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    *errmsg = strdup(text);
}
