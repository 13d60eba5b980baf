// SPDX-License-Identifier: GPL-2.0-or-later
// recurse_fuzzer.c: fuzzes the whole recursion (typing, every extractor,
// the limits) by scanning the input as a file with tight limits.
#include <stdlib.h>

#include "fuzzer.h"
#include "vigil/vigil.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct vigil_scan *scan;
    struct vigil_result res;
    if (!scan) { /* one engine for the whole run, like a daemon */
        struct vigil_engine *eng = NULL;
        struct vigil_limits lim;
        if (vigil_engine_new(&eng, NULL) != VIGIL_OK ||
            vigil_engine_compile(eng) != VIGIL_OK ||
            vigil_scan_new(&scan, eng) != VIGIL_OK)
            abort();
        vigil_engine_unref(&eng);
        vigil_limits_default(&lim);
        lim.max_file_size = lim.max_scan_size = 4u << 20;
        lim.max_files = 200;
        lim.max_scan_time_ms = 5000;
        vigil_scan_set_limits(scan, &lim);
    }
    if (vigil_scan_mem(scan, data, size,
                       VIGIL_SCAN_ALLMATCH | VIGIL_SCAN_ALERT_EXCEEDS |
                           VIGIL_SCAN_ALERT_ENCRYPTED,
                       &res) == VIGIL_OK &&
        res.verdict == VIGIL_FOUND && res.n_names == 0)
        abort();
    return 0;
}
