// SPDX-License-Identifier: GPL-2.0-or-later
// cvd.c: verifies, unpacks and loads ClamAV database containers (.cvd,
// .cld, .cud): header, legacy MD5+RSA signature, gzip, tar, .info.
#include "db/cvd.h"

#include <string.h>

#include "db/dsig.h"
#include "db/load.h"
#include "engine.h"
#include "util/alloc.h"
#include "util/caps.h"
#include "vigil/vigil.h"

/*
 * The checks, in order, each naming itself when it fails (CVD.md has the
 * whole story):
 *   header   512 bytes: "ClamAV-VDB:" + 8 fields, then only spaces.
 *   MD5      (.cvd) MD5 of bytes 512..EOF = the header's MD5 field.
 *   DSIG     (.cvd) header DSIG ^ e mod n (1024-bit key) = that MD5.
 *   gzip     the body inflates, unless it starts "COPYING" (a plain tar).
 *   tar      see tar.c.
 *   .info    first line: a header whose fields equal the container's
 *            (MD5 and DSIG excepted); then NAME:SIZE:SHA256 lines, one per
 *            member except COPYING and the .info; last (.cvd, .cld) a
 *            DSIG line, RSA-PSS/SHA-256 over every byte before it.
 * ClamAV checks less: it skips header MD5/DSIG for .cld, ignores the build
 * time and builder, and lets members or .info entries go unmatched.
 */

#ifdef VIGIL_FUZZING
#define SKIP_DIGESTS true
#else
#define SKIP_DIGESTS false
#endif

#define HEADER_FIELDS 9
#define COPYING "COPYING"

static const char *const type_ext[] = {
    [VG_CVD_CVD] = ".cvd", [VG_CVD_CLD] = ".cld", [VG_CVD_CUD] = ".cud"};

bool vg_cvd_type_of(const char *name, enum vg_cvd_type *type)
{
    struct vigil_str s = vigil_str_cstr(name);

    for (int t = VG_CVD_CVD; t <= VG_CVD_CUD; t++)
        if (vigil_str_has_suffix_nocase(s, type_ext[t])) {
            *type = (enum vg_cvd_type)t;
            return true;
        }
    return false;
}

static bool str_eq(struct vigil_str a, struct vigil_str b)
{
    return a.len == b.len && (a.len == 0 || memcmp(a.p, b.p, a.len) == 0);
}

static bool has_prefix(struct vigil_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len >= n && memcmp(s.p, lit, n) == 0;
}

static int number_field(struct vigil_str f, uint64_t max, uint64_t *out,
                        const char *what, struct vg_why *why)
{
    if (vigil_str_to_u64(f, max, out))
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "header: %s '%.*s' is not a decimal number", what,
                          (int)(f.len < 40 ? f.len : 40), f.p);
    return VIGIL_OK;
}

int vg_cvd_parse_line(struct vigil_str line, struct vg_cvd_header *h,
                      struct vg_why *why)
{
    struct vigil_str f[HEADER_FIELDS];
    uint64_t v[3];
    int ret = VIGIL_OK;

    if (vigil_str_split(line, ':', f, HEADER_FIELDS) != HEADER_FIELDS ||
        !vigil_str_eq(f[0], "ClamAV-VDB"))
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "header: not 'ClamAV-VDB:' and 8 fields "
                          "separated by ':'");
    for (int i = 0; i < 3 && ret == VIGIL_OK; i++)
        ret = number_field(f[2 + i], UINT32_MAX, &v[i],
                           i == 0   ? "version"
                           : i == 1 ? "signature count"
                                    : "functionality level",
                           why);
    if (ret == VIGIL_OK)
        ret =
            number_field(f[8], UINT64_MAX, &h->stime, "build time (unix)", why);
    if (ret != VIGIL_OK)
        return ret;
    if (f[1].len == 0 || f[5].len == 0 || f[6].len == 0 || f[7].len == 0)
        return vg_why_set(why, VIGIL_E_CORRUPT, "header: empty field");
    h->text = line;
    h->time = f[1];
    h->version = (uint32_t)v[0];
    h->nsigs = (uint32_t)v[1];
    h->flevel = (uint32_t)v[2];
    h->md5 = f[5];
    h->dsig = f[6];
    h->builder = f[7];
    return VIGIL_OK;
}

/* The 512-byte header: printable text, then spaces to the end. */
static int parse_header(struct vigil_span h, struct vg_cvd_header *hdr,
                        struct vg_why *why)
{
    size_t n = h.len;

    while (n > 0 && h.p[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < n; i++)
        if (h.p[i] < 0x20 || h.p[i] > 0x7e)
            return vg_why_set(why, VIGIL_E_CORRUPT,
                              "header: byte 0x%02x at offset %zu is not "
                              "printable text or space padding",
                              h.p[i], i);
    return vg_cvd_parse_line(vigil_str_make((const char *)h.p, n), hdr, why);
}

static void hex_lower(const uint8_t *b, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";

    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
}

/* .cvd: MD5 over bytes 512..EOF, as lowercase hex (ClamAV compares the
 * header field case-sensitively with lowercase), then the RSA check. */
static int check_legacy(struct vg_cvd *cvd, struct vigil_span body,
                        unsigned flags, struct vg_why *why)
{
    uint8_t md5[VG_MD5_LEN];
    char hex[2 * VG_MD5_LEN + 1];
    int ret;

    if (SKIP_DIGESTS)
        return VIGIL_OK;
    if ((ret = vg_md5(body.p, body.len, md5)) != VIGIL_OK)
        return ret;
    hex_lower(md5, sizeof md5, hex);
    if (!vigil_str_eq(cvd->hdr.md5, hex))
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "MD5: the header says '%.*s', bytes 512..EOF "
                          "have %s",
                          (int)(cvd->hdr.md5.len < 40 ? cvd->hdr.md5.len : 40),
                          cvd->hdr.md5.p, hex);
    cvd->checks |= VG_CVD_CHK_MD5;
    if (flags & VG_CVD_NO_RSA)
        return VIGIL_OK;
    ret = vg_dsig_verify_md5(md5, cvd->hdr.dsig);
    if (ret == VIGIL_E_CORRUPT)
        return vg_why_set(why, ret,
                          "DSIG: the header's RSA signature does not match "
                          "the MD5 (1024-bit CVD key)");
    if (ret == VIGIL_OK)
        cvd->checks |= VG_CVD_CHK_DSIG;
    return ret;
}

/* Inflate (unless the body is a plain tar starting "COPYING"), then tar. */
static int unpack(struct vg_cvd *cvd, struct vigil_span body,
                  struct vg_why *why)
{
    struct vigil_span tar = body;
    int ret;

    if (body.len == 0)
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "truncated: nothing after the header");
    cvd->compressed =
        body.len < strlen(COPYING) || memcmp(body.p, COPYING, 7) != 0;
    if (cvd->compressed) {
        if ((ret = vg_gunzip(body, &cvd->body, why)) != VIGIL_OK)
            return ret;
        cvd->checks |= VG_CVD_CHK_GZIP;
        tar = vigil_span_make(cvd->body.data, cvd->body.len);
    }
    if ((ret = vg_tar_parse(tar, &cvd->tar, why)) != VIGIL_OK)
        return ret;
    cvd->checks |= VG_CVD_CHK_TAR;
    return VIGIL_OK;
}

static struct vigil_str member_text(const struct vg_tar_member *m)
{
    return vigil_str_make((const char *)m->data.p, m->data.len);
}

/* The .info's first line must repeat the container header's fields. */
static int info_header(struct vg_cvd *cvd, struct vigil_str line,
                       struct vg_why *why)
{
    const struct vg_cvd_header *c = &cvd->hdr;
    struct vg_cvd_header h;
    struct vg_why inner = {""};
    const char *what = NULL;
    int ret = vg_cvd_parse_line(line, &h, &inner);

    if (ret != VIGIL_OK)
        return vg_why_set(why, ret, ".info line 1: %s", inner.msg);
    if (h.version != c->version)
        what = "version";
    else if (h.nsigs != c->nsigs)
        what = "signature count";
    else if (h.flevel != c->flevel)
        what = "functionality level";
    else if (h.stime != c->stime)
        what = "build time (unix)";
    else if (!str_eq(h.time, c->time))
        what = "build time";
    else if (!str_eq(h.builder, c->builder))
        what = "builder";
    if (what && !SKIP_DIGESTS)
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "header field %s differs from the signed .info "
                          "header",
                          what);
    cvd->checks |= VG_CVD_CHK_INFO_HEADER;
    return VIGIL_OK;
}

static int entry_digest(const struct vg_tar_member *m, uint64_t size,
                        struct vigil_str hex, struct vg_why *why)
{
    uint8_t want[VG_SHA256_LEN], got[VG_SHA256_LEN];
    int ret;

    if (hex.len != 2 * VG_SHA256_LEN || vigil_str_hex(hex, want, sizeof want))
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          ".info entry for %s: malformed SHA-256", m->name);
    if (SKIP_DIGESTS)
        return VIGIL_OK;
    if (size != m->data.len)
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          ".info size of member %s: .info says %llu, the "
                          "member has %zu bytes",
                          m->name, (unsigned long long)size, m->data.len);
    if ((ret = vg_sha256(m->data.p, m->data.len, got)) != VIGIL_OK)
        return ret;
    if (memcmp(want, got, sizeof got) != 0)
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          ".info hash of member %s does not match (SHA-256)",
                          m->name);
    return VIGIL_OK;
}

static struct vg_tar_member *find_member(struct vg_tar *t, const char *name)
{
    for (size_t i = 0; i < t->n; i++)
        if (strcmp(t->m[i].name, name) == 0)
            return &t->m[i];
    return NULL;
}

/* One "NAME:SIZE:SHA256" line. */
static int info_entry(struct vg_cvd *cvd, struct vigil_str line, size_t no,
                      struct vg_why *why)
{
    struct vigil_str f[3];
    char name[VG_TAR_NAME_MAX + 1];
    struct vg_tar_member *m;
    uint64_t size;

    if (vigil_str_split(line, ':', f, 3) != 3 || f[0].len == 0 ||
        f[0].len > VG_TAR_NAME_MAX || vigil_str_to_u64(f[1], UINT64_MAX, &size))
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          ".info line %zu: not NAME:SIZE:SHA256", no);
    memcpy(name, f[0].p, f[0].len);
    name[f[0].len] = '\0';
    m = find_member(&cvd->tar, name);
    if (!m || m == &cvd->tar.m[cvd->info])
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          ".info lists %s, which is not in the container",
                          name);
    if (m->listed)
        return vg_why_set(why, VIGIL_E_CORRUPT, ".info lists %s twice", name);
    m->listed = true;
    cvd->nlisted++;
    return entry_digest(m, size, f[2], why);
}

/* "DSIG:" + RSA-PSS/SHA-256 over the .info bytes before this line. */
static int info_dsig(struct vg_cvd *cvd, struct vigil_str text,
                     struct vigil_str line, unsigned flags, struct vg_why *why)
{
    uint8_t sha[VG_SHA256_LEN];
    struct vigil_str sig = vigil_str_make(line.p + 5, line.len - 5);
    int ret;

    if (SKIP_DIGESTS || (flags & VG_CVD_NO_RSA))
        return VIGIL_OK;
    if ((ret = vg_sha256(text.p, (size_t)(line.p - text.p), sha)) != VIGIL_OK)
        return ret;
    ret = vg_dsig_verify_pss(VG_DSIG_KEY_INFO, sha, sig);
    if (ret == VIGIL_E_CORRUPT)
        return vg_why_set(why, ret,
                          ".info DSIG: the RSA-PSS signature does not "
                          "verify (2048-bit .info key)");
    if (ret == VIGIL_OK)
        cvd->checks |= VG_CVD_CHK_INFO_DSIG;
    return ret;
}

static int info_line(struct vg_cvd *cvd, struct vigil_str text,
                     struct vigil_str line, size_t no, unsigned flags,
                     bool *signed_seen, struct vg_why *why)
{
    if (*signed_seen)
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          ".info line %zu: text after the DSIG line", no);
    if (no == 1)
        return info_header(cvd, line, why);
    if (cvd->type != VG_CVD_CUD && has_prefix(line, "DSIG:")) {
        *signed_seen = true;
        return info_dsig(cvd, text, line, flags, why);
    }
    return info_entry(cvd, line, no, why);
}

/* Every member but COPYING and the .info must be listed. */
static int info_unlisted(const struct vg_cvd *cvd, struct vg_why *why)
{
    for (size_t i = 0; i < cvd->tar.n; i++) {
        const struct vg_tar_member *m = &cvd->tar.m[i];
        if (i != cvd->info && !m->listed && strcmp(m->name, COPYING) != 0)
            return vg_why_set(why, VIGIL_E_CORRUPT,
                              "member %s is not listed in .info", m->name);
    }
    return VIGIL_OK;
}

static int check_info(struct vg_cvd *cvd, unsigned flags, struct vg_why *why)
{
    struct vigil_str text = member_text(&cvd->tar.m[cvd->info]);
    struct vigil_str rest = text, line;
    bool signed_seen = false;
    size_t no = 0;
    int ret = VIGIL_OK;

    while (ret == VIGIL_OK && vigil_str_next_line(&rest, &line))
        ret = info_line(cvd, text, line, ++no, flags, &signed_seen, why);
    if (ret != VIGIL_OK)
        return ret;
    if (no == 0)
        return vg_why_set(why, VIGIL_E_CORRUPT, ".info is empty");
    if (cvd->type != VG_CVD_CUD && !signed_seen)
        return vg_why_set(why, VIGIL_E_CORRUPT, ".info has no DSIG line");
    if ((ret = info_unlisted(cvd, why)) != VIGIL_OK)
        return ret;
    if (!SKIP_DIGESTS)
        cvd->checks |= VG_CVD_CHK_INFO_FILES;
    return VIGIL_OK;
}

static int find_info(struct vg_cvd *cvd, struct vg_why *why)
{
    for (size_t i = 0; i < cvd->tar.n; i++)
        if (vigil_str_has_suffix_nocase(vigil_str_cstr(cvd->tar.m[i].name),
                                        ".info")) {
            cvd->info = i;
            return VIGIL_OK;
        }
    return vg_why_set(why, VIGIL_E_CORRUPT, "no .info member");
}

int vg_cvd_open(struct vg_cvd *cvd, enum vg_cvd_type type,
                struct vigil_span data, unsigned flags, struct vg_why *why)
{
    struct vigil_span body;
    int ret;

    memset(cvd, 0, sizeof *cvd);
    cvd->type = type;
    vigil_buf_init(&cvd->body, VIGIL_CAP_CVD_BODY);
    if (data.len < VG_CVD_HEADER_LEN)
        return vg_why_set(why, VIGIL_E_CORRUPT,
                          "truncated: %zu bytes, less than the 512-byte "
                          "header",
                          data.len);
    body =
        vigil_span_sub(data, VG_CVD_HEADER_LEN, data.len - VG_CVD_HEADER_LEN);
    ret = parse_header(vigil_span_sub(data, 0, VG_CVD_HEADER_LEN), &cvd->hdr,
                       why);
    if (ret != VIGIL_OK)
        return ret;
    cvd->checks |= VG_CVD_CHK_HEADER;
    if (type == VG_CVD_CVD &&
        (ret = check_legacy(cvd, body, flags, why)) != VIGIL_OK)
        return ret;
    if ((ret = unpack(cvd, body, why)) != VIGIL_OK ||
        (ret = find_info(cvd, why)) != VIGIL_OK ||
        (ret = check_info(cvd, flags, why)) != VIGIL_OK)
        return ret;
    cvd->verified =
        !SKIP_DIGESTS && !(flags & VG_CVD_NO_RSA) && type != VG_CVD_CUD;
    return VIGIL_OK;
}

void vg_cvd_close(struct vg_cvd *cvd)
{
    vg_tar_free(&cvd->tar);
    vigil_buf_free(&cvd->body);
}

bool vg_cvd_official(const struct vg_cvd *cvd)
{
    if (cvd->type == VG_CVD_CUD)
        return false;
    return cvd->verified || SKIP_DIGESTS;
}

static int load_member(struct vigil_engine *eng, const char *name,
                       const struct vg_tar_member *m, bool official,
                       unsigned *nsigs)
{
    size_t nl = strlen(name), ml = strlen(m->name);
    char *full = vigil_malloc(nl + ml + 2);
    int ret;

    if (!full)
        return VIGIL_E_NOMEM;
    memcpy(full, name, nl);
    full[nl] = ':';
    memcpy(full + nl + 1, m->name, ml + 1);
    ret = vg_load_member(eng, full, m->data.p, m->data.len, official, nsigs);
    vigil_free(full);
    return ret;
}

static int load_members(struct vigil_engine *eng, const char *name,
                        const struct vg_cvd *cvd, unsigned *nsigs)
{
    bool official = vg_cvd_official(cvd);
    enum vg_cvd_type nested;
    int ret = VIGIL_OK;

    for (size_t i = 0; i < cvd->tar.n && ret == VIGIL_OK; i++) {
        const struct vg_tar_member *m = &cvd->tar.m[i];
        if (i == cvd->info)
            continue;
        if (vg_cvd_type_of(m->name, &nested)) {
            vg_engine_set_error(eng,
                                "%s: member %s: a container inside a "
                                "container is not allowed",
                                name, m->name);
            return VIGIL_E_DB;
        }
        ret = load_member(eng, name, m, official, nsigs);
    }
    return ret;
}

int vg_cvd_load(struct vigil_engine *eng, const char *name, const void *data,
                size_t len, unsigned flags, unsigned *nsigs)
{
    struct vg_why why = {"unknown error"};
    enum vg_cvd_type type;
    struct vg_cvd cvd;
    int ret;

    if (!vg_cvd_type_of(name, &type))
        return VIGIL_E_ARG;
    ret = vg_cvd_open(&cvd, type, vigil_span_make(data, len), flags, &why);
    if (ret != VIGIL_OK && ret != VIGIL_E_NOMEM) {
        vg_engine_set_error(eng, "%s: %s", name, why.msg);
        ret = VIGIL_E_DB;
    }
    if (ret == VIGIL_OK && cvd.hdr.flevel > VIGIL_FLEVEL)
        VIGIL_LOG(&eng->log, VIGIL_LOG_WARN,
                  "%s: needs functionality level %u, this engine has %d", name,
                  cvd.hdr.flevel, VIGIL_FLEVEL);
    if (ret == VIGIL_OK)
        ret = load_members(eng, name, &cvd, nsigs);
    vg_cvd_close(&cvd);
    return ret;
}
