// SPDX-License-Identifier: GPL-2.0-or-later
// test_sigs.h: helpers shared by the loader and scan tests: EICAR, digests
// computed with OpenSSL, and temporary directories removed at exit.
#ifndef VIGIL_TEST_SIGS_H
#define VIGIL_TEST_SIGS_H

#include <fcntl.h>
#include <ftw.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_main.h"

#define EICAR_LEN 68

/** The 68-byte EICAR test string (no trailing newline), written in two
 *  halves so that this source file is not itself the test string. */
static inline const char *eicar(void)
{
    return "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANT"
           "IVIRUS-TEST-FILE!$H+H*";
}

/** Lower-case hex digest of @p data with @p md into @p hex (>= 129). */
static inline void digest_hex(const EVP_MD *md, const void *data, size_t len,
                              char *hex)
{
    unsigned char d[EVP_MAX_MD_SIZE];
    unsigned n = 0;

    assert_true(EVP_Digest(data, len, d, &n, md, NULL));
    for (unsigned i = 0; i < n; i++)
        snprintf(hex + 2 * i, 3, "%02x", d[i]);
    hex[2 * n] = '\0';
}

/** A heap copy of exactly strlen(@p s) bytes (no NUL) for ASan. */
static inline char *dup_exact(const char *s, size_t n)
{
    char *p = malloc(n != 0 ? n : 1);

    assert_non_null(p);
    if (n != 0)
        memcpy(p, s, n);
    return p;
}

/* Temporary directories, registered so that an atexit handler removes
 * them even when a failed assertion longjmps out of the test. */
enum { TMPDIR_MAX = 8, TMPDIR_LEN = 64 };

static inline char (*tmpdir_registry(void))[TMPDIR_LEN]
{
    static char dirs[TMPDIR_MAX][TMPDIR_LEN];
    return dirs;
}

static inline int tmpdir_rm_one(const char *path, const struct stat *st,
                                int flag, struct FTW *ftw)
{
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/** Remove @p dir and everything below it, and forget it. */
static inline void tmpdir_remove(const char *dir)
{
    char(*dirs)[TMPDIR_LEN] = tmpdir_registry();

    for (int i = 0; i < TMPDIR_MAX; i++)
        if (dirs[i][0] && strcmp(dirs[i], dir) == 0) {
            nftw(dirs[i], tmpdir_rm_one, 16, FTW_DEPTH | FTW_PHYS);
            dirs[i][0] = '\0';
        }
}

static inline void tmpdir_remove_all(void)
{
    char(*dirs)[TMPDIR_LEN] = tmpdir_registry();

    for (int i = 0; i < TMPDIR_MAX; i++)
        if (dirs[i][0])
            tmpdir_remove(dirs[i]);
}

/** A new empty directory under /tmp; the path stays valid until removed. */
static inline const char *tmpdir_new(void)
{
    static int registered;
    char(*dirs)[TMPDIR_LEN] = tmpdir_registry();

    if (!registered) {
        assert_int_equal(atexit(tmpdir_remove_all), 0);
        registered = 1;
    }
    for (int i = 0; i < TMPDIR_MAX; i++)
        if (!dirs[i][0]) {
            static const char tmpl[] = "/tmp/vigil-test-XXXXXX";
            memcpy(dirs[i], tmpl, sizeof tmpl);
            assert_non_null(mkdtemp(dirs[i]));
            return dirs[i];
        }
    fail_msg("too many temporary directories");
    return NULL;
}

/** Write @p len bytes to @p dir/@p name; @return the path (static). */
static inline const char *tmpdir_write(const char *dir, const char *name,
                                       const void *data, size_t len)
{
    static char path[512];
    int fd;

    snprintf(path, sizeof path, "%s/%s", dir, name);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, data, len), (ssize_t)len);
    assert_int_equal(close(fd), 0);
    return path;
}

static inline const char *tmpdir_write_text(const char *dir, const char *name,
                                            const char *text)
{
    return tmpdir_write(dir, name, text, strlen(text));
}

#endif
