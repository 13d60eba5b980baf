// SPDX-License-Identifier: GPL-2.0-or-later
// pe_fuzzer.c: fuzzes the PE parser (headers, sections, VERSIONINFO
// resources) and, on what it accepts, the import walk and the section and
// import hashes. Seeds: corpus/pe/.
#include "exe_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return exe_fuzz_one(data, size);
}
