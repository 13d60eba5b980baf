// SPDX-License-Identifier: GPL-2.0-or-later
// matcher.c: pattern bookkeeping, atom selection and prefilter building.
// The scan side (candidates, verification) is in verify.c.
#include "match/matcher.h"

#include <stdlib.h>
#include <string.h>

#include "match/matcher_private.h"
#include "match/prefilter.h"
#include "util/alloc.h"
#include "vigil/vigil.h"

static bool is_pinned(const struct vg_pat_meta *meta);
static bool searchable(const struct vg_patstore *ps, uint32_t pi);

void vg_matcher_init(struct vg_matcher *m)
{
    memset(m, 0, sizeof *m);
    vg_patstore_init(&m->ps);
}

void vg_matcher_free(struct vg_matcher *m)
{
    for (int t = 0; t < VG_NTARGETS; t++) {
        vg_prefilter_free(&m->pf[t]);
        vg_prefilter_free(&m->pfu[t]);
        vigil_free(m->pinned[t]);
    }
    vigil_free(m->atoms);
    vigil_free(m->lit_first);
    vigil_free(m->meta);
    vg_patstore_free(&m->ps);
    memset(m, 0, sizeof *m);
}

uint32_t vg_matcher_count(const struct vg_matcher *m)
{
    return m->ps.npats;
}

void vg_matcher_mark(const struct vg_matcher *m, struct vg_matcher_mark *mk)
{
    vg_patstore_mark(&m->ps, &mk->ps);
}

void vg_matcher_rollback(struct vg_matcher *m,
                         const struct vg_matcher_mark *mk)
{
    vg_patstore_rollback(&m->ps, &mk->ps);
}

int vg_matcher_add(struct vg_matcher *m, struct vigil_str hex, unsigned flags,
                   const struct vg_offset *off, unsigned target,
                   uint32_t owner, const char **err)
{
    uint32_t first, count;
    int ret;
    if (m->compiled)
        return VIGIL_E_STATE;
    if (target >= VG_NTARGETS) {
        *err = "target out of range";
        return VIGIL_E_DB;
    }
    ret = vg_pattern_parse(&m->ps, hex, flags, owner, &first, &count, err);
    if (ret != VIGIL_OK)
        return ret;
    if (m->ps.npats > m->cap_meta) {
        uint32_t ncap = m->cap_meta ? m->cap_meta : 256;
        void *p;
        while (ncap < m->ps.npats)
            ncap *= 2;
        p = vigil_reallocarray(m->meta, ncap, sizeof *m->meta);
        if (!p) {
            m->ps.npats = first;
            return VIGIL_E_NOMEM;
        }
        m->meta = p;
        m->cap_meta = ncap;
    }
    for (uint32_t i = first; i < first + count; i++) {
        memset(&m->meta[i], 0, sizeof m->meta[i]); /* lazy etc. unset */
        m->meta[i].off = *off;
        m->meta[i].target = (uint8_t)target;
        if (!is_pinned(&m->meta[i]) && !searchable(&m->ps, i)) {
            m->ps.npats = first;
            *err = "pattern has no literal byte to search for";
            return VIGIL_E_DB;
        }
    }
    return VIGIL_OK;
}

/* ---- atoms ---------------------------------------------------------------- */

/*
 * Rarity of a byte in ordinary files, as a weight: the prefilter's cost is
 * in candidates, so an atom of rare bytes is worth more than a longer one
 * of zeros and spaces.
 */
static unsigned byte_weight(uint8_t b)
{
    if (b == 0x00 || b == 0xff)
        return 1;
    if (b == 0x20 || (b >= 'a' && b <= 'z') || b == 0x01 || b == 0x0a ||
        b == 0x0d || (b >= '0' && b <= '9'))
        return 3;
    if (b >= 'A' && b <= 'Z')
        return 4;
    return 6;
}

/* Is element e part of a literal run (exact byte, or a letter in a
 * case-insensitive pattern)? */
static bool literal_elem(const struct vg_elem *e)
{
    return (e->kind == VG_EL_BYTE && e->mask == 0xff) ||
           e->kind == VG_EL_NOCASE;
}

struct atom_pick {
    uint32_t seg, elem, at, len; /* elem: first element; at: byte offset */
    unsigned score;
    bool nocase;
};

/* Best window of the literal run elems[from, to) of segment si. Element
 * offsets equal byte offsets here: literal elements are one byte wide. */
static void pick_in_run(const struct vg_patstore *ps, uint32_t si,
                        uint32_t run_off, uint32_t from, uint32_t to,
                        struct atom_pick *best)
{
    const struct vg_seg *sg = &ps->segs[si];
    for (uint32_t s = from; s < to; s++) {
        const struct vg_elem *e = &ps->elems[sg->first_elem + s];
        unsigned score = 1;
        bool nocase = false;
        uint32_t len;
        for (len = 0; len < VG_ATOM_MAX && s + len < to; len++) {
            const struct vg_elem *x = &ps->elems[sg->first_elem + s + len];
            score += byte_weight(x->val) * 4;
            nocase |= x->kind == VG_EL_NOCASE;
        }
        /* Debian's Vectorscan 5.4.9 rejects literals that start with NUL;
         * such atoms go through its regex compiler instead (slower to
         * build), so they are taken only when nothing else exists. */
        if (e->val == 0)
            score = 1 + (score > 1 ? 1 : 0);
        if (score > best->score) {
            *best = (struct atom_pick){si, sg->first_elem + s,
                                       run_off + (s - from), len, score,
                                       nocase};
        }
    }
}

/* Walk the segments' elements, finding maximal literal runs. */
static bool pick_atom(const struct vg_patstore *ps, const struct vg_pat *p,
                      struct atom_pick *best)
{
    memset(best, 0, sizeof *best);
    for (uint32_t k = 0; k < p->nsegs; k++) {
        uint32_t si = p->first_seg + k, off = 0, run_start = 0, run_off = 0;
        const struct vg_seg *sg = &ps->segs[si];
        bool in_run = false;
        for (uint32_t e = 0; e <= sg->nelems; e++) {
            const struct vg_elem *el =
                e < sg->nelems ? &ps->elems[sg->first_elem + e] : NULL;
            bool lit = el && literal_elem(el);
            if (lit && !in_run) {
                in_run = true;
                run_start = e;
                run_off = off;
            } else if (!lit && in_run) {
                in_run = false;
                pick_in_run(ps, si, run_off, run_start, e, best);
            }
            if (el)
                off += el->width;
        }
    }
    return best->len > 0;
}

/* A pattern pinned to a fixed offset is checked there, not searched. */
static bool is_pinned(const struct vg_pat_meta *meta)
{
    switch (meta->off.kind) {
    case VG_OFF_ABS:
    case VG_OFF_EOF:
    case VG_OFF_EP:
    case VG_OFF_SECT:
    case VG_OFF_SL:
        return meta->off.maxshift <= VG_PIN_MAX_SHIFT;
    default:
        return false;
    }
}

static void atom_fill(const struct vg_matcher *m, uint32_t pi,
                      const struct atom_pick *pk, struct vg_atom *a)
{
    memset(a, 0, sizeof *a);
    a->pat = pi;
    a->seg = pk->seg;
    a->at = pk->at;
    a->len = (uint8_t)pk->len;
    a->nocase = pk->nocase;
    for (uint32_t i = 0; i < pk->len; i++)
        a->bytes[i] = m->ps.elems[pk->elem + i].val;
}

static int cmp_atom(const void *x, const void *y)
{
    const struct vg_atom *a = x, *b = y;
    int c;
    if (a->nocase != b->nocase)
        return a->nocase - b->nocase;
    if (a->len != b->len)
        return a->len - b->len;
    c = memcmp(a->bytes, b->bytes, a->len);
    if (c)
        return c;
    return a->pat < b->pat ? -1 : a->pat > b->pat;
}

static int add_pinned(struct vg_matcher *m, uint32_t pi)
{
    unsigned t = m->meta[pi].target;
    void *p = vigil_reallocarray(m->pinned[t], m->npinned[t] + 1,
                                 sizeof *m->pinned[t]);
    if (!p)
        return VIGIL_E_NOMEM;
    m->pinned[t] = p;
    m->pinned[t][m->npinned[t]++] = pi;
    return VIGIL_OK;
}

/*
 * ClamAV's Boyer-Moore matcher takes .ndb-style patterns that are plain
 * bytes of at least 3 (no wildcards, classes, case folding or gaps); the
 * others go to its Aho-Corasick trie, which notices a match once it has
 * read up to 3 literal bytes of the last part's leading run.
 */
static void order_info(const struct vg_patstore *ps, uint32_t pi,
                       struct vg_pat_meta *meta)
{
    const struct vg_pat *p = &ps->pats[pi];
    const struct vg_seg *last = &ps->segs[p->first_seg + p->nsegs - 1];
    uint32_t at = 0, run_start = 0, run = 0, first_lit = UINT32_MAX;
    bool plain = p->nsegs == 1, found = false;
    for (uint32_t e = 0; e < last->nelems; e++) {
        const struct vg_elem *el = &ps->elems[last->first_elem + e];
        bool lit = el->kind == VG_EL_BYTE && el->mask == 0xff;
        plain = plain && lit;
        if (lit && first_lit == UINT32_MAX)
            first_lit = at;
        if (lit && !found) {
            run_start = run ? run_start : at;
            found = ++run >= 3;
        } else if (!found) {
            found = run >= 2;
            run = found ? run : 0;
        }
        at += el->width;
    }
    meta->bm = plain && last->len >= 3;
    if (run >= 2)
        meta->disc_off = run_start + (run < 3 ? run : 3);
    else
        meta->disc_off = first_lit == UINT32_MAX ? 1 : first_lit + 1;
}

static int choose_atoms(struct vg_matcher *m, const char **err)
{
    m->atoms = vigil_calloc(m->ps.npats ? m->ps.npats : 1, sizeof *m->atoms);
    if (!m->atoms)
        return VIGIL_E_NOMEM;
    for (uint32_t pi = 0; pi < m->ps.npats; pi++) {
        struct atom_pick pk;
        int ret;
        order_info(&m->ps, pi, &m->meta[pi]);
        if (is_pinned(&m->meta[pi])) {
            if ((ret = add_pinned(m, pi)) != VIGIL_OK)
                return ret;
            continue;
        }
        if (!pick_atom(&m->ps, &m->ps.pats[pi], &pk)) {
            *err = "pattern has no literal byte to search for";
            return VIGIL_E_DB;
        }
        if (m->meta[pi].lazy)
            continue; /* counted on demand, not searched */
        atom_fill(m, pi, &pk, &m->atoms[m->natoms++]);
    }
    qsort(m->atoms, m->natoms, sizeof *m->atoms, cmp_atom);
    return VIGIL_OK;
}

static bool same_literal(const struct vg_atom *a, const struct vg_atom *b)
{
    return a->nocase == b->nocase && a->len == b->len &&
           memcmp(a->bytes, b->bytes, a->len) == 0;
}

/* Unique literals: lit_first[i] is the first atom of literal i. */
static int group_literals(struct vg_matcher *m)
{
    m->lit_first = vigil_calloc(m->natoms + 1u, sizeof *m->lit_first);
    if (!m->lit_first)
        return VIGIL_E_NOMEM;
    for (uint32_t i = 0; i < m->natoms; i++)
        if (i == 0 || !same_literal(&m->atoms[i - 1], &m->atoms[i]))
            m->lit_first[m->nlits++] = i;
    m->lit_first[m->nlits] = m->natoms;
    return VIGIL_OK;
}

static bool literal_has_target(const struct vg_matcher *m, uint32_t lit,
                               unsigned t)
{
    for (uint32_t a = m->lit_first[lit]; a < m->lit_first[lit + 1]; a++)
        if (m->meta[m->atoms[a].pat].target == t)
            return true;
    return false;
}

/* The literals of target @p t (and of target 0 too when @p with0). */
static uint32_t collect_literals(const struct vg_matcher *m, unsigned t,
                                 bool with0, struct vg_pf_literal *lits)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < m->nlits; i++) {
        const struct vg_atom *a = &m->atoms[m->lit_first[i]];
        if (!literal_has_target(m, i, t) &&
            !(with0 && literal_has_target(m, i, 0)))
            continue;
        lits[n++] = (struct vg_pf_literal){a->bytes, a->len, a->nocase, i};
    }
    return n;
}

static int build_target(struct vg_matcher *m, unsigned t,
                        struct vg_pf_literal *lits, const char **err)
{
    uint32_t n = collect_literals(m, t, false, lits);
    int ret;
    m->lits_per_target[t] = n;
    if (n == 0)
        return VIGIL_OK;
    ret = vg_prefilter_build(lits, n, &m->pf[t], err);
    if (ret != VIGIL_OK || t == 0 || !m->pf[0])
        return ret;
    n = collect_literals(m, t, true, lits);
    return vg_prefilter_build(lits, n, &m->pfu[t], err);
}

unsigned vg_matcher_atom_len(const struct vg_matcher *m, uint32_t pi)
{
    struct atom_pick pk;
    if (pi >= m->ps.npats || is_pinned(&m->meta[pi]) ||
        !pick_atom(&m->ps, &m->ps.pats[pi], &pk))
        return 0;
    return pk.len;
}

/* Can the pattern be searched for (does it have a literal byte)? */
static bool searchable(const struct vg_patstore *ps, uint32_t pi)
{
    struct atom_pick pk;
    return pick_atom(ps, &ps->pats[pi], &pk);
}

int vg_matcher_compile(struct vg_matcher *m, const char **err)
{
    struct vg_pf_literal *lits = NULL;
    int ret;
    *err = NULL;
    if (m->compiled)
        return VIGIL_E_STATE;
    if ((ret = choose_atoms(m, err)) != VIGIL_OK ||
        (ret = group_literals(m)) != VIGIL_OK)
        return ret;
    lits = vigil_calloc(m->nlits ? m->nlits : 1, sizeof *lits);
    if (!lits)
        return VIGIL_E_NOMEM;
    for (unsigned t = 0; t < VG_NTARGETS && ret == VIGIL_OK; t++)
        ret = build_target(m, t, lits, err);
    vigil_free(lits);
    m->compiled = ret == VIGIL_OK;
    return ret;
}
