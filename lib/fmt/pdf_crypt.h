// SPDX-License-Identifier: GPL-2.0-or-later
// pdf_crypt.h: the PDF standard security handler (ISO 32000-2 §7.6.4)
// with the empty user password: documents anyone can open, which
// attackers encrypt only to hide their streams from scanners.
#ifndef VIGIL_FMT_PDF_CRYPT_H
#define VIGIL_FMT_PDF_CRYPT_H

#include <stdbool.h>
#include <stdint.h>

#include "fmt/outbuf.h"
#include "util/cursor.h"

enum vg_pdf_cfm { VG_PDF_RC4, VG_PDF_AESV2, VG_PDF_AESV3 };

/** What the Encrypt dictionary and the trailer's ID say. */
struct vg_pdf_crypt_params {
    int v, r, length_bits; /* /V, /R, /Length (40..256) */
    int64_t p;             /* /P */
    bool encrypt_metadata; /* /EncryptMetadata (default true) */
    enum vg_pdf_cfm cfm;   /* the crypt filter of streams */
    struct vigil_span o, u, oe, ue, id0;
};

struct vg_pdf_crypt {
    uint8_t key[32];
    size_t keylen;
    enum vg_pdf_cfm cfm;
};

/**
 * Derive the file key for the empty user password and check it against
 * /U. @return VIGIL_OK, VIGIL_E_UNSUPPORTED (another password is needed,
 *         or a handler revision vigil does not know), VIGIL_E_NOMEM
 */
int vg_pdf_crypt_init(const struct vg_pdf_crypt_params *pp,
                      struct vg_pdf_crypt *c);

/** Decrypt the data of stream object num/gen into @p o.
 *  @return VIGIL_OK, VIGIL_E_CORRUPT (bad AES data), VIGIL_E_NOMEM */
int vg_pdf_decrypt(const struct vg_pdf_crypt *c, uint32_t num, uint32_t gen,
                   struct vigil_span in, struct vg_out *o);

#endif
