// SPDX-License-Identifier: GPL-2.0-or-later
// extract_fuzz.h: runs one container extractor over a fuzz input with an
// emit callback that checks the contract (child within max_child, stop
// honoured) and touches every byte handed out.
#ifndef VIGIL_EXTRACT_FUZZ_H
#define VIGIL_EXTRACT_FUZZ_H

#include <stdlib.h>

#include "fuzzer.h"
#include "scan/extractors.h"
#include "vigil/vigil.h"

/* Small, so that the truncation paths run too. */
#define FUZZ_MAX_CHILD ((uint64_t)1 << 20)
/* After this many children emit says stop, as a detection would. */
#define FUZZ_STOP_AFTER 64u

struct fuzz_core {
    unsigned n;
    unsigned sum;
};

static int fuzz_emit(void *core, struct vigil_span data,
                     const struct vg_child_info *info)
{
    struct fuzz_core *c = core;
    if (data.len > FUZZ_MAX_CHILD || (data.len && !data.p) || !info)
        abort();
    for (size_t i = 0; i < data.len; i++)
        c->sum += data.p[i];
    if (++c->n > FUZZ_STOP_AFTER + 1)
        abort(); /* the extractor ignored the stop */
    return c->n > FUZZ_STOP_AFTER ? 1 : VIGIL_OK;
}

static inline void fuzz_extract(vg_extract_fn fn, const uint8_t *data,
                                size_t size)
{
    struct fuzz_core core = {0, 0};
    struct vg_extract x = {fuzz_emit, &core, FUZZ_MAX_CHILD, 0};
    int ret = fn(vigil_span_make(data, size), &x);
    if (ret > 1 || (ret == 1 && core.n <= FUZZ_STOP_AFTER))
        abort(); /* only emit's own stop value may come back positive */
}

#endif
