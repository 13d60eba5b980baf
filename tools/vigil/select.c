// SPDX-License-Identifier: GPL-2.0-or-later
// select.c: which files and directories `vigil scan` passes over:
// --exclude/--include (POSIX extended regexes, as clamscan, on the file's
// absolute symlink-free path, which is what clamscan matches), their -dir
// forms (on the directory path as displayed, again as clamscan), and the
// glob forms (fnmatch; on the name when the glob has no '/', else on the
// displayed path).
#include <fnmatch.h>
#include <limits.h>
#include <regex.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "select.h"

struct regex_set {
    regex_t *re;
    size_t n;
};

struct select_rules {
    struct regex_set exclude, exclude_dir, include, include_dir;
    const struct opt_list *exclude_glob, *include_glob;
};

static int compile_set(struct regex_set *s, const struct opt_list *l,
                       const char *opt, char *err, size_t errlen)
{
    if (l->n == 0)
        return 0;
    if (!(s->re = calloc(l->n, sizeof *s->re)))
        return -1;
    for (; s->n < l->n; s->n++) {
        int rc = regcomp(&s->re[s->n], l->v[s->n], REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char why[128];
            regerror(rc, &s->re[s->n], why, sizeof why);
            snprintf(err, errlen, "--%s=%s: %s", opt, l->v[s->n], why);
            return -1;
        }
    }
    return 0;
}

static void free_set(struct regex_set *s)
{
    for (size_t i = 0; i < s->n; i++)
        regfree(&s->re[i]);
    free(s->re);
}

void select_free(struct select_rules **rp)
{
    struct select_rules *r = *rp;
    if (!r)
        return;
    free_set(&r->exclude);
    free_set(&r->exclude_dir);
    free_set(&r->include);
    free_set(&r->include_dir);
    free(r);
    *rp = NULL;
}

int select_new(const struct scan_opts *o, struct select_rules **out, char *err,
               size_t errlen)
{
    struct select_rules *r = calloc(1, sizeof *r);
    snprintf(err, errlen, "out of memory");
    if (!r)
        return -1;
    r->exclude_glob = &o->exclude_glob;
    r->include_glob = &o->include_glob;
    if (compile_set(&r->exclude, &o->exclude, "exclude", err, errlen) ||
        compile_set(&r->exclude_dir, &o->exclude_dir, "exclude-dir", err,
                    errlen) ||
        compile_set(&r->include, &o->include, "include", err, errlen) ||
        compile_set(&r->include_dir, &o->include_dir, "include-dir", err,
                    errlen)) {
        select_free(&r);
        return -1;
    }
    *out = r;
    return 0;
}

static bool any_regex(const struct regex_set *s, const char *str)
{
    for (size_t i = 0; i < s->n; i++)
        if (regexec(&s->re[i], str, 0, NULL, 0) == 0)
            return true;
    return false;
}

static bool any_glob(const struct opt_list *l, const char *path,
                     const char *name)
{
    for (size_t i = 0; i < l->n; i++) {
        bool whole = strchr(l->v[i], '/') != NULL;
        if (fnmatch(l->v[i], whole ? path : name, 0) == 0)
            return true;
    }
    return false;
}

/* The regexes apply only if any exist: realpath() costs a walk up the
 * path, so it is not paid otherwise. */
static bool file_regex_excluded(const struct select_rules *r, const char *path)
{
    char *real;
    bool out;
    if (r->exclude.n == 0 && r->include.n == 0)
        return false;
    real = realpath(path, NULL);
    out = any_regex(&r->exclude, real ? real : path) ||
          (r->include.n && !any_regex(&r->include, real ? real : path));
    free(real);
    return out;
}

bool select_skip_file(const struct select_rules *r, const char *path,
                      const char *name)
{
    if (!r)
        return false;
    if (any_glob(r->exclude_glob, path, name))
        return true;
    if (r->include_glob->n && !any_glob(r->include_glob, path, name))
        return true;
    return file_regex_excluded(r, path);
}

bool select_skip_dir(const struct select_rules *r, const char *path,
                     const char *name)
{
    if (!r)
        return false;
    if (any_glob(r->exclude_glob, path, name) ||
        any_regex(&r->exclude_dir, path))
        return true;
    return r->include_dir.n && !any_regex(&r->include_dir, path);
}

const char *path_basename(const char *path)
{
    const char *s = strrchr(path, '/');
    return s && s[1] ? s + 1 : path;
}
