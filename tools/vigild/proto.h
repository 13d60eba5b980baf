// SPDX-License-Identifier: GPL-2.0-or-later
// proto.h: clamd's wire protocol: command framing and the command table.
#ifndef VIGILD_PROTO_H
#define VIGILD_PROTO_H

#include <stdbool.h>
#include <stddef.h>

/* The ClamAV release whose protocol and functionality level (FLEVEL 216)
 * vigild implements; VERSION answers in its format (see DAEMON.md). */
#define VGD_CLAMAV_VERSION "1.4.6"

/* clamd's command buffer holds PATH_MAX + 8 bytes: a command that does not
 * fit closes the connection. */
#define VGD_CMD_MAX 4104

enum vgd_cmd {
    VGD_CMD_UNKNOWN = 0,
    VGD_CMD_SCAN,
    VGD_CMD_SHUTDOWN, /* QUIT and SHUTDOWN */
    VGD_CMD_RELOAD,
    VGD_CMD_PING,
    VGD_CMD_CONTSCAN,
    VGD_CMD_COMMANDS, /* VERSIONCOMMANDS */
    VGD_CMD_VERSION,
    VGD_CMD_END,
    VGD_CMD_MULTISCAN,
    VGD_CMD_FILDES,
    VGD_CMD_STATS,
    VGD_CMD_IDSESSION,
    VGD_CMD_INSTREAM,
    VGD_CMD_DETSTATSCLEAR, /* removed from clamd: close, no reply */
    VGD_CMD_DETSTATS,
    VGD_CMD_ALLMATCHSCAN,
};

/* One command cut from the input. */
struct vgd_frame {
    char *cmd;     /* NUL-terminated, inside the caller's buffer */
    size_t len;    /* bytes of input it used, terminator included */
    char term;     /* '\0' (z) or '\n' (n, bare): ends every reply */
    bool oldstyle; /* bare "CMD\n": no z/n prefix */
};

/**
 * Cut the next command from buf[start, end). A bare command is only
 * recognised at the start of a packet (@p packet_start): clamd treats one
 * packet as one command, newline or not. buf must have room for one byte
 * at buf[end] (a NUL is written there for an unterminated bare command).
 * @return true with *@p f filled, false when more input is needed
 */
bool vgd_proto_frame(char *buf, size_t start, size_t end, bool packet_start,
                     struct vgd_frame *f);

/**
 * Look @p cmd up as clamd does: the first table entry that is a prefix of
 * it. A command with an argument skips one byte (the blank) after its
 * name; one without must end there.
 * @param[out] arg  the argument, or NULL
 */
enum vgd_cmd vgd_proto_parse(const char *cmd, bool oldstyle, const char **arg);

/** " COMMANDS: SCAN QUIT ..." in clamd's order. */
const char *vgd_proto_command_list(void);

/** True for the commands clamd accepts inside IDSESSION. */
bool vgd_proto_session_ok(enum vgd_cmd cmd);

#endif
