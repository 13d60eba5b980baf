// SPDX-License-Identifier: GPL-2.0-or-later
// onenote.h: files embedded in OneNote sections (docs/internals/PARSERS.md).
#ifndef VIGIL_FMT_ONENOTE_H
#define VIGIL_FMT_ONENOTE_H

#include "scan/extract.h"

/**
 * Emit the files a OneNote section (.one) carries.
 *
 * Revision-store files (OneNote 2007/2010, [MS-ONESTORE] 2.6.13) keep each
 * embedded file in a FileDataStoreObject: a header GUID, cbLength
 * (uint64), 12 unused/reserved bytes, the data, padding, a footer GUID.
 * Every header GUID in the file is taken, wherever it is: the structures
 * are reached through file node lists that a hostile file can bend, and
 * the GUID is the one thing the data cannot be without.
 *
 * The alternative packaging (OneNote web app exports, [MS-ONESTORE] 2.8)
 * stores the same data as MS-FSSHTTPB "Object Data BLOB" stream objects:
 * a 32-bit stream object header of type 0x02 whose content is one binary
 * item (compact length + bytes). Those are found by their header.
 *
 * @return VIGIL_OK, VIGIL_E_CORRUPT (not a OneNote file, or a structure
 *         whose length overruns the file: what was found was emitted),
 *         or what emit returned.
 */
int vg_onenote_extract(struct vigil_span in, const struct vg_extract *x);

#endif
