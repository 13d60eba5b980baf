// SPDX-License-Identifier: GPL-2.0-or-later
// instream.c: receives INSTREAM chunks straight into the scan buffer.
#include "instream.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "conn.h"
#include "fildes.h"
#include "log.h"
#include "vigild.h"

#define SINK_MIN (64u * 1024u)
/* Growth follows the data that arrives, not what a chunk header claims. */
#define SINK_STEP (4u * 1024u * 1024u)
#define BOUNCE_SIZE (256u * 1024u)

void vgd_sink_init(struct vgd_sink *s, struct vgd_daemon *d)
{
    const struct vgd_config *c = &d->cfg;
    memset(s, 0, sizeof *s);
    s->d = d;
    s->fd = -1;
    s->keep = c->max_file_size;
    if (c->max_scan_size && (!s->keep || c->max_scan_size < s->keep))
        s->keep = c->max_scan_size;
}

static void release_mem(struct vgd_sink *s)
{
    free(s->mem);
    s->mem = NULL;
    s->len = s->cap = 0;
    atomic_fetch_sub(&s->d->stream_mem, s->charged);
    s->charged = 0;
}

void vgd_sink_free(struct vgd_sink *s)
{
    release_mem(s);
    free(s->bounce);
    s->bounce = NULL;
    if (s->fd >= 0)
        close(s->fd);
    s->fd = -1;
}

bool vgd_sink_dropped(const struct vgd_sink *s)
{
    return s->keep && s->total > s->keep;
}

/* Take @p n bytes of the daemon-wide budget. */
static bool charge(struct vgd_sink *s, size_t n)
{
    uint64_t budget = s->d->cfg.stream_mem_budget;
    uint64_t was = atomic_fetch_add(&s->d->stream_mem, n);
    if (was + n <= budget)
        return true;
    atomic_fetch_sub(&s->d->stream_mem, n);
    return false;
}

static int open_temp(const char *dir)
{
    char path[4096];
    int fd = open(dir, O_TMPFILE | O_RDWR | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0)
        return fd;
    snprintf(path, sizeof path, "%s/vigild.XXXXXX", dir);
    fd = mkostemp(path, O_CLOEXEC);
    if (fd >= 0)
        unlink(path);
    return fd;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* Memory budget exhausted: continue in a temporary file. */
static int spill(struct vgd_sink *s)
{
    s->fd = open_temp(s->d->temp_dir);
    if (s->fd < 0) {
        vgd_log(VGD_ERROR,
                "INSTREAM: cannot create a temporary file in "
                "%s: %s",
                s->d->temp_dir, strerror(errno));
        return -1;
    }
    if (write_all(s->fd, s->mem, s->len) != 0) {
        vgd_log(VGD_ERROR, "INSTREAM: cannot write the temporary file");
        return -1;
    }
    release_mem(s);
    return 0;
}

/* Make room for at least @p want more bytes in memory (or spill). */
static int grow(struct vgd_sink *s, size_t want)
{
    size_t cap = s->cap ? s->cap : SINK_MIN;
    uint8_t *m;
    if (want > SINK_STEP)
        want = SINK_STEP;
    while (cap - s->len < want && cap < ((size_t)1 << 40))
        cap *= 2;
    if (cap == s->cap)
        return 0;
    if (!charge(s, cap - s->cap))
        return spill(s);
    if (!(m = realloc(s->mem, cap))) {
        atomic_fetch_sub(&s->d->stream_mem, cap - s->cap);
        return spill(s);
    }
    s->mem = m;
    s->charged += cap - s->cap;
    s->cap = cap;
    return 0;
}

static uint8_t *bounce(struct vgd_sink *s, size_t *room)
{
    if (!s->bounce && !(s->bounce = malloc(BOUNCE_SIZE)))
        return NULL;
    *room = BOUNCE_SIZE;
    return s->bounce;
}

/* Where the next (up to) @p want bytes go: memory, or a bounce buffer
 * when writing to the file or dropping the stream. NULL on error. */
static uint8_t *space(struct vgd_sink *s, size_t want, size_t *room)
{
    if (vgd_sink_dropped(s))
        return bounce(s, room);
    if (s->fd < 0 && grow(s, want) != 0)
        return NULL;
    if (s->fd >= 0)
        return bounce(s, room);
    *room = s->cap - s->len;
    return s->mem + s->len;
}

/* @p n bytes arrived at the pointer space() gave. */
static int commit(struct vgd_sink *s, const uint8_t *p, size_t n)
{
    bool was_dropped = vgd_sink_dropped(s);
    s->total += n;
    if (was_dropped)
        return 0;
    if (vgd_sink_dropped(s)) { /* too large to scan: let go of it now */
        release_mem(s);
        if (s->fd >= 0)
            close(s->fd);
        s->fd = -1;
        return 0;
    }
    if (s->fd >= 0)
        return write_all(s->fd, p, n);
    s->len += n;
    return 0;
}

/* Read up to @p n body bytes from the socket into the sink. */
static enum vgd_instream_status recv_body(struct vgd_conn *c,
                                          struct vgd_sink *s, size_t n)
{
    while (n > 0) {
        size_t room = 0;
        uint8_t *p = space(s, n, &room);
        ssize_t got;
        int rc;
        if (!p)
            return VGD_IS_ERROR;
        if ((rc = vgd_wait_readable(c->fd, c->deadline)) <= 0)
            return rc == 0 ? VGD_IS_TIMEOUT : VGD_IS_CLOSED;
        got = recv(c->fd, p, n < room ? n : room, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return VGD_IS_CLOSED;
        c->deadline = vgd_now_ms() + (int64_t)c->d->cfg.read_timeout * 1000;
        if (commit(s, p, (size_t)got) != 0)
            return VGD_IS_ERROR;
        n -= (size_t)got;
    }
    return VGD_IS_OK;
}

/* Copy body bytes already in the command buffer. */
static enum vgd_instream_status take_buffered(struct vgd_conn *c, size_t *pos,
                                              struct vgd_sink *s, size_t *n)
{
    while (*n > 0 && *pos < c->off) {
        size_t avail = c->off - *pos, room = 0;
        size_t k = *n < avail ? *n : avail;
        uint8_t *p = space(s, k, &room);
        if (!p)
            return VGD_IS_ERROR;
        k = k < room ? k : room;
        memcpy(p, c->buf + *pos, k);
        if (commit(s, p, k) != 0)
            return VGD_IS_ERROR;
        *pos += k;
        *n -= k;
    }
    return VGD_IS_OK;
}

/* Make 4 header bytes available at *pos. */
static enum vgd_instream_status need_header(struct vgd_conn *c, size_t *pos)
{
    while (c->off - *pos < 4) {
        ssize_t got;
        vgd_conn_compact(c, pos);
        got = vgd_conn_read(c);
        if (got == VGD_READ_TIMEOUT)
            return VGD_IS_TIMEOUT;
        if (got <= 0)
            return VGD_IS_CLOSED;
        c->deadline = vgd_now_ms() + (int64_t)c->d->cfg.read_timeout * 1000;
    }
    return VGD_IS_OK;
}

static uint32_t be32(const char *p)
{
    const unsigned char *u = (const unsigned char *)p;
    return (uint32_t)u[0] << 24 | (uint32_t)u[1] << 16 | (uint32_t)u[2] << 8 |
           u[3];
}

enum vgd_instream_status vgd_instream_read(struct vgd_conn *c, size_t *pos,
                                           struct vgd_sink *s)
{
    uint64_t quota = c->d->cfg.stream_max_length;
    for (;;) {
        enum vgd_instream_status st = need_header(c, pos);
        size_t n;
        if (st != VGD_IS_OK)
            return st;
        n = be32(c->buf + *pos);
        *pos += 4;
        if (n == 0)
            return VGD_IS_OK;
        if (n > quota) { /* as clamd: the limit is on the running total */
            vgd_log(VGD_WARN,
                    "INSTREAM: size limit reached (requested: "
                    "%zu, max: %llu)",
                    n, (unsigned long long)quota);
            return VGD_IS_LIMIT;
        }
        quota -= n;
        if ((st = take_buffered(c, pos, s, &n)) != VGD_IS_OK ||
            (st = recv_body(c, s, n)) != VGD_IS_OK)
            return st;
    }
}
