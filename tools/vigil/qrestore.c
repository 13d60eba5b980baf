// SPDX-License-Identifier: GPL-2.0-or-later
// qrestore.c: taking a file back out of quarantine. The content is decoded
// into an unnamed file (O_TMPFILE) in the destination's directory, checked
// against the recorded SHA-256, given its mode, owner and times, fsynced,
// and only then linked into place; the entry is deleted after that is
// durable. A crash leaves the destination as it was (O_TMPFILE needs no
// clean-up), or restored with the entry still in quarantine.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qpayload.h"
#include "qstore.h"

struct restore {
    const struct vq_record *rec;
    int pfd; /* destination directory */
    const char *base;
    int fd;   /* the new file */
    int anon; /* fd is an O_TMPFILE (else named tmp) */
    char tmp[VQ_FILENAME_SIZE + 16];
    bool force;
    char *err;
    size_t errlen;
};

static int rfail(struct restore *r, const char *what, int e)
{
    snprintf(r->err, r->errlen, "%s: %s", what, strerror(e));
    return -1;
}

static int open_dest(struct restore *r, const char *to)
{
    struct stat st;
    r->pfd = vq_open_parent(to, &r->base);
    if (r->pfd < 0)
        return rfail(r, "destination directory", errno);
    if (!r->base[0]) {
        snprintf(r->err, r->errlen, "destination is a directory name");
        return -1;
    }
    if (!r->force && fstatat(r->pfd, r->base, &st, AT_SYMLINK_NOFOLLOW) == 0) {
        snprintf(r->err, r->errlen,
                 "%s exists; not overwriting it (--force replaces it)", to);
        return -1;
    }
    snprintf(r->tmp, sizeof r->tmp, ".vigil-restore-%s", r->rec->id);
    /* 0600 until complete: no one runs or reads a half-written file */
    r->fd = openat(r->pfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, 0600);
    r->anon = r->fd >= 0;
    if (r->fd < 0) /* file system without O_TMPFILE */
        r->fd =
            openat(r->pfd, r->tmp,
                   O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (r->fd < 0)
        return rfail(r, "cannot create the restored file", errno);
    return 0;
}

static int set_attrs(struct restore *r)
{
    const struct vq_record *rec = r->rec;
    struct timespec t[2] = {{(time_t)rec->atime.sec, (long)rec->atime.nsec},
                            {(time_t)rec->mtime.sec, (long)rec->mtime.nsec}};
    /* owner before mode: chown clears set-id bits */
    if (geteuid() == 0 && fchown(r->fd, rec->uid, rec->gid) != 0)
        return rfail(r, "chown", errno);
    if (fchmod(r->fd, rec->mode & 07777) != 0)
        return rfail(r, "chmod", errno);
    if (futimens(r->fd, t) != 0)
        return rfail(r, "set times", errno);
    if (vq_fsync_fd(r->fd) != 0)
        return rfail(r, "fsync", errno);
    return 0;
}

/* Give the unnamed file a name: @p name, failing if it exists. */
static int link_anon(struct restore *r, const char *name)
{
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", r->fd);
    if (linkat(AT_FDCWD, proc, r->pfd, name, AT_SYMLINK_FOLLOW) == 0)
        return 0;
    if (errno == EEXIST)
        return -1;
    /* no /proc: the same with CAP_DAC_READ_SEARCH */
    return linkat(r->fd, "", r->pfd, name, AT_EMPTY_PATH);
}

static int publish(struct restore *r)
{
    int ret;
    if (r->anon && !r->force) {
        ret = link_anon(r, r->base);
    } else if (r->anon) {
        ret = link_anon(r, r->tmp);
        if (ret == 0 && (ret = renameat(r->pfd, r->tmp, r->pfd, r->base)))
            unlinkat(r->pfd, r->tmp, 0);
    } else {
        ret = r->force ? renameat(r->pfd, r->tmp, r->pfd, r->base)
                       : vq_rename_new(r->pfd, r->tmp, r->pfd, r->base);
        if (ret == 0)
            r->tmp[0] = '\0';
    }
    if (ret != 0)
        return rfail(r,
                     errno == EEXIST ? "destination appeared meanwhile"
                                     : "cannot link into place",
                     errno);
    if (vq_fsync_fd(r->pfd) != 0)
        return rfail(r, "fsync destination directory", errno);
    return 0;
}

static int decode(struct vq_store *s, struct restore *r)
{
    char name[VQ_FILENAME_SIZE];
    int in, ret;
    vq_filename(name, r->rec->id, VQ_PAYLOAD_SUFFIX, 0);
    in = openat(s->dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (in < 0)
        return rfail(r, "payload", errno);
    ret = vq_payload_decode(in, r->fd, r->rec->key, r->rec->iv, r->rec->size,
                            r->rec->sha256, r->err, r->errlen);
    close(in);
    return ret;
}

int vq_restore(struct vq_store *store, const struct vq_record *rec,
               const char *to, bool force, char *err, size_t errlen)
{
    struct restore r = {.rec = rec,
                        .pfd = -1,
                        .fd = -1,
                        .force = force,
                        .err = err,
                        .errlen = errlen};
    int ret = -1;
    if (open_dest(&r, to ? to : rec->path) || decode(store, &r) ||
        set_attrs(&r) || publish(&r))
        goto out;
    ret = vq_delete(store, rec->id, err, errlen);
out:
    if (!r.anon && r.tmp[0] && r.fd >= 0)
        unlinkat(r.pfd, r.tmp, 0);
    if (r.fd >= 0)
        close(r.fd);
    if (r.pfd >= 0)
        close(r.pfd);
    return ret;
}
