// SPDX-License-Identifier: GPL-2.0-or-later
// vba.h: VBA projects inside OLE2 files (MS-OVBA): the compression of the
// dir and module streams, and the module list of the dir stream.
#ifndef VIGIL_FMT_VBA_H
#define VIGIL_FMT_VBA_H

#include <stdint.h>

#include "fmt/outbuf.h"
#include "util/cursor.h"

/**
 * Decompress an MS-OVBA CompressedContainer (signature byte 0x01, then
 * chunks) into @p o, stopping at o's limit.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (bad signature, chunk or copy token:
 *         o holds what decoded before it), VIGIL_E_NOMEM
 */
int vg_vba_decompress(struct vigil_span in, struct vg_out *o);

/** One module of a project: its name, the OLE2 stream holding it, and
 *  where its compressed source starts in that stream. */
struct vg_vba_module {
    char name[128];
    char stream[128];
    uint32_t offset;
};

typedef int (*vg_vba_module_fn)(void *ctx, const struct vg_vba_module *m);

/**
 * Walk the records of a decompressed dir stream and call @p fn for every
 * module (at its terminator record). A non-zero return from fn stops the
 * walk and is returned.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (records overrun the stream), or fn's
 *         value
 */
int vg_vba_dir_modules(struct vigil_span dir, vg_vba_module_fn fn, void *ctx);

#endif
