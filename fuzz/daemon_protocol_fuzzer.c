// SPDX-License-Identifier: GPL-2.0-or-later
// daemon_protocol_fuzzer.c: fuzzes vigild's wire protocol front end
// (tools/vigild/proto.c): cutting commands out of a client's byte stream
// in every framing (z, n, bare), and looking them up as clamd does.
// Input: byte 0's bits say where packets start; the rest is the stream,
// fed through the same buffer discipline as conn.c (one spare byte).
#include <stdlib.h>
#include <string.h>

#include "fuzzer.h"
#include "proto.h"

static void parse_all(char *buf, size_t len, unsigned packet_bits)
{
    size_t start = 0;
    unsigned packet = 0;
    struct vgd_frame f;
    while (start < len &&
           vgd_proto_frame(buf, start, len, (packet_bits >> (packet++ & 7)) & 1,
                           &f)) {
        const char *arg = NULL;
        enum vgd_cmd cmd = vgd_proto_parse(f.cmd, f.oldstyle, &arg);
        (void)vgd_proto_session_ok(cmd);
        /* The argument, when there is one, lies inside the command. */
        if (arg && (arg < f.cmd || arg > f.cmd + strlen(f.cmd)))
            abort();
        if (f.len == 0 || f.len > len - start)
            abort(); /* no progress, or past the input */
        start += f.len;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *buf;
    if (size == 0 || size > VGD_CMD_MAX * 4)
        return 0;
    /* conn.c keeps one byte free after the data for a terminator. */
    buf = malloc(size);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, size - 1);
    parse_all(buf, size - 1, data[0]);
    free(buf);
    return 0;
}
