// SPDX-License-Identifier: GPL-2.0-or-later
// instream.h: INSTREAM: <uint32 big-endian length><bytes> chunks, a zero
// length ends the stream; the data lands in memory or a temporary file.
#ifndef VIGILD_INSTREAM_H
#define VIGILD_INSTREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vgd_conn;
struct vgd_daemon;

/*
 * Stream data is kept in memory while the daemon-wide StreamMemoryBudget
 * allows, then in an unlinked temporary file (TemporaryDirectory). Past
 * MaxFileSize or MaxScanSize nothing more is kept: clamd does not scan such
 * an object and answers OK, and so does vigild, without storing it.
 */
struct vgd_sink {
    struct vgd_daemon *d;
    uint8_t *mem;
    size_t len, cap;
    size_t charged;  /* bytes of the memory budget held (== cap) */
    int fd;          /* the temporary file, or -1 */
    uint8_t *bounce; /* read buffer while writing to the file */
    uint64_t total;  /* bytes received */
    uint64_t keep;   /* larger streams are dropped; 0: no limit */
};

enum vgd_instream_status {
    VGD_IS_OK = 0,
    VGD_IS_LIMIT,   /* over StreamMaxLength */
    VGD_IS_TIMEOUT, /* ReadTimeout */
    VGD_IS_CLOSED,  /* client gone or read error */
    VGD_IS_ERROR,   /* no memory, temporary file failed */
};

void vgd_sink_init(struct vgd_sink *s, struct vgd_daemon *d);
void vgd_sink_free(struct vgd_sink *s);
/** True when the stream was too large to keep (and is not scanned). */
bool vgd_sink_dropped(const struct vgd_sink *s);

/**
 * Read the chunks that follow an INSTREAM command: first what is left in
 * the connection buffer from *@p pos, then the socket. On VGD_IS_OK
 * *@p pos is just past the terminating zero-length chunk.
 */
enum vgd_instream_status vgd_instream_read(struct vgd_conn *c, size_t *pos,
                                           struct vgd_sink *s);

#endif
