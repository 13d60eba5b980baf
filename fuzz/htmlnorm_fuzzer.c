// SPDX-License-Identifier: GPL-2.0-or-later
// htmlnorm_fuzzer.c: fuzzes the HTML normaliser with generous and with
// tiny output caps; all three views must stay within their caps.
#include <stdlib.h>

#include "fmt/normalize.h"
#include "fuzzer.h"
#include "util/caps.h"
#include "vigil/vigil.h"

static void run(struct vigil_span in, size_t cap)
{
    struct vigil_buf nc, nt, js;
    int ret, js_ret = -1;

    vigil_buf_init(&nc, cap);
    vigil_buf_init(&nt, cap);
    vigil_buf_init(&js, cap);
    ret = vg_html_normalize_all(in, &nc, &nt, &js, &js_ret);
    if (ret != VIGIL_OK && ret != VIGIL_E_LIMIT && ret != VIGIL_E_NOMEM)
        abort();
    if (js_ret != VIGIL_OK && js_ret != VIGIL_E_LIMIT && js_ret != VIGIL_E_NOMEM)
        abort();
    if (nc.len > cap || nt.len > cap || js.len > cap)
        abort();
    vigil_buf_free(&nc);
    vigil_buf_free(&nt);
    vigil_buf_free(&js);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vigil_span in = vigil_span_make(data, size);

    run(in, VIGIL_CAP_NORM_VIEW);
    run(in, 100);
    (void)vg_html_normalize(in, NULL, NULL);
    return 0;
}
