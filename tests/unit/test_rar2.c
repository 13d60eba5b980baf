// SPDX-License-Identifier: GPL-2.0-or-later
// test_rar2.c: vigil's RAR 1.5-4.x reader and RAR 2.0 decoder: stored
// members, hand-made compressed members (LZ, audio, solid), CRC checks,
// encrypted and damaged members, limits, and the fallback after
// libarchive (ClamAV's clam-v2.rar).
#include "test_main.h"

#include <zlib.h>

#include "fmt/rar2.h"
#include "scan/extractors.h"
#include "test_fmt.h"

/* RAR 2.0 bit streams made by fuzz/make_rar2_seeds.py (there is no free
 * rar compressor). LZ: fixed tables, then "AB", a 3-byte match at
 * distance 2, a repeat of the last match, a short match, a match at the
 * last distance: "ABABABABABABA". */
static const uint8_t lz_packed[] = {0x0c, 0xcc, 0xc0, 0x00, 0x00, 0x00, 0x00,
                                    0x00, 0x00, 0xce, 0xb6, 0x4a, 0xff, 0xaa,
                                    0x1b, 0x81, 0xca, 0xe9, 0x02, 0x6a, 0x32,
                                    0x68, 0xf1, 0xf9, 0x9b};
static const char lz_plain[] = "ABABABABABABA";
/* Audio, one channel, 32 deltas of -1 with the predictor's weights
 * still zero: the bytes 1, 2, ... 32. */
static const uint8_t audio_packed[] = {0x83, 0x33, 0x30, 0x00, 0x00, 0x00,
                                       0x00, 0x00, 0x00, 0x33, 0xbf, 0xee,
                                       0xa2, 0x40, 0x00, 0x00, 0x00, 0x00};
/* A solid continuation without tables: a 3-byte match at distance 2. */
static const uint8_t solid_packed[] = {0xF0};

#define F_LONG 0x8000u
#define F_SOLID 0x0010u
#define F_PASSWORD 0x0004u

struct ar {
    uint8_t p[4096];
    size_t n;
};

static void put(struct ar *a, const void *p, size_t n)
{
    assert_true(a->n + n <= sizeof a->p);
    memcpy(a->p + a->n, p, n);
    a->n += n;
}

static void put16(struct ar *a, unsigned v)
{
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put(a, b, 2);
}

static void put32(struct ar *a, uint32_t v)
{
    put16(a, v & 0xFFFFu);
    put16(a, v >> 16);
}

/* The low 16 bits of the CRC32 of the header after its CRC field
 * (libarchive checks it; vigil's reader does not). */
static void seal(struct ar *a, size_t at)
{
    uint32_t crc = (uint32_t)crc32(0, a->p + at + 2, (uInt)(a->n - at - 2));
    a->p[at] = (uint8_t)crc;
    a->p[at + 1] = (uint8_t)(crc >> 8);
}

static void start(struct ar *a, bool solid)
{
    a->n = 0;
    put(a, "Rar!\x1a\x07\x00", 7);
    put16(a, 0);
    put(a, "\x73", 1);
    put16(a, solid ? 0x0008u : 0u);
    put16(a, 13);
    put(a, "\0\0\0\0\0\0", 6);
    seal(a, 7);
}

/* A file block; @p crc_of is what the header's CRC32 is computed over. */
static void member(struct ar *a, const char *name, const void *packed,
                   size_t plen, const void *crc_of, size_t ulen,
                   unsigned method, unsigned flags)
{
    size_t nlen = strlen(name), at = a->n;
    put16(a, 0);
    put(a, "\x74", 1);
    put16(a, flags | F_LONG);
    put16(a, (unsigned)(32 + nlen));
    put32(a, (uint32_t)plen);
    put32(a, (uint32_t)ulen);
    put(a, "\x03", 1);
    put32(a, (uint32_t)crc32(0, crc_of, (uInt)ulen));
    put32(a, 0);
    put(a, "\x14", 1); /* unpack version 20 */
    put(a, (const uint8_t[]){(uint8_t)method}, 1);
    put16(a, (unsigned)nlen);
    put32(a, 0x81A4);
    put(a, name, nlen);
    seal(a, at);
    put(a, packed, plen);
}

static void end(struct ar *a)
{
    size_t at = a->n;
    put16(a, 0);
    put(a, "\x7b", 1);
    put16(a, 0x4000);
    put16(a, 7);
    seal(a, at);
}

static void one(struct ar *a, const char *name, const void *packed, size_t plen,
                const void *plain, size_t ulen, unsigned method)
{
    start(a, false);
    member(a, name, packed, plen, plain, ulen, method, 0);
    end(a);
}

static void stored_member(void **state)
{
    struct ar a;
    struct fake_core fc;
    (void)state;
    one(&a, "a.txt", "hello rar", 9, "hello rar", 9, 0x30);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_rar2_extract, a.p, a.n), VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find_str(&fc, "hello rar"));
    assert_string_equal(fc.kids[0].name, "a.txt");
    fake_free(&fc);
}

static void crc_mismatch_is_corrupt(void **state)
{
    struct ar a;
    struct fake_core fc;
    (void)state;
    one(&a, "a", "hello rar", 9, "hello RAR", 9, 0x30);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_rar2_extract, a.p, a.n), VIGIL_E_CORRUPT);
    assert_non_null(fake_find_str(&fc, "hello rar")); /* still scanned */
    fake_free(&fc);
}

static void lz_member(void **state)
{
    struct ar a;
    struct fake_core fc;
    (void)state;
    one(&a, "ab", lz_packed, sizeof lz_packed, lz_plain, 13, 0x33);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_rar2_extract, a.p, a.n), VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find_str(&fc, lz_plain));
    fake_free(&fc);
}

static void audio_member(void **state)
{
    struct ar a;
    struct fake_core fc;
    uint8_t ramp[32];
    (void)state;
    for (unsigned i = 0; i < 32; i++)
        ramp[i] = (uint8_t)(i + 1);
    one(&a, "w", audio_packed, sizeof audio_packed, ramp, 32, 0x35);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_rar2_extract, a.p, a.n), VIGIL_OK);
    assert_non_null(fake_find(&fc, ramp, 32));
    fake_free(&fc);
}

static void solid_continues_window(void **state)
{
    struct ar a;
    struct fake_core fc;
    (void)state;
    start(&a, true);
    member(&a, "1", lz_packed, sizeof lz_packed, lz_plain, 13, 0x33, 0);
    member(&a, "2", solid_packed, 1, "BAB", 3, 0x33, F_SOLID);
    end(&a);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_rar2_extract, a.p, a.n), VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_non_null(fake_find_str(&fc, "BAB"));
    fake_free(&fc);
    /* A stored member and a directory between them: not in the chain. */
    start(&a, true);
    member(&a, "1", lz_packed, sizeof lz_packed, lz_plain, 13, 0x33, 0);
    member(&a, "s", "stored", 6, "stored", 6, 0x30, F_SOLID);
    member(&a, "d", "", 0, "", 0, 0x30, F_SOLID | 0x00E0u);
    member(&a, "2", solid_packed, 1, "BAB", 3, 0x33, F_SOLID);
    end(&a);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_rar2_extract, a.p, a.n), VIGIL_OK);
    assert_int_equal(fc.n, 3);
    assert_non_null(fake_find_str(&fc, "BAB"));
    /* Without the solid flag the second member has no tables. */
    start(&a, false);
    member(&a, "1", lz_packed, sizeof lz_packed, lz_plain, 13, 0x33, 0);
    member(&a, "2", solid_packed, 1, "BAB", 3, 0x33, 0);
    end(&a);
    fake_free(&fc);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_rar2_extract, a.p, a.n), VIGIL_E_CORRUPT);
    assert_null(fake_find_str(&fc, "BAB"));
    fake_free(&fc);
}

static void encrypted_member(void **state)
{
    struct ar a;
    struct fake_core fc;
    (void)state;
    start(&a, false);
    member(&a, "e", "xxxxxxxx", 8, "yyyyyyyy", 8, 0x33, F_PASSWORD);
    end(&a);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_rar2_extract, a.p, a.n), VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_true(fc.kids[0].encrypted);
    assert_int_equal(fc.kids[0].len, 0);
    fake_free(&fc);
}

/* Every prefix, and every single-byte change of the packed data: an
 * error or a CRC mismatch, never a crash or a wrong "OK". */
static void damaged(void **state)
{
    struct ar a, b;
    struct fake_core fc;
    size_t data_at;
    (void)state;
    one(&a, "ab", lz_packed, sizeof lz_packed, lz_plain, 13, 0x33);
    data_at = a.n - 7 - sizeof lz_packed;
    for (size_t n = 21; n < a.n - 7; n++) { /* cut in the member */
        fake_init(&fc);
        assert_int_not_equal(fake_run(&fc, vg_rar2_extract, a.p, n), VIGIL_OK);
        fake_free(&fc);
    }
    for (size_t i = 0; i < sizeof lz_packed; i++) {
        b = a;
        b.p[data_at + i] ^= 0x5A;
        fake_init(&fc);
        if (fake_run(&fc, vg_rar2_extract, b.p, b.n) == VIGIL_OK)
            assert_non_null(fake_find_str(&fc, lz_plain));
        fake_free(&fc);
    }
}

static void oversubscribed_tables(void **state)
{
    /* Every code-length length 1: 19 codes of one bit. */
    static const uint8_t bad[] = {0x04, 0x44, 0x44, 0x44, 0x44, 0x44,
                                  0x44, 0x44, 0x44, 0x44, 0x40, 0x00};
    struct ar a;
    struct fake_core fc;
    (void)state;
    one(&a, "x", bad, sizeof bad, "zz", 2, 0x33);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_rar2_extract, a.p, a.n), VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);
    fake_free(&fc);
}

static void limits_and_stop(void **state)
{
    struct ar a;
    struct fake_core fc;
    (void)state;
    one(&a, "ab", lz_packed, sizeof lz_packed, lz_plain, 13, 0x33);
    fake_init(&fc);
    fc.max_child = 5;
    assert_int_equal(fake_run(&fc, vg_rar2_extract, a.p, a.n), VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_true(fc.kids[0].truncated);
    assert_non_null(fake_find_str(&fc, "ABABA"));
    fake_free(&fc);

    start(&a, false);
    member(&a, "1", "one", 3, "one", 3, 0x30, 0);
    member(&a, "2", "two", 3, "two", 3, 0x30, 0);
    end(&a);
    fake_init(&fc);
    fc.stop_after = 1;
    fc.stop_ret = VIGIL_E_LIMIT;
    assert_int_equal(fake_run(&fc, vg_rar2_extract, a.p, a.n), VIGIL_E_LIMIT);
    assert_int_equal(fc.n, 1);
    fake_free(&fc);
}

/* After libarchive: only the members it cannot read, each once. */
static void fallback_after_libarchive(void **state)
{
    struct ar a;
    struct fake_core fc;
    (void)state;
    start(&a, false);
    member(&a, "s", "stored!", 7, "stored!", 7, 0x30, 0);
    member(&a, "ab", lz_packed, sizeof lz_packed, lz_plain, 13, 0x33, 0);
    end(&a);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_rar2_extract_legacy, a.p, a.n), VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find_str(&fc, lz_plain));
    fake_free(&fc);
    fake_init(&fc);
    (void)fake_run(&fc, vg_archive_extract, a.p, a.n);
    assert_non_null(fake_find_str(&fc, "stored!"));
    assert_non_null(fake_find_str(&fc, lz_plain));
    for (size_t i = 0; i < fc.n; i++) /* nothing twice */
        for (size_t j = i + 1; j < fc.n; j++)
            assert_false(fc.kids[i].len == fc.kids[j].len &&
                         !memcmp(fc.kids[i].p, fc.kids[j].p, fc.kids[i].len));
    fake_free(&fc);
}

static void clamav_sample(void **state)
{
    struct vigil_buf b;
    struct fake_core fc;
    (void)state;
    need_scanfile("clam-v2.rar", &b);
    expect_clam_named(vg_rar2_extract, b.data, b.len, "clam.exe");
    fake_init(&fc);
    (void)fake_run(&fc, vg_archive_extract, b.data, b.len);
    assert_int_equal(fc.n, 1);
    assert_non_null(fake_find_clam(&fc));
    fake_free(&fc);
    vigil_buf_free(&b);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stored_member),
        cmocka_unit_test(crc_mismatch_is_corrupt),
        cmocka_unit_test(lz_member),
        cmocka_unit_test(audio_member),
        cmocka_unit_test(solid_continues_window),
        cmocka_unit_test(encrypted_member),
        cmocka_unit_test(damaged),
        cmocka_unit_test(oversubscribed_tables),
        cmocka_unit_test(limits_and_stop),
        cmocka_unit_test(fallback_after_libarchive),
        cmocka_unit_test(clamav_sample),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
