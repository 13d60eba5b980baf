// SPDX-License-Identifier: GPL-2.0-or-later
// pool.c: worker threads, started on demand up to MaxThreads; a worker
// idle for IdleTimeout seconds exits, as in clamd's thrmgr.
#include "pool.h"

#include <errno.h>
#include <malloc.h>
#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "reload.h"

int64_t vgd_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void vgd_pool_init(struct vgd_pool *p, unsigned max_threads, unsigned max_queue,
                   unsigned idle_timeout, struct vgd_engines *engines)
{
    pthread_condattr_t ca;
    memset(p, 0, sizeof *p);
    pthread_mutex_init(&p->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&p->work, &ca);
    pthread_condattr_destroy(&ca);
    pthread_cond_init(&p->room, NULL);
    pthread_cond_init(&p->gone, NULL);
    p->max_threads = max_threads;
    p->max_queue = max_queue;
    p->idle_timeout = idle_timeout ? idle_timeout : 1;
    p->engines = engines;
}

struct vigil_scan *vgd_worker_scanner(struct vgd_worker *w)
{
    struct vigil_engine *eng;
    uint64_t gen;
    int ret;
    if (w->scan && vgd_engines_gen(w->pool->engines) == w->gen)
        return w->scan;
    eng = vgd_engines_get(w->pool->engines, &gen);
    vigil_scan_free(&w->scan); /* drops the old engine's reference */
    ret = vigil_scan_new(&w->scan, eng);
    vigil_engine_unref(&eng);
    if (ret != VIGIL_OK) {
        vgd_log(VGD_ERROR, "cannot create a scanner: %s", vigil_strerror(ret));
        return NULL;
    }
    w->gen = gen;
    return w->scan;
}

/* A worker idle after a reload holds a scan object, and so a reference
 * to the old engine: let it go so the old engine is freed now. */
static void release_stale(struct vgd_worker *w)
{
    if (w->scan && vgd_engines_gen(w->pool->engines) != w->gen)
        vigil_scan_free(&w->scan);
}

static struct vgd_job *take_job(struct vgd_pool *p)
{
    struct vgd_job *job = p->head;
    p->head = job->next;
    if (!p->head)
        p->tail = NULL;
    p->queued--;
    p->running++;
    return job;
}

/* Wait for a job. @return NULL when the worker should exit. Called and
 * returns with p->mu held. */
static struct vgd_job *wait_job(struct vgd_pool *p, struct vgd_worker *w)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += p->idle_timeout;
    while (!p->head && !p->stopping) {
        int rc;
        p->idle++;
        rc = pthread_cond_timedwait(&p->work, &p->mu, &until);
        p->idle--;
        pthread_mutex_unlock(&p->mu);
        release_stale(w);
        pthread_mutex_lock(&p->mu);
        if (rc == ETIMEDOUT && !p->head)
            return NULL;
    }
    return p->head && !p->stopping ? take_job(p) : NULL;
}

static void run_job(struct vgd_pool *p, struct vgd_worker *w,
                    struct vgd_job *job)
{
    struct vgd_active act = {p->active, job->what, vgd_now_us()};
    p->active = &act;
    pthread_mutex_unlock(&p->mu);
    job->run(job, w);
    pthread_mutex_lock(&p->mu);
    for (struct vgd_active **a = &p->active; *a; a = &(*a)->next)
        if (*a == &act) {
            *a = act.next;
            break;
        }
    p->running--;
    pthread_cond_signal(&p->room);
}

static void *worker_main(void *arg)
{
    struct vgd_pool *p = arg;
    struct vgd_worker w = {p, NULL, 0};
    struct vgd_job *job;
    pthread_mutex_lock(&p->mu);
    while ((job = wait_job(p, &w)) != NULL)
        run_job(p, &w, job);
    pthread_mutex_unlock(&p->mu);
    /* Release everything this thread holds, OpenSSL's per-thread state
     * included, before saying it is gone: the process may exit as soon
     * as the last worker is counted out. */
    vigil_scan_free(&w.scan);
    OPENSSL_thread_stop();
    pthread_mutex_lock(&p->mu);
    p->live--;
    pthread_cond_broadcast(&p->gone);
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

/* Called with p->mu held. */
static void maybe_spawn(struct vgd_pool *p)
{
    pthread_attr_t attr;
    pthread_t th;
    if (p->idle >= p->queued || p->live >= p->max_threads)
        return;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&th, &attr, worker_main, p) == 0)
        p->live++;
    else if (p->live == 0)
        vgd_log(VGD_ERROR, "cannot start a worker thread");
    pthread_attr_destroy(&attr);
}

bool vgd_pool_submit(struct vgd_pool *p, struct vgd_job *job)
{
    pthread_mutex_lock(&p->mu);
    while (!p->stopping && p->queued + p->running >= p->max_queue)
        pthread_cond_wait(&p->room, &p->mu);
    if (p->stopping) {
        pthread_mutex_unlock(&p->mu);
        job->drop(job);
        return false;
    }
    job->next = NULL;
    job->queued_us = vgd_now_us();
    if (p->tail)
        p->tail->next = job;
    else
        p->head = job;
    p->tail = job;
    p->queued++;
    maybe_spawn(p);
    pthread_cond_signal(&p->work);
    pthread_mutex_unlock(&p->mu);
    return true;
}

void vgd_pool_engine_changed(struct vgd_pool *p)
{
    pthread_mutex_lock(&p->mu);
    pthread_cond_broadcast(&p->work);
    pthread_mutex_unlock(&p->mu);
}

void vgd_pool_stop(struct vgd_pool *p)
{
    struct vgd_job *job;
    pthread_mutex_lock(&p->mu);
    p->stopping = true;
    job = p->head;
    p->head = p->tail = NULL;
    p->queued = 0;
    pthread_cond_broadcast(&p->work);
    pthread_cond_broadcast(&p->room);
    pthread_mutex_unlock(&p->mu);
    while (job) {
        struct vgd_job *next = job->next;
        job->drop(job);
        job = next;
    }
}

void vgd_pool_destroy(struct vgd_pool *p)
{
    vgd_pool_stop(p);
    pthread_mutex_lock(&p->mu);
    while (p->live > 0)
        pthread_cond_wait(&p->gone, &p->mu);
    pthread_mutex_unlock(&p->mu);
    pthread_cond_destroy(&p->work);
    pthread_cond_destroy(&p->room);
    pthread_cond_destroy(&p->gone);
    pthread_mutex_destroy(&p->mu);
}

/* " min_wait: ... max_wait: ... avg_wait: ..." for the queued jobs. */
static void queue_waits(const struct vgd_pool *p, int64_t now, char *out,
                        size_t n)
{
    int64_t lo = INT64_MAX, hi = 0, sum = 0;
    unsigned cnt = 0;
    out[0] = '\0';
    for (const struct vgd_job *j = p->head; j; j = j->next, cnt++) {
        int64_t d = now - j->queued_us;
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
        sum += d;
    }
    if (cnt)
        snprintf(out, n, " min_wait: %.6f max_wait: %.6f avg_wait: %.6f",
                 (double)lo / 1e6, (double)hi / 1e6, (double)sum / (1e6 * cnt));
}

static size_t active_lines(const struct vgd_pool *p, int64_t now, char *out,
                           size_t n)
{
    size_t used = 0;
    for (const struct vgd_active *a = p->active; a && used < n; a = a->next) {
        int w = snprintf(out + used, n - used, "\t%s %f \n", a->what,
                         (double)(now - a->started_us) / 1e6);
        if (w < 0 || (size_t)w >= n - used)
            break;
        used += (size_t)w;
    }
    return used;
}

char *vgd_pool_stats(struct vgd_pool *p)
{
    size_t cap = 4096, used;
    char *out = malloc(cap), waits[128];
    struct mallinfo2 mi = mallinfo2();
    int64_t now = vgd_now_us();
    const double mb = 1024.0 * 1024.0;
    if (!out)
        return NULL;
    pthread_mutex_lock(&p->mu);
    queue_waits(p, now, waits, sizeof waits);
    used = (size_t)snprintf(out, cap,
                            "POOLS: 1\n\nSTATE: VALID PRIMARY\n"
                            "THREADS: live %u  idle %u max %u idle-timeout %u"
                            "\nQUEUE: %u items%s\n",
                            p->live, p->idle, p->max_threads, p->idle_timeout,
                            p->queued, waits);
    used += active_lines(p, now, out + used, cap - used - 256);
    pthread_mutex_unlock(&p->mu);
    snprintf(out + used, cap - used,
             "\nMEMSTATS: heap %.3fM mmap %.3fM used %.3fM free %.3fM "
             "releasable %.3fM pools 1 pools_used %.3fM pools_total %.3fM\n",
             (double)mi.arena / mb, (double)mi.hblkhd / mb,
             (double)mi.uordblks / mb, (double)mi.fordblks / mb,
             (double)mi.keepcost / mb, (double)(mi.uordblks + mi.hblkhd) / mb,
             (double)(mi.arena + mi.hblkhd) / mb);
    return out;
}
