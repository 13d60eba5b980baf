// SPDX-License-Identifier: GPL-2.0-or-later
// test_pattern.c: the body-pattern language, offsets and the matcher.
#include "test_main.h"

#include <stdlib.h>
#include <string.h>

#include "match/matcher.h"
#include "vigil/vigil.h"

struct hits {
    unsigned n;
    uint64_t start, end;
};

static int on_match(void *cookie, uint32_t owner, uint64_t start,
                    uint64_t end)
{
    struct hits *h = cookie;
    (void)owner;
    if (h->n++ == 0) {
        h->start = start;
        h->end = end;
    }
    return 0;
}

/* Compile one pattern and scan @p len bytes (copied to an exact-size heap
 * buffer so ASan sees any overread). @return matches, or -1 if the pattern
 * was refused. */
static int scan_with(const char *pattern, const char *offset, unsigned flags,
                     const void *data, size_t len, struct hits *h)
{
    struct vg_matcher m;
    struct vg_match_scratch *s = NULL;
    struct vg_offset off;
    const char *why = NULL;
    uint8_t *buf = malloc(len ? len : 1);
    int ret;
    memset(h, 0, sizeof *h);
    memcpy(buf, data, len);
    vg_matcher_init(&m);
    assert_int_equal(vg_offset_parse(vigil_str_cstr(offset), &off, &why), 0);
    ret = vg_matcher_add(&m, vigil_str_cstr(pattern), flags, &off, 0, 7, &why);
    if (ret == VIGIL_OK) {
        assert_int_equal(vg_matcher_compile(&m, &why), VIGIL_OK);
        assert_int_equal(vg_match_scratch_new(&m, &s), VIGIL_OK);
        assert_int_equal(vg_matcher_scan(&m, s, vigil_span_make(buf, len), 1,
                                         NULL, on_match, h),
                         VIGIL_OK);
    }
    vg_match_scratch_free(&s);
    vg_matcher_free(&m);
    free(buf);
    return ret == VIGIL_OK ? (int)h->n : -1;
}

static int hits(const char *pattern, const char *text)
{
    struct hits h;
    return scan_with(pattern, "*", 0, text, strlen(text), &h);
}

static void literal_and_wildcards(void **state)
{
    (void)state;
    assert_int_equal(hits("616263", "xxabcxx"), 1);
    assert_int_equal(hits("616263", "xxabdxx"), 0);
    assert_int_equal(hits("6161??6363", "aa-cc"), 1);
    assert_int_equal(hits("61616?63", "aabc"), 1);  /* low nibble free */
    assert_int_equal(hits("6161?263", "aabc"), 1);  /* high nibble free */
    assert_int_equal(hits("6161?363", "aabc"), 0);
    assert_int_equal(hits("6162", "abab"), 2);   /* every occurrence */
}

static void gaps(void **state)
{
    (void)state;
    assert_int_equal(hits("6162*7879", "ab---------xy"), 1);
    assert_int_equal(hits("6162*7879", "xyab"), 0); /* order matters */
    assert_int_equal(hits("6162{3}7879", "ab123xy"), 1);
    assert_int_equal(hits("6162{3}7879", "ab12xy"), 0);
    assert_int_equal(hits("6162{-3}7879", "abxy"), 1);
    assert_int_equal(hits("6162{-3}7879", "ab1234xy"), 0);
    assert_int_equal(hits("6162{2-}7879", "ab1xy"), 0);
    assert_int_equal(hits("6162{2-}7879", "ab123456xy"), 1);
    assert_int_equal(hits("6162{1-2}7879", "ab12xy"), 1);
    assert_int_equal(hits("6162{1-2}7879", "ab123xy"), 0);
    assert_int_equal(hits("61[1-2]7879", "a12xy"), 1);
    assert_int_equal(hits("61[1-2]7879", "axy"), 0);
    /* backtracking: the first 'ab' is too far, the second fits */
    assert_int_equal(hits("6162{-2}7879", "ab------ab1xy"), 1);
}

static void alternatives(void **state)
{
    (void)state;
    assert_int_equal(hits("6161(62|63)64", "aacd"), 1);
    assert_int_equal(hits("6161(62|63)64", "aaed"), 0);
    assert_int_equal(hits("6161!(62|63)64", "aaed"), 1);
    assert_int_equal(hits("6161!(62|63)64", "aabd"), 0);
    assert_int_equal(hits("7878(6162|6364)79", "xxcdy"), 1);
    assert_int_equal(hits("7878!(6162|6364)79", "xxcdy"), 0);
    assert_int_equal(hits("7878!(6162|6364)79", "xxcey"), 1);
    /* generic: alternatives of different lengths */
    assert_int_equal(hits("7878(61|626364)79", "xxbcdy"), 1);
    assert_int_equal(hits("7878(61|626364)79", "xxay"), 1);
    assert_int_equal(hits("7878(61|626364)79", "xxby"), 0);
}

static void boundaries(void **state)
{
    (void)state;
    assert_int_equal(hits("(B)776f726c64", "hello world"), 1);
    assert_int_equal(hits("(B)776f726c64", "helloworld"), 0);
    assert_int_equal(hits("(B)68656c6c6f", "hello"), 1); /* file edge */
    assert_int_equal(hits("776f726c64(B)", "world"), 1);
    assert_int_equal(hits("776f726c64(B)", "worlds"), 0);
    assert_int_equal(hits("(L)626172", "foo\nbar"), 1);
    assert_int_equal(hits("(L)626172", "foo bar"), 0);
    assert_int_equal(hits("6f6f(W)77", "oo w"), 1);
    assert_int_equal(hits("6f6f(W)77", "ooxw"), 0);
}

static void modifiers(void **state)
{
    struct hits h;
    (void)state;
    assert_int_equal(scan_with("616263", "*", VG_PAT_NOCASE, "xAbCx", 5, &h),
                     1);
    assert_int_equal(scan_with("616263", "*", 0, "xAbCx", 5, &h), 0);
    assert_int_equal(scan_with("6162", "*", VG_PAT_WIDE, "a\0b\0", 4, &h), 1);
    assert_int_equal(scan_with("6162", "*", VG_PAT_WIDE, "ab", 2, &h), 0);
    assert_int_equal(
        scan_with("6162", "*", VG_PAT_WIDE | VG_PAT_ASCII, "ab", 2, &h), 1);
    assert_int_equal(scan_with("6162", "*", VG_PAT_FULLWORD, "x ab.", 5, &h),
                     1);
    assert_int_equal(scan_with("6162", "*", VG_PAT_FULLWORD, "xab", 3, &h),
                     0);
}

static void offsets(void **state)
{
    struct hits h;
    const char *t = "0123456789";
    (void)state;
    assert_int_equal(scan_with("3233", "2", 0, t, 10, &h), 1);
    assert_int_equal(scan_with("3233", "3", 0, t, 10, &h), 0);
    assert_int_equal(scan_with("3233", "0,2", 0, t, 10, &h), 1);
    assert_int_equal(scan_with("3233", "0,1", 0, t, 10, &h), 0);
    assert_int_equal(scan_with("3839", "EOF-2", 0, t, 10, &h), 1);
    assert_int_equal(scan_with("3738", "EOF-2", 0, t, 10, &h), 0);
    /* a searched pattern whose start must fall in a wide window */
    assert_int_equal(scan_with("3536", "0,5000", 0, t, 10, &h), 1);
    assert_int_equal(h.start, 5);
    assert_int_equal(h.end, 7);
    /* EP needs executable headers: none given, no match */
    assert_int_equal(scan_with("3031", "EP+0", 0, t, 10, &h), 0);
}

static void nul_first_atoms(void **state)
{
    static const uint8_t d[] = {1, 0, 0, 0x41, 0x42, 0, 0x43, 9};
    struct hits h;
    (void)state;
    /* Vectorscan 5.4.9 rejects literals that start with NUL: the atom
     * chooser must start elsewhere and still find the match. */
    assert_int_equal(scan_with("00004142", "*", 0, d, sizeof d, &h), 1);
    assert_int_equal(h.start, 1);
    assert_int_equal(scan_with("0043", "*", 0, d, sizeof d, &h), 1);
    /* all NUL: searched through the regex path */
    assert_int_equal(scan_with("0000", "*", 0, d, sizeof d, &h), 1);
    assert_int_equal(h.start, 1);
    assert_int_equal(scan_with("000000", "*", 0, d, sizeof d, &h), 0);
}

static void malformed(void **state)
{
    struct hits h;
    (void)state;
    const char *bad[] = {"", "6", "6g", "*6162", "6162*", "61(62", "61{2",
                         "61{3-1}62", "61!62", "(61|6263", "61{x}62",
                         "????",
                         /* ClamAV's limits: 2 literal bytes per piece */
                         "61*6263", "6162*63", "61??62", "61(62|63)64",
                         "6?62", "(B)61"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(scan_with(bad[i], "*", 0, "ab", 2, &h), -1);
}

static void clamav_piece_rules(void **state)
{
    struct hits h;
    (void)state;
    /* a single byte beside [x-y] may stand alone */
    assert_int_equal(hits("61[1-2]6263", "a1bc"), 1);
    /* {0} means '*' in ClamAV */
    assert_int_equal(hits("6162{0}6364", "abxxxxcd"), 1);
    assert_int_equal(hits("6162{-0}6364", "abxcd"), 1);
    /* .ndb plain patterns need 3 bytes, .ldb subsignatures 2 */
    assert_int_equal(scan_with("6162", "*", VG_PAT_NDB, "ab", 2, &h), -1);
    assert_int_equal(scan_with("616263", "*", VG_PAT_NDB, "abc", 3, &h), 1);
    assert_int_equal(scan_with("6162", "*", 0, "ab", 2, &h), 1);
}

static void match_at_buffer_edges(void **state)
{
    (void)state;
    assert_int_equal(hits("6162", "ab"), 1);
    assert_int_equal(hits("616263", "ab"), 0);
    assert_int_equal(hits("6161??", "xaa"), 0); /* wildcard past the end */
    assert_int_equal(hits("??6162", "ab"), 0);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(literal_and_wildcards),
        cmocka_unit_test(gaps),
        cmocka_unit_test(alternatives),
        cmocka_unit_test(boundaries),
        cmocka_unit_test(modifiers),
        cmocka_unit_test(offsets),
        cmocka_unit_test(nul_first_atoms),
        cmocka_unit_test(malformed),
        cmocka_unit_test(clamav_piece_rules),
        cmocka_unit_test(match_at_buffer_edges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
