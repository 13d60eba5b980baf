// SPDX-License-Identifier: GPL-2.0-or-later
// tnef.c: TNEF attribute walk (MS-OXTNEF 2.1).
#include "fmt/tnef.h"

#include <string.h>

#include "fmt/outbuf.h"
#include "vigil/vigil.h"

#define TNEF_SIGNATURE 0x223E9F78u
#define TNEF_LVL_MESSAGE 1
#define TNEF_LVL_ATTACHMENT 2
/* Attribute IDs (the low 16 bits of the attribute field). */
#define ATT_BODY 0x800Cu
#define ATT_ATTACH_DATA 0x800Fu
#define ATT_ATTACH_TITLE 0x8010u
#define ATT_ATTACH_REND_DATA 0x9002u

struct tnef {
    const struct vg_extract *x;
    char title[256];
    /* The title often follows the data: the data waits for it until the
     * attachment ends. */
    struct vigil_span pending;
    uint32_t pending_declared;
    bool has_pending;
};

static int flush(struct tnef *t)
{
    struct vg_child_info ci = vg_child_info_none();

    if (!t->has_pending)
        return VIGIL_OK;
    t->has_pending = false;
    ci.name = t->title[0] ? t->title : NULL;
    ci.declared_size = t->pending_declared;
    return vg_emit_span(t->x, t->pending, &ci);
}

static void set_title(struct tnef *t, struct vigil_span s)
{
    size_t n = 0;

    for (size_t i = 0; i < s.len && s.p[i] && n + 1 < sizeof t->title; i++)
        t->title[n++] = s.p[i] >= 0x20 && s.p[i] < 0x7f ? (char)s.p[i] : '_';
    t->title[n] = '\0';
}

static int attribute(struct tnef *t, uint8_t level, uint32_t id,
                     struct vigil_span data, uint32_t declared)
{
    struct vg_child_info ci = vg_child_info_none();
    int ret;

    ci.declared_size = declared;
    if (level == TNEF_LVL_ATTACHMENT && id == ATT_ATTACH_REND_DATA) {
        ret = flush(t); /* a new attachment starts */
        t->title[0] = '\0';
        return ret;
    } else if (level == TNEF_LVL_ATTACHMENT && id == ATT_ATTACH_TITLE) {
        set_title(t, data);
    } else if (level == TNEF_LVL_ATTACHMENT && id == ATT_ATTACH_DATA) {
        ret = flush(t);
        t->pending = data;
        t->pending_declared = declared;
        t->has_pending = true;
        return ret;
    } else if (level == TNEF_LVL_MESSAGE && id == ATT_BODY) {
        return vg_emit_span(t->x, data, &ci);
    }
    return VIGIL_OK;
}

int vg_tnef_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct vigil_cursor c = vigil_cur_from_span(in);
    struct tnef t;
    int ret = VIGIL_OK;

    memset(&t, 0, sizeof t);
    t.x = x;
    if (vigil_cur_u32le(&c) != TNEF_SIGNATURE)
        return VIGIL_E_CORRUPT;
    (void)vigil_cur_u16le(&c); /* legacy key */
    /* Fewer than an attribute header's 9 bytes left: trailing bytes (a
     * line end added in transit), not an attribute. */
    while (ret == VIGIL_OK && vigil_cur_remaining(&c) >= 9) {
        uint8_t level = vigil_cur_u8(&c);
        uint32_t attr = vigil_cur_u32le(&c);
        uint32_t len = vigil_cur_u32le(&c);
        uint32_t avail;
        avail = vigil_cur_remaining(&c) < len
                    ? (uint32_t)vigil_cur_remaining(&c)
                    : len;
        ret = attribute(&t, level, attr & 0xFFFFu, vigil_cur_bytes(&c, avail),
                        len);
        if (ret == VIGIL_OK && (avail < len || !vigil_cur_skip(&c, 2)))
            ret = VIGIL_E_CORRUPT; /* cut short (data or checksum) */
    }
    if (ret == VIGIL_OK || ret == VIGIL_E_CORRUPT) {
        int f = flush(&t);
        ret = f != VIGIL_OK ? f : ret;
    }
    return ret;
}
