// SPDX-License-Identifier: GPL-2.0-or-later
// update_install.c: staging a new database version, testing it, and the
// atomic switch (ROOT/current is a symlink replaced by rename(2)); the
// previous version is kept for --rollback. docs/internals/UPDATE.md says
// what a crash at each step leaves behind.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <vigil/vigil.h>

#include "db/vdb.h"
#include "update.h"
#include "util/strparse.h"

char *upd_path(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = malloc(n);
    if (p)
        snprintf(p, n, "%s/%s", a, b);
    return p;
}

void upd_crash_point(const char *step)
{
    const char *at = getenv("VIGIL_UPDATE_CRASH_AT");
    if (at && strcmp(at, step) == 0)
        raise(SIGKILL);
}

int upd_read_file(const char *path, size_t max, struct vigil_buf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int ret = VIGIL_OK;

    vigil_buf_init(out, max);
    if (fd < 0)
        return errno == ENOENT ? VIGIL_E_NOENT : VIGIL_E_IO;
    while (out->len < max) {
        size_t want = max - out->len;
        ssize_t got;
        if (want > (1u << 20))
            want = 1u << 20;
        if ((ret = vigil_buf_reserve(out, want)) != VIGIL_OK)
            break;
        got = read(fd, out->data + out->len, want);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0)
            ret = VIGIL_E_IO;
        if (got <= 0)
            break;
        out->len += (size_t)got;
    }
    close(fd);
    return ret;
}

int upd_lock(const char *root)
{
    char *p = upd_path(root, ".lock");
    int fd = p ? open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644) : -1;

    free(p);
    if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) != 0) {
        upd_err("%s: another vigil update is running", root);
        close(fd);
        return -1;
    }
    if (fd < 0)
        upd_err("%s: cannot create the lock file: %s", root, strerror(errno));
    return fd;
}

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    int r = fd >= 0 ? fsync(fd) : -1;
    if (fd >= 0)
        close(fd);
    return r;
}

/* Remove a version directory: it holds only files. */
static void rm_version(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    if (d) {
        while ((de = readdir(d)) != NULL) {
            char *p;
            if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
                continue;
            if ((p = upd_path(dir, de->d_name)) != NULL)
                unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* Target of ROOT/NAME ("versions/vNNNNNN"), or "" if absent. */
static void read_link(const char *root, const char *name, char *out, size_t n)
{
    char *p = upd_path(root, name);
    ssize_t len = p ? readlink(p, out, n - 1) : -1;
    out[len > 0 ? len : 0] = '\0';
    free(p);
}

static const char *base_of(const char *link)
{
    const char *s = strrchr(link, '/');
    return s ? s + 1 : link;
}

static bool version_name(const char *s, uint64_t *n)
{
    return s[0] == 'v' &&
           !vigil_str_to_u64(vigil_str_cstr(s + 1), 999999999, n);
}

/* Delete staging leftovers and versions that neither link names; return
 * the next free version number. */
static uint64_t sweep(const char *root)
{
    char cur[256], prev[256];
    char *vdir = upd_path(root, "versions"), *sdir = upd_path(root, "staging");
    uint64_t max = 0, n;
    DIR *d;
    struct dirent *de;

    read_link(root, "current", cur, sizeof cur);
    read_link(root, "previous", prev, sizeof prev);
    for (int pass = 0; pass < 2 && vdir && sdir; pass++) {
        const char *dir = pass ? vdir : sdir;
        if (!(d = opendir(dir)))
            continue;
        while ((de = readdir(d)) != NULL) {
            char *p;
            if (!version_name(de->d_name, &n))
                continue;
            max = n > max ? n : max;
            p = upd_path(dir, de->d_name);
            if (p && (!pass || (strcmp(base_of(cur), de->d_name) &&
                                strcmp(base_of(prev), de->d_name))))
                rm_version(p);
            free(p);
        }
        closedir(d);
    }
    free(vdir);
    free(sdir);
    return max + 1;
}

static int mkdir_p1(const char *a, const char *b)
{
    char *p = b ? upd_path(a, b) : strdup(a);
    int r = p ? mkdir(p, 0755) : -1;
    if (r != 0 && errno == EEXIST)
        r = 0;
    if (r != 0)
        upd_err("%s: cannot create directory: %s", p ? p : a, strerror(errno));
    free(p);
    return r;
}

/* Hard-link (else copy) each file of the current version into @p dir:
 * files are never modified in place, so sharing them is safe. */
static int link_current(struct upd_stage *sg)
{
    DIR *d = opendir(sg->cur);
    struct dirent *de;
    int ret = VIGIL_OK;

    if (!d)
        return errno == ENOENT ? VIGIL_OK : VIGIL_E_IO;
    while (ret == VIGIL_OK && (de = readdir(d)) != NULL) {
        char *from, *to;
        struct vigil_buf b;
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, "..") ||
            !strcmp(de->d_name, UPD_COMPILED_NAME))
            continue;
        from = upd_path(sg->cur, de->d_name);
        to = upd_path(sg->dir, de->d_name);
        if (!from || !to)
            ret = VIGIL_E_NOMEM;
        else if (link(from, to) != 0) {
            ret = upd_read_file(from, UPD_MAX_FILE, &b);
            if (ret == VIGIL_OK)
                ret = upd_stage_write(sg, de->d_name, b.data, b.len);
            vigil_buf_free(&b);
        }
        free(from);
        free(to);
    }
    closedir(d);
    return ret;
}

static int check_current(const char *cur)
{
    struct stat st;
    if (lstat(cur, &st) != 0 || S_ISLNK(st.st_mode))
        return VIGIL_OK;
    upd_err("%s exists and is not a symbolic link: vigil update manages it "
            "(move the files elsewhere and use --from)",
            cur);
    return VIGIL_E_STATE;
}

int upd_stage_begin(struct upd_stage *sg, const struct upd_conf *c)
{
    char name[32], rel[48];
    uint64_t n;

    memset(sg, 0, sizeof *sg);
    sg->lock_fd = -1;
    sg->verbose = c->verbose;
    if (mkdir_p1(c->db_dir, NULL) || mkdir_p1(c->db_dir, "versions") ||
        mkdir_p1(c->db_dir, "staging"))
        return VIGIL_E_IO;
    if (!(sg->root = strdup(c->db_dir)) ||
        !(sg->cur = upd_path(c->db_dir, "current")))
        return VIGIL_E_NOMEM;
    if (check_current(sg->cur) != VIGIL_OK)
        return VIGIL_E_STATE;
    if ((sg->lock_fd = upd_lock(c->db_dir)) < 0)
        return VIGIL_E_STATE;
    n = sweep(c->db_dir);
    snprintf(name, sizeof name, "v%06llu", (unsigned long long)n);
    snprintf(rel, sizeof rel, "staging/%s", name);
    if (!(sg->name = strdup(name)) || !(sg->dir = upd_path(c->db_dir, rel)))
        return VIGIL_E_NOMEM;
    if (mkdir_p1(sg->dir, NULL))
        return VIGIL_E_IO;
    return link_current(sg);
}

static int write_fd(int fd, const uint8_t *p, size_t len)
{
    while (len) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return fsync(fd);
}

int upd_stage_write(struct upd_stage *sg, const char *name, const void *data,
                    size_t len)
{
    char *p = upd_path(sg->dir, name);
    int fd, r;

    if (!p)
        return VIGIL_E_NOMEM;
    /* The name may be a hard link to the installed file: never write
     * through it. */
    unlink(p);
    fd = open(p, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    r = fd >= 0 ? write_fd(fd, data, len) : -1;
    if (fd >= 0 && close(fd) != 0)
        r = -1;
    if (r != 0)
        upd_err("%s: cannot write: %s", p, strerror(errno));
    free(p);
    sg->changed = true;
    return r == 0 ? VIGIL_OK : VIGIL_E_IO;
}

int upd_stage_remove(struct upd_stage *sg, const char *name)
{
    char *p = upd_path(sg->dir, name);
    if (!p)
        return VIGIL_E_NOMEM;
    if (unlink(p) == 0)
        sg->changed = true;
    free(p);
    return VIGIL_OK;
}

static void log_cb(void *cookie, enum vigil_log_level level, const char *msg)
{
    (void)cookie;
    (void)level;
    fprintf(stderr, "vigil update: test load: %s\n", msg);
}

/* A second load of the same sources must map the compiled file the
 * first one left in the cache: that proves the compile step end to end. */
static bool maps_from_cache(const char *dir)
{
    struct vigil_engine *eng = NULL;
    bool mapped = false;
    if (vigil_engine_new(&eng, NULL) == VIGIL_OK &&
        vigil_engine_load_cached(eng, &dir, 1, NULL, 0) == VIGIL_OK)
        mapped = vg_vdb_header_of(eng) != NULL;
    vigil_engine_unref(&eng);
    return mapped;
}

int upd_test_load(const char *dir, bool compile, bool verbose, size_t *nsigs,
                  bool *compiled, char *why, size_t whylen)
{
    /* The load's warnings (formats skipped) only with --verbose; a
     * failure is reported through @p why either way. */
    struct vigil_settings set = {
        log_cb, NULL, verbose ? VIGIL_LOG_WARN : VIGIL_LOG_NONE, false};
    struct vigil_engine *eng = NULL;
    int ret = vigil_engine_new(&eng, &set);

    *compiled = false;
    /* With @p compile the load goes through the compiled-database cache:
     * the new version is compiled once here, and scans of it (under any
     * path: the cache is keyed by content) map the result. */
    if (ret == VIGIL_OK)
        ret = compile ? vigil_engine_load_cached(eng, &dir, 1, NULL, 0)
                      : vigil_engine_load_db(eng, dir, NULL);
    if (ret == VIGIL_OK && !compile)
        ret = vigil_engine_compile(eng);
    if (ret != VIGIL_OK) {
        snprintf(why, whylen, "%s",
                 eng && vigil_engine_last_error(eng)[0]
                     ? vigil_engine_last_error(eng)
                     : vigil_strerror(ret));
        vigil_engine_unref(&eng);
        return ret;
    }
    *nsigs = vigil_engine_signature_count(eng);
    vigil_engine_unref(&eng);
    if (compile)
        *compiled = maps_from_cache(dir);
    return VIGIL_OK;
}

/* ROOT/NAME -> target, replaced atomically (symlink, rename). */
static int set_link(const char *root, const char *name, const char *target)
{
    char tmpname[64];
    char *tmp, *dst;
    int r;

    snprintf(tmpname, sizeof tmpname, ".%s.tmp", name);
    tmp = upd_path(root, tmpname);
    dst = upd_path(root, name);
    if (!tmp || !dst) {
        free(tmp);
        free(dst);
        return -1;
    }
    unlink(tmp);
    r = symlink(target, tmp);
    if (r == 0)
        r = rename(tmp, dst);
    if (r != 0)
        upd_err("%s: cannot switch to %s: %s", dst, target, strerror(errno));
    free(tmp);
    free(dst);
    return r;
}

static int test_stage(struct upd_stage *sg)
{
    char why[1024] = "";
    int ret;

    ret = upd_test_load(sg->dir, true, sg->verbose, &sg->nsigs, &sg->compiled,
                        why, sizeof why);
    if (ret != VIGIL_OK)
        upd_err("the new database does not load, nothing installed: %s", why);
    return ret;
}

/* Make the staged directory durable and move it into versions/. */
static int settle(struct upd_stage *sg, char *target, size_t n)
{
    char *vdir = upd_path(sg->root, "versions");
    char *dst = vdir ? upd_path(vdir, sg->name) : NULL;
    int r = -1;

    if (dst && fsync_path(sg->dir) == 0 && rename(sg->dir, dst) == 0)
        r = fsync_path(vdir);
    if (r != 0)
        upd_err("%s: cannot move the new version into place: %s",
                dst ? dst : sg->root, strerror(errno));
    snprintf(target, n, "versions/%s", sg->name);
    free(vdir);
    free(dst);
    return r;
}

int upd_stage_commit(struct upd_stage *sg)
{
    char old[256], target[64];
    int ret;

    upd_crash_point("staged");
    if ((ret = test_stage(sg)) != VIGIL_OK)
        return ret;
    upd_crash_point("tested");
    if (settle(sg, target, sizeof target) != 0)
        return VIGIL_E_IO;
    upd_crash_point("moved");
    read_link(sg->root, "current", old, sizeof old);
    if (old[0] && set_link(sg->root, "previous", old) != 0)
        return VIGIL_E_IO;
    upd_crash_point("previous");
    if (set_link(sg->root, "current", target) != 0)
        return VIGIL_E_IO;
    if (fsync_path(sg->root) != 0)
        return VIGIL_E_IO;
    upd_crash_point("switched");
    free(sg->dir);
    sg->dir = NULL; /* committed: nothing to remove */
    (void)sweep(sg->root);
    return VIGIL_OK;
}

void upd_stage_end(struct upd_stage *sg)
{
    if (sg->dir)
        rm_version(sg->dir);
    if (sg->lock_fd >= 0)
        close(sg->lock_fd);
    free(sg->dir);
    free(sg->root);
    free(sg->name);
    free(sg->cur);
    memset(sg, 0, sizeof *sg);
    sg->lock_fd = -1;
}

int upd_rollback(const struct upd_conf *c)
{
    char cur[256], prev[256], why[1024] = "";
    char *pdir = upd_path(c->db_dir, "previous");
    int fd = -1, ret = VIGIL_E_STATE;
    size_t nsigs = 0;
    bool saved;

    read_link(c->db_dir, "current", cur, sizeof cur);
    read_link(c->db_dir, "previous", prev, sizeof prev);
    if (!prev[0] || !cur[0]) {
        upd_err("%s: no previous version is kept: nothing to roll back to",
                c->db_dir);
        goto out;
    }
    if (!pdir || (fd = upd_lock(c->db_dir)) < 0)
        goto out;
    /* read again under the lock: an update may have just switched */
    read_link(c->db_dir, "current", cur, sizeof cur);
    read_link(c->db_dir, "previous", prev, sizeof prev);
    ret =
        upd_test_load(pdir, false, c->verbose, &nsigs, &saved, why, sizeof why);
    if (ret != VIGIL_OK) {
        upd_err("%s does not load, not switching: %s", prev, why);
        goto out;
    }
    ret = VIGIL_E_IO;
    if (set_link(c->db_dir, "previous", cur) == 0 &&
        set_link(c->db_dir, "current", prev) == 0 && fsync_path(c->db_dir) == 0)
        ret = VIGIL_OK;
    if (ret == VIGIL_OK)
        upd_say(c,
                "Rolled back: current is now %s (%zu signatures); "
                "previous is %s",
                prev, nsigs, cur);
out:
    free(pdir);
    if (fd >= 0)
        close(fd);
    return ret;
}
