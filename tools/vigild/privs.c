// SPDX-License-Identifier: GPL-2.0-or-later
// privs.c: drops root for the configured User (or "vigil").
#include "privs.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

#define DEFAULT_USER "vigil"

static int lookup(const char *name, struct vgd_identity *id)
{
    struct passwd pw, *res = NULL;
    char buf[4096];
    if (getpwnam_r(name, &pw, buf, sizeof buf, &res) != 0 || !res)
        return -1;
    id->uid = pw.pw_uid;
    id->gid = pw.pw_gid;
    snprintf(id->name, sizeof id->name, "%s", name);
    return 0;
}

int vgd_privs_resolve(const char *user, struct vgd_identity *id)
{
    memset(id, 0, sizeof *id);
    if (geteuid() != 0) {
        if (user)
            vgd_log(VGD_WARN, "User %s ignored: not started as root", user);
        return 0;
    }
    if (user) {
        if (lookup(user, id) != 0) {
            vgd_log(VGD_ERROR, "User %s: no such user", user);
            return -1;
        }
    } else if (lookup(DEFAULT_USER, id) != 0) {
        vgd_log(VGD_WARN, "running as root: no User configured and no "
                          "'" DEFAULT_USER "' account; a parser bug would "
                          "run with full privileges");
        return 0;
    }
    id->drop = id->uid != 0;
    if (!id->drop)
        vgd_log(VGD_WARN, "running as root (User %s)", id->name);
    return 0;
}

int vgd_privs_drop(const struct vgd_identity *id)
{
    if (!id->drop)
        return 0;
    if (initgroups(id->name, id->gid) != 0 || setgid(id->gid) != 0 ||
        setuid(id->uid) != 0) {
        vgd_log(VGD_ERROR, "cannot switch to user %s: %s", id->name,
                strerror(errno));
        return -1;
    }
    if (setuid(0) == 0) {
        vgd_log(VGD_ERROR, "could regain root after dropping it");
        return -1;
    }
    vgd_log(VGD_INFO, "running as user %s (uid %u)", id->name,
            (unsigned)id->uid);
    return 0;
}
