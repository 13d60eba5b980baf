// SPDX-License-Identifier: GPL-2.0-or-later
// matcher.h: every body pattern of a database, compiled into one literal
// prefilter per target plus a verifier; one pass over a buffer reports
// every verified match.
#ifndef VIGIL_MATCH_MATCHER_H
#define VIGIL_MATCH_MATCHER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fmt/exe.h"
#include "match/offset.h"
#include "match/pattern.h"

#define VG_NTARGETS 15

/*
 * How it works (docs/internals/MATCHER.md):
 * - Each pattern gets one "atom": the rarest literal run (up to 12 bytes)
 *   found in any of its segments. Atoms of all patterns of target t form
 *   Vectorscan literal database t. Patterns pinned to a fixed offset (EP+n,
 *   n, EOF-n, Sx+n, SL+n with a small MAXSHIFT) get no atom: they are
 *   checked at that offset only.
 * - A scan runs the literal database of every wanted target over the
 *   buffer; each literal hit is a candidate (pattern, segment, position),
 *   verified by the pattern's own code: the segment in place, then the
 *   segments before it (backwards) and after it (forwards) within their
 *   gaps, then the offset constraint on the match start.
 */

struct vg_pat_meta {
    struct vg_offset off;
    uint8_t target;
    bool bm;           /* ClamAV would match it with Boyer-Moore */
    bool lazy;         /* not searched: counted on demand (lsig_lazy.c) */
    uint32_t disc_off; /* where ClamAV's matcher notices a match: bytes
                          after the last segment's start */
};

struct vg_atom; /* matcher.c */
struct vg_prefilter; /* prefilter.c */

struct vg_matcher {
    struct vg_patstore ps;
    struct vg_pat_meta *meta; /* parallel to ps.pats */
    uint32_t cap_meta;
    bool compiled;
    /* compiled */
    struct vg_atom *atoms;    /* sorted by literal; one per searched pat
                                 (not pinned, not lazy) */
    uint32_t natoms;
    uint32_t *lit_first;      /* unique literal i owns atoms */
    uint32_t nlits;           /*   lit_first[i] .. lit_first[i+1]-1 */
    struct vg_prefilter *pf[VG_NTARGETS];
    /* pfu[t], t >= 1: the literals of targets 0 and t in one database, so
     * a file of type t is read once for both (the usual pass) */
    struct vg_prefilter *pfu[VG_NTARGETS];
    uint32_t *pinned[VG_NTARGETS]; /* pattern indexes checked in place */
    uint32_t npinned[VG_NTARGETS];
    uint64_t lits_per_target[VG_NTARGETS];
};

void vg_matcher_init(struct vg_matcher *m);
void vg_matcher_free(struct vg_matcher *m);

/**
 * Add a body pattern (before compile).
 * @param[out] err reason when the pattern is malformed
 * @return VIGIL_OK, VIGIL_E_DB, VIGIL_E_NOMEM, VIGIL_E_LIMIT
 */
int vg_matcher_add(struct vg_matcher *m, struct vigil_str hex, unsigned flags,
                   const struct vg_offset *off, unsigned target,
                   uint32_t owner, const char **err);

struct vg_matcher_mark {
    struct vg_patstore_mark ps;
};
void vg_matcher_mark(const struct vg_matcher *m, struct vg_matcher_mark *mk);
void vg_matcher_rollback(struct vg_matcher *m,
                         const struct vg_matcher_mark *mk);

/** Length of the literal atom pattern @p pi would be searched by; 0 for a
 *  pattern checked in place (pinned) or with no literal. */
unsigned vg_matcher_atom_len(const struct vg_matcher *m, uint32_t pi);

/** Build atoms and prefilters. @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_DB
 *  (the prefilter library refused; *err says why) */
int vg_matcher_compile(struct vg_matcher *m, const char **err);

/** Reports one verified match: [start, end) in the scanned buffer. Return
 *  nonzero to stop the scan. */
typedef int (*vg_match_fn)(void *cookie, uint32_t owner, uint64_t start,
                           uint64_t end);

/* A verified match, with what ClamAV's report order depends on: its
 * Boyer-Moore matcher runs before its Aho-Corasick one over each buffer,
 * and each reports in the order it notices matches (`disc`). */
struct vg_match {
    uint32_t owner, pattern;
    uint64_t start, end;
    uint64_t disc; /* position at which ClamAV notices the match */
    bool bm;
};

typedef int (*vg_match_ex_fn)(void *cookie, const struct vg_match *m);

/* Per-thread scanning state (Vectorscan scratch). */
struct vg_match_scratch;
int vg_match_scratch_new(const struct vg_matcher *m,
                         struct vg_match_scratch **out);
void vg_match_scratch_free(struct vg_match_scratch **s);

/**
 * Run every pattern whose target is in @p target_mask (bit t = target t)
 * over @p data.
 * @param[in] exe  executable headers for EP/S/SE/SL/VI offsets, or NULL
 * @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_LIMIT (verification budget)
 */
int vg_matcher_scan(const struct vg_matcher *m, struct vg_match_scratch *s,
                    struct vigil_span data, uint32_t target_mask,
                    const struct vg_exe_info *exe, vg_match_fn fn,
                    void *cookie);

/** vg_matcher_scan() with the ordering details of each match. */
int vg_matcher_scan_ex(const struct vg_matcher *m, struct vg_match_scratch *s,
                       struct vigil_span data, uint32_t target_mask,
                       const struct vg_exe_info *exe, vg_match_ex_fn fn,
                       void *cookie);

/** Number of patterns added. */
uint32_t vg_matcher_count(const struct vg_matcher *m);

#endif
