/* html.c - placeholder */
#include "page.h"
