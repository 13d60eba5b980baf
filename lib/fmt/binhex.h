// SPDX-License-Identifier: GPL-2.0-or-later
// binhex.h: BinHex 4.0 (.hqx) files (docs/internals/PARSERS.md).
#ifndef VIGIL_FMT_BINHEX_H
#define VIGIL_FMT_BINHEX_H

#include "scan/extract.h"

/**
 * Decode the BinHex 4.0 text between its ':' markers (6-bit characters,
 * then 0x90 run-length coding) and emit the data fork, named after the
 * file, then the resource fork if it is not empty. CRCs are not checked
 * (a bad CRC does not make the bytes less worth scanning).
 * @return VIGIL_OK, VIGIL_E_CORRUPT (no BinHex data, an invalid character,
 *         or forks cut short: what was decoded was emitted),
 *         VIGIL_E_NOMEM, or what emit returned.
 */
int vg_binhex_extract(struct vigil_span in, const struct vg_extract *x);

#endif
