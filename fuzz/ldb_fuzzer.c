// SPDX-License-Identifier: GPL-2.0-or-later
// ldb_fuzzer.c: fuzzes the .ldb loader (expressions, TDB, every kind of
// subsignature) and the evaluation: the input is loaded as a database,
// then fixed buffers and the input itself are scanned with it.
#include <string.h>

#include "db/load.h"
#include "fuzzer.h"
#include "vigil/vigil.h"

/* Macro-group members for ${min-max}n$ subsignatures in the input. */
static const char macro_ndb[] = "M.Zero:0:$0$:5a5a5a5a\n"
                                "M.One:0:$1$:41424344\n";

#define SAMPLE(s)                                                              \
    {                                                                          \
        s, sizeof s - 1                                                        \
    }
static const struct {
    const char *p;
    size_t len;
} samples[] = {
    SAMPLE(""),
    SAMPLE("ABCD"),
    SAMPLE("ABCDZZZZ ABCD hello HELLO hello SIZE=200 LEN=0x1f2 "
           "\x01\x02\x03\x04"),
    SAMPLE("GIF89a\0\0\0\0\0\0\0\0\0\0"
           "ABCDEFGH ABABCDCD h\0e\0l\0l\0o\0"),
};

static void scan_all(struct vigil_scan *scan, const uint8_t *data, size_t size)
{
    struct vigil_result res;
    for (unsigned flags = 0; flags < 2; flags++) {
        for (size_t i = 0; i < sizeof samples / sizeof samples[0]; i++)
            (void)vigil_scan_mem(scan, samples[i].p, samples[i].len, flags,
                                 &res);
        (void)vigil_scan_mem(scan, data, size, flags, &res);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vigil_engine *eng = NULL;
    struct vigil_scan *scan = NULL;
    unsigned n = 0;

    if (vigil_engine_new(&eng, NULL) != VIGIL_OK)
        return 0;
    (void)vg_load_mem(eng, "macro.ndb", macro_ndb, sizeof macro_ndb - 1, &n);
    /* A failed load must leave a usable engine, so compile either way. */
    (void)vg_load_mem(eng, "fuzz.ldb", data, size, &n);
    if (vigil_engine_compile(eng) == VIGIL_OK &&
        vigil_scan_new(&scan, eng) == VIGIL_OK)
        scan_all(scan, data, size);
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
    return 0;
}
