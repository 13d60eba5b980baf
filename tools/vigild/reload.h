// SPDX-License-Identifier: GPL-2.0-or-later
// reload.h: the serving engine, and its replacement on RELOAD, SIGUSR2
// or a changed database directory (SelfCheck).
#ifndef VIGILD_RELOAD_H
#define VIGILD_RELOAD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vigil/vigil.h>

struct vgd_pool;

/*
 * The engine in service. Readers take a reference under the mutex and
 * scan without it; a reload swaps the pointer under the mutex and drops
 * the holder's reference, so the old engine is freed when its last scan
 * ends. gen counts swaps: workers compare it without the lock.
 */
struct vgd_engines {
    pthread_mutex_t mu;
    struct vigil_engine *cur;
    atomic_uint_fast64_t gen;
    char version[96]; /* the VERSION reply, without terminator */
    char *dbdir;
    char *cache_dir; /* compiled-database cache; NULL: the library's */
    enum vigil_log_level lib_level; /* the library's log threshold */
};

/** Load the first engine from @p dbdir through the compiled-database
 *  cache @p cache_dir. @return 0, or -1 (logged). */
int vgd_engines_init(struct vgd_engines *e, const char *dbdir,
                     const char *cache_dir, enum vigil_log_level lib_level);
void vgd_engines_free(struct vgd_engines *e);

/** A new reference to the engine in service; *@p gen its generation. */
struct vigil_engine *vgd_engines_get(struct vgd_engines *e, uint64_t *gen);
uint64_t vgd_engines_gen(struct vgd_engines *e);

/** "ClamAV 1.4.6[/DBVER/DBDATE]" into @p out. */
void vgd_engines_version(struct vgd_engines *e, char *out, size_t n);

struct vgd_reloader {
    pthread_t th;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool requested, stopping, started;
    unsigned self_check; /* seconds; 0: off */
    uint64_t stamp;      /* fingerprint of the database directory */
    struct vgd_engines *engines;
    struct vgd_pool *pool;
};

/** Start the reload thread. @return 0 or -1. */
int vgd_reloader_start(struct vgd_reloader *r, struct vgd_engines *e,
                       struct vgd_pool *pool, unsigned self_check);

/** Ask for a reload (coalesced with one already pending). Thread-safe;
 *  not async-signal-safe (the signal thread calls it). */
void vgd_reload_request(struct vgd_reloader *r, const char *why);

void vgd_reloader_stop(struct vgd_reloader *r);

#endif
