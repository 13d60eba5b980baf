// SPDX-License-Identifier: GPL-2.0-or-later
// load.c: loads a database file or directory: picks the parser by
// extension, reads text files line by line, and rolls back on failure so
// that an engine never holds half a database.
#include "db/load.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db/cvd.h"
#include "engine.h"
#include "util/alloc.h"
#include "util/buf.h"
#include "util/caps.h"

enum kind_flags {
    KIND_PUA = 1u << 0,     /* loaded only with load_pua */
    KIND_FIRST = 1u << 1,   /* loaded before the rest of a directory */
    KIND_NOTYET = 1u << 2,  /* known format, not matched by this version */
    KIND_CONTAINER = 1u << 3, /* .cvd/.cld/.cud: binary, cvd.c loads it */
};

struct db_kind {
    const char *ext;
    vg_line_parser parse; /* NULL: accepted and ignored */
    unsigned flags;
};

static const struct db_kind kinds[] = {
    {".hdb", vg_parse_hdb_line, 0},
    {".hsb", vg_parse_hdb_line, 0},
    {".hdu", vg_parse_hdb_line, KIND_PUA},
    {".hsu", vg_parse_hdb_line, KIND_PUA},
    {".fp", vg_parse_fp_line, 0},
    {".sfp", vg_parse_fp_line, 0},
    {".ign2", vg_parse_ign2_line, KIND_FIRST},
    {".ndb", vg_parse_ndb_line, 0},
    {".ldb", vg_parse_ldb_line, 0},
    {".mdb", vg_parse_mdb_line, 0},
    {".msb", vg_parse_mdb_line, 0},
    {".imp", vg_parse_imp_line, 0},
    {".cdb", NULL, KIND_NOTYET},
    {".ndu", vg_parse_ndb_line, KIND_PUA},
    {".ldu", vg_parse_ldb_line, KIND_PUA},
    {".mdu", vg_parse_mdb_line, KIND_PUA},
    {".msu", vg_parse_mdb_line, KIND_PUA},
    {".cvd", NULL, KIND_CONTAINER},
    {".cld", NULL, KIND_CONTAINER},
    {".cud", NULL, KIND_CONTAINER},
    {".yar", NULL, KIND_NOTYET},
    {".yara", NULL, KIND_NOTYET},
    /* Formats that load without error but are not matched (field guide). */
    {".cbc", NULL, 0},  {".pdb", NULL, 0},  {".gdb", NULL, 0},
    {".wdb", NULL, 0},  {".idb", NULL, 0},  {".crb", NULL, 0},
    {".ftm", NULL, 0},  {".cfg", NULL, 0},  {".pwdb", NULL, 0},
    {".ioc", NULL, 0},  {".info", NULL, 0}, {".ign", NULL, 0},
};

static const struct db_kind *kind_of(const char *path)
{
    struct vigil_str p = vigil_str_cstr(path);
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (vigil_str_has_suffix_nocase(p, kinds[i].ext))
            return &kinds[i];
    return NULL;
}

int vg_load_error(struct vg_load_ctx *ctx, const char *fmt, ...)
{
    char why[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(why, sizeof why, fmt, ap);
    va_end(ap);
    vg_engine_set_error(ctx->eng, "%s:%zu: malformed signature: %s",
                        ctx->path, ctx->lineno, why);
    return VIGIL_E_DB;
}

static int errno_status(int e)
{
    switch (e) {
    case ENOENT:
    case ENOTDIR:
        return VIGIL_E_NOENT;
    case EACCES:
    case EPERM:
        return VIGIL_E_ACCESS;
    case ENOMEM:
        return VIGIL_E_NOMEM;
    default:
        return VIGIL_E_IO;
    }
}

static int read_file(struct vigil_engine *eng, const char *path,
                     struct vigil_buf *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC), ret = VIGIL_OK;
    struct stat st;
    if (fd < 0) {
        ret = errno_status(errno);
        vg_engine_set_error(eng, "%s: cannot open: %s", path, strerror(errno));
        return ret;
    }
    /* One allocation for regular files: growing a 10 MB text buffer by
     * doubling shows up in load time. */
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 0 &&
        (uint64_t)st.st_size < out->max)
        ret = vigil_buf_reserve(out, (size_t)st.st_size + 1);
    if (ret == VIGIL_OK && (ret = vigil_buf_read_fd(out, fd)) == VIGIL_E_IO) {
        ret = errno_status(errno);
        vg_engine_set_error(eng, "%s: read error: %s", path, strerror(errno));
    }
    close(fd);
    if (ret == VIGIL_E_LIMIT)
        vg_engine_set_error(eng, "%s: file too large", path);
    return ret;
}

/* Every line is a signature or a '#' comment; as in ClamAV a blank line
 * is malformed, and so is an empty file (an empty .ign2 is allowed). */
static int parse_lines(struct vg_load_ctx *ctx, const struct db_kind *kind,
                       struct vigil_str text)
{
    struct vigil_str line;
    int ret;
    if (text.len == 0 && !(kind->flags & KIND_FIRST))
        return vg_load_error(ctx, "empty database file");
    while (vigil_str_next_line(&text, &line)) {
        ctx->lineno++;
        if (line.len > VIGIL_CAP_DB_LINE)
            return vg_load_error(ctx, "line longer than %u bytes",
                                 VIGIL_CAP_DB_LINE);
        if (line.len == 0)
            return vg_load_error(ctx, "empty line");
        if (line.p[0] == '#')
            continue;
        if ((ret = kind->parse(ctx, line)) != VIGIL_OK)
            return ret;
    }
    return VIGIL_OK;
}

static bool kind_skipped(struct vigil_engine *eng, const char *path,
                         const struct db_kind *kind)
{
    if (kind->flags & KIND_NOTYET)
        VIGIL_LOG(&eng->log, VIGIL_LOG_WARN,
                  "%s: signature format not supported yet, skipped", path);
    return !kind->parse || ((kind->flags & KIND_PUA) && !eng->load_pua);
}

static int load_text(struct vigil_engine *eng, const char *path,
                     const struct db_kind *kind, struct vigil_str text,
                     bool official, unsigned *nsigs)
{
    struct vg_load_ctx ctx = {eng, path, 0, !official, 0, 0, 0};
    int ret = parse_lines(&ctx, kind, text);
    if (ret == VIGIL_OK && kind->parse == vg_parse_ign2_line)
        ret = vg_ignore_finish(&eng->ignore);
    if (ret == VIGIL_OK && ctx.unmatchable)
        VIGIL_LOG(&eng->log, VIGIL_LOG_WARN,
                  "%s: %u signatures use IconGroup or fuzzy_img, which vigil "
                  "cannot match: they never alert (first at line %zu)",
                  path, ctx.unmatchable, ctx.first_unmatchable);
    *nsigs += ctx.nsigs;
    return ret;
}

/* The version in a CVD/CLD header line (its first 512 bytes); 0 if
 * there is none. */
static uint32_t header_version(const uint8_t *p, size_t len)
{
    struct vg_cvd_header h;
    struct vg_why why;
    size_t n = len < 512 ? len : 512;
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\0'))
        n--;
    if (vg_cvd_parse_line(vigil_str_make((const char *)p, n), &h, &why) !=
        VIGIL_OK)
        return 0;
    return h.version;
}

/* The version in a CVD/CLD header, for `vigil db info`; 0 otherwise. */
static uint32_t container_version(const struct db_kind *kind,
                                  const struct vigil_buf *text)
{
    if (!(kind->flags & KIND_CONTAINER))
        return 0;
    return header_version(text->data, text->len);
}

static int load_file(struct vigil_engine *eng, const char *path,
                     const struct db_kind *kind, unsigned *nsigs)
{
    struct vigil_buf text;
    int ret;
    if (!(kind->flags & KIND_CONTAINER) && kind_skipped(eng, path, kind))
        return VIGIL_OK;
    unsigned before = *nsigs;
    vigil_buf_init(&text, VIGIL_CAP_DB_FILE);
    ret = read_file(eng, path, &text);
    if (ret == VIGIL_OK && (kind->flags & KIND_CONTAINER))
        ret = vg_cvd_load(eng, path, text.data, text.len, 0, nsigs);
    else if (ret == VIGIL_OK)
        ret = load_text(eng, path, kind,
                        vigil_str_make((const char *)text.data, text.len),
                        false, nsigs);
    if (ret == VIGIL_OK)
        vg_engine_note_source(eng, path, container_version(kind, &text),
                              *nsigs - before);
    vigil_buf_free(&text);
    return ret;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        vigil_free(v[i]);
    vigil_free(v);
}

/* The directory's file names, sorted so that loads are reproducible. */
static int list_dir(struct vigil_engine *eng, const char *dir, char ***out,
                    size_t *count)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **v = NULL;
    size_t n = 0, cap = 0;
    int ret = VIGIL_OK;
    if (!d) {
        ret = errno_status(errno);
        vg_engine_set_error(eng, "%s: cannot open directory: %s", dir,
                            strerror(errno));
        return ret;
    }
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            void *p = vigil_reallocarray(v, cap ? cap * 2 : 16, sizeof *v);
            if (!p) {
                ret = VIGIL_E_NOMEM;
                break;
            }
            v = p;
            cap = cap ? cap * 2 : 16;
        }
        if (!(v[n] = vigil_strndup(de->d_name, strlen(de->d_name)))) {
            ret = VIGIL_E_NOMEM;
            break;
        }
        n++;
    }
    closedir(d);
    if (ret != VIGIL_OK) {
        free_list(v, n);
        return ret;
    }
    if (n)
        qsort(v, n, sizeof *v, cmp_str);
    *out = v;
    *count = n;
    return VIGIL_OK;
}

static char *join_path(const char *dir, const char *name)
{
    size_t dl = strlen(dir), nl = strlen(name);
    char *p = vigil_malloc(dl + nl + 2);
    if (!p)
        return NULL;
    memcpy(p, dir, dl);
    p[dl] = '/';
    memcpy(p + dl + 1, name, nl + 1);
    return p;
}

/* One pass over the directory's regular files of the wanted phase. */
static int load_dir_phase(struct vigil_engine *eng, const char *dir,
                          char **names, size_t n, bool first, unsigned *nsigs,
                          size_t *loaded)
{
    int ret = VIGIL_OK;
    for (size_t i = 0; i < n && ret == VIGIL_OK; i++) {
        char *path = join_path(dir, names[i]);
        const struct db_kind *kind = kind_of(names[i]);
        struct stat st;
        if (!path)
            return VIGIL_E_NOMEM;
        if (stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
            if (!kind) {
                if (first)
                    VIGIL_LOG(&eng->log, VIGIL_LOG_WARN,
                              "%s: unknown database type, skipped", path);
            } else if (!!(kind->flags & KIND_FIRST) == first) {
                ret = load_file(eng, path, kind, nsigs);
                (*loaded)++;
            }
        }
        vigil_free(path);
    }
    return ret;
}

/* The version in the header of the file at @p path; 0 if unreadable. */
static uint32_t file_version(const char *path)
{
    uint8_t head[512];
    ssize_t got;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0)
        return 0;
    got = read(fd, head, sizeof head);
    close(fd);
    return got > 0 ? header_version(head, (size_t)got) : 0;
}

static void drop_name(char **names, size_t *n, size_t i)
{
    vigil_free(names[i]);
    memmove(names + i, names + i + 1, (*n - i - 1) * sizeof *names);
    (*n)--;
}

/* X.cvd and X.cld in one directory: ClamAV loads only the newer one and
 * warns, in these words. */
static void drop_older_twins(struct vigil_engine *eng, const char *dir,
                             char **names, size_t *n)
{
    for (size_t i = 0; i < *n; i++) {
        size_t len = strlen(names[i]), j;
        char *cvd, *cld;
        uint32_t v_cvd, v_cld;
        if (len < 5 || strcmp(names[i] + len - 4, ".cvd") != 0)
            continue;
        for (j = 0; j < *n; j++)
            if (strlen(names[j]) == len &&
                !strncmp(names[j], names[i], len - 4) &&
                !strcmp(names[j] + len - 4, ".cld"))
                break;
        if (j == *n)
            continue;
        cvd = join_path(dir, names[i]);
        cld = join_path(dir, names[j]);
        v_cvd = cvd ? file_version(cvd) : 0;
        v_cld = cld ? file_version(cld) : 0;
        if (cvd && cld && v_cvd == v_cld)
            VIGIL_LOG(&eng->log, VIGIL_LOG_WARN,
                      "Detected duplicate databases %s and %s, please "
                      "manually remove one of them", cvd, cld);
        else if (cvd && cld)
            VIGIL_LOG(&eng->log, VIGIL_LOG_WARN,
                      "Detected duplicate databases %s and %s. The %s "
                      "database is older and will not be loaded, you should "
                      "manually remove it from the database directory.",
                      v_cvd < v_cld ? cvd : cld, v_cvd < v_cld ? cld : cvd,
                      v_cvd < v_cld ? cvd : cld);
        vigil_free(cvd);
        vigil_free(cld);
        /* The same version: clamscan then counts the signatures once
         * (measured: "Known viruses" as for one file); keep the .cld. */
        drop_name(names, n, v_cvd <= v_cld ? i : j);
        /* The entry at i, or one before it, is gone: what follows moved
         * down by one (at i = 0 this wraps, and the i++ brings it back). */
        if (v_cvd <= v_cld || j < i)
            i--;
    }
}

static int load_dir(struct vigil_engine *eng, const char *dir, unsigned *nsigs)
{
    char **names = NULL;
    size_t n = 0, loaded = 0;
    int ret = list_dir(eng, dir, &names, &n);
    if (ret != VIGIL_OK)
        return ret;
    drop_older_twins(eng, dir, names, &n);
    ret = load_dir_phase(eng, dir, names, n, true, nsigs, &loaded);
    if (ret == VIGIL_OK)
        ret = load_dir_phase(eng, dir, names, n, false, nsigs, &loaded);
    free_list(names, n);
    if (ret == VIGIL_OK && loaded == 0) {
        vg_engine_set_error(eng, "%s: no supported database files found",
                            dir);
        ret = VIGIL_E_NOENT;
    }
    return ret;
}

static int load_any(struct vigil_engine *eng, const char *path,
                    unsigned *nsigs)
{
    const struct db_kind *kind;
    struct stat st;
    if (stat(path, &st) != 0) {
        int ret = errno_status(errno);
        vg_engine_set_error(eng, "%s: %s", path, strerror(errno));
        return ret;
    }
    if (S_ISDIR(st.st_mode))
        return load_dir(eng, path, nsigs);
    kind = kind_of(path);
    if (!kind) { /* ClamAV warns and goes on */
        VIGIL_LOG(&eng->log, VIGIL_LOG_WARN,
                  "%s: unknown database type, skipped", path);
        return VIGIL_OK;
    }
    return load_file(eng, path, kind, nsigs);
}

static int load_buffer(struct vigil_engine *eng, const char *name,
                       const void *data, size_t len, bool official,
                       unsigned *nsigs)
{
    const struct db_kind *kind = kind_of(name);
    if (!kind) {
        vg_engine_set_error(eng, "%s: unknown database type", name);
        return VIGIL_E_DB;
    }
    if (kind->flags & KIND_CONTAINER) /* the container decides */
        return vg_cvd_load(eng, name, data, len, 0, nsigs);
    if (kind_skipped(eng, name, kind))
        return VIGIL_OK;
    return load_text(eng, name, kind, vigil_str_make(data, len), official,
                     nsigs);
}

int vg_load_member(struct vigil_engine *eng, const char *name,
                   const void *data, size_t len, bool official,
                   unsigned *nsigs)
{
    const struct db_kind *kind = kind_of(name);
    if (!kind || (kind->flags & KIND_CONTAINER)) /* ClamAV skips these */
        return VIGIL_OK;
    if (kind_skipped(eng, name, kind))
        return VIGIL_OK;
    return load_text(eng, name, kind,
                     vigil_str_make(data ? data : "", len), official, nsigs);
}

/* Runs one load (from a path, or from memory when @p data is set) as a
 * transaction: on failure every table is rolled back to where it was. */
static int load_transaction(struct vigil_engine *eng, const char *path,
                            const void *data, size_t len, bool official,
                            unsigned *nsigs)
{
    struct vg_hashdb_mark mark;
    struct vg_matcher_mark body_mark;
    struct vg_lsigs_mark lsig_mark;
    uint32_t ndbs_n = eng->ndbs.n;
    size_t names_len = eng->names.pool.len;
    size_t sources_len = eng->sources.len;
    uint32_t ign_n = eng->ignore.n;
    unsigned added = 0;
    int ret;
    vg_hashdb_mark(&eng->hashes, &mark);
    vg_matcher_mark(&eng->body, &body_mark);
    vg_lsigs_mark(&eng->lsigs, &lsig_mark);
    ret = data ? load_buffer(eng, path, data, len, official, &added)
               : load_any(eng, path, &added);
    if (ret != VIGIL_OK) {
        vg_hashdb_rollback(&eng->hashes, &mark);
        vg_matcher_rollback(&eng->body, &body_mark);
        vg_lsigs_rollback(&eng->lsigs, &lsig_mark);
        eng->ndbs.n = ndbs_n;
        vg_names_truncate(&eng->names, names_len);
        eng->sources.len = sources_len;
        vg_ignore_truncate(&eng->ignore, ign_n);
        /* Re-index what is left; if even that fails the list ignores
         * nothing until the next successful .ign2 load. */
        (void)vg_ignore_finish(&eng->ignore);
        return ret;
    }
    *nsigs = added;
    return VIGIL_OK;
}

int vg_load_path(struct vigil_engine *eng, const char *path, unsigned *nsigs)
{
    return load_transaction(eng, path, NULL, 0, false, nsigs);
}

int vg_load_mem(struct vigil_engine *eng, const char *name, const void *data,
                size_t len, unsigned *nsigs)
{
    return load_transaction(eng, name, data ? data : "", len, false, nsigs);
}

int vg_load_mem_ex(struct vigil_engine *eng, const char *name,
                   const void *data, size_t len, bool official,
                   unsigned *nsigs)
{
    return load_transaction(eng, name, data ? data : "", len, official,
                            nsigs);
}
