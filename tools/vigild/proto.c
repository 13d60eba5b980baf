// SPDX-License-Identifier: GPL-2.0-or-later
// proto.c: cuts commands out of the input and looks them up, as clamd.
#include "proto.h"

#include <string.h>

struct command {
    const char *name;
    enum vgd_cmd cmd;
    bool need_arg;
    bool old_ok; /* may be sent bare */
};

/* clamd's table and order: lookup is by prefix, first match wins, so
 * VERSIONCOMMANDS precedes VERSION and DETSTATSCLEAR precedes DETSTATS. */
static const struct command g_cmds[] = {
    {"SCAN", VGD_CMD_SCAN, true, true},
    {"QUIT", VGD_CMD_SHUTDOWN, false, true},
    {"RELOAD", VGD_CMD_RELOAD, false, true},
    {"PING", VGD_CMD_PING, false, true},
    {"CONTSCAN", VGD_CMD_CONTSCAN, true, true},
    {"VERSIONCOMMANDS", VGD_CMD_COMMANDS, false, false},
    {"VERSION", VGD_CMD_VERSION, false, true},
    {"END", VGD_CMD_END, false, false},
    {"SHUTDOWN", VGD_CMD_SHUTDOWN, false, true},
    {"MULTISCAN", VGD_CMD_MULTISCAN, true, true},
    {"FILDES", VGD_CMD_FILDES, false, true},
    {"STATS", VGD_CMD_STATS, false, false},
    {"IDSESSION", VGD_CMD_IDSESSION, false, false},
    {"INSTREAM", VGD_CMD_INSTREAM, false, false},
    {"DETSTATSCLEAR", VGD_CMD_DETSTATSCLEAR, false, true},
    {"DETSTATS", VGD_CMD_DETSTATS, false, true},
    {"ALLMATCHSCAN", VGD_CMD_ALLMATCHSCAN, true, false},
};

#define N_CMDS (sizeof g_cmds / sizeof g_cmds[0])

static bool frame_delimited(char *buf, size_t start, size_t end,
                            struct vgd_frame *f)
{
    char term = buf[start] == 'z' ? '\0' : '\n';
    char *p = memchr(buf + start, term, end - start);
    size_t n;
    if (!p)
        return false;
    *p = '\0';
    n = (size_t)(p - (buf + start));
    if (term == '\n') /* as clamd's cli_chomp: drop trailing CR/LF */
        while (n > 1 && (buf[start + n - 1] == '\r'))
            buf[start + --n] = '\0';
    f->cmd = buf + start + 1;
    f->len = (size_t)(p - (buf + start)) + 1;
    f->term = term;
    f->oldstyle = false;
    return true;
}

/* One packet, one command: up to the first newline or the whole packet. */
static void frame_bare(char *buf, size_t end, struct vgd_frame *f)
{
    char *p = memchr(buf, '\n', end);
    size_t n = p ? (size_t)(p - buf) : end;
    buf[n] = '\0';
    while (n > 0 && (buf[n - 1] == '\r' || buf[n - 1] == '\n'))
        buf[--n] = '\0';
    f->cmd = buf;
    f->len = p ? (size_t)(p - buf) + 1 : end;
    f->term = '\n';
    f->oldstyle = true;
}

bool vgd_proto_frame(char *buf, size_t start, size_t end, bool packet_start,
                     struct vgd_frame *f)
{
    if (start >= end)
        return false;
    if (buf[start] == 'z' || buf[start] == 'n')
        return frame_delimited(buf, start, end, f);
    if (start != 0 || !packet_start)
        return false;
    frame_bare(buf, end, f);
    return true;
}

enum vgd_cmd vgd_proto_parse(const char *cmd, bool oldstyle, const char **arg)
{
    *arg = NULL;
    for (size_t i = 0; i < N_CMDS; i++) {
        size_t n = strlen(g_cmds[i].name);
        const char *rest = cmd + n;
        if (strncmp(cmd, g_cmds[i].name, n) != 0)
            continue;
        if (g_cmds[i].need_arg) {
            if (!*rest)
                return VGD_CMD_UNKNOWN;
            *arg = rest + 1;
        } else if (*rest) {
            return VGD_CMD_UNKNOWN;
        }
        if (oldstyle && !g_cmds[i].old_ok) {
            *arg = NULL;
            return VGD_CMD_UNKNOWN;
        }
        return g_cmds[i].cmd;
    }
    return VGD_CMD_UNKNOWN;
}

const char *vgd_proto_command_list(void)
{
    return " COMMANDS: SCAN QUIT RELOAD PING CONTSCAN VERSIONCOMMANDS VERSION "
           "END SHUTDOWN MULTISCAN FILDES STATS IDSESSION INSTREAM "
           "DETSTATSCLEAR DETSTATS ALLMATCHSCAN";
}

bool vgd_proto_session_ok(enum vgd_cmd cmd)
{
    switch (cmd) {
    case VGD_CMD_FILDES:
    case VGD_CMD_SCAN:
    case VGD_CMD_END:
    case VGD_CMD_INSTREAM:
    case VGD_CMD_VERSION:
    case VGD_CMD_PING:
    case VGD_CMD_STATS:
    case VGD_CMD_COMMANDS: return true;
    default: return false;
    }
}
