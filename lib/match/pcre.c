// SPDX-License-Identifier: GPL-2.0-or-later
// pcre.c: PCRE subsignatures: flag parsing, compilation, and the search
// loop with ClamAV's offset, anchoring and global-match rules.
#include "match/pcre.h"

#include <stdio.h>

#include "vigil/vigil.h"

/*
 * PCRE2's interpreter, not its JIT: ClamAV 1.4 does not JIT, and the JIT
 * ignores the depth limit, so a pattern at the limit could match under
 * one and not the other. Measured cost on main.ldb: see LDB.md.
 */

static uint32_t pcre_option(char c)
{
    switch (c) {
    case 'i': return PCRE2_CASELESS;
    case 's': return PCRE2_DOTALL;
    case 'm': return PCRE2_MULTILINE;
    case 'x': return PCRE2_EXTENDED;
    case 'A': return PCRE2_ANCHORED;
    case 'E': return PCRE2_DOLLAR_ENDONLY;
    case 'U': return PCRE2_UNGREEDY;
    default: return 0;
    }
}

static uint8_t clam_flag(char c)
{
    switch (c) {
    case 'g': return VG_PCRE_GLOBAL;
    case 'e': return VG_PCRE_ENCOMPASS;
    case 'r': return VG_PCRE_ROLLING;
    default: return 0;
    }
}

int vg_pcre_flags(struct vigil_str flags, uint32_t *opts, uint8_t *cl,
                  const char **why)
{
    *opts = 0;
    *cl = 0;
    for (size_t i = 0; i < flags.len; i++) {
        uint32_t o = pcre_option(flags.p[i]);
        uint8_t f = clam_flag(flags.p[i]);
        if (!o && !f) {
            *why = "unknown PCRE flag";
            return 1;
        }
        *opts |= o;
        *cl |= f;
    }
    return 0;
}

int vg_pcre_compile(struct vigil_str regex, uint32_t opts, pcre2_code **out,
                    char *msg, size_t msgcap)
{
    int err = 0;
    PCRE2_SIZE erroff = 0;
    pcre2_code *re = pcre2_compile((PCRE2_SPTR)regex.p, regex.len, opts, &err,
                                   &erroff, NULL);
    if (!re) {
        PCRE2_UCHAR text[160];
        if (err == PCRE2_ERROR_NOMEMORY)
            return VIGIL_E_NOMEM;
        pcre2_get_error_message(err, text, sizeof text);
        snprintf(msg, msgcap, "%s at regex offset %zu", (const char *)text,
                 (size_t)erroff);
        return VIGIL_E_DB;
    }
    *out = re;
    return VIGIL_OK;
}

int vg_pcre_ctx_init(struct vg_pcre_ctx *c)
{
    c->md = pcre2_match_data_create(1, NULL);
    c->mc = pcre2_match_context_create(NULL);
    if (!c->md || !c->mc) {
        vg_pcre_ctx_free(c);
        return VIGIL_E_NOMEM;
    }
    pcre2_set_match_limit(c->mc, VG_PCRE_MATCH_LIMIT);
    pcre2_set_depth_limit(c->mc, VG_PCRE_DEPTH_LIMIT);
    return VIGIL_OK;
}

void vg_pcre_ctx_free(struct vg_pcre_ctx *c)
{
    pcre2_match_data_free(c->md);
    pcre2_match_context_free(c->mc);
    c->md = NULL;
    c->mc = NULL;
}

/* Where the search starts and how far a match may start past it. */
struct window {
    uint64_t at, shift;
    bool any;
};

/*
 * ClamAV's cli_pcre_recaloff(): '*' and VI search everywhere; n and
 * EOF-n are fixed; executable offsets need parsed headers. A $n$ offset
 * is an error there at scan time; here it simply never runs.
 */
static bool pcre_window(const struct vg_offset *o, uint64_t len,
                        const struct vg_exe_info *exe, struct window *w)
{
    uint64_t lo, hi;
    *w = (struct window){0, 0, false};
    switch (o->kind) {
    case VG_OFF_ANY:
    case VG_OFF_VI: w->any = true; return true;
    case VG_OFF_ABS:
        w->at = (uint64_t)o->n;
        w->shift = o->maxshift;
        return true;
    case VG_OFF_EOF:
        if ((uint64_t)o->n > len)
            return false;
        w->at = len - (uint64_t)o->n;
        w->shift = o->maxshift;
        return true;
    case VG_OFF_MACRO: return false;
    default:
        if (!exe || exe->kind == VG_EXE_NONE ||
            !vg_offset_resolve(o, len, exe, &lo, &hi))
            return false;
        w->at = lo;
        w->shift = hi - lo;
        return true;
    }
}

struct search {
    const struct vg_pcre *p;
    struct vg_pcre_ctx *ctx;
    const uint8_t *subject;
    size_t len;
    uint32_t options;
};

/* One pcre2_match(): @return 1 match (ovector in ctx->md), 0 none (or a
 * limit), <0 VIGIL_E_NOMEM. */
static int match_once(const struct search *s, size_t from)
{
    int rc = pcre2_match(s->p->re, s->subject, s->len, from, s->options,
                         s->ctx->md, s->ctx->mc);
    if (rc >= 0)
        return 1;
    return rc == PCRE2_ERROR_NOMEMORY ? VIGIL_E_NOMEM : 0;
}

int vg_pcre_run(const struct vg_pcre *p, struct vg_pcre_ctx *ctx,
                struct vigil_span data, const struct vg_exe_info *exe,
                vg_pcre_hit_fn hit, void *cookie)
{
    struct window w;
    struct search s;
    bool enc;
    size_t from = 0;
    int rc;
    if (!pcre_window(&p->off, data.len, exe, &w) || w.at >= data.len)
        return VIGIL_OK;
    enc = (p->flags & VG_PCRE_ENCOMPASS) && w.shift;
    s = (struct search){p, ctx, data.p + w.at, data.len - (size_t)w.at, 0};
    if (!(p->flags & VG_PCRE_ROLLING) && !w.shift && !w.any)
        s.options = PCRE2_ANCHORED;
    if (enc && w.shift < s.len)
        s.len = (size_t)w.shift;
    do {
        PCRE2_SIZE *ov;
        if ((rc = match_once(&s, from)) <= 0)
            return rc < 0 ? rc : VIGIL_OK;
        ov = pcre2_get_ovector_pointer(ctx->md);
        if (!enc && w.shift && ov[0] > w.shift)
            break;
        hit(cookie, w.at + ov[0]);
        /* ClamAV restarts at the match end; an empty match there would
         * loop until its scan-time limit. vigil stops instead. */
        if (ov[1] <= from)
            break;
        from = ov[1];
    } while ((p->flags & VG_PCRE_GLOBAL) && from < s.len);
    return VIGIL_OK;
}

int vg_pcre_encode(const pcre2_code **codes, uint32_t n, uint8_t **blob,
                   size_t *len)
{
    PCRE2_SIZE size = 0;
    *blob = NULL;
    *len = 0;
    if (n == 0)
        return VIGIL_OK;
    if (pcre2_serialize_encode(codes, (int32_t)n, blob, &size, NULL) < 0)
        return VIGIL_E_NOMEM;
    *len = size;
    return VIGIL_OK;
}

void vg_pcre_blob_free(uint8_t *blob)
{
    if (blob)
        pcre2_serialize_free(blob);
}

int vg_pcre_decode(const uint8_t *blob, size_t len, uint32_t n,
                   pcre2_code **codes)
{
    /* PCRE2 checks the blob's header (magic, version, build); the
     * database checksum guards the rest. */
    if (n == 0)
        return VIGIL_OK;
    if (len < 16 || pcre2_serialize_get_number_of_codes(blob) != (int32_t)n ||
        pcre2_serialize_decode(codes, (int32_t)n, blob, NULL) != (int32_t)n)
        return VIGIL_E_DB;
    return VIGIL_OK;
}
