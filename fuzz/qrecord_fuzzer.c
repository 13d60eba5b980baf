// SPDX-License-Identifier: GPL-2.0-or-later
// qrecord_fuzzer.c: fuzzes the quarantine record parser (a record is a
// file a user or a disk error may have damaged); a record that parses
// must format back to text that parses to the same record.
#include <stdlib.h>
#include <string.h>

#include "fuzzer.h"
#include "qrecord.h"

static void same(const struct vq_record *a, const struct vq_record *b)
{
    if (strcmp(a->id, b->id) || strcmp(a->path, b->path) ||
        a->size != b->size || a->mode != b->mode || a->uid != b->uid ||
        a->gid != b->gid || strcmp(a->user, b->user) ||
        strcmp(a->group, b->group) || strcmp(a->host, b->host) ||
        a->atime.sec != b->atime.sec || a->atime.nsec != b->atime.nsec ||
        a->mtime.sec != b->mtime.sec || a->qtime != b->qtime ||
        a->moved != b->moved || a->n_names != b->n_names ||
        memcmp(a->sha256, b->sha256, sizeof a->sha256) ||
        memcmp(a->key, b->key, sizeof a->key) ||
        memcmp(a->iv, b->iv, sizeof a->iv))
        abort();
    for (size_t i = 0; i < a->n_names; i++)
        if (strcmp(a->names[i], b->names[i]))
            abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vq_record r, again;
    char err[256], *text;
    if (vq_record_parse((const char *)data, size, &r, err, sizeof err))
        return 0;
    text = vq_record_format(&r);
    if (text) {
        if (vq_record_parse(text, strlen(text), &again, err, sizeof err))
            abort();
        same(&r, &again);
        vq_record_clear(&again);
        free(text);
    }
    vq_record_clear(&r);
    return 0;
}
