// SPDX-License-Identifier: GPL-2.0-or-later
// test_sis.c: EPOC SIS installation files (header, file records, zlib).
#include "test_main.h"

#include "fmt/sis.h"
#include "test_fmt.h"

#define UID2_ER6 0x10003A12u
#define UID2_ER5 0x1000006Du
#define HDR_LEN 100u

static void set32(struct test_img *m, size_t at, uint32_t v)
{
    for (unsigned i = 0; i < 4; i++)
        m->b[at + i] = (uint8_t)(v >> (8 * i));
}

static void set16(struct test_img *m, size_t at, uint16_t v)
{
    m->b[at] = (uint8_t)v;
    m->b[at + 1] = (uint8_t)(v >> 8);
}

/* A header with nlangs languages and nfiles records at HDR_LEN. */
static void header(struct test_img *m, uint32_t uid2, uint16_t nlangs,
                   uint16_t nfiles, uint16_t options)
{
    m->n = 0;
    img_le(m, 0x10001234u, 4);
    img_le(m, uid2, 4);
    img_le(m, 0x10000419u, 4);
    img_le(m, 0, 4);
    img_put(m, "\0\0", 2); /* checksum */
    img_le(m, nlangs, 2);
    img_le(m, nfiles, 2);
    while (m->n < HDR_LEN)
        img_le(m, 0, 1);
    set16(m, 36, options);
    set32(m, 52, HDR_LEN);
}

/* zlib with one stored block (exercises the inflate path without a
 * compressor in the test). */
static size_t zstore(uint8_t *out, const void *p, size_t n)
{
    const uint8_t *d = p;
    uint32_t a = 1, b = 0;
    size_t o = 0;

    out[o++] = 0x78;
    out[o++] = 0x01;
    out[o++] = 0x01; /* final, stored */
    out[o++] = (uint8_t)n;
    out[o++] = (uint8_t)(n >> 8);
    out[o++] = (uint8_t)~n;
    out[o++] = (uint8_t)(~n >> 8);
    memcpy(out + o, d, n);
    o += n;
    for (size_t i = 0; i < n; i++) {
        a = (a + d[i]) % 65521u;
        b = (b + a) % 65521u;
    }
    for (int i = 3; i >= 0; i--)
        out[o++] = (uint8_t)(((b << 16) | a) >> (8 * i));
    return o;
}

struct block {
    uint32_t len, ptr, orig;
};

/* A file record (type 0 for one block, 1 for several) whose pointers are
 * patched in later by the caller: @return the offset of the first
 * length field. */
static size_t file_rec(struct test_img *m, bool er6, unsigned nblocks,
                       uint32_t ftype, uint32_t name_len, uint32_t name_ptr)
{
    size_t at;

    img_le(m, nblocks == 1 ? 0 : 1, 4);
    img_le(m, ftype, 4);
    img_le(m, 0, 4); /* details */
    img_le(m, 0, 8); /* source name */
    img_le(m, name_len, 4);
    img_le(m, name_ptr, 4);
    at = m->n;
    img_le(m, 0, 8 * nblocks + (er6 ? 4 * nblocks + 8 : 0));
    return at;
}

static void patch(struct test_img *m, size_t at, unsigned nblocks, unsigned i,
                  struct block bl)
{
    set32(m, at + 4 * i, bl.len);
    set32(m, at + 4 * nblocks + 4 * i, bl.ptr);
    if (bl.orig) /* release 6 only: 0 in release 5 tests */
        set32(m, at + 8 * nblocks + 4 * i, bl.orig);
}

static struct block add_data(struct test_img *m, const void *p, size_t n,
                             bool compress)
{
    struct block bl = {0, (uint32_t)m->n, (uint32_t)n};
    uint8_t z[512];

    if (compress) {
        size_t zn = zstore(z, p, n);
        img_put(m, z, zn);
        bl.len = (uint32_t)zn;
    } else {
        img_put(m, p, n);
        bl.len = (uint32_t)n;
    }
    return bl;
}

static void er6_records(void **state)
{
    struct test_img m;
    struct fake_core fc;
    size_t r1, r2;
    (void)state;

    header(&m, UID2_ER6, 2, 5, 0x0001);
    img_le(&m, 3, 4); /* if: a 5-byte expression */
    img_le(&m, 5, 4);
    img_put(&m, "expr!", 5);
    r1 = file_rec(&m, true, 1, 0, 10, 0); /* name patched below */
    img_le(&m, 5, 4);                     /* else */
    r2 = file_rec(&m, true, 2, 0, 0, 0);
    img_le(&m, 6, 4); /* endif */
    set32(&m, r1 - 4, (uint32_t)m.n);
    img_put(&m, "a\0.\0e\0x\0e\0", 10);
    patch(&m, r1, 1, 0, add_data(&m, "MZ first file", 13, true));
    patch(&m, r2, 2, 0, add_data(&m, "english", 7, true));
    patch(&m, r2, 2, 1, add_data(&m, "french", 6, true));
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_sis_extract, m.b, m.n), VIGIL_OK);
    assert_int_equal(fc.n, 3);
    assert_string_equal(fake_find_str(&fc, "MZ first file")->name, "a.exe");
    assert_non_null(fake_find_str(&fc, "english"));
    assert_non_null(fake_find_str(&fc, "french"));
    fake_free(&fc);
}

static void stored_files(void **state)
{
    struct test_img m;
    struct fake_core fc;
    struct block bl;
    size_t r;
    (void)state;

    /* Release 5: never compressed, no original length or MIME type. */
    header(&m, UID2_ER5, 1, 2, 0);
    r = file_rec(&m, false, 1, 0, 0, 0);
    img_le(&m, 6, 4);
    bl = add_data(&m, "er5 data", 8, false);
    bl.orig = 0;
    patch(&m, r, 1, 0, bl);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_sis_extract, m.b, m.n), VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find_str(&fc, "er5 data"));
    fake_free(&fc);

    /* Release 6 with NoCompress; a type-4 record (no data) is skipped. */
    header(&m, UID2_ER6, 1, 2, 0x0008);
    file_rec(&m, true, 1, 4, 0, 0);
    r = file_rec(&m, true, 1, 0, 0, 0);
    patch(&m, r, 1, 0, add_data(&m, "as is", 5, false));
    assert_int_equal(fake_run(&fc, vg_sis_extract, m.b, m.n), VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find_str(&fc, "as is"));
    fake_free(&fc);
}

static void malformed(void **state)
{
    struct test_img m;
    struct fake_core fc;
    size_t r;
    (void)state;

    fake_init(&fc);
    /* Not a SIS file; a cut header. */
    header(&m, UID2_ER6, 1, 1, 0);
    set32(&m, 8, 0x12345678u);
    assert_int_equal(fake_run(&fc, vg_sis_extract, m.b, m.n), VIGIL_E_CORRUPT);
    assert_int_equal(fake_run(&fc, vg_sis_extract, m.b, 40), VIGIL_E_CORRUPT);
    /* Records pointer past the end. */
    header(&m, UID2_ER6, 1, 1, 0);
    set32(&m, 52, 5000);
    assert_int_equal(fake_run(&fc, vg_sis_extract, m.b, m.n), VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);

    /* Good file, data past the end, then an unknown record type. */
    header(&m, UID2_ER6, 1, 4, 0x0008);
    r = file_rec(&m, true, 1, 0, 0, 0);
    patch(&m, r, 1, 0, (struct block){100, 5000, 0});
    r = file_rec(&m, true, 1, 0, 0, 0);
    img_le(&m, 99, 4);
    file_rec(&m, true, 1, 0, 0, 0);
    patch(&m, r, 1, 0, add_data(&m, "kept", 4, false));
    assert_int_equal(fake_run(&fc, vg_sis_extract, m.b, m.n), VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find_str(&fc, "kept"));
    fake_free(&fc);

    /* Compressed by the header, but not zlib: emitted as stored. */
    header(&m, UID2_ER6, 1, 1, 0);
    r = file_rec(&m, true, 1, 0, 0, 0);
    patch(&m, r, 1, 0, add_data(&m, "\xff\xff\xff plain", 9, false));
    assert_int_equal(fake_run(&fc, vg_sis_extract, m.b, m.n), VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find_str(&fc, "\xff\xff\xff plain"));
    fake_free(&fc);

    /* An options record claiming more options than bytes. */
    header(&m, UID2_ER6, 1, 1, 0);
    img_le(&m, 2, 4);
    img_le(&m, 0x40000000u, 4);
    assert_int_equal(fake_run(&fc, vg_sis_extract, m.b, m.n), VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);
    fake_free(&fc);
}

static void limits_and_stop(void **state)
{
    struct test_img m;
    struct fake_core fc;
    size_t r1, r2;
    (void)state;

    header(&m, UID2_ER6, 1, 2, 0);
    r1 = file_rec(&m, true, 1, 0, 0, 0);
    r2 = file_rec(&m, true, 1, 0, 0, 0);
    patch(&m, r1, 1, 0, add_data(&m, "0123456789", 10, true));
    patch(&m, r2, 1, 0, add_data(&m, "abcdefghij", 10, true));
    fake_init(&fc);
    fc.max_child = 4;
    assert_int_equal(fake_run(&fc, vg_sis_extract, m.b, m.n), VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_true(fc.kids[0].truncated);
    assert_memory_equal(fc.kids[0].p, "0123", 4);
    assert_memory_equal(fc.kids[1].p, "abcd", 4);
    fake_free(&fc);

    fake_init(&fc);
    fc.stop_after = 1;
    fc.stop_ret = VIGIL_E_LIMIT;
    assert_int_equal(fake_run(&fc, vg_sis_extract, m.b, m.n), VIGIL_E_LIMIT);
    assert_int_equal(fc.n, 1);
    fake_free(&fc);
}

static void clamav_sample(void **state)
{
    struct vigil_buf b;
    (void)state;

    need_scanfile("clam.sis", &b);
    assert_int_equal(vg_filetype_detect(vigil_span_make(b.data, b.len)),
                     VG_FT_SIS);
    expect_clam_named(vg_sis_extract, b.data, b.len, "!:\\clam.exe");
    vigil_buf_free(&b);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(er6_records),   cmocka_unit_test(stored_files),
        cmocka_unit_test(malformed),     cmocka_unit_test(limits_and_stop),
        cmocka_unit_test(clamav_sample),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
