// SPDX-License-Identifier: GPL-2.0-or-later
// inflate.h: zlib/deflate streams into a bounded output (PDF FlateDecode,
// PowerPoint's compressed objects).
#ifndef VIGIL_FMT_INFLATE_H
#define VIGIL_FMT_INFLATE_H

#include "fmt/outbuf.h"
#include "util/cursor.h"

/**
 * Inflate a zlib stream (or raw deflate when the zlib header is absent)
 * into @p o until its end, the end of input, or o's limit.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (bad or truncated data: o holds what
 *         inflated before it), VIGIL_E_NOMEM
 */
int vg_inflate(struct vigil_span in, struct vg_out *o);

#endif
