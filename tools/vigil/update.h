// SPDX-License-Identifier: GPL-2.0-or-later
// update.h: `vigil update`, shared between its files. The design (layout
// on disk, order of the steps, what survives a crash) is in
// docs/internals/UPDATE.md.
#ifndef VIGIL_UPDATE_H
#define VIGIL_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vigil/vigil.h>

#include "util/buf.h"

#define UPD_MAX_MIRRORS 16
#define UPD_MAX_DBS 32
#define UPD_MAX_OWNED 64
/* Largest file fetched (a CVD, a cdiff, a feed file). */
#define UPD_MAX_FILE ((size_t)1 << 31)
/* Largest feed manifest. */
#define UPD_MAX_MANIFEST ((size_t)1 << 20)
/* Most files one manifest may list. */
#define UPD_MAX_FEED_FILES 4096u
/* Most signature lines on one manifest (key rotation signs with two). */
#define UPD_MAX_SIGS 8u
#define UPD_FEED_MANIFEST "vigil.manifest"
/* The installed copy of the feed's manifest: a dot name, so the database
 * loader (which skips dot files) never reads it. */
#define UPD_FEED_INSTALLED ".feed.manifest"
/* Where versions before the compiled-database cache kept a compiled copy
 * (never carried over into a new version). */
#define UPD_COMPILED_NAME ".compiled.vdb"
#define UPD_STALE_DAYS 7

/* Exit codes of `vigil update`. */
enum {
    UPD_EXIT_OK = 0,       /* updated, or already up to date */
    UPD_EXIT_COOLDOWN = 1, /* nothing checked: every source cooling down */
    UPD_EXIT_ERROR = 2,    /* failed; the installed database is untouched */
};

struct upd_conf {
    const char *config;    /* update.conf */
    const char *db_dir;    /* ROOT: current, previous, versions/, staging/ */
    const char *state_dir; /* update.state, lock */
    const char *keys_dir;  /* trusted feed keys (*.pub) */
    const char *mirrors[UPD_MAX_MIRRORS];
    size_t n_mirrors;
    const char *dbs[UPD_MAX_DBS];
    size_t n_dbs;
    bool dbs_given;     /* --db or Database: else the defaults */
    const char *feed;   /* feed base URL (or NULL) */
    const char *from;   /* --from DIR|FILE */
    const char *notify; /* vigild socket to send RELOAD to; "" none */
    long timeout;       /* seconds without progress before giving up */
    bool json, verbose, quiet, status, rollback;
    char *owned[UPD_MAX_OWNED]; /* strings read from the config file */
    size_t n_owned;
};

/* ---- update_state.c: the state file (key value lines) ---- */
struct upd_state {
    char **keys, **vals;
    size_t n;
    char *path;
};
int upd_state_load(struct upd_state *st, const char *state_dir);
const char *upd_state_get(const struct upd_state *st, const char *key);
uint64_t upd_state_get_u64(const struct upd_state *st, const char *key);
int upd_state_set(struct upd_state *st, const char *key, const char *val);
int upd_state_set_u64(struct upd_state *st, const char *key, uint64_t v);
int upd_state_save(const struct upd_state *st);
void upd_state_free(struct upd_state *st);

/* ---- update_fetch.c: mirrors (libcurl) and local directories ---- */
enum upd_got {
    UPD_GOT = 0,      /* body in the buffer */
    UPD_NOT_MODIFIED, /* 304 */
    UPD_MISSING,      /* 404 / no such file */
    UPD_COOLDOWN,     /* 429 or 403: the mirror asks us to go away */
    UPD_FAILED,       /* network, server or local error (msg says) */
};
struct vg_tar;
struct upd_source {
    const char *base; /* URL, or a directory or .tar bundle for --from */
    bool local;
    struct vigil_buf bundle; /* --from BUNDLE.tar: the whole file */
    struct vg_tar *tar;      /* ... and its members */
    void *curl;
    long timeout;
    long http_code;
    uint64_t retry_after; /* seconds, from Retry-After (0: none) */
    char msg[512];
    unsigned requests;
    bool skip; /* cooling down or untrusted for the rest of this run */
};
/* A local @p base ending in ".tar" is read and parsed as a bundle. */
int upd_source_open(struct upd_source *s, const char *base, bool local,
                    long timeout);
/* Bundle member @p i's name, or NULL past the end. */
const char *upd_source_member(const struct upd_source *s, size_t i);
void upd_source_close(struct upd_source *s);
/* Fetch @p name (header_only: its first 512 bytes) into @p out (an
 * initialised buffer, emptied first); @p ims: If-Modified-Since (unix time, 0
 * none). */
enum upd_got upd_fetch(struct upd_source *s, const char *name, bool header_only,
                       uint64_t ims, struct vigil_buf *out);

/* ---- update_install.c: staging, test load, atomic switch, rollback ---- */
struct upd_stage {
    char *root; /* db_dir */
    char *dir;  /* ROOT/staging/vNNNNNN */
    char *name; /* vNNNNNN */
    char *cur;  /* ROOT/current (may not exist) */
    bool changed;
    int lock_fd;
    size_t nsigs;  /* from the test load */
    bool compiled; /* the new version's compiled file is in the cache */
    bool verbose;  /* show the test load's warnings */
};
/* Lock, clear old staging, create the new version directory and link the
 * current version's files into it. */
int upd_stage_begin(struct upd_stage *sg, const struct upd_conf *c);
int upd_stage_write(struct upd_stage *sg, const char *name, const void *data,
                    size_t len);
int upd_stage_remove(struct upd_stage *sg, const char *name);
/* Test load, compile, save, fsync, move into versions/, switch. */
int upd_stage_commit(struct upd_stage *sg);
/* Remove the staging directory (when not committed) and unlock. */
void upd_stage_end(struct upd_stage *sg);
int upd_rollback(const struct upd_conf *c);
/* Test hook: VIGIL_UPDATE_CRASH_AT=STEP kills the process (SIGKILL). */
void upd_crash_point(const char *step);
/* ROOT/current/NAME etc.: malloc'd "a/b". */
char *upd_path(const char *a, const char *b);
int upd_read_file(const char *path, size_t max, struct vigil_buf *out);
/* Lock ROOT/.lock (exclusive, non-blocking). @return fd or -1. */
int upd_lock(const char *root);
/* Test-load a directory (with @p compile: through the compiled-database
 * cache, *compiled set when the compiled file maps back): @return
 * VIGIL_OK; *nsigs, message in why. */
int upd_test_load(const char *dir, bool compile, bool verbose, size_t *nsigs,
                  bool *compiled, char *why, size_t whylen);

/* ---- update_clamav.c: one ClamAV database from the sources ---- */
struct upd_run {
    const struct upd_conf *conf;
    struct upd_state *state;
    struct upd_source *src;
    size_t n_src;
    struct upd_stage *stage;
    bool cooled; /* some source was skipped because of a cool-down */
    unsigned updated, uptodate;
    uint64_t feed_version; /* accepted feed manifest (0: none) */
};
/* @return VIGIL_OK (updated, up to date, or not offered anywhere), or an
 * error: the whole update must be abandoned. */
int upd_clamav_db(struct upd_run *r, const char *name);
/* Version and build time of ROOT/current/NAME.c[vl]d; 0 when absent.
 * @param[out] file  the file name found ("" if none), 64 bytes */
int upd_local_db(const char *cur_dir, const char *name, uint32_t *version,
                 uint64_t *stime, uint32_t *nsigs, char *file);
/* Cool-down bookkeeping: is @p s cooling down (message printed)? */
bool upd_cooling(struct upd_run *r, struct upd_source *s);
void upd_cooldown_start(struct upd_run *r, struct upd_source *s);

/* ---- update_manifest.c: the feed manifest ---- */
struct upd_mfile {
    char name[128];
    uint64_t size;
    uint8_t sha256[32];
};
struct upd_msig {
    uint8_t keyid[8];
    uint8_t sig[64];
};
struct upd_manifest {
    uint64_t version, created, expires;
    struct upd_mfile *files;
    size_t nfiles;
    struct upd_msig sigs[UPD_MAX_SIGS];
    size_t nsigs;
    size_t body_len; /* signed bytes: everything before the first sig */
};
int upd_manifest_parse(const uint8_t *p, size_t len, struct upd_manifest *m,
                       char *why, size_t whylen);
void upd_manifest_free(struct upd_manifest *m);
/* A feed file name: [A-Za-z0-9._-], 1..127 bytes, no leading dot. */
bool upd_feed_name_ok(const char *s, size_t len);

/* ---- update_sign.c: Ed25519 keys and signatures (OpenSSL EVP) ---- */
/* Verify @p data's signatures with the keys in @p keys_dir: at least one
 * must be by a trusted key and good, none may be bad. */
int upd_manifest_verify(const struct upd_manifest *m, const uint8_t *data,
                        const char *keys_dir, char *why, size_t whylen);
void upd_sha256(const void *p, size_t n, uint8_t out[32]);
void upd_hex(const uint8_t *p, size_t n, char *out);
int cmd_db_feed(int argc, char **argv);

/* ---- update_feed.c: vigil's own signed feed ---- */
int upd_feed(struct upd_run *r, struct upd_source *s);

/* ---- update_status.c, update_notify.c ---- */
int upd_status(const struct upd_conf *c);
void upd_notify(const struct upd_conf *c);

/* ---- cmd_update.c ---- */
/* Print a line unless --quiet (errors always go to stderr). */
__attribute__((format(printf, 2, 3))) void upd_say(const struct upd_conf *c,
                                                   const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void upd_debug(const struct upd_conf *c,
                                                     const char *fmt, ...);
__attribute__((format(printf, 1, 2))) void upd_err(const char *fmt, ...);
/* "2026-11-22 13:00:00 UTC" */
void upd_fmt_time(uint64_t t, char *out, size_t n);

#endif
