// SPDX-License-Identifier: GPL-2.0-or-later
// dsig.c: verifies ClamAV's database signatures with OpenSSL big numbers.
#include "db/dsig.h"

#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <string.h>

#include "util/caps.h"
#include "vigil/vigil.h"

/*
 * Why not EVP_PKEY_verify with RSA_PKCS1_PSS_PADDING: ClamAV's two 2048-bit
 * keys have 2047-bit moduli, so standard PSS (RFC 8017 §9.1.2, emBits =
 * modBits - 1 = 2046) wants the top TWO bits of the encoded message clear.
 * ClamAV's signer clears one, as for a 2048-bit modulus, and cli_versig2
 * masks one; test-5.cvd's .info signature has the second bit set, and
 * OpenSSL rejects it. So we raise the signature to e mod n ourselves and
 * decode EMSA-PSS the way ClamAV does (emLen 256, one bit masked), but
 * stricter: the padding string must be all zero bytes.
 *
 * The keys are ClamAV's published public keys (libclamav/dsig.c,
 * libclamav/readdb.c, libclamav_rust/src/cdiff.rs), as decimal strings.
 */
struct dsig_key {
    const char *n, *e;
    size_t bytes; /* the value ClamAV expects: MD5 or the PSS block */
};

static const struct dsig_key keys[] = {
    [VG_DSIG_KEY_CVD] =
        {"1186409955516453426030700016584531897515277744120277437465994057"
         "4324314260746414476736106064065584474976078889002228342492276248"
         "8917565551002467771109669598189410434699034532232228621591089508"
         "1785914284562207968416216371755675904766669286987701433281373839"
         "52820383197532047771780196576957695822641224262693037",
         "100001027", VG_MD5_LEN},
    [VG_DSIG_KEY_INFO] =
        {"1108889498304854547365955610662719492392894179179504762059165869"
         "7413581043322715912172496806525381055880964520618400224333320534"
         "6602992339837553417406795028668299096799557343913926683783612215"
         "2420539663109010515164127085727708031073432095165370050894171741"
         "9168723942507890702904702707587451621691050754307850383399865346"
         "4872037984641785373922114027864813598244611972311028954150937703"
         "9421666632448459393576240846851682663319214082666792349482204580"
         "5347809932848454845886971706424360558667862775876072059437703365"
         "3802091016977385775154769350854694552799941131459779940846183284"
         "82151013142393373316337519977244732747977",
         "100002049", 256},
    [VG_DSIG_KEY_CDIFF] =
        {"1478390587407746709026222851655791757025459963837620353203198921"
         "4105552847269687489771975792123442185817287694951949800908791527"
         "5420171156005013033947786185358648452357000415900563182301024496"
         "1221745854901608931330659138859079079651581965410232072571230082"
         "2356348724011232654837503241736177907784198700834440681124727060"
         "5400357546996581058950500965762267530085968816988281856524249019"
         "2166875832657846200324790647098209229810678965721190548898628107"
         "8346361469524484829559560886227198091995498440676639639830463593"
         "2113860550653602884223940539981344586237125406832940349538184124"
         "58362198117811990006021989844180721010947",
         "100002053", 256},
};

#define PSS_EM_LEN 256u
#define PSS_DB_LEN (PSS_EM_LEN - VG_SHA256_LEN - 1u)
#define PSS_SALT_LEN 32u

static int digest(const EVP_MD *md, const void *p, size_t n, uint8_t *out)
{
    unsigned len = 0;

    if (EVP_Digest(p, n, out, &len, md, NULL) != 1) {
        ERR_clear_error();
        return VIGIL_E_NOMEM;
    }
    return VIGIL_OK;
}

int vg_md5(const void *p, size_t n, uint8_t out[VG_MD5_LEN])
{
    return digest(EVP_md5(), p, n, out);
}

int vg_sha256(const void *p, size_t n, uint8_t out[VG_SHA256_LEN])
{
    return digest(EVP_sha256(), p, n, out);
}

static int b64_digit(char ch)
{
    if (ch >= 'a' && ch <= 'z')
        return ch - 'a';
    if (ch >= 'A' && ch <= 'Z')
        return ch - 'A' + 26;
    if (ch >= '0' && ch <= '9')
        return ch - '0' + 52;
    if (ch == '+')
        return 62;
    if (ch == '/')
        return 63;
    return -1;
}

/* Most significant digit last: accumulate from the end of the string. */
static int dsig_to_bn(struct vigil_str dsig, BIGNUM *out)
{
    if (dsig.len == 0 || dsig.len > VIGIL_CAP_DSIG_CHARS)
        return VIGIL_E_CORRUPT;
    BN_zero(out);
    for (size_t i = dsig.len; i-- > 0;) {
        int d = b64_digit(dsig.p[i]);
        if (d < 0)
            return VIGIL_E_CORRUPT;
        if (!BN_lshift(out, out, 6) || !BN_add_word(out, (BN_ULONG)d))
            return VIGIL_E_NOMEM;
    }
    return VIGIL_OK;
}

int vg_dsig_decode(struct vigil_str dsig, uint8_t *out, size_t outlen)
{
    BIGNUM *c = BN_new();
    int ret = c ? dsig_to_bn(dsig, c) : VIGIL_E_NOMEM;

    if (ret == VIGIL_OK &&
        ((size_t)BN_num_bytes(c) > outlen || outlen > 0x7fffffff ||
         BN_bn2binpad(c, out, (int)outlen) < 0))
        ret = VIGIL_E_CORRUPT;
    BN_free(c);
    return ret;
}

/*
 * m = c^e mod n, written big-endian into out[key->bytes]. As in ClamAV, m
 * must take exactly key->bytes bytes (ClamAV left-aligns a shorter value,
 * which then never matches). Stricter than ClamAV: c must be below n, so
 * each value has one encoding.
 */
static int rsa_public(const struct dsig_key *key, struct vigil_str dsig,
                      uint8_t *out)
{
    BIGNUM *c = BN_new(), *n = NULL, *e = NULL, *m = BN_new();
    BN_CTX *bctx = BN_CTX_new();
    int ret = VIGIL_E_NOMEM;

    if (!c || !m || !bctx || !BN_dec2bn(&n, key->n) || !BN_dec2bn(&e, key->e))
        goto out;
    if ((ret = dsig_to_bn(dsig, c)) != VIGIL_OK)
        goto out;
    ret = VIGIL_E_CORRUPT;
    if (BN_cmp(c, n) >= 0)
        goto out;
    if (!BN_mod_exp(m, c, e, n, bctx)) {
        ret = VIGIL_E_NOMEM;
        goto out;
    }
    if ((size_t)BN_num_bytes(m) == key->bytes &&
        BN_bn2bin(m, out) == (int)key->bytes)
        ret = VIGIL_OK;
out:
    BN_free(c);
    BN_free(n);
    BN_free(e);
    BN_free(m);
    BN_CTX_free(bctx);
    ERR_clear_error();
    return ret;
}

int vg_dsig_verify_md5(const uint8_t md5[VG_MD5_LEN], struct vigil_str dsig)
{
    uint8_t m[VG_MD5_LEN];
    int ret = rsa_public(&keys[VG_DSIG_KEY_CVD], dsig, m);

    if (ret == VIGIL_OK && memcmp(m, md5, VG_MD5_LEN) != 0)
        ret = VIGIL_E_CORRUPT;
    return ret;
}

/* MGF1 with SHA-256: XOR the mask generated from seed into db. */
static int mgf1_xor(const uint8_t seed[VG_SHA256_LEN], uint8_t *db, size_t len)
{
    uint8_t in[VG_SHA256_LEN + 4], h[VG_SHA256_LEN];
    int ret = VIGIL_OK;

    memcpy(in, seed, VG_SHA256_LEN);
    for (uint32_t ctr = 0; (size_t)ctr * VG_SHA256_LEN < len; ctr++) {
        size_t off = (size_t)ctr * VG_SHA256_LEN;
        size_t n = len - off < VG_SHA256_LEN ? len - off : VG_SHA256_LEN;
        in[VG_SHA256_LEN] = (uint8_t)(ctr >> 24);
        in[VG_SHA256_LEN + 1] = (uint8_t)(ctr >> 16);
        in[VG_SHA256_LEN + 2] = (uint8_t)(ctr >> 8);
        in[VG_SHA256_LEN + 3] = (uint8_t)ctr;
        if ((ret = vg_sha256(in, sizeof in, h)) != VIGIL_OK)
            return ret;
        for (size_t i = 0; i < n; i++)
            db[off + i] ^= h[i];
    }
    return ret;
}

/* EMSA-PSS decoding of em (PSS_EM_LEN bytes) against mhash. */
static int pss_check(uint8_t *em, const uint8_t mhash[VG_SHA256_LEN])
{
    uint8_t m2[8 + 2 * VG_SHA256_LEN], h2[VG_SHA256_LEN];
    const uint8_t *h = em + PSS_DB_LEN;
    size_t ps = PSS_DB_LEN - PSS_SALT_LEN - 1;
    int ret;

    if (em[PSS_EM_LEN - 1] != 0xbc)
        return VIGIL_E_CORRUPT;
    if ((ret = mgf1_xor(h, em, PSS_DB_LEN)) != VIGIL_OK)
        return ret;
    em[0] &= 0x7f;
    for (size_t i = 0; i < ps; i++)
        if (em[i] != 0)
            return VIGIL_E_CORRUPT;
    if (em[ps] != 0x01)
        return VIGIL_E_CORRUPT;
    memset(m2, 0, 8);
    memcpy(m2 + 8, mhash, VG_SHA256_LEN);
    memcpy(m2 + 8 + VG_SHA256_LEN, em + ps + 1, PSS_SALT_LEN);
    if ((ret = vg_sha256(m2, sizeof m2, h2)) != VIGIL_OK)
        return ret;
    return memcmp(h, h2, VG_SHA256_LEN) == 0 ? VIGIL_OK : VIGIL_E_CORRUPT;
}

int vg_dsig_verify_pss(enum vg_dsig_key key,
                       const uint8_t sha256[VG_SHA256_LEN],
                       struct vigil_str dsig)
{
    uint8_t em[PSS_EM_LEN];
    int ret;

    if (key != VG_DSIG_KEY_INFO && key != VG_DSIG_KEY_CDIFF)
        return VIGIL_E_ARG;
    ret = rsa_public(&keys[key], dsig, em);
    if (ret == VIGIL_OK)
        ret = pss_check(em, sha256);
    return ret;
}
