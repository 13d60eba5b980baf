// SPDX-License-Identifier: GPL-2.0-or-later
// pdf_filters.c: PDF stream decoders, written from ISO 32000-1 §7.4.
#include "fmt/pdf_filters.h"

#include <stdlib.h>
#include <string.h>

#include "fmt/mimecodec.h"
#include "util/alloc.h"
#include "vigil/vigil.h"

static bool pdf_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == 0;
}

int vg_pdf_ahx(struct vigil_span in, struct vg_out *o)
{
    int hi = -1;

    for (size_t i = 0; i < in.len && !vg_out_full(o); i++) {
        int v = vg_hexval(in.p[i]);
        if (in.p[i] == '>')
            break;
        if (v < 0) {
            if (pdf_space(in.p[i]))
                continue;
            return VIGIL_E_CORRUPT;
        }
        if (hi < 0) {
            hi = v;
        } else {
            if (vg_out_byte(o, (uint8_t)(hi << 4 | v)))
                return VIGIL_E_NOMEM;
            hi = -1;
        }
    }
    if (hi >= 0 && vg_out_byte(o, (uint8_t)(hi << 4)))
        return VIGIL_E_NOMEM;
    return VIGIL_OK;
}

/* Output the first n bytes of a 5-digit group's 32-bit value. */
static int a85_group(struct vg_out *o, uint64_t v, size_t n)
{
    uint8_t t[4] = {(uint8_t)(v >> 24), (uint8_t)(v >> 16), (uint8_t)(v >> 8),
                    (uint8_t)v};

    if (v > 0xFFFFFFFFu)
        return VIGIL_E_CORRUPT;
    return vg_out_put(o, t, n) ? VIGIL_E_NOMEM : VIGIL_OK;
}

int vg_pdf_a85(struct vigil_span in, struct vg_out *o)
{
    uint64_t v = 0;
    size_t n = 0, i = 0;
    int ret;

    if (in.len >= 2 && in.p[0] == '<' && in.p[1] == '~')
        i = 2;
    for (; i < in.len && !vg_out_full(o); i++) {
        uint8_t c = in.p[i];
        if (c == '~')
            break;
        if (pdf_space(c))
            continue;
        if (c == 'z' && n == 0) {
            if ((ret = a85_group(o, 0, 4)) != VIGIL_OK)
                return ret;
            continue;
        }
        if (c < '!' || c > 'u')
            return VIGIL_E_CORRUPT;
        v = v * 85 + (uint64_t)(c - '!');
        if (++n == 5) {
            if ((ret = a85_group(o, v, 4)) != VIGIL_OK)
                return ret;
            v = 0;
            n = 0;
        }
    }
    if (n == 1)
        return VIGIL_E_CORRUPT;
    if (n > 1) {
        /* Pad with 'u' (84): the partial group gives n - 1 bytes. */
        for (size_t k = n; k < 5; k++)
            v = v * 85 + 84;
        return a85_group(o, v, n - 1);
    }
    return VIGIL_OK;
}

int vg_pdf_rl(struct vigil_span in, struct vg_out *o)
{
    struct vigil_cursor c = vigil_cur_from_span(in);

    while (vigil_cur_remaining(&c) > 0 && !vg_out_full(o)) {
        uint8_t len = vigil_cur_u8(&c);
        if (len == 128)
            return VIGIL_OK;
        if (len < 128) {
            size_t n = (size_t)len + 1;
            bool cut = n > vigil_cur_remaining(&c);
            struct vigil_span lit =
                vigil_cur_bytes(&c, cut ? vigil_cur_remaining(&c) : n);
            if (vg_out_put(o, lit.p, lit.len))
                return VIGIL_E_NOMEM;
            if (cut)
                return VIGIL_E_CORRUPT;
        } else {
            uint8_t v = vigil_cur_u8(&c);
            if (vigil_cur_failed(&c))
                return VIGIL_E_CORRUPT;
            for (unsigned k = 0; k < 257u - len; k++)
                if (vg_out_byte(o, v))
                    return VIGIL_E_NOMEM;
        }
    }
    return VIGIL_OK;
}

/* ---- LZW ---- */

#define LZW_MAX 4096u
#define LZW_CLEAR 256u
#define LZW_EOD 257u

struct lzw {
    uint16_t prefix[LZW_MAX];
    uint8_t suffix[LZW_MAX], first[LZW_MAX];
    uint16_t len[LZW_MAX];
    unsigned next;
    uint8_t stack[LZW_MAX];
};

/* Write code's string (walking prefixes into a stack, reversed). */
static int lzw_put(struct lzw *z, unsigned code, struct vg_out *o)
{
    size_t n = 0;

    while (code >= 258 && n < LZW_MAX) {
        z->stack[n++] = z->suffix[code];
        code = z->prefix[code];
    }
    if (n < LZW_MAX)
        z->stack[n++] = (uint8_t)code;
    while (n > 0)
        if (vg_out_byte(o, z->stack[--n]))
            return VIGIL_E_NOMEM;
    return VIGIL_OK;
}

static void lzw_add(struct lzw *z, unsigned prev, uint8_t c)
{
    if (z->next >= LZW_MAX)
        return;
    z->prefix[z->next] = (uint16_t)prev;
    z->suffix[z->next] = c;
    z->first[z->next] = prev < 258 ? (uint8_t)prev : z->first[prev];
    z->len[z->next] = (uint16_t)(prev < 258 ? 2 : z->len[prev] + 1);
    z->next++;
}

static unsigned lzw_first(const struct lzw *z, unsigned code)
{
    return code < 258 ? code : z->first[code];
}

static int lzw_run(struct lzw *z, struct vigil_span in, struct vg_out *o,
                   bool early)
{
    uint32_t acc = 0;
    unsigned nbits = 0, width = 9, prev = LZW_CLEAR;
    int ret;

    z->next = 258;
    for (size_t i = 0; i < in.len || nbits >= width;) {
        unsigned code;
        while (nbits < width && i < in.len) {
            acc = (acc << 8) | in.p[i++];
            nbits += 8;
        }
        if (nbits < width || vg_out_full(o))
            break;
        code = (acc >> (nbits - width)) & ((1u << width) - 1);
        nbits -= width;
        if (code == LZW_EOD)
            return VIGIL_OK;
        if (code == LZW_CLEAR) {
            z->next = 258;
            width = 9;
            prev = LZW_CLEAR;
            continue;
        }
        if (code > z->next || (code == z->next && prev == LZW_CLEAR) ||
            (code >= 258 && code == z->next && z->next >= LZW_MAX))
            return VIGIL_E_CORRUPT;
        if (prev != LZW_CLEAR) {
            /* code == next: the KwKwK case, prev's string + its first. */
            uint8_t c = (uint8_t)lzw_first(z, code == z->next ? prev : code);
            lzw_add(z, prev, c);
        }
        if ((ret = lzw_put(z, code, o)) != VIGIL_OK)
            return ret;
        prev = code;
        if (z->next + (early ? 1u : 0u) >= (1u << width) && width < 12)
            width++;
    }
    return VIGIL_OK;
}

int vg_pdf_lzw(struct vigil_span in, struct vg_out *o, bool early)
{
    struct lzw *z = vigil_malloc(sizeof *z);
    int ret;

    if (!z)
        return VIGIL_E_NOMEM;
    ret = lzw_run(z, in, o, early);
    vigil_free(z);
    return ret;
}

/* ---- predictors ---- */

static uint8_t paeth(int a, int b, int c)
{
    int p = a + b - c, pa = abs(p - a), pb = abs(p - b), pc = abs(p - c);

    if (pa <= pb && pa <= pc)
        return (uint8_t)a;
    return (uint8_t)(pb <= pc ? b : c);
}

/* Undo one PNG row filter in place; prev is the previous decoded row. */
static void png_row(uint8_t type, uint8_t *row, const uint8_t *prev, size_t n,
                    size_t bpp)
{
    for (size_t i = 0; i < n; i++) {
        int a = i >= bpp ? row[i - bpp] : 0, b = prev[i];
        int c = i >= bpp ? prev[i - bpp] : 0;
        switch (type) {
        case 1: row[i] = (uint8_t)(row[i] + a); break;
        case 2: row[i] = (uint8_t)(row[i] + b); break;
        case 3: row[i] = (uint8_t)(row[i] + (a + b) / 2); break;
        case 4: row[i] = (uint8_t)(row[i] + paeth(a, b, c)); break;
        default: break;
        }
    }
}

static int unpredict_png(struct vigil_span in, struct vg_out *o, size_t rowlen,
                         size_t bpp)
{
    uint8_t *rows = vigil_calloc(2, rowlen);
    struct vigil_cursor c = vigil_cur_from_span(in);
    int ret = VIGIL_OK;

    if (!rows)
        return VIGIL_E_NOMEM;
    while (vigil_cur_remaining(&c) > 0 && !vg_out_full(o) && ret == 0) {
        uint8_t type = vigil_cur_u8(&c);
        size_t n =
            vigil_cur_remaining(&c) < rowlen ? vigil_cur_remaining(&c) : rowlen;
        struct vigil_span r = vigil_cur_bytes(&c, n);
        memcpy(rows + rowlen, rows, rowlen); /* the previous row */
        memset(rows, 0, rowlen);
        if (n)
            memcpy(rows, r.p, n);
        png_row(type, rows, rows + rowlen, rowlen, bpp);
        ret = vg_out_put(o, rows, n);
    }
    vigil_free(rows);
    return ret;
}

static int unpredict_tiff8(struct vigil_span in, struct vg_out *o,
                           size_t rowlen, size_t bpp)
{
    for (size_t i = 0; i < in.len && !vg_out_full(o); i++) {
        size_t col = i % rowlen;
        uint8_t v = in.p[i];
        if (col >= bpp)
            v = (uint8_t)(v + o->b.data[o->b.len - bpp]);
        if (vg_out_byte(o, v))
            return VIGIL_E_NOMEM;
    }
    return VIGIL_OK;
}

int vg_pdf_unpredict(struct vigil_span in, struct vg_out *o,
                     const struct vg_pdf_predictor *p)
{
    int colors = p->colors, bpc = p->bpc, cols = p->columns;
    size_t bits, rowlen, bpp;

    /* Sane ranges (the standard's are narrower); else pass through. */
    if (colors < 1 || colors > 32 || cols < 1 || cols > (1 << 24) ||
        (bpc != 1 && bpc != 2 && bpc != 4 && bpc != 8 && bpc != 16))
        return vg_out_put(o, in.p, in.len);
    bits = (size_t)colors * (size_t)bpc;
    rowlen = (bits * (size_t)cols + 7) / 8;
    bpp = (bits + 7) / 8;
    if (p->predictor >= 10)
        return unpredict_png(in, o, rowlen, bpp);
    if (p->predictor == 2 && bpc == 8)
        return unpredict_tiff8(in, o, rowlen, bpp);
    return vg_out_put(o, in.p, in.len);
}
