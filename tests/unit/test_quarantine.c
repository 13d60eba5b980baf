// SPDX-License-Identifier: GPL-2.0-or-later
// test_quarantine.c: the quarantine store's API (tools/vigil/quarantine.h)
// where the CLI cannot reach: a file changed since the scan, a symlink in
// place of the file, many threads storing at once, the record format.
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qrecord.h"
#include "quarantine.h"
#include "test_main.h"

struct scratch {
    char root[64], store[96], files[96];
};

static void scratch_make(struct scratch *s)
{
    snprintf(s->root, sizeof s->root, "/tmp/vigil-qunit.XXXXXX");
    assert_non_null(mkdtemp(s->root));
    snprintf(s->store, sizeof s->store, "%s/store", s->root);
    snprintf(s->files, sizeof s->files, "%s/files", s->root);
    assert_int_equal(mkdir(s->files, 0755), 0);
}

static void scratch_free(struct scratch *s)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", s->root);
    assert_int_equal(system(cmd), 0);
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

static size_t count_entries(struct vq_store *q)
{
    struct vq_record *v;
    size_t n;
    char err[256];
    assert_int_equal(vq_list(q, &v, &n, err, sizeof err), 0);
    vq_records_free(&v, n);
    return n;
}

static const char *const names[] = {"Test.Sig-1"};

static void refuses_file_changed_since_scan(void **state)
{
    struct scratch s;
    struct vq_store *q;
    struct stat seen;
    char path[128], id[VQ_ID_SIZE], err[256];
    (void)state;
    scratch_make(&s);
    snprintf(path, sizeof path, "%s/f", s.files);
    write_file(path, "scanned content");
    assert_int_equal(lstat(path, &seen), 0);
    write_file(path, "replaced content, longer");
    assert_int_equal(vq_open(s.store, true, &q, err, sizeof err), 0);
    assert_int_equal(vq_store_file(q, path, &seen, names, 1, VQ_MOVE, id,
                                   sizeof id, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "changed since it was scanned"));
    assert_int_equal(access(path, F_OK), 0);
    assert_int_equal(count_entries(q), 0);
    /* the same stat, taken now, is accepted */
    assert_int_equal(lstat(path, &seen), 0);
    assert_int_equal(vq_store_file(q, path, &seen, names, 1, VQ_MOVE, id,
                                   sizeof id, err, sizeof err),
                     0);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(count_entries(q), 1);
    vq_close(&q);
    scratch_free(&s);
}

static void refuses_symlink(void **state)
{
    struct scratch s;
    struct vq_store *q;
    char target[128], link[128], id[VQ_ID_SIZE], err[256];
    (void)state;
    scratch_make(&s);
    snprintf(target, sizeof target, "%s/target", s.files);
    snprintf(link, sizeof link, "%s/link", s.files);
    write_file(target, "victim");
    assert_int_equal(symlink(target, link), 0);
    assert_int_equal(vq_open(s.store, true, &q, err, sizeof err), 0);
    assert_int_equal(vq_store_file(q, link, NULL, names, 1, VQ_MOVE, id,
                                   sizeof id, err, sizeof err),
                     -1);
    assert_int_equal(access(target, F_OK), 0);
    assert_int_equal(count_entries(q), 0);
    vq_close(&q);
    scratch_free(&s);
}

#define N_THREADS 8
#define PER_THREAD 25

struct worker {
    struct vq_store *q;
    const char *files;
    int t, failures;
};

static void *store_many(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < PER_THREAD; i++) {
        char path[160], id[VQ_ID_SIZE], err[256], text[64];
        snprintf(path, sizeof path, "%s/t%d-%d", w->files, w->t, i);
        snprintf(text, sizeof text, "thread %d file %d", w->t, i);
        write_file(path, text);
        w->failures += vq_store_file(w->q, path, NULL, names, 1, VQ_MOVE, id,
                                     sizeof id, err, sizeof err) != 0;
    }
    return NULL;
}

/* The parallel scanner calls vq_store_file from every worker. */
static void threads_store_concurrently(void **state)
{
    struct scratch s;
    struct vq_store *q;
    struct worker w[N_THREADS];
    pthread_t th[N_THREADS];
    struct vq_record *v;
    size_t n;
    char err[256];
    (void)state;
    scratch_make(&s);
    assert_int_equal(vq_open(s.store, true, &q, err, sizeof err), 0);
    for (int t = 0; t < N_THREADS; t++) {
        w[t] = (struct worker){q, s.files, t, 0};
        assert_int_equal(pthread_create(&th[t], NULL, store_many, &w[t]), 0);
    }
    for (int t = 0; t < N_THREADS; t++) {
        assert_int_equal(pthread_join(th[t], NULL), 0);
        assert_int_equal(w[t].failures, 0);
    }
    assert_int_equal(vq_list(q, &v, &n, err, sizeof err), 0);
    assert_int_equal(n, N_THREADS * PER_THREAD);
    for (size_t i = 0; i < n; i++) { /* every entry restores intact */
        char to[160];
        snprintf(to, sizeof to, "%s/r%zu", s.files, i);
        assert_int_equal(vq_restore(q, &v[i], to, false, err, sizeof err), 0);
    }
    vq_records_free(&v, n);
    assert_int_equal(count_entries(q), 0);
    vq_close(&q);
    scratch_free(&s);
}

static void record_roundtrip(void **state)
{
    char *names2[] = {"A.B-1", "C%D\n"};
    struct vq_record r = {.path = "/x/new\nline %41=",
                          .uid = 7,
                          .mode = 0100755,
                          .size = 3,
                          .qtime = 99,
                          .moved = 1,
                          .names = names2,
                          .n_names = 2};
    struct vq_record p;
    char err[128], *text;
    (void)state;
    memcpy(r.id, "0123456789abcdef", VQ_ID_SIZE);
    r.atime = (struct vq_time){-5, 1};
    r.sha256[0] = 0xab;
    text = vq_record_format(&r);
    assert_non_null(text);
    assert_null(strstr(text, "new\nline")); /* one line per field */
    assert_int_equal(vq_record_parse(text, strlen(text), &p, err, sizeof err),
                     0);
    assert_string_equal(p.path, r.path);
    assert_string_equal(p.names[1], "C%D\n");
    assert_int_equal(p.mode, 0100755);
    assert_int_equal(p.atime.sec, -5);
    assert_int_equal(p.sha256[0], 0xab);
    assert_int_equal(p.moved, 1);
    vq_record_clear(&p);
    /* a record cut short at a line end is rejected */
    assert_int_equal(vq_record_parse(text,
                                     (size_t)(strstr(text, "\nhost=") - text),
                                     &p, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "missing field 'host'"));
    free(text);
}

/* Whatever names the scanner reports, the record written can be read. */
static void record_long_and_empty_names(void **state)
{
    char big[2000], empty[] = "";
    char *names3[] = {big, empty, "Ok.Name"};
    struct vq_record r = {.path = "/f", .names = names3, .n_names = 3};
    struct vq_record p;
    char err[128], *text;
    (void)state;
    memset(big, '%', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    memcpy(r.id, "0123456789abcdef", VQ_ID_SIZE);
    text = vq_record_format(&r);
    assert_non_null(text);
    assert_int_equal(vq_record_parse(text, strlen(text), &p, err, sizeof err),
                     0);
    assert_int_equal(p.n_names, 2);
    assert_int_equal(strlen(p.names[0]), VQ_DETECTION_MAX - 1);
    assert_string_equal(p.names[1], "Ok.Name");
    vq_record_clear(&p);
    free(text);
}

int vigil_run_suite(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(refuses_file_changed_since_scan),
        cmocka_unit_test(refuses_symlink),
        cmocka_unit_test(threads_store_concurrently),
        cmocka_unit_test(record_roundtrip),
        cmocka_unit_test(record_long_and_empty_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
