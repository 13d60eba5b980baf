// SPDX-License-Identifier: GPL-2.0-or-later
// scan.c: per-thread scan state and the scan of one object: body
// signatures, whole-file hashes (computed only when some signature could
// match the size), then the allow-list.
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "scan/source.h"
#include "util/alloc.h"
#include "util/caps.h"
#include "util/validate.h"

/* Pipes are read into memory; this bounds that copy. */
#define SCAN_MAX_STREAM ((size_t)4 << 30)
/* Hash in slices that stay in cache while every digest consumes them. */
#define HASH_SLICE (256u * 1024u)

struct vigil_scan {
    struct vigil_engine *eng;
    struct vg_match_scratch *ms;
    struct vg_lsig_scan *ls;
    bool allmatch; /* the current scan's mode */
    EVP_MD_CTX *md[VG_HASH_NTYPES];
    const char *names[VIGIL_CAP_MATCHES];
    size_t n_names;
};

/* Digests are computed at most once per object, and only those some
 * signature of the consulted set could match at this size. */
struct digests {
    bool done[VG_HASH_NTYPES];
    uint8_t d[VG_HASH_NTYPES][VG_HASH_MAXLEN];
};

int vigil_scan_new(struct vigil_scan **out, struct vigil_engine *eng)
{
    struct vigil_scan *scan;
    VIGIL_VALIDATE(eng ? &eng->log : NULL, out && eng, VIGIL_E_ARG);
    if (!eng->compiled)
        return VIGIL_E_STATE;
    scan = vigil_calloc(1, sizeof *scan);
    if (!scan)
        return VIGIL_E_NOMEM;
    scan->eng = vigil_engine_ref(eng);
    for (int t = 0; t < VG_HASH_NTYPES; t++) {
        scan->md[t] = EVP_MD_CTX_new();
        if (!scan->md[t]) {
            vigil_scan_free(&scan);
            return VIGIL_E_NOMEM;
        }
    }
    if (vg_match_scratch_new(&eng->body, &scan->ms) != VIGIL_OK ||
        vg_lsig_scan_new(&eng->lsigs, &scan->ls) != VIGIL_OK) {
        vigil_scan_free(&scan);
        return VIGIL_E_NOMEM;
    }
    *out = scan;
    return VIGIL_OK;
}

void vigil_scan_free(struct vigil_scan **scanp)
{
    struct vigil_scan *scan;
    if (!scanp || !*scanp)
        return;
    scan = *scanp;
    for (int t = 0; t < VG_HASH_NTYPES; t++)
        EVP_MD_CTX_free(scan->md[t]);
    vg_match_scratch_free(&scan->ms);
    vg_lsig_scan_free(&scan->ls);
    vigil_engine_unref(&scan->eng);
    vigil_free(scan);
    *scanp = NULL;
}

static const EVP_MD *hash_md(enum vg_hash_type t)
{
    switch (t) {
    case VG_HASH_MD5: return EVP_md5();
    case VG_HASH_SHA1: return EVP_sha1();
    default: return EVP_sha256();
    }
}

/* One pass over the data feeds every digest still wanted. */
static int compute_digests(struct vigil_scan *scan, struct vigil_span data,
                           enum vg_hash_set set, struct digests *dg)
{
    bool want[VG_HASH_NTYPES], any = false;
    int t;
    for (t = 0; t < VG_HASH_NTYPES; t++) {
        want[t] = !dg->done[t] &&
                  vg_hashdb_wants(&scan->eng->hashes, set, t, data.len);
        if (want[t] && !EVP_DigestInit_ex(scan->md[t], hash_md(t), NULL))
            return VIGIL_E_NOMEM;
        any |= want[t];
    }
    for (size_t off = 0; any && off < data.len; off += HASH_SLICE) {
        size_t n = data.len - off < HASH_SLICE ? data.len - off : HASH_SLICE;
        for (t = 0; t < VG_HASH_NTYPES; t++)
            if (want[t] && !EVP_DigestUpdate(scan->md[t], data.p + off, n))
                return VIGIL_E_NOMEM;
    }
    for (t = 0; t < VG_HASH_NTYPES; t++) {
        if (!want[t])
            continue;
        if (!EVP_DigestFinal_ex(scan->md[t], dg->d[t], NULL))
            return VIGIL_E_NOMEM;
        dg->done[t] = true;
    }
    return VIGIL_OK;
}

static bool allow_listed(const struct vg_hashdb *db, const struct digests *dg,
                         uint64_t size)
{
    uint32_t first;
    for (int t = 0; t < VG_HASH_NTYPES; t++)
        for (int a = 0; a < 2; a++)
            if (dg->done[t] &&
                vg_hashtab_find(&db->tab[VG_HSET_ALLOW][t][a], dg->d[t],
                                size, &first))
                return true;
    return false;
}

static void add_name(struct vigil_scan *scan, const char *name)
{
    for (size_t i = 0; i < scan->n_names; i++)
        if (scan->names[i] == name)
            return;
    if (scan->n_names < VIGIL_CAP_MATCHES)
        scan->names[scan->n_names++] = name;
}

/*
 * Each table contributes at most one name: entries with the same (hash,
 * size) are one detection (ClamAV reports one of them too; vigil takes the
 * first loaded). Order: MD5, SHA1, SHA256; exact sizes before '*'.
 */
static void match_hashes(struct vigil_scan *scan, const struct digests *dg,
                         uint64_t size)
{
    const struct vigil_engine *eng = scan->eng;
    for (int t = 0; t < VG_HASH_NTYPES; t++) {
        for (int a = 0; a < 2 && dg->done[t]; a++) {
            const struct vg_hashtab *tab =
                &eng->hashes.tab[VG_HSET_DETECT][t][a];
            uint32_t first;
            if (!vg_hashtab_find(tab, dg->d[t], size, &first))
                continue;
            add_name(scan, vg_names_get(&eng->names, tab->names[first]));
            if (!scan->allmatch)
                return;
        }
    }
}

static int on_body_match(void *cookie, uint32_t owner, uint64_t start,
                         uint64_t end)
{
    struct vigil_scan *scan = cookie;
    const struct vigil_engine *eng = scan->eng;
    if (owner & VG_OWNER_LDB) {
        vg_lsig_on_match(scan->ls, owner & ~VG_OWNER_LDB, start, end);
        return 0;
    }
    add_name(scan, vg_names_get(&eng->names, eng->ndbs.names[owner]));
    return !scan->allmatch;
}

static int on_lsig(void *cookie, uint32_t name)
{
    struct vigil_scan *scan = cookie;
    add_name(scan, vg_names_get(&scan->eng->names, name));
    return !scan->allmatch;
}

/* Body signatures: for now every object is matched as target 0. */
static int match_body(struct vigil_scan *scan, struct vigil_span data)
{
    vg_lsig_scan_reset(scan->ls);
    return vg_matcher_scan(&scan->eng->body, scan->ms, data, 1u << 0, NULL,
                           on_body_match, scan);
}

/* Logical signatures come after the hashes in ClamAV (LDB.md §4). */
static int match_logical(struct vigil_scan *scan, struct vigil_span data)
{
    struct vg_lsig_env env = {data, 0, 0, NULL, NULL, 0};
    if (scan->n_names && !scan->allmatch)
        return VIGIL_OK;
    return vg_lsig_evaluate(&scan->eng->lsigs, scan->ls, &env, on_lsig, scan);
}

static void fill_result(const struct vigil_scan *scan, struct vigil_result *res)
{
    res->verdict = VIGIL_FOUND;
    res->sig_name = scan->names[0];
    res->names = scan->names;
    res->n_names = scan->n_names;
}

/*
 * Order as in ClamAV: body signatures, whole-file hashes, logical
 * signatures. A detected object is then checked against the allow-list,
 * which cancels every detection of it.
 */
static int scan_span(struct vigil_scan *scan, struct vigil_span data,
                     unsigned flags, struct vigil_result *res)
{
    struct digests dg;
    int ret;
    memset(&dg, 0, sizeof dg);
    memset(res, 0, sizeof *res);
    scan->n_names = 0;
    scan->allmatch = flags & VIGIL_SCAN_ALLMATCH;
    res->bytes_scanned = data.len;
    if ((ret = match_body(scan, data)) != VIGIL_OK)
        return ret;
    if (scan->n_names == 0 || scan->allmatch) {
        if ((ret = compute_digests(scan, data, VG_HSET_DETECT, &dg)))
            return ret;
        match_hashes(scan, &dg, data.len);
    }
    if ((ret = match_logical(scan, data)) != VIGIL_OK)
        return ret;
    if (scan->n_names == 0)
        return VIGIL_OK;
    if ((ret = compute_digests(scan, data, VG_HSET_ALLOW, &dg)))
        return ret;
    if (allow_listed(&scan->eng->hashes, &dg, data.len))
        scan->n_names = 0;
    else
        fill_result(scan, res);
    return VIGIL_OK;
}

int vigil_scan_mem(struct vigil_scan *scan, const void *data, size_t len,
                   unsigned flags, struct vigil_result *res)
{
    VIGIL_VALIDATE(scan ? &scan->eng->log : NULL,
                   scan && res && (data || len == 0), VIGIL_E_ARG);
    return scan_span(scan, vigil_span_make(data, len), flags, res);
}

int vigil_scan_fd(struct vigil_scan *scan, int fd, unsigned flags,
                  struct vigil_result *res)
{
    struct vg_source src;
    int ret;
    VIGIL_VALIDATE(scan ? &scan->eng->log : NULL, scan && res && fd >= 0,
                   VIGIL_E_ARG);
    ret = vg_source_from_fd(&src, fd, SCAN_MAX_STREAM);
    if (ret != VIGIL_OK)
        return ret;
    ret = scan_span(scan, src.data, flags, res);
    vg_source_close(&src);
    return ret;
}

static int open_status(int e)
{
    if (e == ENOENT || e == ENOTDIR || e == ELOOP)
        return VIGIL_E_NOENT;
    if (e == EACCES || e == EPERM)
        return VIGIL_E_ACCESS;
    return VIGIL_E_IO;
}

int vigil_scan_path(struct vigil_scan *scan, const char *path, unsigned flags,
                    struct vigil_result *res)
{
    struct stat st;
    int fd, ret;
    VIGIL_VALIDATE(scan ? &scan->eng->log : NULL, scan && path && res,
                   VIGIL_E_ARG);
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return open_status(errno);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return VIGIL_E_ARG;
    }
    ret = vigil_scan_fd(scan, fd, flags, res);
    close(fd);
    return ret;
}
