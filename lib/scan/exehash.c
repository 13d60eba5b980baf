// SPDX-License-Identifier: GPL-2.0-or-later
// exehash.c: PE section hashes (.mdb/.msb: the raw bytes of each section)
// and ClamAV's import-table hash (.imp), looked up in the engine's tables.
#include "scan/exehash.h"

#include <openssl/evp.h>

#include "engine.h"
#include "fmt/exe_private.h"

/*
 * What ClamAV 1.4.6 hashes (docs/internals/EXE.md has the experiments):
 *  - Section hash: for every section with a non-zero raw size, the bytes
 *    raw_off .. raw_off + raw_size, i.e. PointerToRawData rounded down and
 *    SizeOfRawData rounded up to FileAlignment, clipped to the file. The
 *    .mdb SIZE is that raw size. Sections over 1 GiB are not hashed.
 *  - Import hash: the bytes vg_pe_imports_walk() produces; the .imp SIZE
 *    is their count. PE32 only.
 */

#define SECT_MAX_HASHED ((uint64_t)1 << 30) /* ClamAV CLI_MAX_ALLOCATION */

struct hits {
    const struct vigil_engine *eng;
    void (*found)(void *ctx, const char *name);
    void *ctx;
    bool allmatch, stop;
};

static const EVP_MD *md_of(int t)
{
    return t == VG_HASH_MD5    ? EVP_md5()
           : t == VG_HASH_SHA1 ? EVP_sha1()
                               : EVP_sha256();
}

/* Look one digest up in a set: exact size first, then '*'. */
static void lookup(struct hits *h, enum vg_hash_set set, int t,
                   const uint8_t *digest, uint64_t size)
{
    for (int any = 0; any < 2 && !h->stop; any++) {
        const struct vg_hashtab *tab = &h->eng->hashes.tab[set][t][any];
        uint32_t first;

        if (!vg_hashtab_find(tab, digest, size, &first))
            continue;
        h->found(h->ctx, vg_names_get(&h->eng->names, tab->names[first]));
        h->stop = !h->allmatch;
    }
}

static void scan_section(struct hits *h, struct vigil_span data,
                         const struct vg_exe_section *s)
{
    struct vigil_span bytes;
    uint8_t digest[EVP_MAX_MD_SIZE];

    if (s->raw_size == 0 || s->raw_size > SECT_MAX_HASHED ||
        !vigil_span_sub_ok(data, s->raw_off, s->raw_size, &bytes))
        return;
    for (int t = 0; t < VG_HASH_NTYPES && !h->stop; t++) {
        if (!vg_hashdb_wants(&h->eng->hashes, VG_HSET_PESECT, t, s->raw_size))
            continue;
        if (!EVP_Digest(bytes.p, bytes.len, digest, NULL, md_of(t), NULL))
            continue;
        lookup(h, VG_HSET_PESECT, t, digest, s->raw_size);
    }
}

static bool set_empty(const struct vigil_engine *eng, enum vg_hash_set set,
                      int t)
{
    return eng->hashes.tab[set][t][0].n == 0 &&
           eng->hashes.tab[set][t][1].n == 0;
}

static void scan_sections(struct hits *h, struct vigil_span data,
                          const struct vg_exe_info *exe)
{
    struct vg_exe_section s;
    bool any = false;

    for (int t = 0; t < VG_HASH_NTYPES; t++)
        any |= !set_empty(h->eng, VG_HSET_PESECT, t);
    for (uint32_t i = 0; any && i < exe->nsections && !h->stop; i++)
        if (vg_pe_section(data, exe, i, &s))
            scan_section(h, data, &s);
}

/* The import hash: every wanted digest fed in one walk. */
struct imp_digests {
    EVP_MD_CTX *md[VG_HASH_NTYPES];
    uint64_t size;
    bool ok;
};

static void imp_feed(void *ctx, const char *bytes, size_t len)
{
    struct imp_digests *d = ctx;

    for (int t = 0; t < VG_HASH_NTYPES; t++)
        if (d->md[t] && !EVP_DigestUpdate(d->md[t], bytes, len))
            d->ok = false;
    d->size += len;
}

static bool imp_init(struct hits *h, struct imp_digests *d)
{
    bool any = false;

    d->size = 0;
    d->ok = true;
    for (int t = 0; t < VG_HASH_NTYPES; t++) {
        d->md[t] = NULL;
        if (set_empty(h->eng, VG_HSET_IMP, t))
            continue;
        any = true;
        d->md[t] = EVP_MD_CTX_new();
        if (!d->md[t] || !EVP_DigestInit_ex(d->md[t], md_of(t), NULL))
            d->ok = false;
    }
    return any;
}

static void scan_imports(struct hits *h, struct vigil_span data,
                         const struct vg_exe_info *exe)
{
    struct imp_digests d;
    uint8_t digest[EVP_MAX_MD_SIZE];

    if (imp_init(h, &d) && d.ok &&
        vg_pe_imports_walk(data, exe, imp_feed, &d) && d.ok) {
        for (int t = 0; t < VG_HASH_NTYPES && !h->stop; t++)
            if (d.md[t] && EVP_DigestFinal_ex(d.md[t], digest, NULL))
                lookup(h, VG_HSET_IMP, t, digest, d.size);
    }
    for (int t = 0; t < VG_HASH_NTYPES; t++)
        EVP_MD_CTX_free(d.md[t]);
}

void vg_exehash_scan(const struct vigil_engine *eng, struct vigil_span data,
                     const struct vg_exe_info *exe,
                     void (*found)(void *ctx, const char *name), void *ctx,
                     bool allmatch)
{
    struct hits h = {eng, found, ctx, allmatch, false};

    if (exe->kind != VG_EXE_PE || !exe->pe.hashable)
        return;
    scan_sections(&h, data, exe);
    if (!h.stop)
        scan_imports(&h, data, exe);
}
