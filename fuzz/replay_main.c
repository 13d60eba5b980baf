// SPDX-License-Identifier: GPL-2.0-or-later
// replay_main.c: runs a fuzzer's entry point on every file named on the
// command line or found in a named directory, so seed corpora and crash
// reproducers run under ctest without libFuzzer.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzzer.h"

/* Inputs go in a heap block of exactly their size, as libFuzzer does, so
 * that ASan reports a one-byte overread. */
static int run_file(const char *path, off_t size)
{
    size_t n = (size_t)size;
    uint8_t *buf = malloc(n ? n : 1);
    FILE *f = fopen(path, "rb");
    int ret = -1;

    if (!buf || !f)
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
    else if (fread(buf, 1, n, f) != n)
        fprintf(stderr, "%s: short read\n", path);
    else
        ret = LLVMFuzzerTestOneInput(buf, n) == 0 ? 0 : -1;
    if (f)
        fclose(f);
    free(buf);
    return ret;
}

static int run_path(const char *path, unsigned *count);

static int run_dir(const char *dir, unsigned *count)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int ret = 0;

    if (!d) {
        fprintf(stderr, "%s: %s\n", dir, strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        char path[4096];
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >=
            (int)sizeof path)
            ret = -1;
        else if (run_path(path, count) != 0)
            ret = -1;
    }
    closedir(d);
    return ret;
}

static int run_path(const char *path, unsigned *count)
{
    struct stat st;

    if (stat(path, &st) != 0) {
        fprintf(stderr, "%s: %s\n", path, strerror(errno));
        return -1;
    }
    if (S_ISDIR(st.st_mode))
        return run_dir(path, count);
    ++*count;
    return run_file(path, st.st_size);
}

int main(int argc, char **argv)
{
    unsigned count = 0;
    int ret = 0;

    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++)
        if (run_path(argv[i], &count) != 0)
            ret = 1;
    printf("%u inputs replayed\n", count);
    if (count == 0) {
        fprintf(stderr, "no inputs found\n");
        return 1;
    }
    return ret;
}
