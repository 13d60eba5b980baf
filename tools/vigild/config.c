// SPDX-License-Identifier: GPL-2.0-or-later
// config.c: reads vigild.conf and clamd.conf ("Option value" lines).
//
// Both files use clamd's syntax: one option per line, the name, blanks, the
// value; '#' starts a comment line; booleans are yes/no, true/false, on/off
// or 1/0; sizes take a K or M suffix (kibibytes, mebibytes), as clamd's.
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"
#include "util/strparse.h"

enum opt_kind {
    OPT_STR,
    OPT_BOOL,
    OPT_UINT,
    OPT_SIZE,
    OPT_MODE,
    OPT_ADDR,
    OPT_FACILITY,
};

struct opt {
    const char *name;
    enum opt_kind kind;
    size_t off;
    uint64_t max; /* OPT_UINT, OPT_SIZE */
};

#define O(name, kind, field, max)                                              \
    {                                                                          \
        name, kind, offsetof(struct vgd_config, field), max                    \
    }

/* The options vigild uses. Every one is read from a clamd.conf too. */
static const struct opt g_opts[] = {
    O("LocalSocket", OPT_STR, local_socket, 0),
    O("LocalSocketMode", OPT_MODE, local_socket_mode, 07777),
    O("LocalSocketGroup", OPT_STR, local_socket_group, 0),
    O("TCPSocket", OPT_UINT, tcp_port, 65535),
    O("TCPAddr", OPT_ADDR, tcp_addr, 0),
    O("MaxConnectionQueueLength", OPT_UINT, backlog, 65535),
    O("MaxThreads", OPT_UINT, max_threads, 4096),
    O("MaxQueue", OPT_UINT, max_queue, 1u << 20),
    O("StreamMaxLength", OPT_SIZE, stream_max_length, UINT32_MAX),
    O("StreamMemoryBudget", OPT_SIZE, stream_mem_budget, UINT64_MAX >> 1),
    O("ReadTimeout", OPT_UINT, read_timeout, 86400),
    O("CommandReadTimeout", OPT_UINT, command_timeout, 86400),
    O("IdleTimeout", OPT_UINT, idle_timeout, 86400),
    O("SelfCheck", OPT_UINT, self_check, 86400 * 7),
    O("DatabaseDirectory", OPT_STR, database_dir, 0),
    O("CacheDirectory", OPT_STR, cache_dir, 0),
    O("LogFile", OPT_STR, log_file, 0),
    O("LogSyslog", OPT_BOOL, log_syslog, 0),
    O("LogFacility", OPT_FACILITY, log_facility, 0),
    O("LogVerbose", OPT_BOOL, log_verbose, 0),
    O("LogTime", OPT_BOOL, log_time, 0),
    O("Debug", OPT_BOOL, debug, 0),
    O("User", OPT_STR, user, 0),
    O("MaxScanSize", OPT_SIZE, max_scan_size, UINT64_MAX >> 1),
    O("MaxFileSize", OPT_SIZE, max_file_size, UINT64_MAX >> 1),
    O("MaxRecursion", OPT_UINT, max_recursion, 1u << 16),
    O("MaxFiles", OPT_UINT, max_files, UINT32_MAX),
    O("MaxDirectoryRecursion", OPT_UINT, max_dir_recursion, 1u << 16),
    O("MaxScanTime", OPT_UINT, max_scan_time, UINT32_MAX),
    O("AlertExceedsMax", OPT_BOOL, alert_exceeds_max, 0),
    O("AlertEncrypted", OPT_BOOL, alert_encrypted, 0),
    O("AlertEncryptedArchive", OPT_BOOL, alert_encrypted_archive, 0),
    O("AlertEncryptedDoc", OPT_BOOL, alert_encrypted_doc, 0),
    O("Foreground", OPT_BOOL, foreground, 0),
    O("PidFile", OPT_STR, pid_file, 0),
    O("TemporaryDirectory", OPT_STR, temp_dir, 0),
    O("AllowAllMatchScan", OPT_BOOL, allow_allmatch, 0),
    O("FollowDirectorySymlinks", OPT_BOOL, follow_dir_symlinks, 0),
    O("FollowFileSymlinks", OPT_BOOL, follow_file_symlinks, 0),
};

void vgd_config_defaults(struct vgd_config *c)
{
    memset(c, 0, sizeof *c);
    c->local_socket_mode = 0666;
    c->backlog = 200;
    c->max_threads = 10;
    c->max_queue = 100;
    c->stream_max_length = 100u << 20;
    c->stream_mem_budget = 256u << 20;
    c->read_timeout = 120;
    c->command_timeout = 30;
    c->idle_timeout = 30;
    c->self_check = 600;
    c->log_facility = LOG_LOCAL6;
    c->max_scan_size = 400u << 20;
    c->max_file_size = 100u << 20;
    c->max_recursion = 17;
    c->max_files = 10000;
    c->max_dir_recursion = 15;
    c->max_scan_time = 120000;
    c->allow_allmatch = true;
}

static int parse_bool(struct vigil_str v, bool *out)
{
    static const char *const yes[] = {"yes", "true", "on", "1"};
    static const char *const no[] = {"no", "false", "off", "0"};
    for (size_t i = 0; i < 4; i++) {
        if (v.len == strlen(yes[i]) && !strncasecmp(v.p, yes[i], v.len)) {
            *out = true;
            return 0;
        }
        if (v.len == strlen(no[i]) && !strncasecmp(v.p, no[i], v.len)) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* "100M", "1k", "4096": clamd's size syntax. */
static int parse_size(struct vigil_str v, uint64_t max, uint64_t *out)
{
    unsigned shift = 0;
    uint64_t n;
    if (v.len > 1) {
        char s = v.p[v.len - 1];
        if (s == 'k' || s == 'K')
            shift = 10;
        else if (s == 'm' || s == 'M')
            shift = 20;
        if (shift)
            v.len--;
    }
    if (vigil_str_to_u64(v, max >> shift, &n))
        return -1;
    *out = n << shift;
    return 0;
}

static int parse_mode(struct vigil_str v, unsigned *out)
{
    unsigned m = 0;
    if (v.len == 0 || v.len > 5)
        return -1;
    for (size_t i = 0; i < v.len; i++) {
        if (v.p[i] < '0' || v.p[i] > '7')
            return -1;
        m = m * 8 + (unsigned)(v.p[i] - '0');
    }
    if (m > 07777)
        return -1;
    *out = m;
    return 0;
}

static int parse_facility(struct vigil_str v, int *out)
{
    static const struct {
        const char *name;
        int value;
    } f[] = {{"LOG_LOCAL0", LOG_LOCAL0}, {"LOG_LOCAL1", LOG_LOCAL1},
             {"LOG_LOCAL2", LOG_LOCAL2}, {"LOG_LOCAL3", LOG_LOCAL3},
             {"LOG_LOCAL4", LOG_LOCAL4}, {"LOG_LOCAL5", LOG_LOCAL5},
             {"LOG_LOCAL6", LOG_LOCAL6}, {"LOG_LOCAL7", LOG_LOCAL7},
             {"LOG_MAIL", LOG_MAIL},     {"LOG_DAEMON", LOG_DAEMON},
             {"LOG_USER", LOG_USER}};
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++)
        if (vigil_str_eq(v, f[i].name)) {
            *out = f[i].value;
            return 0;
        }
    return -1;
}

static int set_string(char **slot, struct vigil_str v)
{
    char *s = strndup(v.p, v.len);
    if (!s)
        return -1;
    free(*slot);
    *slot = s;
    return 0;
}

static int add_addr(struct vgd_config *c, struct vigil_str v)
{
    if (c->n_tcp_addr == VGD_MAX_TCPADDR)
        return -1;
    c->tcp_addr[c->n_tcp_addr] = NULL;
    if (set_string(&c->tcp_addr[c->n_tcp_addr], v))
        return -1;
    c->n_tcp_addr++;
    return 0;
}

static int apply(struct vgd_config *c, const struct opt *o, struct vigil_str v)
{
    char *field = (char *)c + o->off;
    uint64_t n;
    switch (o->kind) {
    case OPT_STR: return set_string((char **)(void *)field, v);
    case OPT_BOOL: return parse_bool(v, (bool *)(void *)field);
    case OPT_MODE: return parse_mode(v, (unsigned *)(void *)field);
    case OPT_ADDR: return add_addr(c, v);
    case OPT_FACILITY: return parse_facility(v, (int *)(void *)field);
    case OPT_SIZE: return parse_size(v, o->max, (uint64_t *)(void *)field);
    case OPT_UINT:
        if (vigil_str_to_u64(v, o->max, &n))
            return -1;
        *(unsigned *)(void *)field = (unsigned)n;
        return 0;
    }
    return -1;
}

static const struct opt *find_opt(struct vigil_str name)
{
    for (size_t i = 0; i < sizeof g_opts / sizeof g_opts[0]; i++)
        if (name.len == strlen(g_opts[i].name) &&
            !strncasecmp(name.p, g_opts[i].name, name.len))
            return &g_opts[i];
    return NULL;
}

static struct vigil_str trim(struct vigil_str s)
{
    while (s.len && (s.p[0] == ' ' || s.p[0] == '\t'))
        s.p++, s.len--;
    while (s.len && (s.p[s.len - 1] == ' ' || s.p[s.len - 1] == '\t' ||
                     s.p[s.len - 1] == '\r'))
        s.len--;
    return s;
}

/* Split "Name value" at the first blank; the value may hold blanks. */
static void split_line(struct vigil_str line, struct vigil_str *name,
                       struct vigil_str *value)
{
    size_t i = 0;
    while (i < line.len && line.p[i] != ' ' && line.p[i] != '\t')
        i++;
    *name = vigil_str_make(line.p, i);
    *value = trim(vigil_str_make(line.p + i, line.len - i));
}

static int load_line(struct vgd_config *c, struct vigil_str line,
                     const char *path, unsigned lineno, bool clamd)
{
    struct vigil_str name, value;
    const struct opt *o;
    line = trim(line);
    if (line.len == 0 || line.p[0] == '#')
        return 0;
    split_line(line, &name, &value);
    if (!(o = find_opt(name))) {
        if (clamd || vigil_str_eq(name, "Example")) {
            vgd_log(VGD_DEBUG, "%s:%u: option %.*s is not used by vigild", path,
                    lineno, (int)name.len, name.p);
            return 0;
        }
        vgd_log(VGD_ERROR, "%s:%u: unknown option %.*s", path, lineno,
                (int)name.len, name.p);
        return -1;
    }
    if (value.len == 0 || apply(c, o, value)) {
        vgd_log(VGD_ERROR, "%s:%u: bad value for %s: '%.*s'", path, lineno,
                o->name, (int)value.len, value.p);
        return -1;
    }
    return 0;
}

static char *read_text(const char *path, size_t *len)
{
    FILE *f = fopen(path, "re");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (!f)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *nb = cap < (1u << 20) ? realloc(buf, cap = cap * 2 + 4096)
                                        : NULL; /* configs are small */
            if (!nb)
                break;
            buf = nb;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    if (ferror(f) || n == cap) {
        free(buf);
        buf = NULL;
        errno = n == cap ? EFBIG : EIO;
    }
    fclose(f);
    *len = n;
    return buf;
}

int vgd_config_load(struct vgd_config *c, const char *path, bool clamd)
{
    size_t len = 0;
    char *text = read_text(path, &len);
    struct vigil_str rest, line;
    unsigned lineno = 0;
    int ret = 0;
    if (!text) {
        vgd_log(VGD_ERROR, "cannot read %s: %s", path, strerror(errno));
        return -1;
    }
    rest = vigil_str_make(text, len);
    while (ret == 0 && vigil_str_next_line(&rest, &line))
        ret = load_line(c, line, path, ++lineno, clamd);
    free(text);
    return ret;
}

int vgd_config_check(const struct vgd_config *c)
{
    if (c->max_threads == 0) {
        vgd_log(VGD_ERROR, "MaxThreads must be at least 1");
        return -1;
    }
    if (c->max_queue == 0) {
        vgd_log(VGD_ERROR, "MaxQueue must be at least 1");
        return -1;
    }
    if (c->local_socket && c->local_socket[0] != '/') {
        vgd_log(VGD_ERROR, "LocalSocket must be an absolute path");
        return -1;
    }
    return 0;
}

void vgd_config_free(struct vgd_config *c)
{
    for (size_t i = 0; i < sizeof g_opts / sizeof g_opts[0]; i++)
        if (g_opts[i].kind == OPT_STR)
            free(*(char **)(void *)((char *)c + g_opts[i].off));
    for (size_t i = 0; i < c->n_tcp_addr; i++)
        free(c->tcp_addr[i]);
    memset(c, 0, sizeof *c);
}
