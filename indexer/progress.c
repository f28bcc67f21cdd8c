/* progress.c - what a run tells its caller (see progress.h). */
#include "progress.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* One event at a time, for every run of the process. */
static pthread_mutex_t event_lock = PTHREAD_MUTEX_INITIALIZER;

static void deliver(const fh_index_opts *o, const fh_index_event *ev)
{
    if (o->on_event == NULL)
        return;
    pthread_mutex_lock(&event_lock);
    o->on_event(o->event_ctx, ev);
    pthread_mutex_unlock(&event_lock);
}

void fh_progress_say(const fh_index_opts *o, const char *path, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    fh_index_event ev = {.kind = FH_INDEX_EVENT_MESSAGE, .text = msg};
    if (path) {
        ev.path = path;
        ev.path_len = strlen(path);
    }
    deliver(o, &ev);
}

void fh_progress_change(const fh_index_opts *o, const char *what, const char *path, size_t len)
{
    fh_index_event ev = {
        .kind = FH_INDEX_EVENT_CHANGE, .path = path, .path_len = len, .text = what};
    deliver(o, &ev);
}

void fh_progress_show(const fh_index_opts *o, uint64_t pages, uint64_t files, uint64_t files_total,
                      uint64_t bytes, uint64_t bytes_total, double seconds)
{
    fh_index_event ev = {.kind = FH_INDEX_EVENT_PROGRESS,
                         .pages = pages,
                         .files = files,
                         .files_total = files_total,
                         .bytes = bytes,
                         .bytes_total = bytes_total,
                         .seconds = seconds};
    deliver(o, &ev);
}

void fh_progress_end(const fh_index_opts *o)
{
    fh_index_event ev = {.kind = FH_INDEX_EVENT_END};
    deliver(o, &ev);
}

double fh_progress_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
