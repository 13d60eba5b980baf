// SPDX-License-Identifier: GPL-2.0-or-later
// validate.h: argument checks at the public API boundary (conventions §15).
#ifndef VIGIL_UTIL_VALIDATE_H
#define VIGIL_UTIL_VALIDATE_H


#include "util/log.h"

/* Logs the failed condition and returns @p err. No assert: tests call the
 * API with bad arguments on purpose and expect the error code. */
#define VIGIL_VALIDATE(lg, cond, err)                                        \
    do {                                                                     \
        if (!(cond)) {                                                       \
            VIGIL_LOG((lg), VIGIL_LOG_ERROR, "%s: invalid argument: %s",     \
                      __func__, #cond);                                      \
            return (err);                                                    \
        }                                                                    \
    } while (0)

#endif
