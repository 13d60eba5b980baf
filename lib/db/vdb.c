// SPDX-License-Identifier: GPL-2.0-or-later
// vdb.c: writes a compiled engine as one compiled database file: a header
// page with the section table, then every array of the engine as a
// section, each on a 64-byte boundary (docs/internals/COMPILED-DB.md).
#include "db/vdb.h"

#include <errno.h>
#include <fcntl.h>
#include <hs.h>
#include <libgen.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "db/vdb_private.h"
#include "engine.h"
#include "match/lsig_private.h"
#include "match/matcher_private.h"
#include "match/prefilter.h"
#include "util/alloc.h"
#include "vigil_build_id.h"

struct vdb_src {
    uint32_t id, elem;
    uint64_t count;
    const void *data;
};

struct vdb_writer {
    struct vdb_src sec[VG_VDB_MAX_SECTIONS];
    uint32_t n;
    bool overflow;
    void *owned[4 * VG_NTARGETS + 2]; /* images and copies made here */
    unsigned nowned;
    uint8_t *pcre_blob;
};

void vg_vdb_sha256(const void *data, size_t len, uint8_t out[32])
{
    unsigned int n = 32;
    EVP_Digest(data, len, out, &n, EVP_sha256(), NULL);
}

/* Everything the reader assumes about this build: the library's sources
 * (their hash, so no stale file outlives a code change), record sizes,
 * and the libraries whose binary formats are stored, with the CPU the
 * Vectorscan databases were built for. A file made by another build is
 * refused (and a cache entry recompiled). */
void vg_vdb_layout(uint8_t out[32])
{
    char s[512], plat[128];
    int n;
    vg_prefilter_platform(plat, sizeof plat);
    n = snprintf(
        s, sizeof s,
        "vigil %s %s|vdb %u|%s|pcre2 %d.%d|%zu %zu %zu %zu %zu %zu %zu %zu "
        "%zu %zu %zu %zu %zu %zu %zu %zu %zu %zu",
        vigil_version(), VIGIL_BUILD_ID, VG_VDB_VERSION, plat, PCRE2_MAJOR,
        PCRE2_MINOR, sizeof(struct vg_vdb_scalars),
        sizeof(struct vg_vdb_hashtab), sizeof(struct vg_pat),
        sizeof(struct vg_seg), sizeof(struct vg_elem), sizeof(struct vg_alt),
        sizeof(struct vg_pat_meta), sizeof(struct vg_atom),
        sizeof(struct vg_lsig), sizeof(struct vg_lsig_sub),
        sizeof(struct vg_lx_insn), sizeof(struct vg_lsig_tdb),
        sizeof(struct vg_lsig_pcre), sizeof(struct vg_bcomp),
        sizeof(struct vg_lsig_macro), sizeof(struct vg_offset),
        sizeof(struct vg_vdb_header), sizeof(struct vg_vdb_section));
    vg_vdb_sha256(s, n > 0 ? (size_t)n : 0, out);
}

bool vg_vdb_sniff(const void *data, size_t len)
{
    return len >= 8 && memcmp(data, VG_VDB_MAGIC, 8) == 0;
}

static void add(struct vdb_writer *w, uint32_t id, const void *data,
                size_t elem, uint64_t count)
{
    if (count == 0 || !data)
        return; /* absent sections read back as empty */
    if (w->n == VG_VDB_MAX_SECTIONS) {
        w->overflow = true;
        return;
    }
    w->sec[w->n++] = (struct vdb_src){id, (uint32_t)elem, count, data};
}

static void add_hashes(struct vdb_writer *w, struct vg_hashdb *db,
                       struct vg_vdb_hashtab *recs)
{
    for (unsigned i = 0; i < VG_VDB_NTABS; i++) {
        const struct vg_hashtab *t = vg_vdb_tab(db, i);
        recs[i] = (struct vg_vdb_hashtab){t->dlen, t->any_size, {0, 0},
                                          t->n, t->nslots, t->nusizes};
        add(w, VDB_HASH_DIGESTS + i, t->digests, 1, (uint64_t)t->n * t->dlen);
        add(w, VDB_HASH_SIZES + i, t->sizes, 4, t->n); /* 0s if any_size */
        add(w, VDB_HASH_NAMES + i, t->names, 4, t->n);
        add(w, VDB_HASH_SLOTS + i, t->slots, 4, t->nslots);
        add(w, VDB_HASH_USIZES + i, t->usizes, 4, t->nusizes);
    }
    add(w, VDB_HASHTABS, recs, sizeof *recs, VG_VDB_NTABS);
}

static int add_images(struct vdb_writer *w, const struct vg_prefilter *pf,
                      uint32_t id, uint32_t nul_id)
{
    for (int nul = 0; nul < 2 && pf; nul++) {
        void *img;
        size_t len;
        int ret = vg_prefilter_image(pf, nul, &img, &len);
        if (ret != VIGIL_OK)
            return ret;
        if (!img)
            continue;
        w->owned[w->nowned++] = img;
        add(w, nul ? nul_id : id, img, 1, len);
    }
    return VIGIL_OK;
}

static int add_prefilters(struct vdb_writer *w, const struct vg_matcher *m)
{
    int ret = VIGIL_OK;
    for (unsigned t = 0; t < VG_NTARGETS && ret == VIGIL_OK; t++) {
        ret = add_images(w, m->pf[t], VDB_PF_DB + t, VDB_PF_NULDB + t);
        if (ret == VIGIL_OK)
            ret = add_images(w, m->pfu[t], VDB_PFU_DB + t, VDB_PFU_NULDB + t);
    }
    return ret;
}

static void add_matcher(struct vdb_writer *w, const struct vg_matcher *m)
{
    const struct vg_patstore *ps = &m->ps;
    add(w, VDB_PS_PATS, ps->pats, sizeof *ps->pats, ps->npats);
    add(w, VDB_PS_SEGS, ps->segs, sizeof *ps->segs, ps->nsegs);
    add(w, VDB_PS_ELEMS, ps->elems, sizeof *ps->elems, ps->nelems);
    add(w, VDB_PS_CLASSES, ps->classes, sizeof *ps->classes, ps->nclasses);
    add(w, VDB_PS_ALTS, ps->alts, sizeof *ps->alts, ps->nalts);
    add(w, VDB_PS_ALTBYTES, ps->altbytes, 1, ps->naltbytes);
    add(w, VDB_PS_ALTMASKS, ps->altmasks, 1, ps->naltbytes);
    add(w, VDB_M_META, m->meta, sizeof *m->meta, ps->npats);
    add(w, VDB_M_ATOMS, m->atoms, sizeof *m->atoms, m->natoms);
    add(w, VDB_M_LITFIRST, m->lit_first, 4, m->natoms ? m->nlits + 1u : 0);
    for (unsigned t = 0; t < VG_NTARGETS; t++)
        add(w, VDB_M_PINNED + t, m->pinned[t], 4, m->npinned[t]);
}

/* PCRE entries are stored with their code pointers cleared; the codes
 * follow as one PCRE2 serialisation blob. */
static int add_pcres(struct vdb_writer *w, const struct vg_lsigs_impl *im)
{
    struct vg_lsig_pcre *copy;
    const pcre2_code **codes;
    size_t len = 0;
    int ret;
    if (im->npcre == 0)
        return VIGIL_OK;
    copy = vigil_calloc(im->npcre, sizeof *copy);
    codes = vigil_calloc(im->npcre, sizeof *codes);
    if (!copy || !codes) {
        vigil_free(copy);
        vigil_free(codes);
        return VIGIL_E_NOMEM;
    }
    for (uint32_t i = 0; i < im->npcre; i++) {
        copy[i] = im->pcres[i];
        copy[i].p.re = NULL;
        codes[i] = im->pcres[i].p.re;
    }
    w->owned[w->nowned++] = copy;
    ret = vg_pcre_encode(codes, im->npcre, &w->pcre_blob, &len);
    vigil_free(codes);
    if (ret != VIGIL_OK)
        return ret;
    add(w, VDB_L_PCRES, copy, sizeof *copy, im->npcre);
    add(w, VDB_L_PCRE_CODES, w->pcre_blob, 1, len);
    return VIGIL_OK;
}

static int add_lsigs(struct vdb_writer *w, const struct vg_lsigs *l)
{
    const struct vg_lsigs_impl *im = l->impl;
    add(w, VDB_L_SIGS, l->sigs, sizeof *l->sigs, l->n);
    add(w, VDB_L_SUBS, l->subs, sizeof *l->subs, l->nsubs);
    if (!im)
        return VIGIL_OK;
    add(w, VDB_L_PROG, im->prog, sizeof *im->prog, im->nprog);
    add(w, VDB_L_TDBS, im->tdbs, sizeof *im->tdbs, im->ntdb);
    add(w, VDB_L_BCOMPS, im->bcomps, sizeof *im->bcomps, im->nbcomp);
    add(w, VDB_L_MACROS, im->macros, sizeof *im->macros, im->nmacro);
    add(w, VDB_L_ALWAYS, im->always, 4, im->nalways);
    return add_pcres(w, im);
}

static int collect(struct vdb_writer *w, struct vigil_engine *eng,
                   struct vg_vdb_scalars *sc, struct vg_vdb_hashtab *recs)
{
    int ret;
    sc->nsigs = eng->nsigs;
    memcpy(sc->lits_per_target, eng->body.lits_per_target,
           sizeof sc->lits_per_target);
    sc->has_lsigs = eng->lsigs.impl != NULL;
    sc->partial_targets = eng->lsigs.impl ? eng->lsigs.impl->partial_targets : 0;
    sc->nlits = eng->body.nlits;
    add(w, VDB_SCALARS, sc, sizeof *sc, 1);
    add(w, VDB_NAMES, eng->names.pool.data, 1, eng->names.pool.len);
    add(w, VDB_SOURCES, eng->sources.data, 1, eng->sources.len);
    add_hashes(w, &eng->hashes, recs);
    add_matcher(w, &eng->body);
    add(w, VDB_NDB_NAMES, eng->ndbs.names, 4, eng->ndbs.n);
    if ((ret = add_lsigs(w, &eng->lsigs)) != VIGIL_OK ||
        (ret = add_prefilters(w, &eng->body)) != VIGIL_OK)
        return ret;
    return w->overflow ? VIGIL_E_NOMEM : VIGIL_OK;
}

static void writer_free(struct vdb_writer *w)
{
    for (unsigned i = 0; i < w->nowned; i++)
        vigil_aligned_free(w->owned[i]);
    vg_pcre_blob_free(w->pcre_blob);
}

/* ---- output ----------------------------------------------------------- */

struct vdb_out {
    int fd;
    uint64_t pos;
    EVP_MD_CTX *body;
};

static int out_write(struct vdb_out *o, const void *p, size_t n)
{
    const uint8_t *b = p;
    if (o->pos >= VG_VDB_HEADER &&
        EVP_DigestUpdate(o->body, p, n) != 1)
        return VIGIL_E_NOMEM;
    o->pos += n;
    while (n > 0) {
        ssize_t w = write(o->fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return VIGIL_E_IO;
        b += w;
        n -= (size_t)w;
    }
    return VIGIL_OK;
}

static int out_pad(struct vdb_out *o, uint64_t align)
{
    static const uint8_t zeros[VG_VDB_HEADER];
    uint64_t pad = (align - o->pos % align) % align;
    return pad ? out_write(o, zeros, (size_t)pad) : VIGIL_OK;
}

static int write_sections(struct vdb_out *o, const struct vdb_writer *w,
                          struct vg_vdb_section *tab)
{
    static const uint8_t header_page[VG_VDB_HEADER];
    int ret = out_write(o, header_page, sizeof header_page);
    for (uint32_t i = 0; i < w->n && ret == VIGIL_OK; i++) {
        const struct vdb_src *s = &w->sec[i];
        if ((ret = out_pad(o, VG_VDB_ALIGN)) != VIGIL_OK)
            break;
        tab[i] = (struct vg_vdb_section){s->id, s->elem, s->count, o->pos,
                                         s->count * s->elem};
        ret = out_write(o, s->data, (size_t)tab[i].size);
    }
    /* Whole pages, so the last section can be mapped without a tail. */
    return ret == VIGIL_OK ? out_pad(o, VG_VDB_HEADER) : ret;
}

static int write_header(struct vdb_out *o, struct vigil_engine *eng,
                        const struct vdb_writer *w,
                        const struct vg_vdb_section *tab,
                        const uint8_t source_key[32])
{
    uint8_t page[VG_VDB_HEADER] = {0};
    struct vg_vdb_header *h = (struct vg_vdb_header *)page;
    unsigned int dn = 32;
    memcpy(h->magic, VG_VDB_MAGIC, 8);
    h->version = VG_VDB_VERSION;
    h->nsections = w->n;
    h->file_size = o->pos;
    h->created = (uint64_t)time(NULL);
    h->nsigs = eng->nsigs;
    vg_vdb_layout(h->layout);
    if (EVP_DigestFinal_ex(o->body, h->body_sha256, &dn) != 1)
        return VIGIL_E_NOMEM;
    if (source_key)
        memcpy(h->source_key, source_key, 32);
    snprintf(h->vigil_version, sizeof h->vigil_version, "%s",
             vigil_version());
    memcpy(page + sizeof *h, tab, w->n * sizeof *tab);
    vg_vdb_sha256(page, sizeof page, h->header_sha256);
    return pwrite(o->fd, page, sizeof page, 0) == (ssize_t)sizeof page
               ? VIGIL_OK
               : VIGIL_E_IO;
}

static int fsync_dir_of(const char *path)
{
    char *copy = strdup(path);
    int fd, ret = VIGIL_E_NOMEM;
    if (copy) {
        fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        ret = fd >= 0 && fsync(fd) == 0 ? VIGIL_OK : VIGIL_E_IO;
        if (fd >= 0)
            close(fd);
    }
    free(copy);
    return ret;
}

static int write_file(struct vigil_engine *eng, const struct vdb_writer *w,
                      const char *path, const uint8_t source_key[32])
{
    struct vg_vdb_section tab[VG_VDB_MAX_SECTIONS];
    struct vdb_out o = {-1, 0, EVP_MD_CTX_new()};
    char tmp[4096];
    int ret = VIGIL_E_IO;
    if (snprintf(tmp, sizeof tmp, "%s.tmp.XXXXXX", path) >= (int)sizeof tmp ||
        !o.body || EVP_DigestInit_ex(o.body, EVP_sha256(), NULL) != 1)
        goto out;
    if ((o.fd = mkstemp(tmp)) < 0) {
        vg_engine_set_error(eng, "%s: cannot create: %s", tmp,
                            strerror(errno));
        goto out;
    }
    if ((ret = write_sections(&o, w, tab)) == VIGIL_OK &&
        (ret = write_header(&o, eng, w, tab, source_key)) == VIGIL_OK &&
        (fchmod(o.fd, 0644) != 0 || fsync(o.fd) != 0))
        ret = VIGIL_E_IO;
    /* Written pages sit in the page cache as large folios, and mapping
     * one page of a large folio maps all of it: drop them, so that scans
     * page in only what they read. */
    if (ret == VIGIL_OK)
        (void)posix_fadvise(o.fd, 0, 0, POSIX_FADV_DONTNEED);
    if (close(o.fd) != 0 && ret == VIGIL_OK)
        ret = VIGIL_E_IO;
    if (ret == VIGIL_OK && rename(tmp, path) != 0)
        ret = VIGIL_E_IO;
    if (ret != VIGIL_OK) {
        vg_engine_set_error(eng, "%s: cannot write: %s", path,
                            strerror(errno));
        unlink(tmp);
    } else {
        ret = fsync_dir_of(path);
    }
out:
    EVP_MD_CTX_free(o.body);
    return ret;
}

int vg_vdb_save(struct vigil_engine *eng, const char *path,
                const uint8_t source_key[32])
{
    struct vg_vdb_hashtab recs[VG_VDB_NTABS];
    struct vg_vdb_scalars sc = {0};
    struct vdb_writer *w;
    int ret;
    if (!eng->compiled)
        return VIGIL_E_STATE;
    if (!(w = vigil_calloc(1, sizeof *w)))
        return VIGIL_E_NOMEM;
    ret = collect(w, eng, &sc, recs);
    if (ret == VIGIL_OK)
        ret = write_file(eng, w, path, source_key);
    writer_free(w);
    vigil_free(w);
    return ret;
}
