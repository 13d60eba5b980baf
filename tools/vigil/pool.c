// SPDX-License-Identifier: GPL-2.0-or-later
// pool.c: the work queue, the scanning workers and the in-order
// reporter of `vigil scan` (docs/internals/CLI-SCAN.md).
//
// Items get a sequence number in walk order. Files go to a FIFO that any
// idle worker takes from, so one big file occupies one worker while the
// others go on; everything else is complete when submitted. The reporter
// prints item `next` once it is done. Two bounds keep memory and file
// descriptors finite: at most WINDOW items between the walker and the
// reporter, and at most QUEUE_MAX files waiting for a worker (each may
// hold its directory open).
//
// Hand-offs are batched, because a futex wake-up costs about as much as
// scanning a small file (measured: 15% of a -j1 scan of /usr went to
// wake-ups when every file woke two threads). The walker, once blocked,
// is woken only when half the queue or window has drained; the reporter
// polls every REPORT_POLL_MS instead of being woken per file. With one
// job there are no threads at all: the walker scans and reports inline.
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "pool.h"

#define WINDOW 8192u
#define QUEUE_MAX 256u
#define REPORT_POLL_MS 10

struct pool {
    struct scan_run *run;
    pthread_mutex_t mu;
    pthread_cond_t work_cv;  /* workers: queue not empty, or closing */
    pthread_cond_t done_cv;  /* reporter: item `next` done, or closing */
    pthread_cond_t space_cv; /* walker: room in the window and queue */
    bool walker_waiting;     /* the walker sleeps on space_cv */
    struct item *ring[WINDOW];
    uint64_t issued, next; /* seq of the next submit / the next report */
    struct item *qhead, *qtail;
    unsigned qlen;
    bool closing;
    unsigned nworkers;
    pthread_t *workers;
    struct vigil_scan **scans;
    pthread_t reporter;
    bool reporter_started;
    bool inline_mode; /* one job: the walker scans and reports itself */
    unsigned flags;
};

struct dirh *dirh_new(int fd)
{
    struct dirh *d = malloc(sizeof *d);
    if (!d)
        return NULL;
    d->fd = fd;
    atomic_init(&d->refs, 1);
    return d;
}

struct dirh *dirh_ref(struct dirh *d)
{
    atomic_fetch_add(&d->refs, 1);
    return d;
}

void dirh_unref(struct dirh **dp)
{
    struct dirh *d = *dp;
    *dp = NULL;
    if (d && atomic_fetch_sub(&d->refs, 1) == 1) {
        close(d->fd);
        free(d);
    }
}

struct item *item_new(enum item_kind kind, const char *path)
{
    struct item *it = calloc(1, sizeof *it);
    if (!it)
        return NULL;
    it->kind = kind;
    if (!(it->path = strdup(path))) {
        free(it);
        return NULL;
    }
    it->name = it->path;
    return it;
}

void item_free(struct item *it)
{
    if (!it)
        return;
    dirh_unref(&it->dir);
    for (size_t i = 0; i < it->n_names; i++)
        free(it->names[i]);
    free(it->names);
    free(it->path);
    free(it);
}

/* ---- workers ---------------------------------------------------------- */

static int open_status(int e)
{
    if (e == ENOENT || e == ENOTDIR)
        return VIGIL_E_NOENT;
    if (e == EACCES || e == EPERM)
        return VIGIL_E_ACCESS;
    return VIGIL_E_IO; /* ELOOP too: the entry turned into a symlink */
}

static int open_item(struct item *it)
{
    int flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK;
    if (!it->follow)
        flags |= O_NOFOLLOW;
    if (it->dir)
        return openat(it->dir->fd, it->name, flags);
    return open(it->path, flags);
}

static int keep_names(struct item *it, const struct vigil_result *res)
{
    if (res->verdict != VIGIL_FOUND)
        return VIGIL_OK;
    it->found = true;
    if (!(it->names =
              calloc(res->n_names ? res->n_names : 1, sizeof *it->names)))
        return VIGIL_E_NOMEM;
    for (size_t i = 0; i < res->n_names; i++, it->n_names++)
        if (!(it->names[i] = strdup(res->names[i])))
            return VIGIL_E_NOMEM;
    return VIGIL_OK;
}

/* Scan one file or stdin; the outcome goes into the item. */
static void scan_item(struct vigil_scan *scan, unsigned flags, struct item *it)
{
    struct vigil_result res;
    struct stat st;
    int fd = it->kind == ITEM_STDIN ? STDIN_FILENO : open_item(it);
    if (fd < 0) {
        it->status = open_status(errno);
        dirh_unref(&it->dir);
        return;
    }
    dirh_unref(&it->dir); /* the open fd is all we need now */
    if (it->kind == ITEM_FILE &&
        (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))) {
        it->status = VIGIL_E_ARG; /* replaced since the walker saw it */
    } else {
        /* --move refuses a file changed between this scan and the move */
        it->seen = st;
        it->have_seen = it->kind == ITEM_FILE;
        it->status = vigil_scan_fd(scan, fd, flags, &res);
        if (it->status == VIGIL_OK) {
            it->bytes_scanned = res.bytes_scanned;
            it->limits = res.limits;
            it->status = keep_names(it, &res);
        }
    }
    if (fd != STDIN_FILENO)
        close(fd);
}

/* Wake the walker once half the queue and the window have drained, not
 * at every free slot. Called with the lock held. */
static void wake_walker(struct pool *p)
{
    if (p->walker_waiting && p->qlen <= QUEUE_MAX / 2 &&
        p->issued - p->next <= WINDOW / 2) {
        p->walker_waiting = false;
        pthread_cond_signal(&p->space_cv);
    }
}

struct worker_arg {
    struct pool *p;
    struct vigil_scan *scan;
};

static struct item *take_work(struct pool *p)
{
    struct item *it;
    pthread_mutex_lock(&p->mu);
    while (!p->qhead && !p->closing)
        pthread_cond_wait(&p->work_cv, &p->mu);
    it = p->qhead;
    if (it) {
        p->qhead = it->next;
        if (!p->qhead)
            p->qtail = NULL;
        p->qlen--;
        wake_walker(p);
    }
    pthread_mutex_unlock(&p->mu);
    return it;
}

static void mark_done(struct pool *p, struct item *it)
{
    pthread_mutex_lock(&p->mu);
    it->done = true;
    /* The reporter polls; wake it early only when the walker is stuck on
     * a full window. */
    if (it->seq == p->next && p->walker_waiting)
        pthread_cond_signal(&p->done_cv);
    pthread_mutex_unlock(&p->mu);
}

static void *worker_main(void *arg)
{
    struct pool *p = ((struct worker_arg *)arg)->p;
    struct vigil_scan *scan = ((struct worker_arg *)arg)->scan;
    struct item *it;
    free(arg);
    while ((it = take_work(p)) != NULL) {
        scan_item(scan, p->flags, it);
        mark_done(p, it);
    }
    return NULL;
}

/* ---- reporter --------------------------------------------------------- */

static void deadline_in(struct timespec *ts, long ms)
{
    clock_gettime(CLOCK_REALTIME, ts);
    ts->tv_nsec += ms * 1000000L;
    if (ts->tv_nsec >= 1000000000L) {
        ts->tv_sec++;
        ts->tv_nsec -= 1000000000L;
    }
}

/* Wait for the next item in walk order, polling every REPORT_POLL_MS;
 * keep the progress line alive with the file being waited for.
 * @return NULL at the end */
static struct item *next_done(struct pool *p)
{
    struct item *it = NULL;
    struct progress *pr = p->run->progress;
    char cur[512];
    pthread_mutex_lock(&p->mu);
    for (;;) {
        struct item *head =
            p->next < p->issued ? p->ring[p->next % WINDOW] : NULL;
        struct timespec ts;
        if (head && head->done) {
            it = head;
            p->ring[p->next++ % WINDOW] = NULL;
            wake_walker(p);
            break;
        }
        if (!head && p->closing)
            break;
        deadline_in(&ts, REPORT_POLL_MS);
        if (pthread_cond_timedwait(&p->done_cv, &p->mu, &ts) != ETIMEDOUT ||
            !pr)
            continue;
        cur[0] = '\0';
        if (head)
            snprintf(cur, sizeof cur, "%s", head->path);
        pthread_mutex_unlock(&p->mu);
        progress_tick(pr, cur);
        pthread_mutex_lock(&p->mu);
    }
    pthread_mutex_unlock(&p->mu);
    return it;
}

static void *reporter_main(void *arg)
{
    struct pool *p = arg;
    struct item *it;
    while ((it = next_done(p)) != NULL) {
        report_item(p->run, it);
        item_free(it);
    }
    return NULL;
}

/* ---- lifecycle -------------------------------------------------------- */

static int start_workers(struct pool *p, struct vigil_engine *eng)
{
    for (unsigned i = 0; i < p->nworkers; i++) {
        struct worker_arg *a = malloc(sizeof *a);
        if (!a || vigil_scan_new(&p->scans[i], eng) != VIGIL_OK ||
            vigil_scan_set_limits(p->scans[i], &p->run->opts->limits) !=
                VIGIL_OK) {
            free(a);
            return -1;
        }
        a->p = p;
        a->scan = p->scans[i];
        if (pthread_create(&p->workers[i], NULL, worker_main, a) != 0) {
            vigil_scan_free(&p->scans[i]);
            free(a);
            return -1;
        }
    }
    return 0;
}

/* One job: no threads, one scan object used by the walker itself. */
static int start_inline(struct pool *p, struct vigil_engine *eng)
{
    p->inline_mode = true;
    if (vigil_scan_new(&p->scans[0], eng) != VIGIL_OK ||
        vigil_scan_set_limits(p->scans[0], &p->run->opts->limits) != VIGIL_OK)
        return -1;
    return 0;
}

int pool_start(struct scan_run *run, struct vigil_engine *eng, unsigned jobs)
{
    struct pool *p = calloc(1, sizeof *p);
    if (!p)
        return -1;
    run->pool = p;
    p->run = run;
    p->flags = (run->opts->allmatch ? VIGIL_SCAN_ALLMATCH : 0) |
               run->opts->alert_flags;
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_cond_init(&p->done_cv, NULL);
    pthread_cond_init(&p->space_cv, NULL);
    p->workers = calloc(jobs, sizeof *p->workers);
    p->scans = calloc(jobs, sizeof *p->scans);
    if (!p->workers || !p->scans)
        return -1;
    p->nworkers = jobs;
    if (jobs == 1)
        return start_inline(p, eng);
    if (start_workers(p, eng) != 0)
        return -1;
    if (pthread_create(&p->reporter, NULL, reporter_main, p) != 0)
        return -1;
    p->reporter_started = true;
    return 0;
}

static void submit_inline(struct pool *p, struct item *it)
{
    it->seq = p->issued++;
    if (it->kind == ITEM_FILE || it->kind == ITEM_STDIN)
        scan_item(p->scans[0], p->flags, it);
    it->done = true;
    p->next = p->issued;
    report_item(p->run, it);
    item_free(it);
}

void pool_submit(struct pool *p, struct item *it)
{
    bool work = it->kind == ITEM_FILE || it->kind == ITEM_STDIN;
    if (p->inline_mode) {
        submit_inline(p, it);
        return;
    }
    pthread_mutex_lock(&p->mu);
    while (p->issued - p->next >= WINDOW || (work && p->qlen >= QUEUE_MAX)) {
        p->walker_waiting = true;
        pthread_cond_signal(&p->done_cv); /* drain the window now */
        pthread_cond_wait(&p->space_cv, &p->mu);
    }
    it->seq = p->issued++;
    p->ring[it->seq % WINDOW] = it;
    if (work) {
        it->next = NULL;
        if (p->qtail)
            p->qtail->next = it;
        else
            p->qhead = it;
        p->qtail = it;
        p->qlen++;
        pthread_cond_signal(&p->work_cv);
    } else {
        it->done = true;
    }
    pthread_mutex_unlock(&p->mu);
}

/* Stops and frees everything pool_start() made, also a half-made pool:
 * threads not started have a NULL scan (workers) or the flag unset. */
void pool_finish(struct scan_run *run)
{
    struct pool *p = run->pool;
    if (!p)
        return;
    pthread_mutex_lock(&p->mu);
    p->closing = true;
    pthread_cond_broadcast(&p->work_cv);
    pthread_cond_broadcast(&p->done_cv);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < p->nworkers && !p->inline_mode; i++)
        if (p->scans && p->scans[i])
            pthread_join(p->workers[i], NULL);
    if (p->reporter_started)
        pthread_join(p->reporter, NULL);
    for (unsigned i = 0; i < p->nworkers && p->scans; i++)
        vigil_scan_free(&p->scans[i]);
    free(p->scans);
    free(p->workers);
    pthread_cond_destroy(&p->work_cv);
    pthread_cond_destroy(&p->done_cv);
    pthread_cond_destroy(&p->space_cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
    run->pool = NULL;
}
