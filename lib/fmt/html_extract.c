// SPDX-License-Identifier: GPL-2.0-or-later
// html_extract.c: data: URIs (RFC 2397) in HTML, decoded.
#include "fmt/html_extract.h"

#include <string.h>

#include "fmt/mimecodec.h"
#include "fmt/outbuf.h"
#include "vigil/vigil.h"

#define SCHEME_LEN 5       /* "data:" */
#define MAX_MEDIATYPE 256u /* "type/subtype;param=value..." before ',' */

static uint8_t lower(uint8_t c)
{
    return c >= 'A' && c <= 'Z' ? (uint8_t)(c + 32) : c;
}

static bool is_alnum(uint8_t c)
{
    c = lower(c);
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Characters of a media type and its parameters (RFC 2045 tokens, '/',
 * ';', '=', and quotes some writers leave around values). */
static bool is_type_char(uint8_t c)
{
    return is_alnum(c) || (c && strchr("!#$&^_.+-/;=%~*", c) != NULL);
}

static bool ends_data(uint8_t c, bool base64)
{
    if (c == '"' || c == '\'' || c == '<' || c == '>' || c == ')')
        return true;
    return !base64 && (c == ' ' || c == '\t' || c == '\r' || c == '\n' ||
                       c == '\f');
}

/* "data:" (any case) at i, not the tail of a longer word. */
static bool scheme_at(struct vigil_span in, size_t i)
{
    static const char s[] = "data:";

    if (in.len - i < SCHEME_LEN || (i > 0 && is_alnum(in.p[i - 1])))
        return false;
    for (size_t k = 0; k < SCHEME_LEN; k++)
        if (lower(in.p[i + k]) != (uint8_t)s[k])
            return false;
    return true;
}

/* The media type and parameters after "data:" up to ','.
 * @return the offset of the data (after ','), or 0 if this is no URI. */
static size_t parse_head(struct vigil_span in, size_t at, bool *base64)
{
    size_t i = at, end = in.len - at > MAX_MEDIATYPE ? at + MAX_MEDIATYPE
                                                     : in.len;

    while (i < end && in.p[i] != ',' && is_type_char(in.p[i]))
        i++;
    if (i >= end || in.p[i] != ',')
        return 0;
    *base64 = i - at >= 7;
    for (size_t k = 0; *base64 && k < 7; k++)
        if (lower(in.p[i - 7 + k]) != (uint8_t)";base64"[k])
            *base64 = false;
    return i + 1;
}

static int percent_decode(struct vigil_span s, struct vg_out *o)
{
    for (size_t i = 0; i < s.len && !vg_out_full(o); i++) {
        uint8_t c = s.p[i];
        int hi, lo;

        if (c == '%' && s.len - i >= 3 && (hi = vg_hexval(s.p[i + 1])) >= 0 &&
            (lo = vg_hexval(s.p[i + 2])) >= 0) {
            c = (uint8_t)(hi << 4 | lo);
            i += 2;
        }
        if (vg_out_byte(o, c) != VIGIL_OK)
            return VIGIL_E_NOMEM;
    }
    return VIGIL_OK;
}

/* Decode and emit the URI whose data starts at *pos; *pos moves past it. */
static int one_uri(struct vigil_span in, size_t *pos, bool base64,
                   struct vg_out *o, const struct vg_extract *x)
{
    struct vg_child_info ci = vg_child_info_none();
    size_t start = *pos, i = start;
    struct vigil_span data;
    int ret;

    while (i < in.len && !ends_data(in.p[i], base64))
        i++;
    *pos = i;
    data = vigil_span_sub(in, start, i - start);
    vg_out_reset(o);
    ret = base64 ? vg_base64_decode(data, o) : percent_decode(data, o);
    if (ret != VIGIL_OK || o->b.len == 0)
        return ret;
    return vg_out_emit(o, x, &ci);
}

int vg_html_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct vg_out o;
    size_t i = 0;
    int ret = VIGIL_OK;

    vg_out_init(&o, x->max_child);
    /* i only grows: each URI's data is consumed once. */
    while (ret == VIGIL_OK && i < in.len) {
        const uint8_t *colon = memchr(in.p + i, ':', in.len - i);
        size_t at, data;
        bool base64 = false;

        if (!colon)
            break;
        at = (size_t)(colon - in.p);
        i = at + 1;
        if (at < SCHEME_LEN - 1 || !scheme_at(in, at - (SCHEME_LEN - 1)))
            continue;
        if ((data = parse_head(in, i, &base64)) == 0)
            continue;
        i = data;
        ret = one_uri(in, &i, base64, &o, x);
    }
    vg_out_free(&o);
    return ret;
}
