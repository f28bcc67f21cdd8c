/* stem.c - stemming by script: Snowball and light10 (see stem.h). */
#include "stem.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arabic_stem.h"
#include "light10.h"
#include "status.h"

/* Words longer than this are not stemmed. */
#define STEM_MAX_WORD 64

struct fh_stemmer {
    fh_english_stemmer en;
    fh_arabic_stemmer ar;
    struct sb_stemmer *english; /* NULL with FH_EN_STEM_NONE */
    struct sb_stemmer *arabic;  /* with FH_AR_STEM_SNOWBALL only */
    char stem[STEM_MAX_WORD];   /* FH_AR_STEM_FIHRIS's result */
};

static const char *const english_names[] = {"english", "porter", "none"};
static const char *const arabic_names[] = {"light10", "snowball", "none", "light10-2", "fihris"};
#define N_ARABIC (sizeof arabic_names / sizeof arabic_names[0])

const char *fh_english_stemmer_name(fh_english_stemmer which)
{
    return (unsigned)which < 3 ? english_names[which] : "none";
}

const char *fh_arabic_stemmer_name(fh_arabic_stemmer which)
{
    return (unsigned)which < N_ARABIC ? arabic_names[which] : "none";
}

static fh_status parse_name(const char *const names[], int n, const char *name, int *out)
{
    for (int i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            *out = i;
            return FH_OK;
        }
    }
    return FH_ERR_INVALID;
}

fh_status fh_english_stemmer_parse(const char *name, fh_english_stemmer *out)
{
    int i = 0;
    int rc = parse_name(english_names, 3, name, &i);
    if (rc == FH_OK)
        *out = (fh_english_stemmer)i;
    return rc;
}

fh_status fh_arabic_stemmer_parse(const char *name, fh_arabic_stemmer *out)
{
    int i = 0;
    int rc = parse_name(arabic_names, (int)N_ARABIC, name, &i);
    if (rc == FH_OK)
        *out = (fh_arabic_stemmer)i;
    return rc;
}

fh_status fh_stemmer_new(fh_english_stemmer en, fh_arabic_stemmer ar, fh_stemmer **out)
{
    *out = NULL;
    fh_stemmer *s = calloc(1, sizeof *s);
    if (s == NULL)
        return FH_ERR_NOMEM;
    s->en = en;
    s->ar = ar;
    int rc = FH_OK;
    if (en != FH_EN_STEM_NONE) {
        s->english = sb_stemmer_new(en == FH_EN_STEM_PORTER ? "porter" : "english", "UTF_8");
        rc = s->english ? FH_OK : FH_ERR_UNKNOWN;
    }
    if (rc == FH_OK && ar == FH_AR_STEM_SNOWBALL) {
        s->arabic = sb_stemmer_new("arabic", "UTF_8");
        rc = s->arabic ? FH_OK : FH_ERR_UNKNOWN;
    }
    if (rc != FH_OK) {
        fh_stemmer_free(s);
        return rc;
    }
    *out = s;
    return FH_OK;
}

void fh_stemmer_free(fh_stemmer *s)
{
    if (s == NULL)
        return;
    if (s->english)
        sb_stemmer_delete(s->english);
    if (s->arabic)
        sb_stemmer_delete(s->arabic);
    free(s);
}

/* Stem with Snowball. The result is valid until the next call on sb. */
static int snowball(struct sb_stemmer *sb, const char *word, size_t len, const char **stem,
                    size_t *stem_len)
{
    const sb_symbol *r = sb_stemmer_stem(sb, (const sb_symbol *)word, (int)len);
    if (r == NULL)
        return FH_ERR_NOMEM;
    size_t n = (size_t)sb_stemmer_length(sb);
    if (n == 0 || n > STEM_MAX_WORD)
        return FH_OK; /* never let a stemmer erase a word */
    *stem = (const char *)r;
    *stem_len = n;
    return FH_OK;
}

fh_status fh_stemmer_stem(fh_stemmer *s, fh_script script, const char *word, size_t len,
                          const char **stem, size_t *stem_len)
{
    *stem = word;
    *stem_len = len;
    if (len == 0 || len > STEM_MAX_WORD)
        return FH_OK;
    if (script == FH_SCRIPT_LATIN && s->english)
        return snowball(s->english, word, len, stem, stem_len);
    if (script == FH_SCRIPT_ARABIC && s->arabic)
        return snowball(s->arabic, word, len, stem, stem_len);
    if (script == FH_SCRIPT_ARABIC && s->ar == FH_AR_STEM_FIHRIS) {
        *stem_len = fh_arabic_stem(word, len, s->stem);
        *stem = s->stem;
    }
    if (script == FH_SCRIPT_ARABIC &&
        (s->ar == FH_AR_STEM_LIGHT10 || s->ar == FH_AR_STEM_LIGHT10_2)) {
        size_t start = 0;
        *stem_len = fh_light10_stem(word, len,
                                    s->ar == FH_AR_STEM_LIGHT10 ? FH_LIGHT10_MIN_STEM : 2, &start);
        *stem = word + start;
    }
    return FH_OK;
}
