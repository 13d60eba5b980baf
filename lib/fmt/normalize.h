// SPDX-License-Identifier: GPL-2.0-or-later
// normalize.h: the normalised views ClamAV matches signatures against:
// lower-cased text (target 7) and HTML without comments or tags (target 3).
#ifndef VIGIL_FMT_NORMALIZE_H
#define VIGIL_FMT_NORMALIZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/cursor.h"

/*
 * Every function here appends to caller-owned buffers and stops with
 * VIGIL_E_LIMIT when a buffer would grow past its max (initialise them with
 * vigil_buf_init(&b, VIGIL_CAP_NORM_VIEW) or a smaller bound); what was
 * appended before the error stays. Time is linear in the input, memory is
 * the output plus a fixed few KiB. Rules and evidence:
 * docs/internals/SCAN-PIPELINE.md §5 (text) and §6 (HTML).
 */

/** Carry-over between vg_text_normalize_chunk() calls. */
struct vg_textnorm {
    bool space; /* the last byte written was a collapsed blank */
};

/**
 * ClamAV's text normalisation: A-Z become a-z; each run of blanks (TAB,
 * LF, VT, FF, CR, space) becomes one space, and bytes that are neither
 * printable ASCII (DEL counts) nor blanks (controls, NUL, 0x80-0xFF) are
 * dropped without ending a run of blanks. Nothing is trimmed.
 * @param[in]  in   the object's bytes (ASCII, UTF-8 or UTF-16 alike)
 * @param[out] out  receives the view
 * @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_LIMIT
 */
int vg_text_normalize(struct vigil_span in, struct vigil_buf *out);

/**
 * The same, piece by piece. ClamAV itself restarts the blank-run state
 * (st->space = false) whenever it hands a full 128 KiB buffer to the
 * matcher; callers that need that quirk reset @p st at those points.
 * @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_LIMIT
 */
int vg_text_normalize_chunk(struct vg_textnorm *st, struct vigil_span in,
                            struct vigil_buf *out);

/**
 * ClamAV's decoding of a CL_TYPE_HTML_UTF16 object before HTML
 * normalisation: each byte pair (a, b) becomes the byte (b << 4) + a
 * (mod 256), which is the character for ASCII in UTF-16LE; a trailing odd
 * byte is dropped. Zero results are kept (the HTML normaliser skips them).
 * @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_LIMIT
 */
int vg_html_utf16_decode(struct vigil_span in, struct vigil_buf *out);

/**
 * ClamAV's HTML normalisation (html_normalise with entity conversion on,
 * as clamscan runs it), producing the two views target-3 signatures are
 * matched against:
 *  - @p nocomment: tags and text lower-cased, blanks collapsed, comments
 *    removed, attributes re-quoted, entities decoded (non-Latin-1 ones as
 *    "&#xhhhh;"), JScript.Encode/VBScript.Encode blocks decoded;
 *  - @p notags: only the text between tags, blanks collapsed, plus the
 *    href of <a> and src of <img> tags.
 * Either may be NULL. The data: URI and <style> image extraction are not
 * implemented (§8).
 * @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_LIMIT
 */
int vg_html_normalize(struct vigil_span in, struct vigil_buf *nocomment,
                      struct vigil_buf *notags);

/**
 * The same, plus the third view: every <script> of the page through
 * ClamAV's JavaScript normaliser (jsnorm.h), one "<script>...</script>"
 * per script, separated by "\n"; left empty when the page has none.
 * @param[out] scripts_ret  the script view's own result (VIGIL_OK,
 *             VIGIL_E_NOMEM, VIGIL_E_LIMIT); the return value is the other
 *             two views'
 */
int vg_html_normalize_all(struct vigil_span in, struct vigil_buf *nocomment,
                          struct vigil_buf *notags, struct vigil_buf *scripts,
                          int *scripts_ret);

#endif
