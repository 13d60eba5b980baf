// SPDX-License-Identifier: GPL-2.0-or-later
// vdb_private.h: records shared by the compiled-file writer (vdb.c) and
// reader (vdb_map.c).
#ifndef VIGIL_DB_VDB_PRIVATE_H
#define VIGIL_DB_VDB_PRIVATE_H

#include "db/hashdb.h"
#include "db/vdb.h"
#include "match/matcher.h"

/* Engine-wide numbers that are not the length of some array. */
struct vg_vdb_scalars {
    uint64_t nsigs;
    uint64_t lits_per_target[VG_NTARGETS];
    uint32_t partial_targets; /* lsig: targets with partial patterns */
    uint32_t has_lsigs;       /* the .ldb tables exist */
    uint32_t nlits;           /* unique atom literals */
    uint32_t pad;
};

/* One hash table's shape; its arrays are sections. */
struct vg_vdb_hashtab {
    uint8_t dlen, any_size, pad[2];
    uint32_t n, nslots, nusizes;
};

#define VG_VDB_NTABS (VG_HSET_N * VG_HASH_NTYPES * 2)

static inline struct vg_hashtab *vg_vdb_tab(struct vg_hashdb *db, unsigned i)
{
    return &db->tab[i / (VG_HASH_NTYPES * 2)][(i / 2) % VG_HASH_NTYPES][i % 2];
}

/* What a mapping owns besides the engine's arrays, which point into it. */
struct vg_vdb_map {
    void *base;
    size_t len;
    const struct vg_vdb_header *hdr;
};

void vg_vdb_sha256(const void *data, size_t len, uint8_t out[32]);

#endif
