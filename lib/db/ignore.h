// SPDX-License-Identifier: GPL-2.0-or-later
// ignore.h: the .ign2 list of signature names to drop at load time.
#ifndef VIGIL_DB_IGNORE_H
#define VIGIL_DB_IGNORE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/strparse.h"

/*
 * Entries are "NAME" (drop every signature of that name) or "NAME:MD5",
 * where MD5 is the digest of the signature's database line: it drops only
 * that exact line. Checked while loading, as ClamAV does, so the list must
 * be loaded before the signatures it names (directories load .ign2 first).
 */
struct vg_ignore_entry {
    char *name;
    bool has_md5;
    uint8_t md5[16];
};

struct vg_ignore {
    struct vg_ignore_entry *v; /* insertion order, so rollback truncates */
    uint32_t n, cap;
    uint32_t *by_name;         /* indexes into v, sorted by name */
    uint32_t nsorted;          /* entries by_name covers */
};

void vg_ignore_init(struct vg_ignore *ig);
void vg_ignore_free(struct vg_ignore *ig);
/** @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_LIMIT */
int vg_ignore_add(struct vg_ignore *ig, struct vigil_str name,
                  const uint8_t *md5);
/** Index for lookups; call after adding. @return VIGIL_OK, VIGIL_E_NOMEM */
int vg_ignore_finish(struct vg_ignore *ig);
/** Should the signature @p name, from database line @p line, be dropped? */
bool vg_ignore_match(const struct vg_ignore *ig, struct vigil_str name,
                     struct vigil_str line);
void vg_ignore_truncate(struct vg_ignore *ig, uint32_t n);

#endif
