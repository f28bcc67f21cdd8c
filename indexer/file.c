/* file.c - reading a page file whole (see file.h). */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "unpack.h"

fh_status fh_file_read(const char *path, char **data, size_t *len, int *err)
{
    *data = NULL;
    *len = 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *err = errno;
        return FH_ERR_IO;
    }
    struct stat st;
    if (fstat(fd, &st) != 0) {
        *err = errno;
        close(fd);
        return FH_ERR_IO;
    }
    size_t cap = (size_t)st.st_size + 1, n = 0;
    char *buf = malloc(cap);
    if (buf == NULL) {
        close(fd);
        return FH_ERR_NOMEM;
    }
    for (;;) {
        if (n + 1 >= cap) {
            /* The file grew while we read it: read what is there. */
            char *p = cap < SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (p == NULL) {
                free(buf);
                close(fd);
                return FH_ERR_NOMEM;
            }
            buf = p;
            cap *= 2;
        }
        ssize_t got = read(fd, buf + n, cap - n - 1);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            *err = errno;
            free(buf);
            close(fd);
            return FH_ERR_IO;
        }
        if (got == 0)
            break;
        n += (size_t)got;
    }
    close(fd);
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return FH_OK;
}

fh_status fh_file_inflate(const char *data, size_t len, uint64_t max, char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    fh_buf b = FH_BUF_INIT;
    fh_status rc = fh_unpack_any(data, len, max, &b);
    if (rc == FH_OK) {
        fh_buf_append(&b, "", 0);
        *out = fh_buf_detach(&b, out_len);
        rc = *out ? FH_OK : FH_ERR_NOMEM;
    }
    fh_buf_free(&b);
    return rc;
}
