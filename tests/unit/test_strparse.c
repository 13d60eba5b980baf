// SPDX-License-Identifier: GPL-2.0-or-later
// test_strparse.c: unit tests for strict text parsing (util/strparse.h).
#include "test_main.h"

#include <stdlib.h>
#include <string.h>

#include "util/strparse.h"

/*
 * Inputs are heap copies of exactly their length with no NUL after them,
 * so that reading one byte too far is an ASan error, not a silent pass.
 */
static char *dup_exact(const char *s, size_t n)
{
    char *p = malloc(n != 0 ? n : 1);

    assert_non_null(p);
    if (n != 0)
        memcpy(p, s, n);
    return p;
}

static struct vigil_str view(char *p, const char *s)
{
    return vigil_str_make(p, strlen(s));
}

static void assert_str(struct vigil_str s, const char *want)
{
    assert_int_equal(s.len, strlen(want));
    if (s.len != 0)
        assert_memory_equal(s.p, want, s.len);
}

/* Split @p text with max @p max; returns the count, checks no overwrite. */
static size_t split_text(const char *text, size_t max, struct vigil_str *f)
{
    char *buf = dup_exact(text, strlen(text));
    struct vigil_str sentinel = {"sentinel", 8};
    size_t n;

    f[max] = sentinel;
    n = vigil_str_split(view(buf, text), ':', f, max);
    assert_ptr_equal(f[max].p, sentinel.p); /* fields[max] never written */
    /* The fields must point into the input buffer: copy them out. */
    for (size_t i = 0; i < (n < max ? n : max); i++) {
        assert_true(f[i].p >= buf && f[i].p + f[i].len <= buf + strlen(text));
        f[i].p = text + (f[i].p - buf);
    }
    free(buf);
    return n;
}

static void split_field_counts(void **state)
{
    struct vigil_str f[6];
    (void)state;

    assert_int_equal(split_text("a:bb:ccc", 5, f), 3);
    assert_str(f[0], "a");
    assert_str(f[1], "bb");
    assert_str(f[2], "ccc");
    assert_int_equal(split_text("single", 5, f), 1);
    assert_str(f[0], "single");
    /* Exactly max fields is not "too many". */
    assert_int_equal(split_text("1:2:3:4:5", 5, f), 5);
    assert_str(f[4], "5");
}

static void split_empty_fields(void **state)
{
    struct vigil_str f[6];
    (void)state;

    assert_int_equal(split_text("", 5, f), 1);
    assert_str(f[0], "");
    assert_int_equal(split_text(":", 5, f), 2);
    assert_str(f[0], "");
    assert_str(f[1], "");
    assert_int_equal(split_text("a::b:", 5, f), 4);
    assert_str(f[0], "a");
    assert_str(f[1], "");
    assert_str(f[2], "b");
    assert_str(f[3], "");
    assert_int_equal(split_text("::::", 5, f), 5);
}

static void split_too_many(void **state)
{
    struct vigil_str f[6];
    (void)state;

    assert_int_equal(split_text("a:b:c:d", 3, f), 4);
    assert_str(f[0], "a");
    assert_str(f[1], "b");
    assert_str(f[2], "c"); /* not "c:d" */
    assert_int_equal(split_text("a:b:c:", 3, f), 4); /* trailing empty */
    assert_int_equal(split_text(":::::", 5, f), 6);
    assert_int_equal(split_text("x", 0, f), 1);
    assert_int_equal(split_text("", 0, f), 1);
}

/* Parse @p text with @p max; on failure, checks *out was not written. */
static int to_u64(const char *text, uint64_t max, uint64_t *out)
{
    char *buf = dup_exact(text, strlen(text));
    uint64_t v = 0xdeadbeefu;
    int ret = vigil_str_to_u64(view(buf, text), max, &v);

    free(buf);
    if (ret != 0)
        assert_int_equal(v, 0xdeadbeefu);
    *out = v;
    return ret;
}

static void to_u64_valid(void **state)
{
    uint64_t v;
    (void)state;

    assert_int_equal(to_u64("0", UINT64_MAX, &v), 0);
    assert_int_equal(v, 0);
    assert_int_equal(to_u64("42", UINT64_MAX, &v), 0);
    assert_int_equal(v, 42);
    assert_int_equal(to_u64("007", UINT64_MAX, &v), 0);
    assert_int_equal(v, 7);
    assert_int_equal(to_u64("1234567890", UINT64_MAX, &v), 0);
    assert_int_equal(v, 1234567890u);
}

static void to_u64_rejects_non_digits(void **state)
{
    static const char *const bad[] = {
        "", "+1", "-1", "-0", " 1", "1 ", "1a", "a1", "0x10",
        "1.0", "/", ":", "1,000", "\t7", "\xd9\xa1",
    };
    uint64_t v;
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_not_equal(to_u64(bad[i], UINT64_MAX, &v), 0);
}

static void to_u64_uint64_boundary(void **state)
{
    uint64_t v;
    (void)state;

    assert_int_equal(to_u64("18446744073709551615", UINT64_MAX, &v), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(to_u64("018446744073709551615", UINT64_MAX, &v), 0);
    assert_true(v == UINT64_MAX);
    assert_int_equal(to_u64("18446744073709551614", UINT64_MAX, &v), 0);
    assert_true(v == UINT64_MAX - 1);
    assert_int_not_equal(to_u64("18446744073709551616", UINT64_MAX, &v), 0);
    assert_int_not_equal(to_u64("18446744073709551620", UINT64_MAX, &v), 0);
    assert_int_not_equal(to_u64("99999999999999999999", UINT64_MAX, &v), 0);
    assert_int_not_equal(to_u64("184467440737095516150", UINT64_MAX, &v), 0);
    /* 2^64 + 1 would wrap to 1 with unchecked arithmetic. */
    assert_int_not_equal(to_u64("18446744073709551617", UINT64_MAX, &v), 0);
}

static void to_u64_max_param(void **state)
{
    uint64_t v;
    (void)state;

    assert_int_equal(to_u64("4294967295", UINT32_MAX, &v), 0);
    assert_int_equal(v, UINT32_MAX);
    assert_int_not_equal(to_u64("4294967296", UINT32_MAX, &v), 0);
    assert_int_not_equal(to_u64("42949672950", UINT32_MAX, &v), 0);
    assert_int_equal(to_u64("100", 100, &v), 0);
    assert_int_equal(v, 100);
    assert_int_not_equal(to_u64("101", 100, &v), 0);
    assert_int_not_equal(to_u64("110", 100, &v), 0);
    assert_int_equal(to_u64("10", 10, &v), 0);
    assert_int_not_equal(to_u64("11", 10, &v), 0);
    assert_int_equal(to_u64("9", 9, &v), 0);
    assert_int_not_equal(to_u64("10", 9, &v), 0);
}

static void to_u64_small_max(void **state)
{
    uint64_t v;
    (void)state;

    assert_int_equal(to_u64("0", 0, &v), 0);
    assert_int_not_equal(to_u64("1", 0, &v), 0);
    assert_int_equal(to_u64("5", 5, &v), 0);
    assert_int_not_equal(to_u64("7", 5, &v), 0);
    assert_int_not_equal(to_u64("17", 5, &v), 0);
}

/* Decode @p text into a buffer of exactly @p outlen bytes + guard bytes. */
static int hex(const char *text, uint8_t *out, size_t outlen)
{
    char *buf = dup_exact(text, strlen(text));
    uint8_t tmp[64];
    int ret;

    assert_true(outlen + 4 <= sizeof tmp);
    memset(tmp, 0xa5, sizeof tmp);
    ret = vigil_str_hex(view(buf, text), tmp, outlen);
    free(buf);
    for (size_t i = outlen; i < sizeof tmp; i++)
        assert_int_equal(tmp[i], 0xa5); /* nothing past outlen */
    memcpy(out, tmp, outlen);
    return ret;
}

static void hex_decodes_both_cases(void **state)
{
    static const uint8_t want[] = {0x01, 0x23, 0x45, 0x67,
                                   0x89, 0xab, 0xcd, 0xef};
    uint8_t out[8];
    (void)state;

    assert_int_equal(hex("0123456789abcdef", out, 8), 0);
    assert_memory_equal(out, want, 8);
    assert_int_equal(hex("0123456789ABCDEF", out, 8), 0);
    assert_memory_equal(out, want, 8);
    assert_int_equal(hex("0123456789aBcDeF", out, 8), 0);
    assert_memory_equal(out, want, 8);
    assert_int_equal(hex("00ff", out, 2), 0);
    assert_int_equal(out[0], 0x00);
    assert_int_equal(out[1], 0xff);
    assert_int_equal(hex("", out, 0), 0);
}

static void hex_rejects_odd_and_non_hex(void **state)
{
    static const char *const bad[] = {
        "a", "abc", "0g", "g0", "zz", "0x", " 0", "0 ", "+1", "-1", "a\n",
        "@0", "`0", "G0", "0:", "/0",
    };
    uint8_t out[8];
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_not_equal(hex(bad[i], out, 8), 0);
}

static void hex_outlen(void **state)
{
    uint8_t out[8];
    (void)state;

    assert_int_equal(hex("aabbcc", out, 3), 0); /* exactly enough */
    assert_int_equal(hex("aabbcc", out, 8), 0); /* more than enough */
    assert_int_not_equal(hex("aabbcc", out, 2), 0);
    assert_int_not_equal(hex("aa", out, 0), 0);
}

static void hexval_every_byte(void **state)
{
    (void)state;
    for (int c = 0; c < 256; c++) {
        int want = -1;
        if (c >= '0' && c <= '9')
            want = c - '0';
        else if (c >= 'a' && c <= 'f')
            want = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            want = c - 'A' + 10;
        assert_int_equal(vigil_hexval((char)c), want);
    }
}

/* Split @p text (length @p n) into lines, compare with @p want. */
static void check_lines(const char *text, size_t n, const char *const *want,
                        size_t nwant)
{
    char *buf = dup_exact(text, n);
    struct vigil_str rest = vigil_str_make(buf, n), line;
    size_t i = 0;

    while (vigil_str_next_line(&rest, &line)) {
        assert_true(i < nwant);
        assert_str(line, want[i]);
        i++;
    }
    assert_int_equal(i, nwant);
    assert_int_equal(rest.len, 0);
    assert_false(vigil_str_next_line(&rest, &line)); /* stays at end */
    free(buf);
}

#define CHECK_LINES(text, ...)                                               \
    do {                                                                     \
        static const char *const w_[] = {__VA_ARGS__};                       \
        check_lines(text, sizeof(text) - 1, w_, sizeof w_ / sizeof w_[0]);   \
    } while (0)

static void next_line_lf(void **state)
{
    (void)state;
    CHECK_LINES("a\nbb\nccc\n", "a", "bb", "ccc");
    CHECK_LINES("x\n", "x");
}

static void next_line_crlf(void **state)
{
    (void)state;
    CHECK_LINES("a\r\nbb\r\n", "a", "bb");
    CHECK_LINES("a\r\nb\nc\r\n", "a", "b", "c"); /* mixed */
    /* Only one CR before the LF is stripped; inner CRs stay. */
    CHECK_LINES("a\r\r\nb\rc\n", "a\r", "b\rc");
}

static void next_line_no_trailing_newline(void **state)
{
    (void)state;
    CHECK_LINES("a\nlast", "a", "last");
    CHECK_LINES("only", "only");
    CHECK_LINES("cr\r", "cr");
}

static void next_line_empty_lines(void **state)
{
    struct vigil_str rest = vigil_str_make(NULL, 0), line;
    (void)state;

    CHECK_LINES("\n", "");
    CHECK_LINES("\n\r\n\nx\n\n", "", "", "", "x", "");
    CHECK_LINES("\r", "");
    assert_false(vigil_str_next_line(&rest, &line)); /* empty input */
}

static bool has_suffix(const char *s, const char *suffix)
{
    char *buf = dup_exact(s, strlen(s));
    bool r = vigil_str_has_suffix_nocase(view(buf, s), suffix);

    free(buf);
    return r;
}

static void suffix_nocase(void **state)
{
    (void)state;
    assert_true(has_suffix("main.hdb", ".hdb"));
    assert_true(has_suffix("MAIN.HDB", ".hdb"));
    assert_true(has_suffix("x.HdB", ".hDb"));
    assert_true(has_suffix(".hdb", ".hdb"));
    assert_true(has_suffix("anything", ""));
    assert_true(has_suffix("", ""));
    assert_false(has_suffix("hdb", ".hdb")); /* shorter than suffix */
    assert_false(has_suffix("", ".hdb"));
    assert_false(has_suffix("x.hdbx", ".hdb"));
    assert_false(has_suffix("x.hsb", ".hdb"));
    assert_false(has_suffix("x.ign", ".ign2"));
    /* Only A-Z fold: '[' / '{' and '@' / '`' differ by 0x20 too. */
    assert_false(has_suffix("x[", "{"));
    assert_false(has_suffix("x@", "`"));
    assert_false(has_suffix("x\xc4", "\xe4"));
}

static void str_eq_and_cstr(void **state)
{
    struct vigil_str s = vigil_str_cstr("abc");
    (void)state;

    assert_int_equal(s.len, 3);
    assert_true(vigil_str_eq(s, "abc"));
    assert_false(vigil_str_eq(s, "ab"));
    assert_false(vigil_str_eq(s, "abcd"));
    assert_false(vigil_str_eq(s, "ABC"));
    assert_true(vigil_str_eq(vigil_str_make("*x", 1), "*"));
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_field_counts),
        cmocka_unit_test(split_empty_fields),
        cmocka_unit_test(split_too_many),
        cmocka_unit_test(to_u64_valid),
        cmocka_unit_test(to_u64_rejects_non_digits),
        cmocka_unit_test(to_u64_uint64_boundary),
        cmocka_unit_test(to_u64_max_param),
        cmocka_unit_test(to_u64_small_max),
        cmocka_unit_test(hex_decodes_both_cases),
        cmocka_unit_test(hex_rejects_odd_and_non_hex),
        cmocka_unit_test(hex_outlen),
        cmocka_unit_test(hexval_every_byte),
        cmocka_unit_test(next_line_lf),
        cmocka_unit_test(next_line_crlf),
        cmocka_unit_test(next_line_no_trailing_newline),
        cmocka_unit_test(next_line_empty_lines),
        cmocka_unit_test(suffix_nocase),
        cmocka_unit_test(str_eq_and_cstr),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
