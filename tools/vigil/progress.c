// SPDX-License-Identifier: GPL-2.0-or-later
// progress.c: the one-line progress display of `vigil scan` on a
// terminal: files, bytes, rate, ETA once the walk has counted the total,
// and the file being scanned. Drawn on stderr by the reporter thread only,
// at most 10 times a second, and erased before any result line is
// written, so the two never share a line.
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "common/fmt.h"
#include "pool.h"

struct progress {
    /* Written by the walker, read by the reporter. */
    atomic_uint_fast64_t total_files, total_bytes;
    atomic_bool walk_done;
    /* Reporter only. */
    uint64_t files, bytes;
    double t0, last_draw;
    bool shown;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Interrupted (^C): leave the terminal without a half progress line, then
 * die of the signal as if unhandled. Only async-signal-safe calls. */
static void on_signal(int sig)
{
    static const char clear[] = "\r\033[K";
    ssize_t ignored = write(STDERR_FILENO, clear, sizeof clear - 1);
    (void)ignored; /* nothing to be done if it fails */
    signal(sig, SIG_DFL);
    raise(sig);
}

struct progress *progress_new(void)
{
    struct progress *p = calloc(1, sizeof *p);
    struct sigaction sa;
    if (!p)
        return NULL;
    p->t0 = now_s();
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    return p;
}

void progress_free(struct progress **pp)
{
    if (*pp)
        progress_clear(*pp);
    free(*pp);
    *pp = NULL;
}

void progress_found(struct progress *p, uint64_t size)
{
    atomic_fetch_add(&p->total_files, 1);
    atomic_fetch_add(&p->total_bytes, size);
}

void progress_walk_done(struct progress *p)
{
    atomic_store(&p->walk_done, true);
}

void progress_clear(struct progress *p)
{
    if (!p || !p->shown)
        return;
    fputs("\r\033[K", stderr);
    fflush(stderr);
    p->shown = false;
}

static unsigned term_width(void)
{
    struct winsize ws;
    if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 40)
        return ws.ws_col;
    return 80;
}

/* "1h02m", "3m05s", "12s" */
static void fmt_eta(char *buf, size_t n, double secs)
{
    unsigned long s = (unsigned long)(secs + 0.5);
    if (s >= 3600)
        snprintf(buf, n, "%luh%02lum", s / 3600, s / 60 % 60);
    else if (s >= 60)
        snprintf(buf, n, "%lum%02lus", s / 60, s % 60);
    else
        snprintf(buf, n, "%lus", s);
}

/* The counters part: "1234 files, 56.7 MiB, 89.0 MiB/s, ETA 12s". */
static void fmt_counts(const struct progress *p, double el, char *buf, size_t n)
{
    char done[32], rate[32], eta[48] = "";
    double bps = el > 0 ? (double)p->bytes / el : 0;
    uint64_t total = atomic_load(&p->total_bytes);
    vigil_fmt_bytes(done, sizeof done, p->bytes);
    vigil_fmt_bytes(rate, sizeof rate, (uint64_t)bps);
    if (atomic_load(&p->walk_done) && bps > 0 && total >= p->bytes) {
        char t[32];
        fmt_eta(t, sizeof t, (double)(total - p->bytes) / bps);
        snprintf(eta, sizeof eta, ", ETA %s", t);
    }
    snprintf(buf, n, "%llu/%llu files, %s, %s/s%s",
             (unsigned long long)p->files,
             (unsigned long long)atomic_load(&p->total_files), done, rate, eta);
}

static void draw(struct progress *p, const char *cur)
{
    char counts[256];
    unsigned w = term_width() - 1, used;
    size_t cl = strlen(cur);
    fmt_counts(p, now_s() - p->t0, counts, sizeof counts);
    used = (unsigned)strlen(counts);
    fprintf(stderr, "\r\033[K%.*s", (int)w, counts);
    /* The current file, its tail when too long: the name matters most. */
    if (cl && used + 8 < w) {
        unsigned room = w - used - 2;
        if (cl > room)
            fprintf(stderr, "  ...%s", cur + cl - (room - 3));
        else
            fprintf(stderr, "  %s", cur);
    }
    fflush(stderr);
    p->shown = true;
}

void progress_count(struct progress *p, uint64_t size)
{
    p->files++;
    p->bytes += size;
}

void progress_tick(struct progress *p, const char *cur)
{
    double t = now_s();
    if (t - p->last_draw < 0.1)
        return;
    p->last_draw = t;
    draw(p, cur ? cur : "");
}
