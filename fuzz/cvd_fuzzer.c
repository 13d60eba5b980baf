// SPDX-License-Identifier: GPL-2.0-or-later
// cvd_fuzzer.c: fuzzes ClamAV database containers (db/cvd.c, db/tar.c):
// header, gzip, tar, .info, then loading the members. Input: byte 0 picks
// .cvd, .cld or .cud; the rest is the file.
#include <string.h>

#include "db/cvd.h"
#include "db/load.h"
#include "fuzzer.h"
#include "vigil/vigil.h"

static const char *const names[] = {"fuzz.cvd", "fuzz.cld", "fuzz.cud"};

static void scan_eicar(struct vigil_engine *eng)
{
    static const char a[] = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANT";
    static const char b[] = "IVIRUS-TEST-FILE!$H+H*";
    char eicar[sizeof a + sizeof b];
    struct vigil_scan *scan = NULL;
    struct vigil_result res;

    memcpy(eicar, a, sizeof a - 1);
    memcpy(eicar + sizeof a - 1, b, sizeof b);
    if (vigil_engine_compile(eng) == VIGIL_OK &&
        vigil_scan_new(&scan, eng) == VIGIL_OK)
        (void)vigil_scan_mem(scan, eicar, strlen(eicar), 0, &res);
    vigil_scan_free(&scan);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vigil_engine *eng = NULL;
    struct vg_why why;
    struct vg_cvd cvd;
    unsigned n = 0, t;

    if (size == 0)
        return 0;
    t = data[0] % 3;
    /* The parsing layers alone, without the RSA checks. */
    (void)vg_cvd_open(&cvd, (enum vg_cvd_type)t,
                      vigil_span_make(data + 1, size - 1), VG_CVD_NO_RSA, &why);
    vg_cvd_close(&cvd);
    /* The loader path, as `vigil scan -d FILE` takes it. */
    if (vigil_engine_new(&eng, NULL) != VIGIL_OK)
        return 0;
    (void)vg_load_mem(eng, names[t], data + 1, size - 1, &n);
    scan_eicar(eng);
    vigil_engine_unref(&eng);
    return 0;
}
