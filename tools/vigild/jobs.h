// SPDX-License-Identifier: GPL-2.0-or-later
// jobs.h: the scanning commands, run on the worker pool, with clamd's
// replies.
#ifndef VIGILD_JOBS_H
#define VIGILD_JOBS_H

#include <stdbool.h>

#include "instream.h"
#include "proto.h"

struct vgd_conn;

/* Each dispatch takes its own connection reference and reports false when
 * the daemon is stopping (nothing was queued then). @p id is the session
 * request number (0 outside IDSESSION); @p term ends each reply. */

/** SCAN, CONTSCAN, ALLMATCHSCAN (and MULTISCAN of a single file). */
bool vgd_dispatch_path(struct vgd_conn *c, unsigned id, char term,
                       enum vgd_cmd cmd, const char *path);

/** The stream received by INSTREAM; takes *@p sink (emptied). */
bool vgd_dispatch_stream(struct vgd_conn *c, unsigned id, char term,
                         struct vgd_sink *sink);

/** A descriptor received by FILDES; takes @p fd. */
bool vgd_dispatch_fd(struct vgd_conn *c, unsigned id, char term, int fd);

/** MULTISCAN: walks @p path on the calling (reader) thread and scans its
 *  files in parallel on the pool; returns when all replies are sent. */
void vgd_multiscan(struct vgd_conn *c, char term, const char *path);

#endif
