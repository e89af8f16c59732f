/* ecconf: tests for the authentication event log, against real SQLite
 * files in a fresh temporary folder per test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <ftw.h>
#include <pthread.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/authlog.h"

#define PASSWORD    "pw-Xy7!sEcReT-4242"
#define MAX_LINES   256

/* Report lines captured from the log callback. */
typedef struct captured {
    pthread_mutex_t mu;
    char           *lines[MAX_LINES];
    unsigned        count;
} captured_t;

typedef struct fixture {
    char            dir[64];
    char            db[128];
    char            acct[128];
    captured_t      log;
} fixture_t;


static void
capture_line(void *arg, const char *line)
{
    captured_t *c = arg;

    pthread_mutex_lock(&c->mu);
    if (c->count < MAX_LINES) {
        c->lines[c->count++] = strdup(line);
    }
    pthread_mutex_unlock(&c->mu);
}


/* Counts captured lines that contain every one of up to two needles. */
static unsigned
count_lines(captured_t *c, const char *a, const char *b)
{
    unsigned i;
    unsigned n = 0;

    pthread_mutex_lock(&c->mu);
    for (i = 0; i < c->count; i++) {
        if (strstr(c->lines[i], a) != NULL
                && (b == NULL || strstr(c->lines[i], b) != NULL)) {
            n++;
        }
    }
    pthread_mutex_unlock(&c->mu);
    return n;
}


static int
setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    snprintf(f->dir, sizeof(f->dir), "/tmp/test_authlog.XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    snprintf(f->db, sizeof(f->db), "%s/auth.db", f->dir);
    snprintf(f->acct, sizeof(f->acct), "%s/acctlog", f->dir);
    pthread_mutex_init(&f->log.mu, NULL);
    *state = f;
    return 0;
}


static int
remove_entry(const char *path, const struct stat *st, int type,
            struct FTW *ftw)
{
    (void) st;
    (void) type;
    (void) ftw;
    return remove(path);
}


static void
remove_tree(const char *dir)
{
    nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}


static int
teardown(void **state)
{
    fixture_t *f = *state;
    unsigned   i;

    remove_tree(f->dir);
    for (i = 0; i < f->log.count; i++) {
        free(f->log.lines[i]);
    }
    pthread_mutex_destroy(&f->log.mu);
    free(f);
    return 0;
}


static void
config_init(ec_authlog_config_t *cfg, fixture_t *f)
{
    memset(cfg, 0, sizeof(*cfg));
    cfg->db_path = f->db;
    cfg->node = "mx1.example.test";
    cfg->batch_ms = 20;
    cfg->log = capture_line;
    cfg->log_arg = &f->log;
}


static ec_authlog_t *
open_log(const ec_authlog_config_t *cfg)
{
    char          err[256] = "";
    ec_authlog_t *l = ec_authlog_open(cfg, err, sizeof(err));

    if (l == NULL) {
        fail_msg("ec_authlog_open: %s", err);
    }
    return l;
}


static void
event_init(ec_auth_event_t *ev, uint64_t session, const char *user,
            ec_authlog_result_t result)
{
    memset(ev, 0, sizeof(*ev));
    ev->protocol = EC_PROTO_ESMTP;
    ev->listener = "ESMTP_Listener";
    ev->local_addr = "127.0.0.1";
    ev->local_port = 587;
    ev->remote_addr = "192.0.2.7";
    ev->remote_port = 40000;
    ev->session_id = session;
    ev->attempt = 1;
    ev->mechanism = "PLAIN";
    ev->scheme = "file";
    ev->username = user;
    ev->username_len = user != NULL ? strlen(user) : 0;
    ev->result = result;
    ev->duration_us = -1;
    ev->acctlog = 1;
}


static void
submit_many(ec_authlog_t *l, uint64_t first, unsigned n)
{
    ec_auth_event_t ev;
    unsigned        i;

    for (i = 0; i < n; i++) {
        event_init(&ev, first + i, "alice", EC_AUTHLOG_FAIL);
        ec_authlog_submit(l, &ev);
    }
}


static void
sleep_ms(unsigned ms)
{
    struct timespec ts = { ms / 1000, (long) (ms % 1000) * 1000000 };

    nanosleep(&ts, NULL);
}


/* Polls until the stats field reaches want; the 30 s cap only keeps a
 * broken writer from hanging the test. */
static uint64_t
wait_written(ec_authlog_t *l, uint64_t want)
{
    ec_authlog_stats_t st;
    int                i;

    for (i = 0; i < 3000; i++) {
        ec_authlog_stats(l, &st);
        if (st.written >= want) {
            break;
        }
        sleep_ms(10);
    }
    return st.written;
}


static uint64_t
wait_errors(ec_authlog_t *l, uint64_t want)
{
    ec_authlog_stats_t st;
    int                i;

    for (i = 0; i < 3000; i++) {
        ec_authlog_stats(l, &st);
        if (st.write_errors >= want) {
            break;
        }
        sleep_ms(10);
    }
    return st.write_errors;
}


static sqlite3 *
db_open(const char *path)
{
    sqlite3 *db = NULL;

    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL),
        SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    return db;
}


static long long
db_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long long     v = -1;

    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    if (sqlite3_step(st) == SQLITE_ROW) {
        v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return v;
}


static long long
count_rows(const char *path)
{
    sqlite3  *db = db_open(path);
    long long n = db_int(db, "SELECT count(*) FROM auth_events");

    sqlite3_close(db);
    return n;
}


/* Returns the whole file in a malloc'd buffer, or NULL when missing. */
static char *
read_file(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    char *buf;
    long  size;

    if (fp == NULL) {
        return NULL;
    }
    fseek(fp, 0, SEEK_END);
    size = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    buf = malloc((size_t) size + 1);
    *len = fread(buf, 1, (size_t) size, fp);
    buf[*len] = '\0';
    fclose(fp);
    return buf;
}


static int
file_contains(const char *path, const char *needle)
{
    size_t len = 0;
    char  *buf = read_file(path, &len);
    int    found;

    if (buf == NULL) {
        return 0;
    }
    found = memmem(buf, len, needle, strlen(needle)) != NULL;
    free(buf);
    return found;
}


static void
test_schema_created(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    sqlite3            *db;
    struct stat         st;
    static const char *const objects[] = {
        "auth_events", "auth_events_ts", "auth_events_remote",
        "auth_events_user", "auth_fail_by_addr_hour",
        "auth_fail_by_user_day", "auth_pass_after_fail",
    };
    char                sql[160];
    size_t              i;

    config_init(&cfg, f);
    ec_authlog_close(open_log(&cfg));

    db = db_open(f->db);
    assert_int_equal(db_int(db, "PRAGMA user_version"),
        EC_AUTHLOG_SCHEMA_VERSION);
    for (i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM sqlite_master"
            " WHERE name = '%s'", objects[i]);
        assert_int_equal(db_int(db, sql), 1);
    }
    assert_int_equal(db_int(db, "SELECT count(*) FROM sqlite_master"
        " WHERE type = 'view'"), 3);
    assert_int_equal(db_int(db, "SELECT journal_mode = 'wal'"
        " FROM pragma_journal_mode"), 1);
    sqlite3_close(db);

    assert_int_equal(stat(f->db, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0640);
}


static void
test_schema_reopen_keeps_rows(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    ec_authlog_t       *l;

    config_init(&cfg, f);
    l = open_log(&cfg);
    submit_many(l, 1, 10);
    ec_authlog_close(l);

    l = open_log(&cfg);
    submit_many(l, 11, 5);
    ec_authlog_close(l);
    assert_int_equal(count_rows(f->db), 15);
}


static void
test_schema_rejects_newer(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    sqlite3            *db;
    char                err[256] = "";

    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA user_version = 99", NULL, NULL,
        NULL), SQLITE_OK);
    sqlite3_close(db);

    config_init(&cfg, f);
    assert_null(ec_authlog_open(&cfg, err, sizeof(err)));
    assert_non_null(strstr(err, "newer"));
}


static void
test_schema_rejects_foreign_table(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    sqlite3            *db;
    char                err[256] = "";

    assert_int_equal(sqlite3_open(f->db, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "CREATE TABLE auth_events (x)", NULL,
        NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    config_init(&cfg, f);
    assert_null(ec_authlog_open(&cfg, err, sizeof(err)));
    assert_non_null(strstr(err, "user_version"));
}


static void
test_open_missing_folder_fails(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    char                path[160];
    char                err[256] = "";

    snprintf(path, sizeof(path), "%s/missing/auth.db", f->dir);
    config_init(&cfg, f);
    cfg.db_path = path;
    assert_null(ec_authlog_open(&cfg, err, sizeof(err)));
    assert_non_null(strstr(err, "No such file"));
}


static void
test_fields_round_trip(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    ec_authlog_t       *l;
    ec_auth_event_t     ev;
    sqlite3            *db;
    sqlite3_stmt       *st;

    config_init(&cfg, f);
    l = open_log(&cfg);
    memset(&ev, 0, sizeof(ev));
    ev.time_us = 1700000000123456LL;
    ev.node = "relay-7";
    ev.protocol = EC_PROTO_HTTP;
    ev.listener = "HTTP_Listener";
    ev.endpoint = "*:8080";
    ev.local_addr = "10.0.0.1";
    ev.local_port = 8080;
    ev.remote_addr = "2001:db8::5";
    ev.remote_port = 51000;
    ev.session_id = 123456789012ULL;
    ev.attempt = 3;
    ev.mechanism = "BASIC";
    ev.scheme = "ac_auth";
    ev.username = "bob@example.test";
    ev.username_len = strlen(ev.username);
    ev.result = EC_AUTHLOG_TEMPFAIL;
    ev.reason = "hook_error: init.lua:12: boom";
    ev.reply_code = 503;
    ev.tls = 1;
    ev.hook_module = "my_auth";
    ev.duration_us = 4321;
    ec_authlog_submit(l, &ev);

    event_init(&ev, 9, NULL, EC_AUTHLOG_ABORTED);
    ev.time_us = 1700000000000000LL;
    ev.remote_addr = NULL;
    ev.mechanism = NULL;
    ev.scheme = NULL;
    ec_authlog_submit(l, &ev);
    ec_authlog_close(l);

    db = db_open(f->db);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT ts, ts_us, node,"
        " protocol, listener, endpoint, local_addr, local_port, remote_addr,"
        " remote_port, session_id, attempt, mechanism, scheme, username,"
        " username_len, username_truncated, result, reason, reply_code, tls,"
        " hook_module, duration_us, datetime(ts)"
        " FROM auth_events ORDER BY id", -1, &st, NULL), SQLITE_OK);

    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal(sqlite3_column_text(st, 0),
        "2023-11-14T22:13:20.123456Z");
    assert_int_equal(sqlite3_column_int64(st, 1), 1700000000123456LL);
    assert_string_equal(sqlite3_column_text(st, 2), "relay-7");
    assert_string_equal(sqlite3_column_text(st, 3), "http");
    assert_string_equal(sqlite3_column_text(st, 4), "HTTP_Listener");
    assert_string_equal(sqlite3_column_text(st, 5), "*:8080");
    assert_string_equal(sqlite3_column_text(st, 6), "10.0.0.1");
    assert_int_equal(sqlite3_column_int(st, 7), 8080);
    assert_string_equal(sqlite3_column_text(st, 8), "2001:db8::5");
    assert_int_equal(sqlite3_column_int(st, 9), 51000);
    assert_int_equal(sqlite3_column_int64(st, 10), 123456789012LL);
    assert_int_equal(sqlite3_column_int(st, 11), 3);
    assert_string_equal(sqlite3_column_text(st, 12), "BASIC");
    assert_string_equal(sqlite3_column_text(st, 13), "ac_auth");
    assert_string_equal(sqlite3_column_text(st, 14), "bob@example.test");
    assert_int_equal(sqlite3_column_int(st, 15), 16);
    assert_int_equal(sqlite3_column_int(st, 16), 0);
    assert_string_equal(sqlite3_column_text(st, 17), "tempfail");
    assert_string_equal(sqlite3_column_text(st, 18),
        "hook_error: init.lua:12: boom");
    assert_int_equal(sqlite3_column_int(st, 19), 503);
    assert_int_equal(sqlite3_column_int(st, 20), 1);
    assert_string_equal(sqlite3_column_text(st, 21), "my_auth");
    assert_int_equal(sqlite3_column_int(st, 22), 4321);
    assert_string_equal(sqlite3_column_text(st, 23), "2023-11-14 22:13:20");

    /* Missing values are SQL NULL, and the node falls back to the
     * configured one. */
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_string_equal(sqlite3_column_text(st, 2), "mx1.example.test");
    assert_string_equal(sqlite3_column_text(st, 3), "esmtp");
    assert_int_equal(sqlite3_column_type(st, 8), SQLITE_NULL);
    assert_int_equal(sqlite3_column_type(st, 9), SQLITE_NULL);
    assert_int_equal(sqlite3_column_type(st, 12), SQLITE_NULL);
    assert_int_equal(sqlite3_column_type(st, 14), SQLITE_NULL);
    assert_int_equal(sqlite3_column_type(st, 15), SQLITE_NULL);
    assert_string_equal(sqlite3_column_text(st, 17), "aborted");
    assert_int_equal(sqlite3_column_type(st, 19), SQLITE_NULL);
    assert_int_equal(sqlite3_column_type(st, 22), SQLITE_NULL);
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);
    sqlite3_close(db);
}


static void
test_result_names(void **state)
{
    (void) state;
    assert_string_equal(ec_authlog_result_name(EC_AUTHLOG_PASS), "pass");
    assert_string_equal(ec_authlog_result_name(EC_AUTHLOG_FAIL), "fail");
    assert_string_equal(ec_authlog_result_name(EC_AUTHLOG_TEMPFAIL),
        "tempfail");
    assert_string_equal(ec_authlog_result_name(EC_AUTHLOG_ERROR), "error");
    assert_string_equal(ec_authlog_result_name(EC_AUTHLOG_ABORTED),
        "aborted");
    assert_string_equal(ec_authlog_result_name(EC_AUTHLOG_MALFORMED),
        "malformed");
    assert_string_equal(ec_authlog_result_name(EC_AUTHLOG_TIMEOUT),
        "timeout");
    assert_string_equal(ec_authlog_result_name((ec_authlog_result_t) 99),
        "error");
}


/* Reverses ec_authlog_acct_escape on one field. */
static size_t
acct_unescape(char *dst, const char *src, size_t len)
{
    size_t i;
    size_t n = 0;

    for (i = 0; i < len; i++) {
        if (src[i] == '\\' && i + 1 < len) {
            i++;
        }
        dst[n++] = src[i];
    }
    return n;
}


static void
test_hostile_usernames(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    ec_authlog_t       *l;
    ec_auth_event_t     ev;
    sqlite3            *db;
    sqlite3_stmt       *st;
    char               *big;
    char               *acct;
    char               *unescaped;
    size_t              acct_len;
    size_t              i;
    struct {
        const char *bytes;
        size_t      len;
    } users[] = {
        { "o'brien\"; DROP TABLE auth_events; --", 0 },
        { "nul\0inside\0", 11 },
        { "line1\nline2\r\n1700000000@N@*:25@1.2.3.4:5@admin@1", 0 },
        { "\xff\xfe\xc3\x28 bad utf-8 \xed\xa0\x80", 0 },
        { "at@sign\\back\\slash\x7f\x01", 0 },
        { "", 0 },
        { NULL, 10000 },
    };
    size_t              nusers = sizeof(users) / sizeof(users[0]);

    big = malloc(10000);
    for (i = 0; i < 10000; i++) {
        big[i] = (char) ("x'\0\n;\xff"[i % 6]);
    }
    users[nusers - 1].bytes = big;
    for (i = 0; i < nusers - 1; i++) {
        if (users[i].len == 0) {
            users[i].len = strlen(users[i].bytes);
        }
    }

    config_init(&cfg, f);
    cfg.acctlog_path = f->acct;
    l = open_log(&cfg);
    for (i = 0; i < nusers; i++) {
        event_init(&ev, i + 1, NULL, EC_AUTHLOG_FAIL);
        ev.username = users[i].bytes;
        ev.username_len = users[i].len;
        ec_authlog_submit(l, &ev);
    }
    ec_authlog_close(l);

    db = db_open(f->db);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT username, username_len,"
        " username_truncated, typeof(username) FROM auth_events ORDER BY id",
        -1, &st, NULL), SQLITE_OK);
    for (i = 0; i < nusers; i++) {
        size_t stored_len = users[i].len < EC_AUTHLOG_USER_MAX
            ? users[i].len : EC_AUTHLOG_USER_MAX;

        assert_int_equal(sqlite3_step(st), SQLITE_ROW);
        assert_string_equal(sqlite3_column_text(st, 3), "text");
        assert_int_equal(sqlite3_column_bytes(st, 0), stored_len);
        assert_memory_equal(sqlite3_column_blob(st, 0), users[i].bytes,
            stored_len);
        assert_int_equal(sqlite3_column_int(st, 1), users[i].len);
        assert_int_equal(sqlite3_column_int(st, 2), users[i].len > stored_len);
    }
    assert_int_equal(sqlite3_step(st), SQLITE_DONE);
    sqlite3_finalize(st);

    /* The table survived the quote-and-semicolon name, and the shell's
     * way to see every byte, hex(), returns all of them. */
    assert_int_equal(db_int(db, "SELECT count(*) FROM auth_events"),
        (long long) nusers);
    assert_int_equal(db_int(db, "SELECT count(*) FROM auth_events"
        " WHERE hex(username) = '6E756C00696E7369646500'"), 1);
    assert_int_equal(db_int(db, "SELECT length(CAST(username AS BLOB))"
        " FROM auth_events WHERE username_len = 10000"),
        EC_AUTHLOG_USER_MAX);
    sqlite3_close(db);

    /* Each acctlog record unescapes to the stored username. */
    acct = read_file(f->acct, &acct_len);
    assert_non_null(acct);
    unescaped = malloc(acct_len + 1);
    for (i = 0; i < nusers; i++) {
        size_t stored_len = users[i].len < EC_AUTHLOG_USER_MAX
            ? users[i].len : EC_AUTHLOG_USER_MAX;
        char   esc[2 * EC_AUTHLOG_USER_MAX + 2];
        size_t n = ec_authlog_acct_escape(esc, users[i].bytes, stored_len);

        esc[n++] = '@';
        assert_non_null(memmem(acct, acct_len, esc, n));
        assert_int_equal(acct_unescape(unescaped, esc, n - 1), stored_len);
        assert_memory_equal(unescaped, users[i].bytes, stored_len);
    }
    free(unescaped);
    free(acct);
    free(big);
}


static void
test_acct_escape(void **state)
{
    char   out[64];
    size_t n;

    (void) state;
    n = ec_authlog_acct_escape(out, "plain.user", 10);
    assert_int_equal(n, 10);
    assert_memory_equal(out, "plain.user", 10);

    n = ec_authlog_acct_escape(out, "a@b\\c\nd\0e\x7f", 10);
    assert_int_equal(n, 15);
    assert_memory_equal(out, "a\\@b\\\\c\\\nd\\\0e\\\x7f", 15);

    /* Bytes of 0x80 and above are not control characters. */
    n = ec_authlog_acct_escape(out, "\xc3\xa9", 2);
    assert_int_equal(n, 2);
}


static void
test_acctlog_records(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    ec_authlog_t       *l;
    ec_auth_event_t     ev;
    char               *acct;
    size_t              len;

    config_init(&cfg, f);
    cfg.acctlog_path = f->acct;
    l = open_log(&cfg);

    event_init(&ev, 1, "ec_user", EC_AUTHLOG_PASS);
    ev.time_us = 1160172232000001LL;
    ev.endpoint = "*:2025";
    ev.remote_addr = "10.80.116.126";
    ev.remote_port = 37164;
    ec_authlog_submit(l, &ev);

    event_init(&ev, 2, "ec-user", EC_AUTHLOG_FAIL);
    ev.time_us = 1160503808000000LL;
    ev.local_addr = "/tmp/2025";
    ev.local_port = 0;
    ev.remote_addr = NULL;
    ec_authlog_submit(l, &ev);

    event_init(&ev, 3, "slow", EC_AUTHLOG_TIMEOUT);
    ev.time_us = 1160503809000000LL;
    ec_authlog_submit(l, &ev);

    event_init(&ev, 4, "cancelled", EC_AUTHLOG_ABORTED);
    ec_authlog_submit(l, &ev);
    event_init(&ev, 5, "garbled", EC_AUTHLOG_MALFORMED);
    ec_authlog_submit(l, &ev);

    event_init(&ev, 6, "tmp", EC_AUTHLOG_TEMPFAIL);
    ev.time_us = 1160503810000000LL;
    ec_authlog_submit(l, &ev);
    ec_authlog_close(l);

    acct = read_file(f->acct, &len);
    assert_non_null(acct);
    assert_string_equal(acct,
        "1160172232@N@*:2025@10.80.116.126:37164@ec_user@1\n"
        "1160503808@N@/tmp/2025@@ec-user@0\n"
        "1160503809@T@127.0.0.1:587@192.0.2.7:40000@slow@0\n"
        "1160503810@N@127.0.0.1:587@192.0.2.7:40000@tmp@0\n");
    free(acct);
    assert_int_equal(count_rows(f->db), 6);
}


/* Only events with the acctlog flag get a line; every event gets a row. */
static void
test_acctlog_flag_per_event(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    ec_authlog_t       *l;
    ec_auth_event_t     ev;
    ec_authlog_stats_t  st;
    char               *acct;
    size_t              len;

    config_init(&cfg, f);
    cfg.acctlog_path = f->acct;
    l = open_log(&cfg);

    event_init(&ev, 1, "logged", EC_AUTHLOG_PASS);
    ev.time_us = 1160172232000000LL;
    ec_authlog_submit(l, &ev);
    event_init(&ev, 2, "quiet", EC_AUTHLOG_PASS);
    ev.acctlog = 0;
    ec_authlog_submit(l, &ev);
    event_init(&ev, 3, "quiet", EC_AUTHLOG_FAIL);
    ev.acctlog = 0;
    ec_authlog_submit(l, &ev);
    event_init(&ev, 4, "logged", EC_AUTHLOG_FAIL);
    ev.time_us = 1160172233000000LL;
    ec_authlog_submit(l, &ev);
    assert_int_equal(wait_written(l, 4), 4);
    ec_authlog_stats(l, &st);
    assert_int_equal(st.acctlog_errors, 0);
    ec_authlog_close(l);

    acct = read_file(f->acct, &len);
    assert_non_null(acct);
    assert_string_equal(acct,
        "1160172232@N@127.0.0.1:587@192.0.2.7:40000@logged@1\n"
        "1160172233@N@127.0.0.1:587@192.0.2.7:40000@logged@0\n");
    free(acct);
    assert_int_equal(count_rows(f->db), 4);
}


static void
test_acctlog_without_database(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    ec_authlog_t       *l;
    ec_authlog_stats_t  st;
    struct stat         sb;

    config_init(&cfg, f);
    cfg.db_path = NULL;
    cfg.acctlog_path = f->acct;
    l = open_log(&cfg);
    submit_many(l, 1, 7);
    assert_int_equal(wait_written(l, 7), 7);
    ec_authlog_stats(l, &st);
    assert_int_equal(st.queued, 0);
    assert_int_equal(st.batches, 0);
    ec_authlog_close(l);

    assert_int_equal(stat(f->db, &sb), -1);
    assert_int_equal(stat(f->acct, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0640);
}


static void
test_event_init_from_request(void **state)
{
    ec_conn_info_t    conn = {
        .protocol = EC_PROTO_ESMTP, .listener = "ESMTP_Listener",
        .local_addr = "127.0.0.1", .local_port = 25,
        .remote_addr = "198.51.100.2", .remote_port = 1234,
        .conn_id = 77, .tls = 1, .ehlo = "client.example",
    };
    ec_auth_request_t req = {
        .mechanism = "LOGIN", .username = "carol", .username_len = 5,
        .password = PASSWORD, .password_len = strlen(PASSWORD),
        .conn = &conn,
    };
    ec_auth_reply_t   reply;
    ec_auth_event_t   ev;

    (void) state;
    memset(&reply, 0, sizeof(reply));
    reply.result = EC_AUTH_FAIL;
    snprintf(reply.reason, sizeof(reply.reason), "bad_password");
    snprintf(reply.module, sizeof(reply.module), "hooks");

    ec_authlog_event_init(&ev, &req, &reply);
    assert_int_equal(ev.protocol, EC_PROTO_ESMTP);
    assert_string_equal(ev.listener, "ESMTP_Listener");
    assert_string_equal(ev.remote_addr, "198.51.100.2");
    assert_int_equal(ev.remote_port, 1234);
    assert_int_equal(ev.session_id, 77);
    assert_int_equal(ev.tls, 1);
    assert_string_equal(ev.mechanism, "LOGIN");
    assert_memory_equal(ev.username, "carol", 5);
    assert_int_equal(ev.result, EC_AUTHLOG_FAIL);
    assert_string_equal(ev.reason, "bad_password");
    assert_string_equal(ev.hook_module, "hooks");
    assert_int_equal(ev.attempt, 1);
    assert_int_equal(ev.duration_us, -1);

    reply.result = EC_AUTH_OK;
    reply.reason[0] = '\0';
    reply.module[0] = '\0';
    ec_authlog_event_init(&ev, &req, &reply);
    assert_int_equal(ev.result, EC_AUTHLOG_PASS);
    assert_null(ev.reason);
    assert_null(ev.hook_module);

    reply.result = EC_AUTH_ERROR;
    ec_authlog_event_init(&ev, &req, &reply);
    assert_int_equal(ev.result, EC_AUTHLOG_TEMPFAIL);
}


typedef struct reader {
    const char     *path;
    volatile int    stop;
    long long       reads;
    long long       last;
    int             went_back;
    int             errors;
} reader_t;


static void *
reader_main(void *arg)
{
    reader_t     *r = arg;
    sqlite3      *db;
    sqlite3_stmt *count;
    sqlite3_stmt *view;
    long long     n;

    if (sqlite3_open_v2(r->path, &db, SQLITE_OPEN_READONLY, NULL)
            != SQLITE_OK) {
        r->errors++;
        sqlite3_close(db);
        return NULL;
    }
    sqlite3_prepare_v2(db, "SELECT count(*) FROM auth_events", -1, &count,
        NULL);
    sqlite3_prepare_v2(db, "SELECT sum(failures) FROM auth_fail_by_addr_hour",
        -1, &view, NULL);
    while (!r->stop) {
        if (sqlite3_step(count) != SQLITE_ROW
                || sqlite3_step(view) != SQLITE_ROW) {
            r->errors++;
        }
        n = sqlite3_column_int64(count, 0);
        if (n < r->last) {
            r->went_back = 1;
        }
        r->last = n;
        r->reads++;
        sqlite3_reset(count);
        sqlite3_reset(view);
    }
    sqlite3_finalize(count);
    sqlite3_finalize(view);
    sqlite3_close(db);
    return NULL;
}


static void
test_concurrent_reader(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    ec_authlog_t       *l;
    ec_authlog_stats_t  st;
    pthread_t           tid;
    reader_t            r = { .path = f->db };
    unsigned            i;

    config_init(&cfg, f);
    l = open_log(&cfg);
    assert_int_equal(pthread_create(&tid, NULL, reader_main, &r), 0);
    for (i = 0; i < 40; i++) {
        submit_many(l, (uint64_t) i * 500 + 1, 500);
        sleep_ms(5);
    }
    assert_int_equal(wait_written(l, 20000), 20000);
    r.stop = 1;
    pthread_join(tid, NULL);

    ec_authlog_stats(l, &st);
    assert_int_equal(st.dropped, 0);
    assert_int_equal(st.write_errors, 0);
    ec_authlog_close(l);

    assert_int_equal(r.errors, 0);
    assert_int_equal(r.went_back, 0);
    assert_true(r.reads > 0);
    assert_int_equal(count_rows(f->db), 20000);
}


/* A second connection that keeps the write lock until the test sets
 * release. */
typedef struct locker {
    const char     *path;
    pthread_mutex_t mu;
    pthread_cond_t  cond;
    int             locked;
    int             release;
    int             rc;
} locker_t;


static void *
locker_main(void *arg)
{
    locker_t *k = arg;
    sqlite3  *db;

    sqlite3_open(k->path, &db);
    k->rc = sqlite3_exec(db, "BEGIN IMMEDIATE; INSERT INTO auth_events"
        " (ts, ts_us, node, session_id, attempt, result)"
        " VALUES ('x', 0, 'locker', 0, 1, 'pass')", NULL, NULL, NULL);

    pthread_mutex_lock(&k->mu);
    k->locked = 1;
    pthread_cond_broadcast(&k->cond);
    while (!k->release) {
        pthread_cond_wait(&k->cond, &k->mu);
    }
    pthread_mutex_unlock(&k->mu);

    /* Keep the lock a little longer, so close must retry. */
    sleep_ms(1500);
    if (k->rc == SQLITE_OK) {
        k->rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    }
    sqlite3_close(db);
    return NULL;
}


static void
test_second_writer_lock(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    ec_authlog_t       *l;
    ec_authlog_stats_t  st;
    pthread_t           tid;
    locker_t            k = { .path = f->db };

    pthread_mutex_init(&k.mu, NULL);
    pthread_cond_init(&k.cond, NULL);
    config_init(&cfg, f);
    cfg.busy_ms = 200;
    l = open_log(&cfg);

    assert_int_equal(pthread_create(&tid, NULL, locker_main, &k), 0);
    pthread_mutex_lock(&k.mu);
    while (!k.locked) {
        pthread_cond_wait(&k.cond, &k.mu);
    }
    pthread_mutex_unlock(&k.mu);
    assert_int_equal(k.rc, SQLITE_OK);

    submit_many(l, 1, 500);
    assert_true(wait_errors(l, 3) >= 3);

    /* While the lock is held nothing can be committed, nothing is lost,
     * and the repeated busy errors give one report line. */
    ec_authlog_stats(l, &st);
    assert_int_equal(st.written, 0);
    assert_int_equal(st.queued, 500);
    assert_int_equal(st.dropped, 0);
    assert_int_equal(count_lines(&f->log, "event=authlog_error",
        "op=write"), 1);

    pthread_mutex_lock(&k.mu);
    k.release = 1;
    pthread_cond_broadcast(&k.cond);
    pthread_mutex_unlock(&k.mu);
    ec_authlog_close(l);
    pthread_join(tid, NULL);

    assert_int_equal(k.rc, SQLITE_OK);
    assert_int_equal(count_rows(f->db), 501);
    assert_int_equal(count_lines(&f->log, "event=authlog_recovered", NULL),
        1);
    assert_int_equal(count_lines(&f->log, "event=authlog_close", NULL), 0);
    pthread_cond_destroy(&k.cond);
    pthread_mutex_destroy(&k.mu);
}


static void
test_read_only_database(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    ec_authlog_t       *l;
    ec_authlog_stats_t  st;
    char                uri[200];

    config_init(&cfg, f);
    l = open_log(&cfg);
    submit_many(l, 1, 3);
    ec_authlog_close(l);

    /* The tests run as root, which ignores file modes, so the database
     * is opened read-only through a URI instead of chmod. */
    snprintf(uri, sizeof(uri), "file:%s?mode=ro", f->db);
    cfg.db_path = uri;
    cfg.max_queued = 100;
    cfg.retry_ms = 20;
    cfg.close_ms = 200;
    l = open_log(&cfg);
    submit_many(l, 100, 150);
    assert_true(wait_errors(l, 5) >= 5);

    ec_authlog_stats(l, &st);
    assert_int_equal(st.submitted, 100);
    assert_int_equal(st.queued, 100);
    assert_int_equal(st.dropped, 50);
    assert_int_equal(st.written, 0);
    assert_int_equal(count_lines(&f->log, "event=authlog_error",
        "readonly"), 1);
    assert_int_equal(count_lines(&f->log, "event=authlog_drop",
        "dropped=50"), 1);

    /* Submit keeps returning while the database stays read-only. */
    submit_many(l, 300, 10);
    ec_authlog_close(l);

    assert_int_equal(count_lines(&f->log, "event=authlog_close",
        "lost=100"), 1);
    assert_int_equal(count_rows(f->db), 3);
}


static void
test_deleted_folder(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    ec_authlog_t       *l;
    ec_authlog_stats_t  st;
    char                sub[128];
    char                path[160];

    snprintf(sub, sizeof(sub), "%s/sub", f->dir);
    snprintf(path, sizeof(path), "%s/auth.db", sub);
    assert_int_equal(mkdir(sub, 0700), 0);
    config_init(&cfg, f);
    cfg.db_path = path;
    cfg.max_queued = 20;
    cfg.retry_ms = 20;
    l = open_log(&cfg);
    submit_many(l, 1, 5);
    assert_int_equal(wait_written(l, 5), 5);

    remove_tree(sub);
    submit_many(l, 10, 30);
    assert_true(wait_errors(l, 5) >= 5);
    ec_authlog_stats(l, &st);
    assert_int_equal(st.written, 5);
    assert_int_equal(st.queued, 20);
    assert_int_equal(st.dropped, 10);
    assert_int_equal(count_lines(&f->log, "event=authlog_reopen", NULL), 1);
    assert_int_equal(count_lines(&f->log, "op=open", "No such file"), 1);

    /* Once the folder is back, the writer creates a new database and
     * writes what it stored_len. */
    assert_int_equal(mkdir(sub, 0700), 0);
    assert_int_equal(wait_written(l, 25), 25);
    assert_int_equal(count_lines(&f->log, "event=authlog_recovered", NULL),
        1);
    ec_authlog_close(l);
    assert_int_equal(count_rows(path), 20);
}


static void
test_close_flushes(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    ec_authlog_t       *l;

    config_init(&cfg, f);
    cfg.batch_ms = 600000;
    l = open_log(&cfg);
    submit_many(l, 1, 1000);
    ec_authlog_close(l);
    assert_int_equal(count_rows(f->db), 1000);
}


static void
test_no_password_stored(void **state)
{
    fixture_t          *f = *state;
    ec_authlog_config_t cfg;
    ec_authlog_t       *l;
    ec_auth_event_t     ev;
    ec_conn_info_t      conn = {
        .protocol = EC_PROTO_ESMTP, .listener = "ESMTP_Listener",
        .local_addr = "127.0.0.1", .local_port = 25,
        .remote_addr = "203.0.113.9", .remote_port = 999, .conn_id = 1,
    };
    ec_auth_request_t   req = {
        .mechanism = "PLAIN", .username = "dave", .username_len = 4,
        .password = PASSWORD, .password_len = strlen(PASSWORD),
        .conn = &conn,
    };
    ec_auth_reply_t     reply;
    char                wal[160];
    unsigned            i;

    memset(&reply, 0, sizeof(reply));
    reply.result = EC_AUTH_FAIL;
    snprintf(reply.reason, sizeof(reply.reason), "bad_password");
    snprintf(wal, sizeof(wal), "%s-wal", f->db);

    config_init(&cfg, f);
    cfg.acctlog_path = f->acct;
    l = open_log(&cfg);
    for (i = 0; i < 200; i++) {
        conn.conn_id = i + 1;
        ec_authlog_event_init(&ev, &req, &reply);
        ev.acctlog = 1;
        ec_authlog_submit(l, &ev);
    }
    assert_int_equal(wait_written(l, 200), 200);

    /* While open, the rows sit in the WAL. */
    assert_true(file_contains(wal, "bad_password"));
    assert_false(file_contains(wal, PASSWORD));
    assert_false(file_contains(f->db, PASSWORD));
    assert_false(file_contains(f->acct, PASSWORD));
    ec_authlog_close(l);

    assert_true(file_contains(f->db, "bad_password"));
    assert_false(file_contains(f->db, PASSWORD));
    assert_false(file_contains(wal, PASSWORD));
    assert_true(file_contains(f->acct, "@dave@0"));
    assert_false(file_contains(f->acct, PASSWORD));
    assert_int_equal(count_lines(&f->log, PASSWORD, NULL), 0);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_schema_created, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_schema_reopen_keeps_rows, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_schema_rejects_newer, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_schema_rejects_foreign_table,
            setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_missing_folder_fails, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_fields_round_trip, setup,
            teardown),
        cmocka_unit_test(test_result_names),
        cmocka_unit_test_setup_teardown(test_hostile_usernames, setup,
            teardown),
        cmocka_unit_test(test_acct_escape),
        cmocka_unit_test_setup_teardown(test_acctlog_records, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_acctlog_flag_per_event, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_acctlog_without_database, setup,
            teardown),
        cmocka_unit_test(test_event_init_from_request),
        cmocka_unit_test_setup_teardown(test_concurrent_reader, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_second_writer_lock, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_read_only_database, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_deleted_folder, setup,
            teardown),
        cmocka_unit_test_setup_teardown(test_close_flushes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_password_stored, setup,
            teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
