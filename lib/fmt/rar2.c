// SPDX-License-Identifier: GPL-2.0-or-later
// rar2.c: RAR 1.5-4.x archives (the "Rar!\x1a\x07\x00" block format),
// read by vigil itself for the members libarchive cannot decompress:
// RAR 2.0 compression (unpack version 20, and 26 for large files).
//
// The archive is a chain of blocks: CRC16, type, flags, header size, and
// with flag 0x8000 a 32-bit count of data bytes after the header. File
// blocks (0x74) carry packed size, unpacked size, host OS, CRC32 of the
// data, time, unpack version, method (0x30 stored .. 0x35 best), name.
// Output is checked against the header's CRC32; a mismatch is emitted
// and reported as VIGIL_E_CORRUPT.
#include <string.h>
#include <zlib.h>

#include "fmt/rar2.h"
#include "util/alloc.h"
#include "vigil/vigil.h"

#define RAR_MARK_LEN 7u
#define BLOCK_MIN 7u
#define TYPE_ARCHIVE 0x73u
#define TYPE_FILE 0x74u
#define TYPE_END 0x7Bu
#define FLAG_LONG 0x8000u
#define MHD_PASSWORD 0x0080u /* the block headers are encrypted */
#define LHD_SPLIT_BEFORE 0x0001u
#define LHD_SPLIT_AFTER 0x0002u
#define LHD_PASSWORD 0x0004u
#define LHD_SOLID 0x0010u
#define LHD_DIRECTORY 0x00E0u
#define LHD_LARGE 0x0100u
#define METHOD_STORE 0x30u
#define FILE_FIXED 32u /* bytes of a file header before the name */
#define NAME_MAX_OUT 255u
/* The most bytes one packed byte can give: a match (at most 260 bytes)
 * per bit. A header claiming more gets no buffer beyond this. */
#define MAX_RATIO 2080u
#define BLOCK_END SIZE_MAX

struct rar_file {
    uint16_t flags;
    uint8_t unp_ver, method;
    uint32_t crc;
    uint64_t pack_size, unp_size;
    char name[NAME_MAX_OUT + 1];
    struct vigil_span data; /* the packed bytes present in the input */
    bool cut;               /* the packed bytes run past the input */
};

struct walk {
    struct vigil_span in;
    const struct vg_extract *x;
    bool legacy_only; /* only what libarchive cannot read */
    struct vg_rar20 *dec;
    int ret; /* VIGIL_E_CORRUPT once something was damaged */
};

static bool has_marker(struct vigil_span in)
{
    return in.len >= RAR_MARK_LEN && memcmp(in.p, "Rar!\x1a\x07\x00", 7) == 0;
}

/* The file header of the block at @p c's start (@p hsize bytes). */
static bool parse_file(struct vigil_cursor *c, uint16_t flags, size_t hsize,
                       struct rar_file *f)
{
    uint16_t name_len;
    struct vigil_span name;
    memset(f, 0, sizeof *f);
    f->flags = flags;
    f->pack_size = vigil_cur_u32le(c);
    f->unp_size = vigil_cur_u32le(c);
    (void)vigil_cur_u8(c); /* host OS */
    f->crc = vigil_cur_u32le(c);
    (void)vigil_cur_u32le(c); /* time */
    f->unp_ver = vigil_cur_u8(c);
    f->method = vigil_cur_u8(c);
    name_len = vigil_cur_u16le(c);
    (void)vigil_cur_u32le(c); /* attributes */
    if (flags & LHD_LARGE) {
        f->pack_size |= (uint64_t)vigil_cur_u32le(c) << 32;
        f->unp_size |= (uint64_t)vigil_cur_u32le(c) << 32;
    }
    if (vigil_cur_failed(c) || vigil_cur_tell(c) + name_len > hsize)
        return false;
    name = vigil_cur_bytes(c, name_len);
    /* A Unicode name follows the OEM one after a NUL: keep the OEM part. */
    for (size_t i = 0; i < name.len && i < NAME_MAX_OUT && name.p[i]; i++)
        f->name[i] = (char)name.p[i];
    return !vigil_cur_failed(c);
}

/* Whether this walk takes the member (libarchive took the others). */
static bool wanted(const struct walk *w, const struct rar_file *f)
{
    if ((f->flags & LHD_DIRECTORY) == LHD_DIRECTORY)
        return false;
    if (!w->legacy_only)
        return true;
    return f->method != METHOD_STORE && f->unp_ver < 29 &&
           !(f->flags & (LHD_PASSWORD | LHD_SPLIT_BEFORE | LHD_SPLIT_AFTER));
}

static int emit_empty(struct walk *w, struct vg_child_info *info)
{
    return w->x->emit(w->x->core, vigil_span_make(NULL, 0), info);
}

/* Decode (or copy) the member into @p out. @return VIGIL_OK, CORRUPT,
 * NOMEM */
static int unpack(struct walk *w, const struct rar_file *f, uint8_t *out,
                  size_t want, size_t *got)
{
    *got = 0;
    if (f->method == METHOD_STORE) {
        *got = want < f->data.len ? want : f->data.len;
        if (*got)
            memcpy(out, f->data.p, *got);
        return *got == want ? VIGIL_OK : VIGIL_E_CORRUPT;
    }
    if (!w->dec && !(w->dec = vg_rar20_new()))
        return VIGIL_E_NOMEM;
    return vg_rar20_unpack(w->dec, f->data, (f->flags & LHD_SOLID) != 0, out,
                           want, got);
}

static uint32_t crc_of(const uint8_t *p, size_t n)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    for (size_t off = 0; off < n;) { /* uInt-sized pieces */
        size_t step = n - off > (1u << 30) ? (1u << 30) : n - off;
        crc = crc32(crc, p + off, (uInt)step);
        off += step;
    }
    return (uint32_t)crc;
}

/* How many bytes to decode: the member's size, cut at max_child
 * (truncated) and at what its packed size could possibly give. */
static size_t output_size(const struct walk *w, const struct rar_file *f,
                          struct vg_child_info *info)
{
    uint64_t want = f->unp_size;
    uint64_t room = (uint64_t)f->data.len * MAX_RATIO + 16u;
    info->truncated = want > w->x->max_child;
    if (info->truncated)
        want = w->x->max_child;
    if (want > room)
        want = room;
    return want > SIZE_MAX ? SIZE_MAX : (size_t)want;
}

/* Decode a member and hand it to the core, checked against its CRC. */
static int take_member(struct walk *w, const struct rar_file *f,
                       struct vg_child_info *info)
{
    size_t want = output_size(w, f, info), got = 0;
    bool whole = want == f->unp_size;
    uint8_t *out;
    int rd, ret;
    /* RAR 1.5 compression, or 2.9+ (libarchive's): left unread. */
    if (f->method != METHOD_STORE && f->unp_ver != 20 && f->unp_ver != 26) {
        if (w->dec)
            vg_rar20_break(w->dec);
        return VIGIL_OK;
    }
    if (!(out = vigil_malloc(want ? want : 1)))
        return VIGIL_E_NOMEM;
    rd = unpack(w, f, out, want, &got);
    if (w->dec && f->method != METHOD_STORE && (rd != VIGIL_OK || !whole))
        vg_rar20_break(w->dec); /* the window no longer follows the stream */
    if (rd == VIGIL_OK && whole && !f->cut && crc_of(out, got) != f->crc)
        rd = VIGIL_E_CORRUPT;
    if (rd == VIGIL_OK && !whole && !info->truncated)
        rd = VIGIL_E_CORRUPT; /* a size its packed data cannot give */
    if (rd == VIGIL_E_CORRUPT || f->cut)
        w->ret = VIGIL_E_CORRUPT;
    if (rd == VIGIL_E_NOMEM || (got == 0 && f->unp_size != 0)) {
        vigil_free(out); /* nothing read: not an object (as in archive.c) */
        return rd == VIGIL_E_NOMEM ? rd : VIGIL_OK;
    }
    ret = w->x->emit(w->x->core, vigil_span_make(out, got), info);
    vigil_free(out);
    return ret;
}

static int do_file(struct walk *w, const struct rar_file *f)
{
    struct vg_child_info info = {f->name[0] ? f->name : NULL,
                                 -1,
                                 false,
                                 false,
                                 f->unp_size,
                                 f->pack_size};
    /* A compressed member left unread breaks a solid chain; directories
     * and stored members are not in it. */
    bool in_chain = f->method != METHOD_STORE &&
                    (f->flags & LHD_DIRECTORY) != LHD_DIRECTORY;
    bool take = wanted(w, f);
    bool unread =
        !take ||
        (f->flags & (LHD_PASSWORD | LHD_SPLIT_BEFORE | LHD_SPLIT_AFTER));
    if (unread && in_chain && w->dec)
        vg_rar20_break(w->dec);
    if (!take)
        return VIGIL_OK;
    if (f->flags & LHD_PASSWORD) {
        info.encrypted = true;
        return emit_empty(w, &info);
    }
    if (f->flags & (LHD_SPLIT_BEFORE | LHD_SPLIT_AFTER))
        return VIGIL_OK; /* the rest is in another volume */
    return take_member(w, f, &info);
}

/* One block at @p at. @return VIGIL_OK and *next (BLOCK_END after the
 * last block), CORRUPT for a damaged header, or emit's stop value */
static int do_block(struct walk *w, size_t at, size_t *next)
{
    struct vigil_cursor c = vigil_cur_from_span(w->in);
    uint16_t flags, hsize;
    uint8_t type;
    uint64_t add = 0, end;
    (void)vigil_cur_seek(&c, at);
    (void)vigil_cur_u16le(&c); /* header CRC: the data CRC decides */
    type = vigil_cur_u8(&c);
    flags = vigil_cur_u16le(&c);
    hsize = vigil_cur_u16le(&c);
    if (vigil_cur_failed(&c) || hsize < BLOCK_MIN)
        return VIGIL_E_CORRUPT;
    if (type == TYPE_FILE || (flags & FLAG_LONG))
        add = vigil_cur_u32le_at(&c, at + BLOCK_MIN);
    *next = BLOCK_END;
    if (type == TYPE_END)
        return VIGIL_OK;
    if (type == TYPE_ARCHIVE && (flags & MHD_PASSWORD))
        return VIGIL_OK; /* encrypted headers: nothing more to read */
    if (type == TYPE_FILE) {
        struct rar_file f;
        struct vigil_cursor h =
            vigil_cur_from_span(vigil_span_sub(w->in, at, hsize));
        int ret;
        (void)vigil_cur_skip(&h, BLOCK_MIN);
        if (!parse_file(&h, flags, hsize, &f))
            return VIGIL_E_CORRUPT;
        add = f.pack_size;
        f.cut = !vigil_span_sub_ok(w->in, at + hsize,
                                   add > SIZE_MAX ? SIZE_MAX : (size_t)add,
                                   &f.data);
        if (f.cut)
            f.data = vigil_span_sub(w->in, at + hsize, w->in.len - at - hsize);
        if ((ret = do_file(w, &f)) != VIGIL_OK)
            return ret;
    }
    end = (uint64_t)at + hsize + add;
    if (end < w->in.len)
        *next = (size_t)end;
    return VIGIL_OK;
}

static int walk_archive(struct vigil_span in, const struct vg_extract *x,
                        bool legacy_only)
{
    struct walk w = {in, x, legacy_only, NULL, VIGIL_OK};
    size_t at = RAR_MARK_LEN;
    int ret = VIGIL_OK;
    if (!has_marker(in))
        return VIGIL_E_CORRUPT;
    /* Every block moves on by at least BLOCK_MIN bytes: bounded. */
    while (at < in.len && (ret = do_block(&w, at, &at)) == VIGIL_OK)
        ;
    vg_rar20_free(w.dec);
    return ret == VIGIL_OK ? w.ret : ret;
}

int vg_rar2_extract(struct vigil_span in, const struct vg_extract *x)
{
    return walk_archive(in, x, false);
}

int vg_rar2_extract_legacy(struct vigil_span in, const struct vg_extract *x)
{
    return walk_archive(in, x, true);
}
