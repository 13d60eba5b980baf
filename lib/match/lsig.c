// SPDX-License-Identifier: GPL-2.0-or-later
// lsig.c: logical signatures: the tables (add, mark, roll back, compile)
// and the per-scan match record fed by the matcher.
#include "match/lsig.h"

#include <stdlib.h>
#include <string.h>

#include "db/bodysigs.h"
#include "match/lsig_private.h"
#include "util/alloc.h"
#include "vigil/vigil.h"

/* Grow *arr (of *cap elements of @p size) to hold @p need. */
static int grow(void **arr, uint32_t *cap, uint32_t need, size_t size)
{
    uint32_t ncap = *cap ? *cap : 64;
    void *p;
    if (need <= *cap)
        return VIGIL_OK;
    while (ncap < need) {
        if (ncap > UINT32_MAX / 2)
            return VIGIL_E_LIMIT;
        ncap *= 2;
    }
    p = vigil_reallocarray(*arr, ncap, size);
    if (!p)
        return VIGIL_E_NOMEM;
    *arr = p;
    *cap = ncap;
    return VIGIL_OK;
}

#define GROW(arr, cap, need)                                                   \
    grow((void **)&(arr), &(cap), (need), sizeof *(arr))

void vg_lsigs_init(struct vg_lsigs *db)
{
    memset(db, 0, sizeof *db);
}

static void free_pcres(struct vg_lsigs_impl *im, uint32_t from)
{
    for (uint32_t i = from; i < im->npcre; i++)
        pcre2_code_free(im->pcres[i].p.re);
    im->npcre = from;
}

void vg_lsigs_free(struct vg_lsigs *db)
{
    struct vg_lsigs_impl *im = db->impl;
    if (im) {
        free_pcres(im, 0);
        vigil_free(im->prog);
        vigil_free(im->tdbs);
        vigil_free(im->pcres);
        vigil_free(im->bcomps);
        vigil_free(im->macros);
        vigil_free(im->always);
        vigil_free(im);
    }
    vigil_free(db->sigs);
    vigil_free(db->subs);
    memset(db, 0, sizeof *db);
}

void vg_lsigs_mark(const struct vg_lsigs *db, struct vg_lsigs_mark *m)
{
    const struct vg_lsigs_impl *im = db->impl;
    memset(m, 0, sizeof *m);
    m->n = db->n;
    m->nsubs = db->nsubs;
    if (im) {
        m->nprog = im->nprog;
        m->ntdb = im->ntdb;
        m->npcre = im->npcre;
        m->nbcomp = im->nbcomp;
        m->nmacro = im->nmacro;
    }
}

void vg_lsigs_rollback(struct vg_lsigs *db, const struct vg_lsigs_mark *m)
{
    struct vg_lsigs_impl *im = db->impl;
    db->n = m->n;
    db->nsubs = m->nsubs;
    if (!im)
        return;
    free_pcres(im, m->npcre);
    im->nprog = m->nprog;
    im->ntdb = m->ntdb;
    im->nbcomp = m->nbcomp;
    im->nmacro = m->nmacro;
}

/* ---- adding ---------------------------------------------------------------
 */

static struct vg_lsig *current(struct vg_lsigs *db)
{
    return &db->sigs[db->n - 1];
}

static int add_prog(struct vg_lsigs_impl *im, const struct vg_lx_prog *p,
                    uint32_t *at)
{
    int ret;
    if (p->n > UINT32_MAX - im->nprog)
        return VIGIL_E_LIMIT;
    if ((ret = GROW(im->prog, im->cap_prog, im->nprog + p->n)))
        return ret;
    memcpy(im->prog + im->nprog, p->code, p->n * sizeof *p->code);
    *at = im->nprog;
    im->nprog += p->n;
    return VIGIL_OK;
}

static int add_tdb(struct vg_lsigs_impl *im, const struct vg_lsig_tdb *tdb,
                   uint32_t *at)
{
    int ret;
    *at = VG_LSIG_NO_TDB;
    if (!tdb->has)
        return VIGIL_OK;
    if ((ret = GROW(im->tdbs, im->cap_tdb, im->ntdb + 1)))
        return ret;
    im->tdbs[im->ntdb] = *tdb;
    *at = im->ntdb++;
    return VIGIL_OK;
}

static int reserve_sig(struct vg_lsigs *db, unsigned nsubs)
{
    int ret;
    if (!db->impl && !(db->impl = vigil_calloc(1, sizeof *db->impl)))
        return VIGIL_E_NOMEM;
    if (db->nsubs + (uint64_t)nsubs >= VG_LSIG_MACRO_BASE)
        return VIGIL_E_LIMIT;
    if ((ret = GROW(db->sigs, db->cap, db->n + 1)))
        return ret;
    return GROW(db->subs, db->cap_subs, db->nsubs + nsubs);
}

int vg_lsigs_begin(struct vg_lsigs *db, struct vg_matcher *body, uint32_t name,
                   const struct vg_lsig_tdb *tdb, const struct vg_lx_prog *expr,
                   unsigned nsubs)
{
    struct vg_lsig s;
    int ret;
    if (nsubs == 0 || nsubs > 64)
        return VIGIL_E_ARG;
    if ((ret = reserve_sig(db, nsubs)))
        return ret;
    memset(&s, 0, sizeof s);
    s.name = name;
    s.first_sub = db->nsubs;
    s.nsubs = (uint8_t)nsubs;
    s.target = tdb->target;
    s.nprog = expr->n;
    s.flags = expr->zero_true ? VG_LSIGF_ALWAYS : 0;
    if ((ret = add_prog(db->impl, expr, &s.prog)) ||
        (ret = add_tdb(db->impl, tdb, &s.tdb)))
        return ret;
    db->impl->body = body;
    db->impl->sensitive = expr->sensitive;
    db->impl->next_sub = 0;
    db->sigs[db->n++] = s;
    return VIGIL_OK;
}

/* The next subsignature slot of the current signature. */
static struct vg_lsig_sub *next_sub(struct vg_lsigs *db, uint8_t kind,
                                    uint32_t aux)
{
    struct vg_lsig_sub *sub = &db->subs[db->nsubs];
    memset(sub, 0, sizeof *sub);
    sub->sig = db->n - 1;
    sub->kind = kind;
    sub->aux = aux;
    db->impl->next_sub++;
    db->nsubs++;
    return sub;
}

/* Does counting this content subsignature like ClamAV need a recount? */
static bool needs_recount(const struct vg_matcher *m, uint32_t first,
                          uint32_t n, const struct vg_offset *off)
{
    for (uint32_t i = first; i < first + n; i++)
        if (m->ps.pats[i].nsegs > 1)
            return true;
    /* The matcher reports one match per pinned offset range. */
    return off->maxshift && off->kind != VG_OFF_ANY && off->kind != VG_OFF_SE &&
           off->kind != VG_OFF_VI && off->kind != VG_OFF_MACRO;
}

int vg_lsigs_add_content(struct vg_lsigs *db, struct vigil_str hex,
                         unsigned flags, const struct vg_offset *off,
                         const char **why)
{
    struct vg_matcher *m = db->impl->body;
    uint32_t first = vg_matcher_count(m), owner = db->nsubs;
    struct vg_lsig_sub *sub;
    int ret = vg_matcher_add(m, hex, flags, off, current(db)->target,
                             VG_OWNER_LDB | owner, why);
    if (ret != VIGIL_OK)
        return ret;
    sub = next_sub(db, VG_LSUB_CONTENT, first);
    sub->npat = (uint16_t)(vg_matcher_count(m) - first);
    if (needs_recount(m, first, sub->npat, off))
        sub->flags |= VG_LSUBF_MULTI;
    return VIGIL_OK;
}

static int add_trigger(struct vg_lsigs *db, const struct vg_lx_prog *trig,
                       struct vg_lsig_pcre *e)
{
    e->bypass = trig == NULL;
    if (e->bypass) {
        current(db)->flags |= VG_LSIGF_ALWAYS;
        return VIGIL_OK;
    }
    e->ntrig = trig->n;
    db->impl->sensitive |= trig->sensitive;
    if (trig->zero_true)
        current(db)->flags |= VG_LSIGF_ALWAYS;
    return add_prog(db->impl, trig, &e->trig);
}

int vg_lsigs_add_pcre(struct vg_lsigs *db, const struct vg_lx_prog *trigger,
                      const struct vg_pcre *p)
{
    struct vg_lsigs_impl *im = db->impl;
    struct vg_lsig_pcre e;
    int ret;
    memset(&e, 0, sizeof e);
    e.p = *p;
    if ((ret = GROW(im->pcres, im->cap_pcre, im->npcre + 1)) ||
        (ret = add_trigger(db, trigger, &e))) {
        pcre2_code_free(p->re);
        return ret;
    }
    im->pcres[im->npcre] = e;
    next_sub(db, VG_LSUB_PCRE, im->npcre++);
    current(db)->flags |= VG_LSIGF_PCRE;
    return VIGIL_OK;
}

int vg_lsigs_add_bcomp(struct vg_lsigs *db, const struct vg_bcomp *bc)
{
    struct vg_lsigs_impl *im = db->impl;
    int ret = GROW(im->bcomps, im->cap_bcomp, im->nbcomp + 1);
    if (ret)
        return ret;
    im->bcomps[im->nbcomp] = *bc;
    next_sub(db, VG_LSUB_BCOMP, im->nbcomp++);
    current(db)->flags |= VG_LSIGF_BCOMP;
    return VIGIL_OK;
}

int vg_lsigs_add_macro(struct vg_lsigs *db, uint32_t min, uint32_t max,
                       unsigned group)
{
    struct vg_lsigs_impl *im = db->impl;
    int ret = GROW(im->macros, im->cap_macro, im->nmacro + 1);
    if (ret)
        return ret;
    im->macros[im->nmacro] = (struct vg_lsig_macro){min, max, (uint8_t)group};
    /* ClamAV links a macro to the subsignature before it. */
    if (im->next_sub > 0)
        db->subs[db->nsubs - 1].flags |= VG_LSUBF_LINKED;
    next_sub(db, VG_LSUB_MACRO, im->nmacro++);
    current(db)->flags |= VG_LSIGF_MACRO;
    return VIGIL_OK;
}

int vg_lsigs_add_never(struct vg_lsigs *db)
{
    next_sub(db, VG_LSUB_NEVER, 0);
    return VIGIL_OK;
}

static void set_mode(struct vg_lsig_sub *sub)
{
    bool multi = sub->flags & VG_LSUBF_MULTI;
    if (sub->flags & VG_LSUBF_LINKED)
        sub->mode = multi ? VG_LMODE_RECOUNT : VG_LMODE_EVENTS;
    else if (sub->flags & VG_LSUBF_EXACT)
        sub->mode = multi ? VG_LMODE_RECOUNT : VG_LMODE_DIRECT;
    else
        sub->mode = multi ? VG_LMODE_HIT : VG_LMODE_DIRECT;
}

/* Which counts must be exact: those the expressions compare, those
 * byte compares read the offset of, those macros follow. */
int vg_lsigs_end(struct vg_lsigs *db)
{
    struct vg_lsig *s = current(db);
    struct vg_lsig_sub *subs = &db->subs[s->first_sub];
    uint64_t exact = db->impl->sensitive;
    if (db->impl->next_sub != s->nsubs)
        return VIGIL_E_ARG;
    for (unsigned j = 0; j < s->nsubs; j++) {
        const struct vg_bcomp *bc;
        if (subs[j].kind != VG_LSUB_BCOMP)
            continue;
        bc = &db->impl->bcomps[subs[j].aux];
        if (bc->ref >= 0 && bc->ref < 64)
            exact |= (uint64_t)1 << bc->ref;
    }
    for (unsigned j = 0; j < s->nsubs; j++) {
        if (exact & ((uint64_t)1 << j))
            subs[j].flags |= VG_LSUBF_EXACT;
        if (subs[j].kind != VG_LSUB_CONTENT)
            continue;
        set_mode(&subs[j]);
        if (subs[j].mode == VG_LMODE_RECOUNT)
            s->flags |= VG_LSIGF_RECOUNT;
    }
    return VIGIL_OK;
}

/*
 * ClamAV runs byte compares only in a matcher root that holds a partial
 * (multi-part) pattern; root 0 always does (its built-in file type
 * signatures). vigil counts patterns of several segments.
 */
static uint32_t partial_targets(const struct vg_matcher *m)
{
    uint32_t mask = 1u;
    for (uint32_t i = 0; m && i < m->ps.npats; i++)
        if (m->ps.pats[i].nsegs > 1 && m->meta[i].target < 32)
            mask |= 1u << m->meta[i].target;
    return mask;
}

int vg_lsigs_compile(struct vg_lsigs *db, const char **why)
{
    struct vg_lsigs_impl *im = db->impl;
    uint32_t n = 0;
    (void)why;
    if (!im)
        return VIGIL_OK;
    im->partial_targets = partial_targets(im->body);
    vg_lsigs_choose_lazy(db);
    vigil_free(im->always);
    im->always = NULL;
    im->nalways = 0;
    for (uint32_t i = 0; i < db->n; i++)
        n += (db->sigs[i].flags & VG_LSIGF_ALWAYS) != 0;
    if (n == 0)
        return VIGIL_OK;
    if (!(im->always = vigil_calloc(n, sizeof *im->always)))
        return VIGIL_E_NOMEM;
    for (uint32_t i = 0; i < db->n; i++)
        if (db->sigs[i].flags & VG_LSIGF_ALWAYS)
            im->always[im->nalways++] = i;
    return VIGIL_OK;
}

/* ---- per-scan state --------------------------------------------------- */

int vg_lsig_evbuf_push(struct vg_lsig_evbuf *b, struct vg_lsig_event e)
{
    int ret;
    if (b->n >= VG_LSIG_MAX_EVENTS) {
        b->overflow = true;
        return VIGIL_OK;
    }
    if ((ret = GROW(b->v, b->cap, b->n + 1)))
        return ret;
    b->v[b->n++] = e;
    return VIGIL_OK;
}

static int cmp_event(const void *x, const void *y)
{
    const struct vg_lsig_event *a = x, *b = y;
    if (a->end != b->end)
        return a->end < b->end ? -1 : 1;
    if (a->start != b->start)
        return a->start < b->start ? -1 : 1;
    return a->key < b->key ? -1 : a->key > b->key;
}

void vg_lsig_evbuf_sort(struct vg_lsig_evbuf *b)
{
    if (b->n > 1)
        qsort(b->v, b->n, sizeof *b->v, cmp_event);
}

void vg_lsig_scan_free(struct vg_lsig_scan **sp)
{
    struct vg_lsig_scan *s;
    if (!sp || !*sp)
        return;
    s = *sp;
    vigil_free(s->sub_epoch);
    vigil_free(s->cnt);
    vigil_free(s->last);
    vigil_free(s->sig_epoch);
    vigil_free(s->dirty);
    vigil_free(s->ev.v);
    vigil_free(s->tmp.v);
    vg_pcre_ctx_free(&s->pcre);
    VIGIL_FREEP(sp);
}

int vg_lsig_scan_new(const struct vg_lsigs *db, struct vg_lsig_scan **out)
{
    struct vg_lsig_scan *s = vigil_calloc(1, sizeof *s);
    size_t ns = db->nsubs ? db->nsubs : 1, ng = db->n ? db->n : 1;
    if (!s)
        return VIGIL_E_NOMEM;
    s->db = db;
    s->epoch = 1;
    s->sub_epoch = vigil_calloc(ns, sizeof *s->sub_epoch);
    s->cnt = vigil_calloc(ns, sizeof *s->cnt);
    s->last = vigil_calloc(ns, sizeof *s->last);
    s->sig_epoch = vigil_calloc(ng, sizeof *s->sig_epoch);
    if (!s->sub_epoch || !s->cnt || !s->last || !s->sig_epoch ||
        vg_pcre_ctx_init(&s->pcre) != VIGIL_OK) {
        vg_lsig_scan_free(&s);
        return VIGIL_E_NOMEM;
    }
    *out = s;
    return VIGIL_OK;
}

void vg_lsig_scan_reset(struct vg_lsig_scan *s)
{
    s->ndirty = 0;
    s->ev.n = 0;
    s->ev.overflow = false;
    s->oom = false;
    if (++s->epoch == 0) { /* once in 2^32 objects */
        memset(s->sub_epoch, 0,
               (s->db->nsubs ? s->db->nsubs : 1) * sizeof *s->sub_epoch);
        memset(s->sig_epoch, 0,
               (s->db->n ? s->db->n : 1) * sizeof *s->sig_epoch);
        s->epoch = 1;
    }
}

static void mark_sig(struct vg_lsig_scan *s, uint32_t sig)
{
    if (s->sig_epoch[sig] == s->epoch)
        return;
    if (GROW(s->dirty, s->cap_dirty, s->ndirty + 1) != VIGIL_OK) {
        s->oom = true;
        return;
    }
    s->sig_epoch[sig] = s->epoch;
    s->dirty[s->ndirty++] = sig;
}

static void record(struct vg_lsig_scan *s, uint32_t key, uint64_t start,
                   uint64_t end)
{
    struct vg_lsig_event e = {key, false, start, end};
    if (vg_lsig_evbuf_push(&s->ev, e) != VIGIL_OK)
        s->oom = true;
}

void vg_lsig_on_match(struct vg_lsig_scan *s, uint32_t sub, uint64_t start,
                      uint64_t end)
{
    const struct vg_lsig_sub *ls;
    if (sub >= VG_LSIG_MACRO_BASE) {
        record(s, sub, start, end);
        return;
    }
    if (sub >= s->db->nsubs)
        return;
    ls = &s->db->subs[sub];
    if (s->sub_epoch[sub] != s->epoch) {
        s->sub_epoch[sub] = s->epoch;
        s->cnt[sub] = 0;
        s->last[sub] = VG_LSIG_OFF_NONE;
    }
    mark_sig(s, ls->sig);
    if (ls->mode == VG_LMODE_DIRECT) {
        /* ClamAV counts a match only if it starts after the last one. */
        if (s->last[sub] != VG_LSIG_OFF_NONE && start <= s->last[sub])
            return;
        s->last[sub] = start;
    } else if (ls->mode == VG_LMODE_EVENTS) {
        record(s, sub, start, end);
    }
    if (s->cnt[sub] < UINT32_MAX)
        s->cnt[sub]++;
}
