// SPDX-License-Identifier: GPL-2.0-or-later
// filetype.c: ClamAV-compatible content typing (magic table, text rules,
// on-the-fly type patterns) and the per-type plan of matching passes.
#include "fmt/filetype.h"

#include <string.h>

/*
 * How ClamAV 1.4.6 types a file (SCAN-PIPELINE.md §2 has the evidence):
 *  1. Over the first 1024 bytes (the "window"), a table of fixed magics
 *     at fixed offsets is tried in priority order; the first hit wins.
 *  2. No hit: the window is classified as text (ASCII, UTF-16) or binary;
 *     binary windows that hold a valid tar header are tar.
 *  3. A hit on ZIP looks at the first local headers for OOXML part names.
 *  4. Text and binary results (and magics that map to binary data) are
 *     refined by "type patterns" searched anywhere in the window (HTML
 *     tags, mail headers, PE headers, ...), then by the same patterns over
 *     the window decoded from UTF-16 (HTML only).
 * All of it reads at most a few windows, in time linear in their size.
 */

/* ---- type descriptors ---- */

struct ftdesc {
    const char *name; /* ClamAV's name */
    uint16_t rank;    /* ClamAV's enum order: larger wins on the fly */
    uint8_t target;   /* target root joined to target 0 on the raw pass */
    bool named;       /* in ClamAV's name map (Container keys, .ftm) */
};

#define D(n, r, tg)                                                            \
    {                                                                          \
        "CL_TYPE_" n, r, tg, true                                              \
    }
// clang-format off
static const struct ftdesc ftdescs[VG_FT_COUNT] = {
    [VG_FT_ANY] = D("ANY", 0, 0),
    [VG_FT_TEXT_ASCII] = D("TEXT_ASCII", 500, 0),
    [VG_FT_TEXT_UTF8] = D("TEXT_UTF8", 501, 0),
    [VG_FT_TEXT_UTF16LE] = D("TEXT_UTF16LE", 502, 0),
    [VG_FT_TEXT_UTF16BE] = D("TEXT_UTF16BE", 503, 0),
    [VG_FT_BINARY_DATA] = D("BINARY_DATA", 504, 0),
    [VG_FT_PE] = D("MSEXE", 506, 1),
    [VG_FT_ELF] = D("ELF", 507, 6),
    [VG_FT_MACHO] = D("MACHO", 508, 9),
    [VG_FT_MACHO_UNIBIN] = D("MACHO_UNIBIN", 509, 9),
    [VG_FT_POSIX_TAR] = D("POSIX_TAR", 510, 0),
    [VG_FT_OLD_TAR] = D("OLD_TAR", 511, 0),
    [VG_FT_CPIO_OLD] = D("CPIO_OLD", 512, 0),
    [VG_FT_CPIO_ODC] = D("CPIO_ODC", 513, 0),
    [VG_FT_CPIO_NEWC] = D("CPIO_NEWC", 514, 0),
    [VG_FT_CPIO_CRC] = D("CPIO_CRC", 515, 0),
    [VG_FT_GZ] = D("GZ", 516, 0),
    [VG_FT_ZIP] = D("ZIP", 517, 0),
    [VG_FT_BZ2] = D("BZ", 518, 0),
    [VG_FT_RAR] = D("RAR", 519, 0),
    [VG_FT_ARJ] = D("ARJ", 520, 0),
    [VG_FT_SZDD] = D("MSSZDD", 521, 0),
    [VG_FT_OLE2] = D("MSOLE2", 522, 2),
    [VG_FT_CAB] = D("MSCAB", 523, 0),
    [VG_FT_CHM] = D("MSCHM", 524, 0),
    [VG_FT_SIS] = D("SIS", 525, 0),
    [VG_FT_SCRENC] = D("SCRENC", 526, 0),
    [VG_FT_BMP] = D("GRAPHICS", 527, 5),
    [VG_FT_GIF] = D("GIF", 528, 5),
    [VG_FT_PNG] = D("PNG", 529, 5),
    [VG_FT_JPEG] = D("JPEG", 530, 5),
    [VG_FT_TIFF] = D("TIFF", 531, 5),
    [VG_FT_RIFF] = D("RIFF", 532, 0),
    [VG_FT_BINHEX] = D("BINHEX", 533, 0),
    [VG_FT_TNEF] = D("TNEF", 534, 0),
    [VG_FT_CRYPTFF] = D("CRYPTFF", 535, 0),
    [VG_FT_PDF] = D("PDF", 536, 10),
    [VG_FT_UUENCODED] = D("UUENCODED", 537, 0),
    [VG_FT_SCRIPT] = D("SCRIPT", 538, 0),
    [VG_FT_HTML_UTF16] = D("HTML_UTF16", 539, 0),
    [VG_FT_RTF] = D("RTF", 540, 0),
    [VG_FT_7Z] = D("7Z", 541, 0),
    [VG_FT_SWF] = D("SWF", 542, 11),
    [VG_FT_JAVA] = D("JAVA", 543, 12),
    [VG_FT_XAR] = D("XAR", 544, 0),
    [VG_FT_XZ] = D("XZ", 545, 0),
    [VG_FT_OOXML_WORD] = D("OOXML_WORD", 546, 0),
    [VG_FT_OOXML_PPT] = D("OOXML_PPT", 547, 0),
    [VG_FT_OOXML_XL] = D("OOXML_XL", 548, 0),
    [VG_FT_INTERNAL] = D("INTERNAL", 549, 13),
    [VG_FT_HWP3] = D("HWP3", 550, 0),
    [VG_FT_OOXML_HWP] = D("OOXML_HWP", 551, 0),
    [VG_FT_PS] = D("PS", 552, 0),
    [VG_FT_EGG] = D("EGG", 553, 0),
    [VG_FT_ONENOTE] = D("ONENOTE", 554, 0),
    [VG_FT_PYTHON_COMPILED] = D("PYTHON_COMPILED", 555, 0),
    [VG_FT_LHA_LZH] = D("LHA_LZH", 556, 0),
    [VG_FT_PART_ANY] = D("PART_ANY", 557, 0),
    [VG_FT_PART_HFSPLUS] = D("PART_HFSPLUS", 558, 0),
    [VG_FT_MBR] = D("MBR", 559, 0),
    [VG_FT_HTML] = D("HTML", 560, 3),
    [VG_FT_MAIL] = D("MAIL", 561, 4),
    [VG_FT_SFX] = D("SFX", 562, 0),
    [VG_FT_ZIPSFX] = D("ZIPSFX", 563, 0),
    [VG_FT_RARSFX] = D("RARSFX", 564, 0),
    [VG_FT_7ZSFX] = D("7ZSFX", 565, 0),
    [VG_FT_CABSFX] = D("CABSFX", 566, 0),
    [VG_FT_ARJSFX] = D("ARJSFX", 567, 0),
    [VG_FT_EGGSFX] = D("EGGSFX", 568, 0),
    [VG_FT_NULSFT] = D("NULSFT", 569, 0),
    [VG_FT_AUTOIT] = D("AUTOIT", 570, 0),
    [VG_FT_ISHIELD_MSI] = D("ISHIELD_MSI", 571, 0),
    [VG_FT_ISO9660] = D("ISO9660", 572, 0),
    [VG_FT_DMG] = D("DMG", 573, 0),
    [VG_FT_GPT] = D("GPT", 574, 0),
    [VG_FT_APM] = D("APM", 575, 0),
    [VG_FT_XDP] = D("XDP", 576, 0),
    [VG_FT_XML_WORD] = D("XML_WORD", 577, 0),
    [VG_FT_XML_XL] = D("XML_XL", 578, 0),
    [VG_FT_XML_HWP] = D("XML_HWP", 579, 0),
    [VG_FT_HWPOLE2] = D("HWPOLE2", 580, 0),
    [VG_FT_MHTML] = D("MHTML", 581, 0),
    [VG_FT_LNK] = D("LNK", 582, 0),
    [VG_FT_UDF] = D("UDF", 583, 0),
    [VG_FT_ALZ] = D("ALZ", 584, 0),
    [VG_FT_OTHER] = {"CL_TYPE_OTHER", 585, 14, false},
    [VG_FT_IGNORED] = D("IGNORED", 586, 0),
};
// clang-format on
#undef D

/* ---- step 1: fixed magics, in the order ClamAV tries them ---- */

struct magic {
    uint16_t off;
    uint8_t len;
    uint8_t type; /* enum vg_ftype */
    const char *bytes;
};

/*
 * ClamAV's built-in table filtered to functionality level 216, highest
 * priority first (ClamAV walks its list from the last entry loaded). Two
 * entries share "[aliases]": the tar one wins, as in ClamAV.
 */
// clang-format off
static const struct magic magic_table[] = {
    {0, 4, VG_FT_ALZ, "\x41\x4c\x5a\x01"},
    {0, 16, VG_FT_ONENOTE,
     "\xe4\x52\x5c\x7b\x8c\xd8\xa7\x4d\xae\xb1\x53\x78\xd0\x29\x96\xd3"},
    {0, 3, VG_FT_SWF, "ZWS"},
    {0, 24, VG_FT_INTERNAL,
     "\x7b\x0a\x20\x20\x22\x4d\x61\x67\x69\x63\x22\x3a"
     "\x22\x43\x4c\x41\x4d\x4a\x53\x4f\x4e\x76\x30\x22"},
    {0, 2, VG_FT_TIFF, "MM"},
    {0, 4, VG_FT_TIFF, "\x49\x49\x2a\x00"},
    {0, 3, VG_FT_JPEG, "\xff\xd8\xff"},
    {0, 3, VG_FT_GIF, "GIF"},
    {0, 4, VG_FT_PNG, "\x89\x50\x4e\x47"},
    {0, 4, VG_FT_EGG, "EGGA"},
    {0, 3, VG_FT_SWF, "CWS"},
    {0, 20, VG_FT_LNK,
     "\x4c\x00\x00\x00\x01\x14\x02\x00\x00\x00"
     "\x00\x00\xc0\x00\x00\x00\x00\x00\x00\x46"},
    {0, 11, VG_FT_PS, "%!PS-Adobe-"},
    {0, 4, VG_FT_RTF, "\x7b\x5c\x72\x74"},
    {0, 30, VG_FT_HWP3,
     "HWP Document Fi"
     "\x6c\x65\x20\x56\x33\x2e\x30\x30\x20\x1a\x01\x02\x03\x04\x05"},
    {4, 8, VG_FT_HWPOLE2, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"},
    {512, 8, VG_FT_GPT, "EFI PART"},
    {0, 6, VG_FT_XZ, "\xfd\x37\x7a\x58\x5a\x00"},
    {0, 4, VG_FT_XAR, "xar!"},
    {0, 4, VG_FT_BINARY_DATA, "\x00\x00\x01\xba"},
    {0, 4, VG_FT_BINARY_DATA, "\x00\x00\x01\xb3"},
    {0, 12, VG_FT_BMP, "\x00\x00\x00\x0c\x6a\x50\x20\x20\x0d\x0a\x87\x0a"},
    {0, 9, VG_FT_POSIX_TAR, "[aliases]"},
    {0, 8, VG_FT_CAB, "\x4d\x53\x43\x46\x00\x00\x00\x00"},
    {0, 3, VG_FT_SWF, "FWS"},
    {0, 8, VG_FT_IGNORED, "\xd9\xd5\x05\xf9\x20\xa1\x63\xd7"},
    {0, 16, VG_FT_IGNORED,
     "\x53\x51\x4c\x69\x74\x65\x20\x66\x6f\x72\x6d\x61\x74\x20\x33\x00"},
    {0, 8, VG_FT_IGNORED, "\x37\x7f\x06\x83\x00\x2d\xe2\x18"},
    {0, 8, VG_FT_IGNORED, "\x37\x7f\x06\x82\x00\x2d\xe2\x18"},
    {0, 6, VG_FT_IGNORED, "\x53\x59\x4d\x43\x01\x00"},
    {0, 5, VG_FT_PDF, "%PDF-"},
    {0, 2, VG_FT_CPIO_OLD, "\xc7\x71"},
    {0, 2, VG_FT_CPIO_OLD, "\x71\xc7"},
    {0, 6, VG_FT_CPIO_ODC, "070707"},
    {0, 6, VG_FT_CPIO_CRC, "070702"},
    {0, 6, VG_FT_CPIO_NEWC, "070701"},
    {0, 14, VG_FT_MAIL, "Received-SPF: "},
    {0, 6, VG_FT_7Z, "\x37\x7a\xbc\xaf\x27\x1c"},
    {0, 4, VG_FT_MACHO, "\xfe\xed\xfa\xcf"},
    {0, 4, VG_FT_MACHO, "\xfe\xed\xfa\xce"},
    {0, 4, VG_FT_MACHO, "\xcf\xfa\xed\xfe"},
    {0, 4, VG_FT_MACHO, "\xce\xfa\xed\xfe"},
    {0, 9, VG_FT_SCRIPT, "[aliases]"},
    {257, 5, VG_FT_POSIX_TAR, "ustar"},
    {0, 14, VG_FT_IGNORED, "SIP-HIT (SIP/H"},
    {0, 3, VG_FT_IGNORED, "\xff\xfb\x90"},
    {0, 8, VG_FT_OLE2, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"},
    {0, 8, VG_FT_CRYPTFF, "\xb6\xb9\xac\xae\xfe\xff\xff\xff"},
    {0, 4, VG_FT_ELF, "\x7f\x45\x4c\x46"},
    {0, 4, VG_FT_TNEF, "\x78\x9f\x3e\x22"},
    {0, 14, VG_FT_MAIL,
     "\x76\x3a\x0d\x0a\x52\x65\x63\x65\x69\x76\x65\x64\x3a\x20"},
    {0, 13, VG_FT_MAIL, "\x76\x3a\x0a\x52\x65\x63\x65\x69\x76\x65\x64\x3a\x20"},
    {0, 6, VG_FT_UUENCODED, "begin "},
    {0, 2, VG_FT_ARJ, "\x60\xea"},
    {0, 8, VG_FT_MAIL, "X-UIDL: "},
    {0, 11, VG_FT_MAIL, "X-Symantec-"},
    {0, 9, VG_FT_MAIL, "X-Sieve: "},
    {0, 11, VG_FT_MAIL, "X-Real-To: "},
    {0, 15, VG_FT_MAIL, "X-Original-To: "},
    {0, 17, VG_FT_MAIL, "X-Envelope-From: "},
    {0, 5, VG_FT_MAIL, "X-EVS"},
    {0, 17, VG_FT_MAIL, "X-Apparently-To: "},
    {0, 4, VG_FT_MAIL, "To: "},
    {0, 9, VG_FT_MAIL, "Subject: "},
    {0, 4, VG_FT_SZDD, "SZDD"},
    {0, 13, VG_FT_MAIL, "Return-path: "},
    {0, 13, VG_FT_MAIL, "Return-Path: "},
    {0, 10, VG_FT_MAIL, "Received: "},
    {0, 4, VG_FT_RAR, "Rar!"},
    {0, 4, VG_FT_RIFF, "RIFX"},
    {0, 4, VG_FT_RIFF, "RIFF"},
    {0, 8, VG_FT_ZIP, "\x50\x4b\x30\x30\x50\x4b\x03\x04"},
    {0, 4, VG_FT_ZIP, "\x50\x4b\x03\x04"},
    {0, 4, VG_FT_IGNORED, "OggS"},
    {0, 12, VG_FT_MAIL, "Message-Id: "},
    {0, 12, VG_FT_MAIL, "Message-ID: "},
    {0, 2, VG_FT_PE, "MZ"},
    {0, 4, VG_FT_CHM, "ITSF"},
    {0, 3, VG_FT_IGNORED, "ID3"},
    {0, 26, VG_FT_MAIL, "Hi. This is the qmail-send"},
    {0, 6, VG_FT_MAIL, "From: "},
    {0, 5, VG_FT_MAIL, "From "},
    {0, 5, VG_FT_MAIL, "For: "},
    {0, 13, VG_FT_MAIL, "Envelope-to: "},
    {0, 15, VG_FT_MAIL, "Delivery-date: "},
    {0, 14, VG_FT_MAIL, "Delivered-To: "},
    {0, 6, VG_FT_MAIL, "Date: "},
    {0, 3, VG_FT_BZ2, "BZh"},
    {0, 2, VG_FT_BMP, "BM"},
    {0, 6, VG_FT_MAIL, ">From "},
    {0, 4, VG_FT_IGNORED, ".RMF"},
    {0, 45, VG_FT_BINHEX, "(This file must be converted with BinHex 4.0)"},
    {0, 4, VG_FT_SCRENC, "#@~^"},
    {0, 2, VG_FT_GZ, "\x1f\x8b"},
};
// clang-format on

/* Compiled Python: version word (big-endian here) followed by CR LF.
 * ClamAV tries these before everything else; none overlaps another magic
 * except the two odd 1.x forms checked right after. */
// clang-format off
static const uint16_t pyc_versions[] = {
    0x892e, 0x0417, 0x994e, 0xfcc4, 0xfdc4, 0x87c6, 0x88c6, 0x2aeb,
    0x2beb, 0x2ded, 0x2eed, 0x3bf2, 0x3cf2, 0x45f2, 0x59f2, 0x63f2,
    0x6df2, 0x6ef2, 0x77f2, 0x81f2, 0x8bf2, 0x8cf2, 0x95f2, 0x9ff2,
    0xa9f2, 0xb3f2, 0xb4f2, 0xc7f2, 0xd1f2, 0xd2f2, 0xdbf2, 0xe5f2,
    0xeff2, 0xf9f2, 0x03f3, 0x04f3, 0x0af3, 0xb80b, 0xc20b, 0xcc0b,
    0xd60b, 0xe00b, 0xea0b, 0xf40b, 0xf50b, 0xff0b, 0x090c, 0x130c,
    0x1d0c, 0x1f0c, 0x270c, 0x3b0c, 0x450c, 0x4f0c, 0x580c, 0x620c,
    0x6c0c, 0x760c, 0x800c, 0x8a0c, 0x940c, 0x9e0c, 0xb20c, 0xbc0c,
    0xc60c, 0xd00c, 0xda0c, 0xe40c, 0xee0c, 0xf80c, 0x020d, 0x0c0d,
    0x160d, 0x170d, 0x200d, 0x210d, 0x2a0d, 0x2b0d, 0x2c0d, 0x2d0d,
    0x2f0d, 0x300d, 0x310d, 0x320d, 0x330d, 0x3e0d, 0x3f0d, 0xf00d,
    0x0001, 0x5001,
};
// clang-format on

static bool span_has_at(struct vigil_span s, size_t off, const void *bytes,
                        size_t n)
{
    struct vigil_span sub;

    return vigil_span_sub_ok(s, off, n, &sub) && memcmp(sub.p, bytes, n) == 0;
}

static bool is_pyc(struct vigil_span win)
{
    uint16_t v;

    if (win.len < 4 || win.p[2] != 0x0d || win.p[3] != 0x0a)
        return false;
    v = vigil_load_u16be_unchecked(win.p);
    for (size_t i = 0; i < sizeof pyc_versions / sizeof pyc_versions[0]; i++)
        if (pyc_versions[i] == v)
            return true;
    return span_has_at(win, 0, "\x03\x09\x99\x00", 4) ||
           span_has_at(win, 0, "\x02\x09\x99\x00", 4);
}

/* @return the first matching magic's type, or VG_FT_COUNT for none. */
static enum vg_ftype magic_lookup(struct vigil_span win)
{
    if (is_pyc(win))
        return VG_FT_PYTHON_COMPILED;
    for (size_t i = 0; i < sizeof magic_table / sizeof magic_table[0]; i++) {
        const struct magic *m = &magic_table[i];
        if (span_has_at(win, m->off, m->bytes, m->len))
            return (enum vg_ftype)m->type;
    }
    return VG_FT_COUNT;
}

/* ---- step 2: text or binary ---- */

/*
 * Bytes that never occur in text: NUL..ACK, VT, SO..SUB, FS..US, DEL.
 * Everything from 0x80 up counts as text (ISO-8859 or extended ASCII).
 */
static bool byte_never_text(uint8_t c)
{
    return c <= 0x06 || c == 0x0b || (c >= 0x0e && c <= 0x1a) ||
           (c >= 0x1c && c <= 0x1f) || c == 0x7f;
}

/* Plain-text bytes below 0x80 (the others are "never text"), plus NEL. */
static bool byte_plain_text(unsigned c)
{
    return c < 0x80 ? !byte_never_text((uint8_t)c) : c == 0x85;
}

static bool looks_ascii(struct vigil_span w)
{
    for (size_t i = 0; i < w.len; i++)
        if (byte_never_text(w.p[i]))
            return false;
    return true;
}

/* Trailing-byte count of a UTF-8-style lead byte (up to 5), or -1. */
static int utf8_trail(uint8_t c)
{
    int n = 0;

    if ((c & 0x40) == 0)
        return -1;
    for (uint8_t bit = 0x20; bit >= 0x02 && (c & bit); bit >>= 1)
        n++;
    return n >= 5 ? -1 : n + 1;
}

/*
 * ClamAV's UTF-8 test. It can only succeed where looks_ascii() failed on
 * a byte it rejects itself, so ClamAV never reports UTF-8; kept for
 * fidelity (and so that a change in ClamAV is one edit here).
 */
static bool looks_utf8(struct vigil_span w)
{
    bool got = false;

    for (size_t i = 0; i < w.len; i++) {
        int trail;
        if (w.p[i] < 0x80) {
            if (!byte_plain_text(w.p[i]))
                return false;
            continue;
        }
        trail = utf8_trail(w.p[i]);
        if (trail < 0)
            return false;
        for (int j = 0; j < trail; j++) {
            if (++i >= w.len)
                return got;
            if ((w.p[i] & 0xc0) != 0x80)
                return false;
        }
        got = true;
    }
    return got;
}

/*
 * UTF-16: a BOM picks the byte order, else big-endian is assumed. Code
 * units are read from offset 2 on whether or not the first two bytes
 * were a BOM. Without a BOM any unit below 0x80 that is not plain text
 * rejects the window; with one, such units only count against it (half
 * the window's byte length of them rejects). U+FFFE always rejects.
 */
static enum vg_ftype utf16_type(struct vigil_span w)
{
    bool be = true, bom = true;
    size_t bad = 0;

    if (w.len < 2)
        return VG_FT_BINARY_DATA;
    if (w.p[0] == 0xff && w.p[1] == 0xfe)
        be = false;
    else if (!(w.p[0] == 0xfe && w.p[1] == 0xff))
        bom = false;
    for (size_t i = 2; i + 1 < w.len; i += 2) {
        unsigned c = be ? vigil_load_u16be_unchecked(w.p + i)
                        : vigil_load_u16le_unchecked(w.p + i);
        if (c == 0xfffe)
            return VG_FT_BINARY_DATA;
        if (c < 0x80 && !byte_plain_text(c)) {
            if (!bom)
                return VG_FT_BINARY_DATA;
            bad++;
        }
    }
    if (bom && bad >= w.len / 2)
        return VG_FT_BINARY_DATA;
    return be ? VG_FT_TEXT_UTF16BE : VG_FT_TEXT_UTF16LE;
}

static enum vg_ftype text_type(struct vigil_span w)
{
    if (looks_ascii(w))
        return VG_FT_TEXT_ASCII;
    if (looks_utf8(w))
        return VG_FT_TEXT_UTF8;
    return utf16_type(w);
}

/* ---- tar headers (binary windows only) ---- */

#define TAR_BLOCK 512u
#define TAR_CKSUM_OFF 148u
#define TAR_CKSUM_LEN 8u
#define TAR_MAGIC_OFF 257u

static bool c_isspace(uint8_t c)
{
    return c == ' ' || (c >= 0x09 && c <= 0x0d);
}

/* The header's octal checksum field: leading blanks, octal digits, then
 * the field's end, a NUL or a blank. @return the value or -1. */
static long tar_field_octal(const uint8_t *f, unsigned n)
{
    long v = 0;
    unsigned i = 0;

    while (i < n && c_isspace(f[i]))
        i++;
    if (i >= n)
        return -1;
    for (; i < n && f[i] >= '0' && f[i] <= '7'; i++)
        v = (v << 3) | (f[i] - '0');
    if (i < n && f[i] != 0 && !c_isspace(f[i]))
        return -1;
    return v;
}

/* @return VG_FT_POSIX_TAR, VG_FT_OLD_TAR or VG_FT_COUNT (not tar). */
static enum vg_ftype tar_type(struct vigil_span w)
{
    long sum = 0, want;

    if (w.len < TAR_BLOCK)
        return VG_FT_COUNT;
    want = tar_field_octal(w.p + TAR_CKSUM_OFF, TAR_CKSUM_LEN);
    for (unsigned i = 0; i < TAR_BLOCK; i++)
        sum += w.p[i];
    for (unsigned i = 0; i < TAR_CKSUM_LEN; i++)
        sum -= w.p[TAR_CKSUM_OFF + i];
    sum += ' ' * (long)TAR_CKSUM_LEN;
    if (sum != want)
        return VG_FT_COUNT;
    /* "ustar" + two blanks + NUL: the GNU form; compared as a C string */
    if (memcmp(w.p + TAR_MAGIC_OFF, "ustar  \0", 8) == 0)
        return VG_FT_POSIX_TAR;
    return VG_FT_OLD_TAR;
}

/* ---- step 3: OOXML inside ZIP ---- */

#define ZIP_LOCAL_HDR 30u
#define OOXML_NAME_MAX 22u
#define OOXML_MAX_WINDOWS 32

struct ooxml_name {
    const char *prefix;
    uint8_t len;
    uint8_t type; /* VG_FT_ZIP: only makes OOXML "likely" */
};

// clang-format off
static const struct ooxml_name ooxml_names[] = {
    {"xl/", 3, VG_FT_OOXML_XL},
    {"ppt/", 4, VG_FT_OOXML_PPT},
    {"word/", 5, VG_FT_OOXML_WORD},
    {"BinData", 7, VG_FT_ZIP},
    {"mimetype", 8, VG_FT_ZIP},
    {"Contents", 8, VG_FT_ZIP},
    {"docProps/", 9, VG_FT_ZIP},
    {"customXml/", 10, VG_FT_ZIP},
    {"version.xml", 11, VG_FT_ZIP},
    {"settings.xml", 12, VG_FT_ZIP},
    {"_.rels/.rels", 12, VG_FT_ZIP},
    {"[ContentTypes].xml", 18, VG_FT_ZIP},
    {"[Content_Types].xml", 19, VG_FT_ZIP},
    {"Preview/PrvText.txt", 19, VG_FT_ZIP},
    {"Contents/content.hpf", 20, VG_FT_OOXML_HWP},
    {"META-INF/container.xml", 22, VG_FT_ZIP},
};
// clang-format on

/* Offset of the first "PK\3\4" in s at or after from, or SIZE_MAX. */
static size_t find_local_header(struct vigil_span s, size_t from)
{
    for (size_t i = from; i + 4 <= s.len; i++)
        if (memcmp(s.p + i, "PK\x03\x04", 4) == 0)
            return i;
    return SIZE_MAX;
}

/* @return an OOXML type, VG_FT_ZIP for a likely-OOXML name, or
 * VG_FT_COUNT for no known name at @p name. */
static enum vg_ftype ooxml_name_type(struct vigil_span name)
{
    enum vg_ftype r = VG_FT_COUNT;

    for (size_t i = 0; i < sizeof ooxml_names / sizeof ooxml_names[0]; i++) {
        const struct ooxml_name *n = &ooxml_names[i];
        if (name.len < n->len || memcmp(name.p, n->prefix, n->len) != 0)
            continue;
        if (n->type != VG_FT_ZIP)
            return (enum vg_ftype)n->type;
        r = VG_FT_ZIP;
    }
    return r;
}

struct zip_walk {
    struct vigil_span data, win;
    size_t win_off; /* where win starts in data */
    size_t pos;     /* search position inside win */
    unsigned seen;  /* local headers whose names were checked */
};

/* Slide to the next window, overlapping the last by a header and a name
 * so that nothing straddling the edge is missed. @return false at EOF. */
static bool zip_next_window(struct zip_walk *z)
{
    size_t end = z->win_off + z->win.len;
    size_t back = ZIP_LOCAL_HDR + OOXML_NAME_MAX + 1;
    size_t start;

    if (z->data.len - end <= ZIP_LOCAL_HDR || end < back)
        return false;
    start = end - back;
    z->win = vigil_span_sub(z->data, start,
                            z->data.len - start < VG_FT_MAGIC_WINDOW
                                ? z->data.len - start
                                : VG_FT_MAGIC_WINDOW);
    z->win_off = start;
    z->pos = 0;
    return true;
}

#define ZIP_EOCD_LEN 22u
#define ZIP_CENTRAL_HDR 46u
#define ZIP_NAME_MAX 255u

/* Offset of the central directory named by the last end record whose
 * pointer leaves room for one header, or 0 (also ClamAV's "none"). */
static uint32_t zip_central_dir(struct vigil_span data)
{
    struct vigil_cursor c = vigil_cur_from_span(data);

    if (data.len < ZIP_CENTRAL_HDR || data.len > UINT32_MAX)
        return 0;
    for (size_t off = data.len - ZIP_EOCD_LEN; off > 0; off--) {
        uint32_t cd;
        if (vigil_cur_u32le_at(&c, off) != 0x06054b50u)
            continue;
        cd = vigil_cur_u32le_at(&c, off + 16);
        if (cd <= data.len && data.len - cd >= ZIP_CENTRAL_HDR)
            return cd;
    }
    return 0;
}

/* Which full-archive OOXML marker a central-directory name carries. The
 * HWP marker is compared as a C string, so it must be the whole name. */
static enum vg_ftype ooxml_central_name(struct vigil_span name)
{
    static const char hwp[] = "Contents/content.hpf";

    if (name.len == sizeof hwp - 1 && memcmp(name.p, hwp, name.len) == 0)
        return VG_FT_OOXML_HWP;
    if (name.len >= 5 && memcmp(name.p, "word/", 5) == 0)
        return VG_FT_OOXML_WORD;
    if (name.len >= 4 && memcmp(name.p, "ppt/", 4) == 0)
        return VG_FT_OOXML_PPT;
    if (name.len >= 3 && memcmp(name.p, "xl/", 3) == 0)
        return VG_FT_OOXML_XL;
    return VG_FT_COUNT;
}

/*
 * One central-directory entry at *off: its name (cut at 255 bytes and at
 * a NUL, as ClamAV copies it into a C string) and the next entry's
 * offset. @return false at the end of the walk: a bad magic, or a name,
 * extra field or comment running out of the file.
 */
static bool zip_central_entry(struct vigil_span data, size_t *off,
                              struct vigil_span *name)
{
    struct vigil_cursor c = vigil_cur_from_span(data);
    size_t at = *off, flen, elen, clen, nlen;

    if (vigil_cur_u32le_at(&c, at) != 0x02014b50u)
        return false;
    flen = vigil_cur_u16le_at(&c, at + 28);
    elen = vigil_cur_u16le_at(&c, at + 30);
    clen = vigil_cur_u16le_at(&c, at + 32);
    if (vigil_cur_failed(&c))
        return false;
    at += ZIP_CENTRAL_HDR;
    if (data.len - at <= flen)
        return false;
    nlen = flen < ZIP_NAME_MAX ? flen : ZIP_NAME_MAX;
    *name = vigil_span_sub(data, at, nlen);
    for (size_t i = 0; i < name->len; i++)
        if (name->p[i] == 0)
            name->len = i;
    at += flen;
    if (data.len - at <= elen)
        return false;
    at += elen;
    if (data.len - at < clen)
        return false;
    *off = at + clen;
    return true;
}

/* ClamAV's whole-archive check: the first central-directory entry that
 * names an OOXML part decides. @return its type or VG_FT_ZIP. */
static enum vg_ftype ooxml_full(struct vigil_span data)
{
    size_t off = zip_central_dir(data);
    struct vigil_span name;

    if (off == 0)
        return VG_FT_ZIP;
    while (zip_central_entry(data, &off, &name)) {
        enum vg_ftype t = ooxml_central_name(name);
        if (t != VG_FT_COUNT)
            return t;
    }
    return VG_FT_ZIP;
}

/*
 * Look at the names of the first three local headers (searching at most
 * 32 windows) for OOXML part names, like ClamAV; when one of them only
 * made OOXML likely, the central directory decides.
 */
static enum vg_ftype ooxml_type(struct vigil_span data, struct vigil_span win)
{
    struct zip_walk z = {data, win, 0, 0, 0};
    bool likely = false;

    for (int i = 0; i < OOXML_MAX_WINDOWS; i++) {
        size_t at = find_local_header(z.win, z.pos);
        /* at + 4 <= len, so len - at cannot wrap */
        if (at != SIZE_MAX && z.win.len - at > ZIP_LOCAL_HDR + OOXML_NAME_MAX) {
            size_t name = at + ZIP_LOCAL_HDR;
            enum vg_ftype t =
                ooxml_name_type(vigil_span_sub(z.win, name, z.win.len - name));
            if (t != VG_FT_COUNT && t != VG_FT_ZIP)
                return t;
            likely = likely || t == VG_FT_ZIP;
            z.pos = name;
            if (++z.seen > 2)
                return likely ? ooxml_full(data) : VG_FT_ZIP;
            continue;
        }
        if (!zip_next_window(&z))
            break;
    }
    return VG_FT_ZIP;
}

/* ---- step 4: type patterns searched anywhere in the window ---- */

#define FT_ANY 0xffffu  /* the pattern may start anywhere */
#define FT_NONE 0xfffeu /* end-relative: never found while typing */

struct ftrule {
    uint16_t lo, hi; /* the first byte lies in [lo, hi] */
    uint8_t type;
    const char *pat; /* .ndb body syntax, the subset the table uses */
};

/*
 * ClamAV's built-in on-the-fly type patterns at level 216, in its order.
 * When several match, the one found last wins if it is an SFX-family
 * type or PE, else the one with the larger ClamAV rank (ft_fold()).
 */
// clang-format off
static const struct ftrule ft_rules[] = {
    {0, FT_ANY, VG_FT_HTML, "3c4120*(68|48)(72|52)4546"},
    {0, FT_ANY, VG_FT_HTML, "3c4120*(68|48)(72|52)6566"},
    {0, FT_ANY, VG_FT_HTML, "3c484541443e"},
    {0, FT_ANY, VG_FT_HTML, "3c48544d4c3e"},
    {0, FT_ANY, VG_FT_HTML, "3c486561643e"},
    {0, FT_ANY, VG_FT_HTML, "3c48746d6c3e"},
    {0, FT_ANY, VG_FT_HTML, "3c494652414d45"},
    {0, FT_ANY, VG_FT_HTML, "3c494d47"},
    {0, FT_ANY, VG_FT_HTML, "3c496d67"},
    {0, FT_ANY, VG_FT_HTML, "3c4f424a454354"},
    {0, FT_ANY, VG_FT_HTML, "3c4f626a656374"},
    {0, FT_ANY, VG_FT_HTML, "3c534352495054"},
    {0, FT_ANY, VG_FT_HTML, "3c536372697074"},
    {0, FT_ANY, VG_FT_HTML, "3c5441424c45"},
    {0, FT_ANY, VG_FT_HTML, "3c6120*(68|48)(72|52)4546"},
    {0, FT_ANY, VG_FT_HTML, "3c6120*(68|48)(72|52)6566"},
    {0, FT_ANY, VG_FT_HTML, "3c686561643e"},
    {0, FT_ANY, VG_FT_HTML, "3c68746d6c3e"},
    {0, FT_ANY, VG_FT_HTML, "3c696672616d65"},
    {0, FT_ANY, VG_FT_HTML, "3c696d67"},
    {0, FT_ANY, VG_FT_HTML, "3c6f626a656374"},
    {0, FT_ANY, VG_FT_HTML, "3c736372697074"},
    {0, FT_ANY, VG_FT_HTML, "3c7461626c65"},
    {0, FT_ANY, VG_FT_PE, "4d5a{60-300}50450000"},
    {0, FT_ANY, VG_FT_ZIPSFX, "504b0304"},
    {0, FT_ANY, VG_FT_RARSFX, "526172211a0700"},
    {0, FT_ANY, VG_FT_ARJSFX, "60ea{7}0002"},
    {0, FT_ANY, VG_FT_ARJSFX, "60ea{7}0102"},
    {0, FT_ANY, VG_FT_ARJSFX, "60ea{7}0202"},
    {0, FT_ANY, VG_FT_AUTOIT,
     "a3484bbe986c4aa9994c530a86d6487d41553321454130(35|36)"},
    {0, FT_ANY, VG_FT_NULSFT, "efbeadde4e756c6c736f6674496e7374"},
    {0, 0, VG_FT_HTML, "3c2540204c414e4755414745203d"},
    {0, 1024, VG_FT_MAIL,
     "0a(46|66)726f6d3a20{-1024}0a(4d|6d)(49|69)"
     "(4d|6d)(45|65)2d(56|76)657273696f6e3a20"},
    {0, 1024, VG_FT_MAIL,
     "0a(46|66)726f6d3a20{-2048}0a(43|63)6f6e74656e742d(54|74)7970653a20"},
    {0, 1024, VG_FT_MAIL,
     "0a(4d|6d)(49|69)(4d|6d)(45|65)2d(56|76)657273696f6e3"
     "a20{-2048}0a(43|63)6f6e74656e742d(54|74)7970653a20"},
    {0, 1024, VG_FT_MAIL,
     "0a(4d|6d)6573736167652d(49|69)643a20{-1024}"
     "0a(43|63)6f6e74656e742d(54|74)7970653a20"},
    {0, 2048, VG_FT_MAIL,
     "0a(52|72)656365697665643a20{-2048}0a(43|63)"
     "6f6e74656e742d(54|74)7970653a20"},
    {0, FT_ANY, VG_FT_ISHIELD_MSI,
     "496e7374616c6c536869656c6400{292}06000"
     "00000000000????????????????0000000001"},
    {0, FT_ANY, VG_FT_PDF, "255044462d??2e"},
    {0, FT_ANY, VG_FT_PDF, "257064662d??2e"},
    {0, 128, VG_FT_IGNORED,
     "2f5247420a49440affffffffffffffffffffffffffffffffffffffffffffffff"},
    {0, FT_ANY, VG_FT_CABSFX, "4d53434600000000"},
    {0, FT_ANY, VG_FT_ISO9660, "014344303031{2043-2443}4344303031"},
    {0, 32768, VG_FT_UDF, "004245413031"},
    {8, 20, VG_FT_SIS, "19040010"},
    {0, 1024, VG_FT_MAIL, "44656c6976657265642d546f3a{-256}52656365697665643a"},
    {0, 0, VG_FT_MACHO_UNIBIN, "cafebabe0000000?"},
    {0, 0, VG_FT_MACHO_UNIBIN, "cafebabe0000001?"},
    {0, 0, VG_FT_JAVA, "cafebabe0000002?"},
    {0, 0, VG_FT_JAVA, "cafebabe0000003?"},
    {0, FT_NONE, VG_FT_DMG, "6b6f6c79"},
    {0, 0, VG_FT_XML_XL,
     "3c3f786d6c2076657273696f6e3d22312e3022{0-1024}3c576f726b626f6f6b"},
    {0, 0, VG_FT_XML_WORD,
     "3c3f786d6c2076657273696f6e3d22312e30"
     "22{0-1024}3c776f7264446f63756d656e74"},
    {0, 0, VG_FT_XML_XL,
     "3c3f786d6c2076657273696f6e3d22312e3022{0-1024}3c??3a576f726b626f6f6b"},
    {0, 0, VG_FT_XML_WORD,
     "3c3f786d6c2076657273696f6e3d22312e3022"
     "{0-1024}3c??3a776f7264446f63756d656e74"},
    {0, FT_ANY, VG_FT_XDP, "3c7864703a786470"},
    {0, 0, VG_FT_APM, "4552{510}504d0000"},
    {510, 510, VG_FT_MBR, "55aa"},
    {0, 0, VG_FT_XML_HWP,
     "efbbbf3c3f786d6c2076657273696f6e3d22312e3022*3c4857504d4c"},
    {0, 0, VG_FT_MHTML,
     "(4d|6d)(49|69)(4d|6d)(45|65)2d(56|76)657273696f6e3"
     "a20{-1024}0a(43|63)6f6e74656e742d(54|74)7970653a20"},
    {0, FT_ANY, VG_FT_MHTML,
     "0a(4d|6d)(49|69)(4d|6d)(45|65)2d(56|76)657273696f6e3"
     "a20{-1024}0a(43|63)6f6e74656e742d(54|74)7970653a20"},
    {0, FT_ANY, VG_FT_7ZSFX, "377abcaf271c"},
    {0, 0, VG_FT_XML_WORD,
     "3c3f786d6c2076657273696f6e3d22312e3022{0-1024}70"
     "726f6769643d22576f72642e446f63756d656e74223f3e"},
    {0, 0, VG_FT_PYTHON_COMPILED, "??0d0d0a"},
    {2, 2, VG_FT_LHA_LZH, "2d6c68(30|31|32|33|34|35|36|37|64|78)2d"},
    {2, 2, VG_FT_LHA_LZH, "2d6c7a(73|34|35)2d"},
    {2, 2, VG_FT_LHA_LZH, "2d706d302d"},
};
// clang-format on

#define FT_NRULES (sizeof ft_rules / sizeof ft_rules[0])
/* Largest buffer the patterns run over: the window, or the window
 * decoded from UTF-16/UCS-4 (at most 1025 characters). */
#define FT_MAX_BUF 1040u
#define FT_WORDS ((FT_MAX_BUF + 63) / 64)

/* -- a tiny compiler for the pattern subset: hex pairs with ?-nibbles,
 *    (aa|bb) byte sets, {n} runs, and {n-m} {-m} {n-} * gaps -- */

enum atom_kind { A_BYTE, A_ANY, A_HI, A_LO, A_SET };

struct atom {
    uint8_t kind, val;
    uint16_t count;  /* A_ANY runs; 1 otherwise */
    const char *set; /* A_SET: the text after '(' */
};

#define PAT_MAX_ATOMS 48
#define PAT_MAX_SEGS 4
#define GAP_INF 0xffffu

struct cpat {
    struct atom atom[PAT_MAX_ATOMS];
    uint8_t first[PAT_MAX_SEGS + 1]; /* segment k: atoms first[k]..first[k+1] */
    uint16_t len[PAT_MAX_SEGS];      /* bytes a segment spans */
    uint16_t gmin[PAT_MAX_SEGS], gmax[PAT_MAX_SEGS]; /* gap before seg k */
    uint8_t natoms, nsegs;
};

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static bool pat_push(struct cpat *cp, struct atom a)
{
    if (cp->natoms >= PAT_MAX_ATOMS)
        return false;
    cp->atom[cp->natoms++] = a;
    cp->len[cp->nsegs - 1] = (uint16_t)(cp->len[cp->nsegs - 1] + a.count);
    return true;
}

static bool pat_new_seg(struct cpat *cp, unsigned gmin, unsigned gmax)
{
    if (cp->nsegs >= PAT_MAX_SEGS || cp->len[cp->nsegs - 1] == 0)
        return false;
    cp->first[cp->nsegs] = cp->natoms;
    cp->gmin[cp->nsegs] = (uint16_t)gmin;
    cp->gmax[cp->nsegs] = (uint16_t)gmax;
    cp->len[cp->nsegs] = 0;
    cp->nsegs++;
    return true;
}

/* A hex pair, "??", "x?" or "?x" at *pp. */
static bool pat_pair(struct cpat *cp, const char **pp)
{
    const char *p = *pp;
    int hi = hexval(p[0]), lo = hexval(p[1]);
    struct atom a = {A_BYTE, 0, 1, NULL};

    if (p[0] == '?' && p[1] == '?')
        a.kind = A_ANY;
    else if (hi >= 0 && p[1] == '?')
        a = (struct atom){A_HI, (uint8_t)(hi << 4), 1, NULL};
    else if (p[0] == '?' && lo >= 0)
        a = (struct atom){A_LO, (uint8_t)lo, 1, NULL};
    else if (hi >= 0 && lo >= 0)
        a.val = (uint8_t)(hi << 4 | lo);
    else
        return false;
    *pp = p + 2;
    return pat_push(cp, a);
}

/* Decimal at *pp (at most 5 digits); -1 if none. */
static long pat_num(const char **pp)
{
    long v = -1;

    for (int i = 0; i < 5 && **pp >= '0' && **pp <= '9'; i++, (*pp)++)
        v = (v < 0 ? 0 : v * 10) + (**pp - '0');
    return v;
}

/* "{n}", "{n-m}", "{-m}" or "{n-}" at *pp (just past the '{'). */
static bool pat_brace(struct cpat *cp, const char **pp)
{
    long lo = pat_num(pp), hi;

    if (**pp == '}') {
        (*pp)++;
        return lo > 0 &&
               pat_push(cp, (struct atom){A_ANY, 0, (uint16_t)lo, NULL});
    }
    if (*(*pp)++ != '-')
        return false;
    hi = pat_num(pp);
    if (*(*pp)++ != '}' || (hi >= 0 && lo > hi))
        return false;
    return pat_new_seg(cp, lo < 0 ? 0 : (unsigned)lo,
                       hi < 0 ? GAP_INF : (unsigned)hi);
}

/* "(aa|bb|...)" at *pp (just past the '('). */
static bool pat_set(struct cpat *cp, const char **pp)
{
    const char *start = *pp;

    while (hexval((*pp)[0]) >= 0 && hexval((*pp)[1]) >= 0) {
        *pp += 2;
        if (**pp == ')') {
            (*pp)++;
            return pat_push(cp, (struct atom){A_SET, 0, 1, start});
        }
        if (*(*pp)++ != '|')
            return false;
    }
    return false;
}

static bool pat_compile(const char *p, struct cpat *cp)
{
    bool ok = true;

    cp->natoms = 0;
    cp->nsegs = 1;
    cp->first[0] = 0;
    cp->len[0] = 0;
    while (ok && *p) {
        if (*p == '*')
            ok = pat_new_seg(cp, 0, GAP_INF), p++;
        else if (*p == '{')
            p++, ok = pat_brace(cp, &p);
        else if (*p == '(')
            p++, ok = pat_set(cp, &p);
        else
            ok = pat_pair(cp, &p);
    }
    cp->first[cp->nsegs] = cp->natoms;
    return ok && cp->len[cp->nsegs - 1] > 0;
}

static bool set_has(const char *set, uint8_t c)
{
    for (;; set += 3) {
        if ((uint8_t)(hexval(set[0]) << 4 | hexval(set[1])) == c)
            return true;
        if (set[2] != '|')
            return false;
    }
}

static bool atom_ok(const struct atom *a, uint8_t c)
{
    switch (a->kind) {
    case A_BYTE: return c == a->val;
    case A_HI: return (c & 0xf0) == a->val;
    case A_LO: return (c & 0x0f) == a->val;
    case A_SET: return set_has(a->set, c);
    default: return true;
    }
}

/* Does segment k match at buf[p..]? @pre p + len[k] <= n. */
static bool seg_at(const struct cpat *cp, unsigned k, const uint8_t *buf,
                   size_t p)
{
    for (unsigned i = cp->first[k]; i < cp->first[k + 1]; i++) {
        const struct atom *a = &cp->atom[i];
        if (a->kind == A_ANY) {
            p += a->count;
        } else if (!atom_ok(a, buf[p++])) {
            return false;
        }
    }
    return true;
}

struct ftbuf {
    const uint8_t *p;
    size_t n; /* <= FT_MAX_BUF */
};

/* The first p in [from, to] where segment k might start: the next
 * occurrence of its first byte when that is a literal; to + 1 if none. */
static size_t seg_next_cand(const struct cpat *cp, unsigned k, struct ftbuf b,
                            size_t from, size_t to)
{
    const struct atom *a = &cp->atom[cp->first[k]];
    const uint8_t *hit;

    if (from > to || a->kind != A_BYTE)
        return from;
    hit = memchr(b.p + from, a->val, to - from + 1);
    return hit != NULL ? (size_t)(hit - b.p) : to + 1;
}

/* reach[p] = 1 where segment 0 matches at an allowed start.
 * @return the number of such p. */
static size_t seg0_reach(const struct cpat *cp, const struct ftrule *r,
                         struct ftbuf b, uint8_t *reach)
{
    size_t last = b.n - cp->len[0], hits = 0;
    size_t hi = r->hi == FT_ANY ? last : (r->hi < last ? r->hi : last);

    for (size_t p = seg_next_cand(cp, 0, b, r->lo, hi); p <= hi;
         p = seg_next_cand(cp, 0, b, p + 1, hi)) {
        reach[p] = seg_at(cp, 0, b.p, p);
        hits += reach[p];
    }
    return hits;
}

/*
 * Advance reach from segment k-1 to segment k: p is reached when segment
 * k matches at p and some reached q of segment k-1 ends (q + len) between
 * p - gmax and p - gmin. A running count over end positions makes this
 * linear.
 */
static size_t seg_next_reach(const struct cpat *cp, unsigned k, struct ftbuf b,
                             uint8_t *reach)
{
    uint16_t cnt[FT_MAX_BUF + 2];
    size_t plen = cp->len[k - 1], hits = 0;

    cnt[0] = 0;
    for (size_t e = 0; e <= b.n; e++)
        cnt[e + 1] = (uint16_t)(cnt[e] + (e >= plen && reach[e - plen]));
    memset(reach, 0, b.n + 1);
    if (b.n < cp->len[k])
        return 0;
    for (size_t p = seg_next_cand(cp, k, b, 0, b.n - cp->len[k]);
         p + cp->len[k] <= b.n;
         p = seg_next_cand(cp, k, b, p + 1, b.n - cp->len[k])) {
        size_t lo =
            p >= cp->gmax[k] && cp->gmax[k] != GAP_INF ? p - cp->gmax[k] : 0;
        if (p < cp->gmin[k] || cnt[p - cp->gmin[k] + 1] == cnt[lo])
            continue;
        reach[p] = seg_at(cp, k, b.p, p);
        hits += reach[p];
    }
    return hits;
}

/*
 * Cheap rejection before compiling: most patterns start with a literal
 * byte, and most windows do not hold it where the pattern may start.
 */
static bool first_byte_absent(const struct ftrule *r, struct ftbuf b)
{
    int hi = hexval(r->pat[0]), lo = hi >= 0 ? hexval(r->pat[1]) : -1;
    size_t end;

    if (lo < 0)
        return false; /* starts with a set or a wildcard */
    if (r->lo >= b.n)
        return true;
    end = r->hi == FT_ANY || r->hi >= b.n ? b.n : (size_t)r->hi + 1;
    return memchr(b.p + r->lo, hi << 4 | lo, end - r->lo) == NULL;
}

/* Set bit p of ev for every p where the whole rule matches, the last
 * segment starting at p. @return whether any bit was set (ev is only
 * written when it returns true). */
static bool rule_events(const struct ftrule *r, struct ftbuf b, uint64_t *ev)
{
    struct cpat cp;
    uint8_t reach[FT_MAX_BUF + 1];
    size_t hits;

    if (r->hi == FT_NONE || first_byte_absent(r, b) ||
        !pat_compile(r->pat, &cp) || b.n < cp.len[0] || r->lo > b.n - cp.len[0])
        return false;
    memset(reach, 0, b.n + 1);
    hits = seg0_reach(&cp, r, b, reach);
    for (unsigned k = 1; hits > 0 && k < cp.nsegs; k++)
        hits = seg_next_reach(&cp, k, b, reach);
    if (hits == 0)
        return false;
    memset(ev, 0, FT_WORDS * sizeof *ev);
    for (size_t p = 0; hits > 0 && p < b.n; p++)
        if (reach[p]) {
            ev[p / 64] |= (uint64_t)1 << (p % 64);
            hits--;
        }
    return true;
}

/* SFX-family (and later) types and PE replace the current result even
 * when their rank is lower. */
static bool ft_overrides(enum vg_ftype t)
{
    return ftdescs[t].rank >= ftdescs[VG_FT_SFX].rank || t == VG_FT_PE;
}

/*
 * Run every type pattern over b and fold the hits in buffer order.
 * @return the resulting type, VG_FT_IGNORED as soon as an "ignore"
 *         pattern matches anywhere, or VG_FT_COUNT if nothing matched.
 */
static enum vg_ftype ft_fold(enum vg_ftype cur, enum vg_ftype t)
{
    if (cur == VG_FT_COUNT || ftdescs[t].rank > ftdescs[cur].rank ||
        ft_overrides(t))
        return t;
    return cur;
}

static enum vg_ftype ft_scan(struct ftbuf b)
{
    uint64_t ev[FT_NRULES][FT_WORDS];
    uint8_t hit[FT_NRULES]; /* rules with events, in table order */
    size_t nhit = 0;
    enum vg_ftype cur = VG_FT_COUNT;

    for (size_t r = 0; r < FT_NRULES; r++) {
        if (!rule_events(&ft_rules[r], b, ev[r]))
            continue;
        if (ft_rules[r].type == VG_FT_IGNORED)
            return VG_FT_IGNORED;
        hit[nhit++] = (uint8_t)r;
    }
    /* fold the hits by position, then by table order */
    for (size_t w = 0; nhit > 0 && w < FT_WORDS; w++) {
        uint64_t any = 0;
        for (size_t i = 0; i < nhit; i++)
            any |= ev[hit[i]][w];
        for (; any; any &= any - 1) {
            unsigned bit = (unsigned)__builtin_ctzll(any);
            for (size_t i = 0; i < nhit; i++)
                if (ev[hit[i]][w] >> bit & 1)
                    cur = ft_fold(cur, (enum vg_ftype)ft_rules[hit[i]].type);
        }
    }
    return cur;
}

/* ---- step 4b: the window decoded from UTF-16 or UCS-4 ---- */

/*
 * ClamAV's first decode pairs bytes blindly: each pair (a, b) becomes one
 * byte, (b << 4) + a modulo 256. For ASCII in UTF-16LE that is the
 * character itself; a match of the HTML patterns then means HTML_UTF16.
 */
static struct ftbuf pair_decode(struct vigil_span w, uint8_t *out)
{
    struct ftbuf b = {out, 0};

    if (w.len < 2)
        return b;
    for (size_t i = 0; i + 1 < w.len; i += 2)
        out[b.n++] = (uint8_t)((w.p[i + 1] << 4) + w.p[i]);
    return b;
}

enum wide_enc { ENC_NONE, ENC_U16LE, ENC_U16BE, ENC_U32LE, ENC_U32BE };

/*
 * The wide encodings ClamAV's entity converter recognises from the first
 * four bytes (a BOM, or '<' / "<?" laid out wide). The two "unusual
 * order" UCS-4 layouts it also names are not decodable by glibc's iconv,
 * so they never lead anywhere and are not listed.
 */
static enum wide_enc wide_encoding(struct vigil_span w)
{
    static const struct {
        uint8_t b[4], mask; /* mask bit i: byte i must match */
        uint8_t enc;
    } tab[] = {
        {{0x00, 0x00, 0xfe, 0xff}, 0xf, ENC_U32BE},
        {{0x00, 0x00, 0x00, 0x3c}, 0xf, ENC_U32BE},
        {{0x00, 0x3c, 0x00, 0x3f}, 0xf, ENC_U16BE},
        {{0xff, 0xfe, 0x00, 0x00}, 0xf, ENC_U32LE},
        {{0xff, 0xfe, 0x00, 0x00}, 0x3, ENC_U16LE},
        {{0xfe, 0xff, 0x00, 0x00}, 0xf, ENC_NONE}, /* UCS-4 3412 */
        {{0xfe, 0xff, 0x00, 0x00}, 0x3, ENC_U16BE},
        {{0x3c, 0x00, 0x00, 0x00}, 0xf, ENC_U32LE},
        {{0x3c, 0x00, 0x3f, 0x00}, 0xf, ENC_U16LE},
    };

    if (w.len < 4)
        return ENC_NONE;
    for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++) {
        bool hit = true;
        for (unsigned j = 0; j < 4; j++)
            if ((tab[i].mask >> j & 1) && w.p[j] != tab[i].b[j])
                hit = false;
        if (hit)
            return (enum wide_enc)tab[i].enc;
    }
    return ENC_NONE;
}

struct wide_out {
    uint8_t *p;
    size_t n;     /* characters written */
    size_t units; /* UTF-16 units of room left (1025 in ClamAV) */
};

/* Emit one UTF-16 code unit the way ClamAV folds it: (hi << 4) + lo,
 * dropping results that are zero. @return false when full. */
static bool wide_put(struct wide_out *o, unsigned unit)
{
    uint8_t c = (uint8_t)(((unit >> 8) << 4) + (unit & 0xff));

    if (o->units == 0)
        return false;
    o->units--; /* every unit uses room, even one that is dropped */
    if (c != 0)
        o->p[o->n++] = c;
    return true;
}

static unsigned wide_unit(const uint8_t *p, unsigned size, bool be)
{
    if (size == 2)
        return be ? vigil_load_u16be_unchecked(p)
                  : vigil_load_u16le_unchecked(p);
    return be ? vigil_load_u32be_unchecked(p) : vigil_load_u32le_unchecked(p);
}

/* Decode one character at in[*i]; @return 0 ok, 1 invalid, 2 full. */
static int wide_char(const uint8_t *in, size_t n, size_t *i, unsigned size,
                     bool be, struct wide_out *o)
{
    uint32_t c = wide_unit(in + *i, size, be);

    if (size == 2 && c >= 0xd800 && c <= 0xdbff) {
        uint32_t lo = *i + 4 <= n ? wide_unit(in + *i + 2, 2, be) : 0;
        if (lo < 0xdc00 || lo > 0xdfff)
            return 1;
        *i += 4;
        return wide_put(o, c) && wide_put(o, lo) ? 0 : 2;
    }
    if ((c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
        return 1;
    *i += size;
    if (c > 0xffff) {
        c -= 0x10000;
        return wide_put(o, 0xd800 | c >> 10) &&
                       wide_put(o, 0xdc00 | (c & 0x3ff))
                   ? 0
                   : 2;
    }
    return wide_put(o, c) ? 0 : 2;
}

/*
 * ClamAV's second decode: convert with iconv to UTF-16BE, fold each unit
 * as above. Input is converted in whole 4-byte groups, a short tail is
 * zero-padded to 4 bytes; at the first invalid sequence the offending
 * byte is emitted as is and decoding stops.
 */
static struct ftbuf wide_decode(struct vigil_span w, enum wide_enc enc,
                                uint8_t *out)
{
    struct wide_out o = {out, 0, 1025};
    unsigned size = enc == ENC_U16LE || enc == ENC_U16BE ? 2 : 4;
    bool be = enc == ENC_U16BE || enc == ENC_U32BE;
    uint8_t tail[4] = {0, 0, 0, 0};
    size_t main_len = w.len - w.len % 4;
    int rc = 0;

    for (size_t i = 0; rc == 0 && i + size <= main_len;)
        if ((rc = wide_char(w.p, main_len, &i, size, be, &o)) == 1)
            (void)wide_put(&o, w.p[i]);
    if (rc == 0 && w.len % 4) {
        memcpy(tail, w.p + main_len, w.len % 4);
        for (size_t i = 0; rc == 0 && i + size <= 4;)
            if ((rc = wide_char(tail, 4, &i, size, be, &o)) == 1)
                (void)wide_put(&o, tail[i]);
    }
    return (struct ftbuf){out, o.n};
}

/* ---- the decision ---- */

static bool text_or_binary(enum vg_ftype t)
{
    return t == VG_FT_TEXT_ASCII || t == VG_FT_TEXT_UTF8 ||
           t == VG_FT_TEXT_UTF16LE || t == VG_FT_TEXT_UTF16BE ||
           t == VG_FT_BINARY_DATA;
}

/* SFX types found in the window are left for the raw scan to handle. */
static bool sfx_left_for_raw(enum vg_ftype t)
{
    return t == VG_FT_ZIPSFX || t == VG_FT_ARJSFX || t == VG_FT_RARSFX ||
           t == VG_FT_EGGSFX || t == VG_FT_CABSFX || t == VG_FT_7ZSFX;
}

static enum vg_ftype refine(struct vigil_span win, enum vg_ftype t)
{
    uint8_t dec[FT_MAX_BUF];
    enum vg_ftype r = ft_scan((struct ftbuf){win.p, win.len});
    enum wide_enc enc;

    if (r != VG_FT_COUNT && !sfx_left_for_raw(r))
        return r;
    if (ft_scan(pair_decode(win, dec)) == VG_FT_HTML)
        return VG_FT_HTML_UTF16;
    enc = wide_encoding(win);
    if (enc != ENC_NONE && ft_scan(wide_decode(win, enc, dec)) == VG_FT_HTML)
        return VG_FT_HTML;
    return t;
}

enum vg_ftype vg_filetype_detect(struct vigil_span data)
{
    struct vigil_span win = vigil_span_sub(
        data, 0, data.len < VG_FT_MAGIC_WINDOW ? data.len : VG_FT_MAGIC_WINDOW);
    enum vg_ftype t = magic_lookup(win);

    if (t == VG_FT_COUNT)
        t = text_type(win);
    if (t == VG_FT_BINARY_DATA) {
        enum vg_ftype tar = tar_type(win);
        if (tar != VG_FT_COUNT)
            return tar;
    } else if (t == VG_FT_ZIP && win.len > 2 * (ZIP_LOCAL_HDR + 5)) {
        return ooxml_type(data, win);
    }
    return text_or_binary(t) ? refine(win, t) : t;
}

/* ---- names ---- */

const char *vg_ftype_clname(enum vg_ftype t)
{
    if ((unsigned)t >= VG_FT_COUNT || ftdescs[t].name == NULL)
        return "CL_TYPE_ERROR";
    return ftdescs[t].name;
}

int vg_ftype_from_clname(const char *name, size_t len)
{
    if (name == NULL)
        return -1;
    for (int t = 0; t < VG_FT_COUNT; t++) {
        const char *n = ftdescs[t].name;
        if (ftdescs[t].named && strlen(n) == len && memcmp(n, name, len) == 0)
            return t;
    }
    return -1;
}

/* ---- targets and passes ---- */

bool vg_ftype_is_text(enum vg_ftype t)
{
    return t == VG_FT_TEXT_ASCII || t == VG_FT_TEXT_UTF8 ||
           t == VG_FT_TEXT_UTF16LE || t == VG_FT_TEXT_UTF16BE;
}

unsigned vg_ftype_target(enum vg_ftype t)
{
    return (unsigned)t < VG_FT_COUNT ? ftdescs[t].target : 0;
}

static bool html_family(enum vg_ftype t)
{
    return t == VG_FT_HTML || t == VG_FT_HTML_UTF16;
}

static bool gets_other_pass(enum vg_ftype t)
{
    return t == VG_FT_BINARY_DATA || t == VG_FT_PYTHON_COMPILED;
}

bool vg_ftype_has_target(enum vg_ftype t, unsigned target)
{
    if ((unsigned)t >= VG_FT_COUNT || t == VG_FT_IGNORED || target > 14)
        return false;
    if (target == 0 || (target != 8 && target == vg_ftype_target(t)))
        return true;
    if (target == 7)
        return vg_ftype_is_text(t) || html_family(t);
    if (target == 3)
        return html_family(t);
    return target == 14 && gets_other_pass(t);
}

static size_t plan_html(struct vg_pass *out, size_t n)
{
    out[n++] = (struct vg_pass){VG_VIEW_HTML_NOCOMMENT, 3, true};
    out[n++] = (struct vg_pass){VG_VIEW_HTML_NOTAGS, 3, true};
    out[n++] = (struct vg_pass){VG_VIEW_HTML_SCRIPT, 3, true};
    out[n++] = (struct vg_pass){VG_VIEW_HTML_SCRIPT, 7, true};
    return n;
}

size_t vg_ftype_plan(enum vg_ftype t, struct vg_pass out[VG_MAX_PASSES])
{
    size_t n = 0;

    if ((unsigned)t >= VG_FT_COUNT || t == VG_FT_IGNORED)
        return 0;
    if (t == VG_FT_HTML) /* typed HTML up front: the raw bytes are skipped */
        return plan_html(out, 0);
    out[n++] = (struct vg_pass){VG_VIEW_RAW, (uint8_t)vg_ftype_target(t), true};
    if (t == VG_FT_HTML_UTF16)
        return plan_html(out, n);
    if (gets_other_pass(t))
        out[n++] = (struct vg_pass){VG_VIEW_RAW, 14, true};
    if (vg_ftype_is_text(t))
        out[n++] = (struct vg_pass){VG_VIEW_TEXT, 7, false};
    return n;
}

const char *vg_ftype_retype_rule(size_t i, enum vg_ftype *type)
{
    for (size_t r = 0; r < FT_NRULES; r++) {
        const struct ftrule *f = &ft_rules[r];
        /* HTML tags and MHTML headers anywhere (not the rules pinned at
         * 0), and mail */
        if (!((f->type == VG_FT_HTML || f->type == VG_FT_MHTML) &&
              f->hi == FT_ANY) &&
            f->type != VG_FT_MAIL)
            continue;
        if (i-- == 0) {
            *type = (enum vg_ftype)f->type;
            return f->pat;
        }
    }
    return NULL;
}
