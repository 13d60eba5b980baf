// SPDX-License-Identifier: GPL-2.0-or-later
// zip_legacy.c: zip members in the compression methods libarchive cannot
// read (implode, method 6; Deflate64, method 9), found through the zip's
// own central directory and decoded by vigil (explode.c, inflate64.c).
// libarchive handles every other member of the same archive.
#include <string.h>

#include "fmt/inflate64.h"
#include "scan/extractors.h"
#include "util/caps.h"
#include "vigil/vigil.h"

#define EOCD_SIG 0x06054b50u
#define CEN_SIG 0x02014b50u
#define LOC_SIG 0x04034b50u
#define EOCD_LEN 22u
#define CEN_LEN 46u
#define LOC_LEN 30u
#define METHOD_IMPLODE 6u
#define METHOD_DEFLATE64 9u
/* A member name kept for reports is cut here. */
#define NAME_MAX_KEPT 256u

struct cen {
    unsigned flags, method;
    uint32_t csize, usize, loc;
    char name[NAME_MAX_KEPT];
};

/* The last end record, if any: where the central directory is. */
static bool find_cd(struct vigil_span in, uint32_t *off, uint32_t *size,
                    unsigned *count)
{
    struct vigil_cursor c = vigil_cur_from_span(in);
    size_t from = in.len > EOCD_LEN + 65535u ? in.len - EOCD_LEN - 65535u : 0;
    if (in.len < EOCD_LEN)
        return false;
    for (size_t at = in.len - EOCD_LEN + 1; at-- > from;) {
        if (vigil_cur_u32le_at(&c, at) != EOCD_SIG)
            continue;
        *count = vigil_cur_u16le_at(&c, at + 10);
        *size = vigil_cur_u32le_at(&c, at + 12);
        *off = vigil_cur_u32le_at(&c, at + 16);
        return !vigil_cur_failed(&c);
    }
    return false;
}

/* Read one central-directory entry at the cursor. */
static bool read_cen(struct vigil_cursor *c, struct cen *e)
{
    unsigned nlen, xlen, clen;
    struct vigil_span name;
    if (vigil_cur_u32le(c) != CEN_SIG)
        return false;
    vigil_cur_skip(c, 4);
    e->flags = vigil_cur_u16le(c);
    e->method = vigil_cur_u16le(c);
    vigil_cur_skip(c, 8);
    e->csize = vigil_cur_u32le(c);
    e->usize = vigil_cur_u32le(c);
    nlen = vigil_cur_u16le(c);
    xlen = vigil_cur_u16le(c);
    clen = vigil_cur_u16le(c);
    vigil_cur_skip(c, 8);
    e->loc = vigil_cur_u32le(c);
    name = vigil_cur_bytes(c, nlen);
    vigil_cur_skip(c, (size_t)xlen + clen);
    if (vigil_cur_failed(c))
        return false;
    nlen =
        name.len < NAME_MAX_KEPT - 1 ? (unsigned)name.len : NAME_MAX_KEPT - 1;
    memcpy(e->name, name.p, nlen);
    e->name[nlen] = '\0';
    return true;
}

/* The compressed bytes of a member, from its local header. */
static bool member_data(struct vigil_span in, const struct cen *e,
                        struct vigil_span *out)
{
    struct vigil_cursor c = vigil_cur_from_span(in);
    unsigned nlen, xlen;
    if (!vigil_cur_seek(&c, e->loc) || vigil_cur_u32le(&c) != LOC_SIG)
        return false;
    vigil_cur_skip(&c, 22);
    nlen = vigil_cur_u16le(&c);
    xlen = vigil_cur_u16le(&c);
    vigil_cur_skip(&c, (size_t)nlen + xlen);
    /* A member cut short still gives what it has. */
    *out = vigil_cur_bytes(&c, e->csize < vigil_cur_remaining(&c)
                                   ? e->csize
                                   : vigil_cur_remaining(&c));
    return !vigil_cur_failed(&c);
}

static int do_member(struct vigil_span in, const struct cen *e,
                     struct vigil_buf *buf, const struct vg_extract *x)
{
    struct vg_child_info info = {e->name, -1, false, false, e->usize, e->csize};
    struct vigil_span data;
    int ret, dec;
    if (e->flags & 1u) {
        info.encrypted = true;
        return x->emit(x->core, vigil_span_make(NULL, 0), &info);
    }
    if (e->usize > x->max_child) /* the core skips or stops: unread */
        return x->emit(x->core, vigil_span_make(NULL, 0), &info);
    if (!member_data(in, e, &data))
        return VIGIL_E_CORRUPT;
    buf->len = 0;
    dec = e->method == METHOD_IMPLODE
              ? vg_explode(data, e->flags, e->usize, buf, &info.truncated)
              : vg_inflate64(data, buf, &info.truncated);
    if (dec == VIGIL_E_NOMEM || (dec != VIGIL_OK && buf->len == 0))
        return dec;
    ret = x->emit(x->core, vigil_span_make(buf->data, buf->len), &info);
    return ret != VIGIL_OK ? ret : dec;
}

int vg_zip_legacy_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct vigil_cursor c;
    struct vigil_span cd;
    struct vigil_buf buf;
    uint32_t off, size;
    unsigned count;
    int ret = VIGIL_OK;
    struct cen e;
    if (!find_cd(in, &off, &size, &count) ||
        !vigil_span_sub_ok(in, off, size, &cd))
        return VIGIL_E_CORRUPT;
    c = vigil_cur_from_span(cd);
    vigil_buf_init(&buf,
                   x->max_child > SIZE_MAX ? SIZE_MAX : (size_t)x->max_child);
    for (unsigned i = 0; i < count && ret == VIGIL_OK; i++) {
        if (!read_cen(&c, &e)) {
            ret = VIGIL_E_CORRUPT;
            break;
        }
        if (e.method != METHOD_DEFLATE64 && e.method != METHOD_IMPLODE)
            continue;
        ret = do_member(in, &e, &buf, x);
        if (ret == VIGIL_E_CORRUPT)
            ret = VIGIL_OK; /* the next member may be fine */
    }
    vigil_buf_free(&buf);
    return ret;
}
