// SPDX-License-Identifier: GPL-2.0-or-later
// dbver.h: the database version for the --json summary (dbver.c).
#ifndef VIGIL_DBVER_H
#define VIGIL_DBVER_H

#include <stddef.h>

/**
 * The versions of the signed containers (.cvd .cld .cud) among the
 * database paths (files, or directories holding them), as
 * "daily.cvd:27450 main.cvd:62" in name order, from their headers.
 * @return a malloc'd string, or NULL when there is none (plain .hdb,
 *         .ldb... files carry no version)
 */
char *db_version(const char *const *paths, size_t n);

#endif
