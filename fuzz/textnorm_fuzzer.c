// SPDX-License-Identifier: GPL-2.0-or-later
// textnorm_fuzzer.c: fuzzes the normalised-text view and the HTML UTF-16
// fold, checking their size invariants and the output alphabet.
#include <stdlib.h>

#include "fmt/normalize.h"
#include "fuzzer.h"
#include "util/caps.h"
#include "vigil/vigil.h"

static void check_text(const struct vigil_buf *b, size_t in_len)
{
    if (b->len > in_len)
        abort();
    for (size_t i = 0; i < b->len; i++) {
        uint8_t c = b->data[i];
        if (c < 0x20 || c >= 0x80 || (c >= 'A' && c <= 'Z'))
            abort();
        if (c == ' ' && i > 0 && b->data[i - 1] == ' ')
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vigil_span in = vigil_span_make(data, size);
    struct vigil_buf b;
    struct vg_textnorm st = {false};

    vigil_buf_init(&b, VIGIL_CAP_NORM_VIEW);
    if (vg_text_normalize(in, &b) == VIGIL_OK)
        check_text(&b, size);
    vigil_buf_free(&b);

    /* piecewise must equal whole */
    vigil_buf_init(&b, VIGIL_CAP_NORM_VIEW);
    (void)vg_text_normalize_chunk(&st, vigil_span_sub(in, 0, size / 2), &b);
    (void)vg_text_normalize_chunk(
        &st, vigil_span_sub(in, size / 2, size - size / 2), &b);
    check_text(&b, size);
    vigil_buf_free(&b);

    vigil_buf_init(&b, 64); /* tiny cap: must fail cleanly, not overflow */
    (void)vg_html_utf16_decode(in, &b);
    if (b.len > size / 2 || b.len > 64)
        abort();
    vigil_buf_free(&b);
    return 0;
}
