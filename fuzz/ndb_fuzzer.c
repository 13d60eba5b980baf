// SPDX-License-Identifier: GPL-2.0-or-later
// ndb_fuzzer.c: fuzzes the .ndb loader, the pattern compiler (parser,
// atoms, Vectorscan databases) and the verifier. Input: .ndb text; the
// compiled engine then scans a few fixed objects of different types.
#include <string.h>

#include "db/load.h"
#include "fuzzer.h"
#include "vigil/vigil.h"

/* Objects that reach the raw, text and PE passes. */
static const char text_obj[] = "Hello World, plain text\nsecond line (B) x";
static const unsigned char bin_obj[] = {0x00, 0x01, 0x41, 0x42, 0x43, 0x44,
                                        0x00, 0xff, 0x90, 0x90, 0x61, 0x62,
                                        0x63, 0x00, 0x00, 0x00, 0x7f, 0x45};
static const char pe_obj[] = "MZ\x90\0 this is not really a PE ABCD abcd";

static void scan_fixed(struct vigil_scan *scan)
{
    struct vigil_result res;
    for (unsigned flags = 0; flags < 2; flags++) {
        (void)vigil_scan_mem(scan, text_obj, sizeof text_obj - 1, flags, &res);
        (void)vigil_scan_mem(scan, bin_obj, sizeof bin_obj, flags, &res);
        (void)vigil_scan_mem(scan, pe_obj, sizeof pe_obj - 1, flags, &res);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vigil_engine *eng = NULL;
    struct vigil_scan *scan = NULL;
    unsigned n = 0;
    if (vigil_engine_new(&eng, NULL) != VIGIL_OK)
        return 0;
    (void)vg_load_mem(eng, "fuzz.ndb", data, size, &n);
    if (vigil_engine_compile(eng) == VIGIL_OK &&
        vigil_scan_new(&scan, eng) == VIGIL_OK)
        scan_fixed(scan);
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
    return 0;
}
