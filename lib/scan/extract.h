// SPDX-License-Identifier: GPL-2.0-or-later
// extract.h: the contract between a container or decoder parser (mail,
// OLE2, PDF, archives via libarchive, compressed streams ...) and the
// recursion core that scans what they find (docs/internals/CONTAINERS.md).
#ifndef VIGIL_SCAN_EXTRACT_H
#define VIGIL_SCAN_EXTRACT_H

#include <stdbool.h>
#include <stdint.h>

#include "fmt/filetype.h"
#include "util/cursor.h"

/*
 * A parser is a function
 *
 *     int vg_<format>_extract(struct vigil_span in, const struct vg_extract *x);
 *
 * that reads @p in (hostile bytes: bounded cursor only) and calls x->emit
 * once for every object it finds inside: an archive member, a decoded MIME
 * part, an OLE2 stream, a decompressed PDF stream ... The core types the
 * child by content (unless a hint is given), scans it as a file of its own
 * (hashes, body and logical signatures of its target, further
 * extraction), and counts it against the limits.
 *
 * Rules for parsers:
 * - The child's bytes need only live for the duration of the emit call.
 * - Never produce more than x->max_child bytes for one child: stop
 *   decoding there and set info.truncated (the core reports the limit).
 * - If emit returns anything but VIGIL_OK, stop at once and return that
 *   value (a detection ended the scan, or a limit was reached).
 * - Malformed input: emit what could be recovered, then return
 *   VIGIL_E_CORRUPT (the core turns it into an honest verdict, not an
 *   error for the whole file) — never crash, loop, or allocate without
 *   a bound.
 */
struct vg_child_info {
    const char *name;       /* member name or NULL (for .cdb / display) */
    int type_hint;          /* enum vg_ftype, or -1: type by content */
    bool encrypted;         /* member could not be read: encrypted */
    bool truncated;         /* output stopped at max_child */
    uint64_t declared_size; /* size the container claims, 0 if unknown */
    uint64_t packed_size;   /* compressed size, 0 if unknown */
};

typedef int (*vg_emit_fn)(void *core, struct vigil_span data,
                          const struct vg_child_info *info);

struct vg_extract {
    vg_emit_fn emit;
    void *core;
    uint64_t max_child; /* most bytes one child may have */
    uint32_t depth;     /* nesting depth of the input (0: the file) */
};

#endif
