// SPDX-License-Identifier: GPL-2.0-or-later
// ppt.h: embedded objects in a PowerPoint 97-2003 "PowerPoint Document"
// stream (MS-PPT ExOleObjStg records).
#ifndef VIGIL_FMT_PPT_H
#define VIGIL_FMT_PPT_H

#include "scan/extract.h"

/**
 * Walk the records of a "PowerPoint Document" stream and emit the data of
 * every ExOleObjStg record (inflated when it is stored compressed): each
 * is normally an OLE2 compound file of its own.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (records overrun the stream or bad
 *         compressed data; what was found was emitted), VIGIL_E_NOMEM, or
 *         what emit returned.
 */
int vg_ppt_extract(struct vigil_span in, const struct vg_extract *x);

#endif
