// SPDX-License-Identifier: GPL-2.0-or-later
// privs.h: giving up root once the sockets and the log are open.
#ifndef VIGILD_PRIVS_H
#define VIGILD_PRIVS_H

#include <stdbool.h>
#include <sys/types.h>

struct vgd_identity {
    bool drop; /* false: stay as we are */
    uid_t uid;
    gid_t gid;
    char name[64];
};

/**
 * Decide whom to run as. As root: the configured User, else "vigil" if that
 * account exists, else stay root with a warning. Not as root: stay.
 * @return 0, or -1 when the configured User does not exist (logged)
 */
int vgd_privs_resolve(const char *user, struct vgd_identity *id);

/** Switch to @p id (supplementary groups, gid, uid) and make sure root
 *  cannot be regained. @return 0 or -1 (logged). */
int vgd_privs_drop(const struct vgd_identity *id);

#endif
