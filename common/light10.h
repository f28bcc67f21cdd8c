/* light10.h - a light Arabic stemmer in the manner of Larkey, Ballesteros and
 * Connell's light10 ("Light Stemming for Arabic Information Retrieval",
 * 2007): strip one leading conjunction or article, then common suffixes.
 *
 * It expects a word already normalized by normalize.h (alef forms folded,
 * teh marbuta as heh, alef maqsura as yeh, no harakat or tatweel), which is
 * why teh marbuta and yeh-teh-marbuta need no entries of their own:
 *   prefixes, first match only: وال بال كال فال ال لل, else و when at least
 *     three letters remain; an article only when at least two letters remain;
 *   suffixes, each in turn when at least min_stem letters remain:
 *     ها ان ات ون ين يه ه ي.
 * light10 itself keeps two letters; fihris keeps three (FH_LIGHT10_MIN_STEM),
 * as Arabic roots have three letters and two-letter remains are particles
 * and names: with two, بنات (girls) becomes بن (son of, in most names),
 * فيه and منه become في and من, and القرآن, قرون and قرى all become قر.
 * Unlike Snowball's arabic stemmer it treats a word alike with and without
 * its article: المدرسة, مدرسة and مدرسه all become مدرس. */
#ifndef FH_LIGHT10_H
#define FH_LIGHT10_H

#include <stddef.h>

/* Stem word (len bytes of normalized UTF-8). The stem is always a substring
 * of word: *start receives its offset and the return value its length. */
size_t fh_light10_stem(const char *word, size_t len, size_t min_stem, size_t *start);

/* The fewest letters fihris leaves after taking off a suffix. */
#define FH_LIGHT10_MIN_STEM 3

#endif
