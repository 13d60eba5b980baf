// SPDX-License-Identifier: GPL-2.0-or-later
// log.h: vigild's log: a file, syslog (the journal) or stderr; thread-safe.
#ifndef VIGILD_LOG_H
#define VIGILD_LOG_H

#include <stdbool.h>

#include <vigil/vigil.h>

enum vgd_level {
    VGD_DEBUG = 0,
    VGD_INFO = 1,
    VGD_WARN = 2,
    VGD_ERROR = 3,
};

struct vgd_log_opts {
    const char *file;   /* NULL: no log file */
    bool syslog;        /* also log to syslog */
    int facility;       /* syslog facility, LOG_LOCAL6 by default */
    bool to_stderr;     /* also log to stderr */
    bool log_time;      /* prefix file lines with the date */
    enum vgd_level min; /* least severe level written */
};

/* Before vgd_log_open() messages of level >= the preset minimum (INFO, or
 * DEBUG after vgd_log_preset(VGD_DEBUG)) go to stderr. */
void vgd_log_preset(enum vgd_level min);

/** Open the configured targets. @return 0, or -1 (errno) if the file
 *  cannot be opened. */
int vgd_log_open(const struct vgd_log_opts *o);

/** Reopen the log file (SIGHUP, after logrotate). Thread-safe. */
void vgd_log_reopen(void);

/** Hand the log file to @p uid/@p gid before privileges are dropped. */
void vgd_log_chown(unsigned uid, unsigned gid);

/** Stop writing to stderr (after daemonising). */
void vgd_log_detach_stderr(void);

void vgd_log_close(void);

__attribute__((format(printf, 2, 3))) void vgd_log(enum vgd_level level,
                                                   const char *fmt, ...);

/** The library's log callback (struct vigil_settings.log). */
void vgd_log_lib(void *cookie, enum vigil_log_level level, const char *msg);

#endif
