// SPDX-License-Identifier: GPL-2.0-or-later
// test_rtf.c: RTF \objdata objects, OLE1 and Packager unwrapping, the
// obfuscations Word tolerates, and damaged documents.
#include "test_main.h"

#include "fmt/rtf.h"
#include "test_fmt.h"

struct bytes {
    uint8_t p[2048];
    size_t n;
};

static void add(struct bytes *b, const void *p, size_t n)
{
    assert_true(b->n + n <= sizeof b->p);
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void add32(struct bytes *b, uint32_t v)
{
    uint8_t t[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                    (uint8_t)(v >> 24)};
    add(b, t, 4);
}

static void add_lstr(struct bytes *b, const char *s)
{
    add32(b, (uint32_t)strlen(s) + 1);
    add(b, s, strlen(s) + 1);
}

/* An OLE1 embedded object of class cls around native data. */
static void ole1(struct bytes *b, const char *cls, const struct bytes *native)
{
    b->n = 0;
    add32(b, 0x0501);
    add32(b, 2);
    add_lstr(b, cls);
    add32(b, 0);
    add32(b, 0);
    add32(b, (uint32_t)native->n);
    add(b, native->p, native->n);
}

/* Packager native data around a file. */
static void package(struct bytes *b, const char *label, const char *file)
{
    b->n = 0;
    add(b, "\x02\x00", 2);
    add(b, label, strlen(label) + 1);
    add(b, "C:\\x\\y.exe", 11);
    add32(b, 0x00030000);
    add_lstr(b, "C:\\tmp\\y.exe");
    add32(b, (uint32_t)strlen(file));
    add(b, file, strlen(file));
}

/* "{\rtf1 pre{\object{\*\objdata " hex "}}post}" with a line break every
 * 10 digits; @p mid is inserted after the first 6 digits. */
static size_t rtf_doc(char *out, size_t cap, const struct bytes *obj,
                      const char *mid)
{
    size_t o = (size_t)snprintf(out, cap,
                                "{\\rtf1 pre{\\object\\objemb{\\*\\objdata ");
    for (size_t i = 0; i < obj->n; i++) {
        o += (size_t)snprintf(out + o, cap - o, "%02x", obj->p[i]);
        if (i == 2)
            o += (size_t)snprintf(out + o, cap - o, "%s", mid);
        if (i % 5 == 4)
            o += (size_t)snprintf(out + o, cap - o, "\r\n");
    }
    o += (size_t)snprintf(out + o, cap - o, "}}post}");
    assert_true(o < cap);
    return o;
}

static void package_object_unwrapped(void **state)
{
    static const char *const mids[] = {"", "{\\*\\junk 4142}", " \\par ",
                                       "{\\fs20 }"};
    struct bytes pkg, obj;
    char doc[8192];
    (void)state;

    package(&pkg, "evil.exe", "MZ payload bytes");
    ole1(&obj, "Package", &pkg);
    for (size_t i = 0; i < sizeof mids / sizeof *mids; i++) {
        struct fake_core fc;
        const struct fake_kid *k;
        fake_init(&fc);
        assert_int_equal(fake_run(&fc, vg_rtf_extract, doc,
                                  rtf_doc(doc, sizeof doc, &obj, mids[i])),
                         VIGIL_OK);
        assert_int_equal(fc.n, 1);
        if (!(k = fake_find_str(&fc, "MZ payload bytes")))
            fail_msg("obfuscation %zu", i);
        assert_string_equal(k->name, "evil.exe");
        fake_free(&fc);
    }
}

static void other_classes_and_raw_data(void **state)
{
    struct bytes native = {.n = 0}, obj, raw = {.n = 0};
    char doc[8192];
    struct fake_core fc;
    const struct fake_kid *k;
    (void)state;

    add(&native, "\xD0\xCF\x11\xE0 an OLE2 file", 18);
    ole1(&obj, "Word.Document.8", &native);
    fake_init(&fc);
    assert_int_equal(
        fake_run(&fc, vg_rtf_extract, doc, rtf_doc(doc, sizeof doc, &obj, "")),
        VIGIL_OK);
    assert_non_null(k = fake_find(&fc, native.p, native.n));
    assert_string_equal(k->name, "Word.Document.8");
    fake_free(&fc);

    /* Not OLE1: the decoded bytes as they are. */
    add(&raw, "just bytes", 10);
    fake_init(&fc);
    assert_int_equal(
        fake_run(&fc, vg_rtf_extract, doc, rtf_doc(doc, sizeof doc, &raw, "")),
        VIGIL_OK);
    assert_non_null(fake_find_str(&fc, "just bytes"));
    fake_free(&fc);
}

static void bin_data_and_two_objects(void **state)
{
    static const char doc[] = "{\\rtf1{\\*\\objdata \\bin5 a}b{c}{\\*\\objdata "
                              "414243}}";
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_rtf_extract, doc, sizeof doc - 1),
                     VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_non_null(fake_find_str(&fc, "a}b{c"));
    assert_non_null(fake_find_str(&fc, "ABC"));
    fake_free(&fc);
}

static void damaged_documents(void **state)
{
    static const char *const bad[] = {
        "",
        "{",
        "}}}}}",
        "\\",
        "{\\*\\objdata",
        "{\\*\\objdata \\bin99999999999999999999 ab",
        "{\\*\\objdata 0105000002000000ffffffff}",
        "{\\*\\objdata 01050000020000000800000050616368616700000000000000000000"
        "7fffffff}",
        "{\\*\\objdata \\'4",
        "{\\objdata{\\*{\\*{\\*}}}}}}}{{{{{",
    };
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    assert_int_equal(
        fake_run_str(&fc, vg_rtf_extract, "{\\rtf1{\\*\\objdata 41 42 4"),
        VIGIL_E_CORRUPT);
    assert_non_null(fake_find_str(&fc, "AB"));
    fake_free(&fc);
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        int ret;
        fake_init(&fc);
        ret = fake_run_str(&fc, vg_rtf_extract, bad[i]);
        if (ret != VIGIL_OK && ret != VIGIL_E_CORRUPT)
            fail_msg("input %zu: %d", i, ret);
        fake_free(&fc);
    }
}

static void limits_and_stop(void **state)
{
    static const char doc[] =
        "{{\\*\\objdata 41424344}{\\*\\objdata 45}{\\*\\objdata 46}}";
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    fc.max_child = 2;
    assert_int_equal(fake_run_str(&fc, vg_rtf_extract, doc), VIGIL_OK);
    assert_int_equal(fc.n, 3);
    assert_memory_equal(fc.kids[0].p, "AB", 2);
    assert_true(fc.kids[0].truncated);
    assert_false(fc.kids[1].truncated);
    fake_free(&fc);

    fake_init(&fc);
    fc.stop_after = 2;
    fc.stop_ret = VIGIL_E_LIMIT;
    assert_int_equal(fake_run_str(&fc, vg_rtf_extract, doc), VIGIL_E_LIMIT);
    assert_int_equal(fc.n, 2);
    fake_free(&fc);
}

static void clamav_sample(void **state)
{
    struct vigil_buf b;
    struct fake_core fc;
    (void)state;

    need_scanfile("clam.exe.rtf", &b);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_rtf_extract, b.data, b.len), VIGIL_OK);
    assert_non_null(fake_find_clam(&fc));
    fake_free(&fc);
    vigil_buf_free(&b);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(package_object_unwrapped),
        cmocka_unit_test(other_classes_and_raw_data),
        cmocka_unit_test(bin_data_and_two_objects),
        cmocka_unit_test(damaged_documents),
        cmocka_unit_test(limits_and_stop),
        cmocka_unit_test(clamav_sample),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
