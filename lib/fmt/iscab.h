// SPDX-License-Identifier: GPL-2.0-or-later
// iscab.h: InstallShield cabinets ("ISc(", version 6 and later): the file
// table in dataN.hdr, the data in the volumes dataN.cab
// (docs/internals/PARSERS.md, "InstallShield").
#ifndef VIGIL_FMT_ISCAB_H
#define VIGIL_FMT_ISCAB_H

#include <stdbool.h>

#include "scan/extract.h"
#include "util/cursor.h"

/** The bytes of volume @p vol (dataN.cab), or false if it is not at hand. */
typedef bool (*vg_iscab_volume_fn)(void *ctx, unsigned vol,
                                   struct vigil_span *out);

/** @return true if @p d starts with the cabinet signature "ISc(". */
bool vg_iscab_is(struct vigil_span d);

/**
 * Emit every file the header @p hdr describes whose data is in a volume
 * @p volume returns (stored or in zlib chunks).
 * @return VIGIL_OK, VIGIL_E_CORRUPT (a damaged header or file: the rest was
 *         emitted), VIGIL_E_UNSUPPORTED (a cabinet older than version 6),
 *         VIGIL_E_NOMEM, or what emit returned
 */
int vg_iscab_extract(struct vigil_span hdr, vg_iscab_volume_fn volume,
                     void *ctx, const struct vg_extract *x);

#endif
