// SPDX-License-Identifier: GPL-2.0-or-later
// lsig_eval.c: after an object's scan: which logical signatures hold, in
// ClamAV's order (counts, byte compares, PCREs, macros, expression, TDB).
#include <stdlib.h>
#include <string.h>

#include "fmt/filetype.h"
#include "match/lsig_private.h"
#include "util/alloc.h"
#include "vigil/vigil.h"

/* One signature's working counts (ClamAV's lsigcnt / lsigsuboff_last). */
struct sig_state {
    const struct vg_lsigs *db;
    struct vg_lsig_scan *s;
    const struct vg_lsig_env *env;
    const struct vg_lsig *sig;
    const struct vg_lsig_sub *subs;
    uint32_t cnt[64];
    uint64_t last[64];
};

static const struct vg_lsig_macro *macro_after(const struct sig_state *st,
                                               unsigned i)
{
    return &st->db->impl->macros[st->subs[i + 1].aux];
}

static uint32_t macro_key(const struct sig_state *st, unsigned i)
{
    return vg_lsig_macro_owner(st->sig->target, macro_after(st, i)->group);
}

/*
 * ClamAV checks a macro when the subsignature before it matches again:
 * the previous match must have had the group's latest match within
 * ${min-max} of its start; if not, that match is withdrawn.
 */
static void macro_check(struct sig_state *st, unsigned i, uint64_t realoff,
                        uint64_t group_last)
{
    const struct vg_lsig_macro *m = macro_after(st, i);
    uint64_t prev = st->last[i];
    if (group_last == VG_LSIG_OFF_NONE || prev == VG_LSIG_OFF_NONE ||
        prev + m->min > group_last || prev + m->max < group_last) {
        st->cnt[i]--;
        st->last[i] = realoff;
        return;
    }
    st->cnt[i + 1]++;
    st->last[i + 1] = group_last;
}

/* ClamAV's lsig_sub_matched(). */
static void sub_matched(struct sig_state *st, unsigned i, uint64_t realoff,
                        bool partial, uint64_t group_last)
{
    bool linked = st->subs[i].flags & VG_LSUBF_LINKED;
    uint64_t last = st->last[i];
    if (last != VG_LSIG_OFF_NONE &&
        (partial ? realoff < last : realoff <= last))
        return;
    if (st->cnt[i] < UINT32_MAX)
        st->cnt[i]++;
    if (st->cnt[i] <= 1 || !linked)
        st->last[i] = realoff;
    if (linked && st->cnt[i] > 1)
        macro_check(st, i, realoff, group_last);
}

/* The macro group's latest match, as of the end of the object. */
static uint64_t group_final(const struct sig_state *st, uint32_t key)
{
    const struct vg_lsig_evbuf *ev = &st->s->ev;
    uint64_t best_end = 0, start = VG_LSIG_OFF_NONE;
    for (uint32_t k = 0; k < ev->n; k++)
        if (ev->v[k].key == key &&
            (start == VG_LSIG_OFF_NONE || ev->v[k].end >= best_end)) {
            best_end = ev->v[k].end;
            start = ev->v[k].start;
        }
    return start;
}

static uint64_t group_now(const struct sig_state *st, unsigned i)
{
    if (!(st->subs[i].flags & VG_LSUBF_LINKED))
        return VG_LSIG_OFF_NONE;
    return group_final(st, macro_key(st, i));
}

/* tmp holds subsignature i's matches (and, when it is linked, its macro
 * group's), sorted by end: replay them in that order. */
static void replay(struct sig_state *st, unsigned i)
{
    const struct vg_lsig_evbuf *t = &st->s->tmp;
    uint32_t me = st->sig->first_sub + i;
    uint64_t group_last = VG_LSIG_OFF_NONE;
    st->cnt[i] = 0;
    st->last[i] = VG_LSIG_OFF_NONE;
    for (uint32_t k = 0; k < t->n; k++) {
        if (t->v[k].key != me)
            group_last = t->v[k].start;
        else
            sub_matched(st, i, t->v[k].start, t->v[k].partial, group_last);
    }
}

/* Copy this object's recorded events of @p key into the scratch list. */
static void copy_events(struct sig_state *st, uint32_t key)
{
    const struct vg_lsig_evbuf *ev = &st->s->ev;
    for (uint32_t k = 0; k < ev->n; k++) {
        struct vg_lsig_event e = ev->v[k];
        if (e.key != key)
            continue;
        if (vg_lsig_evbuf_push(&st->s->tmp, e) != VIGIL_OK)
            st->s->oom = true;
    }
}

/* Count a content subsignature again when its exact count matters. */
static int settle_content(struct sig_state *st, unsigned i)
{
    const struct vg_lsig_sub *sub = &st->subs[i];
    uint32_t me = st->sig->first_sub + i;
    int ret = VIGIL_OK;
    if (sub->mode != VG_LMODE_LAZY &&
        (st->cnt[i] == 0 ||
         (sub->mode != VG_LMODE_RECOUNT && sub->mode != VG_LMODE_EVENTS)))
        return VIGIL_OK;
    st->s->tmp.n = 0;
    if (sub->mode == VG_LMODE_RECOUNT || sub->mode == VG_LMODE_LAZY)
        ret = vg_lsig_recount(st->db, me, st->env->data, st->env->exe,
                              &st->s->tmp);
    else
        copy_events(st, me);
    if (ret == VIGIL_OK && (sub->flags & VG_LSUBF_LINKED))
        copy_events(st, macro_key(st, i));
    if (ret != VIGIL_OK)
        return ret;
    vg_lsig_evbuf_sort(&st->s->tmp);
    replay(st, i);
    return st->s->oom ? VIGIL_E_NOMEM : VIGIL_OK;
}

/* ClamAV runs byte compares after the content matches, in order; each
 * needs its reference to have matched and reads at its last offset. */
static void run_bcomp(struct sig_state *st, unsigned i)
{
    const struct vg_bcomp *bc = &st->db->impl->bcomps[st->subs[i].aux];
    uint64_t at;
    if (!(st->db->impl->partial_targets & (1u << st->sig->target)))
        return;
    if (bc->ref < 0 || bc->ref >= st->sig->nsubs || !st->cnt[bc->ref])
        return;
    at = st->last[bc->ref] == VG_LSIG_OFF_NONE ? 0 : st->last[bc->ref];
    if (vg_bcomp_check(bc, st->env->data, at) && st->cnt[i] < UINT32_MAX)
        st->cnt[i]++;
}

struct pcre_hits {
    struct sig_state *st;
    unsigned i;
    uint64_t group_last;
};

static void on_pcre_hit(void *cookie, uint64_t start)
{
    struct pcre_hits *h = cookie;
    sub_matched(h->st, h->i, start, false, h->group_last);
}

/* A PCRE runs when its trigger holds on the counts so far. */
static int run_pcre(struct sig_state *st, unsigned i)
{
    const struct vg_lsig_pcre *e = &st->db->impl->pcres[st->subs[i].aux];
    struct pcre_hits h = {st, i, group_now(st, i)};
    if (st->env->data.len > VG_PCRE_MAX_FILE)
        return VIGIL_OK;
    if (!e->bypass &&
        !vg_lexpr_eval(st->db->impl->prog + e->trig, e->ntrig, st->cnt))
        return VIGIL_OK;
    return vg_pcre_run(&e->p, &st->s->pcre, st->env->data, st->env->exe,
                       on_pcre_hit, &h);
}

/* Subsignatures of @p kind; for content, the lazy ones (LAZY_PASS) or
 * the others. */
enum { EAGER_PASS, LAZY_PASS };

static int run_kind(struct sig_state *st, uint8_t kind, int which)
{
    int ret = VIGIL_OK;
    for (unsigned i = 0; i < st->sig->nsubs && ret == VIGIL_OK; i++) {
        if (st->subs[i].kind != kind)
            continue;
        if (kind == VG_LSUB_CONTENT) {
            if ((st->subs[i].mode == VG_LMODE_LAZY) == (which == LAZY_PASS))
                ret = settle_content(st, i);
        } else if (kind == VG_LSUB_BCOMP) {
            run_bcomp(st, i);
        } else {
            ret = run_pcre(st, i);
        }
    }
    return ret;
}

/* Settle the content counts: the searched ones, then the lazy ones.
 * Recounts are the costly part, so first ask whether the signature can
 * still hold at all: every content subsignature it needs must have
 * matched (a count of 0 stays 0 when settled). *possible is false when
 * it cannot. */
static int settle_all_content(struct sig_state *st, bool *possible)
{
    uint64_t need = vg_lsig_needed(st->db, st->sig);
    int ret;
    *possible = vg_lsig_counts_cover(st->sig, need, st->cnt);
    if (!*possible)
        return VIGIL_OK;
    ret = run_kind(st, VG_LSUB_CONTENT, EAGER_PASS);
    if (ret != VIGIL_OK || !(st->sig->flags & VG_LSIGF_LAZY))
        return ret;
    *possible = vg_lsig_counts_cover(st->sig, need, st->cnt);
    if (!*possible)
        return VIGIL_OK;
    return run_kind(st, VG_LSUB_CONTENT, LAZY_PASS);
}

/* ClamAV's cli_ac_chkmacro() before the expression. */
static void final_macros(struct sig_state *st)
{
    for (unsigned i = 0; i + 1 < st->sig->nsubs; i++)
        if ((st->subs[i].flags & VG_LSUBF_LINKED) && st->cnt[i] > 1)
            macro_check(st, i, VG_LSIG_OFF_NONE, group_now(st, i));
}

static void load_counts(struct sig_state *st)
{
    const struct vg_lsig_scan *s = st->s;
    for (unsigned i = 0; i < st->sig->nsubs; i++) {
        uint32_t g = st->sig->first_sub + i;
        bool seen = s->sub_epoch[g] == s->epoch;
        st->cnt[i] = seen ? s->cnt[g] : 0;
        st->last[i] = seen ? s->last[g] : VG_LSIG_OFF_NONE;
    }
}

/* ---- target description block ------------------------------------------ */

static int parent_type(const struct vg_lsig_env *env, uint32_t up)
{
    if (up >= env->ncontainers)
        return VG_FT_ANY;
    return env->containers[env->ncontainers - 1 - up];
}

/* ClamAV compares the last listed type with the parent, and so on up;
 * a CL_TYPE_ANY entry matches without using up a level. */
static bool intermediates_ok(const struct vg_lsig_tdb *t,
                             const struct vg_lsig_env *env)
{
    uint32_t up = 0;
    if (env->ncontainers < t->ninter)
        return false;
    for (unsigned i = t->ninter; i > 0; i--) {
        if (t->inter[i - 1] == VG_FT_ANY)
            continue;
        if (t->inter[i - 1] != parent_type(env, up++))
            return false;
    }
    return true;
}

static bool in_range(const uint32_t r[2], uint64_t v)
{
    return r[0] <= v && v <= r[1];
}

static bool exe_ok(const struct vg_lsig_tdb *t, const struct vg_lsig_env *env)
{
    const struct vg_exe_info *x = env->exe;
    if (!(t->has & (VG_TDB_EP | VG_TDB_NOS)))
        return true;
    if (!x || x->kind == VG_EXE_NONE)
        return false;
    return (!(t->has & VG_TDB_EP) || in_range(t->ep, x->ep)) &&
           (!(t->has & VG_TDB_NOS) || in_range(t->nos, x->nsections));
}

/* IconGroup needs .idb icon matching, which vigil lacks: like ClamAV
 * without an icon database, such signatures never alert. HandlerType
 * signatures alert as ClamAV's re-typed rescan of the object does. */
static bool tdb_ok(const struct vg_lsigs *db, const struct vg_lsig *sig,
                   const struct vg_lsig_env *env)
{
    const struct vg_lsig_tdb *t;
    if (sig->tdb == VG_LSIG_NO_TDB)
        return true;
    t = &db->impl->tdbs[sig->tdb];
    if ((t->has & VG_TDB_CONTAINER) && t->container != parent_type(env, 0))
        return false;
    if ((t->has & VG_TDB_INTER) && !intermediates_ok(t, env))
        return false;
    if ((t->has & VG_TDB_FSIZE) && !in_range(t->fsize, env->data.len))
        return false;
    return exe_ok(t, env) && !(t->has & VG_TDB_ICON);
}

static int eval_sig(struct sig_state *st, bool *hit)
{
    const struct vg_lsig *sig = st->sig;
    bool possible = true;
    int ret = VIGIL_OK;
    *hit = false;
    /* The target description does not depend on the counts: check it
     * first, before any recount or PCRE (a Container:CL_TYPE_ZIP signature
     * need not count its subsignatures in every file). */
    if (!tdb_ok(st->db, sig, st->env))
        return VIGIL_OK;
    load_counts(st);
    if (sig->flags & (VG_LSIGF_RECOUNT | VG_LSIGF_MACRO | VG_LSIGF_LAZY))
        ret = settle_all_content(st, &possible);
    if (ret != VIGIL_OK || !possible)
        return ret;
    if (sig->flags & VG_LSIGF_BCOMP)
        ret = run_kind(st, VG_LSUB_BCOMP, EAGER_PASS);
    if (ret == VIGIL_OK && (sig->flags & VG_LSIGF_PCRE))
        ret = run_kind(st, VG_LSUB_PCRE, EAGER_PASS);
    if (ret != VIGIL_OK)
        return ret;
    if (sig->flags & VG_LSIGF_MACRO)
        final_macros(st);
    *hit = vg_lexpr_eval(st->db->impl->prog + sig->prog, sig->nprog, st->cnt);
    return VIGIL_OK;
}

/* ---- the order of evaluation -------------------------------------------- */

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

struct walk {
    const struct vg_lsigs *db;
    struct vg_lsig_scan *s;
    const struct vg_lsig_env *env;
    vg_lsig_found_fn found;
    void *cookie;
    bool stop;
};

static int visit(struct walk *w, uint32_t idx, unsigned target)
{
    struct sig_state st;
    bool hit;
    int ret;
    if (w->db->sigs[idx].target != target)
        return VIGIL_OK;
    st.db = w->db;
    st.s = w->s;
    st.env = w->env;
    st.sig = &w->db->sigs[idx];
    st.subs = &w->db->subs[st.sig->first_sub];
    if ((ret = eval_sig(&st, &hit)) != VIGIL_OK)
        return ret;
    if (hit && w->found(w->cookie, st.sig->name))
        w->stop = true;
    return VIGIL_OK;
}

/* The matched signatures and the always-evaluated ones, merged in load
 * order, restricted to one target. */
static int walk_target(struct walk *w, unsigned target)
{
    const uint32_t *a = w->s->dirty, *b = w->db->impl->always;
    uint32_t na = w->s->ndirty, nb = w->db->impl->nalways, i = 0, j = 0;
    int ret = VIGIL_OK;
    while ((i < na || j < nb) && ret == VIGIL_OK && !w->stop) {
        uint32_t x;
        if (j >= nb || (i < na && a[i] < b[j]))
            x = a[i++];
        else if (i >= na || b[j] < a[i])
            x = b[j++];
        else
            x = (i++, b[j++]);
        ret = visit(w, x, target);
    }
    return ret;
}

int vg_lsig_evaluate(const struct vg_lsigs *db, struct vg_lsig_scan *s,
                     const struct vg_lsig_env *env, vg_lsig_found_fn found,
                     void *cookie)
{
    struct walk w = {db, s, env, found, cookie, false};
    int ret = VIGIL_OK;
    if (s->oom)
        return VIGIL_E_NOMEM;
    if (!db->impl || db->n == 0)
        return VIGIL_OK;
    if (s->ndirty > 1)
        qsort(s->dirty, s->ndirty, sizeof *s->dirty, cmp_u32);
    if (env->target != 0 && env->target < 15)
        ret = walk_target(&w, env->target);
    if (ret == VIGIL_OK && !w.stop)
        ret = walk_target(&w, 0);
    return ret;
}
