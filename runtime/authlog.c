/* ecconf: the authentication event log (SQLite writer thread, acctlog). */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "runtime/authlog.h"

#define EC_AUTHLOG_LINE_MAX     1024
#define EC_AUTHLOG_FILE_MODE    0640
#define EC_AUTHLOG_CACHE_KIB    "16384"     /* SQLite page cache, KiB */

typedef struct ec_authlog_rec ec_authlog_rec_t;

/* One queued event: the numbers, then its strings packed in text[]. */
struct ec_authlog_rec {
    ec_authlog_rec_t *next;
    int64_t         time_us;
    int64_t         duration_us;
    uint64_t        session_id;
    size_t          username_len;       /* bytes kept */
    size_t          username_full_len;  /* bytes presented */
    int             protocol;
    int             local_port;
    int             remote_port;
    int             attempt;
    int             result;
    int             reply_code;
    int             tls;
    int             acctlog;            /* the event asked for a line */
    int             acct_done;          /* acctlog line written or failed */
    int             skip;               /* the database rejected this row */
    const char     *node;
    const char     *listener;
    const char     *endpoint;
    const char     *local_addr;
    const char     *remote_addr;
    const char     *mechanism;
    const char     *scheme;
    const char     *username;
    const char     *reason;
    const char     *hook_module;
    char            text[];
};

/* Rate limit for one kind of report line. */
typedef struct ec_authlog_limit {
    int64_t         last_us;            /* monotonic; 0 = never */
    uint64_t        suppressed;
} ec_authlog_limit_t;

struct ec_authlog {
    char           *db_path;
    char           *acct_path;
    char           *node;
    unsigned        batch_ms;
    unsigned        max_queued;
    unsigned        wake_at;
    unsigned        busy_ms;
    unsigned        retry_ms;
    unsigned        report_ms;
    unsigned        close_ms;
    ec_authlog_log_fn log;
    void           *log_arg;

    /* Shared with submitters, under mu. queued counts both the records
     * in head..tail and those the writer has taken into w_head..w_tail. */
    pthread_mutex_t mu;
    pthread_cond_t  cond;
    ec_authlog_rec_t *head;
    ec_authlog_rec_t *tail;
    unsigned        qlen;
    uint64_t        queued;
    uint64_t        submitted;
    uint64_t        written;
    uint64_t        dropped;
    uint64_t        write_errors;
    uint64_t        batches;
    uint64_t        acct_errors;
    int             stop;
    int             reopen_acct;

    /* Owned by the writer thread once it runs. */
    pthread_t       thread;
    ec_authlog_rec_t *w_head;
    ec_authlog_rec_t *w_tail;
    uint64_t        w_count;
    sqlite3        *db;
    sqlite3_stmt   *insert;
    dev_t           db_dev;
    ino_t           db_ino;
    int             db_known;           /* db_dev and db_ino are set */
    int             acct_fd;
    char           *acct_buf;
    size_t          acct_cap;
    uint64_t        failed_attempts;
    uint64_t        drops_reported;
    ec_authlog_limit_t err_limit;
    ec_authlog_limit_t drop_limit;
    ec_authlog_limit_t acct_limit;
};

static void ec_authlog_emit(ec_authlog_t *l, const char *fmt, ...)
            __attribute__((format(printf, 2, 3)));

static const char *const ec_authlog_result_names[] = {
    [EC_AUTHLOG_PASS] = "pass",
    [EC_AUTHLOG_FAIL] = "fail",
    [EC_AUTHLOG_TEMPFAIL] = "tempfail",
    [EC_AUTHLOG_ERROR] = "error",
    [EC_AUTHLOG_ABORTED] = "aborted",
    [EC_AUTHLOG_MALFORMED] = "malformed",
    [EC_AUTHLOG_TIMEOUT] = "timeout",
};

/* Schema migrations: entry v turns a database at user_version v into
 * v + 1, and entry 0 creates the schema. Append entries, never edit one. */
static const char *const ec_authlog_migrations[EC_AUTHLOG_SCHEMA_VERSION] = {
    "CREATE TABLE auth_events ("
    "  id                 INTEGER PRIMARY KEY,"
    "  ts                 TEXT NOT NULL,"
    "  ts_us              INTEGER NOT NULL,"
    "  node               TEXT NOT NULL,"
    "  protocol           TEXT,"
    "  listener           TEXT,"
    "  endpoint           TEXT,"
    "  local_addr         TEXT,"
    "  local_port         INTEGER,"
    "  remote_addr        TEXT,"
    "  remote_port        INTEGER,"
    "  session_id         INTEGER NOT NULL,"
    "  attempt            INTEGER NOT NULL,"
    "  mechanism          TEXT,"
    "  scheme             TEXT,"
    "  username           TEXT,"
    "  username_len       INTEGER,"
    "  username_truncated INTEGER NOT NULL DEFAULT 0,"
    "  result             TEXT NOT NULL,"
    "  reason             TEXT,"
    "  reply_code         INTEGER,"
    "  tls                INTEGER NOT NULL DEFAULT 0,"
    "  hook_module        TEXT,"
    "  duration_us        INTEGER"
    ");"
    "CREATE INDEX auth_events_ts ON auth_events (ts_us);"
    "CREATE INDEX auth_events_remote ON auth_events (remote_addr, ts_us);"
    "CREATE INDEX auth_events_user ON auth_events (username, ts_us);"
    "CREATE VIEW auth_fail_by_addr_hour AS"
    "  SELECT remote_addr,"
    "    strftime('%Y-%m-%dT%H:00:00Z', ts_us / 1000000, 'unixepoch')"
    "      AS hour,"
    "    count(*) AS failures,"
    "    count(DISTINCT username) AS users,"
    "    min(ts) AS first_ts, max(ts) AS last_ts"
    "  FROM auth_events WHERE result = 'fail'"
    "  GROUP BY remote_addr, hour;"
    "CREATE VIEW auth_fail_by_user_day AS"
    "  SELECT username,"
    "    date(ts_us / 1000000, 'unixepoch') AS day,"
    "    count(*) AS failures,"
    "    count(DISTINCT remote_addr) AS addrs,"
    "    min(ts) AS first_ts, max(ts) AS last_ts"
    "  FROM auth_events WHERE result = 'fail' AND username IS NOT NULL"
    "  GROUP BY username, day;"
    "CREATE VIEW auth_pass_after_fail AS"
    "  SELECT * FROM ("
    "    SELECT s.id, s.ts, s.ts_us, s.username, s.remote_addr,"
    "      s.protocol, s.mechanism, s.session_id,"
    "      (SELECT count(*) FROM auth_events f"
    "        WHERE f.username = s.username AND f.result = 'fail'"
    "          AND f.ts_us >= s.ts_us - 600000000 AND f.ts_us < s.ts_us)"
    "        AS user_failures,"
    "      (SELECT count(*) FROM auth_events f"
    "        WHERE f.remote_addr = s.remote_addr AND f.result = 'fail'"
    "          AND f.ts_us >= s.ts_us - 600000000 AND f.ts_us < s.ts_us)"
    "        AS addr_failures"
    "    FROM auth_events s WHERE s.result = 'pass')"
    "  WHERE user_failures > 0 OR addr_failures > 0;",
};

static const char ec_authlog_insert_sql[] =
    "INSERT INTO auth_events (ts, ts_us, node, protocol, listener,"
    " endpoint, local_addr, local_port, remote_addr, remote_port,"
    " session_id, attempt, mechanism, scheme, username, username_len,"
    " username_truncated, result, reason, reply_code, tls, hook_module,"
    " duration_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
    " ?, ?, ?, ?, ?, ?, ?, ?)";


/* ---- time and small helpers ---- */

static int64_t
ec_authlog_clock_us(clockid_t clock)
{
    struct timespec ts;

    clock_gettime(clock, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}


const char *
ec_authlog_result_name(ec_authlog_result_t r)
{
    if ((unsigned) r >= sizeof(ec_authlog_result_names)
            / sizeof(ec_authlog_result_names[0])) {
        return "error";
    }
    return ec_authlog_result_names[r];
}


static const char *
ec_authlog_protocol_name(int protocol)
{
    switch (protocol) {
    case EC_PROTO_ESMTP:
        return "esmtp";
    case EC_PROTO_HTTP:
        return "http";
    default:
        return NULL;
    }
}


static char *
ec_authlog_strdup(const char *s)
{
    return s == NULL ? NULL : strdup(s);
}


/* Writes s into dst as a double-quoted log value. Quotes, backslashes and
 * bytes outside printable ASCII are escaped, so one value cannot end the
 * line or forge another key. */
static void
ec_authlog_quote(char *dst, size_t dstlen, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t            n = 0;
    unsigned char     c;

    if (dstlen < 3) {
        if (dstlen > 0) {
            dst[0] = '\0';
        }
        return;
    }
    dst[n++] = '"';
    for (; s != NULL && *s != '\0' && n + 5 < dstlen; s++) {
        c = (unsigned char) *s;
        if (c == '"' || c == '\\') {
            dst[n++] = '\\';
            dst[n++] = (char) c;
        } else if (c < 0x20 || c >= 0x7f) {
            dst[n++] = '\\';
            dst[n++] = 'x';
            dst[n++] = hex[c >> 4];
            dst[n++] = hex[c & 0xf];
        } else {
            dst[n++] = (char) c;
        }
    }
    dst[n++] = '"';
    dst[n] = '\0';
}


static void
ec_authlog_emit(ec_authlog_t *l, const char *fmt, ...)
{
    char    line[EC_AUTHLOG_LINE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);

    if (l->log != NULL) {
        l->log(l->log_arg, line);
    } else {
        fprintf(stderr, "%s\n", line);
    }
}


/* Returns 1 when a report line may go out now, and stores in *suppressed
 * how many were held back since the previous one. Otherwise counts this
 * line as held back and returns 0. */
static int
ec_authlog_limit_pass(ec_authlog_limit_t *lim, unsigned interval_ms,
            uint64_t *suppressed)
{
    int64_t now = ec_authlog_clock_us(CLOCK_MONOTONIC);

    if (lim->last_us != 0
            && now - lim->last_us < (int64_t) interval_ms * 1000) {
        lim->suppressed++;
        return 0;
    }
    *suppressed = lim->suppressed;
    lim->suppressed = 0;
    lim->last_us = now;
    return 1;
}


/* ---- events and the queue ---- */

static size_t
ec_authlog_field_size(const char *s)
{
    return s == NULL ? 0 : strnlen(s, EC_AUTHLOG_FIELD_MAX) + 1;
}


/* Copies at most EC_AUTHLOG_FIELD_MAX bytes of s to *cursor. */
static const char *
ec_authlog_field_copy(char **cursor, const char *s)
{
    char   *dst = *cursor;
    size_t  n;

    if (s == NULL) {
        return NULL;
    }
    n = strnlen(s, EC_AUTHLOG_FIELD_MAX);
    memcpy(dst, s, n);
    dst[n] = '\0';
    *cursor = dst + n + 1;
    return dst;
}


static ec_authlog_rec_t *
ec_authlog_rec_new(const ec_authlog_t *l, const ec_auth_event_t *ev)
{
    ec_authlog_rec_t *r;
    const char       *node = ev->node != NULL ? ev->node : l->node;
    size_t            user_len = 0;
    size_t            size;
    char             *cursor;

    if (ev->username != NULL) {
        user_len = ev->username_len < EC_AUTHLOG_USER_MAX
            ? ev->username_len : EC_AUTHLOG_USER_MAX;
    }
    size = ec_authlog_field_size(node) + ec_authlog_field_size(ev->listener)
        + ec_authlog_field_size(ev->endpoint)
        + ec_authlog_field_size(ev->local_addr)
        + ec_authlog_field_size(ev->remote_addr)
        + ec_authlog_field_size(ev->mechanism)
        + ec_authlog_field_size(ev->scheme)
        + ec_authlog_field_size(ev->reason)
        + ec_authlog_field_size(ev->hook_module) + user_len + 1;

    r = malloc(sizeof(*r) + size);
    if (r == NULL) {
        return NULL;
    }
    memset(r, 0, sizeof(*r));
    r->time_us = ev->time_us != 0
        ? ev->time_us : ec_authlog_clock_us(CLOCK_REALTIME);
    r->duration_us = ev->duration_us;
    r->session_id = ev->session_id;
    r->protocol = ev->protocol;
    r->local_port = ev->local_port;
    r->remote_port = ev->remote_port;
    r->attempt = ev->attempt;
    r->result = ev->result;
    r->reply_code = ev->reply_code;
    r->tls = ev->tls != 0;
    r->acctlog = ev->acctlog != 0;

    cursor = r->text;
    r->node = ec_authlog_field_copy(&cursor, node);
    r->listener = ec_authlog_field_copy(&cursor, ev->listener);
    r->endpoint = ec_authlog_field_copy(&cursor, ev->endpoint);
    r->local_addr = ec_authlog_field_copy(&cursor, ev->local_addr);
    r->remote_addr = ec_authlog_field_copy(&cursor, ev->remote_addr);
    r->mechanism = ec_authlog_field_copy(&cursor, ev->mechanism);
    r->scheme = ec_authlog_field_copy(&cursor, ev->scheme);
    r->reason = ec_authlog_field_copy(&cursor, ev->reason);
    r->hook_module = ec_authlog_field_copy(&cursor, ev->hook_module);
    if (ev->username != NULL) {
        memcpy(cursor, ev->username, user_len);
        cursor[user_len] = '\0';
        r->username = cursor;
        r->username_len = user_len;
        r->username_full_len = ev->username_len;
    }
    return r;
}


void
ec_authlog_submit(ec_authlog_t *l, const ec_auth_event_t *ev)
{
    ec_authlog_rec_t *r;

    if (l == NULL || ev == NULL) {
        return;
    }
    r = ec_authlog_rec_new(l, ev);

    pthread_mutex_lock(&l->mu);
    if (r == NULL || l->stop || l->queued >= l->max_queued) {
        l->dropped++;
        pthread_mutex_unlock(&l->mu);
        free(r);
        return;
    }
    if (l->tail != NULL) {
        l->tail->next = r;
    } else {
        l->head = r;
    }
    l->tail = r;
    l->qlen++;
    l->queued++;
    l->submitted++;

    /* Wake the writer early when the queue is half full, so that a burst
     * is written instead of dropped while the writer sleeps. */
    if (l->qlen == l->wake_at) {
        pthread_cond_signal(&l->cond);
    }
    pthread_mutex_unlock(&l->mu);
}


void
ec_authlog_stats(ec_authlog_t *l, ec_authlog_stats_t *out)
{
    memset(out, 0, sizeof(*out));
    if (l == NULL) {
        return;
    }
    pthread_mutex_lock(&l->mu);
    out->submitted = l->submitted;
    out->written = l->written;
    out->queued = l->queued;
    out->dropped = l->dropped;
    out->write_errors = l->write_errors;
    out->batches = l->batches;
    out->acctlog_errors = l->acct_errors;
    pthread_mutex_unlock(&l->mu);
}


void
ec_authlog_reopen(ec_authlog_t *l)
{
    if (l == NULL) {
        return;
    }
    pthread_mutex_lock(&l->mu);
    l->reopen_acct = 1;
    pthread_mutex_unlock(&l->mu);
}


void
ec_authlog_event_init(ec_auth_event_t *ev, const ec_auth_request_t *req,
            const ec_auth_reply_t *reply)
{
    const ec_conn_info_t *c = req != NULL ? req->conn : NULL;

    memset(ev, 0, sizeof(*ev));
    ev->attempt = 1;
    ev->duration_us = -1;
    ev->result = EC_AUTHLOG_ERROR;

    if (c != NULL) {
        ev->protocol = c->protocol;
        ev->listener = c->listener;
        ev->local_addr = c->local_addr;
        ev->local_port = c->local_port;
        ev->remote_addr = c->remote_addr;
        ev->remote_port = c->remote_port;
        ev->session_id = c->conn_id;
        ev->tls = c->tls;
    }
    if (req != NULL) {
        ev->mechanism = req->mechanism;
        ev->username = req->username;
        ev->username_len = req->username_len;
    }
    if (reply == NULL) {
        return;
    }

    switch (reply->result) {
    case EC_AUTH_OK:
        ev->result = EC_AUTHLOG_PASS;
        break;
    case EC_AUTH_FAIL:
        ev->result = EC_AUTHLOG_FAIL;
        break;
    default:
        ev->result = EC_AUTHLOG_TEMPFAIL;
        break;
    }
    if (reply->reason[0] != '\0') {
        ev->reason = reply->reason;
    }
    if (reply->module[0] != '\0') {
        ev->hook_module = reply->module;
    }
}


/* ---- acctlog ---- */

size_t
ec_authlog_acct_escape(char *dst, const char *src, size_t len)
{
    size_t        n = 0;
    size_t        i;
    unsigned char c;

    for (i = 0; i < len; i++) {
        c = (unsigned char) src[i];
        if (c == '@' || c == '\\' || c < 0x20 || c == 0x7f) {
            dst[n++] = '\\';
        }
        dst[n++] = (char) c;
    }
    return n;
}


static int
ec_authlog_acct_open(ec_authlog_t *l, char *err, size_t errlen)
{
    l->acct_fd = open(l->acct_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC,
        EC_AUTHLOG_FILE_MODE);
    if (l->acct_fd < 0) {
        snprintf(err, errlen, "cannot open acctlog \"%s\": %s",
            l->acct_path, strerror(errno));
        return -1;
    }
    return 0;
}


/* Makes room for need more bytes in the acctlog buffer. */
static int
ec_authlog_acct_reserve(ec_authlog_t *l, size_t used, size_t need)
{
    size_t  cap = l->acct_cap != 0 ? l->acct_cap : 16384;
    char   *p;

    if (used + need <= l->acct_cap) {
        return 0;
    }
    while (cap < used + need) {
        cap *= 2;
    }
    p = realloc(l->acct_buf, cap);
    if (p == NULL) {
        return -1;
    }
    l->acct_buf = p;
    l->acct_cap = cap;
    return 0;
}


/* Appends the acctlog record of r to the buffer and returns the new used
 * length. Aborted and malformed attempts have no acctlog record, because
 * no credentials were checked. The caller skips events without the
 * acctlog flag. */
static size_t
ec_authlog_acct_format(ec_authlog_t *l, const ec_authlog_rec_t *r,
            size_t used)
{
    char        num[64];
    char        peer[EC_AUTHLOG_FIELD_MAX + 16];
    const char *endpoint = r->endpoint;
    char        local[EC_AUTHLOG_FIELD_MAX + 16];
    int64_t     sec;
    size_t      need;
    char       *p;

    if (r->result == EC_AUTHLOG_ABORTED || r->result == EC_AUTHLOG_MALFORMED) {
        return used;
    }
    if (endpoint == NULL && r->local_addr != NULL) {
        if (r->local_port > 0) {
            snprintf(local, sizeof(local), "%s:%d", r->local_addr,
                r->local_port);
        } else {
            snprintf(local, sizeof(local), "%s", r->local_addr);
        }
        endpoint = local;
    }
    peer[0] = '\0';
    if (r->remote_addr != NULL && r->remote_port > 0) {
        snprintf(peer, sizeof(peer), "%s:%d", r->remote_addr, r->remote_port);
    }

    need = 64 + 2 * (sizeof(local) + sizeof(peer) + r->username_len);
    if (ec_authlog_acct_reserve(l, used, need) != 0) {
        return used;
    }
    sec = r->time_us / 1000000 - (r->time_us % 1000000 < 0);
    snprintf(num, sizeof(num), "%lld@%c@", (long long) sec,
        r->result == EC_AUTHLOG_TIMEOUT ? 'T' : 'N');

    p = l->acct_buf + used;
    p = stpcpy(p, num);
    if (endpoint != NULL) {
        p += ec_authlog_acct_escape(p, endpoint, strlen(endpoint));
    }
    *p++ = '@';
    p += ec_authlog_acct_escape(p, peer, strlen(peer));
    *p++ = '@';
    if (r->username != NULL) {
        p += ec_authlog_acct_escape(p, r->username, r->username_len);
    }
    *p++ = '@';
    *p++ = r->result == EC_AUTHLOG_PASS ? '1' : '0';
    *p++ = '\n';
    return (size_t) (p - l->acct_buf);
}


static int
ec_authlog_write_all(int fd, const char *buf, size_t len)
{
    ssize_t n;

    while (len > 0) {
        n = write(fd, buf, len);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            return -1;
        }
        buf += n;
        len -= (size_t) n;
    }
    return 0;
}


/* Writes the acctlog lines of the held records not yet written. A failed
 * write is reported and counted, not retried, so that a line is never
 * written twice. */
static void
ec_authlog_acct_write(ec_authlog_t *l)
{
    ec_authlog_rec_t *r;
    char              err[256];
    char              qpath[512];
    char              qerr[512];
    uint64_t          lines = 0;
    uint64_t          suppressed;
    size_t            used = 0;
    int               reopen;

    pthread_mutex_lock(&l->mu);
    reopen = l->reopen_acct;
    l->reopen_acct = 0;
    pthread_mutex_unlock(&l->mu);

    if (reopen && l->acct_fd >= 0) {
        close(l->acct_fd);
        l->acct_fd = -1;
    }
    for (r = l->w_head; r != NULL; r = r->next) {
        if (!r->acct_done && r->acctlog) {
            size_t before = used;

            used = ec_authlog_acct_format(l, r, used);
            if (used > before)
                lines++;
        }
        r->acct_done = 1;
    }
    if (used == 0) {
        return;
    }

    err[0] = '\0';
    if (l->acct_fd < 0 && ec_authlog_acct_open(l, err, sizeof(err)) != 0) {
        /* err contains the reason */
    } else if (ec_authlog_write_all(l->acct_fd, l->acct_buf, used) != 0) {
        snprintf(err, sizeof(err), "%s", strerror(errno));
    }
    if (err[0] == '\0') {
        return;
    }

    pthread_mutex_lock(&l->mu);
    l->acct_errors += lines;
    pthread_mutex_unlock(&l->mu);
    if (ec_authlog_limit_pass(&l->acct_limit, l->report_ms, &suppressed)) {
        ec_authlog_quote(qpath, sizeof(qpath), l->acct_path);
        ec_authlog_quote(qerr, sizeof(qerr), err);
        ec_authlog_emit(l, "event=authlog_error op=acctlog path=%s"
            " error=%s lines=%llu suppressed=%llu", qpath, qerr,
            (unsigned long long) lines, (unsigned long long) suppressed);
    }
}


/* ---- database ---- */

static int
ec_authlog_db_exec(sqlite3 *db, const char *sql, char *err, size_t errlen)
{
    int rc = sqlite3_exec(db, sql, NULL, NULL, NULL);

    if (rc != SQLITE_OK && err != NULL) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
    }
    return rc;
}


static int
ec_authlog_db_int(sqlite3 *db, const char *sql, int *out)
{
    sqlite3_stmt *st;
    int           rc;

    rc = sqlite3_prepare_v2(db, sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        return rc;
    }
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *out = sqlite3_column_int(st, 0);
        rc = SQLITE_OK;
    }
    sqlite3_finalize(st);
    return rc;
}


/* Runs the migrations from the database's user_version up to ours. */
static int
ec_authlog_db_migrate(sqlite3 *db, char *err, size_t errlen)
{
    char    sql[64];
    int     version = 0;
    int     tables = 0;
    int     rc;

    rc = ec_authlog_db_exec(db, "BEGIN IMMEDIATE", err, errlen);
    if (rc != SQLITE_OK) {
        return rc;
    }
    rc = ec_authlog_db_int(db, "PRAGMA user_version", &version);
    if (rc == SQLITE_OK) {
        rc = ec_authlog_db_int(db, "SELECT count(*) FROM sqlite_master"
            " WHERE name = 'auth_events'", &tables);
    }
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        goto fail;
    }
    if (version == 0 && tables != 0) {
        snprintf(err, errlen, "table auth_events exists but user_version"
            " is 0: not an ecconf auth log");
        rc = SQLITE_ERROR;
        goto fail;
    }

    for (; version < EC_AUTHLOG_SCHEMA_VERSION; version++) {
        rc = ec_authlog_db_exec(db, ec_authlog_migrations[version], err,
            errlen);
        if (rc != SQLITE_OK) {
            goto fail;
        }
    }
    snprintf(sql, sizeof(sql), "PRAGMA user_version = %d",
        EC_AUTHLOG_SCHEMA_VERSION);
    rc = ec_authlog_db_exec(db, sql, err, errlen);
    if (rc == SQLITE_OK) {
        rc = ec_authlog_db_exec(db, "COMMIT", err, errlen);
    }
    if (rc != SQLITE_OK) {
        goto fail;
    }
    return SQLITE_OK;

fail:
    sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}


/* Checks the schema version and migrates when it is older. A database
 * already at our version is only read, so a read-only file still opens. */
static int
ec_authlog_db_schema(sqlite3 *db, char *err, size_t errlen)
{
    int version = 0;
    int rc;

    rc = ec_authlog_db_int(db, "PRAGMA user_version", &version);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(db));
        return rc;
    }
    if (version > EC_AUTHLOG_SCHEMA_VERSION) {
        snprintf(err, errlen, "schema version %d is newer than this"
            " ecconf supports (%d)", version, EC_AUTHLOG_SCHEMA_VERSION);
        return SQLITE_ERROR;
    }
    if (version == EC_AUTHLOG_SCHEMA_VERSION) {
        return SQLITE_OK;
    }
    return ec_authlog_db_migrate(db, err, errlen);
}


static void
ec_authlog_db_close(ec_authlog_t *l)
{
    sqlite3_finalize(l->insert);
    l->insert = NULL;
    sqlite3_close(l->db);
    l->db = NULL;
    l->db_known = 0;
}


/* Creates the file with mode 0640 before SQLite does, because usernames
 * are personal data. SQLite gives the -wal and -shm files the same mode.
 * URIs are left to SQLite. */
static int
ec_authlog_db_create(const char *path, char *err, size_t errlen)
{
    int fd;

    if (strncmp(path, "file:", 5) == 0 || strcmp(path, ":memory:") == 0) {
        return 0;
    }
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
        EC_AUTHLOG_FILE_MODE);
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    if (errno == EEXIST) {
        return 0;
    }
    snprintf(err, errlen, "cannot create \"%s\": %s", path, strerror(errno));
    return -1;
}


/* Opens the connection, sets WAL mode, brings the schema up to date and
 * prepares the insert. Leaves l->db NULL on failure. */
static int
ec_authlog_db_connect(ec_authlog_t *l, char *err, size_t errlen)
{
    const char *file;
    struct stat st;
    char        mode[16] = "";
    sqlite3_stmt *pragma;
    int         flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                        | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX;
    int         rc;

    if (ec_authlog_db_create(l->db_path, err, errlen) != 0) {
        return SQLITE_CANTOPEN;
    }
    rc = sqlite3_open_v2(l->db_path, &l->db, flags, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s", l->db != NULL
            ? sqlite3_errmsg(l->db) : sqlite3_errstr(rc));
        goto fail;
    }
    sqlite3_extended_result_codes(l->db, 1);
    sqlite3_busy_timeout(l->db, (int) l->busy_ms);

    rc = sqlite3_prepare_v2(l->db, "PRAGMA journal_mode = WAL", -1, &pragma,
        NULL);
    if (rc == SQLITE_OK) {
        if (sqlite3_step(pragma) == SQLITE_ROW) {
            snprintf(mode, sizeof(mode), "%s",
                (const char *) sqlite3_column_text(pragma, 0));
        }
        rc = sqlite3_finalize(pragma);
    }
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(l->db));
        goto fail;
    }
    if (strcmp(mode, "wal") != 0) {
        snprintf(err, errlen, "cannot set WAL mode (journal mode is \"%s\")",
            mode);
        rc = SQLITE_ERROR;
        goto fail;
    }
    /* NORMAL in WAL mode loses no commit when the process dies, only on
     * power loss. The larger page cache keeps the three indexes in
     * memory as the table grows: in bench/authlog.sh it raised the rate
     * at a million rows from about 48,000 to 84,000 rows/s. A checkpoint
     * every 8,000 pages (32 MiB of WAL at 4 KiB pages) instead of SQLite's
     * 1,000 copies each hot index page back once per checkpoint rather
     * than eight times. */
    rc = ec_authlog_db_exec(l->db, "PRAGMA synchronous = NORMAL;"
        " PRAGMA wal_autocheckpoint = 8000;"
        " PRAGMA cache_size = -" EC_AUTHLOG_CACHE_KIB, err, errlen);
    if (rc != SQLITE_OK) {
        goto fail;
    }
    rc = ec_authlog_db_schema(l->db, err, errlen);
    if (rc != SQLITE_OK) {
        goto fail;
    }
    rc = sqlite3_prepare_v3(l->db, ec_authlog_insert_sql, -1,
        SQLITE_PREPARE_PERSISTENT, &l->insert, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errlen, "%s", sqlite3_errmsg(l->db));
        goto fail;
    }

    /* Remember which file this is, so that a removed or replaced file is
     * noticed and reopened instead of written into the void. */
    file = sqlite3_db_filename(l->db, "main");
    if (file != NULL && file[0] != '\0' && stat(file, &st) == 0) {
        l->db_dev = st.st_dev;
        l->db_ino = st.st_ino;
        l->db_known = 1;
    }
    return SQLITE_OK;

fail:
    ec_authlog_db_close(l);
    return rc != SQLITE_OK ? rc : SQLITE_ERROR;
}


/* Returns 1 when the open database file is still the one at its path. */
static int
ec_authlog_db_same_file(ec_authlog_t *l)
{
    const char *file;
    struct stat st;

    if (!l->db_known) {
        return 1;
    }
    file = sqlite3_db_filename(l->db, "main");
    if (file == NULL || stat(file, &st) != 0) {
        return 0;
    }
    return st.st_dev == l->db_dev && st.st_ino == l->db_ino;
}


static void
ec_authlog_bind_text(sqlite3_stmt *st, int col, const char *s)
{
    if (s == NULL) {
        sqlite3_bind_null(st, col);
    } else {
        sqlite3_bind_text(st, col, s, -1, SQLITE_STATIC);
    }
}


/* Formats t as ISO-8601 UTC with microseconds, which SQLite's date and
 * time functions accept: 2024-05-01T12:34:56.123456Z. */
static void
ec_authlog_format_ts(char *dst, size_t len, int64_t t)
{
    time_t    sec = (time_t) (t / 1000000);
    long      usec = (long) (t % 1000000);
    struct tm tm;

    if (usec < 0) {
        usec += 1000000;
        sec--;
    }
    gmtime_r(&sec, &tm);
    snprintf(dst, len, "%04d-%02d-%02dT%02d:%02d:%02d.%06ldZ",
        tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
        tm.tm_sec, usec);
}


static int
ec_authlog_db_insert(ec_authlog_t *l, const ec_authlog_rec_t *r)
{
    sqlite3_stmt *st = l->insert;
    char          ts[96];
    int           rc;

    ec_authlog_format_ts(ts, sizeof(ts), r->time_us);
    sqlite3_bind_text(st, 1, ts, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, r->time_us);
    ec_authlog_bind_text(st, 3, r->node != NULL ? r->node : "");
    ec_authlog_bind_text(st, 4, ec_authlog_protocol_name(r->protocol));
    ec_authlog_bind_text(st, 5, r->listener);
    ec_authlog_bind_text(st, 6, r->endpoint);
    ec_authlog_bind_text(st, 7, r->local_addr);
    sqlite3_bind_int(st, 8, r->local_port);
    ec_authlog_bind_text(st, 9, r->remote_addr);
    if (r->remote_addr != NULL) {
        sqlite3_bind_int(st, 10, r->remote_port);
    } else {
        sqlite3_bind_null(st, 10);
    }
    sqlite3_bind_int64(st, 11, (sqlite3_int64) r->session_id);
    sqlite3_bind_int(st, 12, r->attempt);
    ec_authlog_bind_text(st, 13, r->mechanism);
    ec_authlog_bind_text(st, 14, r->scheme);

    /* Bound as TEXT with an explicit length: SQLite keeps every byte,
     * NUL and invalid UTF-8 included, and never parses the value. */
    if (r->username != NULL) {
        sqlite3_bind_text(st, 15, r->username, (int) r->username_len,
            SQLITE_STATIC);
        sqlite3_bind_int64(st, 16, (sqlite3_int64) r->username_full_len);
    } else {
        sqlite3_bind_null(st, 15);
        sqlite3_bind_null(st, 16);
    }
    sqlite3_bind_int(st, 17, r->username_full_len > r->username_len);
    ec_authlog_bind_text(st, 18, ec_authlog_result_name(r->result));
    ec_authlog_bind_text(st, 19, r->reason);
    if (r->reply_code > 0) {
        sqlite3_bind_int(st, 20, r->reply_code);
    } else {
        sqlite3_bind_null(st, 20);
    }
    sqlite3_bind_int(st, 21, r->tls);
    ec_authlog_bind_text(st, 22, r->hook_module);
    if (r->duration_us >= 0) {
        sqlite3_bind_int64(st, 23, r->duration_us);
    } else {
        sqlite3_bind_null(st, 23);
    }

    rc = sqlite3_step(st);
    sqlite3_reset(st);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}


/* Returns 1 for errors caused by one row rather than by the database.
 * The caller skips that row, so it cannot block every later batch. */
static int
ec_authlog_row_error(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
    case SQLITE_TOOBIG:
    case SQLITE_MISMATCH:
    case SQLITE_RANGE:
        return 1;
    default:
        return 0;
    }
}


/* Inserts every held record in one transaction. */
static int
ec_authlog_db_write(ec_authlog_t *l, char *err, size_t errlen)
{
    ec_authlog_rec_t *r;
    char              qdb[512];
    char              qerr[512];
    int               rc;

    rc = ec_authlog_db_exec(l->db, "BEGIN IMMEDIATE", err, errlen);
    if (rc != SQLITE_OK) {
        return rc;
    }
    for (r = l->w_head; r != NULL; r = r->next) {
        if (r->skip) {
            continue;
        }
        rc = ec_authlog_db_insert(l, r);
        if (rc == SQLITE_OK) {
            continue;
        }
        snprintf(err, errlen, "%s", sqlite3_errmsg(l->db));
        if (!ec_authlog_row_error(rc)) {
            goto fail;
        }
        r->skip = 1;
        ec_authlog_quote(qdb, sizeof(qdb), l->db_path);
        ec_authlog_quote(qerr, sizeof(qerr), err);
        ec_authlog_emit(l, "event=authlog_error op=insert db=%s code=%d"
            " error=%s session_id=%llu action=skipped", qdb, rc, qerr,
            (unsigned long long) r->session_id);
    }
    rc = ec_authlog_db_exec(l->db, "COMMIT", err, errlen);
    if (rc != SQLITE_OK) {
        goto fail;
    }
    sqlite3_clear_bindings(l->insert);
    return SQLITE_OK;

fail:
    sqlite3_exec(l->db, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_clear_bindings(l->insert);
    return rc;
}


/* ---- the writer thread ---- */

/* Frees the held records and moves their counts: to written (less the
 * rows the database rejected) when written is set, else to dropped. */
static void
ec_authlog_release(ec_authlog_t *l, int written, int committed)
{
    ec_authlog_rec_t *r;
    ec_authlog_rec_t *next;
    uint64_t          skipped = 0;

    for (r = l->w_head; r != NULL; r = next) {
        next = r->next;
        skipped += r->skip;
        free(r);
    }
    pthread_mutex_lock(&l->mu);
    l->queued -= l->w_count;
    if (written) {
        l->written += l->w_count - skipped;
        l->dropped += skipped;
    } else {
        l->dropped += l->w_count;
    }
    l->batches += committed;
    pthread_mutex_unlock(&l->mu);

    l->w_head = NULL;
    l->w_tail = NULL;
    l->w_count = 0;
}


static void
ec_authlog_report_failure(ec_authlog_t *l, const char *op, int rc,
            const char *err)
{
    char     qdb[512];
    char     qerr[512];
    uint64_t suppressed;

    l->failed_attempts++;
    pthread_mutex_lock(&l->mu);
    l->write_errors++;
    pthread_mutex_unlock(&l->mu);

    if (!ec_authlog_limit_pass(&l->err_limit, l->report_ms, &suppressed)) {
        return;
    }
    ec_authlog_quote(qdb, sizeof(qdb), l->db_path);
    ec_authlog_quote(qerr, sizeof(qerr), err);
    ec_authlog_emit(l, "event=authlog_error op=%s db=%s code=%d error=%s"
        " queued=%llu action=retry suppressed=%llu", op, qdb, rc, qerr,
        (unsigned long long) l->w_count, (unsigned long long) suppressed);
}


/* Writes the held records to the acctlog and the database. Returns
 * SQLITE_OK when none is left, SQLITE_BUSY when another connection held
 * the lock past the busy timeout, or another code after a failure. */
static int
ec_authlog_flush(ec_authlog_t *l)
{
    char    err[256];
    char    qdb[512];
    int     rc;

    if (l->w_head == NULL) {
        return SQLITE_OK;
    }
    if (l->acct_path != NULL) {
        ec_authlog_acct_write(l);
    }
    if (l->db_path == NULL) {
        ec_authlog_release(l, 1, 0);
        return SQLITE_OK;
    }

    if (l->db != NULL && !ec_authlog_db_same_file(l)) {
        ec_authlog_quote(qdb, sizeof(qdb), l->db_path);
        ec_authlog_emit(l, "event=authlog_reopen db=%s"
            " reason=\"file removed or replaced\"", qdb);
        ec_authlog_db_close(l);
    }
    if (l->db == NULL) {
        rc = ec_authlog_db_connect(l, err, sizeof(err));
        if (rc != SQLITE_OK) {
            ec_authlog_report_failure(l, "open", rc, err);
            return rc;
        }
    }

    rc = ec_authlog_db_write(l, err, sizeof(err));
    if (rc != SQLITE_OK) {
        ec_authlog_report_failure(l, "write", rc, err);
        /* A lock held elsewhere passes; anything else may be cured by a
         * fresh connection (a moved file, an I/O error). */
        if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED) {
            ec_authlog_db_close(l);
        }
        return rc;
    }

    if (l->failed_attempts > 0) {
        ec_authlog_quote(qdb, sizeof(qdb), l->db_path);
        ec_authlog_emit(l, "event=authlog_recovered db=%s"
            " failed_attempts=%llu written=%llu", qdb,
            (unsigned long long) l->failed_attempts,
            (unsigned long long) l->w_count);
        l->failed_attempts = 0;
    }
    ec_authlog_release(l, 1, 1);
    return SQLITE_OK;
}


static void
ec_authlog_report_drops(ec_authlog_t *l)
{
    uint64_t dropped;
    uint64_t suppressed;

    pthread_mutex_lock(&l->mu);
    dropped = l->dropped;
    pthread_mutex_unlock(&l->mu);

    if (dropped == l->drops_reported) {
        return;
    }
    if (!ec_authlog_limit_pass(&l->drop_limit, l->report_ms, &suppressed)) {
        return;
    }
    ec_authlog_emit(l, "event=authlog_drop dropped=%llu dropped_total=%llu"
        " max_queued=%u", (unsigned long long) (dropped - l->drops_reported),
        (unsigned long long) dropped, l->max_queued);
    l->drops_reported = dropped;
}


/* Waits up to wait_ms, or until the queue is half full or close begins,
 * then moves the queued records to the writer's list. Returns the stop
 * flag. */
static int
ec_authlog_take(ec_authlog_t *l, unsigned wait_ms)
{
    struct timespec deadline;
    int             stop;

    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += wait_ms / 1000;
    deadline.tv_nsec += (long) (wait_ms % 1000) * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }

    pthread_mutex_lock(&l->mu);
    while (!l->stop && l->qlen < l->wake_at) {
        if (pthread_cond_timedwait(&l->cond, &l->mu, &deadline) == ETIMEDOUT) {
            break;
        }
    }
    if (l->head != NULL) {
        if (l->w_tail != NULL) {
            l->w_tail->next = l->head;
        } else {
            l->w_head = l->head;
        }
        l->w_tail = l->tail;
        l->w_count += l->qlen;
        l->head = NULL;
        l->tail = NULL;
        l->qlen = 0;
    }
    stop = l->stop;
    pthread_mutex_unlock(&l->mu);
    return stop;
}


/* Keeps writing until nothing is left or close_ms has passed. What is
 * left then is counted as dropped. */
static void
ec_authlog_drain(ec_authlog_t *l)
{
    int64_t  deadline;
    int64_t  left_ms;
    uint64_t lost;
    int      rc;

    deadline = ec_authlog_clock_us(CLOCK_MONOTONIC)
        + (int64_t) l->close_ms * 1000;
    for (;;) {
        ec_authlog_take(l, 0);
        rc = ec_authlog_flush(l);
        if (rc == SQLITE_OK && l->w_head == NULL) {
            break;
        }
        left_ms = (deadline - ec_authlog_clock_us(CLOCK_MONOTONIC)) / 1000;
        if (left_ms <= 0) {
            break;
        }
        if ((rc & 0xff) != SQLITE_BUSY) {
            usleep((useconds_t) (left_ms < l->retry_ms
                ? left_ms : l->retry_ms) * 1000);
        }
    }

    lost = l->w_count;
    if (lost > 0) {
        ec_authlog_emit(l, "event=authlog_close lost=%llu close_ms=%u"
            " reason=\"database still failing\"", (unsigned long long) lost,
            l->close_ms);
        ec_authlog_release(l, 0, 0);
        l->drops_reported += lost;
    }
    ec_authlog_report_drops(l);

    pthread_mutex_lock(&l->mu);
    ec_authlog_emit(l, "event=authlog_stop submitted=%llu written=%llu"
        " dropped=%llu write_errors=%llu acctlog_errors=%llu",
        (unsigned long long) l->submitted, (unsigned long long) l->written,
        (unsigned long long) l->dropped, (unsigned long long) l->write_errors,
        (unsigned long long) l->acct_errors);
    pthread_mutex_unlock(&l->mu);
}


static void *
ec_authlog_writer(void *arg)
{
    ec_authlog_t *l = arg;
    unsigned      wait_ms = l->batch_ms;
    int           rc;

    while (!ec_authlog_take(l, wait_ms)) {
        rc = ec_authlog_flush(l);
        ec_authlog_report_drops(l);

        /* After a lock timeout the busy handler has waited already; after
         * any other failure, pause before the next attempt. */
        if (rc == SQLITE_OK || (rc & 0xff) == SQLITE_BUSY) {
            wait_ms = l->batch_ms;
        } else {
            wait_ms = l->retry_ms;
        }
    }
    ec_authlog_drain(l);
    return NULL;
}


/* ---- open and close ---- */

static void
ec_authlog_free(ec_authlog_t *l)
{
    if (l->db != NULL) {
        ec_authlog_db_close(l);
    }
    if (l->acct_fd >= 0) {
        close(l->acct_fd);
    }
    pthread_cond_destroy(&l->cond);
    pthread_mutex_destroy(&l->mu);
    free(l->acct_buf);
    free(l->db_path);
    free(l->acct_path);
    free(l->node);
    free(l);
}


static int
ec_authlog_init_sync(ec_authlog_t *l)
{
    pthread_condattr_t attr;

    if (pthread_mutex_init(&l->mu, NULL) != 0) {
        return -1;
    }
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    if (pthread_cond_init(&l->cond, &attr) != 0) {
        pthread_condattr_destroy(&attr);
        pthread_mutex_destroy(&l->mu);
        return -1;
    }
    pthread_condattr_destroy(&attr);
    return 0;
}


static unsigned
ec_authlog_or(unsigned value, unsigned fallback)
{
    return value != 0 ? value : fallback;
}


/* Starts the writer with every signal blocked, so that signals go to the
 * daemon's own threads. */
static int
ec_authlog_start(ec_authlog_t *l)
{
    sigset_t all;
    sigset_t old;
    int      rc;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    rc = pthread_create(&l->thread, NULL, ec_authlog_writer, l);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc;
}


ec_authlog_t *
ec_authlog_open(const ec_authlog_config_t *cfg, char *err, size_t errlen)
{
    ec_authlog_t *l;
    int           rc;

    l = calloc(1, sizeof(*l));
    if (l == NULL || ec_authlog_init_sync(l) != 0) {
        snprintf(err, errlen, "out of memory");
        free(l);
        return NULL;
    }
    l->acct_fd = -1;
    l->db_path = ec_authlog_strdup(cfg->db_path);
    l->acct_path = ec_authlog_strdup(cfg->acctlog_path);
    l->node = strdup(cfg->node != NULL ? cfg->node : "");
    l->batch_ms = ec_authlog_or(cfg->batch_ms, EC_AUTHLOG_BATCH_MS);
    l->max_queued = ec_authlog_or(cfg->max_queued, EC_AUTHLOG_MAX_QUEUED);
    l->wake_at = l->max_queued / 2 > 0 ? l->max_queued / 2 : 1;
    l->busy_ms = ec_authlog_or(cfg->busy_ms, EC_AUTHLOG_BUSY_MS);
    l->retry_ms = ec_authlog_or(cfg->retry_ms, EC_AUTHLOG_RETRY_MS);
    l->report_ms = ec_authlog_or(cfg->report_ms, EC_AUTHLOG_REPORT_MS);
    l->close_ms = ec_authlog_or(cfg->close_ms, EC_AUTHLOG_CLOSE_MS);
    l->log = cfg->log;
    l->log_arg = cfg->log_arg;

    if (l->node == NULL || (cfg->db_path != NULL && l->db_path == NULL)
            || (cfg->acctlog_path != NULL && l->acct_path == NULL)) {
        snprintf(err, errlen, "out of memory");
        goto fail;
    }
    if (l->acct_path != NULL && ec_authlog_acct_open(l, err, errlen) != 0) {
        goto fail;
    }
    if (l->db_path != NULL) {
        char msg[256];

        rc = ec_authlog_db_connect(l, msg, sizeof(msg));
        if (rc != SQLITE_OK) {
            snprintf(err, errlen, "cannot open auth log database \"%s\": %s",
                l->db_path, msg);
            goto fail;
        }
    }
    if (ec_authlog_start(l) != 0) {
        snprintf(err, errlen, "cannot start the auth log writer thread");
        goto fail;
    }
    return l;

fail:
    ec_authlog_free(l);
    return NULL;
}


void
ec_authlog_close(ec_authlog_t *l)
{
    if (l == NULL) {
        return;
    }
    pthread_mutex_lock(&l->mu);
    l->stop = 1;
    pthread_cond_signal(&l->cond);
    pthread_mutex_unlock(&l->mu);

    pthread_join(l->thread, NULL);
    ec_authlog_free(l);
}
