// SPDX-License-Identifier: GPL-2.0-or-later
// recurse.h: the recursion core: children of a container are typed,
// scanned as files of their own and charged to the scan's limits
// (docs/internals/CONTAINERS.md).
#ifndef VIGIL_SCAN_RECURSE_H
#define VIGIL_SCAN_RECURSE_H

#ifndef VIGIL_BUILDING_LIB
#error "recurse.h is internal to libvigil"
#endif

#include "fmt/filetype.h"
#include "scan/extract.h"

struct vigil_scan;

/** What emit returns when a detection ends the scan (not an error: the
 *  parser stops and passes it back, the core sees it as success). */
#define VG_EXTRACT_STOP 1

/**
 * Extract the children of an object of type @p type (if an extractor
 * handles it) and scan each of them, depth first.
 * @return VIGIL_OK (object-level failures and limits are not errors),
 *         VIGIL_E_NOMEM, VIGIL_E_IO
 */
int vg_recurse_children(struct vigil_scan *scan, enum vg_ftype type,
                        struct vigil_span data);

/**
 * Extract and scan the containers and executables ClamAV's raw scan finds
 * inside an object of type @p type (vg_embedded_find(),
 * vg_embedded_pe_next()), in the order of their offsets. Same returns.
 */
int vg_recurse_embedded(struct vigil_scan *scan, enum vg_ftype type,
                        struct vigil_span data);

#endif
