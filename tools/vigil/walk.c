// SPDX-License-Identifier: GPL-2.0-or-later
// walk.c: scans command-line paths, descending into directories with -r.
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"

static void scan_file(struct scan_run *run, const char *path,
                      const struct stat *st)
{
    struct vigil_result res;
    unsigned flags = (run->opts->allmatch ? VIGIL_SCAN_ALLMATCH : 0) |
                     run->opts->alert_flags;
    int ret;
    if (st->st_size == 0) { /* clamscan: reported, not counted as scanned */
        report_note(run, path, "Empty file");
        return;
    }
    ret = vigil_scan_path(run->scan, path, flags, &res);
    if (ret != VIGIL_OK) {
        report_error(run, path,
                     ret == VIGIL_E_ACCESS ? "Access denied"
                     : ret == VIGIL_E_NOENT ? "No such file or directory"
                                            : vigil_strerror(ret));
        return;
    }
    run->totals.files++;
    run->totals.bytes_read += (uint64_t)st->st_size / 4096 * 4096;
    run->totals.bytes_scanned += res.bytes_scanned;
    run->totals.limits |= res.limits;
    if (res.verdict == VIGIL_FOUND) {
        run->totals.infected++;
        report_found(run, path, &res);
        act_on_found(run, path, &res);
    } else {
        report_ok(run, path);
    }
}

static void scan_dir(struct scan_run *run, const char *dir);

static void scan_entry(struct scan_run *run, const char *path)
{
    struct stat st;
    /* Inside directories symlinks are not followed (clamscan's default). */
    if (lstat(path, &st) != 0)
        return;
    /* Without -r a directory's own files are scanned, not its subfolders,
     * as clamscan does. */
    if (S_ISDIR(st.st_mode) && run->opts->recursive)
        scan_dir(run, path);
    else if (S_ISREG(st.st_mode))
        scan_file(run, path, &st);
    else if (S_ISLNK(st.st_mode))
        report_note(run, path, "Symbolic link");
}

/* Entries in readdir order, which is the order clamscan reports them in.
 * @return an array (empty for an empty directory), NULL if unreadable */
static char **read_names(const char *dir, size_t *count)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **v = malloc(sizeof *v);
    size_t n = 0, cap = 1;
    if (!d || !v) {
        if (d)
            closedir(d);
        free(v);
        return NULL;
    }
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        if (n == cap) {
            char **nv = realloc(v, (cap *= 2) * sizeof *v);
            if (!nv)
                break;
            v = nv;
        }
        if (!(v[n] = strdup(de->d_name)))
            break;
        n++;
    }
    closedir(d);
    *count = n;
    return v;
}

static void scan_dir(struct scan_run *run, const char *dir)
{
    size_t n = 0, dl = strlen(dir);
    char **names = read_names(dir, &n);
    if (!names) {
        report_error(run, dir, "Can't open directory.");
        return;
    }
    run->totals.dirs++;
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(names[i]);
        char *path = malloc(dl + nl + 2);
        if (path) {
            memcpy(path, dir, dl);
            path[dl] = '/';
            memcpy(path + dl + 1, names[i], nl + 1);
            if (dl && dir[dl - 1] == '/')
                memmove(path + dl, path + dl + 1, nl + 1);
            scan_entry(run, path);
        }
        free(path);
        free(names[i]);
    }
    free(names);
}

/* Command-line paths print as typed, less trailing slashes. */
static void trim_slashes(char *p)
{
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
}

void walk_path(struct scan_run *run, const char *arg)
{
    struct stat st;
    char *path = strdup(arg);
    if (!path)
        return;
    trim_slashes(path);
    /* Command-line paths follow symlinks, as clamscan does; a dangling
     * link given by name is passed over in silence, as there. */
    if (stat(path, &st) != 0) {
        if (lstat(path, &st) != 0 || !S_ISLNK(st.st_mode))
            report_access_error(run, path, strerror(errno));
    } else if (S_ISDIR(st.st_mode)) {
        scan_dir(run, path);
    } else if (S_ISREG(st.st_mode)) {
        scan_file(run, path, &st);
    } else {
        report_unsupported(run, path);
    }
    free(path);
}
