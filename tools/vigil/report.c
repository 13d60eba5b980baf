// SPDX-License-Identifier: GPL-2.0-or-later
// report.c: results as clamscan prints them (text) or as JSON Lines
// (--json, docs/vigil-scan-json.schema.json), and the summary. Runs on
// the reporter thread only, which owns the totals and stdout.
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "act.h"
#include "pool.h"

/* ---- JSON ------------------------------------------------------------- */

/* Length of the valid UTF-8 sequence at s (n bytes left), 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
    size_t len = s[0] < 0x80             ? 1
                 : (s[0] & 0xE0) == 0xC0 ? 2
                 : (s[0] & 0xF0) == 0xE0 ? 3
                 : (s[0] & 0xF8) == 0xF0 ? 4
                                         : 0;
    if (len == 0 || len > n || (len == 2 && s[0] < 0xC2))
        return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 0;
    if (len == 3 &&
        ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
        return 0; /* overlong, or a UTF-16 surrogate */
    if (len == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || s[0] > 0xF4 ||
                     (s[0] == 0xF4 && s[1] >= 0x90)))
        return 0;
    return len;
}

static bool valid_utf8(const char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0, l; i < n; i += l)
        if ((l = utf8_len((const unsigned char *)s + i, n - i)) == 0)
            return false;
    return true;
}

/* A JSON string; bytes that are not UTF-8 become U+FFFD. */
static void json_str(FILE *f, const char *s)
{
    size_t n = strlen(s);
    putc('"', f);
    for (size_t i = 0, l; i < n; i += l) {
        unsigned char c = (unsigned char)s[i];
        l = utf8_len((const unsigned char *)s + i, n - i);
        if (l == 0) {
            fputs("\\ufffd", f);
            l = 1;
        } else if (c == '"' || c == '\\') {
            fprintf(f, "\\%c", c);
        } else if (c < 0x20 || c == 0x7f) {
            fprintf(f, "\\u%04x", c);
        } else {
            fwrite(s + i, 1, l, f);
        }
    }
    putc('"', f);
}

static void base64(FILE *f, const unsigned char *s, size_t n)
{
    static const char tab[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    putc('"', f);
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)s[i] << 16;
        if (i + 1 < n)
            v |= (unsigned)s[i + 1] << 8;
        if (i + 2 < n)
            v |= s[i + 2];
        putc(tab[v >> 18 & 63], f);
        putc(tab[v >> 12 & 63], f);
        putc(i + 1 < n ? tab[v >> 6 & 63] : '=', f);
        putc(i + 2 < n ? tab[v & 63] : '=', f);
    }
    putc('"', f);
}

/* "path": "...", plus "path_base64" when the name is not UTF-8, so a
 * consumer can still act on the exact file. */
static void json_path(FILE *f, const char *path)
{
    fputs("\"path\":", f);
    json_str(f, path);
    if (!valid_utf8(path)) {
        fputs(",\"path_base64\":", f);
        base64(f, (const unsigned char *)path, strlen(path));
    }
}

static void json_found(const struct item *it)
{
    fputs("{\"type\":\"found\",", stdout);
    json_path(stdout, it->path);
    fputs(",\"names\":[", stdout);
    for (size_t i = 0; i < it->n_names; i++) {
        if (i)
            putc(',', stdout);
        json_str(stdout, it->names[i]);
    }
    fputs("]}\n", stdout);
}

static void json_error(const char *path, const char *msg)
{
    fputs("{\"type\":\"error\",", stdout);
    json_path(stdout, path);
    fputs(",\"message\":", stdout);
    json_str(stdout, msg);
    fputs("}\n", stdout);
}

/* ---- items ------------------------------------------------------------ */

/* Before any line: erase the progress line, if drawn, so the two never
 * share a line. */
static void line_start(const struct scan_run *run)
{
    progress_clear(run->progress);
}

static const char *status_text(int status)
{
    return status == VIGIL_E_ACCESS  ? "Access denied"
           : status == VIGIL_E_NOENT ? "No such file or directory"
           : status == VIGIL_E_ARG   ? "Not a regular file"
                                     : vigil_strerror(status);
}

/* act.c writes its lines to stdout; in JSON mode they go to stderr so
 * that stdout stays JSON Lines. */
static void act_found(struct scan_run *run, struct item *it)
{
    struct vigil_result res = {.verdict = VIGIL_FOUND,
                               .sig_name = it->names[0],
                               .names = (const char *const *)it->names,
                               .n_names = it->n_names,
                               .bytes_scanned = it->bytes_scanned,
                               .limits = it->limits};
    int saved = -1;
    if (run->opts->action == ACT_NONE || it->n_names == 0)
        return;
    if (run->opts->json) {
        fflush(stdout);
        saved = dup(STDOUT_FILENO);
        dup2(STDERR_FILENO, STDOUT_FILENO);
    }
    act_on_found_seen(run, it->path, it->have_seen ? &it->seen : NULL, &res);
    if (saved >= 0) {
        fflush(stdout);
        dup2(saved, STDOUT_FILENO);
        close(saved);
    }
}

static void report_scanned(struct scan_run *run, struct item *it)
{
    struct scan_totals *t = &run->totals;
    bool text = !run->opts->json;
    if (it->status != VIGIL_OK) {
        t->errors++;
        if (run->opts->json || !run->opts->infected_only)
            line_start(run);
        if (run->opts->json)
            json_error(it->path, status_text(it->status));
        else if (!run->opts->infected_only)
            printf("%s: %s\n", it->path, status_text(it->status));
        return;
    }
    t->files++;
    t->bytes_read += it->size / 4096 * 4096; /* clamscan: whole blocks */
    t->bytes_scanned += it->bytes_scanned;
    t->limits |= it->limits;
    if (!it->found) {
        if (text && !run->opts->infected_only) {
            line_start(run);
            printf("%s: OK\n", it->path);
        }
        return;
    }
    t->infected++;
    line_start(run);
    if (text)
        for (size_t i = 0; i < it->n_names; i++)
            printf("%s: %s FOUND\n", it->path, it->names[i]);
    else
        json_found(it);
    fflush(stdout);
    act_found(run, it);
}

/* Neither counts in "Total errors", but both make the exit code 2, as in
 * clamscan; and both go to stderr there. */
static void report_unreachable(struct scan_run *run, const struct item *it)
{
    run->totals.failed_paths++;
    line_start(run);
    fflush(stdout);
    if (run->opts->json)
        json_error(it->path, it->kind == ITEM_ACCESS
                                 ? it->msg
                                 : "Not supported file type");
    else if (it->kind == ITEM_ACCESS)
        fprintf(stderr, "%s: %s\nWARNING: %s: Can't access file\n", it->path,
                it->msg, it->path);
    else
        fprintf(stderr, "WARNING: %s: Not supported file type\n", it->path);
}

void report_item(struct scan_run *run, struct item *it)
{
    bool show = !run->opts->infected_only && !run->opts->json;
    switch (it->kind) {
    case ITEM_FILE:
    case ITEM_STDIN:
        report_scanned(run, it);
        if (run->progress)
            progress_count(run->progress,
                           it->size ? it->size : it->bytes_scanned);
        break;
    case ITEM_NOTE:
    case ITEM_EXCLUDED:
        if (show) {
            line_start(run);
            printf("%s: %s\n", it->path, it->msg);
        }
        break;
    case ITEM_ERROR:
        run->totals.errors++;
        if (run->opts->json || !run->opts->infected_only)
            line_start(run);
        if (run->opts->json)
            json_error(it->path, it->msg);
        else if (!run->opts->infected_only)
            printf("%s: %s\n", it->path, it->msg);
        break;
    case ITEM_ACCESS:
    case ITEM_UNSUPPORTED: report_unreachable(run, it); break;
    }
    if (run->progress) {
        fflush(stdout);
        progress_tick(run->progress, it->path);
    }
}

/* ---- summary ---------------------------------------------------------- */

static double mb(uint64_t bytes)
{
    return (double)bytes / (1024.0 * 1024.0);
}

static void json_summary(const struct scan_run *run, size_t nsigs, double secs,
                         const char *start, const char *end, const char *dbver)
{
    const struct scan_totals *t = &run->totals;
    printf("{\"type\":\"summary\",\"known_viruses\":%zu,"
           "\"engine_version\":",
           nsigs);
    json_str(stdout, vigil_version());
    fputs(",\"database_version\":", stdout);
    if (dbver)
        json_str(stdout, dbver);
    else
        fputs("null", stdout);
    printf(",\"directories\":%llu,\"files\":%llu,\"infected\":%llu,"
           "\"errors\":%llu,\"unreachable_paths\":%llu,"
           "\"bytes_scanned\":%llu,\"bytes_read\":%llu,\"seconds\":%.3f,",
           (unsigned long long)t->dirs, (unsigned long long)t->files,
           (unsigned long long)t->infected, (unsigned long long)t->errors,
           (unsigned long long)t->failed_paths,
           (unsigned long long)t->bytes_scanned,
           (unsigned long long)t->bytes_read, secs);
    fputs("\"start\":", stdout);
    json_str(stdout, start);
    fputs(",\"end\":", stdout);
    json_str(stdout, end);
    fputs("}\n", stdout);
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
                    const char *start, const char *end, const char *dbver)
{
    const struct scan_totals *t = &run->totals;
    unsigned whole = (unsigned)secs;
    if (run->opts->json) {
        json_summary(run, nsigs, secs, start, end, dbver);
        return;
    }
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
