// SPDX-License-Identifier: GPL-2.0-or-later
// outbuf.c: bounded decoder output shared by vigil's own format parsers.
#include "fmt/outbuf.h"

#include <string.h>

#include "vigil/vigil.h"

void vg_out_init(struct vg_out *o, uint64_t max_child)
{
    o->limit =
        max_child < VG_OUT_HARD_CAP ? (size_t)max_child : VG_OUT_HARD_CAP;
    vigil_buf_init(&o->b, o->limit);
    o->truncated = false;
}

void vg_out_reset(struct vg_out *o)
{
    o->b.len = 0;
    o->truncated = false;
}

void vg_out_free(struct vg_out *o)
{
    vigil_buf_free(&o->b);
}

int vg_out_put(struct vg_out *o, const void *p, size_t n)
{
    size_t room = o->limit - o->b.len;
    int ret;

    if (n > room) {
        n = room;
        o->truncated = true;
    }
    if (n == 0)
        return VIGIL_OK;
    ret = vigil_buf_reserve(&o->b, n);
    if (ret != VIGIL_OK)
        return VIGIL_E_NOMEM;
    memcpy(o->b.data + o->b.len, p, n);
    o->b.len += n;
    return VIGIL_OK;
}

int vg_out_emit(const struct vg_out *o, const struct vg_extract *x,
                const struct vg_child_info *info)
{
    struct vg_child_info ci = *info;

    ci.truncated = ci.truncated || o->truncated;
    return x->emit(x->core, vg_out_span(o), &ci);
}

int vg_emit_span(const struct vg_extract *x, struct vigil_span s,
                 const struct vg_child_info *info)
{
    struct vg_child_info ci = *info;

    if (s.len > x->max_child) {
        s.len = (size_t)x->max_child;
        ci.truncated = true;
    }
    return x->emit(x->core, s, &ci);
}

struct vg_child_info vg_child_info_none(void)
{
    struct vg_child_info ci;

    memset(&ci, 0, sizeof ci);
    ci.type_hint = -1;
    return ci;
}
