// SPDX-License-Identifier: GPL-2.0-or-later
// pe_imports.c: the PE import table walked the way ClamAV 1.4.6 builds its
// .imp hash input: "dll.func" pieces, lower case, joined by ','.
#include <string.h>

#include "fmt/exe_private.h"
#include "fmt/pe_ordinals.h"

/*
 * ClamAV's rules (hash_imptbl / hash_impfns, pe.c), as established with
 * clamscan (docs/internals/EXE.md):
 *  - PE32 only: cli_scanpe stops before the import hash for PE32+.
 *  - Import directory RVA and size non-zero; the RVA must map and the
 *    directory lie inside the file. Descriptors (20 bytes) are read while
 *    more than 20 bytes remain, at most 1024, until one has Name == 0.
 *  - DLL name: Name must map; up to 256 bytes, to the first NUL; not
 *    validated. Its length drops a first-dot extension .dll/.ocx/.sys.
 *  - Thunks: OriginalFirstThunk if it maps to a non-zero offset, else
 *    FirstThunk (must map). 32-bit entries until 0 or the end of the file.
 *    Bit 31 set: an ordinal, named from the winsock/oleaut32 tables or
 *    "ordN". Otherwise the Hint/Name RVA; when it maps nowhere ClamAV reads
 *    at offset 0 (it tests the wrong variable). The name is skipped when
 *    fewer than 258 bytes follow its offset; it must be [A-Za-z0-9_.]*.
 *  - Any failure means no hash at all.
 * The import hash size is the number of bytes hashed. vigil computes no
 * hash for more than IMP_MAX_FUNCS functions or VG_EXE_MAX_SECTIONS
 * sections (ClamAV has no bound on either).
 */

#define IMP_DESC 20u
#define IMP_MAX_DESCS 1024u
#define IMP_MAX_NAME 256u
#define IMP_MAX_FUNCS 65536u /* ClamAV: unbounded; more gives no hash */

struct imp_walk {
    struct vigil_span data;
    const struct vg_exe_info *pe;
    vg_imp_feed feed;
    void *ctx;
    bool first;
    uint32_t funcs;
    char dll[IMP_MAX_NAME + 1];
    size_t dll_len, dll_stem; /* name length; length hashed */
};

/* Copy the NUL-terminated string at off, at most max bytes, into out. */
static size_t read_name(struct vigil_span d, uint64_t off, size_t max,
                        char *out)
{
    size_t n = 0;

    while (n < max && off + n < d.len && d.p[off + n] != 0) {
        out[n] = (char)d.p[off + n];
        n++;
    }
    out[n] = '\0';
    return n;
}

static char lower(char ch)
{
    return ch >= 'A' && ch <= 'Z' ? (char)(ch - 'A' + 'a') : ch;
}

static bool valid_name(const char *s)
{
    for (; *s; s++)
        if (!((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'z') ||
              (*s >= 'A' && *s <= 'Z') || *s == '_' || *s == '.'))
            return false;
    return true;
}

static bool prefix_nocase(const char *s, const char *prefix)
{
    for (; *prefix; s++, prefix++)
        if (lower(*s) != lower(*prefix))
            return false;
    return true;
}

/* The DLL name without a first-dot ".dll", ".ocx" or ".sys". */
static size_t dll_stem(const char *dll, size_t len)
{
    const char *dot = strchr(dll, '.');

    if (dot && (prefix_nocase(dot, ".ocx") || prefix_nocase(dot, ".sys") ||
                prefix_nocase(dot, ".dll")))
        return (size_t)(dot - dll);
    return len;
}

/* Append one "dll.func" piece (',' first unless it is the first). */
static bool feed_piece(struct imp_walk *w, const char *func)
{
    char piece[1 + IMP_MAX_NAME + 1 + IMP_MAX_NAME + 1];
    size_t n = 0;

    if (!valid_name(func))
        return false;
    if (!w->first)
        piece[n++] = ',';
    for (size_t i = 0; i < w->dll_stem; i++)
        piece[n++] = lower(w->dll[i]);
    piece[n++] = '.';
    for (size_t i = 0; func[i] != '\0'; i++)
        piece[n++] = lower(func[i]);
    w->feed(w->ctx, piece, n);
    w->first = false;
    return true;
}

static void ordinal_name(const char *dll, uint32_t ord, char *out)
{
    const char *name = NULL;
    size_t n = 0;
    char digits[12];

    if (prefix_nocase(dll, "WS2_32.dll") || prefix_nocase(dll, "wsock32.dll"))
        name = vg_pe_ordinal_name(VG_PE_ORD_WINSOCK, (uint16_t)ord);
    else if (prefix_nocase(dll, "oleaut32.dll"))
        name = vg_pe_ordinal_name(VG_PE_ORD_OLEAUT32, (uint16_t)ord);
    if (name) {
        memcpy(out, name, strlen(name) + 1);
        return;
    }
    do
        digits[n++] = (char)('0' + ord % 10);
    while ((ord /= 10) != 0);
    memcpy(out, "ord", 3);
    for (size_t i = 0; i < n; i++)
        out[3 + i] = digits[n - 1 - i];
    out[3 + n] = '\0';
}

/* The function named by one thunk. @return false if ClamAV skips it. */
static bool thunk_name(struct imp_walk *w, uint32_t thunk, char *out)
{
    uint32_t off;

    if (thunk & 0x80000000u) {
        ordinal_name(w->dll, thunk & 0xffffu, out);
        return true;
    }
    if (!vg_pe_rawaddr(w->data, w->pe, thunk, &off))
        off = 0;
    /* ClamAV maps min(256, size - off) bytes from off + 2 (past the
     * Hint): near the end of the file that fails and the name is
     * silently left out. */
    if (w->data.len - off < 2 + IMP_MAX_NAME)
        return false;
    read_name(w->data, (uint64_t)off + 2, IMP_MAX_NAME, out);
    return true;
}

/* One DLL's thunk array. @return false when there is no hash. */
static bool walk_thunks(struct imp_walk *w, uint32_t thuoff)
{
    struct vigil_cursor c = vigil_cur_from_span(w->data);
    char func[IMP_MAX_NAME + 16];

    for (;;) {
        uint32_t thunk = vigil_cur_u32le_at(&c, thuoff);

        if (vigil_cur_failed(&c) || thunk == 0)
            return true;
        if (++w->funcs > IMP_MAX_FUNCS)
            return false;
        thuoff += 4;
        if (thunk_name(w, thunk, func) && !feed_piece(w, func))
            return false;
    }
}

/* One import descriptor: {OriginalFirstThunk, TimeDateStamp,
 * ForwarderChain, Name, FirstThunk}. @return false when there is no
 * hash. */
static bool walk_dll(struct imp_walk *w, uint32_t oft, uint32_t name_rva,
                     uint32_t ft)
{
    uint32_t off, thuoff = 0;
    bool ok = true;

    if (!vg_pe_rawaddr(w->data, w->pe, name_rva, &off) || off >= w->data.len)
        return false;
    w->dll_len = read_name(w->data, off, IMP_MAX_NAME, w->dll);
    w->dll_stem = dll_stem(w->dll, w->dll_len);
    if (oft)
        ok = vg_pe_rawaddr(w->data, w->pe, oft, &thuoff);
    if (!ok || thuoff == 0)
        ok = vg_pe_rawaddr(w->data, w->pe, ft, &thuoff);
    return ok && walk_thunks(w, thuoff);
}

bool vg_pe_imports_walk(struct vigil_span data, const struct vg_exe_info *pe,
                        vg_imp_feed feed, void *ctx)
{
    struct vigil_cursor c = vigil_cur_from_span(data);
    struct imp_walk w = {
        .data = data, .pe = pe, .feed = feed, .ctx = ctx, .first = true};
    uint32_t off, left = pe->pe.imp_size;

    /* Each name costs a walk over the sections: bound that work. */
    if (pe->kind != VG_EXE_PE || !pe->pe.hashable ||
        pe->nsections > VG_EXE_MAX_SECTIONS ||
        pe->pe.pe32plus || pe->pe.imp_rva == 0 || left == 0 ||
        !vg_pe_rawaddr(data, pe, pe->pe.imp_rva, &off) ||
        off + (uint64_t)left > data.len)
        return false;
    for (uint32_t i = 0; left > IMP_DESC && i < IMP_MAX_DESCS; i++) {
        size_t at = (size_t)off + (size_t)i * IMP_DESC;
        uint32_t name = vigil_cur_u32le_at(&c, at + 12);

        if (name == 0)
            break;
        left -= IMP_DESC;
        if (!walk_dll(&w, vigil_cur_u32le_at(&c, at), name,
                      vigil_cur_u32le_at(&c, at + 16)))
            return false;
    }
    return !vigil_cur_failed(&c);
}
