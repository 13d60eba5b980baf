// SPDX-License-Identifier: GPL-2.0-or-later
// offset.c: parses ClamAV signature offsets and resolves them per file.
#include "match/offset.h"

#include <string.h>

static bool starts(struct vigil_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && memcmp(s.p, lit, n) == 0;
}

static struct vigil_str rest(struct vigil_str s, size_t from)
{
    return vigil_str_make(s.p + from, s.len - from);
}

static int number(struct vigil_str s, int64_t *out)
{
    uint64_t v;
    if (vigil_str_to_u64(s, (uint64_t)INT64_MAX / 2, &v))
        return 1;
    *out = (int64_t)v;
    return 0;
}

/* "+n" / "-n" after EP, Sx, SL. */
static int signed_disp(struct vigil_str s, int64_t *out)
{
    int64_t v;
    if (s.len < 2 || (s.p[0] != '+' && s.p[0] != '-') || number(rest(s, 1), &v))
        return 1;
    *out = s.p[0] == '-' ? -v : v;
    return 0;
}

static int parse_sect(struct vigil_str s, struct vg_offset *o, size_t skip,
                      bool with_disp)
{
    size_t i = skip;
    uint64_t x;
    while (i < s.len && s.p[i] >= '0' && s.p[i] <= '9')
        i++;
    if (vigil_str_to_u64(vigil_str_make(s.p + skip, i - skip), 0xffff, &x))
        return 1;
    o->sect = (uint32_t)x;
    if (!with_disp)
        return i != s.len;
    return signed_disp(rest(s, i), &o->n);
}

static int parse_base(struct vigil_str s, struct vg_offset *o)
{
    memset(o, 0, sizeof *o);
    if (vigil_str_eq(s, "*"))
        return o->kind = VG_OFF_ANY, 0;
    if (vigil_str_eq(s, "VI"))
        return o->kind = VG_OFF_VI, 0;
    if (starts(s, "EOF-"))
        return o->kind = VG_OFF_EOF, number(rest(s, 4), &o->n);
    if (starts(s, "EP"))
        return o->kind = VG_OFF_EP, signed_disp(rest(s, 2), &o->n);
    if (starts(s, "SL"))
        return o->kind = VG_OFF_SL, signed_disp(rest(s, 2), &o->n);
    if (starts(s, "SE"))
        return o->kind = VG_OFF_SE, parse_sect(s, o, 2, false);
    if (starts(s, "S"))
        return o->kind = VG_OFF_SECT, parse_sect(s, o, 1, true);
    if (s.len >= 3 && s.p[0] == '$' && s.p[s.len - 1] == '$') {
        uint64_t g;
        o->kind = VG_OFF_MACRO;
        if (vigil_str_to_u64(vigil_str_make(s.p + 1, s.len - 2), 31, &g))
            return 1;
        o->sect = (uint32_t)g;
        return 0;
    }
    o->kind = VG_OFF_ABS;
    return number(s, &o->n);
}

int vg_offset_parse(struct vigil_str s, struct vg_offset *out,
                    const char **why)
{
    struct vigil_str f[3];
    size_t nf = vigil_str_split(s, ',', f, 2);
    uint64_t shift = 0;
    if (nf > 2 || parse_base(f[0], out)) {
        *why = "bad offset";
        return 1;
    }
    if (nf == 2 && vigil_str_to_u64(f[1], UINT32_MAX, &shift)) {
        *why = "bad offset MAXSHIFT";
        return 1;
    }
    if (nf == 2 && out->kind == VG_OFF_ANY) {
        *why = "'*' takes no MAXSHIFT";
        return 1;
    }
    out->maxshift = (uint32_t)shift;
    return 0;
}

bool vg_offset_needs_exe(const struct vg_offset *o)
{
    return o->kind == VG_OFF_EP || o->kind == VG_OFF_SECT ||
           o->kind == VG_OFF_SE || o->kind == VG_OFF_SL ||
           o->kind == VG_OFF_VI;
}

static bool base_at(const struct vg_offset *o, uint64_t size,
                    const struct vg_exe_info *exe, int64_t *at)
{
    const struct vg_exe_section *s;
    switch (o->kind) {
    case VG_OFF_ABS:
        *at = o->n;
        return true;
    case VG_OFF_EOF:
        *at = (int64_t)size - o->n;
        return true;
    case VG_OFF_EP:
        if (!exe || !exe->has_ep)
            return false;
        *at = (int64_t)exe->ep + o->n;
        return true;
    case VG_OFF_SECT:
    case VG_OFF_SL:
        /* The accessors say NULL for sections the parser did not keep. */
        s = !exe                      ? NULL
            : o->kind == VG_OFF_SL ? vg_exe_last(exe)
                                   : vg_exe_section_at(exe, o->sect);
        if (!s)
            return false;
        *at = (int64_t)s->raw_off + o->n;
        return true;
    default:
        return false;
    }
}

bool vg_offset_resolve(const struct vg_offset *o, uint64_t size,
                       const struct vg_exe_info *exe, uint64_t *lo,
                       uint64_t *hi)
{
    int64_t at;
    if (o->kind == VG_OFF_ANY) {
        *lo = 0;
        *hi = size;
        return true;
    }
    if (o->kind == VG_OFF_SE) {
        const struct vg_exe_section *s =
            exe ? vg_exe_section_at(exe, o->sect) : NULL;
        if (!s)
            return false;
        *lo = s->raw_off;
        *hi = s->raw_off + s->raw_size + o->maxshift;
        return true;
    }
    if (!base_at(o, size, exe, &at) || at < 0 || (uint64_t)at > size)
        return false;
    *lo = (uint64_t)at;
    *hi = (uint64_t)at + o->maxshift;
    return true;
}
