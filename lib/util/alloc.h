// SPDX-License-Identifier: GPL-2.0-or-later
// alloc.h: the library's allocation wrappers and checked size arithmetic.
#ifndef VIGIL_UTIL_ALLOC_H
#define VIGIL_UTIL_ALLOC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * One set of allocation semantics for the whole library: NULL on failure,
 * never abort. vigil_realloc never frees the old block on failure.
 * With VIGIL_ALLOC_FAIL_TESTING the Nth allocation can be made to fail.
 */
void *vigil_malloc(size_t n);
void *vigil_calloc(size_t n, size_t size);
void *vigil_realloc(void *p, size_t n);
void *vigil_reallocarray(void *p, size_t n, size_t size);
void vigil_free(void *p);
char *vigil_strndup(const char *s, size_t n);
/* @p align a power of two; @p n rounded up to a multiple of it. */
void *vigil_aligned_alloc(size_t align, size_t n);
void vigil_aligned_free(void *p);

#define VIGIL_FREEP(pp)                                                      \
    do {                                                                     \
        vigil_free(*(pp));                                                   \
        *(pp) = NULL;                                                        \
    } while (0)

/** Make allocation number @p n (1-based, counted from now) fail; 0 = never. */
void vigil_alloc_fail_after(uint64_t n);

/* Checked arithmetic: return true on overflow, *out is then unspecified. */
static inline bool vigil_ckd_add_size(size_t *out, size_t a, size_t b)
{
    return __builtin_add_overflow(a, b, out);
}

static inline bool vigil_ckd_mul_size(size_t *out, size_t a, size_t b)
{
    return __builtin_mul_overflow(a, b, out);
}

static inline bool vigil_ckd_add_u64(uint64_t *out, uint64_t a, uint64_t b)
{
    return __builtin_add_overflow(a, b, out);
}

static inline bool vigil_ckd_mul_u64(uint64_t *out, uint64_t a, uint64_t b)
{
    return __builtin_mul_overflow(a, b, out);
}

#endif
