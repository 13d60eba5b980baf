// SPDX-License-Identifier: GPL-2.0-or-later
// archive_fuzzer.c: fuzzes the libarchive extractor (zip, 7z, rar, tar,
// cpio, iso9660, xar, lha, ar) through the extraction contract.
#include "extract_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_extract(vg_archive_extract, data, size);
    return 0;
}
