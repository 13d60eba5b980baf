// SPDX-License-Identifier: GPL-2.0-or-later
// test_html_extract.c: data: URIs in HTML (RFC 2397), decoded.
#include "test_main.h"

#include "fmt/html_extract.h"
#include "test_fmt.h"

static void base64_and_percent(void **state)
{
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    assert_int_equal(
        fake_run_str(&fc, vg_html_extract,
                     "<html><a href=\"data:application/octet-stream;base64,"
                     "TVogaGVs\r\n bG8=\">x</a>"
                     "<img src='DATA:image/png;BASE64,YWJj'>"
                     "<p style=\"background:url(data:,a%20b%zz%4)\">"
                     "<a href=data:text/plain;charset=utf-8,plain%21 x>"),
        VIGIL_OK);
    assert_int_equal(fc.n, 4);
    assert_non_null(fake_find_str(&fc, "MZ hello"));
    assert_non_null(fake_find_str(&fc, "abc"));
    assert_non_null(fake_find_str(&fc, "a b%zz%4"));
    assert_non_null(fake_find_str(&fc, "plain!"));
    fake_free(&fc);
}

static void not_uris(void **state)
{
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    /* A word ending in "data", no comma, a bad media type, empty data,
     * "data:" at the very end. */
    assert_int_equal(
        fake_run_str(&fc, vg_html_extract,
                     "metadata:,xyz <b>data:text/plain</b> "
                     "data:text plain,abc data:;base64,\" data:,"
                     " data:"),
        VIGIL_OK);
    assert_int_equal(fc.n, 0);
    assert_int_equal(fake_run(&fc, vg_html_extract, "data:", 5), VIGIL_OK);
    assert_int_equal(fake_run(&fc, vg_html_extract, "", 0), VIGIL_OK);
    assert_int_equal(fc.n, 0);
    /* Unterminated: decoded to the end of the input. */
    assert_int_equal(fake_run_str(&fc, vg_html_extract, "x data:;base64,YW"),
                     VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find_str(&fc, "a"));
    fake_free(&fc);
}

static void limits_and_stop(void **state)
{
    static const char doc[] = "<a href=\"data:,0123456789\">"
                              "<a href=\"data:;base64,YWJjZGVmZ2g=\">";
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    fc.max_child = 4;
    assert_int_equal(fake_run_str(&fc, vg_html_extract, doc), VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_true(fc.kids[0].truncated);
    assert_memory_equal(fc.kids[0].p, "0123", 4);
    assert_memory_equal(fc.kids[1].p, "abcd", 4);
    fake_free(&fc);

    fake_init(&fc);
    fc.stop_after = 1;
    fc.stop_ret = VIGIL_E_LIMIT;
    assert_int_equal(fake_run_str(&fc, vg_html_extract, doc), VIGIL_E_LIMIT);
    assert_int_equal(fc.n, 1);
    fake_free(&fc);
}

static void clamav_sample(void **state)
{
    struct vigil_buf b;
    struct fake_core fc;
    (void)state;

    need_scanfile("clam.exe.html", &b);
    assert_int_equal(vg_filetype_detect(vigil_span_make(b.data, b.len)),
                     VG_FT_HTML);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_html_extract, b.data, b.len), VIGIL_OK);
    assert_non_null(fake_find_clam(&fc));
    fake_free(&fc);
    vigil_buf_free(&b);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base64_and_percent),
        cmocka_unit_test(not_uris),
        cmocka_unit_test(limits_and_stop),
        cmocka_unit_test(clamav_sample),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
