// SPDX-License-Identifier: GPL-2.0-or-later
// mail.h: RFC 822/MIME messages and mbox files (docs/internals/PARSERS.md).
#ifndef VIGIL_FMT_MAIL_H
#define VIGIL_FMT_MAIL_H

#include "scan/extract.h"

/**
 * Extract the parts of a mail message (or of each message of an mbox).
 * Leaf parts are emitted decoded (base64, quoted-printable, uuencode,
 * or as they are), named by their RFC 2231-aware filename/name
 * parameter; uuencoded files inside a part are emitted as well. Nested
 * multipart parts and message/rfc822 bodies are emitted whole with the
 * hint VG_FT_MAIL for the core to recurse into; an mbox of several
 * messages emits each message the same way.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (unterminated multipart; what was
 *         found was emitted), VIGIL_E_NOMEM, or what emit returned.
 */
int vg_mail_extract(struct vigil_span in, const struct vg_extract *x);

/**
 * Extract every uuencoded file ("begin MODE NAME" ... "end") of a text,
 * named by its begin line: the handler for VG_FT_UUENCODED.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (no uuencoded file), VIGIL_E_NOMEM,
 *         or what emit returned.
 */
int vg_uu_extract(struct vigil_span in, const struct vg_extract *x);

#endif
