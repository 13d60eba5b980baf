// SPDX-License-Identifier: GPL-2.0-or-later
// header_c.c: vigil.h must be self-contained C17.
#include <vigil/vigil.h>

int vigil_header_c_check(void);
int vigil_header_c_check(void)
{
    struct vigil_result r = {VIGIL_CLEAN, 0, 0, 0, 0, 0, 0};
    return (int)r.verdict + VIGIL_FLEVEL;
}
