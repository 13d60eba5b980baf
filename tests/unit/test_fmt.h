// SPDX-License-Identifier: GPL-2.0-or-later
// test_fmt.h: a fake recursion core for the format parsers' tests: it
// collects every emitted child (bytes, name, hint, flags), can recurse
// into children itself, and reads ClamAV's XOR-ed samples from ../shared.
#ifndef VIGIL_TEST_FMT_H
#define VIGIL_TEST_FMT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "scan/extract.h"
#include "test_main.h"
#include "test_shared.h"
#include "vigil/vigil.h"

#define FAKE_MAX_KIDS 256

struct fake_kid {
    uint8_t *p;
    size_t len;
    char name[256];
    int hint;
    bool truncated, encrypted;
    uint32_t depth;
};

/* A parser the fake core may recurse into (hint -> parser). */
typedef int (*fake_parser_fn)(struct vigil_span in, const struct vg_extract *x);

struct fake_core {
    struct fake_kid kids[FAKE_MAX_KIDS];
    size_t n;
    int stop_after; /* return stop_ret from the Nth emit (1-based); 0 never */
    int stop_ret;
    int recurse_hint; /* children with this hint go to recurse_fn */
    fake_parser_fn recurse_fn;
    uint32_t depth;
    uint64_t max_child;
};

static inline int fake_emit(void *core, struct vigil_span data,
                            const struct vg_child_info *info)
{
    struct fake_core *fc = core;
    struct fake_kid *k;

    assert_true(data.len <= fc->max_child);
    assert_true(fc->n < FAKE_MAX_KIDS);
    k = &fc->kids[fc->n++];
    k->p = malloc(data.len ? data.len : 1);
    assert_non_null(k->p);
    if (data.len)
        memcpy(k->p, data.p, data.len);
    k->len = data.len;
    snprintf(k->name, sizeof k->name, "%s", info->name ? info->name : "");
    k->hint = info->type_hint;
    k->truncated = info->truncated;
    k->encrypted = info->encrypted;
    k->depth = fc->depth;
    if (fc->stop_after && (int)fc->n == fc->stop_after)
        return fc->stop_ret;
    if (fc->recurse_fn && info->type_hint == fc->recurse_hint &&
        fc->depth < 16) {
        struct vg_extract x = {fake_emit, fc, fc->max_child, fc->depth + 1};
        int ret;
        fc->depth++;
        ret = fc->recurse_fn(data, &x);
        fc->depth--;
        if (ret != VIGIL_OK && ret != VIGIL_E_CORRUPT &&
            ret != VIGIL_E_UNSUPPORTED)
            return ret;
    }
    return VIGIL_OK;
}

static inline void fake_init(struct fake_core *fc)
{
    memset(fc, 0, sizeof *fc);
    fc->recurse_hint = -2;
    fc->max_child = (uint64_t)1 << 26;
}

static inline void fake_free(struct fake_core *fc)
{
    for (size_t i = 0; i < fc->n; i++)
        free(fc->kids[i].p);
    fc->n = 0;
}

/* Run parser fn over a heap copy of exactly len bytes (ASan sees
 * overreads). */
static inline int fake_run(struct fake_core *fc, fake_parser_fn fn,
                           const void *p, size_t len)
{
    uint8_t *copy = malloc(len ? len : 1);
    struct vg_extract x = {fake_emit, fc, fc->max_child, 0};
    int ret;

    assert_non_null(copy);
    if (len)
        memcpy(copy, p, len);
    ret = fn(vigil_span_make(copy, len), &x);
    free(copy);
    return ret;
}

static inline int fake_run_str(struct fake_core *fc, fake_parser_fn fn,
                               const char *s)
{
    return fake_run(fc, fn, s, strlen(s));
}

/* @return the first child whose bytes equal (p, n), or NULL. */
static inline const struct fake_kid *fake_find(const struct fake_core *fc,
                                               const void *p, size_t n)
{
    for (size_t i = 0; i < fc->n; i++)
        if (fc->kids[i].len == n && (n == 0 || !memcmp(fc->kids[i].p, p, n)))
            return &fc->kids[i];
    return NULL;
}

static inline const struct fake_kid *fake_find_str(const struct fake_core *fc,
                                                   const char *s)
{
    return fake_find(fc, s, strlen(s));
}

/* MD5 of bytes as 32 lowercase hex digits. */
static inline void md5_hex(const uint8_t *p, size_t n, char out[33])
{
    unsigned char d[16];
    unsigned int dl = 0;

    assert_true(EVP_Digest(p, n, d, &dl, EVP_md5(), NULL));
    for (unsigned i = 0; i < 16; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

#define CLAM_EXE_MD5 "aa15bcf478d165efd2065190eb473bcb"

/* @return the first child that is clam.exe, or NULL. */
static inline const struct fake_kid *fake_find_clam(const struct fake_core *fc)
{
    char h[33];

    for (size_t i = 0; i < fc->n; i++) {
        if (fc->kids[i].len != 544)
            continue;
        md5_hex(fc->kids[i].p, 544, h);
        if (!strcmp(h, CLAM_EXE_MD5))
            return &fc->kids[i];
    }
    return NULL;
}

/* A byte image a test builds piece by piece: a file of some format. */
struct test_img {
    uint8_t b[80000];
    size_t n;
};

static inline void img_put(struct test_img *m, const void *p, size_t n)
{
    assert_true(n <= sizeof m->b - m->n);
    memcpy(m->b + m->n, p, n);
    m->n += n;
}

/* @p v little-endian in @p bytes bytes (wider than 8: zeros after). */
static inline void img_le(struct test_img *m, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++) {
        uint8_t b = (uint8_t)(i < 8 ? v >> (8 * i) : 0);
        img_put(m, &b, 1);
    }
}

/* @p fn over @p len bytes at @p p must succeed and hand out clam.exe,
 * named @p name: the check every parser runs on ClamAV's own sample. */
static inline void expect_clam_named(fake_parser_fn fn, const void *p,
                                     size_t len, const char *name)
{
    struct fake_core fc;
    const struct fake_kid *k;

    fake_init(&fc);
    assert_int_equal(fake_run(&fc, fn, p, len), VIGIL_OK);
    assert_non_null(k = fake_find_clam(&fc));
    assert_string_equal(k->name, name);
    fake_free(&fc);
}

/* Read clamav_hdb_scanfiles/@p name.xor decoded into b, or skip. */
static inline void need_scanfile(const char *name, struct vigil_buf *b)
{
    struct vigil_buf key;
    char rel[256];

    snprintf(rel, sizeof rel, "clamav_hdb_scanfiles/%s.xor", name);
    need_shared(rel, b);
    need_shared("XOR-KEY.txt", &key);
    assert_true(key.len >= 160);
    for (size_t i = 0; i < b->len; i++)
        b->data[i] ^= key.data[i % 160];
    vigil_buf_free(&key);
}

#endif
