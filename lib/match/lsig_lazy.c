// SPDX-License-Identifier: GPL-2.0-or-later
// lsig_lazy.c: content subsignatures too common to search for are left out
// of the prefilter and counted only when their signature can still hold.
#include "match/lsig_private.h"

/*
 * A subsignature such as "am" or ", " hits every few hundred bytes of
 * ordinary files (measured on /usr: five of them gave 4 of the 5.6 million
 * prefilter hits of a 1 GB scan), and each hit costs a callback, a
 * verification and a count, although its signature almost never holds:
 * its other subsignatures, which are rare, are missing.
 *
 * The expression tells which subsignatures a signature needs (count > 0)
 * to hold at all (vg_lexpr_required; a PCRE needs its trigger's, a byte
 * compare its reference, a macro the subsignature before it). When one of
 * those needed ones is searched for, the weak ones can be lazy: the
 * signature is evaluated only when one of its searched subsignatures
 * matched, and the lazy ones are counted, exactly, by the recount, only
 * when every needed searched one has matched. Otherwise the signature is
 * false whatever the lazy ones would count.
 */

/* Atoms this short (or shorter) make a subsignature a lazy candidate. */
#define LAZY_ATOM_MAX 4u

static unsigned weak_atom_len(const struct vg_lsigs *db,
                              const struct vg_lsig_sub *sub)
{
    const struct vg_matcher *m = db->impl->body;
    unsigned worst = 0;
    if (sub->kind != VG_LSUB_CONTENT || sub->npat == 0 ||
        (sub->flags & VG_LSUBF_LINKED) || sub->mode == VG_LMODE_EVENTS)
        return 0;
    for (uint32_t i = sub->aux; i < sub->aux + sub->npat; i++) {
        unsigned len = vg_matcher_atom_len(m, i);
        if (len == 0 || len > LAZY_ATOM_MAX)
            return 0; /* pinned (cheap already) or a good atom */
        if (len > worst)
            worst = len;
    }
    return worst;
}

/* The subsignatures that must have matched for @p sig to hold. */
static uint64_t needed_subs(const struct vg_lsigs *db,
                            const struct vg_lsig *sig)
{
    const struct vg_lsigs_impl *im = db->impl;
    const struct vg_lsig_sub *subs = &db->subs[sig->first_sub];
    uint64_t need = vg_lexpr_required(im->prog + sig->prog, sig->nprog);
    /* Two rounds: a trigger may itself need a PCRE. */
    for (int round = 0; round < 2; round++)
        for (unsigned i = 0; i < sig->nsubs; i++) {
            const struct vg_lsig_pcre *e;
            int ref;
            if (!(need >> i & 1u))
                continue;
            switch (subs[i].kind) {
            case VG_LSUB_PCRE:
                e = &im->pcres[subs[i].aux];
                if (!e->bypass)
                    need |= vg_lexpr_required(im->prog + e->trig, e->ntrig);
                break;
            case VG_LSUB_BCOMP:
                ref = im->bcomps[subs[i].aux].ref;
                if (ref >= 0 && ref < 64)
                    need |= (uint64_t)1 << ref;
                break;
            case VG_LSUB_MACRO:
                if (i > 0)
                    need |= (uint64_t)1 << (i - 1);
                break;
            default: break;
            }
        }
    return sig->nsubs < 64 ? need & (((uint64_t)1 << sig->nsubs) - 1) : need;
}

uint64_t vg_lsig_needed(const struct vg_lsigs *db, const struct vg_lsig *sig)
{
    const struct vg_lsig_sub *subs = &db->subs[sig->first_sub];
    uint64_t need = needed_subs(db, sig), out = 0;
    for (unsigned i = 0; i < sig->nsubs; i++)
        if ((need >> i & 1u) && subs[i].kind == VG_LSUB_CONTENT &&
            subs[i].mode != VG_LMODE_LAZY)
            out |= (uint64_t)1 << i;
    return out;
}

/* The weak subsignatures of @p sig that can be lazy: all of them when a
 * needed one is strong; else all but the needed weak one with the
 * longest atom, which stays searched as the anchor. */
static uint64_t lazy_set(const struct vg_lsigs *db, const struct vg_lsig *sig)
{
    const struct vg_lsig_sub *subs = &db->subs[sig->first_sub];
    uint64_t need = needed_subs(db, sig), weak = 0, anchor = 0;
    bool strong_needed = false;
    unsigned best = 0;
    for (unsigned i = 0; i < sig->nsubs; i++) {
        unsigned len = weak_atom_len(db, &subs[i]);
        bool needed = (need >> i & 1u) && subs[i].kind == VG_LSUB_CONTENT;
        if (len)
            weak |= (uint64_t)1 << i;
        else if (needed)
            strong_needed = true;
        if (needed && len > best) {
            best = len;
            anchor = (uint64_t)1 << i;
        }
    }
    if (strong_needed)
        return weak;
    return anchor ? weak & ~anchor : 0;
}

uint32_t vg_lsigs_choose_lazy(struct vg_lsigs *db)
{
    struct vg_matcher *m = db->impl->body;
    uint32_t nlazy = 0;
    if (!m)
        return 0;
    for (uint32_t s = 0; s < db->n; s++) {
        struct vg_lsig *sig = &db->sigs[s];
        struct vg_lsig_sub *subs = &db->subs[sig->first_sub];
        uint64_t lazy;
        /* Evaluated for every object: nothing may wait for a match. */
        if ((sig->flags & VG_LSIGF_ALWAYS) || !(lazy = lazy_set(db, sig)))
            continue;
        for (unsigned i = 0; i < sig->nsubs; i++) {
            if (!(lazy >> i & 1u))
                continue;
            subs[i].mode = VG_LMODE_LAZY;
            for (uint32_t k = subs[i].aux; k < subs[i].aux + subs[i].npat; k++)
                m->meta[k].lazy = true;
            nlazy++;
        }
        sig->flags |= VG_LSIGF_LAZY;
    }
    return nlazy;
}

bool vg_lsig_counts_cover(const struct vg_lsig *sig, uint64_t need,
                          const uint32_t *cnt)
{
    for (unsigned i = 0; i < sig->nsubs; i++)
        if ((need >> i & 1u) && cnt[i] == 0)
            return false;
    return true;
}
