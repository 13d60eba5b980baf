// SPDX-License-Identifier: GPL-2.0-or-later
// qpayload.h: the defanged payload of a quarantine entry: a magic line,
// then the original content under AES-256-CTR with the entry's key.
#ifndef VIGIL_QPAYLOAD_H
#define VIGIL_QPAYLOAD_H

#include <stddef.h>
#include <stdint.h>

#include "qrecord.h"

#define VQ_PAYLOAD_MAGIC "vigilq1\n"
#define VQ_PAYLOAD_HDR 8

/* Called after each chunk written (the crash-test hook rides on it). */
typedef void (*vq_chunk_fn)(void *cookie);

/**
 * Write the header and the transformed content of @p in (read to end of
 * file) to @p out, hashing the original content.
 * @param[out] size    bytes read from @p in
 * @param[out] sha256  SHA-256 of those bytes
 * @return 0, or -1 with @p err set
 */
int vq_payload_encode(int in, int out, const uint8_t key[VQ_KEY_LEN],
                      const uint8_t iv[VQ_IV_LEN], uint64_t *size,
                      uint8_t sha256[VQ_SHA256_LEN], vq_chunk_fn chunk,
                      void *cookie, char *err, size_t errlen);

/**
 * Read payload @p in from offset 0, check its header and length
 * (@p size), undo the transform, write the content to @p out (-1: only
 * hash it) and check it against @p sha256.
 * @return 0, or -1 with @p err set
 */
int vq_payload_decode(int in, int out, const uint8_t key[VQ_KEY_LEN],
                      const uint8_t iv[VQ_IV_LEN], uint64_t size,
                      const uint8_t sha256[VQ_SHA256_LEN], char *err,
                      size_t errlen);

/** write(2) all of @p n bytes, retrying short writes and EINTR. */
int vq_write_all(int fd, const void *p, size_t n);

#endif
