// SPDX-License-Identifier: GPL-2.0-or-later
// test_cursor.c: unit tests for the bounded cursor and span (util/cursor.h).
#include "test_main.h"

#include <stdlib.h>
#include <string.h>

#include "util/cursor.h"

/*
 * Buffers under test are heap copies of exactly the tested length, so that
 * any overread of even one byte is caught by ASan, not just by the asserts.
 */
static uint8_t *dup_bytes(const uint8_t *src, size_t n)
{
    uint8_t *p = malloc(n != 0 ? n : 1);

    assert_non_null(p);
    if (n != 0)
        memcpy(p, src, n);
    return p;
}

/* Buffer of n bytes 0x00, 0x01, ... (mod 256). */
static uint8_t *counting_bytes(size_t n)
{
    uint8_t *p = malloc(n != 0 ? n : 1);

    assert_non_null(p);
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)i;
    return p;
}

/* Every fixed-size reader, indexed by kind. */
enum read_kind {
    RK_U8,
    RK_U16LE,
    RK_U16BE,
    RK_U32LE,
    RK_U32BE,
    RK_U64LE,
    RK_U64BE,
    RK_COUNT
};

static const size_t kind_width[RK_COUNT] = {1, 2, 2, 4, 4, 8, 8};

static uint64_t read_kind(struct vigil_cursor *c, int k)
{
    switch (k) {
    case RK_U8:
        return vigil_cur_u8(c);
    case RK_U16LE:
        return vigil_cur_u16le(c);
    case RK_U16BE:
        return vigil_cur_u16be(c);
    case RK_U32LE:
        return vigil_cur_u32le(c);
    case RK_U32BE:
        return vigil_cur_u32be(c);
    case RK_U64LE:
        return vigil_cur_u64le(c);
    default:
        return vigil_cur_u64be(c);
    }
}

/*
 * For every reader and every shortfall (0 .. width-1 bytes left), both with
 * the cursor at the start of a short buffer and after advancing into a
 * longer one: the read returns 0, sets err and leaves pos unchanged.
 */
static void overrun_every_size(int first, int last)
{
    uint8_t *buf = counting_bytes(64);

    for (int k = first; k <= last; k++) {
        size_t w = kind_width[k];
        for (size_t rem = 0; rem < w; rem++) {
            uint8_t *exact = dup_bytes(buf + 1, rem);
            struct vigil_cursor c;

            /* Buffer that is just too short. */
            vigil_cur_init(&c, exact, rem);
            assert_int_equal(read_kind(&c, k), 0);
            assert_true(vigil_cur_failed(&c));
            assert_int_equal(vigil_cur_tell(&c), 0);
            free(exact);

            /* Same shortfall after advancing: pos = 9, 9 + rem bytes. */
            exact = dup_bytes(buf + 1, 9 + rem);
            vigil_cur_init(&c, exact, 9 + rem);
            assert_true(vigil_cur_skip(&c, 9));
            assert_int_equal(read_kind(&c, k), 0);
            assert_true(vigil_cur_failed(&c));
            assert_int_equal(vigil_cur_tell(&c), 9);
            assert_int_equal(vigil_cur_remaining(&c), 0);
            free(exact);
        }
    }
    free(buf);
}

static void u8_overrun_every_size(void **state)
{
    (void)state;
    overrun_every_size(RK_U8, RK_U8);
}

static void u16_overrun_every_size(void **state)
{
    (void)state;
    overrun_every_size(RK_U16LE, RK_U16BE);
}

static void u32_overrun_every_size(void **state)
{
    (void)state;
    overrun_every_size(RK_U32LE, RK_U32BE);
}

static void u64_overrun_every_size(void **state)
{
    (void)state;
    overrun_every_size(RK_U64LE, RK_U64BE);
}

/* A value ending exactly at the end succeeds; one byte further fails. */
static void read_exactly_at_end(void **state)
{
    static const uint8_t pat[8] = {0x11, 0x22, 0x33, 0x44,
                                   0x55, 0x66, 0x77, 0x88};
    static const uint64_t want[RK_COUNT] = {
        0x11,       0x2211,     0x1122,
        0x44332211, 0x11223344, UINT64_C(0x8877665544332211),
        UINT64_C(0x1122334455667788)};
    (void)state;

    for (int k = 0; k < RK_COUNT; k++) {
        size_t w = kind_width[k];
        for (size_t lead = 0; lead <= 9; lead++) {
            uint8_t tmp[32] = {0};
            uint8_t *buf;
            struct vigil_cursor c;

            memcpy(tmp + lead, pat, w);
            buf = dup_bytes(tmp, lead + w);

            /* Fits exactly: succeeds and lands on the end. */
            vigil_cur_init(&c, buf, lead + w);
            assert_true(vigil_cur_seek(&c, lead));
            assert_int_equal(read_kind(&c, k), want[k]);
            assert_false(vigil_cur_failed(&c));
            assert_int_equal(vigil_cur_tell(&c), lead + w);
            assert_int_equal(vigil_cur_remaining(&c), 0);

            /* One byte further: fails, pos stays. */
            vigil_cur_init(&c, buf, lead + w);
            assert_true(vigil_cur_seek(&c, lead + 1));
            assert_int_equal(read_kind(&c, k), 0);
            assert_true(vigil_cur_failed(&c));
            assert_int_equal(vigil_cur_tell(&c), lead + 1);
            free(buf);
        }
    }
}

static void sticky_error(void **state)
{
    uint8_t *buf = counting_bytes(16);
    struct vigil_cursor c;
    struct vigil_span s;
    (void)state;

    vigil_cur_init(&c, buf, 16);
    assert_true(vigil_cur_seek(&c, 12));
    assert_int_equal(vigil_cur_u64le(&c), 0); /* 4 left, needs 8 */
    assert_true(vigil_cur_failed(&c));

    /* Four bytes remain, but every read now fails. */
    assert_int_equal(vigil_cur_u8(&c), 0);
    assert_int_equal(vigil_cur_u16be(&c), 0);
    assert_int_equal(vigil_cur_u32le(&c), 0);
    assert_int_equal(vigil_cur_u32le_at(&c, 0), 0);
    assert_int_equal(vigil_cur_u16le_at(&c, 0), 0);
    s = vigil_cur_bytes(&c, 1);
    assert_null(s.p);
    assert_int_equal(s.len, 0);
    s = vigil_cur_bytes(&c, 0);
    assert_null(s.p);
    s = vigil_cur_peek(&c, 1);
    assert_null(s.p);
    assert_int_equal(s.len, 0);
    s = vigil_cur_rest(&c);
    assert_null(s.p);
    assert_int_equal(s.len, 0);
    assert_false(vigil_cur_skip(&c, 0));
    assert_false(vigil_cur_seek(&c, 0)); /* seeking does not clear err */
    assert_int_equal(vigil_cur_remaining(&c), 0);
    assert_int_equal(vigil_cur_tell(&c), 12);
    assert_true(vigil_cur_failed(&c));
    free(buf);
}

static void le_be_known_patterns(void **state)
{
    static const uint8_t pat[8] = {0x01, 0x02, 0x03, 0x04,
                                   0x05, 0x06, 0x07, 0x08};
    uint8_t *buf = dup_bytes(pat, 8);
    struct vigil_cursor c;
    (void)state;

    vigil_cur_init(&c, buf, 8);
    assert_int_equal(vigil_cur_u16le(&c), 0x0201);
    assert_int_equal(vigil_cur_u16be(&c), 0x0304);
    assert_int_equal(vigil_cur_u32le(&c), 0x08070605);

    vigil_cur_init(&c, buf, 8);
    assert_int_equal(vigil_cur_u32be(&c), 0x01020304);
    assert_int_equal(vigil_cur_u8(&c), 0x05);
    assert_int_equal(vigil_cur_u8(&c), 0x06);
    assert_int_equal(vigil_cur_u16le(&c), 0x0807);

    vigil_cur_init(&c, buf, 8);
    assert_true(vigil_cur_u64le(&c) == UINT64_C(0x0807060504030201));
    vigil_cur_init(&c, buf, 8);
    assert_true(vigil_cur_u64be(&c) == UINT64_C(0x0102030405060708));
    assert_false(vigil_cur_failed(&c));
    free(buf);
}

static void high_bit_patterns(void **state)
{
    static const uint8_t ff[8] = {0xff, 0xff, 0xff, 0xff,
                                  0xff, 0xff, 0xff, 0xff};
    static const uint8_t lo80[8] = {0x80, 0, 0, 0, 0, 0, 0, 0};
    static const uint8_t hi80[8] = {0, 0, 0, 0, 0, 0, 0, 0x80};
    static const uint8_t mix[8] = {0xfe, 0x81, 0x7f, 0xc0,
                                   0x01, 0xa5, 0x5a, 0x9c};
    uint8_t *b;
    struct vigil_cursor c;
    (void)state;

    b = dup_bytes(ff, 8);
    vigil_cur_init(&c, b, 8);
    assert_int_equal(vigil_cur_u8(&c), 0xff);
    vigil_cur_init(&c, b, 8);
    assert_int_equal(vigil_cur_u16le(&c), UINT16_MAX);
    vigil_cur_init(&c, b, 8);
    assert_int_equal(vigil_cur_u16be(&c), UINT16_MAX);
    vigil_cur_init(&c, b, 8);
    assert_int_equal(vigil_cur_u32le(&c), UINT32_MAX);
    vigil_cur_init(&c, b, 8);
    assert_int_equal(vigil_cur_u32be(&c), UINT32_MAX);
    vigil_cur_init(&c, b, 8);
    assert_true(vigil_cur_u64le(&c) == UINT64_MAX);
    vigil_cur_init(&c, b, 8);
    assert_true(vigil_cur_u64be(&c) == UINT64_MAX);
    free(b);

    b = dup_bytes(lo80, 8);
    vigil_cur_init(&c, b, 8);
    assert_int_equal(vigil_cur_u16le(&c), 0x0080);
    vigil_cur_init(&c, b, 8);
    assert_int_equal(vigil_cur_u16be(&c), 0x8000);
    vigil_cur_init(&c, b, 8);
    assert_int_equal(vigil_cur_u32le(&c), 0x00000080);
    vigil_cur_init(&c, b, 8);
    assert_int_equal(vigil_cur_u32be(&c), 0x80000000);
    vigil_cur_init(&c, b, 8);
    assert_true(vigil_cur_u64le(&c) == 0x80);
    vigil_cur_init(&c, b, 8);
    assert_true(vigil_cur_u64be(&c) == UINT64_C(0x8000000000000000));
    free(b);

    b = dup_bytes(hi80, 8);
    vigil_cur_init(&c, b, 8);
    assert_true(vigil_cur_u64le(&c) == UINT64_C(0x8000000000000000));
    vigil_cur_init(&c, b, 8);
    assert_true(vigil_cur_u64be(&c) == 0x80);
    vigil_cur_init(&c, b, 8);
    assert_true(vigil_cur_seek(&c, 4));
    assert_int_equal(vigil_cur_u32le(&c), 0x80000000);
    free(b);

    b = dup_bytes(mix, 8);
    vigil_cur_init(&c, b, 8);
    assert_int_equal(vigil_cur_u16le(&c), 0x81fe);
    assert_int_equal(vigil_cur_u16be(&c), 0x7fc0);
    assert_int_equal(vigil_cur_u32be(&c), 0x01a55a9c);
    vigil_cur_init(&c, b, 8);
    assert_int_equal(vigil_cur_u32le(&c), 0xc07f81fe);
    vigil_cur_init(&c, b, 8);
    assert_true(vigil_cur_u64le(&c) == UINT64_C(0x9c5aa501c07f81fe));
    vigil_cur_init(&c, b, 8);
    assert_true(vigil_cur_u64be(&c) == UINT64_C(0xfe817fc001a55a9c));
    free(b);
}

static void bytes_edges(void **state)
{
    uint8_t *buf = counting_bytes(10);
    struct vigil_cursor c;
    struct vigil_span s;
    (void)state;

    vigil_cur_init(&c, buf, 10);
    s = vigil_cur_bytes(&c, 0); /* empty take succeeds, no move */
    assert_ptr_equal(s.p, buf);
    assert_int_equal(s.len, 0);
    assert_int_equal(vigil_cur_tell(&c), 0);

    assert_true(vigil_cur_skip(&c, 3));
    s = vigil_cur_bytes(&c, 4);
    assert_ptr_equal(s.p, buf + 3);
    assert_int_equal(s.len, 4);
    assert_int_equal(s.p[0], 3);
    assert_int_equal(s.p[3], 6);
    assert_int_equal(vigil_cur_tell(&c), 7);

    s = vigil_cur_bytes(&c, 4); /* 3 left */
    assert_null(s.p);
    assert_int_equal(s.len, 0);
    assert_true(vigil_cur_failed(&c));
    assert_int_equal(vigil_cur_tell(&c), 7);

    /* Exactly the rest, then an empty take at the end. */
    vigil_cur_init(&c, buf, 10);
    assert_true(vigil_cur_skip(&c, 7));
    s = vigil_cur_bytes(&c, 3);
    assert_ptr_equal(s.p, buf + 7);
    assert_int_equal(s.len, 3);
    s = vigil_cur_bytes(&c, 0);
    assert_int_equal(s.len, 0);
    assert_false(vigil_cur_failed(&c));
    assert_int_equal(vigil_cur_tell(&c), 10);
    free(buf);
}

/* pos + SIZE_MAX wraps; a sum-based bound check would let these through. */
static void size_max_lengths_do_not_wrap(void **state)
{
    uint8_t *buf = counting_bytes(16);
    struct vigil_cursor c;
    struct vigil_span s;
    (void)state;

    for (size_t pos = 0; pos <= 16; pos++) {
        /* pos + n wraps to exactly 0 for the second entry (pos > 0). */
        size_t big[] = {SIZE_MAX, pos ? SIZE_MAX - pos + 1 : SIZE_MAX,
                        SIZE_MAX - pos, SIZE_MAX - 15, (size_t)17 - pos};

        for (size_t i = 0; i < sizeof big / sizeof big[0]; i++) {
            vigil_cur_init(&c, buf, 16);
            assert_true(vigil_cur_seek(&c, pos));
            s = vigil_cur_bytes(&c, big[i]);
            assert_null(s.p);
            assert_int_equal(s.len, 0);
            assert_true(vigil_cur_failed(&c));
            assert_int_equal(vigil_cur_tell(&c), pos);

            vigil_cur_init(&c, buf, 16);
            assert_true(vigil_cur_seek(&c, pos));
            assert_false(vigil_cur_skip(&c, big[i]));
            assert_true(vigil_cur_failed(&c));
            assert_int_equal(vigil_cur_tell(&c), pos);

            vigil_cur_init(&c, buf, 16);
            assert_true(vigil_cur_seek(&c, pos));
            s = vigil_cur_peek(&c, big[i]);
            assert_null(s.p);
            assert_int_equal(s.len, 0);
            assert_false(vigil_cur_failed(&c));
        }
    }
    vigil_cur_init(&c, buf, 16);
    assert_false(vigil_cur_seek(&c, SIZE_MAX));
    assert_true(vigil_cur_failed(&c));
    assert_int_equal(vigil_cur_tell(&c), 0);
    free(buf);
}

static void skip_edges(void **state)
{
    uint8_t *buf = counting_bytes(5);
    struct vigil_cursor c;
    (void)state;

    vigil_cur_init(&c, buf, 5);
    assert_true(vigil_cur_skip(&c, 0));
    assert_int_equal(vigil_cur_tell(&c), 0);
    assert_true(vigil_cur_skip(&c, 2));
    assert_true(vigil_cur_skip(&c, 3)); /* exactly to the end */
    assert_int_equal(vigil_cur_tell(&c), 5);
    assert_int_equal(vigil_cur_remaining(&c), 0);
    assert_true(vigil_cur_skip(&c, 0)); /* empty skip at end is fine */
    assert_false(vigil_cur_failed(&c));
    assert_false(vigil_cur_skip(&c, 1));
    assert_true(vigil_cur_failed(&c));
    assert_int_equal(vigil_cur_tell(&c), 5);

    vigil_cur_init(&c, buf, 5);
    assert_true(vigil_cur_skip(&c, 1));
    assert_false(vigil_cur_skip(&c, 5)); /* 4 left */
    assert_int_equal(vigil_cur_tell(&c), 1);
    assert_int_equal(vigil_cur_u8(&c), 0); /* and now sticky */
    free(buf);
}

static void seek_edges(void **state)
{
    uint8_t *buf = counting_bytes(8);
    struct vigil_cursor c;
    (void)state;

    vigil_cur_init(&c, buf, 8);
    assert_true(vigil_cur_seek(&c, 8)); /* off == len allowed */
    assert_int_equal(vigil_cur_tell(&c), 8);
    assert_int_equal(vigil_cur_remaining(&c), 0);
    assert_int_equal(vigil_cur_u8(&c), 0);
    assert_true(vigil_cur_failed(&c));

    vigil_cur_init(&c, buf, 8);
    assert_true(vigil_cur_seek(&c, 6));
    assert_true(vigil_cur_seek(&c, 2)); /* backwards */
    assert_int_equal(vigil_cur_u8(&c), 2);
    assert_true(vigil_cur_seek(&c, 0));
    assert_int_equal(vigil_cur_u16be(&c), 0x0001);
    assert_false(vigil_cur_seek(&c, 9));
    assert_true(vigil_cur_failed(&c));
    assert_int_equal(vigil_cur_tell(&c), 2);
    free(buf);
}

static void peek_does_not_move_or_fail(void **state)
{
    uint8_t *buf = counting_bytes(6);
    struct vigil_cursor c;
    struct vigil_span s;
    (void)state;

    vigil_cur_init(&c, buf, 6);
    assert_true(vigil_cur_skip(&c, 2));
    s = vigil_cur_peek(&c, 4);
    assert_ptr_equal(s.p, buf + 2);
    assert_int_equal(s.len, 4);
    assert_int_equal(vigil_cur_tell(&c), 2);

    s = vigil_cur_peek(&c, 5); /* short: empty, but no error */
    assert_null(s.p);
    assert_int_equal(s.len, 0);
    assert_false(vigil_cur_failed(&c));
    assert_int_equal(vigil_cur_tell(&c), 2);

    s = vigil_cur_rest(&c);
    assert_ptr_equal(s.p, buf + 2);
    assert_int_equal(s.len, 4);
    assert_int_equal(vigil_cur_u32le(&c), 0x05040302);
    s = vigil_cur_rest(&c);
    assert_int_equal(s.len, 0);
    assert_false(vigil_cur_failed(&c));
    free(buf);
}

static void sub_is_confined(void **state)
{
    uint8_t *buf = counting_bytes(16);
    struct vigil_cursor c, k;
    (void)state;

    vigil_cur_init(&c, buf, 16);
    k = vigil_cur_sub(&c, 4, 4);
    assert_false(vigil_cur_failed(&k));
    assert_int_equal(vigil_cur_remaining(&k), 4);
    assert_int_equal(vigil_cur_u32le(&k), 0x07060504);
    /* The parent has 8 more bytes, but the child ends here. */
    assert_int_equal(vigil_cur_u8(&k), 0);
    assert_true(vigil_cur_failed(&k));
    assert_false(vigil_cur_failed(&c));
    assert_int_equal(vigil_cur_tell(&c), 0);

    k = vigil_cur_sub(&c, 4, 4);
    assert_true(vigil_cur_skip(&k, 3));
    assert_int_equal(vigil_cur_u16le(&k), 0); /* straddles the end */
    assert_true(vigil_cur_failed(&k));
    assert_int_equal(vigil_cur_tell(&k), 3);

    k = vigil_cur_sub(&c, 4, 4);
    assert_false(vigil_cur_seek(&k, 5));
    k = vigil_cur_sub(&c, 4, 4);
    assert_int_equal(vigil_cur_u8_at(&k, 4), 0);
    assert_true(vigil_cur_failed(&k));
    assert_false(vigil_cur_failed(&c));
    free(buf);
}

/* Sub offsets are from the parent's start, not from its position. */
static void sub_offsets_are_absolute(void **state)
{
    uint8_t *buf = counting_bytes(16);
    struct vigil_cursor c, k;
    (void)state;

    vigil_cur_init(&c, buf, 16);
    assert_true(vigil_cur_seek(&c, 10));
    k = vigil_cur_sub(&c, 0, 2);
    assert_int_equal(vigil_cur_u16be(&k), 0x0001);
    assert_int_equal(vigil_cur_tell(&c), 10);

    /* [8, 16) is valid even though only 6 bytes remain after pos. */
    k = vigil_cur_sub(&c, 8, 8);
    assert_false(vigil_cur_failed(&k));
    assert_true(vigil_cur_u64be(&k) == UINT64_C(0x08090a0b0c0d0e0f));
    assert_false(vigil_cur_failed(&c));
    free(buf);
}

static void sub_out_of_range_fails_both(void **state)
{
    uint8_t *buf = counting_bytes(16);
    struct vigil_cursor c, k;
    static const size_t bad[][2] = {
        {10, 7},       {17, 0},       {16, 1},      {0, 17},
        {1, SIZE_MAX}, {SIZE_MAX, 1}, {SIZE_MAX, 0}, {8, SIZE_MAX - 7},
    };
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        vigil_cur_init(&c, buf, 16);
        assert_true(vigil_cur_skip(&c, 3));
        k = vigil_cur_sub(&c, bad[i][0], bad[i][1]);
        assert_true(vigil_cur_failed(&k));
        assert_int_equal(k.len, 0);
        assert_int_equal(vigil_cur_remaining(&k), 0);
        assert_int_equal(vigil_cur_u8(&k), 0);
        assert_true(vigil_cur_failed(&c)); /* sticky on the parent too */
        assert_int_equal(vigil_cur_tell(&c), 3);
        assert_int_equal(vigil_cur_u8(&c), 0);
    }

    /* Edge ranges that are valid. */
    vigil_cur_init(&c, buf, 16);
    k = vigil_cur_sub(&c, 16, 0);
    assert_false(vigil_cur_failed(&k));
    assert_int_equal(vigil_cur_remaining(&k), 0);
    k = vigil_cur_sub(&c, 0, 16);
    assert_int_equal(vigil_cur_remaining(&k), 16);
    assert_false(vigil_cur_failed(&c));

    /* A failed parent only yields failed children, even for good ranges. */
    vigil_cur_init(&c, buf, 16);
    assert_false(vigil_cur_seek(&c, 17));
    k = vigil_cur_sub(&c, 0, 4);
    assert_true(vigil_cur_failed(&k));
    assert_int_equal(vigil_cur_u8(&k), 0);
    free(buf);
}

static void sub_nested(void **state)
{
    uint8_t *buf = counting_bytes(32);
    struct vigil_cursor c, k, g, bad;
    (void)state;

    vigil_cur_init(&c, buf, 32);
    k = vigil_cur_sub(&c, 8, 16);  /* bytes 8..23 */
    g = vigil_cur_sub(&k, 4, 8);   /* bytes 12..19 */
    assert_int_equal(vigil_cur_u8(&g), 12);
    assert_int_equal(vigil_cur_u8_at(&g, 7), 19);
    assert_int_equal(vigil_cur_u32be_at(&g, 4), 0x10111213);
    assert_true(vigil_cur_seek(&g, 8));
    assert_int_equal(vigil_cur_u8(&g), 0); /* k and c still have bytes */
    assert_true(vigil_cur_failed(&g));
    assert_false(vigil_cur_failed(&k));
    assert_false(vigil_cur_failed(&c));

    /* A grandchild may not reach outside its child, even inside c. */
    bad = vigil_cur_sub(&k, 12, 5);
    assert_true(vigil_cur_failed(&bad));
    assert_true(vigil_cur_failed(&k));
    assert_false(vigil_cur_failed(&c)); /* only the direct parent */

    /* Three levels deep, at the very end. */
    k = vigil_cur_sub(&c, 16, 16);
    g = vigil_cur_sub(&k, 8, 8);
    g = vigil_cur_sub(&g, 6, 2);
    assert_int_equal(vigil_cur_u16le(&g), 0x1f1e);
    assert_false(vigil_cur_failed(&g));
    assert_int_equal(vigil_cur_u8(&g), 0);
    assert_true(vigil_cur_failed(&g));
    free(buf);
}

static void sub_next_advances_parent(void **state)
{
    uint8_t *buf = counting_bytes(10);
    struct vigil_cursor c, k;
    (void)state;

    vigil_cur_init(&c, buf, 10);
    assert_true(vigil_cur_skip(&c, 2));
    k = vigil_cur_sub_next(&c, 3);
    assert_int_equal(vigil_cur_tell(&c), 5);
    assert_int_equal(vigil_cur_remaining(&k), 3);
    assert_int_equal(vigil_cur_u8(&k), 2);
    assert_int_equal(vigil_cur_u8(&c), 5);

    k = vigil_cur_sub_next(&c, 5); /* 4 left */
    assert_true(vigil_cur_failed(&k));
    assert_true(vigil_cur_failed(&c));
    assert_int_equal(vigil_cur_tell(&c), 6);
    free(buf);
}

static void span_sub_bounds(void **state)
{
    uint8_t *buf = counting_bytes(16);
    struct vigil_span s = vigil_span_make(buf, 16), out;
    static const size_t bad[][2] = {
        {8, SIZE_MAX - 7}, /* off + n == SIZE_MAX + 1 wraps to 0 */
        {1, SIZE_MAX},     {SIZE_MAX, 1}, {SIZE_MAX, SIZE_MAX},
        {16, 1},           {17, 0},       {0, 17},
        {15, SIZE_MAX - 14},
    };
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        out.p = buf;
        out.len = 99;
        assert_false(vigil_span_sub_ok(s, bad[i][0], bad[i][1], &out));
        assert_null(out.p);
        assert_int_equal(out.len, 0);
        out = vigil_span_sub(s, bad[i][0], bad[i][1]);
        assert_null(out.p);
        assert_int_equal(out.len, 0);
    }

    assert_true(vigil_span_sub_ok(s, 3, 5, &out));
    assert_ptr_equal(out.p, buf + 3);
    assert_int_equal(out.len, 5);
    assert_int_equal(out.p[4], 7);
    out = vigil_span_sub(s, 0, 16);
    assert_ptr_equal(out.p, buf);
    assert_int_equal(out.len, 16);
    assert_true(vigil_span_sub_ok(s, 16, 0, &out)); /* empty at the end */
    assert_int_equal(out.len, 0);
    out = vigil_span_sub(s, 15, 1);
    assert_int_equal(out.len, 1);
    assert_int_equal(out.p[0], 15);

    /* A cursor over a sub-span is confined to it. */
    {
        struct vigil_cursor c = vigil_cur_from_span(vigil_span_sub(s, 6, 2));

        assert_int_equal(vigil_cur_u16le(&c), 0x0706);
        assert_int_equal(vigil_cur_u8(&c), 0);
        assert_true(vigil_cur_failed(&c));
    }
    free(buf);
}

static void zero_length_null_buffer(void **state)
{
    struct vigil_cursor c, k;
    struct vigil_span s, t;
    (void)state;

    vigil_cur_init(&c, NULL, 0);
    assert_false(vigil_cur_failed(&c));
    assert_int_equal(vigil_cur_remaining(&c), 0);
    s = vigil_cur_rest(&c);
    assert_int_equal(s.len, 0);
    s = vigil_cur_bytes(&c, 0);
    assert_null(s.p);
    assert_int_equal(s.len, 0);
    assert_true(vigil_cur_skip(&c, 0));
    assert_true(vigil_cur_seek(&c, 0));
    k = vigil_cur_sub(&c, 0, 0);
    assert_false(vigil_cur_failed(&k));
    assert_false(vigil_cur_failed(&c));

    for (int kd = 0; kd < RK_COUNT; kd++) {
        vigil_cur_init(&c, NULL, 0);
        assert_int_equal(read_kind(&c, kd), 0);
        assert_true(vigil_cur_failed(&c));
        assert_int_equal(vigil_cur_tell(&c), 0);
    }
    vigil_cur_init(&c, NULL, 0);
    assert_int_equal(vigil_cur_u32le_at(&c, 0), 0);
    assert_true(vigil_cur_failed(&c));
    vigil_cur_init(&c, NULL, 0);
    k = vigil_cur_sub(&c, 0, 1);
    assert_true(vigil_cur_failed(&k));
    assert_true(vigil_cur_failed(&c));

    s = vigil_span_make(NULL, 0);
    assert_null(s.p);
    assert_int_equal(s.len, 0);
    assert_true(vigil_span_sub_ok(s, 0, 0, &t));
    assert_null(t.p);
    assert_false(vigil_span_sub_ok(s, 0, 1, &t));
    c = vigil_cur_from_span(s);
    assert_false(vigil_cur_failed(&c));
    assert_int_equal(vigil_cur_u8(&c), 0);
    assert_true(vigil_cur_failed(&c));

    /* NULL with a length is a caller bug: treated as empty and failed. */
    s = vigil_span_make(NULL, 5);
    assert_int_equal(s.len, 0);
    vigil_cur_init(&c, NULL, 5);
    assert_true(vigil_cur_failed(&c));
    assert_int_equal(vigil_cur_remaining(&c), 0);
    assert_int_equal(vigil_cur_u8(&c), 0);
}

static void at_reads(void **state)
{
    static const uint8_t pat[10] = {0x10, 0x32, 0x54, 0x76, 0x98,
                                    0xba, 0xdc, 0xfe, 0x01, 0x80};
    uint8_t *buf = dup_bytes(pat, 10);
    struct vigil_cursor c;
    (void)state;

    vigil_cur_init(&c, buf, 10);
    assert_true(vigil_cur_skip(&c, 7));
    /* Absolute offsets, independent of pos, and pos never moves. */
    assert_int_equal(vigil_cur_u32le_at(&c, 0), 0x76543210);
    assert_int_equal(vigil_cur_u32le_at(&c, 6), 0x8001fedc); /* at end */
    assert_int_equal(vigil_cur_u16le_at(&c, 8), 0x8001);
    assert_int_equal(vigil_cur_u16be_at(&c, 8), 0x0180);
    assert_int_equal(vigil_cur_u32be_at(&c, 1), 0x32547698);
    assert_int_equal(vigil_cur_u8_at(&c, 9), 0x80);
    assert_true(vigil_cur_u64le_at(&c, 2) == UINT64_C(0x8001fedcba987654));
    assert_true(vigil_cur_u64be_at(&c, 0) == UINT64_C(0x1032547698badcfe));
    assert_int_equal(vigil_cur_tell(&c), 7);
    assert_false(vigil_cur_failed(&c));

    /* One byte past the end, far past, and wrapping offsets all fail. */
    static const size_t bad32[] = {7, 10, 11, SIZE_MAX, SIZE_MAX - 2};
    for (size_t i = 0; i < sizeof bad32 / sizeof bad32[0]; i++) {
        vigil_cur_init(&c, buf, 10);
        assert_true(vigil_cur_skip(&c, 1));
        assert_int_equal(vigil_cur_u32le_at(&c, bad32[i]), 0);
        assert_true(vigil_cur_failed(&c));
        assert_int_equal(vigil_cur_tell(&c), 1);
        assert_int_equal(vigil_cur_u8(&c), 0); /* sticky */
    }
    vigil_cur_init(&c, buf, 10);
    assert_int_equal(vigil_cur_u16le_at(&c, 9), 0);
    assert_true(vigil_cur_failed(&c));
    vigil_cur_init(&c, buf, 10);
    assert_int_equal(vigil_cur_u16le_at(&c, SIZE_MAX), 0);
    assert_true(vigil_cur_failed(&c));
    vigil_cur_init(&c, buf, 10);
    assert_int_equal(vigil_cur_u8_at(&c, 10), 0);
    assert_true(vigil_cur_failed(&c));
    vigil_cur_init(&c, buf, 10);
    assert_true(vigil_cur_u64le_at(&c, 3) == 0);
    assert_true(vigil_cur_failed(&c));
    free(buf);
}

/* The intended use: decode a whole header, then check once. */
static void decode_then_check_once(void **state)
{
    static const uint8_t hdr[] = {'M', 'Z', 0x90, 0x00, 0x03, 0x00,
                                  0x00, 0x00, 0x40, 0x00};
    uint8_t *buf = dup_bytes(hdr, sizeof hdr);
    struct vigil_cursor c;
    struct vigil_span magic;
    uint16_t a, b;
    uint32_t d, e;
    (void)state;

    vigil_cur_init(&c, buf, sizeof hdr);
    magic = vigil_cur_bytes(&c, 2);
    a = vigil_cur_u16le(&c);
    d = vigil_cur_u32le(&c);
    b = vigil_cur_u16le(&c);
    assert_false(vigil_cur_failed(&c));
    assert_memory_equal(magic.p, "MZ", 2);
    assert_int_equal(a, 0x0090);
    assert_int_equal(d, 3);
    assert_int_equal(b, 0x0040);

    /* Truncated: the middle read fails, later ones read nothing. */
    vigil_cur_init(&c, buf, 7);
    magic = vigil_cur_bytes(&c, 2);
    a = vigil_cur_u16le(&c);
    d = vigil_cur_u32le(&c);
    e = vigil_cur_u8(&c);
    assert_true(vigil_cur_failed(&c));
    assert_int_equal(a, 0x0090);
    assert_int_equal(d, 0);
    assert_int_equal(e, 0);
    assert_int_equal(vigil_cur_tell(&c), 4);
    free(buf);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(u8_overrun_every_size),
        cmocka_unit_test(u16_overrun_every_size),
        cmocka_unit_test(u32_overrun_every_size),
        cmocka_unit_test(u64_overrun_every_size),
        cmocka_unit_test(read_exactly_at_end),
        cmocka_unit_test(sticky_error),
        cmocka_unit_test(le_be_known_patterns),
        cmocka_unit_test(high_bit_patterns),
        cmocka_unit_test(bytes_edges),
        cmocka_unit_test(size_max_lengths_do_not_wrap),
        cmocka_unit_test(skip_edges),
        cmocka_unit_test(seek_edges),
        cmocka_unit_test(peek_does_not_move_or_fail),
        cmocka_unit_test(sub_is_confined),
        cmocka_unit_test(sub_offsets_are_absolute),
        cmocka_unit_test(sub_out_of_range_fails_both),
        cmocka_unit_test(sub_nested),
        cmocka_unit_test(sub_next_advances_parent),
        cmocka_unit_test(span_sub_bounds),
        cmocka_unit_test(zero_length_null_buffer),
        cmocka_unit_test(at_reads),
        cmocka_unit_test(decode_then_check_once),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
