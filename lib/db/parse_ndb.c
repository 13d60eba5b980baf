// SPDX-License-Identifier: GPL-2.0-or-later
// parse_ndb.c: .ndb body signatures: NAME:TARGET:OFFSET:HEX[:MINFL[:MAXFL]].
#include "db/bodysigs.h"
#include "db/load.h"
#include "engine.h"
#include "match/offset.h"
#include "util/alloc.h"
#include "util/caps.h"
#include "vigil/vigil.h"

void vg_ndbs_free(struct vg_ndbs *s)
{
    VIGIL_FREEP(&s->names);
    s->n = s->cap = 0;
}

int vg_ndbs_add(struct vg_ndbs *s, uint32_t name, uint32_t *index)
{
    if (s->n == s->cap) {
        uint32_t ncap = s->cap ? s->cap * 2 : 256;
        void *p;
        if (s->cap >= VG_OWNER_LDB / 2)
            return VIGIL_E_LIMIT;
        p = vigil_reallocarray(s->names, ncap, sizeof *s->names);
        if (!p)
            return VIGIL_E_NOMEM;
        s->names = p;
        s->cap = ncap;
    }
    s->names[s->n] = name;
    *index = s->n++;
    return VIGIL_OK;
}

/* The FLEVEL range is checked first: a signature for another engine is
 * skipped whatever else its line holds. */
static bool ndb_outside_flevel(const struct vigil_str *f, size_t nf)
{
    uint64_t v;
    if (nf > 4 && f[4].len && !vigil_str_to_u64(f[4], UINT32_MAX, &v) &&
        v > VIGIL_FLEVEL)
        return true;
    return nf > 5 && f[5].len && !vigil_str_to_u64(f[5], UINT32_MAX, &v) &&
           v < VIGIL_FLEVEL;
}

int vg_parse_ndb_line(struct vg_load_ctx *ctx, struct vigil_str line)
{
    struct vigil_engine *eng = ctx->eng;
    struct vigil_str f[7];
    struct vg_offset off;
    uint64_t target;
    uint32_t name, index;
    const char *why = NULL;
    size_t nf = vigil_str_split(line, ':', f, 6);
    int ret;
    if (nf < 4 || nf > 6)
        return vg_load_error(ctx, "expected NAME:TARGET:OFFSET:HEX[:MIN[:MAX]]");
    if (ndb_outside_flevel(f, nf))
        return VIGIL_OK;
    if (f[0].len == 0 || f[0].len > VIGIL_CAP_SIG_NAME)
        return vg_load_error(ctx, "bad signature name length");
    if (vigil_str_to_u64(f[1], 255, &target))
        return vg_load_error(ctx, "bad target");
    if (target >= 15) /* a newer engine's target: skipped */
        return VIGIL_OK;
    if (vg_offset_parse(f[2], &off, &why))
        return vg_load_error(ctx, "%s", why);
    if (vg_ignore_match(&eng->ignore, f[0], line))
        return VIGIL_OK;
    if (off.kind == VG_OFF_MACRO) /* a macro-group member: never alerts */
        index = VG_OWNER_LDB | vg_lsig_macro_owner((unsigned)target, off.sect);
    else if ((ret = vg_names_add(&eng->names, f[0], ctx->unofficial,
                                 &name)) ||
             (ret = vg_ndbs_add(&eng->ndbs, name, &index)))
        return ret;
    ret = vg_matcher_add(&eng->body, f[3], VG_PAT_NDB, &off,
                         (unsigned)target, index,
                         &why);
    if (ret == VIGIL_E_DB)
        return vg_load_error(ctx, "%s", why ? why : "bad pattern");
    if (ret == VIGIL_OK)
        ctx->nsigs++;
    return ret;
}
