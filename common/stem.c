/* stem.c - Snowball stemming by script, with a bounded cache (see stem.h). */
#include "stem.h"

#include <libstemmer.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "light10.h"
#include "status.h"

/* Words longer than this are not stemmed (and not cached). */
#define STEM_MAX_WORD 64
/* Cache slots per script. A word is looked for in CACHE_PROBES slots from
 * its hash; when all are taken, a new word replaces the first. */
#define CACHE_SLOTS  16384u
#define CACHE_PROBES 4

typedef struct cache_entry {
    uint32_t hash; /* 0 = empty slot */
    uint8_t word_len;
    uint8_t stem_len;
    char text[2 * STEM_MAX_WORD]; /* word, then stem */
} cache_entry;

typedef struct stem_cache {
    struct sb_stemmer *snowball;
    cache_entry *slots;
} stem_cache;

struct fh_stemmer {
    fh_english_stemmer en;
    fh_arabic_stemmer ar;
    stem_cache english; /* unused with FH_EN_STEM_NONE */
    stem_cache arabic;  /* used with FH_AR_STEM_SNOWBALL only */
};

static const char *const english_names[] = {"english", "porter", "none"};
static const char *const arabic_names[] = {"light10", "snowball", "none"};

const char *fh_english_stemmer_name(fh_english_stemmer which)
{
    return (unsigned)which < 3 ? english_names[which] : "none";
}

const char *fh_arabic_stemmer_name(fh_arabic_stemmer which)
{
    return (unsigned)which < 3 ? arabic_names[which] : "none";
}

static int parse_name(const char *const names[3], const char *name, int *out)
{
    for (int i = 0; i < 3; i++) {
        if (strcmp(names[i], name) == 0) {
            *out = i;
            return FH_OK;
        }
    }
    return FH_ERR_INVALID;
}

int fh_english_stemmer_parse(const char *name, fh_english_stemmer *out)
{
    int i = 0;
    int rc = parse_name(english_names, name, &i);
    if (rc == FH_OK)
        *out = (fh_english_stemmer)i;
    return rc;
}

int fh_arabic_stemmer_parse(const char *name, fh_arabic_stemmer *out)
{
    int i = 0;
    int rc = parse_name(arabic_names, name, &i);
    if (rc == FH_OK)
        *out = (fh_arabic_stemmer)i;
    return rc;
}

static uint32_t hash_bytes(const char *s, size_t len)
{
    uint32_t h = 2166136261u; /* FNV-1a */
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 16777619u;
    }
    return h ? h : 1;
}

static int cache_init(stem_cache *c, const char *language)
{
    c->snowball = sb_stemmer_new(language, "UTF_8");
    if (c->snowball == NULL)
        return FH_ERR_UNKNOWN;
    c->slots = calloc(CACHE_SLOTS, sizeof *c->slots);
    if (c->slots == NULL)
        return FH_ERR_NOMEM;
    return FH_OK;
}

static void cache_free(stem_cache *c)
{
    if (c->snowball)
        sb_stemmer_delete(c->snowball);
    free(c->slots);
}

int fh_stemmer_new(fh_english_stemmer en, fh_arabic_stemmer ar, fh_stemmer **out)
{
    *out = NULL;
    fh_stemmer *s = calloc(1, sizeof *s);
    if (s == NULL)
        return FH_ERR_NOMEM;
    s->en = en;
    s->ar = ar;
    int rc = FH_OK;
    if (en != FH_EN_STEM_NONE)
        rc = cache_init(&s->english, en == FH_EN_STEM_PORTER ? "porter" : "english");
    if (rc == FH_OK && ar == FH_AR_STEM_SNOWBALL)
        rc = cache_init(&s->arabic, "arabic");
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
    cache_free(&s->english);
    cache_free(&s->arabic);
    free(s);
}

static int stem_cached(stem_cache *c, const char *word, size_t len, const char **stem,
                       size_t *stem_len)
{
    uint32_t h = hash_bytes(word, len);
    cache_entry *victim = NULL;
    for (size_t k = 0; k < CACHE_PROBES; k++) {
        cache_entry *e = &c->slots[(h + k) & (CACHE_SLOTS - 1)];
        if (e->hash == 0) {
            victim = e;
            break;
        }
        if (e->hash == h && e->word_len == len && memcmp(e->text, word, len) == 0) {
            *stem = e->text + len;
            *stem_len = e->stem_len;
            return FH_OK;
        }
    }
    if (victim == NULL)
        victim = &c->slots[h & (CACHE_SLOTS - 1)];
    const sb_symbol *r = sb_stemmer_stem(c->snowball, (const sb_symbol *)word, (int)len);
    if (r == NULL)
        return FH_ERR_NOMEM;
    size_t rlen = (size_t)sb_stemmer_length(c->snowball);
    if (rlen == 0 || rlen > STEM_MAX_WORD) {
        /* Never let a stemmer erase a word. */
        r = (const sb_symbol *)word;
        rlen = len;
    }
    cache_entry *e = victim;
    e->hash = h;
    e->word_len = (uint8_t)len;
    e->stem_len = (uint8_t)rlen;
    memcpy(e->text, word, len);
    memcpy(e->text + len, r, rlen);
    *stem = e->text + len;
    *stem_len = rlen;
    return FH_OK;
}

int fh_stemmer_stem(fh_stemmer *s, fh_script script, const char *word, size_t len,
                    const char **stem, size_t *stem_len)
{
    *stem = word;
    *stem_len = len;
    if (len == 0 || len > STEM_MAX_WORD)
        return FH_OK;
    if (script == FH_SCRIPT_LATIN && s->en != FH_EN_STEM_NONE)
        return stem_cached(&s->english, word, len, stem, stem_len);
    if (script == FH_SCRIPT_ARABIC && s->ar == FH_AR_STEM_SNOWBALL)
        return stem_cached(&s->arabic, word, len, stem, stem_len);
    if (script == FH_SCRIPT_ARABIC && s->ar == FH_AR_STEM_LIGHT10) {
        size_t start = 0;
        *stem_len = fh_light10_stem(word, len, &start);
        *stem = word + start;
    }
    return FH_OK;
}
