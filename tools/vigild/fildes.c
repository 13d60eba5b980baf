// SPDX-License-Identifier: GPL-2.0-or-later
// fildes.c: recvmsg with SCM_RIGHTS. A descriptor passed by FILDES lets
// the daemon scan a file it could not open itself (it runs unprivileged).
#include "fildes.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "log.h"

int vgd_wait_readable(int fd, int64_t deadline)
{
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        int64_t left = deadline - vgd_now_ms();
        int rc;
        if (left <= 0)
            return 0;
        rc = poll(&p, 1, left > 60000 ? 60000 : (int)left);
        if (rc > 0)
            return 1;
        if (rc < 0 && errno != EINTR)
            return -1;
    }
}

void vgd_conn_compact(struct vgd_conn *c, size_t *pos)
{
    if (*pos >= c->off) {
        c->off = 0;
    } else if (*pos > 0) {
        memmove(c->buf, c->buf + *pos, c->off - *pos);
        c->off -= *pos;
    }
    *pos = 0;
}

static void close_fds(const struct cmsghdr *cm)
{
    size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    const unsigned char *data = CMSG_DATA(cm);
    for (size_t i = 0; i < n; i++) {
        int fd;
        memcpy(&fd, data + i * sizeof fd, sizeof fd);
        close(fd);
    }
}

/* Keep exactly one passed descriptor; close anything else. */
static void take_fds(struct vgd_conn *c, struct msghdr *msg)
{
    for (struct cmsghdr *cm = CMSG_FIRSTHDR(msg); cm;
         cm = CMSG_NXTHDR(msg, cm)) {
        int fd;
        if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
            continue;
        if (cm->cmsg_len != CMSG_LEN(sizeof(int))) {
            vgd_log(VGD_DEBUG, "refused a message carrying several fds");
            close_fds(cm);
            continue;
        }
        memcpy(&fd, CMSG_DATA(cm), sizeof fd);
        if (c->rfd >= 0) {
            vgd_log(VGD_DEBUG, "closing unclaimed fd %d", c->rfd);
            close(c->rfd);
        }
        c->rfd = fd;
    }
}

ssize_t vgd_conn_read(struct vgd_conn *c)
{
    union {
        char buf[CMSG_SPACE(sizeof(int) * 8)];
        struct cmsghdr align;
    } ctl;
    struct iovec iov = {c->buf + c->off, VGD_CMD_MAX - c->off};
    struct msghdr msg = {0};
    ssize_t n;
    int rc;
    if (c->off >= VGD_CMD_MAX)
        return VGD_READ_FULL;
    if ((rc = vgd_wait_readable(c->fd, c->deadline)) <= 0)
        return rc == 0 ? VGD_READ_TIMEOUT : VGD_READ_ERROR;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = ctl.buf;
    msg.msg_controllen = sizeof ctl.buf;
    do
        n = recvmsg(c->fd, &msg, MSG_CMSG_CLOEXEC);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return VGD_READ_ERROR;
    if (msg.msg_controllen)
        take_fds(c, &msg);
    if (msg.msg_flags & MSG_CTRUNC)
        vgd_log(VGD_WARN, "control message truncated (too many fds?)");
    c->off += (size_t)n;
    return n;
}
