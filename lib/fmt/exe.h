// SPDX-License-Identifier: GPL-2.0-or-later
// exe.h: what the executable parsers (PE, ELF, Mach-O) tell the matcher:
// entry point, sections, and PE version-information strings.
#ifndef VIGIL_FMT_EXE_H
#define VIGIL_FMT_EXE_H

#include <stdbool.h>
#include <stdint.h>

#include "util/cursor.h"

/*
 * Every value here is the one ClamAV 1.4.6 computes, including its quirks,
 * so that EP+n, Sx+n, SEx, SL+n, VI, EntryPoint and NumberOfSections give
 * the same answers (docs/internals/EXE.md has the rules and the evidence).
 * ClamAV keeps these values in uint32_t: they are stored here already
 * truncated to 32 bits, and offset arithmetic on them (EP-n, raw + n,
 * raw + raw_size + maxshift) must wrap at 32 bits to match ClamAV.
 */

enum vg_exe_kind { VG_EXE_NONE, VG_EXE_PE, VG_EXE_ELF, VG_EXE_MACHO };

struct vg_exe_section {
    uint64_t rva;      /* PE: VirtualAddress rounded down to the section
                          alignment; ELF sh_addr; Mach-O addr */
    uint64_t vsize;    /* PE: VirtualSize rounded up; ELF sh_size;
                          Mach-O size */
    uint64_t raw_off;  /* Sx+n / SEx / SL+n start here. PE: rounded down
                          to the file alignment; ELF sh_offset; Mach-O
                          offset */
    uint64_t raw_size; /* SEx spans raw_off .. raw_off + raw_size. PE:
                          SizeOfRawData rounded up and clipped to the
                          file (0 for sections past its end); ELF sh_size
                          (not clipped); Mach-O size rounded up to the
                          section alignment (not clipped) */
};

/*
 * A PE VERSIONINFO string: ClamAV's VI offset accepts a match that starts
 * exactly at off, the start of the UTF-16LE key ("CompanyName\0...")
 * followed by its value; len covers key and value (with their padding).
 */
struct vg_exe_vinfo {
    uint64_t off, len;
};

/* PE details the section and import hashes need (lib/scan/exehash.c). */
struct vg_exe_pe {
    uint32_t hdr_size; /* SizeOfHeaders rounded up to SectionAlignment */
    uint32_t salign;   /* SectionAlignment */
    uint32_t falign;   /* FileAlignment after ClamAV's 0x200 fallback */
    uint64_t sect_off; /* file offset of the section table */
    uint32_t imp_rva;  /* import directory (data directory 1) */
    uint32_t imp_size;
    bool pe32plus;
    bool hashable; /* ClamAV's cli_scanpe accepts it (some section with
                      raw data inside the file, or virtual only) */
};

/*
 * ClamAV has no limit on PE or Mach-O sections (ELF: 256). sections[] holds
 * the first VG_EXE_MAX_SECTIONS; use vg_exe_section_at() / vg_exe_last(),
 * which also give the last section when there are more.
 */
#define VG_EXE_MAX_SECTIONS 256
#define VG_EXE_MAX_VINFO 64 /* ClamAV: unbounded; more are dropped */

struct vg_exe_info {
    enum vg_exe_kind kind;
    bool has_ep;        /* set for every parsed executable */
    uint64_t ep;        /* entry point as a file offset (may be 0) */
    uint32_t nsections; /* as ClamAV counts them (NumberOfSections) */
    struct vg_exe_section sections[VG_EXE_MAX_SECTIONS];
    struct vg_exe_section last; /* section nsections - 1 (if any) */
    uint32_t nvinfo;
    struct vg_exe_vinfo vinfo[VG_EXE_MAX_VINFO];
    struct vg_exe_pe pe; /* kind == VG_EXE_PE only */
};

/**
 * Parse the headers of a PE, ELF or Mach-O object.
 * @param[in]  data  the whole object
 * @param[out] out   filled on VIGIL_OK; on error kind is VG_EXE_NONE
 * @return VIGIL_OK (kind VG_EXE_NONE if not an executable ClamAV describes:
 *         a DOS MZ without PE header, a Mach-O universal binary (ClamAV
 *         scans its slices as embedded objects), anything else),
 *         VIGIL_E_CORRUPT (headers unusable: ClamAV's EP/section offsets
 *         and EntryPoint/NumberOfSections never match such a file)
 * @note Reads only through a bounded cursor; never allocates.
 */
int vg_exe_parse(struct vigil_span data, struct vg_exe_info *out);

/** @return section @p idx (0-based) as ClamAV numbers them, or NULL if
 *  there is no such section or it is past the stored ones. */
const struct vg_exe_section *vg_exe_section_at(const struct vg_exe_info *exe,
                                               uint32_t idx);

/** @return the last section (SL), or NULL when there are none. */
const struct vg_exe_section *vg_exe_last(const struct vg_exe_info *exe);

/** @return true if a match starting at @p off starts a VERSIONINFO string
 *  (ClamAV's VI offset). */
bool vg_exe_vinfo_at(const struct vg_exe_info *exe, uint64_t off);

#endif
