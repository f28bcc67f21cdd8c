/* set_metadata.c - a test helper: set one metadata entry of one Xapian
 * database (a shard folder) and commit, so that a test can leave a shard
 * in a state a stopped run leaves it in. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "status.h"
#include "store.h"

int main(int argc, char **argv)
{
    if (argc != 4) {
        fputs("usage: set_metadata SHARD KEY VALUE\n", stderr);
        return 2;
    }
    fh_db *db = NULL;
    char *err = NULL;
    int rc = fh_db_open_writable(argv[1], 0, &db, &err);
    if (rc == FH_OK)
        rc = fh_db_metadata_set(db, argv[2], argv[3], strlen(argv[3]));
    if (rc == FH_OK)
        rc = fh_db_commit(db);
    if (rc != FH_OK)
        fprintf(stderr, "set_metadata: %s: %s\n", argv[1], err ? err : fh_status_str(rc));
    free(err);
    if (db != NULL)
        fh_db_close(db);
    return rc == FH_OK ? 0 : 1;
}
