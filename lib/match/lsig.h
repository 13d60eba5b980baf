// SPDX-License-Identifier: GPL-2.0-or-later
// lsig.h: logical signatures (.ldb): their storage, the per-scan match
// record, and the evaluation of their expressions after a scan.
#ifndef VIGIL_MATCH_LSIG_H
#define VIGIL_MATCH_LSIG_H

#include <stdbool.h>
#include <stdint.h>

#include "fmt/exe.h"
#include "util/cursor.h"

/*
 * Content subsignatures are ordinary patterns in the engine's matcher,
 * owned by VG_OWNER_LDB | global-subsignature-number; the matcher calls
 * vg_lsig_on_match() for each of their matches. After the scan of an
 * object, vg_lsig_evaluate() decides which logical signatures hold.
 */
struct vg_lsig;      /* lsig.c */
struct vg_lsig_sub;  /* lsig.c */

struct vg_lsigs {
    struct vg_lsig *sigs;
    uint32_t n, cap;
    struct vg_lsig_sub *subs; /* every subsignature, global numbering */
    uint32_t nsubs, cap_subs;
    void *impl;               /* module-private extras (PCRE, ...) */
};

void vg_lsigs_init(struct vg_lsigs *db);
void vg_lsigs_free(struct vg_lsigs *db);

struct vg_lsigs_mark {
    uint32_t n, nsubs;
};
void vg_lsigs_mark(const struct vg_lsigs *db, struct vg_lsigs_mark *m);
void vg_lsigs_rollback(struct vg_lsigs *db, const struct vg_lsigs_mark *m);

/** After loading: compile PCREs etc. @return VIGIL_OK, VIGIL_E_NOMEM,
 *  VIGIL_E_DB (*why set) */
int vg_lsigs_compile(struct vg_lsigs *db, const char **why);

/** Per-thread scan state. */
struct vg_lsig_scan;
int vg_lsig_scan_new(const struct vg_lsigs *db, struct vg_lsig_scan **out);
void vg_lsig_scan_free(struct vg_lsig_scan **s);
/** Forget the previous object's matches. */
void vg_lsig_scan_reset(struct vg_lsig_scan *s);
/** A content subsignature matched at [start, end). */
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

/** @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_LIMIT */
int vg_lsig_evaluate(const struct vg_lsigs *db, struct vg_lsig_scan *s,
                     const struct vg_lsig_env *env, vg_lsig_found_fn found,
                     void *cookie);

#endif
