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

struct vigil_scan {
    struct vigil_engine *eng;
    struct vg_match_scratch *ms;
    struct vg_lsig_scan *ls;
    bool allmatch;                /* the current scan's mode */
    EVP_MD_CTX *md[VG_HASH_NTYPES];
    const char *names[VIGIL_CAP_MATCHES];
    size_t n_names;
    struct vg_exe_info exe;       /* headers of the current object */
    struct vg_hit *hits;          /* the current pass's body detections */
    size_t n_hits, cap_hits;
    unsigned pass_root;           /* target of the pass being matched */
    struct vigil_buf view1, view2; /* normalised views, reused */
    struct vigil_buf readbuf;      /* small files are read into this */
};

/** Scan one object (its bytes in @p data). */
int vg_scan_object(struct vigil_scan *scan, struct vigil_span data,
                   struct vigil_result *res);

#endif
