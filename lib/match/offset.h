// SPDX-License-Identifier: GPL-2.0-or-later
// offset.h: ClamAV signature offsets (*, n, EOF-n, EP±n, Sx+n, SEx, SL+n,
// VI, $n$, each with an optional ,MAXSHIFT) and their resolution per file.
#ifndef VIGIL_MATCH_OFFSET_H
#define VIGIL_MATCH_OFFSET_H

#include <stdbool.h>
#include <stdint.h>

#include "fmt/exe.h"
#include "util/strparse.h"

enum vg_off_kind {
    VG_OFF_ANY,   /* *            */
    VG_OFF_ABS,   /* n            */
    VG_OFF_EOF,   /* EOF-n        */
    VG_OFF_EP,    /* EP+n / EP-n  */
    VG_OFF_SECT,  /* Sx+n         */
    VG_OFF_SE,    /* SEx          */
    VG_OFF_SL,    /* SL+n         */
    VG_OFF_VI,    /* VI           */
    VG_OFF_MACRO, /* $n$          */
};

struct vg_offset {
    uint8_t kind;
    uint32_t sect;     /* section index (S, SE), macro group ($n$) */
    int64_t n;         /* displacement */
    uint32_t maxshift; /* start may be anywhere in [at, at + maxshift] */
};

/** Parse an offset field. @return 0, or nonzero (then *why says why). */
int vg_offset_parse(struct vigil_str s, struct vg_offset *out,
                    const char **why);

/** Does this offset need executable headers (EP, S, SE, SL, VI)? */
bool vg_offset_needs_exe(const struct vg_offset *o);

/**
 * The range of allowed match starts in a file of @p size.
 * @return false when the offset cannot apply to this file (e.g. EP in a
 *         file without one); VI and MACRO are checked elsewhere.
 */
bool vg_offset_resolve(const struct vg_offset *o, uint64_t size,
                       const struct vg_exe_info *exe, uint64_t *lo,
                       uint64_t *hi);

#endif
