// SPDX-License-Identifier: GPL-2.0-or-later
// ole1.c: OLE1 object and Packager native-data layouts (MS-OLEDS 2.2).
#include "fmt/ole1.h"

#include <string.h>

#define OLE1_FORMAT_EMBEDDED 2u
#define OLE1_NAME_MAX 4096u /* longest string field accepted */

/* A NUL-terminated string of at most OLE1_NAME_MAX bytes. */
static struct vigil_span cstr(struct vigil_cursor *c)
{
    struct vigil_span rest = vigil_cur_rest(c);
    size_t lim = rest.len < OLE1_NAME_MAX ? rest.len : OLE1_NAME_MAX;
    const uint8_t *z = lim ? memchr(rest.p, 0, lim) : NULL;

    if (!z) {
        c->err = true;
        return vigil_span_make(NULL, 0);
    }
    return vigil_cur_bytes(c, (size_t)(z - rest.p) + 1);
}

static void printable(struct vigil_span s, char *out, size_t cap)
{
    size_t o = 0;

    for (size_t i = 0; i < s.len && s.p[i] && o + 1 < cap; i++)
        out[o++] = s.p[i] >= 0x20 && s.p[i] < 0x7f ? (char)s.p[i] : '_';
    if (cap)
        out[o] = '\0';
}

/* Take up to n bytes (the rest if fewer remain). */
static struct vigil_span take_upto(struct vigil_cursor *c, uint32_t n)
{
    size_t k = vigil_cur_remaining(c);

    return vigil_cur_bytes(c, n < k ? n : k);
}

bool vg_ole1_package(struct vigil_span native, struct vigil_span *file,
                     char *name, size_t name_cap)
{
    struct vigil_cursor c = vigil_cur_from_span(native);
    struct vigil_span label;
    uint32_t n;

    (void)vigil_cur_u16le(&c); /* type: 2 for a file */
    label = cstr(&c);
    (void)cstr(&c);            /* original path */
    (void)vigil_cur_u32le(&c); /* reserved */
    n = vigil_cur_u32le(&c);   /* temporary path */
    vigil_cur_skip(&c, n);
    n = vigil_cur_u32le(&c);
    if (vigil_cur_failed(&c))
        return false;
    *file = take_upto(&c, n);
    printable(label, name, name_cap);
    return true;
}

struct vigil_span vg_ole10native_data(struct vigil_span stream)
{
    struct vigil_cursor c = vigil_cur_from_span(stream);
    uint32_t n = vigil_cur_u32le(&c);

    return take_upto(&c, n);
}

/* A length-prefixed string field. */
static struct vigil_span lstr(struct vigil_cursor *c)
{
    uint32_t n = vigil_cur_u32le(c);

    if (n > OLE1_NAME_MAX) {
        c->err = true;
        return vigil_span_make(NULL, 0);
    }
    return vigil_cur_bytes(c, n);
}

bool vg_ole1_object(struct vigil_span obj, struct vigil_span *native, char *cls,
                    size_t cls_cap)
{
    struct vigil_cursor c = vigil_cur_from_span(obj);
    struct vigil_span cl;
    uint32_t format, n;

    (void)vigil_cur_u32le(&c); /* OLE version */
    format = vigil_cur_u32le(&c);
    cl = lstr(&c);
    (void)lstr(&c); /* topic */
    (void)lstr(&c); /* item */
    n = vigil_cur_u32le(&c);
    if (vigil_cur_failed(&c) || format != OLE1_FORMAT_EMBEDDED)
        return false;
    *native = take_upto(&c, n);
    printable(cl, cls, cls_cap);
    return true;
}
