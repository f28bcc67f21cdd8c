/* query_internal.h - the parsed query, shared by the files of the query
 * module and by no one else.
 *
 *   query.c        the tree, the remembered word forms, what the query says
 *                  of itself (notes, words, phrases, description)
 *   query_parse.c  the lexer, the parser and the words through the analyzer
 *   query_build.c  the Xapian query built from the tree, with its title boosts
 *
 * The forms of a word the index holds are found by word_forms.h. */
#ifndef FH_QUERY_INTERNAL_H
#define FH_QUERY_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "query.h"
#include "status.h"

/* Notes kept at most (the rest are dropped). */
#define FH_QUERY__MAX_NOTES 8

typedef enum fh_query__kind {
    FH_QUERY__TERM,   /* one term */
    FH_QUERY__PREFIX, /* terms starting with a prefix */
    FH_QUERY__PHRASE, /* terms side by side */
    FH_QUERY__AND,    /* all of pos, none of neg */
    FH_QUERY__OR,     /* any of pos */
} fh_query__kind;

typedef struct fh_query__node fh_query__node;

typedef struct fh_query__list {
    fh_query__node **items;
    size_t n, cap;
} fh_query__list;

/* One node of the tree. */
struct fh_query__node {
    fh_query__kind kind;
    int title;    /* from a title: field */
    int implicit; /* AND: joined by juxtaposition, not a written AND */
    int common;   /* TERM: a common word (stopwords.h): optional, not highlighted */
    char **terms; /* TERM: 1; PHRASE: n_terms; PREFIX: norm, stem */
    char *exact;  /* TERM: the word unstemmed, when its stem differs (or NULL) */
    size_t n_terms;
    uint32_t window;    /* PHRASE: positions spanned */
    fh_query__list pos; /* AND, OR */
    fh_query__list neg; /* AND */
};

/* The forms of one word the index holds (word_forms.h), looked up once per
 * query: building it (body and title) and its snippets ask again. */
typedef struct fh_query__memo {
    char *term;   /* the term, or its title term, NUL-terminated */
    char **forms; /* the forms, or their title terms, each NUL-terminated */
    size_t n_forms;
} fh_query__memo;

typedef struct fh_query__memos {
    fh_query__memo *items;
    size_t n, cap;
} fh_query__memos;

/* A site:, lang: or date: of the query (query_filters.c). */
enum { FH_QUERY__SITE, FH_QUERY__LANG, FH_QUERY__DATE, FH_QUERY__FILTER_KINDS };

typedef struct fh_query__filter {
    int kind;    /* FH_QUERY__SITE, _LANG or _DATE */
    int negated; /* -site: and friends */
    char *value; /* the host (as filters.h writes hosts), the language, or the dates as typed */
    int has_from, has_to; /* DATE: which ends the range has */
    int64_t from, to;     /* DATE: its first and last second (date.h) */
} fh_query__filter;

struct fh_parsed_query {
    fh_query__node *root; /* NULL when the query is only filters */
    fh_query__filter *filters;
    size_t n_filters, cap_filters;
    fh_query_opts opts;
    const char *notes[FH_QUERY__MAX_NOTES];
    size_t n_notes;
    fh_query_word *words;
    size_t n_words;
    fh_query_phrase *phrases;
    size_t n_phrases;
    fh_query__memos *memos; /* filled as forms are looked up */
};

/* A new node of kind, empty; NULL when out of memory. */
fh_query__node *fh_query__node_new(fh_query__kind kind);

/* Free a node and everything under it. Accepts NULL. */
void fh_query__node_free(fh_query__node *n);

/* Append item to l. Returns FH_OK or FH_ERR_NOMEM (item is then not
 * taken). */
fh_status fh_query__list_push(fh_query__list *l, fh_query__node *item);

/* Append a copy of the len bytes of s to n's terms. Returns FH_OK or
 * FH_ERR_NOMEM. */
fh_status fh_query__node_add_term(fh_query__node *n, const char *s, size_t len);

/* Whether n is a common word (a TERM marked common): 1 or 0. */
int fh_query__is_common(const fh_query__node *n);

/* The memo of term's forms (title: of its title terms), looked up now if
 * need be, into *out (owned by q, valid until the next call). Returns FH_OK,
 * or FH_ERR_NOMEM (*out is then set only when the memo was made, left
 * short). */
fh_status fh_query__forms_of(const fh_parsed_query *q, const char *term, int title,
                             const fh_query__memo **out);

/* When rc is FH_OK, the OR of the n queries alts into *out (of one: that
 * one); the alts are freed either way. Returns rc, or a status of the
 * store. */
fh_status fh_query__or_of(fh_status rc, fh_xquery **alts, size_t n, fh_xquery **out);

/* Add the note text (static: kept by address) to q's notes, once; past
 * FH_QUERY__MAX_NOTES it is dropped. */
void fh_query__note(fh_parsed_query *q, const char *text);

/* Whether note (of fh_query__note) says that a filter was not read. */
int fh_query__is_filter_note(const char *note);

/* Which filter field s (len bytes) starts with: FH_QUERY__SITE, _LANG or
 * _DATE ("site:" and so on, in any case), or -1. */
int fh_query__filter_field(const char *s, size_t len);

/* Read the filter s (len bytes, starting with its field) into q's filters,
 * negated or not; a value that is not one gets a note and is left out.
 * Returns FH_OK or FH_ERR_NOMEM. */
fh_status fh_query__filter_add(fh_parsed_query *q, const char *s, size_t len, int negated);

/* The query of words (NULL: every page) narrowed by q's filters: several
 * of one kind OR-ed, different kinds AND-ed, negated ones taken out; the
 * filters weigh nothing. Into *out (freed with fh_xquery_free()). Returns
 * FH_OK, FH_ERR_NOMEM or a store status. */
fh_status fh_query__filters_build(const fh_parsed_query *q, const fh_xquery *words,
                                  fh_xquery **out);

/* Free q's filters. */
void fh_query__filters_free(fh_parsed_query *q);

/* q's filters as text ("site:aawsat.com -lang:en date:2015-01-01T00:00:00Z.."),
 * appended to out after a space when out is not empty. */
void fh_query__filters_describe(const fh_parsed_query *q, fh_buf *out);

/* Append a copy of form (len bytes) to memo m (a word_forms.h callback, ctx
 * being m). Returns 0, or 1 when out of memory. */
int fh_query__memo_add(void *ctx, const char *form, size_t len);

#endif
