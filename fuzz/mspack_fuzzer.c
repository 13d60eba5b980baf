// SPDX-License-Identifier: GPL-2.0-or-later
// mspack_fuzzer.c: fuzzes the libmspack extractors (cab, CHM, SZDD); the
// first byte of the input picks the format.
#include "extract_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const vg_extract_fn fns[] = {
        vg_mspack_cab_extract, vg_mspack_chm_extract, vg_mspack_szdd_extract};
    if (size < 1)
        return 0;
    fuzz_extract(fns[data[0] % 3], data + 1, size - 1);
    return 0;
}
