// SPDX-License-Identifier: GPL-2.0-or-later
// rar2_fuzzer.c: fuzzes vigil's own RAR 1.5-4.x reader and its RAR 2.0
// decoder (stored, LZ, audio and solid members) through the extraction
// contract. Seeds: fuzz/make_rar2_seeds.py.
#include "extract_fuzz.h"
#include "fmt/rar2.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_extract(vg_rar2_extract, data, size);
    return 0;
}
