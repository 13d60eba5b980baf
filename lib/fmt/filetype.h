// SPDX-License-Identifier: GPL-2.0-or-later
// filetype.h: content typing (ClamAV's CL_TYPE_* families) and which
// signature targets apply to each type.
#ifndef VIGIL_FMT_FILETYPE_H
#define VIGIL_FMT_FILETYPE_H

#include <stdbool.h>

#include "util/cursor.h"

/* Keep in step with vg_ftype_clname(); values are not stored anywhere. */
enum vg_ftype {
    VG_FT_BINARY_DATA = 0, /* CL_TYPE_BINARY_DATA: nothing recognised */
    VG_FT_TEXT_ASCII,      /* CL_TYPE_TEXT_ASCII */
    VG_FT_TEXT_UTF8,       /* CL_TYPE_TEXT_UTF8 */
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
    VG_FT_BMP,             /* CL_TYPE_GRAPHICS (BMP etc.) */
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
    VG_FT_COUNT
};

/** Type an object by its content (never its name). */
enum vg_ftype vg_filetype_detect(struct vigil_span data);

/** ClamAV's name for the type, e.g. "CL_TYPE_MSEXE". */
const char *vg_ftype_clname(enum vg_ftype t);

/** The type named @p name ("CL_TYPE_…"), or -1. For .ldb Container keys. */
int vg_ftype_from_clname(const char *name, size_t len);

#endif
