// SPDX-License-Identifier: GPL-2.0-or-later
// bytecmp.c: byte-compare subsignatures: ClamAV 1.4's parsing rules and its
// number extraction (including its little-endian hex text shuffle).
#include "match/bytecmp.h"

#include <string.h>

/* The C library's classes in the "C" locale, which ClamAV runs in. */
static bool c_space(int c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static bool c_digit(int c)
{
    return c >= '0' && c <= '9';
}

static bool c_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool c_xdigit(int c)
{
    return c_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

static int digit_value(int c)
{
    if (c_digit(c))
        return c - '0';
    if (c_alpha(c))
        return (c | 0x20) - 'a' + 10;
    return 99;
}

/* Accumulate digits of @p base with strtol's saturation. */
static size_t accumulate(const uint8_t *s, size_t n, size_t i, int base,
                         bool neg, int64_t *v, bool *over)
{
    uint64_t acc = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : INT64_MAX;
    *over = false;
    for (; i < n && digit_value(s[i]) < base; i++) {
        unsigned d = (unsigned)digit_value(s[i]);
        if (*over || acc > (lim - d) / (unsigned)base)
            *over = true;
        else
            acc = acc * (unsigned)base + d;
    }
    acc = *over ? lim : acc;
    *v = neg ? (int64_t)(0 - acc) : (int64_t)acc;
    return i;
}

/*
 * strtol(3) over s[0, n) (glibc): blanks, sign, base-0/16 "0x" prefix.
 * @return the bytes consumed, 0 when there was no number (strtol then
 *         leaves its end pointer at the start).
 */
static size_t c_strtol(const uint8_t *s, size_t n, int base, int64_t *v)
{
    size_t i = 0, first, end;
    bool neg = false, over;
    *v = 0;
    while (i < n && c_space(s[i]))
        i++;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if ((base == 0 || base == 16) && i + 2 < n && s[i] == '0' &&
        (s[i + 1] | 0x20) == 'x' && c_xdigit(s[i + 2])) {
        i += 2;
        base = 16;
    } else if (base == 0) {
        base = i < n && s[i] == '0' ? 8 : 10;
    }
    first = i;
    end = accumulate(s, n, i, base, neg, v, &over);
    return end == first ? 0 : end;
}

/*
 * ClamAV's cli_strntol(): like strtol but bounded by n, with its own
 * quirks: the "0x" test looks at the sign character after a sign, and
 * a prefix with nothing after it yields no number.
 */
static size_t clam_strntol(const uint8_t *s, size_t n, int base, int64_t *v,
                           bool *over)
{
    size_t i = 0, first, end;
    bool neg = false;
    int c;
    *v = 0;
    *over = false;
    while (i < n && c_space(s[i]))
        i++;
    if (i >= n)
        return 0;
    c = s[i];
    if (c == '-' || c == '+') {
        neg = c == '-';
        if (++i >= n)
            return 0;
    }
    if (base == 16 && c == '0' && i + 1 < n && (s[i + 1] | 0x20) == 'x') {
        if (i + 2 >= n)
            return 0;
        i += 2;
    }
    first = i;
    end = accumulate(s, n, i, base, neg, v, over);
    return end == first ? 0 : end;
}

/* ---- parsing ------------------------------------------------------------- */

static const uint8_t *bytes_of(struct vigil_str s)
{
    return (const uint8_t *)s.p;
}

static int fail(const char **why, const char *reason)
{
    *why = reason;
    return 1;
}

/* "<<n", ">>n", "0...", or "" (ClamAV ignores what follows a '0'). */
static int parse_offset(struct vigil_str t, int64_t *off, const char **why)
{
    struct vigil_str rest;
    int64_t v;
    if (t.len == 0 || t.p[0] == '0') {
        *off = 0;
        return 0;
    }
    if ((t.p[0] != '<' && t.p[0] != '>') || t.len < 2 || t.p[1] != t.p[0])
        return fail(why, "byte compare offset must start with << or >>");
    rest = vigil_str_make(t.p + 2, t.len - 2);
    if (c_strtol(bytes_of(rest), rest.len, 0, &v) != rest.len)
        return fail(why, "bad byte compare offset");
    *off = t.p[0] == '<' ? (int64_t)(0 - (uint64_t)v) : v;
    return 0;
}

/* One option letter, with ClamAV's exclusions. */
static int add_option(uint16_t *o, char c)
{
    const uint16_t kind = VG_BC_HEX | VG_BC_DEC | VG_BC_BIN | VG_BC_AUTO;
    switch (c) {
    case 'h': return (*o & kind & ~VG_BC_HEX) ? 1 : (*o |= VG_BC_HEX, 0);
    case 'i': return (*o & kind & ~VG_BC_BIN) ? 1 : (*o |= VG_BC_BIN, 0);
    case 'a': return (*o & kind & ~VG_BC_AUTO) ? 1 : (*o |= VG_BC_AUTO, 0);
    case 'd':
        if (*o & ((kind & ~VG_BC_DEC) | VG_BC_LE))
            return 1;
        *o |= VG_BC_DEC | VG_BC_BE;
        return 0;
    case 'l': return (*o & (VG_BC_BE | VG_BC_DEC)) ? 1 : (*o |= VG_BC_LE, 0);
    case 'b': return (*o & VG_BC_LE) ? 1 : (*o |= VG_BC_BE, 0);
    case 'e': *o |= VG_BC_EXACT; return 0;
    default: return 1;
    }
}

static int parse_options(struct vigil_str t, struct vg_bcomp *bc,
                         const char **why)
{
    size_t i = 0;
    int64_t len;
    for (; i < t.len && !c_digit(t.p[i]); i++)
        if (add_option(&bc->opts, t.p[i]))
            return fail(why, "bad byte compare option");
    if (i == t.len)
        return fail(why, "byte compare length missing");
    if (c_strtol(bytes_of(t) + i, t.len - i, 0, &len) != t.len - i || len == 0)
        return fail(why, "bad byte compare length");
    if ((bc->opts & VG_BC_BIN) && (len > 8 || 8 % len))
        return fail(why, "binary byte compare length must be 1, 2, 4 or 8");
    if ((bc->opts & VG_BC_HEX) && len > 18)
        return fail(why, "hex byte compare longer than 18");
    bc->len = (uint32_t)len;
    return 0;
}

static int parse_comparison(struct vigil_str t, struct vg_bcomp *bc,
                            const char **why)
{
    int k = bc->ncomp;
    if (t.len == 0 || (t.p[0] != '<' && t.p[0] != '>' && t.p[0] != '='))
        return fail(why, "byte compare needs <, > or =");
    bc->sym[k] = t.p[0];
    if (c_strtol(bytes_of(t) + 1, t.len - 1, 0, &bc->val[k]) != t.len - 1 &&
        t.len > 1)
        return fail(why, "bad byte compare value");
    bc->ncomp++;
    return 0;
}

static int parse_comparisons(struct vigil_str t, struct vg_bcomp *bc,
                             const char **why)
{
    struct vigil_str f[3];
    size_t n = vigil_str_split(t, ',', f, 2);
    if (n > 2)
        return fail(why, "more than two byte compare comparisons");
    for (size_t i = 0; i < n; i++)
        if (parse_comparison(f[i], bc, why))
            return 1;
    return 0;
}

/* "N(" with N read by strtol: a missing N is 0, as in ClamAV. */
static int parse_ref(struct vigil_str text, struct vg_bcomp *bc, size_t *at,
                     const char **why)
{
    int64_t ref;
    size_t n = c_strtol(bytes_of(text), text.len, 10, &ref);
    if (n >= text.len || text.p[n] != '(')
        return fail(why, "byte compare must start with N(");
    bc->ref = (int16_t)(uint16_t)(uint64_t)ref;
    if (bc->ref > 64)
        return fail(why, "byte compare names a subsignature over 64");
    *at = n + 1;
    return 0;
}

int vg_bcomp_parse(struct vigil_str text, struct vg_bcomp *out,
                   const char **why)
{
    struct vg_bcomp bc;
    struct vigil_str inner, f[4];
    const char *close;
    size_t at;
    memset(&bc, 0, sizeof bc);
    if (parse_ref(text, &bc, &at, why))
        return 1;
    close = memchr(text.p + at, ')', text.len - at);
    if (!close)
        return fail(why, "byte compare without ')'");
    inner = vigil_str_make(text.p + at, (size_t)(close - (text.p + at)));
    if (vigil_str_split(inner, '#', f, 3) != 3)
        return fail(why, "byte compare needs exactly 3 #-separated fields");
    if (parse_offset(f[0], &bc.off, why) || parse_options(f[1], &bc, why) ||
        parse_comparisons(f[2], &bc, why))
        return 1;
    *out = bc;
    return 0;
}

/* ---- matching ------------------------------------------------------------ */

/* "0x"/"0X" at the start of at least 3 bytes (cli_bcomp_chk_hex). */
static bool hex_prefixed(const uint8_t *s, size_t n)
{
    return n >= 3 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

static bool hexish(uint8_t c)
{
    return c_xdigit(c) || c == 'x' || c == 'X';
}

/*
 * ClamAV's little-endian hex text: the digit pairs in reverse order
 * ("1234" reads as 0x3412), an odd length padded with a leading '0', a
 * "0x" prefix turned into "x", and any non-hex pair zeroing what came
 * before it. @p out holds n + 1 bytes.
 */
static size_t le_shuffle(const uint8_t *s, size_t n, uint8_t *out)
{
    uint8_t hex[20];
    size_t norm = n % 2 ? n + 1 : n;
    memset(out, '0', norm + 1);
    if (n == 1) {
        out[0] = s[0];
        return 1;
    }
    memset(hex, '0', sizeof hex);
    if (norm != n && hex_prefixed(s, n)) {
        memcpy(hex + 3, s + 2, n - 2);
        hex[0] = 'x';
    } else {
        memcpy(hex + (norm != n), s, n);
        if (norm == n && hex_prefixed(s, n))
            hex[0] = 'x';
    }
    for (size_t i = 0; i < norm; i += 2) {
        if (!hexish(hex[norm - i - 2])) {
            memset(out, '0', norm + 1);
            continue;
        }
        out[i] = hex[norm - i - 2];
        if (hexish(hex[norm - i - 1]))
            out[i + 1] = hex[norm - i - 1];
        else
            memset(out, '0', norm + 1);
    }
    return norm;
}

static bool text_value(const uint8_t *s, size_t n, int base, size_t exact_len,
                       bool exact, int64_t *v)
{
    bool over;
    size_t used = clam_strntol(s, n, base, v, &over);
    if (over || (exact && used != exact_len))
        return false;
    return true;
}

static bool bin_value(struct vigil_cursor *c, const struct vg_bcomp *bc,
                      int64_t *v)
{
    bool le = bc->opts & VG_BC_LE;
    uint64_t x;
    switch (bc->len) {
    case 1: x = vigil_cur_u8(c); break;
    case 2: x = le ? vigil_cur_u16le(c) : vigil_cur_u16be(c); break;
    case 4: x = le ? vigil_cur_u32le(c) : vigil_cur_u32be(c); break;
    default: x = le ? vigil_cur_u64le(c) : vigil_cur_u64be(c); break;
    }
    *v = (int64_t)x;
    return !vigil_cur_failed(c);
}

/* Hex and decimal text: leading blanks skipped (and fatal to 'e'). */
static bool text_field(struct vigil_span f, const struct vg_bcomp *bc,
                       int64_t *v)
{
    size_t pad = 0, n;
    uint16_t o = bc->opts;
    uint8_t tmp[20];
    bool exact;
    while (pad < f.len && c_space(f.p[pad]))
        pad++;
    n = f.len - pad;
    exact = (o & VG_BC_EXACT) && pad == 0;
    if (o & VG_BC_AUTO) {
        if (n < 3)
            return false;
        o = (uint16_t)((o & ~VG_BC_AUTO) |
                       (hex_prefixed(f.p + pad, n) ? VG_BC_HEX : VG_BC_DEC));
    }
    if ((o & (VG_BC_EXACT)) && !exact)
        return false;
    switch (o & 0xff) {
    case VG_BC_HEX | VG_BC_LE:
        if (n > 18)
            return false;
        return text_value(tmp, le_shuffle(f.p + pad, n, tmp), 16, n, exact, v);
    case VG_BC_HEX | VG_BC_BE: return text_value(f.p + pad, n, 16, n, exact, v);
    case VG_BC_DEC | VG_BC_BE: return text_value(f.p + pad, n, 10, n, exact, v);
    default: return false;
    }
}

static bool holds(char sym, int64_t v, int64_t want)
{
    return sym == '<' ? v < want : sym == '>' ? v > want : v == want;
}

bool vg_bcomp_check(const struct vg_bcomp *bc, struct vigil_span data,
                    uint64_t ref_off)
{
    struct vigil_cursor c = vigil_cur_from_span(data);
    int64_t start, v;
    if (ref_off > INT64_MAX / 2 || bc->off > INT64_MAX / 4 ||
        bc->off < -(INT64_MAX / 4))
        return false;
    start = (int64_t)ref_off + bc->off;
    if (start <= 0 || (uint64_t)start + bc->len > data.len)
        return false;
    vigil_cur_seek(&c, (size_t)start);
    if (bc->opts & VG_BC_BIN) {
        if ((bc->opts & (VG_BC_LE | VG_BC_BE)) == 0 || !bin_value(&c, bc, &v))
            return false;
    } else if (!text_field(vigil_cur_bytes(&c, bc->len), bc, &v)) {
        return false;
    }
    for (int i = 0; i < bc->ncomp; i++)
        if (!holds(bc->sym[i], v, bc->val[i]))
            return false;
    return true;
}
