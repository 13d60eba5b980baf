// SPDX-License-Identifier: GPL-2.0-or-later
// test_tnef.c: TNEF (winmail.dat) attributes: body, attachments and their
// titles, damaged streams.
#include "test_main.h"

#include "fmt/tnef.h"
#include "test_fmt.h"

struct tn {
    uint8_t p[4096];
    size_t n;
};

static void put(struct tn *t, const void *p, size_t n)
{
    assert_true(t->n + n <= sizeof t->p);
    memcpy(t->p + t->n, p, n);
    t->n += n;
}

static void put32(struct tn *t, uint32_t v)
{
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                    (uint8_t)(v >> 24)};
    put(t, b, 4);
}

static void attr(struct tn *t, uint8_t level, uint32_t id, const void *p,
                 size_t n)
{
    put(t, &level, 1);
    put32(t, id);
    put32(t, (uint32_t)n);
    put(t, p, n);
    put(t, "\0\0", 2); /* checksum, not checked */
}

static void build(struct tn *t)
{
    t->n = 0;
    put32(t, 0x223E9F78u);
    put(t, "\x01\x00", 2);
    attr(t, 1, 0x00089006, "\0\0\1\0", 4);
    attr(t, 1, 0x0002800C, "body text", 9);
    /* Attachment 1: title after data (as Outlook writes it). */
    attr(t, 2, 0x00069002, "\1\0\0\0", 4);
    attr(t, 2, 0x0006800F, "first file", 10);
    attr(t, 2, 0x00018010, "one.exe\0", 8);
    /* Attachment 2: title first. */
    attr(t, 2, 0x00069002, "\1\0\0\0", 4);
    attr(t, 2, 0x00018010, "two.doc\0", 8);
    attr(t, 2, 0x0006800F, "second", 6);
    /* Attachment 3: no title. */
    attr(t, 2, 0x00069002, "\1\0\0\0", 4);
    attr(t, 2, 0x0006800F, "third", 5);
}

static void body_and_attachments(void **state)
{
    struct tn t;
    struct fake_core fc;
    const struct fake_kid *k;
    (void)state;

    build(&t);
    put(&t, "\r\n", 2); /* trailing bytes are tolerated */
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_tnef_extract, t.p, t.n), VIGIL_OK);
    assert_int_equal(fc.n, 4);
    assert_non_null(fake_find_str(&fc, "body text"));
    assert_non_null(k = fake_find_str(&fc, "first file"));
    assert_string_equal(k->name, "one.exe");
    assert_non_null(k = fake_find_str(&fc, "second"));
    assert_string_equal(k->name, "two.doc");
    assert_non_null(k = fake_find_str(&fc, "third"));
    assert_string_equal(k->name, "");
    fake_free(&fc);
}

static void put16(struct tn *t, uint16_t v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put(t, b, 2);
}

/* A variable-size MAPI value: count 1, size, bytes, padding. */
static void mapi_var(struct tn *t, uint16_t type, uint16_t id, const void *p,
                     size_t n)
{
    put16(t, type);
    put16(t, id);
    put32(t, 1);
    put32(t, (uint32_t)n);
    put(t, p, n);
    put(t, "\0\0\0", (4 - n % 4) % 4);
}

/* An attachment known only by its MAPI properties: long file name after
 * fixed-size, multi-valued and named properties, then an embedded object
 * (PR_ATTACH_DATA as PT_OBJECT: interface ID, then the data). */
static void mapi_attachment(void **state)
{
    struct tn t, m = {.n = 0};
    struct fake_core fc;
    const struct fake_kid *k;
    (void)state;

    put32(&m, 6);
    put16(&m, 0x0003); /* PtypInteger32 */
    put16(&m, 0x0E20);
    put32(&m, 1234);
    put16(&m, 0x0040); /* PtypTime */
    put16(&m, 0x3007);
    put(&m, "12345678", 8);
    put16(&m, 0x1003); /* multi-valued PtypInteger32 */
    put16(&m, 0x1234);
    put32(&m, 2);
    put32(&m, 1);
    put32(&m, 2);
    put16(&m, 0x001E); /* named, by name */
    put16(&m, 0x8001);
    put(&m, "GUIDGUIDGUIDGUID", 16);
    put32(&m, 1);
    put32(&m, 5);
    put(&m, "name\0\0\0\0", 8);
    put32(&m, 1);
    put32(&m, 2);
    put(&m, "x\0\0\0", 4);
    mapi_var(&m, 0x000D, 0x3701, "IIDIIDIIDIIDIIDIembedded bytes", 30);
    mapi_var(&m, 0x001E, 0x3707, "long name.exe", 14);
    t.n = 0;
    put32(&t, 0x223E9F78u);
    put(&t, "\x01\x00", 2);
    attr(&t, 2, 0x00069002, "\1\0\0\0", 4);
    attr(&t, 2, 0x0006800F, "plain data", 10);
    attr(&t, 2, 0x00069005, m.p, m.n);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_tnef_extract, t.p, t.n), VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_non_null(k = fake_find_str(&fc, "plain data"));
    assert_string_equal(k->name, "long name.exe");
    assert_non_null(k = fake_find_str(&fc, "embedded bytes"));
    assert_string_equal(k->name, "long name.exe");
    fake_free(&fc);

    /* A multi-valued null property with 2^32-1 values of no size. */
    {
        struct tn z = {.n = 0};
        put32(&z, 1);
        put16(&z, 0x1001);
        put16(&z, 0x1111);
        put32(&z, 0xFFFFFFFFu);
        t.n = 0;
        put32(&t, 0x223E9F78u);
        put(&t, "\x01\x00", 2);
        attr(&t, 2, 0x00069005, z.p, z.n);
        fake_init(&fc);
        assert_int_equal(fake_run(&fc, vg_tnef_extract, t.p, t.n), VIGIL_OK);
        fake_free(&fc);
    }

    /* An unknown property type: the block is abandoned, corrupt, but the
     * attachment data is still emitted. */
    m.p[4] = 0x77;
    t.n = 0;
    put32(&t, 0x223E9F78u);
    put(&t, "\x01\x00", 2);
    attr(&t, 2, 0x0006800F, "plain data", 10);
    attr(&t, 2, 0x00069005, m.p, m.n);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_tnef_extract, t.p, t.n), VIGIL_E_CORRUPT);
    assert_non_null(fake_find_str(&fc, "plain data"));
    fake_free(&fc);
}

static void damaged(void **state)
{
    struct tn t;
    struct fake_core fc;
    (void)state;

    build(&t);
    /* Every truncation: corrupt or ok, never more than was there. */
    for (size_t n = 0; n < t.n; n++) {
        int ret;
        fake_init(&fc);
        ret = fake_run(&fc, vg_tnef_extract, t.p, n);
        if (ret != VIGIL_OK && ret != VIGIL_E_CORRUPT)
            fail_msg("length %zu: %d", n, ret);
        fake_free(&fc);
    }
    /* Cut inside the first attachment's data: emitted short, corrupt. */
    fake_init(&fc);
    assert_int_equal(
        fake_run(&fc, vg_tnef_extract, t.p, 6 + 15 + 20 + 15 + 9 + 6),
        VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 2);
    assert_int_equal(fc.kids[1].len, 6);
    fake_free(&fc);
    /* A huge length. */
    t.p[6 + 15 + 1 + 4 + 3] = 0x7f;
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_tnef_extract, t.p, t.n), VIGIL_E_CORRUPT);
    fake_free(&fc);
    /* Wrong signature. */
    t.p[0] ^= 1;
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_tnef_extract, t.p, t.n), VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);
    fake_free(&fc);
}

static void limits_and_stop(void **state)
{
    struct tn t;
    struct fake_core fc;
    (void)state;

    build(&t);
    fake_init(&fc);
    fc.max_child = 4;
    assert_int_equal(fake_run(&fc, vg_tnef_extract, t.p, t.n), VIGIL_OK);
    assert_memory_equal(fc.kids[1].p, "firs", 4);
    assert_true(fc.kids[1].truncated);
    fake_free(&fc);
    fake_init(&fc);
    fc.stop_after = 2;
    fc.stop_ret = VIGIL_E_LIMIT;
    assert_int_equal(fake_run(&fc, vg_tnef_extract, t.p, t.n), VIGIL_E_LIMIT);
    assert_int_equal(fc.n, 2);
    fake_free(&fc);
}

static void clamav_sample(void **state)
{
    struct vigil_buf b;
    (void)state;

    need_scanfile("clam.tnef", &b);
    expect_clam_named(vg_tnef_extract, b.data, b.len, "clam.exe");
    vigil_buf_free(&b);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(body_and_attachments),
        cmocka_unit_test(mapi_attachment),
        cmocka_unit_test(damaged),
        cmocka_unit_test(limits_and_stop),
        cmocka_unit_test(clamav_sample),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
