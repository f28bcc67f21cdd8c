/* hold_lock.c - a test helper: hold the write lock of an index folder until
 * standard input closes, so that a test can start a second writer at a
 * known moment. Prints "locked" once it holds the lock. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "layout.h"
#include "status.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: hold_lock DB\n", stderr);
        return 2;
    }
    int fd = -1;
    int rc = fh_layout_lock(argv[1], 0, &fd, NULL);
    if (rc != FH_OK) {
        fprintf(stderr, "hold_lock: %s\n", fh_status_str(rc));
        return 1;
    }
    printf("locked\n");
    fflush(stdout);
    while (getchar() != EOF)
        ;
    close(fd);
    return 0;
}
