// SPDX-License-Identifier: GPL-2.0-or-later
// onenote_fuzzer.c: fuzzes the OneNote embedded-file finder (fmt/onenote.c).
#include "fmt/onenote.h"
#include "fmt_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fmt_fuzz_run(vg_onenote_extract, data, size);
    return 0;
}
