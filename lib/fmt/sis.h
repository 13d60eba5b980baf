// SPDX-License-Identifier: GPL-2.0-or-later
// sis.h: Symbian/EPOC installation files (docs/internals/PARSERS.md).
#ifndef VIGIL_FMT_SIS_H
#define VIGIL_FMT_SIS_H

#include "scan/extract.h"

/**
 * Emit the files of an EPOC (pre-Symbian 9) SIS file: the header gives
 * the number of languages and files and where the file records are; each
 * record points at its data (one block per language for multi-language
 * records). Release 6 files are zlib-compressed unless the header's
 * NoCompress option is set; data that does not inflate is emitted as
 * stored. Conditional and option records are stepped over.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (not an EPOC SIS file, an unknown
 *         record or data outside the file: what was found was emitted),
 *         VIGIL_E_NOMEM, or what emit returned.
 */
int vg_sis_extract(struct vigil_span in, const struct vg_extract *x);

#endif
