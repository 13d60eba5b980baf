// SPDX-License-Identifier: GPL-2.0-or-later
// elf_fuzzer.c: fuzzes the ELF header parser (vg_exe_parse) and, on what
// it accepts, the section/import hashing. Seeds: corpus/elf/.
#include "exe_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return exe_fuzz_one(data, size);
}
