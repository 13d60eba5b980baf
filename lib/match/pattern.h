// SPDX-License-Identifier: GPL-2.0-or-later
// pattern.h: ClamAV body patterns compiled into fixed-length segments
// joined by gaps, the form the prefilter and the verifier work on.
#ifndef VIGIL_MATCH_PATTERN_H
#define VIGIL_MATCH_PATTERN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/strparse.h"

/*
 * A pattern "aabb??cc*ddee{2-4}ff" is split at every variable-length
 * construct into segments of fixed length: [aabb??cc] * [ddee] {2-4} [ff].
 * A segment is a row of elements, each matching a fixed number of bytes.
 * Generic (variable-length) alternatives are expanded into several
 * patterns before parsing, so inside a segment everything has a width.
 *
 * Everything is stored in flat arrays addressed by uint32_t indices (the
 * compiled database issue writes these arrays to disk as they are).
 */

#define VG_GAP_INF UINT32_MAX

enum vg_elem_kind {
    VG_EL_BYTE,   /* (data & mask) == val */
    VG_EL_NOCASE, /* ASCII-lower(data) == val */
    VG_EL_CLASS,  /* bit set in class table entry `ref` */
    VG_EL_ALT,    /* one of the fixed-width strings of alt entry `ref` */
    VG_EL_BOUND,  /* zero-width assertion: val is 'B' or 'L' */
};

struct vg_elem {
    uint8_t kind, val, mask, width;
    uint32_t ref;
};

struct vg_alt {
    uint32_t first;  /* into the alt byte/mask pool */
    uint16_t width;  /* bytes per alternative */
    uint16_t count;  /* alternatives */
    bool negated;    /* match when none of them matches */
};

struct vg_seg {
    uint32_t first_elem, nelems;
    uint32_t len;              /* bytes */
    uint32_t gap_min, gap_max; /* bytes between previous segment and this */
    uint8_t near;              /* next to a [x-y] gap: may be one byte */
};

/* Pattern-wide modifiers (from .ldb ::i ::w ::f ::a). */
enum vg_pat_flags {
    VG_PAT_NOCASE = 1u << 0,
    VG_PAT_WIDE = 1u << 1,
    VG_PAT_FULLWORD = 1u << 2,
    VG_PAT_ASCII = 1u << 3,
    VG_PAT_NDB = 1u << 4, /* .ndb body: plain patterns need 3 bytes */
};

struct vg_pat {
    uint32_t first_seg, nsegs;
    uint32_t owner;   /* what a match reports (signature or subsignature) */
    uint32_t len_min; /* shortest match, bytes */
};

/* The flat arrays every pattern lives in. */
struct vg_patstore {
    struct vg_pat *pats;
    uint32_t npats, cap_pats;
    struct vg_seg *segs;
    uint32_t nsegs, cap_segs;
    struct vg_elem *elems;
    uint32_t nelems, cap_elems;
    uint8_t (*classes)[32];
    uint32_t nclasses, cap_classes;
    struct vg_alt *alts;
    uint32_t nalts, cap_alts;
    uint8_t *altbytes, *altmasks;
    uint32_t naltbytes, cap_altbytes;
};

void vg_patstore_init(struct vg_patstore *ps);
void vg_patstore_free(struct vg_patstore *ps);

/* Sizes of every array, for rolling back a failed load. */
struct vg_patstore_mark {
    uint32_t npats, nsegs, nelems, nclasses, nalts, naltbytes;
};
void vg_patstore_mark(const struct vg_patstore *ps,
                      struct vg_patstore_mark *m);
void vg_patstore_rollback(struct vg_patstore *ps,
                          const struct vg_patstore_mark *m);

/** Most patterns one signature may expand into (generic alternatives, and
 *  ascii+wide). */
#define VG_PAT_MAX_VARIANTS 64

/**
 * Parse ClamAV hex pattern text into one or more patterns (one per variant
 * of its generic alternatives, and per ascii/wide form), all reporting
 * @p owner.
 * @param[out] first  index of the first pattern added
 * @param[out] count  number of patterns added
 * @param[out] err    reason on failure (static string)
 * @return VIGIL_OK, VIGIL_E_DB (malformed), VIGIL_E_NOMEM, VIGIL_E_LIMIT
 */
int vg_pattern_parse(struct vg_patstore *ps, struct vigil_str hex,
                     unsigned flags, uint32_t owner, uint32_t *first,
                     uint32_t *count, const char **err);

/** Does pattern @p pi's segment @p si match at @p pos of data[0..len)? */
bool vg_seg_match(const struct vg_patstore *ps, uint32_t si,
                  const uint8_t *data, size_t len, size_t pos);

#endif
