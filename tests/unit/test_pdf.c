// SPDX-License-Identifier: GPL-2.0-or-later
// test_pdf.c: PDF objects, stream boundaries, every filter, predictors,
// references, and hostile documents.
#include "test_main.h"

#include <time.h>

#include <zlib.h>

#include "fmt/mimecodec.h"
#include "fmt/pdf.h"
#include "fmt/pdf_filters.h"
#include "test_fmt.h"

/* Build "1 0 obj <<dict>> stream\n" data "\nendstream endobj" into buf. */
static size_t pdf_obj(uint8_t *buf, size_t cap, const char *dict,
                      const void *data, size_t n)
{
    int h = snprintf((char *)buf, cap, "%%PDF-1.4\n1 0 obj\n<<%s>>\nstream\r\n",
                     dict);
    assert_true(h > 0 && (size_t)h + n + 32 < cap);
    memcpy(buf + h, data, n);
    memcpy(buf + (size_t)h + n, "\nendstream\nendobj\n%%EOF\n", 24);
    return (size_t)h + n + 24;
}

static size_t deflate_to(const char *s, uint8_t *out, size_t cap)
{
    uLongf n = (uLongf)cap;

    assert_int_equal(compress(out, &n, (const Bytef *)s, strlen(s)), Z_OK);
    return (size_t)n;
}

static void flate_with_length_and_names(void **state)
{
    /* The length is appended where a dictionary ends in "/Length". */
    static const char *const dicts[] = {
        "/Filter /FlateDecode /Length", "/Filter/Fl#61teDecode/Length",
        "/Filter [/FlateDecode] /Length 999999",
        "/Length 3 /Filter /Fl", /* wrong length: cut at endstream */
    };
    (void)state;

    for (size_t i = 0; i < 4; i++) {
        uint8_t z[256], pdf[1024];
        char dict[128];
        struct fake_core fc;
        size_t zn = deflate_to("stream one, stream one", z, sizeof z);
        snprintf(dict, sizeof dict, "%s", dicts[i]);
        if (i < 2)
            snprintf(dict, sizeof dict, "%s %zu", dicts[i], zn);
        fake_init(&fc);
        assert_int_equal(fake_run(&fc, vg_pdf_extract, pdf,
                                  pdf_obj(pdf, sizeof pdf, dict, z, zn)),
                         VIGIL_OK);
        assert_int_equal(fc.n, 1);
        if (!fake_find_str(&fc, "stream one, stream one"))
            fail_msg("dict %zu", i);
        assert_string_equal(fc.kids[0].name, "obj 1");
        fake_free(&fc);
    }
}

static void filter_chain_hex_then_flate(void **state)
{
    uint8_t z[256], pdf[2048];
    char hex[600];
    size_t zn = deflate_to("chained", z, sizeof z), o = 0;
    struct fake_core fc;
    (void)state;

    for (size_t i = 0; i < zn; i++)
        o += (size_t)snprintf(hex + o, sizeof hex - o, "%02X%s", z[i],
                              i % 7 ? "" : "\n ");
    hex[o++] = '>';
    fake_init(&fc);
    assert_int_equal(
        fake_run(&fc, vg_pdf_extract, pdf,
                 pdf_obj(pdf, sizeof pdf,
                         "/Filter [/AHx /FlateDecode] /DecodeParms [null null]",
                         hex, o)),
        VIGIL_OK);
    assert_non_null(fake_find_str(&fc, "chained"));
    fake_free(&fc);
}

static void decode_into(int (*fn)(struct vigil_span, struct vg_out *),
                        const char *in, size_t n, const char *want, size_t wn,
                        int want_ret)
{
    struct vg_out o;

    vg_out_init(&o, 1 << 20);
    if (fn(vigil_span_make(in, n), &o) != want_ret)
        fail_msg("decoding \"%.*s\": wrong result", (int)n, in);
    assert_int_equal(o.b.len, wn);
    if (wn)
        assert_memory_equal(o.b.data, want, wn);
    vg_out_free(&o);
}

static int lzw_early(struct vigil_span in, struct vg_out *o)
{
    return vg_pdf_lzw(in, o, true);
}

static void filters_known_vectors(void **state)
{
    (void)state;
    decode_into(vg_pdf_a85, "<~9jqo^BlbD-BleB1DJ+*+F(f,qz+T~>", 32,
                "Man is distinguished\0\0\0\0!", 25, VIGIL_OK);
    decode_into(vg_pdf_a85, "9jqo^\x7f", 6, "Man ", 4, VIGIL_E_CORRUPT);
    decode_into(vg_pdf_a85, "s8W-\"", 5, "", 0, VIGIL_E_CORRUPT); /* >2^32 */
    decode_into(vg_pdf_ahx, "41 4 2\n43 4>99", 14, "ABC@", 4, VIGIL_OK);
    decode_into(vg_pdf_ahx, "41x", 3, "A", 1, VIGIL_E_CORRUPT);
    decode_into(vg_pdf_rl,
                "\x02"
                "abc\xfdx\x80zz",
                9, "abcxxxx", 7, VIGIL_OK);
    decode_into(vg_pdf_rl,
                "\x05"
                "ab",
                3, "ab", 2, VIGIL_E_CORRUPT);
    /* ISO 32000-1 7.4.4.2's example: 2D 2D 2D 2D 2D 41 2D 2D 2D 42. */
    decode_into(lzw_early, "\x80\x0B\x60\x50\x22\x0C\x0C\x85\x01", 9,
                "-----A---B", 10, VIGIL_OK);
    /* A first code that is not yet in the table. */
    decode_into(lzw_early, "\x80\x4B\x00", 3, "", 0, VIGIL_E_CORRUPT);
}

/* A longer LZW round trip across the 9->10->11->12 bit changes and a
 * full table, with an encoder written here from the standard. */
static size_t lzw_encode(const uint8_t *in, size_t n, uint8_t *out)
{
    static int32_t dict[4096][256];
    unsigned next = 258, width = 9, nbits = 0, prefix;
    uint32_t acc = 0;
    size_t o = 0;
#define LZW_PUT(code)                                                          \
    do {                                                                       \
        acc = (acc << width) | (code);                                         \
        nbits += width;                                                        \
        while (nbits >= 8) {                                                   \
            out[o++] = (uint8_t)(acc >> (nbits - 8));                          \
            nbits -= 8;                                                        \
        }                                                                      \
    } while (0)
    memset(dict, -1, sizeof dict);
    LZW_PUT(256u);
    prefix = in[0];
    for (size_t i = 1; i < n; i++) {
        if (dict[prefix][in[i]] >= 0) {
            prefix = (unsigned)dict[prefix][in[i]];
            continue;
        }
        LZW_PUT(prefix);
        if (next < 4095) {
            dict[prefix][in[i]] = (int32_t)next++;
            if (next + 1 > (1u << width) && width < 12)
                width++;
        } else {
            LZW_PUT(256u);
            memset(dict, -1, sizeof dict);
            next = 258;
            width = 9;
        }
        prefix = in[i];
    }
    LZW_PUT(prefix);
    LZW_PUT(257u);
    if (nbits)
        out[o++] = (uint8_t)(acc << (8 - nbits));
#undef LZW_PUT
    return o;
}

static void lzw_round_trip(void **state)
{
    enum { N = 60000 };
    uint8_t *in = malloc(N), *enc = malloc(2 * N);
    uint32_t seed = 1;
    struct vg_out o;
    size_t en;
    (void)state;

    for (size_t i = 0; i < N; i++) {
        seed = seed * 1103515245u + 12345u;
        in[i] = (uint8_t)("abcdefgh"[(seed >> 16) % 8] ^ (i % 300 == 0));
    }
    en = lzw_encode(in, N, enc);
    vg_out_init(&o, 1 << 20);
    assert_int_equal(vg_pdf_lzw(vigil_span_make(enc, en), &o, true), VIGIL_OK);
    assert_int_equal(o.b.len, N);
    assert_memory_equal(o.b.data, in, N);
    vg_out_free(&o);
    free(in);
    free(enc);
}

static void png_and_tiff_predictors(void **state)
{
    /* Two rows of 3 bytes, filter Up then Sub: 1 2 3 / 2 3 4. */
    static const uint8_t rows[] = {2, 1, 2, 3, 1, 2, 1, 1};
    uint8_t z[64], pdf[1024];
    uLongf zn = sizeof z;
    struct fake_core fc;
    struct vg_out o;
    struct vg_pdf_predictor tiff = {2, 1, 8, 3};
    (void)state;

    assert_int_equal(compress(z, &zn, rows, sizeof rows), Z_OK);
    fake_init(&fc);
    assert_int_equal(
        fake_run(&fc, vg_pdf_extract, pdf,
                 pdf_obj(pdf, sizeof pdf,
                         "/Filter /FlateDecode /DecodeParms << /Predictor 12"
                         " /Columns 3 >>",
                         z, zn)),
        VIGIL_OK);
    assert_non_null(fake_find(&fc, "\1\2\3\2\3\4", 6));
    fake_free(&fc);

    vg_out_init(&o, 100);
    assert_int_equal(
        vg_pdf_unpredict(vigil_span_make("\1\1\1\5\1\1", 6), &o, &tiff),
        VIGIL_OK);
    assert_memory_equal(o.b.data, "\1\2\3\5\6\7", 6);
    vg_out_free(&o);
}

static void references_and_cycles(void **state)
{
    static const char doc[] =
        "%PDF-1.5\n2 0 obj 5 endobj\n"
        "1 0 obj <</Length 2 0 R /Filter 3 0 R>>stream\nhello\nendstream\n"
        "endobj\n3 0 obj 4 0 R endobj\n4 0 obj 3 0 R endobj\n"
        "5 0 obj <</Length 6 0 R>>stream\nabc 7 0 obj <</Length 1>>stream\n"
        "x\nendstream\nendobj\n6 0 obj 6 0 R endobj\n";
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    assert_int_equal(fake_run_str(&fc, vg_pdf_extract, doc), VIGIL_OK);
    assert_int_equal(fc.n, 2); /* "7 0 obj" inside stream 5 is data */
    assert_non_null(fake_find_str(&fc, "hello"));
    assert_non_null(fake_find_str(&fc, "abc 7 0 obj <</Length 1>>stream\nx"));
    fake_free(&fc);
}

static void unknown_filter_and_damage(void **state)
{
    struct fake_core fc;
    (void)state;

    /* DCT is not decoded: the bytes are emitted as they are. */
    fake_init(&fc);
    assert_int_equal(fake_run_str(&fc, vg_pdf_extract,
                                  "1 0 obj<</Filter/DCTDecode>>stream\n"
                                  "\xff\xd8jpeg\nendstream endobj"),
                     VIGIL_OK);
    assert_non_null(fake_find_str(&fc, "\xff\xd8jpeg"));
    fake_free(&fc);

    /* Bad Flate data: corrupt, with what inflated (nothing) emitted. */
    fake_init(&fc);
    assert_int_equal(fake_run_str(&fc, vg_pdf_extract,
                                  "1 0 obj<</Filter/FlateDecode>>stream\n"
                                  "\x78\x9c garbage\nendstream endobj"),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 1);
    fake_free(&fc);

    /* No endstream: to the end of the file, corrupt. */
    fake_init(&fc);
    assert_int_equal(fake_run_str(&fc, vg_pdf_extract,
                                  "1 0 obj<</Length 99>>stream\r\ntail"),
                     VIGIL_E_CORRUPT);
    assert_non_null(fake_find_str(&fc, "tail"));
    fake_free(&fc);

    /* Not a PDF at all. */
    fake_init(&fc);
    assert_int_equal(fake_run_str(&fc, vg_pdf_extract, "object obj"),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);
    fake_free(&fc);
}

static void malformed_inputs(void **state)
{
    static const char *const bad[] = {
        "",
        "obj",
        " 0 obj",
        "1 0 obj",
        "1 0 obj <<",
        "1 0 obj << /Filter [ /Fl /Fl /Fl /Fl /Fl /Fl /Fl /Fl /Fl /Fl",
        "1 0 obj <<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<"
        "<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<<"
        "<<<<<<<<<<<<<<<<<<<<<<<<<<>> stream\n",
        "1 0 obj << /Length 99999999999999999999999 >> stream\n",
        "1 0 obj << /DecodeParms << /Predictor 15 /Columns 99999999 /Colors "
        "32 /BitsPerComponent 16 >> /Filter /Fl >> stream\nx\x9c\x03\0\0\0\0"
        "\x01\nendstream",
        "1 0 obj << /Filter /LZW /DecodeParms <</EarlyChange 0>> >> stream\n"
        "\xff\xff\xff\xff\xff\xff\nendstream",
        "1 0 obj << /Filter /A85 /Length (x >> ] ) >> stream\n~\nendstream",
        "99999999999 0 obj 1 0 obj <</Length -5>>stream\nendstream",
        "1 0 obj <</Filter/RL>>stream\n\xff",
    };
    (void)state;

    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        struct fake_core fc;
        int ret;
        fake_init(&fc);
        fc.max_child = 1000;
        ret = fake_run_str(&fc, vg_pdf_extract, bad[i]);
        if (ret != VIGIL_OK && ret != VIGIL_E_CORRUPT)
            fail_msg("input %zu: %d", i, ret);
        fake_free(&fc);
    }
}

/* Many objects that each open a string that never closes: without the
 * tokenizer budget every object would scan to the end of the file. */
static void unterminated_objects_stay_linear(void **state)
{
    enum { N = 200000 };
    static const char one[] = "1 0 obj<</Length 1 0 R/Filter[(\n";
    size_t n = sizeof one - 1;
    char *doc = malloc(N * n);
    struct fake_core fc;
    clock_t t0 = clock();
    (void)state;

    for (size_t i = 0; i < N; i++)
        memcpy(doc + i * n, one, n);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_pdf_extract, doc, N * n),
                     VIGIL_E_CORRUPT);
    assert_int_equal(fc.n, 0);
    assert_true(clock() - t0 < 20 * CLOCKS_PER_SEC);
    fake_free(&fc);
    free(doc);
}

static void limits_and_stop(void **state)
{
    static const char doc[] =
        "1 0 obj<</Filter/AHx>>stream\n41424344454647>\nendstream endobj\n"
        "2 0 obj<<>>stream\n0123456789\nendstream endobj\n";
    struct fake_core fc;
    (void)state;

    fake_init(&fc);
    fc.max_child = 4;
    assert_int_equal(fake_run_str(&fc, vg_pdf_extract, doc), VIGIL_OK);
    assert_int_equal(fc.n, 2);
    assert_memory_equal(fc.kids[0].p, "ABCD", 4);
    assert_true(fc.kids[0].truncated);
    assert_int_equal(fc.kids[1].len, 4);
    assert_true(fc.kids[1].truncated);
    fake_free(&fc);

    fake_init(&fc);
    fc.stop_after = 1;
    fc.stop_ret = VIGIL_E_LIMIT;
    assert_int_equal(fake_run_str(&fc, vg_pdf_extract, doc), VIGIL_E_LIMIT);
    assert_int_equal(fc.n, 1);
    fake_free(&fc);
}

/* Read tests/data/fmt/NAME.b64 (written by fuzz/make_fmt_seeds.py). */
static void load_b64(const char *name, struct vigil_buf *out)
{
    char path[1024];
    struct vigil_buf b64;
    struct vg_out o;
    FILE *f;

    snprintf(path, sizeof path, "%s/fmt/%s.b64", VIGIL_TEST_DATA, name);
    assert_non_null(f = fopen(path, "rb"));
    vigil_buf_init(&b64, 1 << 20);
    assert_int_equal(vigil_buf_read_fd(&b64, fileno(f)), VIGIL_OK);
    fclose(f);
    vg_out_init(&o, 1 << 20);
    assert_int_equal(vg_base64_decode(vigil_span_make(b64.data, b64.len), &o),
                     VIGIL_OK);
    vigil_buf_free(&b64);
    *out = o.b;
}

/* RC4 (R3), AES-128 (R4) and AES-256 (R6) documents with the empty user
 * password; ClamAV 1.4.6 decrypts the same generator's output. */
static void encrypted_empty_password(void **state)
{
    static const char *const names[] = {"enc_rc4.pdf", "enc_aesv2.pdf",
                                        "enc_aesv3.pdf"};
    static const char payload[] = "vigil encrypted stream payload "
                                  "vigil encrypted stream payload "
                                  "vigil encrypted stream payload "
                                  "vigil encrypted stream payload ";
    (void)state;

    for (size_t i = 0; i < 3; i++) {
        struct vigil_buf doc;
        struct fake_core fc;
        const struct fake_kid *k;
        load_b64(names[i], &doc);
        fake_init(&fc);
        assert_int_equal(fake_run(&fc, vg_pdf_extract, doc.data, doc.len),
                         VIGIL_OK);
        if (!(k = fake_find_str(&fc, payload)))
            fail_msg("%s: payload not decrypted", names[i]);
        assert_false(k->encrypted);
        fake_free(&fc);
        vigil_buf_free(&doc);
    }
}

/* A user password is needed: the stream is emitted as it is, flagged. */
static void encrypted_with_password(void **state)
{
    struct vigil_buf doc;
    struct fake_core fc;
    (void)state;

    load_b64("enc_locked.pdf", &doc);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_pdf_extract, doc.data, doc.len),
                     VIGIL_OK);
    assert_int_equal(fc.n, 1);
    assert_true(fc.kids[0].encrypted);
    assert_null(memmem(fc.kids[0].p, fc.kids[0].len, "vigil", 5));
    fake_free(&fc);
    vigil_buf_free(&doc);
}

static void clamav_sample(void **state)
{
    struct vigil_buf b;
    struct fake_core fc;
    (void)state;

    need_scanfile("clam.pdf", &b);
    fake_init(&fc);
    assert_int_equal(fake_run(&fc, vg_pdf_extract, b.data, b.len), VIGIL_OK);
    assert_non_null(fake_find_clam(&fc));
    fake_free(&fc);
    vigil_buf_free(&b);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flate_with_length_and_names),
        cmocka_unit_test(filter_chain_hex_then_flate),
        cmocka_unit_test(filters_known_vectors),
        cmocka_unit_test(lzw_round_trip),
        cmocka_unit_test(png_and_tiff_predictors),
        cmocka_unit_test(references_and_cycles),
        cmocka_unit_test(unknown_filter_and_damage),
        cmocka_unit_test(malformed_inputs),
        cmocka_unit_test(unterminated_objects_stay_linear),
        cmocka_unit_test(limits_and_stop),
        cmocka_unit_test(encrypted_empty_password),
        cmocka_unit_test(encrypted_with_password),
        cmocka_unit_test(clamav_sample),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
