/* page.c - placeholder, being written. */
#include "page.h"
