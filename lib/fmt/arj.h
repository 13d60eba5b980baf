// SPDX-License-Identifier: GPL-2.0-or-later
// arj.h: ARJ archives, vigil's own reader (docs/internals/PARSERS.md).
#ifndef VIGIL_FMT_ARJ_H
#define VIGIL_FMT_ARJ_H

#include <stdbool.h>
#include <stddef.h>

#include "scan/extract.h"
#include "util/buf.h"

/**
 * Walk an ARJ archive (the main header at the start, or after an SFX
 * stub) and emit every file member, decoded: stored (method 0), the
 * LZ77+Huffman methods 1-3 and the "fastest" method 4. Directories,
 * labels and chapters are skipped; garbled (password) members and
 * unknown methods are skipped too. A member larger than x->max_child is
 * emitted empty with its declared size (the core applies its limits).
 * @return VIGIL_OK, VIGIL_E_CORRUPT (bad header or header CRC, member
 *         cut short, bad compressed data or CRC: what was decoded is
 *         still emitted), VIGIL_E_NOMEM, or what emit returned.
 */
int vg_arj_extract(struct vigil_span in, const struct vg_extract *x);

/**
 * Find an ARJ archive's main header (0x60 0xEA, file type 2, valid CRC)
 * starting in the first MiB of @p in: after an SFX stub.
 * @param[out] off its offset
 * @return true if found
 */
bool vg_arj_find(struct vigil_span in, size_t *off);

/**
 * Decode one ARJ member's compressed data into @p out (appended, at most
 * @p osize bytes, nor more than out's own limit).
 * @param method 1-3 (Huffman coded) or 4 (fastest)
 * @return VIGIL_OK when osize bytes came out, VIGIL_E_CORRUPT (bad or
 *         short data: out holds what was decoded), VIGIL_E_NOMEM,
 *         VIGIL_E_UNSUPPORTED (another method)
 */
int vg_arj_decode(struct vigil_span in, unsigned method, uint64_t osize,
                  struct vigil_buf *out);

#endif
