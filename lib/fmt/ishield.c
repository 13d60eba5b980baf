// SPDX-License-Identifier: GPL-2.0-or-later
// ishield.c: the files an InstallShield setup.exe appends to its PE.
//
// Two layouts (docs/internals/PARSERS.md, "InstallShield"):
// - the "InstallShield\0" table: a 46-byte header (magic, u16 file count),
//   then per file a 312-byte entry (NUL-terminated name in 260 bytes, u32 6,
//   u32 0, u64 stored size at +268 ...) and the stored bytes, obfuscated
//   with a key made from the name and zlib-compressed;
// - the plain stream: per file four NUL-terminated strings (name, path,
//   version, decimal size) followed by that many bytes stored as they are.
#include "fmt/ishield.h"

#include <string.h>

#include "fmt/inflate.h"
#include "fmt/iscab.h"
#include "fmt/outbuf.h"
#include "util/alloc.h"
#include "vigil/vigil.h"

#define IS_MAGIC "InstallShield"
#define IS_MAGIC_LEN 14u /* with its NUL */
#define IS_HDR_LEN 46u
#define IS_NAME_LEN 260u
#define IS_ENTRY_LEN 312u
#define IS_SIZE_AT 268u /* u64 stored size inside an entry */
#define IS_BLOCK 1024u  /* the key restarts every block */
/* Longest string of a plain-stream entry that is believed, and the most
 * entries read from either layout (a setup carries tens of files). */
#define PLAIN_STR_MAX 1024u
#define IS_MAX_FILES 65536u
/* How many "InstallShield" strings are tried before giving up (setup
 * stubs quote the name in their resources and strings). */
#define IS_MAX_CANDIDATES 4096u

static const uint8_t is_xor[4] = {0x13, 0x35, 0x86, 0x07};

/* ---- the "InstallShield\0" table ---------------------------------------- */

/* The first entry after a header at @p at looks like ClamAV's ISHIELD_MSI
 * type pattern: u32 6, u32 0, a size, u32 0, then 1. */
static bool table_at(struct vigil_span d, size_t at)
{
    struct vigil_cursor c = vigil_cur_from_span(d);
    size_t e = at + IS_HDR_LEN + IS_NAME_LEN;
    uint32_t six, zero, zero2;
    uint8_t one;
    if (!vigil_cur_seek(&c, e))
        return false;
    six = vigil_cur_u32le(&c);
    zero = vigil_cur_u32le(&c);
    (void)vigil_cur_u64le(&c);
    zero2 = vigil_cur_u32le(&c);
    one = vigil_cur_u8(&c);
    return !vigil_cur_failed(&c) && six == 6 && zero == 0 && zero2 == 0 &&
           one == 1;
}

static bool find_table(struct vigil_span d, size_t *off)
{
    size_t pos = 0;
    for (unsigned n = 0; n < IS_MAX_CANDIDATES && pos < d.len; n++) {
        const uint8_t *p = memmem(d.p + pos, d.len - pos, IS_MAGIC, IS_MAGIC_LEN);
        if (!p)
            return false;
        pos = (size_t)(p - d.p);
        if (table_at(d, pos)) {
            *off = pos;
            return true;
        }
        pos++;
    }
    return false;
}

/* Undo the obfuscation: within each 1024-byte block, byte j is the
 * complement of the nibble-swapped stored byte, xor-ed with the key byte
 * j % len(name), where the key is the name xor-ed with is_xor. */
static void deobfuscate(uint8_t *p, size_t n, const uint8_t *name, size_t nlen)
{
    uint8_t key[IS_NAME_LEN];
    for (size_t i = 0; i < nlen; i++)
        key[i] = name[i] ^ is_xor[i % 4];
    for (size_t i = 0; i < n; i++) {
        uint8_t b = (uint8_t)((p[i] >> 4) | (p[i] << 4));
        p[i] = (uint8_t)(~b ^ key[(i % IS_BLOCK) % nlen]);
    }
}

/* One stored file: deobfuscate a copy, inflate it if it is a zlib
 * stream, emit. */
static int table_file(struct vigil_span stored, const char *name, size_t nlen,
                      const struct vg_extract *x, struct vg_out *o)
{
    struct vg_child_info ci = vg_child_info_none();
    uint8_t *buf;
    size_t n;
    int ret = VIGIL_OK, e;
    ci.name = name;
    ci.packed_size = stored.len;
    vg_out_reset(o);
    if (stored.len == 0)
        return vg_out_emit(o, x, &ci);
    /* Only what can reach the output is copied: deflate's stored blocks
     * cost 5 bytes per 64 KiB, so limit + limit/1024 + 1 KiB suffices. */
    n = o->limit + o->limit / 1024 + 1024;
    if (n > stored.len)
        n = stored.len;
    if (!(buf = vigil_malloc(n)))
        return VIGIL_E_NOMEM;
    memcpy(buf, stored.p, n);
    deobfuscate(buf, n, (const uint8_t *)name, nlen);
    if (buf[0] == 0x78)
        ret = vg_inflate(vigil_span_make(buf, n), o);
    else
        ret = vg_out_put(o, buf, n);
    vigil_free(buf);
    if (ret == VIGIL_E_NOMEM)
        return ret;
    e = vg_out_emit(o, x, &ci);
    return e != VIGIL_OK ? e : ret;
}

static int table_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct vigil_cursor c = vigil_cur_from_span(in);
    struct vg_out o;
    uint16_t count;
    int ret = VIGIL_OK;
    bool corrupt = false;
    vigil_cur_skip(&c, IS_MAGIC_LEN);
    count = vigil_cur_u16le(&c);
    if (!vigil_cur_skip(&c, IS_HDR_LEN - IS_MAGIC_LEN - 2))
        return VIGIL_E_CORRUPT;
    vg_out_init(&o, x->max_child);
    for (unsigned i = 0; i < count && ret == VIGIL_OK; i++) {
        struct vigil_span ent = vigil_cur_bytes(&c, IS_ENTRY_LEN);
        char name[IS_NAME_LEN + 1];
        uint64_t size;
        size_t nlen;
        if (ent.len != IS_ENTRY_LEN) {
            corrupt = true;
            break;
        }
        nlen = strnlen((const char *)ent.p, IS_NAME_LEN);
        memcpy(name, ent.p, nlen);
        name[nlen] = '\0';
        size = vigil_load_u64le_unchecked(ent.p + IS_SIZE_AT);
        if (nlen == 0 || size > vigil_cur_remaining(&c)) {
            corrupt = true; /* no key, or cut: the rest is not findable */
            if (nlen == 0)
                break;
            size = vigil_cur_remaining(&c);
        }
        ret = table_file(vigil_cur_bytes(&c, (size_t)size), name, nlen, x, &o);
        if (ret == VIGIL_E_CORRUPT) {
            corrupt = true;
            ret = VIGIL_OK;
        }
    }
    vg_out_free(&o);
    if (ret == VIGIL_OK && corrupt)
        ret = VIGIL_E_CORRUPT;
    return ret;
}

/* ---- the plain stream --------------------------------------------------- */

struct plain_entry {
    struct vigil_span name, path, version;
    uint64_t size;
};

/* A NUL-terminated string of printable bytes, 1..PLAIN_STR_MAX long. */
static bool plain_str(struct vigil_cursor *c, struct vigil_span *out)
{
    struct vigil_span rest = vigil_cur_rest(c);
    size_t max = rest.len < PLAIN_STR_MAX + 1 ? rest.len : PLAIN_STR_MAX + 1;
    const uint8_t *nul = max ? memchr(rest.p, 0, max) : NULL;
    size_t n;
    if (!nul || nul == rest.p)
        return false;
    n = (size_t)(nul - rest.p);
    for (size_t i = 0; i < n; i++)
        if (rest.p[i] < 0x20 || rest.p[i] == 0x7f)
            return false;
    *out = vigil_cur_bytes(c, n);
    return vigil_cur_skip(c, 1);
}

static bool all_of(struct vigil_span s, const char *set)
{
    for (size_t i = 0; i < s.len; i++)
        if (!memchr(set, s.p[i], strlen(set)))
            return false;
    return true;
}

/* Read one entry header; the cursor then stands at the file's bytes. */
static bool plain_entry(struct vigil_cursor *c, struct plain_entry *e)
{
    uint64_t v = 0;
    struct vigil_span sz;
    if (!plain_str(c, &e->name) || !plain_str(c, &e->path) ||
        !plain_str(c, &e->version) || !plain_str(c, &sz))
        return false;
    if (!all_of(e->version, "0123456789.") || sz.len > 19 ||
        !all_of(sz, "0123456789"))
        return false;
    for (size_t i = 0; i < sz.len; i++)
        v = v * 10 + (uint64_t)(sz.p[i] - '0'); /* 19 digits fit */
    e->size = v;
    return true;
}

static bool plain_at(struct vigil_span d, size_t at)
{
    struct vigil_cursor c = vigil_cur_from_span(d);
    struct plain_entry e;
    return vigil_cur_seek(&c, at) && plain_entry(&c, &e) &&
           e.size <= vigil_cur_remaining(&c);
}

/* Whether @p name ends with @p suffix, ignoring ASCII case. */
static bool ends_with(struct vigil_span name, const char *suffix)
{
    size_t n = strlen(suffix);
    if (name.len < n)
        return false;
    for (size_t i = 0; i < n; i++) {
        uint8_t a = name.p[name.len - n + i], b = (uint8_t)suffix[i];
        if ((a | 0x20) != (b | 0x20))
            return false;
    }
    return true;
}

/* An InstallShield cabinet's header (dataN.hdr) and the stream that holds
 * its volumes (dataN.cab): the header is a file of the stream. */
#define ISC_VOLUMES 64u
struct iscab_ctx {
    struct vigil_span stream, hdr, prefix; /* prefix: "data" of data1.hdr */
    struct vigil_span vol[ISC_VOLUMES];
    bool looked[ISC_VOLUMES];
};

/* @return true if @p name is prefix + decimal vol + ".cab". */
static bool is_volume_name(struct vigil_span name, struct vigil_span prefix,
                           unsigned vol)
{
    char digits[8];
    size_t nd = 0;
    do
        digits[nd++] = (char)('0' + vol % 10);
    while ((vol /= 10) && nd < sizeof digits);
    if (name.len != prefix.len + nd + 4 || !ends_with(name, ".cab"))
        return false;
    for (size_t i = 0; i < prefix.len; i++)
        if ((name.p[i] | 0x20) != (prefix.p[i] | 0x20))
            return false;
    for (size_t i = 0; i < nd; i++)
        if (name.p[prefix.len + i] != digits[nd - 1 - i])
            return false;
    return true;
}

/* The stream file named like volume @p vol, or {NULL, 0}. */
static struct vigil_span find_volume(const struct iscab_ctx *ic, unsigned vol)
{
    struct vigil_cursor c = vigil_cur_from_span(ic->stream);
    struct vigil_span none = {NULL, 0};
    for (unsigned i = 0; i < IS_MAX_FILES; i++) {
        struct plain_entry e;
        if (!plain_entry(&c, &e) || e.size > vigil_cur_remaining(&c))
            return none;
        if (is_volume_name(e.name, ic->prefix, vol))
            return vigil_cur_bytes(&c, (size_t)e.size);
        vigil_cur_skip(&c, (size_t)e.size);
    }
    return none;
}

/* vg_iscab_volume_fn: each volume is looked up once (a walk of the
 * stream), then remembered. */
static bool iscab_volume(void *ctx, unsigned vol, struct vigil_span *out)
{
    struct iscab_ctx *ic = ctx;
    if (vol >= ISC_VOLUMES)
        return false;
    if (!ic->looked[vol]) {
        ic->vol[vol] = find_volume(ic, vol);
        ic->looked[vol] = true;
    }
    *out = ic->vol[vol];
    return out->p != NULL;
}

/* Remember the first "ISc(" file named *N.hdr of the stream. */
static void note_header(struct iscab_ctx *ic, const struct plain_entry *e,
                        struct vigil_span data)
{
    size_t n;
    if (ic->hdr.p || !ends_with(e->name, ".hdr") || !vg_iscab_is(data))
        return;
    n = e->name.len - 4;
    while (n > 0 && e->name.p[n - 1] >= '0' && e->name.p[n - 1] <= '9')
        n--;
    ic->hdr = data;
    ic->prefix = vigil_span_make(e->name.p, n);
}

static int plain_walk(struct vigil_cursor *c, const struct vg_extract *x,
                      struct iscab_ctx *ic)
{
    for (unsigned i = 0; i < IS_MAX_FILES && vigil_cur_remaining(c) > 0; i++) {
        struct vg_child_info ci = vg_child_info_none();
        struct plain_entry e;
        struct vigil_span data;
        char name[PLAIN_STR_MAX + 1];
        bool cut;
        int ret;
        if (!plain_entry(c, &e))
            return i == 0 ? VIGIL_E_CORRUPT : VIGIL_OK; /* trailing data */
        memcpy(name, e.name.p, e.name.len);
        name[e.name.len] = '\0';
        ci.name = name;
        ci.declared_size = e.size;
        cut = e.size > vigil_cur_remaining(c);
        data = vigil_cur_bytes(c, cut ? vigil_cur_remaining(c) : (size_t)e.size);
        if (!cut)
            note_header(ic, &e, data);
        if ((ret = vg_emit_span(x, data, &ci)) != VIGIL_OK)
            return ret;
        if (cut)
            return VIGIL_E_CORRUPT;
    }
    return VIGIL_OK;
}

static int plain_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct vigil_cursor c = vigil_cur_from_span(in);
    struct iscab_ctx ic;
    int ret, r2;
    memset(&ic, 0, sizeof ic);
    ic.stream = in;
    ret = plain_walk(&c, x, &ic);
    if ((ret != VIGIL_OK && ret != VIGIL_E_CORRUPT) || !ic.hdr.p)
        return ret;
    /* The cabinet's files are children of the setup, as ClamAV has them. */
    r2 = vg_iscab_extract(ic.hdr, iscab_volume, &ic, x);
    if (r2 == VIGIL_E_UNSUPPORTED)
        r2 = VIGIL_OK;
    return r2 != VIGIL_OK && r2 != VIGIL_E_CORRUPT ? r2
           : ret != VIGIL_OK                      ? ret
                                                  : r2;
}

/* ---- where the payload is ---------------------------------------------- */

/* The end of the PE's furthest section data (its overlay starts there),
 * or 0 if the headers cannot be read. */
static size_t pe_overlay(struct vigil_span d)
{
    struct vigil_cursor c = vigil_cur_from_span(d);
    uint32_t lfanew = vigil_cur_u32le_at(&c, 0x3c);
    uint16_t nsec, optsz;
    uint64_t end = 0;
    size_t sect;
    if (vigil_cur_failed(&c) || vigil_cur_u32le_at(&c, lfanew) != 0x4550)
        return 0;
    nsec = vigil_cur_u16le_at(&c, (size_t)lfanew + 6);
    optsz = vigil_cur_u16le_at(&c, (size_t)lfanew + 20);
    sect = (size_t)lfanew + 24 + optsz;
    for (unsigned i = 0; i < nsec; i++) {
        size_t at = sect + (size_t)i * 40;
        uint64_t raw = vigil_cur_u32le_at(&c, at + 20);
        uint64_t rsz = vigil_cur_u32le_at(&c, at + 16);
        if (vigil_cur_failed(&c))
            return 0;
        if (rsz && raw + rsz > end)
            end = raw + rsz;
    }
    return end < d.len ? (size_t)end : 0;
}

bool vg_ishield_find(struct vigil_span d, bool is_pe, size_t *off,
                     enum vg_ftype *et)
{
    size_t at = is_pe ? pe_overlay(d) : 0;
    if ((!is_pe || at > 0) && plain_at(d, at)) {
        *off = at;
        *et = is_pe ? VG_FT_PE : VG_FT_BINARY_DATA;
        return true;
    }
    if (find_table(d, off)) {
        *et = VG_FT_ISHIELD_MSI;
        return true;
    }
    return false;
}

int vg_ishield_extract(struct vigil_span in, const struct vg_extract *x)
{
    if (in.len >= IS_MAGIC_LEN && memcmp(in.p, IS_MAGIC, IS_MAGIC_LEN) == 0)
        return table_extract(in, x);
    return plain_extract(in, x);
}
