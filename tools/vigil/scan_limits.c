// SPDX-License-Identifier: GPL-2.0-or-later
// scan_limits.c: `vigil scan --max-*` values, parsed as clamscan does.
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "util/strparse.h"

/* A number with an optional K/M/G suffix (powers of 1024), as clamscan. */
static int parse_size(const char *arg, uint64_t max, uint64_t *out)
{
    size_t n = strlen(arg);
    uint64_t mul = 1, v;
    if (n > 0 && strchr("kKmMgG", arg[n - 1])) {
        char c = arg[n - 1];
        mul = c == 'k' || c == 'K'   ? 1024u
              : c == 'm' || c == 'M' ? 1u << 20
                                     : 1u << 30;
        n--;
    }
    if (vigil_str_to_u64(vigil_str_make(arg, n), UINT64_MAX / mul, &v) != 0 ||
        v * mul > max) {
        fprintf(stderr, "ERROR: bad limit value: %s\n", arg);
        return -1;
    }
    *out = v * mul;
    return 0;
}

int scan_limit_option(const char *name, const char *arg,
                      struct vigil_limits *lim)
{
    bool size = !strcmp(name, "max-scansize") || !strcmp(name, "max-filesize");
    uint64_t v;
    if (parse_size(arg, size ? UINT64_MAX : UINT32_MAX, &v) != 0)
        return -1;
    if (!strcmp(name, "max-scansize"))
        lim->max_scan_size = v;
    else if (!strcmp(name, "max-filesize"))
        lim->max_file_size = v;
    else if (!strcmp(name, "max-recursion"))
        lim->max_recursion = (uint32_t)v;
    else if (!strcmp(name, "max-files"))
        lim->max_files = (uint32_t)v;
    else if (!strcmp(name, "max-scantime"))
        lim->max_scan_time_ms = (uint32_t)v;
    else
        lim->max_ratio = (uint32_t)v;
    return 0;
}
