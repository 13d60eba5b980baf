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
#define ATT_ATTACHMENT 0x9005u /* the attachment's MAPI properties */
/* MAPI property tags and types (MS-OXCDATA 2.11.1). */
#define PR_ATTACH_DATA 0x3701u
#define PR_ATTACH_LONG_FILENAME 0x3707u
#define PT_STRING8 0x001Eu
#define PT_UNICODE 0x001Fu
#define PT_BINARY 0x0102u
#define PT_OBJECT 0x000Du
#define PT_MV 0x1000u
#define TNEF_IID_LEN 16 /* PT_OBJECT values start with an interface ID */

struct tnef {
    const struct vg_extract *x;
    char title[256];
    /* The title often follows the data: the data waits for it until the
     * attachment ends. */
    struct vigil_span pending;
    uint32_t pending_declared;
    bool has_pending;
    bool corrupt; /* a MAPI property block could not be read */
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

/* Size of a fixed-size property value in TNEF (padded to 4), 0 for the
 * variable-size types, -1 for types vigil does not know. */
static int fixed_size(uint16_t type)
{
    switch (type) {
    case 0x0001: return 0;  /* PtypNull */
    case 0x0002:            /* PtypInteger16 */
    case 0x0003:            /* PtypInteger32 */
    case 0x0004:            /* PtypFloating32 */
    case 0x000A:            /* PtypErrorCode */
    case 0x000B: return 4;  /* PtypBoolean */
    case 0x0005:            /* PtypFloating64 */
    case 0x0006:            /* PtypCurrency */
    case 0x0007:            /* PtypFloatingTime */
    case 0x0014:            /* PtypInteger64 */
    case 0x0040: return 8;  /* PtypTime */
    case 0x0048: return 16; /* PtypGuid */
    default: return -1;
    }
}

static bool variable_type(uint16_t type)
{
    return type == PT_STRING8 || type == PT_UNICODE || type == PT_BINARY ||
           type == PT_OBJECT;
}

/* One variable-size value: u32 size, bytes, padding to 4. */
static struct vigil_span var_value(struct vigil_cursor *c)
{
    uint32_t n = vigil_cur_u32le(c);
    struct vigil_span v = vigil_cur_bytes(c, n);

    vigil_cur_skip(c, (4 - n % 4) % 4);
    return v;
}

typedef int (*mapi_fn)(struct tnef *t, uint16_t id, uint16_t type,
                       struct vigil_span v);

/* Walk a MAPI property block, calling fn for each variable-size value.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (overrun, unknown type), or fn's. */
static int mapi_walk(struct tnef *t, struct vigil_span block, mapi_fn fn)
{
    struct vigil_cursor c = vigil_cur_from_span(block);
    uint32_t count = vigil_cur_u32le(&c);

    for (; count > 0 && !vigil_cur_failed(&c); count--) {
        uint16_t type = vigil_cur_u16le(&c), id = vigil_cur_u16le(&c);
        uint16_t base = type & (uint16_t)~PT_MV;
        uint32_t nval = 1;
        int fs = fixed_size(base), ret;
        if (id >= 0x8000) { /* named: GUID, kind, id or name */
            vigil_cur_skip(&c, 16);
            if (vigil_cur_u32le(&c) == 0)
                vigil_cur_skip(&c, 4);
            else
                (void)var_value(&c);
        }
        if ((type & PT_MV) || variable_type(base))
            nval = vigil_cur_u32le(&c);
        if (fs < 0 && !variable_type(base))
            return VIGIL_E_CORRUPT; /* cannot know its size */
        if (fs >= 0) {
            /* All values at once: a multi-valued null property may claim
             * four billion values of no size. */
            vigil_cur_skip(&c, (size_t)fs * nval);
            continue;
        }
        /* Each variable-size value takes at least 4 bytes: bounded. */
        for (; nval > 0 && !vigil_cur_failed(&c); nval--) {
            struct vigil_span v = var_value(&c);
            if (!vigil_cur_failed(&c) && (ret = fn(t, id, base, v)) != 0)
                return ret;
        }
    }
    return vigil_cur_failed(&c) ? VIGIL_E_CORRUPT : VIGIL_OK;
}

static int mapi_name(struct tnef *t, uint16_t id, uint16_t type,
                     struct vigil_span v)
{
    if (id == PR_ATTACH_LONG_FILENAME && type == PT_STRING8)
        set_title(t, v);
    return VIGIL_OK;
}

/* PR_ATTACH_DATA: a file (binary) or an embedded message (object). */
static int mapi_data(struct tnef *t, uint16_t id, uint16_t type,
                     struct vigil_span v)
{
    struct vg_child_info ci = vg_child_info_none();

    if (id != PR_ATTACH_DATA || (type != PT_BINARY && type != PT_OBJECT))
        return VIGIL_OK;
    if (type == PT_OBJECT)
        v = vigil_span_sub(v, TNEF_IID_LEN,
                           v.len > TNEF_IID_LEN ? v.len - TNEF_IID_LEN : 0);
    ci.name = t->title[0] ? t->title : NULL;
    return vg_emit_span(t->x, v, &ci);
}

/* An attachment's MAPI properties: its long file name, then its data. */
static int attachment_props(struct tnef *t, struct vigil_span block)
{
    int ret = mapi_walk(t, block, mapi_name);

    if (ret == VIGIL_OK || ret == VIGIL_E_CORRUPT)
        ret = flush(t); /* attAttachData, now with the long name */
    if (ret == VIGIL_OK)
        ret = mapi_walk(t, block, mapi_data);
    if (ret == VIGIL_E_CORRUPT) {
        t->corrupt = true;
        ret = VIGIL_OK;
    }
    return ret;
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
    } else if (level == TNEF_LVL_ATTACHMENT && id == ATT_ATTACHMENT) {
        return attachment_props(t, data);
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
    if (ret == VIGIL_OK && t.corrupt)
        ret = VIGIL_E_CORRUPT;
    return ret;
}
