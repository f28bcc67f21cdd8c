/* test_captures.c - captures of a URL (indexer/captures.h): which one is
 * shown, and a run's counts, one per URL. */
#define _XOPEN_SOURCE 700 /* nftw */

#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "captures.h"
#include "record.h"
#include "state.h"
#include "store.h"

#define TMPDIR_PREFIX "fh_test_captures_"
#include "tmpdir.h"
#include "tmpdb.h"

TestSuite(captures, .init = tmpdir_make, .fini = tmpdir_remove);

/* Add a capture of url dated date from the archive path (flag '1':
 * hidden). Returns its docid. */
static fh_docid add(fh_db *db, const char *path, const char *url, const char *date, char flag)
{
    fh_buf key = FH_BUF_INIT, state = FH_BUF_INIT, value = FH_BUF_INIT;
    fh_buf_printf(&key, "%s#%s", path, url);
    fh_record_state st = {key.data, key.len, strlen(path), 10, 1, fh_hash64(url, strlen(url), 0)};
    cr_assert_eq(fh_record_state_encode(&st, &state), FH_OK);
    fh_buf_printf(&value, "%c%s", flag, date);
    fh_buf_append(&value, "", 1);
    fh_buf_puts(&value, url);
    fh_doc *doc = fh_doc_new();
    cr_assert_eq(fh_doc_set_value(doc, FH_SLOT_STATE, state.data, state.len), FH_OK);
    cr_assert_eq(fh_doc_set_value(doc, FH_SLOT_CAPTURE, value.data, value.len), FH_OK);
    if (flag == '1')
        cr_assert_eq(fh_doc_add_term(doc, FH_TERM_HIDDEN, 1, 0), FH_OK);
    fh_buf term = FH_BUF_INIT;
    fh_buf_printf(&term, "%s%s", FH_PREFIX_KEY, key.data);
    fh_docid docid = 0;
    cr_assert_eq(fh_db_replace_by_key(db, term.data, term.len, doc, &docid), FH_OK);
    fh_doc_free(doc);
    fh_buf_free(&key);
    fh_buf_free(&state);
    fh_buf_free(&value);
    fh_buf_free(&term);
    return docid;
}

static int hidden(fh_db *db, fh_docid docid)
{
    fh_doc *doc = NULL;
    cr_assert_eq(fh_db_get_doc(db, docid, &doc), FH_OK);
    const char *v = NULL;
    size_t len = 0;
    cr_assert_eq(fh_doc_get_value(doc, FH_SLOT_CAPTURE, &v, &len), FH_OK);
    int h = v[0] == '1';
    fh_doc_free(doc);
    return h;
}

/* The state table and the captures of db's one shard, for a run. */
static void load(fh_db **db, fh_state_table **state, fh_captures **c)
{
    size_t at = 0;
    unsigned failed = 0;
    cr_assert_eq(fh_state_table_load(db, 1, state, &at), FH_OK);
    cr_assert_eq(fh_captures_load(db, 1, 1, 1, *state, c, &failed), FH_OK);
    cr_assert_eq(failed, 0);
}

static fh_state_entry *entry(fh_state_table *t, const char *key)
{
    fh_state_entry *e = fh_state_table_find(t, key, strlen(key));
    cr_assert_not_null(e, "%s", key);
    return e;
}

/* The latest capture of each URL shows; the others are hidden. */
Test(captures, settle_shows_the_latest)
{
    fh_db *db = tmpdb_open();
    fh_docid a = add(db, "/a.warc", "http://x/1", "2020-01-01T00:00:00Z", '0');
    fh_docid b = add(db, "/b.warc", "http://x/1", "2021-01-01T00:00:00Z", '0');
    fh_docid c = add(db, "/a.warc", "http://x/2", "2020-01-01T00:00:00Z", '0');
    uint64_t changed = 0;
    unsigned failed = 0;
    cr_assert_eq(fh_captures_settle(&db, 1, &changed, &failed), FH_OK);
    cr_assert_eq(changed, 1);
    cr_assert_eq(hidden(db, a) * 100 + hidden(db, b) * 10 + hidden(db, c), 100);
    cr_assert_eq(fh_captures_settle(&db, 1, &changed, &failed), FH_OK);
    cr_assert_eq(changed, 0);
    fh_db_close(db);
}

/* A run's counts by URL: the later archive deleted (its URL shows the
 * earlier capture: changed), an older capture added (hidden: nothing
 * shown changes), a new URL, a URL gone with its only capture. */
Test(captures, counts_one_per_url)
{
    fh_db *db = tmpdb_open();
    add(db, "/a.warc", "http://x/1", "2020-01-01T00:00:00Z", '1');
    add(db, "/b.warc", "http://x/1", "2021-01-01T00:00:00Z", '0');
    add(db, "/a.warc", "http://x/2", "2020-01-01T00:00:00Z", '0');
    add(db, "/c.warc", "http://x/3", "2020-01-01T00:00:00Z", '0');
    add(db, "/a.warc", "http://x/4", "2020-01-01T00:00:00Z", '0');
    fh_state_table *state = NULL;
    fh_captures *c = NULL;
    load(&db, &state, &c);
    cr_assert_neq(entry(state, "/b.warc#http://x/1")->capture, 0);

    fh_captures_note_kept(c, entry(state, "/a.warc#http://x/1"));
    fh_captures_note_kept(c, entry(state, "/a.warc#http://x/2"));
    fh_captures_note_deleted(c, entry(state, "/b.warc#http://x/1"));
    fh_captures_note_deleted(c, entry(state, "/c.warc#http://x/3"));
    /* /a.warc's x/4 read anew with other text */
    cr_assert_eq(fh_captures_note_written(c, entry(state, "/a.warc#http://x/4"),
                                          "/a.warc#http://x/4", 18, "http://x/4",
                                          "2020-01-01T00:00:00Z"),
                 FH_OK);
    /* an older capture of x/2, and x/5 met twice in one archive */
    cr_assert_eq(fh_captures_note_written(c, NULL, "/d.warc#http://x/2", 18, "http://x/2",
                                          "2019-01-01T00:00:00Z"),
                 FH_OK);
    cr_assert_eq(fh_captures_note_written(c, NULL, "/d.warc#http://x/5", 18, "http://x/5",
                                          "2019-01-01T00:00:00Z"),
                 FH_OK);
    cr_assert_eq(fh_captures_note_written(c, NULL, "/d.warc#http://x/5", 18, "http://x/5",
                                          "2019-02-01T00:00:00Z"),
                 FH_OK);
    fh_captures_tally t;
    cr_assert_eq(fh_captures_count(c, &t), FH_OK);
    /* x/1 changed (a's capture shows), x/2 unchanged (d's is older,
     * hidden), x/3 deleted, x/4 changed (written), x/5 new (once). */
    cr_assert_eq(t.added, 1);
    cr_assert_eq(t.changed, 2);
    cr_assert_eq(t.deleted, 1);
    cr_assert_eq(t.unchanged, 1);
    cr_assert_eq(t.hidden, 1);
    cr_assert_eq(t.docs_written, 6);
    fh_captures_free(c);
    fh_state_table_free(state);
    fh_db_close(db);
}

/* A URL no note touched is not counted. */
Test(captures, untouched_urls_not_counted)
{
    fh_db *db = tmpdb_open();
    add(db, "/a.warc", "http://x/1", "2020-01-01T00:00:00Z", '1');
    add(db, "/b.warc", "http://x/1", "2021-01-01T00:00:00Z", '0');
    fh_state_table *state = NULL;
    fh_captures *c = NULL;
    load(&db, &state, &c);
    fh_captures_tally t;
    cr_assert_eq(fh_captures_count(c, &t), FH_OK);
    cr_assert_eq(t.added + t.changed + t.deleted + t.unchanged + t.hidden + t.docs_written, 0);
    fh_captures_note_kept(c, entry(state, "/a.warc#http://x/1"));
    cr_assert_eq(fh_captures_count(c, &t), FH_OK);
    cr_assert_eq(t.unchanged, 1);
    cr_assert_eq(t.hidden, 1);
    fh_captures_free(c);
    fh_state_table_free(state);
    fh_db_close(db);
}
