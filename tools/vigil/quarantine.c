// SPDX-License-Identifier: GPL-2.0-or-later
// quarantine.c: placeholder until the quarantine store lands (issue 6):
// every call fails with a clear message, so --move/--copy never lose a
// file.
#include <stdio.h>

#include "quarantine.h"

int vq_open(const char *dir, bool create, struct vq_store **out, char *err,
            size_t errlen)
{
    (void)dir;
    (void)create;
    *out = NULL;
    snprintf(err, errlen, "quarantine is not available in this build");
    return -1;
}

void vq_close(struct vq_store **store)
{
    *store = NULL;
}

int vq_store_file(struct vq_store *store, const char *path,
                  const char *const *names, size_t n, enum vq_action action,
                  char *id, size_t idlen, char *err, size_t errlen)
{
    (void)store, (void)path, (void)names, (void)n, (void)action;
    if (idlen)
        id[0] = '\0';
    snprintf(err, errlen, "quarantine is not available in this build");
    return -1;
}
