/* ecconf: the authentication event log. Every SMTP or HTTP authentication
 * attempt becomes one row in an SQLite database and, when configured, one
 * Momentum acctlog line. Sessions hand events to a bounded in-memory
 * queue, and one writer thread owns the database and the acctlog file. */
#ifndef EC_AUTHLOG_H
#define EC_AUTHLOG_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/auth.h"

/* Usernames longer than this many bytes are cut to it and marked in the
 * username_truncated column. */
#define EC_AUTHLOG_USER_MAX         1024
/* Every other text field of an event is cut to this many bytes. */
#define EC_AUTHLOG_FIELD_MAX        255

#define EC_AUTHLOG_SCHEMA_VERSION   1

#define EC_AUTHLOG_BATCH_MS         200
#define EC_AUTHLOG_MAX_QUEUED       100000
#define EC_AUTHLOG_BUSY_MS          1000
#define EC_AUTHLOG_RETRY_MS         1000
#define EC_AUTHLOG_REPORT_MS        10000
#define EC_AUTHLOG_CLOSE_MS         10000

/* Outcome of one attempt, stored as the text in the result column. */
typedef enum {
    EC_AUTHLOG_PASS = 0,        /* "pass": credentials accepted */
    EC_AUTHLOG_FAIL,            /* "fail": credentials rejected */
    EC_AUTHLOG_TEMPFAIL,        /* "tempfail": 454 / 503 from a handler */
    EC_AUTHLOG_ERROR,           /* "error": internal error, no decision */
    EC_AUTHLOG_ABORTED,         /* "aborted": client sent "*" */
    EC_AUTHLOG_MALFORMED,       /* "malformed": bad base64 or SASL data */
    EC_AUTHLOG_TIMEOUT          /* "timeout": client went idle mid-exchange */
} ec_authlog_result_t;

/* One authentication attempt. Every pointer may be NULL (stored as SQL
 * NULL) except where noted; strings are NUL-terminated except username.
 * There is no password field: nothing secret is ever passed in. */
typedef struct ec_auth_event {
    int64_t         time_us;        /* UTC, microseconds since the epoch;
                                     * 0 means the time of submit */
    const char     *node;           /* NULL: the node of the config */
    ec_proto_t      protocol;
    const char     *listener;       /* "ESMTP_Listener", "HTTP_Listener" */
    const char     *endpoint;       /* Listen value as configured, "*:587";
                                     * NULL: local_addr:local_port */
    const char     *local_addr;
    int             local_port;
    const char     *remote_addr;
    int             remote_port;
    uint64_t        session_id;     /* the connection id */
    int             attempt;        /* 1 for the first AUTH of a session */
    const char     *mechanism;      /* "PLAIN", "LOGIN", "CRAM-MD5", "BASIC" */
    const char     *scheme;         /* "file", "digest", "ac_auth", ... */
    const char     *username;       /* any bytes, NUL included */
    size_t          username_len;
    ec_authlog_result_t result;
    const char     *reason;         /* "bad_password", "hook_error: ..." */
    int             reply_code;     /* 235, 535, 454, 401; 0 = none */
    int             tls;
    const char     *hook_module;
    int64_t         duration_us;    /* -1 = unknown */
    int             acctlog;        /* 1: also write the acctlog record;
                                     * ecconfd sets it for mechanisms whose
                                     * parameters set log_authentication */
} ec_auth_event_t;

/* Receives one "key=value ..." line, without a newline, for each error,
 * drop report or recovery. Called from the writer thread only. */
typedef void (*ec_authlog_log_fn)(void *arg, const char *line);

typedef struct ec_authlog_config {
    const char     *db_path;        /* SQLite file or "file:" URI; NULL =
                                     * no database */
    const char     *acctlog_path;   /* NULL = no acctlog */
    const char     *node;           /* host name stored with every row */
    unsigned        batch_ms;       /* one transaction per window; 0 =
                                     * EC_AUTHLOG_BATCH_MS */
    unsigned        max_queued;     /* events held in memory before new
                                     * ones are dropped; 0 = default */
    unsigned        busy_ms;        /* SQLite busy timeout; 0 = default */
    unsigned        retry_ms;       /* wait after a failed write; 0 =
                                     * default */
    unsigned        report_ms;      /* at most one error line per this
                                     * interval; 0 = default */
    unsigned        close_ms;       /* how long close keeps retrying a
                                     * locked or failing database; 0 =
                                     * default */
    ec_authlog_log_fn log;          /* NULL: lines go to stderr */
    void           *log_arg;
} ec_authlog_config_t;

typedef struct ec_authlog_stats {
    uint64_t        submitted;      /* events accepted into the queue */
    uint64_t        written;        /* events committed (or, with no
                                     * database, written to the acctlog) */
    uint64_t        queued;         /* in memory now, not yet written */
    uint64_t        dropped;        /* rejected by a full queue or lost
                                     * when close gave up */
    uint64_t        write_errors;   /* failed batch attempts */
    uint64_t        batches;        /* committed transactions */
    uint64_t        acctlog_errors; /* acctlog lines that failed */
} ec_authlog_stats_t;

typedef struct ec_authlog ec_authlog_t;

/* Opens the database (creating or migrating its schema), the acctlog, and
 * starts the writer thread. Returns NULL with a message in err when the
 * configuration is invalid or either file cannot be opened. Failures after
 * open are retried by the writer and reported through cfg->log. */
ec_authlog_t *ec_authlog_open(const ec_authlog_config_t *cfg, char *err,
            size_t errlen);

/* Copies ev into the queue and returns. Safe from any thread: it takes
 * one mutex, held only to link the event, and does no file I/O. When
 * max_queued events are waiting, or close has begun, the event is counted
 * as dropped instead. */
void    ec_authlog_submit(ec_authlog_t *l, const ec_auth_event_t *ev);

void    ec_authlog_stats(ec_authlog_t *l, ec_authlog_stats_t *out);

/* Asks the writer to reopen the acctlog file at its next batch, for log
 * rotation. */
void    ec_authlog_reopen(ec_authlog_t *l);

/* Writes everything still queued, retrying for up to cfg->close_ms, then
 * stops the writer and frees l. Events still unwritten then are counted
 * as dropped. The last line through the log callback is "event=
 * authlog_stop" with the final counters. */
void    ec_authlog_close(ec_authlog_t *l);

/* Fills ev from a request and the handler's reply: connection fields,
 * mechanism, username, result, reason and hook module. The password,
 * challenge and digest of req are never read. Other fields are zeroed or
 * set to "unknown" defaults (attempt 1, duration -1, no acctlog record). */
void    ec_authlog_event_init(ec_auth_event_t *ev,
            const ec_auth_request_t *req, const ec_auth_reply_t *reply);

/* Returns the text stored in the result column for r. */
const char *ec_authlog_result_name(ec_authlog_result_t r);

/* Appends the acctlog form of src to dst: '@', '\\' and every control byte
 * (below 0x20 and 0x7f) get a '\\' in front. dst must hold 2 * len bytes.
 * Returns the number of bytes written. */
size_t  ec_authlog_acct_escape(char *dst, const char *src, size_t len);

#endif
