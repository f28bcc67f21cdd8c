/* evaluate_internal.h - what the files of the evaluation share: the loaded
 * tables (evaluate_load.c), read as Python reads text (evaluate_text.c), and
 * measured (evaluate.c). Not part of evaluate.h's interface. */
#ifndef FH_EVALUATE_INTERNAL_H
#define FH_EVALUATE_INTERNAL_H

#include <locale.h>
#include <stddef.h>
#include <stdint.h>

#include "evaluate.h"

/* One non-empty line: pointers into the table's text. */
typedef struct entry {
    const char *qid;
    const char *doc;
    double value; /* qrels: the truncated rel; run: the score */
    uint32_t qid_len;
    uint32_t doc_len;
    uint32_t qid_chars; /* the qid's length in code points (eval.py sorts by it) */
    uint32_t line;
} entry;

/* The entries of one query: e[first .. first + count). */
typedef struct group {
    const char *qid;
    uint32_t qid_len;
    uint32_t qid_chars;
    size_t first;
    size_t count;
} group;

typedef struct table {
    char *text; /* owned copy of the input */
    entry *e;
    size_t ne;
    group *g; /* in eval.py's query order */
    size_t ng;
    size_t max_group; /* largest count */
} table;

struct fh_eval_qrels {
    table t;
};

struct fh_eval_run {
    table t;
    size_t dups;
};

/* The group of t with this qid (len bytes, chars code points), or NULL. */
const group *fh_eval__find_group(const table *t, const char *qid, uint32_t len, uint32_t chars);

/* The entry of group g (sorted by docid) for doc (len bytes), or NULL. */
const entry *fh_eval__find_doc(const table *t, const group *g, const char *doc, size_t len);

/* Decode one code point of strict UTF-8 (as Python's decoder: no overlong
 * forms, no surrogates, nothing above U+10FFFF) from s (n > 0 bytes).
 * Returns its length, or 0 for an invalid sequence. */
size_t fh_eval__utf8_decode(const unsigned char *s, size_t n, uint32_t *cp);

/* Whether str.split() splits on cp: str.isspace() (Python 3.11, Unicode
 * 14). Returns 1 or 0. */
int fh_eval__is_space(uint32_t cp);

/* Python's float() of the token tok (n bytes of valid UTF-8, no
 * whitespace) into *out, under c_locale (the C locale). Returns FH_OK,
 * FH_ERR_INVALID (not a number) or FH_ERR_NOMEM. */
fh_status fh_eval__py_float(const char *tok, size_t n, locale_t c_locale, double *out);

#endif
