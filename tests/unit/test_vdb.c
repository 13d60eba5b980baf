// SPDX-License-Identifier: GPL-2.0-or-later
// test_vdb.c: compiled database files: the mapped engine answers exactly
// as the source engine; damaged files are refused with a reason; the
// cache reuses, refreshes and distrusts as documented (COMPILED-DB.md).
#include <sys/stat.h>
#include <utime.h>

#include <vigil/vigil.h>

#include "db/vdb.h"
#include "test_sigs.h"
#include "util/buf.h"

/* Hash, body, logical (with PCRE and byte compare) and allow-list
 * signatures, so every section kind is exercised. */
static const char *const NDB =
    "Body.Marker:0:*:6d61726b65722d626f6479\n"
    "Body.Pinned:0:0:50494e4e4544\n";
static const char *const LDB =
    "Logic.Two;Engine:51-255,Target:0;0&1;616263646566;313233343536\n"
    "Logic.Pcre;Engine:81-255,Target:0;0&1;7072652d;0/pre-[0-9]{3}x/\n"
    /* "e " is too common to search for: counted lazily (lsig_lazy.c) */
    "Logic.Lazy;Engine:51-255,Target:0;0&1>1;6c617a792d6f6e65;6520\n";

static void write_db(const char *dir, const char *md5_line)
{
    tmpdir_write_text(dir, "a.hdb", md5_line);
    tmpdir_write_text(dir, "b.ndb", NDB);
    tmpdir_write_text(dir, "c.ldb", LDB);
    tmpdir_write_text(dir, "d.fp", "00000000000000000000000000000000:7:Nope\n");
}

static void eicar_md5_line(char *out, size_t cap, const char *name)
{
    char hex[129];
    digest_hex(EVP_md5(), eicar(), EICAR_LEN, hex);
    snprintf(out, cap, "%s:%d:%s\n", hex, EICAR_LEN, name);
}

static struct vigil_engine *engine_from(const char *path)
{
    struct vigil_engine *eng = NULL;
    assert_int_equal(vigil_engine_new(&eng, NULL), VIGIL_OK);
    assert_int_equal(vigil_engine_load_db(eng, path, NULL), VIGIL_OK);
    assert_int_equal(vigil_engine_compile(eng), VIGIL_OK);
    return eng;
}

/* All names found in @p data, joined with '|'. */
static void names_of(struct vigil_engine *eng, const char *data,
                     char *out, size_t cap)
{
    struct vigil_scan *scan = NULL;
    struct vigil_result res;
    size_t n = 0;
    assert_int_equal(vigil_scan_new(&scan, eng), VIGIL_OK);
    assert_int_equal(vigil_scan_mem(scan, data, strlen(data),
                                    VIGIL_SCAN_ALLMATCH, &res),
                     VIGIL_OK);
    out[0] = '\0';
    for (size_t i = 0; i < res.n_names; i++)
        n += (size_t)snprintf(out + n, cap - n, "%s%s", i ? "|" : "",
                              res.names[i]);
    vigil_scan_free(&scan);
}

static const char *const SAMPLES[] = {
    "xx marker-body yy", "PINNED at start", "not PINNED at start",
    "abcdef and 123456", "abcdef only",      "a pre-123x here",
    "a pre-12x here",    "clean text",
    "lazy-one here are three", "lazy-one only",
};

static void assert_same_answers(struct vigil_engine *a, struct vigil_engine *b)
{
    char na[512], nb[512];
    for (size_t i = 0; i < sizeof SAMPLES / sizeof *SAMPLES; i++) {
        names_of(a, SAMPLES[i], na, sizeof na);
        names_of(b, SAMPLES[i], nb, sizeof nb);
        assert_string_equal(na, nb);
    }
    names_of(a, eicar(), na, sizeof na);
    names_of(b, eicar(), nb, sizeof nb);
    assert_string_equal(na, nb);
}

static const char *compiled_copy(const char *dir, struct vigil_engine *src)
{
    static char path[512];
    snprintf(path, sizeof path, "%s/all.vdb", dir);
    assert_int_equal(vigil_engine_save(src, path), VIGIL_OK);
    return path;
}

static void mapped_engine_answers_as_sources(void **state)
{
    const char *dir = tmpdir_new(), *out = tmpdir_new(), *vdb;
    struct vigil_engine *src, *map;
    char line[256], names[512];
    (void)state;
    eicar_md5_line(line, sizeof line, "Eicar.Hash");
    write_db(dir, line);
    src = engine_from(dir);
    vdb = compiled_copy(out, src);
    map = engine_from(vdb);
    assert_non_null(vg_vdb_header_of(map));
    assert_int_equal(vigil_engine_signature_count(map),
                     vigil_engine_signature_count(src));
    assert_same_answers(src, map);
    /* The samples are not vacuous: each kind really detects. */
    names_of(map, "xx marker-body yy", names, sizeof names);
    assert_non_null(strstr(names, "Body.Marker.UNOFFICIAL"));
    names_of(map, "a pre-123x here", names, sizeof names);
    assert_non_null(strstr(names, "Logic.Pcre.UNOFFICIAL"));
    names_of(map, "abcdef and 123456", names, sizeof names);
    assert_non_null(strstr(names, "Logic.Two.UNOFFICIAL"));
    /* (a text object: reported by the raw and the normalised pass) */
    names_of(map, "lazy-one here are three", names, sizeof names);
    assert_non_null(strstr(names, "Logic.Lazy.UNOFFICIAL"));
    names_of(map, "lazy-one only", names, sizeof names);
    assert_string_equal(names, "");
    names_of(map, eicar(), names, sizeof names);
    assert_string_equal(names, "Eicar.Hash.UNOFFICIAL");
    vigil_engine_unref(&src);
    vigil_engine_unref(&map);
}

static struct vigil_buf read_whole(const char *path)
{
    struct vigil_buf b;
    int fd = open(path, O_RDONLY);
    assert_true(fd >= 0);
    vigil_buf_init(&b, (size_t)1 << 30);
    assert_int_equal(vigil_buf_read_fd(&b, fd), VIGIL_OK);
    close(fd);
    return b;
}

/* Loading a damaged copy must fail with VIGIL_E_DB and say why. */
static void assert_refused(const char *dir, const uint8_t *data, size_t len,
                           const char *why)
{
    const char *path = tmpdir_write(dir, "bad.vdb", data, len);
    struct vigil_engine *eng = NULL;
    assert_int_equal(vigil_engine_new(&eng, NULL), VIGIL_OK);
    assert_int_equal(vigil_engine_load_db(eng, path, NULL), VIGIL_E_DB);
    if (why && !strstr(vigil_engine_last_error(eng), why))
        fail_msg("expected \"%s\" in \"%s\"", why,
                 vigil_engine_last_error(eng));
    vigil_engine_unref(&eng);
}

static struct vigil_buf small_compiled(const char *dir)
{
    char line[256];
    const char *src = tmpdir_new();
    struct vigil_engine *eng;
    struct vigil_buf b;
    eicar_md5_line(line, sizeof line, "Eicar.Hash");
    write_db(src, line);
    eng = engine_from(src);
    b = read_whole(compiled_copy(dir, eng));
    vigil_engine_unref(&eng);
    return b;
}

static void every_header_byte_is_checked(void **state)
{
    const char *dir = tmpdir_new();
    struct vigil_buf b = small_compiled(dir);
    (void)state;
    for (size_t i = 0; i < VG_VDB_HEADER; i += 7) {
        b.data[i] ^= 0x20;
        assert_refused(dir, b.data, b.len, NULL);
        b.data[i] ^= 0x20;
    }
    b.data[200] ^= 1; /* first section entry: covered by the header sum */
    assert_refused(dir, b.data, b.len, "header checksum");
    vigil_buf_free(&b);
}

static void body_damage_is_found(void **state)
{
    const char *dir = tmpdir_new();
    struct vigil_buf b = small_compiled(dir);
    (void)state;
    for (size_t i = VG_VDB_HEADER; i < b.len; i += b.len / 61 + 1) {
        b.data[i] ^= 0x01;
        assert_refused(dir, b.data, b.len, "body checksum");
        b.data[i] ^= 0x01;
    }
    vigil_buf_free(&b);
}

static void truncation_is_found(void **state)
{
    const char *dir = tmpdir_new();
    struct vigil_buf b = small_compiled(dir);
    (void)state;
    assert_refused(dir, b.data, 8, "truncated");
    assert_refused(dir, b.data, VG_VDB_HEADER, "truncated");
    assert_refused(dir, b.data, b.len - 4096, "truncated");
    vigil_buf_free(&b);
}

static void compiled_file_needs_empty_engine(void **state)
{
    const char *dir = tmpdir_new();
    struct vigil_buf b = small_compiled(dir);
    struct vigil_engine *eng = NULL;
    char line[256];
    (void)state;
    const char *vdb = tmpdir_write(dir, "ok.vdb", b.data, b.len);
    char vdbpath[512];
    snprintf(vdbpath, sizeof vdbpath, "%s", vdb);
    eicar_md5_line(line, sizeof line, "Other");
    const char *hdb = tmpdir_write_text(dir, "x.hdb", line);
    assert_int_equal(vigil_engine_new(&eng, NULL), VIGIL_OK);
    assert_int_equal(vigil_engine_load_db(eng, hdb, NULL), VIGIL_OK);
    assert_int_equal(vigil_engine_load_db(eng, vdbpath, NULL), VIGIL_E_STATE);
    vigil_engine_unref(&eng);
    vigil_buf_free(&b);
}

/* ---- the cache ------------------------------------------------------- */

static size_t count_entries(const char *dir, char prefix)
{
    char cmd[600];
    FILE *p;
    size_t n = 0;
    char name[512];
    snprintf(cmd, sizeof cmd, "ls -1 %s", dir);
    p = popen(cmd, "r");
    assert_non_null(p);
    while (fgets(name, sizeof name, p))
        n += name[0] == prefix;
    pclose(p);
    return n;
}

static struct vigil_engine *cached(const char *src, const char *cache)
{
    struct vigil_engine *eng = NULL;
    const char *paths[] = {src};
    assert_int_equal(vigil_engine_new(&eng, NULL), VIGIL_OK);
    assert_int_equal(vigil_engine_load_cached(eng, paths, 1, cache, 0),
                     VIGIL_OK);
    return eng;
}

/* Age the sources so their timestamps are trusted. */
static void age(const char *dir)
{
    static const char *const names[] = {"a.hdb", "b.ndb", "c.ldb", "d.fp"};
    char p[512];
    struct utimbuf t = {time(NULL) - 60, time(NULL) - 60};
    for (size_t i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        assert_int_equal(utime(p, &t), 0);
    }
}

static void cache_compiles_once_then_maps(void **state)
{
    const char *src = tmpdir_new(), *cache = tmpdir_new();
    struct vigil_engine *a, *b, *ref;
    char line[256], names[512];
    (void)state;
    eicar_md5_line(line, sizeof line, "Eicar.Hash");
    write_db(src, line);
    /* ctime stays recent; wait it out so the stat key is used. */
    age(src);
    sleep(3);
    a = cached(src, cache);
    assert_null(vg_vdb_header_of(a)); /* compiled in memory, saved */
    assert_int_equal(count_entries(cache, 'c'), 1);
    assert_int_equal(count_entries(cache, 's'), 1);
    b = cached(src, cache);
    assert_non_null(vg_vdb_header_of(b)); /* mapped */
    ref = engine_from(src);
    assert_same_answers(ref, b);
    names_of(b, eicar(), names, sizeof names);
    assert_string_equal(names, "Eicar.Hash.UNOFFICIAL");
    vigil_engine_unref(&a);
    vigil_engine_unref(&b);
    vigil_engine_unref(&ref);
}

static void cache_sees_changed_sources(void **state)
{
    const char *src = tmpdir_new(), *cache = tmpdir_new();
    struct vigil_engine *a, *b;
    char line[256], names[512];
    (void)state;
    eicar_md5_line(line, sizeof line, "Eicar.First");
    write_db(src, line);
    a = cached(src, cache);
    /* Same size, same second: only the content tells them apart. */
    eicar_md5_line(line, sizeof line, "Eicar.Later");
    tmpdir_write_text(src, "a.hdb", line);
    b = cached(src, cache);
    names_of(b, eicar(), names, sizeof names);
    assert_string_equal(names, "Eicar.Later.UNOFFICIAL");
    names_of(a, eicar(), names, sizeof names);
    assert_string_equal(names, "Eicar.First.UNOFFICIAL");
    vigil_engine_unref(&a);
    vigil_engine_unref(&b);
}

static void unsafe_cache_dir_is_not_used(void **state)
{
    const char *src = tmpdir_new(), *cache = tmpdir_new();
    struct vigil_engine *a;
    char line[256], names[512];
    (void)state;
    eicar_md5_line(line, sizeof line, "Eicar.Hash");
    write_db(src, line);
    assert_int_equal(chmod(cache, 0777), 0);
    a = cached(src, cache);
    names_of(a, eicar(), names, sizeof names);
    assert_string_equal(names, "Eicar.Hash.UNOFFICIAL");
    assert_int_equal(count_entries(cache, 'c'), 0);
    vigil_engine_unref(&a);
}

static void damaged_cache_entry_is_rebuilt(void **state)
{
    const char *src = tmpdir_new(), *cache = tmpdir_new();
    struct vigil_engine *a, *b;
    char line[256], names[512], cmd[600];
    (void)state;
    eicar_md5_line(line, sizeof line, "Eicar.Hash");
    write_db(src, line);
    a = cached(src, cache);
    /* Cut every compiled file in the cache short. */
    snprintf(cmd, sizeof cmd, "truncate -s 5000 %s/c-*.vdb", cache);
    assert_int_equal(system(cmd), 0);
    b = cached(src, cache);
    names_of(b, eicar(), names, sizeof names);
    assert_string_equal(names, "Eicar.Hash.UNOFFICIAL");
    vigil_engine_unref(&a);
    vigil_engine_unref(&b);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mapped_engine_answers_as_sources),
        cmocka_unit_test(every_header_byte_is_checked),
        cmocka_unit_test(body_damage_is_found),
        cmocka_unit_test(truncation_is_found),
        cmocka_unit_test(compiled_file_needs_empty_engine),
        cmocka_unit_test(cache_compiles_once_then_maps),
        cmocka_unit_test(cache_sees_changed_sources),
        cmocka_unit_test(unsafe_cache_dir_is_not_used),
        cmocka_unit_test(damaged_cache_entry_is_rebuilt),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
