/* test_analyzer.c - the analyzer: segmentation, spans, scripts and terms. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "analyzer.h"

#define MAX_TOKENS 64

typedef struct collected {
    size_t n;
    char term[MAX_TOKENS][128];
    size_t start[MAX_TOKENS];
    size_t end[MAX_TOKENS];
    uint32_t pos[MAX_TOKENS];
    fh_script script[MAX_TOKENS];
} collected;

static int collect(void *ctx, const fh_token *t)
{
    collected *c = ctx;
    if (c->n == MAX_TOKENS)
        return 1;
    snprintf(c->term[c->n], sizeof c->term[0], "%.*s", (int)t->term_len, t->term);
    c->start[c->n] = t->start;
    c->end[c->n] = t->end;
    c->pos[c->n] = t->pos;
    c->script[c->n] = t->script;
    c->n++;
    return 0;
}

static fh_analyzer *analyzer;

static void setup(void)
{
    cr_assert_eq(fh_analyzer_new(NULL, &analyzer), FH_OK);
}

static void teardown(void)
{
    fh_analyzer_free(analyzer);
}

static collected analyze(const char *text, size_t len)
{
    collected c;
    memset(&c, 0, sizeof c);
    uint32_t next = 0;
    cr_assert_eq(fh_analyzer_run(analyzer, text, len, FH_ANALYZE_DOCUMENT, 0, collect, &c, &next),
                 FH_OK);
    cr_assert_eq(next, c.n);
    return c;
}

static collected analyze_str(const char *text)
{
    return analyze(text, strlen(text));
}

/* Every word of text has the single term expected. */
static void assert_all_terms(const char *text, size_t words, const char *expected)
{
    collected c = analyze_str(text);
    cr_assert_eq(c.n, words, "%s: %zu tokens", text, c.n);
    for (size_t i = 0; i < c.n; i++)
        cr_assert_str_eq(c.term[i], expected, "%s: token %zu", text, i);
}

TestSuite(analyzer, .init = setup, .fini = teardown);

Test(analyzer, english_inflections_share_one_term)
{
    collected c = analyze_str("Running RUNNING runs");
    cr_assert_eq(c.n, 3);
    cr_assert_str_eq(c.term[0], "run");
    cr_assert_str_eq(c.term[1], "run");
    cr_assert_str_eq(c.term[2], "run");
    cr_assert_eq(c.start[0], 0);
    cr_assert_eq(c.end[0], 7);
    cr_assert_eq(c.start[1], 8);
    cr_assert_eq(c.end[1], 15);
    cr_assert_eq(c.start[2], 16);
    cr_assert_eq(c.end[2], 20);
    cr_assert_eq(c.pos[2], 2);
}

Test(analyzer, latin_accents_fold)
{
    assert_all_terms("café cafe CAFÉ", 3, "cafe");
}

Test(analyzer, vocalized_arabic_equals_plain)
{
    assert_all_terms("الْمَدْرَسَةُ المدرسة", 2, "مدرسه");
}

Test(analyzer, tatweel_vanishes)
{
    assert_all_terms("مــدرســة مدرسة", 2, "مدرسه");
}

Test(analyzer, hamza_forms_of_alef_fold)
{
    assert_all_terms("أحمد احمد إحمد آحمد", 4, "احمد");
}

Test(analyzer, alef_maqsura_folds_to_yeh)
{
    assert_all_terms("مستشفى مستشفي المستشفى", 3, "مستشفي"); /* the ي is kept */
}

Test(analyzer, teh_marbuta_folds_to_heh)
{
    /* Kept by the stemmer, then heh: هيئه is هيئة typed with heh. */
    assert_all_terms("هيئة هيئه الهيئة", 3, "هييه");
    /* Four letters before a typed heh: a pronoun (his school teacher). */
    assert_all_terms("مدرسه مدرس", 2, "مدرس");
    assert_all_terms("مدرسة المدرسة بالمدرسة مدرستها", 4, "مدرسه");
}

Test(analyzer, hamza_seats_fold)
{
    assert_all_terms("مؤتمر موتمر", 2, "موتمر");
    /* Yeh with hamza before a waw is the same word as waw with hamza. */
    assert_all_terms("مسؤول مسئول مسوول", 3, "مسوول");
    assert_all_terms("شؤون شئون", 2, "شوون");
    assert_all_terms("رؤوس رءوس", 2, "رووس");
    assert_all_terms("سائق سايق", 2, "سايق");
    /* A lone hamza elsewhere stays: water is not "what". */
    assert_all_terms("ماء", 1, "ماء");
}

Test(analyzer, persian_and_urdu_letters_fold)
{
    assert_all_terms("کتاب كتاب", 2, "كتاب");
    assert_all_terms("یوم يوم", 2, "يوم");
    /* ae, heh goal and heh doachashmee are heh; heh with yeh above too. */
    assert_all_terms("هيئە هيئہ هيئھ هيئۀ هيئه", 5, "هييه");
}

Test(analyzer, arabic_indic_digits_fold)
{
    collected c = analyze_str("٢٠١٨ ۲۰۱۸ 2018");
    cr_assert_eq(c.n, 3);
    for (size_t i = 0; i < 3; i++) {
        cr_assert_str_eq(c.term[i], "2018");
        cr_assert_eq(c.script[i], FH_SCRIPT_NUMBER);
    }
}

Test(analyzer, presentation_form_ligature_folds)
{
    assert_all_terms("ﻻ لا", 2, "لا");
}

Test(analyzer, mixed_scripts_spans_and_scripts)
{
    /* "العراق" is 6 letters of 2 bytes each. */
    collected c = analyze_str("Iraq العراق 2018");
    cr_assert_eq(c.n, 3);
    cr_assert_str_eq(c.term[0], "iraq");
    cr_assert_eq(c.script[0], FH_SCRIPT_LATIN);
    cr_assert_eq(c.start[0], 0);
    cr_assert_eq(c.end[0], 4);
    cr_assert_str_eq(c.term[1], "عراق");
    cr_assert_eq(c.script[1], FH_SCRIPT_ARABIC);
    cr_assert_eq(c.start[1], 5);
    cr_assert_eq(c.end[1], 17);
    cr_assert_str_eq(c.term[2], "2018");
    cr_assert_eq(c.script[2], FH_SCRIPT_NUMBER);
    cr_assert_eq(c.start[2], 18);
    cr_assert_eq(c.end[2], 22);
}

Test(analyzer, spans_keep_harakat)
{
    const char *w = "الْمَدْرَسَةُ";
    collected c = analyze_str(w);
    cr_assert_eq(c.n, 1);
    cr_assert_eq(c.start[0], 0);
    cr_assert_eq(c.end[0], strlen(w)); /* 13 code points, 26 bytes */
    cr_assert_eq(c.end[0], 26);
}

Test(analyzer, invalid_utf8_keeps_offsets)
{
    /* A stray 0xFF and a truncated two-byte and three-byte sequence. */
    const char text[] =
        "hello \xff world \xd8 \xd9\x85\xd8\xaf\xd8\xb1\xd8\xb3\xd8\xa9 \xe2\x80 end";
    collected c = analyze(text, sizeof text - 1);
    cr_assert_eq(c.n, 4);
    cr_assert_str_eq(c.term[0], "hello");
    cr_assert_eq(c.start[0], 0);
    cr_assert_eq(c.end[0], 5);
    cr_assert_str_eq(c.term[1], "world");
    cr_assert_eq(c.start[1], 8);
    cr_assert_eq(c.end[1], 13);
    cr_assert_str_eq(c.term[2], "مدرسه");
    cr_assert_eq(c.start[2], 16);
    cr_assert_eq(c.end[2], 26);
    cr_assert_str_eq(c.term[3], "end");
    cr_assert_eq(c.start[3], 30);
    cr_assert_eq(c.end[3], 33);
}

Test(analyzer, invalid_byte_inside_a_word_splits_it)
{
    const char text[] = "abc\xff"
                        "def";
    collected c = analyze(text, sizeof text - 1);
    cr_assert_eq(c.n, 2);
    cr_assert_str_eq(c.term[0], "abc");
    cr_assert_eq(c.end[0], 3);
    cr_assert_str_eq(c.term[1], "def");
    cr_assert_eq(c.start[1], 4);
}

Test(analyzer, default_ignorables_vanish)
{
    /* ZWNJ inside a word, a right-to-left mark before one, a soft hyphen. */
    collected c = analyze_str("وال\u200cمدرسة \u200fأحمد co\u00adoperate");
    cr_assert_eq(c.n, 3);
    cr_assert_str_eq(c.term[0], "مدرسه");
    cr_assert_str_eq(c.term[1], "احمد");
    cr_assert_str_eq(c.term[2], "cooper");
}

Test(analyzer, numbers_drop_grouping_commas)
{
    collected c = analyze_str("1,059 ١٬٠٥٩ 3.5");
    cr_assert_eq(c.n, 3);
    cr_assert_str_eq(c.term[0], "1059");
    cr_assert_str_eq(c.term[1], "1059");
    cr_assert_str_eq(c.term[2], "3.5");
}

Test(analyzer, punctuation_and_spaces_make_no_tokens)
{
    collected c = analyze_str("  ... — !! ؟ ، «» ");
    cr_assert_eq(c.n, 0);
}

Test(analyzer, positions_start_at_first_pos)
{
    collected c;
    memset(&c, 0, sizeof c);
    uint32_t next = 0;
    cr_assert_eq(fh_analyzer_run(analyzer, "one two", 7, FH_ANALYZE_QUERY, 100, collect, &c, &next),
                 FH_OK);
    cr_assert_eq(c.n, 2);
    cr_assert_eq(c.pos[0], 100);
    cr_assert_eq(c.pos[1], 101);
    cr_assert_eq(next, 102);
}

Test(analyzer, overlong_words_are_dropped)
{
    char text[2100];
    memset(text, 'a', 2000);
    memcpy(text + 2000, " ok", 4);
    collected c = analyze_str(text);
    cr_assert_eq(c.n, 1);
    cr_assert_str_eq(c.term[0], "ok");
    cr_assert_eq(c.start[0], 2001);
}

Test(analyzer, empty_text_gives_no_tokens)
{
    collected c = analyze("", 0);
    cr_assert_eq(c.n, 0);
}

Test(analyzer, other_scripts_are_not_stemmed)
{
    collected c = analyze_str("Ελληνικά running");
    cr_assert_eq(c.n, 2);
    cr_assert_str_eq(c.term[0], "ελληνικά"); /* case folded, accents outside Latin kept */
    cr_assert_eq(c.script[0], FH_SCRIPT_OTHER);
    cr_assert_str_eq(c.term[1], "run");
}

Test(analyzer, stemmers_can_be_chosen)
{
    fh_analyzer_opts opts;
    fh_analyzer_opts_init(&opts);
    opts.english = FH_EN_STEM_NONE;
    opts.arabic = FH_AR_STEM_SNOWBALL;
    fh_analyzer *a = NULL;
    cr_assert_eq(fh_analyzer_new(&opts, &a), FH_OK);
    collected c;
    memset(&c, 0, sizeof c);
    const char *text = "running المدرسة";
    cr_assert_eq(fh_analyzer_run(a, text, strlen(text), FH_ANALYZE_DOCUMENT, 0, collect, &c, NULL),
                 FH_OK);
    fh_analyzer_free(a);
    cr_assert_eq(c.n, 2);
    cr_assert_str_eq(c.term[0], "running");
    cr_assert_str_eq(c.term[1], "مدرس"); /* Snowball takes off the teh marbuta */
}

Test(analyzer, spans_mode_only_segments)
{
    collected c;
    memset(&c, 0, sizeof c);
    const char *text = "Running العراق";
    cr_assert_eq(fh_analyzer_run(analyzer, text, strlen(text), FH_ANALYZE_SPANS, 0, collect, &c,
                                 NULL),
                 FH_OK);
    cr_assert_eq(c.n, 2);
    cr_assert_str_eq(c.term[0], "");
    cr_assert_eq(c.start[0], 0);
    cr_assert_eq(c.end[0], 7);
    cr_assert_eq(c.start[1], 8);
    cr_assert_eq(c.end[1], 20);
    cr_assert_eq(c.script[1], FH_SCRIPT_OTHER);
}

Test(analyzer, narrow_no_break_spaces_around_a_word_are_left_out)
{
    /* Found by tests/fuzz/fuzz_snippet: ICU joins U+202F to the word beside
     * it, which gave the term " bonjour " (NFKC makes it a space) and spans
     * that began or ended in white space. Between digits it still groups. */
    const char *text = "«\u202fBonjour\u202f» et\u202f! 1\u202f000";
    collected c = analyze_str(text);
    cr_assert_eq(c.n, 3);
    cr_assert_str_eq(c.term[0], "bonjour");
    cr_assert_eq(c.start[0], 5); /* « and U+202F: 2 + 3 bytes */
    cr_assert_eq(c.end[0], 12);
    cr_assert_str_eq(c.term[1], "et");
    cr_assert_eq(c.start[1], 18);
    cr_assert_eq(c.end[1], 20);
    cr_assert_eq(c.start[2], 25); /* "1 000" stays one number */
    cr_assert_eq(c.end[2], 32);

    memset(&c, 0, sizeof c);
    cr_assert_eq(
        fh_analyzer_run(analyzer, text, strlen(text), FH_ANALYZE_SPANS, 0, collect, &c, NULL),
        FH_OK);
    cr_assert_eq(c.n, 3);
    cr_assert_eq(c.start[0], 5);
    cr_assert_eq(c.end[0], 12);
    cr_assert_eq(c.end[1], 20);
}
