// SPDX-License-Identifier: GPL-2.0-or-later
// test_shared.h: reading ClamAV's own test files from ../shared/data,
// skipping (exit 77) when a user's checkout does not have them.
#ifndef VIGIL_TEST_SHARED_H
#define VIGIL_TEST_SHARED_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "test_main.h"
#include "util/buf.h"
#include "vigil/vigil.h"

/* VIGIL_TEST_DATA is tests/data in the source tree. */
#define SHARED_UNIT_TESTS "/../../../shared/data/clamav-unit-tests/"

/** Read the whole of clamav-unit-tests/@p rel into @p b (initialised
 *  here, at most 16 MiB). @return false when the file cannot be opened. */
static inline bool read_shared(const char *rel, struct vigil_buf *b)
{
    char path[1024];
    FILE *f;
    snprintf(path, sizeof path, "%s" SHARED_UNIT_TESTS "%s", VIGIL_TEST_DATA,
             rel);
    vigil_buf_init(b, 1 << 24);
    if (!(f = fopen(path, "rb")))
        return false;
    for (;;) {
        size_t got;
        assert_int_equal(vigil_buf_reserve(b, 1 << 16), VIGIL_OK);
        got = fread(b->data + b->len, 1, b->cap - b->len, f);
        b->len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    return true;
}

/** read_shared(), or skip the test when ../shared/data is absent. */
static inline void need_shared(const char *rel, struct vigil_buf *b)
{
    if (!read_shared(rel, b)) {
        printf("skipped: ../shared/data not found\n");
        exit(77);
    }
}

#endif
