/* query_parse.c - reading the query language (see query.h).
 *
 * Reading is in two steps: a lexer cuts the text into operators, quoted
 * phrases and words; a recursive-descent parser (depth bounded by max_depth)
 * builds a small tree whose words have already gone through the analyzer.
 * The tree is kept, so that the same query can be built for all-words and
 * any-word matching (query_build.c), and its positive words listed for
 * highlighting. */
#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "query_internal.h"
#include "stopwords.h"
#include "word_forms.h"

/* ---- The lexer ---------------------------------------------------------- */

typedef enum lex_kind {
    LEX_END,
    LEX_LPAREN,
    LEX_RPAREN,
    LEX_OR,
    LEX_AND,
    LEX_NOT,
    LEX_PHRASE, /* text: the phrase's inside */
    LEX_WORD,   /* text: the word, without a leading - or + and field */
} lex_kind;

typedef struct lexeme {
    lex_kind kind;
    const char *text;
    size_t len;
    int negated; /* written with a leading '-' */
    int title;   /* written with title: */
} lexeme;

typedef struct parser {
    fh_analyzer *analyzer;
    fh_parsed_query *q;
    const char *s;
    size_t len;
    size_t at;
    lexeme peeked;
    int has_peeked;
    uint32_t depth;
    uint32_t n_terms;
    int operators; /* 0: AND, OR and NOT are plain words (prose in capitals) */
    fh_status status;
} parser;

/* The note for a negated one-letter word "-x" (an option typed after the
 * query, most likely), one a letter: notes are static strings. */
#define MINUS_NOTE(c)                                                                              \
    "-" #c " was read as \"without " #c "\": options are written --name before the query"
static const char *const minus_notes[] = {
    MINUS_NOTE(a), MINUS_NOTE(b), MINUS_NOTE(c), MINUS_NOTE(d), MINUS_NOTE(e), MINUS_NOTE(f),
    MINUS_NOTE(g), MINUS_NOTE(h), MINUS_NOTE(i), MINUS_NOTE(j), MINUS_NOTE(k), MINUS_NOTE(l),
    MINUS_NOTE(m), MINUS_NOTE(n), MINUS_NOTE(o), MINUS_NOTE(p), MINUS_NOTE(q), MINUS_NOTE(r),
    MINUS_NOTE(s), MINUS_NOTE(t), MINUS_NOTE(u), MINUS_NOTE(v), MINUS_NOTE(w), MINUS_NOTE(x),
    MINUS_NOTE(y), MINUS_NOTE(z), MINUS_NOTE(A), MINUS_NOTE(B), MINUS_NOTE(C), MINUS_NOTE(D),
    MINUS_NOTE(E), MINUS_NOTE(F), MINUS_NOTE(G), MINUS_NOTE(H), MINUS_NOTE(I), MINUS_NOTE(J),
    MINUS_NOTE(K), MINUS_NOTE(L), MINUS_NOTE(M), MINUS_NOTE(N), MINUS_NOTE(O), MINUS_NOTE(P),
    MINUS_NOTE(Q), MINUS_NOTE(R), MINUS_NOTE(S), MINUS_NOTE(T), MINUS_NOTE(U), MINUS_NOTE(V),
    MINUS_NOTE(W), MINUS_NOTE(X), MINUS_NOTE(Y), MINUS_NOTE(Z),
};

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_word_end(char c)
{
    return is_space(c) || c == '(' || c == ')' || c == '"';
}

static int starts_with_field(const char *s, size_t len)
{
    static const char field[] = "title:";
    if (len < sizeof field - 1)
        return 0;
    for (size_t i = 0; i < sizeof field - 1; i++)
        if ((s[i] | 0x20) != field[i] && s[i] != field[i])
            return 0;
    return 1;
}

static lexeme lex_next(parser *p)
{
    lexeme l = {LEX_END, NULL, 0, 0, 0};
    while (p->at < p->len && is_space(p->s[p->at]))
        p->at++;
    if (p->at >= p->len)
        return l;
    const char *s = p->s + p->at;
    size_t rest = p->len - p->at;
    /* Prefixes that apply to what follows (a word, a "phrase" or a group):
     * -, +, title: (in any order once). */
    for (;;) {
        if (rest > 1 && (s[0] == '-' || s[0] == '+') && !is_space(s[1]) && s[1] != ')') {
            l.negated |= s[0] == '-';
            s++, rest--, p->at++;
            continue;
        }
        if (!l.title && starts_with_field(s, rest)) {
            l.title = 1;
            s += 6, rest -= 6, p->at += 6;
            continue;
        }
        break;
    }
    if (rest == 0)
        return l;
    if (s[0] == '(') {
        p->at++;
        l.kind = LEX_LPAREN;
        return l;
    }
    if (s[0] == ')') {
        p->at++;
        l.kind = LEX_RPAREN;
        return l;
    }
    if (s[0] == '"') {
        const char *close = memchr(s + 1, '"', rest - 1);
        l.kind = LEX_PHRASE;
        l.text = s + 1;
        if (close == NULL) {
            fh_query__note(p->q, "a quote was not closed: the phrase runs to the end");
            l.len = rest - 1;
            p->at = p->len;
        } else {
            l.len = (size_t)(close - s - 1);
            p->at += l.len + 2;
        }
        return l;
    }
    size_t n = 0;
    while (n < rest && !is_word_end(s[n]))
        n++;
    p->at += n;
    l.kind = LEX_WORD;
    l.text = s;
    l.len = n;
    if (!l.negated && !l.title && p->operators) {
        if (n == 2 && memcmp(s, "OR", 2) == 0)
            l.kind = LEX_OR;
        else if (n == 3 && memcmp(s, "AND", 3) == 0)
            l.kind = LEX_AND;
        else if (n == 3 && memcmp(s, "NOT", 3) == 0)
            l.kind = LEX_NOT;
    }
    return l;
}

static int is_operator_word(const char *w, size_t n)
{
    return (n == 2 && memcmp(w, "OR", 2) == 0) || (n == 3 && memcmp(w, "AND", 3) == 0) ||
           (n == 3 && memcmp(w, "NOT", 3) == 0);
}

/* Whether AND, OR and NOT in text can be operators: not when the text is
 * prose in capitals, that is has no lowercase Latin letter and has some
 * other common word in capitals ("USE OF COMPUTERS AND PRINTERS" is
 * words; "NASA OR ESA" and "nasa OR esa" are operators). */
static int operators_allowed(const char *text, size_t len)
{
    int common = 0;
    for (size_t i = 0; i < len;) {
        if (text[i] >= 'a' && text[i] <= 'z')
            return 1;
        if (!(text[i] >= 'A' && text[i] <= 'Z')) {
            i++;
            continue;
        }
        size_t n = 0;
        char lower[16];
        while (i + n < len && text[i + n] >= 'A' && text[i + n] <= 'Z') {
            if (n < sizeof lower)
                lower[n] = (char)(text[i + n] - 'A' + 'a');
            n++;
        }
        if (n <= sizeof lower && !is_operator_word(text + i, n) && fh_stopword_is(lower, n))
            common = 1;
        i += n;
    }
    return !common;
}

static lexeme peek(parser *p)
{
    if (!p->has_peeked) {
        p->peeked = lex_next(p);
        p->has_peeked = 1;
    }
    return p->peeked;
}

static lexeme take(parser *p)
{
    lexeme l = peek(p);
    p->has_peeked = 0;
    return l;
}

/* ---- Words through the analyzer ----------------------------------------- */

typedef struct collected {
    parser *p;
    fh_query__node *n; /* terms are added here */
    uint32_t first_pos;
    uint32_t last_pos;
    const char *norm; /* the first token's normalized word (for prefixes) */
    size_t norm_len;
    fh_buf norm_copy;
    const char *text; /* what the analyzer was given */
    int typed_heh;    /* the first word ends with heh as typed (not teh marbuta) */
} collected;

/* Whether the word s (len bytes) ends with heh U+0647, marks and tatweel
 * after it aside. */
static int ends_with_heh(const char *s, size_t len)
{
    const unsigned char *w = (const unsigned char *)s;
    while (len >= 2 && w[len - 2] == 0xD9 &&
           ((w[len - 1] >= 0x8B && w[len - 1] <= 0x92) || w[len - 1] == 0xB0 || w[len - 1] == 0x80))
        len -= 2;
    return len >= 2 && w[len - 2] == 0xD9 && w[len - 1] == 0x87;
}

static int collect_term(void *ctx, const fh_token *t)
{
    collected *c = ctx;
    if (c->p->n_terms >= c->p->q->opts.max_terms) {
        fh_query__note(c->p->q, "the query has too many words: the rest were left out");
        return 1;
    }
    c->p->n_terms++;
    if (c->n->n_terms == 0) {
        c->first_pos = t->pos;
        fh_buf_append(&c->norm_copy, t->norm, t->norm_len);
        c->typed_heh = ends_with_heh(c->text + t->start, t->end - t->start);
    }
    c->last_pos = t->pos;
    if (fh_query__node_add_term(c->n, t->term, t->term_len) != FH_OK) {
        c->p->status = FH_ERR_NOMEM;
        return 1;
    }
    return 0;
}

/* A word's forms (word_forms.h), told one at a time: the first
 * finds the word's memo, or finds the word came before in the query. */
typedef struct form_sink {
    const fh_parsed_query *q;
    const char *term;
    fh_query__memo *memo; /* q's own: filled here */
    fh_status status;
} form_sink;

static int add_latin_form(void *ctx, const char *form, size_t len)
{
    form_sink *k = ctx;
    if (k->memo == NULL) {
        const fh_query__memo *m = NULL;
        k->status = fh_query__forms_of(k->q, k->term, 0, &m);
        if (k->status != FH_OK || m->n_forms > 0)
            return 1; /* the word came before in the query */
        k->memo = (fh_query__memo *)m;
    }
    if (fh_query__memo_add(k->memo, form, len) != 0) {
        k->status = FH_ERR_NOMEM;
        return 1;
    }
    return 0;
}

/* A Latin word the index does not hold (a typo, or an odd plural): its
 * forms, remembered as the word's (fh_query__forms_of()), so that the query,
 * its title weight and the snippets use them. */
static fh_status latin_word_forms(parser *p, const char *term, const char *norm)
{
    const fh_parsed_query *q = p->q;
    if (!q->opts.word_forms)
        return FH_OK;
    form_sink k = {q, term, NULL, FH_OK};
    fh_status rc =
        fh_word_forms_latin(p->analyzer, q->opts.expand_in, term, norm, add_latin_form, &k);
    return rc == FH_OK ? k.status : rc;
}

/* The other reading of an Arabic word typed ending with heh
 * (fh_word_forms_arabic_heh()), copied into the buffer ctx. */
static int take_heh_form(void *ctx, const char *form, size_t len)
{
    fh_buf_append(ctx, form, len);
    return 1;
}

/* A word typed ending with heh, n's one term: its other reading becomes one
 * of its remembered forms, or its term when the index holds that more often
 * (اللجنه الدوليه: the index holds الدولية far more often than دولي). */
static fh_status arabic_heh_form(parser *p, fh_query__node *n, int typed_heh)
{
    const fh_parsed_query *q = p->q;
    if (!q->opts.word_forms || !typed_heh)
        return FH_OK;
    fh_buf other = FH_BUF_INIT;
    int more = 0;
    fh_status rc =
        fh_word_forms_arabic_heh(q->opts.expand_in, n->terms[0], &more, take_heh_form, &other);
    if (rc == FH_OK)
        rc = fh_buf_status(&other);
    if (rc != FH_OK || other.len == 0) {
        fh_buf_free(&other);
        return rc;
    }
    if (more) { /* swapped: n owns the buffer's string, the buffer the typed term */
        char *typed = n->terms[0];
        n->terms[0] = other.data;
        other.data = typed;
        other.len = strlen(typed);
    }
    uint32_t held = 1;
    if (more && fh_db_term_freq(q->opts.expand_in, other.data, other.len, &held) != FH_OK)
        held = 0;
    const fh_query__memo *m = NULL;
    rc = fh_query__forms_of(q, n->terms[0], 0, &m);
    int known = held == 0; /* a typed term the index lacks is no form */
    for (size_t i = 0; rc == FH_OK && i < m->n_forms; i++)
        known |= strcmp(m->forms[i], other.data) == 0;
    if (rc == FH_OK && !known &&
        fh_query__memo_add((fh_query__memo *)m, other.data, other.len) != 0)
        rc = FH_ERR_NOMEM;
    fh_buf_free(&other);
    return rc;
}

/* The spelling of n's word the index holds as written
 * (fh_word_forms_arabic_exact()) becomes n's exact word. */
static int take_exact(void *ctx, const char *form, size_t len)
{
    fh_query__node *n = ctx;
    char *copy = strndup(form, len);
    if (copy != NULL) { /* else the word as typed stays */
        free(n->exact);
        n->exact = copy;
    }
    return 1;
}

/* Analyze s into a TERM or PHRASE node (NULL when it has no word). */
static fh_query__node *analyze_words(parser *p, const char *s, size_t len, int title, int is_phrase)
{
    fh_query__node *n = fh_query__node_new(FH_QUERY__PHRASE);
    if (n == NULL) {
        p->status = FH_ERR_NOMEM;
        return NULL;
    }
    n->title = title;
    collected c = {p, n, 0, 0, NULL, 0, FH_BUF_INIT, s, 0};
    fh_status rc =
        fh_analyzer_run(p->analyzer, s, len, FH_ANALYZE_QUERY, 0, collect_term, &c, NULL);
    if (rc != FH_OK)
        p->status = rc;
    /* A lone common word becomes optional; in a phrase (or a word the
     * analyzer split, which is one) every word counts. */
    n->common = !is_phrase && !p->q->opts.keep_stopwords && n->n_terms == 1 &&
                fh_buf_status(&c.norm_copy) == FH_OK &&
                fh_stopword_is(c.norm_copy.data, c.norm_copy.len);
    if (p->status == FH_OK && n->n_terms == 1 && fh_buf_status(&c.norm_copy) == FH_OK &&
        strcmp(n->terms[0], c.norm_copy.data) != 0) {
        n->exact = strdup(c.norm_copy.data);
        if (n->exact == NULL)
            p->status = FH_ERR_NOMEM;
        else if (p->q->opts.word_forms)
            p->status =
                fh_word_forms_arabic_exact(p->q->opts.expand_in, c.norm_copy.data, take_exact, n);
    }
    if (p->status == FH_OK && n->n_terms == 1 && !n->common && fh_buf_status(&c.norm_copy) == FH_OK)
        p->status = latin_word_forms(p, n->terms[0], c.norm_copy.data);
    if (p->status == FH_OK && n->n_terms == 1 && !n->common && fh_buf_status(&c.norm_copy) == FH_OK)
        p->status = arabic_heh_form(p, n, c.typed_heh);
    fh_buf_free(&c.norm_copy);
    if (p->status != FH_OK || n->n_terms == 0) {
        fh_query__node_free(n);
        return NULL;
    }
    if (n->n_terms == 1)
        n->kind = FH_QUERY__TERM;
    n->window = c.last_pos - c.first_pos + 1;
    return n;
}

/* word* : the normalized word and its stem, each as a prefix. */
static fh_query__node *analyze_prefix(parser *p, const char *s, size_t len, int title)
{
    fh_query__node *n = fh_query__node_new(FH_QUERY__PREFIX);
    if (n == NULL) {
        p->status = FH_ERR_NOMEM;
        return NULL;
    }
    n->title = title;
    fh_query__node *tmp = fh_query__node_new(FH_QUERY__PHRASE);
    collected c = {p, tmp, 0, 0, NULL, 0, FH_BUF_INIT, s, 0};
    fh_status rc =
        tmp ? fh_analyzer_run(p->analyzer, s, len, FH_ANALYZE_QUERY, 0, collect_term, &c, NULL)
            : FH_ERR_NOMEM;
    if (rc != FH_OK)
        p->status = rc;
    if (p->status == FH_OK && tmp->n_terms == 1 && fh_buf_status(&c.norm_copy) == FH_OK) {
        if (fh_query__node_add_term(n, c.norm_copy.data, c.norm_copy.len) != FH_OK)
            p->status = FH_ERR_NOMEM;
        else if (strcmp(tmp->terms[0], c.norm_copy.data) != 0 &&
                 fh_query__node_add_term(n, tmp->terms[0], strlen(tmp->terms[0])) != FH_OK)
            p->status = FH_ERR_NOMEM;
    } else if (p->status == FH_OK && tmp->n_terms > 1) {
        /* "e-mail*": the analyzer split it; search the parts as a phrase. */
        fh_query__note(p->q, "a word* that splits into several words was searched as a phrase");
        fh_query__node_free(n);
        n = tmp;
        tmp = NULL;
        n->window = (uint32_t)n->n_terms;
    }
    fh_buf_free(&c.norm_copy);
    fh_query__node_free(tmp);
    if (p->status != FH_OK || n->n_terms == 0) {
        fh_query__node_free(n);
        return NULL;
    }
    return n;
}

/* Whether s reads like field:word (Latin letters, a colon, more), which is
 * not title: (taken off before) and not a link (name://). */
static int looks_like_field(const char *s, size_t len)
{
    size_t i = 0;
    while (i < len && ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z'))
        i++;
    return i > 0 && i + 1 < len && s[i] == ':' && s[i + 1] != '/' && s[i + 1] != ':';
}

/* ---- The parser --------------------------------------------------------- */

/* A group of one (with no exclusions) is just that one. */
static fh_query__node *unwrap(fh_query__node *group)
{
    if (group->pos.n != 1 || group->neg.n != 0)
        return group;
    fh_query__node *only = group->pos.items[0];
    group->pos.n = 0;
    fh_query__node_free(group);
    return only;
}

static fh_query__node *parse_or(parser *p);

/* A group in parentheses, a phrase or a word; NULL when it gives nothing to
 * search for (or on error, with p->status set). */
static fh_query__node *parse_primary(parser *p, lexeme l)
{
    switch (l.kind) {
    case LEX_LPAREN: {
        if (p->depth >= p->q->opts.max_depth) {
            fh_query__note(p->q, "parentheses nested too deep were ignored");
            return NULL;
        }
        p->depth++;
        fh_query__node *inner = parse_or(p);
        p->depth--;
        if (peek(p).kind == LEX_RPAREN)
            take(p);
        else
            fh_query__note(p->q, "a parenthesis was not closed: it closes at the end");
        if (inner && l.title) {
            /* title:( ... ) applies the field to everything inside. */
            fh_query__node *stack[64];
            size_t top = 0;
            stack[top++] = inner;
            while (top) {
                fh_query__node *n = stack[--top];
                n->title = 1;
                for (size_t i = 0; i < n->pos.n && top < 64; i++)
                    stack[top++] = n->pos.items[i];
                for (size_t i = 0; i < n->neg.n && top < 64; i++)
                    stack[top++] = n->neg.items[i];
            }
        }
        return inner;
    }
    case LEX_PHRASE:
        return analyze_words(p, l.text, l.len, l.title, 1);
    case LEX_WORD:
        if (l.len > 1 && l.text[l.len - 1] == '*')
            return analyze_prefix(p, l.text, l.len - 1, l.title);
        if (l.negated && l.len == 1 && p->q->opts.option_notes &&
            ((l.text[0] | 0x20) >= 'a' && (l.text[0] | 0x20) <= 'z'))
            fh_query__note(
                p->q, minus_notes[(l.text[0] >= 'a' ? l.text[0] - 'a' : 26 + l.text[0] - 'A')]);
        if (looks_like_field(l.text, l.len))
            fh_query__note(p->q,
                           "the fields are title:, site:, lang: and date:: another name: before a "
                           "word was read as words side by side");
        return analyze_words(p, l.text, l.len, l.title, 0);
    case LEX_OR:
    case LEX_AND:
    case LEX_NOT:
        /* Never reached: operators are handled by the callers. */
    case LEX_RPAREN:
    case LEX_END:
        break;
    }
    return NULL;
}

/* Terms joined by juxtaposition or AND, with NOT and - exclusions. */
static fh_query__node *parse_and(parser *p)
{
    fh_query__node *group = fh_query__node_new(FH_QUERY__AND);
    if (group == NULL) {
        p->status = FH_ERR_NOMEM;
        return NULL;
    }
    group->implicit = 1;
    int bind = 0; /* a written AND: the next word goes with the one before */
    for (;;) {
        lexeme l = peek(p);
        if (l.kind == LEX_END || l.kind == LEX_OR || l.kind == LEX_RPAREN)
            break;
        take(p);
        int negated = l.negated;
        if (l.kind == LEX_AND) {
            if (group->pos.n == 0)
                fh_query__note(p->q, "an AND with nothing before it was ignored");
            else
                bind = 1;
            continue;
        }
        if (l.kind == LEX_NOT) {
            lexeme next = peek(p);
            if (next.kind == LEX_END || next.kind == LEX_OR || next.kind == LEX_RPAREN ||
                next.kind == LEX_AND || next.kind == LEX_NOT) {
                fh_query__note(p->q, "a NOT with nothing after it was ignored");
                continue;
            }
            l = take(p);
            negated = !l.negated;
        }
        if (l.kind == LEX_WORD && !l.title && fh_query__filter_field(l.text, l.len) >= 0) {
            p->status = fh_query__filter_add(p->q, l.text, l.len, negated);
            if (p->status != FH_OK)
                break;
            continue;
        }
        fh_query__node *item = parse_primary(p, l);
        if (p->status != FH_OK)
            break;
        if (item == NULL)
            continue;
        fh_query__list *into = negated ? &group->neg : &group->pos;
        if (bind && !negated) {
            /* "a b AND c": b and c are both required, a as the group's
             * words are (as Lucene reads it). */
            fh_query__node **prev = &group->pos.items[group->pos.n - 1];
            if ((*prev)->kind != FH_QUERY__AND || (*prev)->implicit) {
                fh_query__node *both = fh_query__node_new(FH_QUERY__AND);
                if (both == NULL || fh_query__list_push(&both->pos, *prev) != FH_OK) {
                    fh_query__node_free(both);
                    fh_query__node_free(item);
                    p->status = FH_ERR_NOMEM;
                    break;
                }
                *prev = both;
            }
            into = &(*prev)->pos;
        }
        bind = 0;
        if (fh_query__list_push(into, item) != FH_OK) {
            fh_query__node_free(item);
            p->status = FH_ERR_NOMEM;
            break;
        }
    }
    if (bind)
        fh_query__note(p->q, "an AND with nothing after it was ignored");
    if (p->status != FH_OK || group->pos.n + group->neg.n == 0) {
        fh_query__node_free(group);
        return NULL;
    }
    return unwrap(group);
}

static fh_query__node *parse_or(parser *p)
{
    fh_query__node *group = fh_query__node_new(FH_QUERY__OR);
    if (group == NULL) {
        p->status = FH_ERR_NOMEM;
        return NULL;
    }
    int expect_operand = 1;
    for (;;) {
        lexeme l = peek(p);
        if (l.kind == LEX_END)
            break;
        if (l.kind == LEX_RPAREN) {
            if (p->depth > 0)
                break;
            take(p);
            fh_query__note(p->q, "a closing parenthesis without an opening one was ignored");
            continue;
        }
        if (l.kind == LEX_OR) {
            take(p);
            if (expect_operand)
                fh_query__note(p->q, "an OR with nothing before it was ignored");
            expect_operand = 1;
            continue;
        }
        fh_query__node *item = parse_and(p);
        if (p->status != FH_OK)
            break;
        expect_operand = 0;
        if (item == NULL)
            continue;
        if (item->kind == FH_QUERY__AND && item->pos.n == 0 && group->pos.n > 0) {
            fh_query__note(p->q, "an exclusion inside OR was ignored");
            fh_query__node_free(item);
            continue;
        }
        if (fh_query__list_push(&group->pos, item) != FH_OK) {
            fh_query__node_free(item);
            p->status = FH_ERR_NOMEM;
            break;
        }
    }
    if (expect_operand && group->pos.n > 0)
        fh_query__note(p->q, "an OR with nothing after it was ignored");
    if (p->status != FH_OK || group->pos.n == 0) {
        fh_query__node_free(group);
        return NULL;
    }
    return unwrap(group);
}

/* ---- Words for highlighting --------------------------------------------- */

/* Add a word to highlight (once), its index into *at (may be NULL). */
static fh_status add_word(fh_parsed_query *q, const char *term, int is_prefix, int title,
                          int in_phrase, size_t *at)
{
    size_t len = strlen(term);
    for (size_t i = 0; i < q->n_words; i++) {
        fh_query_word *w = &q->words[i];
        if (w->len == len && w->is_prefix == is_prefix && memcmp(w->term, term, len) == 0) {
            w->in_title_only &= title;
            w->in_phrase_only &= in_phrase;
            if (at)
                *at = i;
            return FH_OK;
        }
    }
    fh_query_word *p = realloc(q->words, (q->n_words + 1) * sizeof *p);
    if (p == NULL)
        return FH_ERR_NOMEM;
    q->words = p;
    if (at)
        *at = q->n_words;
    q->words[q->n_words++] = (fh_query_word){term, len, is_prefix, title, in_phrase};
    return FH_OK;
}

/* A phrase node's words, added, and the phrase remembered. */
static fh_status add_phrase(fh_parsed_query *q, const fh_query__node *n)
{
    size_t *words = calloc(n->n_terms, sizeof *words);
    fh_query_phrase *p = realloc(q->phrases, (q->n_phrases + 1) * sizeof *p);
    if (words == NULL || p == NULL) {
        free(words);
        if (p)
            q->phrases = p;
        return FH_ERR_NOMEM;
    }
    q->phrases = p;
    fh_status rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < n->n_terms; i++)
        rc = add_word(q, n->terms[i], 0, n->title, 1, &words[i]);
    if (rc != FH_OK) {
        free(words);
        return rc;
    }
    q->phrases[q->n_phrases++] = (fh_query_phrase){words, n->n_terms, n->window};
    return FH_OK;
}

static fh_status collect_words(fh_parsed_query *q, const fh_query__node *n, uint32_t depth)
{
    if (depth > 64)
        return FH_OK;
    fh_status rc = FH_OK;
    switch (n->kind) {
    case FH_QUERY__TERM:
        if (!n->common)
            rc = add_word(q, n->terms[0], 0, n->title, 0, NULL);
        break;
    case FH_QUERY__PHRASE:
        rc = add_phrase(q, n);
        break;
    case FH_QUERY__PREFIX:
        for (size_t i = 0; rc == FH_OK && i < n->n_terms; i++)
            rc = add_word(q, n->terms[i], 1, n->title, 0, NULL);
        break;
    case FH_QUERY__AND:
    case FH_QUERY__OR:
        for (size_t i = 0; rc == FH_OK && i < n->pos.n; i++)
            rc = collect_words(q, n->pos.items[i], depth + 1);
        break;
    }
    return rc;
}

/* The notes of phrases a remote shard cannot check (FH_PHRASES_WORDS,
 * query_build.c): one searched as its words, one excluded not at all. */
static void note_unchecked_phrases(fh_parsed_query *q, const fh_query__node *n, int negated,
                                   uint32_t depth)
{
    if (depth > 64)
        return;
    if (n->kind == FH_QUERY__PHRASE && !n->title && n->n_terms > 1)
        fh_query__note(q, negated ? "a remote shard of this index cannot check phrases: a "
                                    "-\"phrase\" left no page out"
                                  : "a remote shard of this index cannot check phrases: their "
                                    "words were searched for anywhere in the page");
    if (n->kind != FH_QUERY__AND && n->kind != FH_QUERY__OR)
        return;
    for (size_t i = 0; i < n->pos.n; i++)
        note_unchecked_phrases(q, n->pos.items[i], negated, depth + 1);
    for (size_t i = 0; i < n->neg.n; i++)
        note_unchecked_phrases(q, n->neg.items[i], !negated, depth + 1);
}

fh_status fh_query_parse(fh_analyzer *a, const char *text, size_t len, const fh_query_opts *opts,
                         fh_parsed_query **out, char **errmsg)
{
    *out = NULL;
    if (errmsg)
        *errmsg = NULL;
    fh_parsed_query *q = calloc(1, sizeof *q);
    if (q == NULL)
        return FH_ERR_NOMEM;
    if (opts)
        q->opts = *opts;
    else
        fh_query_opts_init(&q->opts);
    if (q->opts.max_depth > 60)
        q->opts.max_depth = 60; /* the parser recurses once a level */

    q->memos = calloc(1, sizeof *q->memos);
    if (q->memos == NULL) {
        free(q);
        return FH_ERR_NOMEM;
    }
    parser p = {
        a, q, text, len, 0, {LEX_END, NULL, 0, 0, 0}, 0, 0, 0, operators_allowed(text, len), FH_OK};
    q->root = parse_or(&p);
    fh_status rc = p.status;
    if (rc == FH_OK && q->root == NULL && q->n_filters == 0) {
        rc = FH_ERR_INVALID;
        /* A filter not read (date:2020-13) is why there is nothing: its
         * note would otherwise be lost with the query. */
        fh_buf m = FH_BUF_INIT;
        fh_buf_puts(&m, "the query has no words to search for");
        for (size_t i = 0; i < q->n_notes; i++)
            if (fh_query__is_filter_note(q->notes[i]))
                fh_buf_printf(&m, "; %s", q->notes[i]);
        if (errmsg)
            *errmsg = fh_buf_status(&m) == FH_OK ? fh_buf_detach(&m, NULL) : NULL;
        fh_buf_free(&m);
    }
    if (rc == FH_OK && q->root != NULL)
        rc = collect_words(q, q->root, 0);
    if (rc == FH_OK && q->root != NULL && q->opts.phrases == FH_PHRASES_WORDS)
        note_unchecked_phrases(q, q->root, 0, 0);
    if (rc == FH_OK && q->root != NULL && q->root->kind == FH_QUERY__AND && q->root->pos.n == 0)
        fh_query__note(q, "the query only excludes words: it matches every page without them");
    if (rc != FH_OK) {
        fh_parsed_query_free(q);
        return rc;
    }
    *out = q;
    return FH_OK;
}
