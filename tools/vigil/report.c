// SPDX-License-Identifier: GPL-2.0-or-later
// report.c: clamscan-compatible result lines and summary block.
#include <stdio.h>

#include "cli.h"

void report_found(const struct scan_run *run, const char *path,
                  const struct vigil_result *res)
{
    for (size_t i = 0; i < res->n_names; i++)
        printf("%s: %s FOUND\n", path, res->names[i]);
    (void)run;
    fflush(stdout);
}

void report_ok(const struct scan_run *run, const char *path)
{
    if (!run->opts->infected_only)
        printf("%s: OK\n", path);
}

void report_error(struct scan_run *run, const char *path, const char *msg)
{
    run->totals.errors++;
    if (!run->opts->infected_only)
        printf("%s: %s\n", path, msg);
}

void report_note(const struct scan_run *run, const char *path,
                 const char *msg)
{
    if (!run->opts->infected_only)
        printf("%s: %s\n", path, msg);
}

/* Neither of these counts in "Total errors", but both make the exit code 2,
 * as in clamscan. */
void report_access_error(struct scan_run *run, const char *path,
                         const char *why)
{
    run->totals.failed_paths++;
    fflush(stdout);
    fprintf(stderr, "%s: %s\nWARNING: %s: Can't access file\n", path, why,
            path);
}

void report_unsupported(struct scan_run *run, const char *path)
{
    run->totals.failed_paths++;
    fflush(stdout);
    fprintf(stderr, "WARNING: %s: Not supported file type\n", path);
}

static double mb(uint64_t bytes)
{
    return (double)bytes / (1024.0 * 1024.0);
}

/* "Limits reached: MaxFiles, MaxRecursion" (vigil only): which limits
 * cut parts of the scan short; not printed when none was reached. */
static void print_limits(unsigned limits)
{
    static const char *const names[] = {"MaxScanSize", "MaxFileSize",
                                        "MaxRecursion", "MaxFiles",
                                        "MaxScanTime", "MaxRatio"};
    const char *sep = "";
    if (!limits)
        return;
    printf("Limits reached:");
    for (unsigned i = 0; i < sizeof names / sizeof names[0]; i++)
        if (limits & (1u << i)) {
            printf("%s %s", sep, names[i]);
            sep = ",";
        }
    printf("\n");
}

void report_summary(const struct scan_run *run, size_t nsigs, double secs,
                    const char *start, const char *end)
{
    const struct scan_totals *t = &run->totals;
    unsigned whole = (unsigned)secs;
    printf("\n----------- SCAN SUMMARY -----------\n");
    printf("Known viruses: %zu\n", nsigs);
    printf("Engine version: vigil %s\n", vigil_version());
    printf("Scanned directories: %llu\n", (unsigned long long)t->dirs);
    printf("Scanned files: %llu\n", (unsigned long long)t->files);
    printf("Infected files: %llu\n", (unsigned long long)t->infected);
    if (t->errors)
        printf("Total errors: %llu\n", (unsigned long long)t->errors);
    print_limits(t->limits);
    printf("Data scanned: %.2f MB\n", mb(t->bytes_scanned));
    /* clamscan counts whole 4 KiB blocks read. */
    printf("Data read: %.2f MB (ratio %.2f:1)\n", mb(t->bytes_read),
           t->bytes_read ? (double)t->bytes_scanned / (double)t->bytes_read
                         : 0.0);
    printf("Time: %.3f sec (%u m %u s)\n", secs, whole / 60, whole % 60);
    printf("Start Date: %s\n", start);
    printf("End Date:   %s\n", end);
}
