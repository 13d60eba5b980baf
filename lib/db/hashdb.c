// SPDX-License-Identifier: GPL-2.0-or-later
// hashdb.c: whole-file hash tables: append while loading, sort and index
// once at compile time, O(1) expected lookups while scanning.
#include "db/hashdb.h"

#include <string.h>

#include "util/alloc.h"
#include "vigil/vigil.h"

static const uint8_t hash_lens[VG_HASH_NTYPES] = {16, 20, 32};

size_t vg_hash_len(enum vg_hash_type t)
{
    return hash_lens[t];
}

int vg_hash_type_from_hexlen(size_t hexlen)
{
    for (int t = 0; t < VG_HASH_NTYPES; t++)
        if (hexlen == 2u * hash_lens[t])
            return t;
    return -1;
}

void vg_hashdb_init(struct vg_hashdb *db)
{
    memset(db, 0, sizeof *db);
    for (int s = 0; s < VG_HSET_N; s++)
        for (int t = 0; t < VG_HASH_NTYPES; t++)
            for (int a = 0; a < 2; a++) {
                db->tab[s][t][a].dlen = hash_lens[t];
                db->tab[s][t][a].any_size = a;
            }
}

static void tab_free_index(struct vg_hashtab *t)
{
    VIGIL_FREEP(&t->slots);
    VIGIL_FREEP(&t->usizes);
    t->nslots = t->nusizes = 0;
}

static void tab_free(struct vg_hashtab *t)
{
    VIGIL_FREEP(&t->digests);
    VIGIL_FREEP(&t->sizes);
    VIGIL_FREEP(&t->names);
    tab_free_index(t);
    t->n = t->cap = 0;
}

void vg_hashdb_free(struct vg_hashdb *db)
{
    for (int s = 0; s < VG_HSET_N; s++)
        for (int t = 0; t < VG_HASH_NTYPES; t++)
            for (int a = 0; a < 2; a++)
                tab_free(&db->tab[s][t][a]);
}

static int tab_grow(struct vg_hashtab *t)
{
    uint32_t ncap;
    void *d, *s, *n;
    if (t->cap >= UINT32_MAX / 2)
        return VIGIL_E_LIMIT;
    ncap = t->cap ? t->cap * 2 : 256;
    d = vigil_reallocarray(t->digests, ncap, t->dlen);
    if (d)
        t->digests = d;
    s = vigil_reallocarray(t->sizes, ncap, sizeof *t->sizes);
    if (s)
        t->sizes = s;
    n = vigil_reallocarray(t->names, ncap, sizeof *t->names);
    if (n)
        t->names = n;
    if (!d || !s || !n)
        return VIGIL_E_NOMEM;
    t->cap = ncap;
    return VIGIL_OK;
}

int vg_hashdb_add(struct vg_hashdb *db, enum vg_hash_set set,
                  enum vg_hash_type type, const uint8_t *digest,
                  uint32_t size, uint32_t name)
{
    struct vg_hashtab *t = &db->tab[set][type][size == 0];
    if (t->n == t->cap) {
        int ret = tab_grow(t);
        if (ret != VIGIL_OK)
            return ret;
    }
    memcpy(t->digests + (size_t)t->n * t->dlen, digest, t->dlen);
    t->sizes[t->n] = size;
    t->names[t->n] = name;
    t->n++;
    return VIGIL_OK;
}

void vg_hashdb_mark(const struct vg_hashdb *db, struct vg_hashdb_mark *m)
{
    for (int s = 0; s < VG_HSET_N; s++)
        for (int t = 0; t < VG_HASH_NTYPES; t++)
            for (int a = 0; a < 2; a++)
                m->n[s][t][a] = db->tab[s][t][a].n;
}

void vg_hashdb_rollback(struct vg_hashdb *db, const struct vg_hashdb_mark *m)
{
    for (int s = 0; s < VG_HSET_N; s++)
        for (int t = 0; t < VG_HASH_NTYPES; t++)
            for (int a = 0; a < 2; a++)
                db->tab[s][t][a].n = m->n[s][t][a];
}

/* Digests are uniformly distributed, so their first bytes are the hash. */
static uint64_t key_hash(const uint8_t *d, uint64_t size)
{
    uint64_t h = 0;
    for (int i = 0; i < 8; i++)
        h = h << 8 | d[i];
    return h ^ (size * 0x9e3779b97f4a7c15ull);
}

static bool same_key(const struct vg_hashtab *t, uint32_t a, uint32_t b)
{
    return t->sizes[a] == t->sizes[b] &&
           memcmp(t->digests + (size_t)a * t->dlen,
                  t->digests + (size_t)b * t->dlen, t->dlen) == 0;
}

static uint32_t pow2_at_least(uint64_t n)
{
    uint32_t p = 16;
    while (p < n && p < (1u << 31))
        p *= 2;
    return p;
}

/* Index every distinct (digest, size) key. Entries stay in load order;
 * a later duplicate of a key is not indexed, so lookups find the first
 * loaded entry. No sort is needed: digests are already uniform. */
static int tab_index(struct vg_hashtab *t)
{
    uint32_t nslots = pow2_at_least(2ull * t->n), mask = nslots - 1;
    t->slots = vigil_calloc(nslots, sizeof *t->slots);
    if (!t->slots)
        return VIGIL_E_NOMEM;
    t->nslots = nslots;
    for (uint32_t i = 0; i < t->n; i++) {
        uint64_t h = key_hash(t->digests + (size_t)i * t->dlen, t->sizes[i]);
        for (;; h++) {
            uint32_t slot = t->slots[h & mask];
            if (slot == 0) {
                t->slots[h & mask] = i + 1;
                break;
            }
            if (same_key(t, slot - 1, i))
                break;
        }
    }
    return VIGIL_OK;
}

static uint64_t size_hash(uint32_t size)
{
    return ((uint64_t)size * 0x9e3779b97f4a7c15ull) >> 32;
}

/* The set of sizes present, so a scan computes a digest only when some
 * entry has the file's size. Size 0 never occurs in exact tables, so 0
 * marks an empty slot. */
static int tab_sizes(struct vg_hashtab *t)
{
    uint32_t cap, mask;
    if (t->any_size || t->n == 0)
        return VIGIL_OK;
    cap = pow2_at_least(2ull * t->n);
    mask = cap - 1;
    t->usizes = vigil_calloc(cap, sizeof *t->usizes);
    if (!t->usizes)
        return VIGIL_E_NOMEM;
    t->nusizes = cap;
    for (uint32_t i = 0; i < t->n; i++) {
        uint64_t h = size_hash(t->sizes[i]);
        while (t->usizes[h & mask] && t->usizes[h & mask] != t->sizes[i])
            h++;
        t->usizes[h & mask] = t->sizes[i];
    }
    return VIGIL_OK;
}

int vg_hashdb_build(struct vg_hashdb *db)
{
    for (int s = 0; s < VG_HSET_N; s++)
        for (int t = 0; t < VG_HASH_NTYPES; t++)
            for (int a = 0; a < 2; a++) {
                struct vg_hashtab *tab = &db->tab[s][t][a];
                int ret;
                tab_free_index(tab);
                if (tab->n == 0)
                    continue;
                if ((ret = tab_index(tab)) != VIGIL_OK ||
                    (ret = tab_sizes(tab)) != VIGIL_OK)
                    return ret;
            }
    return VIGIL_OK;
}

static bool has_size(const struct vg_hashtab *t, uint64_t size)
{
    uint64_t h;
    if (t->nusizes == 0 || size == 0 || size > UINT32_MAX)
        return false;
    for (h = size_hash((uint32_t)size);; h++) {
        uint32_t v = t->usizes[h & (t->nusizes - 1)];
        if (v == size)
            return true;
        if (v == 0)
            return false;
    }
}

bool vg_hashdb_wants(const struct vg_hashdb *db, enum vg_hash_set set,
                     enum vg_hash_type type, uint64_t size)
{
    return db->tab[set][type][1].n > 0 ||
           has_size(&db->tab[set][type][0], size);
}

uint32_t vg_hashtab_find(const struct vg_hashtab *t, const uint8_t *digest,
                         uint64_t size, uint32_t *first)
{
    uint64_t h;
    uint32_t mask, key_size;
    if (t->nslots == 0 || (!t->any_size && (size > UINT32_MAX || size == 0)))
        return 0;
    key_size = t->any_size ? 0 : (uint32_t)size;
    mask = t->nslots - 1;
    for (h = key_hash(digest, key_size);; h++) {
        uint32_t slot = t->slots[h & mask], i;
        if (slot == 0)
            return 0;
        i = slot - 1;
        if (t->sizes[i] == key_size &&
            memcmp(t->digests + (size_t)i * t->dlen, digest, t->dlen) == 0) {
            *first = i;
            return 1;
        }
    }
}
