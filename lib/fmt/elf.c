// SPDX-License-Identifier: GPL-2.0-or-later
// elf.c: ELF 32/64-bit headers, either byte order, as ClamAV 1.4.6 reads
// them for its EP/Sx/SL offsets (cli_elfheader; docs/internals/EXE.md).
#include "fmt/exe_private.h"
#include "vigil/vigil.h"

/*
 * ClamAV's rules:
 *  - The 52-byte ELF32 header must be readable (64 bytes for ELF64);
 *    EI_CLASS must be 1 or 2; EI_DATA 1 is little-endian, anything else
 *    big-endian.
 *  - More than 128 program headers: broken. With program headers and a
 *    non-zero e_entry: e_phentsize must be 32/56 and every program header
 *    readable; the entry maps through the first program header of ANY type
 *    with p_vaddr <= e_entry < p_vaddr + p_memsz (sum wraps at the class
 *    width); none: broken. No program headers or e_entry 0: EP is 0.
 *  - More than 256 section headers, or e_shentsize not 40/64 (even with
 *    no sections): broken. Every section header must be readable.
 *    NumberOfSections is e_shnum; a section is sh_addr, sh_offset and
 *    sh_size, unclipped.
 *  - ClamAV keeps EP and section values in 32 bits (ELF64 truncates).
 */

#define ELF32_EHDR 52u
#define ELF64_EHDR 64u
#define ELF_MAX_PHDRS 128u
#define ELF_MAX_SHDRS 256u

struct elf {
    struct vigil_cursor c;
    bool is64, be;
    uint64_t entry, phoff, shoff;
    uint32_t phentsize, phnum, shentsize, shnum;
};

static uint32_t rd16(const struct elf *e, struct vigil_cursor *c, size_t off)
{
    return e->be ? vigil_cur_u16be_at(c, off) : vigil_cur_u16le_at(c, off);
}

static uint32_t rd32(const struct elf *e, struct vigil_cursor *c, size_t off)
{
    return e->be ? vigil_cur_u32be_at(c, off) : vigil_cur_u32le_at(c, off);
}

static uint64_t rd64(const struct elf *e, struct vigil_cursor *c, size_t off)
{
    return e->be ? vigil_cur_u64be_at(c, off) : vigil_cur_u64le_at(c, off);
}

/* A word of the file's class: 32 or 64 bits. */
static uint64_t rdw(const struct elf *e, struct vigil_cursor *c, size_t off)
{
    return e->is64 ? rd64(e, c, off) : rd32(e, c, off);
}

/* The n bytes at a 64-bit file offset, as a child cursor; a range outside
 * the file marks the parse failed. */
static struct vigil_cursor table_entry(struct elf *e, uint64_t at, size_t n)
{
    if (at > SIZE_MAX)
        at = SIZE_MAX;
    return vigil_cur_sub(&e->c, (size_t)at, n);
}

static int read_ehdr(struct elf *e)
{
    uint8_t cls = vigil_cur_u8_at(&e->c, 4);
    size_t w = 4; /* word size */

    if (!vigil_cur_at(&e->c, 0, ELF32_EHDR))
        return VIGIL_E_CORRUPT;
    if (cls != 1 && cls != 2)
        return VIGIL_E_CORRUPT;
    e->is64 = cls == 2;
    e->be = vigil_cur_u8_at(&e->c, 5) != 1;
    if (e->is64) {
        w = 8;
        if (!vigil_cur_at(&e->c, 0, ELF64_EHDR))
            return VIGIL_E_CORRUPT;
    }
    e->entry = rdw(e, &e->c, 24);
    e->phoff = rdw(e, &e->c, 24 + w);
    e->shoff = rdw(e, &e->c, 24 + 2 * w);
    e->phentsize = rd16(e, &e->c, 24 + 3 * w + 6);
    e->phnum = rd16(e, &e->c, 24 + 3 * w + 8);
    e->shentsize = rd16(e, &e->c, 24 + 3 * w + 10);
    e->shnum = rd16(e, &e->c, 24 + 3 * w + 12);
    return vigil_cur_failed(&e->c) ? VIGIL_E_CORRUPT : VIGIL_OK;
}

/* Program header i: p_offset, p_vaddr, p_memsz. */
static void read_phdr(struct elf *e, uint32_t i, uint64_t *offset,
                      uint64_t *vaddr, uint64_t *memsz)
{
    uint64_t at = e->phoff + (uint64_t)i * e->phentsize;
    struct vigil_cursor ph;

    /* ClamAV advances a 32-bit phoff for ELF32 (wraps at 2^32). */
    if (!e->is64)
        at &= UINT32_MAX;
    ph = table_entry(e, at, e->phentsize);
    *offset = rdw(e, &ph, e->is64 ? 8 : 4);
    *vaddr = rdw(e, &ph, e->is64 ? 16 : 8);
    *memsz = rdw(e, &ph, e->is64 ? 40 : 20);
}

/* The entry point's file offset through the first covering segment. */
static int map_entry(struct elf *e, uint64_t *ep)
{
    uint64_t mask = e->is64 ? UINT64_MAX : UINT32_MAX;
    bool found = false;

    *ep = 0;
    if (e->phnum > ELF_MAX_PHDRS)
        return VIGIL_E_CORRUPT;
    if (e->phnum == 0 || e->entry == 0)
        return VIGIL_OK;
    if (e->phentsize != (e->is64 ? 56u : 32u))
        return VIGIL_E_CORRUPT;
    for (uint32_t i = 0; i < e->phnum; i++) {
        uint64_t off, va, msz;

        read_phdr(e, i, &off, &va, &msz);
        if (!found && va <= e->entry && ((va + msz) & mask) > e->entry) {
            *ep = (e->entry - va + off) & mask;
            found = true;
        }
    }
    if (vigil_cur_failed(&e->c) || !found)
        return VIGIL_E_CORRUPT;
    return VIGIL_OK;
}

static int read_sections(struct elf *e, struct vg_exe_info *out)
{
    struct vg_exe_section s;
    size_t w = e->is64 ? 8 : 4;

    if (e->shnum > ELF_MAX_SHDRS)
        return VIGIL_E_CORRUPT;
    if (e->shentsize != (e->is64 ? 64u : 40u))
        return VIGIL_E_CORRUPT;
    out->nsections = e->shnum;
    for (uint32_t i = 0; i < e->shnum; i++) {
        uint64_t at = e->shoff + (uint64_t)i * e->shentsize;
        struct vigil_cursor sh;

        if (!e->is64)
            at &= UINT32_MAX; /* ClamAV's 32-bit shoff wraps too */
        sh = table_entry(e, at, e->shentsize);
        /* sh_addr, sh_offset, sh_size follow sh_name, sh_type, sh_flags */
        s.rva = (uint32_t)rdw(e, &sh, 8 + w);
        s.raw_off = (uint32_t)rdw(e, &sh, 8 + 2 * w);
        s.raw_size = (uint32_t)rdw(e, &sh, 8 + 3 * w);
        s.vsize = s.raw_size;
        if (vigil_cur_failed(&e->c) || vigil_cur_failed(&sh))
            return VIGIL_E_CORRUPT;
        vg_exe_put_section(out, i, out->nsections, &s);
    }
    return VIGIL_OK;
}

int vg_elf_parse(struct vigil_span data, struct vg_exe_info *out)
{
    struct elf e = {0};
    uint64_t ep;
    int ret;

    e.c = vigil_cur_from_span(data);
    if ((ret = read_ehdr(&e)) != VIGIL_OK)
        return ret;
    if ((ret = map_entry(&e, &ep)) != VIGIL_OK)
        return ret;
    out->kind = VG_EXE_ELF;
    if ((ret = read_sections(&e, out)) != VIGIL_OK)
        return ret;
    out->ep = (uint32_t)ep;
    out->has_ep = true;
    return VIGIL_OK;
}
