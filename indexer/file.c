/* file.c - reading a page file whole (see file.h). */
#include "file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "buf.h"

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

fh_status fh_file_gunzip(const char *data, size_t len, uint64_t max, char **out, size_t *out_len)
{
    *out = NULL;
    *out_len = 0;
    fh_buf b = FH_BUF_INIT;
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return FH_ERR_NOMEM;
    z.next_in = (Bytef *)data;
    z.avail_in = (uInt)len;
    fh_status rc = FH_OK;
    while (rc == FH_OK) {
        if (fh_buf_reserve(&b, 256 * 1024) != FH_OK) {
            rc = FH_ERR_NOMEM;
            break;
        }
        z.next_out = (Bytef *)b.data + b.len;
        z.avail_out = (uInt)(b.cap - b.len - 1);
        int zr = inflate(&z, Z_NO_FLUSH);
        b.len = (size_t)((char *)z.next_out - b.data);
        if (b.len > max)
            rc = FH_ERR_TOOBIG;
        else if (zr == Z_STREAM_END) {
            /* Members follow one another: the next starts where this ended. */
            if (z.avail_in < 2 || z.next_in[0] != 0x1f || z.next_in[1] != 0x8b)
                break;
            inflateReset(&z);
        } else if (zr == Z_MEM_ERROR)
            rc = FH_ERR_NOMEM;
        else if (zr != Z_OK)
            rc = FH_ERR_CORRUPT; /* corrupt, or cut short (Z_BUF_ERROR with no input) */
    }
    inflateEnd(&z);
    if (rc == FH_OK) {
        fh_buf_append(&b, "", 0);
        *out = fh_buf_detach(&b, out_len);
        rc = *out ? FH_OK : FH_ERR_NOMEM;
    }
    fh_buf_free(&b);
    return rc;
}
