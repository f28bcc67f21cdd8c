/* sample.c - a new index's record dictionary from a sample of its pages
 * (see sample.h). */
#include "sample.h"

#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "page.h"
#include "record.h"
#include "record_pack.h"

/* A file larger than this is left out of the sample: reading it would cost
 * more than the sample is worth. */
#define SAMPLE_FILE_MAX ((off_t)256 << 20)
/* The most of one page a sample holds. */
#define SAMPLE_PAGE_MAX (64u << 10)

typedef struct file_entry {
    char *path;
    fh_page_format format;
} file_entry;

typedef struct sampler {
    file_entry *files;
    size_t n_files, cap_files;
    fh_status status;
    fh_buf samples; /* the sampled records one after another */
    size_t *sizes;
    size_t n_sizes, cap_sizes;
    fh_buf record; /* scratch */
    /* The JSONL file being read: its path, and every stride-th line kept. */
    const char *path;
    size_t stride;
} sampler;

static int on_file(void *ctx, const char *path, size_t path_len, const struct stat *st,
                   fh_page_format format)
{
    sampler *s = ctx;
    if (st->st_size > SAMPLE_FILE_MAX)
        return 0;
    s->status = fh_grow((void **)&s->files, &s->cap_files, s->n_files + 1, sizeof *s->files, 1024);
    char *copy = s->status == FH_OK ? strndup(path, path_len) : NULL;
    if (copy == NULL) {
        s->status = FH_ERR_NOMEM;
        return 1;
    }
    s->files[s->n_files++] = (file_entry){copy, format};
    return 0;
}

static void on_warning(void *ctx, const char *path, const char *reason)
{
    (void)ctx, (void)path, (void)reason; /* the pipeline's walk says it */
}

/* Add page (of the file at path, key "path" or "path#id") to the sample,
 * encoded as the pipeline encodes its record, without word offsets. */
static fh_status add_page(sampler *s, const char *path, const fh_page *page)
{
    fh_buf key = FH_BUF_INIT;
    fh_buf_puts(&key, path);
    if (page->id) {
        fh_buf_putc(&key, '#');
        fh_buf_puts(&key, page->id);
    }
    fh_record r;
    memset(&r, 0, sizeof r);
    r.key = key.data ? key.data : "", r.key_len = key.len;
    r.path = path, r.path_len = strlen(path);
    r.url = page->url ? page->url : "", r.url_len = strlen(r.url);
    r.title = page->title, r.title_len = page->title_len;
    r.text = page->text;
    r.text_len = page->text_len < SAMPLE_PAGE_MAX ? page->text_len : SAMPLE_PAGE_MAX;
    r.date = page->date ? page->date : "", r.date_len = strlen(r.date);
    r.charset = page->charset ? page->charset : "", r.charset_len = strlen(r.charset);
    fh_buf_reset(&s->record);
    fh_status rc = fh_buf_status(&key);
    if (rc == FH_OK)
        rc = fh_record_encode(&r, &s->record);
    fh_buf_free(&key);
    if (rc == FH_OK)
        rc = fh_grow((void **)&s->sizes, &s->cap_sizes, s->n_sizes + 1, sizeof *s->sizes, 1024);
    if (rc == FH_OK) {
        fh_buf_append(&s->samples, s->record.data, s->record.len);
        s->sizes[s->n_sizes++] = s->record.len;
        rc = fh_buf_status(&s->samples);
    }
    return rc;
}

static int on_jsonl_page(void *ctx, const fh_page *page, size_t line_no)
{
    sampler *s = ctx;
    if ((line_no - 1) % s->stride == 0)
        s->status = add_page(s, s->path, page);
    return s->status != FH_OK || s->samples.len >= FH_SAMPLE_BYTES;
}

/* Add the pages of one file: a page file's one, or every stride-th line
 * of a JSONL file, stride spreading per_file pages over it. */
static fh_status sample_file(sampler *s, const file_entry *f, size_t per_file)
{
    char *data = NULL;
    size_t len = 0;
    int err = 0;
    fh_status rc = fh_file_read(f->path, &data, &len, &err);
    if (rc != FH_OK)
        return rc == FH_ERR_NOMEM ? rc : FH_OK;
    if (f->format == FH_FORMAT_JSONL) {
        size_t lines = 1;
        for (const char *p = data; (p = memchr(p, '\n', len - (size_t)(p - data))) != NULL; p++)
            lines++;
        s->path = f->path;
        s->stride = lines > per_file ? lines / per_file : 1;
        s->status = FH_OK;
        rc = fh_page_read_jsonl(data, len, on_jsonl_page, NULL, s);
        if (rc == FH_OK)
            rc = s->status;
    } else {
        fh_page page;
        memset(&page, 0, sizeof page);
        rc = f->format == FH_FORMAT_HTML ? fh_page_read_html(data, len, &page)
                                         : fh_page_read_txt(data, len, &page);
        if (rc == FH_OK)
            rc = add_page(s, f->path, &page);
        fh_page_clear(&page);
    }
    free(data);
    /* A binary or unreadable file is only left out. */
    return rc == FH_ERR_NOMEM ? rc : FH_OK;
}

fh_status fh_sample_train(const char *const *roots, size_t n, const fh_walk_opts *walk, fh_buf *out)
{
    sampler s;
    memset(&s, 0, sizeof s);
    fh_walk_callbacks cb = {on_file, on_warning, &s, NULL};
    fh_status rc = FH_OK;
    for (size_t i = 0; rc == FH_OK && i < n; i++) {
        if (roots[i] == NULL)
            continue;
        rc = fh_walk(roots[i], walk, &cb);
        if (rc == FH_OK)
            rc = s.status;
        else if (rc != FH_ERR_NOMEM)
            rc = FH_OK; /* the pipeline's walk says it */
    }
    /* Files spread evenly over those found; pages over a JSONL file. */
    size_t step = s.n_files > FH_SAMPLE_PAGES ? s.n_files / FH_SAMPLE_PAGES : 1;
    size_t chosen = s.n_files / step, per_file = chosen ? FH_SAMPLE_PAGES / chosen : 0;
    for (size_t i = 0; rc == FH_OK && i < s.n_files && s.samples.len < FH_SAMPLE_BYTES; i += step)
        rc = sample_file(&s, &s.files[i], per_file ? per_file : 1);
    if (rc == FH_OK)
        rc = fh_record_dict_train(s.samples.data, s.sizes, s.n_sizes, out);
    for (size_t i = 0; i < s.n_files; i++)
        free(s.files[i].path);
    free(s.files);
    free(s.sizes);
    fh_buf_free(&s.samples);
    fh_buf_free(&s.record);
    return rc;
}
