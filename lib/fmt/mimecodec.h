// SPDX-License-Identifier: GPL-2.0-or-later
// mimecodec.h: the mail transfer encodings (base64, quoted-printable,
// uuencode), lenient as mail readers are, into a bounded output.
#ifndef VIGIL_FMT_MIMECODEC_H
#define VIGIL_FMT_MIMECODEC_H

#include <stdbool.h>

#include "fmt/outbuf.h"
#include "util/cursor.h"

/** Decode base64, skipping anything outside the alphabet; '=' ends a
 *  quantum (a later quantum may follow). @return VIGIL_OK, VIGIL_E_NOMEM */
int vg_base64_decode(struct vigil_span in, struct vg_out *o);

/** Decode quoted-printable (=XX, soft line breaks); a malformed '=' is
 *  kept as it is. @return VIGIL_OK, VIGIL_E_NOMEM */
int vg_qp_decode(struct vigil_span in, struct vg_out *o);

/**
 * Find the next uuencoded file: a line "begin MODE NAME" at or after *pos
 * in @p in. Decodes its lines into @p o (reset first) until "end", a
 * zero-length line or the end of input; *pos moves past the block.
 * @param[out] name  the NAME from the begin line (up to name_cap - 1
 *                   chars, NUL-terminated; empty if none)
 * @return true if a block was found (o holds it), false if none remains.
 *         *err is set to VIGIL_E_NOMEM on allocation failure.
 */
bool vg_uu_next(struct vigil_span in, size_t *pos, struct vg_out *o, char *name,
                size_t name_cap, int *err);

/** @return the value of hex digit c, or -1. */
static inline int vg_hexval(uint8_t c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/** The line at *pos (without its CR/LF); *pos moves past the line end.
 *  @return false at the end of @p in. */
bool vg_next_line(struct vigil_span in, size_t *pos, struct vigil_span *line);

#endif
