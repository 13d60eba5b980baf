// SPDX-License-Identifier: GPL-2.0-or-later
// listen.h: the listening sockets: unix, TCP, or handed over by systemd.
#ifndef VIGILD_LISTEN_H
#define VIGILD_LISTEN_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"

#define VGD_MAX_LISTEN (VGD_MAX_TCPADDR + 2)

struct vgd_listener {
    int fd;
    bool is_unix;
};

struct vgd_listeners {
    struct vgd_listener l[VGD_MAX_LISTEN];
    size_t n;
    char *unlink_path; /* the unix socket we created, removed at exit */
    bool from_systemd;
};

/**
 * Open what @p c asks for, or take the sockets systemd passed
 * (LISTEN_PID/LISTEN_FDS; no libsystemd needed). Warns loudly about any
 * TCP socket not bound to a loopback address: the protocol has no
 * authentication.
 * @return 0, or -1 (logged)
 */
int vgd_listen_open(const struct vgd_config *c, struct vgd_listeners *out);

/** Accept one connection from whichever socket is ready; also returns
 *  (-1, *woken true) when @p wake_fd becomes readable.
 *  @return the new socket, or -1 */
int vgd_listen_accept(const struct vgd_listeners *ls, int wake_fd, bool *woken,
                      bool *is_unix);

void vgd_listen_close(struct vgd_listeners *ls);

#endif
