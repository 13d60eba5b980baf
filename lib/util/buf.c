// SPDX-License-Identifier: GPL-2.0-or-later
// buf.c: growable byte buffer with a hard cap.
#include "util/buf.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "util/alloc.h"
#include "vigil/vigil.h"

void vigil_buf_init(struct vigil_buf *b, size_t max)
{
    b->data = NULL;
    b->len = b->cap = 0;
    b->max = max;
}

int vigil_buf_reserve(struct vigil_buf *b, size_t extra)
{
    size_t need, ncap;
    uint8_t *p;
    if (vigil_ckd_add_size(&need, b->len, extra) || need > b->max)
        return VIGIL_E_LIMIT;
    if (need <= b->cap)
        return VIGIL_OK;
    ncap = b->cap ? b->cap : 64;
    while (ncap < need)
        ncap = ncap > b->max / 2 ? b->max : ncap * 2;
    p = vigil_realloc(b->data, ncap);
    if (!p)
        return VIGIL_E_NOMEM;
    b->data = p;
    b->cap = ncap;
    return VIGIL_OK;
}

int vigil_buf_append(struct vigil_buf *b, const void *p, size_t n)
{
    int ret = vigil_buf_reserve(b, n);
    if (ret != VIGIL_OK)
        return ret;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    return VIGIL_OK;
}

int vigil_buf_read_fd(struct vigil_buf *b, int fd)
{
    for (;;) {
        ssize_t got;
        int ret;
        if (b->len == b->cap && (ret = vigil_buf_reserve(b, 1 << 16)))
            return ret;
        got = read(fd, b->data + b->len, b->cap - b->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return VIGIL_E_IO;
        if (got == 0)
            return VIGIL_OK;
        b->len += (size_t)got;
    }
}

void vigil_buf_free(struct vigil_buf *b)
{
    VIGIL_FREEP(&b->data);
    b->len = b->cap = 0;
}
