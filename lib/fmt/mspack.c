// SPDX-License-Identifier: GPL-2.0-or-later
// mspack.c: Microsoft cabinets, CHM help files and SZDD (compress.exe)
// files through libmspack, entirely in memory.
//
// libmspack reads and writes through a struct mspack_system of our own:
// the "file names" it is given are pointers to struct memname, which say
// whether the file is the input span or the output sink. Output stops at
// x->max_child: a write past it fails, so libmspack stops decoding there.
#include <mspack.h>
#include <string.h>

#include "scan/extractors.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "vigil/vigil.h"

/* What a "file name" handed to libmspack stands for. */
struct memname {
    struct vigil_span in;  /* the container (read mode) */
    struct vigil_buf *out; /* the member being extracted (write mode) */
    bool *truncated;       /* set when a write passed out->max */
};

/* An open "file": a cursor over the input or the output sink. */
struct memfile {
    const struct memname *name;
    size_t pos; /* read position in name->in */
};

static const char *as_filename(const struct memname *n)
{
    return (const char *)(const void *)n;
}

static struct mspack_file *mem_open(struct mspack_system *self,
                                    const char *filename, int mode)
{
    const struct memname *n = (const void *)filename;
    struct memfile *f;
    (void)self;
    if (mode != MSPACK_SYS_OPEN_READ && !n->out)
        return NULL; /* only our own sink may be written */
    if (mode == MSPACK_SYS_OPEN_READ && n->out)
        return NULL;
    if (!(f = vigil_calloc(1, sizeof *f)))
        return NULL;
    f->name = n;
    return (struct mspack_file *)(void *)f;
}

static void mem_close(struct mspack_file *file)
{
    vigil_free(file);
}

/* libmspack can call with a NULL file (a cabinet whose data continues
 * in a next cabinet that is not open: found by fuzzing). */
static int mem_read(struct mspack_file *file, void *buffer, int bytes)
{
    struct memfile *f = (void *)file;
    struct vigil_span in;
    size_t n;
    if (!f || bytes < 0 || f->name->out)
        return -1;
    in = f->name->in;
    n = in.len - f->pos < (size_t)bytes ? in.len - f->pos : (size_t)bytes;
    if (n)
        memcpy(buffer, in.p + f->pos, n);
    f->pos += n;
    return (int)n;
}

static int mem_write(struct mspack_file *file, void *buffer, int bytes)
{
    struct memfile *f = (void *)file;
    struct vigil_buf *out = f ? f->name->out : NULL;
    size_t room, n;
    if (bytes < 0 || !out)
        return -1;
    room = out->max - out->len;
    n = room < (size_t)bytes ? room : (size_t)bytes;
    if (n && vigil_buf_append(out, buffer, n) != VIGIL_OK)
        return -1;
    if (n < (size_t)bytes) {
        *f->name->truncated = true;
        return -1; /* libmspack stops decoding */
    }
    return bytes;
}

static int mem_seek(struct mspack_file *file, off_t offset, int mode)
{
    struct memfile *f = (void *)file;
    size_t len;
    off_t base;
    if (!f || f->name->out)
        return -1;
    len = f->name->in.len;
    switch (mode) {
    case MSPACK_SYS_SEEK_START: base = 0; break;
    case MSPACK_SYS_SEEK_CUR: base = (off_t)f->pos; break;
    case MSPACK_SYS_SEEK_END: base = (off_t)len; break;
    default: return -1;
    }
    if (offset < -base || offset > (off_t)len - base)
        return -1;
    f->pos = (size_t)(base + offset);
    return 0;
}

static off_t mem_tell(struct mspack_file *file)
{
    return file ? (off_t)((struct memfile *)(void *)file)->pos : -1;
}

static void mem_message(struct mspack_file *file, const char *format, ...)
{
    (void)file;
    (void)format; /* the library is silent (conventions §29) */
}

static void *mem_alloc(struct mspack_system *self, size_t bytes)
{
    (void)self;
    return vigil_malloc(bytes);
}

static void mem_free(void *ptr)
{
    vigil_free(ptr);
}

static void mem_copy(void *src, void *dest, size_t bytes)
{
    memmove(dest, src, bytes);
}

static struct mspack_system memsys = {
    mem_open,    mem_close, mem_read, mem_write, mem_seek, mem_tell,
    mem_message, mem_alloc, mem_free, mem_copy,  NULL};

/* The output sink of one member. */
struct sink {
    struct vigil_buf buf;
    bool truncated;
    struct memname name;
};

static void sink_init(struct sink *s, const struct vg_extract *x)
{
    vigil_buf_init(&s->buf,
                   x->max_child > SIZE_MAX ? SIZE_MAX : (size_t)x->max_child);
    s->truncated = false;
    s->name.in = vigil_span_make(NULL, 0);
    s->name.out = &s->buf;
    s->name.truncated = &s->truncated;
}

static void sink_reset(struct sink *s)
{
    s->buf.len = 0;
    s->truncated = false;
}

static int mspack_status(int err)
{
    return err == MSPACK_ERR_NOMEMORY ? VIGIL_E_NOMEM : VIGIL_E_CORRUPT;
}

/* Emit the member just extracted; @p err is libmspack's result. */
static int emit_member(const struct vg_extract *x, struct sink *s,
                       const char *name, uint64_t declared, int err,
                       uint64_t packed)
{
    struct vg_child_info info = {name,         -1,       false,
                                 s->truncated, declared, packed};
    int ret;
    if (err != MSPACK_ERR_OK && !s->truncated && err == MSPACK_ERR_NOMEMORY)
        return VIGIL_E_NOMEM;
    ret = x->emit(x->core, vigil_span_make(s->buf.data, s->buf.len), &info);
    if (ret != VIGIL_OK)
        return ret;
    return err == MSPACK_ERR_OK || s->truncated ? VIGIL_OK : mspack_status(err);
}

/* A member the limits will refuse anyway is not decoded. */
static int emit_unread(const struct vg_extract *x, const char *name,
                       uint64_t declared, uint64_t packed)
{
    struct vg_child_info info = {name, -1, false, false, declared, packed};
    return x->emit(x->core, vigil_span_make(NULL, 0), &info);
}

/* ---- cabinets ------------------------------------------------------------ */

static int cab_members(struct mscab_decompressor *d, struct mscabd_cabinet *cab,
                       struct vigil_span in, const struct vg_extract *x)
{
    struct sink s;
    int ret = VIGIL_OK;
    sink_init(&s, x);
    for (struct mscabd_file *f = cab->files; f && ret == VIGIL_OK;
         f = f->next) {
        if (f->length > x->max_child) {
            ret = emit_unread(x, f->filename, f->length, in.len);
            continue;
        }
        sink_reset(&s);
        ret = emit_member(x, &s, f->filename, f->length,
                          d->extract(d, f, as_filename(&s.name)), in.len);
        /* One bad folder does not hide the others. */
        if (ret == VIGIL_E_CORRUPT)
            ret = VIGIL_OK;
    }
    vigil_buf_free(&s.buf);
    return ret;
}

int vg_mspack_cab_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct memname src = {in, NULL, NULL};
    struct mscab_decompressor *d = mspack_create_cab_decompressor(&memsys);
    struct mscabd_cabinet *cab;
    int ret;
    if (!d)
        return VIGIL_E_NOMEM;
    d->set_param(d, MSCABD_PARAM_SALVAGE, 1);
    d->set_param(d, MSCABD_PARAM_FIXMSZIP, 1);
    cab = d->open(d, as_filename(&src));
    if (!cab) {
        ret = mspack_status(d->last_error(d));
    } else {
        ret = cab_members(d, cab, in, x);
        d->close(d, cab);
    }
    mspack_destroy_cab_decompressor(d);
    return ret;
}

/* ---- CHM ----------------------------------------------------------------- */

static int chm_members(struct mschm_decompressor *d, struct mschmd_header *chm,
                       struct vigil_span in, const struct vg_extract *x)
{
    struct sink s;
    int ret = VIGIL_OK;
    sink_init(&s, x);
    for (struct mschmd_file *f = chm->files; f && ret == VIGIL_OK;
         f = f->next) {
        uint64_t len = f->length > 0 ? (uint64_t)f->length : 0;
        if (len == 0)
            continue;
        if (len > x->max_child) {
            ret = emit_unread(x, f->filename, len, in.len);
            continue;
        }
        sink_reset(&s);
        ret = emit_member(x, &s, f->filename, len,
                          d->extract(d, f, as_filename(&s.name)), in.len);
        if (ret == VIGIL_E_CORRUPT)
            ret = VIGIL_OK;
    }
    vigil_buf_free(&s.buf);
    return ret;
}

int vg_mspack_chm_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct memname src = {in, NULL, NULL};
    struct mschm_decompressor *d = mspack_create_chm_decompressor(&memsys);
    struct mschmd_header *chm;
    int ret;
    if (!d)
        return VIGIL_E_NOMEM;
    chm = d->open(d, as_filename(&src));
    if (!chm) {
        ret = mspack_status(d->last_error(d));
    } else {
        ret = chm_members(d, chm, in, x);
        d->close(d, chm);
    }
    mspack_destroy_chm_decompressor(d);
    return ret;
}

/* ---- SZDD ---------------------------------------------------------------- */

int vg_mspack_szdd_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct memname src = {in, NULL, NULL};
    struct msszdd_decompressor *d = mspack_create_szdd_decompressor(&memsys);
    struct msszddd_header *h;
    struct sink s;
    int ret;
    if (!d)
        return VIGIL_E_NOMEM;
    if (!(h = d->open(d, as_filename(&src)))) {
        ret = mspack_status(d->last_error(d));
        mspack_destroy_szdd_decompressor(d);
        return ret;
    }
    sink_init(&s, x);
    ret = emit_member(x, &s, NULL, h->length > 0 ? (uint64_t)h->length : 0,
                      d->extract(d, h, as_filename(&s.name)), in.len);
    vigil_buf_free(&s.buf);
    d->close(d, h);
    mspack_destroy_szdd_decompressor(d);
    return ret;
}
