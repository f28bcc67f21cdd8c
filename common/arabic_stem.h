/* arabic_stem.h - fihris's Arabic light stemmer: takes off what is surely an
 * affix and keeps apart words that only look alike.
 *
 * light10 (light10.h) merges unrelated words by taking off letters that
 * belong to them: الله becomes له, وزارة زار, وزير زير, واشنطن اشنطن, and
 * الرياضة (sport) the same as الرياض (Riyadh). This stemmer keeps a word's
 * letters unless the affix is certain and enough is left:
 *   - articles, first match only: وال بال كال فال لل ال, when at least
 *     FH_ARABIC_MIN_STEM (3) letters remain (الله stays الله);
 *   - a lone conjunction or preposition (و ف ب ك ل) is never taken off: with
 *     no dictionary, وزير, وجدة and واشنطن cannot be told from وكتاب. Queries
 *     find those forms through the index instead (word_forms.h);
 *   - one pronoun suffix: ها هم هما هن when 3 letters remain, ه when 4 do
 *     (كتابه is كتاب; in هيئه, written for هيئة, the ه stays). A ت left
 *     before it was a teh marbuta (مدرستها is مدرسة) unless it ends a plural
 *     ات, which comes off too (قراراتها is قرار);
 *   - else one plural or dual suffix: ات when 3 letters remain, ون ين ان
 *     when 4 do (المعلمون is معلم; لبنان, سلمان and عشرين stay);
 *   - teh marbuta is kept: الرياضة is not الرياض, وزارة is not وزار. The
 *     nisba ي is kept too: الرياضي is not الرياض, السعودي not سعود.
 * Its input is a word normalized with FH_NORMALIZE_ARABIC_FORMS
 * (normalize.h), which keeps teh marbuta so that this stemmer can tell it
 * from a suffix heh; the analyzer folds it to heh afterwards. */
#ifndef FH_ARABIC_STEM_H
#define FH_ARABIC_STEM_H

#include <stddef.h>

/* The fewest letters a prefix or suffix leaves. */
#define FH_ARABIC_MIN_STEM 3
/* The fewest letters a suffix heh, or ون ين ان, leaves. */
#define FH_ARABIC_MIN_STEM_LONG 4

/* Stem word (len bytes of normalized UTF-8) into out, which has room for len
 * bytes. Returns the stem's length. A word that is not all Arabic letters
 * (U+0600-U+06FF), or longer than 64 letters, is copied as it is. */
size_t fh_arabic_stem(const char *word, size_t len, char *out);

#endif
