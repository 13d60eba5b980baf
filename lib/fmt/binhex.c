// SPDX-License-Identifier: GPL-2.0-or-later
// binhex.c: BinHex 4.0: 6-bit text, RLE90, header and forks.
#include "fmt/binhex.h"

#include <string.h>

#include "fmt/outbuf.h"
#include "vigil/vigil.h"

#define BINHEX_RLE 0x90
#define BINHEX_HDR_SLACK 1024u /* decoded bytes beyond the forks kept */

static const char hqx_alphabet[] =
    "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";

static int hqx_val(uint8_t c)
{
    const char *p = c ? strchr(hqx_alphabet, c) : NULL;

    return p ? (int)(p - hqx_alphabet) : -1;
}

struct rle {
    uint8_t prev;
    bool marker, have_prev;
};

/* One byte out of the 6-bit decoder, through the RLE90 expansion. */
static int rle_byte(struct rle *r, struct vg_out *o, uint8_t b)
{
    if (!r->marker) {
        if (b == BINHEX_RLE) {
            r->marker = true;
            return VIGIL_OK;
        }
        r->prev = b;
        r->have_prev = true;
        return vg_out_byte(o, b);
    }
    r->marker = false;
    if (b == 0) { /* 0x90 0x00: a literal 0x90 */
        r->prev = BINHEX_RLE;
        r->have_prev = true;
        return vg_out_byte(o, BINHEX_RLE);
    }
    if (!r->have_prev)
        return VIGIL_E_CORRUPT;
    for (unsigned k = 1; k < b && !vg_out_full(o); k++)
        if (vg_out_byte(o, r->prev))
            return VIGIL_E_NOMEM;
    return VIGIL_OK;
}

/* Where the encoded text starts: after the ':' that opens a line, after
 * the "(This file must be converted with BinHex" line if there is one. */
static size_t hqx_start(struct vigil_span in)
{
    static const char banner[] = "(This file must be converted with BinHex";
    const uint8_t *b = memmem(in.p, in.len, banner, sizeof banner - 1);
    size_t i = b ? (size_t)(b - in.p) : 0;

    for (; i < in.len; i++)
        if (in.p[i] == ':' &&
            (i == 0 || in.p[i - 1] == '\n' || in.p[i - 1] == '\r'))
            return i + 1;
    return in.len;
}

/* Decode the text from start to the closing ':' into o. */
static int hqx_decode(struct vigil_span in, size_t i, struct vg_out *o,
                      bool *closed)
{
    struct rle r = {0, false, false};
    uint32_t acc = 0;
    unsigned nbits = 0;
    int ret;

    *closed = false;
    for (; i < in.len && !vg_out_full(o); i++) {
        uint8_t c = in.p[i];
        int v;
        if (c == ':') {
            *closed = true;
            break;
        }
        if (c == '\r' || c == '\n' || c == ' ' || c == '\t')
            continue;
        if ((v = hqx_val(c)) < 0)
            return VIGIL_E_CORRUPT;
        acc = (acc << 6) | (uint32_t)v;
        nbits += 6;
        if (nbits >= 8) {
            nbits -= 8;
            if ((ret = rle_byte(&r, o, (uint8_t)(acc >> nbits))) != 0)
                return ret;
        }
    }
    return VIGIL_OK;
}

/* Header: name (Pascal string), version, type, creator, flags, data and
 * resource fork lengths (big-endian), header CRC. */
static int emit_forks(struct vigil_span d, const struct vg_extract *x,
                      bool *corrupt)
{
    struct vigil_cursor c = vigil_cur_from_span(d);
    uint8_t nlen = vigil_cur_u8(&c);
    struct vigil_span nm = vigil_cur_bytes(&c, nlen);
    char name[256 + 8];
    uint32_t dlen, rlen;
    struct vg_child_info ci = vg_child_info_none();
    int ret;

    vigil_cur_skip(&c, 1 + 4 + 4 + 2);
    dlen = vigil_cur_u32be(&c);
    rlen = vigil_cur_u32be(&c);
    vigil_cur_skip(&c, 2);
    if (vigil_cur_failed(&c))
        return VIGIL_E_CORRUPT;
    for (size_t i = 0; i < nm.len; i++)
        name[i] = nm.p[i] >= 0x20 && nm.p[i] < 0x7f ? (char)nm.p[i] : '_';
    name[nm.len] = '\0';
    ci.name = name;
    ci.declared_size = dlen;
    if (dlen > vigil_cur_remaining(&c)) {
        *corrupt = true;
        dlen = (uint32_t)vigil_cur_remaining(&c);
    }
    if ((ret = vg_emit_span(x, vigil_cur_bytes(&c, dlen), &ci)) != VIGIL_OK)
        return ret;
    vigil_cur_skip(&c, 2); /* data fork CRC */
    if (rlen == 0)
        return VIGIL_OK;
    memcpy(name + nm.len, "/rsrc", 6);
    ci.declared_size = rlen;
    if (rlen > vigil_cur_remaining(&c)) {
        *corrupt = true;
        rlen = (uint32_t)vigil_cur_remaining(&c);
    }
    return vg_emit_span(x, vigil_cur_bytes(&c, rlen), &ci);
}

int vg_binhex_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct vg_out o;
    uint64_t lim = x->max_child;
    size_t start = hqx_start(in);
    bool closed, corrupt = false;
    int ret;

    if (start >= in.len)
        return VIGIL_E_CORRUPT;
    /* Room for both forks at the child limit, and the header. */
    lim = lim > UINT64_MAX / 2 - BINHEX_HDR_SLACK ? UINT64_MAX
                                                  : lim * 2 + BINHEX_HDR_SLACK;
    vg_out_init(&o, lim);
    ret = hqx_decode(in, start, &o, &closed);
    if (ret == VIGIL_E_CORRUPT || (ret == VIGIL_OK && !closed && !o.truncated))
        corrupt = true;
    if (ret == VIGIL_OK || ret == VIGIL_E_CORRUPT) {
        ret = emit_forks(vg_out_span(&o), x, &corrupt);
        if (ret == VIGIL_E_CORRUPT) {
            corrupt = true;
            ret = VIGIL_OK;
        }
    }
    vg_out_free(&o);
    if (ret == VIGIL_OK && corrupt)
        ret = VIGIL_E_CORRUPT;
    return ret;
}
