// SPDX-License-Identifier: GPL-2.0-or-later
// jobs.c: SCAN, CONTSCAN, ALLMATCHSCAN, MULTISCAN, INSTREAM and FILDES
// jobs, answering in clamd's words.
#include "jobs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"
#include "pool.h"
#include "vigild.h"
#include "walk.h"

enum outcome { OC_CLEAN, OC_FOUND, OC_ERROR };

/* What a vigil status is called in a clamd reply (cl_strerror's texts).
 * NULL: not an error for the client: limits and object-level failures are
 * reported clean, as clamd does without AlertExceedsMax. */
static const char *status_text(int ret)
{
    switch (ret) {
    case VIGIL_E_NOMEM: return "Can't allocate memory";
    case VIGIL_E_IO: return "Can't read file";
    case VIGIL_E_NOENT: return "Can't open file or directory";
    case VIGIL_E_ACCESS: return "Access denied.";
    case VIGIL_E_ARG: return "Invalid argument passed to function";
    case VIGIL_E_DB: return "Malformed database";
    case VIGIL_E_STATE:
        return "Bad state (engine not initialized, or "
               "already initialized)";
    default: return NULL;
    }
}

static bool over_limits(const struct vgd_config *cfg, uint64_t size)
{
    return (cfg->max_file_size && size > cfg->max_file_size) ||
           (cfg->max_scan_size && size > cfg->max_scan_size);
}

static enum outcome classify(int ret, const struct vigil_result *res,
                             const char **err)
{
    if (ret == VIGIL_OK)
        return res->verdict == VIGIL_FOUND ? OC_FOUND : OC_CLEAN;
    *err = status_text(ret);
    if (!*err)
        vgd_log(VGD_DEBUG, "scan: %s, reported clean", vigil_strerror(ret));
    return *err ? OC_ERROR : OC_CLEAN;
}

/* The container limits of the configuration (clamd's Max* options). */
static void config_limits(const struct vgd_config *c, struct vigil_limits *l)
{
    vigil_limits_default(l);
    l->max_scan_size = c->max_scan_size;
    l->max_file_size = c->max_file_size;
    l->max_recursion = c->max_recursion;
    l->max_files = c->max_files;
    l->max_scan_time_ms = c->max_scan_time;
}

/* The scan flags the configuration adds: clamd's AlertExceedsMax and
 * AlertEncrypted* (vigil has one switch for archives and documents). */
static unsigned config_flags(const struct vgd_config *c)
{
    unsigned f = 0;
    if (c->alert_exceeds_max)
        f |= VIGIL_SCAN_ALERT_EXCEEDS;
    if (c->alert_encrypted || c->alert_encrypted_archive ||
        c->alert_encrypted_doc)
        f |= VIGIL_SCAN_ALERT_ENCRYPTED;
    return f;
}

static struct vigil_scan *scanner(struct vgd_worker *w,
                                  const struct vgd_daemon *d, const char **err)
{
    struct vigil_scan *scan = vgd_worker_scanner(w);
    struct vigil_limits lim;
    if (!scan) {
        *err = "Can't allocate memory";
        return NULL;
    }
    config_limits(&d->cfg, &lim);
    (void)vigil_scan_set_limits(scan, &lim); /* values checked at start */
    return scan;
}

/* Scan an open regular file within the configured limits. */
static enum outcome scan_fd(struct vgd_worker *w, const struct vgd_daemon *d,
                            int fd, uint64_t size, unsigned flags,
                            struct vigil_result *res, const char **err)
{
    struct vigil_scan *scan;
    /* Over a limit: not scanned, unless the limit is to be reported
     * (the library then names it). */
    if (size == 0 || (!d->cfg.alert_exceeds_max && over_limits(&d->cfg, size)))
        return OC_CLEAN;
    if (!(scan = scanner(w, d, err)))
        return OC_ERROR;
    flags |= config_flags(&d->cfg);
    return classify(vigil_scan_fd(scan, fd, flags, res), res, err);
}

static enum outcome scan_file(struct vgd_worker *w, const struct vgd_daemon *d,
                              const char *path, unsigned flags,
                              struct vigil_result *res, const char **err)
{
    struct stat st;
    enum outcome oc;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        *err = errno == EACCES || errno == EPERM
                   ? "Access denied."
                   : "Can't open file or directory";
        return OC_ERROR;
    }
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return OC_CLEAN; /* changed under us: nothing to scan */
    }
    if (d->have_proc_dev && st.st_dev == d->proc_dev) {
        close(fd);
        return OC_CLEAN; /* clamd does not scan /proc */
    }
    oc = scan_fd(w, d, fd, (uint64_t)st.st_size, flags, res, err);
    close(fd);
    return oc;
}

/* "NAME: SIG FOUND", one line per signature in allmatch mode. */
static void reply_found(struct vgd_conn *c, unsigned id, char term,
                        const char *name, const struct vigil_result *res,
                        bool all)
{
    size_t n = all ? res->n_names : 1;
    for (size_t i = 0; i < n; i++) {
        const char *sig = all ? res->names[i] : res->sig_name;
        vgd_log(VGD_INFO, "%s: %s FOUND", name, sig);
        vgd_reply(c, id, term, "%s: %s FOUND", name, sig);
    }
}

static void reply_error(struct vgd_conn *c, unsigned id, char term,
                        const char *name, const char *err)
{
    vgd_log(VGD_INFO, "%s: %s ERROR", name, err);
    vgd_reply(c, id, term, "%s: %s ERROR", name, err);
}

/* ---- SCAN, CONTSCAN, ALLMATCHSCAN ---- */

struct path_job {
    struct vgd_job base;
    struct vgd_conn *c;
    unsigned id;
    char term;
    enum vgd_cmd cmd;
    char *path;
};

/* The walk's tally, as clamd's scan_cb_data. */
struct walk_ctx {
    struct path_job *job;
    struct vgd_worker *w;
    unsigned total, errors, infected;
};

static int on_file(struct walk_ctx *x, const char *path)
{
    struct path_job *j = x->job;
    bool all = j->cmd == VGD_CMD_ALLMATCHSCAN;
    struct vigil_result res;
    const char *err = NULL;
    enum outcome oc = scan_file(x->w, j->c->d, path,
                                all ? VIGIL_SCAN_ALLMATCH : 0, &res, &err);
    if (oc == OC_FOUND) {
        x->infected += all ? (unsigned)res.n_names : 1;
        reply_found(j->c, j->id, j->term, path, &res, all);
        return j->cmd == VGD_CMD_CONTSCAN ? 0 : 1; /* SCAN stops here */
    }
    if (oc == OC_ERROR) {
        x->errors++;
        reply_error(j->c, j->id, j->term, path, err);
        /* As clamd: SCAN also stops at an error, except access denied. */
        return j->cmd != VGD_CMD_CONTSCAN && strcmp(err, "Access denied.");
    }
    vgd_log(VGD_DEBUG, "%s: OK", path);
    return 0;
}

static int on_walk(void *ctx, const struct vgd_walk_event_data *e)
{
    struct walk_ctx *x = ctx;
    struct path_job *j = x->job;
    if (atomic_load(&j->c->dead) || atomic_load(&j->c->terminate))
        return 1; /* the client is gone */
    x->total++;
    switch (e->ev) {
    case VGD_WALK_FILE: return on_file(x, e->path);
    case VGD_WALK_STAT_ERROR:
        x->errors++;
        vgd_reply(j->c, j->id, j->term,
                  "%s: File path check failure: %s. ERROR", e->path,
                  strerror(e->err));
        return 0;
    case VGD_WALK_SKIP_SPECIAL:
        if (e->toplevel)
            vgd_reply(j->c, j->id, j->term,
                      "%s: Not supported file type "
                      "ERROR",
                      e->path);
        return 0;
    case VGD_WALK_SKIP_DEPTH:
        vgd_log(VGD_WARN, "directory recursion limit reached, skipping %s",
                e->path);
        return 0;
    default: return 0;
    }
}

static void free_path_job(struct path_job *j)
{
    vgd_conn_unref(&j->c);
    free(j->path);
    free(j);
}

static void drop_path_job(struct vgd_job *job)
{
    free_path_job((struct path_job *)job);
}

static struct vgd_walk_opts walk_opts(const struct vgd_config *cfg)
{
    struct vgd_walk_opts o = {cfg->max_dir_recursion, cfg->follow_dir_symlinks,
                              cfg->follow_file_symlinks};
    return o;
}

static void run_path_job(struct vgd_job *job, struct vgd_worker *w)
{
    struct path_job *j = (struct path_job *)job;
    struct walk_ctx x = {j, w, 0, 0, 0};
    struct vgd_walk_opts o = walk_opts(&j->c->d->cfg);
    if (!atomic_load(&j->c->terminate)) {
        vgd_walk(j->path, &o, on_walk, &x);
        /* clamd: OK when nothing was found and not everything failed. */
        if (x.infected == 0 && x.errors != x.total)
            vgd_reply(j->c, j->id, j->term, "%s: OK", j->path);
    }
    free_path_job(j);
}

static const char *cmd_name(enum vgd_cmd cmd)
{
    switch (cmd) {
    case VGD_CMD_CONTSCAN: return "CONTSCAN";
    case VGD_CMD_ALLMATCHSCAN: return "ALLMATCHSCAN";
    case VGD_CMD_MULTISCAN: return "MULTISCAN";
    default: return "SCAN";
    }
}

bool vgd_dispatch_path(struct vgd_conn *c, unsigned id, char term,
                       enum vgd_cmd cmd, const char *path)
{
    struct path_job *j = calloc(1, sizeof *j);
    if (!j || !(j->path = strdup(path))) {
        free(j);
        vgd_reply(c, id, term, "%s: Can't allocate memory ERROR", path);
        return false;
    }
    j->base.run = run_path_job;
    j->base.drop = drop_path_job;
    j->base.what = cmd_name(cmd);
    j->c = vgd_conn_ref(c);
    j->id = id;
    j->term = term;
    j->cmd = cmd;
    return vgd_pool_submit(&c->d->pool, &j->base);
}

/* ---- INSTREAM ---- */

struct stream_job {
    struct vgd_job base;
    struct vgd_conn *c;
    unsigned id;
    char term;
    struct vgd_sink sink;
};

static void drop_stream_job(struct vgd_job *job)
{
    struct stream_job *j = (struct stream_job *)job;
    vgd_sink_free(&j->sink);
    vgd_conn_unref(&j->c);
    free(j);
}

/* A stream let go of for its size, reported as the limit it exceeded. */
static enum outcome dropped_stream(const struct vgd_config *cfg,
                                   const struct vgd_sink *s,
                                   struct vigil_result *res)
{
    static const char *file_size = "Heuristics.Limits.Exceeded.MaxFileSize";
    static const char *scan_size = "Heuristics.Limits.Exceeded.MaxScanSize";
    memset(res, 0, sizeof *res);
    res->verdict = VIGIL_FOUND;
    res->sig_name = cfg->max_file_size && s->total > cfg->max_file_size
                        ? file_size
                        : scan_size;
    res->names = &res->sig_name;
    res->n_names = 1;
    return OC_FOUND;
}

static enum outcome scan_sink(struct vgd_worker *w, struct stream_job *j,
                              struct vigil_result *res, const char **err)
{
    const struct vgd_config *cfg = &j->c->d->cfg;
    struct vgd_sink *s = &j->sink;
    struct vigil_scan *scan;
    unsigned flags = config_flags(cfg);
    if (vgd_sink_dropped(s) && cfg->alert_exceeds_max)
        return dropped_stream(cfg, s, res);
    if (vgd_sink_dropped(s) || s->total == 0)
        return OC_CLEAN;
    if (!(scan = scanner(w, j->c->d, err)))
        return OC_ERROR;
    if (s->fd >= 0)
        return classify(vigil_scan_fd(scan, s->fd, flags, res), res, err);
    return classify(vigil_scan_mem(scan, s->mem, s->len, flags, res), res,
                    err);
}

static void run_stream_job(struct vgd_job *job, struct vgd_worker *w)
{
    struct stream_job *j = (struct stream_job *)job;
    struct vigil_result res;
    const char *err = NULL;
    enum outcome oc;
    if (!atomic_load(&j->c->terminate)) {
        oc = scan_sink(w, j, &res, &err);
        if (oc == OC_FOUND)
            reply_found(j->c, j->id, j->term, "stream", &res, false);
        else if (oc == OC_ERROR)
            reply_error(j->c, j->id, j->term, "stream", err);
        else
            vgd_reply(j->c, j->id, j->term, "stream: OK");
    }
    drop_stream_job(job);
}

bool vgd_dispatch_stream(struct vgd_conn *c, unsigned id, char term,
                         struct vgd_sink *sink)
{
    struct stream_job *j = calloc(1, sizeof *j);
    if (!j) {
        vgd_sink_free(sink);
        vgd_reply(c, id, term, "stream: Can't allocate memory ERROR");
        return false;
    }
    j->base.run = run_stream_job;
    j->base.drop = drop_stream_job;
    j->base.what = "INSTREAM";
    j->c = vgd_conn_ref(c);
    j->id = id;
    j->term = term;
    j->sink = *sink;
    memset(sink, 0, sizeof *sink);
    sink->fd = -1;
    return vgd_pool_submit(&c->d->pool, &j->base);
}

/* ---- FILDES ---- */

struct fd_job {
    struct vgd_job base;
    struct vgd_conn *c;
    unsigned id;
    char term;
    int fd;
};

static void drop_fd_job(struct vgd_job *job)
{
    struct fd_job *j = (struct fd_job *)job;
    close(j->fd);
    vgd_conn_unref(&j->c);
    free(j);
}

static void run_fd_job(struct vgd_job *job, struct vgd_worker *w)
{
    struct fd_job *j = (struct fd_job *)job;
    struct vigil_result res;
    const char *err = NULL;
    char name[32];
    struct stat st;
    enum outcome oc;
    snprintf(name, sizeof name, "fd[%d]", j->fd);
    if (atomic_load(&j->c->terminate)) {
        drop_fd_job(job);
        return;
    }
    if (fstat(j->fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        vgd_reply(j->c, j->id, j->term, "%s: Not a regular file ERROR", name);
        drop_fd_job(job);
        return;
    }
    oc = scan_fd(w, j->c->d, j->fd, (uint64_t)st.st_size, 0, &res, &err);
    if (oc == OC_FOUND)
        reply_found(j->c, j->id, j->term, name, &res, false);
    else if (oc == OC_ERROR)
        reply_error(j->c, j->id, j->term, name, err);
    else
        vgd_reply(j->c, j->id, j->term, "%s: OK", name);
    drop_fd_job(job);
}

bool vgd_dispatch_fd(struct vgd_conn *c, unsigned id, char term, int fd)
{
    struct fd_job *j = calloc(1, sizeof *j);
    if (!j) {
        close(fd);
        vgd_reply(c, id, term, "Can't allocate memory ERROR");
        return false;
    }
    j->base.run = run_fd_job;
    j->base.drop = drop_fd_job;
    j->base.what = "FILDES";
    j->c = vgd_conn_ref(c);
    j->id = id;
    j->term = term;
    j->fd = fd;
    return vgd_pool_submit(&c->d->pool, &j->base);
}

/* ---- MULTISCAN ---- */

/* clamd counts a MULTISCAN by its file jobs only: OK when none found
 * anything and not all of them failed. */
struct group {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    unsigned pending, ok, error, total;
};

struct file_job {
    struct vgd_job base;
    struct vgd_conn *c;
    char term;
    char *path;
    struct group *g;
};

static void group_done(struct group *g, enum outcome oc)
{
    pthread_mutex_lock(&g->mu);
    g->total++;
    g->ok += oc == OC_CLEAN;
    g->error += oc == OC_ERROR;
    if (--g->pending == 0)
        pthread_cond_signal(&g->cv);
    pthread_mutex_unlock(&g->mu);
}

static void finish_file_job(struct file_job *j, enum outcome oc)
{
    struct group *g = j->g;
    vgd_conn_unref(&j->c);
    free(j->path);
    free(j);
    group_done(g, oc); /* last: the controller may free g right after */
}

static void drop_file_job(struct vgd_job *job)
{
    finish_file_job((struct file_job *)job, OC_ERROR);
}

static void run_file_job(struct vgd_job *job, struct vgd_worker *w)
{
    struct file_job *j = (struct file_job *)job;
    struct vigil_result res;
    const char *err = NULL;
    enum outcome oc = OC_ERROR;
    if (!atomic_load(&j->c->dead)) {
        oc = scan_file(w, j->c->d, j->path, 0, &res, &err);
        if (oc == OC_FOUND)
            reply_found(j->c, 0, j->term, j->path, &res, false);
        else if (oc == OC_ERROR)
            reply_error(j->c, 0, j->term, j->path, err);
    }
    finish_file_job(j, oc);
}

struct multi_ctx {
    struct vgd_conn *c;
    char term;
    struct group *g;
};

static int submit_file(struct multi_ctx *m, const char *path)
{
    struct file_job *j = calloc(1, sizeof *j);
    if (!j || !(j->path = strdup(path))) {
        free(j);
        return 1;
    }
    j->base.run = run_file_job;
    j->base.drop = drop_file_job;
    j->base.what = "MULTISCANFILE";
    j->c = vgd_conn_ref(m->c);
    j->term = m->term;
    j->g = m->g;
    pthread_mutex_lock(&m->g->mu);
    m->g->pending++;
    pthread_mutex_unlock(&m->g->mu);
    return vgd_pool_submit(&m->c->d->pool, &j->base) ? 0 : 1;
}

static int on_multi(void *ctx, const struct vgd_walk_event_data *e)
{
    struct multi_ctx *m = ctx;
    if (atomic_load(&m->c->dead))
        return 1;
    switch (e->ev) {
    case VGD_WALK_FILE: return submit_file(m, e->path);
    case VGD_WALK_STAT_ERROR:
        vgd_reply(m->c, 0, m->term, "%s: File path check failure: %s. ERROR",
                  e->path, strerror(e->err));
        return 0;
    case VGD_WALK_SKIP_SPECIAL:
        if (e->toplevel)
            vgd_reply(m->c, 0, m->term, "%s: Not supported file type ERROR",
                      e->path);
        return 0;
    default: return 0;
    }
}

void vgd_multiscan(struct vgd_conn *c, char term, const char *path)
{
    struct group g = {
        PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0};
    struct multi_ctx m = {c, term, &g};
    struct vgd_walk_opts o = walk_opts(&c->d->cfg);
    struct stat st;
    char *p;
    /* As clamd: MULTISCAN is parallel for directories only; a path stat()
     * cannot reach goes through the walk, which reports it. */
    if (stat(path, &st) == 0 && !S_ISDIR(st.st_mode)) {
        vgd_dispatch_path(c, 0, term, VGD_CMD_CONTSCAN, path);
        return;
    }
    if (!(p = strdup(path)))
        return;
    vgd_walk(p, &o, on_multi, &m);
    pthread_mutex_lock(&g.mu);
    while (g.pending > 0)
        pthread_cond_wait(&g.cv, &g.mu);
    pthread_mutex_unlock(&g.mu);
    if (g.ok + g.error == g.total && g.error != g.total)
        vgd_reply(c, 0, term, "%s: OK", p);
    free(p);
    pthread_mutex_destroy(&g.mu);
    pthread_cond_destroy(&g.cv);
}
