// SPDX-License-Identifier: GPL-2.0-or-later
// macho.c: Mach-O 32/64-bit headers, either byte order, as ClamAV 1.4.6
// reads them for its EP/Sx/SL offsets (cli_scanmacho; docs/internals/EXE.md).
#include "fmt/exe_private.h"
#include "vigil/vigil.h"

/*
 * ClamAV's rules:
 *  - 28-byte header; 1 to 1024 load commands, read from offset 28 (32 for
 *    64-bit). Any unreadable command or structure: broken.
 *  - LC_SEGMENT (32-bit files) / LC_SEGMENT_64 (64-bit files): at most 255
 *    sections each; the cursor moves past the segment command and its
 *    section headers, NOT by cmdsize. A section: addr (kept in 32 bits),
 *    size, offset; "raw size" is size rounded up to 2^align. align >= 32,
 *    a size or rounded size over 32 bits: broken (1.4.6 behaviour, newer
 *    than the 1.4.5 source; found with clamscan).
 *  - LC_THREAD / LC_UNIXTHREAD only for CPU types i386, ppc and ppc64: the
 *    cursor moves past flavor, count and the thread state (64, 160 or 312
 *    bytes), again not by cmdsize. The entry point is the PC (srr0) for
 *    ppc/ppc64; ClamAV never takes it from i386 state, and LC_MAIN is not
 *    read at all, so x86, x86-64 and ARM files have EP 0.
 *  - Other commands: the cursor moves by cmdsize - 8 if cmdsize > 8.
 *  - A non-zero EP maps through the first section (in file order) with
 *    addr <= EP < addr + size (32-bit sum); none: broken. With no sections
 *    the EP stays the raw address.
 *  - NumberOfSections is the section count, kept in 16 bits.
 */

#define MH_HDR 28u
#define MH_MAX_CMDS 1024u
#define MH_MAX_SECTS 255u
#define LC_SEGMENT 0x1u
#define LC_THREAD 0x4u
#define LC_UNIXTHREAD 0x5u
#define LC_SEGMENT_64 0x19u
#define CPU_I386 7u
#define CPU_PPC 18u
#define CPU_PPC64 (18u | 0x1000000u)

enum mh_arch { ARCH_OTHER, ARCH_X86, ARCH_PPC, ARCH_PPC64 };

struct macho {
    struct vigil_cursor c;
    bool be, is64;
    enum mh_arch arch;
    uint32_t ncmds;
    uint32_t raw_ep; /* entry address from the thread state (pass 1) */
    uint32_t ep;     /* its file offset once mapped (pass 2) */
    uint32_t nsect;  /* sections seen so far */
    uint32_t total;  /* ClamAV's 16-bit section count (pass 2) */
    bool ep_mapped;
    struct vg_exe_info *out; /* NULL on the counting pass */
};

static uint32_t rd32(struct macho *m, uint64_t off)
{
    size_t o = off > SIZE_MAX ? SIZE_MAX : (size_t)off;

    return m->be ? vigil_cur_u32be_at(&m->c, o) : vigil_cur_u32le_at(&m->c, o);
}

static uint64_t rd64(struct macho *m, uint64_t off)
{
    size_t o = off > SIZE_MAX ? SIZE_MAX : (size_t)off;

    return m->be ? vigil_cur_u64be_at(&m->c, o) : vigil_cur_u64le_at(&m->c, o);
}

/* Bytes [at, at + n) must be in the file (sticky failure otherwise). */
static void need(struct macho *m, uint64_t at, uint64_t n)
{
    if (at > m->c.len || n > m->c.len - at)
        (void)vigil_cur_at(&m->c, m->c.len, 1);
}

static int read_header(struct macho *m)
{
    uint32_t magic = vigil_cur_u32be_at(&m->c, 0), cpu;

    need(m, 0, MH_HDR);
    m->be = magic == 0xfeedfaceu || magic == 0xfeedfacfu;
    m->is64 = magic == 0xcffaedfeu || magic == 0xfeedfacfu;
    cpu = rd32(m, 4);
    m->ncmds = rd32(m, 16);
    if (vigil_cur_failed(&m->c) || m->ncmds == 0 || m->ncmds > MH_MAX_CMDS)
        return VIGIL_E_CORRUPT;
    m->arch = cpu == CPU_I386    ? ARCH_X86
              : cpu == CPU_PPC   ? ARCH_PPC
              : cpu == CPU_PPC64 ? ARCH_PPC64
                                 : ARCH_OTHER;
    return VIGIL_OK;
}

/* One section header at @p at: record it and map the EP through it. */
static int add_section(struct macho *m, uint64_t at)
{
    struct vg_exe_section s;
    uint64_t addr, size, align, rounded;

    addr = m->is64 ? rd64(m, at + 32) : rd32(m, at + 32);
    size = m->is64 ? rd64(m, at + 40) : rd32(m, at + 36);
    s.raw_off = rd32(m, at + (m->is64 ? 48 : 40));
    align = rd32(m, at + (m->is64 ? 52 : 44));
    need(m, at, m->is64 ? 80 : 68);
    if (vigil_cur_failed(&m->c) || align >= 32 || size > UINT32_MAX)
        return VIGIL_E_CORRUPT;
    align = 1ull << align;
    rounded = size + (align - size % align) % align;
    if (rounded > UINT32_MAX)
        return VIGIL_E_CORRUPT;
    s.rva = (uint32_t)addr;
    s.vsize = size;
    s.raw_size = rounded;
    if (m->out && m->nsect < m->total) {
        vg_exe_put_section(m->out, m->nsect, m->total, &s);
        if (m->raw_ep && !m->ep_mapped && s.rva <= m->raw_ep &&
            (uint32_t)(s.rva + size) > m->raw_ep) {
            m->ep = (uint32_t)(m->raw_ep - s.rva + s.raw_off);
            m->ep_mapped = true;
        }
    }
    m->nsect++;
    return VIGIL_OK;
}

/* LC_SEGMENT(_64) at @p at (past cmd/cmdsize). @return the next offset. */
static int segment(struct macho *m, uint64_t *at)
{
    uint32_t nsects = rd32(m, *at + (m->is64 ? 56 : 40));
    int ret;

    need(m, *at, m->is64 ? 64 : 48);
    if (vigil_cur_failed(&m->c) || nsects > MH_MAX_SECTS)
        return VIGIL_E_CORRUPT;
    *at += m->is64 ? 64 : 48;
    for (uint32_t j = 0; j < nsects; j++) {
        if ((ret = add_section(m, *at)) != VIGIL_OK)
            return ret;
        *at += m->is64 ? 80 : 68;
    }
    return VIGIL_OK;
}

/* LC_(UNIX)THREAD for i386/ppc/ppc64: flavor, count, then the state. */
static int thread(struct macho *m, uint64_t *at)
{
    static const uint32_t state_size[] = {0, 64, 160, 312};
    uint64_t st = *at + 8;

    need(m, st, state_size[m->arch]);
    if (vigil_cur_failed(&m->c))
        return VIGIL_E_CORRUPT;
    /* Pass 1 only: the last thread command's PC is the entry. */
    if (!m->out && m->arch == ARCH_PPC)
        m->raw_ep = rd32(m, st);
    else if (!m->out && m->arch == ARCH_PPC64)
        m->raw_ep = (uint32_t)rd64(m, st);
    *at = st + state_size[m->arch];
    return VIGIL_OK;
}

/* Walk the load commands once (counting, or storing when m->out). */
static int walk(struct macho *m)
{
    uint64_t at = m->is64 ? 32 : 28;
    int ret = VIGIL_OK;

    for (uint32_t i = 0; i < m->ncmds && ret == VIGIL_OK; i++) {
        uint32_t cmd = rd32(m, at), cmdsize = rd32(m, at + 4);

        need(m, at, 8);
        if (vigil_cur_failed(&m->c))
            return VIGIL_E_CORRUPT;
        at += 8;
        if (cmd == (m->is64 ? LC_SEGMENT_64 : LC_SEGMENT))
            ret = segment(m, &at);
        else if (m->arch != ARCH_OTHER &&
                 (cmd == LC_THREAD || cmd == LC_UNIXTHREAD))
            ret = thread(m, &at);
        else if (cmdsize > 8)
            at += cmdsize - 8;
    }
    return ret;
}

int vg_macho_parse(struct vigil_span data, struct vg_exe_info *out)
{
    struct macho m = {0};
    uint32_t seen;
    int ret;

    m.c = vigil_cur_from_span(data);
    if ((ret = read_header(&m)) != VIGIL_OK || (ret = walk(&m)) != VIGIL_OK)
        return ret;
    /* Second pass: now that the count (and the EP, which may come after
     * the segments) is known, store sections and map the EP in order. */
    seen = m.nsect;
    m.total = seen & 0xffffu; /* ClamAV's uint16_t count */
    m.nsect = 0;
    m.ep = m.raw_ep; /* stays the raw address when there are no sections */
    m.out = out;
    if ((ret = walk(&m)) != VIGIL_OK)
        return ret;
    if (m.raw_ep && seen && !m.ep_mapped)
        return VIGIL_E_CORRUPT;
    out->kind = VG_EXE_MACHO;
    out->nsections = m.total;
    out->ep = m.ep;
    out->has_ep = true;
    return VIGIL_OK;
}
