// SPDX-License-Identifier: GPL-2.0-or-later
// exehash.h: PE section hashes (.mdb/.msb) and the import-table hash
// (.imp), matched against a parsed executable.
#ifndef VIGIL_SCAN_EXEHASH_H
#define VIGIL_SCAN_EXEHASH_H

#include <stdbool.h>

#include "fmt/exe.h"
#include "util/cursor.h"

struct vigil_engine;

/**
 * Match a PE's section and import hashes, as ClamAV's cli_scanpe() does.
 * @param[in] eng       compiled engine
 * @param[in] data      the whole object (the one @p exe was parsed from)
 * @param[in] exe       vg_exe_parse() result; only VG_EXE_PE is hashed
 * @param[in] found     called with each detection's name, in ClamAV's
 *                      order: sections in file order, MD5/SHA1/SHA256,
 *                      exact size before '*'; then the import hash
 * @param[in] allmatch  false: stop after the first detection
 * @note Digests are computed only when some signature could match: a
 *       section's hashes only if an entry has its size (or '*'), the
 *       import hash only if .imp entries exist. Nothing is allocated but
 *       OpenSSL digest contexts; thread-safe on an immutable engine.
 */
void vg_exehash_scan(const struct vigil_engine *eng, struct vigil_span data,
                     const struct vg_exe_info *exe,
                     void (*found)(void *ctx, const char *name), void *ctx,
                     bool allmatch);

#endif
