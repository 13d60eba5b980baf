// SPDX-License-Identifier: GPL-2.0-or-later
// archive.c: archive members through libarchive (zip incl. zip64, 7z, rar
// v2-v5, tar, cpio, iso9660, xar, lha, ar), each handed to the core as a
// child object of at most x->max_child bytes.
//
// libarchive reads from our in-memory span (its memory reader seeks, so
// zips are read from the central directory like ClamAV does, which is
// what an overlapping-entry bomb relies on; the core's limits stop it).
// A zip whose end record announces more entries than we care to index is
// read sequentially instead: libarchive's seekable reader keeps every
// central-directory entry in memory, ~200 bytes each.
#include <archive.h>
#include <archive_entry.h>
#include <string.h>
#include <sys/stat.h>

#include "fmt/rar2.h"
#include "scan/extractors.h"
#include "util/buf.h"
#include "vigil/vigil.h"

/* Above this many central-directory entries a zip is read by local
 * headers (bounded memory); the core stops at max_files long before. */
#define ZIP_INDEX_MAX 65535u
/* Size of a zip end-of-central-directory record, and how far before the
 * end it may start (a 64 KiB comment). */
#define ZIP_EOCD_LEN 22u
#define ZIP_EOCD_SEARCH (ZIP_EOCD_LEN + 65535u)
/* libarchive reads in blocks of this size. */
#define READ_STEP ((size_t)64 << 10)
/* Header reads that ask to be retried before we give up. */
#define MAX_RETRY 16

/* Entries the zip's last end record announces (0xFFFF: zip64, many). */
static uint32_t zip_entries(struct vigil_span in)
{
    size_t from = in.len > ZIP_EOCD_SEARCH ? in.len - ZIP_EOCD_SEARCH : 0;
    struct vigil_cursor c = vigil_cur_from_span(in);
    if (in.len < ZIP_EOCD_LEN)
        return 0;
    for (size_t at = in.len - ZIP_EOCD_LEN + 1; at-- > from;) {
        if (vigil_cur_u32le_at(&c, at) != 0x06054b50u)
            continue;
        return vigil_cur_u16le_at(&c, at + 10);
    }
    return 0;
}

static bool is_zip(struct vigil_span in)
{
    return in.len >= 4 && in.p[0] == 'P' && in.p[1] == 'K';
}

/* RAR 1.5-4.x (RAR 5 has another marker). */
static bool is_rar4(struct vigil_span in)
{
    return in.len >= 7 && memcmp(in.p, "Rar!\x1a\x07\x00", 7) == 0;
}

/* ISO 9660: volume descriptors start at 32 KiB, one per 2 KiB sector;
 * a supplementary one (type 2) with a UCS-2 escape is a Joliet tree. */
#define ISO_VD_START 32768u
#define ISO_SECTOR 2048u
#define ISO_MAX_VDS 32u

static bool iso_has_joliet(struct vigil_span in)
{
    for (size_t i = 0; i < ISO_MAX_VDS; i++) {
        struct vigil_span s;
        const uint8_t *vd;
        if (!vigil_span_sub_ok(in, ISO_VD_START + i * ISO_SECTOR, 91, &s))
            return false;
        vd = s.p;
        if (memcmp(vd + 1, "CD001", 5) != 0 || vd[0] == 255) /* the end */
            return false;
        if (vd[0] == 2 && vd[88] == '%' && vd[89] == '/' &&
            (vd[90] == '@' || vd[90] == 'C' || vd[90] == 'E'))
            return true;
    }
    return false;
}

static struct archive *open_archive(struct vigil_span in, bool seekable_zip,
                                    const char *options)
{
    struct archive *a = archive_read_new();
    if (!a)
        return NULL;
    if (seekable_zip)
        archive_read_support_format_zip_seekable(a);
    else
        archive_read_support_format_zip_streamable(a);
    archive_read_support_format_7zip(a);
    archive_read_support_format_rar(a);
    archive_read_support_format_rar5(a);
    archive_read_support_format_tar(a);
    archive_read_support_format_cpio(a);
    archive_read_support_format_iso9660(a);
    archive_read_support_format_xar(a);
    archive_read_support_format_lha(a);
    archive_read_support_format_ar(a);
    /* No filters: a compressed tar is a gzip/bzip2/xz stream first, whose
     * child is then typed as a tar (the chain ClamAV reports). */
    if ((options != NULL && archive_read_set_options(a, options) != ARCHIVE_OK) ||
        archive_read_open_memory(a, in.p, in.len) != ARCHIVE_OK) {
        archive_read_free(a);
        return NULL;
    }
    return a;
}

/* Read the current member into @p out, at most @p max bytes.
 * @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_CORRUPT; *trunc if cut */
static int read_member(struct archive *a, struct vigil_buf *out, size_t max,
                       bool *trunc)
{
    *trunc = false;
    out->len = 0;
    for (;;) {
        la_ssize_t got;
        size_t want = max - out->len;
        int ret;
        if (want == 0) {
            char probe;
            *trunc = archive_read_data(a, &probe, 1) > 0;
            return VIGIL_OK;
        }
        if (want > READ_STEP)
            want = READ_STEP;
        if ((ret = vigil_buf_reserve(out, want)) != VIGIL_OK)
            return ret == VIGIL_E_LIMIT ? VIGIL_OK : ret;
        got = archive_read_data(a, out->data + out->len, want);
        if (got == 0)
            return VIGIL_OK;
        if (got < 0)
            return VIGIL_E_CORRUPT;
        out->len += (size_t)got;
    }
}

struct member {
    struct archive *a;
    struct archive_entry *e;
    struct vigil_buf *buf;
    struct vigil_span in;
    const struct vg_extract *x;
};

static int do_member(const struct member *m)
{
    struct vg_child_info info = {
        archive_entry_pathname(m->e), -1, false, false, 0, m->in.len};
    size_t max =
        m->x->max_child > SIZE_MAX ? SIZE_MAX : (size_t)m->x->max_child;
    int ret, rd;
    unsigned ft = (unsigned)archive_entry_filetype(m->e);
    if (ft != AE_IFREG && ft != 0)
        return VIGIL_OK; /* directories, links, devices: no content */
    if (archive_entry_size_is_set(m->e) && archive_entry_size(m->e) > 0)
        info.declared_size = (uint64_t)archive_entry_size(m->e);
    if (archive_entry_is_data_encrypted(m->e) > 0) {
        info.encrypted = true;
        return m->x->emit(m->x->core, vigil_span_make(NULL, 0), &info);
    }
    /* Too big to take: let the core decide (skip or stop) unread. */
    if (info.declared_size > max)
        return m->x->emit(m->x->core, vigil_span_make(NULL, 0), &info);
    rd = read_member(m->a, m->buf, max, &info.truncated);
    /* A member whose data cannot be read at all is not an object (ClamAV
     * does not count one whose data lies past the end either). */
    if (rd == VIGIL_E_NOMEM || (rd != VIGIL_OK && m->buf->len == 0))
        return rd;
    ret = m->x->emit(m->x->core, vigil_span_make(m->buf->data, m->buf->len),
                     &info);
    return ret != VIGIL_OK ? ret : rd;
}

static int walk(struct archive *a, struct vigil_span in,
                const struct vg_extract *x)
{
    struct vigil_buf buf;
    struct member m = {a, NULL, &buf, in, x};
    int ret = VIGIL_OK, retries = 0, hr;
    vigil_buf_init(&buf,
                   x->max_child > SIZE_MAX ? SIZE_MAX : (size_t)x->max_child);
    while ((hr = archive_read_next_header(a, &m.e)) != ARCHIVE_EOF) {
        if (hr == ARCHIVE_RETRY && ++retries < MAX_RETRY)
            continue;
        if (hr < ARCHIVE_WARN) {
            ret = VIGIL_E_CORRUPT;
            break;
        }
        ret = do_member(&m);
        /* A damaged member does not hide the ones after it. */
        if (ret == VIGIL_E_CORRUPT && hr >= ARCHIVE_WARN)
            ret = VIGIL_OK;
        if (ret != VIGIL_OK)
            break;
    }
    vigil_buf_free(&buf);
    return ret;
}

/* ClamAV walks both directory trees of an ISO image with a Joliet one,
 * the primary first: every file is scanned twice (measured with
 * clamjol.iso). libarchive reads the Joliet tree unless told not to. */
static int walk_iso_primary(struct vigil_span in, const struct vg_extract *x)
{
    struct archive *a = open_archive(in, true, "iso9660:!joliet");
    int ret;
    if (!a)
        return VIGIL_E_CORRUPT;
    ret = walk(a, in, x);
    archive_read_free(a);
    return ret;
}

int vg_archive_extract(struct vigil_span in, const struct vg_extract *x)
{
    bool seekable = !is_zip(in) || zip_entries(in) < ZIP_INDEX_MAX;
    struct archive *a;
    int ret;
    if (iso_has_joliet(in) && (ret = walk_iso_primary(in, x)) != VIGIL_OK &&
        ret != VIGIL_E_CORRUPT)
        return ret;
    a = open_archive(in, seekable, NULL);
    if (!a && seekable && is_zip(in)) /* no central directory: try headers */
        a = open_archive(in, false, NULL);
    if (!a) /* libarchive refused it: vigil's own RAR reader may not */
        return is_rar4(in) ? vg_rar2_extract(in, x) : VIGIL_E_CORRUPT;
    ret = walk(a, in, x);
    archive_read_free(a);
    /* Members in methods libarchive lacks (it skipped them unread). */
    if ((is_zip(in) || is_rar4(in)) &&
        (ret == VIGIL_OK || ret == VIGIL_E_CORRUPT)) {
        int lret = is_zip(in) ? vg_zip_legacy_extract(in, x)
                              : vg_rar2_extract_legacy(in, x);
        if (lret != VIGIL_OK && lret != VIGIL_E_CORRUPT)
            ret = lret;
    }
    return ret;
}
