// SPDX-License-Identifier: GPL-2.0-or-later
// log.h: library logging through the caller's callback (silent by default).
#ifndef VIGIL_UTIL_LOG_H
#define VIGIL_UTIL_LOG_H

#include "vigil/vigil.h"

struct vg_logger {
    vigil_log_fn fn;
    void *cookie;
    enum vigil_log_level min;
};

__attribute__((format(printf, 4, 5))) void
vg_log(const struct vg_logger *lg, enum vigil_log_level level,
       const char *func, const char *fmt, ...);

#ifdef VIGIL_NO_LOGGING
#define VIGIL_LOG(lg, level, ...) ((void)(lg))
#else
/** Log through @p lg (a const struct vg_logger *); adds the function name. */
#define VIGIL_LOG(lg, level, ...) vg_log((lg), (level), __func__, __VA_ARGS__)
#endif

#endif
