// SPDX-License-Identifier: GPL-2.0-or-later
// vdb_cache.c: the compiled-database cache. Sources (files, directories,
// CVDs) are compiled once into a file named by their content; later loads
// of the same sources map that file. Two keys:
//   s-<stat key>   what stat(2) says about every source file (cheap);
//                  a symbolic link to the entry below
//   c-<content key>.vdb  SHA-256 of every source's bytes: a touched but
//                  unchanged database reuses the same compiled file
// The cache directory must belong to the user and be closed to others:
// files in it are mapped without re-checking their body checksum.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "db/vdb.h"
#include "db/vdb_cache.h"
#include "engine.h"
#include "util/alloc.h"

#define KEY_HEX 65
#define CACHE_KEEP 4 /* compiled files kept (newest first) */

/* ---- source enumeration --------------------------------------------- */

struct src_file {
    char *path;
    struct stat st;
};

struct src_list {
    struct src_file *v;
    size_t n, cap;
    uint64_t *shape; /* per source: files it gave, high bit set for a dir */
};

static void src_free(struct src_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        free(l->v[i].path);
    free(l->v);
    free(l->shape);
}

static int src_push(struct src_list *l, char *path, const struct stat *st)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? l->cap * 2 : 16;
        void *p = realloc(l->v, cap * sizeof *l->v);
        if (!p) {
            free(path);
            return VIGIL_E_NOMEM;
        }
        l->v = p;
        l->cap = cap;
    }
    l->v[l->n++] = (struct src_file){path, *st};
    return VIGIL_OK;
}

static int cmp_name(const struct dirent **a, const struct dirent **b)
{
    return strcmp((*a)->d_name, (*b)->d_name);
}

static int not_hidden(const struct dirent *d)
{
    return d->d_name[0] != '.';
}

/* Every regular file a load of @p dir could read, in name order (the
 * loader's order); any change to the set changes the key. */
static int src_add_dir(struct src_list *l, const char *dir)
{
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, not_hidden, cmp_name), ret = VIGIL_OK;
    if (n < 0)
        return errno == ENOENT ? VIGIL_E_NOENT : VIGIL_E_IO;
    for (int i = 0; i < n; i++) {
        char *p = NULL;
        struct stat st;
        if (ret == VIGIL_OK &&
            asprintf(&p, "%s/%s", dir, ents[i]->d_name) < 0)
            ret = VIGIL_E_NOMEM;
        else if (ret == VIGIL_OK && stat(p, &st) == 0 && S_ISREG(st.st_mode))
            ret = src_push(l, p, &st), p = NULL;
        free(p);
        free(ents[i]);
    }
    free(ents);
    return ret;
}

static int src_collect(struct src_list *l, const char *const *paths, size_t n)
{
    if (!(l->shape = calloc(n ? n : 1, sizeof *l->shape)))
        return VIGIL_E_NOMEM;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        size_t before = l->n;
        int ret;
        char *p;
        if (stat(paths[i], &st) != 0)
            return errno == ENOENT ? VIGIL_E_NOENT : VIGIL_E_IO;
        if (S_ISDIR(st.st_mode)) {
            ret = src_add_dir(l, paths[i]);
        } else {
            if (!(p = strdup(paths[i])))
                return VIGIL_E_NOMEM;
            ret = src_push(l, p, &st);
        }
        if (ret != VIGIL_OK)
            return ret;
        l->shape[i] = (l->n - before) | (S_ISDIR(st.st_mode) ? 1ull << 63 : 0);
    }
    return VIGIL_OK;
}

/* ---- keys ------------------------------------------------------------ */

static void hex(const uint8_t *d, char out[KEY_HEX])
{
    for (int i = 0; i < 32; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

/* Both keys start with the build and the shape of the source list: how
 * many sources, each a file or a directory of how many files (a directory
 * loads its files in its own order, so the shape matters, not the path
 * strings: the same databases at another path share a compiled file). */
static EVP_MD_CTX *key_start(const struct src_list *l, size_t n, bool pua)
{
    EVP_MD_CTX *c = EVP_MD_CTX_new();
    uint8_t layout[32];
    vg_vdb_layout(layout);
    if (!c || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
        EVP_MD_CTX_free(c);
        return NULL;
    }
    EVP_DigestUpdate(c, layout, sizeof layout);
    EVP_DigestUpdate(c, &pua, sizeof pua);
    EVP_DigestUpdate(c, &n, sizeof n);
    for (size_t i = 0; i < n; i++)
        EVP_DigestUpdate(c, &l->shape[i], sizeof l->shape[i]);
    return c;
}

static int key_finish(EVP_MD_CTX *c, uint8_t key[32])
{
    unsigned int n = 32;
    int ok = EVP_DigestFinal_ex(c, key, &n) == 1;
    EVP_MD_CTX_free(c);
    return ok ? VIGIL_OK : VIGIL_E_NOMEM;
}

/* File times tick in coarse steps (a few ms): a file rewritten within
 * the same tick keeps its times. A source changed in the last seconds is
 * therefore never trusted by its times, only by its content. */
static bool recently_changed(const struct src_list *l)
{
    time_t now = time(NULL);
    for (size_t i = 0; i < l->n; i++)
        if (l->v[i].st.st_ctime >= now - 2 || l->v[i].st.st_mtime >= now - 2)
            return true;
    return false;
}

static int stat_key(const struct src_list *l, size_t n, bool pua,
                    uint8_t key[32])
{
    EVP_MD_CTX *c = key_start(l, n, pua);
    if (!c)
        return VIGIL_E_NOMEM;
    for (size_t i = 0; i < l->n; i++) {
        const struct stat *st = &l->v[i].st;
        /* ctime cannot be set back by a user; with the rest it catches
         * every rewrite of a file. */
        uint64_t f[7] = {(uint64_t)st->st_dev,          (uint64_t)st->st_ino,
                         (uint64_t)st->st_size,         (uint64_t)st->st_mtim.tv_sec,
                         (uint64_t)st->st_mtim.tv_nsec, (uint64_t)st->st_ctim.tv_sec,
                         (uint64_t)st->st_ctim.tv_nsec};
        EVP_DigestUpdate(c, l->v[i].path, strlen(l->v[i].path) + 1);
        EVP_DigestUpdate(c, f, sizeof f);
    }
    return key_finish(c, key);
}

static int hash_file(EVP_MD_CTX *c, const char *path)
{
    uint8_t buf[1 << 16];
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t got;
    if (fd < 0)
        return VIGIL_E_IO;
    while ((got = read(fd, buf, sizeof buf)) > 0)
        EVP_DigestUpdate(c, buf, (size_t)got);
    close(fd);
    return got == 0 ? VIGIL_OK : VIGIL_E_IO;
}

static int content_key(const struct src_list *l, size_t n, bool pua,
                       uint8_t key[32])
{
    EVP_MD_CTX *c = key_start(l, n, pua);
    if (!c)
        return VIGIL_E_NOMEM;
    for (size_t i = 0; i < l->n; i++) {
        const char *base = strrchr(l->v[i].path, '/');
        base = base ? base + 1 : l->v[i].path;
        /* The name picks the parser, so it is part of the content. */
        EVP_DigestUpdate(c, base, strlen(base) + 1);
        if (hash_file(c, l->v[i].path) != VIGIL_OK) {
            EVP_MD_CTX_free(c);
            return VIGIL_E_IO;
        }
    }
    return key_finish(c, key);
}

/* ---- the directory ----------------------------------------------------- */

static int mkdir_p(const char *dir)
{
    char *p = strdup(dir);
    int ret = 0;
    if (!p)
        return -1;
    for (char *s = p + 1; *s && ret == 0; s++) {
        if (*s != '/')
            continue;
        *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            ret = -1;
        *s = '/';
    }
    if (ret == 0 && mkdir(p, 0700) != 0 && errno != EEXIST)
        ret = -1;
    free(p);
    return ret;
}

int vg_cache_default_dir(char *out, size_t len)
{
    const char *env = getenv("VIGIL_CACHE_DIR"), *xdg, *home;
    int n;
    if (env && *env)
        n = snprintf(out, len, "%s", env);
    else if (geteuid() == 0)
        n = snprintf(out, len, "/var/cache/vigil");
    else if ((xdg = getenv("XDG_CACHE_HOME")) && *xdg)
        n = snprintf(out, len, "%s/vigil", xdg);
    else if ((home = getenv("HOME")) && *home)
        n = snprintf(out, len, "%s/.cache/vigil", home);
    else
        return VIGIL_E_NOENT;
    return n > 0 && (size_t)n < len ? VIGIL_OK : VIGIL_E_ARG;
}

/* Usable only if it is ours and nobody else may write into it. */
static const char *unsafe_dir(const char *dir)
{
    struct stat st;
    if (mkdir_p(dir) != 0)
        return "cannot create it";
    if (lstat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return "not a directory";
    if (st.st_uid != geteuid())
        return "owned by another user";
    if (st.st_mode & 022)
        return "writable by others";
    return NULL;
}

/* Keep the newest few compiled files; drop links to removed ones. */
static void prune(const char *dir)
{
    struct dirent **ents = NULL;
    int n = scandir(dir, &ents, not_hidden, cmp_name);
    struct { time_t t; char name[80]; } keep[CACHE_KEEP] = {{0, ""}};
    for (int pass = 0; pass < 2 && n > 0; pass++) {
        for (int i = 0; i < n; i++) {
            char p[4096];
            struct stat st;
            const char *name = ents[i]->d_name;
            snprintf(p, sizeof p, "%s/%s", dir, name);
            if (pass == 0 && !strncmp(name, "c-", 2) && strlen(name) < 80 &&
                stat(p, &st) == 0) {
                int k = CACHE_KEEP - 1; /* insertion into newest-first */
                if (st.st_mtime < keep[k].t)
                    continue;
                while (k > 0 && keep[k - 1].t < st.st_mtime) {
                    keep[k] = keep[k - 1];
                    k--;
                }
                keep[k].t = st.st_mtime;
                memcpy(keep[k].name, name, strlen(name) + 1); /* < 80 */
            } else if (pass == 1 && !strncmp(name, "c-", 2)) {
                bool kept = false;
                for (int k = 0; k < CACHE_KEEP; k++)
                    kept |= !strcmp(keep[k].name, name);
                if (!kept)
                    unlink(p);
            } else if (pass == 1 && !strncmp(name, "s-", 2) &&
                       stat(p, &st) != 0) {
                unlink(p);
            }
        }
    }
    for (int i = 0; i < n; i++)
        free(ents[i]);
    free(ents);
}

/* ---- compile ---------------------------------------------------------- */

static int load_uncached(struct vigil_engine *eng, const char *const *paths,
                         size_t n)
{
    int ret = VIGIL_OK;
    for (size_t i = 0; i < n && ret == VIGIL_OK; i++)
        ret = vigil_engine_load_db(eng, paths[i], NULL);
    return ret == VIGIL_OK ? vigil_engine_compile(eng) : ret;
}

static int compile_to(struct vigil_engine *eng, const char *const *paths,
                      size_t n, const char *out, const uint8_t key[32])
{
    int ret = load_uncached(eng, paths, n);
    return ret == VIGIL_OK ? vg_vdb_save(eng, out, key) : ret;
}

/* Compile in a child process, so the caller (a daemon) never holds the
 * uncompiled tables: its peak memory stays that of the mapped file. The
 * child's error message comes back through a pipe. */
static int compile_in_child(struct vigil_engine *eng, const char *const *paths,
                            size_t n, const char *out, const uint8_t key[32])
{
    int fds[2], status = 0;
    ssize_t got;
    pid_t pid;
    if (pipe2(fds, O_CLOEXEC) != 0)
        return VIGIL_E_IO;
    if ((pid = fork()) < 0) {
        close(fds[0]);
        close(fds[1]);
        return VIGIL_E_NOMEM;
    }
    if (pid == 0) {
        struct vigil_engine *child = NULL;
        int ret = vigil_engine_new(&child, NULL);
        close(fds[0]);
        if (ret == VIGIL_OK) {
            child->load_pua = eng->load_pua;
            ret = compile_to(child, paths, n, out, key);
            if (ret != VIGIL_OK && write(fds[1], child->last_error,
                                         strlen(child->last_error)) < 0)
                ret = VIGIL_E_IO;
        }
        _exit(ret == VIGIL_OK ? 0 : 128 - ret);
    }
    close(fds[1]);
    got = read(fds[0], eng->last_error, sizeof eng->last_error - 1);
    eng->last_error[got > 0 ? got : 0] = '\0';
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
        return VIGIL_OK;
    if (WIFEXITED(status) && WEXITSTATUS(status) > 100)
        return 128 - WEXITSTATUS(status);
    return VIGIL_E_NOMEM; /* killed: most likely out of memory */
}

/* ---- the cache --------------------------------------------------------- */

/* Map the entry at @p path; a damaged or stale entry is removed. */
static int try_map(struct vigil_engine *eng, const char *path)
{
    int ret;
    if (access(path, R_OK) != 0)
        return VIGIL_E_NOENT;
    ret = vg_vdb_map(eng, path, VG_VDB_TRUST_BODY);
    if (ret == VIGIL_OK)
        return ret;
    VIGIL_LOG(&eng->log, VIGIL_LOG_INFO, "cache entry dropped: %s",
              eng->last_error);
    vg_vdb_release(eng);
    unlink(path);
    eng->last_error[0] = '\0';
    return ret;
}

static void link_stat_key(const char *dir, const char *skey,
                          const char *ckey_file)
{
    char link[4096], tmp[4200];
    snprintf(link, sizeof link, "%s/s-%s", dir, skey);
    snprintf(tmp, sizeof tmp, "%s.tmp.%d", link, (int)getpid());
    unlink(tmp);
    if (symlink(ckey_file, tmp) != 0 || rename(tmp, link) != 0)
        unlink(tmp); /* without the link the next load hashes contents */
}

static int load_via_cache(struct vigil_engine *eng, const char *const *paths,
                          size_t n, const char *dir, unsigned flags)
{
    struct src_list l = {0};
    uint8_t skey[32], ckey[32];
    char sh[KEY_HEX], ch[KEY_HEX], spath[4096], cname[80], cpath[4096];
    bool by_stat;
    int ret = src_collect(&l, paths, n);
    if (ret == VIGIL_OK)
        ret = stat_key(&l, n, eng->load_pua, skey);
    if (ret != VIGIL_OK)
        goto out;
    by_stat = !recently_changed(&l);
    hex(skey, sh);
    snprintf(spath, sizeof spath, "%s/s-%s", dir, sh);
    if (by_stat && (ret = try_map(eng, spath)) == VIGIL_OK)
        goto out;
    if ((ret = content_key(&l, n, eng->load_pua, ckey)) != VIGIL_OK)
        goto out;
    hex(ckey, ch);
    snprintf(cname, sizeof cname, "c-%s.vdb", ch);
    snprintf(cpath, sizeof cpath, "%s/%s", dir, cname);
    if ((ret = try_map(eng, cpath)) == VIGIL_OK) {
        if (by_stat)
            link_stat_key(dir, sh, cname);
        goto out;
    }
    VIGIL_LOG(&eng->log, VIGIL_LOG_INFO, "compiling the database into %s",
              cpath);
    if (flags & VIGIL_LOAD_COMPILE_IN_CHILD) {
        ret = compile_in_child(eng, paths, n, cpath, ckey);
        if (ret == VIGIL_OK)
            ret = vg_vdb_map(eng, cpath, VG_VDB_TRUST_BODY);
    } else if ((ret = load_uncached(eng, paths, n)) == VIGIL_OK &&
               vg_vdb_save(eng, cpath, ckey) != VIGIL_OK) {
        /* The engine is ready; only the next start is slower. */
        VIGIL_LOG(&eng->log, VIGIL_LOG_WARN, "%s", eng->last_error);
        eng->last_error[0] = '\0';
        goto out;
    }
    if (ret == VIGIL_OK) {
        if (by_stat)
            link_stat_key(dir, sh, cname);
        prune(dir);
    }
out:
    src_free(&l);
    return ret;
}

int vg_cache_load(struct vigil_engine *eng, const char *const *paths,
                  size_t n, const char *cache_dir, unsigned flags)
{
    char dir[4096];
    const char *why;
    if (cache_dir && !*cache_dir)
        return load_uncached(eng, paths, n);
    if (!cache_dir && vg_cache_default_dir(dir, sizeof dir) != VIGIL_OK)
        return load_uncached(eng, paths, n);
    if (cache_dir)
        snprintf(dir, sizeof dir, "%s", cache_dir);
    if ((why = unsafe_dir(dir)) != NULL) {
        VIGIL_LOG(&eng->log, VIGIL_LOG_WARN,
                  "compiled-database cache %s not used: %s", dir, why);
        return load_uncached(eng, paths, n);
    }
    return load_via_cache(eng, paths, n, dir, flags);
}
