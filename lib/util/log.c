// SPDX-License-Identifier: GPL-2.0-or-later
// log.c: formats a message and hands it to the caller's log callback.
#include "util/log.h"

#include <stdarg.h>
#include <stdio.h>

#include "util/caps.h"

void vg_log(const struct vg_logger *lg, enum vigil_log_level level,
            const char *func, const char *fmt, ...)
{
    char msg[VIGIL_CAP_LOG_MSG];
    va_list ap;
    if (!lg || !lg->fn || level < lg->min)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    (void)func; /* kept for debug builds that want it in the message */
    lg->fn(lg->cookie, level, msg);
}
