// SPDX-License-Identifier: GPL-2.0-or-later
// jsnorm.h: ClamAV-compatible JavaScript normalisation, the "script view"
// of an HTML page that target-3 and target-7 signatures are matched against.
#ifndef VIGIL_FMT_JSNORM_H
#define VIGIL_FMT_JSNORM_H

#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/cursor.h"

/*
 * One script is normalised by one struct vg_js: the HTML normaliser feeds
 * it the script's bytes piece by piece (ClamAV hands over 8191-byte
 * chunks, and tokens carry over between them), then vg_js_finish() writes
 * "<script>...</script>". What the output looks like, and the quirks kept
 * on purpose, are in docs/internals/SCAN-PIPELINE.md §7.
 *
 * Bounded: a script keeps at most VG_JS_MAX_TOKENS tokens (later ones are
 * dropped), and the decoders (eval, unescape, packers) stop expanding once
 * VG_JS_DECODE_BUDGET bytes and token moves have been spent on them.
 */
#define VG_JS_MAX_TOKENS ((size_t)4 << 20)
#define VG_JS_DECODE_BUDGET ((size_t)32 << 20)

struct vg_js;

/** A normaliser for one script; NULL when out of memory. */
struct vg_js *vg_js_new(void);

/** Hand over the next piece of the script's bytes. */
void vg_js_feed(struct vg_js *js, const uint8_t *p, size_t n);

/**
 * End the script: close an open string and unbalanced parentheses, run the
 * folders and decoders, and append the normalised script to @p out,
 * preceded by "\n" when @p out is not empty (scripts of one page share a
 * view). The normaliser stays allocated; free it with vg_js_free().
 * @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_LIMIT (@p out full: what fitted
 *         stays)
 */
int vg_js_finish(struct vg_js *js, struct vigil_buf *out);

void vg_js_free(struct vg_js *js);

/** The whole of @p in as one script (tests and the fuzzer). */
int vg_js_normalize(struct vigil_span in, struct vigil_buf *out);

#endif
