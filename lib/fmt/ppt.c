// SPDX-License-Identifier: GPL-2.0-or-later
// ppt.c: PowerPoint record walk for embedded OLE objects (MS-PPT 2.10.34).
#include "fmt/ppt.h"

#include <string.h>

#include "fmt/filetype.h"
#include "fmt/inflate.h"
#include "fmt/outbuf.h"
#include "vigil/vigil.h"

#define RT_EXOLEOBJSTG 0x1011u

/* One ExOleObjStg atom: instance 1 means u32 size + zlib data. */
static int ole_obj(struct vigil_span data, unsigned instance,
                   const struct vg_extract *x, struct vg_out *o)
{
    struct vg_child_info ci = vg_child_info_none();
    int ret = VIGIL_OK;

    vg_out_reset(o);
    if (instance == 1 && data.len >= 4) {
        ci.declared_size = vigil_load_u32le_unchecked(data.p);
        ret = vg_inflate(vigil_span_sub(data, 4, data.len - 4), o);
        if (ret == VIGIL_E_NOMEM)
            return ret;
    } else if ((ret = vg_out_put(o, data.p, data.len)) != VIGIL_OK) {
        return ret;
    }
    ci.packed_size = data.len;
    if (o->b.len >= 4 && !memcmp(o->b.data, "\xD0\xCF\x11\xE0", 4))
        ci.type_hint = VG_FT_OLE2;
    {
        int e = vg_out_emit(o, x, &ci);
        return e != VIGIL_OK ? e : ret;
    }
}

int vg_ppt_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct vigil_cursor c = vigil_cur_from_span(in);
    struct vg_out o;
    bool corrupt = false;
    int ret = VIGIL_OK;

    vg_out_init(&o, x->max_child);
    /* Containers (version 0xF) are stepped into, atoms over: one linear
     * pass over the stream, whatever the nesting. */
    while (ret == VIGIL_OK && vigil_cur_remaining(&c) >= 8) {
        uint16_t verinst = vigil_cur_u16le(&c);
        uint16_t type = vigil_cur_u16le(&c);
        uint32_t len = vigil_cur_u32le(&c);
        struct vigil_span data;
        if ((verinst & 0xF) == 0xF)
            continue;
        if (len > vigil_cur_remaining(&c)) {
            corrupt = true;
            len = (uint32_t)vigil_cur_remaining(&c);
        }
        data = vigil_cur_bytes(&c, len);
        if (type == RT_EXOLEOBJSTG) {
            ret = ole_obj(data, verinst >> 4, x, &o);
            if (ret == VIGIL_E_CORRUPT) {
                corrupt = true;
                ret = VIGIL_OK;
            }
        }
    }
    vg_out_free(&o);
    if (ret == VIGIL_OK && corrupt)
        ret = VIGIL_E_CORRUPT;
    return ret;
}
