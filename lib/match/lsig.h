// SPDX-License-Identifier: GPL-2.0-or-later
// lsig.h: logical signatures (.ldb): their storage, the per-scan match
// record, and the evaluation of their expressions after a scan.
#ifndef VIGIL_MATCH_LSIG_H
#define VIGIL_MATCH_LSIG_H

#include <stdbool.h>
#include <stdint.h>

#include "fmt/exe.h"
#include "match/lexpr.h"
#include "match/offset.h"
#include "util/cursor.h"
#include "util/strparse.h"

/*
 * Content subsignatures are ordinary patterns in the engine's matcher,
 * owned by VG_OWNER_LDB | global-subsignature-number; the matcher calls
 * vg_lsig_on_match() for each of their matches. After the scan of an
 * object, vg_lsig_evaluate() decides which logical signatures hold.
 * docs/internals/LDB.md has the semantics and the evidence for them.
 */
struct vg_lsig;     /* lsig_private.h */
struct vg_lsig_sub; /* lsig_private.h */
struct vg_lsigs_impl;
struct vg_matcher;
struct vg_pcre;
struct vg_bcomp;

struct vg_lsigs {
    struct vg_lsig *sigs;
    uint32_t n, cap;
    struct vg_lsig_sub *subs; /* every subsignature, global numbering */
    uint32_t nsubs, cap_subs;
    struct vg_lsigs_impl *impl; /* programs, PCREs, byte compares, ... */
};

void vg_lsigs_init(struct vg_lsigs *db);
void vg_lsigs_free(struct vg_lsigs *db);

struct vg_lsigs_mark {
    uint32_t n, nsubs, nprog, ntdb, npcre, nbcomp, nmacro;
};
void vg_lsigs_mark(const struct vg_lsigs *db, struct vg_lsigs_mark *m);
void vg_lsigs_rollback(struct vg_lsigs *db, const struct vg_lsigs_mark *m);

/** After loading: index the signatures evaluated for every object.
 *  @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_DB (*why set) */
int vg_lsigs_compile(struct vg_lsigs *db, const char **why);

/*
 * Matcher owners VG_OWNER_LDB | (VG_LSIG_MACRO_BASE + target * 32 + group)
 * are members of macro group `group` (.ndb signatures with a $n$ offset):
 * they never alert, they feed ${min-max}group$ subsignatures.
 */
#define VG_LSIG_MACRO_BASE 0x7ffffe00u
#define VG_LSIG_MACRO_GROUPS 32u

static inline uint32_t vg_lsig_macro_owner(unsigned target, unsigned group)
{
    return VG_LSIG_MACRO_BASE + target * VG_LSIG_MACRO_GROUPS + group;
}

/* ---- adding signatures (db/parse_ldb.c) ------------------------------- */

/* Target description block keys present (struct vg_lsig_tdb.has). */
enum vg_tdb_key {
    VG_TDB_FSIZE = 1u << 0,
    VG_TDB_EP = 1u << 1,
    VG_TDB_NOS = 1u << 2,
    VG_TDB_CONTAINER = 1u << 3,
    VG_TDB_INTER = 1u << 4,
    VG_TDB_HANDLER = 1u << 5,
    VG_TDB_ICON = 1u << 6,
};

#define VG_TDB_MAX_INTER 16

struct vg_lsig_tdb {
    uint8_t target;
    uint8_t has; /* enum vg_tdb_key */
    uint8_t ninter;
    int16_t container, handler;      /* enum vg_ftype */
    int16_t inter[VG_TDB_MAX_INTER]; /* outermost first */
    uint32_t fsize[2], ep[2], nos[2];
};

/**
 * Start a signature of @p nsubs subsignatures; then add each one, in
 * order, with the calls below, and finish with vg_lsigs_end(). On any
 * failure the caller's load transaction rolls the database back.
 * @param[in] body  the engine's matcher (content subsignatures go there)
 * @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_LIMIT
 */
int vg_lsigs_begin(struct vg_lsigs *db, struct vg_matcher *body, uint32_t name,
                   const struct vg_lsig_tdb *tdb, const struct vg_lx_prog *expr,
                   unsigned nsubs);

/** A content subsignature. @return VIGIL_OK, VIGIL_E_DB (*why),
 *  VIGIL_E_NOMEM, VIGIL_E_LIMIT */
int vg_lsigs_add_content(struct vg_lsigs *db, struct vigil_str hex,
                         unsigned flags, const struct vg_offset *off,
                         const char **why);

/** A PCRE subsignature; takes ownership of p->re (even on failure).
 *  @param[in] trigger  NULL for ClamAV's bypass trigger */
int vg_lsigs_add_pcre(struct vg_lsigs *db, const struct vg_lx_prog *trigger,
                      const struct vg_pcre *p);

int vg_lsigs_add_bcomp(struct vg_lsigs *db, const struct vg_bcomp *bc);
int vg_lsigs_add_macro(struct vg_lsigs *db, uint32_t min, uint32_t max,
                       unsigned group);
/** A subsignature vigil accepts but never matches (fuzzy_img). */
int vg_lsigs_add_never(struct vg_lsigs *db);
int vg_lsigs_end(struct vg_lsigs *db);

/* ---- scanning ------------------------------------------------------------ */

/** Per-thread scan state. */
struct vg_lsig_scan;
int vg_lsig_scan_new(const struct vg_lsigs *db, struct vg_lsig_scan **out);
void vg_lsig_scan_free(struct vg_lsig_scan **s);
/** Forget the previous object's matches (O(1)). */
void vg_lsig_scan_reset(struct vg_lsig_scan *s);
/** A content subsignature (or macro-group member) matched at
 *  [start, end). */
void vg_lsig_on_match(struct vg_lsig_scan *s, uint32_t sub, uint64_t start,
                      uint64_t end);

/* What the evaluation may look at besides the matches. */
struct vg_lsig_env {
    struct vigil_span data;        /* the object */
    unsigned target;               /* the object's target (0..14) */
    int ftype;                     /* enum vg_ftype */
    const struct vg_exe_info *exe; /* or NULL */
    const int *containers;         /* enclosing types, outermost first */
    uint32_t ncontainers;
};

/** Called with the name-pool offset of each logical signature that holds,
 *  in ClamAV's order. Return nonzero to stop. */
typedef int (*vg_lsig_found_fn)(void *cookie, uint32_t name);

/**
 * Evaluate the signatures of @p env->target (if not 0) then those of
 * target 0, each set in load order, as ClamAV does.
 * @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_LIMIT
 */
int vg_lsig_evaluate(const struct vg_lsigs *db, struct vg_lsig_scan *s,
                     const struct vg_lsig_env *env, vg_lsig_found_fn found,
                     void *cookie);

#endif
