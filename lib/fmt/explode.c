// SPDX-License-Identifier: GPL-2.0-or-later
// explode.c: decoder for PKWARE "implode" (zip method 6, PKZIP 1.x),
// which libarchive lacks. Written from the zip APPNOTE's description
// (section "Imploding"): a sliding dictionary of 4 or 8 KiB, and two or
// three Shannon-Fano trees (literals, lengths, distances) sent as
// run-length-coded bit lengths at the start of the member.
//
// The Shannon-Fano codes are the canonical Huffman codes of the same
// lengths with every bit inverted, so one canonical decoder serves.
// Implode has no end marker: decoding stops at the member's declared
// size (or at the output cap).
#include <string.h>

#include "fmt/inflate64.h"
#include "util/lsbits.h"
#include "vigil/vigil.h"

#define SF_MAXBITS 16
#define SF_MAXSYMS 256

struct sf_tree {
    uint16_t count[SF_MAXBITS + 1];
    uint16_t symbol[SF_MAXSYMS];
};

/* A tree: one byte (entries - 1), then per entry: low nibble bit length
 * - 1, high nibble repeat count - 1. Read byte-aligned, as the trees
 * come first in the member. */
static int read_tree(struct vigil_cursor *c, struct sf_tree *t, unsigned n)
{
    uint8_t len[SF_MAXSYMS];
    unsigned nbytes = (unsigned)vigil_cur_u8(c) + 1u, k = 0;
    uint16_t offs[SF_MAXBITS + 2];
    int left = 1;
    for (unsigned i = 0; i < nbytes; i++) {
        unsigned b = vigil_cur_u8(c), bits = (b & 15u) + 1u;
        unsigned rep = (b >> 4) + 1u;
        if (vigil_cur_failed(c) || k + rep > n)
            return VIGIL_E_CORRUPT;
        while (rep--)
            len[k++] = (uint8_t)bits;
    }
    if (k != n)
        return VIGIL_E_CORRUPT;
    memset(t->count, 0, sizeof t->count);
    for (unsigned i = 0; i < n; i++)
        t->count[len[i]]++;
    for (unsigned l = 1; l <= SF_MAXBITS; l++) {
        left = (left << 1) - t->count[l];
        if (left < 0)
            return VIGIL_E_CORRUPT;
    }
    offs[1] = 0;
    for (unsigned l = 1; l < SF_MAXBITS; l++)
        offs[l + 1] = (uint16_t)(offs[l] + t->count[l]);
    for (unsigned i = 0; i < n; i++)
        t->symbol[offs[len[i]]++] = (uint16_t)i;
    return VIGIL_OK;
}

/* Canonical decode on inverted bits. @return a symbol or -1 */
static int sf_decode(struct vigil_lsbits *s, const struct sf_tree *t)
{
    int code = 0, first = 0, index = 0;
    for (unsigned len = 1; len <= SF_MAXBITS; len++) {
        int count;
        code |= (int)(vigil_lsbits_get(s, 1) ^ 1u);
        if (s->c.err)
            return -1;
        count = t->count[len];
        if (code - count < first)
            return t->symbol[index + (code - first)];
        index += count;
        first += count;
        first <<= 1;
        code <<= 1;
    }
    return -1;
}

struct implode {
    struct sf_tree lit, len, dist;
    bool has_lit;
    unsigned dist_low_bits; /* 6 (4 KiB dictionary) or 7 (8 KiB) */
};

/* One literal or one match. @return VIGIL_OK, VIGIL_E_CORRUPT */
static int step(struct vigil_lsbits *s, const struct implode *im,
                struct vigil_buf *out, size_t want)
{
    int sym, lsym;
    size_t dist, len;
    if (vigil_lsbits_get(s, 1)) { /* a literal */
        int v =
            im->has_lit ? sf_decode(s, &im->lit) : (int)vigil_lsbits_get(s, 8);
        uint8_t byte = (uint8_t)v;
        if (v < 0 || s->c.err)
            return VIGIL_E_CORRUPT;
        return vigil_buf_append(out, &byte, 1);
    }
    dist = vigil_lsbits_get(s, im->dist_low_bits);
    sym = sf_decode(s, &im->dist);
    lsym = sym < 0 ? -1 : sf_decode(s, &im->len);
    if (lsym < 0)
        return VIGIL_E_CORRUPT;
    dist |= (size_t)sym << im->dist_low_bits;
    len = (size_t)lsym + (lsym == 63 ? vigil_lsbits_get(s, 8) : 0) +
          (im->has_lit ? 3u : 2u);
    if (s->c.err)
        return VIGIL_E_CORRUPT;
    if (len > want - out->len)
        len = want - out->len;
    if (vigil_buf_reserve(out, len) != VIGIL_OK)
        return VIGIL_E_NOMEM;
    /* Before the start of the member the dictionary holds zeros. */
    for (size_t i = 0; i < len; i++, out->len++)
        out->data[out->len] =
            out->len > dist ? out->data[out->len - dist - 1] : 0;
    return VIGIL_OK;
}

int vg_explode(struct vigil_span in, unsigned flags, uint64_t size,
               struct vigil_buf *out, bool *truncated)
{
    struct implode im;
    struct vigil_cursor c = vigil_cur_from_span(in);
    struct vigil_lsbits s;
    size_t want =
        size < out->max - out->len ? (size_t)size : out->max - out->len;
    int ret = VIGIL_OK;
    *truncated = size > want;
    want += out->len;
    im.has_lit = flags & 4u;
    im.dist_low_bits = flags & 2u ? 7u : 6u;
    if ((im.has_lit && read_tree(&c, &im.lit, 256) != VIGIL_OK) ||
        read_tree(&c, &im.len, 64) != VIGIL_OK ||
        read_tree(&c, &im.dist, 64) != VIGIL_OK)
        return VIGIL_E_CORRUPT;
    s.c = vigil_cur_from_span(vigil_cur_rest(&c));
    s.buf = 0;
    s.cnt = 0;
    while (ret == VIGIL_OK && out->len < want)
        ret = step(&s, &im, out, want);
    return ret;
}
