// SPDX-License-Identifier: GPL-2.0-or-later
// scan.c: the scanning API: per-thread scan state, and objects from
// memory, descriptors and paths (the scan itself is in pipeline.c).
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine.h"
#include "scan/scan_private.h"
#include "scan/source.h"
#include "util/alloc.h"
#include "util/caps.h"
#include "util/validate.h"

/* Pipes are read into memory; this bounds that copy. */
#define SCAN_MAX_STREAM ((size_t)4 << 30)

int vigil_scan_new(struct vigil_scan **out, struct vigil_engine *eng)
{
    struct vigil_scan *scan;
    VIGIL_VALIDATE(eng ? &eng->log : NULL, out && eng, VIGIL_E_ARG);
    if (!eng->compiled)
        return VIGIL_E_STATE;
    scan = vigil_calloc(1, sizeof *scan);
    if (!scan)
        return VIGIL_E_NOMEM;
    scan->eng = vigil_engine_ref(eng);
    vigil_limits_default(&scan->rec.lim);
    vigil_buf_init(&scan->view1, VIGIL_CAP_NORM_VIEW);
    vigil_buf_init(&scan->view2, VIGIL_CAP_NORM_VIEW);
    vigil_buf_init(&scan->view3, VIGIL_CAP_NORM_VIEW);
    vigil_buf_init(&scan->readbuf, VG_SOURCE_READ_MAX);
    for (int t = 0; t < VG_HASH_NTYPES; t++) {
        scan->md[t] = EVP_MD_CTX_new();
        if (!scan->md[t]) {
            vigil_scan_free(&scan);
            return VIGIL_E_NOMEM;
        }
    }
    if (vg_match_scratch_new(&eng->body, &scan->ms) != VIGIL_OK ||
        vg_lsig_scan_new(&eng->lsigs, &scan->ls) != VIGIL_OK ||
        !(scan->hits = vigil_calloc(1, sizeof *scan->hits))) {
        vigil_scan_free(&scan);
        return VIGIL_E_NOMEM;
    }
    scan->cap_hits = 1;
    *out = scan;
    return VIGIL_OK;
}

void vigil_scan_free(struct vigil_scan **scanp)
{
    struct vigil_scan *scan;
    if (!scanp || !*scanp)
        return;
    scan = *scanp;
    for (int t = 0; t < VG_HASH_NTYPES; t++)
        EVP_MD_CTX_free(scan->md[t]);
    vg_match_scratch_free(&scan->ms);
    vg_match_scratch_free(&scan->retype_ms);
    vg_lsig_scan_free(&scan->ls);
    vigil_buf_free(&scan->view1);
    vigil_buf_free(&scan->view2);
    vigil_buf_free(&scan->view3);
    vigil_buf_free(&scan->readbuf);
    vigil_free(scan->hits);
    vigil_engine_unref(&scan->eng);
    vigil_free(scan);
    *scanp = NULL;
}

static int scan_span(struct vigil_scan *scan, struct vigil_span data,
                     unsigned flags, struct vigil_result *res)
{
    memset(res, 0, sizeof *res);
    scan->allmatch = flags & VIGIL_SCAN_ALLMATCH;
    return vg_scan_object(scan, data, flags, res);
}

int vigil_scan_mem(struct vigil_scan *scan, const void *data, size_t len,
                   unsigned flags, struct vigil_result *res)
{
    VIGIL_VALIDATE(scan ? &scan->eng->log : NULL,
                   scan && res && (data || len == 0), VIGIL_E_ARG);
    return scan_span(scan, vigil_span_make(data, len), flags, res);
}

int vigil_scan_fd(struct vigil_scan *scan, int fd, unsigned flags,
                  struct vigil_result *res)
{
    struct vg_source src;
    int ret;
    VIGIL_VALIDATE(scan ? &scan->eng->log : NULL, scan && res && fd >= 0,
                   VIGIL_E_ARG);
    ret = vg_source_from_fd_reuse(&src, fd, SCAN_MAX_STREAM, &scan->readbuf);
    if (ret != VIGIL_OK)
        return ret;
    ret = scan_span(scan, src.data, flags, res);
    vg_source_close(&src);
    return ret;
}

static int open_status(int e)
{
    if (e == ENOENT || e == ENOTDIR || e == ELOOP)
        return VIGIL_E_NOENT;
    if (e == EACCES || e == EPERM)
        return VIGIL_E_ACCESS;
    return VIGIL_E_IO;
}

int vigil_scan_path(struct vigil_scan *scan, const char *path, unsigned flags,
                    struct vigil_result *res)
{
    struct stat st;
    int fd, ret;
    VIGIL_VALIDATE(scan ? &scan->eng->log : NULL, scan && path && res,
                   VIGIL_E_ARG);
    fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return open_status(errno);
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        return VIGIL_E_ARG;
    }
    ret = vigil_scan_fd(scan, fd, flags, res);
    close(fd);
    return ret;
}
