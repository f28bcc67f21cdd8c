/* document.c - page to Xapian document (see document.h). */
#include "document.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "filters.h"
#include "record.h"
#include "record_pack.h"
#include "stopwords.h"
#include "word_map.h"

struct fh_document_builder {
    fh_analyzer *analyzer;
    fh_buf term;            /* scratch for prefixed terms */
    fh_buf data;            /* the encoded record */
    fh_buf packed;          /* the record compressed, when the index's settings say */
    fh_record_codec *codec; /* NULL: records stored plain */
    fh_buf state;           /* the encoded state value */
    uint32_t *offsets;
    size_t n_offsets, cap_offsets;
    size_t *pieces; /* [start, end) byte pairs of the current field's word pieces */
    size_t n_pieces, cap_pieces;
    fh_buf before[2]; /* the title's last two terms (add_pairs()), [0] the last */
    uint32_t before_pos[2];
    size_t n_before;
    int bad_date; /* the last page built had a date filters.h cannot read */
    int word_map; /* the index's settings keep positions in word maps */
    fh_word_map_builder map;
    fh_buf map_value;
};

/* What the token callback fills in while one field is analyzed. */
typedef struct field_run {
    fh_document_builder *b;
    fh_doc *doc;
    const char *text; /* the field's text */
    int title;        /* also add FH_PREFIX_TITLE terms */
    int keep_offsets; /* record each token's start */
    uint32_t arabic, latin;
    uint32_t content; /* words a person would search by (is_content_word()) */
    uint64_t words;   /* the hash of its words as normalized, in order (filters.h) */
    fh_status status;
} field_run;

fh_status fh_document_builder_new(fh_analyzer *a, fh_document_builder **out)
{
    *out = calloc(1, sizeof **out);
    if (*out == NULL)
        return FH_ERR_NOMEM;
    (*out)->analyzer = a;
    const fh_analyzer_opts *o = fh_analyzer_options(a);
    (*out)->word_map = o->word_map;
    if (o->records_packed && fh_record_codec_new(o->record_dict, &(*out)->codec) != FH_OK) {
        fh_document_builder_free(*out);
        *out = NULL;
        return FH_ERR_NOMEM;
    }
    return FH_OK;
}

void fh_document_builder_free(fh_document_builder *b)
{
    if (b == NULL)
        return;
    fh_buf_free(&b->term);
    fh_buf_free(&b->data);
    fh_buf_free(&b->packed);
    fh_record_codec_free(b->codec);
    fh_buf_free(&b->state);
    fh_buf_free(&b->before[0]);
    fh_buf_free(&b->before[1]);
    free(b->offsets);
    free(b->pieces);
    fh_word_map_builder_free(&b->map);
    fh_buf_free(&b->map_value);
    free(b);
}

uint64_t fh_document_hash(const fh_page *page)
{
    /* Each field ends with a NUL so that moving bytes between fields shows. */
    uint64_t h = fh_hash64(page->title, page->title_len + 1, 0);
    h = fh_hash64(page->text, page->text_len + 1, h);
    if (page->url)
        h = fh_hash64(page->url, strlen(page->url) + 1, h);
    if (page->date)
        h = fh_hash64(page->date, strlen(page->date) + 1, h ^ 1);
    if (page->lang)
        h = fh_hash64(page->lang, strlen(page->lang) + 1, h ^ 4);
    /* A page that moved in its archive is written again, with its place. */
    if (page->in_archive) {
        h = fh_hash64(&page->archive_offset, sizeof page->archive_offset, h ^ 2);
        if (page->captured)
            h = fh_hash64(page->captured, strlen(page->captured) + 1, h ^ 3);
    }
    return h;
}

void fh_document_title_term(const char *word, size_t len, fh_buf *out)
{
    fh_buf_puts(out, FH_PREFIX_TITLE);
    fh_buf_append(out, word, len);
}

void fh_document_exact_term(const char *word, size_t len, fh_buf *out)
{
    fh_buf_puts(out, FH_PREFIX_EXACT);
    fh_buf_append(out, word, len);
}

void fh_document_pair_term(const char *a, size_t a_len, const char *b, size_t b_len, int skip,
                           fh_buf *out)
{
    fh_buf_puts(out, FH_PREFIX_PAIR);
    fh_buf_append(out, a, a_len);
    fh_buf_puts(out, skip ? FH_PAIR_SKIP : FH_PAIR_NEXT);
    fh_buf_append(out, b, b_len);
}

void fh_document_key_term(const char *key, size_t key_len, fh_buf *out)
{
    fh_buf_puts(out, FH_PREFIX_KEY);
    if (key_len <= FH_KEY_TERM_MAX) {
        fh_buf_append(out, key, key_len);
        return;
    }
    /* Xapian terms are at most 245 bytes: keep the start of a long key and
     * make it unique with a 128-bit hash of the whole key. */
    fh_buf_append(out, key, FH_KEY_TERM_MAX - 33);
    fh_buf_printf(out, "#%016llx%016llx", (unsigned long long)fh_hash64(key, key_len, 0),
                  (unsigned long long)fh_hash64(key, key_len, 0x9e3779b97f4a7c15ull));
}

/* A word's pieces are the parts that tools which break words otherwise
 * make of it, so that a query that went through such a tool still finds the
 * page: a Latin word split at its dots ("HKME.O", "www.example.com"), and a
 * title's Arabic word split at the harakat and shadda inside it (a regular
 * expression's \w+, for one, makes "تعز" and "ز" of "تعزّز"). Pieces of two
 * letters or more become terms without positions (see add_pieces()). */
static int is_arabic_mark(const unsigned char *p)
{
    /* U+064B..U+0652 (tanween, harakat, shadda, sukun) and U+0670. */
    return p[0] == 0xD9 && ((p[1] >= 0x8B && p[1] <= 0x92) || p[1] == 0xB0);
}

static fh_status collect_pieces(field_run *r, const char *text, const fh_token *t)
{
    fh_document_builder *b = r->b;
    const unsigned char *w = (const unsigned char *)text + t->start;
    size_t len = t->end - t->start;
    int latin = t->script == FH_SCRIPT_LATIN;
    if (!latin && !(r->title && t->script == FH_SCRIPT_ARABIC))
        return FH_OK;
    size_t n_before = b->n_pieces, piece = 0, parts = 0, letters = 0;
    for (size_t i = 0; i <= len;) {
        int cut = i == len || (latin ? w[i] == '.' : i + 1 < len && is_arabic_mark(w + i));
        if (!cut) {
            letters += (w[i] & 0xC0) != 0x80;
            i++;
            continue;
        }
        parts += letters > 0;
        if (letters >= 2) {
            fh_status rc = fh_grow((void **)&b->pieces, &b->cap_pieces, b->n_pieces + 2,
                                   sizeof *b->pieces, 64);
            if (rc != FH_OK)
                return rc;
            b->pieces[b->n_pieces++] = t->start + piece;
            b->pieces[b->n_pieces++] = t->start + i;
        }
        i += latin || i == len ? 1 : 2;
        piece = i, letters = 0;
    }
    /* One part is the word itself. */
    if (parts < 2)
        b->n_pieces = n_before;
    return FH_OK;
}

/* A word a person would search by: not a common word (stopwords.h) nor a
 * single letter or digit (the pieces of "S/P"). */
static int is_content_word(const fh_token *t)
{
    if (fh_stopword_is(t->norm, t->norm_len))
        return 0;
    size_t letters = 0;
    for (size_t i = 0; i < t->norm_len && letters < 2; i++)
        letters += (t->norm[i] & 0xC0) != 0x80;
    return letters >= 2;
}

/* The title pairs (FH_PREFIX_PAIR) that t makes with the two title words
 * before it, when its index has them; then t is the last word before. */
static fh_status add_pairs(field_run *r, const fh_token *t)
{
    fh_document_builder *b = r->b;
    if (!fh_analyzer_options(b->analyzer)->title_pairs)
        return FH_OK;
    fh_status rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < b->n_before; i++) {
        uint32_t d = t->pos - b->before_pos[i];
        if (d != 1 && d != 2)
            continue;
        fh_buf_reset(&b->term);
        fh_document_pair_term(b->before[i].data, b->before[i].len, t->term, t->term_len, d == 2,
                              &b->term);
        rc = fh_buf_status(&b->term);
        /* wdf 0: the document's length, and so its BM25 weights, stay. */
        if (rc == FH_OK)
            rc = fh_doc_add_term(r->doc, b->term.data, b->term.len, 0);
    }
    /* The last becomes the one before it. */
    fh_buf swap = b->before[1];
    b->before[1] = b->before[0];
    b->before[0] = swap;
    b->before_pos[1] = b->before_pos[0];
    fh_buf_reset(&b->before[0]);
    fh_buf_append(&b->before[0], t->term, t->term_len);
    b->before_pos[0] = t->pos;
    b->n_before = b->n_before < 2 ? b->n_before + 1 : 2;
    if (rc == FH_OK)
        rc = fh_buf_status(&b->before[0]);
    return rc;
}

static int add_token(void *ctx, const fh_token *t)
{
    field_run *r = ctx;
    fh_document_builder *b = r->b;
    if (r->title)
        r->content += is_content_word(t);
    if (t->script == FH_SCRIPT_ARABIC)
        r->arabic++;
    else if (t->script == FH_SCRIPT_LATIN)
        r->latin++;
    r->words = fh_hash64(t->norm, t->norm_len, r->words ^ 0x9e3779b97f4a7c15u);
    fh_status rc;
    if (b->word_map) {
        rc = fh_doc_add_term(r->doc, t->term, t->term_len, 1);
        if (rc == FH_OK)
            rc = fh_word_map_add(&b->map, t->pos, t->term, t->term_len);
    } else {
        rc = fh_doc_add_posting(r->doc, t->term, t->term_len, t->pos, 1);
    }
    /* A title word whose stem differs from it is also kept as written; in
     * the body that doubled the postings and cost a third of the build, for
     * worse known-item rankings (bench/RESULTS.md). */
    if (rc == FH_OK && r->title &&
        (t->norm_len != t->term_len || memcmp(t->norm, t->term, t->term_len) != 0)) {
        fh_buf_reset(&b->term);
        fh_document_exact_term(t->norm, t->norm_len, &b->term);
        rc = fh_buf_status(&b->term);
        if (rc == FH_OK)
            rc = fh_doc_add_term(r->doc, b->term.data, b->term.len, 1);
    }
    if (rc == FH_OK && r->title) {
        fh_buf_reset(&b->term);
        fh_document_title_term(t->term, t->term_len, &b->term);
        rc = fh_buf_status(&b->term);
        if (rc == FH_OK)
            rc = fh_doc_add_posting(r->doc, b->term.data, b->term.len, t->pos, 1);
        if (rc == FH_OK)
            rc = add_pairs(r, t);
    }
    if (rc == FH_OK && r->keep_offsets) {
        rc = fh_grow((void **)&b->offsets, &b->cap_offsets, b->n_offsets + 1, sizeof *b->offsets,
                     256);
        if (rc == FH_OK)
            b->offsets[b->n_offsets++] = (uint32_t)t->start;
    }
    if (rc == FH_OK)
        rc = collect_pieces(r, r->text, t);
    r->status = rc;
    return rc != FH_OK;
}

static int add_piece_term(void *ctx, const fh_token *t)
{
    field_run *r = ctx;
    fh_document_builder *b = r->b;
    fh_status rc = fh_doc_add_term(r->doc, t->term, t->term_len, 1);
    if (rc == FH_OK && r->title) {
        fh_buf_reset(&b->term);
        fh_document_title_term(t->term, t->term_len, &b->term);
        rc = fh_buf_status(&b->term);
        if (rc == FH_OK)
            rc = fh_doc_add_term(r->doc, b->term.data, b->term.len, 1);
    }
    r->status = rc;
    return rc != FH_OK;
}

/* Add the terms of the pieces collect_pieces() found in r's field, without
 * positions (and in a title as FH_PREFIX_TITLE terms too). */
static fh_status add_pieces(field_run *r)
{
    fh_document_builder *b = r->b;
    fh_status rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i + 1 < b->n_pieces; i += 2) {
        rc = fh_analyzer_run(b->analyzer, r->text + b->pieces[i], b->pieces[i + 1] - b->pieces[i],
                             FH_ANALYZE_DOCUMENT, 1, add_piece_term, r, NULL);
        if (rc == FH_OK)
            rc = r->status;
    }
    b->n_pieces = 0;
    return rc;
}

fh_status fh_document_build(fh_document_builder *b, const fh_page *page,
                            const fh_document_origin *origin, uint64_t hash, fh_doc **out)
{
    *out = NULL;
    fh_status rc = FH_OK;
    fh_doc *doc = fh_doc_new();
    if (doc == NULL)
        return FH_ERR_NOMEM;
    b->n_offsets = 0;
    b->n_pieces = 0;
    b->n_before = 0;
    b->bad_date = 0;
    fh_word_map_reset(&b->map);

    field_run title = {b, doc, page->title, 1, page->title_len <= UINT32_MAX, 0, 0, 0, 0, FH_OK};
    uint32_t next = FH_TITLE_FIRST_POS;
    rc = fh_analyzer_run(b->analyzer, page->title, page->title_len, FH_ANALYZE_DOCUMENT,
                         FH_TITLE_FIRST_POS, add_token, &title, &next);
    if (rc == FH_OK)
        rc = title.status;
    if (rc == FH_OK)
        rc = add_pieces(&title);
    if (rc != FH_OK)
        goto out;
    /* The title's offsets come first in b->offsets, then the body's. */
    size_t n_title_offsets = b->n_offsets;
    /* Offsets are 32-bit: a body past 4 GiB keeps no offsets. */
    uint32_t body_first = next + 1;
    field_run body = {b, doc, page->text, 0, page->text_len <= UINT32_MAX, 0, 0, 0, 0, FH_OK};
    rc = fh_analyzer_run(b->analyzer, page->text, page->text_len, FH_ANALYZE_DOCUMENT, body_first,
                         add_token, &body, NULL);
    if (rc == FH_OK)
        rc = body.status;
    if (rc == FH_OK)
        rc = add_pieces(&body);
    if (rc != FH_OK)
        goto out;

    fh_record r;
    memset(&r, 0, sizeof r);
    r.key = origin->key, r.key_len = origin->key_len;
    r.path = origin->key, r.path_len = origin->path_len;
    r.url = page->url ? page->url : "", r.url_len = strlen(r.url);
    r.title = page->title, r.title_len = page->title_len;
    r.text = page->text, r.text_len = page->text_len;
    r.date = page->date ? page->date : "", r.date_len = strlen(r.date);
    r.charset = page->charset ? page->charset : "", r.charset_len = strlen(r.charset);
    r.size = origin->size;
    r.mtime_ns = origin->mtime_ns;
    r.hash = hash;
    r.arabic_words = title.arabic + body.arabic;
    r.latin_words = title.latin + body.latin;
    r.body_first_pos = body_first;
    r.title_offsets = b->offsets;
    r.n_title_offsets = n_title_offsets;
    r.offsets = b->offsets ? b->offsets + n_title_offsets : NULL; /* no words yet: NULL */
    r.n_offsets = b->n_offsets - n_title_offsets;
    r.lang = page->lang ? page->lang : "", r.lang_len = strlen(r.lang);
    r.in_archive = page->in_archive;
    r.archive_offset = page->archive_offset;
    r.archive_inflated = page->archive_inflated;
    r.archive_inflated_offset = page->archive_inflated_offset;
    fh_buf_reset(&b->data);
    rc = fh_record_encode(&r, &b->data);
    const fh_buf *stored = &b->data;
    if (rc == FH_OK && b->codec) {
        fh_buf_reset(&b->packed);
        rc = fh_record_pack(b->codec, b->data.data, b->data.len, &b->packed);
        stored = &b->packed;
    }
    if (rc == FH_OK)
        rc = fh_doc_set_value(doc, FH_SLOT_RECORD, stored->data, stored->len);

    if (rc == FH_OK && b->word_map) {
        fh_buf_reset(&b->map_value);
        rc = fh_word_map_encode(&b->map, &b->map_value);
        if (rc == FH_OK && b->map_value.len > 0)
            rc = fh_doc_set_value(doc, FH_SLOT_WORD_MAP, b->map_value.data, b->map_value.len);
    }

    fh_record_state st = {origin->key,  origin->key_len,  origin->path_len,
                          origin->size, origin->mtime_ns, hash};
    fh_buf_reset(&b->state);
    if (rc == FH_OK)
        rc = fh_record_state_encode(&st, &b->state);
    if (rc == FH_OK)
        rc = fh_doc_set_value(doc, FH_SLOT_STATE, b->state.data, b->state.len);

    /* The title's words, or (the default) its content words, at least 1. */
    uint32_t title_words = next - FH_TITLE_FIRST_POS;
    if (title_words > 0 && fh_analyzer_options(b->analyzer)->title_count == FH_TITLE_COUNT_CONTENT)
        title_words = title.content > 0 ? title.content : 1;
    if (rc == FH_OK && title_words > 0) {
        char count = (char)(unsigned char)(title_words < 255 ? title_words : 255);
        rc = fh_doc_set_value(doc, FH_SLOT_TITLE_WORDS, &count, 1);
    }

    /* A capture of a URL: shown until the indexer finds a later one. */
    if (rc == FH_OK && page->in_archive && page->url) {
        fh_buf_reset(&b->term);
        fh_buf_printf(&b->term, "0%s", page->captured ? page->captured : "");
        fh_buf_append(&b->term, "", 1);
        fh_buf_puts(&b->term, page->url);
        rc = fh_buf_status(&b->term);
        if (rc == FH_OK)
            rc = fh_doc_set_value(doc, FH_SLOT_CAPTURE, b->term.data, b->term.len);
    }
    /* The language the page states (<html lang>), else the script most of
     * its words are in: Arabic, else Latin taken as English (a tie:
     * Arabic). */
    char lang_term[8];
    const char *lang = NULL;
    if (page->lang && fh_filters_lang(page->lang, strlen(page->lang), lang_term + 1)) {
        lang_term[0] = FH_PREFIX_LANG[0];
        lang = lang_term;
    } else if (r.arabic_words || r.latin_words) {
        lang = r.arabic_words >= r.latin_words ? FH_PREFIX_LANG "ar" : FH_PREFIX_LANG "en";
    }
    if (rc == FH_OK && lang != NULL)
        rc = fh_doc_add_term(doc, lang, strlen(lang), 0);
    if (rc == FH_OK && fh_analyzer_options(b->analyzer)->filters) {
        fh_filters_page fp = {page->url, lang ? lang + strlen(FH_PREFIX_LANG) : NULL, page->date,
                              body.words};
        rc = fh_filters_add(doc, &fp, &b->bad_date);
    }
    if (rc == FH_OK) {
        fh_buf_reset(&b->term);
        fh_document_key_term(origin->key, origin->key_len, &b->term);
        rc = fh_buf_status(&b->term);
        if (rc == FH_OK)
            rc = fh_doc_add_term(doc, b->term.data, b->term.len, 0);
    }
out:
    if (rc != FH_OK) {
        fh_doc_free(doc);
        return rc;
    }
    *out = doc;
    return FH_OK;
}

int fh_document_builder_bad_date(const fh_document_builder *b)
{
    return b->bad_date;
}
