// SPDX-License-Identifier: GPL-2.0-or-later
// test_hashdb.c: unit tests for the whole-file hash tables (db/hashdb.h).
#include "test_main.h"

#include <stdlib.h>
#include <string.h>

#include "db/hashdb.h"
#include "vigil/vigil.h"

struct rng {
    uint64_t s;
};

/* splitmix64: deterministic, so a failure reproduces. */
static uint64_t rng_next(struct rng *r)
{
    uint64_t z = (r->s += UINT64_C(0x9e3779b97f4a7c15));

    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static void rng_fill(struct rng *r, uint8_t *d, size_t n)
{
    for (size_t i = 0; i < n; i++)
        d[i] = (uint8_t)rng_next(r);
}

/* A digest derived from @p seed (every byte depends on it). */
static void digest_of(uint64_t seed, uint8_t *d, size_t n)
{
    struct rng r = {seed * 7919 + 1};

    rng_fill(&r, d, n);
}

static struct vg_hashtab *tab(struct vg_hashdb *db, enum vg_hash_set set,
                              enum vg_hash_type type, bool any)
{
    return &db->tab[set][type][any ? 1 : 0];
}

static void add(struct vg_hashdb *db, enum vg_hash_set set,
                enum vg_hash_type type, uint64_t seed, uint32_t size,
                uint32_t name)
{
    uint8_t d[VG_HASH_MAXLEN];

    digest_of(seed, d, vg_hash_len(type));
    assert_int_equal(vg_hashdb_add(db, set, type, d, size, name), VIGIL_OK);
}

/* Count of matches for digest @p seed at @p size; *first when nonzero. */
static uint32_t find(const struct vg_hashtab *t, uint64_t seed, uint64_t size,
                     uint32_t *first)
{
    uint8_t d[VG_HASH_MAXLEN];
    uint32_t f = UINT32_MAX, n;

    digest_of(seed, d, t->dlen);
    n = vg_hashtab_find(t, d, size, &f);
    if (n) {
        assert_true(f < t->n && n <= t->n - f);
        for (uint32_t i = 0; i < n; i++) /* every reported entry matches */
            assert_memory_equal(t->digests + (size_t)(f + i) * t->dlen, d,
                                t->dlen);
    }
    if (first)
        *first = f;
    return n;
}

/* Name of the single match of @p seed at @p size, or UINT32_MAX. */
static uint32_t find_name(const struct vg_hashtab *t, uint64_t seed,
                          uint64_t size)
{
    uint32_t first, n = find(t, seed, size, &first);

    return n == 1 ? t->names[first] : UINT32_MAX;
}

static void hash_types_by_hex_length(void **state)
{
    (void)state;
    assert_int_equal(vg_hash_type_from_hexlen(32), VG_HASH_MD5);
    assert_int_equal(vg_hash_type_from_hexlen(40), VG_HASH_SHA1);
    assert_int_equal(vg_hash_type_from_hexlen(64), VG_HASH_SHA256);
    assert_int_equal(vg_hash_len(VG_HASH_MD5), 16);
    assert_int_equal(vg_hash_len(VG_HASH_SHA1), 20);
    assert_int_equal(vg_hash_len(VG_HASH_SHA256), 32);
    for (size_t n = 0; n < 200; n++)
        if (n != 32 && n != 40 && n != 64)
            assert_int_equal(vg_hash_type_from_hexlen(n), -1);
}

static void empty_db_finds_nothing(void **state)
{
    struct vg_hashdb db;
    (void)state;

    vg_hashdb_init(&db);
    assert_int_equal(vg_hashdb_build(&db), VIGIL_OK);
    for (int t = 0; t < VG_HASH_NTYPES; t++) {
        assert_false(vg_hashdb_wants(&db, VG_HSET_DETECT, t, 68));
        assert_false(vg_hashdb_wants(&db, VG_HSET_ALLOW, t, 0));
        assert_int_equal(find(tab(&db, VG_HSET_DETECT, t, false), 1, 68,
                              NULL), 0);
        assert_int_equal(find(tab(&db, VG_HSET_DETECT, t, true), 1, 68,
                              NULL), 0);
    }
    vg_hashdb_free(&db);
    vg_hashdb_free(&db); /* idempotent */
}

static void add_find_each_type(void **state)
{
    struct vg_hashdb db;
    (void)state;

    vg_hashdb_init(&db);
    add(&db, VG_HSET_DETECT, VG_HASH_MD5, 1, 68, 10);
    add(&db, VG_HSET_DETECT, VG_HASH_SHA1, 2, 68, 20);
    add(&db, VG_HSET_DETECT, VG_HASH_SHA256, 3, 68, 30);
    assert_int_equal(vg_hashdb_build(&db), VIGIL_OK);

    assert_int_equal(find_name(tab(&db, 0, VG_HASH_MD5, false), 1, 68), 10);
    assert_int_equal(find_name(tab(&db, 0, VG_HASH_SHA1, false), 2, 68), 20);
    assert_int_equal(find_name(tab(&db, 0, VG_HASH_SHA256, false), 3, 68),
                     30);
    /* Each digest is only in its own type's table. */
    assert_int_equal(find(tab(&db, 0, VG_HASH_SHA1, false), 1, 68, NULL), 0);
    assert_int_equal(find(tab(&db, 0, VG_HASH_SHA256, false), 2, 68, NULL),
                     0);
    assert_int_equal(find(tab(&db, 0, VG_HASH_MD5, false), 3, 68, NULL), 0);
    /* Nor in the allow-list or any-size tables. */
    assert_int_equal(find(tab(&db, VG_HSET_ALLOW, VG_HASH_MD5, false), 1, 68,
                          NULL), 0);
    assert_int_equal(find(tab(&db, 0, VG_HASH_MD5, true), 1, 68, NULL), 0);
    vg_hashdb_free(&db);
}

static void detect_and_allow_are_separate(void **state)
{
    struct vg_hashdb db;
    (void)state;

    vg_hashdb_init(&db);
    add(&db, VG_HSET_ALLOW, VG_HASH_SHA256, 5, 100, 0);
    assert_int_equal(vg_hashdb_build(&db), VIGIL_OK);
    assert_int_equal(find(tab(&db, VG_HSET_ALLOW, VG_HASH_SHA256, false), 5,
                          100, NULL), 1);
    assert_int_equal(find(tab(&db, VG_HSET_DETECT, VG_HASH_SHA256, false), 5,
                          100, NULL), 0);
    assert_true(vg_hashdb_wants(&db, VG_HSET_ALLOW, VG_HASH_SHA256, 100));
    assert_false(vg_hashdb_wants(&db, VG_HSET_DETECT, VG_HASH_SHA256, 100));
    vg_hashdb_free(&db);
}

static void exact_vs_any_size(void **state)
{
    struct vg_hashdb db;
    const struct vg_hashtab *ex, *any;
    static const uint64_t sizes[] = {0, 1, 68, 99, 101, UINT32_MAX,
                                     (uint64_t)UINT32_MAX + 1, UINT64_MAX};
    (void)state;

    vg_hashdb_init(&db);
    add(&db, 0, VG_HASH_MD5, 1, 100, 1); /* exact size 100 */
    add(&db, 0, VG_HASH_MD5, 2, 0, 2);   /* any size */
    assert_int_equal(vg_hashdb_build(&db), VIGIL_OK);
    ex = tab(&db, 0, VG_HASH_MD5, false);
    any = tab(&db, 0, VG_HASH_MD5, true);
    assert_int_equal(ex->n, 1);
    assert_int_equal(any->n, 1);
    assert_true(any->any_size);
    assert_false(ex->any_size);

    assert_int_equal(find_name(ex, 1, 100), 1);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        assert_int_equal(find(ex, 1, sizes[i], NULL), 0);
        assert_int_equal(find_name(any, 2, sizes[i]), 2);
        assert_int_equal(find(any, 1, sizes[i], NULL), 0);
    }
    assert_int_equal(find(ex, 2, 100, NULL), 0);
    vg_hashdb_free(&db);
}

static void same_digest_different_sizes(void **state)
{
    struct vg_hashdb db;
    const struct vg_hashtab *t;
    (void)state;

    vg_hashdb_init(&db);
    add(&db, 0, VG_HASH_SHA1, 7, 20, 2);
    add(&db, 0, VG_HASH_SHA1, 7, 10, 1);
    add(&db, 0, VG_HASH_SHA1, 7, 30, 3);
    assert_int_equal(vg_hashdb_build(&db), VIGIL_OK);
    t = tab(&db, 0, VG_HASH_SHA1, false);
    assert_int_equal(find_name(t, 7, 10), 1);
    assert_int_equal(find_name(t, 7, 20), 2);
    assert_int_equal(find_name(t, 7, 30), 3);
    assert_int_equal(find(t, 7, 15, NULL), 0);
    assert_int_equal(find(t, 7, 40, NULL), 0);
    vg_hashdb_free(&db);
}

/* Entries sharing a (digest, size) key are one detection: the lookup
 * returns the first loaded, whatever was loaded around it. */
static void duplicates_find_first_loaded(void **state)
{
    static const uint32_t dup_names[] = {50, 30, 90, 10, 70};
    struct vg_hashdb db;
    const struct vg_hashtab *t;
    uint32_t first;
    (void)state;

    vg_hashdb_init(&db);
    for (uint32_t i = 0; i < 5; i++) {
        add(&db, 0, VG_HASH_MD5, 100 + i, 68, 1000 + i); /* other keys */
        add(&db, 0, VG_HASH_MD5, 42, 68, dup_names[i]);
        add(&db, 0, VG_HASH_MD5, 42, 69, 2000 + i); /* same digest, size */
    }
    assert_int_equal(vg_hashdb_build(&db), VIGIL_OK);
    t = tab(&db, 0, VG_HASH_MD5, false);
    assert_int_equal(t->n, 15);
    for (uint32_t i = 0; i < 15; i++) /* entries stay in load order */
        assert_int_equal(t->names[i], i % 3 == 0   ? 1000 + i / 3
                                      : i % 3 == 1 ? dup_names[i / 3]
                                                   : 2000 + i / 3);
    assert_int_equal(find(t, 42, 68, &first), 1);
    assert_int_equal(first, 1);
    assert_int_equal(t->names[first], dup_names[0]);
    assert_int_equal(find(t, 42, 69, &first), 1);
    assert_int_equal(t->names[first], 2000);
    for (uint32_t i = 0; i < 5; i++)
        assert_int_equal(find_name(t, 100 + i, 68), 1000 + i);
    vg_hashdb_free(&db);
}

/* Same in an any-size table, where every entry's key size is 0. */
static void duplicates_any_size_first_loaded(void **state)
{
    struct vg_hashdb db;
    const struct vg_hashtab *t;
    (void)state;

    vg_hashdb_init(&db);
    add(&db, 0, VG_HASH_SHA256, 9, 0, 7);
    add(&db, 0, VG_HASH_SHA256, 8, 0, 8);
    add(&db, 0, VG_HASH_SHA256, 9, 0, 5);
    assert_int_equal(vg_hashdb_build(&db), VIGIL_OK);
    t = tab(&db, 0, VG_HASH_SHA256, true);
    assert_int_equal(find_name(t, 9, 1234), 7);
    assert_int_equal(find_name(t, 8, 1), 8);
    vg_hashdb_free(&db);
}

static void wants_only_loaded_sizes(void **state)
{
    struct vg_hashdb db;
    (void)state;

    vg_hashdb_init(&db);
    add(&db, 0, VG_HASH_MD5, 1, 10, 0);
    add(&db, 0, VG_HASH_MD5, 2, 1000, 0);
    add(&db, 0, VG_HASH_MD5, 3, 10, 0);
    add(&db, VG_HSET_ALLOW, VG_HASH_SHA1, 4, 555, 0);
    assert_int_equal(vg_hashdb_build(&db), VIGIL_OK);

    assert_true(vg_hashdb_wants(&db, 0, VG_HASH_MD5, 10));
    assert_true(vg_hashdb_wants(&db, 0, VG_HASH_MD5, 1000));
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_MD5, 0));
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_MD5, 9));
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_MD5, 11));
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_MD5, 999));
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_MD5, 1001));
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_MD5, UINT64_MAX));
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_SHA1, 555));
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_SHA256, 10));
    assert_true(vg_hashdb_wants(&db, VG_HSET_ALLOW, VG_HASH_SHA1, 555));
    assert_false(vg_hashdb_wants(&db, VG_HSET_ALLOW, VG_HASH_SHA1, 10));
    vg_hashdb_free(&db);
}

static void wants_any_size_entries(void **state)
{
    struct vg_hashdb db;
    static const uint64_t sizes[] = {0, 1, 10, UINT32_MAX,
                                     (uint64_t)UINT32_MAX + 1, UINT64_MAX};
    (void)state;

    vg_hashdb_init(&db);
    add(&db, 0, VG_HASH_SHA256, 1, 10, 0);
    add(&db, 0, VG_HASH_SHA256, 2, 0, 0); /* any size */
    assert_int_equal(vg_hashdb_build(&db), VIGIL_OK);
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        assert_true(vg_hashdb_wants(&db, 0, VG_HASH_SHA256, sizes[i]));
        assert_false(vg_hashdb_wants(&db, 0, VG_HASH_MD5, sizes[i]));
        assert_false(vg_hashdb_wants(&db, VG_HSET_ALLOW, VG_HASH_SHA256,
                                     sizes[i]));
    }
    vg_hashdb_free(&db);
}

/* A file of 2^32 + n bytes must not match an entry of size n. */
static void size_above_u32_never_matches_exact(void **state)
{
    struct vg_hashdb db;
    const struct vg_hashtab *t;
    const uint64_t big = (uint64_t)UINT32_MAX + 1;
    (void)state;

    vg_hashdb_init(&db);
    add(&db, 0, VG_HASH_MD5, 1, 1, 1);
    add(&db, 0, VG_HASH_MD5, 2, UINT32_MAX, 2);
    add(&db, 0, VG_HASH_MD5, 3, 68, 3);
    assert_int_equal(vg_hashdb_build(&db), VIGIL_OK);
    t = tab(&db, 0, VG_HASH_MD5, false);

    assert_int_equal(find_name(t, 1, 1), 1);
    assert_int_equal(find_name(t, 2, UINT32_MAX), 2);
    assert_int_equal(find(t, 1, big + 1, NULL), 0);
    assert_int_equal(find(t, 3, big + 68, NULL), 0);
    assert_int_equal(find(t, 3, (big << 8) + 68, NULL), 0);
    assert_int_equal(find(t, 2, big + UINT32_MAX, NULL), 0);
    assert_int_equal(find(t, 2, big, NULL), 0);
    assert_true(vg_hashdb_wants(&db, 0, VG_HASH_MD5, UINT32_MAX));
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_MD5, big + 1));
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_MD5, big + 68));
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_MD5, big));
    vg_hashdb_free(&db);
}

static void mark_and_rollback(void **state)
{
    struct vg_hashdb db;
    struct vg_hashdb_mark m;
    (void)state;

    vg_hashdb_init(&db);
    add(&db, 0, VG_HASH_MD5, 1, 10, 1);
    add(&db, VG_HSET_ALLOW, VG_HASH_SHA1, 2, 20, 2);
    vg_hashdb_mark(&db, &m);
    assert_int_equal(m.n[0][VG_HASH_MD5][0], 1);
    assert_int_equal(m.n[VG_HSET_ALLOW][VG_HASH_SHA1][0], 1);
    add(&db, 0, VG_HASH_MD5, 3, 30, 3);
    add(&db, 0, VG_HASH_MD5, 4, 0, 4);
    add(&db, VG_HSET_ALLOW, VG_HASH_SHA1, 5, 20, 5);
    add(&db, 0, VG_HASH_SHA256, 6, 60, 6);
    vg_hashdb_rollback(&db, &m);
    assert_int_equal(tab(&db, 0, VG_HASH_MD5, false)->n, 1);
    assert_int_equal(tab(&db, 0, VG_HASH_MD5, true)->n, 0);
    assert_int_equal(tab(&db, 0, VG_HASH_SHA256, false)->n, 0);
    assert_int_equal(tab(&db, VG_HSET_ALLOW, VG_HASH_SHA1, false)->n, 1);
    add(&db, 0, VG_HASH_MD5, 7, 70, 7); /* adding after rollback works */
    assert_int_equal(vg_hashdb_build(&db), VIGIL_OK);

    assert_int_equal(find_name(tab(&db, 0, VG_HASH_MD5, false), 1, 10), 1);
    assert_int_equal(find_name(tab(&db, 0, VG_HASH_MD5, false), 7, 70), 7);
    assert_int_equal(find_name(tab(&db, VG_HSET_ALLOW, VG_HASH_SHA1, false),
                               2, 20), 2);
    assert_int_equal(find(tab(&db, 0, VG_HASH_MD5, false), 3, 30, NULL), 0);
    assert_int_equal(find(tab(&db, 0, VG_HASH_MD5, true), 4, 5, NULL), 0);
    assert_int_equal(find(tab(&db, VG_HSET_ALLOW, VG_HASH_SHA1, false), 5,
                          20, NULL), 0);
    assert_int_equal(find(tab(&db, 0, VG_HASH_SHA256, false), 6, 60, NULL),
                     0);
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_MD5, 30));
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_MD5, 5));
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_SHA256, 60));
    vg_hashdb_free(&db);
}

enum { BIG_N = 100000 };

/* 100k random entries: all found with their own name; 100k absent digests
 * (and present digests at a wrong size) are not. */
static void large_random_table(void **state)
{
    struct vg_hashdb db;
    const struct vg_hashtab *t;
    struct rng r = {12345};
    uint8_t(*d)[16] = calloc(BIG_N, sizeof *d);
    uint32_t *sz = calloc(BIG_N, sizeof *sz);
    uint32_t first;
    (void)state;

    assert_non_null(d);
    assert_non_null(sz);
    vg_hashdb_init(&db);
    for (uint32_t i = 0; i < BIG_N; i++) {
        rng_fill(&r, d[i], 16);
        sz[i] = 1 + (uint32_t)(rng_next(&r) % 5000);
        assert_int_equal(vg_hashdb_add(&db, 0, VG_HASH_MD5, d[i], sz[i], i),
                         VIGIL_OK);
    }
    assert_int_equal(vg_hashdb_build(&db), VIGIL_OK);
    t = tab(&db, 0, VG_HASH_MD5, false);
    assert_int_equal(t->n, BIG_N);
    for (uint32_t i = 0; i < BIG_N; i++) {
        assert_int_equal(vg_hashtab_find(t, d[i], sz[i], &first), 1);
        assert_int_equal(t->names[first], i);
        assert_true(vg_hashdb_wants(&db, 0, VG_HASH_MD5, sz[i]));
        assert_int_equal(vg_hashtab_find(t, d[i], sz[i] + 5000, &first), 0);
    }
    for (uint32_t i = 0; i < BIG_N; i++) {
        uint8_t absent[16];
        rng_fill(&r, absent, 16);
        assert_int_equal(vg_hashtab_find(t, absent, sz[i], &first), 0);
    }
    assert_false(vg_hashdb_wants(&db, 0, VG_HASH_MD5, 5001));
    vg_hashdb_free(&db);
    free(d);
    free(sz);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(hash_types_by_hex_length),
        cmocka_unit_test(empty_db_finds_nothing),
        cmocka_unit_test(add_find_each_type),
        cmocka_unit_test(detect_and_allow_are_separate),
        cmocka_unit_test(exact_vs_any_size),
        cmocka_unit_test(same_digest_different_sizes),
        cmocka_unit_test(duplicates_find_first_loaded),
        cmocka_unit_test(duplicates_any_size_first_loaded),
        cmocka_unit_test(wants_only_loaded_sizes),
        cmocka_unit_test(wants_any_size_entries),
        cmocka_unit_test(size_above_u32_never_matches_exact),
        cmocka_unit_test(mark_and_rollback),
        cmocka_unit_test(large_random_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
