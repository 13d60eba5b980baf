// SPDX-License-Identifier: GPL-2.0-or-later
// test_manifest.c: the vigil feed manifest parser
// (tools/vigil/update_manifest.c): what it accepts, and that each way a
// manifest can be malformed is refused with a reason.
#include <stdio.h>
#include <string.h>

#include "test_main.h"
#include "update.h"

#define HEAD "vigil-feed-manifest 1\nversion 7\ncreated 100\nexpires 200\n"
#define FILE1                                                                  \
    "file vigil.hdb 68 "                                                       \
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
#define SIG                                                                    \
    "signature ed25519 0123456789abcdef "                                      \
    "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"         \
    "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee\n"

static int parse(const char *text, struct upd_manifest *m, char *why)
{
    return upd_manifest_parse((const uint8_t *)text, strlen(text), m, why, 200);
}

/* Refused, and the reason contains @p words. */
static void refused(const char *text, const char *words)
{
    struct upd_manifest m;
    char why[200] = "";
    assert_int_not_equal(parse(text, &m, why), VIGIL_OK);
    if (!strstr(why, words))
        fail_msg("reason '%s' lacks '%s'", why, words);
    assert_null(m.files);
}

static void accepts_a_good_manifest(void **state)
{
    struct upd_manifest m;
    char why[200] = "";
    const char *text = HEAD FILE1 SIG SIG;
    (void)state;
    assert_int_equal(parse(text, &m, why), VIGIL_OK);
    assert_int_equal(m.version, 7);
    assert_int_equal(m.created, 100);
    assert_int_equal(m.expires, 200);
    assert_int_equal(m.nfiles, 1);
    assert_string_equal(m.files[0].name, "vigil.hdb");
    assert_int_equal(m.files[0].size, 68);
    assert_int_equal(m.files[0].sha256[31], 0x1f);
    assert_int_equal(m.nsigs, 2);
    assert_int_equal(m.sigs[0].keyid[0], 0x01);
    assert_int_equal(m.sigs[0].sig[63], 0xee);
    /* the signed body ends where the first signature line starts */
    assert_int_equal(m.body_len, strlen(HEAD FILE1));
    upd_manifest_free(&m);
}

static void refuses_wrong_magic(void **state)
{
    (void)state;
    refused("vigil-feed-manifest 2\nversion 7\n" SIG, "not a vigil feed");
    refused("", "required");
}

static void refuses_unsigned(void **state)
{
    (void)state;
    refused(HEAD FILE1, "not signed");
}

static void refuses_lines_after_a_signature(void **state)
{
    (void)state;
    refused(HEAD SIG FILE1, "only signatures");
}

static void refuses_missing_or_repeated_fields(void **state)
{
    (void)state;
    refused("vigil-feed-manifest 1\nversion 7\ncreated 100\n" SIG, "required");
    refused(HEAD "version 8\n" SIG, "twice");
    refused(HEAD "colour blue\n" SIG, "unknown keyword");
}

static void refuses_bad_numbers(void **state)
{
    (void)state;
    refused("vigil-feed-manifest 1\nversion -7\ncreated 100\nexpires 200\n" SIG,
            "not a number");
    refused("vigil-feed-manifest 1\nversion 99999999999999999999\n"
            "created 100\nexpires 200\n" SIG,
            "not a number");
    refused("vigil-feed-manifest 1\nversion 1\ncreated 200\nexpires 200\n" SIG,
            "expires before");
}

static void refuses_bad_file_lines(void **state)
{
    (void)state;
    refused(HEAD "file .hidden 1 "
                 "00000000000000000000000000000000"
                 "00000000000000000000000000000000\n" SIG,
            "bad file name");
    refused(HEAD "file ../etc/passwd 1 "
                 "0000000000000000000000000000000"
                 "000000000000000000000000000000000\n" SIG,
            "bad file name");
    refused(HEAD FILE1 FILE1 SIG, "listed twice");
    refused(HEAD "file a.hdb 1 00ff\n" SIG, "bad SHA-256");
    refused(HEAD "file a.hdb 1\n" SIG, "NAME SIZE SHA256");
}

static void refuses_bad_signature_lines(void **state)
{
    (void)state;
    refused(HEAD "signature rsa 0123456789abcdef 00\n", "ed25519");
    refused(HEAD "signature ed25519 0123 00\n", "key id");
    refused(HEAD "signature ed25519 0123456789abcdef 00\n", "bad signature");
    refused(HEAD SIG SIG SIG SIG SIG SIG SIG SIG SIG, "more than 8");
}

static void refuses_sloppy_text(void **state)
{
    (void)state;
    refused("vigil-feed-manifest 1\r\nversion 7\r\n", "printable");
    refused(HEAD FILE1 "signature ed25519 0123456789abcdef ff", "newline");
    refused(HEAD "\n" SIG, "empty line");
    refused(HEAD "version  7\n" SIG, "empty field");
    refused(HEAD "version 7\t\n" SIG, "printable");
}

static void refuses_oversized(void **state)
{
    static char big[UPD_MAX_MANIFEST + 2];
    struct upd_manifest m;
    char why[200] = "";
    (void)state;
    memset(big, 'a', sizeof big - 1);
    assert_int_equal(parse(big, &m, why), VIGIL_E_LIMIT);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(accepts_a_good_manifest),
        cmocka_unit_test(refuses_wrong_magic),
        cmocka_unit_test(refuses_unsigned),
        cmocka_unit_test(refuses_lines_after_a_signature),
        cmocka_unit_test(refuses_missing_or_repeated_fields),
        cmocka_unit_test(refuses_bad_numbers),
        cmocka_unit_test(refuses_bad_file_lines),
        cmocka_unit_test(refuses_bad_signature_lines),
        cmocka_unit_test(refuses_sloppy_text),
        cmocka_unit_test(refuses_oversized),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
