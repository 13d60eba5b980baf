// SPDX-License-Identifier: GPL-2.0-or-later
// ole2.c: MS-CFB compound files: header, DIFAT/FAT, miniFAT, directory,
// stream chains; VBA projects through fmt/vba.c.
#include "fmt/ole2.h"

#include <string.h>
#include <strings.h>

#include "fmt/ole1.h"
#include "fmt/outbuf.h"
#include "fmt/ppt.h"
#include "fmt/vba.h"
#include "util/alloc.h"
#include "vigil/vigil.h"

#define SECT_FREE 0xFFFFFFFFu
#define SECT_END 0xFFFFFFFEu
#define OWNER_NONE 0xFFFFFFFFu
#define OWNER_META 0xFFFFFFF0u /* directory, miniFAT: not a stream */
#define DIR_ENTRY 128u
#define ENT_STORAGE 1
#define ENT_STREAM 2
#define ENT_ROOT 5
#define VBA_DIR_CAP ((size_t)16 << 20) /* decompressed dir stream */
/* Per file: all dir streams decompressed, and module look-ups. Real
 * projects are far below both; hostile ones would otherwise decompress
 * many tiny dir streams 2000-fold or name one stream a million times. */
#define VBA_DIR_BUDGET ((size_t)64 << 20)
#define VBA_MAX_MODULES 4096u

static const uint8_t ole2_magic[8] = {0xD0, 0xCF, 0x11, 0xE0,
                                      0xA1, 0xB1, 0x1A, 0xE1};

/* One sector table (FAT or miniFAT) and the bookkeeping that keeps chain
 * walks linear: which stream owns each sector, and which walk last
 * visited it. */
struct table {
    uint32_t *next;
    size_t n; /* entries in next[] */
    uint32_t *owner, *stamp;
    size_t nsect; /* sectors that exist (the data they index) */
};

struct ole2 {
    const struct vg_extract *x;
    struct vigil_span in;
    size_t ssz, mssz;
    uint32_t cutoff;
    bool v3, corrupt;
    struct table fat, mini;
    struct vg_out dir, ministream, tmp, out;
    size_t ndir;
    uint32_t *parent;
    uint32_t gen;
    size_t vba_dir_budget;
    unsigned vba_modules;
    uint8_t *vba_done; /* stream entries already decompressed as modules */
};

/* ---- sector tables ---- */

static int table_alloc(struct table *t, size_t n, size_t nsect)
{
    t->n = n;
    t->nsect = nsect;
    t->next = vigil_calloc(n ? n : 1, sizeof *t->next);
    t->owner = vigil_calloc(nsect ? nsect : 1, sizeof *t->owner);
    t->stamp = vigil_calloc(nsect ? nsect : 1, sizeof *t->stamp);
    if (!t->next || !t->owner || !t->stamp)
        return VIGIL_E_NOMEM;
    memset(t->owner, 0xFF, (nsect ? nsect : 1) * sizeof *t->owner);
    return VIGIL_OK;
}

static void table_free(struct table *t)
{
    VIGIL_FREEP(&t->next);
    VIGIL_FREEP(&t->owner);
    VIGIL_FREEP(&t->stamp);
}

/* The bytes of regular sector s (the last one may be short). */
static struct vigil_span sector(const struct ole2 *o, uint32_t s)
{
    size_t off = ((size_t)s + 1) * o->ssz, n = o->ssz;

    if (off >= o->in.len)
        return vigil_span_make(NULL, 0);
    if (n > o->in.len - off)
        n = o->in.len - off;
    return vigil_span_sub(o->in, off, n);
}

/* The bytes of mini sector s within the mini stream. */
static struct vigil_span mini_sector(const struct ole2 *o, uint32_t s)
{
    struct vigil_span ms = vg_out_span(&o->ministream);
    size_t off = (size_t)s * o->mssz, n = o->mssz;

    if (off >= ms.len)
        return vigil_span_make(NULL, 0);
    if (n > ms.len - off)
        n = ms.len - off;
    return vigil_span_sub(ms, off, n);
}

/*
 * Follow a chain from @p start, appending up to @p size bytes (UINT64_MAX:
 * to the end of the chain) to @p dst. A sector visited twice in one walk
 * (a cycle) or owned by another stream (cross-linked) ends the walk and
 * marks the file corrupt, so every walk is linear in the file size.
 */
static int read_chain(struct ole2 *o, bool mini, uint32_t start, uint64_t size,
                      uint32_t owner, struct vg_out *dst)
{
    struct table *t = mini ? &o->mini : &o->fat;
    uint32_t s = start;
    int ret;

    o->gen++;
    while (size > 0 && !vg_out_full(dst)) {
        struct vigil_span d;
        if (s == SECT_END && size == UINT64_MAX)
            return VIGIL_OK;
        if (s >= t->n || s >= t->nsect || t->stamp[s] == o->gen ||
            (t->owner[s] != OWNER_NONE && t->owner[s] != owner)) {
            o->corrupt = true;
            return VIGIL_OK;
        }
        t->stamp[s] = o->gen;
        t->owner[s] = owner;
        d = mini ? mini_sector(o, s) : sector(o, s);
        if (d.len > size)
            d.len = (size_t)size;
        if ((ret = vg_out_put(dst, d.p, d.len)) != VIGIL_OK)
            return ret;
        if (size != UINT64_MAX)
            size -= d.len;
        if (d.len < (mini ? o->mssz : o->ssz) && size > 0) {
            o->corrupt = true; /* the file ends inside the sector */
            return VIGIL_OK;
        }
        s = t->next[s];
    }
    return VIGIL_OK;
}

/* ---- header, DIFAT, FAT ---- */

static int parse_header(struct ole2 *o, struct vigil_cursor *c)
{
    struct vigil_span magic = vigil_cur_bytes(c, 8);
    uint16_t major, shift, mshift;

    vigil_cur_skip(c, 16 + 2);
    major = vigil_cur_u16le(c);
    vigil_cur_skip(c, 2);
    shift = vigil_cur_u16le(c);
    mshift = vigil_cur_u16le(c);
    o->cutoff = vigil_cur_u32le_at(c, 56);
    if (vigil_cur_failed(c) || memcmp(magic.p, ole2_magic, 8) != 0)
        return VIGIL_E_CORRUPT;
    /* MS-CFB allows 512- and 4096-byte sectors; accept 128 B..64 KiB. */
    if (shift < 7 || shift > 16 || mshift < 2 || mshift >= shift)
        return VIGIL_E_CORRUPT;
    o->ssz = (size_t)1 << shift;
    o->mssz = (size_t)1 << mshift;
    o->v3 = major != 4;
    return VIGIL_OK;
}

/* Append FAT sector number v to list if it names a real sector. */
static void fat_sector_add(uint32_t *list, size_t *n, size_t cap, uint32_t v)
{
    if (v < cap && *n < cap)
        list[(*n)++] = v;
}

/* The FAT's own sectors: 109 in the header, the rest along the DIFAT
 * chain (each DIFAT sector ends with the number of the next). */
static size_t fat_sectors(struct ole2 *o, struct vigil_cursor *c,
                          uint32_t *list, size_t nsect)
{
    size_t n = 0, per = o->ssz / 4 - 1;
    uint32_t s = vigil_cur_u32le_at(c, 68);

    for (size_t i = 0; i < 109; i++)
        fat_sector_add(list, &n, nsect, vigil_cur_u32le_at(c, 76 + 4 * i));
    /* At most nsect DIFAT sectors exist: a longer chain has a cycle. */
    for (size_t steps = 0; s < nsect && steps < nsect; steps++) {
        struct vigil_span d = sector(o, s);
        struct vigil_cursor dc = vigil_cur_from_span(d);
        for (size_t i = 0; i < per; i++)
            fat_sector_add(list, &n, nsect, vigil_cur_u32le_at(&dc, 4 * i));
        s = vigil_cur_u32le_at(&dc, 4 * per);
        if (vigil_cur_failed(&dc)) {
            o->corrupt = true;
            break;
        }
    }
    return n;
}

static int load_fat(struct ole2 *o, struct vigil_cursor *c)
{
    size_t nsect = (o->in.len - o->ssz + o->ssz - 1) / o->ssz;
    size_t per = o->ssz / 4, nfs, nent;
    uint32_t *list = vigil_calloc(nsect ? nsect : 1, sizeof *list);
    int ret;

    if (!list)
        return VIGIL_E_NOMEM;
    nfs = fat_sectors(o, c, list, nsect);
    nent = nfs * per; /* nfs <= nsect, so no overflow for a real file */
    ret = table_alloc(&o->fat, nent, nsect);
    for (size_t i = 0; ret == VIGIL_OK && i < nfs; i++) {
        struct vigil_span d = sector(o, list[i]);
        struct vigil_cursor dc = vigil_cur_from_span(d);
        for (size_t k = 0; k < per; k++) {
            uint32_t v = vigil_cur_u32le_at(&dc, 4 * k);
            o->fat.next[i * per + k] = vigil_cur_failed(&dc) ? SECT_FREE : v;
        }
    }
    vigil_free(list);
    return ret;
}

/* ---- directory and mini stream ---- */

static struct vigil_cursor dir_entry(const struct ole2 *o, size_t i)
{
    struct vigil_cursor c = vigil_cur_from_span(vg_out_span(&o->dir));

    return vigil_cur_sub(&c, i * DIR_ENTRY, DIR_ENTRY);
}

static uint64_t entry_size(const struct ole2 *o, struct vigil_cursor *e)
{
    uint64_t size = vigil_cur_u64le_at(e, 120);

    return o->v3 ? (size & 0xFFFFFFFFu) : size;
}

static int load_dir_and_mini(struct ole2 *o, struct vigil_cursor *c)
{
    uint32_t dir_start = vigil_cur_u32le_at(c, 48);
    uint32_t mfat_start = vigil_cur_u32le_at(c, 60);
    struct vigil_cursor root;
    size_t nmini;
    int ret;

    vg_out_init(&o->dir, o->in.len);
    vg_out_init(&o->ministream, o->in.len);
    vg_out_init(&o->tmp, o->in.len);
    ret = read_chain(o, false, dir_start, UINT64_MAX, OWNER_META, &o->dir);
    if (ret != VIGIL_OK)
        return ret;
    o->ndir = o->dir.b.len / DIR_ENTRY;
    if (o->ndir == 0)
        return VIGIL_E_CORRUPT;
    /* The miniFAT, then the mini stream (the root entry's chain). */
    ret = read_chain(o, false, mfat_start, UINT64_MAX, OWNER_META, &o->tmp);
    root = dir_entry(o, 0);
    if (ret == VIGIL_OK && vigil_cur_u8_at(&root, 66) == ENT_ROOT)
        ret = read_chain(o, false, vigil_cur_u32le_at(&root, 116),
                         entry_size(o, &root), 0, &o->ministream);
    if (ret != VIGIL_OK)
        return ret;
    nmini =
        o->ministream.b.len / o->mssz + (o->ministream.b.len % o->mssz != 0);
    ret = table_alloc(&o->mini, o->tmp.b.len / 4, nmini);
    for (size_t i = 0; ret == VIGIL_OK && i < o->mini.n; i++)
        o->mini.next[i] = vigil_load_u32le_unchecked(o->tmp.b.data + 4 * i);
    return ret;
}

/* The entry's UTF-16 name as printable ASCII (others become '_'). */
static void entry_name(struct vigil_cursor *e, char *out, size_t cap)
{
    size_t len = vigil_cur_u16le_at(e, 64) / 2, o = 0;

    if (len > 32)
        len = 32;
    for (size_t i = 0; i < len && o + 1 < cap; i++) {
        uint16_t ch = vigil_cur_u16le_at(e, 2 * i);
        if (ch == 0)
            break;
        out[o++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '_';
    }
    out[o] = '\0';
}

/* Read stream entry i into dst (reset first). */
static int read_stream(struct ole2 *o, size_t i, struct vg_out *dst)
{
    struct vigil_cursor e = dir_entry(o, i);
    uint64_t size = entry_size(o, &e);
    uint32_t start = vigil_cur_u32le_at(&e, 116);

    vg_out_reset(dst);
    if (size == 0)
        return VIGIL_OK;
    return read_chain(o, size < o->cutoff, start, size, (uint32_t)i, dst);
}

/* ---- the tree: parent of every entry ---- */

/* Depth-first over left/right/child links from the root; each entry is
 * visited once (parent set), so hostile links cannot loop. */
static int link_tree(struct ole2 *o)
{
    size_t n = o->ndir, top = 0;
    uint32_t *stack = vigil_calloc(n, sizeof *stack);
    uint32_t *parent = vigil_calloc(n, sizeof *parent);

    if (!stack || !parent) {
        vigil_free(stack);
        vigil_free(parent);
        return VIGIL_E_NOMEM;
    }
    memset(parent, 0xFF, n * sizeof *parent);
    parent[0] = 0;
    stack[top++] = 0;
    while (top > 0) {
        uint32_t i = stack[--top];
        struct vigil_cursor e = dir_entry(o, i);
        /* Siblings share i's parent; children have i as parent. */
        uint32_t links[3] = {vigil_cur_u32le_at(&e, 68),
                             vigil_cur_u32le_at(&e, 72),
                             vigil_cur_u32le_at(&e, 76)};
        for (unsigned k = 0; k < 3; k++) {
            uint32_t j = links[k];
            if (j >= n || parent[j] != OWNER_NONE)
                continue;
            parent[j] = k == 2 ? i : parent[i];
            stack[top++] = j;
        }
    }
    vigil_free(stack);
    o->parent = parent;
    return VIGIL_OK;
}

/* ---- VBA ---- */

struct vba_ctx {
    struct ole2 *o;
    uint32_t storage; /* the storage holding dir and the modules */
};

static int find_sibling(struct ole2 *o, uint32_t storage, const char *name)
{
    for (size_t i = 0; i < o->ndir; i++) {
        struct vigil_cursor e = dir_entry(o, i);
        char nm[64];
        if (o->parent[i] != storage || vigil_cur_u8_at(&e, 66) != ENT_STREAM)
            continue;
        entry_name(&e, nm, sizeof nm);
        if (!strcasecmp(nm, name))
            return (int)i;
    }
    return -1;
}

static int vba_module(void *ctx, const struct vg_vba_module *m)
{
    struct vba_ctx *vc = ctx;
    struct ole2 *o = vc->o;
    struct vg_child_info ci = vg_child_info_none();
    struct vigil_span src;
    int i, ret;

    if (++o->vba_modules > VBA_MAX_MODULES)
        return VIGIL_E_CORRUPT; /* stops the walk */
    i = find_sibling(o, vc->storage, m->stream);
    if (i >= 0 && o->vba_done[i])
        return VIGIL_OK; /* each module stream is decoded once */
    if (i < 0) {
        o->corrupt = true;
        return VIGIL_OK;
    }
    o->vba_done[i] = 1;
    if ((ret = read_stream(o, (size_t)i, &o->tmp)) != VIGIL_OK)
        return ret;
    src = vg_out_span(&o->tmp);
    if (m->offset > src.len) {
        o->corrupt = true;
        return VIGIL_OK;
    }
    vg_out_reset(&o->out);
    ret = vg_vba_decompress(vigil_span_sub(src, m->offset, src.len - m->offset),
                            &o->out);
    if (ret == VIGIL_E_NOMEM)
        return ret;
    if (ret != VIGIL_OK)
        o->corrupt = true;
    ci.name = m->name;
    return vg_out_emit(&o->out, o->x, &ci);
}

/* A "dir" stream: decompress it and emit each module's source. */
static int vba_project(struct ole2 *o, size_t dir_idx)
{
    struct vba_ctx vc = {o, o->parent[dir_idx]};
    struct vg_out dir;
    int ret;

    if ((ret = read_stream(o, dir_idx, &o->tmp)) != VIGIL_OK)
        return ret;
    vg_out_init(&dir, o->vba_dir_budget < VBA_DIR_CAP ? o->vba_dir_budget
                                                      : VBA_DIR_CAP);
    ret = vg_vba_decompress(vg_out_span(&o->tmp), &dir);
    o->vba_dir_budget -= dir.b.len;
    if (ret == VIGIL_OK || ret == VIGIL_E_CORRUPT) {
        if (ret != VIGIL_OK)
            o->corrupt = true;
        ret = vg_vba_dir_modules(vg_out_span(&dir), vba_module, &vc);
        if (ret == VIGIL_E_CORRUPT) {
            o->corrupt = true;
            ret = VIGIL_OK;
        }
    }
    vg_out_free(&dir);
    return ret;
}

/* ---- streams ---- */

/* "\1Ole10Native": the Packager's wrapped file, emitted unwrapped. */
static int ole10native(struct ole2 *o)
{
    struct vigil_span native = vg_ole10native_data(vg_out_span(&o->out));
    struct vg_child_info ci = vg_child_info_none();
    struct vigil_span file;
    char name[128];

    if (!vg_ole1_package(native, &file, name, sizeof name)) {
        file = native;
        name[0] = '\0';
    }
    ci.name = name[0] ? name : NULL;
    return vg_emit_span(o->x, file, &ci);
}

/* Formats that live inside one stream. */
static int stream_contents(struct ole2 *o, const char *name)
{
    int ret = VIGIL_OK;

    if (!strcmp(name, "_Ole10Native"))
        ret = ole10native(o);
    else if (!strcmp(name, "PowerPoint Document"))
        ret = vg_ppt_extract(vg_out_span(&o->out), o->x);
    if (ret == VIGIL_E_CORRUPT) {
        o->corrupt = true;
        ret = VIGIL_OK;
    }
    return ret;
}

static int emit_streams(struct ole2 *o)
{
    for (size_t i = 0; i < o->ndir; i++) {
        struct vigil_cursor e = dir_entry(o, i);
        struct vg_child_info ci = vg_child_info_none();
        char name[64];
        int ret;
        if (vigil_cur_u8_at(&e, 66) != ENT_STREAM)
            continue;
        entry_name(&e, name, sizeof name);
        if ((ret = read_stream(o, i, &o->out)) != VIGIL_OK)
            return ret;
        ci.name = name;
        ci.declared_size = entry_size(o, &e);
        if ((ret = vg_out_emit(&o->out, o->x, &ci)) != VIGIL_OK)
            return ret;
        if ((ret = stream_contents(o, name)) != VIGIL_OK)
            return ret;
    }
    return VIGIL_OK;
}

static int emit_vba(struct ole2 *o)
{
    o->vba_dir_budget = VBA_DIR_BUDGET;
    o->vba_done = vigil_calloc(o->ndir, 1);
    if (!o->vba_done)
        return VIGIL_E_NOMEM;
    for (size_t i = 0; i < o->ndir; i++) {
        struct vigil_cursor e = dir_entry(o, i);
        char name[64];
        int ret;
        if (vigil_cur_u8_at(&e, 66) != ENT_STREAM || o->parent[i] == OWNER_NONE)
            continue;
        entry_name(&e, name, sizeof name);
        if (strcasecmp(name, "dir") != 0)
            continue;
        if ((ret = vba_project(o, i)) != VIGIL_OK)
            return ret;
    }
    return VIGIL_OK;
}

static void ole2_free(struct ole2 *o)
{
    table_free(&o->fat);
    table_free(&o->mini);
    vg_out_free(&o->dir);
    vg_out_free(&o->ministream);
    vg_out_free(&o->tmp);
    vg_out_free(&o->out);
    vigil_free(o->parent);
    vigil_free(o->vba_done);
}

int vg_ole2_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct ole2 o;
    struct vigil_cursor c = vigil_cur_from_span(in);
    int ret;

    memset(&o, 0, sizeof o);
    o.x = x;
    o.in = in;
    vg_out_init(&o.out, x->max_child);
    ret = parse_header(&o, &c);
    if (ret == VIGIL_OK && in.len <= o.ssz)
        ret = VIGIL_E_CORRUPT;
    if (ret == VIGIL_OK)
        ret = load_fat(&o, &c);
    if (ret == VIGIL_OK)
        ret = load_dir_and_mini(&o, &c);
    if (ret == VIGIL_OK)
        ret = link_tree(&o);
    if (ret == VIGIL_OK)
        ret = emit_streams(&o);
    if (ret == VIGIL_OK)
        ret = emit_vba(&o);
    if (ret == VIGIL_OK && o.corrupt)
        ret = VIGIL_E_CORRUPT;
    ole2_free(&o);
    return ret;
}
