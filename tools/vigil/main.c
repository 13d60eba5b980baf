// SPDX-License-Identifier: GPL-2.0-or-later
// main.c: the vigil command: dispatches to its subcommands.
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_quarantine.h"

static void usage(FILE *out)
{
    fprintf(out,
            "Usage: vigil COMMAND [OPTIONS]\n"
            "\n"
            "Commands:\n"
            "  scan [OPTIONS] PATH...   scan files and directories\n"
            "  db verify|info|patch|compile\n"
            "                           check, inspect, patch and compile\n"
            "                           databases (.cvd .cld .cdiff .vdb)\n"
            "  quarantine list|show|restore|delete|purge\n"
            "                           manage quarantined files\n"
            "  update [OPTIONS]         fetch, verify and install signature\n"
            "                           updates (--status, --rollback)\n"
            "  version                  print the version\n"
            "  help                     show this help\n"
            "\n"
            "Run 'vigil scan --help' for the scan options.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return VIGIL_EXIT_ERROR;
    }
    if (strcmp(argv[1], "scan") == 0)
        return cmd_scan(argc - 1, argv + 1);
    if (strcmp(argv[1], "db") == 0)
        return cmd_db(argc - 1, argv + 1);
    if (strcmp(argv[1], "quarantine") == 0)
        return cmd_quarantine(argc - 1, argv + 1);
    if (strcmp(argv[1], "update") == 0)
        return cmd_update(argc - 1, argv + 1);
    if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0 ||
        strcmp(argv[1], "-V") == 0) {
        printf("vigil %s (ClamAV functionality level %d)\n", vigil_version(),
               VIGIL_FLEVEL);
        return VIGIL_EXIT_CLEAN;
    }
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
        strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return VIGIL_EXIT_CLEAN;
    }
    fprintf(stderr, "vigil: unknown command '%s'\n", argv[1]);
    usage(stderr);
    return VIGIL_EXIT_ERROR;
}
