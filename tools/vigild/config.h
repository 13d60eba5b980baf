// SPDX-License-Identifier: GPL-2.0-or-later
// config.h: vigild.conf and the clamd.conf options vigild honours.
#ifndef VIGILD_CONFIG_H
#define VIGILD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VGD_MAX_TCPADDR 16
#define VGD_DEFAULT_CONF "/etc/vigil/vigild.conf"

/* Every option, with clamd's name in the comment where it has one. Values
 * are clamd's defaults unless noted. */
struct vgd_config {
    char *local_socket;              /* LocalSocket */
    unsigned local_socket_mode;      /* LocalSocketMode, 0666 */
    char *local_socket_group;        /* LocalSocketGroup */
    unsigned tcp_port;               /* TCPSocket, 0: no TCP */
    char *tcp_addr[VGD_MAX_TCPADDR]; /* TCPAddr; none: 127.0.0.1 (clamd:
                                        every address) */
    size_t n_tcp_addr;
    unsigned backlog;           /* MaxConnectionQueueLength, 200 */
    unsigned max_threads;       /* MaxThreads, 10 */
    unsigned max_queue;         /* MaxQueue, 100 */
    uint64_t stream_max_length; /* StreamMaxLength, 100M */
    uint64_t stream_mem_budget; /* StreamMemoryBudget (vigild), 256M */
    unsigned read_timeout;      /* ReadTimeout, 120 s */
    unsigned command_timeout;   /* CommandReadTimeout, 30 s */
    unsigned idle_timeout;      /* IdleTimeout, 30 s */
    unsigned self_check;        /* SelfCheck, 600 s; 0 disables */
    char *database_dir;         /* DatabaseDirectory; NULL: search */
    char *cache_dir;            /* CacheDirectory (vigil's own option) */
    char *log_file;             /* LogFile */
    bool log_syslog;            /* LogSyslog */
    int log_facility;           /* LogFacility, LOG_LOCAL6 */
    bool log_verbose;           /* LogVerbose */
    bool log_time;              /* LogTime */
    bool debug;                 /* Debug */
    char *user;                 /* User; NULL: "vigil" if it exists */
    uint64_t max_scan_size;     /* MaxScanSize, 400M; 0: no limit */
    uint64_t max_file_size;     /* MaxFileSize, 100M; 0: no limit */
    unsigned max_recursion;     /* MaxRecursion, 17 (containers) */
    unsigned max_files;         /* MaxFiles, 10000 (containers) */
    unsigned max_dir_recursion; /* MaxDirectoryRecursion, 15 */
    unsigned max_scan_time;     /* MaxScanTime, 120000 ms; 0: no limit */
    bool alert_exceeds_max;     /* AlertExceedsMax: limits are detections */
    bool alert_encrypted;       /* AlertEncrypted */
    bool alert_encrypted_archive; /* AlertEncryptedArchive */
    bool alert_encrypted_doc;   /* AlertEncryptedDoc */
    bool foreground;            /* Foreground */
    char *pid_file;             /* PidFile */
    char *temp_dir;             /* TemporaryDirectory; NULL: $TMPDIR */
    bool allow_allmatch;        /* AllowAllMatchScan, yes */
    bool follow_dir_symlinks;   /* FollowDirectorySymlinks */
    bool follow_file_symlinks;  /* FollowFileSymlinks */
};

void vgd_config_defaults(struct vgd_config *c);

/**
 * Read a configuration file over @p c. In a clamd.conf (@p clamd true)
 * options vigild does not use are skipped with a debug note; in a
 * vigild.conf an unknown option is an error.
 * @return 0, or -1 after printing the reason to the log
 */
int vgd_config_load(struct vgd_config *c, const char *path, bool clamd);

/** Check the values together. @return 0 or -1 (logged). */
int vgd_config_check(const struct vgd_config *c);

void vgd_config_free(struct vgd_config *c);

#endif
