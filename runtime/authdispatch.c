/* ecconf: run an authentication attempt through its scheme handler and
 * record the outcome. */
#include <stdio.h>
#include <string.h>

#include "lua/ec_lua.h"
#include "runtime/authdispatch.h"


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

    /* Momentum writes acctlog records only for mechanisms whose
     * parameters set log_authentication = "true"; the SQLite log follows
     * the same switch, so an attempt without it leaves no trace. */
    if (ctx->authlog == NULL || o->bind == NULL
            || !o->bind->log_authentication)
        return;

    memset(&none, 0, sizeof(none));
    ec_authlog_event_init(&ev, o->req, o->reply != NULL ? o->reply : &none);
    ev.endpoint = o->endpoint;
    ev.scheme = ec_authdispatch_scheme_name(o->bind);
    ev.result = o->result;
    ev.reply_code = o->reply_code;
    ev.attempt = o->attempt;
    ev.duration_us = o->duration_us;
    ev.acctlog = 1;
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
