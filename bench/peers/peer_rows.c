/* peer_rows.c - tab-separated rows (known-item and test-collection query
 * files) and the known-item measure, shared by the benchmark peers. See
 * peer_util.h. */
#include "peer_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- tab-separated rows and known items ------------------------------------ */

int peer_rows_load(const char *path, size_t nf, peer_rows *r)
{
    memset(r, 0, sizeof *r);
    r->nf = nf;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return -1;
    size_t len = 0, cap = 65536;
    char *data = malloc(cap);
    while (data) {
        size_t got = fread(data + len, 1, cap - len - 1, f);
        len += got;
        if (len + 1 < cap)
            break;
        char *p = realloc(data, cap * 2);
        if (p == NULL) {
            free(data);
            data = NULL;
            break;
        }
        data = p;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (data == NULL || bad) {
        free(data);
        return -1;
    }
    data[len] = '\0';
    r->data = data;
    size_t rows_cap = 0;
    char *save = NULL;
    /* A UTF-8 byte order mark is no part of the first row. */
    char *text = strncmp(data, "\xEF\xBB\xBF", 3) == 0 ? data + 3 : data;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        size_t n = strlen(line);
        while (n && line[n - 1] == '\r')
            line[--n] = '\0';
        if (peer_line_skipped(line))
            continue;
        char *fld[16];
        if (nf == 0 || nf > 16)
            break;
        size_t k = 0;
        for (char *p = line; k < nf; k++) {
            fld[k] = p;
            char *tab = k + 1 < nf ? strchr(p, '\t') : NULL;
            if (k + 1 < nf && tab == NULL)
                break;
            if (tab) {
                *tab = '\0';
                p = tab + 1;
            }
        }
        if (k < nf || strcmp(fld[0], "qid") == 0)
            continue;
        if (r->n == rows_cap) {
            rows_cap = rows_cap ? rows_cap * 2 : 256;
            char **p = realloc(r->f, rows_cap * nf * sizeof *p);
            if (p == NULL) {
                peer_rows_free(r);
                return -1;
            }
            r->f = p;
        }
        memcpy(r->f + r->n * nf, fld, nf * sizeof *fld);
        r->n++;
    }
    return 0;
}

void peer_rows_free(peer_rows *r)
{
    free(r->data);
    free(r->f);
    memset(r, 0, sizeof *r);
}

int peer_path_is_doc(const char *path, size_t len, const char *doc)
{
    size_t n = strlen(doc);
    return len > n && memcmp(path + len - n, doc, n) == 0 && path[len - n - 1] == '/';
}

#define MAX_VARIANTS 32

int peer_knownitem(const char *path, peer_known_fn fn, void *ctx)
{
    peer_rows r;
    if (peer_rows_load(path, 5, &r) != 0) {
        fprintf(stderr, "%s: cannot read\n", path);
        return 66;
    }
    struct {
        const char *name, *lang;
        size_t queries, found;
        double rr_sum;
    } v[MAX_VARIANTS];
    size_t nv = 0;
    for (size_t i = 0; i < r.n; i++) {
        char **f = r.f + i * 5; /* qid, lang, variant, doc, query */
        size_t k = 0;
        while (k < nv && (strcmp(v[k].name, f[2]) != 0 || strcmp(v[k].lang, f[1]) != 0))
            k++; /* one row per variant and language */
        if (k == nv) {
            if (nv == MAX_VARIANTS)
                continue;
            v[nv].name = f[2];
            v[nv].lang = f[1];
            v[nv].queries = v[nv].found = 0;
            v[nv].rr_sum = 0;
            nv++;
        }
        v[k].queries++;
        int rank = fn(ctx, f[4], f[3]);
        if (rank > 0) {
            v[k].rr_sum += 1.0 / rank;
            v[k].found++;
        }
    }
    printf("{\"variants\":[");
    for (size_t k = 0; k < nv; k++) {
        double q = v[k].queries ? (double)v[k].queries : 1;
        printf("%s{\"variant\":\"%s\",\"lang\":\"%s\",\"queries\":%zu,\"mrr10\":%.4f,"
               "\"success10\":%.4f}",
               k ? "," : "", v[k].name, v[k].lang, v[k].queries, v[k].rr_sum / q,
               (double)v[k].found / q);
    }
    printf("]}\n");
    peer_rows_free(&r);
    return 0;
}
