// SPDX-License-Identifier: GPL-2.0-or-later
// names.h: the pool of signature names, addressed by 32-bit offsets.
#ifndef VIGIL_DB_NAMES_H
#define VIGIL_DB_NAMES_H

#include <stdbool.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/strparse.h"

/* Offsets, not pointers, so the pool can later be written to disk as is. */
struct vg_names {
    struct vigil_buf pool; /* NUL-terminated names, back to back */
};

void vg_names_init(struct vg_names *n);
void vg_names_free(struct vg_names *n);

/** Append @p name (plus ".UNOFFICIAL" when @p unofficial). @return 0,
 *  VIGIL_E_NOMEM, VIGIL_E_LIMIT */
int vg_names_add(struct vg_names *n, struct vigil_str name, bool unofficial,
                 uint32_t *off);

/** @return the NUL-terminated name at @p off (an offset vg_names_add gave). */
const char *vg_names_get(const struct vg_names *n, uint32_t off);

/** Roll back to an earlier size (load transactions). */
void vg_names_truncate(struct vg_names *n, size_t len);

#endif
