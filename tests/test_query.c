/* test_query.c - the query language: how each query is read, its notes and
 * the Xapian query it builds. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"
#include "stopwords.h"

static fh_analyzer *analyzer;

static void setup(void)
{
    cr_assert_eq(fh_analyzer_new(NULL, &analyzer), FH_OK);
}

static void teardown(void)
{
    fh_analyzer_free(analyzer);
}

TestSuite(query, .init = setup, .fini = teardown);

/* Parse text with opts (NULL: the defaults). */
static fh_parsed_query *parse_with(const fh_query_opts *opts, const char *text)
{
    fh_parsed_query *q = NULL;
    char *err = NULL;
    cr_assert_eq(fh_query_parse(analyzer, text, strlen(text), opts, &q, &err), FH_OK, "%s", text);
    cr_assert_null(err);
    return q;
}

static fh_parsed_query *parse(const char *text)
{
    return parse_with(NULL, text);
}

/* The query reads as expected, with exactly the notes given (NULL-ended). */
static void assert_reading(const char *text, const char *expected, const char *note)
{
    fh_parsed_query *q = parse(text);
    char *d = fh_parsed_query_describe(q);
    cr_assert_str_eq(d, expected, "%s: built %s", text, d);
    const char *const *notes = NULL;
    size_t n = fh_parsed_query_notes(q, &notes);
    if (note == NULL) {
        cr_assert_eq(n, 0, "%s: %zu notes", text, n);
    } else {
        cr_assert_eq(n, 1, "%s: %zu notes", text, n);
        cr_assert_str_eq(notes[0], note);
    }
    free(d);
    fh_parsed_query_free(q);
}

static void assert_built_with(const fh_query_opts *opts, const char *text, fh_match_mode mode,
                              const char *expected)
{
    fh_parsed_query *q = parse_with(opts, text);
    fh_xquery *x = NULL;
    cr_assert_eq(fh_parsed_query_build(q, mode, &x), FH_OK);
    char *d = fh_xquery_describe(x);
    cr_assert_str_eq(d, expected, "%s: built %s", text, d);
    free(d);
    fh_xquery_free(x);
    fh_parsed_query_free(q);
}

static void assert_built(const char *text, fh_match_mode mode, const char *expected)
{
    assert_built_with(NULL, text, mode, expected);
}

static void assert_error(const char *text)
{
    fh_parsed_query *q = (fh_parsed_query *)1;
    char *err = NULL;
    cr_assert_eq(fh_query_parse(analyzer, text, strlen(text), NULL, &q, &err), FH_ERR_INVALID, "%s",
                 text);
    cr_assert_null(q);
    cr_assert_str_eq(err, "the query has no words to search for");
    free(err);
}

Test(query, words_go_through_the_analyzer)
{
    assert_reading("Running DOGS", "(run AND dog)", NULL);
    assert_reading("الْمَدْرَسَةُ أحمد", "(مدرسه AND احمد)", NULL);
}

Test(query, or_binds_looser_than_and)
{
    assert_reading("x OR y z", "(x OR (y AND z))", NULL);
    assert_reading("x or y", "(x AND [or] AND y)", NULL); /* lower-case "or" is a common word */
}

Test(query, prose_in_capitals_has_no_operators)
{
    /* A query typed all in capitals with other common words in it is prose:
     * its AND, OR and NOT are words (common ones). Without such words, or
     * with a lowercase letter anywhere, they stay operators. */
    assert_reading("ECHOES OF WHISTLERS AND LIGHTNING",
                   "(echo AND [of] AND whistler AND [and] AND lightn)", NULL);
    assert_reading("LOW OR VERY LOW FREQUENCY", "(low AND [or] AND [veri] AND low AND frequenc)",
                   NULL);
    assert_reading("NASA OR ESA", "(nasa OR esa)", NULL);
    assert_reading("WHISTLERS AND LIGHTNING", "(whistler AND lightn)", NULL);
    assert_reading("echoes of whistlers OR LIGHTNING", "((echo AND [of] AND whistler) OR lightn)",
                   NULL);
    assert_reading("THE SUN NOT MOON", "([the] AND sun AND [not] AND moon)", NULL);
}

Test(query, a_written_and_binds_its_neighbours)
{
    /* As Lucene reads it: the words on either side of AND are both
     * required, the other words of the group as the mode says. */
    assert_reading("x y AND z", "(x AND (y AND z))", NULL);
    assert_reading("x AND y AND z w", "((x AND y AND z) AND w)", NULL);
    assert_reading("x AND", "x", "an AND with nothing after it was ignored");
    assert_built("x y AND z", FH_MATCH_ANY,
                 "Query(((x OR 0.5 * Sx) OR ((y OR 0.5 * Sy) AND (z OR 0.5 * Sz))))");
    fh_parsed_query *q = parse("x y AND z");
    cr_assert_eq(fh_parsed_query_can_relax(q), 1);
    fh_parsed_query_free(q);
}

Test(query, exclusions)
{
    assert_reading("x -foo NOT bar", "(x NOT foo NOT bar)", NULL);
    /* A - before a phrase or a group excludes all of it, as NOT does. */
    assert_reading("x -\"rail link\"", "(x NOT \"rail link\")", NULL);
    assert_reading("x -(rail OR metro)", "(x NOT (rail OR metro))", NULL);
    assert_reading("x NOT (rail OR metro)", "(x NOT (rail OR metro))", NULL);
    assert_reading("x +\"rail link\"", "(x AND \"rail link\")", NULL);
    /* A lone letter after -: maybe an option meant; said, naming it. */
    assert_reading("-n 2 run", "(2 AND run NOT n)",
                   "-n was read as \"without n\": options are written --name before the query");
    assert_reading("run -Q", "(run NOT q)",
                   "-Q was read as \"without Q\": options are written --name before the query");
    /* A - alone, or before a closing parenthesis, is no word. */
    assert_reading("x - y", "(x AND y)", NULL);
    assert_reading("-foo", "(NOT foo)",
                   "the query only excludes words: it matches every page without them");
}

Test(query, phrases_and_split_words)
{
    assert_reading("\"new york\" city", "(\"new york\" AND citi)", NULL);
    assert_reading("US-led", "\"us led\"", NULL);
    assert_reading("\"solo\"", "solo", NULL);
}

Test(query, title_field)
{
    assert_reading("title:مدرسه احمد", "(title:مدرس AND احمد)", NULL);
    assert_reading("title:(x OR y)", "(title:x OR title:y)", NULL);
    assert_reading("TITLE:\"new york\"", "title:\"new york\"", NULL);
    /* Another name before a colon is no field: words side by side, said. */
    assert_reading("metro:rail", "\"metro rail\"",
                   "the fields are title:, site:, lang: and date:: another name: before a word "
                   "was read as words side by side");
    assert_reading("https://example.org", "\"https example.org\"", NULL);
    assert_reading("10:30", "\"10 30\"", NULL);
}

Test(query, prefixes_keep_the_word_and_its_stem)
{
    assert_reading("comput*", "comput*", NULL);
    assert_reading("running*", "running*|run*", NULL);
}

Test(query, grouping)
{
    assert_reading("(x OR y) AND z", "((x OR y) AND z)", NULL);
}

Test(query, forgiving_readings_say_so)
{
    assert_reading("(x OR (y", "(x OR y)", "a parenthesis was not closed: it closes at the end");
    assert_reading(")) x", "x", "a closing parenthesis without an opening one was ignored");
    assert_reading("x OR", "x", "an OR with nothing after it was ignored");
    assert_reading("OR x", "x", "an OR with nothing before it was ignored");
    assert_reading("AND x", "x", "an AND with nothing before it was ignored");
    assert_reading("x NOT", "x", "a NOT with nothing after it was ignored");
    assert_reading("\"unclosed phrase", "\"unclos phrase\"",
                   "a quote was not closed: the phrase runs to the end");
}

Test(query, nothing_to_search_for_is_an_error)
{
    assert_error("");
    assert_error("   ");
    assert_error("...");
    assert_error("OR");
    assert_error("NOT");
    assert_error("()");
    assert_error("\"\"");
}

Test(query, deep_nesting_is_bounded)
{
    char text[4096];
    size_t n = 0;
    for (int i = 0; i < 1000; i++)
        text[n++] = '(';
    memcpy(text + n, "deep", 4);
    n += 4;
    text[n] = '\0';
    fh_parsed_query *q = parse(text);
    char *d = fh_parsed_query_describe(q);
    cr_assert_str_eq(d, "deep");
    free(d);
    fh_parsed_query_free(q);
}

Test(query, too_many_words_are_cut)
{
    fh_query_opts opts;
    fh_query_opts_init(&opts);
    opts.max_terms = 3;
    fh_parsed_query *q = NULL;
    const char *text = "one two three four five";
    cr_assert_eq(fh_query_parse(analyzer, text, strlen(text), &opts, &q, NULL), FH_OK);
    char *d = fh_parsed_query_describe(q);
    cr_assert_str_eq(d, "(one AND two AND three)");
    const char *const *notes = NULL;
    cr_assert_eq(fh_parsed_query_notes(q, &notes), 1);
    cr_assert_str_eq(notes[0], "the query has too many words: the rest were left out");
    free(d);
    fh_parsed_query_free(q);
}

Test(query, builds_with_title_weight)
{
    assert_built("running dogs", FH_MATCH_ALL,
                 "Query(((((run OR 2 * Srun OR 1 * Urunning) AND (dog OR 2 * Sdog OR 1 * Udogs)) "
                 "AND_MAYBE 1 * (Srun AND Sdog AND 0 * (Brun dog OR Brun . dog))) AND_MAYBE (0 * "
                 "Srun AND 0 * Sdog AND "
                 "PostingSource(Xapian::ValueMapPostingSource(slot=2)))))");
    assert_built("running dogs", FH_MATCH_ANY,
                 "Query(((run OR 0.5 * Srun) OR (dog OR 0.5 * Sdog)))");
    assert_built("title:x", FH_MATCH_ALL, "Query(Sx)");
    assert_built("x -y", FH_MATCH_ANY, "Query(((x OR 0.5 * Sx) AND_NOT (y OR 0.5 * Sy)))");
    assert_built("\"a b\"", FH_MATCH_ALL, "Query((a PHRASE 2 b))");
}

Test(query, written_and_stays_and_when_relaxed)
{
    assert_built("x AND y", FH_MATCH_ANY, "Query(((x OR 0.5 * Sx) AND (y OR 0.5 * Sy)))");
    fh_parsed_query *q = parse("x AND y");
    cr_assert_eq(fh_parsed_query_can_relax(q), 0);
    fh_parsed_query_free(q);
    q = parse("x y");
    cr_assert_eq(fh_parsed_query_can_relax(q), 1);
    fh_parsed_query_free(q);
}

Test(query, positive_words_listed_once)
{
    fh_parsed_query *q = parse("run runs -walk title:run comput*");
    const fh_query_word *w = NULL;
    size_t n = fh_parsed_query_words(q, &w);
    cr_assert_eq(n, 2);
    cr_assert_str_eq(w[0].term, "run");
    cr_assert_eq(w[0].is_prefix, 0);
    cr_assert_eq(w[0].in_title_only, 0);
    cr_assert_str_eq(w[1].term, "comput");
    cr_assert_eq(w[1].is_prefix, 1);
    fh_parsed_query_free(q);
}

Test(query, common_words_are_optional)
{
    assert_reading("the running of the dogs", "([the] AND run AND [of] AND [the] AND dog)", NULL);
    assert_reading("أخبار في الرياض", "(اخبار AND [في] AND رياض)", NULL);
    /* Required: the other words; the common ones only add weight. */
    assert_built("the dogs", FH_MATCH_ALL,
                 "Query(((dog OR 2 * Sdog OR 1 * Udogs) AND_MAYBE (the OR 2 * Sthe)))");
    assert_built("the dogs of war", FH_MATCH_ANY,
                 "Query(((dog OR 0.5 * Sdog) OR (war OR 0.5 * Swar)))");
    fh_parsed_query *q = parse("the dogs");
    cr_assert_eq(fh_parsed_query_can_relax(q), 0); /* one required word */
    const fh_query_word *w = NULL;
    cr_assert_eq(fh_parsed_query_words(q, &w), 1); /* "the" is not highlighted */
    cr_assert_str_eq(w[0].term, "dog");
    fh_parsed_query_free(q);
}

Test(query, phrases_keep_common_words)
{
    assert_reading("\"the who\" live", "(\"the who\" AND live)", NULL);
    assert_built("\"the who\"", FH_MATCH_ALL, "Query((the PHRASE 2 who))");
}

Test(query, a_query_of_common_words_requires_them_all)
{
    assert_reading("to be or not to be", "([to] AND [be] AND [or] AND [not] AND [to] AND [be])",
                   NULL);
    assert_built("to be", FH_MATCH_ALL, "Query(((to OR 2 * Sto) AND (be OR 2 * Sbe)))");
}

Test(query, common_words_can_be_kept)
{
    fh_query_opts opts;
    fh_query_opts_init(&opts);
    opts.keep_stopwords = 1;
    fh_parsed_query *q = NULL;
    const char *text = "the dogs";
    cr_assert_eq(fh_query_parse(analyzer, text, strlen(text), &opts, &q, NULL), FH_OK);
    char *d = fh_parsed_query_describe(q);
    cr_assert_str_eq(d, "(the AND dog)"); /* "the" is an ordinary word here */
    free(d);
    fh_parsed_query_free(q);
}

Test(query, stopword_lists)
{
    cr_assert_eq(fh_stopword_is("the", 3), 1);
    cr_assert_eq(fh_stopword_is("themselves", 10), 1);
    cr_assert_eq(fh_stopword_is("them", 4), 1);
    cr_assert_eq(fh_stopword_is("thee", 4), 0); /* "the" and one more letter is another word */
    cr_assert_eq(fh_stopword_is("run", 3), 0);
    cr_assert_eq(fh_stopword_is("في", strlen("في")), 1);
    cr_assert_eq(fh_stopword_is("علي", strlen("علي")), 1); /* على, normalized */
    cr_assert_eq(fh_stopword_is("على", strlen("على")), 0); /* only normalized forms */
    cr_assert_eq(fh_stopword_is("مدرسه", strlen("مدرسه")), 0);
    cr_assert_eq(fh_stopword_is("", 0), 0);
}

Test(query, proximity_only_matching_all_plain_words)
{
    /* Two plain words: the boost of the two in the title in this order, at
     * most one word apart (coverage off here). */
    fh_query_opts opts;
    fh_query_opts_init(&opts);
    opts.coverage_weight = 0;
    assert_built_with(&opts, "desert city", FH_MATCH_ALL,
                      "Query((((desert OR 2 * Sdesert) AND (citi OR 2 * Sciti OR 1 * Ucity)) "
                      "AND_MAYBE 1 * (Sdesert AND Sciti AND 0 * (Bdesert citi OR Bdesert . "
                      "citi))))");
    /* Three: all side by side, or one word between the first two or the
     * last two. */
    fh_xquery *x = NULL;
    fh_parsed_query *q = parse_with(&opts, "desert city lights");
    cr_assert_eq(fh_parsed_query_build(q, FH_MATCH_ALL, &x), FH_OK);
    char *d = fh_xquery_describe(x);
    cr_assert_not_null(strstr(d, "AND_MAYBE 1 * (Sdesert AND Sciti AND Slight AND 0 * "
                                 "((Bdesert citi AND Bciti light) OR (Bdesert . citi AND Bciti "
                                 "light) OR (Bdesert citi AND Bciti . light))))"),
                       "%s", d);
    free(d);
    fh_xquery_free(x);
    fh_parsed_query_free(q);
    /* An index without title pairs: the words' positions. */
    opts.title_pairs = 0;
    assert_built_with(
        &opts, "desert city", FH_MATCH_ALL,
        "Query((((desert OR 2 * Sdesert) AND (citi OR 2 * Sciti OR 1 * Ucity)) AND_MAYBE 1 "
        "* (Sdesert PHRASE 3 Sciti)))");
    /* Matching any word, one plain word, or a written AND: none. */
    assert_built("desert city", FH_MATCH_ANY,
                 "Query(((desert OR 0.5 * Sdesert) OR (citi OR 0.5 * Sciti)))");
    assert_built("desert title:city", FH_MATCH_ALL, "Query(((desert OR 2 * Sdesert) AND Sciti))");
    /* The word as typed, unstemmed, weighs 1 more (matching all words). */
    assert_built("cities", FH_MATCH_ALL, "Query((citi OR 2 * Sciti OR 1 * Ucities))");
    assert_built("cities", FH_MATCH_ANY, "Query((citi OR 0.5 * Sciti))");
    assert_built("desert AND city", FH_MATCH_ALL,
                 "Query(((desert OR 2 * Sdesert) AND (citi OR 2 * Sciti OR 1 * Ucity)))");
}

Test(query, coverage_only_matching_all_plain_words)
{
    /* Two plain words, all in the title, weighed by the title's length. */
    fh_query_opts opts;
    fh_query_opts_init(&opts);
    opts.proximity_weight = 0;
    assert_built_with(&opts, "desert city", FH_MATCH_ALL,
                      "Query((((desert OR 2 * Sdesert) AND (citi OR 2 * Sciti OR 1 * Ucity)) "
                      "AND_MAYBE (0 * Sdesert AND 0 * Sciti AND "
                      "PostingSource(Xapian::ValueMapPostingSource(slot=2)))))");
    /* Common words and title: words are not counted; one word left is
     * nothing to cover. */
    assert_built_with(&opts, "the desert", FH_MATCH_ALL,
                      "Query(((desert OR 2 * Sdesert) AND_MAYBE (the OR 2 * Sthe)))");
    assert_built_with(&opts, "desert title:city", FH_MATCH_ALL,
                      "Query(((desert OR 2 * Sdesert) AND Sciti))");
    /* Matching any word, a written AND, or the weight 0: none. */
    assert_built_with(&opts, "desert city", FH_MATCH_ANY,
                      "Query(((desert OR 0.5 * Sdesert) OR (citi OR 0.5 * Sciti)))");
    assert_built_with(&opts, "desert AND city", FH_MATCH_ALL,
                      "Query(((desert OR 2 * Sdesert) AND (citi OR 2 * Sciti OR 1 * Ucity)))");
    opts.coverage_weight = 0;
    assert_built_with(&opts, "desert city", FH_MATCH_ALL,
                      "Query(((desert OR 2 * Sdesert) AND (citi OR 2 * Sciti OR 1 * Ucity)))");
}

/* Document i of db (key Qi): the first of the n terms at position 1, the
 * others without positions. */
static void add_doc_of(fh_db *db, size_t i, const char *const *terms, size_t n)
{
    fh_doc *doc = fh_doc_new();
    cr_assert_eq(fh_doc_add_posting(doc, terms[0], strlen(terms[0]), 1, 1), FH_OK);
    for (size_t j = 1; j < n; j++)
        cr_assert_eq(fh_doc_add_term(doc, terms[j], strlen(terms[j]), 1), FH_OK);
    char key[8];
    snprintf(key, sizeof key, "Q%zu", i);
    cr_assert_eq(fh_db_replace_by_key(db, key, strlen(key), doc, NULL), FH_OK);
    fh_doc_free(doc);
}

/* An index holding تناقش and صليب (and nothing with يناقش or ناقش), and a
 * few Latin words. */
static fh_db *word_forms_index(char *dir)
{
    cr_assert_not_null(mkdtemp(dir));
    fh_db *db = NULL;
    cr_assert_eq(fh_db_open_writable(dir, FH_DB_CREATE, &db, NULL), FH_OK);
    /* وزير is held five times as often as زير: a word and its clitic form
     * are one word only when neither is held over four times as often
     * (وزير is not زير). */
    const char *terms[] = {"تناقش", "صليب",     "بصليب", "وزير", "وزير",  "وزير",  "وزير",  "وزير",
                           "زير",   "مدرسه",    "كتاب",  "كتاب", "كتابه", "دوليه", "دوليه", "دولي",
                           "arm",   "cautious", "qtr",   "qtrs", "1st",   "new",   "news"};
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++)
        add_doc_of(db, i, &terms[i], 1);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    return db;
}

Test(query, arabic_word_forms_the_index_holds)
{
    char dir[] = "/tmp/fh_test_query_XXXXXX";
    fh_db *db = word_forms_index(dir);
    fh_query_opts opts;
    fh_query_opts_init(&opts);
    opts.expand_in = db;
    opts.title_weight = 0;
    const char *cases[][2] = {
        /* Without a verb prefix: the form with ت (the one the index has),
         * at half the weight. */
        {"ناقش", "Query((ناقش OR 0.5 * تناقش))"},
        /* With a clitic the stemmer keeps: the word without it. */
        {"لصليب", "Query((لصليب OR 0.5 * صليب))"},
        /* Without one: the word with it. */
        {"صليب", "Query((صليب OR 0.5 * بصليب))"},
        /* A clitic form held more often than the word is another word. */
        {"زير", "Query(زير)"},
        {"وزير", "Query(وزير)"},
        /* Typed ending with heh: the other reading, teh marbuta here,
         * which the index holds more often than مدرس (not at all). */
        {"مدرسه", "Query(مدرسه)"},
        /* Both readings held: the likelier is the term, the other a form. */
        {"كتابه", "Query((كتاب OR 0.5 * كتابه))"},
        {"الدوليه", "Query((دوليه OR 0.5 * دولي))"},
        /* Nothing else held: the word alone. */
        {"تناقش", "Query(تناقش)"},
        {"running", "Query(run)"},
        /* A Latin word the index lacks: without its s, or with one. */
        {"armss", "Query((armss OR 0.5 * arm))"},
        {"cautiou", "Query((cautiou OR 0.5 * cautious))"},
        {"arm", "Query(arm)"},
        /* One that starts with a digit. */
        {"1sts", "Query((1sts OR 0.5 * 1st))"},
        /* A plural Snowball keeps (no vowel before the s): the word without
         * it too, though the index holds it; not so with a vowel. */
        {"qtrs", "Query((qtrs OR 0.5 * qtr))"},
        {"qtr", "Query(qtr)"},
        {"news", "Query(news)"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_built_with(&opts, cases[i][0], FH_MATCH_ALL, cases[i][1]);
    /* Many words the index lacks, each with its forms remembered as the
     * query is read, then its title forms as it is built: the memo of forms
     * grows meanwhile, and the last words' forms are still right. */
    opts.title_weight_any = 0.5;
    assert_built_with(
        &opts, "xa1 xa2 xa3 xa4 xa5 xa6 xa7 xa8 xa9 صليب", FH_MATCH_ANY,
        "Query(((xa1 OR 0.5 * Sxa1) OR (xa2 OR 0.5 * Sxa2) OR (xa3 OR 0.5 * Sxa3) OR "
        "(xa4 OR 0.5 * Sxa4) OR (xa5 OR 0.5 * Sxa5) OR (xa6 OR 0.5 * Sxa6) OR (xa7 OR "
        "0.5 * Sxa7) OR (xa8 OR 0.5 * Sxa8) OR (xa9 OR 0.5 * Sxa9) OR ((صليب OR 0.5 * "
        "بصليب) OR 0.5 * Sصليب)))");
    /* Turned off: the word alone. */
    opts.word_forms = 0;
    assert_built_with(&opts, "ناقش", FH_MATCH_ALL, "Query(ناقش)");
    fh_db_close(db);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

/* An index of Arabic titles: the exact spellings (FH_PREFIX_EXACT) حملتها
 * and المساعدات, the title words عسير and وعسير, and the pair سياحه . عسير
 * (السياحة في عسير). */
static fh_db *exact_index(char *dir)
{
    cr_assert_not_null(mkdtemp(dir));
    fh_db *db = NULL;
    cr_assert_eq(fh_db_open_writable(dir, FH_DB_CREATE, &db, NULL), FH_OK);
    const char *terms[][3] = {
        {"حمله", "Uحملتها", "Sحمله"},       {"مساعد", "Uالمساعدات", "Sمساعد"},
        {"عسير", "Sعسير", "Bسياحه . عسير"}, {"عسير", "Sعسير", "Sسياحه"},
        {"وعسير", "Sوعسير", "Sسياحه"},      {"سياحه", "Sسياحه", "Uالسياحه"},
    };
    for (size_t i = 0; i < sizeof terms / sizeof terms[0]; i++)
        add_doc_of(db, i, terms[i], 3);
    cr_assert_eq(fh_db_commit(db), FH_OK);
    return db;
}

Test(query, arabic_spellings_as_typed)
{
    char dir[] = "/tmp/fh_test_query_XXXXXX";
    fh_db *db = exact_index(dir);
    fh_query_opts opts;
    fh_query_opts_init(&opts);
    opts.expand_in = db;
    opts.coverage_weight = 0;
    opts.title_pairs = 1;
    const char *cases[][2] = {
        /* A spelling no title holds: the one without the clitics typed
         * before it that a title holds stands in (بالحملتها: حملتها), and
         * the article put before it is another form. */
        {"بالحملتها", "Query((حمله OR 2 * Sحمله OR 1 * (Uحملتها OR 0.5 * Uالحملتها)))"},
        /* The article taken off or put before: another form. */
        {"مساعدات", "Query((مساعد OR 2 * Sمساعد OR 1 * (Uمساعدات OR 0.5 * Uالمساعدات)))"},
        {"المساعدات", "Query((مساعد OR 2 * Sمساعد OR 1 * (Uالمساعدات OR 0.5 * Uمساعدات)))"},
        /* Three letters left without the article are enough. */
        {"الملك", "Query((ملك OR 2 * Sملك OR 1 * (Uالملك OR 0.5 * Uملك)))"},
        /* In the title pairs, a word typed with a clitic is also the word
         * without it, when that is one of its forms. */
        {"السياحة وعسير",
         "Query((((سياحه OR 2 * Sسياحه OR 1 * (Uالسياحه OR 0.5 * Uسياحه)) AND ((وعسير OR 0.5 * "
         "عسير) OR 2 * (Sوعسير OR 0.5 * Sعسير))) AND_MAYBE 1 * (Sسياحه AND (Sوعسير OR Sعسير) "
         "AND 0 * ((Bسياحه وعسير OR Bسياحه عسير) OR (Bسياحه . وعسير OR Bسياحه . عسير)))))"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_built_with(&opts, cases[i][0], FH_MATCH_ALL, cases[i][1]);
    fh_db_close(db);
    char cmd[64];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}

Test(query, filters_are_read_apart_from_the_words)
{
    assert_reading("oil site:aawsat.com", "oil site:aawsat.com", NULL);
    assert_reading("site:WWW.Aawsat.com. oil", "oil site:aawsat.com", NULL);
    assert_reading("oil -site:bbc.co.uk lang:AR", "oil -site:bbc.co.uk lang:ar", NULL);
    assert_reading("oil lang:en-US", "oil lang:en", NULL);
    assert_reading("oil NOT lang:ar", "oil -lang:ar", NULL);
    assert_reading("date:2015", "date:2015-01-01T00:00:00Z..2015-12-31T23:59:59Z", NULL);
    assert_reading("date:2015-02", "date:2015-02-01T00:00:00Z..2015-02-28T23:59:59Z", NULL);
    assert_reading("date:2015-07-21", "date:2015-07-21T00:00:00Z..2015-07-21T23:59:59Z", NULL);
    assert_reading("date:2015..", "date:2015-01-01T00:00:00Z..", NULL);
    assert_reading("date:..2015-07-21", "date:..2015-07-21T23:59:59Z", NULL);
    assert_reading("date:1987-02..1987-03-01 oil",
                   "oil date:1987-02-01T00:00:00Z..1987-03-01T23:59:59Z", NULL);
    /* Filters alone are a query; inside a group they still apply to all. */
    assert_reading("site:a.com site:b.com", "site:a.com site:b.com", NULL);
    assert_reading("(oil site:a.com) OR gas", "(oil OR gas) site:a.com", NULL);
    assert_reading("Site:a.com", "site:a.com", NULL);
}

Test(query, a_filter_that_cannot_be_read_is_said_and_left_out)
{
    const char *site = "a site: was not read: write site:HOST, as site:example.com";
    const char *lang =
        "a lang: was not read: write lang:ar, lang:en or another two- or three-letter code";
    const char *date = "a date: was not read: write date:YYYY, date:YYYY-MM, date:YYYY-MM-DD or "
                       "a range FROM..TO (either end may be left open)";
    assert_reading("oil site:", "oil", site);
    assert_reading("oil site:a/b", "oil", site);
    assert_reading("oil lang:arabic", "oil", lang);
    assert_reading("oil lang:a", "oil", lang);
    assert_reading("oil date:2015-13", "oil", date);
    assert_reading("oil date:yesterday", "oil", date);
    assert_reading("oil date:..", "oil", date);
    assert_reading("oil date:2015-02-30", "oil", date);
    assert_reading("oil date:2016..2015", "oil",
                   "a date: range ends before it starts: it was left out");
    /* Only a filter that was not read: nothing to search for, and why. */
    fh_parsed_query *q = NULL;
    char *err = NULL;
    cr_assert_eq(fh_query_parse(analyzer, "date:never", 10, NULL, &q, &err), FH_ERR_INVALID);
    cr_assert_str_eq(err, "the query has no words to search for; a date: was not read: write "
                          "date:YYYY, date:YYYY-MM, date:YYYY-MM-DD or a range FROM..TO (either "
                          "end may be left open)");
    free(err);
}

Test(query, filters_narrow_the_built_query)
{
    fh_query_opts opts;
    fh_query_opts_init(&opts);
    opts.title_weight = 0;
    const char *cases[][2] = {
        /* Several of a kind OR-ed, kinds AND-ed, weighing nothing. */
        {"oil site:a.com", "Query((oil FILTER 0 * XSa.com))"},
        {"oil site:a.com site:b.com lang:en",
         "Query((oil FILTER (0 * XSa.com OR 0 * XSb.com) FILTER 0 * Len))"},
        {"oil -site:a.com", "Query((oil AND_NOT XSa.com))"},
        {"oil -site:a.com -site:b.com date:2015-07-21",
         "Query(((oil FILTER VALUE_RANGE 4 \\x80\\x00\\x00\\x00U\\xad\\x8b\\x80 "
         "\\x80\\x00\\x00\\x00U\\xae\\xdc\\xff) AND_NOT (0 * XSa.com OR 0 * XSb.com)))"},
        /* Filters alone: every page, narrowed. */
        {"site:a.com", "Query((<alldocuments> FILTER 0 * XSa.com))"},
        {"-lang:ar", "Query((<alldocuments> AND_NOT Lar))"},
        {"date:2015..",
         "Query((<alldocuments> FILTER VALUE_GE 4 \\x80\\x00\\x00\\x00T\\xa4\\x8e\\x00))"},
        {"date:..1970",
         "Query((<alldocuments> FILTER VALUE_RANGE 4 \\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00 "
         "\\x80\\x00\\x00\\x00\\x01\\xe13\\x7f))"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        assert_built_with(&opts, cases[i][0], FH_MATCH_ALL, cases[i][1]);
}
