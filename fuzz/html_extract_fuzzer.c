// SPDX-License-Identifier: GPL-2.0-or-later
// html_extract_fuzzer.c: fuzzes the HTML data: URI extractor (fmt/html_extract.c).
#include "fmt/html_extract.h"
#include "fmt_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fmt_fuzz_run(vg_html_extract, data, size);
    return 0;
}
