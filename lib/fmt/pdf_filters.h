// SPDX-License-Identifier: GPL-2.0-or-later
// pdf_filters.h: PDF stream filters (ISO 32000-1 §7.4) into bounded
// outputs: ASCIIHex, ASCII85, LZW, RunLength, and the predictors of
// Flate and LZW (Flate itself is fmt/inflate.h).
#ifndef VIGIL_FMT_PDF_FILTERS_H
#define VIGIL_FMT_PDF_FILTERS_H

#include "fmt/outbuf.h"
#include "util/cursor.h"

/* Every decoder returns VIGIL_OK, VIGIL_E_CORRUPT (invalid data: o holds
 * what decoded before it) or VIGIL_E_NOMEM, and stops at o's limit. */

/** ASCIIHexDecode: hex pairs, blanks ignored, '>' ends (odd digit: 0). */
int vg_pdf_ahx(struct vigil_span in, struct vg_out *o);
/** ASCII85Decode: base-85 groups, 'z' for four zeros, "~>" ends. */
int vg_pdf_a85(struct vigil_span in, struct vg_out *o);
/** LZWDecode: 9-12 bit codes; @p early: the EarlyChange parameter. */
int vg_pdf_lzw(struct vigil_span in, struct vg_out *o, bool early);
/** RunLengthDecode. */
int vg_pdf_rl(struct vigil_span in, struct vg_out *o);

struct vg_pdf_predictor {
    int predictor; /* 1: none, 2: TIFF, >= 10: PNG */
    int colors, bpc, columns;
};

/** Undo a Flate/LZW predictor (PNG row filters, TIFF predictor 2 at 8
 *  bits per component). Unsupported combinations copy the data. */
int vg_pdf_unpredict(struct vigil_span in, struct vg_out *o,
                     const struct vg_pdf_predictor *p);

#endif
