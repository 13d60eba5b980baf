// SPDX-License-Identifier: GPL-2.0-or-later
// textnorm.c: the normalised text view (target 7) and the blind UTF-16
// fold ClamAV applies to HTML_UTF16 objects.
#include "fmt/normalize.h"

#include "vigil/vigil.h"

enum text_action { TA_DROP, TA_BLANK, TA_KEEP };

static enum text_action text_action(uint8_t c)
{
    if (c == ' ' || (c >= 0x09 && c <= 0x0d))
        return TA_BLANK;
    if (c > 0x20 && c < 0x80)
        return TA_KEEP; /* DEL included, as in ClamAV's table */
    return TA_DROP;     /* other controls, NUL and everything from 0x80 */
}

/* Append p[0..n) in one go; the caller stages bytes in a small buffer. */
static int flush_stage(struct vigil_buf *out, const uint8_t *p, size_t *n)
{
    int ret = vigil_buf_append(out, p, *n);

    *n = 0;
    return ret;
}

int vg_text_normalize_chunk(struct vg_textnorm *st, struct vigil_span in,
                            struct vigil_buf *out)
{
    uint8_t stage[512];
    size_t n = 0;
    int ret = VIGIL_OK;

    for (size_t i = 0; i < in.len && ret == VIGIL_OK; i++) {
        uint8_t c = in.p[i];
        switch (text_action(c)) {
        case TA_DROP: continue; /* does not end a run of blanks */
        case TA_BLANK:
            if (st->space)
                continue;
            st->space = true;
            c = ' ';
            break;
        case TA_KEEP:
            st->space = false;
            if (c >= 'A' && c <= 'Z')
                c = (uint8_t)(c + ('a' - 'A'));
            break;
        }
        stage[n++] = c;
        if (n == sizeof stage)
            ret = flush_stage(out, stage, &n);
    }
    if (ret == VIGIL_OK && n > 0)
        ret = flush_stage(out, stage, &n);
    return ret;
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
