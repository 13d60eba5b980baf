// SPDX-License-Identifier: GPL-2.0-or-later
// recurse.c: the recursion core: a file and everything extracted from it
// are scanned depth first, each child typed and scanned as a file of its
// own, every one charged to the scan's limits (docs/internals/CONTAINERS.md).
#include <string.h>
#include <time.h>

#include "fmt/outbuf.h"
#include "scan/extractors.h"
#include "scan/recurse.h"
#include "scan/scan_private.h"
#include "util/caps.h"
#include "util/validate.h"

/* The expansion ratio is only judged on members larger than this: small
 * runs of zeros compress far better than any sane limit. */
#define RATIO_MIN_BYTES ((uint64_t)1 << 20)

/* One container being extracted: the emit callback's cookie. */
struct frame {
    struct vigil_scan *scan;
    enum vg_ftype type;
    bool enc_reported; /* Heuristics.Encrypted.* once per container */
};

void vigil_limits_default(struct vigil_limits *lim)
{
    if (!lim)
        return;
    lim->max_scan_size = (uint64_t)400 << 20;
    lim->max_file_size = (uint64_t)100 << 20;
    lim->max_recursion = 17;
    lim->max_files = 10000;
    lim->max_scan_time_ms = 120000;
    lim->max_ratio = 0;
}

int vigil_scan_set_limits(struct vigil_scan *scan,
                          const struct vigil_limits *lim)
{
    VIGIL_VALIDATE(scan ? &scan->eng->log : NULL, scan && lim, VIGIL_E_ARG);
    scan->rec.lim = *lim;
    return VIGIL_OK;
}

static uint64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char *limit_name(unsigned bit)
{
    switch (bit) {
    case VIGIL_LIMIT_SCAN_SIZE: return "Heuristics.Limits.Exceeded.MaxScanSize";
    case VIGIL_LIMIT_FILE_SIZE: return "Heuristics.Limits.Exceeded.MaxFileSize";
    case VIGIL_LIMIT_RECURSION:
        return "Heuristics.Limits.Exceeded.MaxRecursion";
    case VIGIL_LIMIT_FILES: return "Heuristics.Limits.Exceeded.MaxFiles";
    case VIGIL_LIMIT_TIME: return "Heuristics.Limits.Exceeded.MaxScanTime";
    default: return "Heuristics.Limits.Exceeded.MaxRatio";
    }
}

static void add_heuristic(struct vigil_scan *scan, const char *name)
{
    struct vg_rec *r = &scan->rec;
    if (r->n_heur < VG_REC_MAX_HEUR)
        r->heur[r->n_heur++] = name;
}

/* A limit stopped a branch. ClamAV alerts once per limit and scan. */
static void exceeded(struct vigil_scan *scan, unsigned bit, bool alert)
{
    bool first = !(scan->rec.limits & bit);
    scan->rec.limits |= bit;
    if (alert && first && (scan->rec.flags & VIGIL_SCAN_ALERT_EXCEEDS))
        add_heuristic(scan, limit_name(bit));
}

static uint32_t max_depth(const struct vg_rec *r)
{
    uint32_t m = r->lim.max_recursion;
    return m == 0 || m > VIGIL_CAP_RECURSION ? VIGIL_CAP_RECURSION : m;
}

static bool time_up(struct vigil_scan *scan)
{
    struct vg_rec *r = &scan->rec;
    if (r->abort)
        return true;
    if (r->lim.max_scan_time_ms &&
        now_ms() - r->t0_ms > r->lim.max_scan_time_ms) {
        exceeded(scan, VIGIL_LIMIT_TIME, true);
        r->abort = true;
    }
    return r->abort;
}

/* Most bytes one child may have now: the file-size limit, what is left of
 * the scan-size budget, and a hard cap when both are off. */
static uint64_t child_budget(const struct vg_rec *r)
{
    uint64_t m = VIGIL_CAP_CHILD;
    if (r->lim.max_file_size && r->lim.max_file_size < m)
        m = r->lim.max_file_size;
    if (r->lim.max_scan_size) {
        uint64_t left = r->scanned < r->lim.max_scan_size
                            ? r->lim.max_scan_size - r->scanned
                            : 0;
        /* One byte more than allowed, so that a child that would not fit
         * is seen as too big rather than silently cut. */
        if (left + 1 < m)
            m = left + 1;
    }
    return m;
}

static bool ratio_exceeded(const struct vg_rec *r, uint64_t len,
                           const struct vg_child_info *info)
{
    if (!r->lim.max_ratio || !info->packed_size || len <= RATIO_MIN_BYTES)
        return false;
    return len / info->packed_size > r->lim.max_ratio;
}

static int encrypted_member(struct frame *f)
{
    struct vigil_scan *scan = f->scan;
    if (f->enc_reported || !(scan->rec.flags & VIGIL_SCAN_ALERT_ENCRYPTED))
        return VIGIL_OK;
    f->enc_reported = true;
    add_heuristic(scan, vg_encrypted_name(f->type));
    return VIGIL_OK;
}

/* The limits on the number and nesting of objects; encrypted members
 * count against them too, as in ClamAV.
 * @return VIGIL_OK, or VIGIL_E_LIMIT to stop this container */
static int admit_count(struct vigil_scan *scan)
{
    struct vg_rec *r = &scan->rec;
    if (time_up(scan))
        return VIGIL_E_LIMIT;
    if (r->depth + 1 >= max_depth(r)) {
        exceeded(scan, VIGIL_LIMIT_RECURSION, true);
        return VIGIL_E_LIMIT;
    }
    if (r->lim.max_files && r->n_files + 1 > r->lim.max_files) {
        exceeded(scan, VIGIL_LIMIT_FILES, true);
        return VIGIL_E_LIMIT;
    }
    return VIGIL_OK;
}

/* The size limits. A member the parser did not read because it declared
 * more than max_child is judged by its declared size.
 * @return VIGIL_OK to scan it, 1 to skip it, VIGIL_E_LIMIT to stop */
static int admit_size(struct vigil_scan *scan, struct vigil_span data,
                      const struct vg_child_info *info)
{
    struct vg_rec *r = &scan->rec;
    uint64_t need = data.len;
    if (!info->truncated && info->declared_size > need)
        need = info->declared_size;
    /* ClamAV skips a member larger than MaxFileSize without an alert. */
    if (r->lim.max_file_size && need > r->lim.max_file_size &&
        !info->truncated) {
        exceeded(scan, VIGIL_LIMIT_FILE_SIZE, false);
        return 1;
    }
    if (r->lim.max_scan_size && (need > r->lim.max_scan_size ||
                                 r->scanned > r->lim.max_scan_size - need)) {
        exceeded(scan, VIGIL_LIMIT_SCAN_SIZE, true);
        return VIGIL_E_LIMIT;
    }
    if (ratio_exceeded(r, data.len, info)) {
        exceeded(scan, VIGIL_LIMIT_RATIO, true);
        return VIGIL_E_LIMIT;
    }
    return VIGIL_OK;
}

static int emit(void *core, struct vigil_span data,
                const struct vg_child_info *info)
{
    struct frame *f = core;
    struct vigil_scan *scan = f->scan;
    struct vg_rec *r = &scan->rec;
    int ret;
    if (vg_scan_done(scan))
        return r->abort ? VIGIL_E_LIMIT : VG_EXTRACT_STOP;
    if ((ret = admit_count(scan)) != VIGIL_OK) {
        /* ClamAV still notices an encrypted member past the limit. */
        if (info->encrypted && !r->abort)
            encrypted_member(f);
        return ret;
    }
    if (info->encrypted) {
        r->n_files++;
        return encrypted_member(f);
    }
    /* Cut at max_child, the rest is not scanned: ClamAV alerts for a
     * stream that decodes past MaxFileSize (a member that declares more
     * is skipped silently, in admit_size). */
    if (info->truncated)
        exceeded(scan, VIGIL_LIMIT_FILE_SIZE, true);
    ret = admit_size(scan, data, info);
    if (ret != VIGIL_OK)
        return ret == 1 ? VIGIL_OK : ret;
    r->n_files++;
    r->scanned += data.len;
    r->chain[r->depth++] = (int)f->type;
    ret = vg_scan_one(scan, data, info->type_hint);
    r->depth--;
    if (ret != VIGIL_OK)
        return ret;
    if (r->abort)
        return VIGIL_E_LIMIT;
    return vg_scan_done(scan) ? VG_EXTRACT_STOP : VIGIL_OK;
}

static int extract_with(struct vigil_scan *scan, enum vg_ftype type,
                        vg_extract_fn fn, struct vigil_span data)
{
    struct frame f = {scan, type, false};
    struct vg_extract x;
    int ret;
    x.emit = emit;
    x.core = &f;
    x.max_child = child_budget(&scan->rec);
    x.depth = scan->rec.depth;
    ret = fn(data, &x);
    /* A corrupt or unsupported container, a limit, a detection: the
     * verdict stands on what was scanned. Only scan-level errors remain. */
    if (ret == VIGIL_E_NOMEM || ret == VIGIL_E_IO)
        return ret;
    return VIGIL_OK;
}

int vg_recurse_children(struct vigil_scan *scan, enum vg_ftype type,
                        struct vigil_span data)
{
    vg_extract_fn fn = vg_extractor_for(type);
    if (!fn || vg_scan_done(scan) || time_up(scan))
        return VIGIL_OK;
    return extract_with(scan, type, fn, data);
}

/* An executable from where it starts to the end of its parent (a PE
 * header does not give a PE's length), typed PE. */
static int extract_embedded_pe(struct vigil_span data,
                               const struct vg_extract *x)
{
    struct vg_child_info ci = vg_child_info_none();
    ci.type_hint = VG_FT_PE;
    return x->emit(x->core, data, &ci);
}

/* The first embedded PE in [from, to) (vg_embedded_pe_next), scanned with
 * the object as its container (for Container: conditions). Only the
 * first: it runs to the end of the object, and its own scan finds the
 * next one inside it, as ClamAV's does (measured: an executable embedded
 * in an OLE2 file's tail holding two more sees an executable as the
 * container of those). */
static int scan_embedded_pe(struct vigil_scan *scan, enum vg_ftype type,
                            struct vigil_span data, size_t from, size_t to,
                            bool *found)
{
    size_t at = from;
    *found = !vg_scan_done(scan) &&
             vg_embedded_pe_next(type, data, &at, &scan->exe) && at < to;
    if (!*found)
        return VIGIL_OK;
    return extract_with(scan, type, extract_embedded_pe,
                        vigil_span_sub(data, at, data.len - at));
}

int vg_recurse_embedded(struct vigil_scan *scan, enum vg_ftype type,
                        struct vigil_span data)
{
    vg_extract_fn fn;
    enum vg_ftype et;
    size_t off;
    bool pe = false;
    int ret;
    if (vg_scan_done(scan) || time_up(scan))
        return VIGIL_OK;
    /* ClamAV handles what its type patterns found in offset order. */
    if (!(fn = vg_embedded_find(type, data, &et, &off)))
        return scan_embedded_pe(scan, type, data, 1, SIZE_MAX, &pe);
    ret = scan_embedded_pe(scan, type, data, 1, off, &pe);
    if (ret == VIGIL_OK && !vg_scan_done(scan))
        ret = extract_with(scan, et, fn,
                           vigil_span_sub(data, off, data.len - off));
    if (ret == VIGIL_OK && !pe)
        ret = scan_embedded_pe(scan, type, data, off + 1, SIZE_MAX, &pe);
    return ret;
}

static void rec_start(struct vigil_scan *scan, unsigned flags, uint64_t len)
{
    struct vg_rec *r = &scan->rec;
    r->flags = flags;
    r->depth = 0;
    r->n_files = 1;
    r->scanned = len;
    r->t0_ms = now_ms();
    r->limits = 0;
    r->abort = false;
    r->n_heur = 0;
}

/* Heuristic alerts come after every signature under allmatch, and only
 * when no signature fired otherwise (ClamAV's default precedence). */
static void add_heuristics(struct vigil_scan *scan)
{
    size_t n = scan->allmatch ? scan->rec.n_heur : 1;
    if (scan->rec.n_heur == 0 || (!scan->allmatch && scan->n_names > 0))
        return;
    for (size_t i = 0; i < n; i++)
        vg_scan_add_name(scan, scan->rec.heur[i]);
}

int vg_scan_object(struct vigil_scan *scan, struct vigil_span data,
                   unsigned flags, struct vigil_result *res)
{
    int ret = VIGIL_OK;
    scan->n_names = 0;
    rec_start(scan, flags, data.len);
    /* Like ClamAV, a file over MaxFileSize is not scanned at all; unlike
     * ClamAV there is no 2 GiB ceiling besides this limit. */
    if (scan->rec.lim.max_file_size && data.len > scan->rec.lim.max_file_size) {
        exceeded(scan, VIGIL_LIMIT_FILE_SIZE, true);
        scan->rec.scanned = 0;
    } else
        ret = vg_scan_one(scan, data, -1);
    if (ret == VIGIL_OK)
        add_heuristics(scan);
    res->bytes_scanned = scan->rec.scanned;
    res->limits = scan->rec.limits;
    res->files_scanned = (unsigned)scan->rec.n_files;
    if (ret == VIGIL_OK)
        vg_scan_fill_result(scan, res);
    return ret;
}
