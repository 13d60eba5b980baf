// SPDX-License-Identifier: GPL-2.0-or-later
// vigil.h: the public API of libvigil, the vigil scanning engine.
#ifndef VIGIL_H
#define VIGIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <vigil/vigil_version.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(VIGIL_BUILDING_LIB) && defined(__GNUC__)
#define VIGIL_API __attribute__((visibility("default")))
#else
#define VIGIL_API
#endif

/**
 * Status of an API call. Errors are negative. A detection is NOT a status:
 * it is reported in struct vigil_result.
 */
enum vigil_status {
    VIGIL_OK = 0,
    VIGIL_E_ARG = -1,         /**< invalid argument */
    VIGIL_E_NOMEM = -2,       /**< out of memory (scan-level) */
    VIGIL_E_IO = -3,          /**< read/open failure (scan-level) */
    VIGIL_E_CORRUPT = -4,     /**< malformed object (object-level) */
    VIGIL_E_UNSUPPORTED = -5, /**< unsupported object (object-level) */
    VIGIL_E_LIMIT = -6,       /**< a scan limit was reached */
    VIGIL_E_DB = -7,          /**< malformed signature database */
    VIGIL_E_NOENT = -8,       /**< file or database not found */
    VIGIL_E_STATE = -9,       /**< call not valid in this state */
    VIGIL_E_ACCESS = -10,     /**< permission denied */
};

/** @return a static, human-readable text for @p status. */
VIGIL_API const char *vigil_strerror(int status);

enum vigil_log_level {
    VIGIL_LOG_DEBUG = 0,
    VIGIL_LOG_INFO = 1,
    VIGIL_LOG_WARN = 2,
    VIGIL_LOG_ERROR = 3,
    VIGIL_LOG_NONE = 4,
};

/**
 * Log callback. @p msg is a complete line without newline, valid only for
 * the duration of the call.
 */
typedef void (*vigil_log_fn)(void *cookie, enum vigil_log_level level,
                             const char *msg);

/** Engine settings. Zero-initialised settings are valid: silent engine. */
struct vigil_settings {
    vigil_log_fn log;               /**< NULL: the library is silent */
    void *log_cookie;               /**< passed to @ref log */
    enum vigil_log_level log_level; /**< minimum level delivered */
    bool load_pua;                  /**< also load .ndu/.ldu/... files */
};

struct vigil_engine;

/**
 * Create an empty engine.
 * @param[out] out       the new engine (refcount 1), written on success only
 * @param[in]  settings  may be NULL for defaults; copied
 * @return VIGIL_OK, VIGIL_E_NOMEM
 */
VIGIL_API int vigil_engine_new(struct vigil_engine **out,
                               const struct vigil_settings *settings);

/**
 * Load signatures from a database file or a directory of database files.
 * The parser is chosen by file extension; unknown extensions are skipped
 * with a warning. On any malformed line the whole call fails and nothing
 * from @p path stays loaded.
 * @param[in,out] eng    an engine not yet compiled
 * @param[in]     path   file or directory
 * @param[out]    nsigs  may be NULL; number of signatures added
 * @return VIGIL_OK, VIGIL_E_NOENT, VIGIL_E_IO, VIGIL_E_DB, VIGIL_E_NOMEM,
 *         VIGIL_E_STATE (already compiled)
 * @note the message of the last failure is available from
 *       vigil_engine_last_error().
 */
VIGIL_API int vigil_engine_load_db(struct vigil_engine *eng, const char *path,
                                   unsigned *nsigs);

/**
 * Finish loading: build the lookup structures. After this the engine is
 * immutable and may be shared by any number of threads. An engine that
 * mapped a compiled database file is compiled already (VIGIL_OK).
 * @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_STATE (already compiled)
 */
VIGIL_API int vigil_engine_compile(struct vigil_engine *eng);

enum vigil_load_flags {
    /** Compile missing cache entries in a child process, so that this
     *  process never holds the uncompiled tables (daemons). */
    VIGIL_LOAD_COMPILE_IN_CHILD = 1u << 0,
};

/**
 * Load the databases at @p paths (files or directories, in this order)
 * through the compiled-database cache, and compile: when the cache holds
 * a compiled file for exactly these sources it is mapped (milliseconds,
 * pages shared with other processes); otherwise the sources are loaded,
 * compiled and saved there for next time.
 * @param cache_dir  NULL: $VIGIL_CACHE_DIR, else /var/cache/vigil for
 *                   root, else $XDG_CACHE_HOME/vigil or ~/.cache/vigil;
 *                   "": no cache. A directory that is not the caller's or
 *                   is writable by others is not used (warning).
 * @param flags      enum vigil_load_flags
 * @return as vigil_engine_load_db(); on success the engine is compiled
 */
VIGIL_API int vigil_engine_load_cached(struct vigil_engine *eng,
                                       const char *const *paths, size_t n,
                                       const char *cache_dir, unsigned flags);

/**
 * Write a compiled engine to @p path as one compiled database file
 * (docs/internals/COMPILED-DB.md), atomically (temporary file, fsync,
 * rename). vigil_engine_load_db() on that file maps it back.
 * @return VIGIL_OK, VIGIL_E_STATE (not compiled), VIGIL_E_IO,
 *         VIGIL_E_NOMEM
 */
VIGIL_API int vigil_engine_save(struct vigil_engine *eng, const char *path);

/** @return the text of the last load error ("" if none). Not thread-safe. */
VIGIL_API const char *vigil_engine_last_error(const struct vigil_engine *eng);

/** @return number of signatures loaded, counted as clamscan's "Known
 *  viruses" is: allow-list (.fp) entries included, .ign2-dropped ones not. */
VIGIL_API size_t vigil_engine_signature_count(const struct vigil_engine *eng);

/** Take a reference. @return @p eng. Thread-safe. */
VIGIL_API struct vigil_engine *vigil_engine_ref(struct vigil_engine *eng);

/** Drop a reference and set *@p engp to NULL; frees at the last one. */
VIGIL_API void vigil_engine_unref(struct vigil_engine **engp);

enum vigil_verdict {
    VIGIL_CLEAN = 0,
    VIGIL_FOUND = 1,
};

/** Scan options, bit flags. */
enum vigil_scan_flags {
    VIGIL_SCAN_ALLMATCH = 1u << 0, /**< report every matching signature */
    /** report a limit that stopped part of the scan as a detection,
     *  `Heuristics.Limits.Exceeded.<Limit>` (clamscan --alert-exceeds-max) */
    VIGIL_SCAN_ALERT_EXCEEDS = 1u << 1,
    /** report encrypted archive members as `Heuristics.Encrypted.<Format>`
     *  (clamscan --alert-encrypted) */
    VIGIL_SCAN_ALERT_ENCRYPTED = 1u << 2,
};

/**
 * Scan limits (docs/internals/CONTAINERS.md). A value of 0 means "no
 * limit". Exceeding one stops that branch of the scan (what was found is
 * kept); the limit is named in vigil_result.limits and, with
 * VIGIL_SCAN_ALERT_EXCEEDS, reported as a detection.
 */
struct vigil_limits {
    uint64_t max_scan_size;    /**< bytes of all objects of one scan */
    uint64_t max_file_size;    /**< bytes of one object: a larger file is
                                    not scanned, a larger member is skipped,
                                    a longer stream is cut there */
    uint32_t max_recursion;    /**< nesting depth (the file is depth 0) */
    uint32_t max_files;        /**< objects in one scan, the file included */
    uint32_t max_scan_time_ms; /**< wall-clock time of one scan */
    uint32_t max_ratio;        /**< expanded/packed size of one member
                                    (checked above 1 MiB); 0: off */
};

/** Which limits were reached (vigil_result.limits). */
enum vigil_limit_bits {
    VIGIL_LIMIT_SCAN_SIZE = 1u << 0, /**< MaxScanSize */
    VIGIL_LIMIT_FILE_SIZE = 1u << 1, /**< MaxFileSize */
    VIGIL_LIMIT_RECURSION = 1u << 2, /**< MaxRecursion */
    VIGIL_LIMIT_FILES = 1u << 3,     /**< MaxFiles */
    VIGIL_LIMIT_TIME = 1u << 4,      /**< MaxScanTime */
    VIGIL_LIMIT_RATIO = 1u << 5,     /**< MaxRatio (vigil only) */
};

/**
 * ClamAV 1.4's defaults: scan size 400 MiB, file size 100 MiB, recursion
 * 17, files 10000, time 120 s; ratio off. Unlike ClamAV, no limit is
 * capped at 2 GiB.
 * @param[out] lim  filled
 */
VIGIL_API void vigil_limits_default(struct vigil_limits *lim);

/**
 * Result of one scan. Strings point into the engine or the scan object and
 * stay valid until the next scan with the same struct vigil_scan.
 */
struct vigil_result {
    enum vigil_verdict verdict;
    const char *sig_name;      /**< first detection, NULL when clean */
    const char *const *names;  /**< all detections (allmatch), n_names long */
    size_t n_names;
    uint64_t bytes_scanned;    /**< bytes of content examined, extracted
                                    objects included */
    unsigned limits;           /**< enum vigil_limit_bits reached */
    unsigned files_scanned;    /**< objects scanned: the file and every
                                    object extracted from it */
};

struct vigil_scan;

/**
 * Create per-thread scan state bound to a compiled engine (takes a ref).
 * @return VIGIL_OK, VIGIL_E_NOMEM, VIGIL_E_STATE (engine not compiled)
 */
VIGIL_API int vigil_scan_new(struct vigil_scan **out,
                             struct vigil_engine *eng);

/**
 * Set the limits of every later scan made with @p scan (a new scan object
 * starts with vigil_limits_default()).
 * @param[in] lim  copied
 * @return VIGIL_OK, VIGIL_E_ARG
 */
VIGIL_API int vigil_scan_set_limits(struct vigil_scan *scan,
                                    const struct vigil_limits *lim);

/** Free a scan object (drops its engine ref) and set *@p scanp to NULL. */
VIGIL_API void vigil_scan_free(struct vigil_scan **scanp);

/**
 * Scan a memory buffer.
 * @param[in,out] scan   scan state, used by one thread at a time
 * @param[in]     data   may be NULL when @p len is 0
 * @param[in]     flags  enum vigil_scan_flags
 * @param[out]    res    filled on VIGIL_OK
 * @return VIGIL_OK (see res->verdict), VIGIL_E_ARG, VIGIL_E_NOMEM
 */
VIGIL_API int vigil_scan_mem(struct vigil_scan *scan, const void *data,
                             size_t len, unsigned flags,
                             struct vigil_result *res);

/**
 * Scan an open file descriptor from its current start (offset 0). The
 * descriptor is not closed.
 * @return VIGIL_OK, VIGIL_E_IO, VIGIL_E_NOMEM, VIGIL_E_ARG
 */
VIGIL_API int vigil_scan_fd(struct vigil_scan *scan, int fd, unsigned flags,
                            struct vigil_result *res);

/**
 * Scan a regular file by path.
 * @return VIGIL_OK, VIGIL_E_NOENT, VIGIL_E_ACCESS, VIGIL_E_IO, VIGIL_E_ARG
 *         (not a regular file), VIGIL_E_NOMEM
 */
VIGIL_API int vigil_scan_path(struct vigil_scan *scan, const char *path,
                              unsigned flags, struct vigil_result *res);

/** @return the library version string, e.g. "0.1.0". */
VIGIL_API const char *vigil_version(void);

#ifdef __cplusplus
}
#endif

#endif
