// SPDX-License-Identifier: GPL-2.0-or-later
// update_fetch.c: where update files come from: a ClamAV-style mirror over
// HTTP(S) (libcurl) or, for --from, a local directory. Both answer the
// same way (enum upd_got), so everything after the fetch is one code path.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <vigil/vigil.h>

#include "curl_dl.h"
#include "db/tar.h"
#include "update.h"
#include "util/strparse.h"

#define HEADER_LEN 512u

struct sink {
    struct vigil_buf *out;
    size_t max;
    bool full; /* header_only: got enough, stopped on purpose */
};

static size_t on_body(char *p, size_t sz, size_t n, void *u)
{
    struct sink *k = u;
    size_t len = sz * n;
    if (k->out->len + len > k->max) {
        len = k->max - k->out->len;
        k->full = true;
    }
    if (vigil_buf_append(k->out, p, len) != VIGIL_OK)
        return 0;
    return k->full ? 0 : sz * n; /* 0 stops the transfer */
}

static size_t on_header(char *p, size_t sz, size_t n, void *u)
{
    struct upd_source *s = u;
    struct vigil_str h = vigil_str_make(p, sz * n);
    static const char key[] = "retry-after:";
    uint64_t v;

    if (h.len > sizeof key - 1 && strncasecmp(h.p, key, sizeof key - 1) == 0) {
        h.p += sizeof key - 1;
        h.len -= sizeof key - 1;
        while (h.len && (*h.p == ' ' || *h.p == '\t'))
            h.p++, h.len--;
        while (h.len && (h.p[h.len - 1] == '\r' || h.p[h.len - 1] == '\n' ||
                         h.p[h.len - 1] == ' '))
            h.len--;
        /* delta-seconds only; an HTTP date is ignored (default applies) */
        if (!vigil_str_to_u64(h, 7 * 86400, &v))
            s->retry_after = v;
    }
    return sz * n;
}

/* A bundle is a plain tar of a mirror directory (names without '/'),
 * read whole and served from memory. */
static int open_bundle(struct upd_source *s)
{
    struct vg_why why = {""};
    int ret = upd_read_file(s->base, UPD_MAX_FILE, &s->bundle);

    if (ret == VIGIL_OK && !(s->tar = calloc(1, sizeof *s->tar)))
        ret = VIGIL_E_NOMEM;
    if (ret == VIGIL_OK)
        ret = vg_tar_parse(vigil_span_make(s->bundle.data, s->bundle.len),
                           s->tar, &why);
    if (ret != VIGIL_OK)
        upd_err("%s: not a usable bundle: %s", s->base,
                why.msg[0] ? why.msg : vigil_strerror(ret));
    return ret;
}

int upd_source_open(struct upd_source *s, const char *base, bool local,
                    long timeout)
{
    size_t n = strlen(base);
    memset(s, 0, sizeof *s);
    s->base = base;
    s->local = local;
    s->timeout = timeout;
    vigil_buf_init(&s->bundle, UPD_MAX_FILE);
    if (local && n > 4 && !strcmp(base + n - 4, ".tar"))
        return open_bundle(s);
    if (local)
        return VIGIL_OK;
    if (!curl_api()) {
        snprintf(s->msg, sizeof s->msg, "%s", curl_api_error());
        return VIGIL_E_UNSUPPORTED;
    }
    if (!(s->curl = curl_api()->easy_init()))
        return VIGIL_E_NOMEM;
    return VIGIL_OK;
}

const char *upd_source_member(const struct upd_source *s, size_t i)
{
    return s->tar && i < s->tar->n ? s->tar->m[i].name : NULL;
}

void upd_source_close(struct upd_source *s)
{
    if (s->curl)
        curl_api()->easy_cleanup(s->curl);
    s->curl = NULL;
    if (s->tar)
        vg_tar_free(s->tar);
    free(s->tar);
    s->tar = NULL;
    vigil_buf_free(&s->bundle);
}

static enum upd_got fetch_member(struct upd_source *s, const char *name,
                                 bool header_only, struct vigil_buf *out)
{
    const struct vg_tar_member *m = vg_tar_find(s->tar, name);
    size_t n;
    s->requests++;
    if (!m)
        return UPD_MISSING;
    n = header_only && m->data.len > HEADER_LEN ? HEADER_LEN : m->data.len;
    if (vigil_buf_append(out, m->data.p, n) != VIGIL_OK) {
        snprintf(s->msg, sizeof s->msg, "%s: %s: out of memory", s->base, name);
        return UPD_FAILED;
    }
    return UPD_GOT;
}

static enum upd_got fetch_local(struct upd_source *s, const char *name,
                                bool header_only, struct vigil_buf *out)
{
    char *path = upd_path(s->base, name);
    int ret;

    if (s->tar) {
        free(path);
        return fetch_member(s, name, header_only, out);
    }
    if (!path)
        return UPD_FAILED;
    s->requests++;
    ret = upd_read_file(path, header_only ? HEADER_LEN : UPD_MAX_FILE, out);
    if (ret == VIGIL_E_NOENT) {
        free(path);
        return UPD_MISSING;
    }
    if (ret != VIGIL_OK)
        snprintf(s->msg, sizeof s->msg, "%s: cannot read: %s", path,
                 vigil_strerror(ret));
    free(path);
    return ret == VIGIL_OK ? UPD_GOT : UPD_FAILED;
}

static void set_options(struct upd_source *s, const char *url, bool header_only,
                        uint64_t ims, struct sink *k)
{
    const struct curl_api *cu = curl_api(); /* loaded: s->curl exists */
    CURL *c = s->curl;
    cu->easy_reset(c);
    cu->easy_setopt(c, CURLOPT_URL, url);
    cu->easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    cu->easy_setopt(c, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
    cu->easy_setopt(c, CURLOPT_FOLLOWLOCATION, 1L);
    cu->easy_setopt(c, CURLOPT_MAXREDIRS, 5L);
    cu->easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    cu->easy_setopt(c, CURLOPT_CONNECTTIMEOUT, s->timeout);
    /* A stalled transfer (under 1 byte/s for `timeout` seconds) fails. */
    cu->easy_setopt(c, CURLOPT_LOW_SPEED_LIMIT, 1L);
    cu->easy_setopt(c, CURLOPT_LOW_SPEED_TIME, s->timeout);
    cu->easy_setopt(c, CURLOPT_USERAGENT, "vigil/" VIGIL_VERSION_STRING);
    cu->easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
    cu->easy_setopt(c, CURLOPT_WRITEDATA, k);
    cu->easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    cu->easy_setopt(c, CURLOPT_HEADERDATA, s);
    if (header_only)
        cu->easy_setopt(c, CURLOPT_RANGE, "0-511");
    if (ims) {
        cu->easy_setopt(c, CURLOPT_TIMECONDITION,
                         (long)CURL_TIMECOND_IFMODSINCE);
        cu->easy_setopt(c, CURLOPT_TIMEVALUE_LARGE, (curl_off_t)ims);
    }
}

static enum upd_got classify(struct upd_source *s, const char *url, CURLcode rc,
                             const struct sink *k, bool header_only)
{
    long code = 0;
    curl_api()->easy_getinfo(s->curl, CURLINFO_RESPONSE_CODE, &code);
    s->http_code = code;
    if (rc == CURLE_WRITE_ERROR && k->full && header_only)
        rc = CURLE_OK; /* we stopped it: the header is all we wanted */
    if (rc != CURLE_OK) {
        snprintf(s->msg, sizeof s->msg, "%s: %s", url, curl_api()->easy_strerror(rc));
        return UPD_FAILED;
    }
    if (code == 304)
        return UPD_NOT_MODIFIED;
    if (code == 404 || code == 410)
        return UPD_MISSING;
    if (code == 429 || code == 403) {
        snprintf(s->msg, sizeof s->msg, "%s: HTTP %ld", url, code);
        return UPD_COOLDOWN;
    }
    if (code != 200 && code != 206) {
        snprintf(s->msg, sizeof s->msg, "%s: HTTP %ld", url, code);
        return UPD_FAILED;
    }
    return UPD_GOT;
}

enum upd_got upd_fetch(struct upd_source *s, const char *name, bool header_only,
                       uint64_t ims, struct vigil_buf *out)
{
    struct sink k = {out, header_only ? HEADER_LEN : UPD_MAX_FILE, false};
    size_t n = strlen(s->base) + strlen(name) + 2;
    char *url;
    enum upd_got got;

    vigil_buf_free(out);
    vigil_buf_init(out, UPD_MAX_FILE);
    s->msg[0] = '\0';
    s->retry_after = 0;
    if (s->local)
        return fetch_local(s, name, header_only, out);
    if (!(url = malloc(n)))
        return UPD_FAILED;
    snprintf(url, n, "%s%s%s", s->base,
             s->base[0] && s->base[strlen(s->base) - 1] == '/' ? "" : "/",
             name);
    set_options(s, url, header_only, ims, &k);
    s->requests++;
    got = classify(s, url, curl_api()->easy_perform(s->curl), &k, header_only);
    free(url);
    return got;
}
