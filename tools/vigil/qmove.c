// SPDX-License-Identifier: GPL-2.0-or-later
// qmove.c: putting a file into quarantine, crash-safely. The protocol
// (docs/internals/QUARANTINE.md) is: payload and record are written under
// temporary names and fsynced; the payload is read back and checked; both
// are renamed into place, the record last (the commit point); the store is
// fsynced; only then is the original unlinked. A crash before the commit
// leaves the original and only temporary files (cleaned at the next open);
// after it, a complete entry.
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#include "qpayload.h"
#include "qstore.h"

struct move {
    struct vq_store *s;
    int pfd; /* the original's directory */
    const char *base;
    int fd; /* the original, opened once; all reads go through it */
    struct stat st;
    struct vq_record rec;
    char tmp_payload[VQ_FILENAME_SIZE], tmp_record[VQ_FILENAME_SIZE];
    char *err;
    size_t errlen;
};

static int fail(struct move *m, const char *what, int e)
{
    snprintf(m->err, m->errlen, "%s: %s", what, strerror(e));
    return -1;
}

static int same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
           a->st_size == b->st_size && a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
           a->st_mtim.tv_nsec == b->st_mtim.tv_nsec;
}

/* O_NOFOLLOW: a symlink planted after the scan is not followed; the
 * descriptor pins the inode that is hashed, stored and later unlinked. */
static int open_original(struct move *m, const char *path,
                         const struct stat *seen)
{
    m->pfd = vq_open_parent(path, &m->base);
    if (m->pfd < 0)
        return fail(m, "cannot open its directory", errno);
    m->fd = openat(m->pfd, m->base,
                   O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (m->fd < 0)
        return fail(m, "cannot open", errno);
    if (fstat(m->fd, &m->st) != 0)
        return fail(m, "fstat", errno);
    if (!S_ISREG(m->st.st_mode)) {
        snprintf(m->err, m->errlen, "not a regular file");
        return -1;
    }
    if (seen && !same_file(seen, &m->st)) {
        snprintf(m->err, m->errlen, "file changed since it was scanned");
        return -1;
    }
    return 0;
}

static char *absolute_path(int pfd, const char *base, const char *path)
{
    char link[64], dir[PATH_MAX], *out;
    size_t len;
    ssize_t n;
    snprintf(link, sizeof link, "/proc/self/fd/%d", pfd);
    n = readlink(link, dir, sizeof dir - 1);
    if (n <= 0 || dir[0] != '/')
        return path[0] == '/' ? strdup(path) : NULL;
    dir[n] = '\0';
    len = (size_t)n + strlen(base) + 2;
    if (!(out = malloc(len)))
        return NULL;
    snprintf(out, len, "%s/%s", n == 1 ? "" : dir, base);
    return out;
}

static void owner_names(struct vq_record *r)
{
    char buf[16384];
    struct passwd pw, *pwp = NULL;
    struct group gr, *grp = NULL;
    if (getpwuid_r(r->uid, &pw, buf, sizeof buf, &pwp) == 0 && pwp)
        snprintf(r->user, sizeof r->user, "%s", pw.pw_name);
    if (getgrgid_r(r->gid, &gr, buf, sizeof buf, &grp) == 0 && grp)
        snprintf(r->group, sizeof r->group, "%s", gr.gr_name);
}

static struct vq_time ts(struct timespec t)
{
    struct vq_time v = {(int64_t)t.tv_sec, (uint32_t)t.tv_nsec};
    return v;
}

static int random_bytes(uint8_t *p, size_t n)
{
    while (n) {
        ssize_t r = getrandom(p, n, 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        p += r, n -= (size_t)r;
    }
    return 0;
}

static int fill_record(struct move *m, const char *path,
                       const struct stat *seen, const char *const *names,
                       size_t n, int moved)
{
    struct vq_record *r = &m->rec;
    uint8_t idb[VQ_ID_LEN / 2];
    if (random_bytes(idb, sizeof idb) || random_bytes(r->key, VQ_KEY_LEN) ||
        random_bytes(r->iv, VQ_IV_LEN))
        return fail(m, "getrandom", errno);
    vq_hex(idb, sizeof idb, r->id);
    if (!(r->path = absolute_path(m->pfd, m->base, path)))
        return fail(m, "cannot name its directory", errno ? errno : ENOMEM);
    r->uid = m->st.st_uid, r->gid = m->st.st_gid, r->mode = m->st.st_mode;
    owner_names(r);
    /* The scan read the file and may have moved its atime: the scanner's
     * own stat, when given, has the one to restore. */
    r->atime = ts(seen ? seen->st_atim : m->st.st_atim);
    r->mtime = ts(m->st.st_mtim);
    r->ctime = ts(m->st.st_ctim);
    r->qtime = (int64_t)time(NULL);
    if (gethostname(r->host, sizeof r->host) != 0)
        r->host[0] = '\0';
    r->host[sizeof r->host - 1] = '\0';
    r->moved = moved;
    /* the names point into the scanner; the record keeps them as given */
    r->names = (char **)(uintptr_t)names;
    r->n_names = n < VQ_MAX_NAMES ? n : VQ_MAX_NAMES;
    return 0;
}

static void on_chunk(void *cookie)
{
    vq_crash_point(cookie);
}

static int write_payload(struct move *m)
{
    struct stat after;
    uint64_t size = 0;
    int out, ret = -1;
    vq_filename(m->tmp_payload, m->rec.id, VQ_PAYLOAD_SUFFIX, 1);
    /* 0400: never executable, not even by its owner */
    out = openat(m->s->dirfd, m->tmp_payload,
                 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
    if (out < 0)
        return fail(m, "cannot create the payload", errno);
    if (vq_payload_encode(m->fd, out, m->rec.key, m->rec.iv, &size,
                          m->rec.sha256, on_chunk, m->s, m->err, m->errlen))
        goto out;
    if (fstat(m->fd, &after) != 0 || !same_file(&m->st, &after) ||
        size != (uint64_t)m->st.st_size ||
        after.st_ctim.tv_sec != m->st.st_ctim.tv_sec ||
        after.st_ctim.tv_nsec != m->st.st_ctim.tv_nsec) {
        snprintf(m->err, m->errlen, "file changed while being copied");
        goto out;
    }
    m->rec.size = size;
    vq_crash_point(m->s);
    if (vq_fsync_fd(out) != 0) {
        fail(m, "fsync payload", errno);
        goto out;
    }
    ret = 0;
out:
    close(out);
    return ret;
}

/* Read back what the disk holds and check it decodes to the original. */
static int verify_payload(struct move *m)
{
    int in =
        openat(m->s->dirfd, m->tmp_payload, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    int ret;
    if (in < 0)
        return fail(m, "cannot reopen the payload", errno);
    ret = vq_payload_decode(in, -1, m->rec.key, m->rec.iv, m->rec.size,
                            m->rec.sha256, m->err, m->errlen);
    close(in);
    return ret;
}

static int write_record(struct move *m)
{
    char *text = vq_record_format(&m->rec);
    int out = -1, ret = -1;
    if (!text) {
        snprintf(m->err, m->errlen, "out of memory");
        return -1;
    }
    vq_filename(m->tmp_record, m->rec.id, VQ_RECORD_SUFFIX, 1);
    out = openat(m->s->dirfd, m->tmp_record,
                 O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0400);
    if (out < 0)
        fail(m, "cannot create the record", errno);
    else if (vq_write_all(out, text, strlen(text)) || vq_fsync_fd(out))
        fail(m, "write record", errno);
    else
        ret = 0;
    if (out >= 0)
        close(out);
    free(text);
    return ret;
}

static int commit(struct move *m)
{
    char name[VQ_FILENAME_SIZE];
    vq_filename(name, m->rec.id, VQ_PAYLOAD_SUFFIX, 0);
    if (vq_rename_new(m->s->dirfd, m->tmp_payload, m->s->dirfd, name) != 0)
        return fail(m, "rename payload", errno);
    m->tmp_payload[0] = '\0';
    vq_crash_point(m->s);
    vq_filename(name, m->rec.id, VQ_RECORD_SUFFIX, 0);
    if (vq_rename_new(m->s->dirfd, m->tmp_record, m->s->dirfd, name) != 0) {
        int e = errno;
        vq_filename(name, m->rec.id, VQ_PAYLOAD_SUFFIX, 0);
        unlinkat(m->s->dirfd, name, 0); /* no entry without its record */
        return fail(m, "rename record", e);
    }
    m->tmp_record[0] = '\0';
    vq_crash_point(m->s);
    if (vq_fsync_fd(m->s->dirfd) != 0)
        return fail(m, "fsync quarantine", errno);
    vq_crash_point(m->s);
    return 0;
}

/* Unlink the name only if it still is the inode we stored. */
static int remove_original(struct move *m)
{
    struct stat now;
    if (fstatat(m->pfd, m->base, &now, AT_SYMLINK_NOFOLLOW) != 0)
        return fail(m, "stat before removal", errno);
    if (now.st_dev != m->st.st_dev || now.st_ino != m->st.st_ino) {
        snprintf(m->err, m->errlen, "file replaced while being quarantined");
        return -1;
    }
    if (unlinkat(m->pfd, m->base, 0) != 0)
        return fail(m, "cannot remove the original", errno);
    vq_crash_point(m->s);
    /* The move has happened; a failed fsync here only means the unlink
     * may not survive a power cut, and then the file is in both places. */
    vq_fsync_fd(m->pfd);
    vq_crash_point(m->s);
    return 0;
}

static void move_cleanup(struct move *m)
{
    if (m->tmp_payload[0])
        unlinkat(m->s->dirfd, m->tmp_payload, 0);
    if (m->tmp_record[0])
        unlinkat(m->s->dirfd, m->tmp_record, 0);
    if (m->fd >= 0)
        close(m->fd);
    if (m->pfd >= 0)
        close(m->pfd);
    free(m->rec.path);
}

int vq_store_file(struct vq_store *store, const char *path,
                  const struct stat *seen, const char *const *names, size_t n,
                  enum vq_action action, char *id, size_t idlen, char *err,
                  size_t errlen)
{
    struct move m = {
        .s = store, .pfd = -1, .fd = -1, .err = err, .errlen = errlen};
    int ret = -1;
    if (idlen < VQ_ID_SIZE) {
        snprintf(err, errlen, "id buffer too small");
        return -1;
    }
    if (open_original(&m, path, seen) ||
        fill_record(&m, path, seen, names, n, action == VQ_MOVE))
        goto out;
    vq_crash_point(store);
    if (write_payload(&m) || verify_payload(&m) || write_record(&m))
        goto out;
    vq_crash_point(store);
    if (commit(&m))
        goto out;
    if (action == VQ_MOVE && remove_original(&m)) {
        char why[256];
        /* Keep the promise "on failure the original is untouched and no
         * entry is left": take the entry back out. */
        vq_delete(store, m.rec.id, why, sizeof why);
        goto out;
    }
    memcpy(id, m.rec.id, VQ_ID_SIZE);
    ret = 0;
out:
    move_cleanup(&m);
    return ret;
}
