/* hold_lock.c - a test helper: hold the write lock of an index until
 * standard input closes, so that a test can start a second writer at a
 * known moment. Prints "locked" once it holds the lock. */
#include <stdio.h>
#include <stdlib.h>

#include "store.h"

int main(int argc, char **argv)
{
    if (argc != 2) {
        fputs("usage: hold_lock DB\n", stderr);
        return 2;
    }
    fh_db *db = NULL;
    char *msg = NULL;
    int rc = fh_db_open_writable(argv[1], FH_DB_CREATE, &db, &msg);
    if (rc != FH_OK) {
        fprintf(stderr, "hold_lock: %s\n", msg ? msg : fh_status_str(rc));
        free(msg);
        return 1;
    }
    printf("locked\n");
    fflush(stdout);
    while (getchar() != EOF)
        ;
    fh_db_close(db);
    return 0;
}
