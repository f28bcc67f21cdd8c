/* test_arabic_stem.c - fihris's Arabic stemmer and letter folding, through
 * the analyzer as fihris-search --analyze shows them: what comes off, what
 * stays, which words meet and which stay apart. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "arabic_stem.h"

static fh_analyzer *analyzer;

static void setup(void)
{
    cr_assert_eq(fh_analyzer_new(NULL, &analyzer), FH_OK);
}

static void teardown(void)
{
    fh_analyzer_free(analyzer);
}

TestSuite(arabic, .init = setup, .fini = teardown);

typedef struct terms {
    char text[512]; /* the terms, space-separated */
    size_t n;
} terms;

static int take(void *ctx, const fh_token *t)
{
    terms *c = ctx;
    size_t len = strlen(c->text);
    snprintf(c->text + len, sizeof c->text - len, "%s%.*s", c->n ? " " : "", (int)t->term_len,
             t->term);
    c->n++;
    return 0;
}

static terms analyze(const char *word)
{
    terms c;
    memset(&c, 0, sizeof c);
    cr_assert_eq(fh_analyzer_run(analyzer, word, strlen(word), FH_ANALYZE_QUERY, 0, take, &c, NULL),
                 FH_OK);
    return c;
}

/* Letters of a term (all two-byte Arabic letters). */
static size_t letters(const char *s)
{
    size_t n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

Test(arabic, what_comes_off_and_what_stays)
{
    static const char *const cases[][2] = {
        /* Articles, when three letters stay. */
        {"الكتاب", "كتاب"},
        {"والكتاب", "كتاب"},
        {"بالمدرسة", "مدرسه"},
        {"كالبحر", "بحر"},
        {"فالطالب", "طالب"},
        {"للطلاب", "طلاب"},
        {"الله", "الله"},
        {"التي", "التي"},
        {"الان", "الان"},
        /* A lone clitic stays: وزير is not زير. */
        {"وزير", "وزير"},
        {"وكتاب", "وكتاب"},
        {"واشنطن", "واشنطن"},
        {"بريطانيا", "بريطانيا"},
        {"فرنسا", "فرنسا"},
        /* Pronouns: ها هم هما هن with three letters left, ه with four. */
        {"كتابها", "كتاب"},
        {"كتابهم", "كتاب"},
        {"كتابهما", "كتاب"},
        {"كتابه", "كتاب"},
        {"بيته", "بيته"},
        /* A teh before a pronoun was a teh marbuta, or ends a plural. */
        {"مدرستها", "مدرسه"},
        {"حكومته", "حكومه"},
        {"بيتها", "بيت"},
        {"قراراتها", "قرار"},
        /* Plurals and duals: ات with three letters left, ون ين ان with four. */
        {"المعلمون", "معلم"},
        {"المعلمين", "معلم"},
        {"السيارات", "سيار"},
        {"الجانبان", "جانب"},
        {"لبنان", "لبنان"},
        {"سلمان", "سلمان"},
        {"عشرين", "عشرين"},
        {"مليون", "مليون"},
        /* Teh marbuta and the nisba yeh are kept. */
        {"الرياضة", "رياضه"},
        {"الرياضي", "رياضي"},
        {"السعودية", "سعوديه"},
        {"وزارة", "وزاره"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        terms t = analyze(cases[i][0]);
        cr_assert_str_eq(t.text, cases[i][1], "%s", cases[i][0]);
    }
}

Test(arabic, no_stem_is_shorter_than_three_letters)
{
    /* Words an affix could cut to one or two letters. */
    static const char *const words[] = {"الله",  "لله", "والد", "بنات", "ثبات", "بيتها",
                                        "وجدة",  "جدة", "فيه",  "منه",  "ذات",  "سنوات",
                                        "الذين", "هما", "لها",  "بهم",  "امها", "ابنه"};
    for (size_t i = 0; i < sizeof words / sizeof words[0]; i++) {
        terms t = analyze(words[i]);
        cr_assert_eq(t.n, 1, "%s", words[i]);
        cr_assert_geq(letters(t.text), FH_ARABIC_MIN_STEM, "%s: %s", words[i], t.text);
    }
}

/* The pairs a reader expects: same terms, or different ones. */
static void assert_pair(const char *expect, const char *a, const char *b, const char *where)
{
    terms ta = analyze(a), tb = analyze(b);
    if (strcmp(expect, "same") == 0)
        cr_assert_str_eq(ta.text, tb.text, "%s: %s and %s should meet", where, a, b);
    else
        cr_assert_str_neq(ta.text, tb.text, "%s: %s and %s should stay apart (%s)", where, a, b,
                          ta.text);
}

Test(arabic, words_that_meet_and_words_that_stay_apart)
{
    static const char *const pairs[][3] = {
        {"same", "مؤتمر", "موتمر"},         {"same", "مسؤول", "مسئول"},
        {"same", "مسئول", "مسوول"},         {"same", "سؤال", "سوال"},
        {"same", "شئون", "شؤون"},           {"same", "هيئة", "هيئه"},
        {"same", "بالمدرسة", "مدرسة"},      {"same", "والكتاب", "الكتاب"},
        {"same", "مدرستها", "مدرسة"},       {"same", "حكومتهم", "الحكومة"},
        {"same", "كتابه", "كتاب"},          {"same", "المعلمون", "معلم"},
        {"same", "کتاب", "كتاب"},           {"same", "یوم", "يوم"},
        {"same", "إسلام", "اسلام"},         {"same", "الْمَدْرَسَةُ", "المدرسة"},
        {"different", "الله", "له"},        {"different", "وزارة", "زار"},
        {"different", "وزير", "زير"},       {"different", "واشنطن", "اشنطن"},
        {"different", "الرياض", "الرياضة"}, {"different", "بالرياض", "الرياضي"},
        {"different", "وجدة", "جدة"},       {"different", "السعودي", "سعود"},
        {"different", "لبنان", "لبن"},      {"different", "ماء", "ما"},
    };
    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++)
        assert_pair(pairs[i][0], pairs[i][1], pairs[i][2], "table");
}

/* Every pair of ../shared/arabic/pairs.tsv (expectation, word, word, why). */
Test(arabic, the_shared_pairs_hold)
{
    /* $FH_SHARED_DIR, else ../shared beside the source, as lib.sh. */
    const char *shared = getenv("FH_SHARED_DIR"), *src = getenv("FH_SOURCE_DIR");
    char path[4096];
    if (shared && shared[0])
        snprintf(path, sizeof path, "%s/arabic/pairs.tsv", shared);
    else
        snprintf(path, sizeof path, "%s/../shared/arabic/pairs.tsv", src ? src : ".");
    FILE *f = fopen(path, "r");
    if (f == NULL)
        cr_skip_test("%s is missing: the shared pairs are not checked", path);
    char line[1024];
    size_t n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        char *save = NULL;
        char *expect = strtok_r(line, "\t\n", &save);
        char *a = strtok_r(NULL, "\t\n", &save);
        char *b = strtok_r(NULL, "\t\n", &save);
        cr_assert(expect && a && b, "pairs.tsv: a line without three fields");
        assert_pair(expect, a, b, "pairs.tsv");
        n++;
    }
    fclose(f);
    cr_assert_gt(n, 0, "pairs.tsv holds no pair");
}
