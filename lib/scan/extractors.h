// SPDX-License-Identifier: GPL-2.0-or-later
// extractors.h: which parser extracts the children of which file type.
#ifndef VIGIL_SCAN_EXTRACTORS_H
#define VIGIL_SCAN_EXTRACTORS_H

#include <stdbool.h>
#include <stddef.h>

#include "fmt/filetype.h"
#include "scan/extract.h"

/** A container parser (the contract is in extract.h). */
typedef int (*vg_extract_fn)(struct vigil_span in, const struct vg_extract *x);

/** The extractor for type @p t, or NULL if objects of that type have no
 *  children vigil can extract. */
vg_extract_fn vg_extractor_for(enum vg_ftype t);

/**
 * A container ClamAV finds inside an object of type @p t during its raw
 * scan (an ISO 9660 image typed as binary data, a zip after a stub), or a
 * zstd frame (no ClamAV type; vigil opens it by its magic).
 * @param[out] et   the type its children see as their container
 * @param[out] off  where it starts in @p data
 * @return its extractor, or NULL if none was found
 */
vg_extract_fn vg_embedded_find(enum vg_ftype t, struct vigil_span data,
                               enum vg_ftype *et, size_t *off);

/**
 * The next executable embedded in a PE or OLE2 object at or after
 * @p *at (at least 1): ClamAV's pattern "MZ", then "PE\0\0" 60 to 300
 * bytes later, kept when the headers there parse as a PE and at most
 * MaxEmbeddedPE (40 MiB) of the object remains from it. Objects of other
 * types have none (ClamAV searches no further types for them).
 * @param scratch  overwritten by the header check
 * @param[in,out] at  where to search from; where it starts
 * @return false when there is none
 */
struct vg_exe_info;
bool vg_embedded_pe_next(enum vg_ftype t, struct vigil_span data, size_t *at,
                         struct vg_exe_info *scratch);

/** ClamAV's name for an encrypted member of a container of type @p t,
 *  e.g. "Heuristics.Encrypted.Zip". */
const char *vg_encrypted_name(enum vg_ftype t);

/* The extractors (lib/fmt/). */
int vg_archive_extract(struct vigil_span in, const struct vg_extract *x);
int vg_zip_legacy_extract(struct vigil_span in, const struct vg_extract *x);
int vg_mspack_cab_extract(struct vigil_span in, const struct vg_extract *x);
int vg_mspack_chm_extract(struct vigil_span in, const struct vg_extract *x);
int vg_mspack_szdd_extract(struct vigil_span in, const struct vg_extract *x);
int vg_gz_extract(struct vigil_span in, const struct vg_extract *x);
int vg_bz2_extract(struct vigil_span in, const struct vg_extract *x);
int vg_xz_extract(struct vigil_span in, const struct vg_extract *x);
int vg_zstd_extract(struct vigil_span in, const struct vg_extract *x);

#endif
