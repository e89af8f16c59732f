/* ecconf: writes authentication events through the auth log, for the
 * shell test that then reads the database with the sqlite3 shell.
 *
 *   authlog_write -d DB [-a ACCTLOG] [-n COUNT] [-s FIRST_SESSION]
 *                 [-p PASSWORD] [-S]
 *
 * -S adds a fixed scenario at 2023-11-14T22:13:20Z: a brute-forced
 * account, password spraying, a distributed attack on one user, hostile
 * usernames, and HTTP attempts. -n adds COUNT passing logins after it.
 * Every event is built from a request that carries PASSWORD, so the test
 * can check that the password reaches no file. Prints the final counters
 * on stdout and the log callback's lines on stderr. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/authlog.h"

#define SCENARIO_START_US   1700000000000000LL

typedef struct writer {
    ec_authlog_t   *log;
    const char     *password;
    uint64_t        session;
} writer_t;


/* Prints report lines on stderr, and the final counters on stdout. */
static void
print_line(void *arg, const char *line)
{
    (void) arg;
    if (strncmp(line, "event=authlog_stop ", 19) == 0) {
        printf("%s\n", line);
    } else {
        fprintf(stderr, "authlog: %s\n", line);
    }
}


/* Submits one attempt the way a listener does: a request with the
 * password, a reply, and the event built from both. */
static void
attempt(writer_t *w, int64_t t_us, ec_proto_t proto, const char *remote,
            const char *user, size_t user_len, ec_auth_result_t result)
{
    ec_conn_info_t    conn;
    ec_auth_request_t req;
    ec_auth_reply_t   reply;
    ec_auth_event_t   ev;

    memset(&conn, 0, sizeof(conn));
    conn.protocol = proto;
    conn.listener = proto == EC_PROTO_HTTP ? "HTTP_Listener"
        : "ESMTP_Listener";
    conn.local_addr = "127.0.0.1";
    conn.local_port = proto == EC_PROTO_HTTP ? 8080 : 587;
    conn.remote_addr = remote;
    conn.remote_port = 40000;
    conn.conn_id = ++w->session;

    memset(&req, 0, sizeof(req));
    req.mechanism = proto == EC_PROTO_HTTP ? "BASIC" : "PLAIN";
    req.username = user;
    req.username_len = user_len;
    req.password = w->password;
    req.password_len = strlen(w->password);
    req.conn = &conn;

    memset(&reply, 0, sizeof(reply));
    reply.result = result;
    snprintf(reply.reason, sizeof(reply.reason), "%s",
        result == EC_AUTH_OK ? "" : "bad_password");

    ec_authlog_event_init(&ev, &req, &reply);
    ev.time_us = t_us;
    ev.endpoint = proto == EC_PROTO_HTTP ? "*:8080" : "*:587";
    ev.scheme = "file";
    ev.duration_us = 250;
    ev.acctlog = 1;
    if (proto == EC_PROTO_HTTP) {
        ev.reply_code = result == EC_AUTH_OK ? 200 : 401;
    } else {
        ev.reply_code = result == EC_AUTH_OK ? 235 : 535;
    }
    ec_authlog_submit(w->log, &ev);
}


static void
attempt_str(writer_t *w, int64_t t_us, const char *remote, const char *user,
            ec_auth_result_t result)
{
    attempt(w, t_us, EC_PROTO_ESMTP, remote, user, strlen(user), result);
}


static void
write_scenario(writer_t *w)
{
    static const char nul_user[] = "nul\0x";
    int64_t           t = SCENARIO_START_US;
    char              user[32];
    char              addr[32];
    int               i;

    /* A brute-forced account: six failures, then a pass. */
    for (i = 0; i < 6; i++) {
        attempt_str(w, t + i * 1000000LL, "192.0.2.10", "alice",
            EC_AUTH_FAIL);
    }
    attempt_str(w, t + 60000000LL, "192.0.2.10", "alice", EC_AUTH_OK);

    /* Password spraying: one address, twelve users. */
    for (i = 0; i < 12; i++) {
        snprintf(user, sizeof(user), "user%02d", i + 1);
        attempt_str(w, t + (100 + i) * 1000000LL, "203.0.113.5", user,
            EC_AUTH_FAIL);
    }

    /* One account attacked from twelve addresses. */
    for (i = 0; i < 12; i++) {
        snprintf(addr, sizeof(addr), "198.51.100.%d", i + 1);
        attempt_str(w, t + (200 + i) * 1000000LL, addr, "bob", EC_AUTH_FAIL);
    }

    /* Hostile usernames are data. */
    attempt_str(w, t + 300000000LL, "192.0.2.66",
        "o'brien\"; DROP TABLE auth_events; --", EC_AUTH_FAIL);
    attempt(w, t + 301000000LL, EC_PROTO_ESMTP, "192.0.2.66", nul_user,
        sizeof(nul_user) - 1, EC_AUTH_FAIL);
    attempt_str(w, t + 302000000LL, "192.0.2.66", "line\nbreak@x",
        EC_AUTH_FAIL);
    attempt_str(w, t + 303000000LL, "192.0.2.66", "\xff\xfe", EC_AUTH_FAIL);

    /* HTTP Basic attempts. */
    attempt(w, t + 400000000LL, EC_PROTO_HTTP, "192.0.2.20", "carol", 5,
        EC_AUTH_FAIL);
    attempt(w, t + 401000000LL, EC_PROTO_HTTP, "192.0.2.20", "carol", 5,
        EC_AUTH_OK);
}


int
main(int argc, char **argv)
{
    ec_authlog_config_t cfg;
    ec_authlog_stats_t  st;
    writer_t            w;
    char                err[512];
    char                user[32];
    char                addr[32];
    long                count = 0;
    int                 scenario = 0;
    int                 opt;
    long                i;

    memset(&cfg, 0, sizeof(cfg));
    memset(&w, 0, sizeof(w));
    cfg.node = "mx1.example.test";
    cfg.log = print_line;
    w.password = "not-a-real-password";

    while ((opt = getopt(argc, argv, "d:a:n:s:p:S")) != -1) {
        switch (opt) {
        case 'd':
            cfg.db_path = optarg;
            break;
        case 'a':
            cfg.acctlog_path = optarg;
            break;
        case 'n':
            count = strtol(optarg, NULL, 10);
            break;
        case 's':
            w.session = strtoull(optarg, NULL, 10);
            break;
        case 'p':
            w.password = optarg;
            break;
        case 'S':
            scenario = 1;
            break;
        default:
            fprintf(stderr, "usage: authlog_write -d DB [-a ACCTLOG]"
                " [-n COUNT] [-s FIRST_SESSION] [-p PASSWORD] [-S]\n");
            return 2;
        }
    }
    cfg.max_queued = count + 100 > EC_AUTHLOG_MAX_QUEUED
        ? (unsigned) count + 100 : 0;

    w.log = ec_authlog_open(&cfg, err, sizeof(err));
    if (w.log == NULL) {
        fprintf(stderr, "authlog_write: %s\n", err);
        return 1;
    }
    if (scenario) {
        write_scenario(&w);
    }
    for (i = 0; i < count; i++) {
        snprintf(user, sizeof(user), "user%ld", i % 500);
        snprintf(addr, sizeof(addr), "10.0.%ld.%ld", (i / 250) % 256,
            i % 250 + 1);
        attempt_str(&w, SCENARIO_START_US + 3600000000LL + i * 1000LL, addr,
            user, EC_AUTH_OK);
    }

    ec_authlog_stats(w.log, &st);
    ec_authlog_close(w.log);
    return st.dropped == 0 ? 0 : 1;
}
