// SPDX-License-Identifier: GPL-2.0-or-later
// verify.c: the scan side of the matcher: prefilter candidates, verification
// of whole patterns around them, and patterns pinned to an offset.
#include <string.h>

#include "match/matcher.h"
#include "match/matcher_private.h"
#include "match/prefilter.h"
#include "util/alloc.h"
#include "vigil/vigil.h"

/*
 * The Vectorscan scratch grows to fit a target's database the first time
 * that target is scanned: sizing it reads the whole database, and a scan
 * that never meets a PE file should not page in the PE database of a
 * mapped compiled file.
 */
struct vg_match_scratch {
    struct vg_pf_scratch *pf;
    uint32_t ready; /* bit t: pf fits target t's database; bit 16 + t:
                       the union database of targets 0 and t */
};

int vg_match_scratch_new(const struct vg_matcher *m,
                         struct vg_match_scratch **out)
{
    struct vg_match_scratch *s = vigil_calloc(1, sizeof *s);
    (void)m;
    if (!s)
        return VIGIL_E_NOMEM;
    *out = s;
    return VIGIL_OK;
}

/* Everything one scan's verification needs. */
struct vctx {
    const struct vg_matcher *m;
    const uint8_t *d;
    size_t len;
    const struct vg_exe_info *exe;
    vg_match_ex_fn fn;
    void *cookie;
    uint64_t budget;
    bool over_budget;
};

static bool seg_at(struct vctx *v, uint32_t si, uint64_t pos)
{
    if (v->budget == 0) {
        v->over_budget = true;
        return false;
    }
    v->budget--;
    return vg_seg_match(&v->m->ps, si, v->d, v->len, (size_t)pos);
}

/* Is @p start an allowed start for pattern @p pi? */
static bool start_ok(const struct vctx *v, uint32_t pi, uint64_t start)
{
    const struct vg_offset *o = &v->m->meta[pi].off;
    uint64_t lo, hi;
    if (o->kind == VG_OFF_ANY || o->kind == VG_OFF_MACRO)
        return true;
    if (o->kind == VG_OFF_VI) {
        for (uint32_t i = 0; v->exe && i < v->exe->nvinfo; i++)
            if (start == v->exe->vinfo[i].off)
                return true;
        return false;
    }
    if (!vg_offset_resolve(o, v->len, v->exe, &lo, &hi))
        return false;
    return start >= lo && start <= hi;
}

/* The exact byte segment @p si starts (@p at_end: ends) with, or -1:
 * placing it then jumps from one occurrence of that byte to the next
 * instead of testing every position of a long gap. */
static int edge_byte(const struct vg_patstore *ps, uint32_t si, bool at_end)
{
    const struct vg_seg *sg = &ps->segs[si];
    const struct vg_elem *e;
    if (sg->nelems == 0)
        return -1;
    e = &ps->elems[sg->first_elem + (at_end ? sg->nelems - 1 : 0)];
    return e->kind == VG_EL_BYTE && e->mask == 0xff && e->width == 1 ? e->val
                                                                     : -1;
}

/* Segments after k: the earliest placement that fits every gap.
 * @p end is where segment k ends; on success *out is the match end. */
static bool place_forward(struct vctx *v, const struct vg_pat *p, uint32_t k,
                          uint64_t end, uint64_t *out)
{
    const struct vg_seg *next;
    uint64_t lo, hi;
    int lead;
    if (k + 1 == p->nsegs) {
        *out = end;
        return true;
    }
    next = &v->m->ps.segs[p->first_seg + k + 1];
    lead = edge_byte(&v->m->ps, p->first_seg + k + 1, false);
    lo = end + next->gap_min;
    hi = next->gap_max == VG_GAP_INF ? v->len : end + next->gap_max;
    if (next->len > v->len)
        return false;
    if (hi > v->len - next->len)
        hi = v->len - next->len;
    for (uint64_t s = lo; s <= hi; s++) {
        if (lead >= 0) {
            const uint8_t *q = memchr(v->d + s, lead, (size_t)(hi - s + 1));
            if (!q)
                return false;
            s = (uint64_t)(q - v->d);
        }
        if (seg_at(v, p->first_seg + k + 1, s) &&
            place_forward(v, p, k + 1, s + next->len, out))
            return true;
    }
    return false;
}

/* Segments before k, latest placement first; segment k starts at @p start.
 * On success *out is the match start (segment 0's start). */
static bool place_backward(struct vctx *v, uint32_t pi, uint32_t k,
                           uint64_t start, uint64_t *out)
{
    const struct vg_pat *p = &v->m->ps.pats[pi];
    const struct vg_seg *cur = &v->m->ps.segs[p->first_seg + k], *prev;
    uint64_t lo_end, hi_end;
    int tail;
    if (k == 0) {
        *out = start;
        return start_ok(v, pi, start);
    }
    prev = &v->m->ps.segs[p->first_seg + k - 1];
    if (start < cur->gap_min + prev->len)
        return false;
    hi_end = start - cur->gap_min;
    lo_end = cur->gap_max == VG_GAP_INF || cur->gap_max > start
                 ? prev->len
                 : start - cur->gap_max;
    if (lo_end < prev->len)
        lo_end = prev->len;
    tail = edge_byte(&v->m->ps, p->first_seg + k - 1, true);
    for (uint64_t e = hi_end + 1; e-- > lo_end;) {
        if (tail >= 0) { /* the byte at e - 1, lo_end >= prev->len >= 1 */
            const uint8_t *q =
                memrchr(v->d + lo_end - 1, tail, (size_t)(e - lo_end + 1));
            if (!q)
                return false;
            e = (uint64_t)(q - v->d) + 1;
        }
        if (seg_at(v, p->first_seg + k - 1, e - prev->len) &&
            place_backward(v, pi, k - 1, e - prev->len, out))
            return true;
    }
    return false;
}

/* Segment k of pattern pi placed at @p pos: is there a whole match? */
static bool verify_at(struct vctx *v, uint32_t pi, uint32_t k, uint64_t pos,
                      uint64_t *start, uint64_t *end)
{
    const struct vg_pat *p = &v->m->ps.pats[pi];
    uint32_t si = p->first_seg + k;
    if (!seg_at(v, si, pos))
        return false;
    return place_backward(v, pi, k, pos, start) &&
           place_forward(v, p, k, pos + v->m->ps.segs[si].len, end);
}

static int report(struct vctx *v, uint32_t pi, uint64_t start, uint64_t end)
{
    const struct vg_pat *p = &v->m->ps.pats[pi];
    const struct vg_pat_meta *meta = &v->m->meta[pi];
    uint32_t last_len = v->m->ps.segs[p->first_seg + p->nsegs - 1].len;
    struct vg_match mt = {p->owner, pi, start, end,
                          end - last_len + meta->disc_off, meta->bm};
    if (meta->bm)
        mt.disc = start;
    return v->fn(v->cookie, &mt);
}

struct hitctx {
    struct vctx *v;
    uint32_t mask;
};

/* prefilter_pass(): a callback stopped the scan (not an error). */
enum { PF_STOPPED = 1 };

static int on_literal(void *cookie, uint32_t lit, uint64_t end)
{
    struct hitctx *h = cookie;
    struct vctx *v = h->v;
    const struct vg_matcher *m = v->m;
    for (uint32_t i = m->lit_first[lit]; i < m->lit_first[lit + 1]; i++) {
        const struct vg_atom *a = &m->atoms[i];
        uint64_t pos, s, e;
        if (!(h->mask & (1u << m->meta[a->pat].target)))
            continue;
        if (end < (uint64_t)a->len + a->at)
            continue;
        pos = end - a->len - a->at;
        if (verify_at(v, a->pat, a->seg - m->ps.pats[a->pat].first_seg, pos,
                      &s, &e) &&
            report(v, a->pat, s, e))
            return 1;
    }
    return v->over_budget;
}

/* The first start in [pos, hi] where pattern @p pi's leading exact byte
 * (if it has one) occurs; hi + 1 when there is none. */
static uint64_t next_lead(const struct vctx *v, uint32_t pi, uint64_t pos,
                          uint64_t hi)
{
    uint32_t si = v->m->ps.pats[pi].first_seg;
    int lead = edge_byte(&v->m->ps, si, false);
    const uint8_t *q;
    if (lead < 0 || pos > hi)
        return pos;
    if (pos == hi) /* the usual pin: one place, one byte to compare */
        return v->d[pos] == lead ? pos : hi + 1;
    q = memchr(v->d + pos, lead, (size_t)(hi - pos + 1));
    return q ? (uint64_t)(q - v->d) : hi + 1;
}

/* Pinned patterns: try every start the offset allows. */
static int scan_pinned(struct vctx *v, unsigned t)
{
    const struct vg_matcher *m = v->m;
    for (uint32_t i = 0; i < m->npinned[t]; i++) {
        uint32_t pi = m->pinned[t][i];
        uint64_t lo, hi, s, e;
        if (!vg_offset_resolve(&m->meta[pi].off, v->len, v->exe, &lo, &hi) ||
            lo >= v->len)
            continue;
        if (hi >= v->len)
            hi = v->len - 1;
        for (uint64_t pos = lo; (pos = next_lead(v, pi, pos, hi)) <= hi; pos++)
            if (verify_at(v, pi, 0, pos, &s, &e)) {
                if (report(v, pi, s, e))
                    return 1;
                break;
            }
    }
    return 0;
}

struct plain_cb {
    vg_match_fn fn;
    void *cookie;
};

static int plain_report(void *cookie, const struct vg_match *mt)
{
    const struct plain_cb *p = cookie;
    return p->fn(p->cookie, mt->owner, mt->start, mt->end);
}

static int scratch_for(struct vg_match_scratch *s,
                       const struct vg_prefilter *pf, uint32_t bit)
{
    int ret;
    if (s->ready & bit)
        return VIGIL_OK;
    ret = vg_pf_scratch_add(&s->pf, pf);
    if (ret == VIGIL_OK)
        s->ready |= bit;
    return ret;
}

static int prefilter_pass(const struct vg_prefilter *pf, uint32_t bit,
                          struct vg_match_scratch *s, struct hitctx *h,
                          struct vigil_span data)
{
    int ret = scratch_for(s, pf, bit);
    if (ret != VIGIL_OK)
        return ret;
    ret = vg_prefilter_scan(pf, s->pf, data.p, data.len, on_literal, h);
    if (ret == VIGIL_E_LIMIT)
        return h->v->over_budget ? VIGIL_E_LIMIT : PF_STOPPED;
    return ret;
}

/* The single target t >= 1 besides target 0 in @p mask, or 0. */
static unsigned union_target(const struct vg_matcher *m, uint32_t mask)
{
    uint32_t rest = mask & ~1u;
    unsigned t;
    if (!(mask & 1u) || rest == 0 || (rest & (rest - 1)) != 0)
        return 0;
    t = (unsigned)__builtin_ctz(rest);
    return m->pfu[t] ? t : 0;
}

void vg_match_scratch_free(struct vg_match_scratch **s)
{
    if (!s || !*s)
        return;
    vg_pf_scratch_free(&(*s)->pf);
    VIGIL_FREEP(s);
}

int vg_matcher_scan(const struct vg_matcher *m, struct vg_match_scratch *s,
                    struct vigil_span data, uint32_t target_mask,
                    const struct vg_exe_info *exe, vg_match_fn fn,
                    void *cookie)
{
    struct plain_cb p = {fn, cookie};
    return vg_matcher_scan_ex(m, s, data, target_mask, exe, plain_report, &p);
}

int vg_matcher_scan_ex(const struct vg_matcher *m, struct vg_match_scratch *s,
                       struct vigil_span data, uint32_t target_mask,
                       const struct vg_exe_info *exe, vg_match_ex_fn fn,
                       void *cookie)
{
    struct vctx v = {m, data.p, data.len, exe, fn, cookie, VG_VERIFY_BUDGET,
                     false};
    struct hitctx h = {&v, target_mask};
    unsigned u = union_target(m, target_mask);
    for (unsigned t = 0; t < VG_NTARGETS; t++) {
        int ret;
        if (!(target_mask & (1u << t)))
            continue;
        if (scan_pinned(&v, t))
            return v.over_budget ? VIGIL_E_LIMIT : VIGIL_OK;
        /* Targets 0 and u are searched together below. */
        if (u && (t == 0 || t == u))
            continue;
        if (!m->pf[t] || data.len == 0)
            continue;
        h.mask = 1u << t;
        ret = prefilter_pass(m->pf[t], 1u << t, s, &h, data);
        if (ret == PF_STOPPED)
            return VIGIL_OK;
        if (ret != VIGIL_OK)
            return ret;
    }
    if (u && data.len > 0) {
        int ret;
        h.mask = 1u | (1u << u);
        ret = prefilter_pass(m->pfu[u], 1u << (16 + u), s, &h, data);
        if (ret == PF_STOPPED)
            return VIGIL_OK;
        if (ret != VIGIL_OK)
            return ret;
    }
    return VIGIL_OK;
}
