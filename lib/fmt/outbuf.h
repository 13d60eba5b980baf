// SPDX-License-Identifier: GPL-2.0-or-later
// outbuf.h: a decoder's output buffer that stops at a child's size limit
// and remembers that it did (struct vg_child_info.truncated).
#ifndef VIGIL_FMT_OUTBUF_H
#define VIGIL_FMT_OUTBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scan/extract.h"
#include "util/buf.h"
#include "util/cursor.h"

/*
 * Decoders (base64, LZW, Flate ...) write through vg_out_put/vg_out_byte.
 * Once the output reaches its limit further bytes are dropped, full and
 * truncated are set, and the decoder should stop (vg_out_full). Only
 * allocation failure is an error. One buffer is reused for every child
 * of a container (vg_out_reset keeps the storage).
 */
struct vg_out {
    struct vigil_buf b;
    size_t limit;   /* most bytes kept */
    bool truncated; /* bytes were dropped at the limit */
};

/** Largest child any of vigil's own parsers builds in memory, whatever
 *  max_child says (the core's file-size limit is far lower by default). */
#define VG_OUT_HARD_CAP ((size_t)1 << 30)

/** Start an empty output limited to min(max_child, VG_OUT_HARD_CAP). */
void vg_out_init(struct vg_out *o, uint64_t max_child);
/** Forget the contents (keep the storage) for the next child. */
void vg_out_reset(struct vg_out *o);
void vg_out_free(struct vg_out *o);
/** Append n bytes, dropping what passes the limit.
 *  @return VIGIL_OK or VIGIL_E_NOMEM */
int vg_out_put(struct vg_out *o, const void *p, size_t n);

/** @return true once a byte was dropped at the limit (stop decoding). */
static inline bool vg_out_full(const struct vg_out *o)
{
    return o->truncated;
}

/** Append one byte. @return VIGIL_OK or VIGIL_E_NOMEM */
static inline int vg_out_byte(struct vg_out *o, uint8_t v)
{
    if (o->b.len < o->b.cap && o->b.len < o->limit) {
        o->b.data[o->b.len++] = v;
        return 0;
    }
    return vg_out_put(o, &v, 1);
}

/** @return the bytes written so far. */
static inline struct vigil_span vg_out_span(const struct vg_out *o)
{
    return vigil_span_make(o->b.data, o->b.len);
}

/** Emit the output as a child (info->truncated is or-ed with the output's
 *  own flag). @return what emit returned */
int vg_out_emit(const struct vg_out *o, const struct vg_extract *x,
                const struct vg_child_info *info);

/** Emit a span of the input as a child, cut at x->max_child (then
 *  info->truncated is set). @return what emit returned */
int vg_emit_span(const struct vg_extract *x, struct vigil_span s,
                 const struct vg_child_info *info);

/** An info with no name, no hint, nothing known. */
struct vg_child_info vg_child_info_none(void);

#endif
