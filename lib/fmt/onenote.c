// SPDX-License-Identifier: GPL-2.0-or-later
// onenote.c: embedded files of OneNote sections ([MS-ONESTORE] 2.6.13,
// 2.8; [MS-FSSHTTPB] 2.2.1).
#include "fmt/onenote.h"

#include <string.h>

#include "fmt/outbuf.h"
#include "vigil/vigil.h"

/* GUIDs in their on-disk byte order (first three fields little-endian). */
/* {BDE316E7-2665-4511-A4C4-8D4D0B7A9EAC}: FileDataStoreObject header */
static const uint8_t fdso_header[16] = {0xe7, 0x16, 0xe3, 0xbd, 0x65, 0x26,
                                        0x11, 0x45, 0xa4, 0xc4, 0x8d, 0x4d,
                                        0x0b, 0x7a, 0x9e, 0xac};
/* {638DE92F-A6D4-4BC1-9A36-B3FC2511A5B7}: guidFileFormat of the
 * alternative packaging (FSSHTTPB) */
static const uint8_t alt_packaging[16] = {0x2f, 0xe9, 0x8d, 0x63, 0xd4, 0xa6,
                                          0xc1, 0x4b, 0x9a, 0x36, 0xb3, 0xfc,
                                          0x25, 0x11, 0xa5, 0xb7};

#define GUID_LEN 16
#define FILE_FORMAT_AT 0x30 /* guidFileFormat in the header */
/* guidHeader, cbLength (8), unused (4), reserved (8) */
#define FDSO_DATA_AT (GUID_LEN + 8 + 4 + 8)
#define FSS_OBJECT_DATA_BLOB 0x02u
#define FSS_LENGTH_LARGE 0x7fffu /* a compact Large Length follows */

/* Next FileDataStoreObject header at or after from, or SIZE_MAX. */
static size_t find_header(struct vigil_span in, size_t from)
{
    const uint8_t *p;

    if (from >= in.len || in.len - from < GUID_LEN)
        return SIZE_MAX;
    p = memmem(in.p + from, in.len - from, fdso_header, GUID_LEN);
    return p ? (size_t)(p - in.p) : SIZE_MAX;
}

static int revision_store(struct vigil_span in, const struct vg_extract *x)
{
    bool corrupt = false;
    size_t off = find_header(in, 0);

    /* Each pass moves past the header found: at most len/16 passes. */
    while (off != SIZE_MAX) {
        struct vigil_cursor c = vigil_cur_from_span(in);
        struct vg_child_info ci = vg_child_info_none();
        uint64_t n;
        int ret;

        vigil_cur_seek(&c, off + GUID_LEN);
        n = vigil_cur_u64le(&c);
        vigil_cur_skip(&c, FDSO_DATA_AT - GUID_LEN - 8);
        if (vigil_cur_failed(&c) || n > vigil_cur_remaining(&c)) {
            corrupt = true; /* a length past the end: look further on */
            off = find_header(in, off + 1);
            continue;
        }
        ci.declared_size = n;
        ret = vg_emit_span(x, vigil_cur_bytes(&c, (size_t)n), &ci);
        if (ret != VIGIL_OK)
            return ret;
        /* The data is a child of its own: headers inside it are its. */
        off = find_header(in, vigil_cur_tell(&c));
    }
    return corrupt ? VIGIL_E_CORRUPT : VIGIL_OK;
}

/* [MS-FSSHTTPB] 2.2.1.1 compact unsigned 64-bit integer: the count of
 * low zero bits before the first set bit gives the width. */
static uint64_t compact_u64(struct vigil_cursor *c)
{
    uint8_t b0 = vigil_cur_u8(c);
    uint64_t v = b0;
    unsigned width, i;

    if (b0 == 0)
        return 0;
    if (b0 == 0x80)
        return vigil_cur_u64le(c);
    for (width = 1; width < 8 && !(b0 & (1u << (width - 1))); width++)
        ;
    for (i = 1; i < width; i++)
        v |= (uint64_t)vigil_cur_u8(c) << (8 * i);
    return v >> width;
}

/* An Object Data BLOB at off: a 32-bit single stream object header of
 * type 0x02 whose length is exactly one binary item. */
static bool object_blob_at(struct vigil_span in, size_t off,
                           struct vigil_span *data, size_t *end)
{
    struct vigil_cursor c = vigil_cur_from_span(in);
    uint32_t h;
    uint64_t len, n;
    size_t start;

    vigil_cur_seek(&c, off);
    h = vigil_cur_u32le(&c);
    if (vigil_cur_failed(&c) || (h & 7u) != 2u ||
        ((h >> 3) & 0x3fffu) != FSS_OBJECT_DATA_BLOB)
        return false;
    len = h >> 17;
    if (len == FSS_LENGTH_LARGE)
        len = compact_u64(&c);
    start = vigil_cur_tell(&c);
    n = compact_u64(&c);
    if (vigil_cur_failed(&c) || n == 0 || n > vigil_cur_remaining(&c) ||
        len != n + (vigil_cur_tell(&c) - start))
        return false;
    *data = vigil_cur_bytes(&c, (size_t)n);
    *end = vigil_cur_tell(&c);
    return true;
}

static int alt_packaging_blobs(struct vigil_span in, const struct vg_extract *x)
{
    size_t off = FILE_FORMAT_AT + GUID_LEN;

    /* Walking the whole data element package would take most of
     * FSSHTTPB; the blob headers are specific enough to be found as
     * they are (17 fixed bits, then a length that must agree). */
    while (off + 4 <= in.len) {
        struct vigil_span data;
        size_t end;
        int ret;

        if (!object_blob_at(in, off, &data, &end)) {
            off++;
            continue;
        }
        struct vg_child_info ci = vg_child_info_none();

        ci.declared_size = data.len;
        ret = vg_emit_span(x, data, &ci);
        if (ret != VIGIL_OK)
            return ret;
        off = end;
    }
    return VIGIL_OK;
}

int vg_onenote_extract(struct vigil_span in, const struct vg_extract *x)
{
    if (in.len >= FILE_FORMAT_AT + GUID_LEN &&
        memcmp(in.p + FILE_FORMAT_AT, alt_packaging, GUID_LEN) == 0)
        return alt_packaging_blobs(in, x);
    if (find_header(in, 0) == SIZE_MAX)
        return VIGIL_E_CORRUPT;
    return revision_store(in, x);
}
