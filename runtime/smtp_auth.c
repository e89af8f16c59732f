/* ecconf: the SMTP AUTH command (RFC 4954) with the LOGIN, PLAIN
 * (RFC 4616) and CRAM-MD5 (RFC 2195) exchanges. sasl.c decodes the
 * client lines, and this file runs the dialogue and picks the reply codes. */
#include <ctype.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>

#include "runtime/paniclog.h"
#include "runtime/sasl.h"
#include "runtime/smtp_int.h"

#define EC_SMTP_DECODED EC_SASL_DECODED_SIZE(EC_SMTP_AUTH_MAX)

static const struct {
    const char *name;
    unsigned    mech;
} ec_smtp_mechs[] = {
    { "LOGIN",    EC_MECH_LOGIN },
    { "PLAIN",    EC_MECH_PLAIN },
    { "CRAM-MD5", EC_MECH_CRAM },
};


static int64_t
ec_smtp_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}


static void
ec_smtp_auth_record(ec_smtp_t *s, const ec_auth_request_t *req,
        const ec_auth_reply_t *reply, ec_authlog_result_t result, int code,
        int64_t duration_us)
{
    ec_authoutcome_t o;

    o.bind = s->bind;
    o.endpoint = s->listen->addr_text;
    o.req = req;
    o.reply = reply;
    o.result = result;
    o.reply_code = code;
    o.attempt = s->auth_attempts;
    o.duration_us = duration_us;
    ec_authdispatch_log(&s->gen->auth, &o);
}


/* Record an exchange that ended before any check, with reason as the
 * reason column. The user name is the one in s->user: LOGIN stores it
 * after its first step, and PLAIN stores the authcid when a later check
 * of the message failed. */
static void
ec_smtp_auth_record_early(ec_smtp_t *s, ec_authlog_result_t result,
        int code, const char *reason)
{
    ec_auth_request_t req;
    ec_auth_reply_t   reply;

    memset(&req, 0, sizeof(req));
    req.mechanism = s->mech_name != NULL ? s->mech_name : "UNKNOWN";
    req.username = s->user;
    req.username_len = s->user_len;
    req.conn = &s->conn;
    memset(&reply, 0, sizeof(reply));
    snprintf(reply.reason, sizeof(reply.reason), "%s", reason);
    ec_smtp_auth_record(s, &req, &reply, result, code, -1);
}


void
ec_smtp_auth_timeout(ec_smtp_t *s)
{
    ec_smtp_auth_record_early(s, EC_AUTHLOG_TIMEOUT, 421, "idle_timeout");
}


void
ec_smtp_auth_shutdown(ec_smtp_t *s)
{
    if (s->state == EC_SMTP_AUTH_LOGIN_USER
            || s->state == EC_SMTP_AUTH_LOGIN_PASS
            || s->state == EC_SMTP_AUTH_PLAIN
            || s->state == EC_SMTP_AUTH_CRAM)
        ec_smtp_auth_record_early(s, EC_AUTHLOG_ABORTED, 421, "shutdown");
}


static void
ec_smtp_auth_done(ec_smtp_t *s)
{
    s->state = EC_SMTP_CMD;
    s->mech_name = NULL;
    s->bind = NULL;
    OPENSSL_cleanse(s->challenge, sizeof(s->challenge));
    if (!s->authed) {
        OPENSSL_cleanse(s->user, sizeof(s->user));
        s->user_len = 0;
    }
}


/* Reply for a decoder error, then end the exchange. reason is the
 * reason column of the auth log. */
static void
ec_smtp_auth_fail_early(ec_smtp_t *s, ec_sasl_status_t st,
        const char *reason)
{
    ec_authlog_result_t result = EC_AUTHLOG_MALFORMED;
    int                 code = 501;

    switch (st) {
    case EC_SASL_CANCELLED:
        result = EC_AUTHLOG_ABORTED;
        ec_smtp_reply(s, "501 5.7.0 Authentication cancelled");
        break;
    case EC_SASL_ERR_TOO_LONG:
        code = 500;
        ec_smtp_reply(s, "500 5.5.6 Authentication Exchange line is too "
                "long");
        break;
    case EC_SASL_ERR_NOSPACE:
    case EC_SASL_ERR_RANDOM:
    case EC_SASL_ERR_HOSTNAME:
        result = EC_AUTHLOG_ERROR;
        code = 454;
        ec_paniclog(EC_LOG_ERROR, "auth_error", " conn=%llu error=%s",
                (unsigned long long) s->conn.conn_id,
                ec_sasl_status_name(st));
        ec_smtp_reply(s, "454 4.7.0 Temporary authentication failure");
        break;
    case EC_SASL_ERR_AUTHZID:
        result = EC_AUTHLOG_FAIL;
        code = 535;
        ec_smtp_reply(s, "535 5.7.8 Authentication credentials invalid");
        break;
    default:
        ec_smtp_reply(s, "501 5.5.2 Cannot decode response");
        break;
    }
    ec_smtp_auth_record_early(s, result, code, reason);
    ec_smtp_auth_done(s);
}


static void
ec_smtp_auth_status(ec_smtp_t *s, ec_sasl_status_t st)
{
    ec_smtp_auth_fail_early(s, st, ec_sasl_status_name(st));
}


void
ec_smtp_auth_too_long(ec_smtp_t *s)
{
    ec_smtp_auth_status(s, EC_SASL_ERR_TOO_LONG);
}


/* A hook may set its own reply line ("531 Get out of town");
 * it is sent only when it is a single 4xx or 5xx line. */
static int
ec_smtp_hook_reply_ok(const char *r)
{
    return (r[0] == '4' || r[0] == '5') && isdigit((unsigned char) r[1])
        && isdigit((unsigned char) r[2]) && (r[3] == ' ' || r[3] == '\0')
        && strcspn(r, "\r\n") == strlen(r);
}


/* Send the reply for a handler's decision; returns its code. */
static int
ec_smtp_auth_result(ec_smtp_t *s, const ec_auth_request_t *req,
        const ec_auth_reply_t *reply)
{
    char reason[300];

    switch (reply->result) {
    case EC_AUTH_OK:
        s->authed = 1;
        atomic_fetch_add(&s->sock->auth_pass, 1);
        ec_smtp_reply(s, "235 2.7.0 Authentication successful");
        return 235;
    case EC_AUTH_FAIL:
        atomic_fetch_add(&s->sock->auth_fail, 1);
        if (ec_smtp_hook_reply_ok(reply->response)) {
            ec_smtp_reply(s, "%s", reply->response);
            return atoi(reply->response);
        }
        ec_smtp_reply(s, "535 5.7.8 Authentication credentials invalid");
        return 535;
    default:
        atomic_fetch_add(&s->sock->auth_error, 1);
        ec_paniclog(EC_LOG_WARNING, "auth_tempfail",
                " conn=%llu mechanism=%s reason=%s",
                (unsigned long long) s->conn.conn_id, req->mechanism,
                ec_paniclog_quote_str(reason, sizeof(reason),
                    reply->reason));
        ec_smtp_reply(s, "454 4.7.0 Temporary authentication failure");
        return 454;
    }
}


/* Run the credentials through the scheme handler bound to the
 * mechanism, reply and record the attempt. */
static void
ec_smtp_auth_check(ec_smtp_t *s, ec_auth_request_t *req)
{
    ec_auth_reply_t reply;
    int64_t         t0 = ec_smtp_now_us();
    int             code;

    req->conn = &s->conn;
    req->realm = s->bind != NULL ? s->bind->realm : NULL;
    ec_authdispatch_check(&s->gen->auth, s->bind, s->set.always_allow,
            s->set.always_deny, req, &reply);

    if (reply.result == EC_AUTH_OK && req->username_len < sizeof(s->user)) {
        memcpy(s->user, req->username, req->username_len);
        s->user[req->username_len] = '\0';
        s->user_len = req->username_len;
    } else if (reply.result == EC_AUTH_OK) {
        reply.result = EC_AUTH_FAIL;
    }
    code = ec_smtp_auth_result(s, req, &reply);
    ec_smtp_auth_record(s, req, &reply,
            ec_authdispatch_result(reply.result), code,
            ec_smtp_now_us() - t0);
    ec_smtp_auth_done(s);
}


static void
ec_smtp_plain(ec_smtp_t *s, const char *line, size_t len,
        ec_sasl_stage_t stage)
{
    unsigned char     dec[EC_SMTP_DECODED];
    size_t            declen = 0;
    ec_sasl_plain_t   p;
    ec_sasl_status_t  st;
    ec_auth_request_t req;

    memset(&p, 0, sizeof(p));
    st = ec_sasl_response_decode(line, len, stage, dec, sizeof(dec),
            &declen);
    if (st == EC_SASL_OK)
        st = ec_sasl_plain_parse(dec, declen, &p);
    if (st != EC_SASL_OK) {
        /* The parser sets authcid once the message has its two NULs, so
         * an empty password or a foreign authzid is recorded under the
         * user who sent it. */
        if (p.authcid_len > 0 && p.authcid_len < sizeof(s->user)) {
            memcpy(s->user, p.authcid, p.authcid_len);
            s->user[p.authcid_len] = '\0';
            s->user_len = p.authcid_len;
        }
        OPENSSL_cleanse(dec, declen);
        ec_smtp_auth_status(s, st);
        return;
    }

    memset(&req, 0, sizeof(req));
    req.mechanism = "PLAIN";
    req.username = p.authcid;
    req.username_len = p.authcid_len;
    req.password = p.password;
    req.password_len = p.password_len;
    ec_smtp_auth_check(s, &req);
    OPENSSL_cleanse(dec, declen);
}


static void
ec_smtp_login_user(ec_smtp_t *s, const char *line, size_t len,
        ec_sasl_stage_t stage)
{
    char             dec[EC_SMTP_DECODED];
    size_t           declen = 0;
    ec_sasl_status_t st;

    st = ec_sasl_login_decode(line, len, stage, dec, sizeof(dec), &declen);
    if (st == EC_SASL_OK && declen >= sizeof(s->user)) {
        /* Longer than any stored user: rejected with 535 as bad credentials. */
        ec_smtp_auth_fail_early(s, EC_SASL_ERR_AUTHZID, "username_too_long");
        return;
    }
    if (st != EC_SASL_OK) {
        ec_smtp_auth_status(s, st);
        return;
    }
    memcpy(s->user, dec, declen + 1);
    s->user_len = declen;
    s->state = EC_SMTP_AUTH_LOGIN_PASS;
    ec_smtp_reply(s, "334 %s", ec_sasl_login_prompt(1));
}


static void
ec_smtp_login_pass(ec_smtp_t *s, const char *line, size_t len)
{
    char              dec[EC_SMTP_DECODED];
    size_t            declen = 0;
    ec_sasl_status_t  st;
    ec_auth_request_t req;

    st = ec_sasl_login_decode(line, len, EC_SASL_CONTINUATION, dec,
            sizeof(dec), &declen);
    if (st != EC_SASL_OK) {
        ec_smtp_auth_status(s, st);
        return;
    }
    memset(&req, 0, sizeof(req));
    req.mechanism = "LOGIN";
    req.username = s->user;
    req.username_len = s->user_len;
    req.password = dec;
    req.password_len = declen;
    ec_smtp_auth_check(s, &req);
    OPENSSL_cleanse(dec, declen);
}


static void
ec_smtp_cram_start(ec_smtp_t *s)
{
    char             b64[EC_SASL_ENCODED_SIZE(sizeof(s->challenge))];
    size_t           n = 0;
    ec_sasl_status_t st;

    st = ec_sasl_cram_challenge(s->set.hostname, s->challenge,
            sizeof(s->challenge), &n);
    if (st == EC_SASL_OK)
        st = ec_sasl_base64_encode((const unsigned char *) s->challenge, n,
                b64, sizeof(b64), &n);
    if (st != EC_SASL_OK) {
        ec_smtp_auth_status(s, st);
        return;
    }
    s->state = EC_SMTP_AUTH_CRAM;
    ec_smtp_reply(s, "334 %s", b64);
}


static void
ec_smtp_cram_response(ec_smtp_t *s, const char *line, size_t len)
{
    unsigned char     dec[EC_SMTP_DECODED];
    size_t            declen = 0;
    ec_sasl_cram_t    c;
    ec_sasl_status_t  st;
    ec_auth_request_t req;

    st = ec_sasl_response_decode(line, len, EC_SASL_CONTINUATION, dec,
            sizeof(dec), &declen);
    if (st == EC_SASL_OK)
        st = ec_sasl_cram_parse(dec, declen, &c);
    if (st != EC_SASL_OK) {
        ec_smtp_auth_status(s, st);
        return;
    }
    memset(&req, 0, sizeof(req));
    req.mechanism = "CRAM-MD5";
    req.username = c.username;
    req.username_len = c.username_len;
    req.challenge = s->challenge;
    req.digest = c.digest;
    ec_smtp_auth_check(s, &req);
}


/* The checks of RFC 4954 section 4, in the order of the first one that
 * fails: greeting, AUTH offered, not yet authenticated, no transaction. */
static int
ec_smtp_auth_allowed(ec_smtp_t *s)
{
    if (!s->greeted)
        ec_smtp_reply(s, "503 5.5.1 Send EHLO first");
    else if (s->set.mechs == 0)
        ec_smtp_reply(s, "503 5.5.1 AUTH not available");
    else if (s->authed)
        ec_smtp_reply(s, "503 5.5.1 Already authenticated");
    else if (s->mail)
        ec_smtp_reply(s, "503 5.5.1 AUTH not permitted during a mail "
                "transaction");
    else
        return 1;
    return 0;
}


static unsigned
ec_smtp_mech_lookup(const char *name)
{
    size_t i;

    for (i = 0; i < sizeof(ec_smtp_mechs) / sizeof(ec_smtp_mechs[0]); i++) {
        if (strcasecmp(name, ec_smtp_mechs[i].name) == 0)
            return ec_smtp_mechs[i].mech;
    }
    return 0;
}


void
ec_smtp_auth_command(ec_smtp_t *s, char *arg)
{
    char    *save;
    char    *mech_name = strtok_r(arg, " ", &save);
    char    *ir = strtok_r(NULL, " ", &save);
    unsigned mech;

    if (!ec_smtp_auth_allowed(s))
        return;
    if (mech_name == NULL || strtok_r(NULL, " ", &save) != NULL) {
        ec_smtp_reply(s, "501 5.5.4 Syntax: AUTH mechanism "
                "[initial-response]");
        return;
    }
    /* The mechanism token is never echoed: a confused client may have
     * put its credentials there. */
    mech = ec_smtp_mech_lookup(mech_name) & s->set.mechs;
    if (mech == 0) {
        ec_smtp_reply(s, "504 5.5.4 Unrecognized authentication type");
        return;
    }
    s->auth_attempts++;
    s->mech_name = mech == EC_MECH_LOGIN ? "LOGIN"
        : mech == EC_MECH_PLAIN ? "PLAIN" : "CRAM-MD5";
    s->bind = mech == EC_MECH_LOGIN ? s->set.login
        : mech == EC_MECH_PLAIN ? s->set.plain : s->set.cram;

    if (mech == EC_MECH_CRAM && ir != NULL) {
        ec_smtp_reply(s, "501 5.7.0 CRAM-MD5 takes no initial response");
        ec_smtp_auth_record_early(s, EC_AUTHLOG_MALFORMED, 501,
                "initial_response");
        ec_smtp_auth_done(s);
    } else if (mech == EC_MECH_CRAM) {
        ec_smtp_cram_start(s);
    } else if (mech == EC_MECH_PLAIN && ir != NULL) {
        ec_smtp_plain(s, ir, strlen(ir), EC_SASL_INITIAL);
    } else if (mech == EC_MECH_PLAIN) {
        s->state = EC_SMTP_AUTH_PLAIN;
        ec_smtp_reply(s, "334 ");
    } else if (ir != NULL) {
        ec_smtp_login_user(s, ir, strlen(ir), EC_SASL_INITIAL);
    } else {
        s->state = EC_SMTP_AUTH_LOGIN_USER;
        ec_smtp_reply(s, "334 %s", ec_sasl_login_prompt(0));
    }
}


void
ec_smtp_auth_line(ec_smtp_t *s, char *line, size_t len)
{
    switch (s->state) {
    case EC_SMTP_AUTH_LOGIN_USER:
        ec_smtp_login_user(s, line, len, EC_SASL_CONTINUATION);
        break;
    case EC_SMTP_AUTH_LOGIN_PASS:
        ec_smtp_login_pass(s, line, len);
        break;
    case EC_SMTP_AUTH_PLAIN:
        ec_smtp_plain(s, line, len, EC_SASL_CONTINUATION);
        break;
    case EC_SMTP_AUTH_CRAM:
        ec_smtp_cram_response(s, line, len);
        break;
    default:
        break;
    }
}
