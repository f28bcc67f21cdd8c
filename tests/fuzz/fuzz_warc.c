/* fuzz_warc.c - libFuzzer target: the web archive record reader (warc.h)
 * and the pages of its records (archive.h, http.h).
 *
 * Input: one byte that sets how many bytes each read gives (1 to 64, or
 * all that is asked for when it is 0) and the most bytes a block may have
 * (its high bits: 64 to 8,192, or 1 MiB), then the archive's bytes (plain,
 * gzip or zstd, WARC or ARC). Seeds are made by make_warc_seeds.py.
 *
 * Checked: the reader never fails but out of memory; a record kept has
 * its block of its length, at most the limit; offsets never go back and
 * stay within the file for a plain one; every page of a record has valid
 * UTF-8 strings without NUL (its URL too), its offset is the record's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "archive.h"
#include "buf.h"
#include "decode.h"
#include "fuzz.h"
#include "page.h"
#include "warc.h"

typedef struct src {
    const uint8_t *data;
    size_t len, pos, step;
} src;

static long src_read(void *ctx, char *buf, size_t cap)
{
    src *s = ctx;
    size_t n = s->len - s->pos;
    if (n > cap)
        n = cap;
    if (s->step && n > s->step)
        n = s->step;
    memcpy(buf, s->data + s->pos, n);
    s->pos += n;
    return (long)n;
}

static void on_warn(void *ctx, uint64_t offset, const char *what)
{
    (void)ctx;
    (void)offset;
    FUZZ_CHECK(what != NULL && what[0] != '\0');
}

static void check_string(const char *s)
{
    if (s == NULL)
        return;
    FUZZ_CHECK(fh_utf8_valid(s, strlen(s)));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t step = data[0] & 0x3F;
    uint64_t max = (data[0] >> 6) == 3 ? 1 << 20 : (uint64_t)64 << ((data[0] >> 6) * 3);
    src s = {data + 1, size - 1, 0, step};
    fh_warc *r = NULL;
    if (fh_warc_new(src_read, on_warn, &s, max, &r) != FH_OK)
        return 0;
    uint64_t last = 0;
    for (;;) {
        fh_warc_record rec;
        int more = 0;
        fh_status rc = fh_warc_next(r, &rec, &more);
        FUZZ_CHECK(rc == FH_OK || rc == FH_ERR_NOMEM);
        if (rc != FH_OK || !more)
            break;
        FUZZ_CHECK(rec.offset >= last);
        last = rec.offset;
        if (!fh_warc_compressed(r))
            FUZZ_CHECK(rec.offset < s.len);
        FUZZ_CHECK(rec.type && rec.url && rec.date && rec.content_type);
        if (rec.block) {
            FUZZ_CHECK(rec.block_len == rec.length);
            FUZZ_CHECK(rec.length <= max);
        } else {
            FUZZ_CHECK(rec.length > max);
        }
        fh_page page;
        fh_archive_verdict verdict;
        const char *why = NULL;
        if (fh_archive_page(&rec, max, &page, &verdict, &why) != FH_OK)
            continue;
        if (verdict != FH_ARCHIVE_PAGE) {
            FUZZ_CHECK(why != NULL);
            continue;
        }
        FUZZ_CHECK(strlen(page.title) == page.title_len);
        FUZZ_CHECK(strlen(page.text) == page.text_len);
        check_string(page.title);
        check_string(page.text);
        check_string(page.date);
        FUZZ_CHECK(page.in_archive && page.archive_offset == rec.offset);
        check_string(page.url);
        FUZZ_CHECK(rec.url[0] ? page.url != NULL : page.url == NULL);
        fh_page_clear(&page);
    }
    fh_warc_free(r);
    return 0;
}
