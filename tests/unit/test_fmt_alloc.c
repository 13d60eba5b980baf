// SPDX-License-Identifier: GPL-2.0-or-later
// test_fmt_alloc.c: every format parser, fed its fuzz seeds while the Nth
// allocation fails, returns VIGIL_E_NOMEM (or finishes) and leaks nothing
// (ASan checks the leaks).
#include "test_main.h"

#include <dirent.h>

#include "fmt/binhex.h"
#include "fmt/mail.h"
#include "fmt/ole2.h"
#include "fmt/pdf.h"
#include "fmt/rtf.h"
#include "fmt/tnef.h"
#include "test_fmt.h"
#include "util/alloc.h"

static void read_file(const char *path, struct vigil_buf *b)
{
    FILE *f = fopen(path, "rb");

    assert_non_null(f);
    vigil_buf_init(b, 1 << 24);
    assert_int_equal(vigil_buf_read_fd(b, fileno(f)), VIGIL_OK);
    fclose(f);
}

static void fail_each_allocation(const char *fmt, fake_parser_fn fn)
{
    char dir[1024], path[1400];
    DIR *d;
    struct dirent *e;
    unsigned files = 0;

    snprintf(dir, sizeof dir, "%s/../../fuzz/corpus/%s", VIGIL_TEST_DATA, fmt);
    assert_non_null(d = opendir(dir));
    while ((e = readdir(d)) != NULL) {
        struct vigil_buf in;
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        read_file(path, &in);
        files++;
        for (uint64_t n = 1; n <= 40; n++) {
            struct fake_core fc;
            int ret;
            fake_init(&fc);
            vigil_alloc_fail_after(n);
            ret = fake_run(&fc, fn, in.data, in.len);
            vigil_alloc_fail_after(0);
            if (ret != VIGIL_OK && ret != VIGIL_E_CORRUPT &&
                ret != VIGIL_E_NOMEM)
                fail_msg("%s, allocation %u failing: %d", path, (unsigned)n,
                         ret);
            fake_free(&fc);
        }
        vigil_buf_free(&in);
    }
    closedir(d);
    assert_true(files > 0);
}

static void mail_alloc(void **state)
{
    (void)state;
    fail_each_allocation("mail", vg_mail_extract);
}

static void ole2_alloc(void **state)
{
    (void)state;
    fail_each_allocation("ole2", vg_ole2_extract);
}

static void pdf_alloc(void **state)
{
    (void)state;
    fail_each_allocation("pdf", vg_pdf_extract);
}

static void rtf_alloc(void **state)
{
    (void)state;
    fail_each_allocation("rtf", vg_rtf_extract);
}

static void binhex_alloc(void **state)
{
    (void)state;
    fail_each_allocation("binhex", vg_binhex_extract);
}

static void tnef_alloc(void **state)
{
    (void)state;
    fail_each_allocation("tnef", vg_tnef_extract);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mail_alloc),   cmocka_unit_test(ole2_alloc),
        cmocka_unit_test(pdf_alloc),    cmocka_unit_test(rtf_alloc),
        cmocka_unit_test(binhex_alloc), cmocka_unit_test(tnef_alloc),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
