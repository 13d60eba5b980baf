// SPDX-License-Identifier: GPL-2.0-or-later
// binhex_fuzzer.c: fuzzes the BinHex 4.0 decoder (fmt/binhex.c).
#include "fmt/binhex.h"
#include "fmt_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fmt_fuzz_run(vg_binhex_extract, data, size);
    return 0;
}
