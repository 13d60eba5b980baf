// SPDX-License-Identifier: GPL-2.0-or-later
// inflate64.c: a Deflate64 ("enhanced deflate", zip method 9) decoder,
// which zlib and libarchive lack. Deflate64 is deflate (RFC 1951) with a
// 64 KiB window, length code 285 meaning 3 + 16 extra bits, and distance
// codes 30 and 31. The whole output is kept (it is the child object), so
// the window is simply the output so far; it never grows past @p max.
//
// Huffman codes are decoded canonically, one bit at a time against the
// per-length counts: slower than a table, but small, and the members
// this handles are rare.
#include <string.h>

#include "fmt/inflate64.h"
#include "util/lsbits.h"
#include "vigil/vigil.h"

#define MAXBITS 15
#define MAXLCODES 288
#define MAXDCODES 32
#define MAXCODES (MAXLCODES + MAXDCODES)
#define FIXLCODES 288

struct huff {
    uint16_t count[MAXBITS + 1];
    uint16_t symbol[MAXCODES];
};

struct out {
    struct vigil_buf *b;
    bool full; /* max reached */
};

/* @return a symbol, or -1 on a bad code or EOF */
static int decode(struct vigil_lsbits *s, const struct huff *h)
{
    int code = 0, first = 0, index = 0;
    for (unsigned len = 1; len <= MAXBITS; len++) {
        int count;
        code |= (int)vigil_lsbits_get(s, 1);
        if (s->c.err)
            return -1;
        count = h->count[len];
        if (code - count < first)
            return h->symbol[index + (code - first)];
        index += count;
        first += count;
        first <<= 1;
        code <<= 1;
    }
    return -1;
}

/* Canonical code from lengths. @return 0, or -1 if over-subscribed */
static int build(struct huff *h, const uint8_t *length, unsigned n)
{
    uint16_t offs[MAXBITS + 1];
    int left = 1;
    memset(h->count, 0, sizeof h->count);
    for (unsigned i = 0; i < n; i++)
        h->count[length[i]]++;
    for (unsigned len = 1; len <= MAXBITS; len++) {
        left = (left << 1) - h->count[len];
        if (left < 0)
            return -1;
    }
    offs[1] = 0;
    for (unsigned len = 1; len < MAXBITS; len++)
        offs[len + 1] = (uint16_t)(offs[len] + h->count[len]);
    for (unsigned i = 0; i < n; i++)
        if (length[i])
            h->symbol[offs[length[i]]++] = (uint16_t)i;
    return 0;
}

static int put_byte(struct out *o, uint8_t v)
{
    int ret;
    if (o->b->len == o->b->max) {
        o->full = true;
        return VIGIL_E_LIMIT;
    }
    ret = vigil_buf_append(o->b, &v, 1);
    return ret;
}

static int stored(struct vigil_lsbits *s, struct out *o)
{
    struct vigil_span blk;
    unsigned len, nlen;
    s->buf = 0;
    s->cnt = 0; /* to a byte boundary */
    len = vigil_cur_u16le(&s->c);
    nlen = vigil_cur_u16le(&s->c);
    if (vigil_cur_failed(&s->c) || len != (~nlen & 0xffffu))
        return VIGIL_E_CORRUPT;
    blk = vigil_cur_bytes(&s->c, len);
    if (vigil_cur_failed(&s->c))
        return VIGIL_E_CORRUPT;
    if (blk.len > o->b->max - o->b->len) {
        blk.len = o->b->max - o->b->len;
        o->full = true;
    }
    if (vigil_buf_append(o->b, blk.p, blk.len) != VIGIL_OK)
        return VIGIL_E_NOMEM;
    return o->full ? VIGIL_E_LIMIT : VIGIL_OK;
}

static const uint16_t lbase[29] = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                   15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                   67, 83, 99, 115, 131, 163, 195, 227, 3};
static const uint8_t lext[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 16};
static const uint16_t dbase[32] = {
    1,    2,    3,    4,    5,    7,     9,     13,    17,    25,   33,
    49,   65,   97,   129,  193,  257,   385,   513,   769,   1025, 1537,
    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577, 32769, 49153};
static const uint8_t dext[32] = {0,  0,  0,  0,  1,  1,  2,  2,  3,  3, 4,
                                 4,  5,  5,  6,  6,  7,  7,  8,  8,  9, 9,
                                 10, 10, 11, 11, 12, 12, 13, 13, 14, 14};

static int copy_match(struct out *o, size_t dist, size_t len)
{
    struct vigil_buf *b = o->b;
    if (dist == 0 || dist > b->len)
        return VIGIL_E_CORRUPT;
    if (len > b->max - b->len) {
        len = b->max - b->len;
        o->full = true;
    }
    if (vigil_buf_reserve(b, len) != VIGIL_OK)
        return VIGIL_E_NOMEM;
    for (size_t i = 0; i < len; i++) /* may overlap: byte by byte */
        b->data[b->len + i] = b->data[b->len - dist + i];
    b->len += len;
    return o->full ? VIGIL_E_LIMIT : VIGIL_OK;
}

static int codes(struct vigil_lsbits *s, struct out *o, const struct huff *lc,
                 const struct huff *dc)
{
    for (;;) {
        int sym = decode(s, lc), ret;
        unsigned len, dsym, dist;
        if (sym < 0)
            return VIGIL_E_CORRUPT;
        if (sym < 256) {
            if ((ret = put_byte(o, (uint8_t)sym)) != VIGIL_OK)
                return ret;
            continue;
        }
        if (sym == 256)
            return VIGIL_OK;
        if ((sym -= 257) >= 29)
            return VIGIL_E_CORRUPT;
        len = lbase[sym] + vigil_lsbits_get(s, lext[sym]);
        if ((sym = decode(s, dc)) < 0 || sym >= 32)
            return VIGIL_E_CORRUPT;
        dsym = (unsigned)sym;
        dist = dbase[dsym] + vigil_lsbits_get(s, dext[dsym]);
        if (s->c.err) /* never copy with a distance cut by the end */
            return VIGIL_E_CORRUPT;
        if ((ret = copy_match(o, dist, len)) != VIGIL_OK)
            return ret;
    }
}

/* The fixed codes are rebuilt per block (cheap), not cached in a global:
 * the library keeps no mutable state (conventions §28). */
static int fixed(struct vigil_lsbits *s, struct out *o)
{
    struct huff lc, dc;
    uint8_t len[FIXLCODES];
    memset(len, 8, 144);
    memset(len + 144, 9, 112);
    memset(len + 256, 7, 24);
    memset(len + 280, 8, 8);
    build(&lc, len, FIXLCODES);
    memset(len, 5, MAXDCODES);
    build(&dc, len, MAXDCODES);
    return codes(s, o, &lc, &dc);
}

static int dynamic(struct vigil_lsbits *s, struct out *o)
{
    static const uint8_t order[19] = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                      11, 4,  12, 3, 13, 2, 14, 1, 15};
    uint8_t len[MAXCODES];
    struct huff lc, dc;
    unsigned nlen = vigil_lsbits_get(s, 5) + 257,
             ndist = vigil_lsbits_get(s, 5) + 1;
    unsigned ncode = vigil_lsbits_get(s, 4) + 4, i = 0;
    if (nlen > MAXLCODES || ndist > MAXDCODES)
        return VIGIL_E_CORRUPT;
    memset(len, 0, sizeof len);
    for (unsigned k = 0; k < ncode; k++)
        len[order[k]] = (uint8_t)vigil_lsbits_get(s, 3);
    if (s->c.err || build(&lc, len, 19) != 0)
        return VIGIL_E_CORRUPT;
    while (i < nlen + ndist) {
        int sym = decode(s, &lc);
        unsigned rep, val = 0;
        if (sym < 0)
            return VIGIL_E_CORRUPT;
        if (sym < 16) {
            len[i++] = (uint8_t)sym;
            continue;
        }
        if (sym == 16) {
            if (i == 0)
                return VIGIL_E_CORRUPT;
            val = len[i - 1];
            rep = 3 + vigil_lsbits_get(s, 2);
        } else {
            rep = sym == 17 ? 3 + vigil_lsbits_get(s, 3)
                            : 11 + vigil_lsbits_get(s, 7);
        }
        if (i + rep > nlen + ndist)
            return VIGIL_E_CORRUPT;
        while (rep--)
            len[i++] = (uint8_t)val;
    }
    if (len[256] == 0 || build(&lc, len, nlen) != 0 ||
        build(&dc, len + nlen, ndist) != 0)
        return VIGIL_E_CORRUPT;
    return codes(s, o, &lc, &dc);
}

int vg_inflate64(struct vigil_span in, struct vigil_buf *out, bool *truncated)
{
    struct vigil_lsbits s = {vigil_cur_from_span(in), 0, 0};
    struct out o = {out, false};
    unsigned last;
    int ret = VIGIL_OK;
    do {
        unsigned type;
        last = vigil_lsbits_get(&s, 1);
        type = vigil_lsbits_get(&s, 2);
        if (s.c.err)
            return VIGIL_E_CORRUPT;
        ret = type == 0   ? stored(&s, &o)
              : type == 1 ? fixed(&s, &o)
              : type == 2 ? dynamic(&s, &o)
                          : VIGIL_E_CORRUPT;
    } while (ret == VIGIL_OK && !last);
    *truncated = o.full;
    return ret == VIGIL_E_LIMIT && o.full ? VIGIL_OK : ret;
}
