// SPDX-License-Identifier: GPL-2.0-or-later
// nsis.c: the data blocks of a Nullsoft (NSIS) installer, decompressed
// through zlib and liblzma.
//
// Layout (NSIS's format notes): after the PE stub, at a 512-byte aligned
// offset, a 28-byte "first header" (flags, 0xDEADBEEF "NullsoftInst",
// the uncompressed script header's size, the archive's size counted from
// the first header and including a trailing CRC32). Then either
//  - non-solid: blocks of a 4-byte length (high bit: compressed) and the
//    data, the script header first, then one block per file; or
//  - solid: one compressed stream holding the same blocks, each a 4-byte
//    length and the data (no compression bit).
// Compression is raw deflate, LZMA (5 property bytes then the raw
// stream, no size; 7-Zip-built NSIS puts a BCJ flag byte before them) or
// NSIS's headerless bzip2 (not supported: libbz2 needs the stream and
// block headers NSIS strips). The archive does not say which: like other
// readers, each candidate is tried and the one whose output has the
// shape of a script header wins.
#include "fmt/nsis.h"

#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fmt/outbuf.h"
#include "vigil/vigil.h"

static const uint8_t nsis_sig[16] = {0xef, 0xbe, 0xad, 0xde, 'N', 'u',
                                     'l',  'l',  's',  'o',  'f', 't',
                                     'I',  'n',  's',  't'};

#define NSIS_COMPRESSED 0x80000000u
#define NSIS_LEN_MASK 0x7fffffffu
#define LZMA_PROPS 5u
/* liblzma's bounds for an LZMA1 properties byte (lc + lp <= 4). */
#define LZMA_PROPS_BYTE_MAX (9u * 5u * 5u)
/* Blocks (files) per installer that are looked at. */
#define NSIS_MAX_ITEMS 65536u
/* A solid stream is decoded for at most this many times max_child in
 * all, or NSIS_TOTAL_MIN if more (the files skipped past the limit count
 * too: a small child limit must not hide the files after a big one). */
#define NSIS_TOTAL_FACTOR 16u
#define NSIS_TOTAL_MIN ((uint64_t)64 << 20)
/* Decoder output is handed over in chunks of this size. */
#define NSIS_CHUNK ((size_t)64 << 10)
/* Largest LZMA dictionary allocated (NSIS's own limit is lower); a larger
 * declared one is cut to it. */
#define NSIS_DICT_MAX ((uint64_t)256 << 20)
/* Output needed to accept a candidate method on a non-solid header. */
#define NSIS_PROBE 4096u

enum nsis_method {
    NSIS_STORED,
    NSIS_DEFLATE,
    NSIS_LZMA,
    NSIS_LZMA_FLAG, /* a BCJ flag byte before the LZMA properties */
};

/* One compressed stream being read. */
struct dec {
    enum nsis_method m;
    z_stream z;
    lzma_stream l;
    bool live;  /* a decoder was set up (close it) */
    bool ended; /* no more output */
};

/* ---- decoders ------------------------------------------------------------ */

static int lzma_setup(struct dec *d, struct vigil_span in, uint64_t dict_cap)
{
    lzma_options_lzma opt;
    lzma_filter f[3];
    size_t at = d->m == NSIS_LZMA_FLAG ? 1 : 0, nf = 0;
    uint8_t b;
    uint32_t dict;
    if (in.len < at + LZMA_PROPS || (at && in.p[0] > 1) ||
        in.p[at] >= LZMA_PROPS_BYTE_MAX)
        return VIGIL_E_CORRUPT;
    b = in.p[at];
    memset(&opt, 0, sizeof opt);
    opt.lc = b % 9u;
    opt.lp = (b / 9u) % 5u;
    opt.pb = b / 45u;
    dict = vigil_load_u32le_unchecked(in.p + at + 1);
    /* The decoder allocates its whole dictionary up front; it never needs
     * more than the output it will be asked for. */
    if (dict_cap > NSIS_DICT_MAX)
        dict_cap = NSIS_DICT_MAX;
    if (dict > dict_cap)
        dict = (uint32_t)dict_cap;
    opt.dict_size = dict < LZMA_DICT_SIZE_MIN ? LZMA_DICT_SIZE_MIN : dict;
    if (at && in.p[0] == 1)
        f[nf++] = (lzma_filter){LZMA_FILTER_X86, NULL};
    f[nf++] = (lzma_filter){LZMA_FILTER_LZMA1, &opt};
    f[nf] = (lzma_filter){LZMA_VLI_UNKNOWN, NULL};
    d->l = (lzma_stream)LZMA_STREAM_INIT;
    switch (lzma_raw_decoder(&d->l, f)) {
    case LZMA_OK: break;
    case LZMA_MEM_ERROR: return VIGIL_E_NOMEM;
    default: return VIGIL_E_CORRUPT;
    }
    d->live = true;
    d->l.next_in = in.p + at + LZMA_PROPS;
    d->l.avail_in = in.len - at - LZMA_PROPS;
    return VIGIL_OK;
}

static int deflate_setup(struct dec *d, struct vigil_span in)
{
    memset(&d->z, 0, sizeof d->z);
    if (inflateInit2(&d->z, -MAX_WBITS) != Z_OK)
        return VIGIL_E_NOMEM;
    d->live = true;
    d->z.next_in = (Bytef *)(uintptr_t)in.p; /* zlib does not write it */
    /* zlib counts in 32 bits; an archive size is 32 bits too. */
    d->z.avail_in = in.len > UINT32_MAX ? UINT32_MAX : (uInt)in.len;
    return VIGIL_OK;
}

/* Start decoding @p in with method @p m; the dictionary is cut to
 * @p dict_cap (the most output wanted). */
static int dec_open(struct dec *d, enum nsis_method m, struct vigil_span in,
                    uint64_t dict_cap)
{
    memset(d, 0, sizeof *d);
    d->m = m;
    if (m == NSIS_DEFLATE)
        return deflate_setup(d, in);
    return lzma_setup(d, in, dict_cap);
}

static void dec_close(struct dec *d)
{
    if (!d->live)
        return;
    if (d->m == NSIS_DEFLATE)
        inflateEnd(&d->z);
    else
        lzma_end(&d->l);
    d->live = false;
}

/* One decoder call into out[0, n). @return VIGIL_OK, VIGIL_E_CORRUPT,
 * VIGIL_E_NOMEM; d->ended once nothing more will come (a call that makes
 * no progress ends the stream, so callers' loops are bounded). */
static int dec_step(struct dec *d, uint8_t *out, size_t n, size_t *got)
{
    if (d->m == NSIS_DEFLATE) {
        uInt room = n > UINT32_MAX ? UINT32_MAX : (uInt)n;
        uInt in0 = d->z.avail_in;
        int zr;
        d->z.next_out = out;
        d->z.avail_out = room;
        zr = inflate(&d->z, Z_NO_FLUSH);
        *got = room - d->z.avail_out;
        if (zr == Z_OK && (*got > 0 || (d->z.avail_in && d->z.avail_in < in0)))
            return VIGIL_OK;
        d->ended = true;
        if (zr == Z_STREAM_END)
            return VIGIL_OK;
        /* Also Z_OK or Z_BUF_ERROR with the input used up: cut short. */
        return zr == Z_MEM_ERROR ? VIGIL_E_NOMEM : VIGIL_E_CORRUPT;
    }
    size_t in0 = d->l.avail_in;
    d->l.next_out = out;
    d->l.avail_out = n;
    lzma_ret lr = lzma_code(&d->l, in0 ? LZMA_RUN : LZMA_FINISH);
    *got = n - d->l.avail_out;
    if (lr == LZMA_OK && (*got > 0 || d->l.avail_in < in0))
        return VIGIL_OK;
    d->ended = true;
    /* NSIS's LZMA has no end marker: the input running out is its end. */
    if (lr == LZMA_STREAM_END || lr == LZMA_OK || lr == LZMA_BUF_ERROR)
        return VIGIL_OK;
    return lr == LZMA_MEM_ERROR ? VIGIL_E_NOMEM : VIGIL_E_CORRUPT;
}

/* Read up to n bytes. @p got < n only once d->ended. */
static int dec_read(struct dec *d, uint8_t *out, size_t n, size_t *got)
{
    *got = 0;
    while (*got < n && !d->ended) {
        size_t k = 0;
        int ret = dec_step(d, out + *got, n - *got, &k);
        *got += k;
        if (ret != VIGIL_OK)
            return ret;
    }
    return VIGIL_OK;
}

/* ---- finding the method ---------------------------------------------------- */

static const enum nsis_method candidates[] = {NSIS_LZMA, NSIS_LZMA_FLAG,
                                              NSIS_DEFLATE};

/* Does @p s decode with @p m into what a solid archive starts with (the
 * script header's length), or for a non-solid block into at least
 * min(want, NSIS_PROBE) bytes? */
static int method_fits(enum nsis_method m, struct vigil_span s, bool solid,
                       uint32_t hsize, bool *fits)
{
    uint8_t buf[NSIS_PROBE];
    size_t want = solid ? 4 : (hsize < NSIS_PROBE ? hsize : NSIS_PROBE), got;
    struct dec d;
    int ret = dec_open(&d, m, s, NSIS_PROBE);
    *fits = false;
    if (ret == VIGIL_OK)
        ret = dec_read(&d, buf, want, &got);
    dec_close(&d);
    if (ret == VIGIL_E_NOMEM)
        return ret;
    if (ret == VIGIL_OK && want > 0 && got == want)
        *fits = !solid ||
                (vigil_load_u32le_unchecked(buf) & NSIS_LEN_MASK) == hsize;
    return VIGIL_OK;
}

/* @param[out] m  the first candidate that fits, if *found */
static int find_method(struct vigil_span s, bool solid, uint32_t hsize,
                       enum nsis_method *m, bool *found)
{
    *found = false;
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        int ret = method_fits(candidates[i], s, solid, hsize, found);
        if (ret != VIGIL_OK || *found) {
            *m = candidates[i];
            return ret;
        }
    }
    return VIGIL_OK;
}

/* ---- walking the archive --------------------------------------------------- */

struct nsis {
    const struct vg_extract *x;
    struct vigil_span body; /* after the first header, to the archive end */
    uint32_t hsize;
    enum nsis_method m;
    bool method_known;
    struct vg_out out;
    uint8_t chunk[NSIS_CHUNK];
};

static int emit_out(struct nsis *a, uint64_t declared, uint64_t packed)
{
    struct vg_child_info ci = vg_child_info_none();
    int ret = VIGIL_OK;
    ci.declared_size = declared;
    ci.packed_size = packed;
    if (vg_out_span(&a->out).len > 0 || a->out.truncated)
        ret = vg_out_emit(&a->out, a->x, &ci);
    vg_out_reset(&a->out);
    return ret;
}

/* Decode up to @p n bytes into a->out, keeping what fits (the rest is
 * decoded and dropped). @p *used counts the bytes decoded. */
static int pump(struct nsis *a, struct dec *d, uint64_t n, uint64_t *used)
{
    while (n > 0 && !d->ended) {
        size_t want = n < NSIS_CHUNK ? (size_t)n : NSIS_CHUNK, got;
        int ret = dec_read(d, a->chunk, want, &got);
        if (got && !a->out.truncated &&
            vg_out_put(&a->out, a->chunk, got) != VIGIL_OK)
            return VIGIL_E_NOMEM;
        n -= got;
        *used += got;
        if (ret != VIGIL_OK)
            return ret;
    }
    return VIGIL_OK;
}

static int compressed_block(struct nsis *a, struct vigil_span blk)
{
    struct dec d;
    uint64_t used = 0;
    int ret;
    if (!a->method_known) {
        ret = find_method(blk, false, 1, &a->m, &a->method_known);
        if (ret != VIGIL_OK)
            return ret;
        if (!a->method_known)
            return VIGIL_E_UNSUPPORTED;
    }
    ret = dec_open(&d, a->m, blk, a->out.limit + 1);
    if (ret == VIGIL_OK)
        ret = pump(a, &d, a->out.limit + 1, &used);
    dec_close(&d);
    if (ret == VIGIL_E_NOMEM)
        return ret;
    int er = emit_out(a, 0, blk.len);
    return er != VIGIL_OK ? er : ret;
}

static int nonsolid(struct nsis *a)
{
    struct vigil_cursor c = vigil_cur_from_span(a->body);
    for (unsigned i = 0; i < NSIS_MAX_ITEMS && vigil_cur_remaining(&c) >= 4;
         i++) {
        uint32_t l = vigil_cur_u32le(&c);
        size_t n = l & NSIS_LEN_MASK;
        struct vigil_span blk;
        int ret;
        if (n > vigil_cur_remaining(&c))
            /* The archive's last 4 bytes are its CRC. */
            return vigil_cur_remaining(&c) == 0 ? VIGIL_OK : VIGIL_E_CORRUPT;
        blk = vigil_cur_bytes(&c, n);
        if (n == 0)
            continue;
        if (l & NSIS_COMPRESSED)
            ret = compressed_block(a, blk);
        else {
            struct vg_child_info ci = vg_child_info_none();
            ret = vg_emit_span(a->x, blk, &ci);
        }
        if (ret != VIGIL_OK)
            return ret;
    }
    return VIGIL_OK;
}

static uint64_t solid_budget(const struct vg_extract *x)
{
    uint64_t m = x->max_child;
    if (m > UINT64_MAX / NSIS_TOTAL_FACTOR)
        return UINT64_MAX;
    m *= NSIS_TOTAL_FACTOR;
    return m < NSIS_TOTAL_MIN ? NSIS_TOTAL_MIN : m;
}

/* The solid stream: length-prefixed blocks until it ends. */
static int solid_walk(struct nsis *a, struct dec *d)
{
    uint64_t used = 0, budget = solid_budget(a->x);
    for (unsigned i = 0; i < NSIS_MAX_ITEMS && used + 4 < budget; i++) {
        uint8_t lb[4];
        size_t got;
        uint32_t n;
        int ret = dec_read(d, lb, 4, &got);
        if (ret != VIGIL_OK || got < 4)
            return got == 0 && ret == VIGIL_OK ? VIGIL_OK : VIGIL_E_CORRUPT;
        used += 4;
        n = vigil_load_u32le_unchecked(lb) & NSIS_LEN_MASK;
        if (n > budget - used) {
            n = (uint32_t)(budget - used);
            a->out.truncated = true; /* the rest is not decoded */
        }
        uint64_t before = used;
        ret = pump(a, d, n, &used);
        if (ret == VIGIL_E_NOMEM)
            return ret;
        if (ret == VIGIL_OK && used - before < n)
            ret = VIGIL_E_CORRUPT; /* the stream ended inside the block */
        int er = emit_out(a, vigil_load_u32le_unchecked(lb) & NSIS_LEN_MASK,
                          0);
        if (er != VIGIL_OK || ret != VIGIL_OK)
            return er != VIGIL_OK ? er : ret;
    }
    return VIGIL_OK;
}

static int solid(struct nsis *a)
{
    struct dec d;
    bool found;
    int ret = find_method(a->body, true, a->hsize, &a->m, &found);
    if (ret != VIGIL_OK)
        return ret;
    if (!found)
        return VIGIL_E_UNSUPPORTED;
    ret = dec_open(&d, a->m, a->body, solid_budget(a->x));
    if (ret == VIGIL_OK)
        ret = solid_walk(a, &d);
    dec_close(&d);
    return ret;
}

/* Is the archive non-solid? Its first block is the script header: stored
 * at its full size, or compressed in a way one candidate decodes. */
static int is_nonsolid(struct nsis *a, bool *yes)
{
    struct vigil_cursor c = vigil_cur_from_span(a->body);
    uint32_t l = vigil_cur_u32le(&c);
    size_t n = l & NSIS_LEN_MASK;
    *yes = false;
    if (vigil_cur_failed(&c) || n > vigil_cur_remaining(&c) || n == 0)
        return VIGIL_OK;
    if (!(l & NSIS_COMPRESSED)) {
        *yes = n == a->hsize;
        return VIGIL_OK;
    }
    int ret = find_method(vigil_cur_bytes(&c, n), false, a->hsize, &a->m,
                          &a->method_known);
    *yes = a->method_known;
    return ret;
}

static int walk(struct nsis *a)
{
    bool ns;
    int ret = is_nonsolid(a, &ns);
    if (ret != VIGIL_OK)
        return ret;
    return ns ? nonsolid(a) : solid(a);
}

/* Parse the first header; a->body is what follows, cut at the archive
 * size (or the input's end: *cut). */
static int first_header(struct vigil_span in, struct nsis *a, bool *cut)
{
    struct vigil_cursor c = vigil_cur_from_span(in);
    struct vigil_span sig;
    uint32_t asize;
    (void)vigil_cur_u32le(&c); /* flags */
    sig = vigil_cur_bytes(&c, sizeof nsis_sig);
    a->hsize = vigil_cur_u32le(&c);
    asize = vigil_cur_u32le(&c);
    if (vigil_cur_failed(&c) || memcmp(sig.p, nsis_sig, sizeof nsis_sig) != 0 ||
        asize < VG_NSIS_FIRST_HEADER)
        return VIGIL_E_CORRUPT;
    *cut = asize > in.len;
    a->body = vigil_span_sub(in, VG_NSIS_FIRST_HEADER,
                             (*cut ? in.len : asize) - VG_NSIS_FIRST_HEADER);
    return VIGIL_OK;
}

int vg_nsis_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct nsis *a = calloc(1, sizeof *a);
    bool cut = false;
    int ret;
    if (!a)
        return VIGIL_E_NOMEM;
    a->x = x;
    vg_out_init(&a->out, x->max_child);
    ret = first_header(in, a, &cut);
    if (ret == VIGIL_OK)
        ret = walk(a);
    vg_out_free(&a->out);
    free(a);
    return ret == VIGIL_OK && cut ? VIGIL_E_CORRUPT : ret;
}

bool vg_nsis_find(struct vigil_span d, size_t *off)
{
    size_t at = 4, first = SIZE_MAX;
    if (d.len < VG_NSIS_FIRST_HEADER + 4)
        return false;
    /* NSIS puts the first header at a 512-byte boundary; a signature
     * elsewhere (in the stub's data) is used only if none is aligned. */
    while (at + sizeof nsis_sig <= d.len) {
        const uint8_t *p =
            memmem(d.p + at, d.len - at, nsis_sig, sizeof nsis_sig);
        size_t o;
        if (!p)
            break;
        o = (size_t)(p - d.p) - 4;
        if (o % 512 == 0) {
            *off = o;
            return true;
        }
        if (first == SIZE_MAX)
            first = o;
        at = o + 4 + 1;
    }
    if (first == SIZE_MAX)
        return false;
    *off = first;
    return true;
}
