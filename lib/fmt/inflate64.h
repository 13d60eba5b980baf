// SPDX-License-Identifier: GPL-2.0-or-later
// inflate64.h: decoders for zip methods libarchive lacks: Deflate64
// (method 9, inflate64.c) and implode (method 6, explode.c).
#ifndef VIGIL_FMT_INFLATE64_H
#define VIGIL_FMT_INFLATE64_H

#include <stdbool.h>

#include "util/buf.h"
#include "util/cursor.h"

/**
 * Decode the raw Deflate64 stream @p in, appending to @p out up to
 * out->max bytes (then *truncated is set and decoding stops).
 * @return VIGIL_OK, VIGIL_E_CORRUPT (bad or cut stream; out holds what was
 *         decoded), VIGIL_E_NOMEM
 */
int vg_inflate64(struct vigil_span in, struct vigil_buf *out, bool *truncated);

/**
 * Decode an imploded zip member (@p flags: its general-purpose flags; bit
 * 1: 8 KiB dictionary, bit 2: literal tree) of @p size bytes, appending
 * to @p out up to out->max (then *truncated is set).
 * @return VIGIL_OK, VIGIL_E_CORRUPT (out holds what was decoded),
 *         VIGIL_E_NOMEM
 */
int vg_explode(struct vigil_span in, unsigned flags, uint64_t size,
               struct vigil_buf *out, bool *truncated);

#endif
