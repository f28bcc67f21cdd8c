/* date.c - dates in the forms pages carry (see date.h). */
#include "date.h"

#include <stdio.h>
#include <string.h>

/* A cursor over the text being read. */
typedef struct {
    const char *s, *end;
} cursor;

/* A date and time as read, before it becomes seconds. */
typedef struct {
    int year, month, day, hour, minute, second;
    int zone_minutes; /* east of UTC */
} civil;

static const char *const months[] = {"jan", "feb", "mar", "apr", "may", "jun",
                                     "jul", "aug", "sep", "oct", "nov", "dec"};

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* How many digits follow at c (at most 16). */
static int digits_ahead(const cursor *c)
{
    int n = 0;
    while (c->s + n < c->end && n < 16 && is_digit(c->s[n]))
        n++;
    return n;
}

/* Read exactly n digits into *v. */
static int take_digits(cursor *c, int n, int *v)
{
    if (c->end - c->s < n)
        return 0;
    int x = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(c->s[i]))
            return 0;
        x = x * 10 + (c->s[i] - '0');
    }
    c->s += n;
    *v = x;
    return 1;
}

/* Read one or two digits into *v. */
static int take_1or2(cursor *c, int *v)
{
    int n = digits_ahead(c);
    return (n == 1 || n == 2) && take_digits(c, n, v);
}

static int take_char(cursor *c, char ch)
{
    if (c->s < c->end && *c->s == ch) {
        c->s++;
        return 1;
    }
    return 0;
}

static void skip_spaces(cursor *c)
{
    while (c->s < c->end && (*c->s == ' ' || *c->s == '\t'))
        c->s++;
}

/* A word of letters, lower-cased into w (at most size - 1 of them kept). */
static size_t take_word(cursor *c, char *w, size_t size)
{
    size_t n = 0;
    while (c->s < c->end && is_alpha(*c->s)) {
        if (n + 1 < size)
            w[n] = lower(*c->s);
        n++;
        c->s++;
    }
    w[n < size ? n : size - 1] = '\0';
    return n;
}

/* An English month name (three letters or whole) into *month (1-12). */
static int take_month(cursor *c, int *month)
{
    char w[16];
    size_t n = take_word(c, w, sizeof w);
    if (n < 3 || n >= sizeof w)
        return 0;
    for (int i = 0; i < 12; i++)
        if (memcmp(w, months[i], 3) == 0) {
            *month = i + 1;
            return 1;
        }
    return 0;
}

/* A fraction of a second after '.' or ',': read and dropped. */
static void skip_fraction(cursor *c)
{
    cursor at = *c;
    if ((take_char(&at, '.') || take_char(&at, ',')) && digits_ahead(&at) > 0) {
        while (at.s < at.end && is_digit(*at.s))
            at.s++;
        *c = at;
    }
}

/* hh:mm[:ss[.fff]] (colons optional when basic), into t. */
static int take_time(cursor *c, civil *t, int basic)
{
    if (!take_digits(c, 2, &t->hour))
        return 0;
    if (!basic && !take_char(c, ':'))
        return 0;
    if (!take_digits(c, 2, &t->minute))
        return 0;
    if (basic ? digits_ahead(c) >= 2 : take_char(c, ':')) {
        if (!take_digits(c, 2, &t->second))
            return 0;
        skip_fraction(c);
    }
    return 1;
}

/* Z, or +hh[[:]mm] / -hh[[:]mm], into t->zone_minutes; nothing is UTC. */
static int take_numeric_zone(cursor *c, civil *t)
{
    if (c->s >= c->end)
        return 1;
    if (take_char(c, 'Z') || take_char(c, 'z'))
        return 1;
    int sign = *c->s == '+' ? 1 : *c->s == '-' ? -1 : 0;
    if (sign == 0)
        return 0;
    c->s++;
    int h = 0, m = 0;
    if (!take_digits(c, 2, &h))
        return 0;
    take_char(c, ':');
    if (digits_ahead(c) >= 2 && !take_digits(c, 2, &m))
        return 0;
    if (h > 14 || m > 59)
        return 0;
    t->zone_minutes = sign * (h * 60 + m);
    return 1;
}

/* ISO 8601: YYYY[-MM[-DD]][(T| )hh:mm[:ss[.f]][zone]], or the basic
 * YYYYMMDD[Thhmmss[zone]]. The year's four digits are read. */
static int parse_iso(cursor *c, civil *t, int year)
{
    t->year = year;
    t->month = t->day = 1;
    if (c->s >= c->end)
        return 1;
    if (take_char(c, '-')) {
        if (!take_digits(c, 2, &t->month))
            return 0;
        if (c->s >= c->end)
            return 1;
        if (!take_char(c, '-') || !take_digits(c, 2, &t->day))
            return 0;
        if (c->s >= c->end)
            return 1;
        if (!take_char(c, 'T') && !take_char(c, 't') && !take_char(c, ' '))
            return 0;
        skip_spaces(c);
        return take_time(c, t, 0) && (skip_spaces(c), take_numeric_zone(c, t));
    }
    /* Basic: MMDD, then T and hhmmss. */
    if (!take_digits(c, 2, &t->month) || !take_digits(c, 2, &t->day))
        return 0;
    if (c->s >= c->end)
        return 1;
    if (!take_char(c, 'T') && !take_char(c, 't'))
        return 0;
    return take_time(c, t, 1) && take_numeric_zone(c, t);
}

/* A zone of RFC 2822: numeric, or a name (GMT, UT, UTC, Z, the US zones). */
static int take_named_zone(cursor *c, civil *t)
{
    if (c->s >= c->end || *c->s == '+' || *c->s == '-')
        return take_numeric_zone(c, t);
    static const struct {
        const char *name;
        int hours;
    } zones[] = {{"gmt", 0},  {"ut", 0},   {"utc", 0},  {"z", 0},    {"est", -5}, {"edt", -4},
                 {"cst", -6}, {"cdt", -5}, {"mst", -7}, {"mdt", -6}, {"pst", -8}, {"pdt", -7}};
    char w[8];
    size_t n = take_word(c, w, sizeof w);
    for (size_t i = 0; n > 0 && n < sizeof w && i < sizeof zones / sizeof zones[0]; i++)
        if (strcmp(w, zones[i].name) == 0) {
            t->zone_minutes = zones[i].hours * 60;
            return 1;
        }
    return 0;
}

/* A year of two digits is of 1950-2049 (RFC 2822's obsolete form). */
static int take_year(cursor *c, int *year)
{
    int n = digits_ahead(c);
    if (n == 4)
        return take_digits(c, 4, year);
    if (n == 2 && take_digits(c, 2, year)) {
        *year += *year < 50 ? 2000 : 1900;
        return 1;
    }
    return 0;
}

/* RFC 2822 from the day of the month on: DD Mon YYYY [hh:mm[:ss] [zone]];
 * Reuters: DD-MON-YYYY [hh:mm:ss.cc]. */
static int parse_day_month_year(cursor *c, civil *t)
{
    if (!take_1or2(c, &t->day))
        return 0;
    int dashed = take_char(c, '-');
    if (!dashed)
        skip_spaces(c);
    if (!take_month(c, &t->month))
        return 0;
    if (dashed ? !take_char(c, '-') : (skip_spaces(c), 0))
        return 0;
    if (!take_year(c, &t->year))
        return 0;
    skip_spaces(c);
    if (c->s >= c->end)
        return 1;
    if (!take_time(c, t, 0))
        return 0;
    skip_spaces(c);
    return take_named_zone(c, t);
}

static int days_in_month(int year, int month)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    return month == 2 && leap ? 29 : days[month - 1];
}

/* Days from 1970-01-01 to the given day (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *year, int *month, int *day)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *day = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)(mp < 10 ? mp + 3 : mp - 9);
    *year = (int)(yoe + era * 400 + (*month <= 2));
}

/* t's seconds, when every field is in range. */
static int to_seconds(const civil *t, int64_t *seconds)
{
    if (t->year < 1 || t->year > 9999 || t->month < 1 || t->month > 12 || t->day < 1 ||
        t->day > days_in_month(t->year, t->month) || t->hour > 23 || t->minute > 59 ||
        t->second > 60)
        return 0;
    int second = t->second == 60 ? 59 : t->second; /* a leap second */
    *seconds = days_from_civil(t->year, t->month, t->day) * 86400 + t->hour * 3600 +
               t->minute * 60 + second - (int64_t)t->zone_minutes * 60;
    return 1;
}

fh_status fh_date_parse(const char *s, size_t len, int64_t *seconds)
{
    cursor c = {s, s + len};
    skip_spaces(&c);
    while (c.end > c.s &&
           (c.end[-1] == ' ' || c.end[-1] == '\t' || c.end[-1] == '\n' || c.end[-1] == '\r'))
        c.end--;
    civil t = {0, 0, 0, 0, 0, 0, 0};
    int ok = 0;
    int n = digits_ahead(&c);
    if (n == 14 && c.s + 14 == c.end) { /* archives: YYYYMMDDhhmmss */
        ok = take_digits(&c, 4, &t.year) && take_digits(&c, 2, &t.month) &&
             take_digits(&c, 2, &t.day) && take_time(&c, &t, 1);
    } else if (n == 4 || n == 8) {
        int year = 0;
        ok = take_digits(&c, 4, &year) && parse_iso(&c, &t, year);
    } else if (n == 1 || n == 2) {
        ok = parse_day_month_year(&c, &t);
    } else if (n == 0 && c.s < c.end && is_alpha(*c.s)) { /* a day name first */
        char w[16];
        take_word(&c, w, sizeof w);
        take_char(&c, ',');
        skip_spaces(&c);
        ok = parse_day_month_year(&c, &t);
    }
    if (!ok || c.s != c.end || !to_seconds(&t, seconds))
        return FH_ERR_INVALID;
    return FH_OK;
}

void fh_date_format(int64_t seconds, char out[FH_DATE_ISO_SIZE])
{
    int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    int64_t rest = seconds - days * 86400;
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    if (y < 0 || y > 9999)
        y = y < 0 ? 0 : 9999;
    char text[64]; /* room for any int, so the compiler sees no truncation */
    snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m, d, (int)(rest / 3600),
             (int)(rest / 60 % 60), (int)(rest % 60));
    memcpy(out, text, FH_DATE_ISO_SIZE - 1);
    out[FH_DATE_ISO_SIZE - 1] = '\0';
}

fh_status fh_date_bound(const char *s, size_t len, int end, int64_t *seconds)
{
    cursor c = {s, s + len};
    civil t = {0, 1, 1, 0, 0, 0, 0};
    int parts = 1;
    if (!take_digits(&c, 4, &t.year))
        return FH_ERR_INVALID;
    if (take_char(&c, '-')) {
        parts++;
        if (!take_digits(&c, 2, &t.month))
            return FH_ERR_INVALID;
        if (take_char(&c, '-')) {
            parts++;
            if (!take_digits(&c, 2, &t.day))
                return FH_ERR_INVALID;
        }
    }
    if (c.s != c.end || !to_seconds(&t, seconds))
        return FH_ERR_INVALID;
    if (end) { /* the last second: the start of the next year, month or day, less one */
        civil next = t;
        if (parts == 1) {
            next.year++;
        } else if (parts == 2) {
            next.month = t.month == 12 ? 1 : t.month + 1;
            next.year += t.month == 12;
        }
        int64_t start;
        if (parts == 3)
            start = *seconds + 86400;
        else if (next.year > 9999)
            start = days_from_civil(10000, 1, 1) * 86400;
        else if (!to_seconds(&next, &start))
            return FH_ERR_INVALID;
        *seconds = start - 1;
    }
    return FH_OK;
}

void fh_date_year_month(int64_t seconds, int *year, int *month)
{
    int64_t days = seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400);
    int d;
    civil_from_days(days, year, month, &d);
}
