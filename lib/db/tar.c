// SPDX-License-Identifier: GPL-2.0-or-later
// tar.c: reads and writes the tar (and inflates the gzip) of ClamAV
// database containers, in memory, through the bounded cursor.
#include "db/tar.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#define ZLIB_CONST
#include <zlib.h>

#include "util/alloc.h"
#include "util/caps.h"
#include "vigil/vigil.h"

#define TAR_BLOCK 512u
#define TAR_SIZE_OFF 124u
#define TAR_SIZE_LEN 12u
#define TAR_SUM_OFF 148u
#define TAR_SUM_LEN 8u
#define TAR_TYPE_OFF 156u

int vg_why_set(struct vg_why *why, int ret, const char *fmt, ...)
{
    va_list ap;

    if (!why)
        return ret;
    va_start(ap, fmt);
    vsnprintf(why->msg, sizeof why->msg, fmt, ap);
    va_end(ap);
    return ret;
}

/*
 * An octal field: optional leading spaces, at least one octal digit, then
 * only NULs or spaces to the end of the field (what sscanf("%o") accepts,
 * minus trailing junk).
 */
static bool octal_field(const uint8_t *f, size_t len, uint64_t *out)
{
    size_t i = 0;
    uint64_t v = 0;
    bool digits = false;

    while (i < len && f[i] == ' ')
        i++;
    for (; i < len && f[i] >= '0' && f[i] <= '7'; i++, digits = true) {
        if (v > (UINT64_MAX >> 3))
            return false;
        v = (v << 3) | (uint64_t)(f[i] - '0');
    }
    for (; i < len; i++)
        if (f[i] != 0 && f[i] != ' ')
            return false;
    *out = v;
    return digits;
}

/* POSIX checksum: the header's bytes, the checksum field read as spaces. */
static bool checksum_ok(const uint8_t *h)
{
    uint64_t want, sum = 0;
    int64_t ssum = 0; /* some old tars summed signed chars */

    if (!octal_field(h + TAR_SUM_OFF, TAR_SUM_LEN, &want))
        return false;
    for (size_t i = 0; i < TAR_BLOCK; i++) {
        bool in_sum = i >= TAR_SUM_OFF && i < TAR_SUM_OFF + TAR_SUM_LEN;
        uint8_t b = in_sum ? (uint8_t)' ' : h[i];
        sum += b;
        ssum += (int8_t)b;
    }
    return want == sum || (ssum >= 0 && want == (uint64_t)ssum);
}

/* The name: bytes up to the first NUL in 0..99, printable, no '/'. */
static int member_name(const uint8_t *h, char *name, struct vg_why *why)
{
    size_t n = 0;

    while (n < VG_TAR_NAME_MAX && h[n] != 0)
        n++;
    memcpy(name, h, n);
    name[n] = '\0';
    if (n == 0)
        return vg_why_set(why, VIGIL_E_CORRUPT, "tar: member with no name");
    for (size_t i = 0; i < n; i++)
        if (h[i] <= ' ' || h[i] > '~' || h[i] == '/')
            return vg_why_set(why, VIGIL_E_CORRUPT,
                              "tar: member name has a byte 0x%02x that is "
                              "not allowed (no '/', space or control)",
                              h[i]);
    return VIGIL_OK;
}

static int member_header(const uint8_t *h, struct vg_tar_member *m,
                         uint64_t *size, struct vg_why *why)
{
    int ret = member_name(h, m->name, why);

    if (ret != VIGIL_OK)
        return ret;
    if (h[TAR_TYPE_OFF] == '5')
        return vg_why_set(why, VIGIL_E_CORRUPT, "tar: member %s is a directory",
                          m->name);
    if (h[TAR_TYPE_OFF] != '0' && h[TAR_TYPE_OFF] != 0)
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "tar: member %s has type 0x%02x, not a file", m->name,
                          h[TAR_TYPE_OFF]);
    if (!octal_field(h + TAR_SIZE_OFF, TAR_SIZE_LEN, size))
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "tar: member %s has a malformed size field", m->name);
    if (!checksum_ok(h))
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "tar: header checksum of member %s is wrong",
                          m->name);
    return VIGIL_OK;
}

const struct vg_tar_member *vg_tar_find(const struct vg_tar *t,
                                        const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->m[i].name, name) == 0)
            return &t->m[i];
    return NULL;
}

static int add_member(struct vg_tar *t, size_t *cap,
                      const struct vg_tar_member *m, struct vg_why *why)
{
    if (vg_tar_find(t, m->name))
        return vg_why_set(why, VIGIL_E_CORRUPT, "tar: duplicate member %s",
                          m->name);
    if (t->n == VIGIL_CAP_CVD_MEMBERS)
        return vg_why_set(why, VIGIL_E_LIMIT, "tar: more than %u members",
                          VIGIL_CAP_CVD_MEMBERS);
    if (t->n == *cap) {
        size_t ncap = *cap ? *cap * 2 : 16;
        void *p = vigil_reallocarray(t->m, ncap, sizeof *t->m);
        if (!p)
            return VIGIL_E_NOMEM;
        t->m = p;
        *cap = ncap;
    }
    t->m[t->n++] = *m;
    return VIGIL_OK;
}

/* After the first zero block only zero bytes may follow. */
static int tar_tail(struct vigil_cursor *c, struct vg_why *why)
{
    struct vigil_span rest = vigil_cur_rest(c);

    for (size_t i = 0; i < rest.len; i++)
        if (rest.p[i] != 0)
            return vg_why_set(why, VIGIL_E_CORRUPT,
                              "tar: data after the end-of-archive block");
    return VIGIL_OK;
}

static int read_member(struct vigil_cursor *c, struct vg_tar_member *m,
                       struct vg_why *why)
{
    size_t at = vigil_cur_tell(c);
    struct vigil_span h = vigil_cur_bytes(c, TAR_BLOCK);
    uint64_t size = 0;
    int ret;

    if (vigil_cur_failed(c))
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "tar: incomplete header block at offset %zu", at);
    if ((ret = member_header(h.p, m, &size, why)) != VIGIL_OK)
        return ret;
    if (size > VIGIL_CAP_CVD_BODY || size > vigil_cur_remaining(c))
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "tar: member %s is truncated (size %llu)", m->name,
                          (unsigned long long)size);
    m->data = vigil_cur_bytes(c, (size_t)size);
    m->listed = false;
    if (!vigil_cur_skip(c, (TAR_BLOCK - size % TAR_BLOCK) % TAR_BLOCK))
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "tar: padding of member %s is truncated", m->name);
    return VIGIL_OK;
}

int vg_tar_parse(struct vigil_span body, struct vg_tar *t, struct vg_why *why)
{
    struct vigil_cursor c = vigil_cur_from_span(body);
    size_t cap = 0;
    int ret = VIGIL_OK;

    t->m = NULL;
    t->n = 0;
    while (ret == VIGIL_OK && vigil_cur_remaining(&c) > 0) {
        struct vg_tar_member m;
        struct vigil_span first = vigil_cur_peek(&c, 1);
        if (first.p[0] == 0) {
            ret = tar_tail(&c, why);
            break;
        }
        ret = read_member(&c, &m, why);
        if (ret == VIGIL_OK)
            ret = add_member(t, &cap, &m, why);
    }
    if (ret == VIGIL_OK && t->n == 0)
        ret = vg_why_set(why, VIGIL_E_CORRUPT, "tar: no members");
    return ret;
}

void vg_tar_free(struct vg_tar *t)
{
    VIGIL_FREEP(&t->m);
    t->n = 0;
}

int vg_tar_append(struct vigil_buf *out, const char *name,
                  struct vigil_span data)
{
    uint8_t h[TAR_BLOCK] = {0};
    size_t nlen = strlen(name),
           pad = (TAR_BLOCK - data.len % TAR_BLOCK) % TAR_BLOCK;
    unsigned sum = 0;
    int ret;

    /* 11 octal digits + NUL fit the size field: below 8 GiB. */
    if (nlen == 0 || nlen >= VG_TAR_NAME_MAX ||
        (uint64_t)data.len >= ((uint64_t)1 << 33))
        return VIGIL_E_ARG;
    memcpy(h, name, nlen);
    snprintf((char *)h + TAR_SIZE_OFF, TAR_SIZE_LEN, "%llo",
             (unsigned long long)data.len);
    for (size_t i = 0; i < TAR_BLOCK; i++)
        sum += h[i];
    snprintf((char *)h + TAR_SUM_OFF, TAR_SUM_LEN, "%06o", sum + 256u);
    if ((ret = vigil_buf_append(out, h, TAR_BLOCK)) != VIGIL_OK ||
        (ret = vigil_buf_append(out, data.p, data.len)) != VIGIL_OK)
        return ret;
    memset(h, 0, sizeof h);
    return vigil_buf_append(out, h, pad);
}

/* Writable room: vigil_buf may allocate past max; never write past it. */
static size_t out_room(const struct vigil_buf *out)
{
    size_t lim = out->cap < out->max ? out->cap : out->max;

    return lim - out->len;
}

/* Room for more output: double, up to the buffer's cap. */
static int grow_out(struct vigil_buf *out)
{
    size_t want = out->len < 65536 ? 65536 : out->len;

    if (want > out->max - out->len)
        want = out->max - out->len;
    if (want == 0)
        return VIGIL_E_LIMIT;
    return vigil_buf_reserve(out, want);
}

static int zlib_status(int zr, z_stream *z, struct vg_why *why)
{
    if (zr == Z_MEM_ERROR)
        return VIGIL_E_NOMEM;
    return vg_why_set(why, VIGIL_E_CORRUPT, "gzip: corrupt stream (%s)",
                      z->msg ? z->msg : "bad data");
}

/* One inflate() step over the next slice of input and free output. */
static int inflate_step(z_stream *z, struct vigil_span in, size_t *in_off,
                        struct vigil_buf *out)
{
    size_t in_n = in.len - *in_off, out_n = out_room(out);
    uInt ai = (uInt)(in_n < UINT_MAX ? in_n : UINT_MAX);
    uInt ao = (uInt)(out_n < UINT_MAX ? out_n : UINT_MAX);
    int zr;

    z->next_in = in.p ? in.p + *in_off : NULL;
    z->avail_in = ai;
    z->next_out = out->data + out->len;
    z->avail_out = ao;
    zr = inflate(z, Z_NO_FLUSH);
    *in_off += ai - z->avail_in;
    out->len += ao - z->avail_out;
    return zr;
}

static int inflate_all(z_stream *z, struct vigil_span in, struct vigil_buf *out,
                       struct vg_why *why)
{
    size_t in_off = 0;
    int zr = Z_OK, ret;

    while (zr != Z_STREAM_END) {
        if (out_room(out) == 0 && (ret = grow_out(out)) != VIGIL_OK)
            return ret == VIGIL_E_LIMIT
                       ? vg_why_set(why, ret, "gzip: inflates past %zu bytes",
                                    out->max)
                       : ret;
        zr = inflate_step(z, in, &in_off, out);
        /* No progress with room to write: the input ran out. */
        if (zr == Z_BUF_ERROR && in_off == in.len && out_room(out) > 0)
            return vg_why_set(why, VIGIL_E_CORRUPT,
                              "gzip: stream is truncated");
        if (zr != Z_OK && zr != Z_STREAM_END && zr != Z_BUF_ERROR)
            return zlib_status(zr, z, why);
    }
    if (in_off != in.len)
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "gzip: %zu bytes follow the compressed stream",
                          in.len - in_off);
    return VIGIL_OK;
}

int vg_gunzip(struct vigil_span in, struct vigil_buf *out, struct vg_why *why)
{
    z_stream z;
    int ret;

    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK)
        return VIGIL_E_NOMEM;
    ret = inflate_all(&z, in, out, why);
    inflateEnd(&z);
    return ret;
}
