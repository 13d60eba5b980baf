// SPDX-License-Identifier: GPL-2.0-or-later
// listen.c: binds the unix and TCP sockets, or adopts systemd's.
#include "listen.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "log.h"
#include "util/strparse.h"

#define SD_LISTEN_FDS_START 3

static int add(struct vgd_listeners *ls, int fd, bool is_unix)
{
    if (ls->n == VGD_MAX_LISTEN) {
        vgd_log(VGD_ERROR, "too many listening sockets");
        close(fd);
        return -1;
    }
    ls->l[ls->n].fd = fd;
    ls->l[ls->n].is_unix = is_unix;
    ls->n++;
    return 0;
}

static bool env_number(const char *name, uint64_t max, uint64_t *out)
{
    const char *v = getenv(name);
    return v && vigil_str_to_u64(vigil_str_cstr(v), max, out) == 0;
}

/* sd_listen_fds(3) without libsystemd: LISTEN_PID must be us. */
static int adopt_systemd(struct vgd_listeners *ls)
{
    uint64_t pid, n;
    if (!env_number("LISTEN_PID", UINT32_MAX, &pid) ||
        pid != (uint64_t)getpid() || !env_number("LISTEN_FDS", 64, &n))
        return 0;
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    for (int fd = SD_LISTEN_FDS_START; fd < SD_LISTEN_FDS_START + (int)n;
         fd++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        if (getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
            vgd_log(VGD_ERROR, "systemd passed fd %d, not a socket", fd);
            return -1;
        }
        (void)fcntl(fd, F_SETFD, FD_CLOEXEC);
        if (add(ls, fd, ss.ss_family == AF_UNIX))
            return -1;
    }
    ls->from_systemd = ls->n > 0;
    vgd_log(VGD_INFO, "using %zu socket(s) passed by systemd", ls->n);
    return (int)ls->n;
}

/* A socket file that still accepts connections belongs to a live daemon;
 * one that refuses is stale and is removed, as clamd does. */
static int clear_stale(const char *path, const struct sockaddr_un *sa)
{
    struct stat st;
    int fd, live;
    if (lstat(path, &st) != 0)
        return 0;
    if (!S_ISSOCK(st.st_mode)) {
        vgd_log(VGD_ERROR, "%s exists and is not a socket", path);
        return -1;
    }
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    live = fd >= 0 && connect(fd, (const struct sockaddr *)sa, sizeof *sa) == 0;
    if (fd >= 0)
        close(fd);
    if (live) {
        vgd_log(VGD_ERROR, "socket %s is in use by another process", path);
        return -1;
    }
    vgd_log(VGD_INFO, "removing stale socket %s", path);
    return unlink(path) == 0 || errno == ENOENT ? 0 : -1;
}

static int set_group(const char *path, const char *group)
{
    struct group *gr = getgrnam(group);
    if (!gr) {
        vgd_log(VGD_ERROR, "LocalSocketGroup: unknown group %s", group);
        return -1;
    }
    if (chown(path, (uid_t)-1, gr->gr_gid) != 0) {
        vgd_log(VGD_ERROR, "cannot chgrp %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}

static int bind_unix(const struct vgd_config *c, struct vgd_listeners *ls)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    const char *path = c->local_socket;
    int fd;
    if (strlen(path) >= sizeof sa.sun_path) {
        vgd_log(VGD_ERROR, "LocalSocket path too long: %s", path);
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if (clear_stale(path, &sa))
        return -1;
    fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        vgd_log(VGD_ERROR, "cannot bind %s: %s", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    ls->unlink_path = strdup(path);
    if (chmod(path, c->local_socket_mode) != 0 ||
        (c->local_socket_group && set_group(path, c->local_socket_group)) ||
        listen(fd, (int)c->backlog) != 0) {
        vgd_log(VGD_ERROR, "cannot set up %s: %s", path, strerror(errno));
        close(fd);
        return -1;
    }
    vgd_log(VGD_INFO, "listening on unix socket %s", path);
    return add(ls, fd, true);
}

static bool is_loopback(const struct sockaddr *sa)
{
    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
    }
    if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        return IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
    }
    return false;
}

static int bind_one_tcp(const struct addrinfo *ai, const char *name,
                        unsigned backlog, struct vgd_listeners *ls)
{
    int one = 1;
    int fd =
        socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
    if (fd < 0)
        return -1;
    (void)setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    if (ai->ai_family == AF_INET6)
        (void)setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
    if (bind(fd, ai->ai_addr, ai->ai_addrlen) != 0 ||
        listen(fd, (int)backlog) != 0) {
        vgd_log(VGD_ERROR, "cannot listen on %s: %s", name, strerror(errno));
        close(fd);
        return -1;
    }
    if (!is_loopback(ai->ai_addr))
        vgd_log(VGD_WARN,
                "!!! TCP socket bound to %s, which is not a loopback "
                "address. The clamd protocol has NO AUTHENTICATION: anyone "
                "who can reach this port can scan files as the daemon user "
                "and read their verdicts. Firewall it. !!!",
                name);
    return add(ls, fd, false);
}

static int bind_tcp(const char *addr, unsigned port, unsigned backlog,
                    struct vgd_listeners *ls)
{
    struct addrinfo hints = {.ai_flags = AI_PASSIVE | AI_NUMERICSERV,
                             .ai_socktype = SOCK_STREAM};
    struct addrinfo *res = NULL, *ai;
    char service[16], name[300];
    int rc, ret = 0;
    snprintf(service, sizeof service, "%u", port);
    rc = getaddrinfo(addr, service, &hints, &res);
    if (rc != 0) {
        vgd_log(VGD_ERROR, "TCPAddr %s: %s", addr, gai_strerror(rc));
        return -1;
    }
    for (ai = res; ai && ret == 0; ai = ai->ai_next) {
        snprintf(name, sizeof name, "%s port %u", addr, port);
        ret = bind_one_tcp(ai, name, backlog, ls);
    }
    freeaddrinfo(res);
    if (ret == 0)
        vgd_log(VGD_INFO, "listening on TCP %s port %u", addr, port);
    return ret;
}

int vgd_listen_open(const struct vgd_config *c, struct vgd_listeners *out)
{
    int got;
    memset(out, 0, sizeof *out);
    if ((got = adopt_systemd(out)) != 0)
        return got < 0 ? -1 : 0;
    if (c->local_socket && bind_unix(c, out))
        return -1;
    if (c->tcp_port) {
        if (c->n_tcp_addr == 0)
            return bind_tcp("127.0.0.1", c->tcp_port, c->backlog, out);
        for (size_t i = 0; i < c->n_tcp_addr; i++)
            if (bind_tcp(c->tcp_addr[i], c->tcp_port, c->backlog, out))
                return -1;
    }
    if (out->n == 0) {
        vgd_log(VGD_ERROR, "no socket configured: set LocalSocket and/or "
                           "TCPSocket");
        return -1;
    }
    return 0;
}

int vgd_listen_accept(const struct vgd_listeners *ls, int wake_fd, bool *woken,
                      bool *is_unix)
{
    struct pollfd p[VGD_MAX_LISTEN + 1];
    size_t n = ls->n;
    *woken = false;
    for (size_t i = 0; i < n; i++)
        p[i] = (struct pollfd){.fd = ls->l[i].fd, .events = POLLIN};
    p[n] = (struct pollfd){.fd = wake_fd, .events = POLLIN};
    if (poll(p, (nfds_t)n + 1, -1) < 0)
        return -1;
    if (p[n].revents) {
        *woken = true;
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        if (!(p[i].revents & POLLIN))
            continue;
        *is_unix = ls->l[i].is_unix;
        return accept4(ls->l[i].fd, NULL, NULL, SOCK_CLOEXEC);
    }
    return -1;
}

void vgd_listen_close(struct vgd_listeners *ls)
{
    for (size_t i = 0; i < ls->n; i++)
        close(ls->l[i].fd);
    ls->n = 0;
    if (ls->unlink_path)
        (void)unlink(ls->unlink_path);
    free(ls->unlink_path);
    ls->unlink_path = NULL;
}
