/* test_marker.c - the index folder's marker (indexer/marker.h): what it
 * lists, what it refuses to read, and which folders fihris-index may
 * write into. */
#define _XOPEN_SOURCE 700 /* nftw */

#include <criterion/criterion.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "marker.h"

#define TMPDIR_PREFIX "fh_test_marker_"
#include "tmpdir.h"

TestSuite(marker, .init = tmpdir_make, .fini = tmpdir_remove);

static const char *in_dir(const char *name)
{
    static char path[256];
    snprintf(path, sizeof path, "%s/%s", g_dir, name);
    return path;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s", path);
    fputs(text, f);
    fclose(f);
}

static char *read_all(const char *path)
{
    static char text[512];
    FILE *f = fopen(path, "r");
    cr_assert_not_null(f, "%s", path);
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    text[n] = '\0';
    return text;
}

Test(marker, write_then_read)
{
    fh_marker m = {0};
    cr_assert_eq(fh_marker_add(&m, 3, 0), FH_OK);
    cr_assert_eq(fh_marker_add(&m, 3, 1), FH_OK);
    cr_assert_eq(fh_marker_add(&m, 3, 1), FH_OK); /* listed once */
    cr_assert_eq(fh_marker_add(&m, 4, 0), FH_OK);
    m.unmerged = 3;
    char *msg = NULL;
    cr_assert_eq(fh_marker_write(g_dir, &m, &msg), FH_OK);
    cr_assert_null(msg);
    cr_assert_str_eq(read_all(in_dir("FIHRIS")), "fihris index folder 1\nshard s3-0\nshard s3-1\n"
                                                 "shard s4-0\nunmerged 3\n");
    cr_assert_eq(access(in_dir("FIHRIS.tmp"), F_OK), -1);
    fh_marker_free(&m);

    cr_assert_eq(fh_marker_read(g_dir, &m, &msg), FH_OK);
    cr_assert_eq(m.n, 3);
    cr_assert(fh_marker_has(&m, 3, 0) && fh_marker_has(&m, 3, 1) && fh_marker_has(&m, 4, 0));
    cr_assert(!fh_marker_has(&m, 4, 1) && !fh_marker_has(&m, 1, 0));
    cr_assert_eq(m.unmerged, 3);
    /* Unlisting the last shard of generation 3 ends its unmerged mark. */
    fh_marker_remove(&m, 3, 0);
    cr_assert_eq(m.unmerged, 3);
    fh_marker_remove(&m, 3, 1);
    cr_assert_eq(m.unmerged, 0);
    cr_assert_eq(m.n, 1);
    fh_marker_free(&m);
}

Test(marker, read_refuses_what_it_cannot_read)
{
    fh_marker m = {0};
    char *msg = NULL;
    cr_assert_eq(fh_marker_read(g_dir, &m, &msg), FH_ERR_NOTFOUND);
    cr_assert_null(msg);

    write_file(in_dir("FIHRIS"), "my notes\n");
    cr_assert_eq(fh_marker_read(g_dir, &m, &msg), FH_ERR_INVALID);
    char want[600];
    snprintf(want, sizeof want, "%s:1: not a marker of a fihris index", in_dir("FIHRIS"));
    cr_assert_str_eq(msg, want);
    free(msg);
    fh_marker_free(&m);

    write_file(in_dir("FIHRIS"), "fihris index folder 1\nshard s2-0\nshard x\n");
    cr_assert_eq(fh_marker_read(g_dir, &m, &msg), FH_ERR_INVALID);
    snprintf(want, sizeof want, "%s:3: not a marker of a fihris index", in_dir("FIHRIS"));
    cr_assert_str_eq(msg, want);
    free(msg);
    fh_marker_free(&m);

    write_file(in_dir("FIHRIS"), "fihris index folder 2\nshard s2-0\n");
    cr_assert_eq(fh_marker_read(g_dir, &m, &msg), FH_ERR_INVALID);
    snprintf(want, sizeof want, "%s: the index was made by a newer fihris (format 2)",
             in_dir("FIHRIS"));
    cr_assert_str_eq(msg, want);
    free(msg);
    fh_marker_free(&m);
}

Test(marker, which_folders_may_be_written)
{
    char *msg = NULL;
    cr_assert_eq(fh_marker_check_folder(in_dir("new/path"), &msg), FH_OK);
    cr_assert_eq(fh_marker_check_folder(g_dir, &msg), FH_OK); /* empty */
    write_file(in_dir(FH_LAYOUT_LOCK), "");
    cr_assert_eq(fh_marker_check_folder(g_dir, &msg), FH_OK);
    cr_assert_null(msg);

    /* A user's file named like a shard makes it someone else's folder. */
    write_file(in_dir("s9-9"), "y\n");
    cr_assert_eq(fh_marker_check_folder(g_dir, &msg), FH_ERR_INVALID);
    cr_assert_not_null(strstr(msg, "not a fihris index and not empty"), "%s", msg);
    free(msg);
    msg = NULL;

    /* ... unless a stub fihris wrote says it is an index. */
    const char *lines[] = {"auto s1-0"};
    cr_assert_eq(fh_layout_write_stub(in_dir(FH_LAYOUT_STUB), lines, 1, NULL), FH_OK);
    cr_assert_eq(fh_marker_check_folder(g_dir, &msg), FH_OK);
    /* A stub of someone else's does not. */
    write_file(in_dir(FH_LAYOUT_STUB), "auto s1-0\n");
    cr_assert_eq(fh_marker_check_folder(g_dir, &msg), FH_ERR_INVALID);
    free(msg);
    msg = NULL;
    /* A marker does. */
    fh_marker m = {0};
    cr_assert_eq(fh_marker_write(g_dir, &m, &msg), FH_OK);
    cr_assert_eq(fh_marker_check_folder(g_dir, &msg), FH_OK);

    /* A file is not a folder. */
    cr_assert_eq(fh_marker_check_folder(in_dir("s9-9"), &msg), FH_ERR_INVALID);
    cr_assert_str_eq(msg, "not a folder: nothing was touched (--db takes the index's folder)");
    free(msg);
}
