// SPDX-License-Identifier: GPL-2.0-or-later
// vba.c: MS-OVBA decompression (§2.4.1) and dir stream module records
// (§2.3.4.2), written from the published specification.
#include "fmt/vba.h"

#include <string.h>

#include "vigil/vigil.h"

#define VBA_CHUNK 4096u

/* Bits of a copy token's offset: the fewest bits that can address the
 * bytes already decompressed in this chunk, at least 4 (§2.4.1.3.19.1). */
static unsigned copy_bits(size_t done)
{
    unsigned bits = 4;

    while (bits < 12 && ((size_t)1 << bits) < done)
        bits++;
    return bits;
}

/* Copy len bytes from dist back, byte by byte (they may overlap). */
static int copy_back(struct vg_out *o, size_t dist, size_t len)
{
    for (size_t i = 0; i < len && !vg_out_full(o); i++) {
        /* The source lies within this chunk's output, which is all kept
         * (a full output stops decoding first). */
        uint8_t v = o->b.data[o->b.len - dist];
        if (vg_out_byte(o, v))
            return VIGIL_E_NOMEM;
    }
    return VIGIL_OK;
}

/* One compressed chunk body (after its header). */
static int chunk_compressed(struct vigil_cursor *c, struct vg_out *o)
{
    size_t start = o->b.len;

    while (vigil_cur_remaining(c) > 0 && !vg_out_full(o)) {
        uint8_t flags = vigil_cur_u8(c);
        for (unsigned bit = 0; bit < 8 && vigil_cur_remaining(c) > 0; bit++) {
            if (vg_out_full(o))
                return VIGIL_OK;
            if (!(flags >> bit & 1)) {
                if (vg_out_byte(o, vigil_cur_u8(c)))
                    return VIGIL_E_NOMEM;
                continue;
            }
            uint16_t tok = vigil_cur_u16le(c);
            size_t done = o->b.len - start;
            unsigned bits = copy_bits(done);
            size_t len = (size_t)(tok & (0xFFFFu >> bits)) + 3;
            size_t dist = (size_t)(tok >> (16 - bits)) + 1;
            if (vigil_cur_failed(c) || dist > done)
                return VIGIL_E_CORRUPT;
            if (copy_back(o, dist, len))
                return VIGIL_E_NOMEM;
        }
    }
    return VIGIL_OK;
}

int vg_vba_decompress(struct vigil_span in, struct vg_out *o)
{
    struct vigil_cursor c = vigil_cur_from_span(in);

    if (vigil_cur_u8(&c) != 0x01)
        return VIGIL_E_CORRUPT;
    while (vigil_cur_remaining(&c) >= 2 && !vg_out_full(o)) {
        uint16_t hdr = vigil_cur_u16le(&c);
        size_t size = (size_t)(hdr & 0x0FFF) + 1; /* bytes after header */
        struct vigil_cursor body;
        int ret;
        if ((hdr >> 12 & 7) != 3)
            return VIGIL_E_CORRUPT;
        if (size > vigil_cur_remaining(&c))
            size = vigil_cur_remaining(&c); /* truncated: decode the rest */
        body = vigil_cur_sub_next(&c, size);
        if (hdr & 0x8000) {
            ret = chunk_compressed(&body, o);
        } else {
            /* A raw chunk is 4096 literal bytes. */
            struct vigil_span raw = vigil_cur_rest(&body);
            if (raw.len > VBA_CHUNK)
                raw.len = VBA_CHUNK;
            ret = vg_out_put(o, raw.p, raw.len);
        }
        if (ret != VIGIL_OK)
            return ret;
    }
    return VIGIL_OK;
}

/* ---- dir stream ---- */

enum {
    REC_PROJECTVERSION = 0x0009,
    REC_MODULENAME = 0x0019,
    REC_MODULESTREAMNAME = 0x001A,
    REC_MODULEOFFSET = 0x0031,
    REC_MODULETERMINATOR = 0x002B,
};

static void copy_str(char *dst, size_t cap, struct vigil_span s)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;

    for (size_t i = 0; i < n; i++)
        dst[i] = s.p[i] >= 0x20 && s.p[i] < 0x7f ? (char)s.p[i] : '_';
    dst[n] = '\0';
}

int vg_vba_dir_modules(struct vigil_span dir, vg_vba_module_fn fn, void *ctx)
{
    struct vigil_cursor c = vigil_cur_from_span(dir);
    struct vg_vba_module m;
    bool in_module = false;

    memset(&m, 0, sizeof m);
    while (vigil_cur_remaining(&c) >= 6) {
        uint16_t id = vigil_cur_u16le(&c);
        uint32_t size = vigil_cur_u32le(&c);
        struct vigil_span data;
        /* PROJECTVERSION's size field says 4, but 6 bytes follow. */
        if (id == REC_PROJECTVERSION)
            size = 6;
        data = vigil_cur_bytes(&c, size);
        if (vigil_cur_failed(&c))
            return VIGIL_E_CORRUPT;
        if (id == REC_MODULENAME) {
            memset(&m, 0, sizeof m);
            copy_str(m.name, sizeof m.name, data);
            in_module = true;
        } else if (id == REC_MODULESTREAMNAME && in_module) {
            copy_str(m.stream, sizeof m.stream, data);
        } else if (id == REC_MODULEOFFSET && in_module && data.len == 4) {
            m.offset = vigil_load_u32le_unchecked(data.p);
        } else if (id == REC_MODULETERMINATOR && in_module) {
            int ret = fn(ctx, &m);
            if (ret != VIGIL_OK)
                return ret;
            in_module = false;
        }
    }
    return VIGIL_OK;
}
