/* tmpdir.h - a fresh folder under /tmp for each test, removed after it.
 * Include once in a test file (after defining _XOPEN_SOURCE 700 for nftw),
 * then: TestSuite(name, .init = tmpdir_make, .fini = tmpdir_remove). The
 * folder's name starts with TMPDIR_PREFIX. */
#ifndef FH_TESTS_TMPDIR_H
#define FH_TESTS_TMPDIR_H

#include <criterion/criterion.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char g_dir[64];

static void tmpdir_make(void)
{
    snprintf(g_dir, sizeof g_dir, "/tmp/%sXXXXXX", TMPDIR_PREFIX);
    cr_assert_not_null(mkdtemp(g_dir), "mkdtemp: %s", strerror(errno));
}

static int tmpdir_remove_entry(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
    (void)sb;
    (void)type;
    (void)ftw;
    return remove(path);
}

static void tmpdir_remove(void)
{
    if (g_dir[0] != '\0')
        nftw(g_dir, tmpdir_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

#endif
