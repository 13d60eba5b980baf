// SPDX-License-Identifier: GPL-2.0-or-later
// qpayload.c: the payload transform. AES-256-CTR under a random per-entry
// key is a keystream XOR: nothing of the original's bytes, patterns or
// hashes survives, so no scanner re-detects the file and no loader can run
// it; the key in the record undoes it exactly.
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "qpayload.h"

#define CHUNK (64 * 1024)

struct xform {
    EVP_CIPHER_CTX *cipher;
    EVP_MD_CTX *md;
};

static void xform_free(struct xform *x)
{
    EVP_CIPHER_CTX_free(x->cipher);
    EVP_MD_CTX_free(x->md);
}

static int xform_init(struct xform *x, const uint8_t *key, const uint8_t *iv)
{
    x->cipher = EVP_CIPHER_CTX_new();
    x->md = EVP_MD_CTX_new();
    /* CTR mode: encryption and decryption are the same operation. */
    if (!x->cipher || !x->md ||
        !EVP_EncryptInit_ex(x->cipher, EVP_aes_256_ctr(), NULL, key, iv) ||
        !EVP_DigestInit_ex(x->md, EVP_sha256(), NULL)) {
        xform_free(x);
        return -1;
    }
    return 0;
}

static int xform_run(struct xform *x, const uint8_t *in, uint8_t *out, size_t n)
{
    int outl = 0;
    return EVP_EncryptUpdate(x->cipher, out, &outl, in, (int)n) &&
                   (size_t)outl == n
               ? 0
               : -1;
}

int vq_write_all(int fd, const void *p, size_t n)
{
    const uint8_t *b = p;
    while (n) {
        ssize_t w = write(fd, b, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        b += w, n -= (size_t)w;
    }
    return 0;
}

static ssize_t read_some(int fd, uint8_t *p, size_t n)
{
    ssize_t r;
    do
        r = read(fd, p, n);
    while (r < 0 && errno == EINTR);
    return r;
}

int vq_payload_encode(int in, int out, const uint8_t key[VQ_KEY_LEN],
                      const uint8_t iv[VQ_IV_LEN], uint64_t *size,
                      uint8_t sha256[VQ_SHA256_LEN], vq_chunk_fn chunk,
                      void *cookie, char *err, size_t errlen)
{
    uint8_t plain[CHUNK], enc[CHUNK];
    struct xform x;
    uint64_t total = 0;
    ssize_t r;
    int ret = -1;
    if (errlen)
        err[0] = '\0';
    if (xform_init(&x, key, iv)) {
        snprintf(err, errlen, "cannot set up the transform");
        return -1;
    }
    if (vq_write_all(out, VQ_PAYLOAD_MAGIC, VQ_PAYLOAD_HDR))
        goto io_out;
    while ((r = read_some(in, plain, sizeof plain)) > 0) {
        if (xform_run(&x, plain, enc, (size_t)r) ||
            !EVP_DigestUpdate(x.md, plain, (size_t)r))
            goto out;
        if (vq_write_all(out, enc, (size_t)r))
            goto io_out;
        total += (uint64_t)r;
        if (chunk)
            chunk(cookie);
    }
    if (r < 0) {
        snprintf(err, errlen, "read: %s", strerror(errno));
        goto out;
    }
    if (!EVP_DigestFinal_ex(x.md, sha256, NULL))
        goto out;
    *size = total;
    ret = 0;
    goto out;
io_out:
    snprintf(err, errlen, "write to quarantine: %s", strerror(errno));
out:
    if (ret && !*err)
        snprintf(err, errlen, "transform failed");
    xform_free(&x);
    return ret;
}

static int check_header(int in, char *err, size_t errlen)
{
    char hdr[VQ_PAYLOAD_HDR];
    if (pread(in, hdr, sizeof hdr, 0) != (ssize_t)sizeof hdr ||
        memcmp(hdr, VQ_PAYLOAD_MAGIC, sizeof hdr) != 0) {
        snprintf(err, errlen, "payload header missing or damaged");
        return -1;
    }
    return 0;
}

/* Decode [8, 8 + size) of @p in into @p out (or nowhere), hashing. */
static int decode_body(struct xform *x, int in, int out, uint64_t size,
                       uint8_t *sha256, char *err, size_t errlen)
{
    uint8_t enc[CHUNK], plain[CHUNK];
    uint64_t done = 0;
    while (done < size) {
        size_t want = size - done < CHUNK ? (size_t)(size - done) : CHUNK;
        ssize_t r = pread(in, enc, want, (off_t)(VQ_PAYLOAD_HDR + done));
        if (r <= 0) {
            snprintf(err, errlen, "payload %s",
                     r ? strerror(errno) : "shorter than recorded");
            return -1;
        }
        if (xform_run(x, enc, plain, (size_t)r) ||
            !EVP_DigestUpdate(x->md, plain, (size_t)r)) {
            snprintf(err, errlen, "transform failed");
            return -1;
        }
        if (out >= 0 && vq_write_all(out, plain, (size_t)r)) {
            snprintf(err, errlen, "write: %s", strerror(errno));
            return -1;
        }
        done += (uint64_t)r;
    }
    if (!EVP_DigestFinal_ex(x->md, sha256, NULL)) {
        snprintf(err, errlen, "hash failed");
        return -1;
    }
    return 0;
}

int vq_payload_decode(int in, int out, const uint8_t key[VQ_KEY_LEN],
                      const uint8_t iv[VQ_IV_LEN], uint64_t size,
                      const uint8_t sha256[VQ_SHA256_LEN], char *err,
                      size_t errlen)
{
    uint8_t got[VQ_SHA256_LEN], extra;
    struct xform x;
    int ret = -1;
    if (check_header(in, err, errlen))
        return -1;
    if (xform_init(&x, key, iv)) {
        snprintf(err, errlen, "cannot set up the transform");
        return -1;
    }
    if (decode_body(&x, in, out, size, got, err, errlen))
        goto out;
    if (pread(in, &extra, 1, (off_t)(VQ_PAYLOAD_HDR + size)) != 0) {
        snprintf(err, errlen, "payload longer than recorded");
        goto out;
    }
    if (memcmp(got, sha256, VQ_SHA256_LEN) != 0) {
        snprintf(err, errlen, "SHA-256 mismatch: payload damaged");
        goto out;
    }
    ret = 0;
out:
    xform_free(&x);
    return ret;
}
