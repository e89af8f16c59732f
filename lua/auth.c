/* ecconf: the ac_auth:// dispatch to Lua hooks and the schemes scripts
 * register with msys.registerAuth. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <lua.h>
#include <lauxlib.h>

#include "lua/ec_lua_int.h"

#define EC_LUA_HOOK_PERFORM   "ac_auth_perform_auth"
#define EC_LUA_HOOK_FAILURE   "ac_auth_log_auth_failure"

static const ec_conn_info_t ec_lua_no_conn;


static void
ec_lua_reply_init(ec_auth_reply_t *reply)
{
    reply->result = EC_AUTH_ERROR;
    reply->response[0] = '\0';
    reply->reason[0] = '\0';
    reply->module[0] = '\0';
}


static ec_auth_result_t
ec_lua_reply_error(ec_lua_t *E, ec_auth_reply_t *reply, const char *module,
                   const char *hook, const char *detail)
{
    reply->result = EC_AUTH_ERROR;
    snprintf(reply->reason, sizeof(reply->reason), "hook_error: %s",
             detail);
    snprintf(reply->module, sizeof(reply->module), "%s",
             module != NULL ? module : "");
    if (E != NULL)
        ec_lua_log_line(E, "error", "lua_hook_error", module, hook,
                        "reason", detail);
    return EC_AUTH_ERROR;
}


/* Converts the value a hook returned (on top of the stack) into a result.
 * Anything but one of the three EC_AUTH_* numbers is an error, described
 * in detail. */
static int
ec_lua_check_result(lua_State *L, ec_auth_result_t *result, char *detail,
                    size_t detaillen)
{
    lua_Integer v;
    int isint = 0;

    if (lua_type(L, -1) == LUA_TNUMBER) {
        /* A float such as 0.0 is no EC_AUTH_* constant, even when it
         * converts to one. */
        isint = lua_isinteger(L, -1);
        v = isint ? lua_tointeger(L, -1) : -1;
        if (isint && v >= EC_AUTH_OK && v <= EC_AUTH_ERROR) {
            *result = (ec_auth_result_t)v;
            return 0;
        }
        snprintf(detail, detaillen, "returned %s, expected "
                 "msys.core.EC_AUTH_OK, EC_AUTH_FAIL or EC_AUTH_ERROR",
                 lua_tostring(L, -1));
        return -1;
    }
    snprintf(detail, detaillen, "returned %s, expected "
             "msys.core.EC_AUTH_OK, EC_AUTH_FAIL or EC_AUTH_ERROR",
             lua_isnone(L, -1) || lua_isnil(L, -1) ? "nothing" :
             luaL_typename(L, -1));
    return -1;
}


/* Gives each call an accept construct of its own: the previous one was
 * cleared when its call ended, so a hook that kept it gets an error
 * instead of the current session's values. Runs under lua_pcall, as the
 * allocation may fail at the state's memory limit. */
static int
ec_lua_renew_ac(lua_State *L)
{
    ec_lua_t    *E = lua_touserdata(L, 1);
    ec_lua_ac_t *ac;

    ac = lua_newuserdatauv(L, sizeof(*ac), 0);
    memset(ac, 0, sizeof(*ac));
    luaL_setmetatable(L, EC_LUA_AC_MT);
    lua_rawseti(L, LUA_REGISTRYINDEX, E->ac_ref);
    E->ac = ac;
    return 0;
}


/* Runs one auth hook call and maps its outcome to a result. */
static ec_auth_result_t
ec_lua_run_auth_hook(ec_lua_t *E, const char *module,
                     ec_lua_method_call_t *call, ec_auth_reply_t *reply)
{
    lua_State *L = E->L;
    char detail[EC_AUTH_REASON_MAX];
    char msg[EC_AUTH_REASON_MAX * 2];
    ec_auth_result_t result;

    E->call_module = module;
    if (ec_lua_call_method(E, call, detail, sizeof(detail)) != LUA_OK)
        return ec_lua_reply_error(E, reply, module, call->method, detail);

    if (ec_lua_check_result(L, &result, detail, sizeof(detail)) != 0) {
        lua_pop(L, 1);
        ec_lua_format(msg, sizeof(msg), "%s: %s %s", call->defined,
                      call->method, detail);
        return ec_lua_reply_error(E, reply, module, call->method, msg);
    }
    lua_pop(L, 1);

    snprintf(reply->module, sizeof(reply->module), "%s", module);
    reply->result = result;
    if (result == EC_AUTH_ERROR) {
        ec_lua_format(msg, sizeof(msg), "%s: %s returned EC_AUTH_ERROR",
                      call->defined, call->method);
        return ec_lua_reply_error(E, reply, module, call->method, msg);
    }
    snprintf(reply->reason, sizeof(reply->reason), "%s",
             result == EC_AUTH_OK ? "ok" : "hook_rejected");
    return result;
}


static void
ec_lua_push_username(lua_State *L, const ec_auth_request_t *req)
{
    lua_pushlstring(L, req->username != NULL ? req->username : "",
                    req->username != NULL ? req->username_len : 0);
}


/* (username, password, ac, response) */
static int
ec_lua_push_perform_args(lua_State *L, void *arg)
{
    ec_lua_t *E = arg;

    ec_lua_push_username(L, E->ac->req);
    lua_pushlstring(L, E->ac->req->password, E->ac->req->password_len);
    lua_rawgeti(L, LUA_REGISTRYINDEX, E->ac_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, E->response_ref);
    return 4;
}


/* (username, ac, response) */
static int
ec_lua_push_failure_args(lua_State *L, void *arg)
{
    ec_lua_t *E = arg;

    ec_lua_push_username(L, E->ac->req);
    lua_rawgeti(L, LUA_REGISTRYINDEX, E->ac_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, E->response_ref);
    return 3;
}


/* Copies the hook's response up to the first CR or LF, so that a hook
 * cannot add lines to the SMTP reply. */
static void
ec_lua_copy_response(const ec_lua_string_t *s, ec_auth_reply_t *reply)
{
    size_t n;

    for (n = 0; n < s->len && n < sizeof(reply->response) - 1; n++) {
        if (s->buf[n] == '\r' || s->buf[n] == '\n' || s->buf[n] == '\0')
            break;
        reply->response[n] = s->buf[n];
    }
    reply->response[n] = '\0';
}


static void
ec_lua_call_log_failure(ec_lua_t *E)
{
    char reason[EC_AUTH_REASON_MAX];
    size_t i;

    for (i = 0; i < E->nmodules; i++) {
        ec_lua_module_t *mod = &E->modules[i];
        ec_lua_method_call_t call = {
            .table_ref = mod->table_ref,
            .method = EC_LUA_HOOK_FAILURE,
            .optional = 1,
            .push_args = ec_lua_push_failure_args,
            .arg = E,
        };

        if (!mod->has_log_failure)
            continue;
        E->call_module = mod->name;
        if (ec_lua_call_method(E, &call, reason, sizeof(reason)) != LUA_OK)
            ec_lua_log_line(E, "error", "lua_hook_error", mod->name,
                            EC_LUA_HOOK_FAILURE, "reason", reason);
    }
}


static const ec_lua_module_t *
ec_lua_find_perform_auth(const ec_lua_t *E)
{
    size_t i;

    for (i = 0; i < E->nmodules; i++)
        if (E->modules[i].has_perform_auth)
            return &E->modules[i];
    return NULL;
}


int
ec_lua_has_ac_auth(const ec_lua_t *E)
{
    return E != NULL && ec_lua_find_perform_auth(E) != NULL;
}


/* Only the first module in load order that defines the hook runs: its
 * result decides, and an error there is a temporary failure, never a
 * reason to ask the next module. */
ec_auth_result_t
ec_lua_ac_auth(ec_lua_t *E, const ec_auth_request_t *req, ec_lua_ctx_t *ctx,
               ec_auth_reply_t *reply)
{
    ec_lua_method_call_t call = { 0 };
    const ec_lua_module_t *mod;
    ec_auth_result_t result;

    ec_lua_reply_init(reply);
    if (E == NULL || req == NULL)
        return ec_lua_reply_error(E, reply, NULL, EC_LUA_HOOK_PERFORM,
                                  "no Lua state");
    mod = ec_lua_find_perform_auth(E);
    if (mod == NULL)
        return ec_lua_reply_error(E, reply, NULL, EC_LUA_HOOK_PERFORM,
                                  "no script defines ac_auth_perform_auth");
    if (req->password == NULL)
        return ec_lua_reply_error(E, reply, mod->name, EC_LUA_HOOK_PERFORM,
                                  "ac_auth needs a cleartext password");

    lua_pushcfunction(E->L, ec_lua_renew_ac);
    lua_pushlightuserdata(E->L, E);
    if (lua_pcall(E->L, 1, 0, 0) != LUA_OK) {
        lua_pop(E->L, 1);
        return ec_lua_reply_error(E, reply, mod->name, EC_LUA_HOOK_PERFORM,
                                  "out of memory for the accept construct");
    }
    E->ac->conn = req->conn != NULL ? req->conn : &ec_lua_no_conn;
    E->ac->req = req;
    E->ac->ctx = ctx;
    E->response->len = 0;
    E->response->buf[0] = '\0';

    call.table_ref = mod->table_ref;
    call.method = EC_LUA_HOOK_PERFORM;
    call.push_args = ec_lua_push_perform_args;
    call.arg = E;
    call.nresults = 1;
    result = ec_lua_run_auth_hook(E, mod->name, &call, reply);

    ec_lua_copy_response(E->response, reply);
    ec_lua_ctx_record_auth(ctx, req, result);
    if (result == EC_AUTH_FAIL)
        ec_lua_call_log_failure(E);

    E->ac->conn = NULL;
    E->ac->req = NULL;
    E->ac->ctx = NULL;
    E->call_module = NULL;
    return result;
}


static const ec_lua_scheme_t *
ec_lua_find_scheme(const ec_lua_t *E, const char *scheme)
{
    size_t i;

    if (E == NULL || scheme == NULL)
        return NULL;
    for (i = 0; i < E->nschemes; i++)
        if (strcasecmp(E->schemes[i].name, scheme) == 0)
            return &E->schemes[i];
    return NULL;
}


int
ec_lua_has_scheme(const ec_lua_t *E, const char *scheme)
{
    return ec_lua_find_scheme(E, scheme) != NULL;
}


typedef struct ec_lua_scheme_args {
    const char     *filename;
    const char *const *params;
    const ec_auth_request_t *req;
} ec_lua_scheme_args_t;


/* (filename, paramsdict, username, password) */
static int
ec_lua_push_scheme_args(lua_State *L, void *arg)
{
    ec_lua_scheme_args_t *a = arg;
    const char *const *p;

    lua_pushstring(L, a->filename != NULL ? a->filename : "");
    lua_newtable(L);
    for (p = a->params; p != NULL && p[0] != NULL && p[1] != NULL; p += 2) {
        lua_pushstring(L, p[1]);
        lua_setfield(L, -2, p[0]);
    }
    ec_lua_push_username(L, a->req);
    lua_pushlstring(L, a->req->password, a->req->password_len);
    return 4;
}


ec_auth_result_t
ec_lua_scheme_auth(ec_lua_t *E, const char *scheme, const char *filename,
                   const char *const *params, const ec_auth_request_t *req,
                   ec_auth_reply_t *reply)
{
    ec_lua_scheme_args_t args = { filename, params, req };
    ec_lua_method_call_t call = {
        .method = "authenticate",
        .push_args = ec_lua_push_scheme_args,
        .arg = &args,
        .nresults = 1,
    };
    const ec_lua_scheme_t *sc;
    ec_auth_result_t result;

    ec_lua_reply_init(reply);
    sc = ec_lua_find_scheme(E, scheme);
    if (sc == NULL || req == NULL)
        return ec_lua_reply_error(E, reply, NULL, "authenticate",
                                  "no script registered this auth scheme");
    if (req->password == NULL)
        return ec_lua_reply_error(E, reply, sc->module, "authenticate",
                                  "the scheme needs a cleartext password");

    call.table_ref = sc->table_ref;
    result = ec_lua_run_auth_hook(E, sc->module, &call, reply);
    E->call_module = NULL;
    return result;
}
