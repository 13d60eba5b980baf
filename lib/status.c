// SPDX-License-Identifier: GPL-2.0-or-later
// status.c: texts for status codes, and the version string.
#include "vigil/vigil.h"

const char *vigil_strerror(int status)
{
    switch (status) {
    case VIGIL_OK: return "success";
    case VIGIL_E_ARG: return "invalid argument";
    case VIGIL_E_NOMEM: return "out of memory";
    case VIGIL_E_IO: return "input/output error";
    case VIGIL_E_CORRUPT: return "malformed data";
    case VIGIL_E_UNSUPPORTED: return "unsupported data";
    case VIGIL_E_LIMIT: return "limit exceeded";
    case VIGIL_E_DB: return "malformed database";
    case VIGIL_E_NOENT: return "no such file or directory";
    case VIGIL_E_STATE: return "call not valid in this state";
    case VIGIL_E_ACCESS: return "permission denied";
    default: return "unknown error";
    }
}

const char *vigil_version(void)
{
    return VIGIL_VERSION_STRING;
}
