/* stopwords.h - the common words a query can do without.
 *
 * English (the Snowball list) and Arabic function words: articles,
 * prepositions, pronouns, auxiliaries. A query drops them from its plain
 * words, unless the query would be left with nothing (the query "to be or not
 * to be" keeps every word); phrases keep every word. Pages keep all their
 * words: a stopword still counts in a phrase and is still highlighted.
 *
 * Words are compared in their normalized form (normalize.h), before
 * stemming: "The" and "the" match "the"; "على" and "علي" match "علي". */
#ifndef FH_STOPWORDS_H
#define FH_STOPWORDS_H

#include <stddef.h>

/* Whether the normalized word w (len bytes) is a stopword: 1 or 0. */
int fh_stopword_is(const char *w, size_t len);

#endif
