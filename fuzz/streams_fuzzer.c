// SPDX-License-Identifier: GPL-2.0-or-later
// streams_fuzzer.c: fuzzes the gzip, bzip2, xz/lzma and zstd decoders;
// the first byte of the input picks the decoder (4: Deflate64, through
// the zip walker that feeds it).
#include "extract_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const vg_extract_fn fns[] = {vg_gz_extract, vg_bz2_extract,
                                        vg_xz_extract, vg_zstd_extract,
                                        vg_zip_legacy_extract};
    if (size < 1)
        return 0;
    fuzz_extract(fns[data[0] % 5], data + 1, size - 1);
    return 0;
}
