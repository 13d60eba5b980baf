// SPDX-License-Identifier: GPL-2.0-or-later
// lsbits.h: an LSB-first bit reader over a bounded cursor, as deflate-
// family formats pack their bits (zip implode, deflate64).
#ifndef VIGIL_UTIL_LSBITS_H
#define VIGIL_UTIL_LSBITS_H

#include <stdint.h>

#include "util/cursor.h"

struct vigil_lsbits {
    struct vigil_cursor c;
    uint32_t buf; /* bits read ahead, next bit in bit 0 */
    unsigned cnt; /* how many */
};

/** @return the next @p n bits (n <= 24), LSB first; 0 and c.err at the
 *  end of the input. */
static inline uint32_t vigil_lsbits_get(struct vigil_lsbits *s, unsigned n)
{
    uint32_t v;
    while (s->cnt < n) {
        if (vigil_cur_remaining(&s->c) == 0) {
            s->c.err = true;
            return 0;
        }
        s->buf |= (uint32_t)vigil_cur_u8(&s->c) << s->cnt;
        s->cnt += 8;
    }
    v = s->buf & ((1u << n) - 1u);
    s->buf >>= n;
    s->cnt -= n;
    return v;
}

#endif
