// SPDX-License-Identifier: GPL-2.0-or-later
// inflate.c: zlib inflate into a bounded vg_out.
#include "fmt/inflate.h"

#include <limits.h>
#include <string.h>

#include <zlib.h>

#include "vigil/vigil.h"

#define INFLATE_STEP 65536u

/* A zlib header: CM 8, a window of at most 32 KiB, FCHECK valid. */
static bool zlib_header(struct vigil_span in)
{
    return in.len >= 2 && (in.p[0] & 0x0F) == 8 && (in.p[0] >> 4) <= 7 &&
           ((unsigned)in.p[0] << 8 | in.p[1]) % 31 == 0;
}

static int run(z_stream *z, struct vg_out *o)
{
    uint8_t buf[INFLATE_STEP];
    int zr = Z_OK;

    while (zr == Z_OK && !vg_out_full(o)) {
        z->next_out = buf;
        z->avail_out = sizeof buf;
        zr = inflate(z, Z_NO_FLUSH);
        if (vg_out_put(o, buf, sizeof buf - z->avail_out))
            return VIGIL_E_NOMEM;
        if (zr == Z_BUF_ERROR && z->avail_in == 0)
            return VIGIL_E_CORRUPT; /* truncated */
        if (zr == Z_MEM_ERROR)
            return VIGIL_E_NOMEM;
    }
    return zr == Z_OK || zr == Z_STREAM_END ? VIGIL_OK : VIGIL_E_CORRUPT;
}

int vg_inflate(struct vigil_span in, struct vg_out *o)
{
    z_stream z;
    int ret;

    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, zlib_header(in) ? 15 : -15) != Z_OK)
        return VIGIL_E_NOMEM;
    /* Feed at most UINT_MAX bytes (zlib's avail_in is an unsigned int). */
    z.next_in = (Bytef *)(uintptr_t)in.p;
    z.avail_in = in.len > UINT_MAX ? UINT_MAX : (unsigned)in.len;
    ret = run(&z, o);
    inflateEnd(&z);
    return ret;
}
