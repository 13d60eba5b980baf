// SPDX-License-Identifier: GPL-2.0-or-later
// pdf.c: PDF objects and streams: a tolerant scan for "N G obj" (no
// trust in xref tables, which attackers falsify), a small tokenizer for
// dictionaries, and the filter chain of fmt/pdf_filters.c.
#include "fmt/pdf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt/inflate.h"
#include "fmt/mimecodec.h"
#include "fmt/outbuf.h"
#include "fmt/pdf_crypt.h"
#include "fmt/pdf_filters.h"
#include "util/alloc.h"
#include "vigil/vigil.h"

#define PDF_MAX_FILTERS 8          /* filters applied to one stream */
#define PDF_NAME_MAX 64            /* decoded name length compared */
#define PDF_MAX_NESTING 64         /* dictionary/array depth skipped */
#define PDF_MAX_OBJECTS (1u << 22) /* object headers kept */
#define PDF_FUEL_PER_BYTE 64u      /* tokenizer budget, see burn() */
#define PDF_FUEL_BASE ((size_t)1 << 20)

struct pdf_obj {
    uint32_t num, gen;
    size_t body;  /* offset just after "obj" */
    size_t start; /* offset of the object number */
};

struct pdf {
    const struct vg_extract *x;
    struct vigil_span in;
    struct pdf_obj *objs;
    size_t nobjs;
    struct vg_out a, b, c;
    /* Encryption: none, decryptable (empty user password), or not. */
    enum { PDF_PLAIN, PDF_DECRYPT, PDF_LOCKED } crypt_state;
    bool crypt_encrypt_metadata;
    struct vg_pdf_crypt crypt;
    size_t encrypt_obj;   /* offset of the Encrypt dictionary */
    uint8_t cbuf[5][128]; /* O, U, OE, UE, ID[0] */
    size_t fuel;          /* bytes the tokenizer may still scan (see burn) */
    bool corrupt;
};

/* ---- lexical ---- */

static bool is_space(uint8_t c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' ||
           c == 0;
}

static bool is_delim(uint8_t c)
{
    return c == '(' || c == ')' || c == '<' || c == '>' || c == '[' ||
           c == ']' || c == '{' || c == '}' || c == '/' || c == '%';
}

static bool is_digit(uint8_t c)
{
    return c >= '0' && c <= '9';
}

/*
 * Every scan of the tokenizer is charged to p->fuel, a budget proportional
 * to the file size: dictionaries are re-read for each key looked up and
 * references point anywhere, so without it a file of many objects that
 * each open an unterminated string or array would cost time quadratic in
 * its size. Out of fuel, every scan ends at once (the file is corrupt).
 * @return true if the scan from..to may stand.
 */
static bool burn(struct pdf *p, size_t from, size_t to)
{
    size_t cost = to - from + 1;

    if (cost > p->fuel) {
        p->fuel = 0;
        p->corrupt = true;
        return false;
    }
    p->fuel -= cost;
    return true;
}

/* Skip blanks and comments from i; @return the new offset. */
static size_t skip_ws(struct pdf *p, size_t i)
{
    struct vigil_span s = p->in;
    size_t from = i;

    while (i < s.len) {
        if (is_space(s.p[i])) {
            i++;
        } else if (s.p[i] == '%') {
            while (i < s.len && s.p[i] != '\r' && s.p[i] != '\n')
                i++;
        } else {
            break;
        }
    }
    return burn(p, from, i) ? i : s.len;
}

/* End of a literal string starting at '(' (balanced, with escapes). */
static size_t skip_string(struct pdf *p, size_t i)
{
    struct vigil_span s = p->in;
    size_t from = i;
    unsigned depth = 0;

    for (; i < s.len; i++) {
        if (s.p[i] == '\\')
            i++;
        else if (s.p[i] == '(')
            depth++;
        else if (s.p[i] == ')' && --depth == 0)
            return burn(p, from, i) ? i + 1 : s.len;
    }
    (void)burn(p, from, s.len);
    return s.len;
}

static size_t skip_regular(struct pdf *p, size_t i)
{
    struct vigil_span s = p->in;
    size_t from = i;

    while (i < s.len && !is_space(s.p[i]) && !is_delim(s.p[i]))
        i++;
    return burn(p, from, i) ? i : s.len;
}

/* Skip one object (of any kind, nested to a bound) starting at i. */
static size_t skip_object(struct pdf *p, size_t i)
{
    struct vigil_span s = p->in;
    unsigned depth = 0;

    do {
        i = skip_ws(p, i);
        if (i >= s.len)
            return s.len;
        uint8_t c = s.p[i];
        if (c == '(') {
            i = skip_string(p, i);
        } else if (c == '<' && i + 1 < s.len && s.p[i + 1] == '<') {
            i += 2;
            depth++;
        } else if (c == '>' && i + 1 < s.len && s.p[i + 1] == '>') {
            i += 2;
            depth = depth ? depth - 1 : 0;
        } else if (c == '<') {
            const uint8_t *e = memchr(s.p + i, '>', s.len - i);
            size_t to = e ? (size_t)(e - s.p) + 1 : s.len;
            i = burn(p, i, to) ? to : s.len;
        } else if (c == '[') {
            i++;
            depth++;
        } else if (c == ']') {
            i++;
            depth = depth ? depth - 1 : 0;
        } else if (c == '/') {
            i = skip_regular(p, i + 1);
        } else if (is_delim(c)) {
            i++;
        } else {
            i = skip_regular(p, i);
        }
        if (depth > PDF_MAX_NESTING)
            return s.len;
    } while (depth > 0 && i < s.len);
    return i;
}

/* Decode name bytes at i (after '/'), #xx escapes included. */
static size_t read_name(struct pdf *p, size_t i, char *out, size_t cap)
{
    struct vigil_span s = p->in;
    size_t o = 0, from = i;

    while (i < s.len && !is_space(s.p[i]) && !is_delim(s.p[i])) {
        int hi, lo;
        uint8_t c = s.p[i++];
        if (c == '#' && i + 1 < s.len && (hi = vg_hexval(s.p[i])) >= 0 &&
            (lo = vg_hexval(s.p[i + 1])) >= 0) {
            c = (uint8_t)(hi << 4 | lo);
            i += 2;
        }
        if (o + 1 < cap)
            out[o++] = (char)c;
    }
    out[o] = '\0';
    return burn(p, from, i) ? i : s.len;
}

static bool name_is(const char *n, const char *a, const char *b)
{
    return !strcmp(n, a) || (b && !strcmp(n, b));
}

/* ---- values ---- */

/* An unsigned integer at i (up to 18 digits); @return false if none. */
static bool read_uint(struct vigil_span s, size_t i, uint64_t *v, size_t *end)
{
    size_t n = 0;

    *v = 0;
    while (i < s.len && is_digit(s.p[i]) && n < 18) {
        *v = *v * 10 + (uint64_t)(s.p[i++] - '0');
        n++;
    }
    if (end)
        *end = i;
    return n > 0 && (i >= s.len || !is_digit(s.p[i]));
}

/* "N G R" at i: @return true and the object number. */
static bool read_ref(struct pdf *p, size_t i, uint64_t *num)
{
    struct vigil_span s = p->in;
    uint64_t gen;
    size_t e;

    if (!read_uint(s, i, num, &e) || e >= s.len || !is_space(s.p[e]))
        return false;
    if (!read_uint(s, skip_ws(p, e), &gen, &e) || e >= s.len ||
        !is_space(s.p[e]))
        return false;
    e = skip_ws(p, e);
    return e < s.len && s.p[e] == 'R' &&
           (e + 1 >= s.len || is_space(s.p[e + 1]) || is_delim(s.p[e + 1]));
}

static int obj_cmp(const void *a, const void *b)
{
    const struct pdf_obj *x = a, *y = b;

    if (x->num != y->num)
        return x->num < y->num ? -1 : 1;
    return x->start < y->start ? -1 : x->start > y->start;
}

static int obj_cmp_start(const void *a, const void *b)
{
    const struct pdf_obj *x = a, *y = b;

    return x->start < y->start ? -1 : x->start > y->start;
}

/* The body of object num (the last definition wins, as in an update). */
static const struct pdf_obj *find_obj(const struct pdf *p, uint64_t num)
{
    size_t lo = 0, hi = p->nobjs;
    const struct pdf_obj *hit = NULL;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (p->objs[mid].num < num) {
            lo = mid + 1;
        } else {
            if (p->objs[mid].num == num)
                hit = &p->objs[mid];
            hi = mid;
        }
    }
    while (hit && hit + 1 < p->objs + p->nobjs && hit[1].num == num)
        hit++;
    return hit;
}

/* The value at i, or where an "N G R" at i points (one level only: a
 * reference to a reference is not followed, so cycles cannot loop). */
static size_t resolve(struct pdf *p, size_t i)
{
    uint64_t num;
    const struct pdf_obj *o;

    if (read_ref(p, i, &num) && (o = find_obj(p, num)) != NULL)
        return skip_ws(p, o->body);
    return i;
}

/* Offset of the value of /key in the dictionary at d ("<<"), or 0. */
static size_t dict_get(struct pdf *p, size_t d, const char *key)
{
    struct vigil_span s = p->in;
    size_t i = d + 2;
    char name[PDF_NAME_MAX];

    for (;;) {
        i = skip_ws(p, i);
        if (i >= s.len || (s.p[i] == '>' && i + 1 < s.len && s.p[i + 1] == '>'))
            return 0;
        if (s.p[i] != '/') {
            i = skip_object(p, i);
            continue;
        }
        i = read_name(p, i + 1, name, sizeof name);
        i = skip_ws(p, i);
        if (!strcmp(name, key))
            return resolve(p, i);
        i = skip_object(p, i);
    }
}

static bool is_dict(struct vigil_span s, size_t i)
{
    return i + 1 < s.len && s.p[i] == '<' && s.p[i + 1] == '<';
}

static int dict_int(struct pdf *p, size_t d, const char *key, int def)
{
    size_t v = d ? dict_get(p, d, key) : 0;
    uint64_t n;

    if (!v || !read_uint(p->in, v, &n, NULL) || n > 1u << 30)
        return def;
    return (int)n;
}

/* ---- filters ---- */

enum pdf_filter { PF_NONE, PF_FLATE, PF_AHX, PF_A85, PF_LZW, PF_RL, PF_OTHER };

struct filter_step {
    enum pdf_filter f;
    size_t parms; /* offset of its DecodeParms dictionary, or 0 */
};

static enum pdf_filter filter_of(const char *n)
{
    if (name_is(n, "FlateDecode", "Fl"))
        return PF_FLATE;
    if (name_is(n, "ASCIIHexDecode", "AHx"))
        return PF_AHX;
    if (name_is(n, "ASCII85Decode", "A85"))
        return PF_A85;
    if (name_is(n, "LZWDecode", "LZW"))
        return PF_LZW;
    if (name_is(n, "RunLengthDecode", "RL"))
        return PF_RL;
    return PF_OTHER;
}

/* Items of a name or an array value at v: offsets of up to cap items. */
static size_t value_items(struct pdf *p, size_t v, size_t *items, size_t cap)
{
    struct vigil_span s = p->in;
    size_t n = 0, i;

    if (!v || v >= s.len)
        return 0;
    if (s.p[v] != '[') {
        items[0] = v;
        return 1;
    }
    for (i = skip_ws(p, v + 1); i < s.len && s.p[i] != ']' && n < cap;
         i = skip_ws(p, skip_object(p, i)))
        items[n++] = resolve(p, i);
    return n;
}

static size_t stream_filters(struct pdf *p, size_t d, struct filter_step *st)
{
    size_t fi[PDF_MAX_FILTERS], pi[PDF_MAX_FILTERS], nf, np;
    char name[PDF_NAME_MAX];

    nf = value_items(p, dict_get(p, d, "Filter"), fi, PDF_MAX_FILTERS);
    np = value_items(p, dict_get(p, d, "DecodeParms"), pi, PDF_MAX_FILTERS);
    for (size_t k = 0; k < nf; k++) {
        if (fi[k] >= p->in.len || p->in.p[fi[k]] != '/') {
            st[k].f = PF_OTHER;
        } else {
            read_name(p, fi[k] + 1, name, sizeof name);
            st[k].f = filter_of(name);
        }
        st[k].parms = k < np && is_dict(p->in, pi[k]) ? pi[k] : 0;
    }
    return nf;
}

static int apply(struct pdf *p, const struct filter_step *st,
                 struct vigil_span in, struct vg_out *o)
{
    switch (st->f) {
    case PF_FLATE: return vg_inflate(in, o);
    case PF_AHX: return vg_pdf_ahx(in, o);
    case PF_A85: return vg_pdf_a85(in, o);
    case PF_LZW:
        return vg_pdf_lzw(in, o, dict_int(p, st->parms, "EarlyChange", 1));
    case PF_RL: return vg_pdf_rl(in, o);
    default: return VIGIL_E_UNSUPPORTED;
    }
}

static struct vg_pdf_predictor predictor_of(struct pdf *p, size_t d)
{
    struct vg_pdf_predictor pr;

    pr.predictor = dict_int(p, d, "Predictor", 1);
    pr.colors = dict_int(p, d, "Colors", 1);
    pr.bpc = dict_int(p, d, "BitsPerComponent", 8);
    pr.columns = dict_int(p, d, "Columns", 1);
    return pr;
}

/* Run the filter chain over raw; the result is in *res (a or b, or raw
 * itself without filters). */
static int decode_chain(struct pdf *p, size_t d, struct vigil_span raw,
                        struct vigil_span *res, bool *truncated)
{
    struct filter_step st[PDF_MAX_FILTERS];
    size_t nf = stream_filters(p, d, st);
    struct vg_out *src = NULL, *dst = &p->a;
    struct vigil_span cur = raw;
    int ret = VIGIL_OK;

    *truncated = false;
    for (size_t k = 0; k < nf && ret == VIGIL_OK; k++) {
        if (st[k].f == PF_OTHER)
            break; /* not implemented: emit what we have */
        vg_out_reset(dst);
        ret = apply(p, &st[k], cur, dst);
        if (ret == VIGIL_OK && st[k].parms &&
            (st[k].f == PF_FLATE || st[k].f == PF_LZW)) {
            struct vg_pdf_predictor pr = predictor_of(p, st[k].parms);
            if (pr.predictor > 1) {
                struct vg_out *tmp = dst == &p->a ? &p->b : &p->a;
                vg_out_reset(tmp);
                ret = vg_pdf_unpredict(vg_out_span(dst), tmp, &pr);
                tmp->truncated = tmp->truncated || dst->truncated;
                dst = tmp;
            }
        }
        if (ret == VIGIL_E_NOMEM)
            return ret;
        if (ret != VIGIL_OK)
            p->corrupt = true;
        src = dst;
        cur = vg_out_span(src);
        *truncated = *truncated || src->truncated;
        dst = src == &p->a ? &p->b : &p->a;
    }
    *res = cur;
    return VIGIL_OK;
}

/* ---- objects and streams ---- */

static const uint8_t *find_bytes(struct vigil_span s, size_t from,
                                 const char *lit)
{
    size_t n = strlen(lit);

    if (from >= s.len)
        return NULL;
    return memmem(s.p + from, s.len - from, lit, n);
}

/* Where the stream data at start ends: /Length when "endstream" follows
 * it, else the first "endstream" (less its end of line), else EOF. */
static size_t stream_end(struct pdf *p, size_t d, size_t start)
{
    struct vigil_span s = p->in;
    size_t v = dict_get(p, d, "Length"), e;
    uint64_t len;
    const uint8_t *hit;

    if (v && read_uint(s, v, &len, NULL) && len <= s.len - start) {
        e = skip_ws(p, start + (size_t)len);
        if (e + 9 <= s.len && !memcmp(s.p + e, "endstream", 9))
            return start + (size_t)len;
    }
    hit = find_bytes(s, start, "endstream");
    if (!hit) {
        p->corrupt = true;
        return s.len;
    }
    e = (size_t)(hit - s.p);
    if (e > start && s.p[e - 1] == '\n')
        e--;
    if (e > start && s.p[e - 1] == '\r')
        e--;
    return e;
}

/* ---- encryption ---- */

/* A literal "(...)" or hex "<...>" string at i, decoded into out.
 * @return its length (at most cap), or 0 if there is no string at i. */
static size_t read_string(struct pdf *p, size_t i, uint8_t *out, size_t cap)
{
    struct vigil_span s = p->in;
    size_t o = 0, end;

    if (i >= s.len || (s.p[i] != '(' && s.p[i] != '<'))
        return 0;
    end = s.p[i] == '(' ? skip_string(p, i) : skip_object(p, i);
    if (s.p[i] == '<') {
        int hi = -1;
        for (i++; i < end && o < cap; i++) {
            int v = vg_hexval(s.p[i]);
            if (v < 0)
                continue;
            if (hi < 0) {
                hi = v;
            } else {
                out[o++] = (uint8_t)(hi << 4 | v);
                hi = -1;
            }
        }
        return o;
    }
    for (i++; i + 1 < end && o < cap; i++) {
        uint8_t c = s.p[i];
        if (c == '\\' && i + 2 < end) {
            static const char esc[] = "n\nr\rt\tb\bf\f";
            const char *e = memchr(esc, s.p[++i], sizeof esc - 1);
            c = s.p[i];
            if (e && (e - esc) % 2 == 0) {
                c = (uint8_t)e[1];
            } else if (c >= '0' && c <= '7') {
                unsigned v = 0;
                for (unsigned k = 0;
                     k < 3 && i + 1 < end && s.p[i] >= '0' && s.p[i] <= '7';
                     k++)
                    v = v * 8 + (unsigned)(s.p[i++] - '0');
                i--;
                c = (uint8_t)v;
            } else if (c == '\r' || c == '\n') {
                continue; /* a line continuation */
            }
        }
        out[o++] = c;
    }
    return o;
}

static int64_t dict_sint(struct pdf *p, size_t d, const char *key, int64_t def)
{
    size_t v = dict_get(p, d, key);
    uint64_t n;
    bool neg = v && v < p->in.len && p->in.p[v] == '-';

    if (!v || !read_uint(p->in, v + neg, &n, NULL) || n > INT32_MAX)
        return def;
    return neg ? -(int64_t)n : (int64_t)n;
}

/* Offset of the value after the last "/key" of the file whose value
 * starts with one of the bytes in @p first (a reference is followed). */
static size_t last_key(struct pdf *p, const char *key, const char *first)
{
    size_t i = 0, found = 0, n = strlen(key);
    const uint8_t *hit;

    while ((hit = find_bytes(p->in, i, key)) != NULL) {
        size_t v = (size_t)(hit - p->in.p) + n;
        i = v;
        if (v < p->in.len && !is_space(p->in.p[v]) && !is_delim(p->in.p[v]))
            continue;
        v = resolve(p, skip_ws(p, v));
        if (v < p->in.len && strchr(first, p->in.p[v]))
            found = v;
    }
    return found;
}

static void crypt_string(struct pdf *p, size_t d, const char *key,
                         unsigned slot, struct vigil_span *out)
{
    size_t v = dict_get(p, d, key);
    size_t n = v ? read_string(p, v, p->cbuf[slot], sizeof p->cbuf[slot]) : 0;

    *out = vigil_span_make(p->cbuf[slot], n);
}

/* The crypt filter of streams: /StmF names an entry of /CF. */
static enum vg_pdf_cfm stream_cfm(struct pdf *p, size_t d, bool *identity)
{
    char stmf[PDF_NAME_MAX] = "", cfm[PDF_NAME_MAX] = "";
    size_t v = dict_get(p, d, "StmF"), cf;

    *identity = false;
    if (v && p->in.p[v] == '/')
        read_name(p, v + 1, stmf, sizeof stmf);
    if (!strcmp(stmf, "Identity"))
        *identity = true;
    cf = dict_get(p, d, "CF");
    if (stmf[0] && cf && is_dict(p->in, cf) && (v = dict_get(p, cf, stmf)) &&
        is_dict(p->in, v) && (v = dict_get(p, v, "CFM")) && p->in.p[v] == '/')
        read_name(p, v + 1, cfm, sizeof cfm);
    if (!strcmp(cfm, "AESV2"))
        return VG_PDF_AESV2;
    if (!strcmp(cfm, "AESV3"))
        return VG_PDF_AESV3;
    return VG_PDF_RC4;
}

/* Find /Encrypt (trailer or cross-reference stream) and, for the standard
 * handler with the empty user password, the file key. */
static int find_encryption(struct pdf *p)
{
    struct vg_pdf_crypt_params pp;
    size_t d = last_key(p, "/Encrypt", "<"), id;
    char filter[PDF_NAME_MAX] = "";
    size_t v;
    bool identity = false;
    int ret;

    if (!d)
        return VIGIL_OK;
    p->encrypt_obj = d;
    p->crypt_state = PDF_LOCKED;
    memset(&pp, 0, sizeof pp);
    if ((v = dict_get(p, d, "Filter")) && p->in.p[v] == '/')
        read_name(p, v + 1, filter, sizeof filter);
    pp.v = dict_int(p, d, "V", 0);
    pp.r = dict_int(p, d, "R", 0);
    pp.length_bits = dict_int(p, d, "Length", 40);
    pp.p = dict_sint(p, d, "P", 0);
    v = dict_get(p, d, "EncryptMetadata");
    pp.encrypt_metadata =
        !(v && v + 5 <= p->in.len && !memcmp(p->in.p + v, "false", 5));
    p->crypt_encrypt_metadata = pp.encrypt_metadata;
    pp.cfm = pp.v >= 4 ? stream_cfm(p, d, &identity) : VG_PDF_RC4;
    crypt_string(p, d, "O", 0, &pp.o);
    crypt_string(p, d, "U", 1, &pp.u);
    crypt_string(p, d, "OE", 2, &pp.oe);
    crypt_string(p, d, "UE", 3, &pp.ue);
    id = last_key(p, "/ID", "[");
    if (id)
        id = skip_ws(p, id + 1);
    pp.id0 = vigil_span_make(p->cbuf[4],
                             id ? read_string(p, id, p->cbuf[4], 128) : 0);
    if (strcmp(filter, "Standard") != 0)
        return VIGIL_OK; /* another handler: streams stay locked */
    if (pp.v >= 4 && identity) {
        p->crypt_state = PDF_PLAIN;
        return VIGIL_OK;
    }
    ret = vg_pdf_crypt_init(&pp, &p->crypt);
    if (ret == VIGIL_OK)
        p->crypt_state = PDF_DECRYPT;
    return ret == VIGIL_E_NOMEM ? ret : VIGIL_OK;
}

/* Streams the handler leaves in the clear. */
static bool stream_is_clear(struct pdf *p, size_t d)
{
    size_t v = dict_get(p, d, "Type");
    char type[PDF_NAME_MAX] = "";

    if (v && p->in.p[v] == '/')
        read_name(p, v + 1, type, sizeof type);
    return !strcmp(type, "XRef") ||
           (!strcmp(type, "Metadata") && !p->crypt_encrypt_metadata);
}

static int emit_stream(struct pdf *p, const struct pdf_obj *o, size_t d,
                       struct vigil_span raw)
{
    struct vg_child_info ci = vg_child_info_none();
    struct vigil_span data;
    char name[32];
    bool cut, dcut = false;
    int ret;

    if (p->crypt_state == PDF_DECRYPT && !stream_is_clear(p, d)) {
        vg_out_reset(&p->c);
        ret = vg_pdf_decrypt(&p->crypt, o->num, o->gen, raw, &p->c);
        if (ret == VIGIL_E_NOMEM)
            return ret;
        if (ret != VIGIL_OK)
            p->corrupt = true;
        raw = vg_out_span(&p->c);
        dcut = p->c.truncated;
    } else if (p->crypt_state == PDF_LOCKED && !stream_is_clear(p, d)) {
        ci.encrypted = true;
    }
    if (ci.encrypted) {
        data = raw;
        cut = false;
    } else if ((ret = decode_chain(p, d, raw, &data, &cut)) != VIGIL_OK) {
        return ret;
    }
    snprintf(name, sizeof name, "obj %u", (unsigned)o->num);
    ci.name = name;
    ci.truncated = cut || dcut;
    ci.packed_size = raw.len;
    return vg_emit_span(p->x, data, &ci);
}

/* Object o: if it is a stream, emit it; *resume is where the next object
 * may start (after the stream's data). */
static int do_object(struct pdf *p, const struct pdf_obj *o, size_t *resume)
{
    struct vigil_span s = p->in;
    size_t d = skip_ws(p, o->body), i, start, end;

    if (!is_dict(s, d))
        return VIGIL_OK;
    i = skip_ws(p, skip_object(p, d));
    if (i + 6 > s.len || memcmp(s.p + i, "stream", 6) != 0)
        return VIGIL_OK;
    start = i + 6;
    if (start < s.len && s.p[start] == '\r')
        start++;
    if (start < s.len && s.p[start] == '\n')
        start++;
    end = stream_end(p, d, start);
    *resume = end;
    return emit_stream(p, o, d, vigil_span_sub(s, start, end - start));
}

/* "N G obj" ending at k + 3: parse N backwards. */
static bool obj_header(struct vigil_span s, size_t k, struct pdf_obj *o)
{
    size_t j = k, gen_end, num_end, num_start;
    uint64_t num;

    if (k + 3 < s.len && !is_space(s.p[k + 3]) && !is_delim(s.p[k + 3]))
        return false;
    while (j > 0 && is_space(s.p[j - 1]))
        j--;
    if (j == k || j == 0 || !is_digit(s.p[j - 1]))
        return false;
    for (gen_end = j; j > 0 && is_digit(s.p[j - 1]);)
        j--;
    if (gen_end - j > 10)
        return false;
    if (!read_uint(s, j, &num, NULL))
        return false;
    o->gen = (uint32_t)(num & 0xFFFF);
    num_end = j;
    while (j > 0 && is_space(s.p[j - 1]))
        j--;
    if (j == num_end || j == 0 || !is_digit(s.p[j - 1]))
        return false;
    num_end = j;
    while (j > 0 && is_digit(s.p[j - 1]) && num_end - j <= 10)
        j--;
    num_start = j;
    if (num_end - num_start > 10 ||
        (j > 0 && !is_space(s.p[j - 1]) && !is_delim(s.p[j - 1])))
        return false;
    if (!read_uint(s, num_start, &num, NULL) || num > 0xFFFFFFFFu)
        return false;
    o->num = (uint32_t)num;
    o->start = num_start;
    o->body = k + 3;
    return true;
}

static int collect_objects(struct pdf *p)
{
    struct vigil_span s = p->in;
    size_t cap = 0, i = 0;
    const uint8_t *hit;

    while ((hit = find_bytes(s, i, "obj")) != NULL) {
        size_t k = (size_t)(hit - s.p);
        struct pdf_obj o;
        i = k + 3;
        if (!obj_header(s, k, &o))
            continue;
        if (p->nobjs == PDF_MAX_OBJECTS) {
            p->corrupt = true;
            break;
        }
        if (p->nobjs == cap) {
            size_t ncap = cap ? cap * 2 : 64;
            struct pdf_obj *n = vigil_reallocarray(p->objs, ncap, sizeof *n);
            if (!n)
                return VIGIL_E_NOMEM;
            p->objs = n;
            cap = ncap;
        }
        p->objs[p->nobjs++] = o;
    }
    return VIGIL_OK;
}

static int walk_objects(struct pdf *p)
{
    /* Streams are emitted in file order; objects whose header lies inside
     * a stream already emitted are data, not objects. */
    struct pdf_obj *order;
    size_t resume = 0;
    int ret = VIGIL_OK;

    if (p->nobjs == 0)
        return VIGIL_OK;
    if (!(order = vigil_calloc(p->nobjs, sizeof *order)))
        return VIGIL_E_NOMEM;
    memcpy(order, p->objs, p->nobjs * sizeof *order);
    qsort(order, p->nobjs, sizeof *order, obj_cmp_start);
    for (size_t k = 0; k < p->nobjs && ret == VIGIL_OK; k++) {
        if (order[k].start < resume)
            continue;
        ret = do_object(p, &order[k], &resume);
    }
    vigil_free(order);
    return ret;
}

int vg_pdf_extract(struct vigil_span in, const struct vg_extract *x)
{
    struct pdf p;
    int ret;

    memset(&p, 0, sizeof p);
    p.x = x;
    p.in = in;
    p.fuel = in.len > (SIZE_MAX - PDF_FUEL_BASE) / PDF_FUEL_PER_BYTE
                 ? SIZE_MAX
                 : in.len * PDF_FUEL_PER_BYTE + PDF_FUEL_BASE;
    vg_out_init(&p.a, x->max_child);
    vg_out_init(&p.b, x->max_child);
    vg_out_init(&p.c, x->max_child);
    ret = collect_objects(&p);
    if (ret == VIGIL_OK && p.nobjs > 0) {
        qsort(p.objs, p.nobjs, sizeof *p.objs, obj_cmp);
        ret = find_encryption(&p);
    }
    if (ret == VIGIL_OK)
        ret = walk_objects(&p);
    if (ret == VIGIL_OK && (p.corrupt || p.nobjs == 0))
        ret = VIGIL_E_CORRUPT;
    vg_out_free(&p.a);
    vg_out_free(&p.b);
    vg_out_free(&p.c);
    vigil_free(p.objs);
    return ret;
}
