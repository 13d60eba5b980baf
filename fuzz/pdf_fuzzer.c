// SPDX-License-Identifier: GPL-2.0-or-later
// pdf_fuzzer.c: fuzzes the PDF parser and its filters (fmt/pdf.c).
#include "fmt/pdf.h"
#include "fmt_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fmt_fuzz_run(vg_pdf_extract, data, size);
    return 0;
}
