/* query.c - the parsed query (see query.h): its tree, the word forms it
 * remembers, and what it says of itself (notes, words, phrases, how it was
 * read). Reading the text is query_parse.c, building the Xapian query
 * query_build.c; query_internal.h is what they share. */
#include "query.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "document.h"
#include "query_internal.h"
#include "word_forms.h"

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
    opts->option_notes = 1;
    opts->phrases = FH_PHRASES_POSITIONS;
}

/* ---- The tree ----------------------------------------------------------- */

static void list_free(fh_query__list *l)
{
    for (size_t i = 0; i < l->n; i++)
        fh_query__node_free(l->items[i]);
    free(l->items);
}

void fh_query__node_free(fh_query__node *n)
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

fh_query__node *fh_query__node_new(fh_query__kind kind)
{
    fh_query__node *n = calloc(1, sizeof *n);
    if (n)
        n->kind = kind;
    return n;
}

fh_status fh_query__list_push(fh_query__list *l, fh_query__node *item)
{
    if (fh_grow((void **)&l->items, &l->cap, l->n + 1, sizeof *l->items, 4) != FH_OK)
        return FH_ERR_NOMEM;
    l->items[l->n++] = item;
    return FH_OK;
}

fh_status fh_query__node_add_term(fh_query__node *n, const char *s, size_t len)
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

/* ---- The forms of its words --------------------------------------------- */

int fh_query__memo_add(void *ctx, const char *form, size_t len)
{
    fh_query__memo *m = ctx;
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

/* The memo's key: term, or (title) its title term. */
static char *memo_key(const char *term, int title)
{
    fh_buf k = FH_BUF_INIT;
    if (title)
        fh_document_title_term(term, strlen(term), &k);
    else
        fh_buf_puts(&k, term);
    return fh_buf_detach(&k, NULL);
}

/* The title forms of a word are looked up among its plain forms: a title
 * form can only exist where the plain form does (title words are indexed
 * both ways). */
static fh_status title_forms(const fh_parsed_query *q, const fh_query__memo *plain,
                             fh_query__memo *m)
{
    fh_buf t = FH_BUF_INIT;
    fh_status rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < plain->n_forms; i++) {
        uint32_t freq = 0;
        fh_buf_reset(&t);
        fh_document_title_term(plain->forms[i], strlen(plain->forms[i]), &t);
        rc = fh_buf_status(&t);
        if (rc == FH_OK && fh_db_term_freq(q->opts.expand_in, t.data, t.len, &freq) == FH_OK &&
            freq > 0 && fh_query__memo_add(m, t.data, t.len) != 0)
            rc = FH_ERR_NOMEM;
    }
    fh_buf_free(&t);
    return rc;
}

fh_status fh_query__forms_of(const fh_parsed_query *q, const char *term, int title,
                             const fh_query__memo **out)
{
    fh_query__memos *ms = q->memos;
    char *key = memo_key(term, title);
    if (key == NULL)
        return FH_ERR_NOMEM;
    for (size_t i = 0; i < ms->n; i++) {
        if (strcmp(ms->items[i].term, key) == 0) {
            free(key);
            *out = &ms->items[i];
            return FH_OK;
        }
    }
    const fh_query__memo *plain = NULL;
    size_t plain_at = 0;
    fh_status rc = FH_OK;
    if (title) {
        rc = fh_query__forms_of(q, term, 0, &plain);
        if (rc != FH_OK) {
            free(key);
            return rc;
        }
        plain_at = (size_t)(plain - ms->items);
    }
    if (fh_grow((void **)&ms->items, &ms->cap, ms->n + 1, sizeof *ms->items, 8) != FH_OK) {
        free(key);
        return FH_ERR_NOMEM;
    }
    if (plain != NULL)
        plain = &ms->items[plain_at]; /* the items may have moved */
    fh_query__memo m = {key, NULL, 0};
    if (plain != NULL)
        rc = title_forms(q, plain, &m);
    else if (q->opts.word_forms &&
             fh_word_forms_arabic(q->opts.expand_in, term, fh_query__memo_add, &m) != FH_OK)
        rc = FH_ERR_NOMEM;
    /* A form that could not be kept leaves the memo short: never wrong,
     * only less found. Out of memory is said. */
    ms->items[ms->n++] = m;
    *out = &ms->items[ms->n - 1];
    return rc;
}

fh_status fh_parsed_query_word_forms(const fh_parsed_query *q, const char *term,
                                     int (*fn)(void *ctx, const char *form, size_t len), void *ctx)
{
    const fh_query__memo *m = NULL;
    fh_status rc = fh_query__forms_of(q, term, 0, &m);
    for (size_t i = 0; rc == FH_OK && i < m->n_forms; i++)
        if (fn(ctx, m->forms[i], strlen(m->forms[i])) != 0)
            break;
    return rc;
}
int fh_query__is_common(const fh_query__node *n)
{
    return n->kind == FH_QUERY__TERM && n->common;
}
static int can_relax(const fh_query__node *n, uint32_t depth)
{
    if (depth > 64)
        return 0;
    size_t required = 0;
    for (size_t i = 0; n->kind == FH_QUERY__AND && i < n->pos.n; i++)
        required += !fh_query__is_common(n->pos.items[i]);
    if (n->kind == FH_QUERY__AND && n->implicit && required >= 2)
        return 1;
    if (n->kind == FH_QUERY__AND || n->kind == FH_QUERY__OR)
        for (size_t i = 0; i < n->pos.n; i++)
            if (can_relax(n->pos.items[i], depth + 1))
                return 1;
    return 0;
}

int fh_parsed_query_can_relax(const fh_parsed_query *q)
{
    return q->root != NULL && can_relax(q->root, 0);
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

static void describe(fh_buf *b, const fh_query__node *n, uint32_t depth)
{
    if (depth > 64) {
        fh_buf_puts(b, "...");
        return;
    }
    const char *field = n->title ? "title:" : "";
    switch (n->kind) {
    case FH_QUERY__TERM:
        /* A common word is optional: shown in brackets. */
        fh_buf_printf(b, n->common ? "[%s%s]" : "%s%s", field, n->terms[0]);
        break;
    case FH_QUERY__PREFIX:
        fh_buf_printf(b, "%s%s*", field, n->terms[0]);
        for (size_t i = 1; i < n->n_terms; i++)
            fh_buf_printf(b, "|%s*", n->terms[i]);
        break;
    case FH_QUERY__PHRASE:
        fh_buf_printf(b, "%s\"", field);
        for (size_t i = 0; i < n->n_terms; i++)
            fh_buf_printf(b, "%s%s", i ? " " : "", n->terms[i]);
        fh_buf_putc(b, '"');
        break;
    case FH_QUERY__AND:
    case FH_QUERY__OR:
        fh_buf_putc(b, '(');
        for (size_t i = 0; i < n->pos.n; i++) {
            if (i)
                fh_buf_puts(b, n->kind == FH_QUERY__OR ? " OR " : " AND ");
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
    if (q->root != NULL)
        describe(&b, q->root, 0);
    fh_query__filters_describe(q, &b);
    return fh_buf_detach(&b, NULL);
}

void fh_parsed_query_free(fh_parsed_query *q)
{
    if (q == NULL)
        return;
    fh_query__node_free(q->root);
    fh_query__filters_free(q);
    free(q->words);
    for (size_t i = 0; i < q->n_phrases; i++)
        free(q->phrases[i].words);
    free(q->phrases);
    if (q->memos) {
        for (size_t i = 0; i < q->memos->n; i++) {
            fh_query__memo *m = &q->memos->items[i];
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

void fh_query__note(fh_parsed_query *q, const char *text)
{
    for (size_t i = 0; i < q->n_notes; i++)
        if (q->notes[i] == text)
            return;
    if (q->n_notes < FH_QUERY__MAX_NOTES)
        q->notes[q->n_notes++] = text;
}
