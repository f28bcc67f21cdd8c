/* console.c - how a program shows a run of the indexer (see console.h). */
#include "console.h"

#include "buf.h"
#include "escape.h"

void fh_console_attach(fh_console *c, FILE *out, FILE *err, fh_index_opts *opts)
{
    c->out = out;
    c->err = err;
    c->progress_shown = 0;
    c->name = "fihris-index";
    opts->on_event = fh_console_event;
    opts->event_ctx = c;
}

static void clear_progress(fh_console *c)
{
    if (c->progress_shown) {
        fputs("\r\033[K", c->err);
        c->progress_shown = 0;
    }
}

static void print_message(fh_console *c, const fh_index_event *ev)
{
    fh_buf line = FH_BUF_INIT;
    fh_buf_printf(&line, "%s: ", c->name);
    if (ev->path) {
        fh_escape_terminal(ev->path, ev->path_len, 0, &line);
        fh_buf_puts(&line, ": ");
    }
    fh_buf_puts(&line, ev->text);
    fh_buf_putc(&line, '\n');
    clear_progress(c);
    if (fh_buf_status(&line) == FH_OK)
        fputs(line.data, c->err);
    else
        fprintf(c->err, "%s: out of memory\n", c->name);
    fh_buf_free(&line);
}

static void print_change(fh_console *c, const fh_index_event *ev)
{
    clear_progress(c);
    fh_buf line = FH_BUF_INIT;
    fh_buf_puts(&line, ev->text);
    fh_buf_putc(&line, ' ');
    fh_escape_terminal(ev->path, ev->path_len, 0, &line);
    if (fh_buf_status(&line) == FH_OK)
        fprintf(c->out, "%s\n", line.data);
    fh_buf_free(&line);
}

static void print_progress(fh_console *c, const fh_index_event *ev)
{
    double secs = ev->seconds;
    double rate = secs > 0 ? (double)ev->pages / secs : 0;
    double mb_rate = secs > 0 ? (double)ev->bytes / secs : 0;
    char eta[32] = "--:--";
    if (mb_rate > 0 && ev->bytes_total >= ev->bytes) {
        unsigned long left = (unsigned long)((double)(ev->bytes_total - ev->bytes) / mb_rate);
        snprintf(eta, sizeof eta, "%lu:%02lu", left / 60, left % 60);
    }
    fprintf(c->err, "\r\033[K%s: %llu pages  %llu/%llu files  %.1f/%.1f MB  %.0f pages/s  ETA %s",
            c->name, (unsigned long long)ev->pages, (unsigned long long)ev->files,
            (unsigned long long)ev->files_total, (double)ev->bytes / 1e6,
            (double)ev->bytes_total / 1e6, rate, eta);
    c->progress_shown = 1;
}

void fh_console_event(void *ctx, const fh_index_event *ev)
{
    fh_console *c = ctx;
    switch (ev->kind) {
    case FH_INDEX_EVENT_MESSAGE:
        print_message(c, ev);
        break;
    case FH_INDEX_EVENT_CHANGE:
        print_change(c, ev);
        break;
    case FH_INDEX_EVENT_PROGRESS:
        print_progress(c, ev);
        break;
    case FH_INDEX_EVENT_END:
        clear_progress(c);
        break;
    }
}

int fh_console_exit_code(fh_status status)
{
    switch (status) {
    case FH_OK:
        return FH_EXIT_OK;
    case FH_ERR_INVALID:
        return FH_EXIT_USAGE;
    case FH_ERR_GUARD:
        return FH_EXIT_DATAERR;
    case FH_ERR_NOTFOUND:
        return FH_EXIT_NOINPUT;
    case FH_ERR_OPENING:
    case FH_ERR_CORRUPT:
        return FH_EXIT_CANTCREAT;
    case FH_ERR_LOCKED:
        return FH_EXIT_TEMPFAIL;
    default:
        return FH_EXIT_IOERR;
    }
}
