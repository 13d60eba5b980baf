// SPDX-License-Identifier: GPL-2.0-or-later
// dbpath.c: the default-database search shared by the CLI and the daemon.
#include "dbpath.h"

#include <dirent.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n >= m && strcasecmp(s + n - m, suf) == 0;
}

/* A directory "holds databases" when it has a file vigil can load. */
static bool holds_databases(const char *dir)
{
    static const char *const exts[] = {".cvd", ".cld", ".cud", ".hdb",
                                       ".hsb", ".ndb", ".ldb", ".mdb",
                                       ".msb", ".imp", ".fp", ".sfp"};
    DIR *d = opendir(dir);
    struct dirent *de;
    bool found = false;
    if (!d)
        return false;
    while (!found && (de = readdir(d)) != NULL)
        for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++)
            if (has_suffix(de->d_name, exts[i]))
                found = true;
    closedir(d);
    return found;
}

const char *vigil_default_db(const char **why)
{
    const char *env = getenv("VIGIL_DB");
    if (env && *env) {
        *why = "from $VIGIL_DB";
        return env;
    }
    /* What `vigil update` installs (docs/internals/UPDATE.md). */
    if (holds_databases("/var/lib/vigil/current")) {
        *why = "the system database (vigil update)";
        return "/var/lib/vigil/current";
    }
    if (holds_databases("/var/lib/vigil")) {
        *why = "the system database";
        return "/var/lib/vigil";
    }
    if (holds_databases("/var/lib/clamav")) {
        *why = "ClamAV's database directory";
        return "/var/lib/clamav";
    }
    if (holds_databases(VIGIL_INSTALLED_STARTER)) {
        *why = "the starter database";
        return VIGIL_INSTALLED_STARTER;
    }
    if (holds_databases(VIGIL_SOURCE_STARTER)) {
        *why = "the starter database";
        return VIGIL_SOURCE_STARTER;
    }
    *why = "looked in $VIGIL_DB, /var/lib/vigil/current, /var/lib/vigil, "
           "/var/lib/clamav, "
           VIGIL_INSTALLED_STARTER " and " VIGIL_SOURCE_STARTER;
    return NULL;
}
