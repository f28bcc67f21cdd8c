/* test_normalize.c - word normalization, one rule at a time. */
#include <criterion/criterion.h>
#include <string.h>

#include "normalize.h"

static fh_normalizer *norm;

static void setup(void)
{
    cr_assert_eq(fh_normalizer_new(0, &norm), FH_OK);
}

static void teardown(void)
{
    fh_normalizer_free(norm);
}

static void assert_norm_as(fh_normalizer *n, const char *word, int is_number, const char *expected)
{
    fh_buf out = FH_BUF_INIT;
    cr_assert_eq(fh_normalize_word(n, word, strlen(word), is_number, &out), FH_OK);
    cr_assert_str_eq(out.data ? out.data : "", expected, "%s", word);
    fh_buf_free(&out);
}

static void assert_norm(const char *word, const char *expected)
{
    assert_norm_as(norm, word, 0, expected);
}

TestSuite(normalize, .init = setup, .fini = teardown);

Test(normalize, ascii_is_lower_cased)
{
    assert_norm("HeLLo-World", "hello-world");
}

Test(normalize, case_folding_beyond_ascii)
{
    assert_norm("STRASSE", "strasse");
    assert_norm("Straße", "strasse");
}

Test(normalize, latin_accents_fold)
{
    assert_norm("café", "cafe");
    assert_norm("Naïve", "naive");
    assert_norm("e\u0301", "e"); /* decomposed accent */
}

Test(normalize, arabic_harakat_tanween_and_marks_vanish)
{
    assert_norm("كِتَابٌ", "كتاب");
    assert_norm("الرَّحْمَٰنِ", "الرحمن");
    assert_norm("ذَٰلِكَ", "ذلك");
}

Test(normalize, tatweel_vanishes)
{
    assert_norm("الـريـاض", "الرياض");
}

Test(normalize, alef_forms_fold)
{
    assert_norm("أ", "ا");
    assert_norm("إ", "ا");
    assert_norm("آ", "ا");
    assert_norm("ٱ", "ا");
}

Test(normalize, alef_maqsura_and_teh_marbuta_fold)
{
    assert_norm("على", "علي");
    assert_norm("جامعة", "جامعه");
}

Test(normalize, hamza_seats_kept_by_default)
{
    assert_norm("مسؤول", "مسؤول");
    assert_norm("رئيس", "رئيس");
    assert_norm("سماء", "سماء");
}

Test(normalize, hamza_seats_fold_when_asked)
{
    fh_normalizer *n = NULL;
    cr_assert_eq(fh_normalizer_new(FH_NORMALIZE_FOLD_HAMZA_SEATS, &n), FH_OK);
    assert_norm_as(n, "مسؤول", 0, "مسوول");
    assert_norm_as(n, "رئيس", 0, "رييس");
    assert_norm_as(n, "سماء", 0, "سما");
    fh_normalizer_free(n);
}

Test(normalize, presentation_forms_become_letters)
{
    assert_norm("ﻻ", "لا");
    assert_norm("ﺑﻴﺖ", "بيت");
}

Test(normalize, digits_fold_to_ascii)
{
    assert_norm_as(norm, "٢٠١٨", 1, "2018");
    assert_norm_as(norm, "۲۰۱۸", 1, "2018");
    assert_norm_as(norm, "١٬٠٥٩٫٥", 1, "1059.5");
    assert_norm_as(norm, "1,059", 1, "1059");
}

Test(normalize, default_ignorables_vanish)
{
    assert_norm("a\u200db", "ab");
    assert_norm("\u202eabc\u202c", "abc");
    assert_norm("\u2066x\u2069", "x");
    assert_norm("co\u00adop", "coop");
}

Test(normalize, typographic_apostrophes_become_ascii)
{
    assert_norm("Amnesty’s", "amnesty's");
}

Test(normalize, invalid_bytes_become_replacement_characters)
{
    assert_norm("a\xff", "a\xef\xbf\xbd");
}

Test(normalize, a_word_of_marks_only_is_empty)
{
    assert_norm("\u064e\u0651", "");
}
