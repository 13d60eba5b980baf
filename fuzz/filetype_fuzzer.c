// SPDX-License-Identifier: GPL-2.0-or-later
// filetype_fuzzer.c: fuzzes content typing (magic table, text rules, type
// patterns, the UTF-16/UCS-4 decodes, tar and OOXML checks) and checks
// that the result and the scan plan are always well formed.
#include <stdlib.h>

#include "fmt/filetype.h"
#include "fuzzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum vg_ftype t = vg_filetype_detect(vigil_span_make(data, size));
    struct vg_pass plan[VG_MAX_PASSES];
    size_t n;

    if ((unsigned)t >= VG_FT_COUNT)
        abort();
    if (vg_ftype_clname(t) == NULL)
        abort();
    n = vg_ftype_plan(t, plan);
    if (n > VG_MAX_PASSES)
        abort();
    for (size_t i = 0; i < n; i++)
        if (plan[i].target > 14 || !vg_ftype_has_target(t, plan[i].target))
            abort();
    return 0;
}
