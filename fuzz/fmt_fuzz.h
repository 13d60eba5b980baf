// SPDX-License-Identifier: GPL-2.0-or-later
// fmt_fuzz.h: shared body of the container-parser fuzzers: run a
// vg_<fmt>_extract over the input with a generous and a tiny child limit
// and check the contract (children within the limit, known results).
#ifndef VIGIL_FMT_FUZZ_H
#define VIGIL_FMT_FUZZ_H

#include <stdlib.h>

#include "fuzzer.h"
#include "scan/extract.h"
#include "vigil/vigil.h"

struct fmt_fuzz_core {
    uint64_t max_child;
    unsigned emits;
    volatile uint8_t sink;
};

static int fmt_fuzz_emit(void *core, struct vigil_span data,
                         const struct vg_child_info *info)
{
    struct fmt_fuzz_core *fc = core;

    if (data.len > fc->max_child || (data.len && data.p == NULL))
        abort();
    if (data.len) /* touch both ends: ASan checks the span is real */
        fc->sink = (uint8_t)(data.p[0] ^ data.p[data.len - 1]);
    (void)info;
    /* Stop after many children, as the core's file limit would. */
    return ++fc->emits >= 2000 ? VIGIL_E_LIMIT : VIGIL_OK;
}

typedef int (*fmt_fuzz_fn)(struct vigil_span in, const struct vg_extract *x);

static inline void fmt_fuzz_run(fmt_fuzz_fn fn, const uint8_t *data,
                                size_t size)
{
    static const uint64_t limits[] = {(uint64_t)1 << 24, 7};

    for (unsigned i = 0; i < 2; i++) {
        struct fmt_fuzz_core fc = {limits[i], 0, 0};
        struct vg_extract x = {fmt_fuzz_emit, &fc, limits[i], 0};
        int ret = fn(vigil_span_make(data, size), &x);
        if (ret != VIGIL_OK && ret != VIGIL_E_CORRUPT &&
            ret != VIGIL_E_UNSUPPORTED && ret != VIGIL_E_LIMIT &&
            ret != VIGIL_E_NOMEM)
            abort();
    }
}

#endif
