// SPDX-License-Identifier: GPL-2.0-or-later
// streams.c: compressed streams (gzip, bzip2, xz/lzma, zstd) decoded into
// one child object, through zlib, libbz2, liblzma and libzstd.
//
// Each decoder writes into one growing buffer that never exceeds
// x->max_child: a stream that expands further (a "gzip bomb") is cut
// there and the child is marked truncated, so memory stays bounded by
// the limit whatever the ratio. Concatenated streams (gzip members, bzip2
// streams, xz streams) are one child, as gzip -d would produce.
#include <bzlib.h>
#include <lzma.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "scan/extractors.h"
#include "util/buf.h"
#include "vigil/vigil.h"

/* Output grows by this much at a time (and no more than the limit). */
#define STREAM_STEP ((size_t)256 << 10)
/* xz decoders may allocate this much for their dictionary at most. */
#define XZ_MEMLIMIT ((uint64_t)256 << 20)

struct sink {
    struct vigil_buf out;
    size_t max;     /* x->max_child, as a size */
    bool truncated; /* stopped at max with data left */
};

static void sink_init(struct sink *s, const struct vg_extract *x)
{
    s->max = x->max_child > SIZE_MAX ? SIZE_MAX : (size_t)x->max_child;
    s->truncated = false;
    vigil_buf_init(&s->out, s->max);
}

/* Room for the next decoder call: at most STREAM_STEP, never past max.
 * @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_LIMIT (max reached) */
static int sink_room(struct sink *s, uint8_t **p, size_t *n)
{
    size_t want = s->max - s->out.len;
    int ret;
    if (want == 0)
        return VIGIL_E_LIMIT;
    if (want > STREAM_STEP)
        want = STREAM_STEP;
    if (s->out.cap - s->out.len < want &&
        (ret = vigil_buf_reserve(&s->out, want)) != VIGIL_OK)
        return ret;
    *p = s->out.data + s->out.len;
    *n = s->out.cap - s->out.len < s->max - s->out.len ? s->out.cap - s->out.len
                                                       : s->max - s->out.len;
    return VIGIL_OK;
}

/* Hand the decoded bytes to the core; @p status is the decoder's verdict
 * on the stream (VIGIL_OK or VIGIL_E_CORRUPT), returned unless emit says
 * otherwise. */
static int sink_emit(struct sink *s, struct vigil_span in,
                     const struct vg_extract *x, int status)
{
    struct vg_child_info info = {NULL, -1, false, s->truncated, 0, in.len};
    int ret = VIGIL_OK;
    if (status == VIGIL_E_NOMEM) {
        vigil_buf_free(&s->out);
        return status;
    }
    if (s->out.len > 0 || s->truncated)
        ret = x->emit(x->core, vigil_span_make(s->out.data, s->out.len), &info);
    vigil_buf_free(&s->out);
    return ret != VIGIL_OK ? ret : status;
}

/* ---- gzip (zlib) ------------------------------------------------------ */

static int gz_run(z_stream *z, struct sink *s)
{
    for (;;) {
        uint8_t *p;
        size_t n;
        int zr, ret = sink_room(s, &p, &n);
        if (ret == VIGIL_E_LIMIT) {
            s->truncated = z->avail_in > 0;
            return VIGIL_OK;
        }
        if (ret != VIGIL_OK)
            return ret;
        z->next_out = p;
        z->avail_out = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
        zr = inflate(z, Z_NO_FLUSH);
        s->out.len += (n > UINT32_MAX ? UINT32_MAX : n) - z->avail_out;
        if (zr == Z_STREAM_END) {
            /* Another gzip member may follow (gzip -d joins them). */
            if (z->avail_in < 2 || z->next_in[0] != 0x1f ||
                z->next_in[1] != 0x8b)
                return VIGIL_OK;
            if (inflateReset(z) != Z_OK)
                return VIGIL_E_CORRUPT;
            continue;
        }
        if (zr == Z_MEM_ERROR)
            return VIGIL_E_NOMEM;
        if (zr != Z_OK)
            return VIGIL_E_CORRUPT; /* bad data, or ended early */
    }
}

int vg_gz_extract(struct vigil_span in, const struct vg_extract *x)
{
    z_stream z;
    struct sink s;
    int ret;
    memset(&z, 0, sizeof z);
    if (in.len > UINT32_MAX) /* zlib counts input in 32 bits */
        in.len = UINT32_MAX;
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return VIGIL_E_NOMEM;
    sink_init(&s, x);
    z.next_in = (Bytef *)(uintptr_t)in.p; /* zlib does not write it */
    z.avail_in = (uInt)in.len;
    ret = gz_run(&z, &s);
    inflateEnd(&z);
    return sink_emit(&s, in, x, ret);
}

/* ---- bzip2 ------------------------------------------------------------ */

static int bz_run(bz_stream *b, struct sink *s)
{
    for (;;) {
        uint8_t *p;
        size_t n;
        int br, ret = sink_room(s, &p, &n);
        if (ret == VIGIL_E_LIMIT) {
            s->truncated = b->avail_in > 0;
            return VIGIL_OK;
        }
        if (ret != VIGIL_OK)
            return ret;
        if (n > UINT32_MAX)
            n = UINT32_MAX;
        b->next_out = (char *)p;
        b->avail_out = (unsigned)n;
        br = BZ2_bzDecompress(b);
        s->out.len += n - b->avail_out;
        if (br == BZ_STREAM_END) {
            /* pbzip2 and cat join streams; each starts "BZh". */
            if (b->avail_in < 3 || memcmp(b->next_in, "BZh", 3) != 0)
                return VIGIL_OK;
            BZ2_bzDecompressEnd(b);
            if (BZ2_bzDecompressInit(b, 0, 0) != BZ_OK)
                return VIGIL_E_NOMEM;
            continue;
        }
        if (br == BZ_MEM_ERROR)
            return VIGIL_E_NOMEM;
        if (br != BZ_OK)
            return VIGIL_E_CORRUPT;
        if (b->avail_in == 0 && b->avail_out > 0)
            return VIGIL_E_CORRUPT; /* input ended inside the stream */
    }
}

int vg_bz2_extract(struct vigil_span in, const struct vg_extract *x)
{
    bz_stream b;
    struct sink s;
    int ret;
    memset(&b, 0, sizeof b);
    if (in.len > UINT32_MAX)
        in.len = UINT32_MAX;
    if (BZ2_bzDecompressInit(&b, 0, 0) != BZ_OK)
        return VIGIL_E_NOMEM;
    sink_init(&s, x);
    b.next_in = (char *)(uintptr_t)in.p; /* libbz2 does not write it */
    b.avail_in = (unsigned)in.len;
    ret = bz_run(&b, &s);
    BZ2_bzDecompressEnd(&b);
    return sink_emit(&s, in, x, ret);
}

/* ---- xz / lzma ---------------------------------------------------------- */

static int xz_run(lzma_stream *l, struct sink *s)
{
    for (;;) {
        uint8_t *p;
        size_t n;
        lzma_ret lr;
        int ret = sink_room(s, &p, &n);
        if (ret == VIGIL_E_LIMIT) {
            s->truncated = l->avail_in > 0;
            return VIGIL_OK;
        }
        if (ret != VIGIL_OK)
            return ret;
        l->next_out = p;
        l->avail_out = n;
        lr = lzma_code(l, l->avail_in ? LZMA_RUN : LZMA_FINISH);
        s->out.len += n - l->avail_out;
        if (lr == LZMA_STREAM_END)
            return VIGIL_OK;
        if (lr == LZMA_MEM_ERROR)
            return VIGIL_E_NOMEM;
        if (lr != LZMA_OK)
            return VIGIL_E_CORRUPT; /* incl. LZMA_MEMLIMIT_ERROR */
    }
}

int vg_xz_extract(struct vigil_span in, const struct vg_extract *x)
{
    lzma_stream l = LZMA_STREAM_INIT;
    struct sink s;
    int ret;
    /* The auto decoder takes .xz and legacy .lzma alike. */
    if (lzma_auto_decoder(&l, XZ_MEMLIMIT, LZMA_CONCATENATED) != LZMA_OK)
        return VIGIL_E_NOMEM;
    sink_init(&s, x);
    l.next_in = in.p;
    l.avail_in = in.len;
    ret = xz_run(&l, &s);
    lzma_end(&l);
    return sink_emit(&s, in, x, ret);
}

/* ---- zstd --------------------------------------------------------------- */

static int zstd_run(ZSTD_DCtx *d, ZSTD_inBuffer *zin, struct sink *s)
{
    size_t last = 1;
    for (;;) {
        ZSTD_outBuffer zout;
        uint8_t *p;
        size_t n;
        int ret = sink_room(s, &p, &n);
        if (ret == VIGIL_E_LIMIT) {
            s->truncated = zin->pos < zin->size;
            return VIGIL_OK;
        }
        if (ret != VIGIL_OK)
            return ret;
        zout.dst = p;
        zout.size = n;
        zout.pos = 0;
        last = ZSTD_decompressStream(d, &zout, zin);
        s->out.len += zout.pos;
        if (ZSTD_isError(last))
            return VIGIL_E_CORRUPT;
        if (zin->pos == zin->size && zout.pos < zout.size)
            return last == 0 ? VIGIL_OK : VIGIL_E_CORRUPT;
    }
}

int vg_zstd_extract(struct vigil_span in, const struct vg_extract *x)
{
    static const uint8_t magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
    ZSTD_inBuffer zin = {in.p, in.len, 0};
    ZSTD_DCtx *d;
    struct sink s;
    int ret;
    if (in.len < 4 || memcmp(in.p, magic, 4) != 0)
        return VIGIL_E_UNSUPPORTED;
    if (!(d = ZSTD_createDCtx()))
        return VIGIL_E_NOMEM;
    /* 2^27: zstd's own default ceiling for a decoder's window. */
    ZSTD_DCtx_setParameter(d, ZSTD_d_windowLogMax, 27);
    sink_init(&s, x);
    ret = zstd_run(d, &zin, &s);
    ZSTD_freeDCtx(d);
    return sink_emit(&s, in, x, ret);
}
