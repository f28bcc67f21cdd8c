/* stats.c - index statistics (see stats.h). */
#include "stats.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "buf.h"
#include "decode.h"
#include "escape.h"
#include "layout.h"
#include "record.h"
#include "settings.h"

static int count_word_term(void *ctx, const char *term, size_t len, uint32_t freq)
{
    (void)freq;
    /* Prefixed terms start with an upper-case ASCII letter; words never do
     * (they are case-folded). */
    if (len > 0 && !(term[0] >= 'A' && term[0] <= 'Z'))
        ++*(uint64_t *)ctx;
    return 0;
}

/* Bytes of the files in a folder (index folders are flat), or of a file. */
static uint64_t size_on_disk(const char *path)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    if (!S_ISDIR(st.st_mode))
        return (uint64_t)st.st_size;
    uint64_t total = 0;
    DIR *d = opendir(path);
    if (d == NULL)
        return 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        if (fstatat(dirfd(d), e->d_name, &st, 0) == 0 && S_ISREG(st.st_mode))
            total += (uint64_t)st.st_blocks * 512;
    }
    closedir(d);
    return total;
}

static int64_t metadata_time(fh_db *db, const char *key)
{
    char *value = NULL;
    int64_t t = 0;
    if (fh_db_metadata_get(db, key, &value, NULL) == FH_OK)
        t = strtoll(value, NULL, 10);
    free(value);
    return t;
}

/* Of the documents with term, all, those shown:
 * without the captures hidden (there are hidden of them in the index). */
static fh_status count_shown(fh_db *db, const char *term, uint32_t hidden, uint32_t all,
                             uint32_t *out)
{
    *out = all;
    if (hidden == 0 || all == 0)
        return FH_OK;
    fh_xquery *q = NULL, *h = NULL, *shown = NULL;
    fh_results *res = NULL;
    fh_status rc = fh_xquery_term(term, strlen(term), 1, &q);
    if (rc == FH_OK)
        rc = fh_xquery_term(FH_TERM_HIDDEN, strlen(FH_TERM_HIDDEN), 1, &h);
    if (rc == FH_OK)
        rc = fh_xquery_combine(FH_XQUERY_AND_NOT, (fh_xquery *[]){q, h}, 2, 0, &shown);
    fh_db_search_opts opts;
    fh_db_search_opts_init(&opts);
    opts.check_at_least = UINT32_MAX; /* every match counted */
    if (rc == FH_OK)
        rc = fh_db_search(db, shown, &opts, 0, 0, &res);
    if (rc == FH_OK)
        *out = fh_results_lower_bound(res);
    fh_results_free(res);
    fh_xquery_free(q);
    fh_xquery_free(h);
    fh_xquery_free(shown);
    return rc;
}

/* Whether the document key (its file path_len bytes) is under source, as
 * fh_sources_count() counts it. */
static int key_under(const char *source, const char *key, size_t len)
{
    size_t n = strlen(source);
    if (len < n || memcmp(key, source, n) != 0)
        return 0;
    return len == n || (n > 0 && source[n - 1] == '/') || key[n] == '/' || key[n] == '#';
}

/* Take the hidden captures out of the count of each source. */
static fh_status uncount_hidden(fh_db *db, fh_stats *out)
{
    if (out->hidden == 0 || out->sources.n == 0)
        return FH_OK;
    fh_xquery *h = NULL;
    fh_results *res = NULL;
    fh_status rc = fh_xquery_term(FH_TERM_HIDDEN, strlen(FH_TERM_HIDDEN), 1, &h);
    if (rc == FH_OK)
        rc = fh_db_search(db, h, NULL, 0, out->hidden, &res);
    for (size_t i = 0; rc == FH_OK && i < fh_results_size(res); i++) {
        fh_doc *doc = NULL;
        const char *value = NULL;
        size_t len = 0;
        fh_record_state st;
        rc = fh_results_doc(res, i, &doc);
        if (rc == FH_OK && fh_doc_get_value(doc, FH_SLOT_STATE, &value, &len) == FH_OK &&
            fh_record_state_decode(value, len, &st) == FH_OK) {
            for (size_t k = 0; k < out->sources.n; k++)
                if (out->source_documents[k] > 0 &&
                    key_under(out->sources.items[k], st.key, st.key_len))
                    out->source_documents[k]--;
        }
        fh_doc_free(doc);
    }
    fh_results_free(res);
    fh_xquery_free(h);
    return rc;
}

/* The sources the index records, and the documents under each. */
static fh_status gather_sources(fh_db *db, fh_stats *out)
{
    fh_status rc = fh_sources_load(db, &out->sources);
    if (rc == FH_OK && out->sources.n > 0) {
        out->source_documents = calloc(out->sources.n, sizeof *out->source_documents);
        rc = out->source_documents ? FH_OK : FH_ERR_NOMEM;
    }
    for (size_t i = 0; rc == FH_OK && i < out->sources.n; i++)
        rc = fh_sources_count(db, out->sources.items[i], &out->source_documents[i]);
    return rc == FH_OK ? uncount_hidden(db, out) : rc;
}

void fh_stats_clear(fh_stats *s)
{
    fh_sources_list_clear(&s->sources);
    free(s->source_documents);
    s->source_documents = NULL;
}

fh_status fh_stats_gather(fh_db *db, const char *const *paths, size_t n, fh_stats *out)
{
    memset(out, 0, sizeof *out);
    /* Counted as searches show them: a URL's older captures, kept hidden,
     * are left out (and counted apart). */
    uint32_t all = 0, ar = 0, en = 0;
    int rc = fh_db_doc_count(db, &all);
    if (rc == FH_OK)
        rc = fh_db_term_freq(db, FH_TERM_HIDDEN, strlen(FH_TERM_HIDDEN), &out->hidden);
    out->documents = all > out->hidden ? all - out->hidden : 0;
    if (rc == FH_OK)
        rc = fh_db_terms(db, NULL, 0, 0, count_word_term, &out->terms, NULL);
    if (rc == FH_OK)
        rc = fh_db_term_freq(db, FH_PREFIX_LANG "ar", 3, &ar);
    if (rc == FH_OK)
        rc = count_shown(db, FH_PREFIX_LANG "ar", out->hidden, ar, &out->arabic_pages);
    if (rc == FH_OK)
        rc = fh_db_term_freq(db, FH_PREFIX_LANG "en", 3, &en);
    if (rc == FH_OK)
        rc = count_shown(db, FH_PREFIX_LANG "en", out->hidden, en, &out->english_pages);
    if (rc == FH_OK)
        rc = gather_sources(db, out);
    fh_analyzer_opts opts;
    if (rc == FH_OK && fh_settings_load(db, &opts) == FH_OK)
        out->word_map = opts.word_map;
    if (rc != FH_OK)
        return rc;
    /* The latest of the shards' times: a database of several answers for
     * its first one only. */
    out->updated = metadata_time(db, "fihris.updated");
    out->last_run = metadata_time(db, "fihris.last-run");
    out->shards = (uint32_t)n;
    for (size_t i = 0; i < n; i++) {
        if (fh_layout_is_remote(paths[i])) {
            out->remote_shards++;
            continue;
        }
        out->bytes_on_disk += size_on_disk(paths[i]);
        fh_db *one = NULL;
        char *msg = NULL;
        if (n > 1 && fh_db_open_readonly(&paths[i], 1, &one, &msg) == FH_OK) {
            int64_t updated = metadata_time(one, "fihris.updated");
            int64_t last_run = metadata_time(one, "fihris.last-run");
            out->updated = updated > out->updated ? updated : out->updated;
            out->last_run = last_run > out->last_run ? last_run : out->last_run;
        }
        fh_db_close(one);
        free(msg);
    }
    return FH_OK;
}

static void format_time(int64_t t, char *out, size_t size)
{
    if (t <= 0) {
        snprintf(out, size, "unknown");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(out, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static double share(uint32_t part, uint32_t whole)
{
    return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

fh_status fh_stats_print_text(FILE *out, const fh_stats *s)
{
    char updated[32], last_run[32];
    format_time(s->updated, updated, sizeof updated);
    format_time(s->last_run, last_run, sizeof last_run);
    char hidden[64] = "";
    if (s->hidden > 0)
        snprintf(hidden, sizeof hidden, " (%u older capture%s kept hidden)", s->hidden,
                 s->hidden == 1 ? "" : "s");
    int n = fprintf(out,
                    "documents       %u%s\n"
                    "distinct terms  %llu\n"
                    "shards          %u (%u remote)\n"
                    "positions       %s\n"
                    "size on disk    %.1f MB (local shards)\n"
                    "last update     %s\n"
                    "last run        %s\n"
                    "arabic pages    %u (%.1f%%)\n"
                    "english pages   %u (%.1f%%)\n",
                    s->documents, hidden, (unsigned long long)s->terms, s->shards, s->remote_shards,
                    s->word_map ? "word maps" : "Xapian", (double)s->bytes_on_disk / 1e6, updated, last_run, s->arabic_pages,
                    share(s->arabic_pages, s->documents), s->english_pages,
                    share(s->english_pages, s->documents));
    fh_buf line = FH_BUF_INIT;
    for (size_t i = 0; n >= 0 && i < s->sources.n; i++) {
        fh_buf_reset(&line);
        fh_escape_terminal(s->sources.items[i], strlen(s->sources.items[i]), 0, &line);
        if (fh_buf_status(&line) != FH_OK)
            break;
        n = fprintf(out, "source          %s (%llu document%s)\n", line.data,
                    (unsigned long long)s->source_documents[i],
                    s->source_documents[i] == 1 ? "" : "s");
    }
    fh_status rc = fh_buf_status(&line);
    fh_buf_free(&line);
    return n < 0 ? FH_ERR_IO : rc;
}

fh_status fh_stats_print_json(FILE *out, const fh_stats *s)
{
    char updated[32], last_run[32];
    format_time(s->updated, updated, sizeof updated);
    format_time(s->last_run, last_run, sizeof last_run);
    int n =
        fprintf(out,
                "{\"documents\":%u,\"hidden_captures\":%u,\"terms\":%llu,\"shards\":%u,\"remote_"
                "shards\":%u,\"positions\":\"%s\","
                "\"bytes_on_disk\":%llu,"
                "\"updated\":\"%s\",\"updated_epoch\":%lld,\"last_run\":\"%s\","
                "\"arabic_pages\":%u,\"english_pages\":%u,"
                "\"arabic_share\":%.4f,\"english_share\":%.4f,\"sources\":[",
                s->documents, s->hidden, (unsigned long long)s->terms, s->shards, s->remote_shards,
                s->word_map ? "map" : "xapian", (unsigned long long)s->bytes_on_disk, updated, (long long)s->updated, last_run,
                s->arabic_pages, s->english_pages, share(s->arabic_pages, s->documents) / 100,
                share(s->english_pages, s->documents) / 100);
    fh_buf b = FH_BUF_INIT;
    for (size_t i = 0; i < s->sources.n; i++) {
        fh_buf_puts(&b, i ? ",{\"path\":\"" : "{\"path\":\"");
        size_t len = strlen(s->sources.items[i]);
        fh_escape_json(s->sources.items[i], len, &b);
        fh_buf_putc(&b, '"');
        /* A name that is not UTF-8 also comes whole, as a result's path. */
        if (!fh_utf8_valid(s->sources.items[i], len)) {
            fh_buf_puts(&b, ",\"path_bytes\":\"");
            fh_escape_base64(s->sources.items[i], len, &b);
            fh_buf_putc(&b, '"');
        }
        fh_buf_printf(&b, ",\"documents\":%llu}", (unsigned long long)s->source_documents[i]);
    }
    fh_buf_puts(&b, "]}\n");
    fh_status rc = fh_buf_status(&b);
    if (n >= 0 && rc == FH_OK)
        n = fputs(b.data, out);
    fh_buf_free(&b);
    return n < 0 ? FH_ERR_IO : rc;
}
