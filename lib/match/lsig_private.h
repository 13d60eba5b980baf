// SPDX-License-Identifier: GPL-2.0-or-later
// lsig_private.h: the logical-signature tables and per-scan state shared by
// lsig.c (storage, matches), lsig_eval.c and lsig_recount.c.
#ifndef VIGIL_MATCH_LSIG_PRIVATE_H
#define VIGIL_MATCH_LSIG_PRIVATE_H

#include "match/bytecmp.h"
#include "match/lexpr.h"
#include "match/lsig.h"
#include "match/matcher.h"
#include "match/pcre.h"

enum vg_lsub_kind {
    VG_LSUB_CONTENT,
    VG_LSUB_PCRE,
    VG_LSUB_BCOMP,
    VG_LSUB_MACRO,
    VG_LSUB_NEVER,
};

/*
 * How a content subsignature's count is kept (LDB.md §3):
 *  DIRECT   one pattern segment: each reported match is a ClamAV match;
 *           counted at once with ClamAV's "start after the last" rule.
 *  HIT      several segments, count not needed beyond "matched".
 *  RECOUNT  several segments (or a pinned MAXSHIFT) whose exact count,
 *           last offset or macro link matters: counted again at
 *           evaluation, the way ClamAV counts partial signatures.
 *  EVENTS   one segment, followed by a macro: matches are recorded and
 *           replayed in order with the macro group's matches.
 *  LAZY     too common to search for (lsig_lazy.c): not in the prefilter,
 *           counted by the recount whenever its signature is evaluated.
 */
enum vg_lsub_mode {
    VG_LMODE_DIRECT,
    VG_LMODE_HIT,
    VG_LMODE_RECOUNT,
    VG_LMODE_EVENTS,
    VG_LMODE_LAZY,
};

enum vg_lsub_flag {
    VG_LSUBF_MULTI = 1u << 0,  /* counting it needs the recount */
    VG_LSUBF_LINKED = 1u << 1, /* the next subsignature is a macro */
    VG_LSUBF_EXACT = 1u << 2,  /* its exact count/offset is used */
};

struct vg_lsig_sub {
    uint32_t sig;
    uint32_t aux;  /* CONTENT: first pattern; else index in its table */
    uint16_t npat; /* CONTENT: patterns (variants) */
    uint8_t kind, mode, flags;
};

enum vg_lsig_flag {
    VG_LSIGF_ALWAYS = 1u << 0, /* evaluated even without a match */
    VG_LSIGF_PCRE = 1u << 1,
    VG_LSIGF_BCOMP = 1u << 2,
    VG_LSIGF_MACRO = 1u << 3,
    VG_LSIGF_RECOUNT = 1u << 4,
    VG_LSIGF_LAZY = 1u << 5, /* has lazy subsignatures (lsig_lazy.c) */
};

#define VG_LSIG_NO_TDB UINT32_MAX

struct vg_lsig {
    uint32_t name;
    uint32_t first_sub;
    uint32_t prog; /* the expression, in impl->prog */
    uint32_t nprog;
    uint32_t tdb; /* in impl->tdbs, or VG_LSIG_NO_TDB */
    uint8_t nsubs, target, flags;
};

struct vg_lsig_pcre {
    struct vg_pcre p;
    uint32_t trig, ntrig; /* trigger program in impl->prog */
    bool bypass;          /* ClamAV's PCRE_BYPASS trigger */
};

struct vg_lsig_macro {
    uint32_t min, max;
    uint8_t group;
};

struct vg_lsigs_impl {
    struct vg_matcher *body;
    struct vg_lx_insn *prog;
    uint32_t nprog, cap_prog;
    struct vg_lsig_tdb *tdbs;
    uint32_t ntdb, cap_tdb;
    struct vg_lsig_pcre *pcres;
    uint32_t npcre, cap_pcre;
    struct vg_bcomp *bcomps;
    uint32_t nbcomp, cap_bcomp;
    struct vg_lsig_macro *macros;
    uint32_t nmacro, cap_macro;
    /* the signature being added */
    uint64_t sensitive;
    uint32_t next_sub;
    /* compiled: signatures evaluated for every object, in load order */
    uint32_t *always;
    uint32_t nalways;
    /* targets whose patterns include a partial one (LDB.md §5) */
    uint32_t partial_targets;
};

#define VG_LSIG_OFF_NONE UINT64_MAX

/* A recorded match: a subsignature (EVENTS mode) or a macro group
 * member (key VG_LSIG_MACRO_BASE + ...). */
struct vg_lsig_event {
    uint32_t key;
    bool partial; /* counted with ClamAV's partial-signature rule */
    uint64_t start, end;
};

struct vg_lsig_evbuf {
    struct vg_lsig_event *v;
    uint32_t n, cap;
    bool overflow;
};

/** Most events one object records (more are dropped; LDB.md §3). */
#define VG_LSIG_MAX_EVENTS (1u << 20)

int vg_lsig_evbuf_push(struct vg_lsig_evbuf *b, struct vg_lsig_event e);
void vg_lsig_evbuf_sort(struct vg_lsig_evbuf *b);

struct vg_lsig_scan {
    const struct vg_lsigs *db;
    uint32_t epoch;
    uint32_t *sub_epoch, *cnt;
    uint64_t *last;
    uint32_t *sig_epoch;
    uint32_t *dirty;
    uint32_t ndirty, cap_dirty;
    struct vg_lsig_evbuf ev;  /* this object's recorded events */
    struct vg_lsig_evbuf tmp; /* scratch for the evaluation */
    struct vg_pcre_ctx pcre;
    bool oom;
};

/**
 * Count content subsignature @p sub the way ClamAV counts it: every
 * position where its last segment ends a valid chain (partial signatures)
 * or where it matches within its offset range. Appends to @p out.
 * @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_LIMIT
 */
int vg_lsig_recount(const struct vg_lsigs *db, uint32_t sub,
                    struct vigil_span data, const struct vg_exe_info *exe,
                    struct vg_lsig_evbuf *out);

/** Make the signatures' too-common subsignatures lazy where that cannot
 *  change a verdict (lsig_lazy.c). Before the matcher compiles.
 *  @return how many subsignatures were made lazy */
uint32_t vg_lsigs_choose_lazy(struct vg_lsigs *db);
/** The content subsignatures @p sig needs to hold (count > 0) that are
 *  searched for, not lazy (a bit per subsignature). */
uint64_t vg_lsig_needed(const struct vg_lsigs *db, const struct vg_lsig *sig);
/** Has every subsignature in @p need a count in @p cnt? If not, the
 *  signature cannot hold. */
bool vg_lsig_counts_cover(const struct vg_lsig *sig, uint64_t need,
                          const uint32_t *cnt);

#endif
