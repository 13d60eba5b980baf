// SPDX-License-Identifier: GPL-2.0-or-later
// db_load_fuzzer.c: fuzzes the signature loader (.hdb .hsb .fp .sfp .ign2)
// and the hash tables it builds. Input: byte 0 picks the file type, the
// rest is the file's text.
#include <string.h>

#include "db/load.h"
#include "fuzzer.h"
#include "vigil/vigil.h"

static const char *const db_names[] = {
    "fuzz.hdb", "fuzz.hsb", "fuzz.fp", "fuzz.sfp", "fuzz.ign2",
};
#define N_DB_NAMES (sizeof db_names / sizeof db_names[0])

/* Loaded after an .ign2 input so that its names are matched against real
 * signature lines (EICAR's MD5, and the SHA256 of "vigil"). */
static const char after_ign2[] =
    "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n"
    "6b27eba5652b46d31ef75f17784c2709ac019809c47ca538e91c0ab54a80892f:5:"
    "Vigil.Test:0:216\n"
    "44d88612fea8a8f36de82e1278abb02f:*:Any.Size:73\n";

static const char eicar_a[] = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANT";
static const char eicar_b[] = "IVIRUS-TEST-FILE!$H+H*";

static void scan_fixed(struct vigil_scan *scan)
{
    static const char *const bufs[] = {"", "vigil", "abc", "\n"};
    char eicar[sizeof eicar_a + sizeof eicar_b];
    struct vigil_result res;
    size_t n = strlen(eicar_a);

    memcpy(eicar, eicar_a, n);
    memcpy(eicar + n, eicar_b, sizeof eicar_b);
    for (unsigned flags = 0; flags < 2; flags++) {
        (void)vigil_scan_mem(scan, eicar, strlen(eicar), flags, &res);
        for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++)
            (void)vigil_scan_mem(scan, bufs[i], strlen(bufs[i]), flags,
                                 &res);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *name;
    struct vigil_engine *eng = NULL;
    struct vigil_scan *scan = NULL;
    unsigned n = 0;

    if (size == 0 || vigil_engine_new(&eng, NULL) != VIGIL_OK)
        return 0;
    name = db_names[data[0] % N_DB_NAMES];
    /* A failed load must leave a usable engine, so compile either way. */
    (void)vg_load_mem(eng, name, data + 1, size - 1, &n);
    if (strstr(name, ".ign2"))
        (void)vg_load_mem(eng, "after.hdb", after_ign2,
                          sizeof after_ign2 - 1, &n);
    if (vigil_engine_compile(eng) == VIGIL_OK &&
        vigil_scan_new(&scan, eng) == VIGIL_OK)
        scan_fixed(scan);
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
    return 0;
}
