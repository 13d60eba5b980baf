// SPDX-License-Identifier: GPL-2.0-or-later
// prefilter.c: Vectorscan literal databases: build, scratch, scan.
#include "match/prefilter.h"

#include <hs.h>

#include "util/alloc.h"
#include "vigil/vigil.h"

struct vg_prefilter {
    hs_database_t *db;
};

struct vg_pf_scratch {
    hs_scratch_t *hs;
};

/*
 * Vectorscan's block mode scans buffers up to 4 GiB (unsigned int length);
 * bigger buffers go in overlapping chunks so no literal is missed at a
 * chunk edge (literals are at most 255 bytes).
 */
#define PF_CHUNK ((size_t)1 << 30)
#define PF_OVERLAP 256

int vg_prefilter_build(const struct vg_pf_literal *lits, uint32_t n,
                       struct vg_prefilter **out, const char **err)
{
    const char **exprs = vigil_calloc(n, sizeof *exprs);
    unsigned *flags = vigil_calloc(n, sizeof *flags);
    unsigned *ids = vigil_calloc(n, sizeof *ids);
    size_t *lens = vigil_calloc(n, sizeof *lens);
    struct vg_prefilter *pf = vigil_calloc(1, sizeof *pf);
    hs_compile_error_t *cerr = NULL;
    int ret = VIGIL_E_NOMEM;
    if (!exprs || !flags || !ids || !lens || !pf)
        goto out;
    for (uint32_t i = 0; i < n; i++) {
        exprs[i] = (const char *)lits[i].bytes;
        lens[i] = lits[i].len;
        ids[i] = lits[i].id;
        flags[i] = lits[i].nocase ? HS_FLAG_CASELESS : 0;
    }
    if (hs_compile_lit_multi(exprs, flags, ids, lens, n, HS_MODE_BLOCK, NULL,
                             &pf->db, &cerr) != HS_SUCCESS) {
        *err = "the literal prefilter (Vectorscan) refused the patterns";
        hs_free_compile_error(cerr);
        ret = VIGIL_E_DB;
        goto out;
    }
    *out = pf;
    pf = NULL;
    ret = VIGIL_OK;
out:
    vigil_free(exprs);
    vigil_free(flags);
    vigil_free(ids);
    vigil_free(lens);
    vigil_free(pf);
    return ret;
}

void vg_prefilter_free(struct vg_prefilter **pf)
{
    if (!pf || !*pf)
        return;
    hs_free_database((*pf)->db);
    VIGIL_FREEP(pf);
}

int vg_pf_scratch_add(struct vg_pf_scratch **s, const struct vg_prefilter *pf)
{
    if (!*s && !(*s = vigil_calloc(1, sizeof **s)))
        return VIGIL_E_NOMEM;
    return hs_alloc_scratch(pf->db, &(*s)->hs) == HS_SUCCESS ? VIGIL_OK
                                                             : VIGIL_E_NOMEM;
}

int vg_pf_scratch_clone(const struct vg_pf_scratch *proto,
                        struct vg_pf_scratch **out)
{
    struct vg_pf_scratch *s = vigil_calloc(1, sizeof *s);
    if (!s)
        return VIGIL_E_NOMEM;
    if (proto && proto->hs && hs_clone_scratch(proto->hs, &s->hs) != HS_SUCCESS) {
        vigil_free(s);
        return VIGIL_E_NOMEM;
    }
    *out = s;
    return VIGIL_OK;
}

void vg_pf_scratch_free(struct vg_pf_scratch **s)
{
    if (!s || !*s)
        return;
    hs_free_scratch((*s)->hs);
    VIGIL_FREEP(s);
}

struct hit_ctx {
    vg_pf_hit_fn fn;
    void *cookie;
    uint64_t base;    /* chunk start in the whole buffer */
    uint64_t min_end; /* hits ending before this were seen in the last chunk */
};

static int on_hit(unsigned int id, unsigned long long from,
                  unsigned long long to, unsigned int flags, void *ctx)
{
    struct hit_ctx *h = ctx;
    (void)from;
    (void)flags;
    if (h->base + to < h->min_end)
        return 0;
    return h->fn(h->cookie, id, h->base + to);
}

int vg_prefilter_scan(const struct vg_prefilter *pf, struct vg_pf_scratch *s,
                      const uint8_t *data, size_t len, vg_pf_hit_fn fn,
                      void *cookie)
{
    struct hit_ctx h = {fn, cookie, 0, 0};
    size_t off = 0;
    do {
        size_t n = len - off > PF_CHUNK ? PF_CHUNK : len - off;
        hs_error_t r;
        h.base = off;
        r = hs_scan(pf->db, (const char *)data + off, (unsigned)n, 0, s->hs,
                    on_hit, &h);
        if (r == HS_SCAN_TERMINATED)
            return VIGIL_E_LIMIT;
        if (r != HS_SUCCESS)
            return VIGIL_E_NOMEM;
        if (off + n >= len)
            break;
        h.min_end = off + n + 1;
        off += n - PF_OVERLAP;
    } while (off < len);
    return VIGIL_OK;
}
