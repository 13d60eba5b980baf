// SPDX-License-Identifier: GPL-2.0-or-later
// scan_private.h: per-thread scan state shared by scan.c (the API) and
// pipeline.c (the scan of one object).
#ifndef VIGIL_SCAN_PRIVATE_H
#define VIGIL_SCAN_PRIVATE_H

#ifndef VIGIL_BUILDING_LIB
#error "scan_private.h is internal to libvigil"
#endif

#include <openssl/evp.h>
#include <stdbool.h>

#include "engine.h"
#include "fmt/exe.h"
#include "util/buf.h"
#include "util/caps.h"

/* One body-signature detection of a pass, with ClamAV's ordering key. */
struct vg_hit {
    uint64_t buffer; /* ClamAV scans in 128 KiB buffers */
    uint8_t root;    /* 0: the type's target root, 1: target 0 */
    uint8_t bm;      /* 0: Boyer-Moore before 1: Aho-Corasick */
    uint64_t disc;   /* where the matcher notices it */
    uint32_t order;  /* load order of the signature */
    uint64_t end;
    uint32_t name;   /* name-pool offset */
};

#define VG_REC_MAX_HEUR 16u

/* Per-scan recursion state: limits, counters, the chain of containers. */
struct vg_rec {
    struct vigil_limits lim;   /* set by vigil_scan_set_limits */
    unsigned flags;            /* the current scan's enum vigil_scan_flags */
    uint32_t depth;            /* of the object being scanned (file: 0) */
    int chain[VIGIL_CAP_RECURSION]; /* container types, outermost first */
    uint64_t n_files;          /* objects counted so far, the file too */
    uint64_t scanned;          /* bytes of all objects so far */
    uint64_t t0_ms;            /* monotonic start of the scan */
    unsigned limits;           /* enum vigil_limit_bits reached */
    /* Heuristic alerts (limits, encryption) wait for the end of the scan:
     * ClamAV reports them only if no signature fires, or after all the
     * signatures under allmatch. */
    const char *heur[VG_REC_MAX_HEUR];
    size_t n_heur;
    bool abort;                /* the time limit ended the whole scan */
};

struct vigil_scan {
    struct vigil_engine *eng;
    struct vg_match_scratch *ms;
    struct vg_match_scratch *retype_ms; /* retype.c's, on first use */
    struct vg_lsig_scan *ls;
    bool allmatch;                /* the current scan's mode */
    EVP_MD_CTX *md[VG_HASH_NTYPES];
    const char *names[VIGIL_CAP_MATCHES];
    size_t n_names;
    struct vg_exe_info exe;       /* headers of the current object */
    struct vg_hit *hits;          /* the current pass's body detections */
    size_t n_hits, cap_hits;
    unsigned pass_root;           /* target of the pass being matched */
    struct vigil_buf view1, view2, view3; /* normalised views, reused */
    struct vigil_buf readbuf;      /* small files are read into this */
    struct vg_rec rec;
};

/** True once the scan may stop: a detection outside allmatch mode. */
bool vg_scan_done(const struct vigil_scan *scan);
/** Record a detection name (static or engine-owned string). */
void vg_scan_add_name(struct vigil_scan *scan, const char *name);
/** Scan one object at the current depth: type it (or use @p type_hint if
 *  >= 0), run its passes, then extract and scan its children. Names found
 *  are appended to scan->names (dropped again if the object is
 *  allow-listed). @return VIGIL_OK or a scan-level error */
int vg_scan_one(struct vigil_scan *scan, struct vigil_span data,
                int type_hint);

/** Scan one file (its bytes in @p data) with everything it holds:
 *  resets the per-scan state, applies the limits (recurse.c). */
int vg_scan_object(struct vigil_scan *scan, struct vigil_span data,
                   unsigned flags, struct vigil_result *res);
/** Copy the names found into @p res (verdict FOUND) if there are any. */
void vg_scan_fill_result(const struct vigil_scan *scan,
                         struct vigil_result *res);

#endif
