// SPDX-License-Identifier: GPL-2.0-or-later
// exe.c: vg_exe_parse() picks the PE, ELF or Mach-O parser by magic, and
// the accessors the matcher uses on the result.
#include <string.h>

#include "fmt/exe_private.h"
#include "vigil/vigil.h"

enum magic_kind { MAGIC_NONE, MAGIC_PE, MAGIC_ELF, MAGIC_MACHO };

static enum magic_kind magic_of(struct vigil_span data)
{
    struct vigil_cursor c = vigil_cur_from_span(data);
    uint32_t m;

    /* ClamAV's PE header parser also takes "ZM", but its file typing only
     * makes "MZ" files CL_TYPE_MSEXE, so a "ZM" file never gets PE info. */
    if (data.len >= 2 && data.p[0] == 'M' && data.p[1] == 'Z')
        return MAGIC_PE;
    m = vigil_cur_u32be(&c);
    if (vigil_cur_failed(&c))
        return MAGIC_NONE;
    if (m == 0x7f454c46u)
        return MAGIC_ELF;
    /* 32/64-bit, either byte order. Universal ("fat", 0xcafebabe) files
     * are not parsed: ClamAV's Mach-O header parser rejects them, so EP
     * and section offsets never match the container itself; its slices
     * are scanned as embedded objects. */
    if (m == 0xfeedfaceu || m == 0xcefaedfeu || m == 0xfeedfacfu ||
        m == 0xcffaedfeu)
        return MAGIC_MACHO;
    return MAGIC_NONE;
}

int vg_exe_parse(struct vigil_span data, struct vg_exe_info *out)
{
    int ret;

    memset(out, 0, sizeof *out);
    switch (magic_of(data)) {
    case MAGIC_PE: ret = vg_pe_parse(data, out); break;
    case MAGIC_ELF: ret = vg_elf_parse(data, out); break;
    case MAGIC_MACHO: ret = vg_macho_parse(data, out); break;
    default: return VIGIL_OK;
    }
    if (ret != VIGIL_OK)
        memset(out, 0, sizeof *out);
    return ret == VG_EXE_NOT_MINE ? VIGIL_OK : ret;
}

void vg_exe_put_section(struct vg_exe_info *out, uint32_t idx, uint32_t total,
                        const struct vg_exe_section *s)
{
    if (idx < VG_EXE_MAX_SECTIONS)
        out->sections[idx] = *s;
    if (total != 0 && idx == total - 1)
        out->last = *s;
}

void vg_exe_put_vinfo(struct vg_exe_info *out, uint64_t off, uint64_t len)
{
    for (uint32_t i = 0; i < out->nvinfo; i++)
        if (out->vinfo[i].off == off)
            return;
    if (out->nvinfo == VG_EXE_MAX_VINFO)
        return;
    out->vinfo[out->nvinfo].off = off;
    out->vinfo[out->nvinfo].len = len;
    out->nvinfo++;
}

const struct vg_exe_section *vg_exe_section_at(const struct vg_exe_info *exe,
                                               uint32_t idx)
{
    if (idx >= exe->nsections)
        return NULL;
    if (idx == exe->nsections - 1)
        return &exe->last;
    return idx < VG_EXE_MAX_SECTIONS ? &exe->sections[idx] : NULL;
}

const struct vg_exe_section *vg_exe_last(const struct vg_exe_info *exe)
{
    return exe->nsections != 0 ? &exe->last : NULL;
}

bool vg_exe_vinfo_at(const struct vg_exe_info *exe, uint64_t off)
{
    for (uint32_t i = 0; i < exe->nvinfo; i++)
        if (exe->vinfo[i].off == off)
            return true;
    return false;
}
