// SPDX-License-Identifier: GPL-2.0-or-later
// unpack20.c: the RAR 2.0 decompressor (unpack version 20 and 26),
// written from the public descriptions of the format: LZ77 over a 1 MiB
// window with three canonical Huffman tables (literals/lengths,
// distances, repeated-distance lengths), or an "audio" mode of up to four
// interleaved channels whose bytes are deltas from an adaptive linear
// predictor. Code lengths are sent as 4-bit deltas from the previous
// block's table, run-length coded through a 19-symbol table. Bits are
// read most significant first.
//
// Bounds: output stops at the caller's `want` (the member's size capped
// at max_child); reading past the end of the packed data is an error,
// so every loop ends (each step writes a byte or consumes bits).
#include <stdlib.h>
#include <string.h>

#include "fmt/rar2.h"
#include "util/alloc.h"
#include "vigil/vigil.h"

#define WIN_SIZE ((uint32_t)1 << 20)
#define WIN_MASK (WIN_SIZE - 1u)
#define NC20 298u /* literals, repeat codes, lengths */
#define DC20 48u  /* distances */
#define RC20 28u  /* lengths after a repeated distance */
#define BC20 19u  /* the code-length code */
#define MC20 257u /* one audio channel: 256 deltas + "new tables" */
#define MAX_CHANNELS 4u
#define TABLE_MAX (MC20 * MAX_CHANNELS)
#define HUFF_BITS 15u
#define HUFF_SYMS NC20

struct huff {
    uint16_t count[HUFF_BITS + 1];
    uint16_t sym[HUFF_SYMS];
    bool ok; /* built from a valid set of lengths */
};

struct audio {
    int k[5], d[4];
    int last_delta, last_char;
    uint32_t dif[11];
    uint32_t bytes;
};

struct vg_rar20 {
    uint8_t *win;
    uint32_t wpos;
    uint32_t filled; /* window bytes written since the reset (saturates) */
    uint8_t old_table[TABLE_MAX];
    struct huff ld, dd, rd, md[MAX_CHANNELS];
    uint32_t old_dist[4];
    unsigned old_dist_ptr;
    uint32_t last_dist, last_len;
    bool audio, tables_read, usable;
    unsigned channels, cur_channel;
    int channel_delta;
    struct audio av[MAX_CHANNELS];
};

/* Base value and extra bits of each length / distance slot: each base
 * is the previous base plus 1 << (the previous slot's extra bits). */
static const uint8_t len_bits[RC20] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1,
                                       1, 1, 2, 2, 2, 2, 3, 3, 3, 3,
                                       4, 4, 4, 4, 5, 5, 5, 5};
static const uint8_t dist_bits[DC20] = {
    0,  0,  0,  0,  1,  1,  2,  2,  3,  3,  4,  4,  5,  5,  6,  6,
    7,  7,  8,  8,  9,  9,  10, 10, 11, 11, 12, 12, 13, 13, 14, 14,
    15, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16, 16};
static const uint8_t sdist_bits[8] = {2, 2, 3, 4, 5, 6, 6, 6};

static uint32_t slot_base(const uint8_t *bits, unsigned slot)
{
    uint32_t b = 0;
    for (unsigned i = 0; i < slot; i++)
        b += (uint32_t)1 << bits[i];
    return b;
}

/* ---- bits, most significant first ---- */

struct bits {
    struct vigil_span in;
    uint64_t pos; /* in bits */
    bool over;    /* read past the end */
};

static uint32_t byte_at(const struct bits *b, uint64_t i)
{
    return i < b->in.len ? b->in.p[i] : 0u;
}

/* The next 16 bits (zeros past the end), not consumed. */
static uint32_t peek16(const struct bits *b)
{
    uint64_t i = b->pos >> 3;
    uint32_t v =
        byte_at(b, i) << 16 | byte_at(b, i + 1) << 8 | byte_at(b, i + 2);
    return (v >> (8u - (unsigned)(b->pos & 7u))) & 0xFFFFu;
}

static void skip_bits(struct bits *b, unsigned n)
{
    b->pos += n;
    if (b->pos > (uint64_t)b->in.len * 8u)
        b->over = true;
}

static uint32_t get_bits(struct bits *b, unsigned n)
{
    uint32_t v = n ? peek16(b) >> (16u - n) : 0u;
    skip_bits(b, n);
    return v;
}

/* ---- canonical Huffman codes ---- */

/* Build @p h from @p n code lengths (0..15). An over-subscribed set is
 * refused; an incomplete one is kept (its missing codes fail to decode). */
static bool huff_build(struct huff *h, const uint8_t *len, unsigned n)
{
    uint16_t offs[HUFF_BITS + 2];
    int left = 1;
    memset(h->count, 0, sizeof h->count);
    h->ok = false;
    for (unsigned i = 0; i < n; i++)
        h->count[len[i] & 15u]++;
    h->count[0] = 0;
    for (unsigned l = 1; l <= HUFF_BITS; l++) {
        left = (left << 1) - h->count[l];
        if (left < 0)
            return false;
    }
    offs[1] = 0;
    for (unsigned l = 1; l <= HUFF_BITS; l++)
        offs[l + 1] = (uint16_t)(offs[l] + h->count[l]);
    for (unsigned i = 0; i < n; i++)
        if (len[i] & 15u)
            h->sym[offs[len[i] & 15u]++] = (uint16_t)i;
    h->ok = true;
    return true;
}

/* @return the next symbol, or -1 (no such code, or past the end) */
static int huff_decode(struct bits *b, const struct huff *h)
{
    uint32_t v = peek16(b);
    int first = 0, index = 0;
    if (!h->ok)
        return -1;
    for (unsigned l = 1; l <= HUFF_BITS; l++) {
        int code = (int)(v >> (16u - l)), count = h->count[l];
        if (code - first < count) {
            skip_bits(b, l);
            return b->over ? -1 : h->sym[index + code - first];
        }
        index += count;
        first = (first + count) << 1;
    }
    return -1;
}

/* ---- the tables at the start of a block ---- */

/* The run-length coded lengths of @p size entries into @p table. */
static bool read_lengths(struct vg_rar20 *d, struct bits *b,
                         const struct huff *bd, uint8_t *table, unsigned size)
{
    unsigned i = 0;
    while (i < size) {
        int sym = huff_decode(b, bd);
        unsigned n;
        if (sym < 0)
            return false;
        if (sym < 16) {
            table[i] = (uint8_t)((unsigned)(sym + d->old_table[i]) & 15u);
            i++;
            continue;
        }
        if (sym == 16) { /* repeat the previous length */
            if (i == 0)
                return false;
            for (n = get_bits(b, 2) + 3u; n-- && i < size; i++)
                table[i] = table[i - 1];
            continue;
        }
        n = sym == 17 ? get_bits(b, 3) + 3u : get_bits(b, 7) + 11u;
        for (; n-- && i < size; i++)
            table[i] = 0;
    }
    return !b->over;
}

static bool read_tables(struct vg_rar20 *d, struct bits *b)
{
    uint8_t bl[BC20], table[TABLE_MAX];
    struct huff bd;
    uint32_t head = get_bits(b, 2);
    unsigned size;
    d->audio = (head & 2u) != 0;
    if (!(head & 1u))
        memset(d->old_table, 0, sizeof d->old_table);
    if (d->audio) {
        d->channels = get_bits(b, 2) + 1u;
        if (d->cur_channel >= d->channels)
            d->cur_channel = 0;
        size = MC20 * d->channels;
    } else {
        size = NC20 + DC20 + RC20;
    }
    for (unsigned i = 0; i < BC20; i++)
        bl[i] = (uint8_t)get_bits(b, 4);
    memset(table, 0, sizeof table);
    if (b->over || !huff_build(&bd, bl, BC20) ||
        !read_lengths(d, b, &bd, table, size))
        return false;
    if (d->audio) {
        for (unsigned c = 0; c < d->channels; c++)
            if (!huff_build(&d->md[c], table + c * MC20, MC20))
                return false;
    } else if (!huff_build(&d->ld, table, NC20) ||
               !huff_build(&d->dd, table + NC20, DC20) ||
               !huff_build(&d->rd, table + NC20 + DC20, RC20)) {
        return false;
    }
    memcpy(d->old_table, table, sizeof d->old_table);
    d->tables_read = true;
    return true;
}

/* ---- output ---- */

struct sink {
    uint8_t *out;
    size_t want, got;
};

static void put_byte(struct vg_rar20 *d, struct sink *s, uint8_t v)
{
    d->win[d->wpos] = v;
    d->wpos = (d->wpos + 1u) & WIN_MASK;
    if (d->filled < WIN_SIZE)
        d->filled++;
    s->out[s->got++] = v;
}

/* A match: remember the distance, copy (stopping at `want`). */
static void copy_match(struct vg_rar20 *d, struct sink *s, uint32_t len,
                       uint32_t dist)
{
    d->old_dist[d->old_dist_ptr++ & 3u] = dist;
    d->last_dist = dist;
    d->last_len = len;
    /* Before the start of the data the window reads as zeros (it is not
     * cleared on a reset: that would cost 1 MiB of writes per member). */
    for (uint32_t i = 0; i < len && s->got < s->want; i++)
        put_byte(d, s,
                 dist > d->filled ? 0 : d->win[(d->wpos - dist) & WIN_MASK]);
}

/* ---- audio mode ---- */

static int iabs(int v)
{
    return v < 0 ? -v : v;
}

/* Move the predictor's weights toward whichever of the 11 candidate
 * corrections would have erred least over the last 32 bytes. */
static void audio_adapt(struct audio *a)
{
    uint32_t min = a->dif[0];
    unsigned best = 0;
    a->dif[0] = 0;
    for (unsigned i = 1; i < 11; i++) {
        if (a->dif[i] < min) {
            min = a->dif[i];
            best = i;
        }
        a->dif[i] = 0;
    }
    if (best == 0)
        return;
    {
        int *k = &a->k[(best - 1u) / 2u];
        if (best & 1u) {
            if (*k >= -16)
                (*k)--;
        } else if (*k < 16) {
            (*k)++;
        }
    }
}

static uint8_t audio_byte(struct vg_rar20 *d, unsigned delta)
{
    struct audio *a = &d->av[d->cur_channel];
    int pred, sd = (int)(int8_t)(uint8_t)delta * 8, cd = d->channel_delta;
    uint8_t ch;
    a->bytes++;
    a->d[3] = a->d[2];
    a->d[2] = a->d[1];
    a->d[1] = a->last_delta - a->d[0];
    a->d[0] = a->last_delta;
    pred = 8 * a->last_char + a->k[0] * a->d[0] + a->k[1] * a->d[1] +
           a->k[2] * a->d[2] + a->k[3] * a->d[3] + a->k[4] * cd;
    ch = (uint8_t)((unsigned)(pred >> 3) - delta);
    a->dif[0] += (uint32_t)iabs(sd);
    for (unsigned i = 0; i < 4; i++) {
        a->dif[1 + 2 * i] += (uint32_t)iabs(sd - a->d[i]);
        a->dif[2 + 2 * i] += (uint32_t)iabs(sd + a->d[i]);
    }
    a->dif[9] += (uint32_t)iabs(sd - cd);
    a->dif[10] += (uint32_t)iabs(sd + cd);
    d->channel_delta = a->last_delta =
        (int)(int8_t)(uint8_t)(ch - a->last_char);
    a->last_char = ch;
    if ((a->bytes & 0x1Fu) == 0)
        audio_adapt(a);
    return ch;
}

/* ---- LZ mode ---- */

/* Add the slot's extra bits to its base. */
static uint32_t slot_value(struct bits *b, const uint8_t *bits, unsigned slot)
{
    return slot_base(bits, slot) + get_bits(b, bits[slot]);
}

/* Long matches need longer lengths to pay for themselves. */
static uint32_t len_bonus(uint32_t dist)
{
    return (dist >= 0x2000u) + (dist >= 0x40000u);
}

/* Symbols 256-268: repeat the last match, reuse a recent distance, or a
 * short match of length 2. @return false on a bad code */
static bool lz_repeat(struct vg_rar20 *d, struct bits *b, struct sink *s,
                      int sym)
{
    uint32_t len, dist;
    int ls;
    if (sym == 256) {
        copy_match(d, s, d->last_len, d->last_dist);
        return true;
    }
    if (sym < 261) {
        dist = d->old_dist[(d->old_dist_ptr - (unsigned)(sym - 256)) & 3u];
        if ((ls = huff_decode(b, &d->rd)) < 0)
            return false;
        len = slot_value(b, len_bits, (unsigned)ls) + 2u;
        len += (dist >= 0x101u) + len_bonus(dist);
        copy_match(d, s, len, dist);
        return true;
    }
    dist = slot_value(b, sdist_bits, (unsigned)(sym - 261)) + 1u;
    copy_match(d, s, 2, dist);
    return true;
}

/* One literal or match. @return false on a bad code or at the end */
static bool lz_step(struct vg_rar20 *d, struct bits *b, struct sink *s)
{
    int sym = huff_decode(b, &d->ld), ds;
    uint32_t len, dist;
    if (sym < 0)
        return false;
    if (sym < 256) {
        put_byte(d, s, (uint8_t)sym);
        return true;
    }
    if (sym == 269)
        return read_tables(d, b);
    if (sym < 269)
        return lz_repeat(d, b, s, sym) && !b->over;
    len = slot_value(b, len_bits, (unsigned)(sym - 270)) + 3u;
    if ((ds = huff_decode(b, &d->dd)) < 0)
        return false;
    dist = slot_value(b, dist_bits, (unsigned)ds) + 1u;
    copy_match(d, s, len + len_bonus(dist), dist);
    return !b->over;
}

static bool audio_step(struct vg_rar20 *d, struct bits *b, struct sink *s)
{
    int sym = huff_decode(b, &d->md[d->cur_channel]);
    if (sym < 0)
        return false;
    if (sym == 256)
        return read_tables(d, b);
    put_byte(d, s, audio_byte(d, (unsigned)sym));
    if (++d->cur_channel == d->channels)
        d->cur_channel = 0;
    return true;
}

/* ---- the decoder ---- */

struct vg_rar20 *vg_rar20_new(void)
{
    struct vg_rar20 *d = vigil_calloc(1, sizeof *d);
    if (!d)
        return NULL;
    d->win = vigil_malloc(WIN_SIZE);
    if (!d->win) {
        vigil_free(d);
        return NULL;
    }
    return d;
}

void vg_rar20_free(struct vg_rar20 *d)
{
    if (!d)
        return;
    vigil_free(d->win);
    vigil_free(d);
}

static void reset(struct vg_rar20 *d)
{
    uint8_t *win = d->win;
    memset(d, 0, sizeof *d);
    d->win = win;
    d->channels = 1;
}

bool vg_rar20_usable(const struct vg_rar20 *d)
{
    return d->usable;
}

void vg_rar20_break(struct vg_rar20 *d)
{
    d->usable = false;
}

/* After a member, the next solid member's tables may follow at once. */
static void read_trailing_tables(struct vg_rar20 *d, struct bits *b)
{
    if ((b->pos >> 3) + 5u > b->in.len)
        return;
    if (d->audio ? huff_decode(b, &d->md[d->cur_channel]) == 256
                 : huff_decode(b, &d->ld) == 269)
        (void)read_tables(d, b);
}

int vg_rar20_unpack(struct vg_rar20 *d, struct vigil_span in, bool solid,
                    uint8_t *out, size_t want, size_t *got)
{
    struct bits b = {in, 0, false};
    struct sink s = {out, want, 0};
    bool ok = true;
    if (!solid || !d->usable)
        reset(d);
    d->usable = false;
    if (!d->tables_read)
        ok = read_tables(d, &b);
    while (ok && s.got < s.want)
        ok = d->audio ? audio_step(d, &b, &s) : lz_step(d, &b, &s);
    *got = s.got;
    if (!ok)
        return VIGIL_E_CORRUPT;
    read_trailing_tables(d, &b);
    d->usable = true;
    return VIGIL_OK;
}
