// SPDX-License-Identifier: GPL-2.0-or-later
// fmt.h: small formatting helpers shared by the tools.
#ifndef VIGIL_TOOLS_FMT_H
#define VIGIL_TOOLS_FMT_H

#include <stddef.h>
#include <stdint.h>

/** "1.5 MiB" style sizes. */
void vigil_fmt_bytes(char *buf, size_t n, uint64_t bytes);

#endif
