// SPDX-License-Identifier: GPL-2.0-or-later
// test_onenote.c: files embedded in OneNote sections (FileDataStoreObject,
// FSSHTTPB Object Data BLOB).
#include "test_main.h"

#include "fmt/onenote.h"
#include "test_fmt.h"

static const uint8_t one_magic[16] = {0xe4, 0x52, 0x5c, 0x7b, 0x8c, 0xd8,
                                      0xa7, 0x4d, 0xae, 0xb1, 0x53, 0x78,
                                      0xd0, 0x29, 0x96, 0xd3};
static const uint8_t hdr_guid[16] = {0xe7, 0x16, 0xe3, 0xbd, 0x65, 0x26,
                                     0x11, 0x45, 0xa4, 0xc4, 0x8d, 0x4d,
                                     0x0b, 0x7a, 0x9e, 0xac};
static const uint8_t ftr_guid[16] = {0x22, 0xa7, 0xfb, 0x71, 0x79, 0x0f,
                                     0x0b, 0x4a, 0xbb, 0x13, 0x89, 0x92,
                                     0x56, 0x42, 0x6b, 0x24};
static const uint8_t alt_guid[16] = {0x2f, 0xe9, 0x8d, 0x63, 0xd4, 0xa6,
                                     0xc1, 0x4b, 0x9a, 0x36, 0xb3, 0xfc,
                                     0x25, 0x11, 0xa5, 0xb7};

/* A revision-store header: the .one file type GUID, then filler up to
 * where file nodes would start. */
static void one_header(struct test_img *m)
{
    m->n = 0;
    img_put(m, one_magic, 16);
    for (int i = 0; i < 64; i++)
        img_le(m, (uint64_t)i * 7, 1);
}

/* A FileDataStoreObject holding data, padded to 8, with its footer. */
static void fdso(struct test_img *m, const void *data, size_t n,
                 uint64_t declared)
{
    img_put(m, hdr_guid, 16);
    img_le(m, declared, 8);
    img_le(m, 0, 4 + 8);
    img_put(m, data, n);
    while (n++ % 8)
        img_le(m, 0, 1);
    img_put(m, ftr_guid, 16);
}

static void two_files(void **state)
{
    struct test_img m;
    struct fake_core fc;
    (void)state;

    one_header(&m);
    fdso(&m, "MZ first embedded file", 22, 22);
    img_put(&m, "file node list filler", 21);
    fdso(&m, "second", 6, 6);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_onenote_extract, m.b, m.n), VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_non_null(fake_find_str(&fc, "MZ first embedded file"));
    assert_non_null(fake_find_str(&fc, "second"));
    fake_free(&fc);
}

/* A file whose data holds another header: that one belongs to the child
 * (the core recurses), it is not a sibling. */
static void nested_header_is_the_childs(void **state)
{
    struct test_img inner, m;
    struct fake_core fc;
    (void)state;

    inner.n = 0;
    fdso(&inner, "deep", 4, 4);
    one_header(&m);
    fdso(&m, inner.b, inner.n, inner.n);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_onenote_extract, m.b, m.n), VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_int_equal(fc.kids[0].len, inner.n);
    fake_free(&fc);
}

static void malformed(void **state)
{
    struct test_img m;
    struct fake_core fc;
    (void)state;

    /* No FileDataStoreObject at all. */
    one_header(&m);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_onenote_extract, m.b, m.n),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);

    /* A good file, then a length past the end: the first is kept. */
    fdso(&m, "good", 4, 4);
    fdso(&m, "liar", 4, (uint64_t)1 << 62);
    assert_int_equal(fake_run(&fc, vg_onenote_extract, m.b, m.n),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find_str(&fc, "good"));
    fake_free(&fc);

    /* A header cut inside cbLength, and one cut inside the reserved
     * bytes after it. */
    for (size_t cut = 17; cut < 36; cut += 13) {
        one_header(&m);
        fdso(&m, "x", 1, 1);
        m.n = 80 + cut;
        assert_int_equal(fake_run(&fc, vg_onenote_extract, m.b, m.n),
                         VIGIL_E_CORRUPT);
        assert_int_equal(fc.n, 0);
    }
    fake_free(&fc);
}

static void limits_and_stop(void **state)
{
    struct test_img m;
    struct fake_core fc;
    (void)state;

    one_header(&m);
    fdso(&m, "0123456789", 10, 10);
    fdso(&m, "abcdefghij", 10, 10);
    fake_init(&fc);
    fc.max_child = 4;
    assert_int_equal(fake_run(&fc, vg_onenote_extract, m.b, m.n), VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_true(fc.kids[0].truncated);
    assert_memory_equal(fc.kids[1].p, "abcd", 4);
    fake_free(&fc);

    fake_init(&fc);
    fc.stop_after = 1;
    fc.stop_ret = VIGIL_E_LIMIT;
    assert_int_equal(fake_run(&fc, vg_onenote_extract, m.b, m.n),
                     VIGIL_E_LIMIT);
    assert_int_equal(fc.n, 1);
    fake_free(&fc);
}

/* An alternative-packaging header: file type, two GUIDs, the FSSHTTPB
 * file format GUID, then filler standing for the storage index. */
static void alt_header(struct test_img *m)
{
    m->n = 0;
    img_put(m, one_magic, 16);
    img_le(m, 0x1111, 16);
    img_le(m, 0x2222, 16);
    img_put(m, alt_guid, 16);
    img_put(m, "\x00\x00\x00\x00\xd6\x03\x42\x00", 8);
}

/* 32-bit stream object header, type 0x02, holding a binary item. */
static void blob(struct test_img *m, const uint8_t *data, size_t n)
{
    uint64_t item = n < 0x4000 ? 2 + n : 3 + n; /* compact length + bytes */
    uint32_t h = 2u | (2u << 3);

    h |= (uint32_t)(item > 32766 ? 32767 : item) << 17;
    img_le(m, h, 4);
    if (item > 32766) /* Large Length: a 4-byte compact (28 bits) */
        img_le(m, (item << 4) | 8u, 4);
    if (n < 0x4000)
        img_le(m, ((uint64_t)n << 2) | 2u, 2);
    else
        img_le(m, ((uint64_t)n << 3) | 4u, 3);
    img_put(m, data, n);
}

static void webapp_blobs(void **state)
{
    static uint8_t big[40000];
    struct test_img m;
    struct fake_core fc;
    (void)state;

    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)(i * 31 + 7);
    alt_header(&m);
    img_put(&m, "\x15", 1); /* an 8-bit stream object end */
    blob(&m, (const uint8_t *)"MZ small blob", 13);
    img_put(&m, "\x79\x05\x0c", 3);
    blob(&m, big, sizeof big);
    /* A header whose length disagrees with its item: not a blob. */
    img_le(&m, 2u | (2u << 3) | (9u << 17), 4);
    img_le(&m, (5u << 2) | 2u, 2);
    img_put(&m, "abcde", 5);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_onenote_extract, m.b, m.n), VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_non_null(fake_find_str(&fc, "MZ small blob"));
    assert_non_null(fake_find(&fc, big, sizeof big));
    fake_free(&fc);

    /* Cut inside the big blob: only the small one is found. */
    m.n -= 20;
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_onenote_extract, m.b, m.n), VIGIL_OK);
    assert_int_equal(fc.n, 1);
    fake_free(&fc);
}

static void clamav_samples(void **state)
{
    static const char *const names[] = {
        "clam.exe.2007.one", "clam.exe.2010.one", "clam.exe.webapp-export.one"};
    (void)state;

    for (size_t i = 0; i < 3; i++) {
        struct vigil_buf b;
        struct fake_core fc;

        need_scanfile(names[i], &b);
        assert_int_equal(vg_filetype_detect(vigil_span_make(b.data, b.len)),
                         VG_FT_ONENOTE);
        fake_init(&fc);
        assert_int_equal(fake_run(&fc, vg_onenote_extract, b.data, b.len),
                         VIGIL_OK);
        assert_non_null(fake_find_clam(&fc));
        fake_free(&fc);
        vigil_buf_free(&b);
    }
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(two_files),
        cmocka_unit_test(nested_header_is_the_childs),
        cmocka_unit_test(malformed),
        cmocka_unit_test(limits_and_stop),
        cmocka_unit_test(webapp_blobs),
        cmocka_unit_test(clamav_samples),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
