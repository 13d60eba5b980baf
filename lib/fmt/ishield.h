// SPDX-License-Identifier: GPL-2.0-or-later
// ishield.h: the files an InstallShield setup.exe carries after its PE
// (docs/internals/PARSERS.md, "InstallShield").
#ifndef VIGIL_FMT_ISHIELD_H
#define VIGIL_FMT_ISHIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "fmt/filetype.h"
#include "scan/extract.h"
#include "util/cursor.h"

/**
 * Find an InstallShield payload in @p d: the "InstallShield\0" file table
 * (ClamAV's ISHIELD_MSI type) anywhere, or the plain name/path/version/size
 * stream that starts where the PE's last section ends (@p is_pe) or, for
 * data that is not a PE, at its start.
 * @param[out] off  where the payload starts in @p d
 * @param[out] et   the type its files see as their container
 * @return true if found
 */
bool vg_ishield_find(struct vigil_span d, bool is_pe, size_t *off,
                     enum vg_ftype *et);

/**
 * Emit every file of an InstallShield payload that starts at in.p (either
 * layout), decrypting and inflating the files of the "InstallShield\0" table.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (some file was cut or undecodable: the
 *         rest was emitted), VIGIL_E_NOMEM, or what emit returned
 */
int vg_ishield_extract(struct vigil_span in, const struct vg_extract *x);

#endif
