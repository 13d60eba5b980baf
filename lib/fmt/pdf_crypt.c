// SPDX-License-Identifier: GPL-2.0-or-later
// pdf_crypt.c: standard security handler revisions 2-6, empty user
// password only (algorithms 2, 2.A, 2.B, 4, 5 and 1 of ISO 32000-2).
#include "fmt/pdf_crypt.h"

#include <string.h>

#include <openssl/evp.h>

#include "vigil/vigil.h"

static const uint8_t pw_pad[32] = {
    0x28, 0xBF, 0x4E, 0x5E, 0x4E, 0x75, 0x8A, 0x41, 0x64, 0x00, 0x4E,
    0x56, 0xFF, 0xFA, 0x01, 0x08, 0x2E, 0x2E, 0x00, 0xB6, 0xD0, 0x68,
    0x3E, 0x80, 0x2F, 0x0C, 0xA9, 0xFE, 0x64, 0x53, 0x69, 0x7A};

/* RC4 (OpenSSL 3 keeps it in the legacy provider, so it is done here). */
struct rc4 {
    uint8_t s[256];
    uint8_t i, j;
};

static void rc4_init(struct rc4 *r, const uint8_t *key, size_t n)
{
    uint8_t j = 0;

    for (unsigned k = 0; k < 256; k++)
        r->s[k] = (uint8_t)k;
    for (unsigned k = 0; k < 256; k++) {
        uint8_t t = r->s[k];
        j = (uint8_t)(j + t + key[k % n]);
        r->s[k] = r->s[j];
        r->s[j] = t;
    }
    r->i = r->j = 0;
}

static uint8_t rc4_byte(struct rc4 *r)
{
    uint8_t t;

    r->i++;
    r->j = (uint8_t)(r->j + r->s[r->i]);
    t = r->s[r->i];
    r->s[r->i] = r->s[r->j];
    r->s[r->j] = t;
    return r->s[(uint8_t)(r->s[r->i] + r->s[r->j])];
}

static void rc4_buf(const uint8_t *key, size_t kn, uint8_t *buf, size_t n)
{
    struct rc4 r;

    rc4_init(&r, key, kn);
    for (size_t k = 0; k < n; k++)
        buf[k] ^= rc4_byte(&r);
}

static bool md5(const void *p, size_t n, uint8_t out[16])
{
    unsigned int len = 0;

    return EVP_Digest(p, n, out, &len, EVP_md5(), NULL) == 1;
}

/* ---- revisions 2-4: MD5 and RC4 ---- */

static int key_r2_4(const struct vg_pdf_crypt_params *pp,
                    struct vg_pdf_crypt *c)
{
    EVP_MD_CTX *m = EVP_MD_CTX_new();
    uint8_t h[16], pb[4], ff[4] = {0xFF, 0xFF, 0xFF, 0xFF};
    uint32_t p32 = (uint32_t)pp->p;
    unsigned int hl = 0;
    size_t n = pp->r == 2 ? 5 : (size_t)pp->length_bits / 8;
    bool ok;

    if (!m)
        return VIGIL_E_NOMEM;
    if (pp->o.len < 32 || n < 5 || n > 16)
        n = 0;
    for (unsigned k = 0; k < 4; k++)
        pb[k] = (uint8_t)(p32 >> (8 * k));
    ok = n && EVP_DigestInit_ex(m, EVP_md5(), NULL) &&
         EVP_DigestUpdate(m, pw_pad, 32) && EVP_DigestUpdate(m, pp->o.p, 32) &&
         EVP_DigestUpdate(m, pb, 4) &&
         EVP_DigestUpdate(m, pp->id0.p ? pp->id0.p : pw_pad, pp->id0.len) &&
         (pp->r < 4 || pp->encrypt_metadata || EVP_DigestUpdate(m, ff, 4)) &&
         EVP_DigestFinal_ex(m, h, &hl);
    EVP_MD_CTX_free(m);
    for (unsigned k = 0; ok && pp->r >= 3 && k < 50; k++)
        ok = md5(h, n, h);
    if (!ok)
        return VIGIL_E_UNSUPPORTED;
    memcpy(c->key, h, n);
    c->keylen = n;
    return VIGIL_OK;
}

/* Algorithms 4/5: is the key right for the empty password? */
static bool check_u_r2_4(const struct vg_pdf_crypt_params *pp,
                         const struct vg_pdf_crypt *c)
{
    uint8_t x[32], k2[16];

    if (pp->u.len < 16)
        return false;
    if (pp->r == 2) {
        memcpy(x, pw_pad, 32);
        rc4_buf(c->key, c->keylen, x, 32);
        return pp->u.len >= 32 && !memcmp(x, pp->u.p, 32);
    }
    {
        uint8_t buf[32 + 255];
        size_t n = pp->id0.len < 255 ? pp->id0.len : 255;
        memcpy(buf, pw_pad, 32);
        if (n)
            memcpy(buf + 32, pp->id0.p, n);
        if (!md5(buf, 32 + n, x))
            return false;
    }
    for (unsigned i = 0; i < 20; i++) {
        for (size_t k = 0; k < c->keylen; k++)
            k2[k] = (uint8_t)(c->key[k] ^ i);
        rc4_buf(k2, c->keylen, x, 16);
    }
    return !memcmp(x, pp->u.p, 16);
}

/* ---- revisions 5 and 6: SHA-2 and AES-256 ---- */

static bool aes_cbc(const EVP_CIPHER *ciph, const uint8_t *key,
                    const uint8_t *iv, const uint8_t *in, size_t n,
                    uint8_t *out, bool enc)
{
    EVP_CIPHER_CTX *x = EVP_CIPHER_CTX_new();
    int l1 = 0, l2 = 0;
    bool ok;

    if (!x || n > INT32_MAX)
        return false;
    ok = EVP_CipherInit_ex(x, ciph, NULL, key, iv, enc ? 1 : 0) &&
         EVP_CIPHER_CTX_set_padding(x, 0) &&
         EVP_CipherUpdate(x, out, &l1, in, (int)n) &&
         EVP_CipherFinal_ex(x, out + l1, &l2);
    EVP_CIPHER_CTX_free(x);
    return ok;
}

/* Algorithm 2.B (revision 6) for the empty password and no user data;
 * revision 5 is its first SHA-256 alone. */
static bool hash_2b(const uint8_t salt[8], int r, uint8_t out[32])
{
    uint8_t k[64], e[64 * 64];
    unsigned int kl = 32;
    const EVP_MD *mds[3] = {EVP_sha256(), EVP_sha384(), EVP_sha512()};

    if (EVP_Digest(salt, 8, k, &kl, EVP_sha256(), NULL) != 1)
        return false;
    for (unsigned round = 0; r >= 6; round++) {
        unsigned sum = 0;
        /* K1 = (password + K + user data) x 64: here K x 64. */
        uint8_t k1[64 * 64];
        size_t n = (size_t)kl * 64;
        for (unsigned j = 0; j < 64; j++)
            memcpy(k1 + j * kl, k, kl);
        if (!aes_cbc(EVP_aes_128_cbc(), k, k + 16, k1, n, e, true))
            return false;
        for (unsigned j = 0; j < 16; j++)
            sum += e[j];
        if (EVP_Digest(e, n, k, &kl, mds[sum % 3], NULL) != 1)
            return false;
        if (round >= 63 && e[n - 1] <= round + 1 - 32)
            break;
    }
    memcpy(out, k, 32);
    return true;
}

static int key_r5_6(const struct vg_pdf_crypt_params *pp,
                    struct vg_pdf_crypt *c)
{
    uint8_t h[32], iv[16] = {0};

    if (pp->u.len < 48 || pp->ue.len < 32)
        return VIGIL_E_UNSUPPORTED;
    /* Validation salt (U[32..40]) first, then the key salt. */
    if (!hash_2b(pp->u.p + 32, pp->r, h) || memcmp(h, pp->u.p, 32) != 0)
        return VIGIL_E_UNSUPPORTED;
    if (!hash_2b(pp->u.p + 40, pp->r, h) ||
        !aes_cbc(EVP_aes_256_cbc(), h, iv, pp->ue.p, 32, c->key, false))
        return VIGIL_E_UNSUPPORTED;
    c->keylen = 32;
    return VIGIL_OK;
}

int vg_pdf_crypt_init(const struct vg_pdf_crypt_params *pp,
                      struct vg_pdf_crypt *c)
{
    int ret;

    memset(c, 0, sizeof *c);
    c->cfm = pp->cfm;
    if (pp->r >= 2 && pp->r <= 4) {
        if ((ret = key_r2_4(pp, c)) != VIGIL_OK)
            return ret;
        return check_u_r2_4(pp, c) ? VIGIL_OK : VIGIL_E_UNSUPPORTED;
    }
    if (pp->r == 5 || pp->r == 6) {
        c->cfm = VG_PDF_AESV3;
        return key_r5_6(pp, c);
    }
    return VIGIL_E_UNSUPPORTED;
}

/* ---- streams (algorithm 1) ---- */

static int aes_stream(const EVP_CIPHER *ciph, const uint8_t *key,
                      struct vigil_span in, struct vg_out *o)
{
    EVP_CIPHER_CTX *x;
    uint8_t buf[4096 + 32];
    int ret = VIGIL_OK, got = 0;
    size_t off = 16;

    if (in.len < 32 || in.len % 16)
        return VIGIL_E_CORRUPT;
    if (!(x = EVP_CIPHER_CTX_new()))
        return VIGIL_E_NOMEM;
    /* PKCS#7 padding is checked by OpenSSL at the end. */
    if (!EVP_DecryptInit_ex(x, ciph, NULL, key, in.p))
        ret = VIGIL_E_NOMEM;
    while (ret == VIGIL_OK && off < in.len && !vg_out_full(o)) {
        size_t n = in.len - off < 4096 ? in.len - off : 4096;
        if (!EVP_DecryptUpdate(x, buf, &got, in.p + off, (int)n))
            ret = VIGIL_E_CORRUPT;
        else if (vg_out_put(o, buf, (size_t)got))
            ret = VIGIL_E_NOMEM;
        off += n;
    }
    if (ret == VIGIL_OK && !vg_out_full(o)) {
        if (!EVP_DecryptFinal_ex(x, buf, &got))
            ret = VIGIL_E_CORRUPT;
        else if (vg_out_put(o, buf, (size_t)got))
            ret = VIGIL_E_NOMEM;
    }
    EVP_CIPHER_CTX_free(x);
    return ret;
}

int vg_pdf_decrypt(const struct vg_pdf_crypt *c, uint32_t num, uint32_t gen,
                   struct vigil_span in, struct vg_out *o)
{
    uint8_t buf[32 + 9], h[16];
    size_t n = c->keylen, kn;

    if (c->cfm == VG_PDF_AESV3)
        return aes_stream(EVP_aes_256_cbc(), c->key, in, o);
    memcpy(buf, c->key, n);
    for (unsigned k = 0; k < 3; k++)
        buf[n + k] = (uint8_t)(num >> (8 * k));
    buf[n + 3] = (uint8_t)gen;
    buf[n + 4] = (uint8_t)(gen >> 8);
    kn = n + 5;
    if (c->cfm == VG_PDF_AESV2) {
        memcpy(buf + kn, "sAlT", 4);
        kn += 4;
    }
    if (!md5(buf, kn, h))
        return VIGIL_E_NOMEM;
    kn = n + 5 < 16 ? n + 5 : 16;
    if (c->cfm == VG_PDF_AESV2)
        return aes_stream(EVP_aes_128_cbc(), h, in, o);
    {
        struct rc4 r;
        rc4_init(&r, h, kn);
        for (size_t k = 0; k < in.len && !vg_out_full(o); k++)
            if (vg_out_byte(o, (uint8_t)(in.p[k] ^ rc4_byte(&r))))
                return VIGIL_E_NOMEM;
    }
    return VIGIL_OK;
}
