// SPDX-License-Identifier: GPL-2.0-or-later
// test_ole2.c: OLE2 compound files, VBA decompression and module source,
// PowerPoint embedded objects, OLE1 Packager data; hostile tables.
#include "test_main.h"

#include "fmt/filetype.h"
#include "fmt/mimecodec.h"
#include "fmt/ole2.h"
#include "fmt/vba.h"
#include "test_fmt.h"

/* tests/data/fmt/vba.doc.b64 comes from fuzz/make_fmt_seeds.py: streams
 * WordDocument (bytes 0..255 x 20, regular sectors 1-10), Macros/VBA/dir,
 * Macros/VBA/Module1 (37 bytes of cache, then the compressed source),
 * Macros/VBA/_VBA_PROJECT, Macros/PROJECT (mini stream). ClamAV's
 * sigtool --vba reads its macro the same way. */
static const char vba_source[] =
    "Attribute VB_Name = \"Module1\"\r\nSub AutoOpen()\r\n"
    "  MsgBox \"vigil test, vigil test, vigil test\"\r\nEnd Sub\r\n";

static void load_doc(struct vigil_buf *doc)
{
    char path[1024];
    struct vigil_buf b64;
    FILE *f;
    struct vg_out o;

    snprintf(path, sizeof path, "%s/fmt/vba.doc.b64", VIGIL_TEST_DATA);
    assert_non_null(f = fopen(path, "rb"));
    vigil_buf_init(&b64, 1 << 20);
    assert_int_equal(vigil_buf_read_fd(&b64, fileno(f)), VIGIL_OK);
    fclose(f);
    vg_out_init(&o, 1 << 20);
    assert_int_equal(vg_base64_decode(vigil_span_make(b64.data, b64.len), &o),
                     VIGIL_OK);
    vigil_buf_free(&b64);
    *doc = o.b;
    assert_int_equal(doc->len, 8192);
}

static void streams_and_vba_source(void **state)
{
    struct vigil_buf doc;
    struct fake_core fc;
    const struct fake_kid *k;
    uint8_t big[5120];
    (void)state;

    load_doc(&doc);
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = (uint8_t)i;
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_ole2_extract, doc.data, doc.len),
                     VIGIL_OK);
    assert_int_equal(fc.n, 6); /* 5 streams + 1 module's source */
    assert_non_null(k = fake_find(&fc, big, sizeof big));
    assert_string_equal(k->name, "WordDocument");
    assert_non_null(k = fake_find_str(&fc, vba_source));
    assert_string_equal(k->name, "Module1");
    assert_non_null(k = fake_find(&fc, "\xCC\x61\xFF\xFF\x00\x00\x00", 7));
    assert_string_equal(k->name, "_VBA_PROJECT");
    assert_string_equal(fc.kids[4].name, "PROJECT");
    fake_free(&fc);
    vigil_buf_free(&doc);
}

static void vba_decompress_spec_example(void **state)
{
    /* MS-OVBA 3.2.1: a compressed chunk holding literals only. */
    static const uint8_t in[] = {0x01, 0x19, 0xB0, 0x00, 'a',  'b',  'c', 'd',
                                 'e',  'f',  'g',  'h',  0x00, 'i',  'j', 'k',
                                 'l',  'm',  'n',  'o',  'p',  0x00, 'q', 'r',
                                 's',  't',  'u',  'v',  '.'};
    /* A copy token (distance 1, length 3+7) after "ab": bits=4 at 2
     * bytes done, so token = (0 << 12) | 7. */
    static const uint8_t rep[] = {0x01, 0x05, 0xB0, 0x04, 'a', 'b', 0x07, 0x00};
    static const uint8_t bad_dist[] = {0x01, 0x03, 0xB0, 0x01, 0x00, 0x10};
    struct vg_out o;
    (void)state;

    vg_out_init(&o, 1 << 20);
    assert_int_equal(vg_vba_decompress(vigil_span_make(in, sizeof in), &o),
                     VIGIL_OK);
    assert_int_equal(o.b.len, 23);
    assert_memory_equal(o.b.data, "abcdefghijklmnopqrstuv.", 23);
    vg_out_reset(&o);
    assert_int_equal(vg_vba_decompress(vigil_span_make(rep, sizeof rep), &o),
                     VIGIL_OK);
    assert_int_equal(o.b.len, 12);
    assert_memory_equal(o.b.data, "abbbbbbbbbbb", 12);
    /* A copy before the start of the chunk. */
    vg_out_reset(&o);
    assert_int_equal(
        vg_vba_decompress(vigil_span_make(bad_dist, sizeof bad_dist), &o),
        VIGIL_E_CORRUPT);
    /* Wrong signature byte, wrong chunk signature. */
    assert_int_equal(vg_vba_decompress(vigil_span_make("\x02", 1), &o),
                     VIGIL_E_CORRUPT);
    assert_int_equal(vg_vba_decompress(vigil_span_make("\x01\x00\x00", 3), &o),
                     VIGIL_E_CORRUPT);
    /* Limit: stops at 5 bytes and says so. */
    vg_out_free(&o);
    vg_out_init(&o, 5);
    assert_int_equal(vg_vba_decompress(vigil_span_make(rep, sizeof rep), &o),
                     VIGIL_OK);
    assert_int_equal(o.b.len, 5);
    assert_true(o.truncated);
    vg_out_free(&o);
}

static void put32(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

/* FAT entry k of the sample lives in sector 0, at file offset 512 + 4k. */
static void fat_cycle_ends_stream(void **state)
{
    struct vigil_buf doc;
    struct fake_core fc;
    (void)state;

    load_doc(&doc);
    put32(doc.data + 512 + 4 * 5, 2); /* WordDocument: 1..5 -> 2 -> ... */
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_ole2_extract, doc.data, doc.len),
                     VIGIL_E_CORRUPT);
    assert_string_equal(fc.kids[0].name, "WordDocument");
    assert_int_equal(fc.kids[0].len, 5 * 512); /* sectors 1-5, then stop */
    assert_non_null(fake_find_str(&fc, vba_source)); /* the rest still */
    fake_free(&fc);
    vigil_buf_free(&doc);
}

static void cross_linked_chains(void **state)
{
    struct vigil_buf doc;
    struct fake_core fc;
    size_t dir_off = 0;
    (void)state;

    load_doc(&doc);
    /* Find the directory: the sector starting with "R\0o\0o\0t". */
    for (size_t off = 512; off < doc.len; off += 512)
        if (!memcmp(doc.data + off, "R\0o\0o\0t\0", 8))
            dir_off = off;
    assert_true(dir_off > 0);
    /* Entry 0 is the root, entry 1 WordDocument; make the root's mini
     * stream start inside WordDocument's chain. */
    put32(doc.data + dir_off + 116, 3);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_ole2_extract, doc.data, doc.len),
                     VIGIL_E_CORRUPT);
    /* WordDocument is read after the mini stream took its sectors. */
    assert_int_equal(fc.kids[0].len, 2 * 512);
    fake_free(&fc);
    vigil_buf_free(&doc);
}

static void directory_loops(void **state)
{
    struct vigil_buf doc;
    struct fake_core fc;
    size_t dir_off = 0;
    (void)state;

    load_doc(&doc);
    for (size_t off = 512; off < doc.len; off += 512)
        if (!memcmp(doc.data + off, "R\0o\0o\0t\0", 8))
            dir_off = off;
    /* Every entry's left, right and child point at entry 1 or itself. */
    for (size_t e = 0; e < 4; e++) {
        put32(doc.data + dir_off + 128 * e + 68, 1);
        put32(doc.data + dir_off + 128 * e + 72, (uint32_t)e);
        put32(doc.data + dir_off + 128 * e + 76, 0);
    }
    fake_init(&fc);
    (void)fake_run(&fc, vg_ole2_extract, doc.data, doc.len);
    assert_true(fc.n >= 1);
    fake_free(&fc);
    vigil_buf_free(&doc);
}

static void truncations_and_bad_headers(void **state)
{
    struct vigil_buf doc;
    struct fake_core fc;
    (void)state;

    load_doc(&doc);
    for (size_t len = 0; len < doc.len; len += 61) {
        int ret;
        fake_init(&fc);
        ret = fake_run(&fc, vg_ole2_extract, doc.data, len);
        if (ret != VIGIL_OK && ret != VIGIL_E_CORRUPT)
            fail_msg("length %zu: %d", len, ret);
        fake_free(&fc);
    }
    /* Sector shift 20 and mini shift >= shift are refused. */
    doc.data[30] = 20;
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_ole2_extract, doc.data, doc.len),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);
    doc.data[30] = 9;
    doc.data[32] = 9;
    assert_int_equal(fake_run(&fc, vg_ole2_extract, doc.data, doc.len),
                     VIGIL_E_CORRUPT);
    doc.data[32] = 6;
    doc.data[0] = 'X';
    assert_int_equal(fake_run(&fc, vg_ole2_extract, doc.data, doc.len),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);
    fake_free(&fc);
    vigil_buf_free(&doc);
}

static void limits_and_stop(void **state)
{
    struct vigil_buf doc;
    struct fake_core fc;
    (void)state;

    load_doc(&doc);
    fake_init(&fc);
    fc.max_child = 100;
    assert_int_equal(fake_run(&fc, vg_ole2_extract, doc.data, doc.len),
                     VIGIL_OK);
    assert_int_equal(fc.kids[0].len, 100);
    assert_true(fc.kids[0].truncated);
    assert_int_equal(fc.kids[5].len, 100); /* the VBA source */
    assert_true(fc.kids[5].truncated);
    fake_free(&fc);

    fake_init(&fc);
    fc.stop_after = 2;
    fc.stop_ret = VIGIL_E_LIMIT;
    assert_int_equal(fake_run(&fc, vg_ole2_extract, doc.data, doc.len),
                     VIGIL_E_LIMIT);
    assert_int_equal(fc.n, 2);
    fake_free(&fc);
    vigil_buf_free(&doc);
}

static void clamav_samples(void **state)
{
    static const char *const names[] = {"clam.ole.doc", "clam.ppt"};
    (void)state;

    for (size_t i = 0; i < 2; i++) {
        struct vigil_buf b;
        struct fake_core fc;
        const struct fake_kid *k;
        need_scanfile(names[i], &b);
        fake_init(&fc);
        fc.recurse_hint = VG_FT_OLE2; /* PowerPoint's embedded object */
        fc.recurse_fn = vg_ole2_extract;
        assert_int_equal(fake_run(&fc, vg_ole2_extract, b.data, b.len),
                         VIGIL_OK);
        if (!(k = fake_find_clam(&fc)))
            fail_msg("%s: clam.exe not found", names[i]);
        assert_int_equal(strcasecmp(k->name, "clam.exe"), 0);
        fake_free(&fc);
        vigil_buf_free(&b);
    }
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(streams_and_vba_source),
        cmocka_unit_test(vba_decompress_spec_example),
        cmocka_unit_test(fat_cycle_ends_stream),
        cmocka_unit_test(cross_linked_chains),
        cmocka_unit_test(directory_loops),
        cmocka_unit_test(truncations_and_bad_headers),
        cmocka_unit_test(limits_and_stop),
        cmocka_unit_test(clamav_samples),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
