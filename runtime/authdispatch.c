/* ecconf: run an authentication attempt through its scheme handler and
 * record the outcome. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "lua/ec_lua.h"
#include "runtime/authdispatch.h"
#include "runtime/paniclog.h"

#define EC_ACCTLOG_LINE 1024


int
ec_authbind_open(ec_authbind_t *b, char *err, size_t errlen)
{
    if (b->scheme == EC_SCHEME_AC_AUTH)
        return 0;
    b->store = ec_pwstore_load(b->scheme == EC_SCHEME_DIGEST
            ? EC_PWSTORE_DIGEST : EC_PWSTORE_FILE, b->path, NULL, NULL,
            err, errlen);
    return b->store != NULL ? 0 : -1;
}


void
ec_authbind_close(ec_authbind_t *b)
{
    ec_pwstore_unref(b->store);
    b->store = NULL;
}


/* Without a Lua state (no scripts, or a state that failed to load) the
 * result is a temporary failure, never a pass. */
static ec_auth_result_t
ec_authdispatch_lua(ec_authctx_t *ctx, const ec_auth_request_t *req,
        ec_auth_reply_t *reply)
{
    if (ctx->lua == NULL || !ec_lua_has_ac_auth(ctx->lua)) {
        snprintf(reply->reason, sizeof(reply->reason), "no_ac_auth_hook");
        return EC_AUTH_ERROR;
    }
    return ec_lua_ac_auth(ctx->lua, req, NULL, reply);
}


static ec_auth_result_t
ec_authdispatch_scheme(ec_authctx_t *ctx, const ec_authbind_t *b,
        const ec_auth_request_t *req, ec_auth_reply_t *reply)
{
    if (b == NULL) {
        snprintf(reply->reason, sizeof(reply->reason), "no_handler");
        return EC_AUTH_FAIL;
    }
    if (b->scheme == EC_SCHEME_AC_AUTH) {
        /* The hook receives cleartext credentials only, so it cannot
         * check a CRAM-MD5 digest. */
        if (req->password == NULL) {
            snprintf(reply->reason, sizeof(reply->reason),
                    "ac_auth_needs_cleartext");
            return EC_AUTH_FAIL;
        }
        return ec_authdispatch_lua(ctx, req, reply);
    }
    return ec_pwstore_check(b->store, req, reply);
}


/* Escape '@', '\' and control bytes with a backslash, as acctlog fields
 * require. */
static size_t
ec_acctlog_field(char *out, size_t size, const char *s, size_t len)
{
    size_t i;
    size_t n = 0;

    for (i = 0; i < len && n + 3 < size; i++) {
        unsigned char c = (unsigned char) s[i];

        if (c == '@' || c == '\\' || c < ' ')
            out[n++] = '\\';
        out[n++] = (char) c;
    }
    out[n] = '\0';
    return n;
}


static void
ec_acctlog_write(const char *path, const ec_authoutcome_t *o)
{
    const ec_auth_request_t *req = o->req;
    char   line[EC_ACCTLOG_LINE];
    char   user[512];
    char   peer[128] = "";
    size_t n;
    int    fd;

    if (req->conn->local_port != 0)
        snprintf(peer, sizeof(peer), "%s:%d", req->conn->remote_addr,
                req->conn->remote_port);
    ec_acctlog_field(user, sizeof(user), req->username, req->username_len);
    n = (size_t) snprintf(line, sizeof(line), "%lld@%c@%s@%s@%s@%d\n",
            (long long) time(NULL),
            o->result == EC_AUTHLOG_TIMEOUT ? 'T' : 'N', o->endpoint, peer,
            user, o->result == EC_AUTHLOG_PASS);
    if (n >= sizeof(line))
        n = sizeof(line) - 1;

    /* NOTE: one open per event keeps reopen-after-rotate trivial; it
     * costs a syscall pair only when log_authentication is on. */
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0 || write(fd, line, n) < 0)
        ec_paniclog(EC_LOG_ERROR, "acctlog_error", " path=%s", path);
    if (fd >= 0)
        close(fd);
}


static const char *
ec_authdispatch_scheme_name(const ec_authbind_t *b)
{
    if (b == NULL)
        return NULL;
    switch (b->scheme) {
    case EC_SCHEME_FILE:    return "file";
    case EC_SCHEME_DIGEST:  return "digest";
    case EC_SCHEME_AC_AUTH: return "ac_auth";
    }
    return NULL;
}


ec_authlog_result_t
ec_authdispatch_result(ec_auth_result_t r)
{
    switch (r) {
    case EC_AUTH_OK:   return EC_AUTHLOG_PASS;
    case EC_AUTH_FAIL: return EC_AUTHLOG_FAIL;
    default:           return EC_AUTHLOG_TEMPFAIL;
    }
}


void
ec_authdispatch_log(ec_authctx_t *ctx, const ec_authoutcome_t *o)
{
    ec_auth_event_t ev;
    ec_auth_reply_t none;

    /* acctlog has records for decisions and timeouts only (N and T). */
    if (o->bind != NULL && o->bind->log_authentication
            && ctx->acctlog != NULL && o->result != EC_AUTHLOG_ABORTED
            && o->result != EC_AUTHLOG_MALFORMED)
        ec_acctlog_write(ctx->acctlog, o);
    if (ctx->authlog == NULL)
        return;

    memset(&none, 0, sizeof(none));
    ec_authlog_event_init(&ev, o->req, o->reply != NULL ? o->reply : &none);
    ev.endpoint = o->endpoint;
    ev.scheme = ec_authdispatch_scheme_name(o->bind);
    ev.result = o->result;
    ev.reply_code = o->reply_code;
    ev.attempt = o->attempt;
    ev.duration_us = o->duration_us;
    ec_authlog_submit(ctx->authlog, &ev);
}


ec_auth_result_t
ec_authdispatch_check(ec_authctx_t *ctx, const ec_authbind_t *b,
        int always_allow, int always_deny, const ec_auth_request_t *req,
        ec_auth_reply_t *reply)
{
    memset(reply, 0, sizeof(*reply));
    if (always_deny) {
        snprintf(reply->reason, sizeof(reply->reason), "always_deny");
        reply->result = EC_AUTH_FAIL;
    } else if (always_allow) {
        snprintf(reply->reason, sizeof(reply->reason), "always_allow");
        reply->result = EC_AUTH_OK;
    } else if (req->username_len == 0) {
        snprintf(reply->reason, sizeof(reply->reason), "empty_username");
        reply->result = EC_AUTH_FAIL;
    } else {
        reply->result = ec_authdispatch_scheme(ctx, b, req, reply);
    }
    return reply->result;
}
