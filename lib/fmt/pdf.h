// SPDX-License-Identifier: GPL-2.0-or-later
// pdf.h: PDF documents: every stream, decoded through its filters
// (docs/internals/PARSERS.md).
#ifndef VIGIL_FMT_PDF_H
#define VIGIL_FMT_PDF_H

#include "scan/extract.h"

/**
 * Find every "N G obj" in the file and emit the decoded data of each
 * stream object (FlateDecode, ASCIIHexDecode, ASCII85Decode, LZWDecode,
 * RunLengthDecode, with PNG/TIFF predictors; names with #xx escapes and
 * abbreviations). Decoding stops at the first filter vigil does not
 * implement (DCT, JBIG2, CCITT, JPX, Crypt) and emits the data as far as
 * it was decoded. An indirect /Length, /Filter or /DecodeParms is looked
 * up one level deep; a stream whose /Length is wrong is cut at
 * "endstream". Encrypted documents are not decrypted.
 * @return VIGIL_OK, VIGIL_E_CORRUPT (no objects, or damaged streams: what
 *         could be decoded was emitted), VIGIL_E_NOMEM, or what emit
 *         returned.
 */
int vg_pdf_extract(struct vigil_span in, const struct vg_extract *x);

#endif
