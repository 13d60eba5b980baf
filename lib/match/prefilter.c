// SPDX-License-Identifier: GPL-2.0-or-later
// prefilter.c: Vectorscan literal databases: build, scratch, scan.
#include "match/prefilter.h"

#include <hs.h>
#include <stdio.h>

#include "util/alloc.h"
#include "vigil/vigil.h"

struct vg_prefilter {
    hs_database_t *db;    /* literals */
    hs_database_t *nuldb; /* literals starting with NUL, as regexes */
    bool mapped;          /* images inside a compiled file: not ours */
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

/* hs_compile_lit_multi() for literals; literals that start with NUL are
 * written as \xHH regular expressions for hs_compile_multi(), because the
 * literal API of Debian's Vectorscan 5.4.9 rejects them. */
static char *nul_first_regex(const struct vg_pf_literal *l)
{
    static const char hex[] = "0123456789abcdef";
    char *re = vigil_malloc((size_t)l->len * 4 + 1), *p = re;
    if (!re)
        return NULL;
    for (uint32_t i = 0; i < l->len; i++) {
        *p++ = '\\';
        *p++ = 'x';
        *p++ = hex[l->bytes[i] >> 4];
        *p++ = hex[l->bytes[i] & 15];
    }
    *p = '\0';
    return re;
}

struct pf_arrays {
    const char **exprs;
    unsigned *flags, *ids;
    size_t *lens;
    char **owned; /* regex strings to free */
};

static int fill_arrays(const struct vg_pf_literal *lits, uint32_t n,
                       bool regex, struct pf_arrays *a, uint32_t *count)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++) {
        bool nul = lits[i].len > 0 && lits[i].bytes[0] == 0;
        if (nul != regex)
            continue;
        if (regex) {
            a->owned[k] = nul_first_regex(&lits[i]);
            if (!a->owned[k])
                return VIGIL_E_NOMEM;
            a->exprs[k] = a->owned[k];
        } else {
            a->exprs[k] = (const char *)lits[i].bytes;
        }
        a->lens[k] = lits[i].len;
        a->ids[k] = lits[i].id;
        a->flags[k] = (lits[i].nocase ? HS_FLAG_CASELESS : 0) |
                      (regex ? HS_FLAG_DOTALL : 0);
        k++;
    }
    *count = k;
    return VIGIL_OK;
}

static int compile_one(const struct vg_pf_literal *lits, uint32_t n,
                       bool regex, hs_database_t **db, const char **err)
{
    struct pf_arrays a = {vigil_calloc(n, sizeof(char *)),
                          vigil_calloc(n, sizeof(unsigned)),
                          vigil_calloc(n, sizeof(unsigned)),
                          vigil_calloc(n, sizeof(size_t)),
                          vigil_calloc(n, sizeof(char *))};
    hs_compile_error_t *cerr = NULL;
    uint32_t count = 0;
    hs_error_t r;
    int ret = VIGIL_E_NOMEM;
    *db = NULL;
    if (!a.exprs || !a.flags || !a.ids || !a.lens || !a.owned ||
        fill_arrays(lits, n, regex, &a, &count) != VIGIL_OK)
        goto out;
    ret = VIGIL_OK;
    if (count == 0)
        goto out;
    r = regex ? hs_compile_multi(a.exprs, a.flags, a.ids, count,
                                 HS_MODE_BLOCK, NULL, db, &cerr)
              : hs_compile_lit_multi(a.exprs, a.flags, a.ids, a.lens, count,
                                     HS_MODE_BLOCK, NULL, db, &cerr);
    if (r != HS_SUCCESS) {
        *err = "the literal prefilter (Vectorscan) refused the patterns";
        hs_free_compile_error(cerr);
        ret = VIGIL_E_DB;
    }
out:
    for (uint32_t i = 0; a.owned && i < n; i++)
        vigil_free(a.owned[i]);
    vigil_free(a.exprs);
    vigil_free(a.flags);
    vigil_free(a.ids);
    vigil_free(a.lens);
    vigil_free(a.owned);
    return ret;
}

int vg_prefilter_build(const struct vg_pf_literal *lits, uint32_t n,
                       struct vg_prefilter **out, const char **err)
{
    struct vg_prefilter *pf = vigil_calloc(1, sizeof *pf);
    int ret;
    if (!pf)
        return VIGIL_E_NOMEM;
    ret = compile_one(lits, n, false, &pf->db, err);
    if (ret == VIGIL_OK)
        ret = compile_one(lits, n, true, &pf->nuldb, err);
    if (ret != VIGIL_OK) {
        vg_prefilter_free(&pf);
        return ret;
    }
    *out = pf;
    return VIGIL_OK;
}

void vg_prefilter_free(struct vg_prefilter **pf)
{
    if (!pf || !*pf)
        return;
    if (!(*pf)->mapped) {
        hs_free_database((*pf)->db);
        hs_free_database((*pf)->nuldb);
    }
    VIGIL_FREEP(pf);
}

int vg_prefilter_image(const struct vg_prefilter *pf, bool nul, void **img,
                       size_t *len)
{
    const hs_database_t *db = nul ? pf->nuldb : pf->db;
    char *ser = NULL;
    size_t slen = 0, dlen = 0;
    *img = NULL;
    *len = 0;
    if (!db)
        return VIGIL_OK;
    if (hs_serialize_database(db, &ser, &slen) != HS_SUCCESS)
        return VIGIL_E_NOMEM;
    if (hs_serialized_database_size(ser, slen, &dlen) != HS_SUCCESS ||
        !(*img = vigil_aligned_alloc(64, dlen)) ||
        hs_deserialize_database_at(ser, slen, *img) != HS_SUCCESS) {
        vigil_aligned_free(*img);
        *img = NULL;
        free(ser); /* Vectorscan's default allocator is malloc */
        return VIGIL_E_NOMEM;
    }
    free(ser);
    *len = dlen;
    return VIGIL_OK;
}

/* A database image must be one this Vectorscan accepts (magic, version,
 * alignment). The platform it was built for is part of the compiled
 * file's layout check (vg_prefilter_platform); nothing here reads the
 * whole image, so mapping stays cheap. */
static int check_image(const void *img, size_t len, const char **err)
{
    const hs_database_t *db = img;
    size_t sz = 0;
    if (((uintptr_t)img & 63u) != 0 || len < 64 ||
        hs_database_size(db, &sz) != HS_SUCCESS || sz > len) {
        *err = "a Vectorscan database in it is damaged";
        return VIGIL_E_DB;
    }
    return VIGIL_OK;
}

int vg_prefilter_platform(char *out, size_t len)
{
    hs_platform_info_t p;
    if (hs_populate_platform(&p) != HS_SUCCESS)
        return snprintf(out, len, "hs %s", hs_version());
    return snprintf(out, len, "hs %s tune %u features %llx", hs_version(),
                    p.tune, (unsigned long long)p.cpu_features);
}

int vg_prefilter_from_images(const void *db, size_t dblen, const void *nuldb,
                             size_t nullen, struct vg_prefilter **out,
                             const char **err)
{
    struct vg_prefilter *pf;
    int ret;
    *out = NULL;
    if ((db && (ret = check_image(db, dblen, err)) != VIGIL_OK) ||
        (nuldb && (ret = check_image(nuldb, nullen, err)) != VIGIL_OK))
        return ret;
    if (!(pf = vigil_calloc(1, sizeof *pf)))
        return VIGIL_E_NOMEM;
    /* Vectorscan takes databases as const for scanning; the cast only
     * satisfies the struct's type. */
    pf->db = (hs_database_t *)(uintptr_t)db;
    pf->nuldb = (hs_database_t *)(uintptr_t)nuldb;
    pf->mapped = true;
    *out = pf;
    return VIGIL_OK;
}

int vg_pf_scratch_add(struct vg_pf_scratch **s, const struct vg_prefilter *pf)
{
    if (!*s && !(*s = vigil_calloc(1, sizeof **s)))
        return VIGIL_E_NOMEM;
    if (pf->db && hs_alloc_scratch(pf->db, &(*s)->hs) != HS_SUCCESS)
        return VIGIL_E_NOMEM;
    if (pf->nuldb && hs_alloc_scratch(pf->nuldb, &(*s)->hs) != HS_SUCCESS)
        return VIGIL_E_NOMEM;
    return VIGIL_OK;
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

static int scan_db(const hs_database_t *db, struct vg_pf_scratch *s,
                   const uint8_t *data, size_t len, vg_pf_hit_fn fn,
                   void *cookie)
{
    struct hit_ctx h = {fn, cookie, 0, 0};
    size_t off = 0;
    do {
        size_t n = len - off > PF_CHUNK ? PF_CHUNK : len - off;
        hs_error_t r;
        h.base = off;
        r = hs_scan(db, (const char *)data + off, (unsigned)n, 0, s->hs,
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

int vg_prefilter_scan(const struct vg_prefilter *pf, struct vg_pf_scratch *s,
                      const uint8_t *data, size_t len, vg_pf_hit_fn fn,
                      void *cookie)
{
    int ret = VIGIL_OK;
    if (pf->db)
        ret = scan_db(pf->db, s, data, len, fn, cookie);
    if (ret == VIGIL_OK && pf->nuldb)
        ret = scan_db(pf->nuldb, s, data, len, fn, cookie);
    return ret;
}
