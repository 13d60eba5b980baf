// SPDX-License-Identifier: GPL-2.0-or-later
// rtf.h: RTF documents: embedded objects (\objdata), hex-decoded and
// unwrapped from OLE1 (docs/internals/PARSERS.md).
#ifndef VIGIL_FMT_RTF_H
#define VIGIL_FMT_RTF_H

#include "scan/extract.h"

/**
 * Emit the object of every \objdata group: its hex text (and \bin data)
 * decoded, then unwrapped: an OLE1 embedded object gives its native data
 * (an OLE2 file for most classes), a Packager object the file it wraps;
 * data that is no OLE1 object is emitted as decoded. Ignorable groups
 * ({\*\word ...}) inside an \objdata group are skipped, as Word does.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (an unterminated object: what was
 *         decoded was emitted), VIGIL_E_NOMEM, or what emit returned.
 */
int vg_rtf_extract(struct vigil_span in, const struct vg_extract *x);

#endif
