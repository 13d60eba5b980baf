// SPDX-License-Identifier: GPL-2.0-or-later
// fildes.h: reading client packets with recvmsg, catching descriptors
// passed by SCM_RIGHTS (FILDES).
#ifndef VIGILD_FILDES_H
#define VIGILD_FILDES_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct vgd_conn;

enum {
    VGD_READ_FULL = -3,    /* the command buffer is full */
    VGD_READ_TIMEOUT = -2, /* c->deadline passed */
    VGD_READ_ERROR = -1,
    VGD_READ_EOF = 0,
};

/**
 * Read one packet into c->buf after c->off, waiting until c->deadline. A
 * descriptor that comes with it is kept in c->rfd (an unclaimed earlier
 * one is closed, as clamd does); a message with several is refused and
 * all of them closed.
 * @return bytes read (> 0) or a VGD_READ_* code
 */
ssize_t vgd_conn_read(struct vgd_conn *c);

/** Wait until @p fd is readable or @p deadline (monotonic ms).
 *  @return 1 readable, 0 timed out, -1 error */
int vgd_wait_readable(int fd, int64_t deadline);

/** Move the unparsed bytes buf[*pos, off) to the front. */
void vgd_conn_compact(struct vgd_conn *c, size_t *pos);

#endif
