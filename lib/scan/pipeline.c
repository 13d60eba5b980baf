// SPDX-License-Identifier: GPL-2.0-or-later
// pipeline.c: the scan of one object, as ClamAV 1.4.6 does it: type it,
// run the passes its type calls for (raw bytes, normalised text, HTML
// views; docs/internals/SCAN-PIPELINE.md), report body detections in
// ClamAV's order, then whole-view hashes, logical signatures, PE section
// and import hashes; finally the allow-list.
#include <stdlib.h>
#include <string.h>

#include "fmt/filetype.h"
#include "fmt/normalize.h"
#include "scan/exehash.h"
#include "scan/recurse.h"
#include "scan/retype.h"
#include "scan/scan_private.h"
#include "util/alloc.h"

/* Hash in slices that stay in cache while every digest consumes them. */
#define HASH_SLICE (256u * 1024u)
/* ClamAV hands the matcher 128 KiB buffers; report order follows them. */
#define CLAM_BUFFER (128u * 1024u)

/* Digests are computed at most once per view, and only those some
 * signature of the consulted set could match at this size. */
struct digests {
    bool done[VG_HASH_NTYPES];
    uint8_t d[VG_HASH_NTYPES][VG_HASH_MAXLEN];
};

/* ---- names ----------------------------------------------------------- */

void vg_scan_add_name(struct vigil_scan *scan, const char *name)
{
    if (scan->n_names < VIGIL_CAP_MATCHES)
        scan->names[scan->n_names++] = name;
}

bool vg_scan_done(const struct vigil_scan *scan)
{
    return (scan->n_names > 0 && !scan->allmatch) || scan->rec.abort;
}

static void add_name(struct vigil_scan *scan, const char *name)
{
    vg_scan_add_name(scan, name);
}

static bool done(const struct vigil_scan *scan)
{
    return vg_scan_done(scan);
}

/* ---- whole-view hashes ---------------------------------------------- */

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

/*
 * Each table contributes at most one name: entries with the same (hash,
 * size) are one detection (ClamAV reports one of them too; vigil takes the
 * first loaded). Order: MD5, SHA1, SHA256; exact sizes before '*'.
 */
static int match_hashes(struct vigil_scan *scan, struct vigil_span view,
                        struct digests *dg)
{
    const struct vigil_engine *eng = scan->eng;
    int ret = compute_digests(scan, view, VG_HSET_DETECT, dg);
    for (int t = 0; ret == VIGIL_OK && t < VG_HASH_NTYPES; t++) {
        for (int a = 0; a < 2 && dg->done[t] && !done(scan); a++) {
            const struct vg_hashtab *tab =
                &eng->hashes.tab[VG_HSET_DETECT][t][a];
            uint32_t first;
            if (vg_hashtab_find(tab, dg->d[t], view.len, &first))
                add_name(scan, vg_names_get(&eng->names, tab->names[first]));
        }
    }
    return ret;
}

/* ---- body signatures ------------------------------------------------ */

static int cmp_hit(const void *x, const void *y)
{
    const struct vg_hit *a = x, *b = y;
    if (a->buffer != b->buffer)
        return a->buffer < b->buffer ? -1 : 1;
    if (a->root != b->root)
        return a->root - b->root;
    if (a->bm != b->bm)
        return a->bm - b->bm;
    if (a->disc != b->disc)
        return a->disc < b->disc ? -1 : 1;
    return a->order < b->order ? -1 : a->order > b->order;
}

static bool hit_before(const struct vg_hit *a, const struct vg_hit *b)
{
    return cmp_hit(a, b) < 0;
}

static int keep_hit(struct vigil_scan *scan, const struct vg_hit *h)
{
    if (!scan->allmatch) { /* only the first in ClamAV's order matters */
        if (scan->n_hits == 0 || hit_before(h, &scan->hits[0]))
            scan->hits[0] = *h;
        scan->n_hits = 1;
        return 0;
    }
    /* a pattern verified twice at one place (two atoms) is one match */
    for (size_t i = scan->n_hits; i-- > 0 && i + 64 > scan->n_hits;)
        if (scan->hits[i].order == h->order && scan->hits[i].end == h->end)
            return 0;
    if (scan->n_hits == scan->cap_hits) {
        size_t ncap = scan->cap_hits ? scan->cap_hits * 2 : 64;
        void *p;
        if (ncap > VIGIL_CAP_MATCHES)
            return 0; /* more than can be reported anyway */
        p = vigil_reallocarray(scan->hits, ncap, sizeof *scan->hits);
        if (!p)
            return 1;
        scan->hits = p;
        scan->cap_hits = ncap;
    }
    scan->hits[scan->n_hits++] = *h;
    return 0;
}

static int on_match(void *cookie, const struct vg_match *mt)
{
    struct vigil_scan *scan = cookie;
    const struct vigil_engine *eng = scan->eng;
    struct vg_hit h;
    if (mt->owner & VG_OWNER_LDB) {
        vg_lsig_on_match(scan->ls, mt->owner & ~VG_OWNER_LDB, mt->start,
                         mt->end);
        return 0;
    }
    h.buffer = mt->disc / CLAM_BUFFER;
    h.root = eng->body.meta[mt->pattern].target == 0 && scan->pass_root != 0;
    h.bm = !mt->bm;
    h.disc = mt->disc;
    h.order = mt->owner;
    h.end = mt->end;
    h.name = eng->ndbs.names[mt->owner];
    return keep_hit(scan, &h);
}

static int on_lsig(void *cookie, uint32_t name)
{
    struct vigil_scan *scan = cookie;
    add_name(scan, vg_names_get(&scan->eng->names, name));
    return done(scan);
}

struct pass_ctx {
    enum vg_ftype type;
    struct vigil_span raw;
    const struct vg_exe_info *exe; /* NULL for normalised views */
    bool raw_t0_done;              /* a raw pass already matched target 0 */
};

static int match_body(struct vigil_scan *scan, const struct pass_ctx *pc,
                      const struct vg_pass *pass, struct vigil_span view)
{
    uint32_t mask = 1u | (pass->target ? 1u << pass->target : 0);
    int ret;
    /* A second raw pass (binary data: 0, then 0+14) would find the same
     * target-0 matches: none, or the scan would have stopped. Only
     * allmatch must report them again. */
    bool repeat = pass->view == VG_VIEW_RAW && pc->raw_t0_done &&
                  !scan->allmatch;
    if (repeat)
        mask &= ~1u;
    scan->n_hits = 0;
    scan->pass_root = pass->target;
    /* On a repeat the logical signatures keep the first pass's target-0
     * counts, which are what a full second pass would count again. */
    if (!repeat)
        vg_lsig_scan_reset(scan->ls);
    ret = vg_matcher_scan_ex(&scan->eng->body, scan->ms, view, mask, pc->exe,
                             on_match, scan);
    if (ret != VIGIL_OK)
        return ret;
    qsort(scan->hits, scan->n_hits, sizeof *scan->hits, cmp_hit);
    for (size_t i = 0; i < scan->n_hits && !done(scan); i++)
        add_name(scan, vg_names_get(&scan->eng->names, scan->hits[i].name));
    return VIGIL_OK;
}

/* ClamAV evaluates logical signatures after the pass's hashes (LDB.md §4). */
static int match_logical(struct vigil_scan *scan, const struct pass_ctx *pc,
                         const struct vg_pass *pass, struct vigil_span view)
{
    /* The chain of enclosing types drives Container/Intermediates. */
    struct vg_lsig_env env = {view, pass->target, (int)pc->type, pc->exe,
                              scan->rec.chain, scan->rec.depth};
    if (done(scan))
        return VIGIL_OK;
    return vg_lsig_evaluate(&scan->eng->lsigs, scan->ls, &env, on_lsig, scan);
}

/* ---- views and passes ------------------------------------------------ */

/* Normalised views are built once per object, on first use. */
struct views {
    bool text_built, html_built;
    int text_ret, html_ret, script_ret;
};

/* The three HTML views at once: nocomment (view1), notags (view2) and the
 * scripts (view3). */
static int build_html(struct vigil_scan *scan, const struct pass_ctx *pc,
                      int *script_ret)
{
    struct vigil_buf utf16;
    struct vigil_span page = pc->raw;
    int ret = VIGIL_OK;
    scan->view1.len = scan->view2.len = scan->view3.len = 0;
    *script_ret = VIGIL_OK;
    vigil_buf_init(&utf16, VIGIL_CAP_NORM_VIEW);
    if (pc->type == VG_FT_HTML_UTF16) {
        /* ClamAV folds the UTF-16 page to bytes before normalising it. */
        ret = vg_html_utf16_decode(pc->raw, &utf16);
        page = vigil_span_make(utf16.data, utf16.len);
    }
    if (ret == VIGIL_OK)
        ret = vg_html_normalize_all(page, &scan->view1, &scan->view2,
                                    &scan->view3, script_ret);
    else
        *script_ret = ret;
    vigil_buf_free(&utf16);
    return ret;
}

/* The bytes a pass reads.
 * @return VIGIL_OK, or VIGIL_E_LIMIT / VIGIL_E_UNSUPPORTED to skip it */
static int make_view(struct vigil_scan *scan, const struct pass_ctx *pc,
                     enum vg_view v, struct views *vs, struct vigil_span *out)
{
    int ret;
    switch (v) {
    case VG_VIEW_RAW:
        *out = pc->raw;
        return VIGIL_OK;
    case VG_VIEW_TEXT:
        if (!vs->text_built) {
            vs->text_built = true;
            scan->view1.len = 0;
            vs->text_ret = vg_text_normalize(pc->raw, &scan->view1);
        }
        ret = vs->text_ret;
        *out = vigil_span_make(scan->view1.data, scan->view1.len);
        return ret;
    case VG_VIEW_HTML_NOCOMMENT:
    case VG_VIEW_HTML_NOTAGS:
    case VG_VIEW_HTML_SCRIPT:
        if (!vs->html_built) {
            vs->html_built = true;
            vs->html_ret = build_html(scan, pc, &vs->script_ret);
        }
        if (v == VG_VIEW_HTML_SCRIPT) {
            *out = vigil_span_make(scan->view3.data, scan->view3.len);
            /* no <script>: ClamAV has no file to scan */
            return scan->view3.len == 0 ? VIGIL_E_UNSUPPORTED : vs->script_ret;
        }
        *out = v == VG_VIEW_HTML_NOTAGS
                   ? vigil_span_make(scan->view2.data, scan->view2.len)
                   : vigil_span_make(scan->view1.data, scan->view1.len);
        return vs->html_ret;
    default:
        return VIGIL_E_UNSUPPORTED;
    }
}

static int run_pass(struct vigil_scan *scan, struct pass_ctx *pc,
                    const struct vg_pass *pass, struct views *vs,
                    struct digests *raw_dg)
{
    struct vigil_span view;
    struct digests view_dg;
    int ret = make_view(scan, pc, pass->view, vs, &view);
    bool repeat;
    if (ret == VIGIL_E_LIMIT || ret == VIGIL_E_UNSUPPORTED)
        return VIGIL_OK; /* ClamAV skips such views too */
    if (ret != VIGIL_OK)
        return ret;
    repeat = pass->view == VG_VIEW_RAW && pc->raw_t0_done && !scan->allmatch;
    ret = match_body(scan, pc, pass, view);
    /* A repeated raw pass has the same digests, which found nothing. */
    if (ret == VIGIL_OK && !done(scan) && pass->hashes && !repeat) {
        memset(&view_dg, 0, sizeof view_dg);
        ret = match_hashes(scan, view, pass->view == VG_VIEW_RAW ? raw_dg
                                                                  : &view_dg);
    }
    if (pass->view == VG_VIEW_RAW)
        pc->raw_t0_done = true;
    return ret == VIGIL_OK ? match_logical(scan, pc, pass, view) : ret;
}

static void on_exe_hash(void *ctx, const char *name)
{
    add_name(ctx, name);
}

static const struct vg_exe_info *parse_exe(struct vigil_scan *scan,
                                           enum vg_ftype t,
                                           struct vigil_span data)
{
    if (t != VG_FT_PE && t != VG_FT_ELF && t != VG_FT_MACHO &&
        t != VG_FT_MACHO_UNIBIN)
        return NULL;
    if (vg_exe_parse(data, &scan->exe) != VIGIL_OK ||
        scan->exe.kind == VG_EXE_NONE)
        return NULL;
    return &scan->exe;
}

/*
 * An object re-typed on the fly (retype.c; SCAN-PIPELINE.md §3, measured
 * with clamscan): its raw passes, then the new type's children; then for
 * HTML the HTML passes instead of the text pass, for mail and MHTML the
 * rest of the original plan (the text pass).
 */
static int run_retyped(struct vigil_scan *scan, struct pass_ctx *pc,
                       const struct vg_pass *passes, size_t n,
                       enum vg_ftype to, size_t mail_at, struct views *vs,
                       struct digests *dg)
{
    struct vg_pass html[VG_MAX_PASSES];
    size_t i, nh;
    int ret = VIGIL_OK;
    for (i = 0; i < n && passes[i].view == VG_VIEW_RAW && ret == VIGIL_OK &&
                !done(scan);
         i++)
        ret = run_pass(scan, pc, &passes[i], vs, dg);
    if (ret != VIGIL_OK || done(scan))
        return ret;
    if (to == VG_FT_MAIL || to == VG_FT_MHTML) {
        if (to == VG_FT_MHTML)
            mail_at = 0; /* ClamAV's mail parser reads the whole object */
        ret = vg_recurse_children(
            scan, to, vigil_span_sub(pc->raw, mail_at, pc->raw.len - mail_at));
        for (; i < n && ret == VIGIL_OK && !done(scan); i++)
            ret = run_pass(scan, pc, &passes[i], vs, dg);
        return ret;
    }
    ret = vg_recurse_children(scan, to, pc->raw);
    pc->type = to;
    nh = vg_ftype_plan(to, html);
    for (i = 0; i < nh && ret == VIGIL_OK && !done(scan); i++)
        ret = run_pass(scan, pc, &html[i], vs, dg);
    return ret;
}

int vg_scan_one(struct vigil_scan *scan, struct vigil_span data,
                int type_hint)
{
    struct vg_pass passes[VG_MAX_PASSES];
    struct views vs = {false, false, VIGIL_OK, VIGIL_OK, VIGIL_OK};
    struct digests dg;
    struct pass_ctx pc = {VG_FT_BINARY_DATA, data, NULL, false};
    enum vg_ftype retype;
    size_t n, first = scan->n_names, mail_at = 0;
    int ret = VIGIL_OK;
    memset(&dg, 0, sizeof dg);
    if (data.len < VG_FT_MIN_SCAN_SIZE) /* ClamAV does not scan these */
        return VIGIL_OK;
    pc.type = type_hint >= 0 && type_hint < VG_FT_COUNT
                  ? (enum vg_ftype)type_hint
                  : vg_filetype_detect(data);
    n = vg_ftype_plan(pc.type, passes);
    /* ClamAV unpacks a container before it scans the container's own
     * bytes (observed: a member's detection is reported before one in
     * the archive's headers, and before the archive's own hash). */
    if (n > 0)
        ret = vg_recurse_children(scan, pc.type, data);
    /* After the children: they reuse scan->exe. */
    pc.exe = ret == VIGIL_OK ? parse_exe(scan, pc.type, data) : NULL;
    retype = ret == VIGIL_OK && n > 0 ? vg_retype_on_the_fly(&scan->retype_ms,
                                                             pc.type, data,
                                                             &mail_at)
                                      : VG_FT_COUNT;
    if (retype != VG_FT_COUNT)
        ret = run_retyped(scan, &pc, passes, n, retype, mail_at, &vs, &dg);
    for (size_t i = 0; i < n && retype == VG_FT_COUNT && ret == VIGIL_OK &&
                       !done(scan);
         i++)
        ret = run_pass(scan, &pc, &passes[i], &vs, &dg);
    if (ret == VIGIL_OK && pc.exe && !done(scan))
        vg_exehash_scan(scan->eng, data, pc.exe, on_exe_hash, scan,
                        scan->allmatch);
    /* Containers the raw scan finds inside (an ISO image typed as binary
     * data, a zip after a stub) come after the raw pass, as in ClamAV. */
    if (ret == VIGIL_OK && !done(scan) && n > 0)
        ret = vg_recurse_embedded(scan, pc.type, data);
    if (ret != VIGIL_OK || scan->n_names == first)
        return ret;
    if ((ret = compute_digests(scan, data, VG_HSET_ALLOW, &dg)) != VIGIL_OK)
        return ret;
    if (allow_listed(&scan->eng->hashes, &dg, data.len))
        scan->n_names = first; /* the object and all it holds */
    return VIGIL_OK;
}

static void fill_result(const struct vigil_scan *scan, struct vigil_result *res)
{
    res->verdict = VIGIL_FOUND;
    res->sig_name = scan->names[0];
    res->names = scan->names;
    res->n_names = scan->n_names;
}

void vg_scan_fill_result(const struct vigil_scan *scan,
                         struct vigil_result *res)
{
    if (scan->n_names > 0)
        fill_result(scan, res);
}
