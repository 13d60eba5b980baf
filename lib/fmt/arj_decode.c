// SPDX-License-Identifier: GPL-2.0-or-later
// arj_decode.c: ARJ's compression methods, written from the format's
// public description (ARJ's technical notes):
//  - methods 1-3: LZ77 over a 26 KiB window, coded in blocks, each block
//    starting with three canonical Huffman code sets sent as bit lengths
//    (a small "pt" code that codes the literal/length code's lengths,
//    the literal/length code of 510 symbols, the position code of 17);
//  - method 4 ("fastest"): LZ77 with lengths and positions sent as
//    unary-prefixed variable-width integers, no Huffman coding.
// Bits are read most significant first. Distances reach back into what
// was already decoded (the whole output is kept), so the window is not
// a separate ring buffer; a distance before the start is corrupt.
#include <string.h>

#include "fmt/arj.h"
#include "util/alloc.h"
#include "vigil/vigil.h"

#define ARJ_MAXBITS 16
#define ARJ_NC 510 /* 256 literals + match lengths 3..256 */
#define ARJ_NP 17  /* position classes 0..16 */
#define ARJ_NT 19  /* code-length code symbols */
#define ARJ_MINMATCH 3
/* Bytes of zeros the bit reader may invent past the end (lookahead of
 * the last codes) before the data counts as cut short. */
#define ARJ_SLACK 4u

struct bits {
    struct vigil_cursor c;
    uint32_t buf; /* valid bits at the top of the low 32 */
    unsigned cnt;
    unsigned over; /* zero bytes invented past the end */
};

static bool bits_ok(const struct bits *b)
{
    return b->over <= ARJ_SLACK;
}

static uint32_t bits_get(struct bits *b, unsigned n)
{
    uint32_t v;
    if (n == 0)
        return 0;
    while (b->cnt < n) {
        uint32_t byte = 0;
        if (vigil_cur_remaining(&b->c) > 0)
            byte = vigil_cur_u8(&b->c);
        else
            b->over++;
        b->buf |= byte << (24u - b->cnt);
        b->cnt += 8;
    }
    v = b->buf >> (32u - n);
    b->buf <<= n;
    b->cnt -= n;
    return v;
}

/* A canonical Huffman code: codes assigned in order of length, then of
 * symbol. single >= 0: a code set of one symbol sent with no bits. */
struct huff {
    uint16_t count[ARJ_MAXBITS + 1];
    uint16_t sym[ARJ_NC];
    int single;
};

/* Build from lengths (0: unused). Over-subscribed sets are refused;
 * incomplete ones are kept (their unused codes fail when met). */
static bool huff_build(struct huff *h, const uint8_t *len, unsigned n)
{
    uint16_t offs[ARJ_MAXBITS + 1];
    int left = 1;
    memset(h->count, 0, sizeof h->count);
    h->single = -1;
    for (unsigned i = 0; i < n; i++)
        h->count[len[i]]++;
    for (unsigned l = 1; l <= ARJ_MAXBITS; l++) {
        left = (left << 1) - h->count[l];
        if (left < 0)
            return false;
    }
    offs[1] = 0;
    for (unsigned l = 1; l < ARJ_MAXBITS; l++)
        offs[l + 1] = (uint16_t)(offs[l] + h->count[l]);
    for (unsigned i = 0; i < n; i++)
        if (len[i])
            h->sym[offs[len[i]]++] = (uint16_t)i;
    return true;
}

/* @return the next symbol, or -1 (no such code). */
static int huff_decode(const struct huff *h, struct bits *b)
{
    unsigned code = 0, first = 0, index = 0;
    if (h->single >= 0)
        return h->single;
    for (unsigned l = 1; l <= ARJ_MAXBITS; l++) {
        unsigned cnt = h->count[l];
        code |= bits_get(b, 1);
        if (code - first < cnt)
            return h->sym[index + code - first];
        index += cnt;
        first = (first + cnt) << 1;
        code <<= 1;
    }
    return -1;
}

/* The pt code's lengths: a count, then 3-bit lengths where 7 continues
 * in unary (one more per 1 bit, up to a 0); after the @p special'th
 * length a 2-bit count of zero lengths. A count of 0 sends one symbol. */
static bool read_pt(struct bits *b, struct huff *h, unsigned nn,
                    unsigned nbit, unsigned special)
{
    uint8_t len[ARJ_NT] = {0};
    unsigned n = bits_get(b, nbit), i = 0;
    if (n == 0) {
        unsigned c = bits_get(b, nbit);
        if (c >= nn || !huff_build(h, len, nn))
            return false;
        h->single = (int)c;
        return bits_ok(b);
    }
    if (n > nn)
        return false;
    while (i < n) {
        unsigned c = bits_get(b, 3);
        if (c == 7)
            while (bits_get(b, 1))
                if (++c > ARJ_MAXBITS)
                    return false;
        len[i++] = (uint8_t)c;
        if (i == special) {
            unsigned z = bits_get(b, 2);
            if (i + z > nn)
                return false;
            i += z; /* len[] is already zero there */
        }
    }
    return bits_ok(b) && huff_build(h, len, nn);
}

/* The literal/length code's lengths, coded with the pt code: symbols
 * 0-2 are runs of zero lengths (1; 3-18 by 4 bits; 20-531 by 9 bits),
 * symbol k >= 3 is length k - 2. */
static bool read_c(struct bits *b, struct huff *c_h, const struct huff *pt)
{
    uint8_t len[ARJ_NC] = {0};
    unsigned n = bits_get(b, 9), i = 0;
    if (n == 0) {
        unsigned c = bits_get(b, 9);
        if (c >= ARJ_NC || !huff_build(c_h, len, ARJ_NC))
            return false;
        c_h->single = (int)c;
        return bits_ok(b);
    }
    if (n > ARJ_NC)
        return false;
    while (i < n) {
        int c = huff_decode(pt, b);
        if (c < 0 || !bits_ok(b))
            return false;
        if (c <= 2) {
            unsigned run = c == 0   ? 1u
                           : c == 1 ? bits_get(b, 4) + 3u
                                    : bits_get(b, 9) + 20u;
            if (i + run > n)
                return false;
            i += run;
        } else {
            len[i++] = (uint8_t)(c - 2);
        }
    }
    return bits_ok(b) && huff_build(c_h, len, ARJ_NC);
}

/* The output: grows geometrically up to target bytes. */
struct sink {
    struct vigil_buf *b;
    size_t start, target; /* this member's first byte, its end */
};

static int sink_byte(struct sink *s, uint8_t v)
{
    if (s->b->len == s->b->cap) {
        int ret = vigil_buf_reserve(s->b, 1);
        if (ret != VIGIL_OK)
            return ret == VIGIL_E_NOMEM ? ret : VIGIL_E_CORRUPT;
    }
    s->b->data[s->b->len++] = v;
    return VIGIL_OK;
}

/* Copy a match of @p n bytes from @p dist + 1 bytes back, cut at the
 * target. */
static int sink_copy(struct sink *s, unsigned dist, unsigned n)
{
    size_t have = s->b->len - s->start;
    if ((size_t)dist >= have)
        return VIGIL_E_CORRUPT;
    for (unsigned k = 0; k < n && s->b->len < s->target; k++) {
        int ret = sink_byte(s, s->b->data[s->b->len - dist - 1]);
        if (ret != VIGIL_OK)
            return ret;
    }
    return VIGIL_OK;
}

struct codes {
    struct huff pt, c, p;
};

static bool read_block_codes(struct bits *b, struct codes *k)
{
    return read_pt(b, &k->pt, ARJ_NT, 5, 3) && read_c(b, &k->c, &k->pt) &&
           read_pt(b, &k->p, ARJ_NP, 5, 0);
}

/* Methods 1-3. */
static int decode_huff(struct bits *b, struct sink *s)
{
    struct codes *k = vigil_malloc(sizeof *k);
    uint32_t left = 0;
    int ret = VIGIL_OK;
    if (!k)
        return VIGIL_E_NOMEM;
    while (ret == VIGIL_OK && s->b->len < s->target) {
        int c;
        if (left == 0) {
            left = bits_get(b, 16);
            if (left == 0 || !read_block_codes(b, k)) {
                ret = VIGIL_E_CORRUPT;
                break;
            }
        }
        left--;
        c = huff_decode(&k->c, b);
        if (c < 0 || !bits_ok(b)) {
            ret = VIGIL_E_CORRUPT;
        } else if (c < 256) {
            ret = sink_byte(s, (uint8_t)c);
        } else {
            unsigned n = (unsigned)c - 256u + ARJ_MINMATCH;
            int p = huff_decode(&k->p, b);
            unsigned dist;
            if (p < 0) {
                ret = VIGIL_E_CORRUPT;
                break;
            }
            dist = p <= 1 ? (unsigned)p
                          : (1u << (p - 1)) + bits_get(b, (unsigned)p - 1);
            ret = bits_ok(b) ? sink_copy(s, dist, n) : VIGIL_E_CORRUPT;
        }
    }
    vigil_free(k);
    return ret;
}

/* Method 4's integers: up to @p steps 1 bits each add the next power
 * of two (from 2^@p w0), then as many plain bits as powers were used
 * (plus w0). */
static unsigned read_var(struct bits *b, unsigned w0, unsigned steps)
{
    unsigned plus = 0, width = w0;
    while (width < w0 + steps && bits_get(b, 1)) {
        plus += 1u << width;
        width++;
    }
    return plus + bits_get(b, width);
}

static int decode_fastest(struct bits *b, struct sink *s)
{
    int ret = VIGIL_OK;
    while (ret == VIGIL_OK && s->b->len < s->target) {
        unsigned len = read_var(b, 0, 7);
        if (!bits_ok(b))
            return VIGIL_E_CORRUPT;
        if (len == 0) {
            ret = sink_byte(s, (uint8_t)bits_get(b, 8));
        } else {
            unsigned dist = read_var(b, 9, 4);
            ret = bits_ok(b) ? sink_copy(s, dist, len + ARJ_MINMATCH - 1)
                             : VIGIL_E_CORRUPT;
        }
    }
    return ret;
}

int vg_arj_decode(struct vigil_span in, unsigned method, uint64_t osize,
                  struct vigil_buf *out)
{
    struct bits b = {vigil_cur_from_span(in), 0, 0, 0};
    struct sink s = {out, out->len, out->len};
    size_t room = out->max - out->len;
    s.target += osize < room ? (size_t)osize : room;
    if (method >= 1 && method <= 3)
        return decode_huff(&b, &s);
    if (method == 4)
        return decode_fastest(&b, &s);
    return VIGIL_E_UNSUPPORTED;
}
