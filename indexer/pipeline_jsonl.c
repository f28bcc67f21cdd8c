/* pipeline_jsonl.c - the pages of a JSONL file, for the pipeline's
 * workers (see pipeline_internal.h): an id's last line is its page. */
#include <stdio.h>
#include <string.h>

#include "jsonl_ids.h"
#include "pipeline_internal.h"
#include "state.h"

typedef struct jsonl_ctx {
    worker *w;
    fh_status status;
    fh_buf label;
    fh_jsonl_ids ids;
} jsonl_ctx;

static const char *line_label(jsonl_ctx *c, size_t line_no)
{
    fh_buf_reset(&c->label);
    fh_buf_printf(&c->label, "%s:%zu", c->w->j->path, line_no);
    return fh_buf_status(&c->label) == FH_OK ? c->label.data : c->w->j->path;
}

/* The first reading of a JSONL file: which line of each id is the last. */
static int jsonl_note_id(void *ctx, const fh_page *page, size_t line_no)
{
    jsonl_ctx *c = ctx;
    if (page->id)
        fh_jsonl_ids_add(&c->ids, page->id, line_no);
    return 0;
}

/* The second reading: each id's last line is its page. */
static int jsonl_page(void *ctx, const fh_page *page, size_t line_no)
{
    jsonl_ctx *c = ctx;
    fh_pipeline *p = c->w->p;
    size_t first = 0, last = 0;
    if (page->id && fh_jsonl_ids_lines(&c->ids, page->id, &first, &last) && last != line_no)
        return 0; /* a later line of the same id replaces this one */
    if (page->title_len + page->text_len > p->opts->max_file_size) {
        /* Not marked seen: what the index held of it is stale and goes. */
        fh_buf key = FH_BUF_INIT;
        fh_buf_printf(&key, "%s#%s", c->w->j->path, page->id ? page->id : "");
        int held = fh_state_table_find(p->state, key.data ? key.data : "", key.len) != NULL;
        fh_buf_free(&key);
        fh_pipeline__warn(p, line_label(c, line_no),
                          "skipped: the document is over --max-file-size%s",
                          held ? FH_PIPELINE__STALE : "");
        fh_pipeline__count(p, &p->report->skipped);
        return 0;
    }
    if (first != 0 && first != line_no)
        fh_pipeline__warn(p, line_label(c, line_no),
                          "the id of line %zu again: this line replaces it", first);
    c->status = fh_pipeline__page(c->w, page, line_label(c, line_no));
    return c->status != FH_OK || fh_pipeline__stopping(p);
}

static int jsonl_error(void *ctx, size_t line_no, const char *reason)
{
    jsonl_ctx *c = ctx;
    fh_pipeline__warn(c->w->p, line_label(c, line_no), "skipped line: %s", reason);
    pthread_mutex_lock(&c->w->p->lock);
    c->w->p->report->skipped++;
    pthread_mutex_unlock(&c->w->p->lock);
    return 0;
}

fh_status fh_pipeline__read_jsonl(worker *w, const char *data, size_t len)
{
    jsonl_ctx c = {w, FH_OK, FH_BUF_INIT, FH_JSONL_IDS_INIT};
    fh_status rc = fh_page_read_jsonl(data, len, jsonl_note_id, NULL, &c);
    if (rc == FH_OK)
        rc = fh_page_read_jsonl(data, len, jsonl_page, jsonl_error, &c);
    fh_buf_free(&c.label);
    fh_jsonl_ids_clear(&c.ids);
    return rc == FH_OK ? c.status : rc;
}
