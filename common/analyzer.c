/* analyzer.c - ICU word segmentation feeding normalization and stemming (see
 * analyzer.h). */
#include "analyzer.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>
#include <unicode/utf8.h>

#include "analyzer_internal.h"
#include "buf.h"
#include "normalize.h"
#include "status.h"
#include "stem.h"

/* ICU's break iterator takes int32 offsets: longer texts are cut into pieces
 * at a space or newline no longer than this. */
#define CHUNK_MAX ((size_t)1 << 30)

/* U+202F NARROW NO-BREAK SPACE in UTF-8. */
#define NNBSP "\xe2\x80\xaf"

/* Words repeat (Zipf): a cache from a word's original bytes to its analysis
 * skips UTF-16 conversion, normalization and stemming for most tokens. A word
 * is looked for in WORD_CACHE_PROBES slots from its hash; when they are all
 * taken, a new word replaces the first, so the cache never needs emptying
 * (which would cost a burst of misses and a memset of megabytes). */
#define WORD_CACHE_PROBES  4
#define WORD_CACHE_SURFACE 40
#define WORD_CACHE_TEXT    64

typedef struct word_entry {
    uint32_t hash; /* 0 = empty slot */
    uint8_t surface_len;
    uint8_t norm_len;
    uint8_t term_len;
    uint8_t script;
    char surface[WORD_CACHE_SURFACE];
    char norm[WORD_CACHE_TEXT];
    char term[WORD_CACHE_TEXT];
} word_entry;

struct fh_analyzer {
    fh_analyzer_opts opts;
    UBreakIterator *words;
    UBreakIterator *sentences; /* for snippets; opened on first use */
    UText *utext;
    fh_normalizer *normalizer;
    fh_stemmer *stemmer;
    fh_buf norm; /* the current word, normalized */
    fh_buf term; /* its term, when the analyzer changes the stemmer's */
    word_entry *cache;
    size_t cache_mask; /* slots - 1 */
};

void fh_analyzer_opts_init(fh_analyzer_opts *opts)
{
    opts->normalize_flags = FH_NORMALIZE_ARABIC_FORMS;
    opts->english = FH_EN_STEM_SNOWBALL;
    opts->arabic = FH_AR_STEM_FIHRIS;
    opts->word_cache_slots = 0;
    opts->title_count = FH_TITLE_COUNT_CONTENT;
    opts->title_pairs = 1;
    opts->word_map = 1;
    opts->filters = 1;
    opts->records_packed = 1;
    opts->record_dict = NULL;
}

fh_status fh_analyzer_new(const fh_analyzer_opts *opts, fh_analyzer **out)
{
    *out = NULL;
    fh_analyzer *a = calloc(1, sizeof *a);
    if (a == NULL)
        return FH_ERR_NOMEM;
    if (opts)
        a->opts = *opts;
    else
        fh_analyzer_opts_init(&a->opts);
    size_t slots = a->opts.word_cache_slots ? a->opts.word_cache_slots : FH_WORD_CACHE_DEFAULT;
    while (slots & (slots - 1))
        slots &= slots - 1; /* a power of two */
    a->cache_mask = slots - 1;
    a->cache = calloc(slots, sizeof *a->cache);
    int rc = a->cache ? FH_OK : FH_ERR_NOMEM;
    if (rc == FH_OK)
        rc = fh_normalizer_new(a->opts.normalize_flags, &a->normalizer);
    if (rc == FH_OK)
        rc = fh_stemmer_new(a->opts.english, a->opts.arabic, &a->stemmer);
    if (rc == FH_OK) {
        UErrorCode err = U_ZERO_ERROR;
        a->words = ubrk_open(UBRK_WORD, "", NULL, 0, &err);
        if (U_FAILURE(err))
            rc = err == U_MEMORY_ALLOCATION_ERROR ? FH_ERR_NOMEM : FH_ERR_UNKNOWN;
    }
    if (rc != FH_OK) {
        fh_analyzer_free(a);
        return rc;
    }
    *out = a;
    return FH_OK;
}

const fh_analyzer_opts *fh_analyzer_options(const fh_analyzer *a)
{
    return &a->opts;
}

void fh_analyzer_free(fh_analyzer *a)
{
    if (a == NULL)
        return;
    if (a->words)
        ubrk_close(a->words);
    if (a->sentences)
        ubrk_close(a->sentences);
    if (a->utext)
        utext_close(a->utext);
    fh_normalizer_free(a->normalizer);
    fh_stemmer_free(a->stemmer);
    fh_buf_free(&a->norm);
    fh_buf_free(&a->term);
    free(a->cache);
    free(a);
}

UBreakIterator *fh_analyzer__sentences(fh_analyzer *a)
{
    if (a->sentences == NULL) {
        UErrorCode err = U_ZERO_ERROR;
        a->sentences = ubrk_open(UBRK_SENTENCE, "", NULL, 0, &err);
        if (U_FAILURE(err))
            a->sentences = NULL;
    }
    return a->sentences;
}

static int is_arabic_block(UChar32 c)
{
    return (c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
           (c >= 0x08A0 && c <= 0x08FF) || (c >= 0xFB50 && c <= 0xFDFF) ||
           (c >= 0xFE70 && c <= 0xFEFF);
}

/* The script of a letter word: the first code point that has one decides. */
static fh_script word_script(const char *s, size_t len)
{
    int32_t i = 0, n = (int32_t)len;
    while (i < n) {
        UChar32 c;
        U8_NEXT(s, i, n, c);
        if (c < 0)
            continue;
        if (c < 0x80) {
            if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
                return FH_SCRIPT_LATIN;
            continue;
        }
        if (is_arabic_block(c))
            return FH_SCRIPT_ARABIC;
        UErrorCode err = U_ZERO_ERROR;
        UScriptCode sc = uscript_getScript(c, &err);
        if (U_FAILURE(err) || sc == USCRIPT_COMMON || sc == USCRIPT_INHERITED)
            continue;
        if (sc == USCRIPT_LATIN)
            return FH_SCRIPT_LATIN;
        if (sc == USCRIPT_ARABIC)
            return FH_SCRIPT_ARABIC;
        return FH_SCRIPT_OTHER;
    }
    return FH_SCRIPT_OTHER;
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

/* Teh marbuta (U+0629, D8 A9), kept through normalization for the stemmer
 * (normalize.h), becomes heh (U+0647, D9 87): a word typed with heh for it
 * is the same word. */
static void teh_marbuta_to_heh(char *s, size_t len)
{
    for (size_t i = 0; i + 1 < len; i++) {
        if ((unsigned char)s[i] == 0xD8 && (unsigned char)s[i + 1] == 0xA9) {
            s[i] = (char)0xD9;
            s[i + 1] = (char)0x87;
        }
    }
}

/* teh_marbuta_to_heh() on tok's norm (a->norm) and term (copied to a->term
 * when it holds one: the stemmer's buffer is not ours to change). */
static fh_status fold_teh_marbuta(fh_analyzer *a, fh_token *tok)
{
    teh_marbuta_to_heh(a->norm.data, a->norm.len);
    int has = 0;
    for (size_t i = 0; i + 1 < tok->term_len && !has; i++)
        has = (unsigned char)tok->term[i] == 0xD8 && (unsigned char)tok->term[i + 1] == 0xA9;
    if (!has)
        return FH_OK;
    fh_buf_reset(&a->term);
    fh_buf_append(&a->term, tok->term, tok->term_len);
    fh_status rc = fh_buf_status(&a->term);
    if (rc != FH_OK)
        return rc;
    teh_marbuta_to_heh(a->term.data, a->term.len);
    tok->term = a->term.data;
    return FH_OK;
}

/* Fill tok's term, norm and script for the word w (wlen bytes). Returns
 * FH_OK, FH_ERR_NOMEM, or another status when the word gives no term (empty
 * or too long after normalization, or text ICU cannot convert). */
static fh_status analyze_word(fh_analyzer *a, const char *w, size_t wlen, int is_number,
                              fh_token *tok)
{
    uint32_t h = 0;
    word_entry *victim = NULL;
    if (wlen <= WORD_CACHE_SURFACE) {
        h = hash_bytes(w, wlen) ^ (uint32_t)is_number;
        h = h ? h : 1;
        for (size_t k = 0; k < WORD_CACHE_PROBES; k++) {
            word_entry *e = &a->cache[(h + k) & a->cache_mask];
            if (e->hash == 0) {
                victim = e;
                break;
            }
            if (e->hash == h && e->surface_len == wlen && memcmp(e->surface, w, wlen) == 0) {
                tok->norm = e->norm;
                tok->norm_len = e->norm_len;
                tok->term = e->term;
                tok->term_len = e->term_len;
                tok->script = (fh_script)e->script;
                return FH_OK;
            }
        }
        if (victim == NULL)
            victim = &a->cache[h & a->cache_mask];
    }

    fh_script script = is_number ? FH_SCRIPT_NUMBER : word_script(w, wlen);
    fh_buf_reset(&a->norm);
    int rc = fh_normalize_word(a->normalizer, w, wlen, is_number, &a->norm);
    if (rc != FH_OK)
        return rc;
    if (a->norm.len == 0 || a->norm.len > FH_MAX_TERM_BYTES)
        return FH_ERR_INVALID;
    tok->norm = a->norm.data;
    tok->norm_len = a->norm.len;
    rc = fh_stemmer_stem(a->stemmer, script, tok->norm, tok->norm_len, &tok->term, &tok->term_len);
    if (rc != FH_OK)
        return rc;
    if (a->opts.normalize_flags & FH_NORMALIZE_ARABIC_FORMS) {
        rc = fold_teh_marbuta(a, tok);
        if (rc != FH_OK)
            return rc;
    }
    tok->script = script;

    if (victim && tok->norm_len <= WORD_CACHE_TEXT && tok->term_len <= WORD_CACHE_TEXT) {
        word_entry *e = victim;
        e->hash = h;
        e->surface_len = (uint8_t)wlen;
        e->norm_len = (uint8_t)tok->norm_len;
        e->term_len = (uint8_t)tok->term_len;
        e->script = (uint8_t)script;
        memcpy(e->surface, w, wlen);
        memcpy(e->norm, tok->norm, tok->norm_len);
        memcpy(e->term, tok->term, tok->term_len);
    }
    return FH_OK;
}

/* Analyze one piece of at most CHUNK_MAX bytes; offsets are shifted by base. */
static fh_status run_piece(fh_analyzer *a, const char *text, size_t len, size_t base, uint32_t *pos,
                           int spans_only, fh_token_fn fn, void *ctx, int *stopped)
{
    UErrorCode err = U_ZERO_ERROR;
    a->utext = utext_openUTF8(a->utext, text, (int64_t)len, &err);
    if (U_FAILURE(err))
        return err == U_MEMORY_ALLOCATION_ERROR ? FH_ERR_NOMEM : FH_ERR_UNKNOWN;
    ubrk_setUText(a->words, a->utext, &err);
    if (U_FAILURE(err))
        return FH_ERR_UNKNOWN;

    int32_t start = ubrk_first(a->words);
    for (int32_t end = ubrk_next(a->words); end != UBRK_DONE;
         start = end, end = ubrk_next(a->words)) {
        int32_t status = ubrk_getRuleStatus(a->words);
        if (status < UBRK_WORD_NONE_LIMIT)
            continue; /* spaces and punctuation */
        size_t ws = (size_t)start, we = (size_t)end;
        /* ICU joins U+202F NARROW NO-BREAK SPACE to the words beside it, as
         * it groups digits. At a word's edges it is the space French puts
         * inside guillemets and before ! ? : ;, so it is left out of the
         * word's span and term. */
        while (we - ws >= 3 && memcmp(text + ws, NNBSP, 3) == 0)
            ws += 3;
        while (we - ws >= 3 && memcmp(text + we - 3, NNBSP, 3) == 0)
            we -= 3;
        size_t wlen = we - ws;
        if (wlen == 0 || wlen > FH_MAX_WORD_BYTES)
            continue;
        const char *w = text + ws;
        fh_token tok = {"", 0, "", 0, 0, 0, 0, FH_SCRIPT_OTHER};
        int rc =
            spans_only ? FH_OK : analyze_word(a, w, wlen, status < UBRK_WORD_NUMBER_LIMIT, &tok);
        if (rc == FH_ERR_NOMEM)
            return rc;
        if (rc != FH_OK)
            continue;
        tok.start = base + ws;
        tok.end = base + we;
        tok.pos = (*pos)++;
        if (fn(ctx, &tok) != 0) {
            *stopped = 1;
            return FH_OK;
        }
    }
    return FH_OK;
}

fh_status fh_analyzer_run(fh_analyzer *a, const char *text, size_t len, fh_analyze_mode mode,
                          uint32_t first_pos, fh_token_fn fn, void *ctx, uint32_t *next_pos)
{
    uint32_t pos = first_pos;
    int rc = FH_OK, stopped = 0;
    size_t base = 0;
    while (rc == FH_OK && !stopped && base < len) {
        size_t piece = len - base;
        if (piece > CHUNK_MAX) {
            piece = CHUNK_MAX;
            while (piece > CHUNK_MAX / 2 && text[base + piece] != ' ' && text[base + piece] != '\n')
                piece--;
        }
        rc = run_piece(a, text + base, piece, base, &pos, mode == FH_ANALYZE_SPANS, fn, ctx,
                       &stopped);
        base += piece;
    }
    if (next_pos)
        *next_pos = pos;
    return rc;
}
