// SPDX-License-Identifier: GPL-2.0-or-later
// tnef.h: TNEF streams (winmail.dat) (docs/internals/PARSERS.md).
#ifndef VIGIL_FMT_TNEF_H
#define VIGIL_FMT_TNEF_H

#include "scan/extract.h"

/**
 * Walk the attributes of a TNEF stream and emit the message body
 * (attBody) and every attachment's data (attAttachData), named by the
 * attachment's attAttachTitle. MAPI property blocks are not decoded.
 * Checksums are not checked.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (bad signature, or an attribute that
 *         overruns the stream: what came before was emitted),
 *         VIGIL_E_NOMEM, or what emit returned.
 */
int vg_tnef_extract(struct vigil_span in, const struct vg_extract *x);

#endif
