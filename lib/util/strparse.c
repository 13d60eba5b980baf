// SPDX-License-Identifier: GPL-2.0-or-later
// strparse.c: strict parsing of untrusted text.
#include "util/strparse.h"

#include <string.h>

struct vigil_str vigil_str_make(const char *p, size_t len)
{
    struct vigil_str s = {p, len};
    return s;
}

struct vigil_str vigil_str_cstr(const char *s)
{
    return vigil_str_make(s, strlen(s));
}

size_t vigil_str_split(struct vigil_str s, char sep, struct vigil_str *fields,
                       size_t max)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= s.len; i++) {
        if (i < s.len && s.p[i] != sep)
            continue;
        if (n == max)
            return max + 1;
        fields[n++] = vigil_str_make(s.p + start, i - start);
        start = i + 1;
    }
    return n;
}

int vigil_str_to_u64(struct vigil_str s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (s.len == 0)
        return 1;
    for (size_t i = 0; i < s.len; i++) {
        unsigned d = (unsigned)(unsigned char)s.p[i] - '0';
        if (d > 9 || v > max / 10)
            return 1;
        v *= 10;
        if (d > max - v)
            return 1;
        v += d;
    }
    *out = v;
    return 0;
}

int vigil_hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* 0xff marks a non-hex character; a table because databases hold
 * millions of hex digests and this is the loader's hottest loop. */
static const uint8_t hex_table[256] = {
    ['0'] = 0,  ['1'] = 1,  ['2'] = 2,  ['3'] = 3,  ['4'] = 4,
    ['5'] = 5,  ['6'] = 6,  ['7'] = 7,  ['8'] = 8,  ['9'] = 9,
    ['a'] = 10, ['b'] = 11, ['c'] = 12, ['d'] = 13, ['e'] = 14,
    ['f'] = 15, ['A'] = 10, ['B'] = 11, ['C'] = 12, ['D'] = 13,
    ['E'] = 14, ['F'] = 15,
};

static bool is_hex(char c)
{
    return hex_table[(unsigned char)c] != 0 || c == '0';
}

int vigil_str_hex(struct vigil_str s, uint8_t *out, size_t outlen)
{
    if (s.len % 2 || s.len / 2 > outlen)
        return 1;
    for (size_t i = 0; i < s.len; i += 2) {
        char a = s.p[i], b = s.p[i + 1];
        if (!is_hex(a) || !is_hex(b))
            return 1;
        out[i / 2] = (uint8_t)(hex_table[(unsigned char)a] << 4 |
                               hex_table[(unsigned char)b]);
    }
    return 0;
}

bool vigil_str_eq(struct vigil_str s, const char *lit)
{
    size_t n = strlen(lit);
    return s.len == n && memcmp(s.p, lit, n) == 0;
}

static char ascii_lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

bool vigil_str_has_suffix_nocase(struct vigil_str s, const char *suffix)
{
    size_t n = strlen(suffix);
    if (n > s.len)
        return false;
    for (size_t i = 0; i < n; i++)
        if (ascii_lower(s.p[s.len - n + i]) != ascii_lower(suffix[i]))
            return false;
    return true;
}

bool vigil_str_next_line(struct vigil_str *rest, struct vigil_str *line)
{
    const char *nl;
    size_t len;
    if (rest->len == 0)
        return false;
    nl = memchr(rest->p, '\n', rest->len);
    len = nl ? (size_t)(nl - rest->p) : rest->len;
    *line = vigil_str_make(rest->p, len);
    if (line->len && line->p[line->len - 1] == '\r')
        line->len--;
    rest->p += nl ? len + 1 : len;
    rest->len -= nl ? len + 1 : len;
    return true;
}
