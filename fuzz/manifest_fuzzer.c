// SPDX-License-Identifier: GPL-2.0-or-later
// manifest_fuzzer.c: fuzzes the vigil feed manifest parser
// (tools/vigil/update_manifest.c), which reads network bytes before their
// signature is checked. The parser is compiled into this file so the
// fuzzer needs nothing else from the vigil command.
#include "../tools/vigil/update_manifest.c"
#include "fuzzer.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct upd_manifest m;
    char why[256];

    if (upd_manifest_parse(data, size, &m, why, sizeof why) == VIGIL_OK) {
        /* what a successful parse promises */
        if (m.nsigs == 0 || m.nsigs > UPD_MAX_SIGS ||
            m.nfiles > UPD_MAX_FEED_FILES || m.body_len >= size ||
            m.expires <= m.created)
            __builtin_trap();
        for (size_t i = 0; i < m.nfiles; i++)
            if (!upd_feed_name_ok(m.files[i].name, strlen(m.files[i].name)))
                __builtin_trap();
        upd_manifest_free(&m);
    } else if (!why[0]) {
        __builtin_trap(); /* a failure always says why */
    }
    return 0;
}
