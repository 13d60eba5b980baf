// SPDX-License-Identifier: GPL-2.0-or-later
// names.c: the pool of signature names.
#include "db/names.h"

#include "util/caps.h"
#include "vigil/vigil.h"

static const char unofficial_suffix[] = ".UNOFFICIAL";

void vg_names_init(struct vg_names *n)
{
    vigil_buf_init(&n->pool, VIGIL_CAP_NAME_POOL < UINT32_MAX
                                 ? VIGIL_CAP_NAME_POOL
                                 : UINT32_MAX);
}

void vg_names_free(struct vg_names *n)
{
    vigil_buf_free(&n->pool);
}

int vg_names_add(struct vg_names *n, struct vigil_str name, bool unofficial,
                 uint32_t *off)
{
    size_t start = n->pool.len;
    int ret = vigil_buf_append(&n->pool, name.p, name.len);
    if (ret == VIGIL_OK && unofficial)
        ret = vigil_buf_append(&n->pool, unofficial_suffix,
                               sizeof unofficial_suffix - 1);
    if (ret == VIGIL_OK)
        ret = vigil_buf_append(&n->pool, "", 1);
    if (ret != VIGIL_OK) {
        n->pool.len = start;
        return ret;
    }
    *off = (uint32_t)start;
    return VIGIL_OK;
}

const char *vg_names_get(const struct vg_names *n, uint32_t off)
{
    return (const char *)n->pool.data + off;
}

void vg_names_truncate(struct vg_names *n, size_t len)
{
    if (len < n->pool.len)
        n->pool.len = len;
}
