/* tmpdb.h - a writable index in the test's fresh folder (tmpdir.h).
 * Include after tmpdir.h and store.h. */
#ifndef FH_TESTS_TMPDB_H
#define FH_TESTS_TMPDB_H

/* A new index at <the test's folder>/db; the caller closes it. */
static fh_db *tmpdb_open(void)
{
    char path[128];
    snprintf(path, sizeof path, "%s/db", g_dir);
    fh_db *db = NULL;
    cr_assert_eq(fh_db_open_writable(path, FH_DB_CREATE, &db, NULL), FH_OK);
    return db;
}

#endif
