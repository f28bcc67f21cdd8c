/* settings.c - an index's analyzer settings in its metadata (see
 * settings.h). */
#include "settings.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "normalize.h"

fh_status fh_settings_format(const fh_analyzer_opts *opts, char *out, size_t size)
{
    int n = snprintf(
        out, size, "format=%d english=%s arabic=%s hamza-seats=%d arabic-forms=%d%s%s%s%s%s",
        FH_SETTINGS_FORMAT, fh_english_stemmer_name(opts->english),
        fh_arabic_stemmer_name(opts->arabic),
        (opts->normalize_flags & FH_NORMALIZE_FOLD_HAMZA_SEATS) ? 1 : 0,
        (opts->normalize_flags & FH_NORMALIZE_ARABIC_FORMS) ? 1 : 0,
        opts->title_count == FH_TITLE_COUNT_ALL ? " title-words=all" : "",
        opts->title_pairs ? "" : " title-pairs=0",
        opts->records_packed ? " records=lz4" : " records=plain", opts->filters ? "" : " filters=0",
        opts->word_map ? " positions=map" : " positions=xapian");
    return n >= 0 && (size_t)n < size ? FH_OK : FH_ERR_TOOBIG;
}

/* A setting's value "0" or "1" into *bit. */
static fh_status parse_bit(const char *value, int *bit)
{
    if (strcmp(value, "0") != 0 && strcmp(value, "1") != 0)
        return FH_ERR_INVALID;
    *bit = value[0] == '1';
    return FH_OK;
}

/* A normalization flag named with value "0" or "1". */
static fh_status set_flag(fh_analyzer_opts *opts, int flag, const char *value)
{
    int on = 0;
    fh_status rc = parse_bit(value, &on);
    if (rc == FH_OK)
        opts->normalize_flags = on ? opts->normalize_flags | flag : opts->normalize_flags & ~flag;
    return rc;
}

static fh_status apply(fh_analyzer_opts *opts, const char *name, const char *value, int *format)
{
    if (strcmp(name, "format") == 0) {
        *format = atoi(value);
        return *format >= 1 && *format <= FH_SETTINGS_FORMAT ? FH_OK : FH_ERR_INVALID;
    }
    if (strcmp(name, "english") == 0)
        return fh_english_stemmer_parse(value, &opts->english);
    if (strcmp(name, "arabic") == 0)
        return fh_arabic_stemmer_parse(value, &opts->arabic);
    if (strcmp(name, "hamza-seats") == 0)
        return set_flag(opts, FH_NORMALIZE_FOLD_HAMZA_SEATS, value);
    if (strcmp(name, "arabic-forms") == 0)
        return set_flag(opts, FH_NORMALIZE_ARABIC_FORMS, value);
    if (strcmp(name, "title-pairs") == 0)
        return parse_bit(value, &opts->title_pairs);
    if (strcmp(name, "filters") == 0)
        return parse_bit(value, &opts->filters);
    if (strcmp(name, "positions") == 0) {
        if (strcmp(value, "map") != 0 && strcmp(value, "xapian") != 0)
            return FH_ERR_INVALID;
        opts->word_map = value[0] == 'm';
        return FH_OK;
    }
    if (strcmp(name, "records") == 0) {
        if (strcmp(value, "lz4") != 0 && strcmp(value, "plain") != 0)
            return FH_ERR_INVALID;
        opts->records_packed = value[0] == 'l';
        return FH_OK;
    }
    if (strcmp(name, "title-words") == 0) {
        if (strcmp(value, "all") == 0)
            opts->title_count = FH_TITLE_COUNT_ALL;
        else if (strcmp(value, "content") == 0)
            opts->title_count = FH_TITLE_COUNT_CONTENT;
        else
            return FH_ERR_INVALID;
        return FH_OK;
    }
    return FH_ERR_INVALID;
}

fh_status fh_settings_parse(const char *text, fh_analyzer_opts *opts)
{
    fh_analyzer_opts_init(opts);
    int format = 0; /* not given */
    char name[32], value[32];
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        if (*p == '\0')
            break;
        size_t n = strcspn(p, "= ");
        if (p[n] != '=' || n == 0 || n >= sizeof name)
            return FH_ERR_INVALID;
        memcpy(name, p, n);
        name[n] = '\0';
        p += n + 1;
        size_t v = strcspn(p, " ");
        if (v == 0 || v >= sizeof value)
            return FH_ERR_INVALID;
        memcpy(value, p, v);
        value[v] = '\0';
        p += v;
        int rc = apply(opts, name, value, &format);
        if (rc != FH_OK)
            return rc;
    }
    /* Format 1's light10 kept two letters after a suffix; formats 1 and 2
     * counted every title word; formats 1 to 3 had no title pairs; formats 1
     * to 4 did not fold Arabic letter forms; formats 1 to 5 stored plain
     * records and had nothing for the filters; formats 1 to 6 kept every
     * word's positions in Xapian. */
    if (format == 1 && opts->arabic == FH_AR_STEM_LIGHT10)
        opts->arabic = FH_AR_STEM_LIGHT10_2;
    if (format == 1 || format == 2)
        opts->title_count = FH_TITLE_COUNT_ALL;
    if (format >= 1 && format <= 3)
        opts->title_pairs = 0;
    if (format >= 1 && format <= 4)
        opts->normalize_flags &= ~FH_NORMALIZE_ARABIC_FORMS;
    if (format >= 1 && format <= 5) {
        opts->filters = 0;
        opts->records_packed = 0;
    }
    if (format >= 1 && format <= 6)
        opts->word_map = 0;
    return FH_OK;
}

fh_status fh_settings_load(fh_db *db, fh_analyzer_opts *opts)
{
    char *text = NULL;
    int rc = fh_db_metadata_get(db, FH_SETTINGS_KEY, &text, NULL);
    if (rc == FH_OK)
        rc = fh_settings_parse(text, opts);
    /* An index another tool made keeps its positions in Xapian. */
    if (rc == FH_OK && text[0] == '\0')
        opts->word_map = 0;
    free(text);
    return rc;
}

fh_status fh_settings_store(fh_db *db, const fh_analyzer_opts *opts)
{
    char text[256];
    int rc = fh_settings_format(opts, text, sizeof text);
    if (rc == FH_OK)
        rc = fh_db_metadata_set(db, FH_SETTINGS_KEY, text, strlen(text));
    return rc;
}
