// SPDX-License-Identifier: GPL-2.0-or-later
// lsig.c: logical signatures. PLACEHOLDER: storage only, nothing evaluates
// yet (being written).
#include "match/lsig.h"

#include <string.h>

#include "util/alloc.h"
#include "vigil/vigil.h"

struct vg_lsig {
    uint32_t name;
};

struct vg_lsig_sub {
    uint32_t sig;
};

struct vg_lsig_scan {
    int unused;
};

void vg_lsigs_init(struct vg_lsigs *db)
{
    memset(db, 0, sizeof *db);
}

void vg_lsigs_free(struct vg_lsigs *db)
{
    vigil_free(db->sigs);
    vigil_free(db->subs);
    memset(db, 0, sizeof *db);
}

void vg_lsigs_mark(const struct vg_lsigs *db, struct vg_lsigs_mark *m)
{
    m->n = db->n;
    m->nsubs = db->nsubs;
}

void vg_lsigs_rollback(struct vg_lsigs *db, const struct vg_lsigs_mark *m)
{
    db->n = m->n;
    db->nsubs = m->nsubs;
}

int vg_lsigs_compile(struct vg_lsigs *db, const char **why)
{
    (void)db;
    (void)why;
    return VIGIL_OK;
}

int vg_lsig_scan_new(const struct vg_lsigs *db, struct vg_lsig_scan **out)
{
    (void)db;
    *out = vigil_calloc(1, sizeof **out);
    return *out ? VIGIL_OK : VIGIL_E_NOMEM;
}

void vg_lsig_scan_free(struct vg_lsig_scan **s)
{
    if (s)
        VIGIL_FREEP(s);
}

void vg_lsig_scan_reset(struct vg_lsig_scan *s)
{
    (void)s;
}

void vg_lsig_on_match(struct vg_lsig_scan *s, uint32_t sub, uint64_t start,
                      uint64_t end)
{
    (void)s;
    (void)sub;
    (void)start;
    (void)end;
}

int vg_lsig_evaluate(const struct vg_lsigs *db, struct vg_lsig_scan *s,
                     const struct vg_lsig_env *env, vg_lsig_found_fn found,
                     void *cookie)
{
    (void)db;
    (void)s;
    (void)env;
    (void)found;
    (void)cookie;
    return VIGIL_OK;
}
