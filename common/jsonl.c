/* jsonl.c - placeholder */
#include "page.h"
