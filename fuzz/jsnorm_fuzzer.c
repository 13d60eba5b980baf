// SPDX-License-Identifier: GPL-2.0-or-later
// jsnorm_fuzzer.c: fuzzes the JavaScript normaliser (lexer, scopes,
// folders and decoders), fed whole and fed in pieces, with a generous and
// a tiny output cap.
#include <stdlib.h>

#include "fmt/jsnorm.h"
#include "fuzzer.h"
#include "util/caps.h"
#include "vigil/vigil.h"

static void check(int ret, const struct vigil_buf *out, size_t cap)
{
    if (ret != VIGIL_OK && ret != VIGIL_E_LIMIT && ret != VIGIL_E_NOMEM)
        abort();
    if (out->len > cap)
        abort();
}

/* Pieces of 1, 2, 3, ... bytes: tokens must carry over between pieces. */
static void run_pieces(struct vigil_span in, size_t cap)
{
    struct vg_js *js = vg_js_new();
    struct vigil_buf out;
    size_t at = 0, step = 1;

    if (js == NULL)
        return;
    vigil_buf_init(&out, cap);
    while (at < in.len) {
        size_t n = in.len - at < step ? in.len - at : step;
        vg_js_feed(js, in.p + at, n);
        at += n;
        step = step % 7 + 1;
    }
    check(vg_js_finish(js, &out), &out, cap);
    vg_js_free(js);
    vigil_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vigil_span in = vigil_span_make(data, size);
    struct vigil_buf out;

    vigil_buf_init(&out, VIGIL_CAP_NORM_VIEW);
    check(vg_js_normalize(in, &out), &out, VIGIL_CAP_NORM_VIEW);
    vigil_buf_free(&out);
    vigil_buf_init(&out, 64);
    check(vg_js_normalize(in, &out), &out, 64);
    vigil_buf_free(&out);
    run_pieces(in, VIGIL_CAP_NORM_VIEW);
    return 0;
}
