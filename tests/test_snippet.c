/* test_snippet.c - snippets: choosing passages and marking matched words. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer.h"
#include "snippet.h"

#define MAX_TERMS 8

static fh_analyzer *analyzer;

static void setup(void)
{
    cr_assert_eq(fh_analyzer_new(NULL, &analyzer), FH_OK);
}

static void teardown(void)
{
    fh_analyzer_free(analyzer);
}

TestSuite(snippet, .init = setup, .fini = teardown);

/* Query terms made by the analyzer, as the searcher makes them: never
 * hard-coded stems. */
typedef struct query {
    size_t n;
    char text[MAX_TERMS][FH_MAX_TERM_BYTES + 1];
    fh_snippet_term terms[MAX_TERMS];
} query;

typedef struct one_term {
    char *buf;
    size_t len;
    size_t count;
} one_term;

static int take_term(void *ctx, const fh_token *t)
{
    one_term *o = ctx;
    if (o->count++ == 0) {
        memcpy(o->buf, t->term, t->term_len);
        o->buf[t->term_len] = '\0';
        o->len = t->term_len;
    }
    return 0;
}

static void add_term(query *q, const char *word, double weight, int is_prefix)
{
    cr_assert_lt(q->n, MAX_TERMS);
    one_term o = {q->text[q->n], 0, 0};
    cr_assert_eq(
        fh_analyzer_run(analyzer, word, strlen(word), FH_ANALYZE_QUERY, 0, take_term, &o, NULL),
        FH_OK);
    cr_assert_eq(o.count, 1, "%s gives %zu terms", word, o.count);
    fh_snippet_term *t = &q->terms[q->n++];
    t->term = q->text[q->n - 1];
    t->len = o.len;
    t->weight = weight;
    t->is_prefix = is_prefix;
}

static fh_snippet make(const char *text, size_t len, const query *q, size_t max_chars,
                       size_t max_passages)
{
    fh_snippet_opts opts;
    fh_snippet_opts_init(&opts);
    opts.max_chars = max_chars;
    opts.max_passages = max_passages;
    fh_snippet s;
    cr_assert_eq(fh_snippet_make(analyzer, text, len, q ? q->terms : NULL, q ? q->n : 0, &opts, &s),
                 FH_OK);
    return s;
}

static fh_snippet make_str(const char *text, const query *q, size_t max_chars)
{
    return make(text, strlen(text), q, max_chars, 1);
}

static void assert_span_text(const char *text, fh_span sp, const char *expected)
{
    char got[4096];
    snprintf(got, sizeof got, "%.*s", (int)(sp.end - sp.start), text + sp.start);
    cr_assert_str_eq(got, expected);
}

static void assert_passage(const char *text, const fh_passage *p, size_t start, size_t end,
                           const char *expected)
{
    cr_assert_eq(p->span.start, start, "passage starts at %zu", p->span.start);
    cr_assert_eq(p->span.end, end, "passage ends at %zu", p->span.end);
    assert_span_text(text, p->span, expected);
}

static void assert_highlight(const char *text, const fh_passage *p, size_t i, size_t start,
                             size_t end, const char *expected)
{
    cr_assert_lt(i, p->n_highlights);
    cr_assert_eq(p->highlights[i].start, start, "highlight %zu starts at %zu", i,
                 p->highlights[i].start);
    cr_assert_eq(p->highlights[i].end, end, "highlight %zu ends at %zu", i, p->highlights[i].end);
    assert_span_text(text, p->highlights[i], expected);
}

/* Code points, counting every invalid byte as one. */
static size_t count_chars(const char *s, size_t len)
{
    size_t n = 0;
    for (size_t i = 0; i < len; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80)
            n++;
    return n;
}

Test(snippet, opts_defaults)
{
    fh_snippet_opts opts;
    fh_snippet_opts_init(&opts);
    cr_assert_eq(opts.max_chars, 200);
    cr_assert_eq(opts.max_passages, 1);
}

/* One passage asked for, and what it must be. -1: not checked. */
typedef struct passage_case {
    const char *name, *text;
    struct {
        const char *word;
        double weight;
    } terms[2];
    size_t max_chars;
    size_t start, end; /* the passage */
    const char *passage;
    int n_highlights, starts_text, ends_text, n_matched_terms;
    struct {
        size_t start, end;
        const char *text;
    } highlights[2]; /* the first ones, those with a text */
} passage_case;

#define RUNNING "She runs every morning; running keeps her happy."
#define MADRASA "وتُعَدُّ الْمَدْرَسَةُ الأولى في المنطقة."
#define AHMAD   "قال أحمد: هل انتهى الدرس؟"
#define SOLAR                                                                                      \
    "Solar panels cover the roof of the old school. Nothing else happened that week in "           \
    "the quiet town.\n"                                                                            \
    "The desert is vast and dry in summer. Nothing else happened that week in the quiet "          \
    "town.\n"                                                                                      \
    "In the desert a new solar plant opened this spring. Nothing else happened that week "         \
    "in the quiet town."
#define CITY                                                                                       \
    "The city council met on Monday. The city budget was approved and the city "                   \
    "mayor spoke at length about roads. Much later that week the marathon "                        \
    "route was announced."
#define SENTENCES                                                                                  \
    "Sentence one is here. Sentence two is here too. The third one mentions a "                    \
    "cat sitting. Then more text follows after that and goes on for a while "                      \
    "longer."
/* Sentences end with ؟ and a full stop; the match is in the third. */
#define ARABIC_SENTENCES                                                                                                                    \
    "هل تعرف المدينة؟ نعم أعرفها جيدا. وأين تقع الْمَدْرَسَةُ الكبيرة؟ في وسط " \
    "البلد القديم قرب السوق الذي يزوره الناس كل يوم."
#define NUMBERS                                                                                    \
    "one two three four five six seven eight nine ten big cat thirteen fourteen "                  \
    "fifteen sixteen"
#define NUMBERS_END "one two three four five six seven eight nine ten eleven twelve cat and dog"
#define RUNNER                                                                                     \
    "A quiet morning. Did the runner cross the line? Everyone in the crowd "                       \
    "cheered loudly."

static const passage_case passage_cases[] = {
    {"English inflections are highlighted",
     RUNNING,
     {{"run", 1.0}},
     200,
     0,
     48,
     RUNNING,
     2,
     1,
     1,
     1,
     {{4, 8, "runs"}, {24, 31, "running"}}},
    {"adjacent matches stay separate",
     "Running runs, ran.",
     {{"run", 1.0}},
     200,
     0,
     18,
     "Running runs, ran.",
     2,
     -1,
     -1,
     -1,
     {{0, 7, "Running"}, {8, 12, "runs"}}},
    /* The article, every haraka and the final damma are inside the span. */
    {"an Arabic word keeps its article and harakat",
     MADRASA,
     {{"مدرسة", 1.0}},
     200,
     0,
     77,
     MADRASA,
     1,
     -1,
     -1,
     1,
     {{17, 43, "الْمَدْرَسَةُ"}}},
    {"an Arabic query without hamza marks the word with it",
     AHMAD,
     {{"احمد", 1.0}},
     200,
     0,
     45,
     AHMAD,
     1,
     -1,
     -1,
     -1,
     {{7, 15, "أحمد"}}},
    /* solar alone, desert alone, then both: only the third paragraph holds
     * the two terms within 80 characters. It starts at that paragraph's
     * first sentence, and ends at a word end. */
    {"the best passage has the most distinct terms",
     SOLAR,
     {{"solar", 1.0}, {"desert", 1.0}},
     80,
     187,
     265,
     "In the desert a new solar plant opened this spring. Nothing else happened that",
     2,
     0,
     0,
     2,
     {{194, 200, "desert"}, {207, 212, "solar"}}},
    {"a rare term outweighs a common one",
     CITY,
     {{"city", 0.2}, {"marathon", 4.0}},
     50,
     109,
     152,
     "Much later that week the marathon route was",
     1,
     -1,
     -1,
     2,
     {{134, 142, "marathon"}}},
    /* Equal weights: two cities win over the one marathon (and the first
     * pair over the second, which scores the same). */
    {"equal weights",
     CITY,
     {{"city", 1.0}, {"marathon", 1.0}},
     50,
     0,
     47,
     "The city council met on Monday. The city budget",
     2,
     -1,
     -1,
     -1,
     {{4, 8, "city"}, {36, 40, "city"}}},
    {"the passage starts at a sentence",
     SENTENCES,
     {{"cat", 1.0}},
     60,
     48,
     108,
     "The third one mentions a cat sitting. Then more text follows",
     1,
     -1,
     -1,
     -1,
     {{73, 76, "cat"}}},
    {"the passage starts at an Arabic sentence",
     ARABIC_SENTENCES,
     {{"مدرسة", 1.0}},
     40,
     61,
     132,
     "وأين تقع الْمَدْرَسَةُ الكبيرة؟ في وسط",
     1,
     -1,
     -1,
     -1,
     {{77, 103, "الْمَدْرَسَةُ"}}},
    /* The sentence starts too far back: a little context in whole words. */
    {"a word start when no sentence is near",
     NUMBERS,
     {{"cat", 1.0}},
     30,
     49,
     74,
     "big cat thirteen fourteen",
     -1,
     -1,
     -1,
     -1,
     {{53, 56, "cat"}}},
    /* Near the end of the text the room left is spent before the match. */
    {"near the end",
     NUMBERS_END,
     {{"cat", 1.0}},
     30,
     45,
     74,
     "ten eleven twelve cat and dog",
     -1,
     0,
     1,
     -1,
     {{63, 66, "cat"}}},
    /* Exactly 30 characters with the question mark. */
    {"trailing punctuation is kept",
     RUNNER,
     {{"runner", 1.0}},
     30,
     17,
     47,
     "Did the runner cross the line?",
     -1,
     0,
     0,
     -1,
     {{25, 31, "runner"}}},
    /* Without room for it, the mark is left out rather than the limit broken. */
    {"no room for the trailing punctuation",
     RUNNER,
     {{"runner", 1.0}},
     29,
     17,
     46,
     "Did the runner cross the line",
     -1,
     -1,
     -1,
     -1,
     {{0, 0, NULL}}},
};

/* Make the passage of one row and check it. */
static void check_passage(const passage_case *c)
{
    query q = {0};
    for (size_t i = 0; i < 2 && c->terms[i].word != NULL; i++)
        add_term(&q, c->terms[i].word, c->terms[i].weight, 0);
    fh_snippet s = make_str(c->text, &q, c->max_chars);
    cr_assert_eq(s.n_passages, 1, "%s", c->name);
    const fh_passage *p = &s.passages[0];
    cr_assert(p->span.start == c->start && p->span.end == c->end, "%s: the passage is %zu..%zu",
              c->name, p->span.start, p->span.end);
    assert_passage(c->text, p, c->start, c->end, c->passage);
    cr_assert_leq(count_chars(c->text + p->span.start, p->span.end - p->span.start), c->max_chars,
                  "%s", c->name);
    if (c->n_matched_terms >= 0)
        cr_assert_eq(s.n_matched_terms, (size_t)c->n_matched_terms, "%s", c->name);
    if (c->n_highlights >= 0)
        cr_assert_eq(p->n_highlights, (size_t)c->n_highlights, "%s", c->name);
    if (c->starts_text >= 0)
        cr_assert_eq(p->starts_text, c->starts_text, "%s", c->name);
    if (c->ends_text >= 0)
        cr_assert_eq(p->ends_text, c->ends_text, "%s", c->name);
    for (size_t i = 0; i < 2 && c->highlights[i].text != NULL; i++)
        assert_highlight(c->text, p, i, c->highlights[i].start, c->highlights[i].end,
                         c->highlights[i].text);
    fh_snippet_clear(&s);
    cr_assert_null(s.passages, "%s", c->name);
    cr_assert_eq(s.n_passages, 0, "%s", c->name);
}

Test(snippet, passages_and_highlights)
{
    for (size_t i = 0; i < sizeof passage_cases / sizeof passage_cases[0]; i++)
        check_passage(&passage_cases[i]);
}

typedef struct spans {
    size_t n;
    size_t start[256];
    size_t end[256];
} spans;

static int take_span(void *ctx, const fh_token *t)
{
    spans *sp = ctx;
    if (sp->n < 256) {
        sp->start[sp->n] = t->start;
        sp->end[sp->n] = t->end;
        sp->n++;
    }
    return 0;
}

Test(snippet, max_chars_respected_and_no_word_cut)
{
    const char *text =
        "وتُعَدُّ الْمَدْرَسَةُ الأولى في المنطقة التي صُممت وفق معايير حديثة، وتضم مختبرات "
        "للعلوم ومكتبة كبيرة. The new school in Riyadh opened on Sunday with nine hundred "
        "pupils; the ministry said more schools will follow. وقال مدير الْمَدْرَسَةُ إن "
        "التسجيل ما زال مفتوحا؟ نعم، حتى نهاية الشهر. Parents welcomed the school warmly.";
    size_t len = strlen(text);
    spans words = {0};
    cr_assert_eq(
        fh_analyzer_run(analyzer, text, len, FH_ANALYZE_DOCUMENT, 0, take_span, &words, NULL),
        FH_OK);
    cr_assert_lt(words.n, 256);
    query q = {0};
    add_term(&q, "مدرسة", 2.0, 0);
    add_term(&q, "school", 1.0, 0);
    for (size_t max = 12; max <= 260; max += 7) {
        for (size_t np = 1; np <= 3; np++) {
            fh_snippet s = make(text, len, &q, max, np);
            cr_assert_geq(s.n_passages, 1);
            cr_assert_leq(s.n_passages, np);
            for (size_t i = 0; i < s.n_passages; i++) {
                const fh_passage *p = &s.passages[i];
                cr_assert_lt(p->span.start, p->span.end);
                cr_assert_leq(p->span.end, len);
                cr_assert_leq(count_chars(text + p->span.start, p->span.end - p->span.start), max,
                              "max %zu: passage %zu too long", max, i);
                if (i > 0)
                    cr_assert_leq(s.passages[i - 1].span.end, p->span.start);
                /* Every word is wholly inside the passage or wholly outside. */
                for (size_t w = 0; w < words.n; w++) {
                    int inside = words.start[w] >= p->span.start && words.end[w] <= p->span.end;
                    int outside = words.end[w] <= p->span.start || words.start[w] >= p->span.end;
                    cr_assert(inside || outside, "max %zu: word at %zu cut", max, words.start[w]);
                }
                for (size_t h = 0; h < p->n_highlights; h++) {
                    cr_assert_geq(p->highlights[h].start, p->span.start);
                    cr_assert_leq(p->highlights[h].end, p->span.end);
                    if (h > 0)
                        cr_assert_leq(p->highlights[h - 1].end, p->highlights[h].start);
                }
            }
            fh_snippet_clear(&s);
        }
    }
}

Test(snippet, several_passages_in_page_order)
{
    const char *text = "Harbour news from the coast. Fishing boats came back late and the weather "
                       "was calm all week. The harbour cafe and the harbour cafe terrace reopened "
                       "on Friday. Tourists walked the long promenade slowly in the sun. The cafe "
                       "owner thanked everyone.";
    query q = {0};
    add_term(&q, "cafe", 2.0, 0);
    add_term(&q, "harbour", 1.0, 0);

    /* One passage: the middle one, with both terms and four matches. */
    fh_snippet s = make(text, strlen(text), &q, 50, 1);
    cr_assert_eq(s.n_passages, 1);
    assert_passage(text, &s.passages[0], 93, 138, "The harbour cafe and the harbour cafe terrace");
    fh_snippet_clear(&s);

    /* Chosen middle, cafe, harbour; returned in page order. */
    s = make(text, strlen(text), &q, 50, 5);
    cr_assert_eq(s.n_passages, 3, "no match is left for more");
    cr_assert_eq(s.n_matched_terms, 2);

    const fh_passage *p = &s.passages[0];
    assert_passage(text, p, 0, 47, "Harbour news from the coast. Fishing boats came");
    cr_assert_eq(p->starts_text, 1);
    cr_assert_eq(p->ends_text, 0);
    cr_assert_eq(p->n_highlights, 1);
    assert_highlight(text, p, 0, 0, 7, "Harbour");

    p = &s.passages[1];
    assert_passage(text, p, 93, 138, "The harbour cafe and the harbour cafe terrace");
    cr_assert_eq(p->starts_text, 0);
    cr_assert_eq(p->ends_text, 0);
    cr_assert_eq(p->n_highlights, 4);
    assert_highlight(text, p, 0, 97, 104, "harbour");
    assert_highlight(text, p, 1, 105, 109, "cafe");
    assert_highlight(text, p, 2, 118, 125, "harbour");
    assert_highlight(text, p, 3, 126, 130, "cafe");

    p = &s.passages[2];
    assert_passage(text, p, 213, 245, "The cafe owner thanked everyone.");
    cr_assert_eq(p->starts_text, 0);
    cr_assert_eq(p->ends_text, 1);
    cr_assert_eq(p->n_highlights, 1);
    assert_highlight(text, p, 0, 217, 221, "cafe");
    for (size_t i = 1; i < s.n_passages; i++)
        cr_assert_leq(s.passages[i - 1].span.end, s.passages[i].span.start);
    fh_snippet_clear(&s);

    /* Two passages: the middle and the cafe at the end. */
    s = make(text, strlen(text), &q, 50, 2);
    cr_assert_eq(s.n_passages, 2);
    cr_assert_eq(s.passages[0].span.start, 93);
    cr_assert_eq(s.passages[1].span.start, 213);
    fh_snippet_clear(&s);
}

Test(snippet, prefix_terms)
{
    const char *text = "The marathon in March drew many runners to the market square.";
    query q = {0};
    add_term(&q, "mar", 1.0, 1);
    fh_snippet s = make_str(text, &q, 200);
    cr_assert_eq(s.n_passages, 1);
    cr_assert_eq(s.n_matched_terms, 1);
    const fh_passage *p = &s.passages[0];
    cr_assert_eq(p->n_highlights, 3);
    assert_highlight(text, p, 0, 4, 12, "marathon");
    assert_highlight(text, p, 1, 16, 21, "March");
    assert_highlight(text, p, 2, 47, 53, "market");
    fh_snippet_clear(&s);

    /* An Arabic prefix matches the stem of a word with article and harakat. */
    const char *ar = "زرت الْمَدْرَسَةُ والمدرسين ثم المكتبة.";
    query qa = {0};
    add_term(&qa, "مدر", 1.0, 1);
    s = make_str(ar, &qa, 200);
    cr_assert_eq(s.n_passages, 1);
    p = &s.passages[0];
    cr_assert_eq(p->n_highlights, 2);
    assert_highlight(ar, p, 0, 7, 33, "الْمَدْرَسَةُ");
    assert_highlight(ar, p, 1, 34, 52, "والمدرسين");
    fh_snippet_clear(&s);
}

Test(snippet, no_match_gives_opening_passage)
{
    const char *text = "  Sentence one is here. Sentence two is here too. The third one mentions a "
                       "cat sitting.";
    query q = {0};
    add_term(&q, "zebra", 1.0, 0);
    fh_snippet s = make_str(text, &q, 50);
    cr_assert_eq(s.n_passages, 1);
    cr_assert_eq(s.n_matched_terms, 0);
    const fh_passage *p = &s.passages[0];
    /* The leading spaces are trimmed; the passage still starts the text. */
    assert_passage(text, p, 2, 49, "Sentence one is here. Sentence two is here too.");
    cr_assert_eq(p->starts_text, 1);
    cr_assert_eq(p->ends_text, 0);
    cr_assert_eq(p->n_highlights, 0);
    cr_assert_null(p->highlights);
    fh_snippet_clear(&s);

    /* No terms at all: the same opening passage. */
    s = make_str(text, NULL, 50);
    cr_assert_eq(s.n_passages, 1);
    cr_assert_eq(s.n_matched_terms, 0);
    assert_passage(text, &s.passages[0], 2, 49, "Sentence one is here. Sentence two is here too.");
    cr_assert_eq(s.passages[0].n_highlights, 0);
    fh_snippet_clear(&s);

    /* A short text is given whole, trailing space trimmed. */
    const char *shortt = "Just a few words here.\n\n";
    s = make_str(shortt, &q, 50);
    cr_assert_eq(s.n_passages, 1);
    assert_passage(shortt, &s.passages[0], 0, 22, "Just a few words here.");
    cr_assert_eq(s.passages[0].starts_text, 1);
    cr_assert_eq(s.passages[0].ends_text, 1);
    fh_snippet_clear(&s);
}

Test(snippet, empty_text_gives_no_passage)
{
    query q = {0};
    add_term(&q, "run", 1.0, 0);
    fh_snippet s = make("", 0, &q, 200, 1);
    cr_assert_eq(s.n_passages, 0);
    cr_assert_null(s.passages);
    cr_assert_eq(s.n_matched_terms, 0);
    fh_snippet_clear(&s);

    s = make(" \n\t ", 4, &q, 200, 1);
    cr_assert_eq(s.n_passages, 0);
    fh_snippet_clear(&s);

    fh_snippet zero = {0};
    fh_snippet_clear(&zero);
}

Test(snippet, invalid_utf8_keeps_spans_exact)
{
    const char text[] = "abc \xff\xfe runs \xc3 fast \xe2\x82 running\xf0\x9f. end";
    size_t len = sizeof text - 1;
    query q = {0};
    add_term(&q, "run", 1.0, 0);
    fh_snippet s = make(text, len, &q, 200, 1);
    cr_assert_eq(s.n_passages, 1);
    const fh_passage *p = &s.passages[0];
    cr_assert_eq(p->span.start, 0);
    cr_assert_eq(p->span.end, len);
    cr_assert_eq(p->n_highlights, 2);
    assert_highlight(text, p, 0, 7, 11, "runs");
    assert_highlight(text, p, 1, 22, 29, "running");
    fh_snippet_clear(&s);

    /* A short window must not split the invalid bytes' neighbours. */
    s = make(text, len, &q, 12, 1);
    cr_assert_eq(s.n_passages, 1);
    p = &s.passages[0];
    cr_assert_eq(p->span.start, 7);
    cr_assert_eq(p->span.end, 18);
    assert_span_text(text, p->span, "runs \xc3 fast");
    cr_assert_eq(p->n_highlights, 1);
    assert_highlight(text, p, 0, 7, 11, "runs");
    fh_snippet_clear(&s);
}

Test(snippet, megabyte_text)
{
    const char *sentence = "The quick brown fox jumps over the lazy dog near the river bank. ";
    size_t slen = strlen(sentence);
    size_t reps = (1u << 20) / slen + 1;
    size_t len = reps * slen;
    char *text = malloc(len + 1);
    cr_assert_not_null(text);
    for (size_t i = 0; i < reps; i++)
        memcpy(text + i * slen, sentence, slen);
    text[len] = '\0';
    query q = {0};
    add_term(&q, "fox", 1.0, 0);
    add_term(&q, "river", 1.0, 0);
    fh_snippet s = make(text, len, &q, 200, 1);
    cr_assert_eq(s.n_passages, 1);
    cr_assert_eq(s.n_matched_terms, 2);
    const fh_passage *p = &s.passages[0];
    cr_assert_leq(count_chars(text + p->span.start, p->span.end - p->span.start), 200);
    cr_assert_geq(p->n_highlights, 4);
    fh_snippet_clear(&s);
    free(text);
}

Test(snippet, a_region_is_searched_alone_with_offsets_into_the_whole_text)
{
    /* Analyze only "rivers ... deserts" but report offsets into the whole text. */
    const char *text = "Mountains rise here. The second sentence is long enough. "
                       "Rivers run to deserts far away.";
    query q = {0};
    add_term(&q, "desert", 1.0, 0);
    add_term(&q, "mountain", 1.0, 0);
    fh_snippet_opts opts;
    fh_snippet_opts_init(&opts);
    opts.max_chars = 40;
    opts.region_start = 57; /* "Rivers" */
    opts.region_end = strlen(text);
    fh_snippet s;
    cr_assert_eq(fh_snippet_make(analyzer, text, strlen(text), q.terms, q.n, &opts, &s), FH_OK);
    cr_assert_eq(s.n_passages, 1);
    /* "mountain" lies outside the region: only "deserts" is seen. */
    cr_assert_eq(s.n_matched_terms, 1);
    const fh_passage *p = &s.passages[0];
    assert_passage(text, p, 57, 88, "Rivers run to deserts far away.");
    cr_assert_eq(p->starts_text, 0);
    cr_assert_eq(p->ends_text, 1);
    cr_assert_eq(p->n_highlights, 1);
    assert_highlight(text, p, 0, 71, 78, "deserts");
    fh_snippet_clear(&s);
}

Test(snippet, a_region_edge_is_no_sentence_start)
{
    /* The region starts mid-sentence: the passage may not claim it starts
     * the text, and ends inside the region. */
    const char *text = "alpha beta gamma delta epsilon zeta eta theta";
    query q = {0};
    add_term(&q, "zeta", 1.0, 0);
    fh_snippet_opts opts;
    fh_snippet_opts_init(&opts);
    opts.region_start = 6; /* "beta" */
    opts.region_end = 35;  /* after "zeta" */
    fh_snippet s;
    cr_assert_eq(fh_snippet_make(analyzer, text, strlen(text), q.terms, q.n, &opts, &s), FH_OK);
    cr_assert_eq(s.n_passages, 1);
    const fh_passage *p = &s.passages[0];
    assert_passage(text, p, 6, 35, "beta gamma delta epsilon zeta");
    cr_assert_eq(p->starts_text, 0);
    cr_assert_eq(p->ends_text, 0);
    assert_highlight(text, p, 0, 31, 35, "zeta");
    fh_snippet_clear(&s);
}

Test(snippet, known_matches_are_taken_as_given)
{
    /* The caller (the index) says which words matched: the text is only cut
     * into words, so the term's text plays no part. */
    const char *text = "She runs every morning; running keeps her happy.";
    query q = {0};
    add_term(&q, "elsewhere", 1.0, 0);
    fh_snippet_known known[] = {{4, 0}, {24, 0}};
    fh_snippet_opts opts;
    fh_snippet_opts_init(&opts);
    opts.known = known;
    opts.n_known = 2;
    fh_snippet s;
    cr_assert_eq(fh_snippet_make(analyzer, text, strlen(text), q.terms, q.n, &opts, &s), FH_OK);
    cr_assert_eq(s.n_passages, 1);
    cr_assert_eq(s.n_matched_terms, 1);
    const fh_passage *p = &s.passages[0];
    cr_assert_eq(p->n_highlights, 2);
    assert_highlight(text, p, 0, 4, 8, "runs");
    assert_highlight(text, p, 1, 24, 31, "running");
    fh_snippet_clear(&s);
}

/* The spans of the words given by their starts, each word marked as a match:
 * what the words-from-starts mode makes of punctuation, marks and gaps. */
static void assert_word_spans(const char *text, const uint32_t *starts, size_t n,
                              const char *const *want)
{
    query q = {0};
    add_term(&q, "given", 1.0, 0);
    fh_snippet_known known[16];
    for (size_t i = 0; i < n; i++)
        known[i] = (fh_snippet_known){starts[i], 0};
    fh_snippet_opts opts;
    fh_snippet_opts_init(&opts);
    opts.max_chars = 1000;
    opts.known = known;
    opts.n_known = n;
    opts.word_starts = starts;
    opts.n_word_starts = n;
    fh_snippet s;
    cr_assert_eq(fh_snippet_make(analyzer, text, strlen(text), q.terms, q.n, &opts, &s), FH_OK);
    cr_assert_eq(s.n_passages, 1);
    const fh_passage *p = &s.passages[0];
    size_t want_n = 0;
    while (want[want_n] != NULL)
        want_n++;
    cr_assert_eq(p->n_highlights, want_n, "%zu highlights", p->n_highlights);
    for (size_t i = 0; i < want_n; i++) {
        const fh_span *h = &p->highlights[i];
        cr_assert_eq(h->end - h->start, strlen(want[i]), "word %zu", i);
        cr_assert_eq(memcmp(text + h->start, want[i], strlen(want[i])), 0, "word %zu", i);
    }
    fh_snippet_clear(&s);
}

Test(snippet, word_starts_end_words_like_the_analyzer)
{
    /* Trailing punctuation and symbols are left out, an apostrophe or a dot
     * inside a word is kept, a word never runs into the next one (e-mail:
     * two words), and a gap of words the index left out (2008) is not
     * taken into the word before it. */
    const char *text = "Hello, U.S. e-mail don't (word) 3.5% Obama 2008 said";
    const uint32_t starts[] = {0, 7, 12, 14, 19, 26, 32, 37, 48};
    const char *const want[] = {"Hello", "U.S", "e",     "mail", "don't",
                                "word",  "3.5", "Obama", "said", NULL};
    assert_word_spans(text, starts, 9, want);
}

Test(snippet, word_starts_keep_arabic_marks_and_drop_arabic_commas)
{
    /* المدرسةُ، تمتْ؟ : the damma and sukun stay with their words; the Arabic
     * comma and question mark do not. */
    const char *text = "\xd8\xa7\xd9\x84\xd9\x85\xd8\xaf\xd8\xb1\xd8\xb3\xd8\xa9\xd9\x8f\xd8\x8c "
                       "\xd8\xaa\xd9\x85\xd8\xaa\xd9\x92\xd8\x9f";
    const uint32_t starts[] = {0, 19};
    const char *const want[] = {"\xd8\xa7\xd9\x84\xd9\x85\xd8\xaf\xd8\xb1\xd8\xb3\xd8\xa9\xd9\x8f",
                                "\xd8\xaa\xd9\x85\xd8\xaa\xd9\x92", NULL};
    assert_word_spans(text, starts, 2, want);
}

Test(snippet, word_starts_out_of_order_or_inside_a_character_are_skipped)
{
    /* A start inside a character (1), one going backwards (0 after 6) and
     * one past the end are not trusted; the good ones still work. */
    const char *text = "\xd8\xa8\xd9\x8a\xd8\xaa ok";
    const uint32_t starts[] = {0, 1, 7, 0, 99};
    const char *const want[] = {"\xd8\xa8\xd9\x8a\xd8\xaa", "ok", NULL};
    assert_word_spans(text, starts, 5, want);
}
