// SPDX-License-Identifier: GPL-2.0-or-later
// test_mail.c: MIME, transfer encodings, RFC 2231, uuencode and mbox.
#include "test_main.h"

#include "fmt/filetype.h"
#include "fmt/mail.h"
#include "test_fmt.h"

static void base64_attachment_named(void **state)
{
    struct fake_core fc;
    const struct fake_kid *k;
    (void)state;

    fake_init(&fc);
    assert_int_equal(
        fake_run_str(&fc, vg_mail_extract,
                     "From: a\r\nContent-Type: multipart/mixed;\r\n"
                     "\tboundary=\"=_b 1\"\r\n\r\npreamble\r\n"
                     "--=_b 1\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
                     "--=_b 1\r\nContent-Type: application/octet-stream;"
                     " name=x.bin\r\nContent-Transfer-Encoding: BASE64\r\n"
                     "Content-Disposition: attachment; filename=\"a\\\"b.exe\""
                     "\r\n\r\nSGVs\r\nbG8g\r\nd29y!!bGQ=\r\n--=_b 1--\r\n"
                     "epilogue\r\n"),
        VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_non_null(k = fake_find_str(&fc, "hello"));
    assert_non_null(k = fake_find_str(&fc, "Hello world"));
    assert_string_equal(k->name, "a\"b.exe");
    assert_int_equal(k->hint, -1);
    fake_free(&fc);
}

static void quoted_printable(void **state)
{
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    assert_int_equal(
        fake_run_str(&fc, vg_mail_extract,
                     "Content-Transfer-Encoding: quoted-printable\n\n"
                     "a=3Db=\nc =  \nd=ZZ=4=\r\n=41"),
        VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find_str(&fc, "a=bc d=ZZ=4A"));
    fake_free(&fc);
}

/* "begin 644 f" block encoding "Cat" (uuencode of 0x43 0x61 0x74). */
#define UU_CAT "begin 644 cat.txt\n#0V%T\n`\nend\n"

static void uuencode_in_text_and_cte(void **state)
{
    struct fake_core fc;
    const struct fake_kid *k;
    (void)state;

    fake_init(&fc);
    assert_int_equal(fake_run_str(&fc, vg_mail_extract,
                                  "Subject: x\n\nsee:\n" UU_CAT "bye\n"),
                     VIGIL_OK);
    assert_int_equal(fc.n, 2); /* the text, then the file */
    assert_non_null(k = fake_find_str(&fc, "Cat"));
    assert_string_equal(k->name, "cat.txt");
    fake_free(&fc);

    fake_init(&fc);
    assert_int_equal(
        fake_run_str(&fc, vg_mail_extract,
                     "Content-Transfer-Encoding: x-uuencode\n\n" UU_CAT),
        VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find_str(&fc, "Cat"));
    fake_free(&fc);
}

static void uuencoded_file(void **state)
{
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    assert_int_equal(fake_run_str(&fc, vg_uu_extract,
                                  UU_CAT "text\r\nbegin 600 b\r\n"
                                         "#0V%T\r\nend\r\n"),
                     VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_string_equal(fc.kids[0].name, "cat.txt");
    assert_string_equal(fc.kids[1].name, "b");
    assert_memory_equal(fc.kids[1].p, "Cat", 3);
    fake_free(&fc);
    fake_init(&fc);
    assert_int_equal(fake_run_str(&fc, vg_uu_extract, "begin 64x a\n"),
                     VIGIL_E_CORRUPT);
    fake_free(&fc);
}

static void rfc2231_parameters(void **state)
{
    struct fake_core fc;
    const struct fake_kid *k;
    (void)state;

    fake_init(&fc);
    assert_int_equal(
        fake_run_str(&fc, vg_mail_extract,
                     "Content-Type: multipart/mixed; boundary*=us-ascii'en'"
                     "a%20b\n\n--a b\nContent-Disposition: attachment;\n"
                     " filename*0*=utf-8''cl%61m; filename*1=\".e\";\n"
                     " filename*2=xe\n\nbody\n--a b--\n"),
        VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_non_null(k = fake_find_str(&fc, "body"));
    assert_string_equal(k->name, "clam.exe");
    fake_free(&fc);
}

/* A nested multipart is emitted whole for the core; the fake core
 * recurses like the real one. */
static void nested_multipart_recursion(void **state)
{
    struct fake_core fc;
    const struct fake_kid *k;
    (void)state;

    fake_init(&fc);
    fc.recurse_hint = VG_FT_MAIL;
    fc.recurse_fn = vg_mail_extract;
    assert_int_equal(
        fake_run_str(&fc, vg_mail_extract,
                     "Content-Type: multipart/mixed; boundary=out\n\n"
                     "--out\nContent-Type: multipart/alternative; boundary=in"
                     "\n\n--in\n\ninner\n--in--\n--out\n"
                     "Content-Type: message/rfc822\n\nSubject: y\n\nmsg\n"
                     "--out--\n"),
        VIGIL_OK);
    assert_int_equal(fc.n, 4);
    assert_int_equal(fc.kids[0].hint, VG_FT_MAIL);
    assert_int_equal(fc.kids[0].depth, 0);
    assert_non_null(k = fake_find_str(&fc, "inner"));
    assert_int_equal(k->depth, 1);
    assert_int_equal(fc.kids[2].hint, VG_FT_MAIL);
    assert_non_null(k = fake_find_str(&fc, "msg"));
    assert_int_equal(k->depth, 1);
    fake_free(&fc);
}

/* Filters and clients disagree on which boundary counts: every boundary
 * an entity declares splits its body. */
static void every_declared_boundary(void **state)
{
    static const char *const mails[] = {
        "Content-Type: multipart/mixed; boundary=X; boundary=Y\n\n",
        "Content-Type: multipart/mixed; boundary=X\n"
        "Content-Type: multipart/mixed; boundary=Y\n\n",
        "Content-Disposition: attachment; boundary=\"X\"\n"
        "Content-Type: multipart/mixed; boundary=\"Y\"\n\n",
        "Content-Type(meow): multipart/mixed; boundary=\"Y\"\n\n",
        "Content-Type: multipart/mixed\n\n",
    };
    (void)state;

    for (size_t i = 0; i < sizeof mails / sizeof *mails; i++) {
        char buf[512];
        struct fake_core fc;
        snprintf(buf, sizeof buf,
                 "%s--X\n\ntext\n--X--\n--Y\nContent-Transfer-Encoding:"
                 " base64\n\nZXZpbA==\n--Y--\n",
                 mails[i]);
        fake_init(&fc);
        assert_int_equal(fake_run_str(&fc, vg_mail_extract, buf), VIGIL_OK);
        if (!fake_find_str(&fc, "evil"))
            fail_msg("mail %zu: attachment not found", i);
        fake_free(&fc);
    }
}

static void semicolon_in_quoted_boundary(void **state)
{
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    assert_int_equal(
        fake_run_str(&fc, vg_mail_extract,
                     "Content-Type: multipart/mixed; boundary=\"X;\"\n\n"
                     "--X\n\ntext\n--X--\n--X;\n"
                     "Content-Transfer-Encoding: base64\n\nZXZpbA==\n"
                     "--X;--\n"),
        VIGIL_OK);
    assert_non_null(fake_find_str(&fc, "evil"));
    fake_free(&fc);
}

static void mbox_messages(void **state)
{
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    assert_int_equal(fake_run_str(&fc, vg_mail_extract,
                                  "From a@b Thu Jul 31 13:51:21 2008\n"
                                  "Subject: 1\n\none\nFrom me, hi\n\n"
                                  "From c@d Fri Aug 1 10:00:00 2008\n"
                                  "Subject: 2\n\ntwo\n"),
                     VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_int_equal(fc.kids[0].hint, VG_FT_MAIL);
    assert_non_null(fake_find_str(&fc, "From a@b Thu Jul 31 13:51:21 2008\n"
                                       "Subject: 1\n\none\nFrom me, hi\n\n"));
    fake_free(&fc);

    /* One message: parsed in place, the From line skipped. */
    fake_init(&fc);
    assert_int_equal(fake_run_str(&fc, vg_mail_extract,
                                  "From a@b Thu Jul 31 2008\nSubject: 1\n\n"
                                  "one\n"),
                     VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find_str(&fc, "one\n"));
    fake_free(&fc);
}

static void unterminated_multipart_is_corrupt(void **state)
{
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    assert_int_equal(
        fake_run_str(&fc, vg_mail_extract,
                     "Content-Type: multipart/mixed; boundary=b\n\n--b\n"
                     "Content-Transfer-Encoding: base64\n\nZXZpbA"),
        VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find_str(&fc, "evil"));
    fake_free(&fc);
}

static void child_limit_truncates(void **state)
{
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    fc.max_child = 3;
    assert_int_equal(fake_run_str(&fc, vg_mail_extract,
                                  "Content-Transfer-Encoding: base64\n\n"
                                  "SGVsbG8gd29ybGQ="),
                     VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_true(fc.kids[0].truncated);
    assert_int_equal(fc.kids[0].len, 3);
    assert_memory_equal(fc.kids[0].p, "Hel", 3);
    fake_free(&fc);
}

static void emit_error_stops(void **state)
{
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    fc.stop_after = 1;
    fc.stop_ret = VIGIL_E_LIMIT;
    assert_int_equal(fake_run_str(&fc, vg_mail_extract,
                                  "Content-Type: multipart/mixed; boundary=b"
                                  "\n\n--b\n\none\n--b\n\ntwo\n--b--\n"),
                     VIGIL_E_LIMIT);
    assert_int_equal(fc.n, 1);
    fake_free(&fc);
}

static void malformed_inputs(void **state)
{
    static const char *const bad[] = {
        "",
        "\n",
        ":",
        "Content-Type: multipart/mixed; boundary=",
        "Content-Type: multipart/mixed; boundary=\"unterminated\n\n--x",
        "Content-Type: multipart/mixed; boundary*0*=%; boundary*31=a;"
        " boundary*99999999999=b; boundary*=''%4\n\n--",
        "Content-Type: ;;;=;=\"\\",
        "Content-Transfer-Encoding: quoted-printable\n\n=",
        "Content-Transfer-Encoding: base64\n\n=====A",
        "Content-Transfer-Encoding: x-uuencode\n\nbegin 644 \nM",
        "begin 7777 x\n\x7f\x7f",
        "From \n\nFrom \n\nFrom ",
    };
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct fake_core fc;
        int ret;
        fake_init(&fc);
        ret = fake_run_str(&fc, vg_mail_extract, bad[i]);
        if (ret != VIGIL_OK && ret != VIGIL_E_CORRUPT)
            fail_msg("input %zu: %d", i, ret);
        fake_free(&fc);
    }
}

static void clamav_samples(void **state)
{
    static const char *const names[] = {
        "clam.mail",
        "clam.exe.mbox.base64",
        "clam.exe.mbox.uu",
        "clam.mail-boundary-content-disposition.eml",
        "clam.mail-comment-header-name.eml",
        "clam.mail-disposition-rfc2231-boundary.eml",
        "clam.mail-multiple-boundaries.eml",
        "clam.mail-multiple-content-type.eml",
        "clam.mail-nested-comment-header-name.eml",
        "clam.mail-semicolon-boundary.eml",
    };
    (void)state;

    for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
        struct vigil_buf b;
        struct fake_core fc;
        need_scanfile(names[i], &b);
        fake_init(&fc);
        fc.recurse_hint = VG_FT_MAIL;
        fc.recurse_fn = vg_mail_extract;
        (void)fake_run(&fc, vg_mail_extract, b.data, b.len);
        if (!fake_find_clam(&fc))
            fail_msg("%s: clam.exe not found", names[i]);
        fake_free(&fc);
        vigil_buf_free(&b);
    }
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base64_attachment_named),
        cmocka_unit_test(quoted_printable),
        cmocka_unit_test(uuencode_in_text_and_cte),
        cmocka_unit_test(uuencoded_file),
        cmocka_unit_test(rfc2231_parameters),
        cmocka_unit_test(nested_multipart_recursion),
        cmocka_unit_test(every_declared_boundary),
        cmocka_unit_test(semicolon_in_quoted_boundary),
        cmocka_unit_test(mbox_messages),
        cmocka_unit_test(unterminated_multipart_is_corrupt),
        cmocka_unit_test(child_limit_truncates),
        cmocka_unit_test(emit_error_stops),
        cmocka_unit_test(malformed_inputs),
        cmocka_unit_test(clamav_samples),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
