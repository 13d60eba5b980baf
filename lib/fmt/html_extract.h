// SPDX-License-Identifier: GPL-2.0-or-later
// html_extract.h: objects inlined in HTML as data: URIs
// (docs/internals/PARSERS.md).
#ifndef VIGIL_FMT_HTML_EXTRACT_H
#define VIGIL_FMT_HTML_EXTRACT_H

#include "scan/extract.h"

/**
 * Emit the decoded payload of every RFC 2397 URI,
 * `data:[<mediatype>][;base64],<data>`, in an HTML (or any text) file:
 * base64 when the parameters end in ";base64", percent-decoded otherwise.
 * The data ends at a quote, '<', '>', ')' or the end of input (and at
 * white space when not base64, whose decoder skips it). Empty payloads
 * are not emitted.
 * @return VIGIL_OK, VIGIL_E_NOMEM, or what emit returned.
 */
int vg_html_extract(struct vigil_span in, const struct vg_extract *x);

#endif
