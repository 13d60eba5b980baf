// SPDX-License-Identifier: GPL-2.0-or-later
// vigild.h: the daemon-wide state every vigild module shares.
#ifndef VIGILD_H
#define VIGILD_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "config.h"
#include "listen.h"
#include "pool.h"
#include "reload.h"

struct vgd_conn;

struct vgd_daemon {
    struct vgd_config cfg;
    struct vgd_listeners lis;
    struct vgd_engines engines;
    struct vgd_pool pool;
    struct vgd_reloader reloader;
    atomic_bool stopping;
    int wake[2]; /* self-pipe that wakes the accept loop */

    pthread_mutex_t mu;        /* guards the reader list */
    pthread_cond_t readers_cv; /* a reader thread ended */
    struct vgd_conn *readers;  /* connections whose reader thread runs */
    unsigned n_readers;

    atomic_uint_fast64_t stream_mem; /* INSTREAM bytes held in memory */
    dev_t proc_dev;                  /* files on /proc are not scanned */
    bool have_proc_dev;
    const char *temp_dir;
};

/** Begin an orderly shutdown (SHUTDOWN, SIGTERM). Thread-safe. */
void vgd_daemon_stop(struct vgd_daemon *d);

/** Start the reader thread of a new connection. @return 0 or -1. */
int vgd_session_start(struct vgd_daemon *d, int fd, bool is_unix);

#endif
