// SPDX-License-Identifier: GPL-2.0-or-later
// arj_fuzzer.c: fuzzes the ARJ reader (fmt/arj.c, fmt/arj_decode.c).
#include "fmt/arj.h"
#include "fmt_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fmt_fuzz_run(vg_arj_extract, data, size);
    return 0;
}
