// SPDX-License-Identifier: GPL-2.0-or-later
// source.c: maps files read-only so the scanner never copies them whole.
#include "scan/source.h"

#include <errno.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/alloc.h"
#include "util/buf.h"
#include "vigil/vigil.h"

void vg_source_from_mem(struct vg_source *src, const void *p, size_t len)
{
    memset(src, 0, sizeof *src);
    src->data = vigil_span_make(p, len);
}

static int read_stream(struct vg_source *src, int fd, size_t max_read)
{
    struct vigil_buf b;
    int ret;
    vigil_buf_init(&b, max_read);
    ret = vigil_buf_read_fd(&b, fd);
    if (ret != VIGIL_OK) {
        vigil_buf_free(&b);
        return ret;
    }
    src->owned = b.data;
    src->data = vigil_span_make(b.data, b.len);
    return VIGIL_OK;
}

int vg_source_from_fd(struct vg_source *src, int fd, size_t max_read)
{
    struct stat st;
    void *m;
    memset(src, 0, sizeof *src);
    if (fstat(fd, &st) != 0)
        return VIGIL_E_IO;
    if (!S_ISREG(st.st_mode))
        return read_stream(src, fd, max_read);
    if (st.st_size == 0) {
        src->data = vigil_span_make(NULL, 0);
        return VIGIL_OK;
    }
    if ((uint64_t)st.st_size > SIZE_MAX)
        return VIGIL_E_LIMIT;
    m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
    if (m == MAP_FAILED)
        return errno == ENOMEM ? VIGIL_E_NOMEM : VIGIL_E_IO;
    (void)madvise(m, (size_t)st.st_size, MADV_SEQUENTIAL);
    src->map = m;
    src->map_len = (size_t)st.st_size;
    src->data = vigil_span_make(m, src->map_len);
    return VIGIL_OK;
}

/* Read what the file holds now (it may shrink or grow meanwhile). */
static int read_small(struct vg_source *src, int fd, size_t size,
                      struct vigil_buf *reuse)
{
    int ret;
    reuse->len = 0;
    if ((ret = vigil_buf_reserve(reuse, size)) != VIGIL_OK)
        return ret;
    while (reuse->len < size) {
        ssize_t got = pread(fd, reuse->data + reuse->len, size - reuse->len,
                            (off_t)reuse->len);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            return VIGIL_E_IO;
        if (got == 0)
            break;
        reuse->len += (size_t)got;
    }
    src->data = vigil_span_make(reuse->data, reuse->len);
    return VIGIL_OK;
}

int vg_source_from_fd_reuse(struct vg_source *src, int fd, size_t max_read,
                            struct vigil_buf *reuse)
{
    struct stat st;
    memset(src, 0, sizeof *src);
    if (fstat(fd, &st) != 0)
        return VIGIL_E_IO;
    if (S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uint64_t)st.st_size <= VG_SOURCE_READ_MAX)
        return read_small(src, fd, (size_t)st.st_size, reuse);
    return vg_source_from_fd(src, fd, max_read);
}

void vg_source_close(struct vg_source *src)
{
    if (src->map)
        munmap(src->map, src->map_len);
    vigil_free(src->owned);
    memset(src, 0, sizeof *src);
}
