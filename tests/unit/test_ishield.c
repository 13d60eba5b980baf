// SPDX-License-Identifier: GPL-2.0-or-later
// test_ishield.c: InstallShield setup payloads: the obfuscated, compressed
// "InstallShield" table and the plain stream, found after a PE or inside
// data; damaged tables, limits, ClamAV's samples.
#include "test_main.h"

#include <zlib.h>

#include "fmt/iscab.h"
#include "fmt/ishield.h"
#include "test_fmt.h"

struct isb {
    uint8_t p[16384];
    size_t n;
};

static void put(struct isb *b, const void *p, size_t n)
{
    assert_true(b->n + n <= sizeof b->p);
    memcpy(b->p + b->n, p, n);
    b->n += n;
}

static void put_le(struct isb *b, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint8_t c = (uint8_t)(v >> (8 * i));
        put(b, &c, 1);
    }
}

static void zeros(struct isb *b, size_t n)
{
    assert_true(b->n + n <= sizeof b->p);
    memset(b->p + b->n, 0, n);
    b->n += n;
}

static void table_header(struct isb *b, uint16_t count)
{
    put(b, "InstallShield", 14);
    put_le(b, count, 2);
    zeros(b, 30);
}

/* The format's obfuscation, written the other way round: stored byte =
 * nibble swap of the complement of (plain ^ key[(i % 1024) % len]). */
static void obfuscate(uint8_t *p, size_t n, const char *name)
{
    static const uint8_t x[4] = {0x13, 0x35, 0x86, 0x07};
    size_t len = strlen(name);
    for (size_t i = 0; i < n; i++) {
        size_t k = (i % 1024) % len;
        uint8_t v = (uint8_t)~(p[i] ^ (uint8_t)name[k] ^ x[k % 4]);
        p[i] = (uint8_t)((v >> 4) | (v << 4));
    }
}

/* One table entry; @p compress stores a zlib stream, else the bytes. */
static void table_file(struct isb *b, const char *name, const void *data,
                       size_t n, bool compress, int64_t size_delta)
{
    uint8_t z[8192];
    uLongf zn = sizeof z;
    if (compress)
        assert_int_equal(compress2(z, &zn, data, n, 9), Z_OK);
    else {
        assert_true(n <= sizeof z);
        memcpy(z, data, n);
        zn = n;
    }
    obfuscate(z, zn, name);
    put(b, name, strlen(name));
    zeros(b, 260 - strlen(name));
    put_le(b, 6, 4);
    put_le(b, 0, 4);
    put_le(b, (uint64_t)((int64_t)zn + size_delta), 8);
    put_le(b, 0, 4);
    put_le(b, 1, 4);
    zeros(b, 28);
    put(b, z, zn);
}

static void plain_file(struct isb *b, const char *name, const char *version,
                       const char *data, const char *size)
{
    put(b, name, strlen(name) + 1);
    put(b, "Disk1\\", 6);
    put(b, name, strlen(name) + 1);
    put(b, version, strlen(version) + 1);
    put(b, size, strlen(size) + 1);
    put(b, data, strlen(data));
}

/* Bytes that do not compress, so that the stored file spans blocks. */
static void noise(uint8_t *p, size_t n)
{
    uint32_t s = 12345;
    for (size_t i = 0; i < n; i++) {
        s = s * 1103515245u + 12345u;
        p[i] = (uint8_t)(s >> 16);
    }
}

static void table_files(void **state)
{
    static uint8_t big[3000];
    struct isb b = {.n = 0};
    struct fake_core fc;
    const struct fake_kid *k;
    (void)state;

    noise(big, sizeof big);
    table_header(&b, 3);
    /* 15-byte name: the key does not divide the 1024-byte block. */
    table_file(&b, "clam.exe409.bmp", big, sizeof big, true, 0);
    table_file(&b, "Setup.ini", "[Startup]\r\n", 11, true, 0);
    table_file(&b, "raw.bin", "stored as is", 12, false, 0);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_ishield_extract, b.p, b.n), VIGIL_OK);
    assert_int_equal(fc.n, 3);
    assert_non_null(k = fake_find(&fc, big, sizeof big));
    assert_string_equal(k->name, "clam.exe409.bmp");
    assert_non_null(k = fake_find_str(&fc, "[Startup]\r\n"));
    assert_string_equal(k->name, "Setup.ini");
    assert_non_null(fake_find_str(&fc, "stored as is"));
    fake_free(&fc);
}

static void plain_stream(void **state)
{
    struct isb b = {.n = 0};
    struct fake_core fc;
    const struct fake_kid *k;
    (void)state;

    plain_file(&b, "clam.exe", "0.0.0.0", "MZ first", "8");
    plain_file(&b, "setup.exe", "11.0.0.28844", "second!", "7");
    plain_file(&b, "empty.txt", "1", "", "0");
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_ishield_extract, b.p, b.n), VIGIL_OK);
    assert_int_equal(fc.n, 3);
    assert_non_null(k = fake_find_str(&fc, "MZ first"));
    assert_string_equal(k->name, "clam.exe");
    assert_non_null(k = fake_find_str(&fc, "second!"));
    assert_string_equal(k->name, "setup.exe");
    assert_string_equal(fc.kids[2].name, "empty.txt");
    assert_int_equal(fc.kids[2].len, 0);
    fake_free(&fc);
}

/* A PE with one section whose data ends at 0x200, then a plain stream. */
static void pe_with_stream(struct isb *b)
{
    b->n = 0;
    put(b, "MZ", 2);
    zeros(b, 0x3a);
    put_le(b, 0x40, 4);
    put(b, "PE\0\0", 4);
    put_le(b, 0x14c, 2);
    put_le(b, 1, 2);  /* one section */
    zeros(b, 12);
    put_le(b, 0, 2);  /* no optional header (enough for the overlay) */
    put_le(b, 0, 2);
    put(b, ".text\0\0\0", 8);
    put_le(b, 0x100, 4);
    put_le(b, 0x1000, 4);
    put_le(b, 0x100, 4); /* SizeOfRawData */
    put_le(b, 0x100, 4); /* PointerToRawData */
    zeros(b, 16);
    zeros(b, 0x200 - b->n);
    plain_file(b, "a.exe", "1.2", "payload", "7");
}

static void find_payloads(void **state)
{
    struct isb b;
    size_t off = 0;
    enum vg_ftype et;
    (void)state;

    pe_with_stream(&b);
    assert_true(vg_ishield_find(vigil_span_make(b.p, b.n), true, &off, &et));
    assert_int_equal(off, 0x200);
    assert_int_equal(et, VG_FT_PE);
    /* Not at the overlay: a plain stream is not looked for elsewhere. */
    b.p[0x200] = 1;
    assert_false(vg_ishield_find(vigil_span_make(b.p, b.n), true, &off, &et));

    /* A table after a decoy "InstallShield" string. */
    b.n = 0;
    put(&b, "MZ...InstallShield\0 setup stub text", 35);
    table_header(&b, 1);
    table_file(&b, "x.txt", "hello", 5, true, 0);
    assert_true(vg_ishield_find(vigil_span_make(b.p, b.n), false, &off, &et));
    assert_int_equal(off, 35);
    assert_int_equal(et, VG_FT_ISHIELD_MSI);

    b.n = 0;
    put(&b, "just some data\0without a payload", 32);
    assert_false(vg_ishield_find(vigil_span_make(b.p, b.n), false, &off, &et));
}

static void damaged(void **state)
{
    struct isb b = {.n = 0};
    struct fake_core fc;
    (void)state;

    /* The second file claims more than is left: the first is kept, what
     * there is of the second is emitted, the result says corrupt. */
    table_header(&b, 2);
    table_file(&b, "a.txt", "first", 5, true, 0);
    table_file(&b, "b.txt", "second", 6, false, 1000);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_ishield_extract, b.p, b.n),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 2);
    assert_non_null(fake_find_str(&fc, "first"));
    assert_non_null(fake_find_str(&fc, "second"));
    fake_free(&fc);

    /* More files announced than present. */
    b.n = 0;
    table_header(&b, 60000);
    table_file(&b, "a.txt", "first", 5, true, 0);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_ishield_extract, b.p, b.n),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 1);
    fake_free(&fc);

    /* A plain stream cut inside its second file. */
    b.n = 0;
    plain_file(&b, "a", "1", "abc", "3");
    plain_file(&b, "b", "1", "de", "99");
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_ishield_extract, b.p, b.n),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 2);
    assert_non_null(fake_find_str(&fc, "de"));
    fake_free(&fc);

    /* A size that is not a number. */
    b.n = 0;
    plain_file(&b, "a", "1", "abc", "3x");
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_ishield_extract, b.p, b.n),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);
    fake_free(&fc);
}

static void limits_and_stop(void **state)
{
    static uint8_t big[3000];
    struct isb b = {.n = 0};
    struct fake_core fc;
    (void)state;

    noise(big, sizeof big);
    table_header(&b, 2);
    table_file(&b, "big.bin", big, sizeof big, true, 0);
    table_file(&b, "small.txt", "small", 5, true, 0);
    fake_init(&fc);
    fc.max_child = 100;
    assert_int_equal(fake_run(&fc, vg_ishield_extract, b.p, b.n), VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_int_equal(fc.kids[0].len, 100);
    assert_true(fc.kids[0].truncated);
    assert_memory_equal(fc.kids[0].p, big, 100);
    fake_free(&fc);

    fake_init(&fc);
    fc.stop_after = 1;
    fc.stop_ret = VIGIL_E_LIMIT;
    assert_int_equal(fake_run(&fc, vg_ishield_extract, b.p, b.n),
                     VIGIL_E_LIMIT);
    assert_int_equal(fc.n, 1);
    fake_free(&fc);
}


/* ---- InstallShield cabinets ---- */

static void put_at(uint8_t *p, size_t at, uint64_t v, unsigned n)
{
    for (unsigned i = 0; i < n; i++)
        p[at + i] = (uint8_t)(v >> (8 * i));
}

static size_t raw_deflate(const void *in, size_t n, uint8_t *out, size_t cap)
{
    z_stream z;
    size_t len;
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, -15, 8,
                                  Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    len = cap - z.avail_out;
    deflateEnd(&z);
    return len;
}

struct isc_spec {
    const char *name;
    uint16_t flags, volume;
    uint64_t size, stored, offset;
};

/* A version 9 header: descriptor at 20, table at 20 + 0x100 with the
 * names, file descriptors 0x20 into the table. */
static void isc_header(uint8_t hdr[1024], const struct isc_spec *f,
                       unsigned n)
{
    size_t table = 20 + 0x100, names = 0;
    memset(hdr, 0, 1024);
    memcpy(hdr, "ISc(", 4);
    put_at(hdr, 4, 0x01009500u, 4);
    put_at(hdr, 12, 20, 4);
    put_at(hdr, 20 + 0x0c, 0x100, 4);
    put_at(hdr, 20 + 0x28, n, 4);
    put_at(hdr, 20 + 0x2c, 0x20, 4);
    for (unsigned i = 0; i < n; i++) {
        size_t d = table + 0x20 + i * 0x57;
        assert_true(d + 0x57 <= 1024 && names + 16 <= 0x20);
        memcpy(hdr + table + names, f[i].name, strlen(f[i].name));
        put_at(hdr, d, f[i].flags, 2);
        put_at(hdr, d + 2, f[i].size, 8);
        put_at(hdr, d + 0x0a, f[i].stored, 8);
        put_at(hdr, d + 0x12, f[i].offset, 8);
        put_at(hdr, d + 0x3a, names, 4);
        put_at(hdr, d + 0x55, f[i].volume, 2);
        names += strlen(f[i].name) + 1;
    }
}

static void put_plain_bytes(struct isb *b, const char *name, const void *p,
                            size_t n)
{
    char size[24];
    snprintf(size, sizeof size, "%zu", n);
    put(b, name, strlen(name) + 1);
    put(b, name, strlen(name) + 1);
    put(b, "0.0.0.0", 8);
    put(b, size, strlen(size) + 1);
    put(b, p, n);
}

/* A setup stream with data1.hdr, data1.cab (a stored file) and data2.cab
 * (a file in two deflate chunks). */
static void iscab_stream(struct isb *b, const uint8_t *big, size_t nbig,
                         bool truncate_chunk)
{
    static uint8_t vol1[600], vol2[8192];
    uint8_t hdr[1024];
    size_t n2 = 512, half = nbig / 2;
    struct isc_spec f[3] = {
        {"a.txt", 0, 1, 5, 5, 512},
        {"b.bin", 4, 2, nbig, 0, 512},
        {"elsewhere.exe", 0, 1, 100, 0, 0}, /* outside the cabinets */
    };
    memset(vol1, 0, sizeof vol1);
    memcpy(vol1, "ISc(", 4);
    memcpy(vol1 + 512, "hello", 5);
    memset(vol2, 0, sizeof vol2);
    memcpy(vol2, "ISc(", 4);
    for (int k = 0; k < 2; k++) {
        size_t m = raw_deflate(big + k * half, k ? nbig - half : half,
                               vol2 + n2 + 2, sizeof vol2 - n2 - 2);
        put_at(vol2, n2, m, 2);
        n2 += 2 + m;
    }
    f[1].stored = n2 - 512 - (truncate_chunk ? 10 : 0);
    isc_header(hdr, f, 3);
    b->n = 0;
    put_plain_bytes(b, "data1.hdr", hdr, sizeof hdr);
    put_plain_bytes(b, "data1.cab", vol1, sizeof vol1);
    put_plain_bytes(b, "DATA2.CAB", vol2, n2);
}

static void iscab_files(void **state)
{
    static uint8_t big[5000];
    static struct isb b;
    struct fake_core fc;
    const struct fake_kid *k;
    (void)state;

    noise(big, sizeof big);
    memset(big + 2500, 'A', 2500); /* compresses: chunks of mixed size */
    iscab_stream(&b, big, sizeof big, false);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_ishield_extract, b.p, b.n), VIGIL_OK);
    assert_int_equal(fc.n, 5); /* 3 stream files, 2 cabinet files */
    assert_non_null(k = fake_find_str(&fc, "hello"));
    assert_string_equal(k->name, "a.txt");
    assert_non_null(k = fake_find(&fc, big, sizeof big));
    assert_string_equal(k->name, "b.bin");
    fake_free(&fc);

    /* The second chunk cut short: what inflated is kept, and said. */
    iscab_stream(&b, big, sizeof big, true);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_ishield_extract, b.p, b.n),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 5);
    assert_true(fc.kids[4].len >= 2500 && fc.kids[4].len < sizeof big);
    assert_memory_equal(fc.kids[4].p, big, 2500);
    fake_free(&fc);
}

static bool no_volume(void *ctx, unsigned vol, struct vigil_span *out)
{
    (void)ctx;
    (void)vol;
    (void)out;
    return false;
}

static void iscab_damaged(void **state)
{
    uint8_t hdr[1024];
    struct isc_spec f[1] = {{"a.txt", 0, 1, 5, 5, 512}};
    struct fake_core fc;
    struct vg_extract x;
    (void)state;

    fake_init(&fc);
    x = (struct vg_extract){fake_emit, &fc, fc.max_child, 0};
    isc_header(hdr, f, 1);
    /* A descriptor offset past the header. */
    put_at(hdr, 12, 5000, 4);
    assert_int_equal(vg_iscab_extract(vigil_span_make(hdr, sizeof hdr),
                                      no_volume, NULL, &x),
                     VIGIL_E_CORRUPT);
    /* Older than version 6. */
    isc_header(hdr, f, 1);
    put_at(hdr, 4, 0x01005000u, 4);
    assert_int_equal(vg_iscab_extract(vigil_span_make(hdr, sizeof hdr),
                                      no_volume, NULL, &x),
                     VIGIL_E_UNSUPPORTED);
    /* A huge count: the descriptors run off the header. */
    isc_header(hdr, f, 1);
    put_at(hdr, 20 + 0x28, 0xffffffffu, 4);
    assert_int_equal(vg_iscab_extract(vigil_span_make(hdr, sizeof hdr),
                                      no_volume, NULL, &x),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);
    fake_free(&fc);
}

static void clamav_sample(const char *name, const char *child)
{
    struct vigil_buf b;
    size_t off;
    enum vg_ftype et;

    need_scanfile(name, &b);
    assert_true(vg_ishield_find(vigil_span_make(b.data, b.len), true, &off,
                                &et));
    expect_clam_named(vg_ishield_extract, b.data + off, b.len - off, child);
    vigil_buf_free(&b);
}

static void clamav_iscab_ext(void **state)
{
    (void)state;
    clamav_sample("clam_IScab_ext.exe", "clam.exe");
}

static void clamav_iscab_int(void **state)
{
    (void)state;
    clamav_sample("clam_IScab_int.exe", "clam.exe");
}

static void clamav_ismsi_ext(void **state)
{
    (void)state;
    clamav_sample("clam_ISmsi_ext.exe", "clam.exe409.bmp");
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(table_files),
        cmocka_unit_test(plain_stream),
        cmocka_unit_test(find_payloads),
        cmocka_unit_test(damaged),
        cmocka_unit_test(limits_and_stop),
        cmocka_unit_test(iscab_files),
        cmocka_unit_test(iscab_damaged),
        cmocka_unit_test(clamav_iscab_ext),
        cmocka_unit_test(clamav_iscab_int),
        cmocka_unit_test(clamav_ismsi_ext),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
