// SPDX-License-Identifier: GPL-2.0-or-later
// dbver.c: reads the version from the 512-byte header of each database
// container named on the command line or found in a database directory.
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <vigil/vigil.h>

#include "db/cvd.h"
#include "dbver.h"

#define DBVER_MAX 1024

/* Append " NAME:VERSION" for the container at @p path, if it is one. */
static void add_one(char *out, const char *path, const char *name)
{
    unsigned char hdr[VG_CVD_HEADER_LEN];
    struct vg_cvd_header h;
    enum vg_cvd_type type;
    size_t len, used = strlen(out);
    FILE *f;
    if (!vg_cvd_type_of(name, &type) || !(f = fopen(path, "rb")))
        return;
    len = fread(hdr, 1, sizeof hdr, f);
    fclose(f);
    while (len > 0 && (hdr[len - 1] == ' ' || hdr[len - 1] == '\0'))
        len--; /* the header line is padded with spaces */
    if (vg_cvd_parse_line(vigil_str_make((const char *)hdr, len), &h, NULL) !=
        VIGIL_OK)
        return;
    snprintf(out + used, DBVER_MAX - used, "%s%s:%u", used ? " " : "", name,
             (unsigned)h.version);
}

static void add_dir(char *out, const char *dir)
{
    struct dirent **list = NULL;
    int n = scandir(dir, &list, NULL, alphasort);
    if (n < 0)
        return;
    for (int i = 0; i < n; i++) {
        char path[4096];
        snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
        add_one(out, path, list[i]->d_name);
        free(list[i]);
    }
    free(list);
}

char *db_version(const char *const *paths, size_t n)
{
    char *out = calloc(1, DBVER_MAX);
    struct stat st;
    if (!out)
        return NULL;
    for (size_t i = 0; i < n; i++) {
        if (stat(paths[i], &st) != 0)
            continue;
        if (S_ISDIR(st.st_mode)) {
            add_dir(out, paths[i]);
        } else {
            const char *b = strrchr(paths[i], '/');
            add_one(out, paths[i], b ? b + 1 : paths[i]);
        }
    }
    if (!*out) {
        free(out);
        return NULL;
    }
    return out;
}
