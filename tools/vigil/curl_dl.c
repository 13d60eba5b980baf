// SPDX-License-Identifier: GPL-2.0-or-later
// curl_dl.c: loads libcurl with dlopen() when `vigil update` needs it.
#include "curl_dl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>

/*
 * Linked normally, libcurl and the 25 libraries it pulls in are mapped
 * and relocated at every start of `vigil`: about 7 ms and 4 MiB for a
 * one-file `vigil scan` that never fetches anything (measured, see
 * docs/internals/UPDATE.md). The soname is the one Debian's libcurl4
 * (and libcurl4-openssl-dev) provide.
 */
#define CURL_SONAME "libcurl.so.4"

static struct curl_api api;
static const struct curl_api *loaded;
static char error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* One symbol into @p slot. @return 0, or -1 with error[] set */
static int resolve(void *lib, const char *name, void *slot)
{
    void *f = dlsym(lib, name);
    if (!f) {
        snprintf(error, sizeof error, "%s: no symbol %s", CURL_SONAME, name);
        return -1;
    }
    /* POSIX: a data pointer from dlsym() may hold a function's address. */
    *(void **)slot = f;
    return 0;
}

static void load(void)
{
    void *lib = dlopen(CURL_SONAME, RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        snprintf(error, sizeof error, "cannot load %s (package libcurl4): %s",
                 CURL_SONAME, dlerror());
        return;
    }
    if (resolve(lib, "curl_global_init", &api.global_init) ||
        resolve(lib, "curl_global_cleanup", &api.global_cleanup) ||
        resolve(lib, "curl_easy_init", &api.easy_init) ||
        resolve(lib, "curl_easy_cleanup", &api.easy_cleanup) ||
        resolve(lib, "curl_easy_reset", &api.easy_reset) ||
        resolve(lib, "curl_easy_setopt", &api.easy_setopt) ||
        resolve(lib, "curl_easy_getinfo", &api.easy_getinfo) ||
        resolve(lib, "curl_easy_perform", &api.easy_perform) ||
        resolve(lib, "curl_easy_strerror", &api.easy_strerror)) {
        dlclose(lib);
        return;
    }
    loaded = &api; /* the library stays loaded until exit */
}

const struct curl_api *curl_api(void)
{
    pthread_once(&once, load);
    return loaded;
}

const char *curl_api_error(void)
{
    return error[0] ? error : "libcurl not loaded";
}
