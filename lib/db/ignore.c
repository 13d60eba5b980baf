// SPDX-License-Identifier: GPL-2.0-or-later
// ignore.c: the .ign2 list of signature names dropped at load time.
#include "db/ignore.h"

#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "util/alloc.h"
#include "vigil/vigil.h"

void vg_ignore_init(struct vg_ignore *ig)
{
    memset(ig, 0, sizeof *ig);
}

void vg_ignore_truncate(struct vg_ignore *ig, uint32_t n)
{
    while (ig->n > n)
        vigil_free(ig->v[--ig->n].name);
    ig->nsorted = 0; /* stale until the next vg_ignore_finish() */
}

void vg_ignore_free(struct vg_ignore *ig)
{
    vg_ignore_truncate(ig, 0);
    VIGIL_FREEP(&ig->v);
    VIGIL_FREEP(&ig->by_name);
    ig->cap = 0;
}

int vg_ignore_add(struct vg_ignore *ig, struct vigil_str name,
                  const uint8_t *md5)
{
    struct vg_ignore_entry *e;
    if (ig->n == ig->cap) {
        uint32_t ncap = ig->cap ? ig->cap * 2 : 16;
        void *p;
        if (ig->cap >= UINT32_MAX / 2)
            return VIGIL_E_LIMIT;
        p = vigil_reallocarray(ig->v, ncap, sizeof *ig->v);
        if (!p)
            return VIGIL_E_NOMEM;
        ig->v = p;
        ig->cap = ncap;
    }
    e = &ig->v[ig->n];
    e->name = vigil_strndup(name.p, name.len);
    if (!e->name)
        return VIGIL_E_NOMEM;
    e->has_md5 = md5 != NULL;
    if (md5)
        memcpy(e->md5, md5, sizeof e->md5);
    ig->n++;
    return VIGIL_OK;
}

/* qsort has no context pointer: sort copies of (name, index) pairs. */
struct keyed {
    const char *name;
    uint32_t index;
};

static int cmp_keyed(const void *a, const void *b)
{
    return strcmp(((const struct keyed *)a)->name,
                  ((const struct keyed *)b)->name);
}

int vg_ignore_finish(struct vg_ignore *ig)
{
    struct keyed *k;
    uint32_t *idx;
    ig->nsorted = 0;
    if (ig->n == 0)
        return VIGIL_OK;
    k = vigil_calloc(ig->n, sizeof *k);
    idx = vigil_reallocarray(ig->by_name, ig->n, sizeof *idx);
    if (!k || !idx) {
        vigil_free(k);
        if (idx)
            ig->by_name = idx;
        return VIGIL_E_NOMEM;
    }
    ig->by_name = idx;
    for (uint32_t i = 0; i < ig->n; i++)
        k[i] = (struct keyed){ig->v[i].name, i};
    qsort(k, ig->n, sizeof *k, cmp_keyed);
    for (uint32_t i = 0; i < ig->n; i++)
        idx[i] = k[i].index;
    vigil_free(k);
    ig->nsorted = ig->n;
    return VIGIL_OK;
}

static int cmp_name(struct vigil_str name, const char *entry)
{
    size_t n = strlen(entry);
    int c = memcmp(name.p, entry, name.len < n ? name.len : n);
    if (c)
        return c;
    return name.len < n ? -1 : name.len > n;
}

static bool line_md5_is(struct vigil_str line, const uint8_t *want)
{
    uint8_t md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    if (!EVP_Digest(line.p, line.len, md, &mdlen, EVP_md5(), NULL))
        return false;
    return mdlen == 16 && memcmp(md, want, 16) == 0;
}

bool vg_ignore_match(const struct vg_ignore *ig, struct vigil_str name,
                     struct vigil_str line)
{
    uint32_t lo = 0, hi = ig->nsorted, i;
    while (lo < hi) { /* find the first entry >= name */
        uint32_t mid = lo + (hi - lo) / 2;
        if (cmp_name(name, ig->v[ig->by_name[mid]].name) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (i = lo; i < ig->nsorted; i++) {
        const struct vg_ignore_entry *e = &ig->v[ig->by_name[i]];
        if (cmp_name(name, e->name) != 0)
            break;
        if (!e->has_md5 || line_md5_is(line, e->md5))
            return true;
    }
    return false;
}
