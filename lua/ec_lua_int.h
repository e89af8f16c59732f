/* ecconf: the parts of the Lua runtime shared by the files in lua/. */
#ifndef EC_LUA_INT_H
#define EC_LUA_INT_H

#include <lua.h>
#include <lauxlib.h>

#include "lua/ec_lua.h"

#define EC_LUA_NAME_MAX      64
#define EC_LUA_MAX_MODULES   64
#define EC_LUA_MAX_SCHEMES   32

/* Lua metatable names; the first one is the name Momentum documents. */
#define EC_LUA_STRING_MT     "msys.core:_ec_string"
#define EC_LUA_AC_MT         "msys.core:accept_construct"
#define EC_LUA_SOCKADDR_MT   "msys.core:ec_sockaddr"
#define EC_LUA_MC_MT         "msys.core:message_construct"
#define EC_LUA_VCTX_MT       "msys.core:validate_context"

/* Instructions between two runs of the count hook: small enough that the
 * wall-clock check notices a runaway loop within microseconds, large
 * enough that the hook costs well under 1 % of the run time. */
#define EC_LUA_HOOK_STEP     1000

typedef struct ec_lua_module {
    char            name[EC_LUA_NAME_MAX];
    const char     *path;           /* script file, owned by ec_lua_t */
    int             table_ref;      /* registry reference to the table */
    int             has_perform_auth;
    int             has_log_failure;
    int             initialized;    /* init() succeeded: deinit() runs */
} ec_lua_module_t;

typedef struct ec_lua_scheme {
    char            name[EC_LUA_NAME_MAX];
    int             table_ref;
    char            module[EC_LUA_NAME_MAX];   /* registering script */
} ec_lua_scheme_t;

/* ec_string: a byte buffer of fixed capacity, like Momentum's static
 * ec_string buffers; writes past the capacity are cut off. */
typedef struct ec_lua_string {
    size_t          len;
    size_t          cap;
    char            buf[];
} ec_lua_string_t;

/* The accept construct of the current call. conn is NULL outside calls,
 * so a hook that keeps `ac` gets an error instead of a stale pointer. */
typedef struct ec_lua_ac {
    const ec_conn_info_t *conn;
    const ec_auth_request_t *req;
    ec_lua_ctx_t   *ctx;
} ec_lua_ac_t;

struct ec_lua {
    lua_State      *L;
    ec_lua_log_fn   log;
    void           *log_arg;

    size_t          mem_used;
    size_t          mem_max;
    uint64_t        max_instructions;
    unsigned        timeout_ms;

    /* State of the call in progress. */
    int             in_call;
    int             aborting;           /* a limit fired: unwind to C */
    uint64_t        instructions;
    uint64_t        deadline_ns;
    char            abort_reason[EC_AUTH_REASON_MAX];
    char            where[EC_AUTH_REASON_MAX];  /* last sampled file:line */
    const char     *call_module;        /* for print() lines */

    /* Set while one script's chunk runs, for registerModule checks. */
    const char     *loading_name;
    const char     *loading_path;
    int             loading_registered;
    int             loading_done;       /* registerAuth allowed until set */

    ec_lua_module_t modules[EC_LUA_MAX_MODULES];
    size_t          nmodules;
    ec_lua_scheme_t schemes[EC_LUA_MAX_SCHEMES];
    size_t          nschemes;
    char           *paths[EC_LUA_MAX_MODULES];

    int             ac_ref;
    int             response_ref;
    int             mc_ref;
    ec_lua_ac_t    *ac;
    ec_lua_string_t *response;
};

/* snprintf whose output may be cut short on purpose: reasons and log
 * fields have fixed sizes. */
void ec_lua_format(char *out, size_t outlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* Returns the ec_lua_t that owns L. */
ec_lua_t *ec_lua_from_state(lua_State *L);

/* Opens the msys library and the sandboxed standard library into E->L. */
int ec_lua_open_libs(ec_lua_t *E);

/* Runs the function below nargs arguments on the stack under the limits.
 * Returns LUA_OK with nresults values pushed, or a Lua error status with
 * nothing pushed and a message for logs in reason. */
int ec_lua_pcall(ec_lua_t *E, int nargs, int nresults, char *reason,
                 size_t reasonlen);

/* One call of a method of a registered table. Everything, including the
 * lookup of the method and the pushing of arguments, runs inside the
 * protected call, so running out of memory there is an error and never a
 * Lua panic. */
typedef struct ec_lua_method_call {
    int             table_ref;
    const char     *method;
    int             optional;       /* a missing method is no error */
    int             missing;        /* set when optional and missing */
    int           (*push_args)(lua_State *L, void *arg); /* returns count */
    void           *arg;
    int             nresults;       /* 0 or 1 */
    char            defined[EC_AUTH_REASON_MAX];    /* "file:line" */
} ec_lua_method_call_t;

/* Calls c->method(self, args...) under the limits; on LUA_OK the
 * results are on the stack. */
int ec_lua_call_method(ec_lua_t *E, ec_lua_method_call_t *c, char *reason,
                       size_t reasonlen);

/* Sends one key=value line to the log callback; module and hook may be
 * NULL, text is quoted and escaped. */
void ec_lua_log_line(ec_lua_t *E, const char *level, const char *event,
                     const char *module, const char *hook, const char *key,
                     const char *text);

/* Pushes a new ec_string userdata of the given capacity. */
ec_lua_string_t *ec_lua_push_string(lua_State *L, size_t cap);

/* Appends the `near` hint for Momentum Lua dialect to a compile error. */
void ec_lua_dialect_hint(const char *path, const char *msg, char *out,
                         size_t outlen);

/* Rewrites "FILE:LINE: text" from Lua into "FILE:LINE: error: text". */
void ec_lua_format_error(const char *path, const char *msg, char *out,
                         size_t outlen);

#endif
