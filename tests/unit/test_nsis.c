// SPDX-License-Identifier: GPL-2.0-or-later
// test_nsis.c: NSIS installers synthesised here (a stub, the first header,
// solid and non-solid archives compressed with zlib and liblzma),
// damaged ones, the limits, and ClamAV's sample.
#include "test_main.h"

#include <lzma.h>
#include <zlib.h>

#include "fmt/nsis.h"
#include "scan/extractors.h"
#include "test_fmt.h"

#define STUB 512u

struct nb {
    uint8_t p[1 << 16];
    size_t n;
};

static void put(struct nb *b, const void *p, size_t n)
{
    assert_true(b->n + n <= sizeof b->p);
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void put32(struct nb *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                    (uint8_t)(v >> 24)};
    put(b, x, 4);
}

enum comp { C_DEFLATE, C_LZMA, C_LZMA_FLAG0, C_LZMA_BCJ, C_STORED };

static void deflate_raw(const void *in, size_t n, struct nb *out)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    assert_int_equal(
        deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = out->p + out->n;
    z.avail_out = (uInt)(sizeof out->p - out->n);
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    out->n += z.total_out;
    deflateEnd(&z);
}

/* NSIS's LZMA: [BCJ flag byte], 5 property bytes, the raw stream. */
static void lzma_nsis(const void *in, size_t n, enum comp c, struct nb *out)
{
    lzma_options_lzma opt;
    lzma_filter f[3];
    lzma_stream l = LZMA_STREAM_INIT;
    size_t nf = 0;
    assert_false(lzma_lzma_preset(&opt, 6));
    opt.dict_size = 1 << 16;
    if (c == C_LZMA_FLAG0 || c == C_LZMA_BCJ) {
        uint8_t flag = c == C_LZMA_BCJ;
        put(out, &flag, 1);
    }
    if (c == C_LZMA_BCJ)
        f[nf++] = (lzma_filter){LZMA_FILTER_X86, NULL};
    f[nf] = (lzma_filter){LZMA_FILTER_LZMA1, &opt};
    assert_int_equal(lzma_properties_encode(&f[nf], out->p + out->n), LZMA_OK);
    out->n += 5;
    f[++nf] = (lzma_filter){LZMA_VLI_UNKNOWN, NULL};
    assert_int_equal(lzma_raw_encoder(&l, f), LZMA_OK);
    l.next_in = in;
    l.avail_in = n;
    l.next_out = out->p + out->n;
    l.avail_out = sizeof out->p - out->n;
    assert_int_equal(lzma_code(&l, LZMA_FINISH), LZMA_STREAM_END);
    out->n += l.total_out;
    lzma_end(&l);
}

static void pack(const void *in, size_t n, enum comp c, struct nb *out)
{
    if (c == C_DEFLATE)
        deflate_raw(in, n, out);
    else if (c == C_STORED)
        put(out, in, n);
    else
        lzma_nsis(in, n, c, out);
}

/* Test payloads: a script header and two "files". */
static uint8_t hdr[700], f1[3000], f2[50];

static void fill(void)
{
    for (size_t i = 0; i < sizeof hdr; i++)
        hdr[i] = (uint8_t)(i * 7 % 13);
    for (size_t i = 0; i < sizeof f1; i++) /* x86-ish: calls for BCJ */
        f1[i] = i % 5 == 0 ? 0xe8 : (uint8_t)(i * 31);
    memcpy(f2, "the second file of the installer, short..........", 50);
}

/* The whole installer: stub, first header, body, CRC. */
static void installer(struct nb *out, const struct nb *body)
{
    memset(out->p, 0, STUB);
    memcpy(out->p, "MZ", 2);
    out->n = STUB;
    put32(out, 0);
    put(out, "\xef\xbe\xad\xdeNullsoftInst", 16);
    put32(out, sizeof hdr);
    put32(out, (uint32_t)(28 + body->n + 4));
    put(out, body->p, body->n);
    put32(out, 0x12345678); /* CRC, not checked */
}

static struct nb body, file, tmp;

static void nonsolid(enum comp c)
{
    const void *parts[3] = {hdr, f1, f2};
    size_t sizes[3] = {sizeof hdr, sizeof f1, sizeof f2};
    body.n = 0;
    for (int i = 0; i < 3; i++) {
        tmp.n = 0;
        pack(parts[i], sizes[i], c, &tmp);
        put32(&body, (uint32_t)tmp.n | (c == C_STORED ? 0 : 0x80000000u));
        put(&body, tmp.p, tmp.n);
    }
    installer(&file, &body);
}

static void solid(enum comp c)
{
    tmp.n = 0;
    put32(&tmp, sizeof hdr);
    put(&tmp, hdr, sizeof hdr);
    put32(&tmp, sizeof f1);
    put(&tmp, f1, sizeof f1);
    put32(&tmp, sizeof f2);
    put(&tmp, f2, sizeof f2);
    body.n = 0;
    pack(tmp.p, tmp.n, c, &body);
    installer(&file, &body);
}

static int run(struct fake_core *fc)
{
    return fake_run(fc, vg_nsis_extract, file.p + STUB, file.n - STUB);
}

static void expect_three(struct fake_core *fc)
{
    assert_int_equal(fc->n, 3);
    assert_non_null(fake_find(fc, hdr, sizeof hdr));
    assert_non_null(fake_find(fc, f1, sizeof f1));
    assert_non_null(fake_find(fc, f2, sizeof f2));
}

static void each_layout(void **state)
{
    static const enum comp cs[] = {C_DEFLATE, C_LZMA, C_LZMA_FLAG0,
                                   C_LZMA_BCJ};
    struct fake_core fc;
    (void)state;
    fill();
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        nonsolid(cs[i]);
        fake_init(&fc);
        assert_int_equal(run(&fc), VIGIL_OK);
        expect_three(&fc);
        fake_free(&fc);
        solid(cs[i]);
        fake_init(&fc);
        assert_int_equal(run(&fc), VIGIL_OK);
        expect_three(&fc);
        fake_free(&fc);
    }
    nonsolid(C_STORED);
    fake_init(&fc);
    assert_int_equal(run(&fc), VIGIL_OK);
    expect_three(&fc);
    fake_free(&fc);
}

/* The core finds the first header after a PE stub. */
static void found_after_stub(void **state)
{
    enum vg_ftype et;
    size_t off = 0;
    (void)state;
    fill();
    nonsolid(C_LZMA);
    assert_true(vg_nsis_find(vigil_span_make(file.p, file.n), &off));
    assert_int_equal(off, STUB);
    assert_ptr_equal(vg_embedded_find(VG_FT_PE, vigil_span_make(file.p, file.n),
                                      &et, &off),
                     vg_nsis_extract);
    assert_int_equal(et, VG_FT_NULSFT);
    assert_int_equal(off, STUB);
    assert_false(vg_nsis_find(vigil_span_make(file.p, STUB), &off));
    /* A stray signature in the stub loses to the aligned one... */
    memcpy(file.p + 100, "\xef\xbe\xad\xdeNullsoftInst", 16);
    assert_true(vg_nsis_find(vigil_span_make(file.p, file.n), &off));
    assert_int_equal(off, STUB);
    /* ...but is taken when it is the only one. */
    assert_true(vg_nsis_find(vigil_span_make(file.p, STUB), &off));
    assert_int_equal(off, 96);
}

/* A huge declared LZMA dictionary is cut, not allocated. */
static void huge_dictionary(void **state)
{
    struct fake_core fc;
    (void)state;
    fill();
    nonsolid(C_LZMA);
    memcpy(file.p + STUB + 28 + 4 + 1, "\xff\xff\xff\xff", 4);
    fake_init(&fc);
    assert_int_equal(run(&fc), VIGIL_OK);
    expect_three(&fc);
    fake_free(&fc);
}

static void damaged(void **state)
{
    struct fake_core fc;
    size_t full;
    (void)state;
    fill();
    nonsolid(C_DEFLATE);
    full = file.n;
    /* Cut inside the third block: two children, then corrupt. */
    file.n = full - 20;
    fake_init(&fc);
    assert_int_equal(run(&fc), VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 2);
    assert_non_null(fake_find(&fc, f1, sizeof f1));
    fake_free(&fc);
    /* Only the first header, or less. */
    for (size_t n = 0; n <= 32; n++) {
        file.n = STUB + n;
        fake_init(&fc);
        assert_int_not_equal(run(&fc), VIGIL_OK);
        assert_int_equal(fc.n, 0);
        fake_free(&fc);
    }
    file.n = full;
    /* A bad signature. */
    file.p[STUB + 5] ^= 1;
    fake_init(&fc);
    assert_int_equal(run(&fc), VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);
    fake_free(&fc);
    file.p[STUB + 5] ^= 1;
    /* A second block whose length overruns the archive. */
    nonsolid(C_LZMA);
    {
        size_t at = STUB + 28 + 4 +
                    (vigil_load_u32le_unchecked(file.p + STUB + 28) &
                     0x7fffffffu);
        memcpy(file.p + at, "\x00\x10\x00\x80", 4);
    }
    fake_init(&fc);
    assert_int_equal(run(&fc), VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find(&fc, hdr, sizeof hdr));
    fake_free(&fc);
}

/* NSIS's headerless bzip2 (a block starts with 0x31) or garbage: no
 * candidate fits, nothing is emitted. */
static void unknown_compression(void **state)
{
    struct fake_core fc;
    (void)state;
    fill();
    body.n = 0;
    put(&body, "\x31\x41\x59\x26\x53\x59", 6);
    for (int i = 0; i < 200; i++)
        put(&body, "\x9d", 1);
    installer(&file, &body);
    fake_init(&fc);
    assert_int_equal(run(&fc), VIGIL_E_UNSUPPORTED);
    assert_int_equal(fc.n, 0);
    fake_free(&fc);
    /* A solid stream whose first length is not the header size. */
    tmp.n = 0;
    put32(&tmp, sizeof hdr + 1);
    put(&tmp, hdr, sizeof hdr);
    body.n = 0;
    pack(tmp.p, tmp.n, C_DEFLATE, &body);
    installer(&file, &body);
    fake_init(&fc);
    assert_int_equal(run(&fc), VIGIL_E_UNSUPPORTED);
    assert_int_equal(fc.n, 0);
    fake_free(&fc);
}

static void limits_and_stop(void **state)
{
    static const enum comp cs[] = {C_DEFLATE, C_LZMA, C_STORED};
    struct fake_core fc;
    (void)state;
    fill();
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        for (int s = 0; s < 2; s++) {
            if (s && cs[i] == C_STORED)
                continue;
            s ? solid(cs[i]) : nonsolid(cs[i]);
            /* Each child cut at 100 bytes; the next still follows. */
            fake_init(&fc);
            fc.max_child = 100;
            assert_int_equal(run(&fc), VIGIL_OK);
            assert_int_equal(fc.n, 3);
            assert_int_equal(fc.kids[1].len, 100);
            assert_true(fc.kids[1].truncated);
            assert_memory_equal(fc.kids[1].p, f1, 100);
            assert_int_equal(fc.kids[2].len, sizeof f2);
            assert_false(fc.kids[2].truncated);
            fake_free(&fc);
            /* emit says stop: nothing more. */
            fake_init(&fc);
            fc.stop_after = 2;
            fc.stop_ret = 1;
            assert_int_equal(run(&fc), 1);
            assert_int_equal(fc.n, 2);
            fake_free(&fc);
        }
    }
}

static void clamav_sample(void **state)
{
    struct vigil_buf b;
    struct fake_core fc;
    size_t off = 0;
    (void)state;
    need_scanfile("clam-nsis.exe", &b);
    assert_true(vg_nsis_find(vigil_span_make(b.data, b.len), &off));
    assert_int_equal(off % 512, 0);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_nsis_extract, b.data + off, b.len - off),
                     VIGIL_OK);
    assert_non_null(fake_find_clam(&fc));
    assert_int_equal(fc.n, 2); /* the script header and clam.exe */
    fake_free(&fc);
    vigil_buf_free(&b);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(each_layout),
        cmocka_unit_test(found_after_stub),
        cmocka_unit_test(huge_dictionary),
        cmocka_unit_test(damaged),
        cmocka_unit_test(unknown_compression),
        cmocka_unit_test(limits_and_stop),
        cmocka_unit_test(clamav_sample),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
