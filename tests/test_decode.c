/* test_decode.c - bytes to UTF-8: BOMs, binary data, declared and detected
 * charsets, and the lossy fallback. */
#include <criterion/criterion.h>
#include <stdint.h>
#include <string.h>
#include <unicode/ucnv.h>

#include "decode.h"

/* "مدرسة" (school) in windows-1256. */
#define MADRASA_1256 "\xE3\xCF\xD1\xD3\xC9"
#define MADRASA_UTF8 "\xD9\x85\xD8\xAF\xD8\xB1\xD8\xB3\xD8\xA9"
#define FFFD         "\xEF\xBF\xBD"

/* A sentence of 131 windows-1256 bytes. */
static const char arabic_sentence[] =
    "ذهب الطالب إلى المدرسة في الصباح الباكر، وكان الجو جميلا والشمس مشرقة. "
    "قرأ الكتاب مع أصدقائه في المكتبة ثم عاد إلى البيت بعد الظهر.";

static fh_buf out;
static fh_decoded info;

static void setup(void)
{
    fh_buf b = FH_BUF_INIT;
    out = b;
    info.charset = NULL;
    info.lossy = -1;
}

static void teardown(void)
{
    fh_buf_free(&out);
}

TestSuite(decode, .init = setup, .fini = teardown);

static int decode(const char *data, size_t len, const char *declared)
{
    return fh_decode_text(data, len, declared, &out, &info);
}

static const char *text(void)
{
    return out.data ? out.data : "";
}

/* Bytes of UTF-16 text (with a BOM) in the byte order asked for. */
static size_t utf16_bytes(const uint16_t *u, size_t n, int big_endian, char *bytes)
{
    size_t k = 0;
    uint16_t bom = 0xFEFF;
    for (size_t i = 0; i <= n; i++) {
        uint16_t c = i == 0 ? bom : u[i - 1];
        unsigned char hi = (unsigned char)(c >> 8), lo = (unsigned char)(c & 0xFF);
        bytes[k++] = (char)(big_endian ? hi : lo);
        bytes[k++] = (char)(big_endian ? lo : hi);
    }
    return k;
}

Test(decode, utf8_valid_accepts_well_formed)
{
    cr_assert_eq(fh_utf8_valid("", 0), 1);
    cr_assert_eq(fh_utf8_valid("plain ASCII, long enough for the fast path", 42), 1);
    cr_assert_eq(fh_utf8_valid(MADRASA_UTF8, 10), 1);
    cr_assert_eq(fh_utf8_valid("\xF0\x9F\x98\x80", 4), 1); /* U+1F600 */
    cr_assert_eq(fh_utf8_valid("\xF4\x8F\xBF\xBF", 4), 1); /* U+10FFFF */
    cr_assert_eq(fh_utf8_valid("\xEF\xBF\xBD", 3), 1);     /* U+FFFD */
    cr_assert_eq(fh_utf8_valid("\xE0\xA0\x80", 3), 1);     /* U+0800 */
    cr_assert_eq(fh_utf8_valid("\xED\x9F\xBF", 3), 1);     /* U+D7FF */
    cr_assert_eq(fh_utf8_valid("abcdefgh\xC2\x80ijklmnop", 18), 1);
}

Test(decode, utf8_valid_rejects_ill_formed)
{
    cr_assert_eq(fh_utf8_valid("\xC0\xAF", 2), 0);         /* overlong '/' */
    cr_assert_eq(fh_utf8_valid("\xC1\xBF", 2), 0);         /* overlong */
    cr_assert_eq(fh_utf8_valid("\xE0\x80\xAF", 3), 0);     /* overlong */
    cr_assert_eq(fh_utf8_valid("\xE0\x9F\xBF", 3), 0);     /* overlong */
    cr_assert_eq(fh_utf8_valid("\xF0\x8F\xBF\xBF", 4), 0); /* overlong */
    cr_assert_eq(fh_utf8_valid("\xED\xA0\x80", 3), 0);     /* U+D800 */
    cr_assert_eq(fh_utf8_valid("\xED\xBF\xBF", 3), 0);     /* U+DFFF */
    cr_assert_eq(fh_utf8_valid("\xF4\x90\x80\x80", 4), 0); /* U+110000 */
    cr_assert_eq(fh_utf8_valid("\xF5\x80\x80\x80", 4), 0);
    cr_assert_eq(fh_utf8_valid("\xFF", 1), 0);
    cr_assert_eq(fh_utf8_valid("\x80", 1), 0);                  /* lone continuation */
    cr_assert_eq(fh_utf8_valid("\xE2\x82", 2), 0);              /* truncated */
    cr_assert_eq(fh_utf8_valid("abcdefghijklm\xFFnop", 17), 0); /* after the fast path */
    /* The length counts: the same bytes cut short are truncated. */
    cr_assert_eq(fh_utf8_valid("\xF0\x9F\x98\x80", 3), 0);
}

Test(decode, empty_input)
{
    cr_assert_eq(decode("", 0, NULL), FH_OK);
    cr_assert_str_eq(text(), "");
    cr_assert_eq(out.len, 0);
    cr_assert_str_eq(info.charset, "UTF-8");
    cr_assert_eq(info.lossy, 0);
}

Test(decode, valid_utf8_as_is)
{
    const char *s = "Hello " MADRASA_UTF8 "\n";
    cr_assert_eq(decode(s, strlen(s), NULL), FH_OK);
    cr_assert_str_eq(text(), s);
    cr_assert_eq(out.len, 17);
    cr_assert_str_eq(info.charset, "UTF-8");
    cr_assert_eq(info.lossy, 0);
}

Test(decode, appends_to_what_out_holds)
{
    fh_buf_puts(&out, "before|");
    cr_assert_eq(decode("after", 5, NULL), FH_OK);
    cr_assert_str_eq(text(), "before|after");
}

Test(decode, utf8_bom_is_dropped)
{
    const char *s = "\xEF\xBB\xBF"
                    "caf\xC3\xA9 " MADRASA_UTF8;
    cr_assert_eq(decode(s, strlen(s), NULL), FH_OK);
    cr_assert_str_eq(text(), "caf\xC3\xA9 " MADRASA_UTF8);
    cr_assert_str_eq(info.charset, "UTF-8");
    cr_assert_eq(info.lossy, 0);
}

Test(decode, utf8_bom_wins_over_declared)
{
    const char *s = "\xEF\xBB\xBF" MADRASA_UTF8;
    cr_assert_eq(decode(s, strlen(s), "windows-1256"), FH_OK);
    cr_assert_str_eq(text(), MADRASA_UTF8);
    cr_assert_str_eq(info.charset, "UTF-8");
}

Test(decode, utf8_bom_with_bad_bytes_is_lossy)
{
    const char *s = "\xEF\xBB\xBF"
                    "a\xFF"
                    "b";
    cr_assert_eq(decode(s, strlen(s), NULL), FH_OK);
    cr_assert_str_eq(text(), "a\xEF\xBF\xBD"
                             "b");
    cr_assert_str_eq(info.charset, "UTF-8");
    cr_assert_eq(info.lossy, 1);
}

/* "Hi سلام" */
static const uint16_t hi_salam[] = {'H', 'i', ' ', 0x0633, 0x0644, 0x0627, 0x0645};
#define HI_SALAM_UTF8 "Hi \xD8\xB3\xD9\x84\xD8\xA7\xD9\x85"

Test(decode, utf16le_with_bom)
{
    char bytes[64];
    size_t n = utf16_bytes(hi_salam, 7, 0, bytes);
    cr_assert_eq(n, 16);
    cr_assert_eq((unsigned char)bytes[0], 0xFF);
    cr_assert_eq(decode(bytes, n, NULL), FH_OK);
    cr_assert_str_eq(text(), HI_SALAM_UTF8);
    cr_assert_eq(out.len, 11);
    cr_assert_str_eq(info.charset, "UTF-16LE");
    cr_assert_eq(info.lossy, 0);
}

Test(decode, utf16be_with_bom)
{
    char bytes[64];
    size_t n = utf16_bytes(hi_salam, 7, 1, bytes);
    cr_assert_eq((unsigned char)bytes[0], 0xFE);
    cr_assert_eq(decode(bytes, n, NULL), FH_OK);
    cr_assert_str_eq(text(), HI_SALAM_UTF8);
    cr_assert_str_eq(info.charset, "UTF-16BE");
    cr_assert_eq(info.lossy, 0);
}

Test(decode, utf16_bom_wins_over_declared)
{
    char bytes[64];
    size_t n = utf16_bytes(hi_salam, 7, 0, bytes);
    cr_assert_eq(decode(bytes, n, "windows-1256"), FH_OK);
    cr_assert_str_eq(text(), HI_SALAM_UTF8);
    cr_assert_str_eq(info.charset, "UTF-16LE");
}

Test(decode, utf16_surrogate_pair_and_nul)
{
    /* U+1F600, then U+0000 (made a space), then 'x'. */
    const uint16_t u[] = {0xD83D, 0xDE00, 0x0000, 'x'};
    char bytes[64];
    size_t n = utf16_bytes(u, 4, 0, bytes);
    cr_assert_eq(decode(bytes, n, NULL), FH_OK);
    cr_assert_str_eq(text(), "\xF0\x9F\x98\x80 x");
    cr_assert_eq(out.len, 6);
    cr_assert_eq(info.lossy, 0);
}

Test(decode, utf16_lone_surrogates_are_lossy)
{
    const uint16_t u[] = {'a', 0xD800, 'b', 0xDC00, 'c'};
    char bytes[64];
    size_t n = utf16_bytes(u, 5, 1, bytes);
    cr_assert_eq(decode(bytes, n, NULL), FH_OK);
    cr_assert_str_eq(text(), "a\xEF\xBF\xBD"
                             "b\xEF\xBF\xBD"
                             "c");
    cr_assert_str_eq(info.charset, "UTF-16BE");
    cr_assert_eq(info.lossy, 1);
}

Test(decode, utf16_odd_last_byte_is_lossy)
{
    const uint16_t u[] = {'o', 'k'};
    char bytes[64];
    size_t n = utf16_bytes(u, 2, 0, bytes);
    bytes[n++] = 'z';
    cr_assert_eq(decode(bytes, n, NULL), FH_OK);
    cr_assert_str_eq(text(), "ok\xEF\xBF\xBD");
    cr_assert_eq(info.lossy, 1);
}

Test(decode, long_utf16_crosses_chunks)
{
    /* 5,000 code units: more than one conversion chunk, with a surrogate
     * pair at every odd position so that some pair straddles a chunk. */
    static uint16_t u[5001];
    static char bytes[2 * 5002];
    size_t k = 0;
    for (size_t i = 0; i < 1667; i++) {
        u[k++] = 0x0645;
        u[k++] = 0xD83D;
        u[k++] = 0xDE00;
    }
    size_t n = utf16_bytes(u, k, 0, bytes);
    cr_assert_eq(decode(bytes, n, NULL), FH_OK);
    cr_assert_eq(out.len, 1667 * 6);
    cr_assert_eq(info.lossy, 0);
    cr_assert_eq(fh_utf8_valid(out.data, out.len), 1);
    cr_assert_eq(memcmp(out.data + 6 * 1666, "\xD9\x85\xF0\x9F\x98\x80", 6), 0);
}

Test(decode, nul_bytes_are_binary)
{
    const char s[] = "GIF89a\0\0\x01\x02";
    cr_assert_eq(decode(s, sizeof s - 1, NULL), FH_ERR_ENCODING);
    cr_assert_eq(out.len, 0);
    cr_assert_str_eq(info.charset, "unknown");
    cr_assert_eq(info.lossy, 0);
}

Test(decode, nul_bytes_after_utf8_bom_are_binary)
{
    const char s[] = "\xEF\xBB\xBF"
                     "a\0b";
    cr_assert_eq(decode(s, sizeof s - 1, NULL), FH_ERR_ENCODING);
}

Test(decode, failure_leaves_out_as_it_was)
{
    fh_buf_puts(&out, "kept");
    cr_assert_eq(decode("a\0b", 3, NULL), FH_ERR_ENCODING);
    cr_assert_str_eq(text(), "kept");
    cr_assert_eq(out.len, 4);
}

Test(decode, declared_windows_1256)
{
    cr_assert_eq(decode(MADRASA_1256, 5, "windows-1256"), FH_OK);
    cr_assert_str_eq(text(), MADRASA_UTF8);
    cr_assert_str_eq(info.charset, "windows-1256");
    cr_assert_eq(info.lossy, 0);
}

Test(decode, declared_alias_is_reported_by_its_standard_name)
{
    cr_assert_eq(decode(MADRASA_1256, 5, "CP1256"), FH_OK);
    cr_assert_str_eq(text(), MADRASA_UTF8);
    cr_assert_str_eq(info.charset, "windows-1256");
}

Test(decode, declared_iso_8859_6)
{
    /* "مدرسة" in ISO-8859-6: meem E5, dal CF, reh D1, seen D3, teh marbuta C9. */
    cr_assert_eq(decode("\xE5\xCF\xD1\xD3\xC9", 5, "iso-8859-6"), FH_OK);
    cr_assert_str_eq(text(), MADRASA_UTF8);
    cr_assert_str_eq(info.charset, "ISO-8859-6");
    cr_assert_eq(info.lossy, 0);
}

Test(decode, declared_charset_unassigned_byte_is_lossy)
{
    /* 0xA1 has no character in ISO-8859-6. */
    cr_assert_eq(decode("a\xA1"
                        "b",
                        3, "ISO-8859-6"),
                 FH_OK);
    cr_assert_str_eq(text(), "a\xEF\xBF\xBD"
                             "b");
    cr_assert_eq(info.lossy, 1);
}

Test(decode, declared_latin1_is_read_as_windows_1252)
{
    /* 0x93 and 0x94 are quotes in windows-1252, controls in ISO-8859-1. */
    cr_assert_eq(decode("\x93"
                        "caf\xE9\x94",
                        6, "ISO-8859-1"),
                 FH_OK);
    cr_assert_str_eq(text(), "\xE2\x80\x9C"
                             "caf\xC3\xA9\xE2\x80\x9D");
    cr_assert_str_eq(info.charset, "windows-1252");
}

Test(decode, declared_utf8_on_bad_bytes_is_lossy_utf8)
{
    cr_assert_eq(decode("x\xC0\xAFy", 4, "utf-8"), FH_OK);
    cr_assert_str_eq(text(), "x\xEF\xBF\xBD\xEF\xBF\xBDy");
    cr_assert_str_eq(info.charset, "UTF-8");
    cr_assert_eq(info.lossy, 1);
}

Test(decode, unknown_declared_charset_is_ignored)
{
    const char *s = "plain " MADRASA_UTF8;
    cr_assert_eq(decode(s, strlen(s), "x-no-such-charset"), FH_OK);
    cr_assert_str_eq(text(), s);
    cr_assert_str_eq(info.charset, "UTF-8");
}

Test(decode, declared_utf16_without_bom_is_ignored)
{
    cr_assert_eq(decode("ascii", 5, "utf-16"), FH_OK);
    cr_assert_str_eq(text(), "ascii");
    cr_assert_str_eq(info.charset, "UTF-8");
}

Test(decode, detects_windows_1256)
{
    char bytes[512];
    UErrorCode err = U_ZERO_ERROR;
    int32_t n =
        ucnv_convert("windows-1256", "UTF-8", bytes, sizeof bytes, arabic_sentence, -1, &err);
    cr_assert(U_SUCCESS(err));
    cr_assert_eq(n, 131);
    cr_assert_eq(fh_utf8_valid(bytes, (size_t)n), 0);
    cr_assert_eq(decode(bytes, (size_t)n, NULL), FH_OK);
    cr_assert_str_eq(text(), arabic_sentence);
    cr_assert_str_eq(info.charset, "windows-1256");
    cr_assert_eq(info.lossy, 0);
    cr_assert_eq(info.guessed, 0); /* the detector was sure */
}

Test(decode, detects_iso_8859_6)
{
    char bytes[512];
    UErrorCode err = U_ZERO_ERROR;
    int32_t n = ucnv_convert("ISO-8859-6", "UTF-8", bytes, sizeof bytes, arabic_sentence, -1, &err);
    cr_assert(U_SUCCESS(err));
    cr_assert_eq(n, 131);
    cr_assert_eq(decode(bytes, (size_t)n, NULL), FH_OK);
    cr_assert_str_eq(text(), arabic_sentence);
    cr_assert_str_eq(info.charset, "ISO-8859-6");
    cr_assert_eq(info.lossy, 0);
}

Test(decode, short_arabic_single_byte_text_is_told_by_its_letters)
{
    /* Five windows-1256 bytes are too few for the detector to be sure; they
     * are no UTF-8, and read as windows-1256 they are Arabic letters. */
    cr_assert_eq(decode(MADRASA_1256, 5, NULL), FH_OK);
    cr_assert_str_eq(text(), MADRASA_UTF8);
    cr_assert_str_eq(info.charset, "windows-1256");
    cr_assert_eq(info.lossy, 0);
    cr_assert_eq(info.guessed, 1);
    /* A short line with spaces and digits around them. */
    fh_buf_reset(&out);
    const char *line = "\xC7\xE1\xD1\xED\xC7\xD6 2015: \xE3\xCF\xD1\xD3\xC9";
    cr_assert_eq(decode(line, strlen(line), NULL), FH_OK);
    cr_assert_str_eq(text(), "الرياض 2015: مدرسة");
    cr_assert_str_eq(info.charset, "windows-1256");
}

Test(decode, short_iso_8859_6_text_is_told_from_windows_1256)
{
    /* "افتتاح مستشفى جديد للأطفال" in ISO-8859-6: read as windows-1256 its
     * ه ى ي would be é ê and words broken by them ("هستشلé جدêد"). */
    const char *s = "\xC7\xE1\xCA\xCA\xC7\xCD \xE5\xD3\xCA\xD4\xE1\xE9 \xCC\xCF\xEA\xCF "
                    "\xE4\xE4\xC3\xD7\xE1\xC7\xE4";
    cr_assert_eq(decode(s, strlen(s), NULL), FH_OK);
    cr_assert_str_eq(text(), "افتتاح مستشفى جديد للأطفال");
    cr_assert_str_eq(info.charset, "ISO-8859-6");
    cr_assert_eq(info.lossy, 0);
    cr_assert_eq(info.guessed, 1);
    /* Bytes that read as Arabic words both ways stay windows-1256, the
     * commoner: مدرسة there, كدرسة in ISO-8859-6. */
    fh_buf_reset(&out);
    cr_assert_eq(decode(MADRASA_1256, 5, NULL), FH_OK);
    cr_assert_str_eq(info.charset, "windows-1256");
}

Test(decode, short_latin_single_byte_text_is_windows_1252)
{
    /* "Café crème brûlée" in Latin-1: a dozen high bytes are too few for
     * the detector; they are not Arabic letters in windows-1256. */
    const char *s = "Caf\xE9 cr\xE8me br\xFBl\xE9"
                    "e \x96 \x93na\xEFve\x94";
    cr_assert_eq(decode(s, strlen(s), NULL), FH_OK);
    cr_assert_str_eq(text(), "Café crème brûlée – “naïve”");
    cr_assert_str_eq(info.charset, "windows-1252");
    cr_assert_eq(info.lossy, 0);
    cr_assert_eq(info.guessed, 1);
}

Test(decode, madrasa_constant_is_what_icu_writes)
{
    /* The hand-written bytes the other tests use are ICU's own. */
    char bytes[512];
    UErrorCode err = U_ZERO_ERROR;
    int32_t n = ucnv_convert("windows-1256", "UTF-8", bytes, sizeof bytes, "مدرسة", -1, &err);
    cr_assert(U_SUCCESS(err));
    cr_assert_eq(n, 5);
    cr_assert_eq(memcmp(bytes, MADRASA_1256, 5), 0);
}

Test(decode, detects_latin1_english)
{
    const char *s = "The caf\xE9 served cr\xE8me br\xFBl\xE9"
                    "e, a na\xEFve r\xE9sum\xE9 of "
                    "the d\xE9j\xE0 vu menu, and the gar\xE7on smiled at the fa\xE7"
                    "ade.";
    cr_assert_eq(decode(s, strlen(s), NULL), FH_OK);
    cr_assert(strstr(text(), "The caf\xC3\xA9 served cr\xC3\xA8me") != NULL);
    cr_assert_str_eq(info.charset, "ISO-8859-1");
    cr_assert_eq(info.lossy, 0);
    cr_assert_eq(info.guessed, 0); /* the detector was sure */
}

Test(decode, a_stray_byte_in_english_is_windows_1252)
{
    /* One high byte, no UTF-8 around it: the é of a Latin-1 page. */
    const char *s =
        "The quick brown fox jumps over the lazy dog. It was a sunny day and the caf\xE9"
        " was open in the park until the evening came and we went home.";
    cr_assert_eq(decode(s, strlen(s), NULL), FH_OK);
    cr_assert(strstr(text(), "the café was") != NULL);
    cr_assert_str_eq(info.charset, "windows-1252");
    cr_assert_eq(info.lossy, 0);
    cr_assert_eq(info.guessed, 1);
}

Test(decode, damaged_utf8_is_not_another_charset)
{
    const char *s =
        "\xD9\x85\xD8\xAF\xD8\xB1\xD8\xB3\xD8\xA9 \xFF \xD8\xAC\xD8\xAF\xD9\x8A\xD8\xAF\xD8\xA9";
    cr_assert_eq(decode(s, strlen(s), NULL), FH_OK);
    cr_assert_str_eq(text(), "مدرسة \xEF\xBF\xBD جديدة");
    cr_assert_str_eq(info.charset, "UTF-8");
    cr_assert_eq(info.lossy, 1);
}

Test(decode, invalid_utf8_stray_ff)
{
    /* Beside valid UTF-8 (é), a stray 0xFF is a bad byte of UTF-8. */
    cr_assert_eq(decode("\xC3\xA9 a\xFF"
                        "b",
                        6, NULL),
                 FH_OK);
    cr_assert_str_eq(text(), "\xC3\xA9 a\xEF\xBF\xBD"
                             "b");
    cr_assert_eq(out.len, 8);
    cr_assert_str_eq(info.charset, "UTF-8");
    cr_assert_eq(info.lossy, 1);
    cr_assert_eq(info.guessed, 0);
}

Test(decode, invalid_utf8_truncated_sequence_is_one_fffd)
{
    /* E2 82 is the start of U+20AC cut short: one maximal subpart. */
    cr_assert_eq(decode("a\xE2\x82", 3, NULL), FH_OK);
    cr_assert_str_eq(text(), "a\xEF\xBF\xBD");
    cr_assert_eq(info.lossy, 1);
    fh_buf_reset(&out);
    cr_assert_eq(decode(MADRASA_UTF8 "\xE2\x82 " MADRASA_UTF8, 23, NULL), FH_OK);
    cr_assert_str_eq(text(), MADRASA_UTF8 "\xEF\xBF\xBD " MADRASA_UTF8);
    cr_assert_str_eq(info.charset, "UTF-8");
}

Test(decode, invalid_utf8_overlong_is_one_fffd_a_byte)
{
    cr_assert_eq(decode("\xC0\xAF", 2, NULL), FH_OK);
    cr_assert_str_eq(text(), "\xEF\xBF\xBD\xEF\xBF\xBD");
    cr_assert_str_eq(info.charset, "UTF-8");
    cr_assert_eq(info.lossy, 1);
}

Test(decode, invalid_utf8_encoded_surrogate_is_three_fffd)
{
    cr_assert_eq(decode("\xED\xA0\x80", 3, NULL), FH_OK);
    cr_assert_str_eq(text(), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    cr_assert_eq(out.len, 9);
    cr_assert_eq(info.lossy, 1);
}

Test(decode, invalid_utf8_mixed_with_arabic)
{
    /* Mostly good UTF-8 with one bad byte stays UTF-8. */
    const char *s = "ذهب الطالب إلى المدرسة في الصباح الباكر\xFF، وكان الجو جميلا";
    cr_assert_eq(decode(s, strlen(s), NULL), FH_OK);
    cr_assert_str_eq(text(),
                     "ذهب الطالب إلى المدرسة في الصباح الباكر\xEF\xBF\xBD، وكان الجو جميلا");
    cr_assert_str_eq(info.charset, "UTF-8");
    cr_assert_eq(info.lossy, 1);
}

Test(decode, invalid_utf8_past_u10ffff)
{
    /* F4 90 80 80: F4 cannot be followed by 90, so four subparts. */
    cr_assert_eq(decode("\xF4\x90\x80\x80", 4, NULL), FH_OK);
    cr_assert_str_eq(text(), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");
    cr_assert_eq(info.lossy, 1);
}

/* ---- Typed text (a query) ----------------------------------------------- */

Test(decode_typed, valid_utf8_whatever_the_locale, .init = setup, .fini = teardown)
{
    const char *locales[] = {"UTF-8", "CP1256", "ISO-8859-1", "ANSI_X3.4-1968", NULL};
    for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++) {
        fh_buf_reset(&out);
        int converted = -1;
        size_t bad = 0;
        cr_assert_eq(
            fh_decode_typed("caf\xC3\xA9 " MADRASA_UTF8, 16, locales[i], &out, &converted, &bad),
            FH_OK);
        cr_assert_str_eq(out.data, "caf\xC3\xA9 " MADRASA_UTF8);
        cr_assert_eq(converted, 0);
        cr_assert_eq(bad, 16);
    }
}

Test(decode_typed, converted_from_a_legacy_locale, .init = setup, .fini = teardown)
{
    int converted = 0;
    size_t bad = 0;
    cr_assert_eq(fh_decode_typed("caf\xE9", 4, "ISO-8859-1", &out, &converted, &bad), FH_OK);
    cr_assert_str_eq(out.data, "caf\xC3\xA9");
    cr_assert_eq(converted, 1);
    cr_assert_eq(bad, 3);
    fh_buf_reset(&out);
    cr_assert_eq(fh_decode_typed("x " MADRASA_1256, 7, "CP1256", &out, &converted, &bad), FH_OK);
    cr_assert_str_eq(out.data, "x " MADRASA_UTF8);
    fh_buf_reset(&out);
    /* "مدرسة" in ISO-8859-6. */
    cr_assert_eq(fh_decode_typed("\xE5\xCF\xD1\xD3\xC9", 5, "ISO-8859-6", &out, &converted, &bad),
                 FH_OK);
    cr_assert_str_eq(out.data, MADRASA_UTF8);
}

Test(decode_typed, refused_without_a_charset_to_read_it_in, .init = setup, .fini = teardown)
{
    const char *locales[] = {"UTF-8", "ANSI_X3.4-1968", "no-such-charset", "", NULL};
    for (size_t i = 0; i < sizeof locales / sizeof locales[0]; i++) {
        size_t bad = 0;
        int converted = -1;
        fh_buf_puts(&out, "kept");
        cr_assert_eq(fh_decode_typed("ok caf\xE9 x", 9, locales[i], &out, &converted, &bad),
                     FH_ERR_ENCODING, "locale %s", locales[i] ? locales[i] : "(none)");
        cr_assert_eq(bad, 6);
        cr_assert_eq(converted, 0);
        cr_assert_str_eq(out.data, "kept");
        fh_buf_reset(&out);
    }
}

Test(decode_typed, refused_when_a_byte_does_not_map, .init = setup, .fini = teardown)
{
    size_t bad = 0;
    fh_buf_puts(&out, "kept");
    /* 0xA1 is unassigned in ISO-8859-6. */
    int converted = 0;
    cr_assert_eq(fh_decode_typed("\xE5\xA1", 2, "ISO-8859-6", &out, &converted, &bad),
                 FH_ERR_ENCODING);
    cr_assert_eq(bad, 0);
    cr_assert_eq(converted, -1);
    cr_assert_str_eq(out.data, "kept");
}

Test(decode_typed, first_invalid_byte)
{
    cr_assert_eq(fh_utf8_invalid_at("abc", 3), 3);
    cr_assert_eq(fh_utf8_invalid_at("a\xC3\xA9\xE2\x82", 5), 3);
    cr_assert_eq(fh_utf8_invalid_at("\xC0\xAF", 2), 0);
    cr_assert_eq(fh_utf8_invalid_at("", 0), 0);
}
