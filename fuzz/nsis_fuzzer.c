// SPDX-License-Identifier: GPL-2.0-or-later
// nsis_fuzzer.c: fuzzes the NSIS installer reader (fmt/nsis.c), from the
// first header (the seeds start there) and from where vg_nsis_find puts it.
#include "fmt/nsis.h"
#include "fmt_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t off = 0;

    fmt_fuzz_run(vg_nsis_extract, data, size);
    if (vg_nsis_find(vigil_span_make(data, size), &off) && off > 0)
        fmt_fuzz_run(vg_nsis_extract, data + off, size - off);
    return 0;
}
