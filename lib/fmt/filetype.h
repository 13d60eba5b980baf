// SPDX-License-Identifier: GPL-2.0-or-later
// filetype.h: content typing (ClamAV's CL_TYPE_* families) and which
// signature targets apply to each type.
#ifndef VIGIL_FMT_FILETYPE_H
#define VIGIL_FMT_FILETYPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/cursor.h"

/*
 * The rules behind every function here, with the experiments that fixed
 * them, are in docs/internals/SCAN-PIPELINE.md.
 */

/* Keep in step with vg_ftype_clname(); values are not stored anywhere. */
enum vg_ftype {
    VG_FT_BINARY_DATA = 0, /* CL_TYPE_BINARY_DATA: nothing recognised */
    VG_FT_TEXT_ASCII,      /* CL_TYPE_TEXT_ASCII */
    VG_FT_TEXT_UTF8,       /* CL_TYPE_TEXT_UTF8 (ClamAV never yields it) */
    VG_FT_TEXT_UTF16LE,    /* CL_TYPE_TEXT_UTF16LE */
    VG_FT_TEXT_UTF16BE,    /* CL_TYPE_TEXT_UTF16BE */
    VG_FT_PE,              /* CL_TYPE_MSEXE */
    VG_FT_ELF,             /* CL_TYPE_ELF */
    VG_FT_MACHO,           /* CL_TYPE_MACHO */
    VG_FT_MACHO_UNIBIN,    /* CL_TYPE_MACHO_UNIBIN */
    VG_FT_OLE2,            /* CL_TYPE_MSOLE2 */
    VG_FT_PDF,             /* CL_TYPE_PDF */
    VG_FT_HTML,            /* CL_TYPE_HTML */
    VG_FT_MAIL,            /* CL_TYPE_MAIL */
    VG_FT_GIF,             /* CL_TYPE_GIF */
    VG_FT_PNG,             /* CL_TYPE_PNG */
    VG_FT_JPEG,            /* CL_TYPE_JPEG */
    VG_FT_TIFF,            /* CL_TYPE_TIFF */
    VG_FT_BMP,             /* CL_TYPE_GRAPHICS (BMP, JPEG 2000) */
    VG_FT_JAVA,            /* CL_TYPE_JAVA */
    VG_FT_SWF,             /* CL_TYPE_SWF */
    VG_FT_ZIP,             /* CL_TYPE_ZIP */
    VG_FT_GZ,              /* CL_TYPE_GZ */
    VG_FT_BZ2,             /* CL_TYPE_BZ */
    VG_FT_XZ,              /* CL_TYPE_XZ */
    VG_FT_RAR,             /* CL_TYPE_RAR */
    VG_FT_7Z,              /* CL_TYPE_7Z */
    VG_FT_CAB,             /* CL_TYPE_MSCAB */
    VG_FT_RTF,             /* CL_TYPE_RTF */
    /* The rest of ClamAV 1.4's types, in its own order. */
    VG_FT_POSIX_TAR,       /* CL_TYPE_POSIX_TAR */
    VG_FT_OLD_TAR,         /* CL_TYPE_OLD_TAR */
    VG_FT_CPIO_OLD,        /* CL_TYPE_CPIO_OLD */
    VG_FT_CPIO_ODC,        /* CL_TYPE_CPIO_ODC */
    VG_FT_CPIO_NEWC,       /* CL_TYPE_CPIO_NEWC */
    VG_FT_CPIO_CRC,        /* CL_TYPE_CPIO_CRC */
    VG_FT_ARJ,             /* CL_TYPE_ARJ */
    VG_FT_SZDD,            /* CL_TYPE_MSSZDD */
    VG_FT_CHM,             /* CL_TYPE_MSCHM */
    VG_FT_SIS,             /* CL_TYPE_SIS */
    VG_FT_SCRENC,          /* CL_TYPE_SCRENC */
    VG_FT_RIFF,            /* CL_TYPE_RIFF */
    VG_FT_BINHEX,          /* CL_TYPE_BINHEX */
    VG_FT_TNEF,            /* CL_TYPE_TNEF */
    VG_FT_CRYPTFF,         /* CL_TYPE_CRYPTFF */
    VG_FT_UUENCODED,       /* CL_TYPE_UUENCODED */
    VG_FT_SCRIPT,          /* CL_TYPE_SCRIPT */
    VG_FT_HTML_UTF16,      /* CL_TYPE_HTML_UTF16 */
    VG_FT_XAR,             /* CL_TYPE_XAR */
    VG_FT_OOXML_WORD,      /* CL_TYPE_OOXML_WORD */
    VG_FT_OOXML_PPT,       /* CL_TYPE_OOXML_PPT */
    VG_FT_OOXML_XL,        /* CL_TYPE_OOXML_XL */
    VG_FT_INTERNAL,        /* CL_TYPE_INTERNAL */
    VG_FT_HWP3,            /* CL_TYPE_HWP3 */
    VG_FT_OOXML_HWP,       /* CL_TYPE_OOXML_HWP */
    VG_FT_PS,              /* CL_TYPE_PS */
    VG_FT_EGG,             /* CL_TYPE_EGG */
    VG_FT_ONENOTE,         /* CL_TYPE_ONENOTE */
    VG_FT_PYTHON_COMPILED, /* CL_TYPE_PYTHON_COMPILED */
    VG_FT_LHA_LZH,         /* CL_TYPE_LHA_LZH */
    VG_FT_PART_ANY,        /* CL_TYPE_PART_ANY */
    VG_FT_PART_HFSPLUS,    /* CL_TYPE_PART_HFSPLUS */
    VG_FT_MBR,             /* CL_TYPE_MBR */
    VG_FT_SFX,             /* CL_TYPE_SFX */
    VG_FT_ZIPSFX,          /* CL_TYPE_ZIPSFX */
    VG_FT_RARSFX,          /* CL_TYPE_RARSFX */
    VG_FT_7ZSFX,           /* CL_TYPE_7ZSFX */
    VG_FT_CABSFX,          /* CL_TYPE_CABSFX */
    VG_FT_ARJSFX,          /* CL_TYPE_ARJSFX */
    VG_FT_EGGSFX,          /* CL_TYPE_EGGSFX */
    VG_FT_NULSFT,          /* CL_TYPE_NULSFT */
    VG_FT_AUTOIT,          /* CL_TYPE_AUTOIT */
    VG_FT_ISHIELD_MSI,     /* CL_TYPE_ISHIELD_MSI */
    VG_FT_ISO9660,         /* CL_TYPE_ISO9660 */
    VG_FT_DMG,             /* CL_TYPE_DMG */
    VG_FT_GPT,             /* CL_TYPE_GPT */
    VG_FT_APM,             /* CL_TYPE_APM */
    VG_FT_XDP,             /* CL_TYPE_XDP */
    VG_FT_XML_WORD,        /* CL_TYPE_XML_WORD */
    VG_FT_XML_XL,          /* CL_TYPE_XML_XL */
    VG_FT_XML_HWP,         /* CL_TYPE_XML_HWP */
    VG_FT_HWPOLE2,         /* CL_TYPE_HWPOLE2 */
    VG_FT_MHTML,           /* CL_TYPE_MHTML */
    VG_FT_LNK,             /* CL_TYPE_LNK */
    VG_FT_UDF,             /* CL_TYPE_UDF */
    VG_FT_ALZ,             /* CL_TYPE_ALZ */
    VG_FT_OTHER,           /* CL_TYPE_OTHER: the target-14 pass only */
    VG_FT_IGNORED,         /* CL_TYPE_IGNORED: ClamAV scans nothing */
    VG_FT_ANY,             /* CL_TYPE_ANY: only as a .ldb Container */
    VG_FT_COUNT
};

/** How many leading bytes ClamAV's magic and text checks look at. */
#define VG_FT_MAGIC_WINDOW 1024u

/** Objects of at most this many bytes are not scanned by ClamAV at all
 *  (not even whole-file hashes). */
#define VG_FT_MIN_SCAN_SIZE 6u

/**
 * Type an object by its content (never its name), as ClamAV 1.4.6 with
 * its built-in magic table (no daily.ftm) does for a top-level file.
 * Reads the first VG_FT_MAGIC_WINDOW bytes, and further only to find
 * OOXML part names inside a ZIP. Pure function; thread-safe.
 */
enum vg_ftype vg_filetype_detect(struct vigil_span data);

/** ClamAV's name for the type, e.g. "CL_TYPE_MSEXE"; never NULL. */
const char *vg_ftype_clname(enum vg_ftype t);

/**
 * The type named @p name ("CL_TYPE_…", @p len bytes, no NUL needed), or
 * -1. Accepts exactly the names ClamAV accepts in .ldb Container keys
 * and .ftm files (so not CL_TYPE_OTHER).
 */
int vg_ftype_from_clname(const char *name, size_t len);

/** True for the four text types (the ones that get a normalised-text pass
 *  unless found to be HTML on the fly). */
bool vg_ftype_is_text(enum vg_ftype t);

/**
 * The .ndb/.ldb target (1..14) whose signatures ClamAV matches, together
 * with target 0, on the raw bytes of an object of type @p t; 0 if only
 * target 0 applies.
 */
unsigned vg_ftype_target(enum vg_ftype t);

/**
 * Whether any pass ClamAV makes over an object of type @p t (raw bytes,
 * the extra target-14 pass of binary data, the normalised text, the HTML
 * views) consults signatures of @p target. Passes of children found by
 * format parsers (mail bodies, archive members) are not included.
 */
bool vg_ftype_has_target(enum vg_ftype t, unsigned target);

/** What a pass reads. */
enum vg_view {
    VG_VIEW_RAW,            /* the object's bytes */
    VG_VIEW_TEXT,           /* vg_text_normalize() of the bytes */
    VG_VIEW_HTML_NOCOMMENT, /* vg_html_normalize(): tags kept */
    VG_VIEW_HTML_NOTAGS,    /* vg_html_normalize(): text only */
    VG_VIEW_HTML_SCRIPT     /* vg_html_normalize_all(): the scripts */
};

/** One matching pass: target 0 plus @c target (0: none) over @c view;
 *  @c hashes: whole-view hash signatures are checked on this pass too. */
struct vg_pass {
    enum vg_view view;
    uint8_t target;
    bool hashes;
};

#define VG_MAX_PASSES 6

/**
 * ClamAV's passes, in order, for an object typed @p t at the top of the
 * type decision (before any HTML or mail found on the fly during the raw
 * pass; see SCAN-PIPELINE.md §4). Under allmatch every pass reports every
 * match it makes, so a signature seen by two passes is reported twice.
 * @param[out] out  at least VG_MAX_PASSES entries
 * @return the number of passes written (0 for VG_FT_IGNORED)
 */
size_t vg_ftype_plan(enum vg_ftype t, struct vg_pass out[VG_MAX_PASSES]);

/**
 * The type patterns that re-type an object on the fly (HTML tags and MHTML
 * headers allowed anywhere, mail headers), in .ndb body syntax: rule @p i,
 * or NULL past the last. @param[out] type  VG_FT_HTML, VG_FT_MHTML or
 * VG_FT_MAIL
 */
const char *vg_ftype_retype_rule(size_t i, enum vg_ftype *type);

#endif
