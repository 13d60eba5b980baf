// SPDX-License-Identifier: GPL-2.0-or-later
// session.c: a connection's reader thread: reads commands with clamd's
// timeouts, answers the quick ones itself and queues the scans; inside
// IDSESSION it keeps reading while earlier requests are scanned, so replies
// carry "ID: " prefixes and may come out of order.
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include "conn.h"
#include "fildes.h"
#include "instream.h"
#include "jobs.h"
#include "log.h"
#include "proto.h"
#include "vigild.h"

enum step {
    STEP_NEXT,  /* keep reading commands */
    STEP_CLOSE, /* stop reading; close once queued jobs have replied */
    STEP_FAIL,  /* error: queued jobs are skipped too */
};

static const char g_timed_out[] = "COMMAND READ TIMED OUT\n";

static unsigned req_id(const struct vgd_conn *c)
{
    return c->in_session ? c->id : 0;
}

static void arm(struct vgd_conn *c, unsigned seconds)
{
    c->deadline = vgd_now_ms() + (int64_t)seconds * 1000;
}

static enum step after_reply(const struct vgd_conn *c)
{
    return c->in_session ? STEP_NEXT : STEP_CLOSE;
}

/* Outside IDSESSION clamd takes one command per connection; bytes after a
 * command it queues are garbage, reported as an error (the queued scan
 * still answers). */
static void garbage_check(struct vgd_conn *c, size_t pos, char term)
{
    if (!c->in_session && pos < c->off) {
        vgd_log(VGD_WARN,
                "client sent garbage after last command: %zu "
                "bytes",
                c->off - pos);
        vgd_reply(c, 0, term, "Error processing command. ERROR");
    }
}

/* A descriptor came with a command other than FILDES. */
static enum step protocol_error(struct vgd_conn *c, char term, bool extra)
{
    close(c->rfd);
    c->rfd = -1;
    vgd_reply(c, req_id(c), term,
              "PROTOCOL ERROR: ancillary data sent without FILDES. ERROR");
    if (extra) /* clamd adds this while waiting for stream or fd data */
        vgd_reply(c, req_id(c), term, "Error processing command. ERROR");
    return STEP_FAIL;
}

static enum step do_instream(struct vgd_conn *c, size_t *pos, char term)
{
    struct vgd_sink sink;
    enum vgd_instream_status st;
    if (c->rfd >= 0) { /* clamd drops it unnoticed (and leaks it) */
        close(c->rfd);
        c->rfd = -1;
    }
    vgd_sink_init(&sink, c->d);
    st = vgd_instream_read(c, pos, &sink);
    switch (st) {
    case VGD_IS_OK:
        return vgd_dispatch_stream(c, req_id(c), term, &sink) ? after_reply(c)
                                                              : STEP_FAIL;
    case VGD_IS_LIMIT:
        vgd_reply(c, req_id(c), term, "INSTREAM size limit exceeded. ERROR");
        break;
    case VGD_IS_TIMEOUT:
        vgd_conn_send(c, g_timed_out, sizeof g_timed_out - 1);
        break;
    case VGD_IS_ERROR:
        vgd_reply(c, req_id(c), term, "Error writing to temporary file ERROR");
        break;
    default: break;
    }
    vgd_sink_free(&sink);
    return STEP_FAIL;
}

/* FILDES: the descriptor rides on the byte that follows the command,
 * in the same packet or the next one (clamdscan sends it separately). */
static enum step do_fildes(struct vgd_conn *c, size_t *pos, char term)
{
    int fd;
    if (*pos >= c->off) {
        ssize_t got;
        if (c->rfd >= 0) /* clamd has not taken this command's term yet */
            return protocol_error(c, c->term, true);
        vgd_conn_compact(c, pos);
        got = vgd_conn_read(c);
        if (got == VGD_READ_TIMEOUT)
            vgd_conn_send(c, g_timed_out, sizeof g_timed_out - 1);
        if (got <= 0)
            return STEP_FAIL;
    }
    (*pos)++; /* the carrier byte */
    c->term = term;
    fd = c->rfd;
    c->rfd = -1;
    if (fd < 0) {
        vgd_reply(c, req_id(c), term, "No file descriptor received. ERROR");
        return STEP_CLOSE;
    }
    garbage_check(c, *pos, term);
    return vgd_dispatch_fd(c, req_id(c), term, fd) ? after_reply(c) : STEP_FAIL;
}

static enum step do_scan(struct vgd_conn *c, enum vgd_cmd cmd, const char *arg,
                         char term, size_t pos)
{
    if (cmd == VGD_CMD_ALLMATCHSCAN && !c->d->cfg.allow_allmatch) {
        vgd_reply(c, req_id(c), term,
                  "%s: ALLMATCHSCAN command disabled by "
                  "clamd configuration. ERROR",
                  arg);
        return STEP_CLOSE;
    }
    garbage_check(c, pos, term);
    if (cmd == VGD_CMD_MULTISCAN) {
        vgd_multiscan(c, term, arg);
        return STEP_CLOSE;
    }
    return vgd_dispatch_path(c, req_id(c), term, cmd, arg) ? after_reply(c)
                                                           : STEP_FAIL;
}

static enum step do_stats(struct vgd_conn *c, char term, size_t pos)
{
    char *text = vgd_pool_stats(&c->d->pool);
    garbage_check(c, pos, term); /* clamd queues STATS like a scan */
    if (text)
        vgd_reply(c, req_id(c), term, "%sEND", text);
    free(text);
    return after_reply(c);
}

static enum step do_version(struct vgd_conn *c, char term, bool commands)
{
    char v[128];
    vgd_engines_version(&c->d->engines, v, sizeof v);
    if (commands)
        vgd_reply(c, req_id(c), term, "%s|%s", v, vgd_proto_command_list());
    else
        vgd_reply(c, req_id(c), term, "%s", v);
    return after_reply(c);
}

static enum step do_control(struct vgd_conn *c, enum vgd_cmd cmd, char term)
{
    switch (cmd) {
    case VGD_CMD_RELOAD:
        vgd_reply(c, 0, term, "RELOADING");
        vgd_reload_request(&c->d->reloader, "RELOAD command");
        return STEP_CLOSE;
    case VGD_CMD_SHUTDOWN:
        vgd_log(VGD_INFO, "SHUTDOWN command received");
        vgd_daemon_stop(c->d);
        return STEP_CLOSE;
    case VGD_CMD_IDSESSION:
        c->in_session = true;
        c->id = 1;
        return STEP_NEXT;
    case VGD_CMD_END:
        if (!c->in_session)
            vgd_reply(c, 0, term, "UNKNOWN COMMAND");
        return STEP_CLOSE;
    case VGD_CMD_DETSTATS:
    case VGD_CMD_DETSTATSCLEAR: return STEP_CLOSE; /* removed in clamd */
    default:
        vgd_reply(c, req_id(c), term, "UNKNOWN COMMAND");
        return STEP_CLOSE;
    }
}

static enum step execute(struct vgd_conn *c, enum vgd_cmd cmd, const char *arg,
                         char term, size_t *pos)
{
    switch (cmd) {
    case VGD_CMD_PING:
        vgd_reply(c, req_id(c), term, "PONG");
        return after_reply(c);
    case VGD_CMD_VERSION: return do_version(c, term, false);
    case VGD_CMD_COMMANDS: return do_version(c, term, true);
    case VGD_CMD_STATS: return do_stats(c, term, *pos);
    case VGD_CMD_INSTREAM: return do_instream(c, pos, term);
    case VGD_CMD_FILDES: return do_fildes(c, pos, term);
    case VGD_CMD_SCAN:
    case VGD_CMD_CONTSCAN:
    case VGD_CMD_MULTISCAN:
    case VGD_CMD_ALLMATCHSCAN: return do_scan(c, cmd, arg, term, *pos);
    default: return do_control(c, cmd, term);
    }
}

static enum step handle(struct vgd_conn *c, const struct vgd_frame *f,
                        size_t *pos)
{
    const char *arg;
    enum vgd_cmd cmd;
    enum step st;
    if (c->in_session && f->oldstyle) { /* answered in the last term */
        vgd_reply(c, c->id, c->term,
                  "Only nCMDS\\n and zCMDS\\0 are "
                  "accepted inside IDSESSION. ERROR");
        vgd_reply(c, c->id, c->term, "Error processing command. ERROR");
        return STEP_FAIL;
    }
    cmd = vgd_proto_parse(f->cmd, f->oldstyle, &arg);
    vgd_log(VGD_DEBUG, "command %s%s", f->cmd,
            c->in_session ? " (in session)" : "");
    if (c->in_session && !vgd_proto_session_ok(cmd)) {
        vgd_reply(c, c->id, f->term,
                  "Command invalid inside IDSESSION. "
                  "ERROR");
        return STEP_CLOSE;
    }
    if (cmd != VGD_CMD_FILDES)
        c->term = f->term;
    st = execute(c, cmd, arg, f->term, pos);
    if (st == STEP_NEXT && c->in_session && cmd != VGD_CMD_IDSESSION)
        c->id++;
    return st;
}

/* Run every complete command in the buffer. */
static enum step parse_all(struct vgd_conn *c)
{
    struct vgd_frame f;
    size_t pos = 0;
    while (vgd_proto_frame(c->buf, pos, c->off, pos == 0, &f)) {
        enum step st;
        pos += f.len;
        st = handle(c, &f, &pos);
        arm(c, c->d->cfg.read_timeout);
        if (st != STEP_NEXT)
            return st;
    }
    if (c->rfd >= 0)
        return protocol_error(c, c->term, false);
    vgd_conn_compact(c, &pos);
    return STEP_NEXT;
}

static void run(struct vgd_conn *c)
{
    arm(c, c->d->cfg.command_timeout);
    for (;;) {
        ssize_t got = vgd_conn_read(c);
        enum step st;
        if (got == VGD_READ_TIMEOUT)
            vgd_conn_send(c, g_timed_out, sizeof g_timed_out - 1);
        if (got <= 0) { /* timeout, EOF, error, or a command too long */
            atomic_store(&c->terminate, true);
            return;
        }
        st = parse_all(c);
        if (st == STEP_FAIL)
            atomic_store(&c->terminate, true);
        if (st != STEP_NEXT)
            return;
    }
}

static void unregister(struct vgd_conn *c)
{
    struct vgd_daemon *d = c->d;
    pthread_mutex_lock(&d->mu);
    if (c->prev)
        c->prev->next = c->next;
    else
        d->readers = c->next;
    if (c->next)
        c->next->prev = c->prev;
    d->n_readers--;
    pthread_cond_broadcast(&d->readers_cv);
    pthread_mutex_unlock(&d->mu);
}

static void *reader_main(void *arg)
{
    struct vgd_conn *c = arg;
    run(c);
    if (c->rfd >= 0) {
        close(c->rfd);
        c->rfd = -1;
    }
    /* Nothing more will be read: a job still running may reply. */
    unregister(c);
    vgd_conn_unref(&c);
    return NULL;
}

static void set_send_timeout(int fd, unsigned seconds)
{
    struct timeval tv = {(time_t)seconds, 0};
    (void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
}

int vgd_session_start(struct vgd_daemon *d, int fd, bool is_unix)
{
    struct vgd_conn *c = vgd_conn_new(d, fd, is_unix);
    pthread_attr_t attr;
    pthread_t th;
    int rc;
    if (!c) {
        close(fd);
        return -1;
    }
    set_send_timeout(fd, d->cfg.read_timeout ? d->cfg.read_timeout : 120);
    pthread_mutex_lock(&d->mu);
    c->next = d->readers;
    if (d->readers)
        d->readers->prev = c;
    d->readers = c;
    d->n_readers++;
    pthread_mutex_unlock(&d->mu);
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    /* MULTISCAN's walk recurses on this thread: room for deep trees. */
    pthread_attr_setstacksize(&attr, 2 * 1024 * 1024);
    rc = pthread_create(&th, &attr, reader_main, c);
    pthread_attr_destroy(&attr);
    if (rc != 0) {
        vgd_log(VGD_ERROR, "cannot start a connection thread: %s",
                strerror(rc));
        unregister(c);
        vgd_conn_unref(&c);
        return -1;
    }
    return 0;
}
