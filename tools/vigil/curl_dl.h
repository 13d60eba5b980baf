// SPDX-License-Identifier: GPL-2.0-or-later
// curl_dl.h: libcurl for `vigil update`, loaded at its first use, so that
// every other command starts without it (and its ~25 dependencies).
#ifndef VIGIL_CURL_DL_H
#define VIGIL_CURL_DL_H

#include <curl/curl.h>

/* The libcurl functions `vigil update` calls. */
struct curl_api {
    CURLcode (*global_init)(long flags);
    void (*global_cleanup)(void);
    CURL *(*easy_init)(void);
    void (*easy_cleanup)(CURL *c);
    void (*easy_reset)(CURL *c);
    CURLcode (*easy_setopt)(CURL *c, CURLoption opt, ...);
    CURLcode (*easy_getinfo)(CURL *c, CURLINFO info, ...);
    CURLcode (*easy_perform)(CURL *c);
    const char *(*easy_strerror)(CURLcode code);
};

/** libcurl's functions, loading the library on the first call.
 *  @return NULL when it cannot be loaded (curl_api_error() says why) */
const struct curl_api *curl_api(void);
const char *curl_api_error(void);

#endif
