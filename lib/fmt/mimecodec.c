// SPDX-License-Identifier: GPL-2.0-or-later
// mimecodec.c: base64, quoted-printable and uuencode decoders for mail.
#include "fmt/mimecodec.h"

#include <string.h>

#include "vigil/vigil.h"

bool vg_next_line(struct vigil_span in, size_t *pos, struct vigil_span *line)
{
    size_t i = *pos, end;

    if (i >= in.len)
        return false;
    end = i;
    while (end < in.len && in.p[end] != '\n')
        end++;
    *pos = end < in.len ? end + 1 : end;
    if (end > i && in.p[end - 1] == '\r')
        end--;
    *line = vigil_span_sub(in, i, end - i);
    return true;
}

static int b64val(uint8_t c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

int vg_base64_decode(struct vigil_span in, struct vg_out *o)
{
    uint32_t acc = 0;
    unsigned n = 0;

    for (size_t i = 0; i < in.len && !vg_out_full(o); i++) {
        int v = b64val(in.p[i]);
        if (in.p[i] == '=') {
            /* Flush a partial quantum: 2 chars give 1 byte, 3 give 2. */
            if (n >= 2 && vg_out_byte(o, (uint8_t)(acc >> (6 * n - 8))))
                return VIGIL_E_NOMEM;
            if (n == 3 && vg_out_byte(o, (uint8_t)(acc >> 2)))
                return VIGIL_E_NOMEM;
            acc = 0;
            n = 0;
            continue;
        }
        if (v < 0)
            continue;
        acc = (acc << 6) | (uint32_t)v;
        if (++n == 4) {
            uint8_t t[3] = {(uint8_t)(acc >> 16), (uint8_t)(acc >> 8),
                            (uint8_t)acc};
            if (vg_out_put(o, t, 3))
                return VIGIL_E_NOMEM;
            acc = 0;
            n = 0;
        }
    }
    /* Unpadded tail. */
    if (n >= 2 && vg_out_byte(o, (uint8_t)(acc >> (6 * n - 8))))
        return VIGIL_E_NOMEM;
    if (n == 3 && vg_out_byte(o, (uint8_t)(acc >> 2)))
        return VIGIL_E_NOMEM;
    return VIGIL_OK;
}

/* "=\r\n", "=\n" or "=" + spaces to the line end: a soft break; returns
 * how many bytes after '=' it covers, or 0. */
static size_t soft_break(struct vigil_span in, size_t i)
{
    size_t j = i;

    while (j < in.len && (in.p[j] == ' ' || in.p[j] == '\t'))
        j++;
    if (j < in.len && in.p[j] == '\r')
        j++;
    if (j < in.len && in.p[j] == '\n')
        return j + 1 - i;
    return j == in.len ? j - i : 0;
}

int vg_qp_decode(struct vigil_span in, struct vg_out *o)
{
    size_t i = 0;

    while (i < in.len && !vg_out_full(o)) {
        uint8_t c = in.p[i++];
        if (c == '=') {
            size_t sb = soft_break(in, i);
            int hi = i < in.len ? vg_hexval(in.p[i]) : -1;
            int lo = i + 1 < in.len ? vg_hexval(in.p[i + 1]) : -1;
            if (sb) {
                i += sb;
                continue;
            }
            if (hi >= 0 && lo >= 0) {
                c = (uint8_t)(hi << 4 | lo);
                i += 2;
            }
        }
        if (vg_out_byte(o, c))
            return VIGIL_E_NOMEM;
    }
    return VIGIL_OK;
}

/* "begin" SP 3-4 octal digits SP name; returns the name span. */
static bool uu_begin(struct vigil_span line, struct vigil_span *name)
{
    size_t i = 6, digits = 0;

    if (line.len < 8 || memcmp(line.p, "begin ", 6) != 0)
        return false;
    while (i < line.len && line.p[i] >= '0' && line.p[i] <= '7') {
        i++;
        digits++;
    }
    if (digits < 1 || digits > 4 || i >= line.len || line.p[i] != ' ')
        return false;
    *name = vigil_span_sub(line, i + 1, line.len - i - 1);
    return true;
}

static uint8_t uuval(struct vigil_span line, size_t i)
{
    /* Missing characters (trailing blanks stripped in transit) are 0. */
    return i < line.len ? (uint8_t)((line.p[i] - 0x20) & 0x3f) : 0;
}

/* Decode one data line. @return 1 at the end of the block, 0 to go on,
 * VIGIL_E_NOMEM. */
static int uu_line(struct vigil_span line, struct vg_out *o)
{
    size_t n, i;

    if (line.len == 0)
        return 0;
    if (line.len >= 3 && memcmp(line.p, "end", 3) == 0)
        return 1;
    n = (size_t)((line.p[0] - 0x20) & 0x3f);
    if (n == 0)
        return 1;
    for (i = 1; n > 0 && !vg_out_full(o); i += 4) {
        uint8_t a = uuval(line, i), b = uuval(line, i + 1);
        uint8_t c = uuval(line, i + 2), d = uuval(line, i + 3);
        uint8_t t[3] = {(uint8_t)(a << 2 | b >> 4), (uint8_t)(b << 4 | c >> 2),
                        (uint8_t)(c << 6 | d)};
        size_t k = n < 3 ? n : 3;
        if (i >= line.len)
            break;
        if (vg_out_put(o, t, k))
            return VIGIL_E_NOMEM;
        n -= k;
    }
    return 0;
}

static void copy_name(struct vigil_span s, char *name, size_t cap)
{
    size_t n = s.len < cap - 1 ? s.len : cap - 1;

    for (size_t i = 0; i < n; i++)
        name[i] = s.p[i] >= 0x20 && s.p[i] < 0x7f ? (char)s.p[i] : '_';
    name[n] = '\0';
}

bool vg_uu_next(struct vigil_span in, size_t *pos, struct vg_out *o, char *name,
                size_t name_cap, int *err)
{
    struct vigil_span line, nm;

    *err = VIGIL_OK;
    while (vg_next_line(in, pos, &line)) {
        if (!uu_begin(line, &nm))
            continue;
        copy_name(nm, name, name_cap);
        vg_out_reset(o);
        while (vg_next_line(in, pos, &line)) {
            int r = uu_line(line, o);
            if (r < 0) {
                *err = r;
                return true;
            }
            if (r == 1)
                break;
        }
        return true;
    }
    return false;
}
