/* word_forms.h - other spellings of a word that an index holds.
 *
 * A query word also matches the forms of it the stemmer does not join:
 *
 *   Arabic   typed without the prefix of an imperfect verb (ناقش for تناقش,
 *            هدد for يهدد): the forms with ي ت ن; typed with a one-letter
 *            clitic the stemmer keeps (لصليب, وقال): the word without it,
 *            when the index holds that more often (not زير for وزير);
 *            typed without one (توحيد for لتوحيد): the forms with و ب ل,
 *            those the index holds less often than the word (or any, when
 *            it lacks the word); typed ending
 *            with heh: its other reading, pronoun or teh marbuta
 *   Latin    a word the index lacks (a typo, an odd plural: armss, ucus):
 *            the index's terms for it without its final s, or with one; a
 *            plural Snowball leaves alone (qtrs, dvds) has its form without
 *            s even when the index holds it
 *
 * Only forms the index holds are given. The query (query.h) remembers them
 * for its word, so that the query and its snippets use the same forms. */
#ifndef FH_WORD_FORMS_H
#define FH_WORD_FORMS_H

#include <stddef.h>

#include "analyzer.h"
#include "status.h"
#include "store.h"

/* Told of each form found: form is len bytes, valid during the call only.
 * Returns nonzero to stop. */
typedef int (*fh_word_forms_fn)(void *ctx, const char *form, size_t len);

/* The Arabic forms of term (an index term without prefix) that db holds,
 * each given to fn with ctx. A term that is not Arabic, or a NULL db: none.
 * Returns FH_OK or FH_ERR_NOMEM. */
fh_status fh_word_forms_arabic(fh_db *db, const char *term, fh_word_forms_fn fn, void *ctx);

/* The other reading of an Arabic word typed ending with heh, whose term is
 * term: a pronoun (كتابه, his book, is كتاب) or teh marbuta typed as heh
 * (مدرسه for مدرسة). The stemmer takes the heh off when four letters are
 * left (arabic_stem.h); the other reading is the term with the heh when it
 * was taken off, without it when it was kept. When db holds it, it goes to
 * fn with ctx, and *more tells whether db holds it more often than term
 * (then it is likelier what was meant). Returns FH_OK or FH_ERR_NOMEM. */
fh_status fh_word_forms_arabic_heh(fh_db *db, const char *term, int *more, fh_word_forms_fn fn,
                                   void *ctx);

/* The spelling of an Arabic title word typed as norm (normalized, not
 * stemmed) that db holds as written (FH_PREFIX_EXACT), when it does not
 * hold norm itself: norm without the clitics typed before it, a conjunction
 * و ف, a particle ب ك ل and the article (بالمنتجات: المنتجات, else
 * منتجات), FH_ARABIC_MIN_STEM letters kept. Given to fn with ctx; none
 * when db holds norm, the word is not Arabic or db is NULL. Returns FH_OK
 * or FH_ERR_NOMEM. */
fh_status fh_word_forms_arabic_exact(fh_db *db, const char *norm, fh_word_forms_fn fn, void *ctx);

/* The Latin forms of term (an index term without prefix; norm is the word
 * normalized, before stemming) that db holds, made with analyzer a (as the
 * index was built), each given to fn with ctx. A word the index holds (but
 * for a plural Snowball leaves alone), a word of fewer than three letters,
 * a term that is not Latin or a NULL db: none. Returns FH_OK, FH_ERR_NOMEM
 * or a status of the analyzer. */
fh_status fh_word_forms_latin(fh_analyzer *a, fh_db *db, const char *term, const char *norm,
                              fh_word_forms_fn fn, void *ctx);

#endif
