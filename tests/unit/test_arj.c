// SPDX-License-Identifier: GPL-2.0-or-later
// test_arj.c: ARJ archives: every method on archives made by the arj
// tool (tests/data/arj, synthetic content), headers, damaged and
// truncated inputs, limits, ClamAV's sample.
#include "test_main.h"

#include <zlib.h>

#include "fmt/arj.h"
#include "scan/extractors.h"
#include "test_fmt.h"
#include "util/alloc.h"

/* tests/data/arj: made with `arj a -mN` (Debian's arj 3.10) from
 * generated text (text.bin, 40000 bytes: words and random runs), a
 * small stored file and a directory (multi.arj), and a password (pw). */
static void read_data(const char *name, struct vigil_buf *b)
{
    char path[1024];
    FILE *f;
    snprintf(path, sizeof path, "%s/arj/%s", VIGIL_TEST_DATA, name);
    vigil_buf_init(b, 1 << 20);
    assert_non_null(f = fopen(path, "rb"));
    assert_int_equal(vigil_buf_reserve(b, 1 << 16), VIGIL_OK);
    b->len = fread(b->data, 1, b->cap, f);
    fclose(f);
    assert_true(b->len > 0);
}

#define TEXT_LEN 40000u

/* Methods 1-4 decode text.bin to the same 40000 bytes, whose CRC the
 * archive holds (checked by the parser too: OK means it matched). */
static void methods(void **state)
{
    static const char *const names[] = {"m1.arj", "m2.arj", "m3.arj",
                                        "m4.arj"};
    uint8_t *first = NULL;
    (void)state;
    for (size_t i = 0; i < 4; i++) {
        struct vigil_buf b;
        struct fake_core fc;
        read_data(names[i], &b);
        fake_init(&fc);
        assert_int_equal(fake_run(&fc, vg_arj_extract, b.data, b.len),
                         VIGIL_OK);
        assert_int_equal(fc.n, 1);
        assert_string_equal(fc.kids[0].name, "text.bin");
        assert_int_equal(fc.kids[0].len, TEXT_LEN);
        assert_false(fc.kids[0].truncated);
        if (!first) {
            first = malloc(TEXT_LEN);
            assert_non_null(first);
            memcpy(first, fc.kids[0].p, TEXT_LEN);
        } else {
            assert_memory_equal(first, fc.kids[0].p, TEXT_LEN);
        }
        fake_free(&fc);
        vigil_buf_free(&b);
    }
    free(first);
}

/* The child whose bytes start with @p s. */
static const struct fake_kid *kid_prefix(const struct fake_core *fc,
                                         const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < fc->n; i++)
        if (fc->kids[i].len >= n && !memcmp(fc->kids[i].p, s, n))
            return &fc->kids[i];
    return NULL;
}

static void members(void **state)
{
    struct vigil_buf b;
    struct fake_core fc;
    const struct fake_kid *k;
    (void)state;
    read_data("multi.arj", &b);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_arj_extract, b.data, b.len), VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_non_null(k = kid_prefix(&fc, "hello arj\nhello arj\nhello"));
    assert_string_equal(k->name, "small.txt");
    assert_int_equal(k->len, 30);
    assert_non_null(k = kid_prefix(&fc, "inner file of the sub directory, repeated"));
    assert_string_equal(k->name, "sub/inner.txt");
    assert_int_equal(k->len, 840);
    fake_free(&fc);

    /* After an SFX stub: the main header is found further in. */
    {
        struct vigil_buf s;
        vigil_buf_init(&s, 1 << 20);
        assert_int_equal(vigil_buf_append(&s, "MZ stub \x60\xea junk", 16),
                         VIGIL_OK);
        assert_int_equal(vigil_buf_append(&s, b.data, b.len), VIGIL_OK);
        size_t off = 0;
        enum vg_ftype et;
        fake_init(&fc);
        assert_int_equal(fake_run(&fc, vg_arj_extract, s.data, s.len),
                         VIGIL_OK);
        assert_int_equal(fc.n, 2);
        fake_free(&fc);
        assert_true(vg_arj_find(vigil_span_make(s.data, s.len), &off));
        assert_int_equal(off, 16);
        /* The core finds it inside an executable or unknown data. */
        off = 0;
        assert_true(vg_embedded_find(VG_FT_ELF,
                                     vigil_span_make(s.data, s.len), &et,
                                     &off) == vg_arj_extract);
        assert_int_equal(et, VG_FT_ARJSFX);
        assert_int_equal(off, 16);
        /* A main header with a bad CRC is not one. */
        s.data[16 + 12] ^= 1;
        assert_false(vg_arj_find(vigil_span_make(s.data, s.len), &off));
        assert_null(vg_embedded_find(VG_FT_ELF,
                                     vigil_span_make(s.data, s.len), &et,
                                     &off));
        vigil_buf_free(&s);
    }
    vigil_buf_free(&b);
}

/* A garbled (password) member is not emitted. */
static void password(void **state)
{
    struct vigil_buf b;
    struct fake_core fc;
    (void)state;
    read_data("pw.arj", &b);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_arj_extract, b.data, b.len), VIGIL_OK);
    assert_int_equal(fc.n, 0);
    fake_free(&fc);
    vigil_buf_free(&b);
}

static void store_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

/* Offset of the first local header's basic header in multi.arj-like
 * archives: after the main header (4 + size + 4 CRC + 2 ext size). */
static size_t local_at(const struct vigil_buf *b)
{
    return 4u + (size_t)(b->data[2] | b->data[3] << 8) + 6u;
}

static void fix_crc(struct vigil_buf *b, size_t hdr)
{
    size_t size = (size_t)(b->data[hdr + 2] | b->data[hdr + 3] << 8);
    store_le32(b->data + hdr + 4 + size,
               (uint32_t)crc32(0, b->data + hdr + 4, (uInt)size));
}

static void damaged(void **state)
{
    struct vigil_buf b;
    struct fake_core fc;
    size_t loc;
    (void)state;
    read_data("m1.arj", &b);
    /* Every truncation (by steps): corrupt or ok, never a crash, and
     * never a whole member unless the archive's end marker was cut only. */
    for (size_t n = 0; n < b.len; n += n < 200 ? 1 : 37) {
        int ret;
        fake_init(&fc);
        ret = fake_run(&fc, vg_arj_extract, b.data, n);
        if (ret != VIGIL_E_CORRUPT)
            fail_msg("length %zu: %d", n, ret);
        for (size_t i = 0; i < fc.n; i++)
            assert_true(fc.kids[i].len <= TEXT_LEN);
        fake_free(&fc);
    }
    /* A flipped bit in the compressed data: CRC or code error, corrupt;
     * whatever came out is still emitted, never more than declared. */
    for (size_t at = b.len - 64; at > 500; at -= 401) {
        b.data[at] ^= 0x10;
        fake_init(&fc);
        if (fake_run(&fc, vg_arj_extract, b.data, b.len) != VIGIL_E_CORRUPT)
            fail_msg("flip at %zu of %zu", at, b.len);
        assert_true(fc.n <= 1);
        if (fc.n)
            assert_true(fc.kids[0].len <= TEXT_LEN);
        fake_free(&fc);
        b.data[at] ^= 0x10;
    }
    /* A header CRC mismatch: nothing is read. */
    loc = local_at(&b);
    b.data[loc + 12] ^= 1;
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_arj_extract, b.data, b.len),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);
    fake_free(&fc);
    b.data[loc + 12] ^= 1;
    /* Unknown method 7 (CRC made right): corrupt, not emitted. */
    b.data[loc + 9] = 7;
    fix_crc(&b, loc);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_arj_extract, b.data, b.len),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);
    fake_free(&fc);
    /* Basic header size over 2600: refused. */
    b.data[loc + 2] = 0x29;
    b.data[loc + 3] = 0x0a;
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_arj_extract, b.data, b.len),
                     VIGIL_E_CORRUPT);
    fake_free(&fc);
    /* Not an archive. */
    fake_init(&fc);
    assert_int_equal(fake_run_str(&fc, vg_arj_extract, "\x60\xea\x05"),
                     VIGIL_E_CORRUPT);
    fake_free(&fc);
    vigil_buf_free(&b);
}

/* Original size is a bound: a header claiming fewer bytes than the data
 * decodes to gives that many (CRC then fails: corrupt). */
static void size_bound(void **state)
{
    struct vigil_buf b, out;
    (void)state;
    read_data("m4.arj", &b);
    {
        size_t loc = local_at(&b);
        size_t size = (size_t)(b.data[loc + 2] | b.data[loc + 3] << 8);
        size_t data_at = loc + 4 + size + 4 + 2;
        struct vigil_span in =
            vigil_span_make(b.data + data_at, b.len - data_at - 4);
        vigil_buf_init(&out, 1 << 20);
        assert_int_equal(vg_arj_decode(in, 4, 1000, &out), VIGIL_OK);
        assert_int_equal(out.len, 1000);
        out.len = 0;
        assert_int_equal(vg_arj_decode(in, 4, 1u << 30, &out),
                         VIGIL_E_CORRUPT);
        assert_true(out.len >= TEXT_LEN && out.len < TEXT_LEN + 300);
        out.len = 0;
        assert_int_equal(vg_arj_decode(in, 9, 10, &out), VIGIL_E_UNSUPPORTED);
        vigil_buf_free(&out);
    }
    vigil_buf_free(&b);
}

/* Hand-made streams for the code readers' edge cases. */
static void bad_codes(void **state)
{
    struct vigil_buf out;
    /* Block size 0: corrupt. */
    static const uint8_t zero_block[] = {0, 0, 0, 0, 0, 0};
    /* Block of 1, pt count 20 (> 19 symbols). */
    static const uint8_t big_pt[] = {0, 1, 0xa0, 0, 0, 0, 0, 0};
    /* Single-symbol codes: pt 0 then symbol 5 (5 bits each), c: 0 then
     * 'A' (9 bits each), p: 0 then 0: one literal 'A' with no bits. */
    static const uint8_t single[] = {0x00, 0x01, 0x01, 0x40,
                                     0x04, 0x10, 0x00, 0x00};
    /* Method 4: a match before the start. */
    static const uint8_t early_match[] = {0x80, 0x00, 0x00, 0x00};
    (void)state;
    vigil_buf_init(&out, 1 << 20);
    assert_int_equal(vg_arj_decode(vigil_span_make(zero_block, 6), 1, 10,
                                   &out),
                     VIGIL_E_CORRUPT);
    assert_int_equal(vg_arj_decode(vigil_span_make(big_pt, 8), 1, 10, &out),
                     VIGIL_E_CORRUPT);
    out.len = 0;
    assert_int_equal(vg_arj_decode(vigil_span_make(single, 8), 2, 1, &out),
                     VIGIL_OK);
    assert_int_equal(out.len, 1);
    assert_int_equal(out.data[0], 'A');
    out.len = 0;
    assert_int_equal(vg_arj_decode(vigil_span_make(early_match, 4), 4, 10,
                                   &out),
                     VIGIL_E_CORRUPT);
    /* Empty input: a few zero bytes are lookahead, then it is short. */
    out.len = 0;
    assert_int_equal(vg_arj_decode(vigil_span_make(NULL, 0), 4, 1000, &out),
                     VIGIL_E_CORRUPT);
    assert_true(out.len <= 8);
    vigil_buf_free(&out);
}

static void limits_and_stop(void **state)
{
    struct vigil_buf b;
    struct fake_core fc;
    (void)state;
    read_data("multi.arj", &b);
    /* A member over max_child is handed over empty (the core decides). */
    fake_init(&fc);
    fc.max_child = 100;
    assert_int_equal(fake_run(&fc, vg_arj_extract, b.data, b.len), VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_int_equal(fc.kids[0].len, 30);
    assert_int_equal(fc.kids[1].len, 0);
    fake_free(&fc);
    fake_init(&fc);
    fc.stop_after = 1;
    fc.stop_ret = VIGIL_E_LIMIT;
    assert_int_equal(fake_run(&fc, vg_arj_extract, b.data, b.len),
                     VIGIL_E_LIMIT);
    assert_int_equal(fc.n, 1);
    fake_free(&fc);
    vigil_buf_free(&b);
}

/* Every allocation failing in turn: out of memory or an ordinary
 * result, nothing leaked (under ASan). */
static void alloc_failures(void **state)
{
    static const char *const names[] = {"m1.arj", "m4.arj", "multi.arj"};
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        struct vigil_buf b;
        read_data(names[i], &b);
        for (uint64_t n = 1; n <= 30; n++) {
            struct fake_core fc;
            int ret;
            fake_init(&fc);
            vigil_alloc_fail_after(n);
            ret = fake_run(&fc, vg_arj_extract, b.data, b.len);
            vigil_alloc_fail_after(0);
            if (ret != VIGIL_OK && ret != VIGIL_E_NOMEM)
                fail_msg("%s, allocation %u failing: %d", names[i],
                         (unsigned)n, ret);
            fake_free(&fc);
        }
        vigil_buf_free(&b);
    }
}

static void clamav_sample(void **state)
{
    struct vigil_buf b;
    (void)state;
    need_scanfile("clam.arj", &b);
    expect_clam_named(vg_arj_extract, b.data, b.len, "clam.exe");
    vigil_buf_free(&b);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(methods),         cmocka_unit_test(members),
        cmocka_unit_test(password),        cmocka_unit_test(damaged),
        cmocka_unit_test(size_bound),      cmocka_unit_test(bad_codes),
        cmocka_unit_test(limits_and_stop), cmocka_unit_test(alloc_failures),
        cmocka_unit_test(clamav_sample),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
