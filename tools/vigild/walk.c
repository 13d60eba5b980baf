// SPDX-License-Identifier: GPL-2.0-or-later
// walk.c: clamd's file tree walk (cli_ftw), so replies come in its order.
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

enum ftype { FT_DIR, FT_REG, FT_LINK, FT_SPECIAL, FT_ERROR };

struct entry {
    char *path;
    ino_t ino;
    bool is_dir;
    struct stat st;
};

struct walk {
    const struct vgd_walk_opts *o;
    vgd_walk_fn fn;
    void *ctx;
};

static int emit(const struct walk *w, enum vgd_walk_event ev, const char *path,
                const struct stat *st, int err, bool toplevel)
{
    struct vgd_walk_event_data e = {ev, path, st, err, toplevel};
    return w->fn(w->ctx, &e);
}

/* lstat, then follow the link only where the options say so. */
static enum ftype classify(const struct walk *w, const char *path,
                           struct stat *st, int *err)
{
    bool link;
    if (lstat(path, st) != 0) {
        *err = errno;
        return FT_ERROR;
    }
    link = S_ISLNK(st->st_mode);
    if (link) {
        if (!w->o->follow_dir_links && !w->o->follow_file_links)
            return FT_LINK;
        if (stat(path, st) != 0) {
            *err = errno;
            return FT_ERROR;
        }
    }
    if (S_ISDIR(st->st_mode) && (!link || w->o->follow_dir_links))
        return FT_DIR;
    if (S_ISREG(st->st_mode) && (!link || w->o->follow_file_links))
        return FT_REG;
    return link ? FT_LINK : FT_SPECIAL;
}

/* Report a type that is not walked. @return the callback's verdict. */
static int report_skip(const struct walk *w, enum ftype ft, const char *path,
                       const struct stat *st, int err, bool toplevel)
{
    switch (ft) {
    case FT_ERROR:
        return emit(w, VGD_WALK_STAT_ERROR, path, NULL, err, toplevel);
    case FT_LINK: return emit(w, VGD_WALK_SKIP_LINK, path, st, 0, toplevel);
    default: return emit(w, VGD_WALK_SKIP_SPECIAL, path, st, 0, toplevel);
    }
}

static int cmp_entry(const void *a, const void *b)
{
    const struct entry *x = a, *y = b;
    if (x->is_dir != y->is_dir)
        return x->is_dir ? 1 : -1;
    return x->ino < y->ino ? -1 : x->ino > y->ino;
}

static char *join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    char *p = malloc(dl + nl + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    if (!(dl == 1 && dir[0] == '/'))
        p[dl++] = '/';
    memcpy(p + dl, name, nl + 1);
    return p;
}

static int push(struct entry **v, size_t *n, size_t *cap, struct entry *e)
{
    if (*n == *cap) {
        size_t nc = *cap ? *cap * 2 : 32;
        struct entry *nv = realloc(*v, nc * sizeof *nv);
        if (!nv)
            return -1;
        *v = nv;
        *cap = nc;
    }
    (*v)[(*n)++] = *e;
    return 0;
}

/* One directory entry: skipped, reported, or kept for the sorted pass. */
static int read_entry(const struct walk *w, const char *dir,
                      const struct dirent *de, struct entry **v, size_t *n,
                      size_t *cap)
{
    struct entry e = {0};
    enum ftype ft;
    int err = 0, ret;
    if (de->d_type == DT_LNK && !w->o->follow_dir_links &&
        !w->o->follow_file_links)
        return 0; /* clamd does not even stat these */
    if (!(e.path = join(dir, de->d_name)))
        return -1;
    ft = classify(w, e.path, &e.st, &err);
    if (ft != FT_DIR && ft != FT_REG) {
        ret = report_skip(w, ft, e.path, &e.st, err, false);
        free(e.path);
        return ret;
    }
    e.ino = de->d_ino;
    e.is_dir = ft == FT_DIR;
    if (push(v, n, cap, &e)) {
        free(e.path);
        return -1;
    }
    return 0;
}

static int walk_dir(const struct walk *w, const char *dir, int depth);

static int visit_sorted(const struct walk *w, struct entry *v, size_t n,
                        int depth)
{
    int ret = 0;
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_entry);
    for (size_t i = 0; i < n && ret == 0; i++)
        ret = v[i].is_dir
                  ? walk_dir(w, v[i].path, depth - 1)
                  : emit(w, VGD_WALK_FILE, v[i].path, &v[i].st, 0, false);
    for (size_t i = 0; i < n; i++)
        free(v[i].path);
    return ret;
}

static int walk_dir(const struct walk *w, const char *dir, int depth)
{
    struct entry *v = NULL;
    size_t n = 0, cap = 0;
    struct dirent *de;
    DIR *d;
    int ret = 0;
    if (depth < 0)
        return emit(w, VGD_WALK_SKIP_DEPTH, dir, NULL, 0, false);
    if (!(d = opendir(dir)))
        return emit(w, VGD_WALK_STAT_ERROR, dir, NULL, errno, false);
    while (ret == 0 && (de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            ret = read_entry(w, dir, de, &v, &n, &cap);
    closedir(d);
    if (ret == 0)
        ret = visit_sorted(w, v, n, depth);
    else
        for (size_t i = 0; i < n; i++)
            free(v[i].path);
    free(v);
    return ret;
}

int vgd_walk(char *path, const struct vgd_walk_opts *o, vgd_walk_fn fn,
             void *ctx)
{
    struct walk w = {o, fn, ctx};
    int depth = o->max_depth ? (int)o->max_depth : INT_MAX;
    struct stat st;
    enum ftype ft;
    int err = 0, ret;
    size_t n = strlen(path);
    if (n > 1) { /* "dir/" and "dir" are one: trim, as clamd */
        while (n > 1 && path[n - 1] == '/')
            path[--n] = '\0';
        while (path[0] == '/' && path[1] == '/')
            path++;
    }
    ft = classify(&w, path, &st, &err);
    if (ft == FT_REG)
        return emit(&w, VGD_WALK_FILE, path, &st, 0, true);
    if (ft != FT_DIR)
        return report_skip(&w, ft, path, &st, err, true);
    if ((ret = emit(&w, VGD_WALK_DIR_TOP, path, &st, 0, true)) != 0)
        return ret;
    return walk_dir(&w, path, depth);
}
