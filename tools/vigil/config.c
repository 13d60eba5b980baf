// SPDX-License-Identifier: GPL-2.0-or-later
// config.c: vigil.conf, the defaults of `vigil scan`. Lines are
// `key = value` where key is a long option name; `#` starts a comment
// line (not a trailing comment: regexes may hold '#'). Each line becomes
// the option "--key=value" (for options without a value, "yes" gives
// "--key" and "no" nothing), parsed before the command line, which
// therefore wins.
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#define CONF_MAX_LINE 4096
#define CONF_MAX_ARGS 4096

static char *trim(char *s)
{
    char *e = s + strlen(s);
    while (*s == ' ' || *s == '\t')
        s++;
    while (e > s &&
           (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
        *--e = '\0';
    return s;
}

static const struct option *find_opt(const struct option *table,
                                     const char *key)
{
    if (!strcmp(key, "config-file") || !strcmp(key, "help"))
        return NULL; /* meaningless in the file itself */
    for (; table->name; table++)
        if (!strcmp(table->name, key))
            return table;
    return NULL;
}

static int yes_no(const char *v)
{
    if (!strcmp(v, "yes") || !strcmp(v, "true") || !strcmp(v, "1"))
        return 1;
    if (!strcmp(v, "no") || !strcmp(v, "false") || !strcmp(v, "0"))
        return 0;
    return -1;
}

static int push(struct conf_args *a, const char *key, const char *val)
{
    size_t n = strlen(key) + (val ? strlen(val) + 1 : 0) + 3;
    char *s;
    if (a->argc + 1 >= CONF_MAX_ARGS || !(s = malloc(n)))
        return -1;
    snprintf(s, n, "--%s%s%s", key, val ? "=" : "", val ? val : "");
    a->argv[a->argc++] = s;
    return 0;
}

/* One non-comment line. @return 0, or -1 with the reason in @p why */
static int conf_line(struct conf_args *a, const struct option *table,
                     char *line, const char **why)
{
    char *eq = strchr(line, '='), *key, *val;
    const struct option *opt;
    int yn;
    if (!eq) {
        *why = "expected 'key = value'";
        return -1;
    }
    *eq = '\0';
    key = trim(line);
    val = trim(eq + 1);
    if (!(opt = find_opt(table, key))) {
        *why = "unknown key";
        return -1;
    }
    if (opt->has_arg != no_argument) {
        *why = "out of memory";
        return push(a, key, val);
    }
    if ((yn = yes_no(val)) < 0) {
        *why = "expected yes or no";
        return -1;
    }
    *why = "out of memory";
    return yn ? push(a, key, NULL) : 0;
}

static int conf_parse(FILE *f, const char *path, struct conf_args *a,
                      const struct option *table)
{
    char line[CONF_MAX_LINE];
    unsigned lineno = 0;
    while (fgets(line, sizeof line, f)) {
        const char *why = NULL;
        char *s;
        lineno++;
        if (!strchr(line, '\n') && !feof(f)) {
            fprintf(stderr, "ERROR: %s:%u: line too long\n", path, lineno);
            return -1;
        }
        s = trim(line);
        if (*s == '\0' || *s == '#')
            continue;
        if (conf_line(a, table, s, &why) != 0) {
            fprintf(stderr, "ERROR: %s:%u: %s: %s\n", path, lineno, why, s);
            return -1;
        }
    }
    return 0;
}

int conf_read(const char *path, bool must_exist, const struct option *table,
              struct conf_args *out)
{
    FILE *f = fopen(path, "r");
    int ret;
    memset(out, 0, sizeof *out);
    if (!f) {
        if (!must_exist && errno == ENOENT)
            return 0;
        fprintf(stderr, "ERROR: cannot read %s: %s\n", path, strerror(errno));
        return -1;
    }
    ret = -1;
    out->argv = calloc(CONF_MAX_ARGS, sizeof *out->argv);
    if (out->argv && (out->argv[out->argc++] = strdup(path)) != NULL)
        ret = conf_parse(f, path, out, table);
    fclose(f);
    if (ret != 0)
        conf_free(out);
    return ret;
}

void conf_free(struct conf_args *a)
{
    for (int i = 0; i < a->argc; i++)
        free(a->argv[i]);
    free(a->argv);
    memset(a, 0, sizeof *a);
}
