// SPDX-License-Identifier: GPL-2.0-or-later
// rtf.c: RTF tokenizer (groups, control words, \bin) that collects
// \objdata groups; a single pass with depth counters, no recursion.
#include "fmt/rtf.h"

#include <string.h>

#include "fmt/mimecodec.h"
#include "fmt/ole1.h"
#include "fmt/outbuf.h"
#include "vigil/vigil.h"

#define RTF_WORD_MAX 32 /* longest control word compared */

struct rtf {
    const struct vg_extract *x;
    struct vg_out obj; /* the object being decoded */
    size_t depth;      /* current group depth */
    size_t obj_depth;  /* depth of the \objdata group, 0: none */
    size_t skip_depth; /* depth of an ignorable group skipped, 0: none */
    bool star;         /* "\*" seen: the group's next word is ignorable */
    int nibble;        /* pending hex digit, or -1 */
};

static bool is_alpha(uint8_t c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Unwrap and emit the decoded object. */
static int emit_object(struct rtf *r)
{
    struct vigil_span data = vg_out_span(&r->obj), native, file;
    struct vg_child_info ci = vg_child_info_none();
    char cls[64], name[128];

    ci.truncated = r->obj.truncated;
    if (!vg_ole1_object(data, &native, cls, sizeof cls))
        return vg_emit_span(r->x, data, &ci);
    if (!strcmp(cls, "Package") &&
        vg_ole1_package(native, &file, name, sizeof name)) {
        ci.name = name;
        return vg_emit_span(r->x, file, &ci);
    }
    ci.name = cls;
    return vg_emit_span(r->x, native, &ci);
}

static int obj_hex(struct rtf *r, uint8_t c)
{
    int v = vg_hexval(c);

    if (v < 0)
        return VIGIL_OK;
    if (r->nibble < 0) {
        r->nibble = v;
        return VIGIL_OK;
    }
    v |= r->nibble << 4;
    r->nibble = -1;
    return vg_out_byte(&r->obj, (uint8_t)v);
}

static bool collecting(const struct rtf *r)
{
    return r->obj_depth && !r->skip_depth;
}

/* A control word (name, and parameter if has_num) at the current depth. */
static int control_word(struct rtf *r, const char *w, size_t n)
{
    bool star = r->star;

    r->star = false;
    if (r->skip_depth)
        return VIGIL_OK;
    if (n == 7 && !memcmp(w, "objdata", 7) && !r->obj_depth) {
        r->obj_depth = r->depth;
        r->nibble = -1;
        vg_out_reset(&r->obj);
    } else if (star && r->obj_depth) {
        r->skip_depth = r->depth; /* {\*\unknown ...} inside the object */
    }
    return VIGIL_OK;
}

/* Group close: finish an object or an ignorable group. */
static int group_end(struct rtf *r)
{
    int ret = VIGIL_OK;

    if (r->skip_depth == r->depth)
        r->skip_depth = 0;
    if (r->obj_depth == r->depth) {
        r->obj_depth = 0;
        ret = emit_object(r);
    }
    if (r->depth > 0)
        r->depth--;
    r->star = false;
    return ret;
}

/* "\bin N": N raw bytes follow; @return bytes consumed after the word. */
static size_t bin_data(struct rtf *r, struct vigil_span in, size_t i,
                       uint64_t n, int *ret)
{
    size_t take = n < in.len - i ? (size_t)n : in.len - i;

    if (collecting(r))
        *ret = vg_out_put(&r->obj, in.p + i, take);
    return take;
}

/* Parse "\word[-]N " at i (after the backslash); @return next offset. */
static size_t control(struct rtf *r, struct vigil_span in, size_t i, int *ret)
{
    char w[RTF_WORD_MAX];
    size_t n = 0;
    uint64_t num = 0;
    bool has_num = false;

    if (i >= in.len)
        return i;
    if (!is_alpha(in.p[i])) {
        if (in.p[i] == '*')
            r->star = true;
        else if (in.p[i] == '\'' && i + 2 < in.len)
            return i + 3; /* \'hh: a character, not object data */
        return i + 1;
    }
    while (i < in.len && is_alpha(in.p[i])) {
        if (n < sizeof w)
            w[n++] = (char)in.p[i];
        i++;
    }
    if (i < in.len && in.p[i] == '-')
        i++;
    while (i < in.len && in.p[i] >= '0' && in.p[i] <= '9') {
        if (num < (uint64_t)1 << 40)
            num = num * 10 + (uint64_t)(in.p[i] - '0');
        has_num = true;
        i++;
    }
    if (i < in.len && in.p[i] == ' ')
        i++;
    if (n == 3 && !memcmp(w, "bin", 3) && has_num)
        return i + bin_data(r, in, i, num, ret);
    *ret = control_word(r, w, n);
    return i;
}

static int rtf_run(struct rtf *r, struct vigil_span in)
{
    size_t i = 0;
    int ret = VIGIL_OK;

    while (i < in.len && ret == VIGIL_OK) {
        uint8_t c = in.p[i++];
        if (c == '{') {
            r->depth++;
            r->star = false;
        } else if (c == '}') {
            ret = group_end(r);
        } else if (c == '\\') {
            i = control(r, in, i, &ret);
        } else if (collecting(r)) {
            ret = obj_hex(r, c);
        }
    }
    return ret;
}

int vg_rtf_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct rtf r;
    int ret;

    memset(&r, 0, sizeof r);
    r.x = x;
    r.nibble = -1;
    vg_out_init(&r.obj, x->max_child);
    ret = rtf_run(&r, in);
    if (ret == VIGIL_OK && r.obj_depth) {
        /* The file ended inside an object: emit what was decoded. */
        ret = emit_object(&r);
        if (ret == VIGIL_OK)
            ret = VIGIL_E_CORRUPT;
    }
    vg_out_free(&r.obj);
    return ret;
}
