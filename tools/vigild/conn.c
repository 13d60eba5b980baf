// SPDX-License-Identifier: GPL-2.0-or-later
// conn.c: connection lifetime and atomic replies.
#include "conn.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

int64_t vgd_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct vgd_conn *vgd_conn_new(struct vgd_daemon *d, int fd, bool is_unix)
{
    struct vgd_conn *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->d = d;
    c->fd = fd;
    c->is_unix = is_unix;
    c->rfd = -1;
    atomic_init(&c->refs, 1);
    atomic_init(&c->dead, false);
    atomic_init(&c->terminate, false);
    pthread_mutex_init(&c->wlock, NULL);
    return c;
}

struct vgd_conn *vgd_conn_ref(struct vgd_conn *c)
{
    atomic_fetch_add(&c->refs, 1);
    return c;
}

void vgd_conn_unref(struct vgd_conn **cp)
{
    struct vgd_conn *c = *cp;
    *cp = NULL;
    if (!c || atomic_fetch_sub(&c->refs, 1) != 1)
        return;
    if (c->rfd >= 0)
        close(c->rfd);
    close(c->fd);
    pthread_mutex_destroy(&c->wlock);
    free(c);
}

static int send_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int vgd_conn_send(struct vgd_conn *c, const char *p, size_t n)
{
    int ret = -1;
    if (atomic_load(&c->dead))
        return -1;
    pthread_mutex_lock(&c->wlock);
    if (!atomic_load(&c->dead)) {
        ret = send_all(c->fd, p, n);
        if (ret)
            atomic_store(&c->dead, true);
    }
    pthread_mutex_unlock(&c->wlock);
    return ret;
}

int vgd_reply(struct vgd_conn *c, unsigned id, char term, const char *fmt, ...)
{
    char stack[VGD_CMD_MAX + 512], *buf = stack;
    size_t pre = 0, cap = sizeof stack;
    va_list ap;
    int n, ret;
    if (id)
        pre = (size_t)snprintf(buf, cap, "%u: ", id);
    va_start(ap, fmt);
    n = vsnprintf(buf + pre, cap - pre, fmt, ap);
    va_end(ap);
    if (n < 0)
        return -1;
    if ((size_t)n + 1 > cap - pre) { /* a long reply: a STATS block */
        cap = pre + (size_t)n + 1;
        if (!(buf = malloc(cap)))
            return -1;
        if (id)
            snprintf(buf, cap, "%u: ", id);
        va_start(ap, fmt);
        vsnprintf(buf + pre, cap - pre, fmt, ap);
        va_end(ap);
    }
    buf[pre + (size_t)n] = term;
    ret = vgd_conn_send(c, buf, pre + (size_t)n + 1);
    if (buf != stack)
        free(buf);
    return ret;
}
