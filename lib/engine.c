// SPDX-License-Identifier: GPL-2.0-or-later
// engine.c: engine lifetime: create, load, compile, share, free.
#include "engine.h"

#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <unistd.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "db/load.h"
#include "db/vdb.h"
#include "db/vdb_cache.h"
#include "util/alloc.h"
#include "util/validate.h"

int vigil_engine_new(struct vigil_engine **out,
                     const struct vigil_settings *settings)
{
    struct vigil_engine *eng;
    VIGIL_VALIDATE(NULL, out != NULL, VIGIL_E_ARG);
    eng = vigil_calloc(1, sizeof *eng);
    if (!eng)
        return VIGIL_E_NOMEM;
    atomic_init(&eng->refs, 1);
    eng->log.min = VIGIL_LOG_NONE;
    if (settings) {
        eng->log.fn = settings->log;
        eng->log.cookie = settings->log_cookie;
        eng->log.min = settings->log_level;
        eng->load_pua = settings->load_pua;
    }
    vg_names_init(&eng->names);
    vg_hashdb_init(&eng->hashes);
    vg_ignore_init(&eng->ignore);
    vg_matcher_init(&eng->body);
    vg_lsigs_init(&eng->lsigs);
    vigil_buf_init(&eng->sources, (size_t)16 << 20);
    *out = eng;
    return VIGIL_OK;
}

void vg_engine_note_source(struct vigil_engine *eng, const char *path,
                           uint32_t version, unsigned nsigs)
{
    const char *base = strrchr(path, '/');
    char line[512];
    int n = snprintf(line, sizeof line, "%s\t%u\t%u\n", base ? base + 1 : path,
                     version, nsigs);
    /* A source list that cannot grow only makes `db info` shorter. */
    if (n > 0 && (size_t)n < sizeof line)
        (void)vigil_buf_append(&eng->sources, line, (size_t)n);
}

void vg_engine_set_error(struct vigil_engine *eng, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(eng->last_error, sizeof eng->last_error, fmt, ap);
    va_end(ap);
    VIGIL_LOG(&eng->log, VIGIL_LOG_ERROR, "%s", eng->last_error);
}

/* A compiled database file is recognised by its magic, whatever its
 * name, and a .vdb file is one (so a damaged magic is reported). */
static bool is_compiled_file(const char *path)
{
    char head[8];
    size_t n = strlen(path);
    bool yes = n > 4 && strcasecmp(path + n - 4, ".vdb") == 0;
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    struct stat st;
    if (fd < 0)
        return false;
    if (!yes && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
        yes = read(fd, head, sizeof head) == (ssize_t)sizeof head &&
              vg_vdb_sniff(head, sizeof head);
    close(fd);
    return yes;
}

int vigil_engine_load_db(struct vigil_engine *eng, const char *path,
                         unsigned *nsigs)
{
    unsigned added = 0;
    int ret;
    VIGIL_VALIDATE(eng ? &eng->log : NULL, eng && path, VIGIL_E_ARG);
    if (eng->compiled)
        return VIGIL_E_STATE;
    eng->last_error[0] = '\0';
    if (is_compiled_file(path)) {
        ret = vg_vdb_map(eng, path, VG_VDB_VERIFY_BODY);
        if (ret == VIGIL_OK && nsigs)
            *nsigs = (unsigned)eng->nsigs;
        return ret;
    }
    ret = vg_load_path(eng, path, &added);
    if (ret != VIGIL_OK)
        return ret;
    eng->nsigs += added;
    if (nsigs)
        *nsigs = added;
    return VIGIL_OK;
}

int vigil_engine_compile(struct vigil_engine *eng)
{
    const char *why = NULL;
    int ret;
    VIGIL_VALIDATE(eng ? &eng->log : NULL, eng != NULL, VIGIL_E_ARG);
    if (eng->map)
        return VIGIL_OK; /* a compiled file is compiled already */
    if (eng->compiled)
        return VIGIL_E_STATE;
    ret = vg_hashdb_build(&eng->hashes);
    if (ret != VIGIL_OK)
        return ret;
    ret = vg_lsigs_compile(&eng->lsigs, &why);
    if (ret == VIGIL_OK)
        ret = vg_matcher_compile(&eng->body, &why);
    if (ret != VIGIL_OK) {
        vg_engine_set_error(eng, "cannot compile body signatures: %s",
                            why ? why : vigil_strerror(ret));
        return ret;
    }
    vg_ignore_free(&eng->ignore); /* only needed while loading */
    eng->compiled = true;
    return VIGIL_OK;
}

int vigil_engine_load_cached(struct vigil_engine *eng,
                             const char *const *paths, size_t n,
                             const char *cache_dir, unsigned flags)
{
    VIGIL_VALIDATE(eng ? &eng->log : NULL, eng && (paths || n == 0),
                   VIGIL_E_ARG);
    if (eng->compiled || eng->nsigs)
        return VIGIL_E_STATE;
    eng->last_error[0] = '\0';
    /* A compiled file is mapped as it is: caching it would copy it. */
    if (n == 1 && is_compiled_file(paths[0]))
        return vigil_engine_load_db(eng, paths[0], NULL);
    return vg_cache_load(eng, paths, n, cache_dir, flags);
}

int vigil_engine_save(struct vigil_engine *eng, const char *path)
{
    VIGIL_VALIDATE(eng ? &eng->log : NULL, eng && path, VIGIL_E_ARG);
    if (!eng->compiled)
        return VIGIL_E_STATE;
    eng->last_error[0] = '\0';
    return vg_vdb_save(eng, path, NULL);
}

const char *vigil_engine_last_error(const struct vigil_engine *eng)
{
    return eng ? eng->last_error : "";
}

size_t vigil_engine_signature_count(const struct vigil_engine *eng)
{
    return eng ? eng->nsigs : 0;
}

struct vigil_engine *vigil_engine_ref(struct vigil_engine *eng)
{
    if (eng)
        atomic_fetch_add(&eng->refs, 1);
    return eng;
}

void vigil_engine_unref(struct vigil_engine **engp)
{
    struct vigil_engine *eng;
    if (!engp || !*engp)
        return;
    eng = *engp;
    *engp = NULL;
    if (atomic_fetch_sub(&eng->refs, 1) != 1)
        return;
    vigil_buf_free(&eng->sources);
    if (eng->map) {
        vg_vdb_release(eng);
        vg_ignore_free(&eng->ignore);
        vigil_free(eng);
        return;
    }
    vg_hashdb_free(&eng->hashes);
    vg_matcher_free(&eng->body);
    vg_ndbs_free(&eng->ndbs);
    vg_lsigs_free(&eng->lsigs);
    vg_names_free(&eng->names);
    vg_ignore_free(&eng->ignore);
    vigil_free(eng);
}
