// SPDX-License-Identifier: GPL-2.0-or-later
// cursor.h: bounded, sticky-error cursor and span for reading hostile input.
#ifndef VIGIL_UTIL_CURSOR_H
#define VIGIL_UTIL_CURSOR_H

/*
 * Every parser reads attacker-controlled bytes through this file and never
 * through raw pointer arithmetic (conventions.md §19-21).
 *
 * Contract:
 *  - A cursor covers [base, base + len) and reads at pos; 0 <= pos <= len
 *    always holds. Do not write the fields directly.
 *  - Errors are sticky. A read that would overrun sets err, returns 0 (or an
 *    empty span {NULL, 0}) and leaves pos where it was. Once err is set every
 *    read fails the same way, even if bytes remain, so a parser can decode a
 *    whole header and check vigil_cur_failed() once.
 *  - Bounds are compared by remaining length (n > len - pos), so no pointer
 *    outside the buffer is ever formed and no size_t sum can wrap.
 *  - Multi-byte values are assembled byte by byte in unsigned temporaries:
 *    no alignment or aliasing assumptions, no host-endian dependence.
 *  - A NULL pointer is only valid with length 0; a NULL pointer with a
 *    non-zero length gives an empty span, or an empty cursor with err set.
 *
 * Thread-safety: a cursor is a small value owned by one parser; spans are
 * read-only views and may be shared. Nothing here allocates.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** A non-owning, read-only view of len bytes at p. */
struct vigil_span {
    const uint8_t *p;
    size_t len;
};

/** A bounded reader over [base, base + len), positioned at pos. */
struct vigil_cursor {
    const uint8_t *base;
    size_t len, pos;
    bool err;
};

/* ---- unchecked decoders (precondition: p has >= N readable bytes) ---- */

/** Decode 2 bytes little-endian. @pre p points to 2 readable bytes. */
static inline uint16_t vigil_load_u16le_unchecked(const uint8_t *p)
{
    return (uint16_t)((uint32_t)p[0] | ((uint32_t)p[1] << 8));
}

/** Decode 2 bytes big-endian. @pre p points to 2 readable bytes. */
static inline uint16_t vigil_load_u16be_unchecked(const uint8_t *p)
{
    return (uint16_t)(((uint32_t)p[0] << 8) | (uint32_t)p[1]);
}

/** Decode 4 bytes little-endian. @pre p points to 4 readable bytes. */
static inline uint32_t vigil_load_u32le_unchecked(const uint8_t *p)
{
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) |
           ((uint32_t)p[3] << 24);
}

/** Decode 4 bytes big-endian. @pre p points to 4 readable bytes. */
static inline uint32_t vigil_load_u32be_unchecked(const uint8_t *p)
{
    return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
           ((uint32_t)p[2] << 8) | (uint32_t)p[3];
}

/** Decode 8 bytes little-endian. @pre p points to 8 readable bytes. */
static inline uint64_t vigil_load_u64le_unchecked(const uint8_t *p)
{
    return (uint64_t)vigil_load_u32le_unchecked(p) |
           ((uint64_t)vigil_load_u32le_unchecked(p + 4) << 32);
}

/** Decode 8 bytes big-endian. @pre p points to 8 readable bytes. */
static inline uint64_t vigil_load_u64be_unchecked(const uint8_t *p)
{
    return ((uint64_t)vigil_load_u32be_unchecked(p) << 32) |
           (uint64_t)vigil_load_u32be_unchecked(p + 4);
}

/* ---- spans ---- */

/**
 * Make a span over p.
 * @param[in] p    start of the bytes (may be NULL only if len is 0)
 * @param[in] len  number of bytes
 * @return {p, len}; {NULL, 0} if p is NULL.
 * @note The span does not own the bytes.
 */
static inline struct vigil_span vigil_span_make(const void *p, size_t len)
{
    struct vigil_span s;

    s.p = (const uint8_t *)p;
    s.len = p != NULL ? len : 0;
    return s;
}

/**
 * Take the sub-span [off, off + n) of s.
 * @param[in]  s    the span
 * @param[in]  off  offset of the sub-span within s
 * @param[in]  n    length of the sub-span
 * @param[out] out  the sub-span on success, {NULL, 0} on failure
 * @return true if [off, off + n) lies within s (off == s.len with n == 0 is
 *         allowed), false otherwise. Never wraps, even for off + n > SIZE_MAX.
 */
static inline bool vigil_span_sub_ok(struct vigil_span s, size_t off,
                                     size_t n, struct vigil_span *out)
{
    if (off > s.len || n > s.len - off) {
        out->p = NULL;
        out->len = 0;
        return false;
    }
    /* s.p == NULL implies s.len == 0, hence off == 0: avoid NULL + 0. */
    out->p = s.p != NULL ? s.p + off : NULL;
    out->len = n;
    return true;
}

/**
 * Take the sub-span [off, off + n) of s.
 * @return the sub-span, or {NULL, 0} if it does not lie within s. Use
 *         vigil_span_sub_ok() when an empty result must be told apart.
 */
static inline struct vigil_span vigil_span_sub(struct vigil_span s,
                                               size_t off, size_t n)
{
    struct vigil_span out;

    (void)vigil_span_sub_ok(s, off, n, &out);
    return out;
}

/* ---- cursor setup and state ---- */

/**
 * Point a cursor at len bytes at p, positioned at 0.
 * @param[out] c    the cursor
 * @param[in]  p    the bytes (NULL only with len 0)
 * @param[in]  len  number of bytes
 * @note p == NULL with len != 0 gives an empty cursor with err already set.
 */
static inline void vigil_cur_init(struct vigil_cursor *c, const void *p,
                                  size_t len)
{
    c->base = (const uint8_t *)p;
    c->pos = 0;
    if (p == NULL && len != 0) {
        c->len = 0;
        c->err = true;
    } else {
        c->len = len;
        c->err = false;
    }
}

/** @return a fresh cursor over the bytes of s, positioned at 0. */
static inline struct vigil_cursor vigil_cur_from_span(struct vigil_span s)
{
    struct vigil_cursor c;

    vigil_cur_init(&c, s.p, s.len);
    return c;
}

/** @return true once any read on c (or on a failed vigil_cur_sub) failed. */
static inline bool vigil_cur_failed(const struct vigil_cursor *c)
{
    return c->err;
}

/** @return bytes left between pos and the end; 0 once err is set. */
static inline size_t vigil_cur_remaining(const struct vigil_cursor *c)
{
    return c->err ? 0 : c->len - c->pos;
}

/** @return the current position (offset from the cursor's start). */
static inline size_t vigil_cur_tell(const struct vigil_cursor *c)
{
    return c->pos;
}

/* Pointer to pos; NULL for an empty NULL-based cursor (avoids NULL + 0). */
static inline const uint8_t *vigil_cur_here(const struct vigil_cursor *c)
{
    return c->base != NULL ? c->base + c->pos : NULL;
}

/*
 * Bounds-check n bytes at pos, advance past them and return where they start;
 * on overrun (or if err was already set) set err and return NULL without
 * moving. n must be >= 1 (a NULL return then always means failure).
 */
static inline const uint8_t *vigil_cur_take(struct vigil_cursor *c, size_t n)
{
    const uint8_t *p;

    if (c->err || n > c->len - c->pos) {
        c->err = true;
        return NULL;
    }
    p = c->base + c->pos;
    c->pos += n;
    return p;
}

/*
 * Bounds-check n >= 1 bytes at absolute offset off (from the cursor's start)
 * without moving; set err and return NULL if they are not all inside.
 */
static inline const uint8_t *vigil_cur_at(struct vigil_cursor *c, size_t off,
                                          size_t n)
{
    if (c->err || off > c->len || n > c->len - off) {
        c->err = true;
        return NULL;
    }
    return c->base + off;
}

/* ---- fixed-size reads: value, or 0 and err on overrun ---- */

/** Read one byte. @return it, or 0 (err set, pos unchanged) on overrun. */
static inline uint8_t vigil_cur_u8(struct vigil_cursor *c)
{
    const uint8_t *p = vigil_cur_take(c, 1);

    return p != NULL ? p[0] : 0;
}

/** Read a little-endian u16. @return it, or 0 with err set on overrun. */
static inline uint16_t vigil_cur_u16le(struct vigil_cursor *c)
{
    const uint8_t *p = vigil_cur_take(c, 2);

    return p != NULL ? vigil_load_u16le_unchecked(p) : 0;
}

/** Read a big-endian u16. @return it, or 0 with err set on overrun. */
static inline uint16_t vigil_cur_u16be(struct vigil_cursor *c)
{
    const uint8_t *p = vigil_cur_take(c, 2);

    return p != NULL ? vigil_load_u16be_unchecked(p) : 0;
}

/** Read a little-endian u32. @return it, or 0 with err set on overrun. */
static inline uint32_t vigil_cur_u32le(struct vigil_cursor *c)
{
    const uint8_t *p = vigil_cur_take(c, 4);

    return p != NULL ? vigil_load_u32le_unchecked(p) : 0;
}

/** Read a big-endian u32. @return it, or 0 with err set on overrun. */
static inline uint32_t vigil_cur_u32be(struct vigil_cursor *c)
{
    const uint8_t *p = vigil_cur_take(c, 4);

    return p != NULL ? vigil_load_u32be_unchecked(p) : 0;
}

/** Read a little-endian u64. @return it, or 0 with err set on overrun. */
static inline uint64_t vigil_cur_u64le(struct vigil_cursor *c)
{
    const uint8_t *p = vigil_cur_take(c, 8);

    return p != NULL ? vigil_load_u64le_unchecked(p) : 0;
}

/** Read a big-endian u64. @return it, or 0 with err set on overrun. */
static inline uint64_t vigil_cur_u64be(struct vigil_cursor *c)
{
    const uint8_t *p = vigil_cur_take(c, 8);

    return p != NULL ? vigil_load_u64be_unchecked(p) : 0;
}

/* ---- reads at an absolute offset; pos never moves, err is set on overrun */

/** @return the byte at offset off, or 0 with err set if off >= len. */
static inline uint8_t vigil_cur_u8_at(struct vigil_cursor *c, size_t off)
{
    const uint8_t *p = vigil_cur_at(c, off, 1);

    return p != NULL ? p[0] : 0;
}

/** @return the little-endian u16 at offset off, or 0 with err set. */
static inline uint16_t vigil_cur_u16le_at(struct vigil_cursor *c, size_t off)
{
    const uint8_t *p = vigil_cur_at(c, off, 2);

    return p != NULL ? vigil_load_u16le_unchecked(p) : 0;
}

/** @return the big-endian u16 at offset off, or 0 with err set. */
static inline uint16_t vigil_cur_u16be_at(struct vigil_cursor *c, size_t off)
{
    const uint8_t *p = vigil_cur_at(c, off, 2);

    return p != NULL ? vigil_load_u16be_unchecked(p) : 0;
}

/** @return the little-endian u32 at offset off, or 0 with err set. */
static inline uint32_t vigil_cur_u32le_at(struct vigil_cursor *c, size_t off)
{
    const uint8_t *p = vigil_cur_at(c, off, 4);

    return p != NULL ? vigil_load_u32le_unchecked(p) : 0;
}

/** @return the big-endian u32 at offset off, or 0 with err set. */
static inline uint32_t vigil_cur_u32be_at(struct vigil_cursor *c, size_t off)
{
    const uint8_t *p = vigil_cur_at(c, off, 4);

    return p != NULL ? vigil_load_u32be_unchecked(p) : 0;
}

/** @return the little-endian u64 at offset off, or 0 with err set. */
static inline uint64_t vigil_cur_u64le_at(struct vigil_cursor *c, size_t off)
{
    const uint8_t *p = vigil_cur_at(c, off, 8);

    return p != NULL ? vigil_load_u64le_unchecked(p) : 0;
}

/** @return the big-endian u64 at offset off, or 0 with err set. */
static inline uint64_t vigil_cur_u64be_at(struct vigil_cursor *c, size_t off)
{
    const uint8_t *p = vigil_cur_at(c, off, 8);

    return p != NULL ? vigil_load_u64be_unchecked(p) : 0;
}

/* ---- variable-size reads and movement ---- */

/**
 * Take the next n bytes and advance past them.
 * @return a span of exactly n bytes; {NULL, 0} with err set (pos unchanged)
 *         if fewer than n remain or err was already set. n == 0 succeeds
 *         with an empty span at pos.
 * @note The span points into the cursor's buffer and lives as long as it.
 */
static inline struct vigil_span vigil_cur_bytes(struct vigil_cursor *c,
                                                size_t n)
{
    struct vigil_span s = {NULL, 0};

    if (c->err || n > c->len - c->pos) {
        c->err = true;
        return s;
    }
    s.p = vigil_cur_here(c);
    s.len = n;
    c->pos += n;
    return s;
}

/**
 * Look at the next n bytes without advancing and without setting err.
 * @return a span of exactly n bytes at pos, or {NULL, 0} if fewer than n
 *         remain or err is set. Test for success with `.len == n` (n == 0
 *         always yields an empty span).
 */
static inline struct vigil_span vigil_cur_peek(const struct vigil_cursor *c,
                                               size_t n)
{
    struct vigil_span s = {NULL, 0};

    if (c->err || n > c->len - c->pos)
        return s;
    s.p = vigil_cur_here(c);
    s.len = n;
    return s;
}

/** @return the span from pos to the end ({NULL, 0} once err is set). */
static inline struct vigil_span vigil_cur_rest(const struct vigil_cursor *c)
{
    return vigil_cur_peek(c, vigil_cur_remaining(c));
}

/**
 * Advance by n bytes.
 * @return true on success; false with err set (pos unchanged) if fewer than
 *         n remain or err was already set.
 */
static inline bool vigil_cur_skip(struct vigil_cursor *c, size_t n)
{
    if (c->err || n > c->len - c->pos) {
        c->err = true;
        return false;
    }
    c->pos += n;
    return true;
}

/**
 * Move to absolute offset off (from the cursor's start); off == len is
 * allowed and leaves nothing to read.
 * @return true on success; false with err set (pos unchanged) if off > len or
 *         err was already set (seeking never clears err).
 */
static inline bool vigil_cur_seek(struct vigil_cursor *c, size_t off)
{
    if (c->err || off > c->len) {
        c->err = true;
        return false;
    }
    c->pos = off;
    return true;
}

/* ---- sub-cursors ---- */

/**
 * Make a child cursor confined to [off, off + n) of c (absolute offsets from
 * c's start, independent of c->pos); reads past the child's end fail even if
 * c has more bytes. c->pos does not move.
 * @param[in,out] c    the parent; err is set on it if the range is bad
 * @param[in]     off  start of the child's range within c
 * @param[in]     n    length of the child's range
 * @return the child, positioned at 0. If c already failed or the range does
 *         not lie within c, an empty child with err set (and c->err set too).
 */
struct vigil_cursor vigil_cur_sub(struct vigil_cursor *c, size_t off,
                                  size_t n);

/**
 * Make a child cursor over the next n bytes at c->pos and advance c past
 * them (vigil_cur_sub(c, pos, n) followed by vigil_cur_skip(c, n)).
 * @return the child; on overrun an empty child with err set on both, and
 *         c->pos unchanged.
 */
struct vigil_cursor vigil_cur_sub_next(struct vigil_cursor *c, size_t n);

#endif
