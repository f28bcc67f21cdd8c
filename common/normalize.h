/* normalize.h - turn one word's original bytes into its normalized form.
 *
 * The normalization every fihris term goes through, whatever the script:
 *   - NFKC with case folding (ICU nfkc_cf): lower case, compatibility forms,
 *     Arabic presentation forms and ligatures (U+FB50-U+FDFF, U+FE70-U+FEFF,
 *     e.g. U+FEFB) to base letters, and default-ignorable characters (ZWJ,
 *     ZWNJ, bidi marks, soft hyphen) removed;
 *   - Latin accents folded (cafe with an acute accent = cafe);
 *   - Arabic: harakat and tanween U+064B-U+065F, superscript alef U+0670,
 *     Qur'anic marks U+06D6-U+06ED and tatweel U+0640 removed; alef forms
 *     U+0622 U+0623 U+0625 U+0671 (and the wavy-hamza alefs U+0672 U+0673)
 *     folded to U+0627; alef maqsura U+0649 to yeh U+064A; teh marbuta
 *     U+0629 to heh U+0647 (with FH_NORMALIZE_ARABIC_FORMS, later: see
 *     there);
 *   - Arabic-Indic U+0660-U+0669 and Eastern Arabic-Indic U+06F0-U+06F9
 *     digits to ASCII 0-9; in numbers, grouping commas (',' U+066C) dropped
 *     and the Arabic decimal separator U+066B made '.';
 *   - typographic apostrophes (U+2018 U+2019 U+02BC) made ASCII '\''.
 * Plain ASCII words take a fast path: lower-casing only.
 *
 * Not thread-safe: one fh_normalizer per thread. */
#ifndef FH_NORMALIZE_H
#define FH_NORMALIZE_H

#include <stddef.h>

#include "buf.h"
#include "status.h"

typedef struct fh_normalizer fh_normalizer;

enum fh_normalize_flags {
    /* Also fold the hamza seats: waw with hamza U+0624 to waw, yeh with hamza
     * U+0626 to yeh, and drop the lone hamza U+0621. */
    FH_NORMALIZE_FOLD_HAMZA_SEATS = 1 << 0,
    /* Fold the other forms of Arabic letters (indexes of format 5 on):
     * waw with hamza U+0624 to waw; yeh with hamza U+0626 to yeh, but to
     * waw before a waw, where spellings differ only in the seat (مسئول,
     * مسؤول); a lone hamza U+0621 before a waw to waw (رءوس, رؤوس), else
     * kept (ماء is not ما); the Persian and Urdu forms keheh U+06A9 to kaf,
     * farsi yeh U+06CC to yeh, ae U+06D5, heh with yeh above U+06C0, heh
     * goal U+06C1 and heh doachashmee U+06BE to heh, teh marbuta goal U+06C3
     * to teh marbuta. Teh marbuta is kept, not made heh, so that the
     * stemmer can tell it from a suffix (arabic_stem.h); the analyzer folds
     * it to heh after stemming. */
    FH_NORMALIZE_ARABIC_FORMS = 1 << 1,
};

/* Make a normalizer with flags from fh_normalize_flags. Returns FH_OK and
 * *out (free with fh_normalizer_free()), FH_ERR_NOMEM, or FH_ERR_UNKNOWN when
 * ICU's normalization data cannot be loaded. */
fh_status fh_normalizer_new(int flags, fh_normalizer **out);

/* Free a normalizer. Accepts NULL. */
void fh_normalizer_free(fh_normalizer *n);

/* Normalize the word s (len bytes of UTF-8; invalid bytes count as U+FFFD)
 * and append the result to out as UTF-8. is_number says the word is a
 * number, which also drops grouping commas. Returns FH_OK, or FH_ERR_NOMEM
 * (out's sticky error is set too). The result may be empty (a word made only
 * of marks). */
fh_status fh_normalize_word(fh_normalizer *n, const char *s, size_t len, int is_number, fh_buf *out);

#endif
