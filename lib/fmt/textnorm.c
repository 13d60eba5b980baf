// SPDX-License-Identifier: GPL-2.0-or-later
// textnorm.c: the normalised text view (target 7) and the blind UTF-16
// fold ClamAV applies to HTML_UTF16 objects.
#include "fmt/normalize.h"

#include "vigil/vigil.h"

/* What each byte becomes: 0 dropped (other controls, NUL and everything
 * from 0x80), ' ' a blank (runs of blanks become one space), else itself
 * lower-cased (DEL included, as in ClamAV's table). A table, because this
 * loop runs over every byte of every text file. */
static uint8_t text_map(uint8_t c)
{
    if (c == ' ' || (c >= 0x09 && c <= 0x0d))
        return ' ';
    if (c > 0x20 && c < 0x80)
        return c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
    return 0;
}

static const uint8_t *text_table(void)
{
    static uint8_t table[256];
    static bool ready;
    if (!ready) { /* idempotent: racing threads write the same bytes */
        for (unsigned c = 0; c < 256; c++)
            table[c] = text_map((uint8_t)c);
        __atomic_store_n(&ready, true, __ATOMIC_RELEASE);
    }
    return table;
}

/* Append p[0..n) in one go; the caller stages bytes in a small buffer. */
static int flush_stage(struct vigil_buf *out, const uint8_t *p, size_t *n)
{
    int ret = vigil_buf_append(out, p, *n);

    *n = 0;
    return ret;
}

/* The usual case, with room for every input byte plus one: no branch on
 * the data (a blank every few bytes defeats the branch predictor), each
 * byte is stored and the output position advances only if it is kept. */
static size_t normalize_fast(const uint8_t *map, struct vigil_span in,
                             uint8_t *o, bool *space_io)
{
    bool space = *space_io;
    size_t n = 0;
    for (size_t i = 0; i < in.len; i++) {
        uint8_t c = map[in.p[i]];
        bool blank = c == ' ';
        o[n] = c;
        n += c != 0 && !(blank && space);
        space = c == 0 ? space : blank; /* a dropped byte ends no run */
    }
    *space_io = space;
    return n;
}

/* Near the buffer's cap: byte by byte, stopping when it is full. */
static int normalize_capped(const uint8_t *map, struct vigil_span in,
                            struct vigil_buf *out, bool *space_io)
{
    size_t room = out->max - out->len, n = 0;
    bool space = *space_io;
    int ret = vigil_buf_reserve(out, room);
    if (ret != VIGIL_OK)
        return ret;
    for (size_t i = 0; i < in.len; i++) {
        uint8_t c = map[in.p[i]];
        if (c == 0 || (c == ' ' && space))
            continue;
        space = c == ' ';
        if (n == room) {
            ret = VIGIL_E_LIMIT;
            break;
        }
        out->data[out->len + n++] = c;
    }
    out->len += n;
    *space_io = space;
    return ret;
}

int vg_text_normalize_chunk(struct vg_textnorm *st, struct vigil_span in,
                            struct vigil_buf *out)
{
    const uint8_t *map = text_table();
    int ret = vigil_buf_reserve(out, in.len + 1);
    if (ret == VIGIL_E_LIMIT) /* the output may still fit: fill the cap */
        return normalize_capped(map, in, out, &st->space);
    if (ret != VIGIL_OK)
        return ret;
    out->len += normalize_fast(map, in, out->data + out->len, &st->space);
    return VIGIL_OK;
}

int vg_text_normalize(struct vigil_span in, struct vigil_buf *out)
{
    struct vg_textnorm st = {false};

    return vg_text_normalize_chunk(&st, in, out);
}

int vg_html_utf16_decode(struct vigil_span in, struct vigil_buf *out)
{
    uint8_t stage[512];
    size_t n = 0;
    int ret = VIGIL_OK;

    for (size_t i = 0; i + 1 < in.len && ret == VIGIL_OK; i += 2) {
        stage[n++] = (uint8_t)((in.p[i + 1] << 4) + in.p[i]);
        if (n == sizeof stage)
            ret = flush_stage(out, stage, &n);
    }
    if (ret == VIGIL_OK && n > 0)
        ret = flush_stage(out, stage, &n);
    return ret;
}
