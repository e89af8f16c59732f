/* ecconf: the validation context of one session, kept in C memory so that
 * it outlives each Lua call and the daemon can read it back. */
#include <stdlib.h>
#include <string.h>

#include "lua/ec_lua_int.h"

/* Bounds that keep a hook from growing a session without limit through
 * vctx:set: the Lua memory limit does not cover this C memory. */
#define EC_LUA_CTX_MAX_VARS   128
#define EC_LUA_CTX_MAX_KEY    128
#define EC_LUA_CTX_MAX_VALUE  4096

typedef struct ec_lua_ctx_var {
    char           *key;
    char           *value;
} ec_lua_ctx_var_t;

typedef struct ec_lua_ctx_dict {
    ec_lua_ctx_var_t *vars;
    size_t          n;
    size_t          cap;
} ec_lua_ctx_dict_t;

struct ec_lua_ctx {
    ec_lua_ctx_dict_t dict[2];      /* indexed by ec_lua_vctx_scope_t */
};


ec_lua_ctx_t *
ec_lua_ctx_new(void)
{
    return calloc(1, sizeof(ec_lua_ctx_t));
}


void
ec_lua_ctx_clear(ec_lua_ctx_t *ctx, ec_lua_vctx_scope_t scope)
{
    ec_lua_ctx_dict_t *d;
    size_t i;

    if (ctx == NULL || (scope != EC_LUA_VCTX_MESS &&
                        scope != EC_LUA_VCTX_CONN))
        return;
    d = &ctx->dict[scope];
    for (i = 0; i < d->n; i++) {
        free(d->vars[i].key);
        free(d->vars[i].value);
    }
    d->n = 0;
}


void
ec_lua_ctx_free(ec_lua_ctx_t *ctx)
{
    if (ctx == NULL)
        return;
    ec_lua_ctx_clear(ctx, EC_LUA_VCTX_MESS);
    ec_lua_ctx_clear(ctx, EC_LUA_VCTX_CONN);
    free(ctx->dict[0].vars);
    free(ctx->dict[1].vars);
    free(ctx);
}


static ec_lua_ctx_var_t *
ec_lua_ctx_find(const ec_lua_ctx_dict_t *d, const char *key)
{
    size_t i;

    for (i = 0; i < d->n; i++)
        if (strcmp(d->vars[i].key, key) == 0)
            return &d->vars[i];
    return NULL;
}


const char *
ec_lua_ctx_get(const ec_lua_ctx_t *ctx, ec_lua_vctx_scope_t scope,
               const char *key)
{
    const ec_lua_ctx_var_t *v;

    if (ctx == NULL || key == NULL || (scope != EC_LUA_VCTX_MESS &&
                                       scope != EC_LUA_VCTX_CONN))
        return NULL;
    v = ec_lua_ctx_find(&ctx->dict[scope], key);
    return v != NULL ? v->value : NULL;
}


static int
ec_lua_ctx_append(ec_lua_ctx_dict_t *d, char *key, char *value)
{
    if (d->n == d->cap) {
        size_t cap = d->cap != 0 ? d->cap * 2 : 8;
        ec_lua_ctx_var_t *vars = realloc(d->vars, cap * sizeof(*vars));

        if (vars == NULL)
            return -1;
        d->vars = vars;
        d->cap = cap;
    }
    d->vars[d->n].key = key;
    d->vars[d->n].value = value;
    d->n++;
    return 0;
}


int
ec_lua_ctx_set(ec_lua_ctx_t *ctx, ec_lua_vctx_scope_t scope,
               const char *key, const char *value)
{
    ec_lua_ctx_dict_t *d;
    ec_lua_ctx_var_t *v;
    char *copy;
    char *keycopy;

    if (ctx == NULL || key == NULL || (scope != EC_LUA_VCTX_MESS &&
                                       scope != EC_LUA_VCTX_CONN))
        return -1;
    d = &ctx->dict[scope];
    v = ec_lua_ctx_find(d, key);

    if (value == NULL) {
        if (v != NULL) {
            free(v->key);
            free(v->value);
            *v = d->vars[--d->n];
        }
        return 0;
    }
    if (strlen(key) > EC_LUA_CTX_MAX_KEY ||
        strlen(value) > EC_LUA_CTX_MAX_VALUE)
        return -1;

    copy = strdup(value);
    if (copy == NULL)
        return -1;
    if (v != NULL) {
        free(v->value);
        v->value = copy;
        return 0;
    }

    keycopy = strdup(key);
    if (d->n >= EC_LUA_CTX_MAX_VARS || keycopy == NULL ||
        ec_lua_ctx_append(d, keycopy, copy) != 0) {
        free(keycopy);
        free(copy);
        return -1;
    }
    return 0;
}


void
ec_lua_ctx_record_auth(ec_lua_ctx_t *ctx, const ec_auth_request_t *req,
                       ec_auth_result_t result)
{
    static const char *const status[] = { "pass", "fail", "error" };
    char user[EC_LUA_CTX_MAX_VALUE + 1];
    size_t len;

    if (ctx == NULL || (unsigned)result > EC_AUTH_ERROR)
        return;
    ec_lua_ctx_set(ctx, EC_LUA_VCTX_CONN, "auth_status", status[result]);
    if (req != NULL && req->mechanism != NULL)
        ec_lua_ctx_set(ctx, EC_LUA_VCTX_CONN, "auth_name", req->mechanism);

    /* The context stores C strings: a user name with a NUL byte is cut
     * there. */
    if (req != NULL && req->username != NULL) {
        len = strnlen(req->username, req->username_len);
        if (len > EC_LUA_CTX_MAX_VALUE)
            len = EC_LUA_CTX_MAX_VALUE;
        memcpy(user, req->username, len);
        user[len] = '\0';
        ec_lua_ctx_set(ctx, EC_LUA_VCTX_CONN, "auth_user", user);
    }
    if (result == EC_AUTH_OK)
        ec_lua_ctx_set(ctx, EC_LUA_VCTX_CONN, "can_relay", "true");
}
