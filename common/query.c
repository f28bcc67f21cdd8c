/* query.c - parse the query language into a tree, then build Xapian queries
 * from it (see query.h).
 *
 * Reading is in two steps: a lexer cuts the text into operators, quoted
 * phrases and words; a recursive-descent parser (depth bounded by max_depth)
 * builds a small tree whose words have already gone through the analyzer.
 * The tree is kept, so that the same query can be built for all-words and
 * any-word matching, and its positive words listed for highlighting. */
#include "query.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "document.h"
#include "record.h"
#include "stopwords.h"

#define MAX_NOTES 8

typedef enum node_kind {
    NODE_TERM,   /* one term */
    NODE_PREFIX, /* terms starting with a prefix */
    NODE_PHRASE, /* terms side by side */
    NODE_AND,    /* all of pos, none of neg */
    NODE_OR,     /* any of pos */
} node_kind;

typedef struct node node;

typedef struct node_list {
    node **items;
    size_t n, cap;
} node_list;

struct node {
    node_kind kind;
    int title;    /* from a title: field */
    int implicit; /* NODE_AND: joined by juxtaposition, not a written AND */
    int common;   /* NODE_TERM: a common word (stopwords.h): optional, not highlighted */
    char **terms; /* NODE_TERM: 1; NODE_PHRASE: n_terms; NODE_PREFIX: norm, stem */
    char *exact;  /* NODE_TERM: the word unstemmed, when its stem differs (or NULL) */
    size_t n_terms;
    uint32_t window; /* NODE_PHRASE: positions spanned */
    node_list pos;   /* NODE_AND, NODE_OR */
    node_list neg;   /* NODE_AND */
};

/* The forms of one word the index holds (fh_query_word_forms()), looked up
 * once per query: building it (body and title) and its snippets ask again. */
typedef struct form_memo {
    char *term;   /* prefix + term, NUL-terminated */
    char **forms; /* prefix + form, each NUL-terminated */
    size_t n_forms;
} form_memo;

typedef struct form_memos {
    form_memo *items;
    size_t n, cap;
} form_memos;

struct fh_parsed_query {
    node *root;
    fh_query_opts opts;
    const char *notes[MAX_NOTES];
    size_t n_notes;
    fh_query_word *words;
    size_t n_words;
    fh_query_phrase *phrases;
    size_t n_phrases;
    form_memos *memos; /* filled as forms are looked up */
};

void fh_query_opts_init(fh_query_opts *opts)
{
    opts->title_weight = 2;
    opts->title_weight_any = 0.5;
    opts->max_terms = 256;
    opts->max_prefix_expansion = 200;
    opts->max_depth = 32;
    opts->keep_stopwords = 0;
    opts->proximity_weight = 1;
    opts->coverage_weight = 3;
    opts->exact_weight = 1;
    opts->word_forms = 1;
    opts->expand_in = NULL;
    opts->title_pairs = 1;
}

/* ---- The tree ----------------------------------------------------------- */

static void node_free(node *n);

static void list_free(node_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        node_free(l->items[i]);
    free(l->items);
}

static void node_free(node *n)
{
    if (n == NULL)
        return;
    for (size_t i = 0; i < n->n_terms; i++)
        free(n->terms[i]);
    free(n->terms);
    free(n->exact);
    list_free(&n->pos);
    list_free(&n->neg);
    free(n);
}

static node *node_new(node_kind kind)
{
    node *n = calloc(1, sizeof *n);
    if (n)
        n->kind = kind;
    return n;
}

static int list_push(node_list *l, node *item)
{
    if (fh_grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items, 4) != FH_OK)
        return FH_ERR_NOMEM;
    l->items[l->n++] = item;
    return FH_OK;
}

static int node_add_term(node *n, const char *s, size_t len)
{
    char **p = realloc(n->terms, (n->n_terms + 1) * sizeof *p);
    if (p == NULL)
        return FH_ERR_NOMEM;
    n->terms = p;
    char *copy = malloc(len + 1);
    if (copy == NULL)
        return FH_ERR_NOMEM;
    memcpy(copy, s, len);
    copy[len] = '\0';
    n->terms[n->n_terms++] = copy;
    return FH_OK;
}

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
    int status;
} parser;

static void note(fh_parsed_query *q, const char *text)
{
    for (size_t i = 0; i < q->n_notes; i++)
        if (q->notes[i] == text)
            return;
    if (q->n_notes < MAX_NOTES)
        q->notes[q->n_notes++] = text;
}

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
            note(p->q, "a quote was not closed: the phrase runs to the end");
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
    node *n; /* terms are added here */
    uint32_t first_pos;
    uint32_t last_pos;
    const char *norm; /* the first token's normalized word (for prefixes) */
    size_t norm_len;
    fh_buf norm_copy;
} collected;

static int collect_term(void *ctx, const fh_token *t)
{
    collected *c = ctx;
    if (c->p->n_terms >= c->p->q->opts.max_terms) {
        note(c->p->q, "the query has too many words: the rest were left out");
        return 1;
    }
    c->p->n_terms++;
    if (c->n->n_terms == 0) {
        c->first_pos = t->pos;
        fh_buf_append(&c->norm_copy, t->norm, t->norm_len);
    }
    c->last_pos = t->pos;
    if (node_add_term(c->n, t->term, t->term_len) != FH_OK) {
        c->p->status = FH_ERR_NOMEM;
        return 1;
    }
    return 0;
}

static int memo_add_form(void *ctx, const char *form, size_t len);
static int forms_of(const fh_parsed_query *q, const char *term, const char *prefix,
                    const form_memo **out);

/* The one term the analyzer makes of a word, into *out ("" if not one). */
static int first_term(void *ctx, const fh_token *t)
{
    fh_buf *out = ctx;
    if (out->len > 0) {
        fh_buf_reset(out);
        return 1; /* more than one word */
    }
    fh_buf_append(out, t->term, t->term_len);
    return 0;
}

/* A plural Snowball leaves alone: a word ending in s with no vowel before
 * it (qtrs, mlns, 1sts, dvds), where Snowball cannot tell the s from part
 * of the word. */
static int is_vowelless_plural(const char *norm, size_t len)
{
    if (len < 3 || norm[len - 1] != 's' || norm[len - 2] == 's')
        return 0;
    for (size_t i = 0; i + 1 < len; i++)
        if (strchr("aeiouy", norm[i]) != NULL)
            return 0;
    return 1;
}

/* A Latin word the index does not hold (a typo, or an odd plural: armss,
 * getss, ucus, cautiou): its forms are the index's terms for the word
 * without its final s, or with an s. A plural Snowball leaves alone
 * (is_vowelless_plural()) has its form without s even when the index holds
 * it. Remembered as the word's forms (forms_of()), so the query, its title
 * weight and the snippets use them. */
static int latin_word_forms(parser *p, const char *term, const char *norm)
{
    fh_parsed_query *q = p->q;
    size_t len = strlen(norm);
    unsigned char c = (unsigned char)term[0];
    int plural = is_vowelless_plural(norm, len);
    uint32_t freq = 0;
    if (!q->opts.word_forms || q->opts.expand_in == NULL || len < 3 ||
        !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) ||
        fh_db_term_freq(q->opts.expand_in, term, strlen(term), &freq) != FH_OK ||
        (freq > 0 && !plural))
        return FH_OK;
    const form_memo *m = NULL;
    int rc = forms_of(q, term, "", &m); /* an empty memo: none of Arabic's */
    if (rc != FH_OK || m->n_forms > 0)
        return rc; /* the word came before in the query */
    fh_buf word = FH_BUF_INIT, stem = FH_BUF_INIT;
    for (int i = 0; rc == FH_OK && i < 2; i++) {
        fh_buf_reset(&word);
        if (i == 0 && norm[len - 1] == 's')
            fh_buf_append(&word, norm, len - 1);
        else if (i == 1 && norm[len - 1] != 's')
            fh_buf_printf(&word, "%ss", norm);
        else
            continue;
        fh_buf_reset(&stem);
        rc = fh_buf_status(&word);
        if (rc == FH_OK)
            rc = fh_analyzer_run(p->analyzer, word.data, word.len, FH_ANALYZE_QUERY, 0, first_term,
                                 &stem, NULL);
        if (rc != FH_OK || fh_buf_status(&stem) != FH_OK || stem.len == 0 ||
            (stem.len == strlen(term) && memcmp(stem.data, term, stem.len) == 0))
            continue;
        freq = 0;
        if (fh_db_term_freq(q->opts.expand_in, stem.data, stem.len, &freq) == FH_OK && freq > 0 &&
            memo_add_form((form_memo *)m, stem.data, stem.len) != 0) /* q's own */
            rc = FH_ERR_NOMEM;
    }
    fh_buf_free(&word);
    fh_buf_free(&stem);
    return rc;
}

/* Analyze s into a TERM or PHRASE node (NULL when it has no word). */
static node *analyze_words(parser *p, const char *s, size_t len, int title, int is_phrase)
{
    node *n = node_new(NODE_PHRASE);
    if (n == NULL) {
        p->status = FH_ERR_NOMEM;
        return NULL;
    }
    n->title = title;
    collected c = {p, n, 0, 0, NULL, 0, FH_BUF_INIT};
    int rc = fh_analyzer_run(p->analyzer, s, len, FH_ANALYZE_QUERY, 0, collect_term, &c, NULL);
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
    }
    if (p->status == FH_OK && n->n_terms == 1 && !n->common && fh_buf_status(&c.norm_copy) == FH_OK)
        p->status = latin_word_forms(p, n->terms[0], c.norm_copy.data);
    fh_buf_free(&c.norm_copy);
    if (p->status != FH_OK || n->n_terms == 0) {
        node_free(n);
        return NULL;
    }
    if (n->n_terms == 1)
        n->kind = NODE_TERM;
    n->window = c.last_pos - c.first_pos + 1;
    return n;
}

/* word* : the normalized word and its stem, each as a prefix. */
static node *analyze_prefix(parser *p, const char *s, size_t len, int title)
{
    node *n = node_new(NODE_PREFIX);
    if (n == NULL) {
        p->status = FH_ERR_NOMEM;
        return NULL;
    }
    n->title = title;
    node *tmp = node_new(NODE_PHRASE);
    collected c = {p, tmp, 0, 0, NULL, 0, FH_BUF_INIT};
    int rc = tmp ? fh_analyzer_run(p->analyzer, s, len, FH_ANALYZE_QUERY, 0, collect_term, &c, NULL)
                 : FH_ERR_NOMEM;
    if (rc != FH_OK)
        p->status = rc;
    if (p->status == FH_OK && tmp->n_terms == 1 && fh_buf_status(&c.norm_copy) == FH_OK) {
        if (node_add_term(n, c.norm_copy.data, c.norm_copy.len) != FH_OK)
            p->status = FH_ERR_NOMEM;
        else if (strcmp(tmp->terms[0], c.norm_copy.data) != 0 &&
                 node_add_term(n, tmp->terms[0], strlen(tmp->terms[0])) != FH_OK)
            p->status = FH_ERR_NOMEM;
    } else if (p->status == FH_OK && tmp->n_terms > 1) {
        /* "e-mail*": the analyzer split it; search the parts as a phrase. */
        note(p->q, "a word* that splits into several words was searched as a phrase");
        node_free(n);
        n = tmp;
        tmp = NULL;
        n->window = (uint32_t)n->n_terms;
    }
    fh_buf_free(&c.norm_copy);
    node_free(tmp);
    if (p->status != FH_OK || n->n_terms == 0) {
        node_free(n);
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
static node *unwrap(node *group)
{
    if (group->pos.n != 1 || group->neg.n != 0)
        return group;
    node *only = group->pos.items[0];
    group->pos.n = 0;
    node_free(group);
    return only;
}

static node *parse_or(parser *p);

/* A group in parentheses, a phrase or a word; NULL when it gives nothing to
 * search for (or on error, with p->status set). */
static node *parse_primary(parser *p, lexeme l)
{
    switch (l.kind) {
    case LEX_LPAREN: {
        if (p->depth >= p->q->opts.max_depth) {
            note(p->q, "parentheses nested too deep were ignored");
            return NULL;
        }
        p->depth++;
        node *inner = parse_or(p);
        p->depth--;
        if (peek(p).kind == LEX_RPAREN)
            take(p);
        else
            note(p->q, "a parenthesis was not closed: it closes at the end");
        if (inner && l.title) {
            /* title:( ... ) applies the field to everything inside. */
            node *stack[64];
            size_t top = 0;
            stack[top++] = inner;
            while (top) {
                node *n = stack[--top];
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
        if (l.negated && l.len == 1 && ((l.text[0] | 0x20) >= 'a' && (l.text[0] | 0x20) <= 'z'))
            note(p->q, "-x was read as \"without x\": options are written --name before the query");
        if (looks_like_field(l.text, l.len))
            note(p->q, "only title: is a field: a name: before a word was read as words side by "
                       "side");
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
static node *parse_and(parser *p)
{
    node *group = node_new(NODE_AND);
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
                note(p->q, "an AND with nothing before it was ignored");
            else
                bind = 1;
            continue;
        }
        if (l.kind == LEX_NOT) {
            lexeme next = peek(p);
            if (next.kind == LEX_END || next.kind == LEX_OR || next.kind == LEX_RPAREN ||
                next.kind == LEX_AND || next.kind == LEX_NOT) {
                note(p->q, "a NOT with nothing after it was ignored");
                continue;
            }
            l = take(p);
            negated = !l.negated;
        }
        node *item = parse_primary(p, l);
        if (p->status != FH_OK)
            break;
        if (item == NULL)
            continue;
        node_list *into = negated ? &group->neg : &group->pos;
        if (bind && !negated) {
            /* "a b AND c": b and c are both required, a as the group's
             * words are (as Lucene reads it). */
            node **prev = &group->pos.items[group->pos.n - 1];
            if ((*prev)->kind != NODE_AND || (*prev)->implicit) {
                node *both = node_new(NODE_AND);
                if (both == NULL || list_push(&both->pos, *prev) != FH_OK) {
                    node_free(both);
                    node_free(item);
                    p->status = FH_ERR_NOMEM;
                    break;
                }
                *prev = both;
            }
            into = &(*prev)->pos;
        }
        bind = 0;
        if (list_push(into, item) != FH_OK) {
            node_free(item);
            p->status = FH_ERR_NOMEM;
            break;
        }
    }
    if (bind)
        note(p->q, "an AND with nothing after it was ignored");
    if (p->status != FH_OK || group->pos.n + group->neg.n == 0) {
        node_free(group);
        return NULL;
    }
    return unwrap(group);
}

static node *parse_or(parser *p)
{
    node *group = node_new(NODE_OR);
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
            note(p->q, "a closing parenthesis without an opening one was ignored");
            continue;
        }
        if (l.kind == LEX_OR) {
            take(p);
            if (expect_operand)
                note(p->q, "an OR with nothing before it was ignored");
            expect_operand = 1;
            continue;
        }
        node *item = parse_and(p);
        if (p->status != FH_OK)
            break;
        expect_operand = 0;
        if (item == NULL)
            continue;
        if (item->kind == NODE_AND && item->pos.n == 0 && group->pos.n > 0) {
            note(p->q, "an exclusion inside OR was ignored");
            node_free(item);
            continue;
        }
        if (list_push(&group->pos, item) != FH_OK) {
            node_free(item);
            p->status = FH_ERR_NOMEM;
            break;
        }
    }
    if (expect_operand && group->pos.n > 0)
        note(p->q, "an OR with nothing after it was ignored");
    if (p->status != FH_OK || group->pos.n == 0) {
        node_free(group);
        return NULL;
    }
    return unwrap(group);
}

/* ---- Words for highlighting --------------------------------------------- */

/* Add a word to highlight (once), its index into *at (may be NULL). */
static int add_word(fh_parsed_query *q, const char *term, int is_prefix, int title, int in_phrase,
                    size_t *at)
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
static int add_phrase(fh_parsed_query *q, const node *n)
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
    int rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < n->n_terms; i++)
        rc = add_word(q, n->terms[i], 0, n->title, 1, &words[i]);
    if (rc != FH_OK) {
        free(words);
        return rc;
    }
    q->phrases[q->n_phrases++] = (fh_query_phrase){words, n->n_terms, n->window};
    return FH_OK;
}

static int collect_words(fh_parsed_query *q, const node *n, uint32_t depth)
{
    if (depth > 64)
        return FH_OK;
    int rc = FH_OK;
    switch (n->kind) {
    case NODE_TERM:
        if (!n->common)
            rc = add_word(q, n->terms[0], 0, n->title, 0, NULL);
        break;
    case NODE_PHRASE:
        rc = add_phrase(q, n);
        break;
    case NODE_PREFIX:
        for (size_t i = 0; rc == FH_OK && i < n->n_terms; i++)
            rc = add_word(q, n->terms[i], 1, n->title, 0, NULL);
        break;
    case NODE_AND:
    case NODE_OR:
        for (size_t i = 0; rc == FH_OK && i < n->pos.n; i++)
            rc = collect_words(q, n->pos.items[i], depth + 1);
        break;
    }
    return rc;
}

int fh_query_parse(fh_analyzer *a, const char *text, size_t len, const fh_query_opts *opts,
                   fh_parsed_query **out, const char **errmsg)
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
    int rc = p.status;
    if (rc == FH_OK && q->root == NULL) {
        rc = FH_ERR_INVALID;
        if (errmsg)
            *errmsg = "the query has no words to search for";
    }
    if (rc == FH_OK)
        rc = collect_words(q, q->root, 0);
    if (rc == FH_OK && q->root->kind == NODE_AND && q->root->pos.n == 0)
        note(q, "the query only excludes words: it matches every page without them");
    if (rc != FH_OK) {
        fh_parsed_query_free(q);
        return rc;
    }
    *out = q;
    return FH_OK;
}

/* ---- Building Xapian queries -------------------------------------------- */

static int build(const fh_parsed_query *q, const node *n, fh_match_mode mode, fh_query **out);

int fh_query_word_forms(const fh_query_opts *opts, const char *term,
                        int (*fn)(void *ctx, const char *form, size_t len), void *ctx)
{
    static const char *const heads[] = {"\xd9\x8a", "\xd8\xaa", "\xd9\x86"}; /* ي ت ن */
    static const char *const clitics[] = {"\xd9\x88", "\xd8\xa8", "\xd9\x84", "\xd9\x81",
                                          "\xd9\x83"}; /* و ب ل ف ك */
    size_t len = strlen(term);
    if (!opts->word_forms || opts->expand_in == NULL || len < 6 || (unsigned char)term[0] < 0xd8 ||
        (unsigned char)term[0] > 0xdb)
        return FH_OK;
    fh_buf t = FH_BUF_INIT;
    int rc = FH_OK;
    /* Candidates: 0-2 a head put before, 3 the first letter (a clitic)
     * taken off, 4-6 a clitic و ب ل put before (ف and ك found no more). */
    for (size_t i = 0; rc == FH_OK && i < 7; i++) {
        fh_buf_reset(&t);
        if (i < 3) {
            fh_buf_puts(&t, heads[i]);
            fh_buf_puts(&t, term);
        } else if (i == 3) {
            int clitic = 0;
            for (size_t c = 0; c < sizeof clitics / sizeof clitics[0]; c++)
                clitic |= memcmp(term, clitics[c], 2) == 0;
            if (!clitic || len < 8)
                continue;
            fh_buf_puts(&t, term + 2);
        } else {
            fh_buf_puts(&t, clitics[i - 4]);
            fh_buf_puts(&t, term);
        }
        uint32_t freq = 0;
        rc = fh_buf_status(&t);
        if (rc == FH_OK && fh_db_term_freq(opts->expand_in, t.data, t.len, &freq) == FH_OK &&
            freq > 0 && fn(ctx, t.data, t.len) != 0)
            break;
    }
    fh_buf_free(&t);
    return rc;
}

static int memo_add_form(void *ctx, const char *form, size_t len)
{
    form_memo *m = ctx;
    char **p = realloc(m->forms, (m->n_forms + 1) * sizeof *p);
    if (p == NULL)
        return 1;
    m->forms = p;
    p[m->n_forms] = malloc(len + 1);
    if (p[m->n_forms] == NULL)
        return 1;
    memcpy(p[m->n_forms], form, len);
    p[m->n_forms++][len] = '\0';
    return 0;
}

/* The memo of prefix + term's forms, looked up now if need be. A title
 * form (prefix S) can only exist where the unprefixed form does (title
 * words are indexed both ways): only those are looked up. */
static int forms_of(const fh_parsed_query *q, const char *term, const char *prefix,
                    const form_memo **out)
{
    form_memos *ms = q->memos;
    size_t plen = strlen(prefix), tlen = strlen(term);
    for (size_t i = 0; i < ms->n; i++) {
        const char *k = ms->items[i].term;
        if (strncmp(k, prefix, plen) == 0 && strcmp(k + plen, term) == 0) {
            *out = &ms->items[i];
            return FH_OK;
        }
    }
    const form_memo *plain = NULL;
    size_t plain_at = 0;
    if (plen > 0) {
        int rc = forms_of(q, term, "", &plain);
        if (rc != FH_OK)
            return rc;
        plain_at = (size_t)(plain - ms->items);
    }
    if (fh_grow((void **)&ms->items, &ms->cap, ms->n + 1, sizeof *ms->items, 8) != FH_OK)
        return FH_ERR_NOMEM;
    if (plain != NULL)
        plain = &ms->items[plain_at]; /* the items may have moved */
    form_memo m = {malloc(plen + tlen + 1), NULL, 0};
    if (m.term == NULL)
        return FH_ERR_NOMEM;
    memcpy(m.term, prefix, plen);
    memcpy(m.term + plen, term, tlen + 1);
    int rc = FH_OK;
    if (plain == NULL) {
        if (fh_query_word_forms(&q->opts, term, memo_add_form, &m) != FH_OK)
            rc = FH_ERR_NOMEM;
    } else {
        fh_buf t = FH_BUF_INIT;
        for (size_t i = 0; rc == FH_OK && i < plain->n_forms; i++) {
            uint32_t freq = 0;
            fh_buf_reset(&t);
            fh_buf_puts(&t, prefix);
            fh_buf_puts(&t, plain->forms[i]);
            rc = fh_buf_status(&t);
            if (rc == FH_OK && fh_db_term_freq(q->opts.expand_in, t.data, t.len, &freq) == FH_OK &&
                freq > 0 && memo_add_form(&m, t.data, t.len) != 0)
                rc = FH_ERR_NOMEM;
        }
        fh_buf_free(&t);
    }
    /* A form that could not be kept leaves the memo short: never wrong,
     * only less found. Out of memory is said. */
    ms->items[ms->n++] = m;
    *out = &ms->items[ms->n - 1];
    return rc;
}

int fh_parsed_query_word_forms(const fh_parsed_query *q, const char *term,
                               int (*fn)(void *ctx, const char *form, size_t len), void *ctx)
{
    const form_memo *m = NULL;
    int rc = forms_of(q, term, "", &m);
    for (size_t i = 0; rc == FH_OK && i < m->n_forms; i++)
        if (fn(ctx, m->forms[i], strlen(m->forms[i])) != 0)
            break;
    return rc;
}

/* The weight of a word's other forms (fh_query_word_forms(), and a Latin
 * word's with or without s), the word's being 1: bench/RESULTS.md. */
#define FORM_WEIGHT 0.5

typedef struct forms_ctx {
    fh_query *alts[16];
    size_t n;
    int status;
} forms_ctx;

static int add_form(void *ctx, const char *form, size_t len)
{
    forms_ctx *f = ctx;
    if (f->n == sizeof f->alts / sizeof f->alts[0])
        return 1;
    f->status = fh_query_term(form, len, 1, &f->alts[f->n]);
    if (f->status == FH_OK && f->n > 0) {
        /* Another form than the word typed counts half: a rare form (a
         * clitic put before) must not outweigh the word itself. */
        fh_query *half = NULL;
        f->status = fh_query_scale(f->alts[f->n], FORM_WEIGHT, &half);
        fh_query_free(f->alts[f->n]);
        f->alts[f->n] = half;
    }
    f->n += f->status == FH_OK;
    return f->status != FH_OK;
}

/* The term (after prefix), ORed with the other forms of it that the index
 * holds (fh_query_word_forms()). */
static int word_forms(const fh_parsed_query *q, const char *term, const char *prefix,
                      fh_query **out)
{
    forms_ctx f = {{NULL}, 0, FH_OK};
    fh_buf t = FH_BUF_INIT;
    fh_buf_puts(&t, prefix);
    fh_buf_puts(&t, term);
    int rc = fh_buf_status(&t);
    if (rc == FH_OK)
        rc = add_form(&f, t.data, t.len) ? f.status : FH_OK;
    const form_memo *m = NULL;
    if (rc == FH_OK)
        rc = forms_of(q, term, prefix, &m);
    for (size_t i = 0; rc == FH_OK && i < m->n_forms; i++)
        if (add_form(&f, m->forms[i], strlen(m->forms[i])) != 0)
            break;
    if (rc == FH_OK)
        rc = f.status;
    if (rc == FH_OK && f.n == 1) {
        *out = f.alts[0];
        f.alts[0] = NULL;
    } else if (rc == FH_OK) {
        rc = fh_query_combine(FH_QUERY_OR, f.alts, f.n, 0, out);
    }
    for (size_t i = 0; i < f.n; i++)
        fh_query_free(f.alts[i]);
    fh_buf_free(&t);
    return rc;
}

/* A term, in the title only (title:) or anywhere with extra weight in the
 * title. */
static int build_term(const fh_parsed_query *q, const char *term, const char *exact, int title,
                      fh_match_mode mode, fh_query **out)
{
    double title_weight = mode == FH_MATCH_ANY ? q->opts.title_weight_any : q->opts.title_weight;
    fh_buf t = FH_BUF_INIT;
    fh_buf_puts(&t, FH_PREFIX_TITLE);
    fh_buf_puts(&t, term);
    int rc = fh_buf_status(&t);
    if (rc != FH_OK)
        goto out;
    if (title) {
        rc = fh_query_term(t.data, t.len, 1, out);
        goto out;
    }
    if (title_weight <= 0) {
        rc = word_forms(q, term, "", out);
        goto out;
    }
    fh_query *parts[3] = {NULL, NULL, NULL}, *in_title = NULL, *as_typed = NULL;
    size_t n_parts = 2;
    rc = word_forms(q, term, "", &parts[0]);
    if (rc == FH_OK)
        rc = word_forms(q, term, FH_PREFIX_TITLE, &in_title);
    if (rc == FH_OK)
        rc = fh_query_scale(in_title, title_weight, &parts[1]);
    if (rc == FH_OK && exact && mode != FH_MATCH_ANY && q->opts.exact_weight > 0) {
        fh_buf_reset(&t);
        fh_buf_puts(&t, FH_PREFIX_EXACT);
        fh_buf_puts(&t, exact);
        rc = fh_buf_status(&t);
        if (rc == FH_OK)
            rc = fh_query_term(t.data, t.len, 1, &as_typed);
        if (rc == FH_OK)
            rc = fh_query_scale(as_typed, q->opts.exact_weight, &parts[n_parts++]);
    }
    if (rc == FH_OK)
        rc = fh_query_combine(FH_QUERY_OR, parts, n_parts, 0, out);
    fh_query_free(parts[0]);
    fh_query_free(parts[1]);
    fh_query_free(parts[2]);
    fh_query_free(in_title);
    fh_query_free(as_typed);
out:
    fh_buf_free(&t);
    return rc;
}

static int build_list(const fh_parsed_query *q, const node_list *l, fh_match_mode mode,
                      fh_query ***items)
{
    *items = calloc(l->n ? l->n : 1, sizeof **items);
    if (*items == NULL)
        return FH_ERR_NOMEM;
    int rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < l->n; i++)
        rc = build(q, l->items[i], mode, &(*items)[i]);
    return rc;
}

static void free_list(fh_query **items, size_t n)
{
    if (items == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        fh_query_free(items[i]);
    free(items);
}

static int is_common(const node *n)
{
    return n->kind == NODE_TERM && n->common;
}

/* Join the built parts of an AND group with op. Common words, when there is
 * anything else: matching all words, they are not required but add weight
 * (a known title's "of the" still helps); matching any word (long questions
 * in natural language), they are left out. */
static int combine_required(const node *n, fh_query **parts, fh_query_op op, fh_query **out)
{
    size_t required = 0;
    for (size_t i = 0; i < n->pos.n; i++)
        required += !is_common(n->pos.items[i]);
    if (required == 0 || required == n->pos.n)
        return fh_query_combine(op, parts, n->pos.n, 0, out);
    fh_query **sorted = malloc(n->pos.n * sizeof *sorted);
    if (sorted == NULL)
        return FH_ERR_NOMEM;
    size_t r = 0, c = required;
    for (size_t i = 0; i < n->pos.n; i++)
        sorted[is_common(n->pos.items[i]) ? c++ : r++] = parts[i];
    fh_query *both[2] = {NULL, NULL};
    int rc = fh_query_combine(op, sorted, required, 0, op == FH_QUERY_OR ? out : &both[0]);
    if (op == FH_QUERY_OR) {
        free(sorted);
        return rc;
    }
    if (rc == FH_OK)
        rc = fh_query_combine(FH_QUERY_OR, sorted + required, n->pos.n - required, 0, &both[1]);
    if (rc == FH_OK)
        rc = fh_query_combine(FH_QUERY_AND_MAYBE, both, 2, 0, out);
    fh_query_free(both[0]);
    fh_query_free(both[1]);
    free(sorted);
    return rc;
}

/* A plain word of an implicit AND: neither common nor title:. The title
 * boosts below are built from these, at most MAX_BOOST_WORDS of them. */
#define MAX_BOOST_WORDS 16

static int is_plain_word(const node *c)
{
    return c->kind == NODE_TERM && !c->common && !c->title;
}

static size_t count_plain_words(const node *n)
{
    size_t k = 0;
    for (size_t i = 0; i < n->pos.n; i++)
        k += is_plain_word(n->pos.items[i]);
    return k;
}

/* The words of an implicit AND (plain words, neither common nor title:),
 * in the title in the order typed with at most one other word among them
 * (people type a title's words in its order, and leave out an "of" or a
 * "في"), scaled by the proximity weight: the title pairs tell (build_pairs()),
 * or in an index without them the words' positions. A word no title holds
 * (a typo, an odd plural) is there as any of its forms (word_forms()),
 * which takes the positions. NULL when there are fewer than two such
 * words. In any order within twice their
 * number ranked known items lower; the same in the body weighed less than
 * it cost (bench/RESULTS.md). */
/* The title pair term of a then b, side by side or (skip) with one word
 * between, into *out. */
static int pair_term(const char *a, const char *b, int skip, fh_query **out)
{
    fh_buf t = FH_BUF_INIT;
    fh_document_pair_term(a, strlen(a), b, strlen(b), skip, &t);
    int rc = fh_buf_status(&t);
    if (rc == FH_OK)
        rc = fh_query_term(t.data, t.len, 1, out);
    fh_buf_free(&t);
    return rc;
}

/* Titles holding the m words (index terms) in this order with at most one
 * other word among them, from the title pairs, weighing nothing: every
 * two words side by side, or all but one such two with one word between.
 * The same titles as a phrase of their positions within m + 1 (but for a
 * title repeating a word), without reading a position. */
static int build_pairs(const char *const *w, size_t m, fh_query **out)
{
    *out = NULL;
    fh_query *alts[MAX_BOOST_WORDS] = {NULL}, *pairs[MAX_BOOST_WORDS] = {NULL}, *any = NULL;
    size_t n_alts = 0;
    int rc = FH_OK;
    /* Alternative 0: no word between any two; g + 1: one between words g and g + 1. */
    for (size_t g = 0; rc == FH_OK && g < m; g++) {
        for (size_t i = 0; rc == FH_OK && i + 1 < m; i++)
            rc = pair_term(w[i], w[i + 1], g > 0 && i == g - 1, &pairs[i]);
        if (rc == FH_OK)
            rc = fh_query_combine(FH_QUERY_AND, pairs, m - 1, 0, &alts[n_alts++]);
        for (size_t i = 0; i + 1 < m; i++) {
            fh_query_free(pairs[i]);
            pairs[i] = NULL;
        }
    }
    if (rc == FH_OK)
        rc = fh_query_combine(FH_QUERY_OR, alts, n_alts, 0, &any);
    if (rc == FH_OK)
        rc = fh_query_scale(any, 0, out);
    fh_query_free(any);
    for (size_t i = 0; i < n_alts; i++)
        fh_query_free(alts[i]);
    return rc;
}

static int build_proximity(const fh_parsed_query *q, const node *n, fh_query **out)
{
    *out = NULL;
    size_t k = count_plain_words(n);
    if (k < 2 || k > MAX_BOOST_WORDS)
        return FH_OK;
    fh_query *terms[MAX_BOOST_WORDS + 1] = {NULL}, *ordered = NULL;
    const char *words[MAX_BOOST_WORDS];
    size_t m = 0;
    int rc = FH_OK, by_pairs = q->opts.title_pairs;
    fh_buf t = FH_BUF_INIT;
    for (size_t i = 0; rc == FH_OK && i < n->pos.n; i++) {
        const node *c = n->pos.items[i];
        if (!is_plain_word(c))
            continue;
        fh_buf_reset(&t);
        fh_buf_puts(&t, FH_PREFIX_TITLE);
        fh_buf_puts(&t, c->terms[0]);
        rc = fh_buf_status(&t);
        uint32_t freq = 1;
        if (rc == FH_OK && q->opts.expand_in != NULL &&
            fh_db_term_freq(q->opts.expand_in, t.data, t.len, &freq) != FH_OK)
            freq = 1;
        if (rc == FH_OK && freq == 0)
            rc = word_forms(q, c->terms[0], FH_PREFIX_TITLE, &terms[m]);
        else if (rc == FH_OK)
            rc = fh_query_term(t.data, t.len, 1, &terms[m]);
        by_pairs &= freq > 0; /* a word's forms have no pairs of their own */
        words[m++] = c->terms[0];
    }
    if (rc == FH_OK && by_pairs) {
        rc = build_pairs(words, m, &terms[m]);
        if (rc == FH_OK)
            rc = fh_query_combine(FH_QUERY_AND, terms, m + 1, 0, &ordered);
    } else if (rc == FH_OK) {
        rc = fh_query_combine(FH_QUERY_PHRASE, terms, m, (uint32_t)(m + 1), &ordered);
    }
    if (rc == FH_OK)
        rc = fh_query_scale(ordered, q->opts.proximity_weight, out);
    fh_query_free(ordered);
    for (size_t i = 0; i <= MAX_BOOST_WORDS; i++)
        fh_query_free(terms[i]);
    fh_buf_free(&t);
    return rc;
}

/* The words of an implicit AND (plain words, neither common nor title:),
 * each in the title in any of its forms, weighing nothing, and a weight
 * from the title's number of content words L (FH_SLOT_TITLE_WORDS,
 * document.h): the coverage weight times the words' summed idf times k / L
 * for k such words (at most 1). The idf is log(1 + (N - n + 0.5) / (n +
 * 0.5)) in opts.expand_in (1 without it), so the boost keeps its size
 * beside BM25's in a small index as in a large one. So of the pages whose title holds all the
 * words, the one whose title they make up more of comes first: a short title the query nearly is,
 * not a long one that happens to hold its words. NULL when there are fewer than two words. */
#define COVERAGE_LENGTHS 24

static int build_coverage(const fh_parsed_query *q, const node *n, fh_query **out)
{
    *out = NULL;
    size_t k = count_plain_words(n);
    if (k < 2 || k > MAX_BOOST_WORDS)
        return FH_OK;
    fh_query *parts[MAX_BOOST_WORDS + 1] = {NULL}, *all = NULL;
    size_t m = 0;
    int rc = FH_OK;
    uint32_t docs = 0;
    if (q->opts.expand_in == NULL || fh_db_doc_count(q->opts.expand_in, &docs) != FH_OK)
        docs = 0;
    double idf_sum = 0;
    for (size_t i = 0; rc == FH_OK && i < n->pos.n; i++) {
        const node *c = n->pos.items[i];
        if (!is_plain_word(c))
            continue;
        uint32_t freq = 0;
        if (docs == 0 ||
            fh_db_term_freq(q->opts.expand_in, c->terms[0], strlen(c->terms[0]), &freq) != FH_OK ||
            freq > docs)
            idf_sum += 1;
        else
            idf_sum += log(1 + (docs - freq + 0.5) / (freq + 0.5));
        fh_query *forms = NULL;
        rc = word_forms(q, c->terms[0], FH_PREFIX_TITLE, &forms);
        if (rc == FH_OK)
            rc = fh_query_scale(forms, 0, &parts[m++]);
        fh_query_free(forms);
    }
    /* Titles of up to COVERAGE_LENGTHS words each get their weight; longer
     * ones that of COVERAGE_LENGTHS + 1 words (a map of all 255 lengths,
     * copied for each shard, made the search 20% slower). */
    char lengths[COVERAGE_LENGTHS];
    fh_value_weight map[COVERAGE_LENGTHS];
    double weight = q->opts.coverage_weight * idf_sum;
    for (size_t len = 1; len <= COVERAGE_LENGTHS; len++) {
        lengths[len - 1] = (char)(unsigned char)len;
        double share = len > k ? (double)k / (double)len : 1.0;
        map[len - 1] = (fh_value_weight){&lengths[len - 1], 1, weight * share};
    }
    double longer = weight * (double)k / (COVERAGE_LENGTHS + 1);
    if (rc == FH_OK)
        rc = fh_query_value_map(FH_SLOT_TITLE_WORDS, map, COVERAGE_LENGTHS, longer, &parts[m++]);
    if (rc == FH_OK)
        rc = fh_query_combine(FH_QUERY_AND, parts, m, 0, &all);
    if (rc == FH_OK)
        *out = all;
    else
        fh_query_free(all);
    for (size_t i = 0; i < m; i++)
        fh_query_free(parts[i]);
    return rc;
}

/* p AND_MAYBE boost, into *p (boost not owned). */
static int add_boost(fh_query **p, fh_query *boost)
{
    fh_query *both[2] = {*p, boost}, *boosted = NULL;
    int rc = fh_query_combine(FH_QUERY_AND_MAYBE, both, 2, 0, &boosted);
    if (rc == FH_OK) {
        fh_query_free(*p);
        *p = boosted;
    }
    return rc;
}

static int build(const fh_parsed_query *q, const node *n, fh_match_mode mode, fh_query **out)
{
    *out = NULL;
    int rc = FH_OK;
    fh_buf t = FH_BUF_INIT;
    fh_query **pos = NULL, **neg = NULL, *p = NULL, *x = NULL;
    switch (n->kind) {
    case NODE_TERM:
        rc = build_term(q, n->terms[0], n->exact, n->title, mode, out);
        break;
    case NODE_PHRASE: {
        fh_query **terms = calloc(n->n_terms, sizeof *terms);
        if (terms == NULL) {
            rc = FH_ERR_NOMEM;
            break;
        }
        for (size_t i = 0; rc == FH_OK && i < n->n_terms; i++) {
            fh_buf_reset(&t);
            if (n->title)
                fh_buf_puts(&t, FH_PREFIX_TITLE);
            fh_buf_puts(&t, n->terms[i]);
            rc = fh_buf_status(&t);
            if (rc == FH_OK)
                rc = fh_query_term(t.data, t.len, 1, &terms[i]);
        }
        if (rc == FH_OK)
            rc = fh_query_combine(FH_QUERY_PHRASE, terms, n->n_terms, n->window, out);
        free_list(terms, n->n_terms);
        break;
    }
    case NODE_PREFIX: {
        fh_query *alts[2] = {NULL, NULL};
        for (size_t i = 0; rc == FH_OK && i < n->n_terms; i++) {
            fh_buf_reset(&t);
            if (n->title)
                fh_buf_puts(&t, FH_PREFIX_TITLE);
            fh_buf_puts(&t, n->terms[i]);
            rc = fh_buf_status(&t);
            if (rc == FH_OK)
                rc = fh_query_prefix_in(q->opts.expand_in, t.data, t.len,
                                        q->opts.max_prefix_expansion, &alts[i]);
        }
        if (rc == FH_OK)
            rc = fh_query_combine(FH_QUERY_OR, alts, n->n_terms, 0, out);
        fh_query_free(alts[0]);
        fh_query_free(alts[1]);
        break;
    }
    case NODE_OR:
        rc = build_list(q, &n->pos, mode, &pos);
        if (rc == FH_OK)
            rc = fh_query_combine(FH_QUERY_OR, pos, n->pos.n, 0, out);
        break;
    case NODE_AND: {
        fh_query_op op = (n->implicit && mode != FH_MATCH_ALL) ? FH_QUERY_OR : FH_QUERY_AND;
        rc = build_list(q, &n->pos, mode, &pos);
        if (rc == FH_OK)
            rc = build_list(q, &n->neg, mode, &neg);
        if (rc != FH_OK)
            break;
        if (n->pos.n)
            rc = combine_required(n, pos, op, &p);
        else
            rc = fh_query_match_all(&p);
        if (rc == FH_OK && n->implicit && op == FH_QUERY_AND && q->opts.proximity_weight > 0) {
            /* Nested one at a time: libxapian 1.4 weighs an OR of positional
             * queries under AND_MAYBE differently over several databases. */
            fh_query *near = NULL;
            rc = build_proximity(q, n, &near);
            if (rc == FH_OK && near)
                rc = add_boost(&p, near);
            fh_query_free(near);
        }
        if (rc == FH_OK && n->implicit && op == FH_QUERY_AND && q->opts.coverage_weight > 0) {
            fh_query *cover = NULL;
            rc = build_coverage(q, n, &cover);
            if (rc == FH_OK && cover)
                rc = add_boost(&p, cover);
            fh_query_free(cover);
        }
        if (rc != FH_OK || n->neg.n == 0) {
            *out = p;
            p = NULL;
            break;
        }
        rc = fh_query_combine(FH_QUERY_OR, neg, n->neg.n, 0, &x);
        if (rc == FH_OK) {
            fh_query *both[2] = {p, x};
            rc = fh_query_combine(FH_QUERY_AND_NOT, both, 2, 0, out);
        }
        break;
    }
    }
    free_list(pos, n->pos.n);
    free_list(neg, n->neg.n);
    fh_query_free(p);
    fh_query_free(x);
    fh_buf_free(&t);
    if (rc != FH_OK) {
        fh_query_free(*out);
        *out = NULL;
    }
    return rc;
}

int fh_parsed_query_build(const fh_parsed_query *q, fh_match_mode mode, fh_query **out)
{
    return build(q, q->root, mode, out);
}

static int can_relax(const node *n, uint32_t depth)
{
    if (depth > 64)
        return 0;
    size_t required = 0;
    for (size_t i = 0; n->kind == NODE_AND && i < n->pos.n; i++)
        required += !is_common(n->pos.items[i]);
    if (n->kind == NODE_AND && n->implicit && required >= 2)
        return 1;
    if (n->kind == NODE_AND || n->kind == NODE_OR)
        for (size_t i = 0; i < n->pos.n; i++)
            if (can_relax(n->pos.items[i], depth + 1))
                return 1;
    return 0;
}

int fh_parsed_query_can_relax(const fh_parsed_query *q)
{
    return can_relax(q->root, 0);
}

size_t fh_parsed_query_notes(const fh_parsed_query *q, const char *const **notes)
{
    *notes = q->notes;
    return q->n_notes;
}

size_t fh_parsed_query_words(const fh_parsed_query *q, const fh_query_word **words)
{
    *words = q->words;
    return q->n_words;
}

size_t fh_parsed_query_phrases(const fh_parsed_query *q, const fh_query_phrase **phrases)
{
    *phrases = q->phrases;
    return q->n_phrases;
}

static void describe(fh_buf *b, const node *n, uint32_t depth)
{
    if (depth > 64) {
        fh_buf_puts(b, "...");
        return;
    }
    const char *field = n->title ? "title:" : "";
    switch (n->kind) {
    case NODE_TERM:
        /* A common word is optional: shown in brackets. */
        fh_buf_printf(b, n->common ? "[%s%s]" : "%s%s", field, n->terms[0]);
        break;
    case NODE_PREFIX:
        fh_buf_printf(b, "%s%s*", field, n->terms[0]);
        for (size_t i = 1; i < n->n_terms; i++)
            fh_buf_printf(b, "|%s*", n->terms[i]);
        break;
    case NODE_PHRASE:
        fh_buf_printf(b, "%s\"", field);
        for (size_t i = 0; i < n->n_terms; i++)
            fh_buf_printf(b, "%s%s", i ? " " : "", n->terms[i]);
        fh_buf_putc(b, '"');
        break;
    case NODE_AND:
    case NODE_OR:
        fh_buf_putc(b, '(');
        for (size_t i = 0; i < n->pos.n; i++) {
            if (i)
                fh_buf_puts(b, n->kind == NODE_OR ? " OR " : " AND ");
            describe(b, n->pos.items[i], depth + 1);
        }
        for (size_t i = 0; i < n->neg.n; i++) {
            fh_buf_puts(b, n->pos.n || i ? " NOT " : "NOT ");
            describe(b, n->neg.items[i], depth + 1);
        }
        fh_buf_putc(b, ')');
        break;
    }
}

char *fh_parsed_query_describe(const fh_parsed_query *q)
{
    fh_buf b = FH_BUF_INIT;
    describe(&b, q->root, 0);
    return fh_buf_detach(&b, NULL);
}

void fh_parsed_query_free(fh_parsed_query *q)
{
    if (q == NULL)
        return;
    node_free(q->root);
    free(q->words);
    for (size_t i = 0; i < q->n_phrases; i++)
        free(q->phrases[i].words);
    free(q->phrases);
    if (q->memos) {
        for (size_t i = 0; i < q->memos->n; i++) {
            form_memo *m = &q->memos->items[i];
            for (size_t k = 0; k < m->n_forms; k++)
                free(m->forms[k]);
            free(m->forms);
            free(m->term);
        }
        free(q->memos->items);
        free(q->memos);
    }
    free(q);
}
