// SPDX-License-Identifier: GPL-2.0-or-later
// cdiff.h: ClamAV's incremental database updates (.cdiff): verify the
// file, run its script on an unpacked database in memory, build a CLD.
#ifndef VIGIL_DB_CDIFF_H
#define VIGIL_DB_CDIFF_H

#ifndef VIGIL_BUILDING_LIB
#error "cdiff.h is internal to libvigil"
#endif

#include <stdint.h>

#include "db/cvd.h"
#include "db/tar.h"
#include "util/buf.h"

/** One file of an unpacked database. */
struct vg_dbfile {
    char name[VG_TAR_NAME_MAX];
    struct vigil_buf data;
};

/** An unpacked database: what freshclam's temporary directory holds while
 *  it applies cdiffs; files keep their container order, new ones go last. */
struct vg_dbdir {
    struct vg_dbfile *f;
    size_t n, cap;
};

/** Copy every member of @p cvd. @return VIGIL_OK, VIGIL_E_NOMEM */
int vg_dbdir_from_cvd(struct vg_dbdir *d, const struct vg_cvd *cvd);
void vg_dbdir_free(struct vg_dbdir *d);

/**
 * Build a CLD as freshclam's buildcld() does: the header is the first line
 * of @p info_name padded with spaces to 512 bytes; then a plain tar (tar.c's
 * writer) of COPYING, @p info_name, daily.cfg if present, then the other
 * files in order.
 * @return VIGIL_OK; VIGIL_E_CORRUPT (no COPYING, no header line) with why;
 *         VIGIL_E_LIMIT, VIGIL_E_NOMEM
 */
int vg_dbdir_build_cld(const struct vg_dbdir *d, const char *info_name,
                       struct vigil_buf *out, struct vg_why *why);

enum vg_cdiff_check {
    VG_CDIFF_CHK_HEADER = 1u << 0, /**< "ClamAV-Diff:VERSION:LEN:" */
    VG_CDIFF_CHK_DSIG = 1u << 1,   /**< RSA-PSS over bytes before ':DSIG' */
    VG_CDIFF_CHK_GZIP = 1u << 2,   /**< script inflated, LEN bytes */
    VG_CDIFF_CHK_SCRIPT = 1u << 3, /**< every command well-formed */
};

struct vg_cdiff {
    uint32_t version;        /* the database version it produces */
    uint64_t len;            /* script length from the header */
    struct vigil_buf script; /* the inflated script */
    size_t ncommands;        /* commands (not comments) in it */
    unsigned checks;         /* enum vg_cdiff_check bits that passed */
};

/**
 * Verify a .cdiff and inflate its script; check the script's syntax.
 * @param[in] flags  VG_CVD_NO_RSA skips the signature (tests)
 * @return VIGIL_OK; VIGIL_E_CORRUPT, VIGIL_E_LIMIT with why; VIGIL_E_NOMEM
 * @note free with vg_cdiff_close(), also after a failure
 */
int vg_cdiff_open(struct vg_cdiff *cd, struct vigil_span data, unsigned flags,
                  struct vg_why *why);
void vg_cdiff_close(struct vg_cdiff *cd);

/**
 * Run a cdiff script (OPEN ADD DEL XCHG MOVE CLOSE UNLINK) on @p d, or
 * only check its syntax when @p d is NULL.
 * @param[out] ncommands  commands run (may be NULL)
 * @return VIGIL_OK; VIGIL_E_CORRUPT ("script line N: ...") with why;
 *         VIGIL_E_LIMIT, VIGIL_E_NOMEM. On failure @p d is half-patched.
 */
int vg_cdiff_run(struct vg_dbdir *d, struct vigil_span script,
                 size_t *ncommands, struct vg_why *why);

/**
 * Apply cdiffs to a .cvd or .cld in memory, as freshclam does, and produce
 * the verified CLD. Each cdiff's version must be one more than the
 * database's; the result must verify as a CLD and have the last version.
 * @param[in] names  file names of base (names[0]) and cdiffs, for messages
 *                   and the base's type
 * @param[in] data   their bytes, @p n in all (base first)
 * @param[out] out   the CLD (initialised by the caller)
 * @return VIGIL_OK; VIGIL_E_CORRUPT etc. with why naming the file
 */
int vg_cdiff_patch(const char *const *names, const struct vigil_span *data,
                   size_t n, unsigned flags, struct vigil_buf *out,
                   struct vg_why *why);

#endif
