// SPDX-License-Identifier: GPL-2.0-or-later
// rtf_fuzzer.c: fuzzes the RTF object parser (fmt/rtf.c, fmt/ole1.c).
#include "fmt/rtf.h"
#include "fmt_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fmt_fuzz_run(vg_rtf_extract, data, size);
    return 0;
}
