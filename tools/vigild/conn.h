// SPDX-License-Identifier: GPL-2.0-or-later
// conn.h: one client connection, shared by its reader and its jobs.
#ifndef VIGILD_CONN_H
#define VIGILD_CONN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "proto.h"

struct vgd_daemon;

/*
 * Ownership: the reader thread holds one reference while it reads
 * commands, each queued or running job holds one more. The socket is
 * closed at the last unref, so a reply never races a close, and the reader
 * never polls a descriptor another thread closed.
 */
struct vgd_conn {
    struct vgd_daemon *d;
    int fd;
    bool is_unix;
    atomic_uint refs;
    atomic_bool dead;             /* a reply failed: write nothing more */
    atomic_bool terminate;        /* client gone or error: skip queued jobs */
    pthread_mutex_t wlock;        /* one reply is one write */
    struct vgd_conn *prev, *next; /* the daemon's reader list (d->mu) */

    /* Reader thread only. */
    char buf[VGD_CMD_MAX + 1];
    size_t off;       /* bytes in buf */
    int rfd;          /* a received descriptor not yet claimed, or -1 */
    bool in_session;  /* after IDSESSION */
    unsigned id;      /* the next session request number */
    char term;        /* the last accepted command's terminator */
    int64_t deadline; /* monotonic ms: the next read times out then */
};

struct vgd_conn *vgd_conn_new(struct vgd_daemon *d, int fd, bool is_unix);
struct vgd_conn *vgd_conn_ref(struct vgd_conn *c);
/** Drop a reference; closes the socket at the last. Sets *@p cp NULL. */
void vgd_conn_unref(struct vgd_conn **cp);

/**
 * Send "[ID: ]TEXT" and @p term as one write. @p id 0 means no prefix
 * (outside IDSESSION). Thread-safe. @return 0, -1 if the client is gone.
 */
__attribute__((format(printf, 4, 5))) int
vgd_reply(struct vgd_conn *c, unsigned id, char term, const char *fmt, ...);

/** Send raw bytes (already framed). @return 0 or -1. */
int vgd_conn_send(struct vgd_conn *c, const char *p, size_t n);

/** Milliseconds on the monotonic clock. */
int64_t vgd_now_ms(void);

#endif
