// SPDX-License-Identifier: GPL-2.0-or-later
// cursor.c: out-of-line parts of the bounded cursor (sub-cursors).
#include "util/cursor.h"

struct vigil_cursor vigil_cur_sub(struct vigil_cursor *c, size_t off,
                                  size_t n)
{
    struct vigil_cursor child = {NULL, 0, 0, true};

    /* Sticky: a failed parent yields only failed children. */
    if (c->err || off > c->len || n > c->len - off) {
        c->err = true;
        return child;
    }
    /* base == NULL implies len == 0, hence off == 0: avoid NULL + 0. */
    child.base = c->base != NULL ? c->base + off : NULL;
    child.len = n;
    child.err = false;
    return child;
}

struct vigil_cursor vigil_cur_sub_next(struct vigil_cursor *c, size_t n)
{
    struct vigil_cursor child = vigil_cur_sub(c, c->pos, n);

    if (!child.err)
        c->pos += n;
    return child;
}
