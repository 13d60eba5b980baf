// SPDX-License-Identifier: GPL-2.0-or-later
// ole2_fuzzer.c: fuzzes the OLE2/VBA/PowerPoint parsers (fmt/ole2.c).
#include "fmt/ole2.h"
#include "fmt_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fmt_fuzz_run(vg_ole2_extract, data, size);
    return 0;
}
