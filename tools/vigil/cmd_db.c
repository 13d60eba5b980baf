// SPDX-License-Identifier: GPL-2.0-or-later
// cmd_db.c: `vigil db`: verify, inspect and patch ClamAV database
// containers (.cvd .cld .cud) and incremental updates (.cdiff).
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "db/cdiff.h"
#include "db/cvd.h"
#include "update.h"
#include "util/buf.h"

#define MAX_INPUT ((size_t)1 << 32)

static void db_usage(FILE *out)
{
    fprintf(out,
            "Usage: vigil db verify FILE...\n"
            "       vigil db info FILE\n"
            "       vigil db patch BASE.cvd|BASE.cld DIFF.cdiff... -o OUT.cld\n"
            "       vigil db compile SOURCE... -o FILE\n"
            "       vigil db keygen [-o PREFIX]\n"
            "       vigil db sign -k KEY [-o MANIFEST] FILE...\n"
            "       vigil db publish DIR -k KEY [--version N]\n"
            "\n"
            "  compile turn signature files, directories and CVD/CLD files\n"
            "          into one compiled database file (mapped, not parsed,\n"
            "          by scans); scans also keep such files in a cache\n"
            "  verify  check the signatures and digests of .cvd .cld .cud\n"
            "          and .cdiff files; print each check (exit 0: all good,\n"
            "          2: something failed)\n"
            "  info    print a container's header and members (or a\n"
            "          cdiff's version and size)\n"
            "  patch   apply cdiffs in order, as freshclam does, and write\n"
            "          the resulting CLD (verified before it is written)\n"
            "  keygen  make an Ed25519 key pair for a vigil feed\n"
            "  sign    write a signed feed manifest for FILEs\n"
            "  publish sign every signature file of DIR into\n"
            "          DIR/vigil.manifest (version: previous + 1)\n");
}

static int read_all(const char *path, struct vigil_buf *b)
{
    FILE *f = fopen(path, "rb");
    int ret = VIGIL_OK;

    vigil_buf_init(b, MAX_INPUT);
    if (!f) {
        fprintf(stderr, "%s: cannot open: %s\n", path, strerror(errno));
        return VIGIL_E_IO;
    }
    while (ret == VIGIL_OK) {
        size_t got;
        if (b->len == b->cap && (ret = vigil_buf_reserve(b, 1 << 20)))
            break;
        got = fread(b->data + b->len, 1, b->cap - b->len, f);
        b->len += got;
        if (got == 0)
            break;
    }
    if (ret == VIGIL_OK && ferror(f))
        ret = VIGIL_E_IO;
    fclose(f);
    if (ret != VIGIL_OK)
        fprintf(stderr, "%s: cannot read: %s\n", path, vigil_strerror(ret));
    return ret;
}

static struct vigil_span buf_span(const struct vigil_buf *b)
{
    return vigil_span_make(b->data, b->len);
}

static bool has_ext(const char *name, const char *ext)
{
    return vigil_str_has_suffix_nocase(vigil_str_cstr(name), ext);
}

static void ok(const char *path, unsigned checks, unsigned bit,
               const char *what)
{
    if (checks & bit)
        printf("%s: %s: OK\n", path, what);
}

static void print_cvd_checks(const char *path, const struct vg_cvd *c)
{
    const struct vg_cvd_header *h = &c->hdr;

    if (c->checks & VG_CVD_CHK_HEADER)
        printf("%s: header: version %u, %u signatures, functionality "
               "level %u, built %.*s by %.*s\n",
               path, h->version, h->nsigs, h->flevel, (int)h->time.len,
               h->time.p, (int)h->builder.len, h->builder.p);
    if (c->type != VG_CVD_CVD && (c->checks & VG_CVD_CHK_HEADER))
        printf("%s: header MD5 and DSIG: not used (a %s is trusted "
               "through its .info%s)\n",
               path, c->type == VG_CVD_CLD ? ".cld" : ".cud",
               c->type == VG_CVD_CLD ? " signature" : ": it is unsigned");
    ok(path, c->checks, VG_CVD_CHK_MD5, "MD5 of bytes 512..EOF");
    ok(path, c->checks, VG_CVD_CHK_DSIG, "DSIG (RSA, 1024-bit CVD key)");
    ok(path, c->checks, VG_CVD_CHK_GZIP, "gzip");
    ok(path, c->checks, VG_CVD_CHK_TAR, "tar");
    ok(path, c->checks, VG_CVD_CHK_INFO_HEADER,
       ".info header equals the container header");
    ok(path, c->checks, VG_CVD_CHK_INFO_DSIG,
       ".info DSIG (RSA-PSS/SHA-256, .info key)");
    ok(path, c->checks, VG_CVD_CHK_INFO_FILES,
       ".info sizes and SHA-256 of every member");
}

static int verify_cvd(const char *path, enum vg_cvd_type type,
                      struct vigil_span data)
{
    struct vg_why why = {""};
    struct vg_cvd cvd;
    int ret = vg_cvd_open(&cvd, type, data, 0, &why);

    print_cvd_checks(path, &cvd);
    if (ret == VIGIL_OK)
        printf("%s: OK (%zu members, %s)\n", path, cvd.tar.n,
               vg_cvd_official(&cvd) ? "signature names are official"
                                     : "signature names get .UNOFFICIAL");
    else
        printf("%s: FAILED: %s\n", path,
               why.msg[0] ? why.msg : vigil_strerror(ret));
    vg_cvd_close(&cvd);
    return ret;
}

static int verify_cdiff(const char *path, struct vigil_span data)
{
    struct vg_why why = {""};
    struct vg_cdiff cd;
    int ret = vg_cdiff_open(&cd, data, 0, &why);

    if (cd.checks & VG_CDIFF_CHK_HEADER)
        printf("%s: header: makes version %u, script of %llu bytes\n", path,
               cd.version, (unsigned long long)cd.len);
    ok(path, cd.checks, VG_CDIFF_CHK_DSIG, "DSIG (RSA-PSS/SHA-256, cdiff key)");
    ok(path, cd.checks, VG_CDIFF_CHK_GZIP, "gzip and script length");
    if (cd.checks & VG_CDIFF_CHK_SCRIPT)
        printf("%s: script: OK (%zu commands)\n", path, cd.ncommands);
    if (ret == VIGIL_OK)
        printf("%s: OK\n", path);
    else
        printf("%s: FAILED: %s\n", path,
               why.msg[0] ? why.msg : vigil_strerror(ret));
    vg_cdiff_close(&cd);
    return ret;
}

/* By extension; else by the first bytes (a .cvd by default). */
static int verify_one(const char *path)
{
    struct vigil_buf b;
    enum vg_cvd_type type = VG_CVD_CVD;
    int ret;

    if (db_is_compiled(path))
        return db_verify_compiled(path);
    if ((ret = read_all(path, &b)) == VIGIL_OK) {
        struct vigil_span s = buf_span(&b);
        bool diff = has_ext(path, ".cdiff") ||
                    (!vg_cvd_type_of(path, &type) && s.len >= 12 &&
                     memcmp(s.p, "ClamAV-Diff:", 12) == 0);
        ret = diff ? verify_cdiff(path, s) : verify_cvd(path, type, s);
    }
    vigil_buf_free(&b);
    return ret;
}

static int db_verify(int argc, char **argv)
{
    int rc = VIGIL_EXIT_CLEAN;

    if (argc < 2) {
        db_usage(stderr);
        return VIGIL_EXIT_ERROR;
    }
    for (int i = 1; i < argc; i++)
        if (verify_one(argv[i]) != VIGIL_OK)
            rc = VIGIL_EXIT_ERROR;
    return rc;
}

static void print_header(const struct vg_cvd_header *h)
{
    time_t t = (time_t)h->stime;
    struct tm tm;
    char when[64] = "?";

    if (gmtime_r(&t, &tm))
        strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    printf("Build time: %.*s (%llu, %s)\n", (int)h->time.len, h->time.p,
           (unsigned long long)h->stime, when);
    printf("Version: %u\nSignatures: %u\nFunctionality level: %u\n", h->version,
           h->nsigs, h->flevel);
    printf("Builder: %.*s\nMD5: %.*s\nDigital signature: %.*s\n",
           (int)h->builder.len, h->builder.p, (int)h->md5.len, h->md5.p,
           (int)h->dsig.len, h->dsig.p);
}

static void print_members(const struct vg_cvd *c)
{
    printf("Compressed: %s\nMembers: %zu\n", c->compressed ? "gzip" : "no",
           c->tar.n);
    for (size_t i = 0; i < c->tar.n; i++)
        printf("  %-24s %10zu%s\n", c->tar.m[i].name, c->tar.m[i].data.len,
               i == c->info ? "  (index)" : "");
}

static int info_cdiff(const char *path, struct vigil_span data)
{
    struct vg_why why = {""};
    struct vg_cdiff cd;
    int ret = vg_cdiff_open(&cd, data, 0, &why);

    printf("File: %s\nType: cdiff\n", path);
    if (cd.checks & VG_CDIFF_CHK_HEADER)
        printf("Makes version: %u\nScript length: %llu\n", cd.version,
               (unsigned long long)cd.len);
    if (cd.checks & VG_CDIFF_CHK_SCRIPT)
        printf("Commands: %zu\n", cd.ncommands);
    printf("Verification: %s%s\n",
           ret == VIGIL_OK ? "OK" : "FAILED: ", ret == VIGIL_OK ? "" : why.msg);
    vg_cdiff_close(&cd);
    return ret == VIGIL_OK ? VIGIL_EXIT_CLEAN : VIGIL_EXIT_ERROR;
}

static int db_info(int argc, char **argv)
{
    struct vg_why why = {""};
    enum vg_cvd_type type = VG_CVD_CVD;
    struct vigil_buf b;
    struct vg_cvd cvd;
    int ret;

    if (argc != 2) {
        db_usage(stderr);
        return VIGIL_EXIT_ERROR;
    }
    if (db_is_compiled(argv[1]))
        return db_info_compiled(argv[1]);
    if ((ret = read_all(argv[1], &b)) != VIGIL_OK)
        return VIGIL_EXIT_ERROR;
    if (has_ext(argv[1], ".cdiff")) {
        ret = info_cdiff(argv[1], buf_span(&b));
        vigil_buf_free(&b);
        return ret;
    }
    (void)vg_cvd_type_of(argv[1], &type);
    printf("File: %s\nType: %s\n", argv[1],
           type == VG_CVD_CVD   ? "cvd"
           : type == VG_CVD_CLD ? "cld"
                                : "cud");
    ret = vg_cvd_open(&cvd, type, buf_span(&b), 0, &why);
    if (cvd.checks & VG_CVD_CHK_HEADER)
        print_header(&cvd.hdr);
    if (cvd.checks & VG_CVD_CHK_TAR)
        print_members(&cvd);
    printf("Verification: %s%s\n",
           ret == VIGIL_OK ? "OK" : "FAILED: ", ret == VIGIL_OK ? "" : why.msg);
    vg_cvd_close(&cvd);
    vigil_buf_free(&b);
    return ret == VIGIL_OK ? VIGIL_EXIT_CLEAN : VIGIL_EXIT_ERROR;
}

/* Write through a temporary file in the same directory, then rename. */
static int write_atomic(const char *path, const struct vigil_buf *b)
{
    size_t n = strlen(path) + 16;
    char *tmp = malloc(n);
    FILE *f;
    int ok_write;

    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp%ld", path, (long)getpid());
    if (!(f = fopen(tmp, "wb"))) {
        free(tmp);
        return -1;
    }
    ok_write = fwrite(b->data, 1, b->len, f) == b->len;
    ok_write = (fclose(f) == 0) && ok_write;
    if (!ok_write || rename(tmp, path) != 0) {
        unlink(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    return 0;
}

struct patch_args {
    const char *out;
    const char **in;
    size_t n;
};

static int patch_parse(int argc, char **argv, struct patch_args *a)
{
    a->in = calloc((size_t)argc, sizeof *a->in);
    if (!a->in)
        return -1;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) {
            if (++i == argc)
                return -1;
            a->out = argv[i];
        } else {
            a->in[a->n++] = argv[i];
        }
    }
    return a->out && a->n >= 2 ? 0 : -1;
}

static int patch_run(const struct patch_args *a, struct vigil_buf *bufs,
                     struct vigil_span *spans)
{
    struct vg_why why = {""};
    struct vigil_buf out;
    int ret = VIGIL_OK;

    for (size_t i = 0; i < a->n && ret == VIGIL_OK; i++)
        if ((ret = read_all(a->in[i], &bufs[i])) == VIGIL_OK)
            spans[i] = buf_span(&bufs[i]);
    if (ret != VIGIL_OK)
        return VIGIL_EXIT_ERROR;
    vigil_buf_init(&out, MAX_INPUT);
    ret = vg_cdiff_patch(a->in, spans, a->n, 0, &out, &why);
    if (ret != VIGIL_OK)
        fprintf(stderr, "vigil db patch: %s\n",
                why.msg[0] ? why.msg : vigil_strerror(ret));
    else if (write_atomic(a->out, &out) != 0) {
        fprintf(stderr, "%s: cannot write: %s\n", a->out, strerror(errno));
        ret = VIGIL_E_IO;
    } else
        printf("%s: written (%zu bytes, %zu cdiffs applied, verified)\n",
               a->out, out.len, a->n - 1);
    vigil_buf_free(&out);
    return ret == VIGIL_OK ? VIGIL_EXIT_CLEAN : VIGIL_EXIT_ERROR;
}

static int db_patch(int argc, char **argv)
{
    struct patch_args a = {NULL, NULL, 0};
    struct vigil_buf *bufs = NULL;
    struct vigil_span *spans = NULL;
    int rc = VIGIL_EXIT_ERROR;

    if (patch_parse(argc, argv, &a) != 0) {
        db_usage(stderr);
        free(a.in);
        return VIGIL_EXIT_ERROR;
    }
    bufs = calloc(a.n, sizeof *bufs);
    spans = calloc(a.n, sizeof *spans);
    if (bufs && spans)
        rc = patch_run(&a, bufs, spans);
    for (size_t i = 0; bufs && i < a.n; i++)
        vigil_buf_free(&bufs[i]);
    free(bufs);
    free(spans);
    free(a.in);
    return rc;
}

int cmd_db(int argc, char **argv)
{
    if (argc < 2 || strcmp(argv[1], "help") == 0 ||
        strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        db_usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? VIGIL_EXIT_ERROR : VIGIL_EXIT_CLEAN;
    }
    if (strcmp(argv[1], "verify") == 0)
        return db_verify(argc - 1, argv + 1);
    if (strcmp(argv[1], "info") == 0)
        return db_info(argc - 1, argv + 1);
    if (strcmp(argv[1], "compile") == 0)
        return db_compile(argc - 1, argv + 1);
    if (strcmp(argv[1], "patch") == 0)
        return db_patch(argc - 1, argv + 1);
    /* vigil's own feed (update_sign.c) */
    if (!strcmp(argv[1], "keygen") || !strcmp(argv[1], "sign") ||
        !strcmp(argv[1], "publish"))
        return cmd_db_feed(argc - 1, argv + 1);
    fprintf(stderr, "vigil db: unknown command '%s'\n", argv[1]);
    db_usage(stderr);
    return VIGIL_EXIT_ERROR;
}
