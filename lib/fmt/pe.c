// SPDX-License-Identifier: GPL-2.0-or-later
// pe.c: PE/COFF headers, sections and entry point exactly as ClamAV 1.4.6
// computes them for its EP/Sx/SL offsets (docs/internals/EXE.md).
#include "fmt/exe_private.h"
#include "vigil/vigil.h"

/*
 * ClamAV's rules, in the order it applies them:
 *  - "MZ" or "ZM"; e_lfanew (u32 at 60) must be readable, else broken;
 *    e_lfanew 0, an unreadable file header or no "PE\0\0": not a PE.
 *  - NumberOfSections 0, SizeOfOptionalHeader < 96 (PE32+: < 112), a
 *    header too short for NumberOfRvaAndSizes (at most 16) directories,
 *    or a truncated section table: broken.
 *  - SizeOfHeaders is rounded up to SectionAlignment. FileAlignment falls
 *    back to 0x200 if a section's PointerToRawData is not a multiple of it
 *    but is one of 0x200.
 *  - Each section: VirtualAddress and PointerToRawData rounded down,
 *    VirtualSize and SizeOfRawData rounded up (32-bit wrap included); raw
 *    data starting past the file end gets size 0, raw data running past
 *    it is clipped. Any unaligned value with bit 31 set: broken.
 *  - EP: an AddressOfEntryPoint below the aligned SizeOfHeaders is its own
 *    file offset (if inside the file); otherwise the last section whose
 *    raw data covers it maps it. Mapping nowhere: broken.
 */

#define PE_FILE_HDR 24u /* "PE\0\0" + COFF file header */
#define PE_OPT32 96u    /* optional header before the data directories */
#define PE_OPT64 112u
#define PE_SECT_HDR 40u
#define PE_MAX_DIRS 16u
#define PE_DIR_IMPORT 1u
#define PE_DIR_RESOURCE 2u

struct pe_hdrs {
    uint32_t lfanew;
    uint32_t nsect, opt_size;
    uint32_t vep, hdr_size, salign, falign, ndirs;
    uint32_t dir_va[PE_MAX_DIRS], dir_size[PE_MAX_DIRS];
    bool pe32plus;
    uint64_t sect_off;
};

/* A section as ClamAV keeps it: adjusted values and the header's own. */
struct pe_sect {
    uint32_t rva, vsz, raw, rsz;
    uint32_t urva, uvsz, uraw, ursz;
    bool missing; /* raw data starts at or past the end of the file */
};

static bool fits(struct vigil_span d, uint64_t off, uint64_t n)
{
    return off <= d.len && n <= d.len - off;
}

/* ClamAV's PEALIGN / PESALIGN, 32-bit arithmetic (wraps like ClamAV). */
static uint32_t align_down(uint32_t v, uint32_t a)
{
    return a ? v / a * a : v;
}

static uint32_t align_up(uint32_t v, uint32_t a)
{
    return a ? (v / a + (v % a != 0)) * a : v;
}

/* CLI_ISCONTAINED_0_TO: [off, off + n) is a non-empty part of [0, len). */
static bool contained(uint64_t len, uint64_t off, uint64_t n)
{
    return len > 0 && n > 0 && n <= len && off + n <= len && off < len;
}

/* DOS header to "PE\0\0". @return VIGIL_OK, VG_EXE_NOT_MINE, CORRUPT */
static int read_nt_start(struct vigil_span d, struct pe_hdrs *h)
{
    struct vigil_cursor c = vigil_cur_from_span(d);

    h->lfanew = vigil_cur_u32le_at(&c, 60);
    if (vigil_cur_failed(&c))
        return VIGIL_E_CORRUPT;
    if (h->lfanew == 0 || !fits(d, h->lfanew, PE_FILE_HDR) ||
        vigil_cur_u32le_at(&c, h->lfanew) != 0x00004550u)
        return VG_EXE_NOT_MINE;
    h->nsect = vigil_cur_u16le_at(&c, (size_t)h->lfanew + 6);
    h->opt_size = vigil_cur_u16le_at(&c, (size_t)h->lfanew + 20);
    if (h->nsect == 0 || h->opt_size < PE_OPT32)
        return VIGIL_E_CORRUPT;
    return VIGIL_OK;
}

/* Optional header fields and data directories. @return OK or CORRUPT */
static int read_opt(struct vigil_span d, struct pe_hdrs *h)
{
    struct vigil_cursor c = vigil_cur_from_span(d);
    uint64_t o = (uint64_t)h->lfanew + PE_FILE_HDR;
    uint32_t stored, ndirs;

    if (!fits(d, o, PE_OPT32))
        return VIGIL_E_CORRUPT;
    h->pe32plus = vigil_cur_u16le_at(&c, (size_t)o) == 0x20b;
    stored = h->pe32plus ? PE_OPT64 : PE_OPT32;
    if (h->opt_size < stored || !fits(d, o, stored))
        return VIGIL_E_CORRUPT;
    h->vep = vigil_cur_u32le_at(&c, (size_t)o + 16);
    h->salign = vigil_cur_u32le_at(&c, (size_t)o + 32);
    h->falign = vigil_cur_u32le_at(&c, (size_t)o + 36);
    h->hdr_size = vigil_cur_u32le_at(&c, (size_t)o + 60);
    ndirs = vigil_cur_u32le_at(&c, (size_t)o + stored - 4);
    h->ndirs = ndirs < PE_MAX_DIRS ? ndirs : PE_MAX_DIRS;
    if (h->opt_size < stored + 8 * h->ndirs ||
        !fits(d, o + stored, 8ull * h->ndirs))
        return VIGIL_E_CORRUPT;
    for (uint32_t i = 0; i < h->ndirs; i++) {
        h->dir_va[i] = vigil_cur_u32le_at(&c, (size_t)(o + stored + 8 * i));
        h->dir_size[i] =
            vigil_cur_u32le_at(&c, (size_t)(o + stored + 8 * i + 4));
    }
    h->sect_off = o + h->opt_size;
    if (!fits(d, h->sect_off, (uint64_t)h->nsect * PE_SECT_HDR))
        return VIGIL_E_CORRUPT;
    return vigil_cur_failed(&c) ? VIGIL_E_CORRUPT : VIGIL_OK;
}

/* ClamAV's file alignment fallback ("blah", pe.c): 0x200 when a section
 * with raw data is misaligned for FileAlignment but aligned for 0x200. */
static uint32_t file_alignment(struct vigil_span d, const struct pe_hdrs *h)
{
    struct vigil_cursor c = vigil_cur_from_span(d);
    uint32_t falign = h->falign;

    for (uint32_t i = 0; falign != 0x200 && i < h->nsect; i++) {
        size_t at = (size_t)(h->sect_off + (uint64_t)i * PE_SECT_HDR);
        uint32_t rsz = vigil_cur_u32le_at(&c, at + 16);
        uint32_t ptr = vigil_cur_u32le_at(&c, at + 20);

        if (falign && rsz && ptr % falign && ptr % 0x200 == 0)
            falign = 0x200;
    }
    return falign;
}

/* Decode section idx and apply ClamAV's adjustments. The caller has
 * checked that the whole section table is inside the file. */
static void decode_section(struct vigil_span d, const struct vg_exe_pe *g,
                           uint32_t idx, struct pe_sect *s)
{
    struct vigil_cursor c = vigil_cur_from_span(d);
    size_t at = (size_t)g->sect_off + (size_t)idx * PE_SECT_HDR;

    s->uvsz = vigil_cur_u32le_at(&c, at + 8);
    s->urva = vigil_cur_u32le_at(&c, at + 12);
    s->ursz = vigil_cur_u32le_at(&c, at + 16);
    s->uraw = vigil_cur_u32le_at(&c, at + 20);
    s->rva = align_down(s->urva, g->salign);
    s->vsz = align_up(s->uvsz, g->salign);
    s->raw = align_down(s->uraw, g->falign);
    s->rsz = align_up(s->ursz, g->falign);
    s->missing = false;
    if (s->rsz) {
        if (s->raw >= d.len || s->uraw >= d.len) {
            s->rsz = s->ursz = 0;
            s->missing = true;
        } else {
            if (!contained(d.len, s->raw, s->rsz))
                s->rsz = (uint32_t)(d.len - s->raw);
            if (!contained(d.len, s->uraw, s->ursz))
                s->ursz = (uint32_t)(d.len - s->uraw);
        }
    }
    if (!s->vsz && s->rsz)
        s->vsz = align_up(s->ursz, g->salign);
}

static void to_exe_section(const struct pe_sect *s, struct vg_exe_section *o)
{
    o->rva = s->rva;
    o->vsize = s->vsz;
    o->raw_off = s->raw;
    o->raw_size = s->rsz;
}

bool vg_pe_section(struct vigil_span data, const struct vg_exe_info *pe,
                   uint32_t idx, struct vg_exe_section *s)
{
    struct pe_sect ps;

    if (pe->kind != VG_EXE_PE || idx >= pe->nsections)
        return false;
    decode_section(data, &pe->pe, idx, &ps);
    to_exe_section(&ps, s);
    return true;
}

/* cli_rawaddr(): the last section whose raw data holds the RVA wins. */
static bool rawaddr(struct vigil_span d, const struct vg_exe_pe *g,
                    uint32_t nsect, uint32_t rva, uint32_t *off)
{
    struct pe_sect s;

    if (rva < g->hdr_size) {
        *off = rva;
        return rva < d.len;
    }
    for (uint32_t i = nsect; i-- > 0;) {
        decode_section(d, g, i, &s);
        if (s.rsz && s.rva <= rva && s.rsz > rva - s.rva) {
            *off = rva - s.rva + s.raw;
            return true;
        }
    }
    return false;
}

bool vg_pe_rawaddr(struct vigil_span data, const struct vg_exe_info *pe,
                   uint32_t rva, uint32_t *off)
{
    if (pe->kind != VG_EXE_PE)
        return false;
    return rawaddr(data, &pe->pe, pe->nsections, rva, off);
}

/*
 * Store every section; any with an unaligned value >= 2^31 is broken.
 * cli_scanpe (section and import hashes) parses again, dropping sections
 * whose raw data is past the end of the file, and gives up when that
 * leaves none: then nothing is hashed.
 */
static int read_sections(struct vigil_span d, struct vg_exe_info *out)
{
    struct pe_sect s;
    struct vg_exe_section es;
    uint32_t missing = 0;

    for (uint32_t i = 0; i < out->nsections; i++) {
        decode_section(d, &out->pe, i, &s);
        if (s.urva >> 31 || s.uvsz >> 31 || (s.rsz && s.uraw >> 31) ||
            s.ursz >> 31)
            return VIGIL_E_CORRUPT;
        missing += s.missing;
        to_exe_section(&s, &es);
        vg_exe_put_section(out, i, out->nsections, &es);
    }
    out->pe.hashable = missing < out->nsections;
    return VIGIL_OK;
}

static void set_geometry(struct vigil_span d, const struct pe_hdrs *h,
                         struct vg_exe_info *out)
{
    out->pe.hdr_size = align_up(h->hdr_size, h->salign);
    out->pe.salign = h->salign;
    out->pe.falign = file_alignment(d, h);
    out->pe.sect_off = h->sect_off;
    out->pe.pe32plus = h->pe32plus;
    /* ClamAV zeroes directories past NumberOfRvaAndSizes. */
    out->pe.imp_rva = h->ndirs > PE_DIR_IMPORT ? h->dir_va[PE_DIR_IMPORT] : 0;
    out->pe.imp_size =
        h->ndirs > PE_DIR_IMPORT ? h->dir_size[PE_DIR_IMPORT] : 0;
    out->nsections = h->nsect;
}

int vg_pe_parse(struct vigil_span data, struct vg_exe_info *out)
{
    struct pe_hdrs h = {0};
    uint32_t ep;
    int ret = read_nt_start(data, &h);

    if (ret != VIGIL_OK)
        return ret;
    if ((ret = read_opt(data, &h)) != VIGIL_OK)
        return ret;
    out->kind = VG_EXE_PE;
    set_geometry(data, &h, out);
    if ((ret = read_sections(data, out)) != VIGIL_OK)
        return ret;
    if (!rawaddr(data, &out->pe, out->nsections, h.vep, &ep))
        return VIGIL_E_CORRUPT;
    out->ep = ep;
    out->has_ep = true;
    if (h.ndirs > PE_DIR_RESOURCE && h.dir_size[PE_DIR_RESOURCE])
        vg_pe_vinfo_parse(data, out, h.dir_va[PE_DIR_RESOURCE]);
    return VIGIL_OK;
}
