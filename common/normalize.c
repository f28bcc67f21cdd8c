/* normalize.c - word normalization for English, Arabic and the rest (see
 * normalize.h). */
#include "normalize.h"

#include <stdlib.h>
#include <string.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utf16.h>

#include "status.h"

struct fh_normalizer {
    int flags;
    const UNormalizer2 *nfkc_cf; /* owned by ICU */
    const UNormalizer2 *nfd;     /* owned by ICU */
    UChar *utf16;                /* the word in UTF-16 */
    UChar *folded;               /* the word after nfkc_cf */
    int32_t cap;                 /* capacity of both, in UChars */
};

fh_status fh_normalizer_new(int flags, fh_normalizer **out)
{
    *out = NULL;
    fh_normalizer *n = calloc(1, sizeof *n);
    if (n == NULL)
        return FH_ERR_NOMEM;
    UErrorCode err = U_ZERO_ERROR;
    n->nfkc_cf = unorm2_getNFKCCasefoldInstance(&err);
    n->nfd = unorm2_getNFDInstance(&err);
    if (U_FAILURE(err)) {
        free(n);
        return FH_ERR_UNKNOWN;
    }
    n->flags = flags;
    *out = n;
    return FH_OK;
}

void fh_normalizer_free(fh_normalizer *n)
{
    if (n == NULL)
        return;
    free(n->utf16);
    free(n->folded);
    free(n);
}

static int grow(fh_normalizer *n, int32_t need)
{
    if (need <= n->cap)
        return FH_OK;
    int32_t cap = n->cap ? n->cap : 64;
    while (cap < need)
        cap *= 2;
    UChar *a = realloc(n->utf16, (size_t)cap * sizeof(UChar));
    if (a == NULL)
        return FH_ERR_NOMEM;
    n->utf16 = a;
    UChar *b = realloc(n->folded, (size_t)cap * sizeof(UChar));
    if (b == NULL)
        return FH_ERR_NOMEM;
    n->folded = b;
    n->cap = cap;
    return FH_OK;
}

static int is_latin_accented(UChar32 c)
{
    return (c >= 0x00C0 && c <= 0x024F) || (c >= 0x1E00 && c <= 0x1EFF);
}

static int is_combining_diacritic(UChar32 c)
{
    return c >= 0x0300 && c <= 0x036F;
}

/* Arabic marks that carry no letter: harakat, tanween, superscript alef,
 * Qur'anic annotations, tatweel. */
static int is_arabic_mark(UChar32 c)
{
    return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x06D6 && c <= 0x06ED) ||
           c == 0x0640;
}

/* With FH_NORMALIZE_ARABIC_FORMS: the letter c folds to, or 0 to keep c.
 * next is the letter after c (marks skipped), or 0 at the end. */
static UChar32 arabic_form(UChar32 c, UChar32 next)
{
    switch (c) {
    case 0x0624: /* waw with hamza */
        return 0x0648;
    case 0x0626: /* yeh with hamza: on waw before a waw (مسئول = مسؤول) */
        return next == 0x0648 ? 0x0648 : 0x064A;
    case 0x0621: /* hamza: on waw before a waw (رءوس = رؤوس), else kept */
        return next == 0x0648 ? 0x0648 : 0;
    case 0x06A9: /* keheh */
        return 0x0643;
    case 0x06CC: /* farsi yeh */
        return 0x064A;
    case 0x06D5: /* ae */
    case 0x06C0: /* heh with yeh above */
    case 0x06C1: /* heh goal */
    case 0x06BE: /* heh doachashmee */
        return 0x0647;
    case 0x06C3: /* teh marbuta goal */
        return 0x0629;
    default:
        return 0;
    }
}

/* Append the folded form of one code point (after nfkc_cf) to out; next is
 * the code point after it that is not a mark, or 0. */
static void fold_code_point(const fh_normalizer *n, UChar32 c, UChar32 next, int is_number,
                            fh_buf *out)
{
    if (c < 0x80) {
        if (!(is_number && c == ','))
            fh_buf_putc(out, (char)c);
        return;
    }
    if (is_arabic_mark(c) || is_combining_diacritic(c))
        return;
    switch (c) {
    case 0x0622: /* alef with madda */
    case 0x0623: /* alef with hamza above */
    case 0x0625: /* alef with hamza below */
    case 0x0671: /* alef wasla */
    case 0x0672: /* alef with wavy hamza above */
    case 0x0673: /* alef with wavy hamza below */
        fh_buf_put_utf8(out, 0x0627);
        return;
    case 0x0649: /* alef maqsura */
        fh_buf_put_utf8(out, 0x064A);
        return;
    case 0x0629: /* teh marbuta: kept for arabic_stem.h, which folds it */
        fh_buf_put_utf8(out, (n->flags & FH_NORMALIZE_ARABIC_FORMS) ? 0x0629 : 0x0647);
        return;
    case 0x066B: /* Arabic decimal separator */
        fh_buf_putc(out, '.');
        return;
    case 0x066C: /* Arabic thousands separator */
        if (!is_number)
            fh_buf_put_utf8(out, (uint32_t)c);
        return;
    case 0x2018:
    case 0x2019:
    case 0x02BC:
        fh_buf_putc(out, '\'');
        return;
    default:
        break;
    }
    if (n->flags & FH_NORMALIZE_ARABIC_FORMS) {
        UChar32 f = arabic_form(c, next);
        if (f != 0) {
            fh_buf_put_utf8(out, (uint32_t)f);
            return;
        }
    }
    if (n->flags & FH_NORMALIZE_FOLD_HAMZA_SEATS) {
        if (c == 0x0624) {
            fh_buf_put_utf8(out, 0x0648);
            return;
        }
        if (c == 0x0626) {
            fh_buf_put_utf8(out, 0x064A);
            return;
        }
        if (c == 0x0621)
            return;
    }
    if (c >= 0x0660 && c <= 0x0669) {
        fh_buf_putc(out, (char)('0' + (c - 0x0660)));
        return;
    }
    if (c >= 0x06F0 && c <= 0x06F9) {
        fh_buf_putc(out, (char)('0' + (c - 0x06F0)));
        return;
    }
    if (is_latin_accented(c)) {
        /* Decompose and keep the base letters: e with acute -> e. */
        UChar d[8];
        UErrorCode err = U_ZERO_ERROR;
        int32_t dn = unorm2_getDecomposition(n->nfd, c, d, 8, &err);
        if (U_SUCCESS(err) && dn > 0) {
            for (int32_t i = 0; i < dn;) {
                UChar32 dc;
                U16_NEXT(d, i, dn, dc);
                if (!is_combining_diacritic(dc))
                    fh_buf_put_utf8(out, (uint32_t)dc);
            }
            return;
        }
    }
    fh_buf_put_utf8(out, (uint32_t)c);
}

fh_status fh_normalize_word(fh_normalizer *n, const char *s, size_t len, int is_number, fh_buf *out)
{
    size_t i = 0;
    while (i < len && (unsigned char)s[i] < 0x80)
        i++;
    if (i == len) {
        /* ASCII fast path: no Unicode normalization needed. */
        if (fh_buf_reserve(out, len) != FH_OK)
            return FH_ERR_NOMEM;
        for (i = 0; i < len; i++) {
            char c = s[i];
            if (is_number && c == ',')
                continue;
            out->data[out->len++] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
        }
        out->data[out->len] = '\0';
        return FH_OK;
    }
    if (len > (size_t)INT32_MAX / 4)
        return FH_ERR_TOOBIG;
    /* A UTF-8 word never needs more UTF-16 units than bytes; nfkc_cf can grow
     * it (ligatures expand up to 18 units), so allow room and retry. */
    if (grow(n, (int32_t)len + 1) != FH_OK)
        return FH_ERR_NOMEM;
    UErrorCode err = U_ZERO_ERROR;
    int32_t ulen = 0;
    u_strFromUTF8WithSub(n->utf16, n->cap, &ulen, s, (int32_t)len, 0xFFFD, NULL, &err);
    if (U_FAILURE(err))
        return FH_ERR_ENCODING;

    const UChar *w = n->utf16;
    int32_t wlen = ulen;
    if (unorm2_spanQuickCheckYes(n->nfkc_cf, n->utf16, ulen, &err) != ulen && U_SUCCESS(err)) {
        for (;;) {
            err = U_ZERO_ERROR;
            wlen = unorm2_normalize(n->nfkc_cf, n->utf16, ulen, n->folded, n->cap, &err);
            if (err != U_BUFFER_OVERFLOW_ERROR)
                break;
            if (grow(n, wlen + 1) != FH_OK)
                return FH_ERR_NOMEM;
        }
        if (U_FAILURE(err))
            return FH_ERR_ENCODING;
        w = n->folded;
    }
    for (int32_t k = 0; k < wlen;) {
        UChar32 c;
        U16_NEXT(w, k, wlen, c);
        /* The next letter, marks skipped (arabic_form() looks at it). */
        UChar32 next = 0;
        for (int32_t j = k; j < wlen && next == 0;) {
            U16_NEXT(w, j, wlen, next);
            if (is_arabic_mark(next) || is_combining_diacritic(next))
                next = 0;
        }
        fold_code_point(n, c, next, is_number, out);
    }
    return fh_buf_status(out);
}
