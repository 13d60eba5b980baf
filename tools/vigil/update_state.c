// SPDX-License-Identifier: GPL-2.0-or-later
// update_state.c: `vigil update`'s persistent state (STATE_DIR/update.state):
// one "key value" per line, rewritten whole through a temporary file and
// rename, so a crash leaves the old or the new file, never half of one.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "update.h"
#include "util/strparse.h"

#define STATE_MAX ((size_t)1 << 20)

static char *dup_str(struct vigil_str s)
{
    char *p = malloc(s.len + 1);
    if (p) {
        memcpy(p, s.p, s.len);
        p[s.len] = '\0';
    }
    return p;
}

static int add(struct upd_state *st, char *k, char *v)
{
    char **nk = realloc(st->keys, (st->n + 1) * sizeof *nk);
    if (nk)
        st->keys = nk;
    char **nv = nk ? realloc(st->vals, (st->n + 1) * sizeof *nv) : NULL;
    if (!nk || !nv) {
        free(k);
        free(v);
        return VIGIL_E_NOMEM;
    }
    st->vals = nv;
    st->keys[st->n] = k;
    st->vals[st->n++] = v;
    return VIGIL_OK;
}

/* Lines that do not parse are dropped: the state is advisory (cool-downs,
 * the highest feed version seen), and a damaged file must not stop
 * updates. */
static int parse(struct upd_state *st, struct vigil_str rest)
{
    struct vigil_str line;
    while (vigil_str_next_line(&rest, &line)) {
        const char *sp = memchr(line.p, ' ', line.len);
        if (!sp || sp == line.p || line.p[0] == '#')
            continue;
        size_t kl = (size_t)(sp - line.p);
        char *k = dup_str(vigil_str_make(line.p, kl));
        char *v = k ? dup_str(vigil_str_make(sp + 1, line.len - kl - 1)) : NULL;
        if (!k || !v) {
            free(k);
            return VIGIL_E_NOMEM;
        }
        if (add(st, k, v) != VIGIL_OK)
            return VIGIL_E_NOMEM;
    }
    return VIGIL_OK;
}

/* mkdir -p */
static int make_dirs(const char *dir)
{
    char *p = strdup(dir);
    int r = p ? 0 : -1;
    for (char *s = p; s && p[0] && r == 0;) {
        if ((s = strchr(s + 1, '/')) != NULL)
            *s = '\0';
        if (mkdir(p, 0755) != 0 && errno != EEXIST)
            r = -1;
        if (s)
            *s = '/';
    }
    free(p);
    return r;
}

int upd_state_load(struct upd_state *st, const char *state_dir)
{
    struct vigil_buf b;
    int ret;

    memset(st, 0, sizeof *st);
    if (make_dirs(state_dir) != 0) {
        upd_err("%s: cannot create state directory: %s", state_dir,
                strerror(errno));
        return VIGIL_E_IO;
    }
    if (!(st->path = upd_path(state_dir, "update.state")))
        return VIGIL_E_NOMEM;
    ret = upd_read_file(st->path, STATE_MAX, &b);
    if (ret == VIGIL_E_NOENT) {
        vigil_buf_free(&b);
        return VIGIL_OK;
    }
    if (ret == VIGIL_OK)
        ret = parse(st, vigil_str_make((const char *)b.data, b.len));
    vigil_buf_free(&b);
    return ret;
}

const char *upd_state_get(const struct upd_state *st, const char *key)
{
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->keys[i], key) == 0)
            return st->vals[i];
    return NULL;
}

uint64_t upd_state_get_u64(const struct upd_state *st, const char *key)
{
    const char *v = upd_state_get(st, key);
    const char *sp = v ? strchr(v, ' ') : NULL;
    uint64_t out = 0;
    /* the first word: "cooldown:URL" values are "UNTIL HTTPCODE" */
    if (!v ||
        vigil_str_to_u64(vigil_str_make(v, sp ? (size_t)(sp - v) : strlen(v)),
                         UINT64_MAX, &out))
        return 0;
    return out;
}

int upd_state_set(struct upd_state *st, const char *key, const char *val)
{
    char *v = dup_str(vigil_str_cstr(val));
    if (!v)
        return VIGIL_E_NOMEM;
    for (size_t i = 0; i < st->n; i++)
        if (strcmp(st->keys[i], key) == 0) {
            free(st->vals[i]);
            st->vals[i] = v;
            return VIGIL_OK;
        }
    char *k = dup_str(vigil_str_cstr(key));
    if (!k) {
        free(v);
        return VIGIL_E_NOMEM;
    }
    return add(st, k, v);
}

int upd_state_set_u64(struct upd_state *st, const char *key, uint64_t v)
{
    char s[32];
    snprintf(s, sizeof s, "%llu", (unsigned long long)v);
    return upd_state_set(st, key, s);
}

static int write_all(int fd, const struct upd_state *st)
{
    for (size_t i = 0; i < st->n; i++)
        if (dprintf(fd, "%s %s\n", st->keys[i], st->vals[i]) < 0)
            return -1;
    return fsync(fd);
}

int upd_state_save(const struct upd_state *st)
{
    size_t n = strlen(st->path) + 8;
    char *tmp = malloc(n);
    int fd, ok;

    if (!tmp)
        return VIGIL_E_NOMEM;
    snprintf(tmp, n, "%s.tmp", st->path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ok = fd >= 0 && write_all(fd, st) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    if (!ok || rename(tmp, st->path) != 0) {
        upd_err("%s: cannot write the update state: %s", st->path,
                strerror(errno));
        unlink(tmp);
        free(tmp);
        return VIGIL_E_IO;
    }
    free(tmp);
    return VIGIL_OK;
}

void upd_state_free(struct upd_state *st)
{
    for (size_t i = 0; i < st->n; i++) {
        free(st->keys[i]);
        free(st->vals[i]);
    }
    free(st->keys);
    free(st->vals);
    free(st->path);
    memset(st, 0, sizeof *st);
}
