/* stopwords.c - the English and Arabic stopword lists (see stopwords.h). */
#include "stopwords.h"

#include <string.h>

/* Normalized forms. English: Snowball's list. Arabic: function words with
 * alef forms folded to ا, ى to ي, ة to ه, as normalize.h makes them. Only
 * query words are looked up, a few at a time: a plain scan will do. */
static const char *const words[] = {
    "a", "about", "above", "after", "again", "against", "all", "am", "an", "and", "any", "are",
    "as", "at", "be", "because", "been", "before", "being", "below", "between", "both", "but", "by",
    "can", "could", "did", "do", "does", "doing", "down", "during", "each", "few", "for", "from",
    "further", "had", "has", "have", "having", "he", "her", "here", "hers", "herself", "him",
    "himself", "his", "how", "i", "if", "in", "into", "is", "it", "its", "itself", "me", "more",
    "most", "my", "myself", "no", "nor", "not", "of", "off", "on", "once", "only", "or", "other",
    "ought", "our", "ours", "ourselves", "out", "over", "own", "same", "she", "should", "so",
    "some", "such", "than", "that", "the", "their", "theirs", "them", "themselves", "then", "there",
    "these", "they", "this", "those", "through", "to", "too", "under", "until", "up", "very", "was",
    "we", "were", "what", "when", "where", "which", "while", "who", "whom", "why", "will", "with",
    "would", "you", "your", "yours", "yourself", "yourselves",
    /* Arabic */
    "\xd8\xa7\xd8\xb0",                         /* اذ */
    "\xd8\xa7\xd8\xb0\xd8\xa7",                 /* اذا */
    "\xd8\xa7\xd9\x84\xd8\xa7",                 /* الا */
    "\xd8\xa7\xd9\x84\xd8\xaa\xd9\x8a",         /* التي */
    "\xd8\xa7\xd9\x84\xd8\xb0\xd9\x8a",         /* الذي */
    "\xd8\xa7\xd9\x84\xd8\xb0\xd9\x8a\xd9\x86", /* الذين */
    "\xd8\xa7\xd9\x84\xd9\x8a",                 /* الي */
    "\xd8\xa7\xd9\x84\xd9\x8a\xd9\x87",         /* اليه */
    "\xd8\xa7\xd9\x85",                         /* ام */
    "\xd8\xa7\xd9\x85\xd8\xa7",                 /* اما */
    "\xd8\xa7\xd9\x86",                         /* ان */
    "\xd8\xa7\xd9\x86\xd9\x87",                 /* انه */
    "\xd8\xa7\xd9\x88",                         /* او */
    "\xd8\xa7\xd9\x8a",                         /* اي */
    "\xd8\xa7\xd9\x8a\xd8\xb6\xd8\xa7",         /* ايضا */
    "\xd8\xa8\xd9\x87",                         /* به */
    "\xd8\xa8\xd9\x87\xd8\xa7",                 /* بها */
    "\xd8\xa8\xd8\xb9\xd8\xaf",                 /* بعد */
    "\xd8\xa8\xd8\xb9\xd8\xb6",                 /* بعض */
    "\xd8\xa8\xd9\x8a\xd9\x86",                 /* بين */
    "\xd8\xaa\xd9\x84\xd9\x83",                 /* تلك */
    "\xd8\xab\xd9\x85",                         /* ثم */
    "\xd8\xad\xd8\xaa\xd9\x8a",                 /* حتي */
    "\xd8\xad\xd9\x8a\xd8\xab",                 /* حيث */
    "\xd8\xae\xd9\x84\xd8\xa7\xd9\x84",         /* خلال */
    "\xd8\xb0\xd9\x84\xd9\x83",                 /* ذلك */
    "\xd8\xb9\xd9\x84\xd9\x8a",                 /* علي */
    "\xd8\xb9\xd9\x84\xd9\x8a\xd9\x87",         /* عليه */
    "\xd8\xb9\xd9\x84\xd9\x8a\xd9\x87\xd8\xa7", /* عليها */
    "\xd8\xb9\xd9\x86",                         /* عن */
    "\xd8\xb9\xd9\x86\xd8\xaf",                 /* عند */
    "\xd8\xb9\xd9\x86\xd8\xaf\xd9\x85\xd8\xa7", /* عندما */
    "\xd8\xba\xd9\x8a\xd8\xb1",                 /* غير */
    "\xd9\x81\xd9\x8a",                         /* في */
    "\xd9\x81\xd9\x8a\xd9\x87",                 /* فيه */
    "\xd9\x81\xd9\x8a\xd9\x87\xd8\xa7",         /* فيها */
    "\xd9\x82\xd8\xa8\xd9\x84",                 /* قبل */
    "\xd9\x82\xd8\xaf",                         /* قد */
    "\xd9\x83\xd8\xa7\xd9\x86",                 /* كان */
    "\xd9\x83\xd8\xa7\xd9\x86\xd8\xaa",         /* كانت */
    "\xd9\x83\xd9\x84",                         /* كل */
    "\xd9\x83\xd9\x85\xd8\xa7",                 /* كما */
    "\xd9\x84\xd8\xa7",                         /* لا */
    "\xd9\x84\xd8\xaf\xd9\x8a",                 /* لدي */
    "\xd9\x84\xd9\x83\xd9\x86",                 /* لكن */
    "\xd9\x84\xd9\x85",                         /* لم */
    "\xd9\x84\xd9\x86",                         /* لن */
    "\xd9\x84\xd9\x87",                         /* له */
    "\xd9\x84\xd9\x87\xd8\xa7",                 /* لها */
    "\xd9\x85\xd8\xa7",                         /* ما */
    "\xd9\x85\xd8\xb9",                         /* مع */
    "\xd9\x85\xd9\x86",                         /* من */
    "\xd9\x85\xd9\x86\xd8\xb0",                 /* منذ */
    "\xd9\x85\xd9\x86\xd9\x87",                 /* منه */
    "\xd9\x85\xd9\x86\xd9\x87\xd8\xa7",         /* منها */
    "\xd9\x87\xd8\xb0\xd8\xa7",                 /* هذا */
    "\xd9\x87\xd8\xb0\xd9\x87",                 /* هذه */
    "\xd9\x87\xd9\x85",                         /* هم */
    "\xd9\x87\xd9\x86\xd8\xa7\xd9\x83",         /* هناك */
    "\xd9\x87\xd9\x88",                         /* هو */
    "\xd9\x87\xd9\x8a",                         /* هي */
    "\xd9\x88\xd9\x87\xd9\x88",                 /* وهو */
    "\xd9\x88\xd9\x87\xd9\x8a",                 /* وهي */
    "\xd9\x8a\xd9\x83\xd9\x88\xd9\x86",         /* يكون */
    "\xd9\x85\xd8\xaa\xd9\x8a",                 /* متي */
    "\xd9\x83\xd9\x8a\xd9\x81",                 /* كيف */
    "\xd9\x84\xd9\x85\xd8\xa7\xd8\xb0\xd8\xa7", /* لماذا */
    "\xd9\x85\xd8\xa7\xd8\xb0\xd8\xa7",         /* ماذا */
    "\xd9\x87\xd9\x84",                         /* هل */
    "\xd9\x83\xd9\x85",                         /* كم */
    "\xd8\xa7\xd9\x8a\xd9\x86",                 /* اين */
    "\xd9\x87\xd9\x85\xd8\xa7",                 /* هما */
    "\xd9\x87\xd9\x86",                         /* هن */
    "\xd9\x86\xd8\xad\xd9\x86",                 /* نحن */
    "\xd8\xa7\xd9\x86\xd8\xa7",                 /* انا */
    "\xd8\xa7\xd9\x86\xd8\xaa",                 /* انت */
    "\xd8\xa7\xd9\x86\xd8\xaa\xd9\x85",         /* انتم */
    "\xd9\x84\xd9\x85\xd8\xa7",                 /* لما */
    "\xd9\x85\xd9\x85\xd8\xa7",                 /* مما */
    "\xd8\xb9\xd9\x85\xd8\xa7",                 /* عما */
    "\xd9\x81\xd9\x8a\xd9\x85\xd8\xa7",         /* فيما */
    "\xd8\xa8\xd9\x85\xd8\xa7",                 /* بما */
    "\xd9\x83\xd9\x8a",                         /* كي */
    "\xd9\x84\xd9\x83\xd9\x8a",                 /* لكي */
    "\xd9\x84\xd9\x82\xd8\xaf",                 /* لقد */
    "\xd9\x84\xd9\x88",                         /* لو */
    "\xd8\xa8\xd9\x84",                         /* بل */
    "\xd8\xa7\xd9\x86\xd9\x85\xd8\xa7",         /* انما */
    "\xd8\xad\xd9\x8a\xd9\x86",                 /* حين */
    "\xd8\xad\xd9\x8a\xd9\x86\xd9\x85\xd8\xa7", /* حينما */
    "\xd8\xa8\xd9\x8a\xd9\x86\xd9\x85\xd8\xa7", /* بينما */
    "\xd9\x87\xd9\x88\xd9\x84\xd8\xa7\xd8\xa1", /* هولاء */
    "\xd8\xa7\xd9\x88\xd9\x84\xd8\xa6\xd9\x83", /* اولئك */
    "\xd9\x87\xd9\x86\xd8\xa7",                 /* هنا */
    "\xd8\xa7\xd9\x84\xd9\x84\xd8\xb0\xd9\x8a\xd9\x86",/* اللذين */
    "\xd8\xa7\xd9\x84\xd9\x84\xd8\xaa\xd9\x8a\xd9\x86",/* اللتين */
    "\xd8\xa7\xd9\x84\xd9\x84\xd9\x88\xd8\xa7\xd8\xaa\xd9\x8a",/* اللواتي */
    "\xd9\x84\xd9\x8a\xd8\xb3",                 /* ليس */
    "\xd9\x84\xd9\x8a\xd8\xb3\xd8\xaa",         /* ليست */
    "\xd9\x88\xd9\x83\xd8\xa7\xd9\x86",         /* وكان */
    "\xd9\x88\xd9\x83\xd8\xa7\xd9\x86\xd8\xaa", /* وكانت */
    "\xd9\x88\xd9\x82\xd8\xaf",                 /* وقد */
    "\xd9\x88\xd9\x84\xd9\x85",                 /* ولم */
    "\xd9\x88\xd9\x84\xd8\xa7",                 /* ولا */
    "\xd9\x88\xd9\x81\xd9\x8a",                 /* وفي */
    "\xd9\x88\xd9\x85\xd9\x86",                 /* ومن */
    "\xd9\x88\xd9\x85\xd8\xa7",                 /* وما */
    "\xd9\x88\xd8\xa7\xd9\x86",                 /* وان */
    "\xd9\x88\xd9\x87\xd9\x84",                 /* وهل */
    "\xd9\x81\xd9\x87\xd9\x84",                 /* فهل */
    "\xd9\x85\xd8\xa7\xd9\x87\xd9\x88",         /* ماهو */
    "\xd9\x85\xd8\xa7\xd9\x87\xd9\x8a",         /* ماهي */
    "\xd8\xa7\xd9\x84\xd9\x8a",                 /* الي */
    "\xd8\xa7\xd9\x8a\xd8\xa7",                 /* ايا */
    "\xd8\xa7\xd9\x84\xd8\xaa\xd9\x8a",         /* التي */
    "\xd8\xa7\xd9\x84",                         /* ال */
    "\xd8\xa8\xd9\x85\xd8\xa7\xd8\xb0\xd8\xa7", /* بماذا */
};

int fh_stopword_is(const char *w, size_t len)
{
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++)
        if (strncmp(words[i], w, len) == 0 && words[i][len] == '\0')
            return 1;
    return 0;
}
