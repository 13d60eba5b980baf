// SPDX-License-Identifier: GPL-2.0-or-later
// sis.c: EPOC installation (SIS) files, releases 3 to 6 (the format
// before Symbian OS 9.1), all fields little-endian.
#include "fmt/sis.h"

#include "fmt/inflate.h"
#include "fmt/outbuf.h"
#include "vigil/vigil.h"

#define SIS_UID3 0x10000419u
#define SIS_UID2_ER6 0x10003A12u /* release 6; 0x1000006D: 3, 4, 5 */
#define OPT_UNICODE 0x0001u
#define OPT_NOCOMPRESS 0x0008u
/* File record types */
#define REC_FILE 0
#define REC_FILE_LANGS 1 /* one data block per language */
#define REC_OPTIONS 2
#define REC_IF 3
#define REC_ELSEIF 4
#define REC_ELSE 5
#define REC_ENDIF 6
#define FILE_TYPE_NONE 4 /* created at install time: no data */
#define MAX_LANGS 256u   /* language codes are 16-bit; real files use few */

struct sis {
    struct vigil_span in;
    const struct vg_extract *x;
    struct vg_out out;
    unsigned nlangs;
    bool er6, compressed, unicode, corrupt;
    char name[256];
};

/* The destination name, in ASCII with '_' for anything else. */
static void set_name(struct sis *s, uint32_t len, uint32_t ptr)
{
    struct vigil_span n;
    size_t step = s->unicode ? 2 : 1, o = 0;

    s->name[0] = '\0';
    if (!vigil_span_sub_ok(s->in, ptr, len, &n))
        return;
    for (size_t i = 0; i < n.len && o + 1 < sizeof s->name; i += step) {
        uint8_t c = n.p[i];
        s->name[o++] = c >= 0x20 && c < 0x7f ? (char)c : '_';
    }
    s->name[o] = '\0';
}

static int emit_block(struct sis *s, uint32_t len, uint32_t ptr,
                      uint32_t orig)
{
    struct vg_child_info ci = vg_child_info_none();
    struct vigil_span d;
    int ret;

    if (!vigil_span_sub_ok(s->in, ptr, len, &d)) {
        s->corrupt = true;
        return VIGIL_OK;
    }
    ci.name = s->name[0] ? s->name : NULL;
    ci.declared_size = s->compressed ? orig : len;
    ci.packed_size = s->compressed ? len : 0;
    if (!s->compressed)
        return vg_emit_span(s->x, d, &ci);
    vg_out_reset(&s->out);
    ret = vg_inflate(d, &s->out);
    if (ret == VIGIL_E_NOMEM)
        return ret;
    if (ret != VIGIL_OK)
        s->corrupt = true;
    if (ret != VIGIL_OK && s->out.b.len == 0)
        return vg_emit_span(s->x, d, &ci); /* stored after all */
    return vg_out_emit(&s->out, s->x, &ci);
}

/* A file record after its type: file type, details, names, then the
 * lengths, pointers (and in release 6 original lengths and MIME type)
 * of n data blocks. */
static int file_record(struct sis *s, struct vigil_cursor *c, unsigned n)
{
    uint32_t len[MAX_LANGS], ptr[MAX_LANGS], orig[MAX_LANGS];
    uint32_t ftype, dlen, dptr;
    unsigned i;
    int ret;

    ftype = vigil_cur_u32le(c);
    vigil_cur_skip(c, 4 + 8); /* details; source name length, pointer */
    dlen = vigil_cur_u32le(c);
    dptr = vigil_cur_u32le(c);
    for (i = 0; i < n; i++)
        len[i] = vigil_cur_u32le(c);
    for (i = 0; i < n; i++)
        ptr[i] = vigil_cur_u32le(c);
    for (i = 0; i < n; i++)
        orig[i] = s->er6 ? vigil_cur_u32le(c) : 0;
    if (s->er6)
        vigil_cur_skip(c, 8); /* MIME type length, pointer */
    if (vigil_cur_failed(c))
        return VIGIL_E_CORRUPT;
    if (ftype == FILE_TYPE_NONE)
        return VIGIL_OK;
    set_name(s, dlen, dptr);
    for (i = 0; i < n; i++)
        if ((ret = emit_block(s, len[i], ptr[i], orig[i])) != VIGIL_OK)
            return ret;
    return VIGIL_OK;
}

/* One record at c. @return VIGIL_OK, VIGIL_E_CORRUPT (stop the walk) or
 * what emit returned. */
static int record(struct sis *s, struct vigil_cursor *c)
{
    uint32_t type = vigil_cur_u32le(c), n;

    switch (type) {
    case REC_FILE:
        return file_record(s, c, 1);
    case REC_FILE_LANGS:
        return file_record(s, c, s->nlangs);
    case REC_OPTIONS: /* n options, a string per language, 128-bit mask */
        n = vigil_cur_u32le(c);
        if (n > vigil_cur_remaining(c) / 8 / s->nlangs)
            return VIGIL_E_CORRUPT;
        vigil_cur_skip(c, (size_t)n * s->nlangs * 8 + 16);
        break;
    case REC_IF:
    case REC_ELSEIF: /* expression size, expression */
        n = vigil_cur_u32le(c);
        vigil_cur_skip(c, n);
        break;
    case REC_ELSE:
    case REC_ENDIF:
        break;
    default:
        return VIGIL_E_CORRUPT;
    }
    return vigil_cur_failed(c) ? VIGIL_E_CORRUPT : VIGIL_OK;
}

static int walk(struct sis *s, struct vigil_cursor *h)
{
    uint16_t nfiles, options;
    uint32_t files_at;
    struct vigil_cursor c = vigil_cur_from_span(s->in);
    int ret = VIGIL_OK;

    s->er6 = vigil_cur_u32le_at(h, 4) == SIS_UID2_ER6;
    s->nlangs = vigil_cur_u16le_at(h, 18);
    nfiles = vigil_cur_u16le_at(h, 20);
    options = vigil_cur_u16le_at(h, 36);
    files_at = vigil_cur_u32le_at(h, 52);
    if (vigil_cur_failed(h) || vigil_cur_u32le_at(h, 8) != SIS_UID3 ||
        s->nlangs == 0 || s->nlangs > MAX_LANGS)
        return VIGIL_E_CORRUPT;
    s->unicode = options & OPT_UNICODE;
    s->compressed = s->er6 && !(options & OPT_NOCOMPRESS);
    /* Each record reads at least 4 bytes: nfiles (< 64 Ki) bounds it. */
    if (!vigil_cur_seek(&c, files_at))
        return VIGIL_E_CORRUPT;
    for (unsigned i = 0; i < nfiles && ret == VIGIL_OK; i++)
        ret = record(s, &c);
    if (ret == VIGIL_OK && s->corrupt)
        ret = VIGIL_E_CORRUPT;
    return ret;
}

int vg_sis_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct sis s = {.in = in, .x = x};
    struct vigil_cursor h = vigil_cur_from_span(in);
    int ret;

    vg_out_init(&s.out, x->max_child);
    ret = walk(&s, &h);
    vg_out_free(&s.out);
    return ret;
}
