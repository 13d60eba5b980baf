// SPDX-License-Identifier: GPL-2.0-or-later
// cmd_db_compiled.c: `vigil db compile`, and `db info` / `db verify` on a
// compiled database file (docs/internals/COMPILED-DB.md).
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "db/vdb.h"
#include "util/strparse.h"

bool db_is_compiled(const char *path)
{
    char head[8];
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    bool yes = false;
    if (fd >= 0) {
        yes = read(fd, head, sizeof head) == (ssize_t)sizeof head &&
              vg_vdb_sniff(head, sizeof head);
        close(fd);
    }
    return yes;
}

static void log_to_stderr(void *cookie, enum vigil_log_level level,
                          const char *msg)
{
    (void)cookie;
    fprintf(stderr, "%s: %s\n", level >= VIGIL_LOG_ERROR ? "ERROR" : "WARNING",
            msg);
}

/* vigil db compile SOURCE... -o FILE */
int db_compile(int argc, char **argv)
{
    struct vigil_settings set = {log_to_stderr, NULL, VIGIL_LOG_WARN, false};
    struct vigil_engine *eng = NULL;
    const char *out = NULL;
    int nsrc = 0, ret;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) {
            if (++i == argc)
                break;
            out = argv[i];
        } else {
            argv[1 + nsrc++] = argv[i]; /* sources, in order */
        }
    }
    if (!out || nsrc == 0) {
        fprintf(stderr, "Usage: vigil db compile SOURCE... -o FILE\n");
        return VIGIL_EXIT_ERROR;
    }
    if (vigil_engine_new(&eng, &set) != VIGIL_OK)
        return VIGIL_EXIT_ERROR;
    ret = VIGIL_OK;
    for (int i = 0; i < nsrc && ret == VIGIL_OK; i++)
        ret = vigil_engine_load_db(eng, argv[1 + i], NULL);
    if (ret == VIGIL_OK)
        ret = vigil_engine_compile(eng);
    if (ret == VIGIL_OK)
        ret = vigil_engine_save(eng, out);
    if (ret != VIGIL_OK)
        fprintf(stderr, "ERROR: %s\n",
                *vigil_engine_last_error(eng) ? vigil_engine_last_error(eng)
                                              : vigil_strerror(ret));
    else
        printf("%s: %zu signatures compiled\n", out,
               vigil_engine_signature_count(eng));
    vigil_engine_unref(&eng);
    return ret == VIGIL_OK ? VIGIL_EXIT_CLEAN : VIGIL_EXIT_ERROR;
}

static void print_hex(const char *label, const uint8_t *d)
{
    printf("%s: ", label);
    for (int i = 0; i < 32; i++)
        printf("%02x", d[i]);
    printf("\n");
}

static void print_counts(const struct vg_vdb_stats *st)
{
    static const char *const set[] = {"hash (.hdb .hsb)",
                                      "allow-list (.fp .sfp)",
                                      "PE section hash (.mdb .msb)",
                                      "import hash (.imp)"};
    static const char *const type[] = {"MD5", "SHA1", "SHA256"};
    printf("Known viruses: %llu\n", (unsigned long long)st->nsigs);
    for (int s = 0; s < 4; s++)
        for (int t = 0; t < 3; t++)
            if (st->hashes[s][t])
                printf("  %-28s %-6s %10llu\n", set[s], type[t],
                       (unsigned long long)st->hashes[s][t]);
    printf("  %-35s %10u\n", "body (.ndb)", st->ndb);
    printf("  %-35s %10u\n", "logical (.ldb)", st->ldb);
    printf("    %-33s %10u\n", "subsignatures", st->subsigs);
    printf("    %-33s %10u\n", "PCRE subsignatures", st->pcre);
    printf("    %-33s %10u\n", "byte-compare subsignatures", st->bcomp);
    printf("  %-35s %10u\n", "patterns in the matcher", st->patterns);
    printf("  %-35s %10u\n", "distinct prefilter literals", st->literals);
}

/* The "NAME\tVERSION\tSIGNATURES" lines the compiled file keeps. */
static void print_sources(const char *src, size_t len)
{
    struct vigil_str rest = vigil_str_make(src, len), line;
    printf("Sources:\n");
    while (vigil_str_next_line(&rest, &line)) {
        struct vigil_str f[3];
        uint64_t version, nsigs;
        if (vigil_str_split(line, '\t', f, 3) != 3 ||
            vigil_str_to_u64(f[1], UINT32_MAX, &version) ||
            vigil_str_to_u64(f[2], UINT32_MAX, &nsigs))
            continue;
        if (version)
            printf("  %-30.*s version %-8llu %10llu signatures\n",
                   (int)f[0].len, f[0].p, (unsigned long long)version,
                   (unsigned long long)nsigs);
        else
            printf("  %-30.*s %-16s %10llu signatures\n", (int)f[0].len,
                   f[0].p, "", (unsigned long long)nsigs);
    }
}

int db_info_compiled(const char *path)
{
    struct vigil_engine *eng = NULL;
    const struct vg_vdb_header *h;
    struct vg_vdb_stats st;
    char when[64] = "?";
    struct tm tm;
    time_t t;
    size_t slen;
    const char *src;
    int ret;
    if (vigil_engine_new(&eng, NULL) != VIGIL_OK ||
        (ret = vigil_engine_load_db(eng, path, NULL)) != VIGIL_OK) {
        fprintf(stderr, "ERROR: %s\n",
                eng ? vigil_engine_last_error(eng) : "out of memory");
        vigil_engine_unref(&eng);
        return VIGIL_EXIT_ERROR;
    }
    h = vg_vdb_header_of(eng);
    t = (time_t)h->created;
    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    printf("File: %s\nType: compiled vigil database (format %u)\n", path,
           h->version);
    printf("Size: %llu bytes\nBuilt: %s by vigil %.*s\n",
           (unsigned long long)h->file_size, when,
           (int)sizeof h->vigil_version, h->vigil_version);
    print_hex("Body SHA-256", h->body_sha256);
    vg_vdb_stats(eng, &st);
    print_counts(&st);
    src = vg_vdb_sources(eng, &slen);
    print_sources(src, slen);
    printf("Verification: OK\n");
    vigil_engine_unref(&eng);
    return VIGIL_EXIT_CLEAN;
}

int db_verify_compiled(const char *path)
{
    char why[1200];
    int ret = vg_vdb_verify_file(path, why, sizeof why);
    if (ret == VIGIL_OK)
        printf("%s: compiled database: header, sections, body checksum OK\n",
               path);
    else
        printf("FAILED: %s\n", why); /* why starts with the path */
    return ret;
}
