// SPDX-License-Identifier: GPL-2.0-or-later
// dsig.h: ClamAV's database signatures (legacy MD5+RSA, RSA-PSS/SHA-256).
#ifndef VIGIL_DB_DSIG_H
#define VIGIL_DB_DSIG_H

#ifndef VIGIL_BUILDING_LIB
#error "dsig.h is internal to libvigil"
#endif

#include <stddef.h>
#include <stdint.h>

#include "util/strparse.h"

/*
 * A DSIG is an integer written in ClamAV's own base64: the alphabet
 * a-z A-Z 0-9 + /, the FIRST character is the LEAST significant 6-bit digit,
 * no padding. Verification raises it to e mod n with one of ClamAV's three
 * public keys (docs/internals/CVD.md lists them and what each one signs).
 */
enum vg_dsig_key {
    VG_DSIG_KEY_CVD,   /**< 1024-bit: the MD5 in a CVD header */
    VG_DSIG_KEY_INFO,  /**< 2047-bit: a container's .info file */
    VG_DSIG_KEY_CDIFF, /**< 2047-bit: a .cdiff file */
};

#define VG_MD5_LEN 16
#define VG_SHA256_LEN 32

/** MD5 of @p n bytes (OpenSSL EVP). @return VIGIL_OK, VIGIL_E_NOMEM */
int vg_md5(const void *p, size_t n, uint8_t out[VG_MD5_LEN]);
/** SHA-256 of @p n bytes. @return VIGIL_OK, VIGIL_E_NOMEM */
int vg_sha256(const void *p, size_t n, uint8_t out[VG_SHA256_LEN]);

/**
 * Decode a DSIG string to big-endian bytes, right-aligned in @p out.
 * @return VIGIL_OK; VIGIL_E_CORRUPT if it is empty, longer than
 *         VIGIL_CAP_DSIG_CHARS, has a character outside the alphabet, or
 *         its value does not fit in @p outlen bytes.
 */
int vg_dsig_decode(struct vigil_str dsig, uint8_t *out, size_t outlen);

/**
 * Legacy CVD signature: DSIG^e mod n (1024-bit key) must be exactly the
 * 16 MD5 bytes, as ClamAV's cli_versig checks it.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (does not verify), VIGIL_E_NOMEM
 */
int vg_dsig_verify_md5(const uint8_t md5[VG_MD5_LEN], struct vigil_str dsig);

/**
 * RSA-PSS over a SHA-256 digest (MGF1-SHA-256, 32-byte salt) with the .info
 * or .cdiff key, decoded as ClamAV's cli_versig2 does (see dsig.c for why
 * this is not OpenSSL's EVP PSS verifier).
 * @return VIGIL_OK, VIGIL_E_CORRUPT (does not verify), VIGIL_E_NOMEM
 */
int vg_dsig_verify_pss(enum vg_dsig_key key,
                       const uint8_t sha256[VG_SHA256_LEN],
                       struct vigil_str dsig);

#endif
