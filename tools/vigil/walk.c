// SPDX-License-Identifier: GPL-2.0-or-later
// walk.c: the walker of `vigil scan`: turns command-line paths into items
// in clamscan's order (each directory's entries in readdir order, depth
// first). Directories are opened relative to their parent's descriptor
// (openat, fstatat: no path is resolved twice, a renamed parent cannot
// redirect the walk), and a set of (device, inode) pairs ensures that no
// directory is entered twice, whatever symlinks are followed.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "pool.h"
#include "select.h"
#include "walk.h"

/* ---- the set of directories entered ----------------------------------- */

struct devino {
    dev_t dev;
    ino_t ino;
    bool used;
};

struct walker {
    struct scan_run *run;
    struct devino *seen;
    size_t nseen, cap; /* cap is a power of two */
    dev_t root_dev;    /* --one-file-system: the command-line path's */
};

static size_t devino_hash(dev_t dev, ino_t ino)
{
    uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15ull ^ (uint64_t)dev;
    return (size_t)(h ^ h >> 29);
}

static bool seen_grow(struct walker *w)
{
    size_t ncap = w->cap ? w->cap * 2 : 1024;
    struct devino *nv = calloc(ncap, sizeof *nv), *old = w->seen;
    if (!nv)
        return false;
    for (size_t i = 0; i < w->cap; i++) {
        size_t j = devino_hash(old[i].dev, old[i].ino);
        if (!old[i].used)
            continue;
        while (nv[j & (ncap - 1)].used)
            j++;
        nv[j & (ncap - 1)] = old[i];
    }
    free(old);
    w->seen = nv;
    w->cap = ncap;
    return true;
}

/* @return true if (dev, ino) is new (and now recorded). Out of memory, it
 * answers "seen": the walk is cut short rather than risk a loop. */
static bool seen_add(struct walker *w, const struct stat *st)
{
    size_t j;
    if ((w->nseen + 1) * 2 > w->cap && !seen_grow(w))
        return false;
    for (j = devino_hash(st->st_dev, st->st_ino);; j++) {
        struct devino *e = &w->seen[j & (w->cap - 1)];
        if (!e->used) {
            *e = (struct devino){st->st_dev, st->st_ino, true};
            w->nseen++;
            return true;
        }
        if (e->dev == st->st_dev && e->ino == st->st_ino)
            return false;
    }
}

/* ---- items ------------------------------------------------------------ */

static void submit(struct walker *w, enum item_kind kind, const char *path,
                   const char *msg)
{
    struct item *it = item_new(kind, path);
    if (!it)
        return;
    it->msg = msg;
    pool_submit(w->run->pool, it);
}

/* A regular file: excluded, empty (clamscan reports, does not scan), or
 * queued for a worker that opens @p name in @p dir (or @p path). */
static void submit_file(struct walker *w, struct dirh *dir, const char *path,
                        const struct stat *st, bool follow)
{
    struct item *it;
    if (select_skip_file(w->run->rules, path, path_basename(path))) {
        submit(w, ITEM_EXCLUDED, path, "Excluded");
        return;
    }
    if (st->st_size == 0) {
        submit(w, ITEM_NOTE, path, "Empty file");
        return;
    }
    if (!(it = item_new(ITEM_FILE, path)))
        return;
    it->size = (uint64_t)st->st_size;
    it->follow = follow;
    if (dir) {
        it->dir = dirh_ref(dir);
        it->name = it->path + strlen(it->path) - strlen(path_basename(path));
    }
    if (w->run->progress)
        progress_found(w->run->progress, it->size);
    pool_submit(w->run->pool, it);
}

/* ---- directories ------------------------------------------------------ */

static void walk_dir(struct walker *w, struct dirh *dh, const char *path);

/* Entry names in readdir order, which is the order clamscan reports them
 * in. @return an array (empty for an empty directory), NULL if unreadable */
static char **read_names(int dirfd, size_t *count)
{
    int fd = dup(dirfd);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *de;
    char **v = malloc(sizeof *v);
    size_t n = 0, cap = 1;
    if (!d || !v) {
        if (d)
            closedir(d);
        else if (fd >= 0)
            close(fd);
        free(v);
        return NULL;
    }
    rewinddir(d); /* the descriptor is shared with the original */
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

/* Enter the subdirectory @p name of @p parent (@p st from fstatat), unless
 * it is on another filesystem (-x), excluded, or already entered. */
static void enter_dir(struct walker *w, struct dirh *parent, const char *name,
                      const char *path, bool follow)
{
    int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY;
    struct stat st;
    struct dirh *dh;
    int fd;
    if (select_skip_dir(w->run->rules, path, name)) {
        submit(w, ITEM_EXCLUDED, path, "Excluded");
        return;
    }
    fd = openat(parent->fd, name, follow ? flags : flags | O_NOFOLLOW);
    if (fd < 0) {
        submit(w, ITEM_ERROR, path, "Can't open directory.");
        return;
    }
    /* Decide on the opened directory itself, not on a name that may have
     * been swapped since fstatat(). */
    if (fstat(fd, &st) != 0 || !walk_same_fs(w->run->opts, w->root_dev, &st) ||
        !seen_add(w, &st) || !(dh = dirh_new(fd))) {
        close(fd);
        return;
    }
    walk_dir(w, dh, path);
    dirh_unref(&dh);
}

/* A symlink found inside a directory: followed only with
 * --follow-*-symlinks=2, as in clamscan. */
static void entry_symlink(struct walker *w, struct dirh *dh, const char *name,
                          const char *path)
{
    const struct scan_opts *o = w->run->opts;
    struct stat st;
    if ((o->follow_dirs == 2 || o->follow_files == 2) &&
        fstatat(dh->fd, name, &st, 0) == 0) {
        if (S_ISDIR(st.st_mode) && o->follow_dirs == 2) {
            if (o->recursive)
                enter_dir(w, dh, name, path, true);
            return;
        }
        if (S_ISREG(st.st_mode) && o->follow_files == 2) {
            submit_file(w, dh, path, &st, true);
            return;
        }
    }
    submit(w, ITEM_NOTE, path, "Symbolic link");
}

static void walk_entry(struct walker *w, struct dirh *dh, const char *name,
                       const char *path)
{
    struct stat st;
    if (fstatat(dh->fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
        return; /* gone since readdir */
    /* Without -r a directory's own files are scanned, not its subfolders,
     * as clamscan does. Devices, FIFOs and sockets are passed over. */
    if (S_ISDIR(st.st_mode) && w->run->opts->recursive)
        enter_dir(w, dh, name, path, false);
    else if (S_ISREG(st.st_mode))
        submit_file(w, dh, path, &st, false);
    else if (S_ISLNK(st.st_mode))
        entry_symlink(w, dh, name, path);
}

static char *join(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    char *p = malloc(dl + nl + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    if (dl && dir[dl - 1] == '/') /* "/" stays "/", not "//" */
        dl--;
    p[dl] = '/';
    memcpy(p + dl + 1, name, nl + 1);
    return p;
}

static void walk_dir(struct walker *w, struct dirh *dh, const char *path)
{
    size_t n = 0;
    char **names = read_names(dh->fd, &n);
    if (!names) {
        submit(w, ITEM_ERROR, path, "Can't open directory.");
        return;
    }
    w->run->totals.dirs++;
    for (size_t i = 0; i < n; i++) {
        char *child = join(path, names[i]);
        if (child)
            walk_entry(w, dh, names[i], child);
        free(child);
        free(names[i]);
    }
    free(names);
}

/* ---- command-line paths ----------------------------------------------- */

bool walk_same_fs(const struct scan_opts *o, dev_t root, const struct stat *st)
{
    return !o->one_fs || st->st_dev == root;
}

/* Command-line paths print as typed, less trailing slashes. */
static void trim_slashes(char *p)
{
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        p[--n] = '\0';
}

static void walk_top_dir(struct walker *w, const char *path)
{
    struct stat st;
    struct dirh *dh;
    int fd;
    if (select_skip_dir(w->run->rules, path, path_basename(path))) {
        submit(w, ITEM_EXCLUDED, path, "Excluded");
        return;
    }
    fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
    if (fd < 0 || fstat(fd, &st) != 0 || !(dh = dirh_new(fd))) {
        if (fd >= 0)
            close(fd);
        submit(w, ITEM_ERROR, path, "Can't open directory.");
        return;
    }
    w->root_dev = st.st_dev;
    if (seen_add(w, &st))
        walk_dir(w, dh, path);
    dirh_unref(&dh);
}

/* Command-line symlinks are followed unless --follow-*-symlinks=0; a
 * dangling one is passed over in silence, as clamscan does. */
static void walk_one(struct walker *w, const char *path)
{
    const struct scan_opts *o = w->run->opts;
    struct stat st, lst;
    bool link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
    if (stat(path, &st) != 0) {
        if (!link)
            submit(w, ITEM_ACCESS, path, strerror(errno));
    } else if (link && ((S_ISDIR(st.st_mode) && o->follow_dirs == 0) ||
                        (S_ISREG(st.st_mode) && o->follow_files == 0))) {
        submit(w, ITEM_NOTE, path, "Symbolic link");
    } else if (S_ISDIR(st.st_mode)) {
        walk_top_dir(w, path);
    } else if (S_ISREG(st.st_mode)) {
        submit_file(w, NULL, path, &st, true);
    } else {
        submit(w, ITEM_UNSUPPORTED, path, NULL);
    }
}

void walk_path(struct walker *w, const char *arg)
{
    char *path;
    if (strcmp(arg, "-") == 0) {
        struct item *it = item_new(ITEM_STDIN, "stdin");
        if (it)
            pool_submit(w->run->pool, it);
        return;
    }
    if (!(path = strdup(arg)))
        return;
    trim_slashes(path);
    walk_one(w, path);
    free(path);
}

/* One path per line, as clamscan's --file-list; blank lines are skipped.
 * @return 0, or -1 if the list cannot be read */
int walk_file_list(struct walker *w, const char *list)
{
    FILE *f = strcmp(list, "-") ? fopen(list, "r") : stdin;
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    if (!f) {
        fprintf(stderr, "ERROR: --file-list %s: %s\n", list, strerror(errno));
        return -1;
    }
    while ((n = getline(&line, &cap, f)) > 0) {
        if (line[n - 1] == '\n')
            line[--n] = '\0';
        if (n > 0)
            walk_path(w, line);
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return 0;
}

struct walker *walker_new(struct scan_run *run)
{
    struct walker *w = calloc(1, sizeof *w);
    if (w)
        w->run = run;
    return w;
}

void walker_free(struct walker **wp)
{
    if (*wp)
        free((*wp)->seen);
    free(*wp);
    *wp = NULL;
}
