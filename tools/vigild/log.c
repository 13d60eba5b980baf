// SPDX-License-Identifier: GPL-2.0-or-later
// log.c: vigild's log targets; one mutex orders lines from all threads.
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

/* The daemon's one log, shared by every thread (the library itself keeps
 * no such global: it logs through the callback below). */
static struct {
    pthread_mutex_t mu;
    char *path;
    int fd;
    bool syslog, to_stderr, log_time;
    atomic_int min; /* read without the lock: debug calls are frequent */
} g_log = {PTHREAD_MUTEX_INITIALIZER, NULL, -1, false, true, false, VGD_INFO};

static const char *level_tag(enum vgd_level level)
{
    switch (level) {
    case VGD_DEBUG: return "DEBUG: ";
    case VGD_WARN: return "WARNING: ";
    case VGD_ERROR: return "ERROR: ";
    default: return "";
    }
}

static int syslog_priority(enum vgd_level level)
{
    switch (level) {
    case VGD_DEBUG: return LOG_DEBUG;
    case VGD_WARN: return LOG_WARNING;
    case VGD_ERROR: return LOG_ERR;
    default: return LOG_INFO;
    }
}

void vgd_log_preset(enum vgd_level min)
{
    atomic_store(&g_log.min, (int)min);
}

static int open_file(const char *path)
{
    return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY,
                0640);
}

int vgd_log_open(const struct vgd_log_opts *o)
{
    int fd = -1;
    if (o->file && (fd = open_file(o->file)) < 0)
        return -1;
    pthread_mutex_lock(&g_log.mu);
    free(g_log.path);
    g_log.path = o->file ? strdup(o->file) : NULL;
    if (g_log.fd >= 0)
        close(g_log.fd);
    g_log.fd = fd;
    g_log.syslog = o->syslog;
    g_log.to_stderr = o->to_stderr;
    g_log.log_time = o->log_time;
    atomic_store(&g_log.min, (int)o->min);
    if (o->syslog)
        openlog("vigild", LOG_PID, o->facility);
    pthread_mutex_unlock(&g_log.mu);
    return 0;
}

void vgd_log_reopen(void)
{
    int fd, err = 0;
    pthread_mutex_lock(&g_log.mu);
    if (g_log.path) {
        fd = open_file(g_log.path);
        if (fd >= 0) {
            close(g_log.fd);
            g_log.fd = fd;
        } else {
            err = errno;
        }
    }
    pthread_mutex_unlock(&g_log.mu);
    if (err)
        vgd_log(VGD_ERROR, "cannot reopen the log file: %s", strerror(err));
    else
        vgd_log(VGD_INFO, "SIGHUP: log file reopened");
}

void vgd_log_chown(unsigned uid, unsigned gid)
{
    int err = 0;
    pthread_mutex_lock(&g_log.mu);
    if (g_log.fd >= 0 && fchown(g_log.fd, uid, gid) != 0)
        err = errno;
    pthread_mutex_unlock(&g_log.mu);
    /* Not fatal: the file stays writable through the open descriptor; only
     * a reopen after SIGHUP may then fail, and that is logged. */
    if (err)
        vgd_log(VGD_WARN, "cannot hand the log file to the daemon user: %s",
                strerror(err));
}

void vgd_log_detach_stderr(void)
{
    pthread_mutex_lock(&g_log.mu);
    g_log.to_stderr = false;
    pthread_mutex_unlock(&g_log.mu);
}

void vgd_log_close(void)
{
    pthread_mutex_lock(&g_log.mu);
    if (g_log.fd >= 0)
        close(g_log.fd);
    g_log.fd = -1;
    free(g_log.path);
    g_log.path = NULL;
    if (g_log.syslog)
        closelog();
    g_log.syslog = false;
    pthread_mutex_unlock(&g_log.mu);
}

static void write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

/* "Sun Nov 22 11:18:13 2026 -> " as clamd's LogTime. */
static size_t time_prefix(char *buf, size_t n)
{
    time_t now = time(NULL);
    struct tm tm;
    localtime_r(&now, &tm);
    return strftime(buf, n, "%a %b %e %H:%M:%S %Y -> ", &tm);
}

static void emit(enum vgd_level level, const char *msg)
{
    char line[2048];
    size_t pre = 0;
    int n;
    if (g_log.log_time)
        pre = time_prefix(line, sizeof line);
    n = snprintf(line + pre, sizeof line - pre, "%s%s\n", level_tag(level),
                 msg);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line - pre)
        n = (int)(sizeof line - pre - 1);
    if (g_log.fd >= 0)
        write_all(g_log.fd, line, pre + (size_t)n);
    if (g_log.to_stderr)
        write_all(STDERR_FILENO, line + pre, (size_t)n);
    if (g_log.syslog)
        syslog(syslog_priority(level), "%s%s", level_tag(level), msg);
}

void vgd_log(enum vgd_level level, const char *fmt, ...)
{
    char msg[1536];
    va_list ap;
    if ((int)level < atomic_load(&g_log.min))
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&g_log.mu);
    emit(level, msg);
    pthread_mutex_unlock(&g_log.mu);
}

void vgd_log_lib(void *cookie, enum vigil_log_level level, const char *msg)
{
    (void)cookie;
    vgd_log(level >= VIGIL_LOG_ERROR  ? VGD_ERROR
            : level >= VIGIL_LOG_WARN ? VGD_WARN
            : level >= VIGIL_LOG_INFO ? VGD_INFO
                                      : VGD_DEBUG,
            "engine: %s", msg);
}
