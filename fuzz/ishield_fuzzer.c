// SPDX-License-Identifier: GPL-2.0-or-later
// ishield_fuzzer.c: fuzzes the InstallShield payload finder and parser
// (fmt/ishield.c): both layouts, as a PE overlay and as plain data.
#include "fmt/ishield.h"
#include "fmt_fuzz.h"

static int find_then_extract(struct vigil_span in, const struct vg_extract *x)
{
    size_t off;
    enum vg_ftype et;
    int ret = vg_ishield_extract(in, x);
    if (ret != VIGIL_OK && ret != VIGIL_E_CORRUPT)
        return ret;
    for (int pe = 0; pe < 2; pe++)
        if (vg_ishield_find(in, pe, &off, &et)) {
            if (off >= in.len && in.len)
                abort();
            ret = vg_ishield_extract(vigil_span_sub(in, off, in.len - off), x);
            if (ret != VIGIL_OK && ret != VIGIL_E_CORRUPT)
                return ret;
        }
    return VIGIL_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fmt_fuzz_run(find_then_extract, data, size);
    return 0;
}
