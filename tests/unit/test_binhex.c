// SPDX-License-Identifier: GPL-2.0-or-later
// test_binhex.c: BinHex 4.0 decoding (6-bit text, RLE90, forks).
#include "test_main.h"

#include "fmt/binhex.h"
#include "test_fmt.h"

static const char alphabet[] =
    "!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr";

struct enc {
    uint8_t raw[4096]; /* after RLE, before 6-bit coding */
    size_t n;
};

static void raw_put(struct enc *e, uint8_t b)
{
    assert_true(e->n < sizeof e->raw);
    e->raw[e->n++] = b;
}

/* RLE90: runs of 4+ become b 0x90 count; 0x90 itself is 0x90 0x00. */
static void rle(struct enc *e, const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n;) {
        size_t run = 1;
        while (i + run < n && p[i + run] == p[i] && run < 255)
            run++;
        if (p[i] == 0x90) {
            raw_put(e, 0x90);
            raw_put(e, 0);
            i++;
            continue;
        }
        raw_put(e, p[i]);
        if (run >= 4) {
            raw_put(e, 0x90);
            raw_put(e, (uint8_t)run);
            i += run;
        } else {
            i++;
        }
    }
}

static void be32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* A .hqx text for name/data/rsrc (CRCs left 0: not checked). */
static size_t hqx(char *out, size_t cap, const char *name, const void *data,
                  size_t dn, const void *rsrc, size_t rn)
{
    uint8_t plain[4096];
    struct enc e = {.n = 0};
    size_t n = 0, o, nl = strlen(name);
    uint32_t acc = 0;
    unsigned bits = 0;

    plain[n++] = (uint8_t)nl;
    memcpy(plain + n, name, nl);
    n += nl;
    memset(plain + n, 0, 11); /* version, type, creator, flags */
    n += 11;
    be32(plain + n, (uint32_t)dn);
    be32(plain + n + 4, (uint32_t)rn);
    n += 10; /* + header CRC */
    memcpy(plain + n, data, dn);
    n += dn;
    plain[n++] = 0;
    plain[n++] = 0;
    memcpy(plain + n, rsrc, rn);
    n += rn;
    plain[n++] = 0;
    plain[n++] = 0;
    rle(&e, plain, n);
    o = (size_t)snprintf(out, cap,
                         "(This file must be converted with BinHex 4.0)\r\n:");
    for (size_t i = 0; i < e.n; i++) {
        acc = acc << 8 | e.raw[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out[o++] = alphabet[(acc >> bits) & 63];
            if (o % 64 == 0)
                out[o++] = '\n';
        }
    }
    if (bits)
        out[o++] = alphabet[(acc << (6 - bits)) & 63];
    out[o++] = ':';
    assert_true(o < cap);
    return o;
}

static void forks_and_runs(void **state)
{
    uint8_t data[600];
    char text[8192];
    struct fake_core fc;
    const struct fake_kid *k;
    (void)state;

    for (size_t i = 0; i < sizeof data; i++)
        data[i] = i < 300 ? 0x41 : (uint8_t)(i % 3 ? 0x90 : i);
    fake_init(&fc);
    assert_int_equal(
        fake_run(&fc, vg_binhex_extract, text,
                 hqx(text, sizeof text, "f.bin", data, sizeof data, "RSRC", 4)),
        VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_non_null(k = fake_find(&fc, data, sizeof data));
    assert_string_equal(k->name, "f.bin");
    assert_non_null(k = fake_find_str(&fc, "RSRC"));
    assert_string_equal(k->name, "f.bin/rsrc");
    fake_free(&fc);

    /* No resource fork: one child. */
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_binhex_extract, text,
                              hqx(text, sizeof text, "", "x", 1, "", 0)),
                     VIGIL_OK);
    assert_int_equal(fc.n, 1);
    fake_free(&fc);
}

static void damaged(void **state)
{
    char text[8192];
    size_t n;
    struct fake_core fc;
    (void)state;

    n = hqx(text, sizeof text, "n", "hello world", 11, "", 0);
    /* Cut inside the data fork: what decoded is emitted, corrupt. */
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_binhex_extract, text, n - 8),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 1);
    assert_true(fc.kids[0].len < 11);
    fake_free(&fc);
    /* An invalid character ('7' is not in the alphabet). */
    text[60] = '7';
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_binhex_extract, text, n),
                     VIGIL_E_CORRUPT);
    fake_free(&fc);
    /* No ':' at a line start, a run before any byte, an empty body. */
    fake_init(&fc);
    assert_int_equal(fake_run_str(&fc, vg_binhex_extract, "no binhex here"),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fake_run_str(&fc, vg_binhex_extract, ":9%!!:"),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fake_run_str(&fc, vg_binhex_extract, "::"),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);
    fake_free(&fc);
}

static void run_bomb_stops_at_limit(void **state)
{
    /* "A" then 0x90 0xFF repeated: each pair expands to 254 bytes. */
    struct enc e = {.n = 0};
    char text[8192];
    size_t o = 1;
    uint32_t acc = 0;
    unsigned bits = 0;
    struct fake_core fc;
    (void)state;

    text[0] = ':';
    raw_put(&e, 20); /* header: a 20-byte name ... */
    for (unsigned i = 0; i < 1000; i++) {
        raw_put(&e, 0x90);
        raw_put(&e, 0xFF);
    }
    for (size_t i = 0; i < e.n; i++) {
        acc = acc << 8 | e.raw[i];
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            text[o++] = alphabet[(acc >> bits) & 63];
        }
    }
    text[o++] = ':';
    fake_init(&fc);
    fc.max_child = 1000;
    /* 20 bytes of name, then 0x14 bytes everywhere: huge fork lengths,
     * cut at the decode limit and at max_child. */
    assert_int_equal(fake_run(&fc, vg_binhex_extract, text, o),
                     VIGIL_E_CORRUPT);
    assert_true(fc.n >= 1);
    assert_true(fc.kids[0].len <= 1000);
    fake_free(&fc);
}

static void clamav_sample(void **state)
{
    struct vigil_buf b;
    (void)state;

    need_scanfile("clam.exe.binhex", &b);
    expect_clam_named(vg_binhex_extract, b.data, b.len, "clam.exe");
    vigil_buf_free(&b);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(forks_and_runs),
        cmocka_unit_test(damaged),
        cmocka_unit_test(run_bomb_stops_at_limit),
        cmocka_unit_test(clamav_sample),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
