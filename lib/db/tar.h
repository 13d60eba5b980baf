// SPDX-License-Identifier: GPL-2.0-or-later
// tar.h: the tar and gzip layers of ClamAV database containers, in memory.
#ifndef VIGIL_DB_TAR_H
#define VIGIL_DB_TAR_H

#ifndef VIGIL_BUILDING_LIB
#error "tar.h is internal to libvigil"
#endif

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/cursor.h"

/** Why a container check failed: one human-readable sentence. */
struct vg_why {
    char msg[320];
};

/** Set why->msg (if @p why is not NULL). @return @p ret */
__attribute__((format(printf, 3, 4))) int
vg_why_set(struct vg_why *why, int ret, const char *fmt, ...);

/** Longest member name (ClamAV's writer keeps 99 bytes + NUL). */
#define VG_TAR_NAME_MAX 100

struct vg_tar_member {
    char name[VG_TAR_NAME_MAX + 1];
    struct vigil_span data; /* points into the parsed body */
    bool listed;            /* set by the .info check */
};

struct vg_tar {
    struct vg_tar_member *m;
    size_t n;
};

/**
 * Parse a tar as ClamAV reads one: 512-byte headers, name in bytes 0-99
 * (no '/'), size in octal at 124, type '0' or NUL; stops at a zero block.
 * Stricter: the header checksum must be right, names printable and unique,
 * member data and padding complete, anything after the end block zero.
 * At most VIGIL_CAP_CVD_MEMBERS members.
 * @param[out] t  the members (free with vg_tar_free, also on failure)
 * @return VIGIL_OK, VIGIL_E_CORRUPT ("tar: ..." in why), VIGIL_E_LIMIT,
 *         VIGIL_E_NOMEM
 */
int vg_tar_parse(struct vigil_span body, struct vg_tar *t, struct vg_why *why);
void vg_tar_free(struct vg_tar *t);

/** @return the member called @p name, or NULL. */
const struct vg_tar_member *vg_tar_find(const struct vg_tar *t,
                                        const char *name);

/**
 * Append one member exactly as ClamAV's tar_addfile() writes it: a header
 * with only name, size ("%o") and checksum ("%06o" + NUL) set, the data,
 * zero padding to 512; no end-of-archive block.
 * @return VIGIL_OK, VIGIL_E_ARG (name longer than 99 bytes), VIGIL_E_LIMIT,
 *         VIGIL_E_NOMEM
 */
int vg_tar_append(struct vigil_buf *out, const char *name,
                  struct vigil_span data);

/**
 * Inflate one gzip member that must end exactly at the end of @p in.
 * @param[out] out  initialised by the caller; its max caps the output
 * @return VIGIL_OK, VIGIL_E_CORRUPT ("gzip: ..."), VIGIL_E_LIMIT,
 *         VIGIL_E_NOMEM
 */
int vg_gunzip(struct vigil_span in, struct vigil_buf *out, struct vg_why *why);

#endif
