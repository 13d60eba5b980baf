// SPDX-License-Identifier: GPL-2.0-or-later
// config.h: vigil.conf as extra command-line options (config.c).
#ifndef VIGIL_CONFIG_H
#define VIGIL_CONFIG_H

#include <stdbool.h>

struct option;

#define VIGIL_CONF_DEFAULT "/etc/vigil/vigil.conf"

/* argv[0] is the file's path, then one "--key[=value]" per setting. */
struct conf_args {
    char **argv;
    int argc;
};

/**
 * Read the config file @p path into options of @p table (getopt_long's).
 * A missing file is fine unless @p must_exist. Errors are printed with
 * file:line.
 * @return 0 (out->argc is 0 when there was no file), -1
 */
int conf_read(const char *path, bool must_exist, const struct option *table,
              struct conf_args *out);
void conf_free(struct conf_args *a);

#endif
