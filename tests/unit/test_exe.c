// SPDX-License-Identifier: GPL-2.0-or-later
// test_exe.c: PE/ELF/Mach-O header parsing (fmt/exe.h) and the PE section
// and import hashes (scan/exehash.h), on executables built in memory.
#include "test_sigs.h"

#include "db/load.h"
#include "engine.h"
#include "fmt/exe_private.h"
#include "scan/exehash.h"
#include "scan/extractors.h"
#include "vigil/vigil.h"

/*
 * Every expected value below was checked against ClamAV 1.4.6: the same
 * layouts, written out (VIGIL_EXE_SAMPLES=<dir> makes this test save each
 * sample there), give the same EP+0/Sx+0/SL+0/VI matches, EntryPoint and
 * NumberOfSections, and the same "IMP:"/"MDB hashset:" debug lines with
 * clamscan (docs/internals/EXE.md).
 */

/* ---- byte buffers ---- */

static void save_sample(const char *name, const uint8_t *p, size_t n)
{
    const char *dir = getenv("VIGIL_EXE_SAMPLES");

    if (dir && *dir)
        (void)tmpdir_write(dir, name, p, n);
}

/* n deterministic, varied bytes: distinct 8-byte windows at each offset. */
static uint8_t *noise(size_t n)
{
    uint8_t *p = malloc(n ? n : 1);

    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)(((i + 1) * 2654435761u) >> 24);
    return p;
}

static void w16(uint8_t *p, size_t off, uint64_t v, bool be)
{
    p[off + (be ? 0 : 1)] = (uint8_t)(v >> 8);
    p[off + (be ? 1 : 0)] = (uint8_t)v;
}

static void w32(uint8_t *p, size_t off, uint64_t v, bool be)
{
    w16(p, off + (be ? 0 : 2), v >> 16, be);
    w16(p, off + (be ? 2 : 0), v & 0xffff, be);
}

static void w64(uint8_t *p, size_t off, uint64_t v, bool be)
{
    w32(p, off + (be ? 0 : 4), v >> 32, be);
    w32(p, off + (be ? 4 : 0), v & 0xffffffffu, be);
}

static int parse(const uint8_t *p, size_t n, struct vg_exe_info *out)
{
    return vg_exe_parse(vigil_span_make(p, n), out);
}

/* Parse every prefix of p, each as an exact-size heap copy (ASan sees any
 * overread); every result must be OK or CORRUPT. @return how many prefix
 * lengths parsed OK as an executable. */
static size_t parse_prefixes(const uint8_t *p, size_t n)
{
    struct vg_exe_info *info = malloc(sizeof *info);
    size_t ok = 0;

    assert_non_null(info);
    for (size_t len = 0; len <= n; len++) {
        char *copy = dup_exact((const char *)p, len);
        int ret = parse((const uint8_t *)copy, len, info);

        assert_true(ret == VIGIL_OK || ret == VIGIL_E_CORRUPT);
        if (ret != VIGIL_OK)
            assert_int_equal(info->kind, VG_EXE_NONE);
        ok += ret == VIGIL_OK && info->kind != VG_EXE_NONE;
        free(copy);
    }
    free(info);
    return ok;
}

/* ---- PE builder ---- */

#define PE_LFANEW 0x40u

struct pe_sect {
    uint32_t va, vs, ptr, rs;
};

struct pe_spec {
    size_t size;
    bool plus;
    uint32_t ep, salign, falign, hdr, ndirs, nsect, opt_size;
    size_t nspec;
    const struct pe_sect *sects;
    uint32_t dir_va[3], dir_size[3]; /* export, import, resource */
};

static struct pe_spec pe_spec(size_t size, uint32_t ep, size_t n,
                              const struct pe_sect *s)
{
    struct pe_spec spec = {.size = size,
                           .ep = ep,
                           .salign = 0x1000,
                           .falign = 0x200,
                           .hdr = 0x200,
                           .ndirs = 16,
                           .nsect = (uint32_t)n,
                           .nspec = n,
                           .sects = s};
    return spec;
}

static size_t pe_opt_size(const struct pe_spec *s)
{
    uint32_t ndirs = s->ndirs < 16 ? s->ndirs : 16;

    if (s->opt_size)
        return s->opt_size;
    return (s->plus ? 112u : 96u) + 8u * ndirs;
}

static void pe_optional(const struct pe_spec *s, uint8_t *b, size_t p)
{
    size_t stored = s->plus ? 112 : 96;

    w16(b, p, s->plus ? 0x20b : 0x10b, false);
    w32(b, p + 16, s->ep, false);
    w32(b, p + 32, s->salign, false);
    w32(b, p + 36, s->falign, false);
    w32(b, p + 60, s->hdr, false);
    w16(b, p + 68, 2, false); /* Win32 GUI */
    w32(b, p + stored - 4, s->ndirs, false);
    for (size_t i = 0; i < 3 && 8 * i < 8u * s->ndirs; i++) {
        w32(b, p + stored + 8 * i, s->dir_va[i], false);
        w32(b, p + stored + 8 * i + 4, s->dir_size[i], false);
    }
}

static uint8_t *pe_build(const struct pe_spec *s)
{
    uint8_t *b = noise(s->size);
    size_t p = PE_LFANEW + 24, opt = pe_opt_size(s), st = p + opt;

    memset(b, 0, st + 40 * s->nspec < s->size ? st + 40 * s->nspec : s->size);
    b[0] = 'M';
    b[1] = 'Z';
    w32(b, 60, PE_LFANEW, false);
    memcpy(b + PE_LFANEW, "PE\0\0", 4);
    w16(b, PE_LFANEW + 4, s->plus ? 0x8664 : 0x14c, false);
    w16(b, PE_LFANEW + 6, s->nsect, false);
    w16(b, PE_LFANEW + 20, opt, false);
    w16(b, PE_LFANEW + 22, 0x102, false);
    pe_optional(s, b, p);
    for (size_t i = 0; i < s->nspec; i++, st += 40) {
        b[st] = '.';
        b[st + 1] = (uint8_t)('a' + i % 26);
        w32(b, st + 8, s->sects[i].vs, false);
        w32(b, st + 12, s->sects[i].va, false);
        w32(b, st + 16, s->sects[i].rs, false);
        w32(b, st + 20, s->sects[i].ptr, false);
        w32(b, st + 36, 0x60000020, false);
    }
    return b;
}

static void assert_section(const struct vg_exe_info *e, uint32_t i,
                           uint64_t rva, uint64_t raw, uint64_t rsz)
{
    const struct vg_exe_section *s = vg_exe_section_at(e, i);

    assert_non_null(s);
    assert_int_equal(s->rva, rva);
    assert_int_equal(s->raw_off, raw);
    assert_int_equal(s->raw_size, rsz);
}

/* Parse a PE built from spec; @return the status, *e filled. */
static int pe_parse(const char *name, const struct pe_spec *spec,
                    struct vg_exe_info *e)
{
    uint8_t *b = pe_build(spec);
    int ret = parse(b, spec->size, e);

    save_sample(name, b, spec->size);
    free(b);
    return ret;
}

static const struct pe_sect two_sects[] = {{0x1000, 0x800, 0x200, 0x800},
                                           {0x2000, 0x400, 0xa00, 0x400}};

static void pe32_sections_and_ep(void **state)
{
    struct pe_spec spec = pe_spec(0x1000, 0x1010, 2, two_sects);
    struct vg_exe_info e;

    (void)state;
    assert_int_equal(pe_parse("pe_basic", &spec, &e), VIGIL_OK);
    assert_int_equal(e.kind, VG_EXE_PE);
    assert_true(e.has_ep);
    assert_int_equal(e.ep, 0x210);
    assert_int_equal(e.nsections, 2);
    assert_section(&e, 0, 0x1000, 0x200, 0x800);
    assert_section(&e, 1, 0x2000, 0xa00, 0x400);
    assert_ptr_equal(vg_exe_last(&e), vg_exe_section_at(&e, 1));
    assert_null(vg_exe_section_at(&e, 2));
    assert_false(e.pe.pe32plus);
    assert_int_equal(e.pe.hdr_size, 0x1000); /* rounded to SectionAlign */
}

static void pe32plus_sections_and_ep(void **state)
{
    static const struct pe_sect s[] = {{0x1000, 0x800, 0x400, 0x800}};
    struct pe_spec spec = pe_spec(0x1000, 0x1020, 1, s);
    struct vg_exe_info e;

    (void)state;
    spec.plus = true;
    assert_int_equal(pe_parse("pe_plus", &spec, &e), VIGIL_OK);
    assert_true(e.pe.pe32plus);
    assert_int_equal(e.ep, 0x420);
    assert_section(&e, 0, 0x1000, 0x400, 0x800);
    spec.opt_size = 100; /* shorter than a PE32+ optional header */
    assert_int_equal(pe_parse("pe_plus_short", &spec, &e), VIGIL_E_CORRUPT);
}

/* EP below the aligned SizeOfHeaders is its own offset, if in the file. */
static void pe_ep_in_headers(void **state)
{
    static const struct pe_sect s[] = {{0x1000, 0x800, 0x200, 0x200}};
    struct pe_spec spec = pe_spec(0x1000, 0x40, 1, s);
    struct vg_exe_info e;

    (void)state;
    assert_int_equal(pe_parse("pe_ep_hdr", &spec, &e), VIGIL_OK);
    assert_int_equal(e.ep, 0x40);
    spec.ep = 0x300;
    spec.hdr = 0x1000;
    spec.size = 0x280;
    assert_int_equal(pe_parse("pe_ep_hdr_beyond", &spec, &e), VIGIL_E_CORRUPT);
}

/* No section's raw data holds the EP: ClamAV gives up on the file. */
static void pe_ep_unmapped_is_corrupt(void **state)
{
    static const struct pe_sect s[] = {{0x1000, 0x2000, 0x200, 0x200}};
    struct pe_spec spec = pe_spec(0x1000, 0x5000, 1, s);
    struct vg_exe_info e;

    (void)state;
    assert_int_equal(pe_parse("pe_ep_nosect", &spec, &e), VIGIL_E_CORRUPT);
    assert_int_equal(e.kind, VG_EXE_NONE);
    spec.ep = 0x1300; /* inside VirtualSize, past SizeOfRawData */
    assert_int_equal(pe_parse("pe_ep_vtail", &spec, &e), VIGIL_E_CORRUPT);
    spec.ep = 0x11ff; /* the last raw byte: must be in the file */
    spec.size = 0x3ff;
    assert_int_equal(pe_parse("pe_ep_pastend", &spec, &e), VIGIL_E_CORRUPT);
    spec.size = 0x400;
    assert_int_equal(pe_parse("pe_ep_lastbyte", &spec, &e), VIGIL_OK);
    assert_int_equal(e.ep, 0x3ff);
}

static void pe_last_section_wins(void **state)
{
    static const struct pe_sect s[] = {{0x1000, 0x1000, 0x200, 0x400},
                                       {0x1000, 0x1000, 0x600, 0x400}};
    struct pe_spec spec = pe_spec(0x1000, 0x1010, 2, s);
    struct vg_exe_info e;

    (void)state;
    assert_int_equal(pe_parse("pe_overlap", &spec, &e), VIGIL_OK);
    assert_int_equal(e.ep, 0x610);
}

static void pe_alignment_rounding(void **state)
{
    static const struct pe_sect s1[] = {{0x1000, 0x800, 0x205, 0x300}};
    static const struct pe_sect s2[] = {{0x1000, 0x800, 0x600, 0x200}};
    static const struct pe_sect s3[] = {{0x1000, 0x800, 0x233, 0x201}};
    static const struct pe_sect s4[] = {{0x1010, 0x800, 0x200, 0x200}};
    struct pe_spec spec = pe_spec(0x1000, 0x1010, 1, s1);
    struct vg_exe_info e;

    (void)state;
    /* PointerToRawData rounds down, SizeOfRawData up (FileAlignment). */
    assert_int_equal(pe_parse("pe_unaligned_raw", &spec, &e), VIGIL_OK);
    assert_section(&e, 0, 0x1000, 0x200, 0x400);
    assert_int_equal(e.ep, 0x210);
    /* 0x600 is no multiple of 0x400 but is of 0x200: fallback to 0x200 */
    spec = pe_spec(0x1000, 0x1010, 1, s2);
    spec.falign = 0x400;
    assert_int_equal(pe_parse("pe_falign_fallback", &spec, &e), VIGIL_OK);
    assert_int_equal(e.pe.falign, 0x200);
    assert_section(&e, 0, 0x1000, 0x600, 0x200);
    /* FileAlignment 0: raw values as they are */
    spec = pe_spec(0x1000, 0x1010, 1, s3);
    spec.falign = 0;
    assert_int_equal(pe_parse("pe_falign_zero", &spec, &e), VIGIL_OK);
    assert_section(&e, 0, 0x1000, 0x233, 0x201);
    assert_int_equal(e.ep, 0x243);
    /* SectionAlignment 0: VirtualAddress as it is */
    spec = pe_spec(0x1000, 0x1020, 1, s4);
    spec.salign = 0;
    assert_int_equal(pe_parse("pe_salign_zero", &spec, &e), VIGIL_OK);
    assert_section(&e, 0, 0x1010, 0x200, 0x200);
    assert_int_equal(e.ep, 0x210);
}

static void pe_sections_past_eof(void **state)
{
    static const struct pe_sect s1[] = {{0x1000, 0x800, 0x200, 0x200},
                                        {0x2000, 0x800, 0x5000, 0x200}};
    static const struct pe_sect s2[] = {{0x1000, 0x800, 0x200, 0x2000}};
    struct pe_spec spec = pe_spec(0x1000, 0x1010, 2, s1);
    struct vg_exe_info e;

    (void)state;
    /* Kept and counted, with raw size 0. */
    assert_int_equal(pe_parse("pe_sect_beyond", &spec, &e), VIGIL_OK);
    assert_int_equal(e.nsections, 2);
    assert_section(&e, 1, 0x2000, 0x5000, 0);
    assert_true(e.pe.hashable);
    /* Every section past the end: EP fine, but cli_scanpe gives up, so
     * no section or import hash is computed. */
    spec = pe_spec(0x1000, 0x40, 1, s1 + 1);
    assert_int_equal(pe_parse("pe_all_sect_beyond", &spec, &e), VIGIL_OK);
    assert_int_equal(e.ep, 0x40);
    assert_false(e.pe.hashable);
    /* Clipped to the end of the file. */
    spec = pe_spec(0x1000, 0x1800, 1, s2);
    assert_int_equal(pe_parse("pe_sect_trunc", &spec, &e), VIGIL_OK);
    assert_section(&e, 0, 0x1000, 0x200, 0xe00);
    assert_int_equal(e.ep, 0xa00);
}

static void pe_broken_headers(void **state)
{
    static const struct pe_sect sign[] = {{0x1000, 0x800, 0x200, 0x200},
                                          {0x80000000, 0x800, 0x9000, 0x200}};
    static const struct pe_sect wrap[] = {{0x1000, 0x800, 0x200, 0xffffff01}};
    struct pe_spec spec = pe_spec(0x1000, 0x1010, 2, sign);
    struct vg_exe_info e;

    (void)state;
    /* Bit 31 in an unaligned value, even for a section past the end. */
    assert_int_equal(pe_parse("pe_sign_bit", &spec, &e), VIGIL_E_CORRUPT);
    spec = pe_spec(0x1000, 0x1010, 1, wrap); /* rounds to 0, bit 31 set */
    assert_int_equal(pe_parse("pe_rsz_wrap", &spec, &e), VIGIL_E_CORRUPT);
    spec = pe_spec(0x1000, 0x1010, 1, two_sects);
    spec.nsect = 0;
    assert_int_equal(pe_parse("pe_nsect0", &spec, &e), VIGIL_E_CORRUPT);
    spec = pe_spec(0x1000, 0x1010, 1, two_sects);
    spec.opt_size = 90;
    assert_int_equal(pe_parse("pe_opt_small", &spec, &e), VIGIL_E_CORRUPT);
    spec.opt_size = 96 + 8 * 4; /* room for 4 of the 16 directories */
    assert_int_equal(pe_parse("pe_opt_dirs", &spec, &e), VIGIL_E_CORRUPT);
    spec.ndirs = 4;
    assert_int_equal(pe_parse("pe_ndirs4", &spec, &e), VIGIL_OK);
    spec.nsect = 40; /* section table runs past the end of the file */
    spec.size = 0x400;
    assert_int_equal(pe_parse("pe_sect_table", &spec, &e), VIGIL_E_CORRUPT);
}

static void pe_headers_rounding_wraps(void **state)
{
    struct pe_spec spec = pe_spec(0x1000, 0x900, 2, two_sects);
    struct vg_exe_info e;

    (void)state;
    spec.hdr = 0x801; /* rounds up to 0x1000: EP 0x900 is in the headers */
    assert_int_equal(pe_parse("pe_hdr_unaligned", &spec, &e), VIGIL_OK);
    assert_int_equal(e.ep, 0x900);
    spec.hdr = 0xfffff001; /* rounds up past 2^32, to 0, like ClamAV */
    spec.ep = 0x1010;
    assert_int_equal(pe_parse("pe_hdr_wrap", &spec, &e), VIGIL_OK);
    assert_int_equal(e.pe.hdr_size, 0);
    assert_int_equal(e.ep, 0x210);
}

static void pe_many_sections(void **state)
{
    struct pe_sect s[300];
    struct pe_spec spec;
    struct vg_exe_info e;

    (void)state;
    for (uint32_t i = 0; i < 300; i++)
        s[i] = (struct pe_sect){0x1000 + i * 0x1000, 0x1000, 0x2000 + i * 0x10,
                                0x10};
    spec = pe_spec(0x6000, 0x1010, 300, s);
    spec.hdr = 0x2000;
    spec.falign = 0x10;
    assert_int_equal(pe_parse("pe_300_sections", &spec, &e), VIGIL_OK);
    assert_int_equal(e.nsections, 300);
    assert_int_equal(e.ep, 0x1010);
    assert_section(&e, 255, 0x100000, 0x2ff0, 0x10);
    assert_null(vg_exe_section_at(&e, 256)); /* past the stored ones */
    assert_section(&e, 299, 0x12c000, 0x32b0, 0x10);
    assert_ptr_equal(vg_exe_last(&e), vg_exe_section_at(&e, 299));
}

static void pe_not_a_pe(void **state)
{
    struct pe_spec spec = pe_spec(0x1000, 0x1010, 2, two_sects);
    uint8_t *b = pe_build(&spec);
    struct vg_exe_info e;

    (void)state;
    memcpy(b + PE_LFANEW, "NE\0\0", 4); /* not "PE\0\0" */
    assert_int_equal(parse(b, spec.size, &e), VIGIL_OK);
    assert_int_equal(e.kind, VG_EXE_NONE);
    memcpy(b + PE_LFANEW, "PE\0\0", 4);
    w32(b, 60, 0, false); /* e_lfanew 0 */
    assert_int_equal(parse(b, spec.size, &e), VIGIL_OK);
    assert_int_equal(e.kind, VG_EXE_NONE);
    w32(b, 60, PE_LFANEW, false);
    b[0] = 'Z'; /* "ZM": ClamAV never types it as a PE */
    b[1] = 'M';
    assert_int_equal(parse(b, spec.size, &e), VIGIL_OK);
    assert_int_equal(e.kind, VG_EXE_NONE);
    free(b);
}

/* Every prefix of a PE: the result changes exactly at the header and
 * section boundaries, never crashes. */
static void pe_truncated_everywhere(void **state)
{
    struct pe_spec spec = pe_spec(0x1000, 0x1010, 2, two_sects);
    uint8_t *b = pe_build(&spec);
    struct vg_exe_info e;
    size_t opt_end = PE_LFANEW + 24 + pe_opt_size(&spec);

    (void)state;
    /* EP 0x210 needs section 0's raw data past 0x210. */
    assert_int_equal(parse_prefixes(b, spec.size), spec.size - 0x210);
    assert_int_equal(parse(b, 63, &e), VIGIL_E_CORRUPT);      /* e_lfanew */
    assert_int_equal(parse(b, PE_LFANEW + 23, &e), VIGIL_OK); /* not PE */
    assert_int_equal(e.kind, VG_EXE_NONE);
    assert_int_equal(parse(b, opt_end - 1, &e), VIGIL_E_CORRUPT);
    assert_int_equal(parse(b, opt_end + 79, &e), VIGIL_E_CORRUPT);
    assert_int_equal(parse(b, 0x211, &e), VIGIL_OK);
    assert_section(&e, 0, 0x1000, 0x200, 0x11);
    assert_section(&e, 1, 0x2000, 0xa00, 0);
    free(b);
}

/* ---- PE version information ---- */

struct wr {
    uint8_t *b;
    size_t pos;
};

static void wr_utf16(struct wr *w, const char *s)
{
    do {
        w16(w->b, w->pos, (uint8_t)*s, false);
        w->pos += 2;
    } while (*s++);
}

static void wr_align4(struct wr *w)
{
    while (w->pos % 4)
        w->b[w->pos++] = 0;
}

/* wLength, wValueLength, wType, key (UTF-16, NUL), padding. */
static size_t vi_begin(struct wr *w, const char *key, uint16_t vlen,
                       uint16_t type)
{
    size_t start = w->pos;

    w16(w->b, start + 2, vlen, false);
    w16(w->b, start + 4, type, false);
    w->pos += 6;
    wr_utf16(w, key);
    wr_align4(w);
    return start;
}

static void vi_end(struct wr *w, size_t start)
{
    w16(w->b, start, w->pos - start, false);
    wr_align4(w);
}

static void vi_string(struct wr *w, const char *key, const char *val)
{
    size_t s = vi_begin(w, key, (uint16_t)(strlen(val) + 1), 1);

    if (*val)
        wr_utf16(w, val);
    vi_end(w, s);
}

/* VS_VERSION_INFO with VarFileInfo first, then one StringTable. */
static void vi_build(struct wr *w)
{
    size_t root = vi_begin(w, "VS_VERSION_INFO", 0x34, 0), var, sfi, st;

    w32(w->b, w->pos, 0xfeef04bd, false);
    memset(w->b + w->pos + 4, 0, 0x30);
    w->pos += 0x34;
    var = vi_begin(w, "VarFileInfo", 0, 1);
    vi_end(w, var);
    sfi = vi_begin(w, "StringFileInfo", 0, 1);
    st = vi_begin(w, "040904b0", 0, 1);
    vi_string(w, "CompanyName", "Test Co");
    vi_string(w, "Empty", ""); /* value too short: not a VI offset */
    vi_string(w, "FileVersion", "1.0");
    vi_end(w, st);
    vi_end(w, sfi);
    vi_end(w, root);
}

/* The resource tree: three one-entry directories (24 bytes each) for
 * RT_VERSION / 1 / 0x409, the data entry at 72, VS_VERSIONINFO at 88. */
static void rsrc_build(uint8_t *b, size_t raw, uint32_t rva)
{
    struct wr w = {b, raw + 88};
    static const uint32_t dirs[][2] = {
        {16, 0x80000000u | 24}, {1, 0x80000000u | 48}, {0x409, 72}};

    memset(b + raw, 0, 88);
    for (size_t i = 0; i < 3; i++) {
        w16(b, raw + 24 * i + 14, 1, false); /* one ID entry */
        w32(b, raw + 24 * i + 16, dirs[i][0], false);
        w32(b, raw + 24 * i + 20, dirs[i][1], false);
    }
    vi_build(&w);
    w32(b, raw + 72, rva + 88, false);
    w32(b, raw + 76, w.pos - raw - 88, false);
}

static const struct pe_sect three_sects[] = {{0x1000, 0x200, 0x200, 0x200},
                                             {0x2000, 0x400, 0x400, 0x400},
                                             {0x3000, 0x800, 0x800, 0x800}};

static void pe_versioninfo_offsets(void **state)
{
    struct pe_spec spec = pe_spec(0x1000, 0x1000, 3, three_sects);
    struct vg_exe_info e;
    uint8_t *b;

    (void)state;
    spec.dir_va[2] = 0x3000;
    spec.dir_size[2] = 0x400;
    b = pe_build(&spec);
    rsrc_build(b, 0x800, 0x3000);
    save_sample("pe_versioninfo", b, spec.size);
    assert_int_equal(parse(b, spec.size, &e), VIGIL_OK);
    /* key offsets of CompanyName and FileVersion, not of Empty */
    assert_int_equal(e.nvinfo, 2);
    assert_int_equal(e.vinfo[0].off, 0x916);
    assert_int_equal(e.vinfo[1].off, 0x95a);
    assert_true(vg_exe_vinfo_at(&e, 0x916));
    assert_false(vg_exe_vinfo_at(&e, 0x914));
    assert_int_equal(memcmp(b + 0x916, "C\0o\0m\0p\0", 8), 0);
    assert_int_equal(parse_prefixes(b, spec.size), spec.size - 0x200);
    w32(b, 0x800 + 88 + 40, 0, false); /* FIXEDFILEINFO magic */
    assert_int_equal(parse(b, spec.size, &e), VIGIL_OK);
    assert_int_equal(e.nvinfo, 0);
    free(b);
}

/* ---- PE imports ---- */

struct imp_dll {
    const char *name;
    uint32_t thunks[4]; /* 0-terminated; 0x8000xxxx ordinal, else a name */
    const char *names[4];
};

/* Descriptors at rva, then per DLL: thunks, hint/names, DLL name. */
static uint32_t imp_build(uint8_t *b, size_t raw, uint32_t rva,
                          const struct imp_dll *d, size_t n)
{
    struct wr w = {b, raw + 20 * (n + 1)};

    memset(b + raw, 0, 0x400);
    for (size_t i = 0; i < n; i++) {
        size_t th = w.pos, k;

        for (k = 0; d[i].thunks[k]; k++)
            ;
        w.pos += 4 * (k + 1);
        for (k = 0; d[i].thunks[k]; k++) {
            uint32_t v = d[i].thunks[k];

            if (d[i].names[k]) {
                v = rva + (uint32_t)(w.pos - raw);
                w.pos += 2; /* hint */
                memcpy(b + w.pos, d[i].names[k], strlen(d[i].names[k]) + 1);
                w.pos += strlen(d[i].names[k]) + 1;
            }
            w32(b, th + 4 * k, v, false);
        }
        w32(b, raw + 20 * i, rva + th - raw, false);      /* OFT */
        w32(b, raw + 20 * i + 16, rva + th - raw, false); /* FT */
        w32(b, raw + 20 * i + 12, rva + w.pos - raw, false);
        memcpy(b + w.pos, d[i].name, strlen(d[i].name) + 1);
        w.pos += strlen(d[i].name) + 1;
    }
    return 20 * (uint32_t)(n + 1);
}

struct text {
    char s[1024];
    size_t n;
};

static void text_feed(void *ctx, const char *bytes, size_t len)
{
    struct text *t = ctx;

    assert_true(t->n + len < sizeof t->s);
    memcpy(t->s + t->n, bytes, len);
    t->n += len;
    t->s[t->n] = '\0';
}

static const struct imp_dll std_dlls[] = {
    {"KERNEL32.dll", {1, 1}, {"ExitProcess", "GetProcAddress"}},
    {"USER32.DLL", {1}, {"MessageBoxA"}},
    {"WS2_32.dll", {0x80000001u, 0x80000074u, 0x800003e7u}, {0}},
    {"oleaut32.dll", {0x80000002u}, {0}},
    {"x.drv", {1, 0x80000007u}, {"Fn_1"}},
};

static uint8_t *imp_pe(struct pe_spec *spec, const struct imp_dll *d, size_t n)
{
    uint8_t *b;

    *spec = pe_spec(0x1000, 0x1000, 3, three_sects);
    spec->dir_va[1] = 0x2000;
    b = pe_build(spec);
    spec->dir_size[1] = imp_build(b, 0x400, 0x2000, d, n);
    w32(b, PE_LFANEW + 24 + 96 + 8 + 4, spec->dir_size[1], false);
    return b;
}

static void pe_import_hash_input(void **state)
{
    struct pe_spec spec;
    uint8_t *b = imp_pe(&spec, std_dlls, 5);
    struct vg_exe_info e;
    struct text t = {.n = 0};

    (void)state;
    save_sample("pe_imports", b, spec.size);
    assert_int_equal(parse(b, spec.size, &e), VIGIL_OK);
    assert_true(
        vg_pe_imports_walk(vigil_span_make(b, spec.size), &e, text_feed, &t));
    assert_string_equal(t.s, "kernel32.exitprocess,kernel32.getprocaddress,"
                             "user32.messageboxa,ws2_32.accept,"
                             "ws2_32.wsacleanup,ws2_32.ord999,"
                             "oleaut32.sysallocstring,x.drv.fn_1,"
                             "x.drv.ord7");
    free(b);
}

/* A name with fewer than 258 bytes after its Hint is left out silently
 * (ClamAV maps min(256, size - off) bytes from off + 2). */
static void pe_import_name_near_eof(void **state)
{
    struct pe_spec spec;
    uint8_t *b = imp_pe(&spec, std_dlls, 1);
    struct vg_exe_info e;
    struct text t = {.n = 0};

    (void)state;
    /* GetProcAddress's Hint is at 0x442 */
    assert_int_equal(parse(b, 0x442 + 258, &e), VIGIL_OK);
    save_sample("pe_imports_258", b, 0x442 + 258);
    assert_true(
        vg_pe_imports_walk(vigil_span_make(b, 0x442 + 258), &e, text_feed, &t));
    assert_string_equal(t.s, "kernel32.exitprocess,kernel32.getprocaddress");
    t.n = 0;
    assert_int_equal(parse(b, 0x442 + 257, &e), VIGIL_OK);
    save_sample("pe_imports_257", b, 0x442 + 257);
    assert_true(
        vg_pe_imports_walk(vigil_span_make(b, 0x442 + 257), &e, text_feed, &t));
    assert_string_equal(t.s, "kernel32.exitprocess");
    free(b);
}

static void pe_import_hash_refusals(void **state)
{
    static const struct imp_dll bad[] = {
        {"k.dll", {1, 1}, {"Good", "Bad@Name"}}};
    struct pe_spec spec;
    uint8_t *b = imp_pe(&spec, bad, 1);
    struct vg_exe_info e;
    struct text t = {.n = 0};
    struct vigil_span d = vigil_span_make(b, spec.size);

    (void)state;
    save_sample("pe_imports_badname", b, spec.size);
    assert_int_equal(parse(b, spec.size, &e), VIGIL_OK);
    assert_false(vg_pe_imports_walk(d, &e, text_feed, &t));
    free(b);
    /* PE32+: ClamAV's cli_scanpe stops before the import hash. */
    b = imp_pe(&spec, std_dlls, 2);
    w16(b, PE_LFANEW + 24, 0x20b, false);
    w16(b, PE_LFANEW + 20, 112 + 128, false);
    w32(b, PE_LFANEW + 24 + 108, 16, false);
    memmove(b + PE_LFANEW + 24 + 112, b + PE_LFANEW + 24 + 96, 128 + 120);
    d = vigil_span_make(b, spec.size);
    save_sample("pe_plus_imports", b, spec.size);
    assert_int_equal(parse(b, spec.size, &e), VIGIL_OK);
    assert_true(e.pe.pe32plus);
    t.n = 0;
    assert_false(vg_pe_imports_walk(d, &e, text_feed, &t));
    free(b);
}

/* ---- ELF builder ---- */

struct elf_ph {
    uint32_t type;
    uint64_t off, va, memsz;
};

struct elf_sh {
    uint64_t addr, off, size;
};

struct elf_spec {
    bool is64, be;
    uint64_t entry;
    size_t nph, nsh, size;
    const struct elf_ph *ph;
    const struct elf_sh *sh;
};

static void elf_ehdr(const struct elf_spec *s, uint8_t *b)
{
    size_t w = s->is64 ? 8 : 4, eh = s->is64 ? 64 : 52;
    size_t phs = s->is64 ? 56 : 32, shs = s->is64 ? 64 : 40;

    memset(b, 0, eh);
    memcpy(b, "\177ELF", 4);
    b[4] = s->is64 ? 2 : 1;
    b[5] = s->be ? 2 : 1;
    b[6] = 1;
    w16(b, 16, 2, s->be);
    w16(b, 18, s->is64 ? 62 : 3, s->be);
    if (s->is64)
        w64(b, 24, s->entry, s->be);
    else
        w32(b, 24, s->entry, s->be);
    (s->is64 ? w64 : w32)(b, 24 + w, eh, s->be);
    (s->is64 ? w64 : w32)(b, 24 + 2 * w, eh + phs * s->nph, s->be);
    w16(b, 24 + 3 * w + 4, eh, s->be);
    w16(b, 24 + 3 * w + 6, phs, s->be);
    w16(b, 24 + 3 * w + 8, s->nph, s->be);
    w16(b, 24 + 3 * w + 10, shs, s->be);
    w16(b, 24 + 3 * w + 12, s->nsh, s->be);
}

static uint8_t *elf_build(const struct elf_spec *s)
{
    uint8_t *b = noise(s->size);
    size_t eh = s->is64 ? 64 : 52, phs = s->is64 ? 56 : 32;
    size_t shs = s->is64 ? 64 : 40, w = s->is64 ? 8 : 4;
    void (*ww)(uint8_t *, size_t, uint64_t, bool) = s->is64 ? w64 : w32;

    elf_ehdr(s, b);
    for (size_t i = 0; i < s->nph; i++) {
        size_t at = eh + i * phs;

        memset(b + at, 0, phs);
        w32(b, at, s->ph[i].type, s->be);
        ww(b, at + (s->is64 ? 8 : 4), s->ph[i].off, s->be);
        ww(b, at + (s->is64 ? 16 : 8), s->ph[i].va, s->be);
        ww(b, at + (s->is64 ? 40 : 20), s->ph[i].memsz, s->be);
    }
    for (size_t i = 0; i < s->nsh; i++) {
        size_t at = eh + s->nph * phs + i * shs;

        memset(b + at, 0, shs);
        ww(b, at + 8 + w, s->sh[i].addr, s->be);
        ww(b, at + 8 + 2 * w, s->sh[i].off, s->be);
        ww(b, at + 8 + 3 * w, s->sh[i].size, s->be);
    }
    return b;
}

static int elf_parse(const char *name, const struct elf_spec *s,
                     struct vg_exe_info *e)
{
    uint8_t *b = elf_build(s);
    int ret = parse(b, s->size, e);

    save_sample(name, b, s->size);
    free(b);
    return ret;
}

static const struct elf_ph load32[] = {{1, 0, 0x8048000, 0x1000}};
static const struct elf_sh sh32[] = {
    {0, 0, 0}, {0x8048100, 0x100, 0x80}, {0x8048200, 0x200, 0x300}};

static void elf32_le_sections_and_ep(void **state)
{
    struct elf_spec s = {false, false, 0x8048080, 1, 3, 0x1000, load32, sh32};
    struct vg_exe_info e;

    (void)state;
    assert_int_equal(elf_parse("elf32_le", &s, &e), VIGIL_OK);
    assert_int_equal(e.kind, VG_EXE_ELF);
    assert_int_equal(e.ep, 0x80);
    assert_int_equal(e.nsections, 3);
    assert_section(&e, 1, 0x8048100, 0x100, 0x80);
    assert_section(&e, 2, 0x8048200, 0x200, 0x300);
}

static void elf64_be_sections_and_ep(void **state)
{
    static const struct elf_ph ph[] = {{6, 0x40, 0x400040, 0x100},
                                       {1, 0x200, 0x400000, 0x1000}};
    static const struct elf_sh sh[] = {{0, 0, 0},
                                       {0x400100, 0x300, 0x1ffffff00ull}};
    struct elf_spec s = {true, true, 0x400080, 2, 2, 0x1000, ph, sh};
    struct vg_exe_info e;

    (void)state;
    /* The first covering program header, whatever its type (PT_PHDR). */
    assert_int_equal(elf_parse("elf64_be", &s, &e), VIGIL_OK);
    assert_int_equal(e.ep, 0x80);
    /* sh_size kept in 32 bits and not clipped to the file */
    assert_section(&e, 1, 0x400100, 0x300, 0xffffff00u);
}

static void elf_entry_rules(void **state)
{
    static const struct elf_ph bss[] = {{1, 0, 0x8048000, 0x2000}};
    struct elf_spec s = {false, false, 0, 1, 3, 0x1000, load32, sh32};
    struct vg_exe_info e;

    (void)state;
    assert_int_equal(elf_parse("elf_entry0", &s, &e), VIGIL_OK);
    assert_int_equal(e.ep, 0);
    s.entry = 0x8048100;
    s.nph = 0;
    assert_int_equal(elf_parse("elf_nophdr", &s, &e), VIGIL_OK);
    assert_int_equal(e.ep, 0);
    s.nph = 1;
    s.entry = 0x9000000;
    assert_int_equal(elf_parse("elf_unmapped", &s, &e), VIGIL_E_CORRUPT);
    s.entry = 0x8049800; /* p_memsz, not p_filesz: past the file */
    s.ph = bss;
    assert_int_equal(elf_parse("elf_ep_bss", &s, &e), VIGIL_OK);
    assert_int_equal(e.ep, 0x1800);
}

static void elf_limits(void **state)
{
    static struct elf_sh many[257];
    struct elf_spec s = {false, false, 0x8048100, 1, 256, 0x4000, load32, many};
    struct vg_exe_info e;
    uint8_t *b;

    (void)state;
    assert_int_equal(elf_parse("elf_256_sections", &s, &e), VIGIL_OK);
    assert_int_equal(e.nsections, 256);
    s.nsh = 257;
    assert_int_equal(elf_parse("elf_257_sections", &s, &e), VIGIL_E_CORRUPT);
    s.nsh = 0;
    b = elf_build(&s);
    assert_int_equal(parse(b, s.size, &e), VIGIL_OK);
    assert_int_equal(e.nsections, 0);
    assert_null(vg_exe_last(&e)); /* SL+n crashes ClamAV here */
    w16(b, 46, 0, false);         /* e_shentsize 0 with no sections: broken */
    assert_int_equal(parse(b, s.size, &e), VIGIL_E_CORRUPT);
    w16(b, 46, 40, false);
    w16(b, 44, 129, false); /* e_phnum > 128 */
    assert_int_equal(parse(b, s.size, &e), VIGIL_E_CORRUPT);
    b[4] = 3; /* EI_CLASS */
    assert_int_equal(parse(b, s.size, &e), VIGIL_E_CORRUPT);
    free(b);
}

static void elf_truncated_everywhere(void **state)
{
    struct elf_spec s = {true, false, 0x8048080, 1, 3, 0x300, NULL, NULL};
    static const struct elf_ph ph[] = {{1, 0, 0x8048000, 0x1000}};
    uint8_t *b;

    (void)state;
    s.ph = ph;
    s.sh = sh32;
    b = elf_build(&s);
    save_sample("elf64_le_small", b, s.size);
    /* OK once the last section header (ends at 64+56+3*64) is there */
    assert_int_equal(parse_prefixes(b, s.size), s.size - 312 + 1);
    free(b);
    s.is64 = false;
    s.be = true;
    b = elf_build(&s);
    save_sample("elf32_be_small", b, s.size);
    assert_int_equal(parse_prefixes(b, s.size), s.size - 204 + 1);
    free(b);
}

/* ---- Mach-O builder ---- */

struct mo {
    uint8_t *b;
    size_t pos, size;
    bool be, is64;
    uint32_t ncmds;
};

struct mo_sect {
    uint64_t addr, size;
    uint32_t off, align;
};

static void mo_begin(struct mo *m, size_t size, bool is64, bool be,
                     uint32_t cpu)
{
    m->b = noise(size);
    m->size = size;
    m->is64 = is64;
    m->be = be;
    m->ncmds = 0;
    m->pos = is64 ? 32 : 28;
    memset(m->b, 0, m->pos);
    w32(m->b, 0, is64 ? 0xfeedfacfu : 0xfeedfaceu, be);
    w32(m->b, 4, cpu, be);
    w32(m->b, 12, 2, be); /* MH_EXECUTE */
}

static void mo_segment(struct mo *m, size_t n, const struct mo_sect *s)
{
    size_t seg = m->is64 ? 72 : 56, sect = m->is64 ? 80 : 68, at = m->pos;

    memset(m->b + at, 0, seg + n * sect);
    w32(m->b, at, m->is64 ? 0x19 : 0x1, m->be);
    w32(m->b, at + 4, seg + n * sect, m->be);
    memcpy(m->b + at + 8, "__TEXT", 6);
    w32(m->b, at + (m->is64 ? 64 : 48), n, m->be);
    for (size_t i = 0; i < n; i++) {
        size_t p = at + seg + i * sect;

        memcpy(m->b + p, "__text", 6);
        if (m->is64) {
            w64(m->b, p + 32, s[i].addr, m->be);
            w64(m->b, p + 40, s[i].size, m->be);
        } else {
            w32(m->b, p + 32, s[i].addr, m->be);
            w32(m->b, p + 36, s[i].size, m->be);
        }
        w32(m->b, p + (m->is64 ? 48 : 40), s[i].off, m->be);
        w32(m->b, p + (m->is64 ? 52 : 44), s[i].align, m->be);
    }
    m->pos += seg + n * sect;
    m->ncmds++;
}

static void mo_cmd(struct mo *m, uint32_t cmd, size_t size, uint64_t word)
{
    memset(m->b + m->pos, 0, size);
    w32(m->b, m->pos, cmd, m->be);
    w32(m->b, m->pos + 4, size, m->be);
    if (cmd == 0x80000028) /* LC_MAIN: entryoff */
        w64(m->b, m->pos + 8, word, m->be);
    else /* LC_UNIXTHREAD: flavor, count, PC first */
        w32(m->b, m->pos + 16, word, m->be);
    m->pos += size;
    m->ncmds++;
}

static int mo_parse(const char *name, struct mo *m, struct vg_exe_info *e)
{
    int ret;

    w32(m->b, 16, m->ncmds, m->be);
    w32(m->b, 20, m->pos - (m->is64 ? 32 : 28), m->be);
    ret = parse(m->b, m->size, e);
    save_sample(name, m->b, m->size);
    return ret;
}

static void macho64_sections_no_ep(void **state)
{
    static const struct mo_sect s[] = {{0x100001000ull, 0x101, 0x1000, 4},
                                       {0x100002000ull, 0x10, 0x1200, 0}};
    struct mo m;
    struct vg_exe_info e;

    (void)state;
    mo_begin(&m, 0x1000, true, false, 0x1000007);
    mo_segment(&m, 2, s);
    mo_cmd(&m, 0x80000028, 24, 0x1000); /* LC_MAIN: ClamAV ignores it */
    assert_int_equal(mo_parse("macho64_x86", &m, &e), VIGIL_OK);
    assert_int_equal(e.kind, VG_EXE_MACHO);
    assert_int_equal(e.ep, 0);
    assert_int_equal(e.nsections, 2);
    /* addr kept in 32 bits; raw size rounded up to 2^align */
    assert_section(&e, 0, 0x1000, 0x1000, 0x110);
    assert_section(&e, 1, 0x2000, 0x1200, 0x10);
    assert_int_equal(parse_prefixes(m.b, m.size),
                     m.size - (32 + 72 + 160 + 8) + 1);
    free(m.b);
}

static void macho_ppc_thread_ep(void **state)
{
    static const struct mo_sect s[] = {{0x2000, 0x100, 0x800, 2},
                                       {0x3000, 0x80, 0x900, 2}};
    struct mo m;
    struct vg_exe_info e;

    (void)state;
    mo_begin(&m, 0x1000, false, true, 18);
    mo_cmd(&m, 5, 16 + 160, 0x3010); /* before the segment */
    mo_segment(&m, 2, s);
    assert_int_equal(mo_parse("macho_ppc", &m, &e), VIGIL_OK);
    assert_int_equal(e.ep, 0x910);
    free(m.b);
    mo_begin(&m, 0x1000, false, true, 18);
    mo_segment(&m, 2, s);
    mo_cmd(&m, 5, 16 + 160, 0x9000); /* in no section */
    assert_int_equal(mo_parse("macho_ppc_unmapped", &m, &e), VIGIL_E_CORRUPT);
    free(m.b);
    mo_begin(&m, 0x1000, false, true, 18);
    mo_cmd(&m, 5, 16 + 160, 0x50); /* no sections: the raw address */
    assert_int_equal(mo_parse("macho_ppc_nosect", &m, &e), VIGIL_OK);
    assert_int_equal(e.ep, 0x50);
    free(m.b);
}

static void macho_broken(void **state)
{
    static const struct mo_sect a32[] = {{0x2000, 0x101, 0x800, 32}};
    static const struct mo_sect big[] = {{0x2000, 0x100000000ull, 0x800, 0}};
    static const struct mo_sect over[] = {{0x2000, 0xfffffff1u, 0x800, 4}};
    struct mo m;
    struct vg_exe_info e;

    (void)state;
    mo_begin(&m, 0x1000, true, false, 0x1000007);
    mo_segment(&m, 1, a32);
    assert_int_equal(mo_parse("macho_align32", &m, &e), VIGIL_E_CORRUPT);
    free(m.b);
    mo_begin(&m, 0x1000, true, false, 0x1000007);
    mo_segment(&m, 1, big);
    assert_int_equal(mo_parse("macho_size4g", &m, &e), VIGIL_E_CORRUPT);
    free(m.b);
    mo_begin(&m, 0x1000, false, false, 7);
    mo_segment(&m, 1, over);
    assert_int_equal(mo_parse("macho_round_over", &m, &e), VIGIL_E_CORRUPT);
    free(m.b);
    mo_begin(&m, 0x1000, true, false, 0x1000007);
    assert_int_equal(mo_parse("macho_ncmds0", &m, &e), VIGIL_E_CORRUPT);
    free(m.b);
}

static void macho_fat_is_not_parsed(void **state)
{
    uint8_t b[64] = {0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 1};
    struct vg_exe_info e;

    (void)state;
    assert_int_equal(parse(b, sizeof b, &e), VIGIL_OK);
    assert_int_equal(e.kind, VG_EXE_NONE);
    assert_false(e.has_ep);
}

/* ---- section and import hashes through an engine ---- */

struct names {
    const char *v[16];
    size_t n;
};

static void collect(void *ctx, const char *name)
{
    struct names *n = ctx;

    assert_true(n->n < 16);
    n->v[n->n++] = name;
}

static struct vigil_engine *engine_with(const char *file, const char *text)
{
    struct vigil_engine *eng = NULL;
    unsigned n;

    assert_int_equal(vigil_engine_new(&eng, NULL), VIGIL_OK);
    if (vg_load_mem(eng, file, text, strlen(text), &n) != VIGIL_OK)
        fail_msg("%s", vigil_engine_last_error(eng));
    assert_int_equal(vigil_engine_compile(eng), VIGIL_OK);
    return eng;
}

static void section_hash_detects(void **state)
{
    struct pe_spec spec = pe_spec(0x1000, 0x1010, 2, two_sects);
    uint8_t *b = pe_build(&spec);
    struct vg_exe_info e;
    struct names got = {.n = 0};
    char md5[129], sha256[129], db[1024];
    struct vigil_engine *eng;
    struct vigil_span d = vigil_span_make(b, spec.size);

    (void)state;
    assert_int_equal(parse(b, spec.size, &e), VIGIL_OK);
    digest_hex(EVP_md5(), b + 0xa00, 0x400, md5);
    digest_hex(EVP_sha256(), b + 0x200, 0x800, sha256);
    snprintf(db, sizeof db,
             "1024:%s:Sect.Md5\n2048:%s:Sect.Sha256\n"
             "*:%s:Sect.Any:73\n1023:%s:Sect.WrongSize\n",
             md5, sha256, md5, md5);
    eng = engine_with("t.mdb", db);
    vg_exehash_scan(eng, d, &e, collect, &got, true);
    assert_int_equal(got.n, 3);
    assert_string_equal(got.v[0], "Sect.Sha256.UNOFFICIAL");
    assert_string_equal(got.v[1], "Sect.Md5.UNOFFICIAL");
    assert_string_equal(got.v[2], "Sect.Any.UNOFFICIAL");
    got.n = 0;
    vg_exehash_scan(eng, d, &e, collect, &got, false);
    assert_int_equal(got.n, 1);
    vigil_engine_unref(&eng);
    free(b);
}

static void import_hash_detects(void **state)
{
    static const char imp[] = "kernel32.exitprocess,kernel32.getprocaddress,"
                              "user32.messageboxa";
    struct pe_spec spec;
    uint8_t *b = imp_pe(&spec, std_dlls, 2);
    struct vg_exe_info e;
    struct names got = {.n = 0};
    char md5[129], sha1[129], db[1024];
    struct vigil_engine *eng;

    (void)state;
    assert_int_equal(parse(b, spec.size, &e), VIGIL_OK);
    digest_hex(EVP_md5(), imp, strlen(imp), md5);
    digest_hex(EVP_sha1(), imp, strlen(imp), sha1);
    /* '*' needs no MINFL in .imp files */
    snprintf(db, sizeof db, "%s:%zu:Imp.Md5\n%s:*:Imp.Sha1\n%s:62:Imp.Off\n",
             md5, strlen(imp), sha1, md5);
    eng = engine_with("t.imp", db);
    vg_exehash_scan(eng, vigil_span_make(b, spec.size), &e, collect, &got,
                    true);
    assert_int_equal(got.n, 2);
    assert_string_equal(got.v[0], "Imp.Md5.UNOFFICIAL");
    assert_string_equal(got.v[1], "Imp.Sha1.UNOFFICIAL");
    vigil_engine_unref(&eng);
    free(b);
}

static void pehash_db_lines(void **state)
{
    struct vigil_engine *eng = NULL;
    unsigned n;
    static const char *const bad[] = {
        "*:44d88612fea8a8f36de82e1278abb02f:X\n", /* '*' without 73 */
        "0:44d88612fea8a8f36de82e1278abb02f:X\n", /* size 0 */
        "12:44d88612fea8a8f36de82e1278abb02:X\n", /* short hash */
        "4294967295:44d88612fea8a8f36de82e1278abb02f:X\n",
        "12:44d88612fea8a8f36de82e1278abb02f\n",
    };
    static const char good_mdb[] = "12:44d88612fea8a8f36de82e1278abb02f:A:999\n"
                                   "*:44d88612fea8a8f36de82e1278abb02f:B:73\n";
    static const char good_imp[] = "44d88612fea8a8f36de82e1278abb02f:*:C\n";

    (void)state;
    assert_int_equal(vigil_engine_new(&eng, NULL), VIGIL_OK);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        assert_int_equal(vg_load_mem(eng, "x.mdb", bad[i], strlen(bad[i]), &n),
                         VIGIL_E_DB);
    assert_int_equal(vg_load_mem(eng, "x.msb", good_mdb, strlen(good_mdb), &n),
                     VIGIL_OK);
    assert_int_equal(n, 1); /* MINFL 999: skipped */
    assert_int_equal(vg_load_mem(eng, "x.imp", good_imp, strlen(good_imp), &n),
                     VIGIL_OK);
    assert_int_equal(n, 1);
    vigil_engine_unref(&eng);
}

/* Through the public API, on ClamAV's own test file when installed. */
static void clam_exe_section_hash(void **state)
{
    static const char path[] = "/usr/share/clamav-testfiles/clam.exe";
    struct vigil_engine *eng = NULL;
    struct vigil_scan *scan = NULL;
    struct vigil_result res;
    const char *dir;
    unsigned n;

    (void)state;
    if (access(path, R_OK) != 0)
        exit(77);
    dir = tmpdir_new();
    /* clam.exe's one section (raw 0x0..0x200) and its import hash */
    tmpdir_write_text(dir, "t.mdb",
                      "512:23db1dd3f77fae25610b6a32701313ae:Clam.Sect\n");
    tmpdir_write_text(dir, "t.imp",
                      "98c88d882f01a3f6ac1e5f7dfd761624:39:Clam.Imp\n");
    assert_int_equal(vigil_engine_new(&eng, NULL), VIGIL_OK);
    assert_int_equal(vigil_engine_load_db(eng, dir, &n), VIGIL_OK);
    assert_int_equal(vigil_engine_compile(eng), VIGIL_OK);
    assert_int_equal(vigil_scan_new(&scan, eng), VIGIL_OK);
    assert_int_equal(vigil_scan_path(scan, path, VIGIL_SCAN_ALLMATCH, &res),
                     VIGIL_OK);
    assert_int_equal(res.verdict, VIGIL_FOUND);
    assert_int_equal(res.n_names, 2);
    assert_string_equal(res.names[0], "Clam.Sect.UNOFFICIAL");
    assert_string_equal(res.names[1], "Clam.Imp.UNOFFICIAL");
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
}

/* ---- executables embedded in other objects ---- */

/* vg_embedded_pe_next finds a PE after junk in a PE or OLE2 object, skips
 * offset 0, an "MZ...PE" whose headers do not parse, and other types. */
static void embedded_pe_offsets(void **state)
{
    struct pe_spec spec = pe_spec(0x1000, 0x1010, 2, two_sects);
    uint8_t *pe = pe_build(&spec);
    size_t junk = 300, n = junk + 2 * spec.size, at;
    uint8_t *outer = calloc(1, n);
    struct vg_exe_info e;
    struct vigil_span d;

    (void)state;
    assert_non_null(outer);
    memcpy(outer, pe, spec.size);                     /* at 0: the object */
    memcpy(outer + 100, "MZ", 2);                     /* no PE signature */
    memcpy(outer + 100 + 2 + 70, "PE\0\0", 4);        /* ...a bad header */
    memcpy(outer + junk + spec.size, pe, spec.size); /* the embedded one */
    memset(outer + spec.size, 'x', junk);
    d = vigil_span_make(outer, n);

    at = 0;
    assert_true(vg_embedded_pe_next(VG_FT_PE, d, &at, &e));
    assert_int_equal(at, junk + spec.size);
    assert_int_equal(e.kind, VG_EXE_PE);
    at++;
    assert_false(vg_embedded_pe_next(VG_FT_PE, d, &at, &e));
    at = 0;
    assert_true(vg_embedded_pe_next(VG_FT_OLE2, d, &at, &e));
    at = 0;
    assert_false(vg_embedded_pe_next(VG_FT_BINARY_DATA, d, &at, &e));
    assert_false(vg_embedded_pe_next(VG_FT_ZIP, d, &at, &e));
    /* a header cut short is no executable */
    at = 0;
    assert_false(vg_embedded_pe_next(
        VG_FT_PE, vigil_span_make(outer, junk + spec.size + PE_LFANEW + 8),
        &at, &e));
    free(outer);
    free(pe);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pe32_sections_and_ep),
        cmocka_unit_test(pe32plus_sections_and_ep),
        cmocka_unit_test(pe_ep_in_headers),
        cmocka_unit_test(pe_ep_unmapped_is_corrupt),
        cmocka_unit_test(pe_last_section_wins),
        cmocka_unit_test(pe_alignment_rounding),
        cmocka_unit_test(pe_sections_past_eof),
        cmocka_unit_test(pe_broken_headers),
        cmocka_unit_test(pe_headers_rounding_wraps),
        cmocka_unit_test(pe_many_sections),
        cmocka_unit_test(pe_not_a_pe),
        cmocka_unit_test(pe_truncated_everywhere),
        cmocka_unit_test(pe_versioninfo_offsets),
        cmocka_unit_test(pe_import_hash_input),
        cmocka_unit_test(pe_import_name_near_eof),
        cmocka_unit_test(pe_import_hash_refusals),
        cmocka_unit_test(elf32_le_sections_and_ep),
        cmocka_unit_test(elf64_be_sections_and_ep),
        cmocka_unit_test(elf_entry_rules),
        cmocka_unit_test(elf_limits),
        cmocka_unit_test(elf_truncated_everywhere),
        cmocka_unit_test(macho64_sections_no_ep),
        cmocka_unit_test(macho_ppc_thread_ep),
        cmocka_unit_test(macho_broken),
        cmocka_unit_test(macho_fat_is_not_parsed),
        cmocka_unit_test(section_hash_detects),
        cmocka_unit_test(import_hash_detects),
        cmocka_unit_test(pehash_db_lines),
        cmocka_unit_test(clam_exe_section_hash),
        cmocka_unit_test(embedded_pe_offsets),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
