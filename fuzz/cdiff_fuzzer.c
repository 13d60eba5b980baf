// SPDX-License-Identifier: GPL-2.0-or-later
// cdiff_fuzzer.c: fuzzes .cdiff files and scripts (db/cdiff.c) against a
// small fixed database. Input: byte 0 even: the rest is a .cdiff applied
// to the base CLD; odd: the rest is a bare script run on the unpacked
// base, which is then built into a CLD and reopened.
#include <stdio.h>
#include <string.h>

#include "db/cdiff.h"
#include "db/cvd.h"
#include "db/dsig.h"
#include "fuzzer.h"
#include "util/caps.h"
#include "vigil/vigil.h"

#define HEADER "ClamAV-VDB:01 Jan 2024 00-00 +0000:1:2:216:X:X:fuzz:1704067200"

static const char *const files[][2] = {
    {"fuzz.hdb", "44d88612fea8a8f36de82e1278abb02f:68:Eicar-Test-Signature\n"},
    {"fuzz.ndb", "# comment\nA:0:*:414243\nB:0:*:444546\n"},
    {"daily.cfg", "DOCUMENT:0x0:0:999\n"},
};
#define NFILES (sizeof files / sizeof files[0])

static int info_line(struct vigil_buf *info, const char *name, const char *text)
{
    uint8_t sha[VG_SHA256_LEN];
    char line[200];
    int n = snprintf(line, sizeof line, "%s:%zu:", name, strlen(text));

    if (vg_sha256(text, strlen(text), sha) != VIGIL_OK)
        return -1;
    for (size_t i = 0; i < sizeof sha; i++)
        n += snprintf(line + n, sizeof line - (size_t)n, "%02x", sha[i]);
    line[n++] = '\n';
    return vigil_buf_append(info, line, (size_t)n);
}

/* The base CLD: header, COPYING, fuzz.info, the files. */
static int make_base(struct vigil_buf *out)
{
    struct vigil_buf info;
    char hdr[VG_CVD_HEADER_LEN];
    int ret;

    vigil_buf_init(&info, 1 << 16);
    ret = vigil_buf_append(&info, HEADER "\n", strlen(HEADER) + 1);
    for (size_t i = 0; i < NFILES && ret == VIGIL_OK; i++)
        ret = info_line(&info, files[i][0], files[i][1]);
    if (ret == VIGIL_OK)
        ret = vigil_buf_append(&info, "DSIG:abc\n", 9);
    memset(hdr, ' ', sizeof hdr);
    memcpy(hdr, HEADER, strlen(HEADER));
    if (ret == VIGIL_OK)
        ret = vigil_buf_append(out, hdr, sizeof hdr);
    if (ret == VIGIL_OK)
        ret = vg_tar_append(out, "COPYING", vigil_span_make("GPL\n", 4));
    if (ret == VIGIL_OK)
        ret = vg_tar_append(out, "fuzz.info",
                            vigil_span_make(info.data, info.len));
    for (size_t i = 0; i < NFILES && ret == VIGIL_OK; i++)
        ret = vg_tar_append(out, files[i][0],
                            vigil_span_make(files[i][1], strlen(files[i][1])));
    vigil_buf_free(&info);
    return ret;
}

static void run_script(const struct vigil_buf *base, const uint8_t *data,
                       size_t size)
{
    struct vg_cvd cvd, out_cvd;
    struct vg_dbdir d = {NULL, 0, 0};
    struct vigil_buf out;
    struct vg_why why;

    vigil_buf_init(&out, VIGIL_CAP_CVD_BODY);
    if (vg_cvd_open(&cvd, VG_CVD_CLD, vigil_span_make(base->data, base->len),
                    VG_CVD_NO_RSA, &why) == VIGIL_OK &&
        vg_dbdir_from_cvd(&d, &cvd) == VIGIL_OK &&
        vg_cdiff_run(&d, vigil_span_make(data, size), NULL, &why) == VIGIL_OK &&
        vg_dbdir_build_cld(&d, "fuzz.info", &out, &why) == VIGIL_OK) {
        (void)vg_cvd_open(&out_cvd, VG_CVD_CLD,
                          vigil_span_make(out.data, out.len), VG_CVD_NO_RSA,
                          &why);
        vg_cvd_close(&out_cvd);
    }
    vg_dbdir_free(&d);
    vg_cvd_close(&cvd);
    vigil_buf_free(&out);
}

static void run_cdiff(const struct vigil_buf *base, const uint8_t *data,
                      size_t size)
{
    const char *names[2] = {"fuzz.cld", "fuzz-2.cdiff"};
    struct vigil_span spans[2];
    struct vigil_buf out;
    struct vg_why why;

    spans[0] = vigil_span_make(base->data, base->len);
    spans[1] = vigil_span_make(data, size);
    vigil_buf_init(&out, VIGIL_CAP_CVD_BODY);
    (void)vg_cdiff_patch(names, spans, 2, VG_CVD_NO_RSA, &out, &why);
    vigil_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vigil_buf base;

    if (size == 0)
        return 0;
    vigil_buf_init(&base, 1 << 20);
    if (make_base(&base) == VIGIL_OK) {
        if (data[0] & 1)
            run_script(&base, data + 1, size - 1);
        else
            run_cdiff(&base, data + 1, size - 1);
    }
    vigil_buf_free(&base);
    return 0;
}
