/* stem.h - Snowball stemming by script, with a cache.
 *
 * Latin words go through an English stemmer (Snowball's english by default)
 * and Arabic words through an Arabic one (light10.h by default); numbers and
 * other scripts are left as they are. (The analyzer caches whole words, so
 * the stemmers themselves keep no cache.)
 *
 * Not thread-safe: one fh_stemmer per thread. */
#ifndef FH_STEM_H
#define FH_STEM_H

#include <stddef.h>

#include "script.h"
#include "status.h"

typedef struct fh_stemmer fh_stemmer;

typedef enum fh_english_stemmer {
    FH_EN_STEM_SNOWBALL, /* Snowball's english ("porter2") */
    FH_EN_STEM_PORTER,   /* the original Porter stemmer */
    FH_EN_STEM_NONE,
} fh_english_stemmer;

typedef enum fh_arabic_stemmer {
    FH_AR_STEM_LIGHT10,  /* light10.h */
    FH_AR_STEM_SNOWBALL, /* Snowball's arabic */
    FH_AR_STEM_NONE,
    FH_AR_STEM_LIGHT10_2, /* light10.h keeping two letters (indexes of format 1) */
    FH_AR_STEM_FIHRIS,    /* arabic_stem.h (indexes of format 5 on) */
} fh_arabic_stemmer;

/* Names, as stored in an index's settings: "english", "porter", "none";
 * "light10", "snowball", "none", "light10-2", "fihris". The strings are static. */
const char *fh_english_stemmer_name(fh_english_stemmer which);
const char *fh_arabic_stemmer_name(fh_arabic_stemmer which);

/* Parse those names. Return FH_OK, or FH_ERR_INVALID for an unknown name. */
fh_status fh_english_stemmer_parse(const char *name, fh_english_stemmer *out);
fh_status fh_arabic_stemmer_parse(const char *name, fh_arabic_stemmer *out);

/* Make a stemmer. Returns FH_OK and *out (free with fh_stemmer_free()),
 * FH_ERR_NOMEM, or FH_ERR_UNKNOWN when a Snowball stemmer is missing. */
fh_status fh_stemmer_new(fh_english_stemmer en, fh_arabic_stemmer ar, fh_stemmer **out);

/* Free a stemmer. Accepts NULL. */
void fh_stemmer_free(fh_stemmer *s);

/* Stem word (len bytes, already normalized) as a word of script. *stem and
 * *stem_len receive the result, valid until the next call on s; for scripts
 * that are not stemmed (or a word too long to stem) they are word and len
 * themselves. Returns FH_OK or FH_ERR_NOMEM. */
fh_status fh_stemmer_stem(fh_stemmer *s, fh_script script, const char *word, size_t len,
                    const char **stem, size_t *stem_len);

#endif
