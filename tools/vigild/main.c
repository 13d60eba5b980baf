// SPDX-License-Identifier: GPL-2.0-or-later
// main.c: vigild, a clamd-compatible scanning daemon: start-up, the accept
// loop and an orderly shutdown. See docs/internals/DAEMON.md.
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/dbpath.h"
#include "conn.h"
#include "log.h"
#include "privs.h"
#include "proto.h"
#include "vigild.h"

struct args {
    const char *config;     /* -c */
    const char *clamd_conf; /* --clamd-conf */
    bool foreground, debug;
};

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: vigild [OPTIONS]\n"
            "\n"
            "  -c, --config-file=PATH  vigild.conf (default " VGD_DEFAULT_CONF
            ")\n"
            "      --clamd-conf=PATH   read the options vigild uses from an "
            "existing clamd.conf\n"
            "  -F, --foreground        do not detach\n"
            "      --debug             log debug messages\n"
            "  -V, --version           print the version\n"
            "  -h, --help              show this help\n");
}

enum { OPT_CLAMD = 256, OPT_DEBUG };

static int parse_args(int argc, char **argv, struct args *a)
{
    static const struct option longopts[] = {
        {"config-file", required_argument, NULL, 'c'},
        {"clamd-conf", required_argument, NULL, OPT_CLAMD},
        {"foreground", no_argument, NULL, 'F'},
        {"debug", no_argument, NULL, OPT_DEBUG},
        {"version", no_argument, NULL, 'V'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int ch;
    while ((ch = getopt_long(argc, argv, "c:FVh", longopts, NULL)) != -1) {
        switch (ch) {
        case 'c': a->config = optarg; break;
        case OPT_CLAMD: a->clamd_conf = optarg; break;
        case 'F': a->foreground = true; break;
        case OPT_DEBUG: a->debug = true; break;
        case 'V':
            printf("vigild %s (clamd protocol of ClamAV " VGD_CLAMAV_VERSION
                   ", functionality level %d)\n",
                   vigil_version(), VIGIL_FLEVEL);
            exit(0);
        case 'h': usage(stdout); exit(0);
        default: usage(stderr); return -1;
        }
    }
    if (optind < argc) {
        usage(stderr);
        return -1;
    }
    return 0;
}

/* clamd.conf first, then vigild.conf on top. The default vigild.conf is
 * read only when no clamd.conf is given and it exists. */
static int load_config(struct vgd_config *cfg, const struct args *a)
{
    vgd_config_defaults(cfg);
    if (a->clamd_conf && vgd_config_load(cfg, a->clamd_conf, true))
        return -1;
    if (a->config)
        return vgd_config_load(cfg, a->config, false);
    if (!a->clamd_conf && access(VGD_DEFAULT_CONF, F_OK) == 0)
        return vgd_config_load(cfg, VGD_DEFAULT_CONF, false);
    return 0;
}

static int open_log(const struct vgd_config *cfg)
{
    struct vgd_log_opts o = {
        cfg->log_file,     cfg->log_syslog,
        cfg->log_facility, !cfg->log_file && !cfg->log_syslog,
        cfg->log_time,     cfg->debug ? VGD_DEBUG : VGD_INFO,
    };
    if (vgd_log_open(&o) != 0) {
        vgd_log(VGD_ERROR, "cannot open log file %s: %s", cfg->log_file,
                strerror(errno));
        return -1;
    }
    return 0;
}

static int write_pid(const char *path)
{
    FILE *f = fopen(path, "we");
    if (!f) {
        vgd_log(VGD_ERROR, "cannot write pid file %s: %s", path,
                strerror(errno));
        return -1;
    }
    fprintf(f, "%d\n", (int)getpid());
    return fclose(f) == 0 ? 0 : -1;
}

/* Fork into the background (before any thread exists), as clamd does
 * without Foreground. */
static int daemonize(void)
{
    pid_t pid = fork();
    int fd;
    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit(0);
    if (setsid() < 0)
        return -1;
    if ((fd = open("/dev/null", O_RDWR | O_CLOEXEC)) >= 0) {
        dup2(fd, STDIN_FILENO);
        dup2(fd, STDOUT_FILENO);
        dup2(fd, STDERR_FILENO);
        if (fd > STDERR_FILENO)
            close(fd);
    }
    vgd_log_detach_stderr();
    return chdir("/");
}

static const char *database_dir(const struct vgd_config *cfg)
{
    const char *why, *db;
    if (cfg->database_dir)
        return cfg->database_dir;
    if (!(db = vigil_default_db(&why)))
        vgd_log(VGD_ERROR, "no signature database found (%s)", why);
    else
        vgd_log(VGD_INFO, "using database %s (%s)", db, why);
    return db;
}

static void note_proc(struct vgd_daemon *d)
{
    struct stat st;
    /* procfs reports size 0: clamd skips files on that device. */
    if (stat("/proc", &st) == 0 && st.st_size == 0) {
        d->proc_dev = st.st_dev;
        d->have_proc_dev = true;
    }
}

void vgd_daemon_stop(struct vgd_daemon *d)
{
    if (atomic_exchange(&d->stopping, true))
        return;
    if (write(d->wake[1], "x", 1) < 0)
        vgd_log(VGD_DEBUG, "wake pipe: %s", strerror(errno));
    pthread_mutex_lock(&d->mu);
    pthread_cond_broadcast(&d->readers_cv);
    pthread_mutex_unlock(&d->mu);
}

struct sigctx {
    struct vgd_daemon *d;
    sigset_t set;
};

static void *signal_main(void *arg)
{
    struct sigctx *s = arg;
    for (;;) {
        int sig = 0;
        if (sigwait(&s->set, &sig) != 0)
            continue;
        if (sig == SIGHUP)
            vgd_log_reopen();
        else if (sig == SIGUSR2)
            vgd_reload_request(&s->d->reloader, "SIGUSR2");
        else if (sig == SIGTERM || sig == SIGINT) {
            if (!atomic_load(&s->d->stopping))
                vgd_log(VGD_INFO, "signal %d: shutting down", sig);
            vgd_daemon_stop(s->d);
            return NULL;
        }
    }
}

/* As clamd: stop accepting while MaxQueue connections are being read. */
static bool wait_room(struct vgd_daemon *d)
{
    pthread_mutex_lock(&d->mu);
    while (!atomic_load(&d->stopping) && d->n_readers >= d->cfg.max_queue)
        pthread_cond_wait(&d->readers_cv, &d->mu);
    pthread_mutex_unlock(&d->mu);
    return !atomic_load(&d->stopping);
}

static void accept_loop(struct vgd_daemon *d)
{
    while (wait_room(d)) {
        bool woken = false, is_unix = false;
        int fd = vgd_listen_accept(&d->lis, d->wake[0], &woken, &is_unix);
        if (fd >= 0) {
            vgd_session_start(d, fd, is_unix);
        } else if (!woken && errno != EINTR && errno != EAGAIN &&
                   errno != ECONNABORTED) {
            vgd_log(VGD_WARN, "accept: %s", strerror(errno));
            if (errno == EMFILE || errno == ENFILE)
                usleep(100 * 1000);
        }
    }
}

/* Readers blocked in recv see end-of-file; wait for them to finish. */
static void stop_readers(struct vgd_daemon *d)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 30;
    pthread_mutex_lock(&d->mu);
    for (struct vgd_conn *c = d->readers; c; c = c->next)
        shutdown(c->fd, SHUT_RD);
    while (d->n_readers > 0)
        if (pthread_cond_timedwait(&d->readers_cv, &d->mu, &until) != 0)
            break;
    if (d->n_readers > 0)
        vgd_log(VGD_WARN, "%u connection(s) still busy at exit", d->n_readers);
    pthread_mutex_unlock(&d->mu);
}

static int start_threads(struct vgd_daemon *d, struct sigctx *s,
                         pthread_t *sig_th)
{
    const struct vgd_config *c = &d->cfg;
    vgd_pool_init(&d->pool, c->max_threads, c->max_queue, c->idle_timeout,
                  &d->engines);
    if (vgd_reloader_start(&d->reloader, &d->engines, &d->pool,
                           c->self_check) != 0)
        return -1;
    s->d = d;
    if (pthread_create(sig_th, NULL, signal_main, s) != 0) {
        vgd_log(VGD_ERROR, "cannot start the signal thread");
        return -1;
    }
    return 0;
}

static void block_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGUSR2);
    pthread_sigmask(SIG_BLOCK, set, NULL);
    signal(SIGPIPE, SIG_IGN);
}

/* The compiled-database cache: CacheDirectory, else, when started as
 * root, /var/cache/vigild/USER (one per daemon user, mode 0700 and owned
 * by it: the library only uses a cache that is the process's own), else
 * the library's per-user default. */
static int prepare_cache_dir(struct vgd_daemon *d, const struct vgd_identity *id)
{
    static const char base[] = "/var/cache/vigild";
    uid_t uid = id->drop ? id->uid : geteuid();
    gid_t gid = id->drop ? id->gid : getegid();
    char *dir = d->cfg.cache_dir;
    struct stat st;
    if (geteuid() != 0)
        return 0;
    if (!dir) {
        if (mkdir(base, 0755) != 0 && errno != EEXIST)
            goto warn;
        if (asprintf(&dir, "%s/%s", base, id->drop ? id->name : "root") < 0)
            return -1;
        d->cfg.cache_dir = dir;
    }
    if ((mkdir(dir, 0700) != 0 && errno != EEXIST) || lstat(dir, &st) != 0 ||
        !S_ISDIR(st.st_mode) || chown(dir, uid, gid) != 0 ||
        chmod(dir, 0700) != 0)
        goto warn;
    return 0;
warn:
    vgd_log(VGD_WARN, "CacheDirectory %s: %s (databases are compiled in "
            "memory at every load)", dir ? dir : base, strerror(errno));
    return 0;
}

/* Root's part: log, sockets, pid file; then become the daemon user. */
static int privileged_setup(struct vgd_daemon *d)
{
    struct vgd_identity id;
    if (open_log(&d->cfg) || vgd_privs_resolve(d->cfg.user, &id) ||
        vgd_listen_open(&d->cfg, &d->lis))
        return -1;
    if (!d->cfg.foreground && daemonize() != 0) {
        vgd_log(VGD_ERROR, "cannot daemonize: %s", strerror(errno));
        return -1;
    }
    if (d->cfg.pid_file && write_pid(d->cfg.pid_file))
        return -1;
    if (prepare_cache_dir(d, &id) != 0)
        return -1;
    if (id.drop)
        vgd_log_chown(id.uid, id.gid);
    return vgd_privs_drop(&id);
}

static void shutdown_all(struct vgd_daemon *d, pthread_t sig_th)
{
    vgd_log(VGD_INFO, "shutting down");
    vgd_listen_close(&d->lis);
    vgd_pool_stop(&d->pool);
    stop_readers(d);
    vgd_pool_destroy(&d->pool);
    vgd_reloader_stop(&d->reloader);
    pthread_kill(sig_th, SIGTERM); /* wakes sigwait if still waiting */
    pthread_join(sig_th, NULL);
}

static int serve(struct vgd_daemon *d)
{
    struct sigctx s;
    const char *db;
    pthread_t sig_th;
    block_signals(&s.set);
    if (privileged_setup(d) || !(db = database_dir(&d->cfg)))
        return 1;
    d->temp_dir = d->cfg.temp_dir    ? d->cfg.temp_dir
                  : getenv("TMPDIR") ? getenv("TMPDIR")
                                     : "/tmp";
    note_proc(d);
    if (vgd_engines_init(&d->engines, db, d->cfg.cache_dir,
                         d->cfg.debug ? VIGIL_LOG_DEBUG : VIGIL_LOG_WARN))
        return 1;
    if (start_threads(d, &s, &sig_th) != 0)
        return 1;
    vgd_log(VGD_INFO, "vigild %s ready: %u threads, queue %u", vigil_version(),
            d->cfg.max_threads, d->cfg.max_queue);
    accept_loop(d);
    shutdown_all(d, sig_th);
    return 0;
}

static struct vgd_daemon *daemon_new(void)
{
    struct vgd_daemon *d = calloc(1, sizeof *d);
    if (!d)
        return NULL;
    if (pipe2(d->wake, O_CLOEXEC) != 0) {
        free(d);
        return NULL;
    }
    atomic_init(&d->stopping, false);
    atomic_init(&d->stream_mem, 0);
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->readers_cv, NULL);
    return d;
}

static void daemon_free(struct vgd_daemon *d)
{
    vgd_engines_free(&d->engines);
    if (d->cfg.pid_file)
        (void)unlink(d->cfg.pid_file);
    close(d->wake[0]);
    close(d->wake[1]);
    pthread_cond_destroy(&d->readers_cv);
    pthread_mutex_destroy(&d->mu);
    vgd_config_free(&d->cfg);
    free(d);
}

int main(int argc, char **argv)
{
    struct args a = {0};
    struct vgd_daemon *d;
    int rc;
    if (parse_args(argc, argv, &a) != 0)
        return 2;
    if (a.debug)
        vgd_log_preset(VGD_DEBUG);
    if (!(d = daemon_new()))
        return 1;
    if (load_config(&d->cfg, &a) || vgd_config_check(&d->cfg)) {
        daemon_free(d);
        return 1;
    }
    d->cfg.foreground |= a.foreground;
    d->cfg.debug |= a.debug;
    /* Stream buffers come and go: keep large ones out of the heap so
     * their memory goes back to the system when freed. */
    mallopt(M_MMAP_THRESHOLD, 256 * 1024);
    rc = serve(d);
    daemon_free(d);
    vgd_log_close();
    return rc;
}
