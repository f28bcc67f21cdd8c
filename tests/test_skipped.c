/* test_skipped.c - files skipped for what they hold, remembered between
 * runs (indexer/skipped.h): what is stored, what is kept, what is dropped. */
#define _XOPEN_SOURCE 700 /* nftw */

#include <criterion/criterion.h>

#include <stdlib.h>
#include <string.h>

#include "skipped.h"
#include "store.h"

#define TMPDIR_PREFIX "fh_test_skipped_"
#include "tmpdir.h"
#include "tmpdb.h"

TestSuite(skipped, .init = tmpdir_make, .fini = tmpdir_remove);

static char *stored(fh_db *db, size_t *len)
{
    char *v = NULL;
    cr_assert_eq(fh_db_metadata_get(db, FH_SKIPPED_KEY, &v, len), FH_OK);
    return v;
}

/* keep_old: keep the paths under /other, as a run over /pages would. */
static int outside_pages(void *ctx, const char *path, size_t len)
{
    (void)ctx;
    return len >= 6 && memcmp(path, "/other", 6) == 0;
}

Test(skipped, nothing_remembered_at_first_and_nothing_stored_for_nothing)
{
    fh_db *db = tmpdb_open();
    fh_skipped *s = NULL;
    cr_assert_eq(fh_skipped_load(db, &s), FH_OK);
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/a.txt", 12, "content", 0, 0), 0);
    cr_assert_eq(fh_skipped_save(s, db, outside_pages, NULL), FH_OK);
    size_t len = 99;
    free(stored(db, &len));
    cr_assert_eq(len, 0);
    fh_skipped_free(s);
    fh_db_close(db);
}

Test(skipped, a_file_is_remembered_by_path_size_and_time)
{
    fh_db *db = tmpdb_open();
    fh_skipped *s = NULL;
    cr_assert_eq(fh_skipped_load(db, &s), FH_OK);
    cr_assert_eq(fh_skipped_add(s, "/pages/bin.txt", 14, "content", 16, 1700000000123456789LL),
                 FH_OK);
    cr_assert_eq(fh_skipped_add(s, "/pages/odd\tname", 15, "content", 0, -5), FH_OK);
    cr_assert_eq(fh_skipped_save(s, db, outside_pages, NULL), FH_OK);
    fh_skipped_free(s);

    size_t len = 0;
    char *v = stored(db, &len);
    const char want[] = "16\t1700000000123456789\tcontent\t/pages/bin.txt\0"
                        "0\t-5\tcontent\t/pages/odd\tname";
    cr_assert_eq(len, sizeof want); /* with the last record's NUL */
    cr_assert_eq(memcmp(v, want, sizeof want), 0);
    free(v);

    cr_assert_eq(fh_skipped_load(db, &s), FH_OK);
    cr_assert_eq(
        fh_skipped_unchanged(s, "/pages/bin.txt", 14, "content", 16, 1700000000123456789LL), 1);
    cr_assert_eq(
        fh_skipped_unchanged(s, "/pages/bin.txt", 14, "content", 17, 1700000000123456789LL), 0);
    cr_assert_eq(
        fh_skipped_unchanged(s, "/pages/bin.txt", 14, "content", 16, 1700000000123456788LL), 0);
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/bin.tx", 13, "content", 16, 1700000000123456789LL),
                 0);
    /* A tab in a name is part of the path. */
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/odd\tname", 15, "content", 0, -5), 1);
    fh_skipped_free(s);
    fh_db_close(db);
}

Test(skipped, a_run_keeps_other_folders_files_and_drops_its_own_not_seen_again)
{
    fh_db *db = tmpdb_open();
    fh_skipped *s = NULL;
    cr_assert_eq(fh_skipped_load(db, &s), FH_OK);
    cr_assert_eq(fh_skipped_add(s, "/pages/gone.txt", 15, "content", 1, 1), FH_OK);
    cr_assert_eq(fh_skipped_add(s, "/other/kept.txt", 15, "content", 2, 2), FH_OK);
    cr_assert_eq(fh_skipped_save(s, db, outside_pages, NULL), FH_OK);
    fh_skipped_free(s);

    /* The next run over /pages skips nothing: gone.txt is forgotten,
     * kept.txt (not walked) stays. */
    cr_assert_eq(fh_skipped_load(db, &s), FH_OK);
    cr_assert_eq(fh_skipped_save(s, db, outside_pages, NULL), FH_OK);
    fh_skipped_free(s);
    cr_assert_eq(fh_skipped_load(db, &s), FH_OK);
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/gone.txt", 15, "content", 1, 1), 0);
    cr_assert_eq(fh_skipped_unchanged(s, "/other/kept.txt", 15, "content", 2, 2), 1);
    fh_skipped_free(s);
    fh_db_close(db);
}

Test(skipped, damaged_records_are_dropped_and_a_nul_in_a_path_refused)
{
    fh_db *db = tmpdb_open();
    const char bad[] = "x\t1\tcontent\t/pages/a\0"
                       "5\t\tcontent\t/pages/b\0"
                       "5\t6\tcontent\t\0"
                       "5\t6\t\t/pages/c\0"
                       "9\t9\t/pages/old-form\0"
                       "7\t8\tcontent\t/pages/good";
    cr_assert_eq(fh_db_metadata_set(db, FH_SKIPPED_KEY, bad, sizeof bad - 1), FH_OK);
    fh_skipped *s = NULL;
    cr_assert_eq(fh_skipped_load(db, &s), FH_OK);
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/a", 8, "content", 1, 1), 0);
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/b", 8, "content", 5, 0), 0);
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/c", 8, "content", 5, 6), 0);
    /* A record of the older form (no reason) is forgotten. */
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/old-form", 15, "content", 9, 9), 0);
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/good", 11, "content", 7, 8), 1);
    cr_assert_eq(fh_skipped_add(s, "/pages/a\0b", 10, "content", 1, 1), FH_ERR_INVALID);
    cr_assert_eq(fh_skipped_add(s, "/pages/a", 8, "", 1, 1), FH_ERR_INVALID);
    cr_assert_eq(fh_skipped_add(s, "/pages/a", 8, "a\treason", 1, 1), FH_ERR_INVALID);
    cr_assert_eq(fh_skipped_add(s, "/pages/a", 8, "/reason", 1, 1), FH_ERR_INVALID);
    fh_skipped_free(s);
    fh_db_close(db);
}

Test(skipped, a_warning_is_remembered_by_path_and_reason)
{
    fh_db *db = tmpdb_open();
    fh_skipped *s = NULL;
    cr_assert_eq(fh_skipped_load(db, &s), FH_OK);
    cr_assert_eq(fh_skipped_add(s, "/pages/big.txt", 14, "limit=1024", 3000, 7), FH_OK);
    cr_assert_eq(fh_skipped_add(s, "/pages/loop", 11, "folder already visited", 0, 0), FH_OK);
    cr_assert_eq(fh_skipped_add(s, "/pages/loop", 11, "symbolic link loop", 0, 0), FH_OK);
    cr_assert_eq(fh_skipped_save(s, db, outside_pages, NULL), FH_OK);
    fh_skipped_free(s);

    cr_assert_eq(fh_skipped_load(db, &s), FH_OK);
    /* Over the same limit: remembered; another limit, or for its content:
     * not. */
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/big.txt", 14, "limit=1024", 3000, 7), 1);
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/big.txt", 14, "limit=2048", 3000, 7), 0);
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/big.txt", 14, "content", 3000, 7), 0);
    /* Two reasons of one path, each its own. */
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/loop", 11, "folder already visited", 0, 0), 1);
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/loop", 11, "symbolic link loop", 0, 0), 1);
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/loop", 11, "broken symbolic link", 0, 0), 0);
    /* The next run over /pages meets only the loop again: the rest goes. */
    cr_assert_eq(fh_skipped_add(s, "/pages/loop", 11, "folder already visited", 0, 0), FH_OK);
    cr_assert_eq(fh_skipped_save(s, db, outside_pages, NULL), FH_OK);
    fh_skipped_free(s);
    cr_assert_eq(fh_skipped_load(db, &s), FH_OK);
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/loop", 11, "folder already visited", 0, 0), 1);
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/loop", 11, "symbolic link loop", 0, 0), 0);
    cr_assert_eq(fh_skipped_unchanged(s, "/pages/big.txt", 14, "limit=1024", 3000, 7), 0);
    fh_skipped_free(s);
    fh_db_close(db);
}
