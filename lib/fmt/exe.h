// SPDX-License-Identifier: GPL-2.0-or-later
// exe.h: what the executable parsers (PE, ELF, Mach-O) tell the matcher:
// entry point, sections, and PE version-information strings.
#ifndef VIGIL_FMT_EXE_H
#define VIGIL_FMT_EXE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/cursor.h"

enum vg_exe_kind { VG_EXE_NONE, VG_EXE_PE, VG_EXE_ELF, VG_EXE_MACHO };

struct vg_exe_section {
    uint64_t rva;      /* virtual address (relative, PE) or address */
    uint64_t vsize;    /* size in memory */
    uint64_t raw_off;  /* file offset */
    uint64_t raw_size; /* size in the file (clipped to the file) */
};

/* A PE VERSIONINFO string value: where its UTF-16 text sits in the file. */
struct vg_exe_vinfo {
    uint64_t off, len;
};

#define VG_EXE_MAX_SECTIONS 96 /* PE's own limit; more is corrupt */
#define VG_EXE_MAX_VINFO 64

struct vg_exe_info {
    enum vg_exe_kind kind;
    bool has_ep;
    uint64_t ep;        /* entry point as a file offset */
    uint32_t nsections; /* as ClamAV counts them (NumberOfSections) */
    struct vg_exe_section sections[VG_EXE_MAX_SECTIONS];
    uint32_t nvinfo;
    struct vg_exe_vinfo vinfo[VG_EXE_MAX_VINFO];
};

/**
 * Parse the headers of a PE, ELF or Mach-O object.
 * @return VIGIL_OK (out filled; kind VG_EXE_NONE if not an executable),
 *         VIGIL_E_CORRUPT (headers unusable: out->kind stays VG_EXE_NONE)
 */
int vg_exe_parse(struct vigil_span data, struct vg_exe_info *out);

#endif
