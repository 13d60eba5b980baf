// SPDX-License-Identifier: GPL-2.0-or-later
// test_cvd.c: unit tests for ClamAV containers and cdiffs (db/dsig.c,
// db/tar.c, db/cvd.c, db/cdiff.c): synthetic containers always, ClamAV's
// own test files from ../shared/data when present.
#include "test_main.h"

#include <zlib.h>

#include "db/cdiff.h"
#include "db/cvd.h"
#include "db/dsig.h"
#include "db/load.h"
#include "engine.h"
#include "test_shared.h"
#include "test_sigs.h"
#include "util/caps.h"
#include "vigil/vigil.h"

/* ---- helpers ---- */

static struct vigil_str S(const char *s) {
    return vigil_str_cstr(s);
}

static struct vigil_span
SP(const void *p, size_t n) {
    return vigil_span_make(p, n);
}

static struct vigil_span
bspan(const struct vigil_buf *b)
{
    return SP(b->data, b->len);
}

static void append(struct vigil_buf *b, const void *p, size_t n)
{
    assert_int_equal(vigil_buf_append(b, p, n), VIGIL_OK);
}

static void appends(struct vigil_buf *b, const char *s)
{
    append(b, s, strlen(s));
}

static void gzip_into(struct vigil_buf *out, const void *p, size_t n)
{
    z_stream z;

    memset(&z, 0, sizeof z);
    assert_int_equal(
        deflateInit2(&z, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
        Z_OK);
    assert_int_equal(vigil_buf_reserve(out, deflateBound(&z, n)), VIGIL_OK);
    z.next_in = (Bytef *)(uintptr_t)p;
    z.avail_in = (uInt)n;
    z.next_out = out->data + out->len;
    z.avail_out = (uInt)(out->cap - out->len);
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    out->len = out->cap - z.avail_out;
    deflateEnd(&z);
}

static void sha_hex(const void *p, size_t n, char hex[65])
{
    digest_hex(EVP_sha256(), p, n, hex);
}

struct member {
    const char *name, *text;
};

#define HDR_FIELDS "21 Nov 2023 10-00 +0000:7:1:216"
#define BUILDER "tester:1700000000"

/* NAME.info for the members: header line, NAME:SIZE:SHA256, DSIG line. */
static void make_info(struct vigil_buf *info, const struct member *m, size_t n,
                      bool dsig)
{
    char hex[65], line[256];

    appends(info, "ClamAV-VDB:" HDR_FIELDS ":X:X:" BUILDER "\n");
    for (size_t i = 0; i < n; i++) {
        sha_hex(m[i].text, strlen(m[i].text), hex);
        snprintf(line, sizeof line, "%s:%zu:%s\n", m[i].name, strlen(m[i].text),
                 hex);
        appends(info, line);
    }
    if (dsig)
        appends(info, "DSIG:abc\n");
}

/* A container: header (real MD5, fake DSIG), tar of COPYING, synth.info
 * and the members, gzip-compressed or not. */
static void make_container(struct vigil_buf *out, const struct member *m,
                           size_t n, bool gz, bool dsig)
{
    struct vigil_buf tar, info, body;
    char hdr[513], md5[33];

    vigil_buf_init(&tar, VIGIL_CAP_CVD_BODY);
    vigil_buf_init(&info, VIGIL_CAP_CVD_BODY);
    vigil_buf_init(&body, VIGIL_CAP_CVD_BODY);
    make_info(&info, m, n, dsig);
    assert_int_equal(vg_tar_append(&tar, "COPYING", SP("GPL\n", 4)), 0);
    assert_int_equal(vg_tar_append(&tar, "synth.info", bspan(&info)), 0);
    for (size_t i = 0; i < n; i++)
        assert_int_equal(
            vg_tar_append(&tar, m[i].name, SP(m[i].text, strlen(m[i].text))),
            0);
    if (gz)
        gzip_into(&body, tar.data, tar.len);
    else
        append(&body, tar.data, tar.len);
    digest_hex(EVP_md5(), body.data, body.len, md5);
    snprintf(hdr, sizeof hdr, "ClamAV-VDB:" HDR_FIELDS ":%s:abc:" BUILDER, md5);
    memset(hdr + strlen(hdr), ' ', 512 - strlen(hdr));
    append(out, hdr, 512);
    append(out, body.data, body.len);
    vigil_buf_free(&tar);
    vigil_buf_free(&info);
    vigil_buf_free(&body);
}

static const char eicar_md5[] = "44d88612fea8a8f36de82e1278abb02f";

static char hdb_line[80];

static const char *synth_hdb(void)
{
    snprintf(hdb_line, sizeof hdb_line, "%s:68:Synth.Test\n", eicar_md5);
    return hdb_line;
}

static struct vigil_engine *new_engine(void)
{
    struct vigil_engine *eng = NULL;

    assert_int_equal(vigil_engine_new(&eng, NULL), VIGIL_OK);
    return eng;
}

/* Compile, scan EICAR, return the name found ("" if clean). */
static const char *scan_eicar(struct vigil_engine *eng, char *name, size_t n)
{
    struct vigil_scan *scan = NULL;
    struct vigil_result res;

    assert_int_equal(vigil_engine_compile(eng), VIGIL_OK);
    assert_int_equal(vigil_scan_new(&scan, eng), VIGIL_OK);
    assert_int_equal(vigil_scan_mem(scan, eicar(), EICAR_LEN, 0, &res),
                     VIGIL_OK);
    snprintf(name, n, "%s", res.verdict == VIGIL_CLEAN ? "" : res.sig_name);
    vigil_scan_free(&scan);
    return name;
}

static int open_c(struct vigil_buf *c, enum vg_cvd_type t, unsigned flags,
                  struct vg_why *why)
{
    struct vg_cvd cvd;
    int ret = vg_cvd_open(&cvd, t, bspan(c), flags, why);

    vg_cvd_close(&cvd);
    return ret;
}

#define assert_why(why, sub)                                                   \
    do {                                                                       \
        if (!strstr((why).msg, sub))                                           \
            fail_msg("message '%s' lacks '%s'", (why).msg, sub);               \
    } while (0)

/* ---- dsig ---- */

static void dsig_decode(void **state)
{
    uint8_t out[4];

    (void)state;
    assert_int_equal(vg_dsig_decode(S("b"), out, 4), VIGIL_OK);
    assert_memory_equal(out, "\0\0\0\x01", 4);
    /* first character least significant: "ab" = 0 + 1 * 64 */
    assert_int_equal(vg_dsig_decode(S("ab"), out, 4), VIGIL_OK);
    assert_memory_equal(out, "\0\0\0\x40", 4);
    assert_int_equal(vg_dsig_decode(S("//"), out, 4), VIGIL_OK);
    assert_memory_equal(out, "\0\0\x0f\xff", 4);
    assert_int_equal(vg_dsig_decode(S("Z9+"), out, 4), VIGIL_OK);
    assert_memory_equal(out, "\0\x03\xef\x73", 4);
    assert_int_equal(vg_dsig_decode(S(""), out, 4), VIGIL_E_CORRUPT);
    assert_int_equal(vg_dsig_decode(S("a=b"), out, 4), VIGIL_E_CORRUPT);
    assert_int_equal(vg_dsig_decode(S("//////"), out, 4), VIGIL_E_CORRUPT);
}

static void dsig_rejects_forgeries(void **state)
{
    uint8_t md5[16] = {0}, sha[32] = {0};
    char big[VIGIL_CAP_DSIG_CHARS + 2];

    (void)state;
    assert_int_equal(vg_dsig_verify_md5(md5, S("abc")), VIGIL_E_CORRUPT);
    assert_int_equal(vg_dsig_verify_md5(md5, S("")), VIGIL_E_CORRUPT);
    assert_int_equal(vg_dsig_verify_pss(VG_DSIG_KEY_INFO, sha, S("Xyz")),
                     VIGIL_E_CORRUPT);
    assert_int_equal(vg_dsig_verify_pss(VG_DSIG_KEY_CDIFF, sha, S("b")),
                     VIGIL_E_CORRUPT);
    /* a value above the modulus is refused, not reduced */
    memset(big, '/', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    big[VIGIL_CAP_DSIG_CHARS] = '\0';
    assert_int_equal(vg_dsig_verify_pss(VG_DSIG_KEY_INFO, sha, S(big)),
                     VIGIL_E_CORRUPT);
    assert_int_equal(vg_dsig_verify_pss(VG_DSIG_KEY_CVD, sha, S("b")),
                     VIGIL_E_ARG);
}

/* ---- tar and gzip ---- */

static void tar_roundtrip(void **state)
{
    struct vigil_buf b;
    struct vg_tar t;
    struct vg_why why;

    (void)state;
    vigil_buf_init(&b, 1 << 20);
    assert_int_equal(vg_tar_append(&b, "a.hdb", SP("hello\n", 6)), 0);
    assert_int_equal(vg_tar_append(&b, "empty.ndb", SP("", 0)), 0);
    assert_int_equal(b.len, 512 + 512 + 512);
    /* ClamAV's writer: size "%o", checksum "%06o" NUL, no magic */
    assert_memory_equal(b.data + 124, "6\0", 2);
    assert_int_equal(b.data[154], 0);
    assert_int_equal(vg_tar_parse(bspan(&b), &t, &why), VIGIL_OK);
    assert_int_equal(t.n, 2);
    assert_string_equal(t.m[0].name, "a.hdb");
    assert_int_equal(t.m[0].data.len, 6);
    assert_memory_equal(t.m[0].data.p, "hello\n", 6);
    assert_int_equal(t.m[1].data.len, 0);
    assert_non_null(vg_tar_find(&t, "empty.ndb"));
    vg_tar_free(&t);
    /* two end blocks of zeros are fine */
    assert_int_equal(vigil_buf_reserve(&b, 1024), 0);
    memset(b.data + b.len, 0, 1024);
    b.len += 1024;
    assert_int_equal(vg_tar_parse(bspan(&b), &t, &why), VIGIL_OK);
    vg_tar_free(&t);
    char long_name[120];
    memset(long_name, 'x', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    assert_int_equal(vg_tar_append(&b, long_name, SP("", 0)), VIGIL_E_ARG);
    vigil_buf_free(&b);
}

static int parse_mutated(struct vigil_buf *b, size_t off, uint8_t val,
                         struct vg_why *why)
{
    uint8_t old = b->data[off];
    struct vg_tar t;
    int ret;

    b->data[off] = val;
    ret = vg_tar_parse(bspan(b), &t, why);
    vg_tar_free(&t);
    b->data[off] = old;
    return ret;
}

static void tar_rejects(void **state)
{
    struct vigil_buf b;
    struct vg_tar t;
    struct vg_why why;

    (void)state;
    vigil_buf_init(&b, 1 << 20);
    assert_int_equal(vg_tar_append(&b, "a.hdb", SP("hello\n", 6)), 0);
    assert_int_equal(parse_mutated(&b, 148, '7', &why), VIGIL_E_CORRUPT);
    assert_why(why, "checksum");
    assert_int_equal(parse_mutated(&b, 1, '/', &why), VIGIL_E_CORRUPT);
    assert_int_equal(parse_mutated(&b, 156, '5', &why), VIGIL_E_CORRUPT);
    assert_why(why, "directory");
    assert_int_equal(parse_mutated(&b, 124, '9', &why), VIGIL_E_CORRUPT);
    if (parse_mutated(&b, 600, 'x', &why) != VIGIL_OK)
        fail_msg("%s", why.msg);
    /* truncated data, truncated header, no members */
    assert_int_equal(vg_tar_parse(SP(b.data, 515), &t, &why), VIGIL_E_CORRUPT);
    vg_tar_free(&t);
    assert_why(why, "truncated");
    assert_int_equal(vg_tar_parse(SP(b.data, 100), &t, &why), VIGIL_E_CORRUPT);
    vg_tar_free(&t);
    assert_int_equal(vg_tar_parse(SP("\0\0\0", 3), &t, &why), VIGIL_E_CORRUPT);
    vg_tar_free(&t);
    /* a duplicate, and junk after the end block */
    assert_int_equal(vg_tar_append(&b, "a.hdb", SP("x", 1)), 0);
    assert_int_equal(vg_tar_parse(bspan(&b), &t, &why), VIGIL_E_CORRUPT);
    vg_tar_free(&t);
    assert_why(why, "duplicate");
    b.len = 1024; /* a.hdb, then an end block, then junk */
    memset(b.data + 1024, 0, 512);
    b.len += 512;
    append(&b, "junk", 4);
    assert_int_equal(vg_tar_parse(bspan(&b), &t, &why), VIGIL_E_CORRUPT);
    vg_tar_free(&t);
    assert_why(why, "after the end");
    vigil_buf_free(&b);
}

static void gunzip_checks(void **state)
{
    static const char text[] = "some text that compresses, some text";
    struct vigil_buf gz, out;
    struct vg_why why;

    (void)state;
    vigil_buf_init(&gz, 1 << 20);
    gzip_into(&gz, text, sizeof text);
    vigil_buf_init(&out, 1 << 20);
    assert_int_equal(vg_gunzip(bspan(&gz), &out, &why), VIGIL_OK);
    assert_int_equal(out.len, sizeof text);
    assert_memory_equal(out.data, text, sizeof text);
    out.len = 0;
    assert_int_equal(vg_gunzip(SP(gz.data, gz.len - 3), &out, &why),
                     VIGIL_E_CORRUPT);
    assert_why(why, "truncated");
    vigil_buf_free(&out);
    vigil_buf_init(&out, 8); /* the cap */
    assert_int_equal(vg_gunzip(bspan(&gz), &out, &why), VIGIL_E_LIMIT);
    vigil_buf_free(&out);
    vigil_buf_init(&out, 1 << 20);
    append(&gz, "x", 1);
    assert_int_equal(vg_gunzip(bspan(&gz), &out, &why), VIGIL_E_CORRUPT);
    assert_why(why, "follow");
    gz.data[gz.len - 5] ^= 1; /* the CRC */
    out.len = 0;
    assert_int_equal(vg_gunzip(SP(gz.data, gz.len - 1), &out, &why),
                     VIGIL_E_CORRUPT);
    vigil_buf_free(&out);
    vigil_buf_free(&gz);
}

/* ---- synthetic containers ---- */

static void header_parsing(void **state)
{
    struct vg_cvd_header h;
    struct vg_why why;

    (void)state;
    assert_int_equal(
        vg_cvd_parse_line(S("ClamAV-VDB:22 Jun 2021 14-58 -0400:1:0:81:"
                            "a4ab:ttQe:micasnyd:1624388302"),
                          &h, &why),
        VIGIL_OK);
    assert_int_equal(h.version, 1);
    assert_int_equal(h.flevel, 81);
    assert_int_equal(h.stime, 1624388302u);
    assert_true(vigil_str_eq(h.builder, "micasnyd"));
    assert_int_equal(
        vg_cvd_parse_line(S("ClamAV-VDB:t:x:0:81:a:b:c:1"), &h, &why),
        VIGIL_E_CORRUPT);
    assert_why(why, "version");
    assert_int_equal(
        vg_cvd_parse_line(S("ClamAV-VDB:t:1:0:81:a:b:c"), &h, &why),
        VIGIL_E_CORRUPT);
    assert_int_equal(
        vg_cvd_parse_line(S("ClamAV-VDC:t:1:0:81:a:b:c:1"), &h, &why),
        VIGIL_E_CORRUPT);
}

static const struct member synth_members[] = {
    {"synth.hdb", NULL},
    {"synth.fp", "0123456789abcdef0123456789abcdef:1:Nothing\n"},
    {"synth.xyz", "ignored: unknown type\n"},
};

static void synth(struct vigil_buf *c, bool gz, bool dsig)
{
    struct member m[3];

    memcpy(m, synth_members, sizeof m);
    m[0].text = synth_hdb();
    vigil_buf_init(c, 1 << 24);
    make_container(c, m, 3, gz, dsig);
}

static void synth_cvd_opens(void **state)
{
    struct vigil_buf c;
    struct vg_why why;
    struct vg_cvd cvd;

    (void)state;
    synth(&c, true, true);
    assert_int_equal(
        vg_cvd_open(&cvd, VG_CVD_CVD, bspan(&c), VG_CVD_NO_RSA, &why),
        VIGIL_OK);
    assert_true(cvd.compressed);
    assert_int_equal(cvd.tar.n, 5);
    assert_int_equal(cvd.nlisted, 3);
    assert_false(cvd.verified);
    assert_false(vg_cvd_official(&cvd));
    assert_true(cvd.checks & VG_CVD_CHK_MD5);
    assert_false(cvd.checks & VG_CVD_CHK_DSIG);
    vg_cvd_close(&cvd);
    /* with the RSA checks on, our fake DSIG is refused */
    assert_int_equal(open_c(&c, VG_CVD_CVD, 0, &why), VIGIL_E_CORRUPT);
    assert_why(why, "DSIG");
    /* as a .cld, the header DSIG is not used: the .info DSIG fails */
    assert_int_equal(open_c(&c, VG_CVD_CLD, 0, &why), VIGIL_E_CORRUPT);
    assert_why(why, ".info DSIG");
    vigil_buf_free(&c);
    synth(&c, false, false);
    assert_int_equal(open_c(&c, VG_CVD_CUD, 0, &why), VIGIL_OK);
    assert_int_equal(open_c(&c, VG_CVD_CVD, VG_CVD_NO_RSA, &why),
                     VIGIL_E_CORRUPT);
    assert_why(why, "no DSIG line");
    vigil_buf_free(&c);
}

static void synth_tampering_named(void **state)
{
    struct vigil_buf c;
    struct vg_why why;

    (void)state;
    synth(&c, false, true);
    c.data[600] ^= 1; /* COPYING's tar header: the MD5 catches it */
    assert_int_equal(open_c(&c, VG_CVD_CVD, VG_CVD_NO_RSA, &why),
                     VIGIL_E_CORRUPT);
    assert_why(why, "MD5");
    /* as a .cld nothing covers the tar header but its checksum */
    assert_int_equal(open_c(&c, VG_CVD_CLD, VG_CVD_NO_RSA, &why),
                     VIGIL_E_CORRUPT);
    assert_why(why, "tar: header checksum");
    c.data[600] ^= 1;
    /* the last member's data (synth.xyz) */
    c.data[c.len - 512 + 3] ^= 1;
    assert_int_equal(open_c(&c, VG_CVD_CLD, VG_CVD_NO_RSA, &why),
                     VIGIL_E_CORRUPT);
    assert_why(why, ".info hash of member synth.xyz");
    c.data[c.len - 512 + 3] ^= 1;
    assert_int_equal(open_c(&c, VG_CVD_CLD, VG_CVD_NO_RSA, &why), VIGIL_OK);
    /* the header's builder differs from the .info's */
    c.data[strlen("ClamAV-VDB:" HDR_FIELDS ":") + 33 + 4] = 'T';
    assert_int_equal(open_c(&c, VG_CVD_CLD, VG_CVD_NO_RSA, &why),
                     VIGIL_E_CORRUPT);
    assert_why(why, "header field builder");
    vigil_buf_free(&c);
    synth(&c, false, true);
    c.len -= 700; /* truncated inside the last member */
    assert_int_equal(open_c(&c, VG_CVD_CLD, VG_CVD_NO_RSA, &why),
                     VIGIL_E_CORRUPT);
    assert_why(why, "tar:");
    c.len = 300;
    assert_int_equal(open_c(&c, VG_CVD_CLD, VG_CVD_NO_RSA, &why),
                     VIGIL_E_CORRUPT);
    assert_why(why, "truncated");
    vigil_buf_free(&c);
}

static void synth_unlisted_and_missing(void **state)
{
    struct member m[2] = {{"a.hdb", "x"}, {"b.hdb", "y"}};
    struct vigil_buf c, info;
    struct vg_why why;

    (void)state;
    vigil_buf_init(&c, 1 << 20);
    make_container(&c, m, 2, false, true);
    /* drop b.hdb's .info line by renaming the member it describes */
    vigil_buf_init(&info, 1 << 20);
    char *p = memmem(c.data + 512, c.len - 512, "b.hdb", 5);
    assert_non_null(p);
    p = memmem(p + 5, c.len - (size_t)(p + 5 - (char *)c.data), "b.hdb", 5);
    if (p) { /* the second occurrence is the tar header's name */
        p[0] = 'c';
        /* fix the tar checksum: 'c' - 'b' = 1 more */
        char *h = p, sum[8];
        unsigned s = 0;
        memset(h + 148, ' ', 8);
        for (int i = 0; i < 512; i++)
            s += (unsigned char)h[i];
        snprintf(sum, sizeof sum, "%06o", s);
        memcpy(h + 148, sum, 7);
        h[155] = 0;
    }
    assert_int_equal(open_c(&c, VG_CVD_CLD, VG_CVD_NO_RSA, &why),
                     VIGIL_E_CORRUPT);
    assert_why(why, "b.hdb, which is not in the container");
    vigil_buf_free(&info);
    vigil_buf_free(&c);
}

static void synth_load_unofficial_and_rollback(void **state)
{
    struct member bad[2] = {{"a.hdb", NULL}, {"b.hdb", "not a signature\n"}};
    struct vigil_engine *eng = new_engine();
    struct vigil_buf c;
    char name[128];
    unsigned n = 0;

    (void)state;
    synth(&c, true, false);
    /* a .cud needs no signature; its names are unofficial */
    assert_int_equal(vg_load_mem(eng, "synth.cud", c.data, c.len, &n),
                     VIGIL_OK);
    assert_true(n >= 1);
    assert_string_equal(scan_eicar(eng, name, sizeof name),
                        "Synth.Test.UNOFFICIAL");
    vigil_engine_unref(&eng);
    vigil_buf_free(&c);
    /* one transaction: b.hdb fails, a.hdb's signature is rolled back */
    eng = new_engine();
    bad[0].text = synth_hdb();
    vigil_buf_init(&c, 1 << 20);
    make_container(&c, bad, 2, false, false);
    assert_int_equal(vg_load_mem(eng, "bad.cud", c.data, c.len, &n),
                     VIGIL_E_DB);
    assert_non_null(strstr(vigil_engine_last_error(eng), "bad.cud:b.hdb:1"));
    assert_int_equal(vigil_engine_signature_count(eng), 0);
    assert_string_equal(scan_eicar(eng, name, sizeof name), "");
    vigil_engine_unref(&eng);
    vigil_buf_free(&c);
}

static void synth_cvd_without_rsa_unofficial(void **state)
{
    struct vigil_engine *eng = new_engine();
    struct vigil_buf c;
    char name[128];
    unsigned n = 0;

    (void)state;
    synth(&c, false, true);
    assert_int_equal(
        vg_cvd_load(eng, "s.cld", c.data, c.len, VG_CVD_NO_RSA, &n), VIGIL_OK);
    assert_string_equal(scan_eicar(eng, name, sizeof name),
                        "Synth.Test.UNOFFICIAL");
    vigil_engine_unref(&eng);
    /* through the loader (RSA on): refused, nothing loaded */
    eng = new_engine();
    assert_int_equal(vg_load_mem(eng, "s.cld", c.data, c.len, &n), VIGIL_E_DB);
    assert_non_null(strstr(vigil_engine_last_error(eng), ".info DSIG"));
    vigil_engine_unref(&eng);
    vigil_buf_free(&c);
}

/* ---- cdiff scripts ---- */

static void dir_with(struct vg_dbdir *d, const char *name, const char *text)
{
    struct vigil_buf c;
    struct vg_cvd cvd;
    struct member m = {name, text};
    struct vg_why why;

    vigil_buf_init(&c, 1 << 20);
    make_container(&c, &m, 1, false, true);
    assert_int_equal(
        vg_cvd_open(&cvd, VG_CVD_CLD, bspan(&c), VG_CVD_NO_RSA, &why),
        VIGIL_OK);
    assert_int_equal(vg_dbdir_from_cvd(d, &cvd), VIGIL_OK);
    vg_cvd_close(&cvd);
    vigil_buf_free(&c);
}

static const struct vg_dbfile *dfile(const struct vg_dbdir *d, const char *name)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->f[i].name, name) == 0)
            return &d->f[i];
    return NULL;
}

static void assert_file(const struct vg_dbdir *d, const char *name,
                        const char *text)
{
    const struct vg_dbfile *f = dfile(d, name);

    assert_non_null(f);
    assert_int_equal(f->data.len, strlen(text));
    assert_memory_equal(f->data.data, text, strlen(text));
}

static int run(struct vg_dbdir *d, const char *script, struct vg_why *why)
{
    return vg_cdiff_run(d, SP(script, strlen(script)), NULL, why);
}

static void script_edits(void **state)
{
    struct vg_dbdir d;
    struct vg_why why;

    (void)state;
    dir_with(&d, "x.ndb", "one 1\ntwo 2\nthree 3\nfour 4\n");
    assert_int_equal(run(&d,
                         "# comment\n"
                         "OPEN x.ndb\n"
                         "ADD five 5\n"
                         "XCHG 3 three THREE new\n"
                         "DEL 1 on\n"
                         "XCHG 4 four \n"
                         "CLOSE\n"
                         "OPEN new.hdb\nADD a\nADD b\nCLOSE\n"
                         "OPEN none.hdb\nCLOSE\n",
                         &why),
                     VIGIL_OK);
    assert_file(&d, "x.ndb", "two 2\nTHREE new\n\nfive 5\n");
    assert_file(&d, "new.hdb", "a\nb\n");
    assert_null(dfile(&d, "none.hdb"));
    /* MOVE lines 1..2 of x.ndb to new.hdb, then UNLINK */
    assert_int_equal(run(&d,
                         "MOVE x.ndb new.hdb 1 two 2 THREE\n"
                         "UNLINK x.ndb\n",
                         &why),
                     VIGIL_OK);
    assert_file(&d, "new.hdb", "a\nb\ntwo 2\nTHREE new\n");
    assert_null(dfile(&d, "x.ndb"));
    vg_dbdir_free(&d);
}

static void script_errors(void **state)
{
    static const struct {
        const char *script, *why;
    } bad[] = {
        {"OPEN x.ndb\nDEL 1 two\nCLOSE\n", "does not match"},
        {"OPEN x.ndb\nDEL 9 x\nCLOSE\n", "past the end"},
        {"OPEN x.ndb\nDEL 1 o\nXCHG 1 o p\nCLOSE\n", "edited twice"},
        {"OPEN x.ndb\nADD y\n", "ends with a file open"},
        {"ADD y\n", "no file open"},
        {"OPEN ../x\nCLOSE\n", "bad database name"},
        {"OPEN x y\nCLOSE\n", "bad database name"},
        {"OPEN a\nOPEN b\n", "while a file is open"},
        {"FROB x\n", "unknown command"},
        {"\n", "unknown command"},
        {"OPEN x.ndb\nDEL x y\nCLOSE\n", "bad line number"},
        {"OPEN x.ndb\nXCHG 1 one\nCLOSE\n", "missing"},
        {"OPEN x.ndb", "name missing"},
        {"MOVE x.ndb nope 1 one 2 two\n", "no such file"},
        {"MOVE x.ndb x.ndb 1 one 2 two\n", "same"},
        {"UNLINK nope\n", "no such file"},
        {"OPEN x.ndb\nUNLINK x.ndb\n", "while a file is open"},
    };
    struct vg_why why;

    (void)state;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        struct vg_dbdir d;
        dir_with(&d, "x.ndb", "one\ntwo\n");
        if (run(&d, bad[i].script, &why) != VIGIL_E_CORRUPT)
            fail_msg("script %zu did not fail", i);
        assert_why(why, bad[i].why);
        vg_dbdir_free(&d);
    }
}

static void build_cld_layout(void **state)
{
    struct vg_dbdir d;
    struct vigil_buf out;
    struct vg_tar t;
    struct vg_why why;

    (void)state;
    dir_with(&d, "x.ndb", "one\n");
    assert_int_equal(run(&d, "OPEN daily.cfg\nADD cfg\nCLOSE\n", &why), 0);
    vigil_buf_init(&out, 1 << 20);
    assert_int_equal(vg_dbdir_build_cld(&d, "synth.info", &out, &why), 0);
    assert_memory_equal(out.data, "ClamAV-VDB:" HDR_FIELDS ":X:X:" BUILDER " ",
                        strlen("ClamAV-VDB:" HDR_FIELDS ":X:X:" BUILDER " "));
    assert_int_equal(out.data[511], ' ');
    assert_int_equal(vg_tar_parse(SP(out.data + 512, out.len - 512), &t, &why),
                     VIGIL_OK);
    assert_int_equal(t.n, 4);
    assert_string_equal(t.m[0].name, "COPYING");
    assert_string_equal(t.m[1].name, "synth.info");
    assert_string_equal(t.m[2].name, "daily.cfg");
    assert_string_equal(t.m[3].name, "x.ndb");
    vg_tar_free(&t);
    assert_int_equal(run(&d, "UNLINK COPYING\n", &why), 0);
    assert_int_equal(vg_dbdir_build_cld(&d, "synth.info", &out, &why),
                     VIGIL_E_CORRUPT);
    vigil_buf_free(&out);
    vg_dbdir_free(&d);
}

/* A .cdiff file around @p script (fake DSIG: open it with NO_RSA). */
static void make_cdiff(struct vigil_buf *out, unsigned version,
                       const char *script, long len_delta)
{
    char hdr[64];

    snprintf(hdr, sizeof hdr, "ClamAV-Diff:%u:%ld:", version,
             (long)strlen(script) + len_delta);
    appends(out, hdr);
    gzip_into(out, script, strlen(script));
    appends(out, ":abcdef");
}

static void cdiff_file_checks(void **state)
{
    struct vigil_buf f;
    struct vg_cdiff cd;
    struct vg_why why;

    (void)state;
    vigil_buf_init(&f, 1 << 20);
    make_cdiff(&f, 8, "OPEN a.hdb\nADD x\nCLOSE\n", 0);
    assert_int_equal(vg_cdiff_open(&cd, bspan(&f), VG_CVD_NO_RSA, &why), 0);
    assert_int_equal(cd.version, 8);
    assert_int_equal(cd.ncommands, 3);
    vg_cdiff_close(&cd);
    assert_int_equal(vg_cdiff_open(&cd, bspan(&f), 0, &why), VIGIL_E_CORRUPT);
    vg_cdiff_close(&cd);
    assert_why(why, "DSIG");
    f.len = 0;
    make_cdiff(&f, 8, "OPEN a.hdb\nADD x\nCLOSE\n", 1);
    assert_int_equal(vg_cdiff_open(&cd, bspan(&f), VG_CVD_NO_RSA, &why),
                     VIGIL_E_CORRUPT);
    vg_cdiff_close(&cd);
    assert_why(why, "LENGTH");
    f.len = 0;
    make_cdiff(&f, 8, "OPEN a.hdb\nBOGUS\n", 0);
    assert_int_equal(vg_cdiff_open(&cd, bspan(&f), VG_CVD_NO_RSA, &why),
                     VIGIL_E_CORRUPT);
    vg_cdiff_close(&cd);
    assert_why(why, "script line 2");
    f.len = 0;
    appends(&f, "ClamAV-Diff:x:1:abc:def");
    assert_int_equal(vg_cdiff_open(&cd, bspan(&f), VG_CVD_NO_RSA, &why),
                     VIGIL_E_CORRUPT);
    vg_cdiff_close(&cd);
    assert_why(why, "header");
    vigil_buf_free(&f);
}

/* Base v7 + a cdiff making v8 that updates the .info consistently. */
static void patch_end_to_end(void **state)
{
    struct member m1 = {"a.hdb", "x\n"}, m2 = {"a.hdb", "x\ny\n"};
    struct vigil_buf base, diff, out, i1, i2;
    char script[1024], l1[128], l2[128];
    const char *names[2] = {"base.cld", "base-8.cdiff"};
    struct vigil_span data[2];
    struct vg_why why;
    struct vg_cvd cvd;

    (void)state;
    vigil_buf_init(&base, 1 << 20);
    make_container(&base, &m1, 1, true, true);
    vigil_buf_init(&i1, 1 << 20);
    vigil_buf_init(&i2, 1 << 20);
    make_info(&i1, &m1, 1, false);
    make_info(&i2, &m2, 1, false);
    /* line 2 of each .info is the a.hdb entry */
    sscanf(strchr((char *)i1.data, '\n') + 1, "%127[^\n]", l1);
    sscanf(strchr((char *)i2.data, '\n') + 1, "%127[^\n]", l2);
    snprintf(script, sizeof script,
             "OPEN synth.info\n"
             "XCHG 1 ClamAV-VDB:21 ClamAV-VDB:21 Nov 2023 10-00 +0000:8:1:"
             "216:X:X:" BUILDER "\n"
             "XCHG 2 %s %s\n"
             "CLOSE\n"
             "OPEN a.hdb\nADD y\nCLOSE\n",
             l1, l2);
    vigil_buf_init(&diff, 1 << 20);
    make_cdiff(&diff, 8, script, 0);
    data[0] = bspan(&base);
    data[1] = bspan(&diff);
    vigil_buf_init(&out, 1 << 24);
    assert_int_equal(vg_cdiff_patch(names, data, 2, VG_CVD_NO_RSA, &out, &why),
                     VIGIL_OK);
    assert_int_equal(
        vg_cvd_open(&cvd, VG_CVD_CLD, bspan(&out), VG_CVD_NO_RSA, &why),
        VIGIL_OK);
    assert_int_equal(cvd.hdr.version, 8);
    assert_false(cvd.compressed);
    assert_memory_equal(vg_tar_find(&cvd.tar, "a.hdb")->data.p, "x\ny\n", 4);
    vg_cvd_close(&cvd);
    /* the same cdiff does not apply twice: version 8 needs 7 */
    data[0] = bspan(&out);
    data[1] = bspan(&diff);
    struct vigil_buf out2;
    vigil_buf_init(&out2, 1 << 24);
    names[0] = "patched.cld";
    assert_int_equal(vg_cdiff_patch(names, data, 2, VG_CVD_NO_RSA, &out2, &why),
                     VIGIL_E_CORRUPT);
    assert_why(why, "base-8.cdiff: makes version 8");
    vigil_buf_free(&out2);
    vigil_buf_free(&out);
    vigil_buf_free(&diff);
    vigil_buf_free(&i1);
    vigil_buf_free(&i2);
    vigil_buf_free(&base);
}

/* ---- ClamAV's own test files (../shared/data) ---- */

/* A freshclam test file, or skip the test when ../shared is absent. */
static void need_freshclam(struct vigil_buf *b, const char *name)
{
    char rel[256];
    snprintf(rel, sizeof rel, "freshclam_testfiles/%s", name);
    need_shared(rel, b);
    assert_true(b->len > 0);
}

static void keep_warning(void *cookie, enum vigil_log_level level,
                         const char *msg)
{
    if (level == VIGIL_LOG_WARN && strstr(msg, "duplicate"))
        snprintf(cookie, 1024, "%s", msg);
}

/* The sources an engine loaded, as `vigil db info` lists them. */
static bool loaded_source(const struct vigil_engine *eng, const char *line)
{
    return memmem(eng->sources.data, eng->sources.len, line, strlen(line));
}

/* X.cvd and X.cld in one folder: only the newer loads, with ClamAV's
 * warning; the same version loads once (the .cld). */
static void cvd_and_cld_twins(void **state)
{
    static const char *const pairs[][2] = {{"test-1.cvd", "test-3.cvd"},
                                           {"test-3.cvd", "test-1.cvd"},
                                           {"test-3.cvd", "test-3.cvd"}};
    static const char *const kept[] = {"test.cld\t3\t", "test.cvd\t3\t",
                                       "test.cld\t3\t"};
    static const char *const dropped[] = {"test.cvd\t", "test.cld\t",
                                          "test.cvd\t"};
    (void)state;
    for (size_t i = 0; i < 3; i++) {
        char warned[1024] = "";
        struct vigil_settings set = {keep_warning, warned, VIGIL_LOG_WARN,
                                     false};
        struct vigil_engine *eng = NULL;
        const char *dir = tmpdir_new();
        struct vigil_buf cvd, cld;
        need_freshclam(&cvd, pairs[i][0]);
        need_freshclam(&cld, pairs[i][1]);
        tmpdir_write(dir, "test.cvd", cvd.data, cvd.len);
        tmpdir_write(dir, "test.cld", cld.data, cld.len);
        assert_int_equal(vigil_engine_new(&eng, &set), VIGIL_OK);
        assert_int_equal(vigil_engine_load_db(eng, dir, NULL), VIGIL_OK);
        assert_true(loaded_source(eng, kept[i]));
        assert_false(loaded_source(eng, dropped[i]));
        assert_non_null(strstr(warned, "Detected duplicate databases"));
        assert_non_null(strstr(warned, i < 2 ? "is older and will not be loaded"
                                             : "please manually remove one"));
        vigil_engine_unref(&eng);
        vigil_buf_free(&cvd);
        vigil_buf_free(&cld);
        tmpdir_remove(dir);
    }
}

static void real_files_verify(void **state)
{
    static const char *const cvds[] = {"test-1.cvd", "test-2.cvd",
                                       "test-3.cvd", "test-4.cvd",
                                       "test-5.cvd", "test-6.cvd"};
    struct vigil_buf b;
    struct vg_why why = {""};

    (void)state;
    for (size_t i = 0; i < 6; i++) {
        struct vg_cvd cvd;
        need_freshclam(&b, cvds[i]);
        if (vg_cvd_open(&cvd, VG_CVD_CVD, bspan(&b), 0, &why) != VIGIL_OK)
            fail_msg("%s: %s", cvds[i], why.msg);
        assert_int_equal(cvd.hdr.version, i + 1);
        assert_true(cvd.verified);
        assert_true(vg_cvd_official(&cvd));
        assert_int_equal(cvd.checks, 0xff);
        vg_cvd_close(&cvd);
        vigil_buf_free(&b);
    }
    for (unsigned v = 2; v <= 6; v++) {
        char name[32];
        struct vg_cdiff cd;
        snprintf(name, sizeof name, "test-%u.cdiff", v);
        need_freshclam(&b, name);
        if (vg_cdiff_open(&cd, bspan(&b), 0, &why) != VIGIL_OK)
            fail_msg("%s: %s", name, why.msg);
        assert_int_equal(cd.version, v);
        assert_int_equal(cd.checks, 0xf);
        vg_cdiff_close(&cd);
        vigil_buf_free(&b);
    }
}

static void real_cvd_loads_official(void **state)
{
    struct vigil_engine *eng = new_engine();
    struct vigil_buf b;
    char name[128];
    unsigned n = 0;

    (void)state;
    need_freshclam(&b, "test-1.cvd");
    assert_int_equal(vg_load_mem(eng, "test-1.cvd", b.data, b.len, &n),
                     VIGIL_OK);
    vigil_buf_free(&b);
    /* test-1's only signature needs flevel <= 38: ClamAV skips it too */
    assert_string_equal(scan_eicar(eng, name, sizeof name), "");
    vigil_engine_unref(&eng);
    eng = new_engine();
    need_freshclam(&b, "test-6.cvd");
    assert_int_equal(vg_load_mem(eng, "test-6.cvd", b.data, b.len, &n),
                     VIGIL_OK);
    assert_true(n > 0);
    /* signed and verified: no ".UNOFFICIAL" (ClamAV 1.4.6 agrees) */
    assert_string_equal(scan_eicar(eng, name, sizeof name),
                        "Eicar-Test-Signature");
    vigil_engine_unref(&eng);
    vigil_buf_free(&b);
}

/* SHA-256 of the header and the member records sorted by name: freshclam
 * writes members in readdir() order, so this is the order-free form. */
static void canonical_sha(const struct vigil_buf *cld, char hex[65])
{
    struct vg_tar t;
    struct vg_why why;
    struct vigil_buf c;
    size_t order[64], n;

    assert_int_equal(
        vg_tar_parse(SP(cld->data + 512, cld->len - 512), &t, &why), VIGIL_OK);
    n = t.n;
    assert_true(n <= 64);
    for (size_t i = 0; i < n; i++)
        order[i] = i;
    for (size_t i = 1; i < n; i++) /* insertion sort by name */
        for (size_t j = i;
             j > 0 && strcmp(t.m[order[j - 1]].name, t.m[order[j]].name) > 0;
             j--) {
            size_t x = order[j];
            order[j] = order[j - 1];
            order[j - 1] = x;
        }
    vigil_buf_init(&c, 1 << 24);
    append(&c, cld->data, 512);
    for (size_t i = 0; i < n; i++) {
        const struct vg_tar_member *m = &t.m[order[i]];
        size_t rec = 512 + (m->data.len + 511) / 512 * 512;
        append(&c, m->data.p - 512, rec);
    }
    sha_hex(c.data, c.len, hex);
    vigil_buf_free(&c);
    vg_tar_free(&t);
}

/* Every member of the patched CLD equals the same member of @p cvd_name,
 * the CVD Talos built for that version. */
static void same_members_as(const struct vigil_buf *cld, const char *cvd_name)
{
    struct vigil_buf b;
    struct vg_cvd a, r;
    struct vg_why why;

    need_freshclam(&b, cvd_name);
    assert_int_equal(vg_cvd_open(&a, VG_CVD_CLD, bspan(cld), 0, &why), 0);
    assert_int_equal(vg_cvd_open(&r, VG_CVD_CVD, bspan(&b), 0, &why), 0);
    assert_int_equal(a.tar.n, r.tar.n);
    for (size_t i = 0; i < r.tar.n; i++) {
        const struct vg_tar_member *x = vg_tar_find(&a.tar, r.tar.m[i].name);
        assert_non_null(x);
        assert_int_equal(x->data.len, r.tar.m[i].data.len);
        assert_memory_equal(x->data.p, r.tar.m[i].data.p, x->data.len);
    }
    vg_cvd_close(&a);
    vg_cvd_close(&r);
    vigil_buf_free(&b);
}

static void patch_chain(unsigned last, struct vigil_buf *out)
{
    struct vigil_buf in[6];
    struct vigil_span data[6];
    const char *names[6];
    static char nm[6][32];
    struct vg_why why = {""};

    need_freshclam(&in[0], "test-1.cvd");
    names[0] = "test-1.cvd";
    for (unsigned v = 2; v <= last; v++) {
        snprintf(nm[v - 1], sizeof nm[0], "test-%u.cdiff", v);
        names[v - 1] = nm[v - 1];
        need_freshclam(&in[v - 1], nm[v - 1]);
    }
    for (unsigned i = 0; i < last; i++)
        data[i] = bspan(&in[i]);
    vigil_buf_init(out, 1 << 24);
    if (vg_cdiff_patch(names, data, last, 0, out, &why) != VIGIL_OK)
        fail_msg("patch: %s", why.msg);
    for (unsigned i = 0; i < last; i++)
        vigil_buf_free(&in[i]);
}

static void real_patch_matches_clamav(void **state)
{
    struct vigil_buf out;
    char hex[65];

    (void)state;
    patch_chain(2, &out);
    /* freshclam 1.4.6's test.cld from test-1.cvd + test-2.cdiff */
    assert_int_equal(out.len, 23040);
    canonical_sha(&out, hex);
    assert_string_equal(hex, "49d14092b682368fb008262a75ea05b16b7feb44ca0f"
                             "17f2b506338d84ff9a76");
    assert_memory_equal(out.data,
                        "ClamAV-VDB:22 Jun 2021 16-55 -0400:2:0:81:"
                        "X:X:micasnyd:1624395301   ",
                        68);
    same_members_as(&out, "test-2.cvd");
    vigil_buf_free(&out);
    patch_chain(6, &out);
    assert_int_equal(out.len, 40960);
    canonical_sha(&out, hex);
    assert_string_equal(hex, "beee674618f66d19a93accbf87f708bf123249f57678"
                             "fddb121d640748251b87");
    same_members_as(&out, "test-6.cvd");
    vigil_buf_free(&out);
}

static void real_cvd_every_byte_flip_fails(void **state)
{
    struct vigil_buf b;
    struct vg_why why;
    size_t fails = 0;

    (void)state;
    need_freshclam(&b, "test-1.cvd");
    for (size_t i = 0; i < b.len; i++) {
        uint8_t old = b.data[i];
        b.data[i] = (uint8_t)(old ^ (i % 2 ? 0x01 : 0x20));
        why.msg[0] = '\0';
        if (open_c(&b, VG_CVD_CVD, 0, &why) == VIGIL_OK)
            fail_msg("flipping byte %zu of test-1.cvd went unnoticed", i);
        if (!why.msg[0])
            fail_msg("byte %zu: no message", i);
        if (i >= 512 && !strstr(why.msg, "MD5"))
            fail_msg("byte %zu: '%s' does not name the MD5", i, why.msg);
        b.data[i] = old;
        fails++;
    }
    assert_int_equal(fails, b.len);
    for (size_t len = 0; len < b.len; len += 97)
        assert_int_not_equal(open_c(&(struct vigil_buf){b.data, len, len, len},
                                    VG_CVD_CVD, 0, &why),
                             VIGIL_OK);
    assert_int_equal(open_c(&b, VG_CVD_CVD, 0, &why), VIGIL_OK);
    vigil_buf_free(&b);
}

static void real_cdiff_every_byte_flip_fails(void **state)
{
    struct vigil_buf b;
    struct vg_why why;
    struct vg_cdiff cd;

    (void)state;
    need_freshclam(&b, "test-2.cdiff");
    for (size_t i = 0; i < b.len; i++) {
        uint8_t old = b.data[i];
        b.data[i] = (uint8_t)(old ^ (i % 2 ? 0x01 : 0x20));
        why.msg[0] = '\0';
        if (vg_cdiff_open(&cd, bspan(&b), 0, &why) == VIGIL_OK)
            fail_msg("flipping byte %zu of test-2.cdiff went unnoticed", i);
        if (!why.msg[0])
            fail_msg("byte %zu: no message", i);
        vg_cdiff_close(&cd);
        b.data[i] = old;
    }
    for (size_t len = 0; len < b.len; len += 13) {
        assert_int_not_equal(vg_cdiff_open(&cd, SP(b.data, len), 0, &why),
                             VIGIL_OK);
        vg_cdiff_close(&cd);
    }
    vigil_buf_free(&b);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(dsig_decode),
        cmocka_unit_test(dsig_rejects_forgeries),
        cmocka_unit_test(tar_roundtrip),
        cmocka_unit_test(tar_rejects),
        cmocka_unit_test(gunzip_checks),
        cmocka_unit_test(header_parsing),
        cmocka_unit_test(synth_cvd_opens),
        cmocka_unit_test(synth_tampering_named),
        cmocka_unit_test(synth_unlisted_and_missing),
        cmocka_unit_test(synth_load_unofficial_and_rollback),
        cmocka_unit_test(synth_cvd_without_rsa_unofficial),
        cmocka_unit_test(script_edits),
        cmocka_unit_test(script_errors),
        cmocka_unit_test(build_cld_layout),
        cmocka_unit_test(cdiff_file_checks),
        cmocka_unit_test(patch_end_to_end),
        cmocka_unit_test(real_files_verify),
        cmocka_unit_test(real_cvd_loads_official),
        cmocka_unit_test(real_patch_matches_clamav),
        cmocka_unit_test(cvd_and_cld_twins),
        cmocka_unit_test(real_cvd_every_byte_flip_fails),
        cmocka_unit_test(real_cdiff_every_byte_flip_fails),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
