// SPDX-License-Identifier: GPL-2.0-or-later
// strparse.h: strict parsing of untrusted text (signature lines, configs).
#ifndef VIGIL_UTIL_STRPARSE_H
#define VIGIL_UTIL_STRPARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * A non-owning, length-delimited view of text. Nothing here needs NUL
 * termination. Functions returning int give 0 on success and nonzero on
 * failure, so checks chain with ||:
 *     if (vigil_str_to_u64(f[1], max, &size) || vigil_str_hex(f[0], ...))
 */
struct vigil_str {
    const char *p;
    size_t len;
};

struct vigil_str vigil_str_make(const char *p, size_t len);
struct vigil_str vigil_str_cstr(const char *s);

/** Split at @p sep into at most @p max fields. @return the field count,
 *  or max + 1 when there were more (then fields[] holds the first max). */
size_t vigil_str_split(struct vigil_str s, char sep, struct vigil_str *fields,
                       size_t max);

/** Strict decimal: digits only, at least one, value <= @p max. */
int vigil_str_to_u64(struct vigil_str s, uint64_t max, uint64_t *out);

/** Decode exactly s.len / 2 bytes of hex (either case) into @p out, which
 *  must hold @p outlen >= s.len / 2 bytes; fails on odd length or non-hex. */
int vigil_str_hex(struct vigil_str s, uint8_t *out, size_t outlen);

/** Value of one hex digit, or -1. */
int vigil_hexval(char c);

bool vigil_str_eq(struct vigil_str s, const char *lit);
bool vigil_str_has_suffix_nocase(struct vigil_str s, const char *suffix);

/** Pop the next line from *@p rest (LF, CRLF stripped). @return false at end. */
bool vigil_str_next_line(struct vigil_str *rest, struct vigil_str *line);

#endif
