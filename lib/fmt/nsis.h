// SPDX-License-Identifier: GPL-2.0-or-later
// nsis.h: Nullsoft (NSIS) installers' appended data (docs/internals/PARSERS.md).
#ifndef VIGIL_FMT_NSIS_H
#define VIGIL_FMT_NSIS_H

#include <stdbool.h>
#include <stddef.h>

#include "scan/extract.h"

/** Size of NSIS's "first header": flags, signature, header size,
 *  archive size. */
#define VG_NSIS_FIRST_HEADER 28u

/**
 * Find an NSIS first header in @p d (a PE with appended data): the
 * 0xDEADBEEF "NullsoftInst" signature (ClamAV's type marker) whose first
 * header starts at a 512-byte boundary, else the first one anywhere.
 * @param[out] off  where the first header (its flags word) starts
 * @return true if found
 */
bool vg_nsis_find(struct vigil_span d, size_t *off);

/**
 * Decompress the data blocks of an NSIS installer, @p in starting at its
 * first header: the script header, then every file's data, each emitted
 * as a child (no names: the script is not interpreted). Solid (one stream
 * for everything) and non-solid (one stream per block) archives, with
 * deflate or LZMA (optionally behind the x86 BCJ filter), and stored
 * blocks. NSIS's own headerless bzip2 is not supported.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (bad header, a block that overruns
 *         the archive or fails to decode: what came before was emitted),
 *         VIGIL_E_UNSUPPORTED (compression not recognised),
 *         VIGIL_E_NOMEM, or what emit returned.
 */
int vg_nsis_extract(struct vigil_span in, const struct vg_extract *x);

#endif
