// SPDX-License-Identifier: GPL-2.0-or-later
// cmd_quarantine.h: `vigil quarantine` (docs/man/vigil-quarantine.1).
#ifndef VIGIL_CMD_QUARANTINE_H
#define VIGIL_CMD_QUARANTINE_H

int cmd_quarantine(int argc, char **argv);

#endif
