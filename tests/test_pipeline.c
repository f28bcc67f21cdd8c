/* test_pipeline.c - the pages of a run, from files to a shard
 * (indexer/pipeline.h), driven directly: a folder of pages walked and
 * written into an index of one shard in a fresh folder under /tmp, then
 * the counts of the report, the warnings sent and what the index holds. */
#define _XOPEN_SOURCE 700 /* nftw */

#include <criterion/criterion.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "pipeline.h"
#include "shards.h"
#include "skipped.h"
#include "state.h"
#include "store.h"

#define TMPDIR_PREFIX "fh_test_pipeline_"
#include "tmpdir.h"

TestSuite(pipeline, .init = tmpdir_make, .fini = tmpdir_remove);

/* g_dir/name, in one of four static buffers. */
static const char *in_dir(const char *name)
{
    static char paths[4][256];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", g_dir, name);
    return p;
}

static void write_file(const char *name, const char *text)
{
    const char *path = in_dir(name);
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

/* Set the modification time of g_dir/name to sec seconds past 1970, so
 * that a rewritten file never keeps the time it had. */
static void set_mtime(const char *name, time_t sec)
{
    struct timespec times[2] = {{sec, 0}, {sec, 0}};
    cr_assert_eq(utimensat(AT_FDCWD, in_dir(name), times, 0), 0);
}

/* Every event's text, one line each: "PATH: TEXT" for a message, "TEXT
 * PATH" for a change. */
static void on_event(void *ctx, const fh_index_event *ev)
{
    fh_buf *log = ctx;
    if (ev->kind == FH_INDEX_EVENT_MESSAGE)
        fh_buf_printf(log, "%.*s: %s\n", (int)ev->path_len, ev->path, ev->text);
    else if (ev->kind == FH_INDEX_EVENT_CHANGE)
        fh_buf_printf(log, "%s %.*s\n", ev->text, (int)ev->path_len, ev->path);
}

/* keep_old of fh_skipped_save(): every file was under the folder walked. */
static int keep_none(void *ctx, const char *path, size_t len)
{
    (void)ctx;
    (void)path;
    (void)len;
    return 0;
}

/* One pass of the pipeline over g_dir/pages into the shard g_dir/db, as a
 * run does it: load what the shard holds, walk, write (a dry run: count),
 * commit. *log
 * receives the events; the caller frees it. */
static void pass(int dry_run, fh_index_report *rep, fh_buf *log)
{
    fh_index_opts opts;
    fh_index_opts_init(&opts);
    opts.dry_run = dry_run;
    opts.list_changes = dry_run;
    opts.threads = 1;
    opts.on_event = on_event;
    opts.event_ctx = log;
    fh_db *db = NULL;
    cr_assert_eq(fh_db_open_writable(in_dir("db"), FH_DB_CREATE, &db, NULL), FH_OK);
    fh_state_table *state = NULL;
    size_t at = 0;
    cr_assert_eq(fh_state_table_load(&db, 1, &state, &at), FH_OK);
    fh_skipped *skipped = NULL;
    cr_assert_eq(fh_skipped_load(db, &skipped), FH_OK);

    memset(rep, 0, sizeof *rep);
    fh_pipeline_setup setup = {&opts, &opts.analyzer, state, skipped, dry_run ? 0 : 1,
                               0,     NULL,           NULL};
    fh_pipeline *p = NULL;
    cr_assert_eq(fh_pipeline_new(&setup, rep, &p), FH_OK);
    cr_assert_eq(fh_pipeline_walk(p, in_dir("pages")), FH_OK);
    unsigned failed = 99;
    /* A dry run reads and compares as the real run does, and writes
     * nothing. */
    cr_assert_eq(fh_pipeline_write(p, dry_run ? NULL : &db, &failed), FH_OK);
    cr_assert_eq(failed, 99);
    if (!dry_run) {
        cr_assert_eq(fh_skipped_save(skipped, db, keep_none, NULL), FH_OK);
        cr_assert_eq(fh_shards_commit(db), FH_OK);
    }
    fh_pipeline_free(p);
    fh_skipped_free(skipped);
    fh_state_table_free(state);
    fh_db_close(db);
}

/* The documents the shard holds. */
static uint32_t docs_held(void)
{
    fh_db *db = NULL;
    cr_assert_eq(fh_db_open_writable(in_dir("db"), FH_DB_CREATE, &db, NULL), FH_OK);
    uint32_t n = 0;
    cr_assert_eq(fh_db_doc_count(db, &n), FH_OK);
    fh_db_close(db);
    return n;
}

/* Whether the shard holds the page of g_dir/pages/name (with "#id" for a
 * page of a JSONL file). */
static int holds(const char *name)
{
    fh_db *db = NULL;
    cr_assert_eq(fh_db_open_writable(in_dir("db"), FH_DB_CREATE, &db, NULL), FH_OK);
    fh_state_table *state = NULL;
    size_t at = 0;
    cr_assert_eq(fh_state_table_load(&db, 1, &state, &at), FH_OK);
    char key[512];
    snprintf(key, sizeof key, "%s/pages/%s", g_dir, name);
    int found = fh_state_table_find(state, key, strlen(key)) != NULL;
    fh_state_table_free(state);
    fh_db_close(db);
    return found;
}

/* Three files, four pages. */
static void make_pages(void)
{
    cr_assert_eq(mkdir(in_dir("pages"), 0777), 0);
    write_file("pages/a.txt", "Alpha\n\nThe first page.\n");
    write_file("pages/b.html", "<title>Beta</title><p>The second page.</p>");
    write_file("pages/c.jsonl", "{\"id\":\"x\",\"title\":\"Gamma\",\"text\":\"Third.\"}\n"
                                "{\"id\":\"y\",\"title\":\"Delta\",\"text\":\"Fourth.\"}\n");
    set_mtime("pages/a.txt", 1000000000);
    set_mtime("pages/b.html", 1000000000);
    set_mtime("pages/c.jsonl", 1000000000);
}

Test(pipeline, new_pages_are_read_and_written)
{
    make_pages();
    fh_index_report rep;
    fh_buf log = FH_BUF_INIT;
    pass(0, &rep, &log);
    cr_assert_eq(rep.added, 4);
    cr_assert_eq(rep.changed, 0);
    cr_assert_eq(rep.unchanged, 0);
    cr_assert_eq(rep.skipped, 0);
    cr_assert_eq(rep.warnings, 0);
    cr_assert_eq(rep.pages_read, 4);
    cr_assert_eq(rep.bytes_read, 23 + 42 + 87);
    cr_assert_eq(log.len, 0);
    cr_assert_eq(docs_held(), 4);
    cr_assert(holds("a.txt"));
    cr_assert(holds("b.html"));
    cr_assert(holds("c.jsonl#x"));
    cr_assert(holds("c.jsonl#y"));
    fh_buf_free(&log);
}

Test(pipeline, files_of_the_same_size_and_time_are_not_read_again)
{
    make_pages();
    fh_index_report rep;
    fh_buf log = FH_BUF_INIT;
    pass(0, &rep, &log);
    pass(0, &rep, &log);
    cr_assert_eq(rep.added, 0);
    cr_assert_eq(rep.changed, 0);
    cr_assert_eq(rep.unchanged, 4);
    cr_assert_eq(rep.pages_read, 0);
    cr_assert_eq(rep.bytes_read, 0);
    cr_assert_eq(docs_held(), 4);
    fh_buf_free(&log);
}

Test(pipeline, a_new_text_is_changed_and_a_new_time_alone_is_not)
{
    make_pages();
    fh_index_report rep;
    fh_buf log = FH_BUF_INIT;
    pass(0, &rep, &log);
    write_file("pages/a.txt", "Alpha\n\nThe first page, rewritten.\n");
    set_mtime("pages/a.txt", 1000000100);
    set_mtime("pages/b.html", 1000000100);
    pass(0, &rep, &log);
    cr_assert_eq(rep.added, 0);
    cr_assert_eq(rep.changed, 1);
    /* b.html read again but the same text, and the two pages of c.jsonl. */
    cr_assert_eq(rep.unchanged, 3);
    cr_assert_eq(rep.pages_read, 1);
    cr_assert_eq(rep.bytes_read, 34 + 42);
    cr_assert_eq(docs_held(), 4);
    fh_buf_free(&log);
}

Test(pipeline, an_id_again_in_a_jsonl_file_replaces_the_page_and_is_said)
{
    cr_assert_eq(mkdir(in_dir("pages"), 0777), 0);
    write_file("pages/d.jsonl", "{\"id\":\"x\",\"title\":\"One\",\"text\":\"First.\"}\n"
                                "{\"id\":\"x\",\"title\":\"Two\",\"text\":\"Second.\"}\n");
    fh_index_report rep;
    fh_buf log = FH_BUF_INIT;
    pass(0, &rep, &log);
    cr_assert_eq(rep.warnings, 1);
    /* The id's last line is its page, counted once; the first is passed
     * over. */
    cr_assert_eq(rep.added, 1);
    cr_assert_eq(rep.pages_read, 1);
    cr_assert_eq(docs_held(), 1);
    char want[512];
    snprintf(want, sizeof want,
             "%s/pages/d.jsonl:2: the id of line 1 again: this line replaces it\n", g_dir);
    cr_assert_str_eq(log.data, want);
    fh_buf_free(&log);
}

Test(pipeline, an_empty_file_is_skipped_and_said_once)
{
    make_pages();
    write_file("pages/e.txt", "");
    fh_index_report rep;
    fh_buf log = FH_BUF_INIT;
    pass(0, &rep, &log);
    cr_assert_eq(rep.added, 4);
    cr_assert_eq(rep.skipped, 1);
    cr_assert_eq(rep.warnings, 1);
    char want[512];
    snprintf(want, sizeof want, "%s/pages/e.txt: skipped: empty file\n", g_dir);
    cr_assert_str_eq(log.data, want);
    fh_buf_reset(&log);
    pass(0, &rep, &log);
    cr_assert_eq(rep.skipped, 1);
    cr_assert_eq(rep.warnings, 0);
    cr_assert_eq(log.len, 0);
    cr_assert_eq(docs_held(), 4);
    fh_buf_free(&log);
}

Test(pipeline, a_dry_run_lists_the_changes_and_writes_nothing)
{
    make_pages();
    fh_index_report rep;
    fh_buf log = FH_BUF_INIT;
    pass(0, &rep, &log);
    write_file("pages/a.txt", "Alpha\n\nThe first page, rewritten.\n");
    set_mtime("pages/a.txt", 1000000100);
    write_file("pages/f.txt", "Phi\n\nA new page.\n");
    pass(1, &rep, &log);
    cr_assert_eq(rep.added, 1);
    cr_assert_eq(rep.changed, 1);
    cr_assert_eq(rep.unchanged, 3);
    cr_assert_eq(rep.pages_read, 2);
    char want[1024];
    snprintf(want, sizeof want, "changed %s/pages/a.txt\nnew %s/pages/f.txt\n", g_dir, g_dir);
    cr_assert_str_eq(log.data, want);
    cr_assert_eq(docs_held(), 4);
    cr_assert_not(holds("f.txt"));
    fh_buf_free(&log);
}
