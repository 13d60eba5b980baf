// SPDX-License-Identifier: GPL-2.0-or-later
// sis_fuzzer.c: fuzzes the EPOC SIS installer parser (fmt/sis.c).
#include "fmt/sis.h"
#include "fmt_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fmt_fuzz_run(vg_sis_extract, data, size);
    return 0;
}
