// SPDX-License-Identifier: GPL-2.0-or-later
// update_sign.c: vigil's own feed: Ed25519 keys (OpenSSL EVP, PEM files),
// signing and verifying manifests, and `vigil db keygen|sign|publish`.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include "cli.h"
#include "update.h"
#include "util/strparse.h"

void upd_sha256(const void *p, size_t n, uint8_t out[32])
{
    unsigned len = 32;
    if (EVP_Digest(p, n, out, &len, EVP_sha256(), NULL) != 1)
        memset(out, 0, 32);
}

void upd_hex(const uint8_t *p, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * n] = '\0';
}

/* Key id: the first 8 bytes of SHA-256 of the raw 32-byte public key. */
static int key_id(EVP_PKEY *k, uint8_t id[8])
{
    uint8_t raw[32], h[32];
    size_t len = sizeof raw;
    if (EVP_PKEY_get_raw_public_key(k, raw, &len) != 1 || len != 32)
        return -1;
    upd_sha256(raw, len, h);
    memcpy(id, h, 8);
    return 0;
}

static EVP_PKEY *load_key(const char *path, bool private_key)
{
    FILE *f = fopen(path, "r");
    EVP_PKEY *k = NULL;
    if (!f)
        return NULL;
    k = private_key ? PEM_read_PrivateKey(f, NULL, NULL, NULL)
                    : PEM_read_PUBKEY(f, NULL, NULL, NULL);
    fclose(f);
    if (k && !EVP_PKEY_is_a(k, "ED25519")) {
        EVP_PKEY_free(k);
        k = NULL;
    }
    return k;
}

static bool verify_one(EVP_PKEY *k, const uint8_t sig[64], const uint8_t *data,
                       size_t len)
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    bool ok = ctx && EVP_DigestVerifyInit(ctx, NULL, NULL, NULL, k) == 1 &&
              EVP_DigestVerify(ctx, sig, 64, data, len) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

static bool has_suffix(const char *s, const char *suf)
{
    size_t n = strlen(s), m = strlen(suf);
    return n > m && strcmp(s + n - m, suf) == 0;
}

/* Check the manifest's signatures made by one trusted key. */
static void check_key(const struct upd_manifest *m, const uint8_t *data,
                      EVP_PKEY *k, unsigned *good, unsigned *bad, char *why,
                      size_t whylen)
{
    uint8_t id[8];
    char hex[17];
    if (key_id(k, id) != 0)
        return;
    for (size_t i = 0; i < m->nsigs; i++) {
        if (memcmp(m->sigs[i].keyid, id, 8) != 0)
            continue;
        if (verify_one(k, m->sigs[i].sig, data, m->body_len)) {
            (*good)++;
        } else {
            (*bad)++;
            upd_hex(id, 8, hex);
            snprintf(why, whylen, "bad signature by trusted key %s", hex);
        }
    }
}

int upd_manifest_verify(const struct upd_manifest *m, const uint8_t *data,
                        const char *keys_dir, char *why, size_t whylen)
{
    DIR *d = opendir(keys_dir);
    struct dirent *de;
    unsigned good = 0, bad = 0, keys = 0;

    if (!d) {
        snprintf(why, whylen, "%s: cannot open the trusted keys: %s", keys_dir,
                 strerror(errno));
        return VIGIL_E_ACCESS;
    }
    while ((de = readdir(d)) != NULL) {
        char *p;
        EVP_PKEY *k;
        if (de->d_name[0] == '.' || !has_suffix(de->d_name, ".pub"))
            continue;
        p = upd_path(keys_dir, de->d_name);
        k = p ? load_key(p, false) : NULL;
        free(p);
        if (!k)
            continue;
        keys++;
        check_key(m, data, k, &good, &bad, why, whylen);
        EVP_PKEY_free(k);
    }
    closedir(d);
    if (keys == 0)
        snprintf(why, whylen, "no trusted Ed25519 keys (*.pub) in %s",
                 keys_dir);
    else if (!bad && !good)
        snprintf(why, whylen, "not signed by any key trusted in %s", keys_dir);
    return good && !bad ? VIGIL_OK : VIGIL_E_ACCESS;
}

/* ---------------- vigil db keygen|sign|publish ---------------- */

static int write_pem(const char *path, EVP_PKEY *k, bool private_key)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
                  private_key ? 0600 : 0644);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    int ok;

    if (!f) {
        fprintf(stderr, "%s: cannot create: %s\n", path, strerror(errno));
        if (fd >= 0)
            close(fd);
        return -1;
    }
    ok = private_key ? PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL)
                     : PEM_write_PUBKEY(f, k);
    if (fclose(f) != 0 || ok != 1) {
        fprintf(stderr, "%s: cannot write the key\n", path);
        return -1;
    }
    return 0;
}

static int db_keygen(int argc, char **argv)
{
    const char *prefix = argc == 3 && !strcmp(argv[1], "-o") ? argv[2]
                         : argc == 1                         ? "vigil-feed"
                                                             : NULL;
    char kpath[4096], ppath[4096], hex[17];
    uint8_t id[8];
    EVP_PKEY *k;

    if (!prefix) {
        fprintf(stderr, "Usage: vigil db keygen [-o PREFIX]\n");
        return VIGIL_EXIT_ERROR;
    }
    snprintf(kpath, sizeof kpath, "%s.key", prefix);
    snprintf(ppath, sizeof ppath, "%s.pub", prefix);
    if (!(k = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519")) || key_id(k, id)) {
        fprintf(stderr, "vigil db keygen: key generation failed\n");
        EVP_PKEY_free(k);
        return VIGIL_EXIT_ERROR;
    }
    int rc = write_pem(kpath, k, true) || write_pem(ppath, k, false);
    EVP_PKEY_free(k);
    if (rc) {
        unlink(kpath);
        return VIGIL_EXIT_ERROR;
    }
    upd_hex(id, 8, hex);
    printf("Private key: %s (keep it offline, mode 0600)\n"
           "Public key:  %s (install it in /etc/vigil/keys/)\n"
           "Key id:      %s\n",
           kpath, ppath, hex);
    return VIGIL_EXIT_CLEAN;
}

struct sign_opts {
    const char *keys[UPD_MAX_SIGS]; /* -k, repeatable: key rotation */
    size_t nkeys;
    const char *out, *dir;
    uint64_t version, created, expires, valid_days;
    char *const *files;
    size_t nfiles;
};

static int append_str(struct vigil_buf *b, const char *s)
{
    return vigil_buf_append(b, s, strlen(s));
}

/* "file NAME SIZE SHA256\n" for each input. */
static int list_files(const struct sign_opts *o, struct vigil_buf *text)
{
    for (size_t i = 0; i < o->nfiles; i++) {
        const char *base = strrchr(o->files[i], '/');
        struct vigil_buf b;
        uint8_t h[32];
        char hex[65], line[512];
        base = base ? base + 1 : o->files[i];
        if (!upd_feed_name_ok(base, strlen(base))) {
            fprintf(stderr,
                    "%s: not a valid feed file name "
                    "([A-Za-z0-9._-], no leading dot)\n",
                    base);
            return -1;
        }
        if (upd_read_file(o->files[i], UPD_MAX_FILE, &b) != VIGIL_OK) {
            fprintf(stderr, "%s: cannot read\n", o->files[i]);
            vigil_buf_free(&b);
            return -1;
        }
        upd_sha256(b.data, b.len, h);
        upd_hex(h, 32, hex);
        snprintf(line, sizeof line, "file %s %zu %s\n", base, b.len, hex);
        vigil_buf_free(&b);
        if (append_str(text, line))
            return -1;
    }
    return 0;
}

/* Sign the first @p body bytes of @p text; append the signature line. */
static int sign_text(const char *keypath, struct vigil_buf *text, size_t body)
{
    EVP_PKEY *k = load_key(keypath, true);
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    uint8_t sig[64], id[8];
    size_t slen = sizeof sig;
    char sighex[129], idhex[17], line[200];
    int ok = k && ctx && !key_id(k, id) &&
             EVP_DigestSignInit(ctx, NULL, NULL, NULL, k) == 1 &&
             EVP_DigestSign(ctx, sig, &slen, text->data, body) == 1 &&
             slen == 64;

    EVP_MD_CTX_free(ctx);
    EVP_PKEY_free(k);
    if (!ok) {
        fprintf(stderr, "%s: cannot sign (not an Ed25519 private key?)\n",
                keypath);
        return -1;
    }
    upd_hex(sig, 64, sighex);
    upd_hex(id, 8, idhex);
    snprintf(line, sizeof line, "signature ed25519 %s %s\n", idhex, sighex);
    return append_str(text, line) ? -1 : 0;
}

static int build_manifest(const struct sign_opts *o, struct vigil_buf *text)
{
    char head[256];
    uint64_t now = (uint64_t)time(NULL);
    uint64_t created = o->created ? o->created : now;
    uint64_t expires =
        o->expires ? o->expires : created + o->valid_days * 86400u;

    snprintf(head, sizeof head,
             "vigil-feed-manifest 1\nversion %llu\ncreated %llu\n"
             "expires %llu\n",
             (unsigned long long)o->version, (unsigned long long)created,
             (unsigned long long)expires);
    if (append_str(text, head) || list_files(o, text))
        return -1;
    size_t body = text->len;
    for (size_t i = 0; i < o->nkeys; i++)
        if (sign_text(o->keys[i], text, body))
            return -1;
    return 0;
}

static int write_out(const char *path, const struct vigil_buf *b)
{
    char tmp[4200];
    int fd, ok;
    if (!path || !strcmp(path, "-"))
        return fwrite(b->data, 1, b->len, stdout) == b->len ? 0 : -1;
    snprintf(tmp, sizeof tmp, "%s.tmp", path);
    fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    ok = fd >= 0 && write(fd, b->data, b->len) == (ssize_t)b->len &&
         fsync(fd) == 0;
    if (fd >= 0 && close(fd) != 0)
        ok = 0;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "%s: cannot write: %s\n", path, strerror(errno));
        unlink(tmp);
        return -1;
    }
    return 0;
}

static int num(const char *s, uint64_t *out)
{
    return vigil_str_to_u64(vigil_str_cstr(s), UINT64_MAX / 4, out);
}

static int sign_parse(int argc, char **argv, struct sign_opts *o)
{
    static const struct option lo[] = {
        {"key", required_argument, NULL, 'k'},
        {"output", required_argument, NULL, 'o'},
        {"version", required_argument, NULL, 'V'},
        {"valid-days", required_argument, NULL, 'd'},
        {"created", required_argument, NULL, 'c'},
        {"expires", required_argument, NULL, 'e'},
        {NULL, 0, NULL, 0}};
    int ch, err = 0;
    optind = 1;
    o->valid_days = 30;
    while ((ch = getopt_long(argc, argv, "k:o:", lo, NULL)) != -1) {
        switch (ch) {
        case 'k':
            if (o->nkeys == UPD_MAX_SIGS)
                err = 1;
            else
                o->keys[o->nkeys++] = optarg;
            break;
        case 'o': o->out = optarg; break;
        case 'V': err |= num(optarg, &o->version) || !o->version; break;
        case 'd': err |= num(optarg, &o->valid_days) || !o->valid_days; break;
        case 'c': err |= num(optarg, &o->created); break;
        case 'e': err |= num(optarg, &o->expires); break;
        default: err = 1;
        }
    }
    o->files = argv + optind;
    o->nfiles = (size_t)(argc - optind);
    return err || !o->nkeys ? -1 : 0;
}

static int run_sign(const struct sign_opts *o, const char *out)
{
    struct vigil_buf text;
    int rc;
    vigil_buf_init(&text, UPD_MAX_MANIFEST);
    rc = build_manifest(o, &text) || write_out(out, &text);
    vigil_buf_free(&text);
    return rc ? VIGIL_EXIT_ERROR : VIGIL_EXIT_CLEAN;
}

static int db_sign(int argc, char **argv)
{
    struct sign_opts o = {0};
    if (sign_parse(argc, argv, &o) != 0 || o.nfiles == 0) {
        fprintf(stderr,
                "Usage: vigil db sign -k KEY [-o MANIFEST] [--version N]\n"
                "         [--valid-days D | --expires T] [--created T] "
                "FILE...\n");
        return VIGIL_EXIT_ERROR;
    }
    if (!o.version)
        o.version = (uint64_t)time(NULL);
    return run_sign(&o, o.out);
}

static int cmp_cstr(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The files of a feed directory: regular, not hidden, not the manifest. */
static char **feed_files(const char *dir, size_t *n)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    char **v = NULL;
    *n = 0;
    while (d && (de = readdir(d)) != NULL) {
        struct stat st;
        char *p = upd_path(dir, de->d_name);
        bool take = p && de->d_name[0] != '.' &&
                    strcmp(de->d_name, UPD_FEED_MANIFEST) &&
                    !has_suffix(de->d_name, ".tmp") && !stat(p, &st) &&
                    S_ISREG(st.st_mode);
        char **nv = take ? realloc(v, (*n + 1) * sizeof *v) : NULL;
        if (nv) {
            v = nv;
            v[(*n)++] = p;
        } else {
            free(p);
        }
    }
    if (d)
        closedir(d);
    if (v)
        qsort(v, *n, sizeof *v, cmp_cstr);
    return v;
}

/* Version of DIR/vigil.manifest (0 if none). */
static uint64_t old_version(const char *mpath)
{
    struct vigil_buf b;
    struct upd_manifest m;
    char why[256];
    uint64_t v = 0;
    if (upd_read_file(mpath, UPD_MAX_MANIFEST, &b) == VIGIL_OK &&
        upd_manifest_parse(b.data, b.len, &m, why, sizeof why) == VIGIL_OK) {
        v = m.version;
        upd_manifest_free(&m);
    }
    vigil_buf_free(&b);
    return v;
}

static int db_publish(int argc, char **argv)
{
    struct sign_opts o = {0};
    char *mpath;
    char **files = NULL;
    size_t n = 0;
    uint64_t prev;
    int rc = VIGIL_EXIT_ERROR;

    if (sign_parse(argc, argv, &o) != 0 || o.nfiles != 1) {
        fprintf(stderr, "Usage: vigil db publish DIR -k KEY [--version N]\n"
                        "         [--valid-days D | --expires T]\n");
        return VIGIL_EXIT_ERROR;
    }
    o.dir = o.files[0];
    if (!(mpath = upd_path(o.dir, UPD_FEED_MANIFEST)))
        return VIGIL_EXIT_ERROR;
    prev = old_version(mpath);
    if (o.version && o.version <= prev)
        fprintf(stderr,
                "%s: version %llu is not above the published %llu: "
                "clients would refuse it\n",
                mpath, (unsigned long long)o.version, (unsigned long long)prev);
    else if (!(files = feed_files(o.dir, &n)) || n == 0)
        fprintf(stderr, "%s: no signature files to publish\n", o.dir);
    else {
        o.version = o.version ? o.version : prev + 1;
        o.files = files;
        o.nfiles = n;
        rc = run_sign(&o, mpath);
        if (rc == VIGIL_EXIT_CLEAN)
            printf("%s: version %llu, %zu files, signed\n", mpath,
                   (unsigned long long)o.version, n);
    }
    for (size_t i = 0; i < n; i++)
        free(files[i]);
    free(files);
    free(mpath);
    return rc;
}

int cmd_db_feed(int argc, char **argv)
{
    if (!strcmp(argv[0], "keygen"))
        return db_keygen(argc, argv);
    if (!strcmp(argv[0], "sign"))
        return db_sign(argc, argv);
    return db_publish(argc, argv);
}
