// SPDX-License-Identifier: GPL-2.0-or-later
// arj_fuzzer.c: fuzzes the ARJ reader (fmt/arj.c, fmt/arj_decode.c).
// With VIGIL_FUZZING header CRCs are not checked, so mutated archives
// reach the members; the decoders also run on the raw input (first byte:
// the method), where mutations reach their code readers directly.
#include <stdlib.h>

#include "fmt/arj.h"
#include "fmt_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fmt_fuzz_run(vg_arj_extract, data, size);
    if (size > 0) {
        struct vigil_buf out;
        uint64_t osize = (uint64_t)size * 64u;
        int ret;
        vigil_buf_init(&out, (size_t)1 << 20);
        ret = vg_arj_decode(vigil_span_make(data + 1, size - 1),
                            data[0] % 4u + 1u, osize, &out);
        if (out.len > out.max || out.len > osize ||
            (ret != VIGIL_OK && ret != VIGIL_E_CORRUPT &&
             ret != VIGIL_E_NOMEM))
            abort();
        vigil_buf_free(&out);
    }
    return 0;
}
