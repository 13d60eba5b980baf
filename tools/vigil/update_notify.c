// SPDX-License-Identifier: GPL-2.0-or-later
// update_notify.c: after an update or a rollback, ask a running vigild to
// reload, as `clamdscan --reload` does: RELOAD over its socket. Best
// effort: no daemon, no socket, or no answer is a note, not a failure.
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "update.h"

static int connect_unix(const char *path)
{
    struct sockaddr_un sa = {.sun_family = AF_UNIX};
    struct timeval tv = {5, 0};
    int fd;

    if (strlen(path) >= sizeof sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
        return -1;
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

void upd_notify(const struct upd_conf *c)
{
    static const char cmd[] = "zRELOAD";
    char reply[64] = "";
    ssize_t n = 0;
    int fd;

    if (!c->notify || !c->notify[0])
        return;
    if ((fd = connect_unix(c->notify)) < 0) {
        upd_debug(c, "vigild not reachable at %s (%s): no reload sent",
                  c->notify, strerror(errno));
        return;
    }
    if (send(fd, cmd, sizeof cmd, MSG_NOSIGNAL) == (ssize_t)sizeof cmd)
        n = recv(fd, reply, sizeof reply - 1, 0);
    close(fd);
    reply[n > 0 ? n : 0] = '\0';
    if (strncmp(reply, "RELOADING", 9) == 0)
        upd_say(c, "vigild at %s: reload requested", c->notify);
    else
        upd_err("vigild at %s did not confirm the reload (%s)", c->notify,
                n > 0 ? reply : "no answer");
}
