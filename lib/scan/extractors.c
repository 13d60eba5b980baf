// SPDX-License-Identifier: GPL-2.0-or-later
// extractors.c: the table from file type to the parser that extracts its
// children. New container parsers (mail, OLE2, PDF, ...) are added here.
#include <stddef.h>
#include <string.h>

#include "fmt/arj.h"
#include "fmt/binhex.h"
#include "fmt/ishield.h"
#include "fmt/html_extract.h"
#include "fmt/mail.h"
#include "fmt/nsis.h"
#include "fmt/ole2.h"
#include "fmt/onenote.h"
#include "fmt/pdf.h"
#include "fmt/rtf.h"
#include "fmt/sis.h"
#include "fmt/tnef.h"
#include "scan/extractors.h"

#include "fmt/exe.h"
#include "vigil/vigil.h"

struct extractor {
    enum vg_ftype type;
    vg_extract_fn fn;
};

/* Types ClamAV unpacks, with the parser vigil uses. ZIP-based Office
 * documents are plain zips to the extractor; the SFX types are typed
 * from a marker inside another file and are not extracted from here. */
static const struct extractor table[] = {
    {VG_FT_ZIP, vg_archive_extract},
    {VG_FT_OOXML_WORD, vg_archive_extract},
    {VG_FT_OOXML_PPT, vg_archive_extract},
    {VG_FT_OOXML_XL, vg_archive_extract},
    {VG_FT_OOXML_HWP, vg_archive_extract},
    {VG_FT_RAR, vg_archive_extract},
    {VG_FT_7Z, vg_archive_extract},
    {VG_FT_POSIX_TAR, vg_archive_extract},
    {VG_FT_OLD_TAR, vg_archive_extract},
    {VG_FT_CPIO_OLD, vg_archive_extract},
    {VG_FT_CPIO_ODC, vg_archive_extract},
    {VG_FT_CPIO_NEWC, vg_archive_extract},
    {VG_FT_CPIO_CRC, vg_archive_extract},
    {VG_FT_ISO9660, vg_archive_extract},
    {VG_FT_XAR, vg_archive_extract},
    {VG_FT_LHA_LZH, vg_archive_extract},
    {VG_FT_ZIPSFX, vg_archive_extract}, /* from vg_embedded_find */
    {VG_FT_CAB, vg_mspack_cab_extract},
    {VG_FT_CHM, vg_mspack_chm_extract},
    {VG_FT_SZDD, vg_mspack_szdd_extract},
    {VG_FT_GZ, vg_gz_extract},
    {VG_FT_BZ2, vg_bz2_extract},
    {VG_FT_XZ, vg_xz_extract},
    /* vigil's own parsers (docs/internals/PARSERS.md) */
    {VG_FT_MAIL, vg_mail_extract},
    {VG_FT_MHTML, vg_mail_extract}, /* ClamAV parses MHTML as mail */
    {VG_FT_UUENCODED, vg_uu_extract},
    {VG_FT_OLE2, vg_ole2_extract},
    {VG_FT_PDF, vg_pdf_extract},
    {VG_FT_RTF, vg_rtf_extract},
    {VG_FT_BINHEX, vg_binhex_extract},
    {VG_FT_TNEF, vg_tnef_extract},
    {VG_FT_ARJ, vg_arj_extract},
    {VG_FT_ISHIELD_MSI, vg_ishield_extract},
    {VG_FT_ONENOTE, vg_onenote_extract},
    {VG_FT_SIS, vg_sis_extract},
    {VG_FT_HTML, vg_html_extract},
};

/* ISO 9660: the primary volume descriptor's "CD001" after 32 KiB of
 * system area, the pattern ClamAV's raw scan looks for. */
#define ISO_MAGIC_AT 32769u
/* ClamAV's raw scan reports a local zip header anywhere as ZIP-SFX; only
 * the first window is searched here (a split-archive marker, a stub). */
#define SFX_WINDOW 1024u

static bool find_zip_header(struct vigil_span d, size_t *off)
{
    size_t end = d.len < SFX_WINDOW ? d.len : SFX_WINDOW;
    for (size_t i = 1; i + 4 <= end; i++)
        if (memcmp(d.p + i, "PK\3\4", 4) == 0) {
            *off = i;
            return true;
        }
    return false;
}

/* A cabinet header (signature, then a zero reserved field) anywhere:
 * ClamAV's CAB-SFX type pattern, which finds the cabinets InstallShield
 * setups carry inside or after their PE. */
static bool find_cab(struct vigil_span d, size_t *off)
{
    const uint8_t *p =
        d.len >= 8 ? memmem(d.p, d.len, "MSCF\0\0\0\0", 8) : NULL;
    if (!p)
        return false;
    *off = (size_t)(p - d.p);
    return true;
}

vg_extract_fn vg_embedded_find(enum vg_ftype t, struct vigil_span data,
                               enum vg_ftype *et, size_t *off)
{
    static const uint8_t zstd_magic[4] = {0x28, 0xb5, 0x2f, 0xfd};
    /* zstd has no ClamAV type (ClamAV does not open it); vigil does, by
     * its magic, whatever the typing made of the frame's bytes. */
    if (data.len >= 4 && memcmp(data.p, zstd_magic, 4) == 0) {
        *et = t;
        *off = 0;
        return vg_zstd_extract;
    }
    /* Before the cabinet: InstallShield's files hold its cabinets. */
    if ((t == VG_FT_PE || t == VG_FT_BINARY_DATA) &&
        vg_ishield_find(data, t == VG_FT_PE, off, et))
        return vg_ishield_extract;
    /* ClamAV's NSIS marker: the first header after an installer's stub. */
    if ((t == VG_FT_PE || t == VG_FT_BINARY_DATA) && vg_nsis_find(data, off)) {
        *et = VG_FT_NULSFT;
        return vg_nsis_extract;
    }
    if ((t == VG_FT_PE || t == VG_FT_BINARY_DATA) && find_cab(data, off) &&
        *off > 0) {
        *et = VG_FT_CABSFX;
        return vg_mspack_cab_extract;
    }
    /* ARJ-SFX: an archive after a DOS/PE/ELF stub (ClamAV types it by
     * the main header's bytes anywhere; here its CRC must hold too). */
    if ((t == VG_FT_PE || t == VG_FT_ELF || t == VG_FT_BINARY_DATA) &&
        vg_arj_find(data, off) && *off > 0) {
        *et = VG_FT_ARJSFX;
        return vg_arj_extract;
    }
    if (t != VG_FT_BINARY_DATA)
        return NULL;
    if (data.len >= ISO_MAGIC_AT + 5 &&
        memcmp(data.p + ISO_MAGIC_AT, "CD001", 5) == 0) {
        *et = VG_FT_ISO9660;
        *off = 0;
        return vg_archive_extract;
    }
    if (find_zip_header(data, off)) {
        *et = VG_FT_ZIPSFX;
        return vg_archive_extract;
    }
    return NULL;
}

#define EMBEDDED_PE_MAX ((size_t)40 << 20) /* clamscan's --max-embeddedpe */
#define PE_SIG_MIN_GAP 60u                 /* "MZ", 60 to 300 bytes, "PE\0\0" */
#define PE_SIG_MAX_GAP 300u

static bool pe_signature_near(struct vigil_span d, size_t mz)
{
    size_t from = mz + 2 + PE_SIG_MIN_GAP, to = mz + 2 + PE_SIG_MAX_GAP + 4;
    if (from + 4 > d.len)
        return false;
    if (to > d.len)
        to = d.len;
    return memmem(d.p + from, to - from, "PE\0\0", 4) != NULL;
}

bool vg_embedded_pe_next(enum vg_ftype t, struct vigil_span data, size_t *at,
                         struct vg_exe_info *scratch)
{
    if (t != VG_FT_PE && t != VG_FT_OLE2)
        return false;
    for (size_t i = *at < 1 ? 1 : *at; i + 2 <= data.len; i++) {
        /* memchr: glibc's memmem is slow for a two-byte needle */
        const uint8_t *m = memchr(data.p + i, 'M', data.len - i);
        if (m == NULL)
            return false;
        i = (size_t)(m - data.p);
        if (i + 1 >= data.len || data.p[i + 1] != 'Z' ||
            !pe_signature_near(data, i) || data.len - i > EMBEDDED_PE_MAX)
            continue;
        if (vg_exe_parse(vigil_span_sub(data, i, data.len - i), scratch) ==
                VIGIL_OK &&
            scratch->kind == VG_EXE_PE) {
            *at = i;
            return true;
        }
    }
    return false;
}

vg_extract_fn vg_extractor_for(enum vg_ftype t)
{
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (table[i].type == t)
            return table[i].fn;
    return NULL;
}

const char *vg_encrypted_name(enum vg_ftype t)
{
    switch (t) {
    case VG_FT_RAR: return "Heuristics.Encrypted.RAR";
    case VG_FT_7Z: return "Heuristics.Encrypted.7Zip";
    case VG_FT_PDF: return "Heuristics.Encrypted.PDF";
    case VG_FT_OLE2: return "Heuristics.Encrypted.Doc";
    default: return "Heuristics.Encrypted.Zip";
    }
}
