// SPDX-License-Identifier: GPL-2.0-or-later
// arj.c: ARJ archives (written from the format's public description).
// An archive is a main header, then for each member a local header and
// its compressed data, then a header of basic size 0. Every header is
//   0x60 0xEA, basic header size (u16, <= 2600), the basic header
//   (first header size, versions, host, flags, method, file type,
//   reserved, time, compressed size, original size, CRC of the original,
//   ... up to the first header size; then the NUL-terminated name and
//   comment), the CRC-32 of the basic header, then extended headers
//   (u16 size, bytes, CRC-32) up to one of size 0.
// All numbers are little-endian. The CRCs are zlib's CRC-32.
#include "fmt/arj.h"

#include <string.h>
#include <zlib.h>

#include "vigil/vigil.h"

#define ARJ_MAX_BASIC 2600u
#define ARJ_MIN_FIRST 30u /* the fixed fields of a first header */
#define ARJ_FLAG_GARBLED 0x01u
#define ARJ_TYPE_BINARY 0u
#define ARJ_TYPE_TEXT 1u
#define ARJ_TYPE_MAIN 2u
/* An SFX stub is searched for a main header this far. */
#define ARJ_SFX_WINDOW ((size_t)1 << 20)
#define ARJ_NAME_MAX 256u

struct arj_hdr {
    uint8_t flags, method, ftype;
    uint32_t csize, osize, crc;
    char name[ARJ_NAME_MAX];
};

enum { HDR_OK, HDR_END, HDR_BAD };

static uint32_t crc_of(struct vigil_span s)
{
    uLong crc = crc32(0L, Z_NULL, 0);
    size_t off = 0;
    while (off < s.len) { /* zlib takes uInt lengths */
        size_t n = s.len - off > 65536u ? 65536u : s.len - off;
        crc = crc32(crc, s.p + off, (uInt)n);
        off += n;
    }
    return (uint32_t)crc;
}

static void copy_name(struct arj_hdr *h, struct vigil_span basic,
                      unsigned first)
{
    size_t n = 0;
    while (first + n < basic.len && basic.p[first + n] && n + 1 < ARJ_NAME_MAX)
        n++;
    memcpy(h->name, basic.p + first, n);
    h->name[n] = '\0';
}

static bool header_crc_ok(struct vigil_span basic, uint32_t crc)
{
#ifdef VIGIL_FUZZING /* let mutations reach the fields and the decoders */
    (void)basic;
    (void)crc;
    return true;
#else
    return crc_of(basic) == crc;
#endif
}

/* Read one header at the cursor. */
static int read_header(struct vigil_cursor *c, struct arj_hdr *h)
{
    struct vigil_cursor f;
    struct vigil_span basic;
    unsigned size, first;
    if (vigil_cur_u8(c) != 0x60 || vigil_cur_u8(c) != 0xEA)
        return HDR_BAD;
    size = vigil_cur_u16le(c);
    if (vigil_cur_failed(c))
        return HDR_BAD;
    if (size == 0)
        return HDR_END;
    if (size > ARJ_MAX_BASIC)
        return HDR_BAD;
    basic = vigil_cur_bytes(c, size);
    if (!header_crc_ok(basic, vigil_cur_u32le(c)) || vigil_cur_failed(c))
        return HDR_BAD;
    f = vigil_cur_from_span(basic);
    first = vigil_cur_u8(&f);
    if (first < ARJ_MIN_FIRST || first > size)
        return HDR_BAD;
    (void)vigil_cur_skip(&f, 3); /* version, minimum version, host */
    h->flags = vigil_cur_u8(&f);
    h->method = vigil_cur_u8(&f);
    h->ftype = vigil_cur_u8(&f);
    (void)vigil_cur_skip(&f, 5); /* reserved, time */
    h->csize = vigil_cur_u32le(&f);
    h->osize = vigil_cur_u32le(&f);
    h->crc = vigil_cur_u32le(&f);
    copy_name(h, basic, first);
    /* Extended headers: each ends in its CRC; a size of 0 ends them. */
    for (;;) {
        unsigned ext = vigil_cur_u16le(c);
        if (vigil_cur_failed(c))
            return HDR_BAD;
        if (ext == 0)
            break;
        if (!vigil_cur_skip(c, (size_t)ext + 4u))
            return HDR_BAD;
    }
    return vigil_cur_failed(&f) ? HDR_BAD : HDR_OK;
}

/* Is there a main header (file type 2, valid CRC) at off? */
static bool main_at(struct vigil_span in, size_t off, struct vigil_cursor *c)
{
    struct arj_hdr h;
    if (in.len - off < 11 || in.p[off + 10] != ARJ_TYPE_MAIN)
        return false;
    *c = vigil_cur_from_span(in);
    return vigil_cur_seek(c, off) && read_header(c, &h) == HDR_OK;
}

/* The first main header starting in the first ARJ_SFX_WINDOW bytes. */
static bool find_main(struct vigil_span in, size_t *off,
                      struct vigil_cursor *c)
{
    size_t end = in.len < ARJ_SFX_WINDOW ? in.len : ARJ_SFX_WINDOW;
    size_t at = 0;
    while (at + 1 < end) {
        size_t stop = end < in.len ? end + 1 : in.len; /* a pair at end-1 */
        /* memchr, then the second byte: glibc's memmem is far slower for
         * a two-byte needle, and every executable is searched. */
        const uint8_t *p = memchr(in.p + at, 0x60, stop - 1 - at);
        if (!p || (size_t)(p - in.p) >= end)
            return false;
        at = (size_t)(p - in.p);
        if (in.p[at + 1] == 0xea && main_at(in, at, c)) {
            *off = at;
            return true;
        }
        at++;
    }
    return false;
}

bool vg_arj_find(struct vigil_span in, size_t *off)
{
    struct vigil_cursor c;
    return in.p && find_main(in, off, &c);
}

/* Decode one member into out. @return VIGIL_OK, VIGIL_E_CORRUPT (data
 * or CRC bad: out has what was decoded), VIGIL_E_NOMEM, or
 * VIGIL_E_UNSUPPORTED. */
static int member_data(const struct arj_hdr *h, struct vigil_span data,
                       bool cut, struct vigil_buf *out)
{
    int ret;
    out->len = 0;
    if (h->method == 0) {
        size_t n = data.len < h->osize ? data.len : h->osize;
        ret = vigil_buf_append(out, data.p, n);
        if (ret != VIGIL_OK)
            return ret;
        ret = n == h->osize ? VIGIL_OK : VIGIL_E_CORRUPT;
    } else {
        ret = vg_arj_decode(data, h->method, h->osize, out);
    }
    if (ret == VIGIL_OK && (cut || out->len != h->osize ||
                            crc_of(vigil_span_make(out->data, out->len)) !=
                                h->crc))
        ret = VIGIL_E_CORRUPT;
    return ret;
}

static int do_member(const struct arj_hdr *h, struct vigil_span data,
                     bool cut, struct vigil_buf *out,
                     const struct vg_extract *x)
{
    struct vg_child_info info = {h->name, -1, false, false, h->osize,
                                 h->csize};
    int dec, ret;
    if (h->ftype != ARJ_TYPE_BINARY && h->ftype != ARJ_TYPE_TEXT)
        return VIGIL_OK; /* directory, label, chapter */
    if (h->flags & ARJ_FLAG_GARBLED)
        return VIGIL_OK; /* password: not read, no heuristic of ClamAV's */
    if (h->method > 4)
        return VIGIL_E_CORRUPT;
    if (h->osize > x->max_child) /* the core skips or stops: unread */
        return x->emit(x->core, vigil_span_make(NULL, 0), &info);
    out->max = h->osize;
    dec = member_data(h, data, cut, out);
    if (dec == VIGIL_E_NOMEM)
        return dec;
    if (dec != VIGIL_OK && out->len == 0)
        return VIGIL_E_CORRUPT;
    ret = x->emit(x->core, vigil_span_make(out->data, out->len), &info);
    return ret != VIGIL_OK ? ret : dec;
}

int vg_arj_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct vigil_cursor c;
    struct vigil_buf out;
    struct arj_hdr h;
    int ret = VIGIL_OK, bad = VIGIL_OK;
    size_t off;
    if (!in.p || !find_main(in, &off, &c))
        return VIGIL_E_CORRUPT;
    vigil_buf_init(&out, 0);
    /* Each member consumes at least a header: bounded by the input. */
    for (;;) {
        struct vigil_span data;
        bool cut;
        int hr = read_header(&c, &h);
        if (hr == HDR_END)
            break;
        if (hr == HDR_BAD) {
            bad = VIGIL_E_CORRUPT;
            break;
        }
        cut = h.csize > vigil_cur_remaining(&c);
        data = vigil_cur_bytes(&c, cut ? vigil_cur_remaining(&c) : h.csize);
        ret = do_member(&h, data, cut, &out, x);
        if (ret == VIGIL_E_CORRUPT) {
            bad = ret;
            ret = VIGIL_OK;
        }
        if (cut)
            bad = VIGIL_E_CORRUPT;
        if (ret != VIGIL_OK || cut)
            break;
    }
    vigil_buf_free(&out);
    if (ret != VIGIL_OK)
        return ret;
    return bad;
}
