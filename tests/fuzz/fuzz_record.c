/* fuzz_record.c - libFuzzer target: reading a stored record
 * (fh_record_unpack, fh_record_decode, fh_record_offsets,
 * fh_record_title_offsets).
 *
 * Input: the bytes of a record value as the index holds it: a plain record
 * (its first byte a field tag), or FH_RECORD_PACKED, a dictionary id, a
 * length and an LZ4 block. The codec has a dictionary trained at start on
 * 300 made-up records (the same every run, so that a seed made with it is
 * read with it).
 *
 * Checked: unpacking gives FH_OK or FH_ERR_CORRUPT, never a crash; on FH_OK
 * the record is the input itself when plain, and otherwise exactly as long
 * as its length says; decoding gives FH_OK or FH_ERR_CORRUPT; on FH_OK
 * every string lies inside the record and the offsets expand to FH_OK or
 * FH_ERR_CORRUPT, ascending. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "record.h"
#include "record_pack.h"

static fh_record_dict *dict;
static fh_record_codec *codec;

/* The made-up record number i: a title and i words of a few kinds. */
static void made_up(size_t i, fh_buf *out)
{
    static const char *words[] = {"the", "river", "النهر", "runs", "الى", "sea", "البحر"};
    fh_buf text = FH_BUF_INIT;
    for (size_t k = 0; k < 20 + i; k++) {
        fh_buf_puts(&text, words[(k * 5 + k / 7) % 7]);
        fh_buf_putc(&text, ' ');
    }
    fh_record r = {0};
    r.key = "/c/rivers.txt", r.key_len = 13;
    r.path = r.key, r.path_len = 13;
    r.title = "Rivers of Arabia", r.title_len = 16;
    r.text = text.data, r.text_len = text.len;
    fh_buf_reset(out);
    FUZZ_CHECK(fh_record_encode(&r, out) == FH_OK);
    fh_buf_free(&text);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fh_buf samples = FH_BUF_INIT, one = FH_BUF_INIT, trained = FH_BUF_INIT;
    size_t sizes[300];
    for (size_t i = 0; i < 300; i++) {
        made_up(i, &one);
        fh_buf_append(&samples, one.data, one.len);
        sizes[i] = one.len;
    }
    FUZZ_CHECK(fh_record_dict_train(samples.data, sizes, 300, &trained) == FH_OK);
    FUZZ_CHECK(fh_record_dict_new(trained.data, trained.len, &dict) == FH_OK);
    FUZZ_CHECK(fh_record_codec_new(dict, &codec) == FH_OK);
    fh_buf_free(&samples);
    fh_buf_free(&one);
    fh_buf_free(&trained);
    return 0;
}

static int inside(const char *s, size_t len, const char *raw, size_t raw_len)
{
    return len == 0 || (s >= raw && s + len <= raw + raw_len);
}

static void check_offsets(fh_status rc, uint32_t *v, size_t n)
{
    FUZZ_CHECK(rc == FH_OK || rc == FH_ERR_CORRUPT);
    for (size_t i = 1; rc == FH_OK && i < n; i++)
        FUZZ_CHECK(v[i] >= v[i - 1]);
    free(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fh_buf out = FH_BUF_INIT;
    const char *raw = NULL;
    size_t raw_len = 0;
    const char *in = (const char *)data;
    fh_status rc = fh_record_unpack(codec, in, size, &out, &raw, &raw_len);
    FUZZ_CHECK(rc == FH_OK || rc == FH_ERR_CORRUPT);
    if (rc == FH_OK && (size == 0 || in[0] != FH_RECORD_PACKED))
        FUZZ_CHECK(raw == in && raw_len == size);
    else if (rc == FH_OK)
        FUZZ_CHECK(raw == out.data && raw_len == out.len);
    fh_record r;
    if (rc == FH_OK && fh_record_decode(raw, raw_len, &r) == FH_OK) {
        FUZZ_CHECK(inside(r.key, r.key_len, raw, raw_len));
        FUZZ_CHECK(inside(r.title, r.title_len, raw, raw_len));
        FUZZ_CHECK(inside(r.text, r.text_len, raw, raw_len));
        uint32_t *v = NULL;
        size_t n = 0;
        check_offsets(fh_record_offsets(&r, &v, &n), v, n);
        v = NULL;
        check_offsets(fh_record_title_offsets(&r, &v, &n), v, n);
    }
    fh_buf_free(&out);
    return 0;
}
