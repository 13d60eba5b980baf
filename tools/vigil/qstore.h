// SPDX-License-Identifier: GPL-2.0-or-later
// qstore.h: internals shared by the quarantine store's files
// (quarantine.c: open, list, delete; qmove.c: store; qrestore.c: restore).
#ifndef VIGIL_QSTORE_H
#define VIGIL_QSTORE_H

#include <stdatomic.h>
#include <stdint.h>

#include "quarantine.h"

struct vq_store {
    int dirfd; /* every access goes through it (openat, renameat...) */
    char *dir;
    /* Test hook VIGIL_QUARANTINE_CRASH_AT=N: SIGKILL at the Nth step of
     * the move protocol, counted over the whole process. 0: off. */
    uint64_t crash_at;
    atomic_uint_fast64_t steps;
};

#define VQ_TMP_PREFIX ".tmp-"
#define VQ_PAYLOAD_SUFFIX ".payload"
#define VQ_RECORD_SUFFIX ".record"
/* ".tmp-" + id + ".payload" + NUL, with room to spare */
#define VQ_FILENAME_SIZE 48

/** A step of the protocol: where the crash hook may fire. */
void vq_crash_point(struct vq_store *s);

/** "<tmp?><id><suffix>" into @p out (VQ_FILENAME_SIZE bytes). */
void vq_filename(char *out, const char *id, const char *suffix, int tmp);

/** fsync a directory by descriptor. @return 0 or -1 (errno) */
int vq_fsync_fd(int fd);

/**
 * Open the directory that holds @p path, for *at() calls on its last
 * component (returned in @p *base, pointing into @p path).
 * @return a descriptor, or -1 (errno)
 */
int vq_open_parent(const char *path, const char **base);

/** renameat that never replaces an existing @p to (EEXIST instead).
 *  @return 0 or -1 (errno) */
int vq_rename_new(int dirfd, const char *from, int todirfd, const char *to);

#endif
