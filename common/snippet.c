/* snippet.c - placeholder, being written. */
#include "snippet.h"
