// SPDX-License-Identifier: GPL-2.0-or-later
// bytecmp.h: .ldb byte-compare subsignatures "N(>>off#opts len#cmp[,cmp])":
// read a number near subsignature N's last match and compare it.
#ifndef VIGIL_MATCH_BYTECMP_H
#define VIGIL_MATCH_BYTECMP_H

#include <stdbool.h>
#include <stdint.h>

#include "util/cursor.h"
#include "util/strparse.h"

/* How the bytes are read (ClamAV's option letters). */
enum vg_bc_opt {
    VG_BC_HEX = 0x0001,   /* h: hexadecimal text */
    VG_BC_DEC = 0x0002,   /* d: decimal text (big-endian implied) */
    VG_BC_BIN = 0x0004,   /* i: raw binary integer, 1/2/4/8 bytes */
    VG_BC_AUTO = 0x0008,  /* a: hex if the text starts "0x", else decimal */
    VG_BC_LE = 0x0010,    /* l: little-endian */
    VG_BC_BE = 0x0020,    /* b: big-endian */
    VG_BC_EXACT = 0x0100, /* e: the whole field must be the number */
};

struct vg_bcomp {
    int16_t ref;   /* subsignature whose last match anchors the read */
    uint16_t opts; /* enum vg_bc_opt */
    uint32_t len;  /* bytes read */
    int64_t off;   /* from the start of that match ("<<" negative) */
    uint8_t ncomp; /* 1 or 2 */
    char sym[2];   /* '<', '>', '=' */
    int64_t val[2];
};

/**
 * Parse a byte-compare subsignature with ClamAV 1.4's rules.
 * @param[out] why  reason on failure (static string)
 * @return 0 on success, nonzero when malformed
 */
int vg_bcomp_parse(struct vigil_str text, struct vg_bcomp *out,
                   const char **why);

/**
 * Does the number at @p ref_off + off hold every comparison? Reads only
 * through a bounded cursor over @p data; never allocates.
 */
bool vg_bcomp_check(const struct vg_bcomp *bc, struct vigil_span data,
                    uint64_t ref_off);

#endif
