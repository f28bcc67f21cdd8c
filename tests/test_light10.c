/* test_light10.c - which affixes the light Arabic stemmer strips and keeps.
 * Inputs are normalized words (teh marbuta already heh, no harakat). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "light10.h"

static void assert_stem_min(const char *word, size_t min_stem, const char *expected)
{
    size_t start = 99;
    size_t n = fh_light10_stem(word, strlen(word), min_stem, &start);
    char got[128];
    snprintf(got, sizeof got, "%.*s", (int)n, word + start);
    cr_assert_str_eq(got, expected, "%s", word);
}

static void assert_stem(const char *word, const char *expected)
{
    assert_stem_min(word, FH_LIGHT10_MIN_STEM, expected);
}

Test(light10, strips_each_article)
{
    assert_stem("المدرسه", "مدرس");
    assert_stem("والمدرسه", "مدرس");
    assert_stem("بالمدرسه", "مدرس");
    assert_stem("كالمدرسه", "مدرس");
    assert_stem("فالمدرسه", "مدرس");
    assert_stem("للمدرسه", "مدرس");
}

Test(light10, strips_only_one_prefix)
{
    /* The article goes, the waw after it is then part of the word. */
    assert_stem("الولد", "ولد");
}

Test(light10, strips_waw_when_three_letters_remain)
{
    assert_stem("وسياره", "سيار");
    assert_stem("ولد", "ولد"); /* two letters would remain */
}

Test(light10, keeps_an_article_that_would_leave_one_letter)
{
    assert_stem("الف", "الف");
}

Test(light10, strips_suffixes_in_turn)
{
    assert_stem("كتابها", "كتاب");
    assert_stem("معلمون", "معلم");
    assert_stem("المعلمين", "معلم");
    assert_stem("معلمات", "معلم");
    assert_stem("مستشفي", "مستشف");
    assert_stem("عربيه", "عرب");
}

Test(light10, keeps_three_letters_at_least_after_a_suffix)
{
    assert_stem("به", "به");
    assert_stem("هي", "هي");
    /* Two-letter remains would be particles and names. */
    assert_stem("بنات", "بنات");   /* not بن */
    assert_stem("فيه", "فيه");     /* not في */
    assert_stem("منه", "منه");     /* not من */
    assert_stem("القران", "قران"); /* not قر, as قرون and قري */
    assert_stem("قرون", "قرون");
    assert_stem("قري", "قري");
    assert_stem("كتبه", "كتب");
    assert_stem("بيتان", "بيت");
}

Test(light10, keeps_two_letters_for_indexes_of_format_1)
{
    assert_stem_min("بنات", 2, "بن");
    assert_stem_min("القران", 2, "قر");
    assert_stem_min("به", 2, "به");
}

Test(light10, leaves_other_text_alone)
{
    assert_stem("run", "run");
    assert_stem("", "");
}
