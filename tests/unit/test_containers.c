// SPDX-License-Identifier: GPL-2.0-or-later
// test_containers.c: the recursion core (limits, chain of container types,
// heuristic alerts) and the extractors (gzip/bzip2/xz/zstd streams,
// libmspack cab/SZDD, libarchive zip/tar), on archives built here.
#include "test_main.h"

#include <bzlib.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "db/load.h"
#include "fmt/inflate64.h"
#include "scan/extractors.h"
#include "scan/recurse.h"
#include "test_sigs.h"
#include "vigil/vigil.h"

/* ---- building test inputs --------------------------------------------- */

struct blob {
    uint8_t *p;
    size_t len;
};

static struct blob blob_of(const void *p, size_t len)
{
    struct blob b = {malloc(len ? len : 1), len};
    assert_non_null(b.p);
    memcpy(b.p, p, len);
    return b;
}

static struct blob gz_of(const void *data, size_t len)
{
    z_stream z;
    struct blob b = {malloc(compressBound((uLong)len) + 64), 0};
    memset(&z, 0, sizeof z);
    assert_int_equal(deflateInit2(&z, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY),
                     Z_OK);
    z.next_in = (Bytef *)(uintptr_t)data;
    z.avail_in = (uInt)len;
    z.next_out = b.p;
    z.avail_out = (uInt)(compressBound((uLong)len) + 64);
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    b.len = z.total_out;
    deflateEnd(&z);
    return b;
}

static struct blob gz_nest(const void *data, size_t len, int depth)
{
    struct blob b = blob_of(data, len);
    for (int i = 0; i < depth; i++) {
        struct blob n = gz_of(b.p, b.len);
        free(b.p);
        b = n;
    }
    return b;
}

static struct blob bz2_of(const void *data, size_t len)
{
    unsigned cap = (unsigned)(len + len / 100 + 700);
    struct blob b = {malloc(cap), 0};
    assert_int_equal(BZ2_bzBuffToBuffCompress((char *)b.p, &cap,
                                              (char *)(uintptr_t)data,
                                              (unsigned)len, 9, 0, 0),
                     BZ_OK);
    b.len = cap;
    return b;
}

static struct blob xz_of(const void *data, size_t len)
{
    size_t cap = lzma_stream_buffer_bound(len), pos = 0;
    struct blob b = {malloc(cap), 0};
    assert_int_equal(lzma_easy_buffer_encode(6, LZMA_CHECK_CRC64, NULL, data,
                                             len, b.p, &pos, cap),
                     LZMA_OK);
    b.len = pos;
    return b;
}

static struct blob zstd_of(const void *data, size_t len)
{
    size_t cap = ZSTD_compressBound(len);
    struct blob b = {malloc(cap), 0};
    b.len = ZSTD_compress(b.p, cap, data, len, 3);
    assert_false(ZSTD_isError(b.len));
    return b;
}

static void put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

/* A cabinet with one stored folder holding @p n copies of @p data named
 * f0, f1, ... (MS-CAB: CFHEADER, CFFOLDER, CFFILEs, one CFDATA). */
static struct blob cab_of(const void *data, size_t len, unsigned n)
{
    size_t files = 36 + 8, datapos = files + n * (16 + 3);
    size_t total = datapos + 8 + len * n;
    struct blob b = {calloc(1, total), total};
    uint8_t *p = b.p;
    memcpy(p, "MSCF", 4);
    put32(p + 8, (uint32_t)total);
    put32(p + 16, (uint32_t)files);
    p[24] = 3, p[25] = 1;
    put16(p + 26, 1);
    put16(p + 28, n);
    put32(p + 36, (uint32_t)datapos);
    put16(p + 40, 1);
    for (unsigned i = 0; i < n; i++) {
        uint8_t *f = p + files + i * 19;
        put32(f, (uint32_t)len);
        put32(f + 4, (uint32_t)(len * i));
        f[16] = 'f', f[17] = (uint8_t)('0' + i);
    }
    put16(p + datapos + 4, (unsigned)(len * n));
    put16(p + datapos + 6, (unsigned)(len * n));
    for (unsigned i = 0; i < n; i++)
        memcpy(p + datapos + 8 + len * i, data, len);
    return b;
}

/* SZDD (compress.exe) with only literals: a flag byte 0xff per 8. */
static struct blob szdd_of(const void *data, size_t len)
{
    struct blob b = {calloc(1, 14 + len + len / 8 + 1), 14};
    const uint8_t *d = data;
    memcpy(b.p,
           "SZDD\x88\xf0\x27\x33"
           "A",
           9);
    put32(b.p + 10, (uint32_t)len);
    for (size_t i = 0; i < len; i += 8) {
        size_t k = len - i < 8 ? len - i : 8;
        b.p[b.len++] = (uint8_t)((1u << k) - 1);
        memcpy(b.p + b.len, d + i, k);
        b.len += k;
    }
    return b;
}

/* A zip of stored members (APPNOTE 4.3): local headers, central
 * directory, end record. @p flags is each member's general-purpose flag
 * (bit 0: encrypted). */
static struct blob zip_of(const void *data, size_t len, unsigned n,
                          unsigned flags)
{
    size_t loc = 30 + 2, cen = 46 + 2, total = n * (loc + len + cen) + 22;
    struct blob b = {calloc(1, total), total};
    uint32_t crc = (uint32_t)crc32(0, data, (uInt)len);
    size_t at = 0, cd;
    for (unsigned i = 0; i < n; i++, at += loc + len) {
        uint8_t *p = b.p + at;
        put32(p, 0x04034b50);
        put16(p + 4, 20);
        put16(p + 6, flags);
        put32(p + 14, crc);
        put32(p + 18, (uint32_t)len);
        put32(p + 22, (uint32_t)len);
        put16(p + 26, 2);
        p[30] = 'm', p[31] = (uint8_t)('0' + i);
        memcpy(p + 32, data, len);
    }
    cd = at;
    for (unsigned i = 0; i < n; i++, at += cen) {
        uint8_t *p = b.p + at;
        put32(p, 0x02014b50);
        put16(p + 4, 20);
        put16(p + 6, 20);
        put16(p + 8, flags);
        put32(p + 16, crc);
        put32(p + 20, (uint32_t)len);
        put32(p + 24, (uint32_t)len);
        put16(p + 28, 2);
        put32(p + 42, (uint32_t)(i * (loc + len)));
        p[46] = 'm', p[47] = (uint8_t)('0' + i);
    }
    put32(b.p + at, 0x06054b50);
    put16(b.p + at + 8, n);
    put16(b.p + at + 10, n);
    put32(b.p + at + 12, (uint32_t)(at - cd));
    put32(b.p + at + 16, (uint32_t)cd);
    return b;
}

/* ---- engines and scans -------------------------------------------------- */

static struct vigil_engine *engine_of(const char *file, const char *text)
{
    struct vigil_engine *eng = NULL;
    unsigned n;
    assert_int_equal(vigil_engine_new(&eng, NULL), VIGIL_OK);
    if (vg_load_mem(eng, file, text, strlen(text), &n) != VIGIL_OK)
        fail_msg("%s", vigil_engine_last_error(eng));
    assert_int_equal(vigil_engine_compile(eng), VIGIL_OK);
    return eng;
}

static struct vigil_engine *eicar_engine(void)
{
    char hex[129], line[300];
    digest_hex(EVP_md5(), eicar(), EICAR_LEN, hex);
    snprintf(line, sizeof line, "%s:68:Eicar-Hash\n", hex);
    return engine_of("t.hdb", line);
}

struct ctx {
    struct vigil_engine *eng;
    struct vigil_scan *scan;
    struct vigil_limits lim;
    struct vigil_result res;
};

static void ctx_open(struct ctx *c, struct vigil_engine *eng)
{
    c->eng = eng;
    c->scan = NULL;
    assert_int_equal(vigil_scan_new(&c->scan, eng), VIGIL_OK);
    vigil_limits_default(&c->lim);
}

static int ctx_scan(struct ctx *c, const struct blob *b, unsigned flags)
{
    assert_int_equal(vigil_scan_set_limits(c->scan, &c->lim), VIGIL_OK);
    return vigil_scan_mem(c->scan, b->p, b->len, flags, &c->res);
}

static void ctx_close(struct ctx *c)
{
    vigil_scan_free(&c->scan);
    vigil_engine_unref(&c->eng);
}

static void assert_found(const struct vigil_result *r, const char *name)
{
    assert_int_equal(r->verdict, VIGIL_FOUND);
    assert_string_equal(r->sig_name, name);
}

static void assert_clean(const struct vigil_result *r)
{
    assert_int_equal(r->verdict, VIGIL_CLEAN);
    assert_int_equal(r->n_names, 0);
}

/* ---- limits API -----------------------------------------------------------
 */

static void limits_default_are_clamav(void **state)
{
    struct vigil_limits l;
    (void)state;
    memset(&l, 0xff, sizeof l);
    vigil_limits_default(&l);
    assert_int_equal(l.max_scan_size, 400u << 20);
    assert_int_equal(l.max_file_size, 100u << 20);
    assert_int_equal(l.max_recursion, 17);
    assert_int_equal(l.max_files, 10000);
    assert_int_equal(l.max_scan_time_ms, 120000);
    assert_int_equal(l.max_ratio, 0);
    vigil_limits_default(NULL); /* harmless */
}

static void limits_set_rejects_null(void **state)
{
    struct ctx c;
    (void)state;
    ctx_open(&c, eicar_engine());
    assert_int_equal(vigil_scan_set_limits(c.scan, NULL), VIGIL_E_ARG);
    assert_int_equal(vigil_scan_set_limits(NULL, &c.lim), VIGIL_E_ARG);
    ctx_close(&c);
}

/* ---- streams ---------------------------------------------------------- */

static void streams_each_format_found(void **state)
{
    struct blob b[4];
    struct ctx c;
    (void)state;
    b[0] = gz_of(eicar(), EICAR_LEN);
    b[1] = bz2_of(eicar(), EICAR_LEN);
    b[2] = xz_of(eicar(), EICAR_LEN);
    b[3] = zstd_of(eicar(), EICAR_LEN);
    ctx_open(&c, eicar_engine());
    for (int i = 0; i < 4; i++) {
        print_message("format %d\n", i);
        assert_int_equal(ctx_scan(&c, &b[i], 0), VIGIL_OK);
        assert_found(&c.res, "Eicar-Hash.UNOFFICIAL");
        assert_int_equal(c.res.files_scanned, 2);
        assert_int_equal(c.res.bytes_scanned, b[i].len + EICAR_LEN);
        free(b[i].p);
    }
    ctx_close(&c);
}

/* A stream longer than max_file_size is cut there: the bytes after are
 * not scanned, the limit is named, and alerted on request. */
static void stream_cut_at_max_file_size(void **state)
{
    size_t n = (1u << 20) + EICAR_LEN;
    char *big = calloc(1, n);
    struct blob b;
    struct ctx c;
    (void)state;
    memcpy(big + (1u << 20), eicar(), EICAR_LEN);
    b = gz_of(big, n);
    ctx_open(&c, engine_of("t.ndb", "Eicar-Body:0:*:"
                                    "58354f2150254041505b345c505a58"));
    assert_int_equal(ctx_scan(&c, &b, 0), VIGIL_OK);
    assert_found(&c.res, "Eicar-Body.UNOFFICIAL");
    c.lim.max_file_size = 64u << 10;
    assert_int_equal(ctx_scan(&c, &b, 0), VIGIL_OK);
    assert_clean(&c.res);
    assert_true(c.res.limits & VIGIL_LIMIT_FILE_SIZE);
    assert_true(c.res.bytes_scanned <= b.len + (64u << 10));
    assert_int_equal(ctx_scan(&c, &b, VIGIL_SCAN_ALERT_EXCEEDS), VIGIL_OK);
    assert_found(&c.res, "Heuristics.Limits.Exceeded.MaxFileSize");
    free(big);
    free(b.p);
    ctx_close(&c);
}

static void stream_corrupt_is_honest(void **state)
{
    char text[4096];
    struct blob b;
    struct ctx c;
    (void)state;
    memset(text, 'a', sizeof text);
    memcpy(text, eicar(), EICAR_LEN);
    b = gz_of(text, sizeof text);
    b.len = b.len * 2 / 3; /* cut inside the deflate data */
    ctx_open(&c, engine_of("t.ndb", "Eicar-Body:0:*:"
                                    "58354f2150254041505b345c505a58"));
    /* What could be decoded is scanned; the error is not the verdict. */
    assert_int_equal(ctx_scan(&c, &b, 0), VIGIL_OK);
    assert_found(&c.res, "Eicar-Body.UNOFFICIAL");
    b.len = 12; /* a header and nothing else */
    assert_int_equal(ctx_scan(&c, &b, 0), VIGIL_OK);
    assert_clean(&c.res);
    free(b.p);
    ctx_close(&c);
}

/* ---- nesting, counts, time ------------------------------------------------
 */

static void recursion_limit(void **state)
{
    struct blob b = gz_nest(eicar(), EICAR_LEN, 5);
    struct ctx c;
    (void)state;
    ctx_open(&c, eicar_engine());
    c.lim.max_recursion = 6; /* EICAR at depth 5 < 6 */
    assert_int_equal(ctx_scan(&c, &b, 0), VIGIL_OK);
    assert_found(&c.res, "Eicar-Hash.UNOFFICIAL");
    assert_int_equal(c.res.files_scanned, 6);
    c.lim.max_recursion = 5;
    assert_int_equal(ctx_scan(&c, &b, 0), VIGIL_OK);
    assert_clean(&c.res);
    assert_int_equal(c.res.limits, VIGIL_LIMIT_RECURSION);
    assert_int_equal(ctx_scan(&c, &b, VIGIL_SCAN_ALERT_EXCEEDS), VIGIL_OK);
    assert_found(&c.res, "Heuristics.Limits.Exceeded.MaxRecursion");
    free(b.p);
    ctx_close(&c);
}

/* MaxFiles counts the file itself and every member (ClamAV's count). */
static void max_files_counts_root(void **state)
{
    struct blob b = cab_of(eicar(), EICAR_LEN, 3);
    struct ctx c;
    (void)state;
    ctx_open(&c, eicar_engine());
    c.lim.max_files = 2;
    assert_int_equal(ctx_scan(&c, &b, VIGIL_SCAN_ALLMATCH), VIGIL_OK);
    assert_int_equal(c.res.n_names, 1); /* one member only */
    assert_int_equal(c.res.limits, VIGIL_LIMIT_FILES);
    c.lim.max_files = 1;
    assert_int_equal(ctx_scan(&c, &b, VIGIL_SCAN_ALERT_EXCEEDS), VIGIL_OK);
    assert_found(&c.res, "Heuristics.Limits.Exceeded.MaxFiles");
    c.lim.max_files = 0; /* no limit */
    assert_int_equal(ctx_scan(&c, &b, VIGIL_SCAN_ALLMATCH), VIGIL_OK);
    assert_int_equal(c.res.n_names, 3);
    assert_int_equal(c.res.files_scanned, 4);
    free(b.p);
    ctx_close(&c);
}

/* A signature always wins over a heuristic alert; under allmatch the
 * alert comes after every signature (ClamAV's precedence). */
static void heuristic_after_signatures(void **state)
{
    struct blob b = cab_of(eicar(), EICAR_LEN, 3);
    struct ctx c;
    (void)state;
    ctx_open(&c, eicar_engine());
    c.lim.max_files = 3;
    assert_int_equal(ctx_scan(&c, &b, VIGIL_SCAN_ALERT_EXCEEDS), VIGIL_OK);
    assert_found(&c.res, "Eicar-Hash.UNOFFICIAL");
    assert_int_equal(
        ctx_scan(&c, &b, VIGIL_SCAN_ALERT_EXCEEDS | VIGIL_SCAN_ALLMATCH),
        VIGIL_OK);
    assert_int_equal(c.res.n_names, 3);
    assert_string_equal(c.res.names[0], "Eicar-Hash.UNOFFICIAL");
    assert_string_equal(c.res.names[1], "Eicar-Hash.UNOFFICIAL");
    assert_string_equal(c.res.names[2], "Heuristics.Limits.Exceeded.MaxFiles");
    free(b.p);
    ctx_close(&c);
}

static void max_scan_size(void **state)
{
    char *zeros = calloc(1, 16000);
    struct blob b = cab_of(zeros, 16000, 2);
    struct ctx c;
    (void)state;
    ctx_open(&c, eicar_engine());
    /* The cabinet and its first member fit, the second does not. */
    c.lim.max_scan_size = b.len + 16000 + 100;
    assert_int_equal(ctx_scan(&c, &b, 0), VIGIL_OK);
    assert_clean(&c.res);
    assert_int_equal(c.res.limits, VIGIL_LIMIT_SCAN_SIZE);
    assert_int_equal(c.res.files_scanned, 2);
    assert_int_equal(c.res.bytes_scanned, b.len + 16000);
    assert_int_equal(ctx_scan(&c, &b, VIGIL_SCAN_ALERT_EXCEEDS), VIGIL_OK);
    assert_found(&c.res, "Heuristics.Limits.Exceeded.MaxScanSize");
    free(zeros);
    free(b.p);
    ctx_close(&c);
}

static void max_scan_time(void **state)
{
    size_t n = 64u << 20;
    char *zeros = calloc(1, n);
    struct blob b = gz_of(zeros, n);
    struct ctx c;
    (void)state;
    free(zeros);
    ctx_open(&c, eicar_engine());
    c.lim.max_scan_time_ms = 1; /* decoding 64 MiB takes longer */
    assert_int_equal(ctx_scan(&c, &b, VIGIL_SCAN_ALERT_EXCEEDS), VIGIL_OK);
    assert_found(&c.res, "Heuristics.Limits.Exceeded.MaxScanTime");
    assert_true(c.res.limits & VIGIL_LIMIT_TIME);
    free(b.p);
    ctx_close(&c);
}

/* A file over max_file_size is not scanned at all (ClamAV), whatever its
 * size: there is no 2 GiB ceiling of its own. */
static void top_file_over_max_file_size(void **state)
{
    struct blob b = blob_of(eicar(), EICAR_LEN);
    struct ctx c;
    (void)state;
    ctx_open(&c, eicar_engine());
    c.lim.max_file_size = 67;
    assert_int_equal(ctx_scan(&c, &b, 0), VIGIL_OK);
    assert_clean(&c.res);
    assert_int_equal(c.res.bytes_scanned, 0);
    assert_int_equal(ctx_scan(&c, &b, VIGIL_SCAN_ALERT_EXCEEDS), VIGIL_OK);
    assert_found(&c.res, "Heuristics.Limits.Exceeded.MaxFileSize");
    c.lim.max_file_size = 68;
    assert_int_equal(ctx_scan(&c, &b, 0), VIGIL_OK);
    assert_found(&c.res, "Eicar-Hash.UNOFFICIAL");
    free(b.p);
    ctx_close(&c);
}

static void ratio_limit(void **state)
{
    size_t n = 8u << 20;
    char *zeros = calloc(1, n);
    struct blob b = gz_of(zeros, n);
    struct ctx c;
    (void)state;
    free(zeros);
    ctx_open(&c, eicar_engine());
    assert_int_equal(ctx_scan(&c, &b, VIGIL_SCAN_ALERT_EXCEEDS), VIGIL_OK);
    assert_clean(&c.res); /* off by default */
    c.lim.max_ratio = 100;
    assert_int_equal(ctx_scan(&c, &b, VIGIL_SCAN_ALERT_EXCEEDS), VIGIL_OK);
    assert_found(&c.res, "Heuristics.Limits.Exceeded.MaxRatio");
    free(b.p);
    ctx_close(&c);
}

/* ---- libmspack ------------------------------------------------------------
 */

static void cab_and_szdd_found(void **state)
{
    struct blob cab = cab_of(eicar(), EICAR_LEN, 1);
    struct blob sz = szdd_of(eicar(), EICAR_LEN);
    struct ctx c;
    (void)state;
    ctx_open(&c, eicar_engine());
    assert_int_equal(ctx_scan(&c, &cab, 0), VIGIL_OK);
    assert_found(&c.res, "Eicar-Hash.UNOFFICIAL");
    assert_int_equal(ctx_scan(&c, &sz, 0), VIGIL_OK);
    assert_found(&c.res, "Eicar-Hash.UNOFFICIAL");
    /* A cabinet after a stub of binary data: ClamAV's CAB-SFX. */
    {
        struct blob sfx = {calloc(1, cab.len + 300), cab.len + 300};
        for (unsigned i = 0; i < 300; i++)
            sfx.p[i] = (uint8_t)(i * 7);
        memcpy(sfx.p + 300, cab.p, cab.len);
        assert_int_equal(ctx_scan(&c, &sfx, 0), VIGIL_OK);
        assert_found(&c.res, "Eicar-Hash.UNOFFICIAL");
        free(sfx.p);
    }
    free(cab.p);
    free(sz.p);
    ctx_close(&c);
}

/* ---- libarchive ------------------------------------------------------------
 */

static void zip_members_and_encryption(void **state)
{
    struct blob z = zip_of(eicar(), EICAR_LEN, 2, 0);
    struct blob e = zip_of(eicar(), EICAR_LEN, 2, 1);
    struct ctx c;
    (void)state;
    ctx_open(&c, eicar_engine());
    assert_int_equal(ctx_scan(&c, &z, VIGIL_SCAN_ALLMATCH), VIGIL_OK);
    assert_int_equal(c.res.n_names, 2);
    assert_int_equal(c.res.files_scanned, 3);
    /* Encrypted members are not readable: clean unless asked, then one
     * alert for the archive. */
    assert_int_equal(ctx_scan(&c, &e, VIGIL_SCAN_ALLMATCH), VIGIL_OK);
    assert_clean(&c.res);
    assert_int_equal(
        ctx_scan(&c, &e, VIGIL_SCAN_ALLMATCH | VIGIL_SCAN_ALERT_ENCRYPTED),
        VIGIL_OK);
    assert_int_equal(c.res.n_names, 1);
    assert_string_equal(c.res.sig_name, "Heuristics.Encrypted.Zip");
    /* Cut in half: the first member is still found. */
    z.len /= 2;
    assert_int_equal(ctx_scan(&c, &z, 0), VIGIL_OK);
    assert_found(&c.res, "Eicar-Hash.UNOFFICIAL");
    free(z.p);
    free(e.p);
    ctx_close(&c);
}

/* Deflate64 is deflate with a larger window and a different code 285:
 * a zlib stream that never uses length 258 decodes the same. */
static void inflate64_decodes_deflate(void **state)
{
    static const char *words[] = {"alpha ", "bravo ",   "charlie ", "delta ",
                                  "echo ",  "foxtrot ", "golf ",    "hotel "};
    size_t n = 0, cap = 200000;
    char *text = malloc(cap + 16);
    uint32_t r = 12345;
    z_stream z;
    uint8_t *packed = malloc(cap);
    struct vigil_buf out;
    bool trunc = true;
    (void)state;
    while (n < cap) {
        const char *w = words[(r = r * 1103515245u + 12345u) >> 29];
        memcpy(text + n, w, strlen(w));
        n += strlen(w);
    }
    memset(&z, 0, sizeof z);
    assert_int_equal(
        deflateInit2(&z, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY), Z_OK);
    z.next_in = (Bytef *)text;
    z.avail_in = (uInt)n;
    z.next_out = packed;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    vigil_buf_init(&out, 1u << 20);
    assert_int_equal(
        vg_inflate64(vigil_span_make(packed, z.total_out), &out, &trunc),
        VIGIL_OK);
    assert_false(trunc);
    assert_int_equal(out.len, n);
    assert_memory_equal(out.data, text, n);
    /* Cut at 1000 bytes: flagged, exact prefix. */
    vigil_buf_free(&out);
    vigil_buf_init(&out, 1000);
    assert_int_equal(
        vg_inflate64(vigil_span_make(packed, z.total_out), &out, &trunc),
        VIGIL_OK);
    assert_true(trunc);
    assert_int_equal(out.len, 1000);
    assert_memory_equal(out.data, text, 1000);
    /* A cut stream: an error, with what was decoded kept. */
    vigil_buf_free(&out);
    vigil_buf_init(&out, 1u << 20);
    assert_int_equal(
        vg_inflate64(vigil_span_make(packed, z.total_out / 2), &out, &trunc),
        VIGIL_E_CORRUPT);
    assert_true(out.len > 0 && out.len < n);
    assert_memory_equal(out.data, text, out.len);
    vigil_buf_free(&out);
    deflateEnd(&z);
    free(text);
    free(packed);
}

/* An LSB-first bit writer, for hand-made implode streams. */
struct bw {
    uint8_t b[64];
    unsigned nbits;
};

static void bw_put(struct bw *w, unsigned v, unsigned n)
{
    for (unsigned i = 0; i < n; i++, w->nbits++)
        if (v >> i & 1u)
            w->b[w->nbits / 8] |= (uint8_t)(1u << (w->nbits % 8));
}

/* With every code 6 bits long, symbol v's code is v; implode sends it
 * from its top bit down, each bit inverted. */
static void bw_code6(struct bw *w, unsigned v)
{
    for (unsigned i = 6; i-- > 0;)
        bw_put(w, !(v >> i & 1u), 1);
}

/* Two trees of 64 six-bit codes, raw literals (flags 0): "abc", a match
 * of 20 at distance 3, and a match reaching before the start (zeros). */
static void explode_hand_made(void **state)
{
    uint8_t in[128];
    static const uint8_t tree[5] = {3, 0xf5, 0xf5, 0xf5, 0xf5};
    struct bw w;
    struct vigil_buf out;
    bool trunc;
    (void)state;
    memset(&w, 0, sizeof w);
    for (const char *p = "abc"; *p; p++) {
        bw_put(&w, 1, 1);
        bw_put(&w, (unsigned char)*p, 8);
    }
    bw_put(&w, 0, 1);
    bw_put(&w, 2, 6); /* distance - 1, low 6 bits */
    bw_code6(&w, 0);  /* high bits */
    bw_code6(&w, 18); /* length 18 + 2 */
    bw_put(&w, 0, 1);
    bw_put(&w, 40, 6); /* distance 41: before the start */
    bw_code6(&w, 0);
    bw_code6(&w, 1); /* length 3 */
    memcpy(in, tree, 5);
    memcpy(in + 5, tree, 5);
    memcpy(in + 10, w.b, (w.nbits + 7) / 8);
    vigil_buf_init(&out, 1000);
    assert_int_equal(vg_explode(vigil_span_make(in, 10 + (w.nbits + 7) / 8), 0,
                                26, &out, &trunc),
                     VIGIL_OK);
    assert_false(trunc);
    assert_int_equal(out.len, 26);
    assert_memory_equal(out.data, "abcabcabcabcabcabcabcab\0\0\0", 26);
    /* The declared size bounds the output; the cap cuts and flags it. */
    vigil_buf_free(&out);
    vigil_buf_init(&out, 10);
    assert_int_equal(vg_explode(vigil_span_make(in, 10 + (w.nbits + 7) / 8), 0,
                                26, &out, &trunc),
                     VIGIL_OK);
    assert_true(trunc);
    assert_int_equal(out.len, 10);
    /* Trees that do not describe 64 codes are refused. */
    in[1] = 0xf4;
    out.len = 0;
    assert_int_equal(vg_explode(vigil_span_make(in, 20), 0, 26, &out, &trunc),
                     VIGIL_E_CORRUPT);
    vigil_buf_free(&out);
}

/* ---- the extraction contract -------------------------------------------- */

struct rec {
    unsigned n;
    size_t maxlen;
    bool truncated;
    int stop_after; /* return VG_EXTRACT_STOP at this call (1-based) */
    char names[4][8];
};

static int rec_emit(void *core, struct vigil_span d,
                    const struct vg_child_info *info)
{
    struct rec *r = core;
    if (r->n < 4 && info->name)
        snprintf(r->names[r->n], sizeof r->names[0], "%s", info->name);
    r->n++;
    if (d.len > r->maxlen)
        r->maxlen = d.len;
    r->truncated |= info->truncated;
    return (int)r->n == r->stop_after ? VG_EXTRACT_STOP : VIGIL_OK;
}

static void contract_max_child_and_stop(void **state)
{
    size_t n = 300000;
    char *zeros = calloc(1, n);
    struct blob gz = gz_of(zeros, n), cab = cab_of(eicar(), EICAR_LEN, 3);
    struct rec r;
    struct vg_extract x = {rec_emit, &r, 1000, 0};
    (void)state;
    memset(&r, 0, sizeof r);
    assert_int_equal(vg_gz_extract(vigil_span_make(gz.p, gz.len), &x),
                     VIGIL_OK);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.maxlen, 1000);
    assert_true(r.truncated);
    memset(&r, 0, sizeof r);
    r.stop_after = 2;
    x.max_child = 1u << 20;
    assert_int_equal(vg_mspack_cab_extract(vigil_span_make(cab.p, cab.len), &x),
                     VG_EXTRACT_STOP);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.names[0], "f0");
    assert_string_equal(r.names[1], "f1");
    /* Not an archive: a clear error, no children. */
    memset(&r, 0, sizeof r);
    memset(zeros, 'x', 600);
    assert_int_equal(vg_archive_extract(vigil_span_make(zeros, 600), &x),
                     VIGIL_E_CORRUPT);
    assert_int_equal(r.n, 0);
    free(zeros);
    free(gz.p);
    free(cab.p);
}

/* ---- the chain of containers: .ldb Container and Intermediates ------------
 */

static void ldb_container_chain(void **state)
{
    static const char ldb[] =
        "Sig.InGz;Engine:51-255,Container:CL_TYPE_GZ,Target:0;0;"
        "58354f2150254041505b345c505a58\n"
        "Sig.GzGz;Engine:81-255,Intermediates:CL_TYPE_GZ>CL_TYPE_GZ,"
        "Target:0;0;58354f2150254041505b345c505a58\n"
        "Sig.InCab;Engine:51-255,Container:CL_TYPE_MSCAB,Target:0;0;"
        "58354f2150254041505b345c505a58\n";
    struct blob plain = blob_of(eicar(), EICAR_LEN);
    struct blob gz1 = gz_nest(eicar(), EICAR_LEN, 1);
    struct blob gz2 = gz_nest(eicar(), EICAR_LEN, 2);
    struct blob cab = cab_of(eicar(), EICAR_LEN, 1);
    struct ctx c;
    (void)state;
    ctx_open(&c, engine_of("t.ldb", ldb));
    assert_int_equal(ctx_scan(&c, &plain, VIGIL_SCAN_ALLMATCH), VIGIL_OK);
    assert_clean(&c.res); /* no container at the top */
    assert_int_equal(ctx_scan(&c, &gz1, VIGIL_SCAN_ALLMATCH), VIGIL_OK);
    assert_int_equal(c.res.n_names, 1);
    assert_string_equal(c.res.names[0], "Sig.InGz.UNOFFICIAL");
    assert_int_equal(ctx_scan(&c, &gz2, VIGIL_SCAN_ALLMATCH), VIGIL_OK);
    assert_int_equal(c.res.n_names, 2);
    assert_string_equal(c.res.names[0], "Sig.InGz.UNOFFICIAL");
    assert_string_equal(c.res.names[1], "Sig.GzGz.UNOFFICIAL");
    assert_int_equal(ctx_scan(&c, &cab, VIGIL_SCAN_ALLMATCH), VIGIL_OK);
    assert_int_equal(c.res.n_names, 1);
    assert_string_equal(c.res.names[0], "Sig.InCab.UNOFFICIAL");
    free(plain.p);
    free(gz1.p);
    free(gz2.p);
    free(cab.p);
    ctx_close(&c);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(limits_default_are_clamav),
        cmocka_unit_test(limits_set_rejects_null),
        cmocka_unit_test(streams_each_format_found),
        cmocka_unit_test(stream_cut_at_max_file_size),
        cmocka_unit_test(stream_corrupt_is_honest),
        cmocka_unit_test(recursion_limit),
        cmocka_unit_test(max_files_counts_root),
        cmocka_unit_test(heuristic_after_signatures),
        cmocka_unit_test(max_scan_size),
        cmocka_unit_test(max_scan_time),
        cmocka_unit_test(top_file_over_max_file_size),
        cmocka_unit_test(ratio_limit),
        cmocka_unit_test(cab_and_szdd_found),
        cmocka_unit_test(zip_members_and_encryption),
        cmocka_unit_test(inflate64_decodes_deflate),
        cmocka_unit_test(explode_hand_made),
        cmocka_unit_test(contract_max_child_and_stop),
        cmocka_unit_test(ldb_container_chain),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
