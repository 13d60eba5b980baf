// SPDX-License-Identifier: GPL-2.0-or-later
// pe_vinfo.c: PE VERSIONINFO strings (ClamAV's VI offsets): the RT_VERSION
// resources, then each String of the first StringFileInfo.
#include "fmt/exe_private.h"

/*
 * ClamAV 1.4.6 (cli_peheader + findres) in short:
 *  - Resource root: only ID entries are searched for type 16 (RT_VERSION);
 *    the first such entry that is a subdirectory is walked, then the
 *    search ends. Every name entry (named + ID, counted in 16 bits) that
 *    is a subdirectory is walked; every language entry that is data is
 *    collected, at most 16. An unreadable or unmappable directory or entry
 *    ends the whole search (entries collected so far are kept).
 *  - Each collected data entry (RVA, size) must map and lie in the file.
 *    It must hold VS_VERSION_INFO (length > 92, value length 0x34, key,
 *    FIXEDFILEINFO magic 0xfeef04bd). One VarFileInfo child may precede
 *    the StringFileInfo, which must come next; every StringTable in it is
 *    walked. Each String is rounded up to 4 bytes; its key ends at the
 *    first UTF-16 NUL, rounded up to 4; a string whose key fills it or
 *    whose value has 2 bytes or fewer is skipped, a string too small or
 *    too large ends the walk. The VI offset is the file offset of the key.
 * The walk is bounded by the 16-bit sizes; the directory search is bounded
 * by VI_MAX_ENTRIES here (ClamAV has no bound: about 2^34 steps).
 */

#define RT_VERSION 16u
#define VI_MAX_RES 16u
#define VI_MAX_ENTRIES 65536u
#define RES_DIR_HDR 16u
#define VS_FIXED_END (6u + 0x20u + 2u + 0x34u)
#define VS_FIXED_MAGIC 0xfeef04bdu
#define SFI_HDR (6u + 0x1eu)
#define ST_HDR 24u

struct res_walk {
    struct vigil_span data;
    const struct vg_exe_info *pe;
    uint32_t res_rva;
    uint32_t rvas[VI_MAX_RES];
    uint32_t n, budget;
};

/* A directory: where its entries start and how many there are. */
static bool res_dir(struct res_walk *w, uint32_t rel, uint64_t *entries,
                    uint32_t *named, uint32_t *ids)
{
    struct vigil_cursor c = vigil_cur_from_span(w->data);
    uint32_t off;

    if (!vg_pe_rawaddr(w->data, w->pe, w->res_rva + rel, &off))
        return false;
    *named = vigil_cur_u16le_at(&c, (size_t)off + 12);
    *ids = vigil_cur_u16le_at(&c, (size_t)off + 14);
    (void)vigil_cur_at(&c, off, RES_DIR_HDR);
    *entries = (uint64_t)off + RES_DIR_HDR;
    return !vigil_cur_failed(&c);
}

/* Entry k of a directory: id and offset. @return false if unreadable or
 * the search has used up its budget. */
static bool res_entry(struct res_walk *w, uint64_t entries, uint32_t k,
                      uint32_t *id, uint32_t *offs)
{
    struct vigil_cursor c = vigil_cur_from_span(w->data);
    uint64_t at = entries + 8ull * k;

    if (w->budget == 0 || at > w->data.len || 8 > w->data.len - at)
        return false;
    w->budget--;
    *id = vigil_cur_u32le_at(&c, (size_t)at);
    *offs = vigil_cur_u32le_at(&c, (size_t)at + 4);
    return true;
}

/* @return false to end the whole search. */
static bool walk_langs(struct res_walk *w, uint32_t rel)
{
    uint64_t entries;
    uint32_t named, ids, id, offs;
    uint16_t cnt;

    if (!res_dir(w, rel, &entries, &named, &ids))
        return false;
    cnt = (uint16_t)(named + ids);
    for (uint32_t k = 0; k < cnt; k++) {
        if (!res_entry(w, entries, k, &id, &offs))
            return false;
        if (offs >> 31)
            continue;
        w->rvas[w->n++] = w->res_rva + offs;
        if (w->n == VI_MAX_RES)
            return false;
    }
    return true;
}

static void walk_names(struct res_walk *w, uint32_t rel)
{
    uint64_t entries;
    uint32_t named, ids, id, offs;
    uint16_t cnt;

    if (!res_dir(w, rel, &entries, &named, &ids))
        return;
    cnt = (uint16_t)(named + ids);
    for (uint32_t k = 0; k < cnt; k++) {
        if (!res_entry(w, entries, k, &id, &offs))
            return;
        if ((offs >> 31) && !walk_langs(w, offs & 0x7fffffffu))
            return;
    }
}

static void find_versions(struct res_walk *w)
{
    uint64_t entries;
    uint32_t named, ids, type, offs;

    if (!res_dir(w, 0, &entries, &named, &ids))
        return;
    entries += 8ull * named; /* RT_VERSION is an ID: skip named types */
    for (uint32_t k = 0; k < ids; k++) {
        if (!res_entry(w, entries, k, &type, &offs))
            return;
        if (type == RT_VERSION && (offs >> 31)) {
            walk_names(w, offs & 0x7fffffffu);
            return;
        }
    }
}

/* ---- VS_VERSIONINFO ---- */

/* A version resource's bytes, and where they start in the file. */
struct vi_walk {
    struct vigil_cursor c;
    uint64_t base;
    struct vg_exe_info *out;
};

static uint32_t vi_u16(struct vi_walk *w, uint32_t pos)
{
    return vigil_cur_u16le_at(&w->c, pos);
}

/* Is the NUL-terminated UTF-16LE key at pos the ASCII string @p key? */
static bool vi_key_is(struct vi_walk *w, uint32_t pos, const char *key)
{
    for (uint32_t i = 0;; i++) {
        if (vi_u16(w, pos + 2 * i) != (uint8_t)key[i])
            return false;
        if (key[i] == '\0')
            return !vigil_cur_failed(&w->c);
    }
}

/* Where a String's key ends: after its UTF-16 NUL, or where the scan for
 * one stopped, rounded up to 4 (ClamAV's ~wcstrlen). */
static uint32_t vi_key_end(struct vi_walk *w, uint32_t pos, uint32_t s_sz)
{
    uint32_t k;

    for (k = 6; k + 1 < s_sz; k += 2)
        if (vi_u16(w, pos + k) == 0) {
            k += 2;
            break;
        }
    return (k + 3) & ~3u;
}

/* The Strings of one StringTable. @return false on a hard failure. */
static bool vi_strings(struct vi_walk *w, uint32_t pos, uint32_t left)
{
    while (left > 6) {
        uint32_t s_sz = (vi_u16(w, pos) + 3) & ~3u, k;

        if (s_sz > left || s_sz <= 6 + 2 + 8)
            return false;
        k = vi_key_end(w, pos, s_sz);
        if (k < s_sz && s_sz - k > 2)
            vg_exe_put_vinfo(w->out, w->base + pos + 6, s_sz - 6);
        pos += s_sz;
        left -= s_sz;
    }
    return true;
}

/* Every StringTable of a StringFileInfo. */
static void vi_tables(struct vi_walk *w, uint32_t pos, uint32_t left)
{
    while (left > 6) {
        uint32_t st_sz = vi_u16(w, pos);

        if (st_sz > left || st_sz <= ST_HDR)
            return;
        if (!vi_strings(w, pos + ST_HDR, st_sz - ST_HDR))
            return;
        pos += st_sz;
        left -= st_sz;
    }
}

/* VS_VERSIONINFO's children: an optional VarFileInfo, a StringFileInfo. */
static void vi_children(struct vi_walk *w, uint32_t pos, uint32_t left)
{
    bool got_var = false;

    while (left > 6) {
        uint32_t sz = vi_u16(w, pos);

        if (sz > left)
            return;
        if (!got_var && sz > 6 + 0x18 && vi_key_is(w, pos + 6, "VarFileInfo")) {
            pos += sz;
            left -= sz;
            got_var = true;
            continue;
        }
        if (sz > SFI_HDR && vi_key_is(w, pos + 6, "StringFileInfo"))
            vi_tables(w, pos + SFI_HDR, sz - SFI_HDR);
        return;
    }
}

static void vi_parse(struct vi_walk *w, uint32_t res_sz)
{
    uint32_t vsz;

    if (res_sz <= 4)
        return;
    vsz = vi_u16(w, 0);
    if (vsz > res_sz || vsz <= VS_FIXED_END || vi_u16(w, 2) != 0x34 ||
        !vi_key_is(w, 6, "VS_VERSION_INFO") ||
        vigil_cur_u32le_at(&w->c, 0x28) != VS_FIXED_MAGIC)
        return;
    vi_children(w, VS_FIXED_END, vsz - VS_FIXED_END);
}

/* One RT_VERSION data entry: {data RVA, size, codepage, reserved}. */
static void parse_version_res(struct vigil_span d, struct vg_exe_info *pe,
                              uint32_t entry_rva)
{
    struct vigil_cursor c = vigil_cur_from_span(d);
    struct vi_walk w;
    uint32_t off, data_rva, size, doff;

    if (!vg_pe_rawaddr(d, pe, entry_rva, &off) || !vigil_cur_at(&c, off, 16))
        return;
    data_rva = vigil_cur_u32le_at(&c, off);
    size = vigil_cur_u32le_at(&c, (size_t)off + 4);
    if (!vg_pe_rawaddr(d, pe, data_rva, &doff) || size == 0 || doff > d.len ||
        size > d.len - doff)
        return;
    w.c = vigil_cur_from_span(vigil_span_sub(d, doff, size));
    w.base = doff;
    w.out = pe;
    vi_parse(&w, size);
}

void vg_pe_vinfo_parse(struct vigil_span data, struct vg_exe_info *pe,
                       uint32_t res_rva)
{
    struct res_walk w = {0};

    w.data = data;
    w.pe = pe;
    w.res_rva = res_rva;
    w.budget = VI_MAX_ENTRIES;
    find_versions(&w);
    for (uint32_t i = 0; i < w.n; i++)
        parse_version_res(data, pe, w.rvas[i]);
}
