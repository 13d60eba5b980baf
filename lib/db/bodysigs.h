// SPDX-License-Identifier: GPL-2.0-or-later
// bodysigs.h: the engine's body signatures (.ndb) and how matcher owners
// map back to them.
#ifndef VIGIL_DB_BODYSIGS_H
#define VIGIL_DB_BODYSIGS_H

#include <stdint.h>

/*
 * A matcher "owner" says what a pattern match means:
 *   bit 31 clear: .ndb signature number (index into ndb_names)
 *   bit 31 set:   .ldb subsignature number (the .ldb module's table)
 */
#define VG_OWNER_LDB 0x80000000u

struct vg_ndbs {
    uint32_t *names; /* name-pool offset per .ndb signature */
    uint32_t n, cap;
};

void vg_ndbs_free(struct vg_ndbs *s);
/** @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_LIMIT; *index the new number */
int vg_ndbs_add(struct vg_ndbs *s, uint32_t name, uint32_t *index);

#endif
