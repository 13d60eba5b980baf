// SPDX-License-Identifier: GPL-2.0-or-later
// pool.h: the scanning threads (MaxThreads) and their queue (MaxQueue).
#ifndef VIGILD_POOL_H
#define VIGILD_POOL_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <vigil/vigil.h>

struct vgd_engines;
struct vgd_worker;

/*
 * A unit of work. The submitter allocates it; exactly one of run() or
 * drop() (at shutdown, for a job never started) consumes it.
 */
struct vgd_job {
    struct vgd_job *next;
    void (*run)(struct vgd_job *job, struct vgd_worker *w);
    void (*drop)(struct vgd_job *job);
    const char *what;  /* for STATS: "SCAN", "INSTREAM", ... */
    int64_t queued_us; /* when submitted, monotonic */
};

/* One running job, listed for STATS. */
struct vgd_active {
    struct vgd_active *next;
    const char *what;
    int64_t started_us;
};

struct vgd_pool {
    pthread_mutex_t mu;
    pthread_cond_t work; /* a job was queued, or stop/engine change */
    pthread_cond_t room; /* the queue has room */
    pthread_cond_t gone; /* a worker exited */
    struct vgd_job *head, *tail;
    unsigned queued, running, live, idle;
    unsigned max_threads, max_queue, idle_timeout;
    bool stopping;
    struct vgd_active *active;
    struct vgd_engines *engines;
};

/* Each worker keeps one scan object for the engine it last used, and
 * replaces it when a reload swapped the engine. */
struct vgd_worker {
    struct vgd_pool *pool;
    struct vigil_scan *scan;
    uint64_t gen;
};

void vgd_pool_init(struct vgd_pool *p, unsigned max_threads, unsigned max_queue,
                   unsigned idle_timeout, struct vgd_engines *engines);

/**
 * Queue @p job, starting a worker if none is idle and fewer than
 * MaxThreads run. Blocks while MaxQueue jobs are queued or running.
 * @return false when the pool is stopping (then the job is dropped)
 */
bool vgd_pool_submit(struct vgd_pool *p, struct vgd_job *job);

/** Wake idle workers so they release scan objects of a replaced engine. */
void vgd_pool_engine_changed(struct vgd_pool *p);

/** Refuse new jobs and drop the queued ones; running ones go on. */
void vgd_pool_stop(struct vgd_pool *p);

/** Stop, then wait for every worker to exit, and free the pool. */
void vgd_pool_destroy(struct vgd_pool *p);

/** The worker's scan object for the current engine, or NULL (logged). */
struct vigil_scan *vgd_worker_scanner(struct vgd_worker *w);

/** clamd's STATS block (without the END line). Caller frees. */
char *vgd_pool_stats(struct vgd_pool *p);

/** Microseconds on the monotonic clock. */
int64_t vgd_now_us(void);

#endif
