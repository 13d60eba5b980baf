// SPDX-License-Identifier: GPL-2.0-or-later
// alloc.c: allocation wrappers with an optional fail-the-Nth-call hook.
#include "util/alloc.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/*
 * Allocation-failure testing state. It is the one piece of process-wide
 * state in the library, and it is inert (0) unless a test arms it.
 */
static _Atomic uint64_t fail_countdown;

void vigil_alloc_fail_after(uint64_t n)
{
    atomic_store(&fail_countdown, n);
}

static bool should_fail(void)
{
    uint64_t cur = atomic_load(&fail_countdown);
    while (cur != 0) {
        if (atomic_compare_exchange_weak(&fail_countdown, &cur, cur - 1))
            return cur == 1;
    }
    return false;
}

void *vigil_malloc(size_t n)
{
    if (should_fail())
        return NULL;
    return malloc(n ? n : 1);
}

void *vigil_calloc(size_t n, size_t size)
{
    if (should_fail())
        return NULL;
    if (n == 0 || size == 0)
        return calloc(1, 1);
    return calloc(n, size); /* calloc checks n * size for overflow */
}

void *vigil_realloc(void *p, size_t n)
{
    if (should_fail())
        return NULL;
    return realloc(p, n ? n : 1);
}

void *vigil_reallocarray(void *p, size_t n, size_t size)
{
    size_t total;
    if (vigil_ckd_mul_size(&total, n, size))
        return NULL;
    return vigil_realloc(p, total);
}

void vigil_free(void *p)
{
    free(p);
}

void *vigil_aligned_alloc(size_t align, size_t n)
{
    size_t rounded;
    if (should_fail() || vigil_ckd_add_size(&rounded, n ? n : 1, align - 1))
        return NULL;
    return aligned_alloc(align, rounded & ~(align - 1));
}

void vigil_aligned_free(void *p)
{
    free(p);
}

char *vigil_strndup(const char *s, size_t n)
{
    char *d = vigil_malloc(n + 1);
    if (!d)
        return NULL;
    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}
