// SPDX-License-Identifier: GPL-2.0-or-later
// tnef_fuzzer.c: fuzzes the TNEF parser (fmt/tnef.c).
#include "fmt/tnef.h"
#include "fmt_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fmt_fuzz_run(vg_tnef_extract, data, size);
    return 0;
}
