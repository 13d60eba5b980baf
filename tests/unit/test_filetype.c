// SPDX-License-Identifier: GPL-2.0-or-later
// test_filetype.c: content typing and the per-type scan plan. Every
// expectation was observed with ClamAV 1.4.6 (clamscan --gen-json), see
// docs/internals/SCAN-PIPELINE.md.
#include "test_main.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/filetype.h"

/* Type of a heap copy of exactly n bytes (so ASan sees any overread). */
static enum vg_ftype type_of(const void *p, size_t n)
{
    uint8_t *copy = malloc(n ? n : 1);
    enum vg_ftype t;

    assert_non_null(copy);
    if (n)
        memcpy(copy, p, n);
    t = vg_filetype_detect(vigil_span_make(copy, n));
    free(copy);
    return t;
}

#define TYPE_OF_LIT(s) type_of(s, sizeof(s) - 1)

static void assert_type(enum vg_ftype got, enum vg_ftype want)
{
    if (got != want)
        fail_msg("got %s, want %s", vg_ftype_clname(got),
                 vg_ftype_clname(want));
}

/* Encode ASCII s as UTF-16 (le or be), optionally with a BOM. */
static size_t utf16(const char *s, bool be, bool bom, uint8_t *out)
{
    size_t n = 0;

    if (bom) {
        out[n++] = be ? 0xfe : 0xff;
        out[n++] = be ? 0xff : 0xfe;
    }
    for (; *s; s++) {
        out[n++] = be ? 0 : (uint8_t)*s;
        out[n++] = be ? (uint8_t)*s : 0;
    }
    return n;
}

/* "MZ" alone makes a PE, whatever follows (no e_lfanew check). */
static void mz_with_garbage_is_pe(void **state)
{
    (void)state;
    assert_type(TYPE_OF_LIT("MZ this is plain text, no header\n"), VG_FT_PE);
    assert_type(TYPE_OF_LIT("MZ\0\0\xff\xff\xff\x7f"), VG_FT_PE);
}

/* Text rules: bytes >= 0x80 are text, one NUL or VT makes it "UTF-16". */
static void text_rules(void **state)
{
    (void)state;
    assert_type(TYPE_OF_LIT("Caf\xc3\xa9 UTF-8 is typed ASCII\n"),
                VG_FT_TEXT_ASCII);
    assert_type(TYPE_OF_LIT("\xef\xbb\xbfUTF-8 with BOM\n"), VG_FT_TEXT_ASCII);
    assert_type(TYPE_OF_LIT("hello\x80\x81\xffworld text"), VG_FT_TEXT_ASCII);
    assert_type(TYPE_OF_LIT("escape \x1b is text"), VG_FT_TEXT_ASCII);
    /* one NUL: no longer ASCII, and as UTF-16BE every unit is >= 0x80 */
    assert_type(TYPE_OF_LIT("Hello\0World this is text\n"), VG_FT_TEXT_UTF16BE);
    assert_type(TYPE_OF_LIT("Hell\0World this is text\n"), VG_FT_TEXT_UTF16BE);
    assert_type(TYPE_OF_LIT("hello\x0bworld text"), VG_FT_TEXT_UTF16BE);
    assert_type(TYPE_OF_LIT("hello\x7fworld text"), VG_FT_TEXT_UTF16BE);
    /* the first two bytes are never looked at as a UTF-16 unit */
    assert_type(TYPE_OF_LIT("\0\x01Hello"), VG_FT_TEXT_UTF16BE);
    /* a control unit after them makes it binary */
    assert_type(TYPE_OF_LIT("ab\0\x01rest of it"), VG_FT_BINARY_DATA);
    assert_type(type_of("", 0), VG_FT_TEXT_ASCII);
}

static void utf16_byte_order(void **state)
{
    uint8_t b[128];

    (void)state;
    assert_type(type_of(b, utf16("Hello UTF16 text\n", false, true, b)),
                VG_FT_TEXT_UTF16LE);
    assert_type(type_of(b, utf16("Hello UTF16 text\n", true, true, b)),
                VG_FT_TEXT_UTF16BE);
    /* without a BOM big-endian is assumed, even for little-endian text */
    assert_type(type_of(b, utf16("Hello UTF16 text\n", false, false, b)),
                VG_FT_TEXT_UTF16BE);
    /* a BOM tolerates control units up to half the byte length */
    memcpy(b, "\xff\xfe", 2);
    for (int i = 0; i < 10; i++)
        memcpy(b + 2 + 2 * i, "\x01\x00", 2);
    assert_type(type_of(b, 22), VG_FT_TEXT_UTF16LE);
}

/* Only the exact spellings in ClamAV's table make HTML. */
static void html_tag_spellings(void **state)
{
    (void)state;
    assert_type(TYPE_OF_LIT("hello <Script>x"), VG_FT_HTML);
    assert_type(TYPE_OF_LIT("hello <SCRipt>x"), VG_FT_TEXT_ASCII);
    assert_type(TYPE_OF_LIT("hello <a  zz HREF=x"), VG_FT_HTML);
    assert_type(TYPE_OF_LIT("<%@ LANGUAGE = x"), VG_FT_HTML);
    assert_type(TYPE_OF_LIT("x<%@ LANGUAGE = x"), VG_FT_TEXT_ASCII);
}

/* Type patterns are searched in the first 1024 bytes only. */
static void html_beyond_window(void **state)
{
    char buf[1100];

    (void)state;
    memset(buf, 'a', sizeof buf);
    memcpy(buf + 1030, "<script>", 8);
    assert_type(type_of(buf, sizeof buf), VG_FT_TEXT_ASCII);
    memcpy(buf + 1010, "<script>", 8);
    assert_type(type_of(buf, sizeof buf), VG_FT_HTML);
}

/* A later PE header overrides HTML; a later HTML tag beats an earlier PE
 * header because HTML ranks higher. */
static void pe_and_html_order(void **state)
{
    char a[96], b[96];

    (void)state;
    memset(a, 'A', sizeof a);
    memcpy(a, "<html> MZ", 9);
    memcpy(a + 69, "PE\0\0 end", 8);
    assert_type(type_of(a, 77), VG_FT_PE);
    memset(b, 'A', sizeof b);
    memcpy(b, "hi MZ", 5);
    memcpy(b + 65, "PE\0\0 <html>", 11);
    assert_type(type_of(b, 76), VG_FT_HTML);
}

/* A ZIP-SFX hit after the HTML tag is left for the raw scan, and the
 * text type stands. */
static void sfx_hit_keeps_text_type(void **state)
{
    (void)state;
    assert_type(TYPE_OF_LIT("<html> PK\x03\x04 stuff"), VG_FT_TEXT_UTF16BE);
    assert_type(TYPE_OF_LIT("hi PK\x03\x04 x <html> \x01"), VG_FT_TEXT_UTF16BE);
    /* NSIS is not left for the raw scan */
    assert_type(TYPE_OF_LIT("hello text \xef\xbe\xad\xdeNullsoftInst more"),
                VG_FT_NULSFT);
}

static void mail_detection(void **state)
{
    (void)state;
    assert_type(TYPE_OF_LIT("From: a@b\nTo: c\n\nbody\n"), VG_FT_MAIL);
    assert_type(TYPE_OF_LIT("Received: from x by y\n"), VG_FT_MAIL);
    /* mail ranks above HTML */
    assert_type(TYPE_OF_LIT("<html>\nFrom: x\nContent-Type: y\n"), VG_FT_MAIL);
    assert_type(TYPE_OF_LIT("hello\nReceived: x\nContent-Type: text\n"),
                VG_FT_MAIL);
    assert_type(TYPE_OF_LIT("MIME-Version: 1.0\nContent-Type: multipart\n"),
                VG_FT_MHTML);
}

static void java_and_universal(void **state)
{
    (void)state;
    assert_type(TYPE_OF_LIT("\xca\xfe\xba\xbe\0\0\0\x3d\0\x1d"), VG_FT_JAVA);
    /* Java 21 class files (major 65) are not recognised */
    assert_type(TYPE_OF_LIT("\xca\xfe\xba\xbe\0\0\0\x41\0\x1d"),
                VG_FT_BINARY_DATA);
    assert_type(TYPE_OF_LIT("\xca\xfe\xba\xbe\0\0\0\x05\0\x1d"),
                VG_FT_MACHO_UNIBIN);
}

static void magic_priorities(void **state)
{
    (void)state;
    /* two magics share "[aliases]"; the tar one wins */
    assert_type(TYPE_OF_LIT("[aliases] hello"), VG_FT_POSIX_TAR);
    assert_type(TYPE_OF_LIT("ID3hello world text"), VG_FT_IGNORED);
    assert_type(TYPE_OF_LIT("MM\0\x2a hello"), VG_FT_TIFF);
    assert_type(TYPE_OF_LIT("BM hello world"), VG_FT_BMP);
    assert_type(TYPE_OF_LIT("\x42\x0d\x0d\x0ahello"), VG_FT_PYTHON_COMPILED);
    assert_type(TYPE_OF_LIT("abcd\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 hello"),
                VG_FT_HWPOLE2);
    assert_type(TYPE_OF_LIT("{\\rtf1 hello"), VG_FT_RTF);
    assert_type(TYPE_OF_LIT("text text\n%PDF-1.4 blah\n"), VG_FT_PDF);
    assert_type(TYPE_OF_LIT("\x7f"
                            "ELF hello"),
                VG_FT_ELF);
    assert_type(TYPE_OF_LIT("\xcf\xfa\xed\xfe hello"), VG_FT_MACHO);
}

static void mbr_at_510(void **state)
{
    char b[532];

    (void)state;
    memset(b, 'a', sizeof b);
    memcpy(b + 510, "\x55\xaa", 2);
    assert_type(type_of(b, sizeof b), VG_FT_MBR);
    assert_type(type_of(b, 511), VG_FT_TEXT_ASCII);
}

/* A DMG trailer sits at EOF-512, which typing never looks at. */
static void dmg_not_typed(void **state)
{
    char b[612];

    (void)state;
    memset(b, 'a', sizeof b);
    memcpy(b + 100, "koly", 4);
    assert_type(type_of(b, sizeof b), VG_FT_TEXT_ASCII);
}

static void utf16_html(void **state)
{
    uint8_t b[128];

    (void)state;
    assert_type(
        type_of(b, utf16("<html><body>hi</body></html>", false, false, b)),
        VG_FT_HTML_UTF16);
    assert_type(
        type_of(b, utf16("<html><body>hi</body></html>", false, true, b)),
        VG_FT_HTML_UTF16);
    /* big-endian goes through the BOM-driven decode: plain HTML */
    assert_type(
        type_of(b, utf16("<html><body>hi</body></html>", true, true, b)),
        VG_FT_HTML);
}

/* A tar header: checksum valid; magic "ustar" at 257 is POSIX. */
static void tar_headers(void **state)
{
    uint8_t h[1024];
    unsigned sum = 0;

    (void)state;
    memset(h, 0, sizeof h);
    memcpy(h, "hello.txt", 9);
    memcpy(h + 100, "0000644", 7);
    memset(h + 148, ' ', 8);
    for (int i = 0; i < 512; i++)
        sum += h[i];
    snprintf((char *)h + 148, 8, "%06o", sum);
    h[155] = ' ';
    assert_type(type_of(h, sizeof h), VG_FT_OLD_TAR);
    h[148] = '7'; /* wrong checksum */
    assert_type(type_of(h, sizeof h), VG_FT_BINARY_DATA);
}

/* ---- a stored ZIP built by hand ---- */

static size_t put16(uint8_t *p, unsigned v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    return 2;
}

static size_t put32(uint8_t *p, uint32_t v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
    return 4;
}

/* Local headers (each with 40 bytes of data), central directory, end. */
static size_t make_zip(uint8_t *out, const char *const *names, size_t n)
{
    uint32_t offs[8];
    size_t len = 0, cd;

    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(names[i]);
        offs[i] = (uint32_t)len;
        len += put32(out + len, 0x04034b50);
        memset(out + len, 0, 22);
        put32(out + len + 14, 40); /* sizes */
        put32(out + len + 18, 40);
        len += 22;
        len += put16(out + len, (unsigned)nl);
        len += put16(out + len, 0);
        memcpy(out + len, names[i], nl);
        len += nl;
        memset(out + len, 'd', 40);
        len += 40;
    }
    cd = len;
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(names[i]);
        len += put32(out + len, 0x02014b50);
        memset(out + len, 0, 42);
        put16(out + len + 24, (unsigned)nl);
        put32(out + len + 38, offs[i]);
        len += 42;
        memcpy(out + len, names[i], nl);
        len += nl;
    }
    len += put32(out + len, 0x06054b50);
    memset(out + len, 0, 18); /* disks, counts, sizes, comment length */
    put32(out + len + 12, (uint32_t)cd); /* central directory offset */
    return len + 18;
}

static void ooxml_in_zip(void **state)
{
    static const char *const first[] = {"word/document.xml", "a"};
    static const char *const late[] = {"[Content_Types].xml", "a", "b",
                                       "word/document.xml"};
    static const char *const plain[] = {"a.txt", "b.txt", "c.txt", "word/x"};
    uint8_t z[2048];

    (void)state;
    assert_type(type_of(z, make_zip(z, first, 2)), VG_FT_OOXML_WORD);
    /* "likely OOXML" after three headers: the central directory decides */
    assert_type(type_of(z, make_zip(z, late, 4)), VG_FT_OOXML_WORD);
    /* nothing likely in the first three: stays ZIP */
    assert_type(type_of(z, make_zip(z, plain, 4)), VG_FT_ZIP);
}

/* ---- names ---- */

static void clnames(void **state)
{
    (void)state;
    assert_string_equal(vg_ftype_clname(VG_FT_PE), "CL_TYPE_MSEXE");
    assert_string_equal(vg_ftype_clname(VG_FT_BMP), "CL_TYPE_GRAPHICS");
    assert_string_equal(vg_ftype_clname(VG_FT_HTML_UTF16),
                        "CL_TYPE_HTML_UTF16");
    for (int t = 0; t < VG_FT_COUNT; t++) {
        const char *n = vg_ftype_clname((enum vg_ftype)t);
        if (t == VG_FT_OTHER)
            assert_int_equal(vg_ftype_from_clname(n, strlen(n)), -1);
        else
            assert_int_equal(vg_ftype_from_clname(n, strlen(n)), t);
    }
    /* length-delimited: a prefix or a longer name is not a match */
    assert_int_equal(vg_ftype_from_clname("CL_TYPE_ZIPSFX", 11), VG_FT_ZIP);
    assert_int_equal(vg_ftype_from_clname("CL_TYPE_ZI", 10), -1);
    assert_int_equal(vg_ftype_from_clname("cl_type_zip", 11), -1);
    assert_int_equal(vg_ftype_from_clname(NULL, 0), -1);
}

/* ---- targets and passes ---- */

static void targets(void **state)
{
    static const struct {
        enum vg_ftype t;
        unsigned target;
    } own[] = {
        {VG_FT_PE, 1},        {VG_FT_OLE2, 2},  {VG_FT_HTML, 3},
        {VG_FT_MAIL, 4},      {VG_FT_GIF, 5},   {VG_FT_PNG, 5},
        {VG_FT_JPEG, 5},      {VG_FT_TIFF, 5},  {VG_FT_BMP, 5},
        {VG_FT_ELF, 6},       {VG_FT_MACHO, 9}, {VG_FT_MACHO_UNIBIN, 9},
        {VG_FT_PDF, 10},      {VG_FT_SWF, 11},  {VG_FT_JAVA, 12},
        {VG_FT_INTERNAL, 13},
    };

    (void)state;
    for (size_t i = 0; i < sizeof own / sizeof own[0]; i++) {
        assert_int_equal(vg_ftype_target(own[i].t), own[i].target);
        assert_true(vg_ftype_has_target(own[i].t, 0));
        assert_true(vg_ftype_has_target(own[i].t, own[i].target));
        assert_false(vg_ftype_has_target(own[i].t, 14));
    }
    /* text: target 0 raw, target 7 only on the normalised view */
    assert_int_equal(vg_ftype_target(VG_FT_TEXT_ASCII), 0);
    assert_true(vg_ftype_has_target(VG_FT_TEXT_UTF16LE, 7));
    assert_false(vg_ftype_has_target(VG_FT_PE, 7));
    /* binary data: the extra target-14 pass */
    assert_true(vg_ftype_has_target(VG_FT_BINARY_DATA, 14));
    assert_false(vg_ftype_has_target(VG_FT_TEXT_ASCII, 14));
    /* ZIP, GZ...: target 0 only; nothing for ignored files */
    assert_int_equal(vg_ftype_target(VG_FT_ZIP), 0);
    assert_false(vg_ftype_has_target(VG_FT_IGNORED, 0));
    assert_false(vg_ftype_has_target(VG_FT_PE, 8));
    assert_false(vg_ftype_has_target(VG_FT_PE, 15));
}

static void plans(void **state)
{
    struct vg_pass p[VG_MAX_PASSES];

    (void)state;
    /* binary data: raw twice (hashes and target 0 both times) */
    assert_int_equal(vg_ftype_plan(VG_FT_BINARY_DATA, p), 2);
    assert_int_equal(p[0].view, VG_VIEW_RAW);
    assert_int_equal(p[0].target, 0);
    assert_true(p[0].hashes);
    assert_int_equal(p[1].view, VG_VIEW_RAW);
    assert_int_equal(p[1].target, 14);
    assert_true(p[1].hashes);
    /* ASCII text: raw with target 0, then the normalised view */
    assert_int_equal(vg_ftype_plan(VG_FT_TEXT_ASCII, p), 2);
    assert_int_equal(p[0].target, 0);
    assert_int_equal(p[1].view, VG_VIEW_TEXT);
    assert_int_equal(p[1].target, 7);
    assert_false(p[1].hashes);
    /* HTML typed up front: no raw pass at all */
    assert_int_equal(vg_ftype_plan(VG_FT_HTML, p), 4);
    for (int i = 0; i < 4; i++)
        assert_int_not_equal(p[i].view, VG_VIEW_RAW);
    assert_int_equal(p[0].view, VG_VIEW_HTML_NOCOMMENT);
    assert_int_equal(p[0].target, 3);
    /* PE: one raw pass with target 1 */
    assert_int_equal(vg_ftype_plan(VG_FT_PE, p), 1);
    assert_int_equal(p[0].target, 1);
    assert_int_equal(vg_ftype_plan(VG_FT_IGNORED, p), 0);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mz_with_garbage_is_pe),
        cmocka_unit_test(text_rules),
        cmocka_unit_test(utf16_byte_order),
        cmocka_unit_test(html_tag_spellings),
        cmocka_unit_test(html_beyond_window),
        cmocka_unit_test(pe_and_html_order),
        cmocka_unit_test(sfx_hit_keeps_text_type),
        cmocka_unit_test(mail_detection),
        cmocka_unit_test(java_and_universal),
        cmocka_unit_test(magic_priorities),
        cmocka_unit_test(mbr_at_510),
        cmocka_unit_test(dmg_not_typed),
        cmocka_unit_test(utf16_html),
        cmocka_unit_test(tar_headers),
        cmocka_unit_test(ooxml_in_zip),
        cmocka_unit_test(clnames),
        cmocka_unit_test(targets),
        cmocka_unit_test(plans),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
