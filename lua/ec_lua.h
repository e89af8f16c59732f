/* ecconf: the embedded Lua 5.4 runtime. One ec_lua_t owns one Lua state
 * with every configured script loaded into it. The daemon creates one per
 * worker thread and calls it from that thread only. */
#ifndef EC_LUA_H
#define EC_LUA_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/auth.h"

/* Defaults used when a limit in ec_lua_config_t is 0. They equal the
 * scriptlet defaults of the module table (modules/table_modules.c), so a
 * configuration without a scriptlet stanza, or one that omits a limit,
 * gets the same value. test_rtconf checks that they agree. */
#define EC_LUA_DEFAULT_MAX_INSTRUCTIONS  10000000u
#define EC_LUA_DEFAULT_MAX_MEMORY        (64u * 1024 * 1024)
#define EC_LUA_DEFAULT_TIMEOUT_MS        5000u

typedef struct ec_lua ec_lua_t;
typedef struct ec_lua_ctx ec_lua_ctx_t;

/* Receives one finished `key=value` log line without a newline. */
typedef void (*ec_lua_log_fn)(void *arg, const char *line);

/* One `script "NAME" { source = ... }` stanza. path is the file that
 * ec_lua_resolve_source found, or NULL for a built-in source such as
 * "msys.boot", which is skipped. */
typedef struct ec_lua_script {
    const char     *name;
    const char     *path;
} ec_lua_script_t;

typedef struct ec_lua_config {
    const ec_lua_script_t *scripts;     /* in stanza order */
    size_t          nscripts;
    uint64_t        max_instructions;   /* VM instructions per call */
    size_t          max_memory;         /* bytes for the whole state */
    unsigned        timeout_ms;         /* wall-clock time per call */
    ec_lua_log_fn   log;                /* may be NULL */
    void           *log_arg;
} ec_lua_config_t;

/* The two dictionaries of a validation context, as msys.core.VCTX_MESS
 * and msys.core.VCTX_CONN select them from Lua. */
typedef enum {
    EC_LUA_VCTX_MESS = 0,
    EC_LUA_VCTX_CONN = 1
} ec_lua_vctx_scope_t;

/* Creates a state, loads every script, checks that each one registers a
 * module under its stanza name and runs mod:init(). Returns NULL with a
 * message in err ("FILE:LINE: error: ...") on any failure. */
ec_lua_t *ec_lua_new(const ec_lua_config_t *cfg, char *err, size_t errlen);

/* Runs mod:deinit() where defined, then closes the state. NULL is fine. */
void ec_lua_free(ec_lua_t *E);

/* Maps a scriptlet source ("a.b" or "a/b") to a file: a/b.lua in conf_dir,
 * then in each folder of the ':'-separated search_path (may be NULL). Dots
 * separate names only after the last '/', so the folders of "/x.y/a" or
 * "x.y/a" are kept. An absolute source is tried as is, without a search.
 * Returns 0 with the path in out, 1 for a built-in source ("msys.boot")
 * with out set to "", or -1 with a message naming every place tried. */
int ec_lua_resolve_source(const char *source, const char *conf_dir,
                          const char *search_path, char *out, size_t outlen);

/* Compiles a script without running it. Returns 0 when clean, 1 when it
 * compiles but uses Lua 5.1 library calls (warnings in err, one a line),
 * -1 on a syntax error ("FILE:LINE: error: message", with the Lua 5.4
 * spelling when the cause is Momentum's Lua dialect). */
int ec_lua_check_file(const char *path, char *err, size_t errlen);

/* Calls mod:ac_auth_perform_auth(username, password, ac, response) of the
 * first loaded module that defines it. ctx is the session's validation
 * context, or NULL when the session has none. The outcome is recorded in
 * ctx (auth_status, auth_user, auth_name, can_relay) before the
 * ac_auth_log_auth_failure hooks run. */
ec_auth_result_t ec_lua_ac_auth(ec_lua_t *E, const ec_auth_request_t *req,
                                ec_lua_ctx_t *ctx, ec_auth_reply_t *reply);

/* Returns 1 when some loaded module defines ac_auth_perform_auth. */
int ec_lua_has_ac_auth(const ec_lua_t *E);

/* Calls auth:authenticate(filename, paramsdict, username, password) of
 * the table registered by msys.registerAuth(scheme, auth). params is a
 * NULL-terminated list of key, value pairs (the Auth*Parameters
 * dictionary) or NULL. */
ec_auth_result_t ec_lua_scheme_auth(ec_lua_t *E, const char *scheme,
                                    const char *filename,
                                    const char *const *params,
                                    const ec_auth_request_t *req,
                                    ec_auth_reply_t *reply);

/* Returns 1 when a script registered scheme (case-insensitive). */
int ec_lua_has_scheme(const ec_lua_t *E, const char *scheme);

/* Per-session validation context, owned by the caller. */
ec_lua_ctx_t *ec_lua_ctx_new(void);
void ec_lua_ctx_free(ec_lua_ctx_t *ctx);

/* Stores a copy of value under key; value NULL deletes the key. Returns 0,
 * or -1 when the key or value is too long or the scope is full. */
int ec_lua_ctx_set(ec_lua_ctx_t *ctx, ec_lua_vctx_scope_t scope,
                   const char *key, const char *value);

/* Returns the value, or NULL. The pointer is valid until the key changes. */
const char *ec_lua_ctx_get(const ec_lua_ctx_t *ctx,
                           ec_lua_vctx_scope_t scope, const char *key);

/* Drops every key of one scope, e.g. VCTX_MESS at the end of a message. */
void ec_lua_ctx_clear(ec_lua_ctx_t *ctx, ec_lua_vctx_scope_t scope);

/* Sets auth_status (pass, fail or error), auth_user, auth_name and, on
 * success, can_relay = "true" in the connection scope. */
void ec_lua_ctx_record_auth(ec_lua_ctx_t *ctx, const ec_auth_request_t *req,
                            ec_auth_result_t result);

#endif
