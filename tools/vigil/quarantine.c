// SPDX-License-Identifier: GPL-2.0-or-later
// quarantine.c: the quarantine store: open (permission check, lock,
// clean-up of interrupted work), list, find and delete entries.
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

#include "qstore.h"
#include "util/buf.h"
#include "util/strparse.h"
#include "vigil/vigil.h"

void vq_crash_point(struct vq_store *s)
{
    if (s->crash_at && atomic_fetch_add(&s->steps, 1) + 1 == s->crash_at)
        raise(SIGKILL);
}

void vq_filename(char *out, const char *id, const char *suffix, int tmp)
{
    snprintf(out, VQ_FILENAME_SIZE, "%s%s%s", tmp ? VQ_TMP_PREFIX : "", id,
             suffix);
}

int vq_fsync_fd(int fd)
{
    int r;
    do
        r = fsync(fd);
    while (r < 0 && errno == EINTR);
    return r;
}

int vq_open_parent(const char *path, const char **base)
{
    const char *slash = strrchr(path, '/');
    char *dir;
    int fd;
    if (!slash) {
        *base = path;
        return open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    }
    *base = slash + 1;
    if (slash == path)
        return open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (!(dir = strndup(path, (size_t)(slash - path))))
        return -1;
    fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    return fd;
}

/* Rename without replacing: an id collision must not clobber an entry. */
int vq_rename_new(int dirfd, const char *from, int todirfd, const char *to)
{
    if (renameat2(dirfd, from, todirfd, to, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    if (linkat(dirfd, from, todirfd, to, 0) != 0) /* no RENAME_NOREPLACE */
        return -1;
    return unlinkat(dirfd, from, 0);
}

const char *vq_dir(const struct vq_store *store)
{
    return store->dir;
}

/* ---- open ---- */

static int check_safe(int fd, const char *dir, char *err, size_t errlen)
{
    struct stat st;
    if (fstat(fd, &st) != 0) {
        snprintf(err, errlen, "%s", strerror(errno));
        return -1;
    }
    if (st.st_uid != geteuid()) {
        snprintf(err, errlen,
                 "unsafe: owned by uid %u, not by the caller (uid %u)",
                 (unsigned)st.st_uid, (unsigned)geteuid());
        errno = EPERM; /* callers tell "missing" (ENOENT) from this */
        return -1;
    }
    if (st.st_mode & 077) {
        snprintf(err, errlen,
                 "unsafe: mode %04o lets others in (run: chmod 700 %s)",
                 (unsigned)(st.st_mode & 07777), dir);
        errno = EPERM;
        return -1;
    }
    return 0;
}

typedef void (*name_fn)(struct vq_store *s, const char *name, void *cookie);

/* Call @p fn for each name in the store (not "." or ".."). */
static int for_each_name(struct vq_store *s, name_fn fn, void *cookie)
{
    int fd = openat(s->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
    struct dirent *de;
    if (!d) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            fn(s, de->d_name, cookie);
    closedir(d);
    return 0;
}

static int has_suffix(const char *name, const char *suffix, size_t *stem)
{
    size_t n = strlen(name), k = strlen(suffix);
    if (n <= k || strcmp(name + n - k, suffix) != 0)
        return 0;
    *stem = n - k;
    return 1;
}

/* Clean-up after a crash: a temporary file, or a payload whose record
 * was never committed, is an entry that did not happen. */
static void clean_one(struct vq_store *s, const char *name, void *cookie)
{
    char rec[VQ_FILENAME_SIZE];
    size_t stem;
    int *removed = cookie;
    if (strncmp(name, VQ_TMP_PREFIX, strlen(VQ_TMP_PREFIX)) == 0) {
        *removed += unlinkat(s->dirfd, name, 0) == 0;
        return;
    }
    if (!has_suffix(name, VQ_PAYLOAD_SUFFIX, &stem) || !vq_id_valid(name, stem))
        return;
    snprintf(rec, sizeof rec, "%.*s%s", (int)stem, name, VQ_RECORD_SUFFIX);
    if (faccessat(s->dirfd, rec, F_OK, AT_SYMLINK_NOFOLLOW) != 0 &&
        errno == ENOENT)
        *removed += unlinkat(s->dirfd, name, 0) == 0;
}

/* Only the sole user of the store may clean it: another vigil's temporary
 * files are its work in progress. Everyone else shares the lock. */
static int lock_and_clean(struct vq_store *s)
{
    int removed = 0;
    if (flock(s->dirfd, LOCK_EX | LOCK_NB) == 0) {
        for_each_name(s, clean_one, &removed);
        if (removed)
            vq_fsync_fd(s->dirfd);
    }
    return flock(s->dirfd, LOCK_SH);
}

/* Messages name the store by its absolute path, as typed paths may be
 * relative to a directory the reader does not know. */
static void absolute_dir(struct vq_store *s)
{
    char *abs = realpath(s->dir, NULL);
    if (abs) {
        free(s->dir);
        s->dir = abs;
    }
}

static uint64_t crash_hook(void)
{
    const char *v = getenv("VIGIL_QUARANTINE_CRASH_AT");
    uint64_t n = 0;
    if (v && vigil_str_to_u64(vigil_str_cstr(v), UINT32_MAX, &n))
        n = 0;
    return n;
}

int vq_open(const char *dir, bool create, struct vq_store **out, char *err,
            size_t errlen)
{
    struct vq_store *s = calloc(1, sizeof *s);
    int e;
    *out = NULL;
    if (s)
        s->dirfd = -1;
    if (!s || !(s->dir = strdup(dir))) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (create && mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create: %s", strerror(errno));
        goto fail;
    }
    s->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (s->dirfd < 0) {
        struct stat st;
        bool link;
        e = errno;
        link = (e == ELOOP || e == ENOTDIR) && lstat(dir, &st) == 0 &&
               S_ISLNK(st.st_mode);
        snprintf(err, errlen, "%s",
                 link ? "unsafe: a symbolic link" : strerror(e));
        errno = e;
        goto fail;
    }
    if (check_safe(s->dirfd, dir, err, errlen))
        goto fail;
    absolute_dir(s);
    if (lock_and_clean(s) != 0) {
        snprintf(err, errlen, "cannot lock: %s", strerror(errno));
        goto fail;
    }
    s->crash_at = crash_hook();
    *out = s;
    return 0;
fail:
    e = errno; /* callers test ENOENT */
    vq_close(&s);
    errno = e;
    return -1;
}

void vq_close(struct vq_store **store)
{
    struct vq_store *s = *store;
    if (!s)
        return;
    if (s->dirfd >= 0)
        close(s->dirfd);
    free(s->dir);
    free(s);
    *store = NULL;
}

/* ---- reading entries ---- */

static int load_record(struct vq_store *s, const char *id,
                       struct vq_record *rec, char *err, size_t errlen)
{
    char name[VQ_FILENAME_SIZE];
    struct vigil_buf b;
    int fd, ret = -1;
    vq_filename(name, id, VQ_RECORD_SUFFIX, 0);
    vigil_buf_init(&b, VQ_RECORD_MAX + 1);
    fd = openat(s->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", name, strerror(errno));
        goto out;
    }
    if ((ret = vigil_buf_read_fd(&b, fd)) != 0) {
        snprintf(err, errlen, "%s: %s", name,
                 ret == VIGIL_E_IO ? strerror(errno) : "too large");
        ret = -1;
        goto out;
    }
    ret = -1;
    if (vq_record_parse((const char *)b.data, b.len, rec, err, errlen))
        goto out;
    if (strcmp(rec->id, id) != 0) {
        snprintf(err, errlen, "%s: id does not match its name", name);
        vq_record_clear(rec);
        goto out;
    }
    ret = 0;
out:
    if (fd >= 0)
        close(fd);
    vigil_buf_free(&b);
    return ret;
}

struct id_list {
    char (*ids)[VQ_ID_SIZE];
    size_t n, cap;
    const char *prefix; /* only ids starting with it */
    int oom;
};

static void collect_id(struct vq_store *s, const char *name, void *cookie)
{
    struct id_list *l = cookie;
    size_t stem;
    (void)s;
    if (!has_suffix(name, VQ_RECORD_SUFFIX, &stem) ||
        !vq_id_valid(name, stem) ||
        strncmp(name, l->prefix, strlen(l->prefix)) != 0)
        return;
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 16;
        void *v = realloc(l->ids, cap * sizeof *l->ids);
        if (!v) {
            l->oom = 1;
            return;
        }
        l->ids = v, l->cap = cap;
    }
    memcpy(l->ids[l->n], name, VQ_ID_LEN);
    l->ids[l->n++][VQ_ID_LEN] = '\0';
}

static int cmp_rec(const void *a, const void *b)
{
    const struct vq_record *x = a, *y = b;
    if (x->qtime != y->qtime)
        return x->qtime < y->qtime ? -1 : 1;
    return strcmp(x->id, y->id);
}

int vq_list(struct vq_store *store, struct vq_record **recs, size_t *n,
            char *err, size_t errlen)
{
    struct id_list l = {NULL, 0, 0, "", 0};
    struct vq_record *v = NULL;
    size_t k = 0;
    if (for_each_name(store, collect_id, &l) || l.oom ||
        (l.n && !(v = calloc(l.n, sizeof *v)))) {
        snprintf(err, errlen, "cannot list: %s",
                 l.oom || l.n ? "out of memory" : strerror(errno));
        free(l.ids);
        return -1;
    }
    for (size_t i = 0; i < l.n; i++) {
        char why[256];
        if (load_record(store, l.ids[i], &v[k], why, sizeof why) == 0)
            k++;
        else
            fprintf(stderr, "vigil: skipping entry %s: %s\n", l.ids[i], why);
    }
    free(l.ids);
    if (k)
        qsort(v, k, sizeof *v, cmp_rec);
    *recs = v, *n = k;
    return 0;
}

void vq_records_free(struct vq_record **recs, size_t n)
{
    for (size_t i = 0; *recs && i < n; i++)
        vq_record_clear(&(*recs)[i]);
    free(*recs);
    *recs = NULL;
}

static int prefix_ok(const char *p)
{
    size_t n = strlen(p);
    if (n < 4 || n > VQ_ID_LEN)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!strchr("0123456789abcdef", p[i]))
            return 0;
    return 1;
}

int vq_find(struct vq_store *store, const char *prefix, struct vq_record *rec,
            char *err, size_t errlen)
{
    struct id_list l = {NULL, 0, 0, prefix, 0};
    int ret = -1;
    if (!prefix_ok(prefix)) {
        snprintf(err, errlen,
                 "'%s' is not an entry id (4 to %d hex digits, lower case)",
                 prefix, VQ_ID_LEN);
        return -1;
    }
    if (for_each_name(store, collect_id, &l) || l.oom)
        snprintf(err, errlen, "cannot list: %s", strerror(errno));
    else if (l.n == 0)
        snprintf(err, errlen, "no entry %s", prefix);
    else if (l.n > 1)
        snprintf(err, errlen, "%s is ambiguous (%zu entries)", prefix, l.n);
    else
        ret = load_record(store, l.ids[0], rec, err, errlen);
    free(l.ids);
    return ret;
}

int vq_delete(struct vq_store *store, const char *id, char *err, size_t errlen)
{
    char name[VQ_FILENAME_SIZE];
    /* The record goes first: without it the entry no longer exists, and a
     * payload left by a crash here is cleaned up at the next open. */
    vq_filename(name, id, VQ_RECORD_SUFFIX, 0);
    if (unlinkat(store->dirfd, name, 0) != 0) {
        snprintf(err, errlen, "cannot delete %s: %s", name, strerror(errno));
        return -1;
    }
    vq_filename(name, id, VQ_PAYLOAD_SUFFIX, 0);
    if (unlinkat(store->dirfd, name, 0) != 0 && errno != ENOENT) {
        snprintf(err, errlen, "cannot delete %s: %s", name, strerror(errno));
        return -1;
    }
    if (vq_fsync_fd(store->dirfd) != 0) {
        snprintf(err, errlen, "fsync: %s", strerror(errno));
        return -1;
    }
    return 0;
}
