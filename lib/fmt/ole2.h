// SPDX-License-Identifier: GPL-2.0-or-later
// ole2.h: OLE2 compound files (MS-CFB): Office 97-2003 documents and the
// VBA macro source inside them (docs/internals/PARSERS.md).
#ifndef VIGIL_FMT_OLE2_H
#define VIGIL_FMT_OLE2_H

#include "scan/extract.h"

/**
 * Emit every stream of a compound file (named after its directory entry),
 * then the decompressed source of every VBA module (named after the
 * module) and the objects PowerPoint stores compressed in its
 * "PowerPoint Document" stream. Sector chains are followed through the
 * FAT/miniFAT with each sector used by at most one stream, so cycles and
 * cross-linked chains end the stream (and mark the file corrupt) instead
 * of looping.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (bad header, or damage; what could be
 *         read was emitted), VIGIL_E_NOMEM, or what emit returned.
 */
int vg_ole2_extract(struct vigil_span in, const struct vg_extract *x);

#endif
