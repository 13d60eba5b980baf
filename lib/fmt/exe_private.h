// SPDX-License-Identifier: GPL-2.0-or-later
// exe_private.h: what the PE, ELF and Mach-O parsers share inside lib/fmt
// and with the section/import hashing in lib/scan/exehash.c.
#ifndef VIGIL_FMT_EXE_PRIVATE_H
#define VIGIL_FMT_EXE_PRIVATE_H

#include "fmt/exe.h"

/* Per-format parsers; vg_exe_parse() has cleared *out and checked the
 * magic. @return VIGIL_OK (kind set), VIGIL_E_CORRUPT, or 1 for "not this
 * format after all" (kind stays VG_EXE_NONE). */
#define VG_EXE_NOT_MINE 1
int vg_pe_parse(struct vigil_span data, struct vg_exe_info *out);
int vg_elf_parse(struct vigil_span data, struct vg_exe_info *out);
int vg_macho_parse(struct vigil_span data, struct vg_exe_info *out);

/** Record section @p idx of @p total: stored if it fits, and as the last
 *  section when it is the last. */
void vg_exe_put_section(struct vg_exe_info *out, uint32_t idx, uint32_t total,
                        const struct vg_exe_section *s);

/** Record a VERSIONINFO string at @p off, @p len bytes (duplicates and
 *  entries past VG_EXE_MAX_VINFO are dropped). */
void vg_exe_put_vinfo(struct vg_exe_info *out, uint64_t off, uint64_t len);

/**
 * Section @p idx of a parsed PE exactly as ClamAV adjusts it (aligned,
 * clipped), decoded again from the section table so that any number of
 * sections works. @return false if idx is out of range.
 */
bool vg_pe_section(struct vigil_span data, const struct vg_exe_info *pe,
                   uint32_t idx, struct vg_exe_section *s);

/**
 * ClamAV's RVA to file offset mapping (cli_rawaddr): an RVA below the
 * aligned SizeOfHeaders maps to itself if inside the file; otherwise the
 * last section whose raw data covers it.
 * @return true and *off, or false when the RVA maps nowhere.
 */
bool vg_pe_rawaddr(struct vigil_span data, const struct vg_exe_info *pe,
                   uint32_t rva, uint32_t *off);

/** Walk the resource tree for RT_VERSION and record the VERSIONINFO
 *  strings (ClamAV's VI offsets) in pe->vinfo. Never fails. */
void vg_pe_vinfo_parse(struct vigil_span data, struct vg_exe_info *pe,
                       uint32_t res_rva);

/**
 * Build ClamAV's import-table hash input: "dll.func" pieces, lower-cased,
 * joined by ','. @p feed receives the bytes piece by piece.
 * @return true when the whole table was walked (hash the bytes fed),
 *         false when ClamAV would compute no hash for this file.
 */
typedef void (*vg_imp_feed)(void *ctx, const char *bytes, size_t len);
bool vg_pe_imports_walk(struct vigil_span data, const struct vg_exe_info *pe,
                        vg_imp_feed feed, void *ctx);

#endif
