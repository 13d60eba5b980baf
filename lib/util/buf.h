// SPDX-License-Identifier: GPL-2.0-or-later
// buf.h: a growable byte buffer with a hard cap.
#ifndef VIGIL_UTIL_BUF_H
#define VIGIL_UTIL_BUF_H

#include <stddef.h>
#include <stdint.h>

struct vigil_buf {
    uint8_t *data;
    size_t len, cap, max; /* max: the buffer never grows past it */
};

void vigil_buf_init(struct vigil_buf *b, size_t max);
/** Make room for @p extra more bytes. @return 0, VIGIL_E_NOMEM, VIGIL_E_LIMIT */
int vigil_buf_reserve(struct vigil_buf *b, size_t extra);
/** Append bytes. @return 0, VIGIL_E_NOMEM, VIGIL_E_LIMIT */
int vigil_buf_append(struct vigil_buf *b, const void *p, size_t n);
/** Append everything @p fd yields until end of file (retrying EINTR).
 *  @return 0, VIGIL_E_IO (errno says why), VIGIL_E_NOMEM, VIGIL_E_LIMIT */
int vigil_buf_read_fd(struct vigil_buf *b, int fd);

/** Release the storage and reset to empty (keeps max). */
void vigil_buf_free(struct vigil_buf *b);

#endif
