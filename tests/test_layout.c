/* test_layout.c - unit tests for layout.h: stub files, expanding what --db
 * names, the folder lock. Each test works in a fresh folder under /tmp. */
#define _XOPEN_SOURCE 700 /* nftw */

#include <criterion/criterion.h>

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "layout.h"
#include "status.h"

#define TMPDIR_PREFIX "fh_test_layout_"
#include "tmpdir.h"

TestSuite(layout, .init = tmpdir_make, .fini = tmpdir_remove);

/* g_dir/name, in one of four static buffers. */
static const char *in_dir(const char *name)
{
    static char paths[4][256];
    static int next;
    char *p = paths[next++ % 4];
    snprintf(p, sizeof paths[0], "%s/%s", g_dir, name);
    return p;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f, "%s: %s", path, strerror(errno));
    fputs(text, f);
    fclose(f);
}

Test(layout, read_stub_lines)
{
    write_file(in_dir("stub"), "# a comment\n"
                               "\n"
                               "auto s1-0\r\n"
                               "glass /abs/shard\n"
                               "remote 10.0.0.7:33333\n"
                               "remote [::1]:4000\n"
                               "remote :ssh -o BatchMode=yes b.example xapian-progsrv /srv/i\n"
                               "remote :xapian-progsrv\n");
    fh_layout_list list = {0};
    char *msg = NULL;
    cr_assert_eq(fh_layout_read_stub(in_dir("stub"), &list, &msg), FH_OK, "%s", msg);
    cr_assert_eq(list.n, 6);
    cr_assert_str_eq(list.items[0], in_dir("s1-0"));
    cr_assert_str_eq(list.items[1], "/abs/shard");
    cr_assert_str_eq(list.items[2], "tcp://10.0.0.7:33333");
    cr_assert_str_eq(list.items[3], "tcp://[::1]:4000");
    cr_assert_str_eq(list.items[4], "remote :ssh -o BatchMode=yes b.example xapian-progsrv /srv/i");
    cr_assert_str_eq(list.items[5], "remote :xapian-progsrv");
    cr_assert_null(msg);
    fh_layout_list_clear(&list);
    cr_assert_eq(list.n, 0);
}

Test(layout, is_remote)
{
    cr_assert(fh_layout_is_remote("tcp://h:1"));
    cr_assert(fh_layout_is_remote("ssh://h/srv/i"));
    cr_assert(fh_layout_is_remote("remote :ssh h xapian-progsrv /srv/i"));
    cr_assert(!fh_layout_is_remote("/srv/fihris/index"));
    cr_assert(!fh_layout_is_remote("ssh:/h"));
    cr_assert(!fh_layout_is_remote("remote h:1"));
}

Test(layout, read_stub_refuses_what_it_cannot_open)
{
    const char *bad[] = {"auto a\nremote :\n",          "auto a\nauto b\ninmemory\n",
                         "auto a\nremote nohostport\n", "auto\n",
                         "glass a\nbogus line\n",       "remote : ssh h xapian-progsrv /db\n"};
    const char *where[] = {":2:", ":3:", ":2:", ":1:", ":2:", ":1:"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        write_file(in_dir("stub"), bad[i]);
        fh_layout_list list = {0};
        char *msg = NULL;
        cr_assert_eq(fh_layout_read_stub(in_dir("stub"), &list, &msg), FH_ERR_INVALID, "case %zu",
                     i);
        cr_assert_not_null(msg);
        cr_assert_not_null(strstr(msg, where[i]), "case %zu: %s", i, msg);
        free(msg);
        fh_layout_list_clear(&list);
    }
    /* Xapian reads a program line only with its colon: said so. */
    write_file(in_dir("stub"), "# x\nremote ssh h xapian-progsrv /db\n");
    fh_layout_list list = {0};
    char *msg = NULL;
    cr_assert_eq(fh_layout_read_stub(in_dir("stub"), &list, &msg), FH_ERR_INVALID);
    char want[400];
    snprintf(want, sizeof want, "%s:2: a program needs a colon before it: remote :PROGRAM ARGS",
             in_dir("stub"));
    cr_assert_str_eq(msg, want);
    free(msg);
    fh_layout_list_clear(&list);
    msg = NULL;
    cr_assert_eq(fh_layout_read_stub(in_dir("missing"), &list, &msg), FH_ERR_IO);
    cr_assert_not_null(strstr(msg, "cannot read the stub file"), "%s", msg);
    free(msg);
}

Test(layout, write_stub_then_read)
{
    const char *lines[] = {"auto s7-0", "auto s7-1", "remote localhost:9"};
    cr_assert_eq(fh_layout_write_stub(in_dir("XAPIANDB"), lines, 3, NULL), FH_OK);
    fh_layout_list list = {0};
    char *msg = NULL;
    cr_assert_eq(fh_layout_read_stub(in_dir("XAPIANDB"), &list, &msg), FH_OK);
    cr_assert_eq(list.n, 3);
    cr_assert_str_eq(list.items[0], in_dir("s7-0"));
    cr_assert_str_eq(list.items[1], in_dir("s7-1"));
    cr_assert_str_eq(list.items[2], "tcp://localhost:9");
    fh_layout_list_clear(&list);
    /* No temporary file is left beside it. */
    char tmp[300];
    snprintf(tmp, sizeof tmp, "%s.tmp", in_dir("XAPIANDB"));
    cr_assert_eq(access(tmp, F_OK), -1);
}

Test(layout, expand_folders_stubs_and_remotes)
{
    /* idx/ holds a stub listing a glass folder, a nested stub folder and a
     * remote; a plain tcp:// and a missing path pass through as they are. */
    cr_assert_eq(mkdir(in_dir("idx"), 0777), 0);
    cr_assert_eq(mkdir(in_dir("idx/s1-0"), 0777), 0);
    write_file(in_dir("idx/s1-0/iamglass"), "x");
    cr_assert_eq(mkdir(in_dir("idx/more"), 0777), 0);
    write_file(in_dir("idx/more/XAPIANDB"), "auto one\nauto two\n");
    write_file(in_dir("idx/XAPIANDB"), "auto s1-0\nauto more\nremote h:1\n");
    fh_layout_list list = {0};
    char *msg = NULL;
    cr_assert_eq(fh_layout_expand(in_dir("idx"), &list, &msg), FH_OK, "%s", msg);
    cr_assert_eq(fh_layout_expand("tcp://example:2", &list, &msg), FH_OK);
    cr_assert_eq(fh_layout_expand(in_dir("nothing"), &list, &msg), FH_OK);
    cr_assert_eq(fh_layout_expand("ssh://u@example:22/srv/i", &list, &msg), FH_OK);
    cr_assert_eq(list.n, 7);
    cr_assert_str_eq(list.items[0], in_dir("idx/s1-0"));
    cr_assert_str_eq(list.items[1], in_dir("idx/more/one"));
    cr_assert_str_eq(list.items[2], in_dir("idx/more/two"));
    cr_assert_str_eq(list.items[3], "tcp://h:1");
    cr_assert_str_eq(list.items[4], "tcp://example:2");
    cr_assert_str_eq(list.items[5], in_dir("nothing"));
    cr_assert_str_eq(list.items[6], "ssh://u@example:22/srv/i");
    fh_layout_list_clear(&list);

    /* A glass folder wins over a stub in the same folder (as in Xapian). */
    write_file(in_dir("idx/s1-0/XAPIANDB"), "auto elsewhere\n");
    cr_assert_eq(fh_layout_expand(in_dir("idx/s1-0"), &list, &msg), FH_OK);
    cr_assert_eq(list.n, 1);
    cr_assert_str_eq(list.items[0], in_dir("idx/s1-0"));
    fh_layout_list_clear(&list);
}

Test(layout, expand_stops_a_stub_that_lists_itself)
{
    write_file(in_dir("loop"), "auto loop\n");
    fh_layout_list list = {0};
    char *msg = NULL;
    cr_assert_eq(fh_layout_expand(in_dir("loop"), &list, &msg), FH_ERR_INVALID);
    cr_assert_not_null(strstr(msg, "nested more than 8 deep"), "%s", msg);
    free(msg);
    fh_layout_list_clear(&list);
}

Test(layout, lock_is_exclusive)
{
    int a = -1, b = -1;
    cr_assert_eq(fh_layout_lock(in_dir("new"), 0, &a, NULL), FH_OK);
    cr_assert_geq(a, 0);
    cr_assert_eq(access(in_dir("new/" FH_LAYOUT_LOCK), F_OK), 0);
    cr_assert_eq(fh_layout_lock(in_dir("new"), 0, &b, NULL), FH_ERR_LOCKED);
    cr_assert_eq(b, -1);
    close(a);
    cr_assert_eq(fh_layout_lock(in_dir("new"), 0, &b, NULL), FH_OK);
    close(b);
}

Test(layout, lock_waits_a_bounded_time_then_fails)
{
    int a = -1, b = -1;
    cr_assert_eq(fh_layout_lock(in_dir("held"), 0, &a, NULL), FH_OK);
    /* Held by another open file of this process: flock locks belong to the
     * open file, so the wait runs out as it would for another indexer. */
    cr_assert_eq(fh_layout_lock(in_dir("held"), 0.1, &b, NULL), FH_ERR_LOCKED);
    cr_assert_eq(b, -1);
    close(a);
    cr_assert_eq(fh_layout_lock(in_dir("held"), 0.1, &b, NULL), FH_OK);
    cr_assert_geq(b, 0);
    close(b);
    cr_assert_eq(fh_layout_lock(in_dir("held"), FH_LAYOUT_WAIT_FOREVER, &b, NULL), FH_OK);
    close(b);
}
