// SPDX-License-Identifier: GPL-2.0-or-later
// vdb_map.c: maps a compiled database file read-only and points an empty
// engine's tables into it. Nothing is parsed per signature: the header
// and section table are checked, the Vectorscan images are accepted by
// Vectorscan, and the regexes are decoded; every other array is used in
// place, so processes mapping the same file share its pages.
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/vdb_private.h"
#include "engine.h"
#include "match/lsig_private.h"
#include "match/matcher_private.h"
#include "match/prefilter.h"
#include "util/alloc.h"

/* Larger files are refused rather than mapped: a full-size ClamAV
 * database compiles to well under 4 GiB. */
#define VDB_MAX_FILE ((uint64_t)16 << 30)

struct vdb_view {
    const uint8_t *base;
    const struct vg_vdb_header *hdr;
    const struct vg_vdb_section *tab;
    const char *path;
    struct vigil_engine *eng;
    const char *why; /* first problem found */
};

/* ---- header ----------------------------------------------------------- */

static const char *check_header(const uint8_t *page, uint64_t file_size)
{
    const struct vg_vdb_header *h = (const void *)page;
    uint8_t copy[VG_VDB_HEADER], sum[32], layout[32];
    if (memcmp(h->magic, VG_VDB_MAGIC, 8) != 0)
        return "not a compiled vigil database";
    if (h->version != VG_VDB_VERSION)
        return "compiled database format version not supported";
    memcpy(copy, page, sizeof copy);
    memset(((struct vg_vdb_header *)copy)->header_sha256, 0, 32);
    vg_vdb_sha256(copy, sizeof copy, sum);
    vg_vdb_layout(layout);
#ifndef VIGIL_FUZZING /* let mutations reach the structure checks */
    if (memcmp(sum, h->header_sha256, 32) != 0)
        return "header checksum mismatch (file damaged)";
    if (memcmp(layout, h->layout, 32) != 0)
        return "compiled by another vigil build (recompile it)";
#endif
    if (h->file_size != file_size)
        return "truncated or extended (size differs from the header)";
    if (h->nsections > VG_VDB_MAX_SECTIONS)
        return "section table too large";
    return NULL;
}

static const char *check_sections(const struct vg_vdb_header *h,
                                  const struct vg_vdb_section *tab)
{
    for (uint32_t i = 0; i < h->nsections; i++) {
        const struct vg_vdb_section *s = &tab[i];
        uint64_t size, end;
        if (s->elem == 0 || __builtin_mul_overflow(s->count, s->elem, &size) ||
            size != s->size)
            return "section size does not match its element count";
        if (s->off < VG_VDB_HEADER || s->off % VG_VDB_ALIGN != 0 ||
            __builtin_add_overflow(s->off, s->size, &end) ||
            end > h->file_size)
            return "section lies outside the file";
    }
    return NULL;
}

/* The body's checksum, read with pread so that checking does not make
 * the pages part of the process, and with O_DIRECT where possible so it
 * leaves no large folios behind in the page cache (see vdb.c). */
static const char *check_body(int fd0, const char *path,
                              const struct vg_vdb_header *h)
{
    static const size_t chunk = (size_t)1 << 20;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_DIRECT);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    uint8_t *buf = vigil_aligned_alloc(4096, chunk), sum[32];
    unsigned int n = 32;
    uint64_t pos = VG_VDB_HEADER;
    const char *why = "out of memory while checking";
    if (!ctx || !buf || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1)
        goto out;
    why = NULL;
    while (pos < h->file_size && !why) {
        size_t want = h->file_size - pos < chunk ? h->file_size - pos : chunk;
        ssize_t got = pread(fd >= 0 ? fd : fd0, buf, want, (off_t)pos);
        if (got < 0 && fd >= 0 && errno == EINVAL) { /* no O_DIRECT here */
            close(fd);
            fd = -1;
            continue;
        }
        if (got <= 0)
            why = "read error while checking";
        else if (EVP_DigestUpdate(ctx, buf, (size_t)got) != 1)
            why = "out of memory while checking";
        else
            pos += (uint64_t)got;
    }
    if (!why && (EVP_DigestFinal_ex(ctx, sum, &n) != 1 ||
                 memcmp(sum, h->body_sha256, 32) != 0))
        why = "body checksum mismatch (file damaged)";
out:
    if (fd >= 0)
        close(fd);
    EVP_MD_CTX_free(ctx);
    vigil_aligned_free(buf);
    return why;
}

/* ---- sections ----------------------------------------------------------- */

/* Section @p id with elements of @p elem bytes: its data and count, or
 * NULL and 0 when absent. A size mismatch is a layout error. */
static const void *sec(struct vdb_view *v, uint32_t id, size_t elem,
                       uint64_t *count)
{
    *count = 0;
    for (uint32_t i = 0; i < v->hdr->nsections; i++) {
        if (v->tab[i].id != id)
            continue;
        if (v->tab[i].elem != elem) {
            v->why = v->why ? v->why : "a section has the wrong record size";
            return NULL;
        }
        *count = v->tab[i].count;
        return v->base + v->tab[i].off;
    }
    return NULL;
}

/* A section that must hold exactly @p want elements (0: absent). */
static void *sec_n(struct vdb_view *v, uint32_t id, size_t elem, uint64_t want)
{
    uint64_t n;
    const void *p = sec(v, id, elem, &n);
    if (n != want && !v->why)
        v->why = "a table's length does not match its header";
    /* Tables are read-only at scan time; the engine's types are not
     * const only because loading builds the same tables in memory. */
    return n == want ? (void *)(uintptr_t)p : NULL;
}

static uint32_t u32_count(struct vdb_view *v, uint64_t n)
{
    if (n > UINT32_MAX && !v->why)
        v->why = "a table is too long";
    return (uint32_t)n;
}

static void map_hashes(struct vdb_view *v, struct vg_hashdb *db)
{
    uint64_t n;
    const struct vg_vdb_hashtab *recs =
        sec(v, VDB_HASHTABS, sizeof *recs, &n);
    if (n != VG_VDB_NTABS) {
        v->why = v->why ? v->why : "hash tables missing";
        return;
    }
    for (unsigned i = 0; i < VG_VDB_NTABS && !v->why; i++) {
        struct vg_hashtab *t = vg_vdb_tab(db, i);
        const struct vg_vdb_hashtab *r = &recs[i];
        if (r->dlen != t->dlen || (r->nslots & (r->nslots - 1)) ||
            (r->nusizes & (r->nusizes - 1)) ||
            (r->nslots && r->nslots <= r->n)) { /* probes must end */
            v->why = "a hash table's shape is invalid";
            return;
        }
        t->n = t->cap = r->n;
        t->any_size = r->any_size;
        t->nslots = r->nslots;
        t->nusizes = r->nusizes;
        t->digests = sec_n(v, VDB_HASH_DIGESTS + i, 1, (uint64_t)r->n * r->dlen);
        t->sizes = sec_n(v, VDB_HASH_SIZES + i, 4, r->n);
        t->names = sec_n(v, VDB_HASH_NAMES + i, 4, r->n);
        t->slots = sec_n(v, VDB_HASH_SLOTS + i, 4, r->nslots);
        t->usizes = sec_n(v, VDB_HASH_USIZES + i, 4, r->nusizes);
    }
}

static void map_patterns(struct vdb_view *v, struct vg_patstore *ps)
{
    uint64_t n;
    ps->pats = (void *)(uintptr_t)sec(v, VDB_PS_PATS, sizeof *ps->pats, &n);
    ps->npats = ps->cap_pats = u32_count(v, n);
    ps->segs = (void *)(uintptr_t)sec(v, VDB_PS_SEGS, sizeof *ps->segs, &n);
    ps->nsegs = ps->cap_segs = u32_count(v, n);
    ps->elems = (void *)(uintptr_t)sec(v, VDB_PS_ELEMS, sizeof *ps->elems, &n);
    ps->nelems = ps->cap_elems = u32_count(v, n);
    ps->classes =
        (void *)(uintptr_t)sec(v, VDB_PS_CLASSES, sizeof *ps->classes, &n);
    ps->nclasses = ps->cap_classes = u32_count(v, n);
    ps->alts = (void *)(uintptr_t)sec(v, VDB_PS_ALTS, sizeof *ps->alts, &n);
    ps->nalts = ps->cap_alts = u32_count(v, n);
    ps->altbytes = (void *)(uintptr_t)sec(v, VDB_PS_ALTBYTES, 1, &n);
    ps->naltbytes = ps->cap_altbytes = u32_count(v, n);
    ps->altmasks = sec_n(v, VDB_PS_ALTMASKS, 1, ps->naltbytes);
}

static int map_images(struct vdb_view *v, uint32_t id, uint32_t nul_id,
                      struct vg_prefilter **out)
{
    uint64_t n1, n2;
    const void *db = sec(v, id, 1, &n1);
    const void *nul = sec(v, nul_id, 1, &n2);
    const char *err = NULL;
    int ret;
    if (!db && !nul)
        return VIGIL_OK;
    ret = vg_prefilter_from_images(db, n1, nul, n2, out, &err);
    if (ret != VIGIL_OK)
        v->why = err ? err : "out of memory";
    return ret;
}

static int map_prefilters(struct vdb_view *v, struct vg_matcher *m)
{
    int ret = VIGIL_OK;
    for (unsigned t = 0; t < VG_NTARGETS && ret == VIGIL_OK; t++) {
        ret = map_images(v, VDB_PF_DB + t, VDB_PF_NULDB + t, &m->pf[t]);
        if (ret == VIGIL_OK)
            ret = map_images(v, VDB_PFU_DB + t, VDB_PFU_NULDB + t,
                             &m->pfu[t]);
    }
    return ret;
}

static int map_matcher(struct vdb_view *v, struct vg_matcher *m,
                       const struct vg_vdb_scalars *sc)
{
    uint64_t n;
    map_patterns(v, &m->ps);
    m->meta = sec_n(v, VDB_M_META, sizeof *m->meta, m->ps.npats);
    m->cap_meta = m->ps.npats;
    m->atoms = (void *)(uintptr_t)sec(v, VDB_M_ATOMS, sizeof *m->atoms, &n);
    m->natoms = u32_count(v, n);
    m->nlits = sc->nlits;
    m->lit_first = sec_n(v, VDB_M_LITFIRST, 4, m->natoms ? m->nlits + 1u : 0);
    for (unsigned t = 0; t < VG_NTARGETS; t++) {
        m->pinned[t] = (void *)(uintptr_t)sec(v, VDB_M_PINNED + t, 4, &n);
        m->npinned[t] = u32_count(v, n);
    }
    memcpy(m->lits_per_target, sc->lits_per_target,
           sizeof m->lits_per_target);
    m->compiled = true;
    return v->why ? VIGIL_E_DB : map_prefilters(v, m);
}

static int map_pcres(struct vdb_view *v, struct vg_lsigs_impl *im)
{
    uint64_t n, blen;
    const struct vg_lsig_pcre *src = sec(v, VDB_L_PCRES, sizeof *src, &n);
    const uint8_t *blob = sec(v, VDB_L_PCRE_CODES, 1, &blen);
    pcre2_code **codes;
    int ret;
    if (n == 0)
        return VIGIL_OK;
    im->pcres = vigil_calloc(n, sizeof *im->pcres);
    codes = vigil_calloc(n, sizeof *codes);
    if (!im->pcres || !codes) {
        vigil_free(codes);
        return VIGIL_E_NOMEM;
    }
    ret = vg_pcre_decode(blob, blob ? blen : 0, u32_count(v, n), codes);
    if (ret == VIGIL_OK) {
        for (uint64_t i = 0; i < n; i++) {
            im->pcres[i] = src[i];
            im->pcres[i].p.re = codes[i];
        }
        im->npcre = im->cap_pcre = (uint32_t)n;
    } else {
        v->why = "its regular expressions do not decode";
    }
    vigil_free(codes);
    return ret;
}

static int map_lsigs(struct vdb_view *v, struct vg_lsigs *l,
                     struct vg_matcher *body, const struct vg_vdb_scalars *sc)
{
    struct vg_lsigs_impl *im;
    uint64_t n;
    l->sigs = (void *)(uintptr_t)sec(v, VDB_L_SIGS, sizeof *l->sigs, &n);
    l->n = l->cap = u32_count(v, n);
    l->subs = (void *)(uintptr_t)sec(v, VDB_L_SUBS, sizeof *l->subs, &n);
    l->nsubs = l->cap_subs = u32_count(v, n);
    if (!sc->has_lsigs)
        return VIGIL_OK;
    if (!(im = l->impl = vigil_calloc(1, sizeof *im)))
        return VIGIL_E_NOMEM;
    im->body = body;
    im->partial_targets = sc->partial_targets;
    im->prog = (void *)(uintptr_t)sec(v, VDB_L_PROG, sizeof *im->prog, &n);
    im->nprog = im->cap_prog = u32_count(v, n);
    im->tdbs = (void *)(uintptr_t)sec(v, VDB_L_TDBS, sizeof *im->tdbs, &n);
    im->ntdb = im->cap_tdb = u32_count(v, n);
    im->bcomps =
        (void *)(uintptr_t)sec(v, VDB_L_BCOMPS, sizeof *im->bcomps, &n);
    im->nbcomp = im->cap_bcomp = u32_count(v, n);
    im->macros =
        (void *)(uintptr_t)sec(v, VDB_L_MACROS, sizeof *im->macros, &n);
    im->nmacro = im->cap_macro = u32_count(v, n);
    im->always = (void *)(uintptr_t)sec(v, VDB_L_ALWAYS, 4, &n);
    im->nalways = u32_count(v, n);
    return map_pcres(v, im);
}

static int map_engine(struct vdb_view *v)
{
    struct vigil_engine *eng = v->eng;
    uint64_t n;
    int ret;
    const struct vg_vdb_scalars *sc = sec_n(v, VDB_SCALARS, sizeof *sc, 1);
    if (!sc)
        return VIGIL_E_DB;
    eng->nsigs = (size_t)sc->nsigs;
    eng->names.pool.data = (void *)(uintptr_t)sec(v, VDB_NAMES, 1, &n);
    eng->names.pool.len = eng->names.pool.cap = eng->names.pool.max = n;
    /* Name offsets are read up to a NUL: the pool must end with one. */
    if (n && eng->names.pool.data[n - 1] != '\0')
        v->why = "the name pool is not terminated";
    map_hashes(v, &eng->hashes);
    eng->ndbs.names = (void *)(uintptr_t)sec(v, VDB_NDB_NAMES, 4, &n);
    eng->ndbs.n = eng->ndbs.cap = u32_count(v, n);
    if (v->why)
        return VIGIL_E_DB;
    if ((ret = map_lsigs(v, &eng->lsigs, &eng->body, sc)) != VIGIL_OK ||
        (ret = map_matcher(v, &eng->body, sc)) != VIGIL_OK)
        return ret;
    return v->why ? VIGIL_E_DB : VIGIL_OK;
}

/* ---- public ----------------------------------------------------------- */

static int open_checked(struct vigil_engine *eng, const char *path,
                        enum vg_vdb_check check, int *fdp, uint8_t *page,
                        uint64_t *size)
{
    struct stat st;
    const char *why = NULL;
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        vg_engine_set_error(eng, "%s: %s", path, strerror(e));
        return e == ENOENT ? VIGIL_E_NOENT
               : e == EACCES ? VIGIL_E_ACCESS
                             : VIGIL_E_IO;
    }
    /* No readahead: it would fill the page cache with large folios. */
    (void)posix_fadvise(fd, 0, 0, POSIX_FADV_RANDOM);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        why = "not a regular file";
    else if ((uint64_t)st.st_size < VG_VDB_HEADER ||
             (uint64_t)st.st_size > VDB_MAX_FILE)
        why = "truncated or not a compiled database";
    else if (pread(fd, page, VG_VDB_HEADER, 0) != (ssize_t)VG_VDB_HEADER)
        why = "cannot read the header";
    else if (!(why = check_header(page, (uint64_t)st.st_size)))
        why = check_sections((const void *)page,
                             (const void *)(page + sizeof(struct vg_vdb_header)));
    if (!why && check == VG_VDB_VERIFY_BODY)
        why = check_body(fd, path, (const void *)page);
    if (why) {
        vg_engine_set_error(eng, "%s: %s", path, why);
        close(fd);
        return VIGIL_E_DB;
    }
    *fdp = fd;
    *size = (uint64_t)st.st_size;
    return VIGIL_OK;
}

int vg_vdb_map(struct vigil_engine *eng, const char *path,
               enum vg_vdb_check check)
{
    uint8_t *pg = vigil_aligned_alloc(64, VG_VDB_HEADER);
    struct vg_vdb_map *map = NULL;
    uint64_t size = 0;
    void *base;
    int fd = -1, ret;
    if (eng->compiled || eng->nsigs || eng->names.pool.len) {
        vigil_aligned_free(pg);
        return VIGIL_E_STATE;
    }
    if (!pg)
        return VIGIL_E_NOMEM;
    ret = open_checked(eng, path, check, &fd, pg, &size);
    vigil_aligned_free(pg);
    if (ret != VIGIL_OK)
        return ret;
    base = mmap(NULL, (size_t)size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd);
    /* A scan reads a few scattered pages of a large file; without this
     * the kernel maps 64 KiB around each one ("fault-around"), which
     * multiplies the pages charged to the process. */
    if (base != MAP_FAILED)
        (void)madvise(base, (size_t)size, MADV_RANDOM);
    if (base == MAP_FAILED) {
        vg_engine_set_error(eng, "%s: cannot map: %s", path, strerror(errno));
        return VIGIL_E_IO;
    }
    if (!(map = vigil_calloc(1, sizeof *map))) {
        munmap(base, (size_t)size);
        return VIGIL_E_NOMEM;
    }
    *map = (struct vg_vdb_map){base, (size_t)size, base};
    eng->map = map;
    struct vdb_view v = {base, base,
                         (const void *)((const uint8_t *)base +
                                        sizeof(struct vg_vdb_header)),
                         path, eng, NULL};
    ret = map_engine(&v);
    if (ret != VIGIL_OK) {
        vg_engine_set_error(eng, "%s: %s", path,
                            v.why ? v.why : vigil_strerror(ret));
        return ret; /* the caller's unref releases the mapping */
    }
    eng->compiled = true;
    return VIGIL_OK;
}

void vg_vdb_release(struct vigil_engine *eng)
{
    struct vg_vdb_map *map = eng->map;
    struct vg_lsigs_impl *im = eng->lsigs.impl;
    if (!map)
        return;
    for (unsigned t = 0; t < VG_NTARGETS; t++) {
        vg_prefilter_free(&eng->body.pf[t]);
        vg_prefilter_free(&eng->body.pfu[t]);
    }
    if (im) {
        for (uint32_t i = 0; i < im->npcre; i++)
            pcre2_code_free(im->pcres[i].p.re);
        vigil_free(im->pcres);
        vigil_free(im);
    }
    munmap(map->base, map->len);
    vigil_free(map);
    eng->map = NULL;
    /* Back to an empty engine: nothing may point into the mapping. */
    vg_names_init(&eng->names);
    vg_hashdb_init(&eng->hashes);
    vg_matcher_init(&eng->body);
    vg_lsigs_init(&eng->lsigs);
    memset(&eng->ndbs, 0, sizeof eng->ndbs);
    eng->nsigs = 0;
    eng->compiled = false;
}

const struct vg_vdb_header *vg_vdb_header_of(const struct vigil_engine *eng)
{
    return eng->map ? eng->map->hdr : NULL;
}

int vg_vdb_verify_file(const char *path, char *why, size_t whylen)
{
    struct vigil_engine *eng = NULL;
    int ret = vigil_engine_new(&eng, NULL);
    if (ret != VIGIL_OK)
        return ret;
    ret = vg_vdb_map(eng, path, VG_VDB_VERIFY_BODY);
    snprintf(why, whylen, "%s", ret == VIGIL_OK ? "" : eng->last_error);
    vigil_engine_unref(&eng);
    return ret;
}

void vg_vdb_stats(const struct vigil_engine *eng, struct vg_vdb_stats *st)
{
    memset(st, 0, sizeof *st);
    for (unsigned set = 0; set < VG_HSET_N && set < 4; set++)
        for (unsigned t = 0; t < VG_HASH_NTYPES && t < 3; t++)
            st->hashes[set][t] = eng->hashes.tab[set][t][0].n +
                                 eng->hashes.tab[set][t][1].n;
    st->ndb = eng->ndbs.n;
    st->ldb = eng->lsigs.n;
    st->subsigs = eng->lsigs.nsubs;
    st->pcre = eng->lsigs.impl ? eng->lsigs.impl->npcre : 0;
    st->bcomp = eng->lsigs.impl ? eng->lsigs.impl->nbcomp : 0;
    st->patterns = eng->body.ps.npats;
    st->literals = eng->body.nlits;
    st->nsigs = eng->nsigs;
}

const char *vg_vdb_sources(const struct vigil_engine *eng, size_t *len)
{
    uint64_t n = 0;
    const char *p = NULL;
    if (eng->map) {
        struct vdb_view v = {eng->map->base, eng->map->hdr,
                             (const void *)((const uint8_t *)eng->map->base +
                                            sizeof(struct vg_vdb_header)),
                             "", NULL, NULL};
        p = sec(&v, VDB_SOURCES, 1, &n);
    } else {
        p = (const char *)eng->sources.data;
        n = eng->sources.len;
    }
    *len = (size_t)n;
    return p ? p : "";
}
