// SPDX-License-Identifier: GPL-2.0-or-later
// inflate64.h: Deflate64 (zip method 9) decoding.
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

#endif
