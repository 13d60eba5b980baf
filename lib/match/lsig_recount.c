// SPDX-License-Identifier: GPL-2.0-or-later
// lsig_recount.c: counts a content subsignature the way ClamAV counts its
// matches: once per position where a valid chain of segments ends.
#include <string.h>

#include "match/lsig_private.h"
#include "util/alloc.h"
#include "vigil/vigil.h"

/*
 * ClamAV splits a pattern at '*' and {n-m} into parts; a match of the
 * last part that follows a valid chain of earlier parts counts once, with
 * the start of that chain's first part as its offset (LDB.md §3). The
 * matcher reports one match per prefilter hit instead, so counts that
 * matter are taken again here with one forward pass: for each segment a
 * queue of the ends of valid chains so far, oldest first.
 */

/* Segment tests one recount may spend on a pathological object. */
#define RECOUNT_BUDGET (256u * 1024u * 1024u)

struct chain_end {
    uint64_t end, start;
};

/* A FIFO of chain ends (a growable ring). */
struct queue {
    struct chain_end *v;
    uint32_t head, n, cap;
};

static int q_push(struct queue *q, struct chain_end e)
{
    if (q->n == q->cap) {
        uint32_t ncap = q->cap ? q->cap * 2 : 16;
        struct chain_end *v;
        if (q->cap > (1u << 30))
            return VIGIL_E_LIMIT;
        v = vigil_calloc(ncap, sizeof *v);
        if (!v)
            return VIGIL_E_NOMEM;
        for (uint32_t i = 0; i < q->n; i++)
            v[i] = q->v[(q->head + i) & (q->cap - 1)];
        vigil_free(q->v);
        q->v = v;
        q->cap = ncap;
        q->head = 0;
    }
    q->v[(q->head + q->n) & (q->cap - 1)] = e;
    q->n++;
    return VIGIL_OK;
}

static const struct chain_end *q_front(const struct queue *q)
{
    return q->n ? &q->v[q->head] : NULL;
}

static void q_pop(struct queue *q)
{
    q->head = (q->head + 1) & (q->cap - 1);
    q->n--;
}

struct recount {
    const struct vg_patstore *ps;
    const struct vg_pat *pat;
    struct vigil_span data;
    const struct vg_exe_info *exe;
    uint64_t lo, hi; /* allowed starts of the first segment */
    bool vi;         /* ...and only at VERSIONINFO strings */
    struct queue q[64];
    uint32_t nq;
    uint64_t budget;
    uint32_t key;
    struct vg_lsig_evbuf *out;
};

/* Is there a chain end e with gap_min <= pos - e <= gap_max? */
static bool chain_before(struct recount *r, uint32_t k, uint64_t pos,
                         uint64_t *start)
{
    const struct vg_seg *sg = &r->ps->segs[r->pat->first_seg + k];
    struct queue *q = &r->q[k - 1];
    const struct chain_end *f;
    while ((f = q_front(q)) && sg->gap_max != VG_GAP_INF &&
           f->end + sg->gap_max < pos)
        q_pop(q);
    if (!f || f->end + sg->gap_min > pos)
        return false;
    *start = f->start;
    return true;
}

static bool first_ok(const struct recount *r, uint64_t pos)
{
    if (pos < r->lo || pos > r->hi)
        return false;
    return !r->vi || (r->exe && vg_exe_vinfo_at(r->exe, pos));
}

/* Segment k at pos: a chain continues (queued) or completes (event). */
static int step(struct recount *r, uint32_t k, uint64_t pos)
{
    uint32_t si = r->pat->first_seg + k;
    const struct vg_seg *sg = &r->ps->segs[si];
    uint64_t start = pos;
    if (pos + sg->len > r->data.len)
        return VIGIL_OK;
    if (k == 0 ? !first_ok(r, pos) : !chain_before(r, k, pos, &start))
        return VIGIL_OK;
    if (r->budget-- == 0)
        return VIGIL_E_LIMIT;
    if (!vg_seg_match(r->ps, si, r->data.p, r->data.len, (size_t)pos))
        return VIGIL_OK;
    if (k + 1 == r->pat->nsegs) {
        struct vg_lsig_event e = {r->key, r->pat->nsegs > 1, start,
                                  pos + sg->len};
        return vg_lsig_evbuf_push(r->out, e);
    }
    /* Before an unbounded gap only the oldest chain end matters. */
    if (r->ps->segs[si + 1].gap_max == VG_GAP_INF && r->q[k].n)
        return VIGIL_OK;
    return q_push(&r->q[k], (struct chain_end){pos + sg->len, start});
}

static bool chains_pending(const struct recount *r)
{
    for (uint32_t k = 0; k < r->nq; k++)
        if (r->q[k].n)
            return true;
    return false;
}

/* The first segment's first byte when it is an exact literal, else -1. */
static int first_literal(const struct recount *r)
{
    const struct vg_seg *sg = &r->ps->segs[r->pat->first_seg];
    const struct vg_elem *e;
    if (sg->nelems == 0)
        return -1;
    e = &r->ps->elems[sg->first_elem];
    return e->kind == VG_EL_BYTE && e->mask == 0xff ? e->val : -1;
}

/* With no chain under way, jump to the next place the first segment can
 * start (a plain memchr for a literal first byte). */
static uint64_t next_start(const struct recount *r, uint64_t pos, int lit)
{
    const uint8_t *hit;
    if (lit < 0 || pos >= r->data.len || chains_pending(r))
        return pos;
    hit = memchr(r->data.p + pos, lit, (size_t)(r->data.len - pos));
    return hit ? (uint64_t)(hit - r->data.p) : r->data.len;
}

static int walk(struct recount *r)
{
    int ret = VIGIL_OK, lit = first_literal(r);
    for (uint64_t pos = r->lo; pos <= r->data.len && ret == VIGIL_OK; pos++) {
        pos = next_start(r, pos, lit);
        if (pos > r->hi && !chains_pending(r))
            break;
        for (uint32_t k = 0; k < r->pat->nsegs && ret == VIGIL_OK; k++)
            ret = step(r, k, pos);
    }
    return ret;
}

/* The starts the pattern's offset allows. */
static bool start_range(struct recount *r, const struct vg_offset *o)
{
    r->lo = 0;
    r->hi = r->data.len;
    r->vi = o->kind == VG_OFF_VI;
    if (o->kind == VG_OFF_ANY || o->kind == VG_OFF_MACRO || r->vi)
        return true;
    return vg_offset_resolve(o, r->data.len, r->exe, &r->lo, &r->hi);
}

static int recount_pattern(const struct vg_matcher *m, uint32_t pi,
                           struct recount *r)
{
    int ret = VIGIL_OK;
    r->pat = &m->ps.pats[pi];
    if (r->pat->nsegs == 0 || r->pat->nsegs > 64)
        return VIGIL_OK;
    r->nq = r->pat->nsegs - 1;
    memset(r->q, 0, sizeof r->q);
    if (start_range(r, &m->meta[pi].off))
        ret = walk(r);
    for (uint32_t k = 0; k < r->nq; k++)
        vigil_free(r->q[k].v);
    return ret;
}

int vg_lsig_recount(const struct vg_lsigs *db, uint32_t sub,
                    struct vigil_span data, const struct vg_exe_info *exe,
                    struct vg_lsig_evbuf *out)
{
    const struct vg_lsig_sub *ls = &db->subs[sub];
    const struct vg_matcher *m = db->impl->body;
    struct recount r;
    int ret = VIGIL_OK;
    memset(&r, 0, sizeof r);
    r.ps = &m->ps;
    r.data = data;
    r.exe = exe;
    r.budget = RECOUNT_BUDGET;
    r.key = sub;
    r.out = out;
    for (uint32_t i = 0; i < ls->npat && ret == VIGIL_OK; i++)
        ret = recount_pattern(m, ls->aux + i, &r);
    return ret;
}
