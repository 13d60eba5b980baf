// SPDX-License-Identifier: GPL-2.0-or-later
// cvd.h: ClamAV database containers (.cvd, .cld, .cud): verify, unpack,
// load. The formats and every check are in docs/internals/CVD.md.
#ifndef VIGIL_DB_CVD_H
#define VIGIL_DB_CVD_H

#ifndef VIGIL_BUILDING_LIB
#error "cvd.h is internal to libvigil"
#endif

#include <stdbool.h>
#include <stdint.h>

#include "db/tar.h"
#include "util/strparse.h"

struct vigil_engine;

#define VG_CVD_HEADER_LEN 512u

enum vg_cvd_type {
    VG_CVD_CVD, /**< signed: header MD5 + DSIG, .info DSIG */
    VG_CVD_CLD, /**< local (freshclam/cdiff output): .info DSIG only */
    VG_CVD_CUD, /**< unsigned: no DSIG anywhere; names are unofficial */
};

enum vg_cvd_flags {
    /** Skip the RSA checks (tests of the other layers); the container then
     *  counts as unverified and its names get ".UNOFFICIAL". */
    VG_CVD_NO_RSA = 1u << 0,
};

/** Checks that passed, for `vigil db verify`. */
enum vg_cvd_check {
    VG_CVD_CHK_HEADER = 1u << 0,      /**< header fields parsed */
    VG_CVD_CHK_MD5 = 1u << 1,         /**< MD5 of bytes 512..EOF */
    VG_CVD_CHK_DSIG = 1u << 2,        /**< legacy RSA over the MD5 */
    VG_CVD_CHK_GZIP = 1u << 3,        /**< body inflated */
    VG_CVD_CHK_TAR = 1u << 4,         /**< tar parsed */
    VG_CVD_CHK_INFO_DSIG = 1u << 5,   /**< .info RSA-PSS signature */
    VG_CVD_CHK_INFO_HEADER = 1u << 6, /**< .info header = container's */
    VG_CVD_CHK_INFO_FILES = 1u << 7,  /**< members' sizes and SHA-256 */
};

/** Header fields; the strings point into the bytes that were parsed. */
struct vg_cvd_header {
    struct vigil_str text; /* the header line, padding removed */
    struct vigil_str time, md5, dsig, builder;
    uint32_t version, nsigs, flevel;
    uint64_t stime;
};

struct vg_cvd {
    enum vg_cvd_type type;
    struct vg_cvd_header hdr;
    bool compressed;
    struct vigil_buf body; /* inflated tar, when compressed */
    struct vg_tar tar;     /* members point into body or the input */
    size_t info;           /* index of the .info member */
    size_t nlisted;        /* files listed in the .info */
    unsigned checks;       /* enum vg_cvd_check bits that passed */
    bool verified;         /* every signature checked and good */
};

/** The container type for a file name's extension. @return false if the
 *  name does not end in .cvd, .cld or .cud (any case). */
bool vg_cvd_type_of(const char *name, enum vg_cvd_type *type);

/**
 * Parse a header line "ClamAV-VDB:TIME:VERSION:NSIGS:FLEVEL:MD5:DSIG:
 * BUILDER:STIME" (no padding).
 * @return VIGIL_OK or VIGIL_E_CORRUPT ("header: ..." in why)
 */
int vg_cvd_parse_line(struct vigil_str line, struct vg_cvd_header *h,
                      struct vg_why *why);

/**
 * Verify and unpack a container held in memory. On success @p cvd refers
 * into @p data, which must outlive it. With VIGIL_FUZZING no digest or
 * signature is checked (conventions §25).
 * @param[out] cvd  free with vg_cvd_close(), also after a failure
 * @param[in]  flags  enum vg_cvd_flags
 * @return VIGIL_OK; VIGIL_E_CORRUPT, VIGIL_E_LIMIT with the failed check
 *         in why; VIGIL_E_NOMEM
 */
int vg_cvd_open(struct vg_cvd *cvd, enum vg_cvd_type type,
                struct vigil_span data, unsigned flags, struct vg_why *why);
void vg_cvd_close(struct vg_cvd *cvd);

/** @return true if names from this container must not get ".UNOFFICIAL":
 *  its signatures verified and it is not a .cud (ClamAV 1.4.6 treats a
 *  .cld whose .info signature verifies as official). */
bool vg_cvd_official(const struct vg_cvd *cvd);

/**
 * Verify a container and load its database members (in tar order) into
 * @p eng, inside the caller's load transaction (load.c).
 * @param[in] name  the container's file name (type and messages)
 * @return VIGIL_OK, VIGIL_E_DB (message in the engine), VIGIL_E_NOMEM,
 *         or what a member's parser returned
 */
int vg_cvd_load(struct vigil_engine *eng, const char *name, const void *data,
                size_t len, unsigned flags, unsigned *nsigs);

#endif
