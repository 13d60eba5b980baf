// SPDX-License-Identifier: GPL-2.0-or-later
// test_scan.c: unit tests for scanning memory, descriptors and paths.
#include "test_main.h"

#include "db/load.h"
#include "test_sigs.h"
#include "vigil/vigil.h"

static const char clean[] = "an ordinary, harmless text buffer\n";
#define CLEAN_LEN (sizeof clean - 1)

/* One signature line for @p data: hash with @p md, @p size as given. */
static void sig_line(char *out, size_t cap, const EVP_MD *md,
                     const void *data, size_t len, const char *size,
                     const char *name, const char *tail)
{
    char hex[129];

    digest_hex(md, data, len, hex);
    snprintf(out, cap, "%s:%s:%s%s\n", hex, size, name, tail);
}

static void eicar_sig(char *out, size_t cap, const EVP_MD *md,
                      const char *name)
{
    sig_line(out, cap, md, eicar(), EICAR_LEN, "68", name, "");
}

/* A compiled engine holding @p text as @p file; a second file optional. */
static struct vigil_engine *engine_of(const char *file, const char *text,
                                      const char *file2, const char *text2)
{
    struct vigil_engine *eng = NULL;
    unsigned n;

    assert_int_equal(vigil_engine_new(&eng, NULL), VIGIL_OK);
    if (vg_load_mem(eng, file, text, strlen(text), &n) != VIGIL_OK)
        fail_msg("%s", vigil_engine_last_error(eng));
    if (file2 && vg_load_mem(eng, file2, text2, strlen(text2), &n))
        fail_msg("%s", vigil_engine_last_error(eng));
    assert_int_equal(vigil_engine_compile(eng), VIGIL_OK);
    return eng;
}

static struct vigil_engine *eicar_engine(void)
{
    char line[300];

    eicar_sig(line, sizeof line, EVP_md5(), "Eicar-Test");
    return engine_of("test.hdb", line, NULL, NULL);
}

static struct vigil_scan *scanner(struct vigil_engine *eng)
{
    struct vigil_scan *scan = NULL;

    assert_int_equal(vigil_scan_new(&scan, eng), VIGIL_OK);
    assert_non_null(scan);
    return scan;
}

static void assert_found(const struct vigil_result *res, const char *name)
{
    assert_int_equal(res->verdict, VIGIL_FOUND);
    assert_non_null(res->sig_name);
    assert_string_equal(res->sig_name, name);
    assert_true(res->n_names >= 1);
    assert_ptr_equal(res->names[0], res->sig_name);
}

static void assert_clean(const struct vigil_result *res)
{
    assert_int_equal(res->verdict, VIGIL_CLEAN);
    assert_null(res->sig_name);
    assert_int_equal(res->n_names, 0);
}

/* The test's own EICAR bytes hash to the published MD5. */
static void eicar_bytes_are_right(void **state)
{
    char hex[129];
    (void)state;

    assert_int_equal(strlen(eicar()), EICAR_LEN);
    digest_hex(EVP_md5(), eicar(), EICAR_LEN, hex);
    assert_string_equal(hex, "44d88612fea8a8f36de82e1278abb02f");
}

static void scan_mem_eicar(void **state)
{
    struct vigil_engine *eng = eicar_engine();
    struct vigil_scan *scan = scanner(eng);
    struct vigil_result res;
    char *copy = dup_exact(eicar(), EICAR_LEN);
    (void)state;

    assert_int_equal(vigil_scan_mem(scan, copy, EICAR_LEN, 0, &res),
                     VIGIL_OK);
    assert_found(&res, "Eicar-Test.UNOFFICIAL");
    assert_int_equal(res.n_names, 1);
    assert_int_equal(res.bytes_scanned, EICAR_LEN);
    /* One byte more or less is another file. */
    assert_int_equal(vigil_scan_mem(scan, copy, EICAR_LEN - 1, 0, &res),
                     VIGIL_OK);
    assert_clean(&res);
    free(copy);
    vigil_scan_free(&scan);
    assert_null(scan);
    vigil_engine_unref(&eng);
}

static void scan_mem_clean(void **state)
{
    struct vigil_engine *eng = eicar_engine();
    struct vigil_scan *scan = scanner(eng);
    struct vigil_result res;
    (void)state;

    assert_int_equal(vigil_scan_mem(scan, clean, CLEAN_LEN,
                                    VIGIL_SCAN_ALLMATCH, &res), VIGIL_OK);
    assert_clean(&res);
    /* A detection then a clean scan with the same object: reset. */
    assert_int_equal(vigil_scan_mem(scan, eicar(), EICAR_LEN, 0, &res),
                     VIGIL_OK);
    assert_int_equal(res.verdict, VIGIL_FOUND);
    assert_int_equal(vigil_scan_mem(scan, clean, CLEAN_LEN, 0, &res),
                     VIGIL_OK);
    assert_clean(&res);
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
}

static void scan_mem_empty(void **state)
{
    struct vigil_engine *eng = eicar_engine();
    struct vigil_scan *scan = scanner(eng);
    struct vigil_result res;
    char line[300];
    (void)state;

    assert_int_equal(vigil_scan_mem(scan, NULL, 0, 0, &res), VIGIL_OK);
    assert_clean(&res);
    assert_int_equal(res.bytes_scanned, 0);
    assert_int_equal(vigil_scan_mem(scan, "", 0, VIGIL_SCAN_ALLMATCH, &res),
                     VIGIL_OK);
    assert_clean(&res);
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);

    /* As in ClamAV, objects of 5 bytes or less are not scanned at all:
     * even an any-size hash of their content does not fire; 6 bytes do. */
    sig_line(line, sizeof line, EVP_sha256(), "", 0, "*", "Empty", ":73");
    eng = engine_of("e.hsb", line, NULL, NULL);
    scan = scanner(eng);
    assert_int_equal(vigil_scan_mem(scan, NULL, 0, 0, &res), VIGIL_OK);
    assert_clean(&res);
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
    sig_line(line, sizeof line, EVP_sha256(), "12345", 5, "*", "Five", ":73");
    eng = engine_of("e.hsb", line, NULL, NULL);
    scan = scanner(eng);
    assert_int_equal(vigil_scan_mem(scan, "12345", 5, 0, &res), VIGIL_OK);
    assert_clean(&res);
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
    sig_line(line, sizeof line, EVP_sha256(), "123456", 6, "*", "Six", ":73");
    eng = engine_of("e.hsb", line, NULL, NULL);
    scan = scanner(eng);
    assert_int_equal(vigil_scan_mem(scan, "123456", 6, 0, &res), VIGIL_OK);
    assert_found(&res, "Six.UNOFFICIAL");
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
}

static void scan_fd_eicar(void **state)
{
    const char *dir = tmpdir_new(), *path;
    struct vigil_engine *eng = eicar_engine();
    struct vigil_scan *scan = scanner(eng);
    struct vigil_result res;
    int fd;
    (void)state;

    path = tmpdir_write(dir, "eicar.com", eicar(), EICAR_LEN);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(vigil_scan_fd(scan, fd, 0, &res), VIGIL_OK);
    assert_found(&res, "Eicar-Test.UNOFFICIAL");
    assert_int_equal(res.bytes_scanned, EICAR_LEN);
    close(fd);
    path = tmpdir_write(dir, "empty", "", 0);
    fd = open(path, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    assert_int_equal(vigil_scan_fd(scan, fd, 0, &res), VIGIL_OK);
    assert_clean(&res);
    close(fd);
    assert_int_equal(vigil_scan_fd(scan, -1, 0, &res), VIGIL_E_ARG);
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
    tmpdir_remove(dir);
}

/* A pipe is not mapped but read into memory: same verdict. */
static void scan_fd_pipe(void **state)
{
    struct vigil_engine *eng = eicar_engine();
    struct vigil_scan *scan = scanner(eng);
    struct vigil_result res;
    int p[2];
    (void)state;

    assert_int_equal(pipe(p), 0);
    assert_int_equal(write(p[1], eicar(), EICAR_LEN), EICAR_LEN);
    close(p[1]);
    assert_int_equal(vigil_scan_fd(scan, p[0], 0, &res), VIGIL_OK);
    assert_found(&res, "Eicar-Test.UNOFFICIAL");
    assert_int_equal(res.bytes_scanned, EICAR_LEN);
    close(p[0]);
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
}

static void scan_path_eicar_and_clean(void **state)
{
    const char *dir = tmpdir_new(), *path;
    struct vigil_engine *eng = eicar_engine();
    struct vigil_scan *scan = scanner(eng);
    struct vigil_result res;
    (void)state;

    path = tmpdir_write(dir, "eicar.com", eicar(), EICAR_LEN);
    assert_int_equal(vigil_scan_path(scan, path, 0, &res), VIGIL_OK);
    assert_found(&res, "Eicar-Test.UNOFFICIAL");
    path = tmpdir_write(dir, "clean.txt", clean, CLEAN_LEN);
    assert_int_equal(vigil_scan_path(scan, path, 0, &res), VIGIL_OK);
    assert_clean(&res);
    assert_int_equal(res.bytes_scanned, CLEAN_LEN);
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
    tmpdir_remove(dir);
}

static void scan_path_errors(void **state)
{
    const char *dir = tmpdir_new(), *file;
    struct vigil_engine *eng = eicar_engine();
    struct vigil_scan *scan = scanner(eng);
    struct vigil_result res;
    char path[1024];
    (void)state;

    assert_int_equal(vigil_scan_path(scan, dir, 0, &res), VIGIL_E_ARG);
    snprintf(path, sizeof path, "%s/missing", dir);
    assert_int_equal(vigil_scan_path(scan, path, 0, &res), VIGIL_E_NOENT);
    file = tmpdir_write(dir, "file", clean, CLEAN_LEN);
    snprintf(path, sizeof path, "%s/below", file); /* ENOTDIR */
    assert_int_equal(vigil_scan_path(scan, path, 0, &res), VIGIL_E_NOENT);
    assert_int_equal(vigil_scan_path(scan, NULL, 0, &res), VIGIL_E_ARG);
    assert_int_equal(vigil_scan_path(scan, file, 0, NULL), VIGIL_E_ARG);
    assert_int_equal(vigil_scan_mem(scan, NULL, 1, 0, &res), VIGIL_E_ARG);
    assert_int_equal(vigil_scan_mem(scan, clean, 1, 0, NULL), VIGIL_E_ARG);
    assert_int_equal(vigil_scan_mem(NULL, clean, 1, 0, &res), VIGIL_E_ARG);
    vigil_scan_free(&scan);
    vigil_scan_free(&scan); /* NULL is fine */
    vigil_scan_free(NULL);
    vigil_engine_unref(&eng);
    tmpdir_remove(dir);
}

/* Does @p res list @p name? */
static bool has_name(const struct vigil_result *res, const char *name)
{
    for (size_t i = 0; i < res->n_names; i++)
        if (strcmp(res->names[i], name) == 0)
            return true;
    return false;
}

static struct vigil_engine *three_hash_engine(void)
{
    char text[1024];
    size_t n;

    eicar_sig(text, sizeof text, EVP_md5(), "By.Md5");
    n = strlen(text);
    eicar_sig(text + n, sizeof text - n, EVP_sha1(), "By.Sha1");
    n = strlen(text);
    eicar_sig(text + n, sizeof text - n, EVP_sha256(), "By.Sha256");
    n = strlen(text);
    sig_line(text + n, sizeof text - n, EVP_sha256(), eicar(), EICAR_LEN,
             "*", "By.Sha256.Any", ":73");
    return engine_of("three.hdb", text, NULL, NULL);
}

static void allmatch_reports_every_hash(void **state)
{
    struct vigil_engine *eng = three_hash_engine();
    struct vigil_scan *scan = scanner(eng);
    struct vigil_result res;
    (void)state;

    assert_int_equal(vigil_scan_mem(scan, eicar(), EICAR_LEN,
                                    VIGIL_SCAN_ALLMATCH, &res), VIGIL_OK);
    assert_int_equal(res.verdict, VIGIL_FOUND);
    assert_int_equal(res.n_names, 4);
    assert_true(has_name(&res, "By.Md5.UNOFFICIAL"));
    assert_true(has_name(&res, "By.Sha1.UNOFFICIAL"));
    assert_true(has_name(&res, "By.Sha256.UNOFFICIAL"));
    assert_true(has_name(&res, "By.Sha256.Any.UNOFFICIAL"));
    assert_ptr_equal(res.sig_name, res.names[0]);
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
}

static void first_match_only_without_allmatch(void **state)
{
    struct vigil_engine *eng = three_hash_engine();
    struct vigil_scan *scan = scanner(eng);
    struct vigil_result res;
    (void)state;

    assert_int_equal(vigil_scan_mem(scan, eicar(), EICAR_LEN, 0, &res),
                     VIGIL_OK);
    assert_int_equal(res.verdict, VIGIL_FOUND);
    assert_int_equal(res.n_names, 1);
    assert_non_null(res.sig_name);
    assert_true(has_name(&res, res.sig_name));
    assert_true(strncmp(res.sig_name, "By.", 3) == 0);
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
}

/* An allow-list entry wins over every detection, also in allmatch mode. */
static void fp_allow_list_wins(void **state)
{
    static const struct {
        const char *file, *size, *tail;
        const EVP_MD *(*md)(void);
    } fps[] = {
        {"a.fp", "68", "", EVP_md5},
        {"a.sfp", "68", "", EVP_sha256},
        {"a.fp", "68", "", EVP_sha1},
        {"a.fp", "*", ":73", EVP_md5},
    };
    (void)state;

    for (size_t i = 0; i < sizeof fps / sizeof *fps; i++) {
        struct vigil_engine *eng = NULL;
        struct vigil_scan *scan;
        struct vigil_result res;
        char text[1024], fp[300];

        eicar_sig(text, sizeof text, EVP_md5(), "Det.Md5");
        eicar_sig(text + strlen(text), sizeof text - strlen(text),
                  EVP_sha256(), "Det.Sha256");
        sig_line(fp, sizeof fp, fps[i].md(), eicar(), EICAR_LEN, fps[i].size,
                 "Fp", fps[i].tail);
        eng = engine_of("d.hdb", text, fps[i].file, fp);
        scan = scanner(eng);
        assert_int_equal(vigil_scan_mem(scan, eicar(), EICAR_LEN,
                                        VIGIL_SCAN_ALLMATCH, &res), VIGIL_OK);
        assert_clean(&res);
        assert_int_equal(vigil_scan_mem(scan, eicar(), EICAR_LEN, 0, &res),
                         VIGIL_OK);
        assert_clean(&res);
        vigil_scan_free(&scan);
        vigil_engine_unref(&eng);
    }
}

/* An allow-list entry for another size or content does not apply. */
static void fp_other_size_does_not_apply(void **state)
{
    struct vigil_engine *eng;
    struct vigil_scan *scan;
    struct vigil_result res;
    char det[300], fp[600];
    size_t n;
    (void)state;

    eicar_sig(det, sizeof det, EVP_md5(), "Det");
    sig_line(fp, sizeof fp, EVP_md5(), eicar(), EICAR_LEN, "69", "Fp", "");
    n = strlen(fp);
    sig_line(fp + n, sizeof fp - n, EVP_md5(), clean, CLEAN_LEN, "*", "Fp2",
             ":73");
    eng = engine_of("d.hdb", det, "a.fp", fp);
    scan = scanner(eng);
    assert_int_equal(vigil_scan_mem(scan, eicar(), EICAR_LEN, 0, &res),
                     VIGIL_OK);
    assert_found(&res, "Det.UNOFFICIAL");
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
}

static void any_size_entries_match(void **state)
{
    struct vigil_engine *eng;
    struct vigil_scan *scan;
    struct vigil_result res;
    char text[600];
    size_t n;
    (void)state;

    sig_line(text, sizeof text, EVP_md5(), eicar(), EICAR_LEN, "*",
             "Any.Md5", ":73");
    n = strlen(text);
    sig_line(text + n, sizeof text - n, EVP_sha1(), clean, CLEAN_LEN, "*",
             "Any.Sha1", ":100:216");
    eng = engine_of("any.hdb", text, NULL, NULL);
    scan = scanner(eng);
    assert_int_equal(vigil_scan_mem(scan, eicar(), EICAR_LEN, 0, &res),
                     VIGIL_OK);
    assert_found(&res, "Any.Md5.UNOFFICIAL");
    assert_int_equal(vigil_scan_mem(scan, clean, CLEAN_LEN, 0, &res),
                     VIGIL_OK);
    assert_found(&res, "Any.Sha1.UNOFFICIAL");
    assert_int_equal(vigil_scan_mem(scan, clean, CLEAN_LEN - 1, 0, &res),
                     VIGIL_OK);
    assert_clean(&res);
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
}

static void scan_new_needs_compiled_engine(void **state)
{
    struct vigil_engine *eng = NULL;
    struct vigil_scan *scan = (struct vigil_scan *)&eng; /* sentinel */
    struct vigil_result res;
    (void)state;

    assert_int_equal(vigil_engine_new(&eng, NULL), VIGIL_OK);
    assert_int_equal(vigil_scan_new(&scan, eng), VIGIL_E_STATE);
    assert_ptr_equal(scan, (struct vigil_scan *)&eng); /* not written */
    assert_int_equal(vigil_scan_new(NULL, eng), VIGIL_E_ARG);
    scan = NULL;
    assert_int_equal(vigil_scan_new(&scan, NULL), VIGIL_E_ARG);
    assert_null(scan);
    /* An engine compiled with no signatures is valid: all clean. */
    assert_int_equal(vigil_engine_compile(eng), VIGIL_OK);
    scan = scanner(eng);
    assert_int_equal(vigil_scan_mem(scan, eicar(), EICAR_LEN, 0, &res),
                     VIGIL_OK);
    assert_clean(&res);
    vigil_scan_free(&scan);
    vigil_engine_unref(&eng);
}

/* The scan object keeps the engine alive: after the caller's unref, the
 * engine (tables and name pool) must still be there. ASan builds turn a
 * premature free into a failure. */
static void scan_keeps_engine_alive(void **state)
{
    struct vigil_engine *eng = eicar_engine();
    struct vigil_scan *a = scanner(eng), *b = scanner(eng);
    struct vigil_result res;
    (void)state;

    vigil_engine_unref(&eng);
    assert_null(eng);
    assert_int_equal(vigil_scan_mem(a, eicar(), EICAR_LEN, 0, &res),
                     VIGIL_OK);
    assert_found(&res, "Eicar-Test.UNOFFICIAL");
    vigil_scan_free(&a);
    assert_int_equal(vigil_scan_mem(b, eicar(), EICAR_LEN,
                                    VIGIL_SCAN_ALLMATCH, &res), VIGIL_OK);
    assert_found(&res, "Eicar-Test.UNOFFICIAL");
    assert_int_equal(vigil_scan_mem(b, clean, CLEAN_LEN, 0, &res), VIGIL_OK);
    assert_clean(&res);
    vigil_scan_free(&b); /* the last reference: frees the engine */
}

static void engine_ref_counts(void **state)
{
    struct vigil_engine *eng = eicar_engine(), *extra;
    struct vigil_scan *scan;
    struct vigil_result res;
    (void)state;

    extra = vigil_engine_ref(eng);
    assert_ptr_equal(extra, eng);
    assert_null(vigil_engine_ref(NULL));
    vigil_engine_unref(&eng);
    scan = scanner(extra);
    vigil_engine_unref(&extra);
    assert_int_equal(vigil_scan_mem(scan, eicar(), EICAR_LEN, 0, &res),
                     VIGIL_OK);
    assert_found(&res, "Eicar-Test.UNOFFICIAL");
    vigil_scan_free(&scan);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(eicar_bytes_are_right),
        cmocka_unit_test(scan_mem_eicar),
        cmocka_unit_test(scan_mem_clean),
        cmocka_unit_test(scan_mem_empty),
        cmocka_unit_test(scan_fd_eicar),
        cmocka_unit_test(scan_fd_pipe),
        cmocka_unit_test(scan_path_eicar_and_clean),
        cmocka_unit_test(scan_path_errors),
        cmocka_unit_test(allmatch_reports_every_hash),
        cmocka_unit_test(first_match_only_without_allmatch),
        cmocka_unit_test(fp_allow_list_wins),
        cmocka_unit_test(fp_other_size_does_not_apply),
        cmocka_unit_test(any_size_entries_match),
        cmocka_unit_test(scan_new_needs_compiled_engine),
        cmocka_unit_test(scan_keeps_engine_alive),
        cmocka_unit_test(engine_ref_counts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
