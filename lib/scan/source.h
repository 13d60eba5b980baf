// SPDX-License-Identifier: GPL-2.0-or-later
// source.h: one read-only view of the bytes to scan (mapped, borrowed or
// read into memory).
#ifndef VIGIL_SCAN_SOURCE_H
#define VIGIL_SCAN_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/cursor.h"

struct vg_source {
    struct vigil_span data; /* the whole object */
    void *map;              /* mmap base, or NULL */
    size_t map_len;
    uint8_t *owned;         /* heap copy (pipes), or NULL */
};

/** View a caller's buffer (not copied). */
void vg_source_from_mem(struct vg_source *src, const void *p, size_t len);

/**
 * Map a regular file, or read a pipe/socket into memory up to @p max_read
 * bytes. @return VIGIL_OK, VIGIL_E_IO, VIGIL_E_NOMEM, VIGIL_E_LIMIT
 */
int vg_source_from_fd(struct vg_source *src, int fd, size_t max_read);

/** Files up to this size are read into a reused buffer instead of mapped:
 *  a mapping's set-up, faults and tear-down cost more than one read. Was
 *  1 MiB; 4 MiB made `vigil scan -j1 -r /usr/bin` 6% faster (1.14 s ->
 *  1.07 s) for 4 MiB more peak RSS per scanning thread; 16 MiB gained
 *  nothing more. */
#define VG_SOURCE_READ_MAX ((size_t)4 << 20)

/**
 * vg_source_from_fd(), but small regular files are read into @p reuse
 * (which the source then borrows until the next call).
 */
int vg_source_from_fd_reuse(struct vg_source *src, int fd, size_t max_read,
                            struct vigil_buf *reuse);

void vg_source_close(struct vg_source *src);

#endif
