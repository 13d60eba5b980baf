// SPDX-License-Identifier: GPL-2.0-or-later
// matcher_private.h: matcher internals shared by matcher.c and verify.c.
#ifndef VIGIL_MATCH_MATCHER_PRIVATE_H
#define VIGIL_MATCH_MATCHER_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

/* Longest atom: long enough to be rare, short enough to stay in the
 * prefilter's fast paths. */
#define VG_ATOM_MAX 12
/* Offsets with at most this MAXSHIFT are checked in place, not searched. */
#define VG_PIN_MAX_SHIFT 4096u
/* Verification steps (segment tests) one scan may spend before it gives
 * up on a pathological file: a limit, reported as such. */
#define VG_VERIFY_BUDGET (64u * 1024u * 1024u)

struct vg_atom {
    uint8_t bytes[VG_ATOM_MAX];
    uint8_t len;
    bool nocase;
    uint32_t pat; /* pattern index */
    uint32_t seg; /* segment (global index) holding the atom */
    uint32_t at;  /* byte offset of the atom inside that segment */
};

#endif
