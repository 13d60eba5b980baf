// SPDX-License-Identifier: GPL-2.0-or-later
// iscab.c: InstallShield cabinets, version 6 and later.
//
// dataN.hdr starts with a 20-byte common header ("ISc(", u32 version, u32
// volume info, u32 descriptor offset, u32 descriptor size). The descriptor
// gives the file table's offset (+0x0c), the file count (+0x28) and where
// the file descriptors start inside the table (+0x2c). Each descriptor is
// 0x57 bytes: u16 flags, u64 expanded size, u64 stored size, u64 offset of
// the data in its volume, ..., u32 name offset (in the table) at 0x3a,
// u16 volume at 0x55. A compressed file is a run of chunks, each a u16
// length and a raw deflate stream of its own.
#include "fmt/iscab.h"

#include <string.h>
#include <zlib.h>

#include "fmt/outbuf.h"
#include "vigil/vigil.h"

#define ISC_HDR_LEN 20u
#define ISC_DESC_LEN 0x57u
#define ISC_MAX_FILES 65536u
#define ISC_NAME_MAX 260u
#define ISC_SPLIT 1u      /* continues in the next volume */
#define ISC_ENCRYPTED 2u
#define ISC_COMPRESSED 4u
#define ISC_INVALID 8u
#define ISC_CHUNK_OUT 16384u

struct isc_file {
    uint16_t flags, volume;
    uint64_t size, stored, offset;
    char name[ISC_NAME_MAX + 1];
};

bool vg_iscab_is(struct vigil_span d)
{
    return d.len >= 4 && memcmp(d.p, "ISc(", 4) == 0;
}

/* The major version as the header encodes it: two encodings in use. */
static unsigned isc_major(uint32_t v)
{
    if ((v >> 24) == 1)
        return (v >> 12) & 0xf;
    if ((v >> 24) == 2 || (v >> 24) == 4)
        return (v & 0xffff) / 100;
    return 0;
}

/* A NUL-terminated name at @p at in @p c, cut at ISC_NAME_MAX. */
static void isc_name(struct vigil_cursor *c, size_t at, char *out)
{
    size_t n = 0;
    struct vigil_cursor s = *c;
    if (vigil_cur_seek(&s, at)) {
        struct vigil_span r = vigil_cur_rest(&s);
        size_t max = r.len < ISC_NAME_MAX ? r.len : ISC_NAME_MAX;
        while (n < max && r.p[n])
            n++;
        memcpy(out, r.p, n);
    }
    out[n] = '\0';
}

static bool isc_file_at(struct vigil_cursor *c, size_t table, size_t at,
                        struct isc_file *f)
{
    struct vigil_cursor d = *c;
    uint32_t name_off;
    if (!vigil_cur_seek(&d, at))
        return false;
    f->flags = vigil_cur_u16le(&d);
    f->size = vigil_cur_u64le(&d);
    f->stored = vigil_cur_u64le(&d);
    f->offset = vigil_cur_u64le(&d);
    name_off = vigil_cur_u32le_at(&d, at + 0x3a);
    f->volume = vigil_cur_u16le_at(&d, at + 0x55);
    if (vigil_cur_failed(&d))
        return false;
    isc_name(c, table + name_off, f->name);
    return true;
}

/* Inflate the chunks of @p in into @p o until the input or o ends. */
static int isc_inflate(struct vigil_span in, struct vg_out *o)
{
    struct vigil_cursor c = vigil_cur_from_span(in);
    uint8_t buf[ISC_CHUNK_OUT];
    z_stream z;
    int ret = VIGIL_OK;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, -MAX_WBITS) != Z_OK)
        return VIGIL_E_NOMEM;
    while (ret == VIGIL_OK && !vg_out_full(o) && vigil_cur_remaining(&c)) {
        uint16_t n = vigil_cur_u16le(&c);
        struct vigil_span chunk = vigil_cur_bytes(&c, n);
        int zr = Z_OK;
        if (vigil_cur_failed(&c) || inflateReset(&z) != Z_OK) {
            ret = VIGIL_E_CORRUPT;
            break;
        }
        z.next_in = (Bytef *)(uintptr_t)chunk.p; /* zlib does not write it */
        z.avail_in = n;
        /* A chunk ends at its stream end or when its bytes run out
         * (some writers flush instead of finishing the stream). */
        while (zr == Z_OK && ret == VIGIL_OK && !vg_out_full(o)) {
            z.next_out = buf;
            z.avail_out = sizeof buf;
            zr = inflate(&z, Z_NO_FLUSH);
            ret = vg_out_put(o, buf, sizeof buf - z.avail_out);
            if (zr == Z_OK && z.avail_in == 0 && z.avail_out != 0)
                break;
        }
        if (zr == Z_MEM_ERROR)
            ret = VIGIL_E_NOMEM;
        else if (ret == VIGIL_OK && zr != Z_OK && zr != Z_STREAM_END &&
                 !(zr == Z_BUF_ERROR && z.avail_in == 0))
            ret = VIGIL_E_CORRUPT; /* (no input left: a flushed chunk) */
    }
    inflateEnd(&z);
    return ret;
}

static int isc_emit(const struct isc_file *f, struct vigil_span vol,
                    const struct vg_extract *x, struct vg_out *o)
{
    struct vg_child_info ci = vg_child_info_none();
    struct vigil_span data;
    int ret = VIGIL_OK, e;
    ci.name = f->name;
    ci.declared_size = f->size;
    ci.packed_size = f->stored;
    if (f->offset > vol.len || f->stored > vol.len - f->offset)
        return VIGIL_E_CORRUPT;
    data = vigil_span_sub(vol, (size_t)f->offset, (size_t)f->stored);
    if (!(f->flags & ISC_COMPRESSED))
        return vg_emit_span(x, data, &ci);
    vg_out_reset(o);
    ret = isc_inflate(data, o);
    if (ret == VIGIL_E_NOMEM)
        return ret;
    e = vg_out_emit(o, x, &ci);
    return e != VIGIL_OK ? e : ret;
}

static int isc_walk(struct vigil_cursor *c, size_t table, size_t descs,
                    uint32_t count, vg_iscab_volume_fn volume, void *ctx,
                    const struct vg_extract *x)
{
    struct vg_out o;
    bool corrupt = false;
    int ret = VIGIL_OK;
    vg_out_init(&o, x->max_child);
    for (uint32_t i = 0; i < count && ret == VIGIL_OK; i++) {
        struct isc_file f;
        struct vigil_span vol;
        if (!isc_file_at(c, table, descs + (size_t)i * ISC_DESC_LEN, &f)) {
            corrupt = true;
            break;
        }
        /* Stored elsewhere (size 0, no data), split, encrypted or
         * invalid: nothing this cabinet alone can give. */
        if (f.stored == 0 || (f.flags & (ISC_SPLIT | ISC_ENCRYPTED |
                                         ISC_INVALID)) ||
            !volume(ctx, f.volume, &vol))
            continue;
        ret = isc_emit(&f, vol, x, &o);
        if (ret == VIGIL_E_CORRUPT) {
            corrupt = true;
            ret = VIGIL_OK;
        }
    }
    vg_out_free(&o);
    return ret == VIGIL_OK && corrupt ? VIGIL_E_CORRUPT : ret;
}

int vg_iscab_extract(struct vigil_span hdr, vg_iscab_volume_fn volume,
                     void *ctx, const struct vg_extract *x)
{
    struct vigil_cursor c = vigil_cur_from_span(hdr);
    uint32_t version, desc, table_off, count, descs_off;
    if (!vg_iscab_is(hdr))
        return VIGIL_E_CORRUPT;
    version = vigil_cur_u32le_at(&c, 4);
    desc = vigil_cur_u32le_at(&c, 12);
    table_off = vigil_cur_u32le_at(&c, (size_t)desc + 0x0c);
    count = vigil_cur_u32le_at(&c, (size_t)desc + 0x28);
    descs_off = vigil_cur_u32le_at(&c, (size_t)desc + 0x2c);
    if (vigil_cur_failed(&c))
        return VIGIL_E_CORRUPT;
    if (isc_major(version) < 6)
        return VIGIL_E_UNSUPPORTED;
    if (count > ISC_MAX_FILES)
        count = ISC_MAX_FILES;
    /* Offsets are 32-bit: their sums fit a size_t on the 64-bit targets
     * vigil builds for; the cursor rejects any past the header. */
    return isc_walk(&c, (size_t)desc + table_off,
                    (size_t)desc + table_off + descs_off, count, volume, ctx,
                    x);
}
