// SPDX-License-Identifier: GPL-2.0-or-later
// fmt.c: small formatting helpers shared by the tools.
#include "fmt.h"

#include <stdio.h>

void vigil_fmt_bytes(char *buf, size_t n, uint64_t bytes)
{
    static const char *const units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = (double)bytes;
    unsigned u = 0;
    while (v >= 1024.0 && u < 4) {
        v /= 1024.0;
        u++;
    }
    snprintf(buf, n, u ? "%.1f %s" : "%.0f %s", v, units[u]);
}
