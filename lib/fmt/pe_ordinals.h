// SPDX-License-Identifier: GPL-2.0-or-later
// pe_ordinals.h: export names for DLL functions imported by ordinal.
#ifndef VIGIL_FMT_PE_ORDINALS_H
#define VIGIL_FMT_PE_ORDINALS_H

#include <stdint.h>

enum vg_pe_ord_table {
    VG_PE_ORD_WINSOCK,  /* ws2_32.dll and wsock32.dll */
    VG_PE_ORD_OLEAUT32, /* oleaut32.dll */
};

/** @return the export named by @p ord in @p table, or NULL. */
const char *vg_pe_ordinal_name(enum vg_pe_ord_table table, uint16_t ord);

#endif
