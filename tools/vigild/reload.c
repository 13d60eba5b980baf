// SPDX-License-Identifier: GPL-2.0-or-later
// reload.c: builds a new engine off the serving path and swaps it in.
//
// An engine is the database directory's compiled file, mapped
// (docs/internals/COMPILED-DB.md): a child process compiles it into the
// cache when the sources changed, so the daemon never holds a second set
// of uncompiled tables; during a swap the old and the new mapping both
// live, but only the pages scans touch count. Scans in flight keep their
// reference; the old mapping goes at its last user.
#include "reload.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db/vdb.h"
#include "log.h"
#include "pool.h"
#include "proto.h"
#include "util/strparse.h"

static double seconds_since(int64_t t0_us)
{
    return (double)(vgd_now_us() - t0_us) / 1e6;
}

/* The one place that turns the database directory into an engine: the
 * compiled file for it, from the cache (compiled in a child process when
 * missing, so the daemon never holds uncompiled tables), mapped. */
static int build_engine(const struct vgd_engines *e, struct vigil_engine **out)
{
    struct vigil_settings set = {vgd_log_lib, NULL, e->lib_level, false};
    struct vigil_engine *eng = NULL;
    const char *dbdir = e->dbdir;
    int64_t t0 = vgd_now_us();
    int ret = vigil_engine_new(&eng, &set);
    if (ret == VIGIL_OK &&
        (ret = vigil_engine_load_cached(eng, &dbdir, 1, e->cache_dir,
                                        VIGIL_LOAD_COMPILE_IN_CHILD)))
        vgd_log(VGD_ERROR, "cannot load %s: %s", dbdir,
                *vigil_engine_last_error(eng) ? vigil_engine_last_error(eng)
                                              : vigil_strerror(ret));
    if (ret != VIGIL_OK) {
        vigil_engine_unref(&eng);
        return -1;
    }
    vgd_log(VGD_INFO, "loaded %zu signatures from %s in %.2f s",
            vigil_engine_signature_count(eng), dbdir, seconds_since(t0));
    *out = eng;
    return 0;
}

/* clamd's VERSION shows the version and build time of the CVD it loaded
 * (daily, normally): read them from the container's 512-byte header,
 * "ClamAV-VDB:date:version:sigs:flevel:md5:dsig:builder:stime". */
static bool cvd_header(const char *dbdir, const char *name, uint64_t *ver,
                       uint64_t *stime)
{
    char path[4096], hdr[513];
    struct vigil_str f[9];
    ssize_t n;
    int fd;
    snprintf(path, sizeof path, "%s/%s", dbdir, name);
    if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
        return false;
    n = read(fd, hdr, 512);
    close(fd);
    if (n < 64)
        return false;
    while (n > 0 && (hdr[n - 1] == ' ' || hdr[n - 1] == '\0'))
        n--;
    if (vigil_str_split(vigil_str_make(hdr, (size_t)n), ':', f, 9) != 9 ||
        !vigil_str_eq(f[0], "ClamAV-VDB"))
        return false;
    return vigil_str_to_u64(f[2], UINT32_MAX, ver) == 0 &&
           vigil_str_to_u64(f[8], UINT32_MAX, stime) == 0;
}

static void make_version(const char *dbdir, char *out, size_t n)
{
    static const char *const names[] = {"daily.cld", "daily.cvd", "main.cld",
                                        "main.cvd"};
    uint64_t ver, stime;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (cvd_header(dbdir, names[i], &ver, &stime)) {
            time_t t = (time_t)stime;
            char date[64];
            struct tm tm;
            localtime_r(&t, &tm);
            strftime(date, sizeof date, "%a %b %e %H:%M:%S %Y", &tm);
            snprintf(out, n, "ClamAV " VGD_CLAMAV_VERSION "/%u/%s",
                     (unsigned)ver, date);
            return;
        }
    }
    snprintf(out, n, "ClamAV " VGD_CLAMAV_VERSION);
}

int vgd_engines_init(struct vgd_engines *e, const char *dbdir,
                     const char *cache_dir, enum vigil_log_level lib_level)
{
    memset(e, 0, sizeof *e);
    pthread_mutex_init(&e->mu, NULL);
    atomic_init(&e->gen, 1);
    e->lib_level = lib_level;
    if (!(e->dbdir = strdup(dbdir)) ||
        (cache_dir && !(e->cache_dir = strdup(cache_dir))))
        return -1;
    make_version(dbdir, e->version, sizeof e->version);
    return build_engine(e, &e->cur);
}

void vgd_engines_free(struct vgd_engines *e)
{
    vigil_engine_unref(&e->cur);
    free(e->dbdir);
    free(e->cache_dir);
    e->dbdir = e->cache_dir = NULL;
    pthread_mutex_destroy(&e->mu);
}

struct vigil_engine *vgd_engines_get(struct vgd_engines *e, uint64_t *gen)
{
    struct vigil_engine *eng;
    pthread_mutex_lock(&e->mu);
    eng = vigil_engine_ref(e->cur);
    *gen = atomic_load(&e->gen);
    pthread_mutex_unlock(&e->mu);
    return eng;
}

uint64_t vgd_engines_gen(struct vgd_engines *e)
{
    return atomic_load(&e->gen);
}

void vgd_engines_version(struct vgd_engines *e, char *out, size_t n)
{
    pthread_mutex_lock(&e->mu);
    snprintf(out, n, "%s", e->version);
    pthread_mutex_unlock(&e->mu);
}

/* Swap in @p eng; the old engine lives on in the scans that hold it. */
static void swap_engine(struct vgd_engines *e, struct vigil_engine *eng,
                        const char *version)
{
    struct vigil_engine *old;
    pthread_mutex_lock(&e->mu);
    old = e->cur;
    e->cur = eng;
    snprintf(e->version, sizeof e->version, "%s", version);
    atomic_fetch_add(&e->gen, 1);
    pthread_mutex_unlock(&e->mu);
    vigil_engine_unref(&old);
}

static uint64_t mix(uint64_t h, uint64_t v)
{
    h ^= v + 0x9e3779b97f4a7c15u + (h << 6) + (h >> 2);
    return h;
}

static uint64_t name_hash(const char *s)
{
    uint64_t h = 1469598103934665603u;
    while (*s)
        h = (h ^ (unsigned char)*s++) * 1099511628211u;
    return h;
}

/* A fingerprint of the directory's files: names, sizes, times, inodes.
 * Entries are combined with + so readdir order does not matter. */
static uint64_t dir_stamp(const char *dbdir)
{
    DIR *d = opendir(dbdir);
    struct dirent *de;
    uint64_t sum = 0;
    if (!d)
        return 0;
    while ((de = readdir(d)) != NULL) {
        struct stat st;
        uint64_t h;
        if (de->d_name[0] == '.' || fstatat(dirfd(d), de->d_name, &st, 0) != 0)
            continue;
        h = mix(name_hash(de->d_name), (uint64_t)st.st_size);
        h = mix(h, (uint64_t)st.st_mtim.tv_sec * 1000000000u +
                       (uint64_t)st.st_mtim.tv_nsec);
        sum += mix(h, (uint64_t)st.st_ino);
    }
    closedir(d);
    return sum;
}

/* Both engines mapped from the same compiled content: nothing changed. */
static bool same_database(struct vgd_engines *e, const struct vigil_engine *eng)
{
    const struct vg_vdb_header *a, *b;
    bool same;
    pthread_mutex_lock(&e->mu);
    a = vg_vdb_header_of(e->cur);
    b = vg_vdb_header_of(eng);
    same = a && b && memcmp(a->body_sha256, b->body_sha256, 32) == 0;
    pthread_mutex_unlock(&e->mu);
    return same;
}

static void do_reload(struct vgd_reloader *r)
{
    struct vgd_engines *e = r->engines;
    struct vigil_engine *eng = NULL;
    char version[sizeof e->version];
    uint64_t stamp = dir_stamp(e->dbdir);
    int64_t t0 = vgd_now_us();
    vgd_log(VGD_INFO, "reloading the database from %s", e->dbdir);
    if (build_engine(e, &eng) != 0) {
        vgd_log(VGD_ERROR, "database reload failed, keeping the previous "
                           "instance");
        r->stamp = stamp; /* retry when the directory changes again */
        return;
    }
    if (same_database(e, eng)) {
        /* Keep the engine in service (and the pages scans touched). */
        vigil_engine_unref(&eng);
        r->stamp = stamp;
        vgd_log(VGD_INFO, "database unchanged, kept (%.2f s)",
                seconds_since(t0));
        return;
    }
    make_version(e->dbdir, version, sizeof version);
    swap_engine(e, eng, version);
    r->stamp = stamp;
    vgd_pool_engine_changed(r->pool);
    vgd_log(VGD_INFO, "database reloaded in %.2f s", seconds_since(t0));
}

/* Wait for a request or the SelfCheck interval. Called with r->mu held.
 * @return true when a reload is due */
static bool wait_due(struct vgd_reloader *r)
{
    struct timespec until;
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += r->self_check ? r->self_check : 3600;
    while (!r->requested && !r->stopping)
        if (pthread_cond_timedwait(&r->cv, &r->mu, &until) == ETIMEDOUT)
            break;
    if (r->stopping)
        return false;
    if (!r->requested && r->self_check) {
        uint64_t now;
        pthread_mutex_unlock(&r->mu);
        now = dir_stamp(r->engines->dbdir);
        pthread_mutex_lock(&r->mu);
        if (now != r->stamp) {
            vgd_log(VGD_INFO, "SelfCheck: the database directory changed");
            r->requested = true;
        }
    }
    return r->requested;
}

static void *reloader_main(void *arg)
{
    struct vgd_reloader *r = arg;
    pthread_mutex_lock(&r->mu);
    while (!r->stopping) {
        if (!wait_due(r))
            continue;
        r->requested = false;
        pthread_mutex_unlock(&r->mu);
        do_reload(r);
        pthread_mutex_lock(&r->mu);
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

int vgd_reloader_start(struct vgd_reloader *r, struct vgd_engines *e,
                       struct vgd_pool *pool, unsigned self_check)
{
    pthread_condattr_t ca;
    memset(r, 0, sizeof *r);
    pthread_mutex_init(&r->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cv, &ca);
    pthread_condattr_destroy(&ca);
    r->engines = e;
    r->pool = pool;
    r->self_check = self_check;
    r->stamp = dir_stamp(e->dbdir);
    if (pthread_create(&r->th, NULL, reloader_main, r) != 0) {
        vgd_log(VGD_ERROR, "cannot start the reload thread");
        return -1;
    }
    r->started = true;
    if (self_check)
        vgd_log(VGD_INFO, "SelfCheck: checking the database every %u s",
                self_check);
    return 0;
}

void vgd_reload_request(struct vgd_reloader *r, const char *why)
{
    vgd_log(VGD_INFO, "reload requested (%s)", why);
    pthread_mutex_lock(&r->mu);
    r->requested = true;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
}

void vgd_reloader_stop(struct vgd_reloader *r)
{
    if (!r->started)
        return;
    pthread_mutex_lock(&r->mu);
    r->stopping = true;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->th, NULL);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    r->started = false;
}
