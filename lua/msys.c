/* ecconf: the msys Lua API written in C, and the sandboxed standard
 * library that every script runs with. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "lua/ec_lua_int.h"

/* Protocol numbers for ac.protocol. ecconf only produces P_ESMTP and
 * P_HTTP; the others exist so that Momentum scripts comparing against
 * them load and take the "not this protocol" branch. */
enum {
    EC_LUA_P_INTERNAL = 3,
    EC_LUA_P_SMPP = 4,
    EC_LUA_P_MM7 = 5,
    EC_LUA_P_CONTROL = 6,
    EC_LUA_P_ECSTREAM = 7
};

/* Validation callout results, defined for scripts that name them. */
enum {
    EC_LUA_VALIDATE_CONT = 0,
    EC_LUA_VALIDATE_DONE = 1,
    EC_LUA_VALIDATE_AGAIN = 2
};

typedef struct ec_lua_sockaddr {
    int             family;
    int             port;
    char            addr[128];
} ec_lua_sockaddr_t;

typedef struct ec_lua_disabled {
    const char     *table;          /* NULL for a global */
    const char     *name;
    const char     *reason;
} ec_lua_disabled_t;

/* Standard functions that block the worker thread, reach outside the
 * process's own state or end it. Each is replaced by a function that
 * raises an error naming it, so a hook that calls one fails the call. */
static const ec_lua_disabled_t ec_lua_disabled_list[] = {
    { "io", "read", "it blocks the worker thread" },
    { "io", "write", "it blocks the worker thread" },
    { "io", "lines", "it blocks the worker thread" },
    { "io", "open", "it blocks the worker thread" },
    { "io", "popen", "it starts a process" },
    { "io", "close", "it blocks the worker thread" },
    { "io", "input", "it blocks the worker thread" },
    { "io", "output", "it blocks the worker thread" },
    { "io", "tmpfile", "it writes to the file system" },
    { "os", "execute", "it starts a process" },
    { "os", "exit", "it would stop the daemon" },
    { "os", "getenv", "the environment may hold secrets" },
    { "os", "remove", "it writes to the file system" },
    { "os", "rename", "it writes to the file system" },
    { "os", "tmpname", "it writes to the file system" },
    { "os", "setlocale", "it changes every thread of the daemon" },
    { "package", "loadlib", "native code escapes the limits" },
    { "string", "dump", "binary chunks are not loaded" },
    { NULL, "dofile", "it blocks the worker thread" },
    { NULL, "loadfile", "it blocks the worker thread" },
    { NULL, NULL, NULL }
};


static int
ec_lua_disabled_call(lua_State *L)
{
    return luaL_error(L, "%s is disabled in ecconf because %s",
                      lua_tostring(L, lua_upvalueindex(1)),
                      lua_tostring(L, lua_upvalueindex(2)));
}


static void
ec_lua_install_disabled(lua_State *L)
{
    const ec_lua_disabled_t *d;

    for (d = ec_lua_disabled_list; d->name != NULL; d++) {
        if (d->table != NULL) {
            if (lua_getglobal(L, d->table) != LUA_TTABLE) {
                lua_pop(L, 1);
                lua_newtable(L);
                lua_pushvalue(L, -1);
                lua_setglobal(L, d->table);
            }
            lua_pushfstring(L, "%s.%s", d->table, d->name);
        } else {
            lua_pushglobaltable(L);
            lua_pushstring(L, d->name);
        }
        lua_pushstring(L, d->reason);
        lua_pushcclosure(L, ec_lua_disabled_call, 2);
        lua_setfield(L, -2, d->name);
        lua_pop(L, 1);
    }
}


/* print and msys.log: the arguments, converted with tostring and joined
 * by tabs as stock print does, become one log line. */
static int
ec_lua_print(lua_State *L)
{
    ec_lua_t *E = ec_lua_from_state(L);
    int n = lua_gettop(L);
    luaL_Buffer b;
    int i;

    luaL_buffinit(L, &b);
    for (i = 1; i <= n; i++) {
        if (i > 1)
            luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    ec_lua_log_line(E, "info", "lua_print", E->call_module, NULL, "text",
                    lua_tostring(L, -1));
    return 0;
}


/* pcall and xpcall that do not stop a limit: when the count hook has
 * fired, the error goes on up to ecconf instead of back to the script. */
static int
ec_lua_finish_pcall(lua_State *L, int status, lua_KContext extra)
{
    if (status != LUA_OK && status != LUA_YIELD) {
        if (ec_lua_from_state(L)->aborting)
            return lua_error(L);
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)extra;
}


static int
ec_lua_pcall_fn(lua_State *L)
{
    int status;

    luaL_checkany(L, 1);
    lua_pushboolean(L, 1);
    lua_insert(L, 1);
    status = lua_pcallk(L, lua_gettop(L) - 2, LUA_MULTRET, 0, 0,
                        ec_lua_finish_pcall);
    return ec_lua_finish_pcall(L, status, 0);
}


static int
ec_lua_xpcall_fn(lua_State *L)
{
    int n = lua_gettop(L);
    int status;

    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);
    status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, ec_lua_finish_pcall);
    return ec_lua_finish_pcall(L, status, 2);
}


/* load() restricted to text chunks: a crafted binary chunk can crash the
 * Lua VM. */
static int
ec_lua_load_text(lua_State *L)
{
    int n = lua_gettop(L);

    if (n < 3)
        lua_settop(L, 3);
    lua_pushliteral(L, "t");
    lua_replace(L, 3);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}


/* collectgarbage() limited to the options that cannot switch the
 * collector off while the memory limit depends on it. */
static int
ec_lua_collectgarbage(lua_State *L)
{
    static const char *const opts[] = {
        "collect", "count", "step", "isrunning", NULL
    };

    luaL_checkoption(L, 1, "collect", opts);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}


static void
ec_lua_wrap_global(lua_State *L, const char *name, lua_CFunction fn)
{
    lua_getglobal(L, name);
    lua_pushcclosure(L, fn, 1);
    lua_setglobal(L, name);
}


/* Keeps only debug.traceback: the rest can read and change locals and
 * upvalues of any function, and replace the count hook. */
static void
ec_lua_trim_debug(lua_State *L)
{
    lua_getglobal(L, "debug");
    lua_getfield(L, -1, "traceback");
    lua_newtable(L);
    lua_insert(L, -2);
    lua_setfield(L, -2, "traceback");
    lua_setglobal(L, "debug");
    lua_pop(L, 1);
}


/* Leaves the preload and Lua-file searchers: the C searchers would load
 * native code. */
static void
ec_lua_trim_package(lua_State *L)
{
    lua_getglobal(L, "package");
    lua_pushliteral(L, "");
    lua_setfield(L, -2, "cpath");
    lua_getfield(L, -1, "searchers");
    lua_pushnil(L);
    lua_rawseti(L, -2, 4);
    lua_pushnil(L);
    lua_rawseti(L, -2, 3);
    lua_pop(L, 2);
}


ec_lua_string_t *
ec_lua_push_string(lua_State *L, size_t cap)
{
    ec_lua_string_t *s;

    s = lua_newuserdatauv(L, sizeof(*s) + cap + 1, 0);
    s->len = 0;
    s->cap = cap;
    s->buf[0] = '\0';
    luaL_setmetatable(L, EC_LUA_STRING_MT);
    return s;
}


static const char *
ec_lua_check_bytes(lua_State *L, int idx, size_t *len)
{
    ec_lua_string_t *s = luaL_testudata(L, idx, EC_LUA_STRING_MT);

    if (s != NULL) {
        *len = s->len;
        return s->buf;
    }
    return luaL_checklstring(L, idx, len);
}


/* s:write(data [, n]) appends the first n bytes of data (all of it by
 * default) and returns how many bytes fit. */
static int
ec_lua_string_write(lua_State *L)
{
    ec_lua_string_t *s = luaL_checkudata(L, 1, EC_LUA_STRING_MT);
    size_t len;
    const char *data = ec_lua_check_bytes(L, 2, &len);
    lua_Integer n = luaL_optinteger(L, 3, (lua_Integer)len);
    size_t room = s->cap - s->len;

    if (n < 0)
        n = 0;
    if ((size_t)n < len)
        len = (size_t)n;
    if (len > room)
        len = room;
    memcpy(s->buf + s->len, data, len);
    s->len += len;
    s->buf[s->len] = '\0';
    lua_pushinteger(L, (lua_Integer)len);
    return 1;
}


static int
ec_lua_string_set(lua_State *L)
{
    ec_lua_string_t *s = luaL_checkudata(L, 1, EC_LUA_STRING_MT);

    s->len = 0;
    s->buf[0] = '\0';
    return ec_lua_string_write(L);
}


static int
ec_lua_string_len(lua_State *L)
{
    ec_lua_string_t *s = luaL_checkudata(L, 1, EC_LUA_STRING_MT);

    lua_pushinteger(L, (lua_Integer)s->len);
    return 1;
}


static int
ec_lua_string_tostring(lua_State *L)
{
    ec_lua_string_t *s = luaL_checkudata(L, 1, EC_LUA_STRING_MT);

    lua_pushlstring(L, s->buf, s->len);
    return 1;
}


static int
ec_lua_string_concat(lua_State *L)
{
    luaL_tolstring(L, 1, NULL);
    luaL_tolstring(L, 2, NULL);
    lua_concat(L, 2);
    return 1;
}


static int
ec_lua_string_new(lua_State *L)
{
    lua_Integer cap = luaL_optinteger(L, 1, 1024);

    luaL_argcheck(L, cap >= 0 && cap <= 1024 * 1024, 1,
                  "capacity must be between 0 and 1048576 bytes");
    ec_lua_push_string(L, (size_t)cap);
    return 1;
}


static void
ec_lua_push_sockaddr(lua_State *L, const char *addr, int port)
{
    ec_lua_sockaddr_t *sa;

    sa = lua_newuserdatauv(L, sizeof(*sa), 0);
    snprintf(sa->addr, sizeof(sa->addr), "%s", addr != NULL ? addr : "");
    sa->port = port;
    if (sa->addr[0] == '\0')
        sa->family = AF_UNSPEC;
    else if (sa->addr[0] == '/')
        sa->family = AF_UNIX;
    else if (strchr(sa->addr, ':') != NULL)
        sa->family = AF_INET6;
    else
        sa->family = AF_INET;
    luaL_setmetatable(L, EC_LUA_SOCKADDR_MT);
}


/* "ip:port" for IPv4. For IPv6 the port follows a '.', because the Lua
 * helpers shipped with Momentum split an IPv6 peer at the first '.'. A
 * Unix socket shows its path. */
static int
ec_lua_sockaddr_tostring(lua_State *L)
{
    ec_lua_sockaddr_t *sa = luaL_checkudata(L, 1, EC_LUA_SOCKADDR_MT);

    switch (sa->family) {
    case AF_INET:
        lua_pushfstring(L, "%s:%d", sa->addr, sa->port);
        break;
    case AF_INET6:
        lua_pushfstring(L, "%s.%d", sa->addr, sa->port);
        break;
    default:
        lua_pushstring(L, sa->addr);
        break;
    }
    return 1;
}


static int
ec_lua_sockaddr_index(lua_State *L)
{
    ec_lua_sockaddr_t *sa = luaL_checkudata(L, 1, EC_LUA_SOCKADDR_MT);
    const char *key = luaL_checkstring(L, 2);

    if (strcmp(key, "ip") == 0)
        lua_pushstring(L, sa->addr);
    else if (strcmp(key, "port") == 0)
        lua_pushinteger(L, sa->port);
    else if (strcmp(key, "family") == 0)
        lua_pushinteger(L, sa->family);
    else
        lua_pushnil(L);
    return 1;
}


static int
ec_lua_sockaddr_family(lua_State *L)
{
    ec_lua_sockaddr_t *sa = luaL_checkudata(L, 1, EC_LUA_SOCKADDR_MT);

    lua_pushinteger(L, sa->family);
    return 1;
}


static ec_lua_ac_t *
ec_lua_check_ac(lua_State *L, int idx)
{
    ec_lua_ac_t *ac = luaL_checkudata(L, idx, EC_LUA_AC_MT);

    if (ac->conn == NULL)
        luaL_error(L, "accept construct used outside of its hook call");
    return ac;
}


static void
ec_lua_push_opt_string(lua_State *L, const char *s)
{
    if (s != NULL)
        lua_pushstring(L, s);
    else
        lua_pushnil(L);
}


static int
ec_lua_ac_index(lua_State *L)
{
    ec_lua_ac_t *ac = ec_lua_check_ac(L, 1);
    const ec_conn_info_t *c = ac->conn;
    const char *key = luaL_checkstring(L, 2);

    if (strcmp(key, "remote_addr") == 0)
        ec_lua_push_sockaddr(L, c->remote_addr, c->remote_port);
    else if (strcmp(key, "local_addr") == 0)
        ec_lua_push_sockaddr(L, c->local_addr, c->local_port);
    else if (strcmp(key, "protocol") == 0)
        lua_pushinteger(L, c->protocol);
    else if (strcmp(key, "conn_id") == 0)
        lua_pushinteger(L, (lua_Integer)c->conn_id);
    else if (strcmp(key, "remote_ip") == 0)
        ec_lua_push_opt_string(L, c->remote_addr);
    else if (strcmp(key, "remote_port") == 0)
        lua_pushinteger(L, c->remote_port);
    else if (strcmp(key, "local_ip") == 0)
        ec_lua_push_opt_string(L, c->local_addr);
    else if (strcmp(key, "local_port") == 0)
        lua_pushinteger(L, c->local_port);
    else if (strcmp(key, "listener") == 0)
        ec_lua_push_opt_string(L, c->listener);
    else if (strcmp(key, "tls") == 0)
        lua_pushboolean(L, c->tls);
    else if (strcmp(key, "ehlo") == 0)
        ec_lua_push_opt_string(L, c->ehlo);
    else if (strcmp(key, "mechanism") == 0)
        ec_lua_push_opt_string(L, ac->req != NULL ?
                               ac->req->mechanism : NULL);
    else if (strcmp(key, "realm") == 0)
        ec_lua_push_opt_string(L, ac->req != NULL ? ac->req->realm : NULL);
    else
        lua_pushnil(L);
    return 1;
}


static int
ec_lua_read_only(lua_State *L)
{
    return luaL_error(L, "%s is read-only", luaL_typename(L, 1));
}


static int
ec_lua_ac_tostring(lua_State *L)
{
    ec_lua_ac_t *ac = luaL_checkudata(L, 1, EC_LUA_AC_MT);

    if (ac->conn == NULL || ac->conn->remote_addr == NULL)
        lua_pushliteral(L, "accept_construct");
    else
        lua_pushfstring(L, "accept_construct: %s:%d",
                        ac->conn->remote_addr, ac->conn->remote_port);
    return 1;
}


/* msys.core.accept_construct_get_message_construct(ac) returns the message
 * construct of the session, or nil when the session has no validation
 * context (the caller passed none, as for HTTP in Momentum). */
static int
ec_lua_get_message_construct(lua_State *L)
{
    ec_lua_t *E = ec_lua_from_state(L);
    ec_lua_ac_t *ac = ec_lua_check_ac(L, 1);

    if (ac->ctx == NULL) {
        lua_pushnil(L);
        return 1;
    }
    lua_rawgeti(L, LUA_REGISTRYINDEX, E->mc_ref);
    return 1;
}


static int
ec_lua_mc_index(lua_State *L)
{
    const char *key;

    luaL_checkudata(L, 1, EC_LUA_MC_MT);
    key = luaL_checkstring(L, 2);
    if (strcmp(key, "ctx") == 0)
        lua_getiuservalue(L, 1, 1);
    else
        lua_pushnil(L);
    return 1;
}


static ec_lua_ctx_t *
ec_lua_check_vctx(lua_State *L, ec_lua_vctx_scope_t *scope)
{
    ec_lua_t *E = ec_lua_from_state(L);
    lua_Integer type;

    luaL_checkudata(L, 1, EC_LUA_VCTX_MT);
    type = luaL_checkinteger(L, 2);
    luaL_argcheck(L, type == EC_LUA_VCTX_MESS || type == EC_LUA_VCTX_CONN,
                  2, "expected msys.core.VCTX_MESS or msys.core.VCTX_CONN");
    if (E->ac == NULL || E->ac->ctx == NULL)
        luaL_error(L, "validation context used outside of its hook call");
    *scope = (ec_lua_vctx_scope_t)type;
    return E->ac->ctx;
}


static int
ec_lua_vctx_get(lua_State *L)
{
    ec_lua_vctx_scope_t scope;
    ec_lua_ctx_t *ctx = ec_lua_check_vctx(L, &scope);
    const char *key = luaL_checkstring(L, 3);

    ec_lua_push_opt_string(L, ec_lua_ctx_get(ctx, scope, key));
    return 1;
}


/* vctx:exists returns 1 or 0, the form Momentum's bundled scripts test
 * with `== 1`. */
static int
ec_lua_vctx_exists(lua_State *L)
{
    ec_lua_vctx_scope_t scope;
    ec_lua_ctx_t *ctx = ec_lua_check_vctx(L, &scope);
    const char *key = luaL_checkstring(L, 3);

    lua_pushinteger(L, ec_lua_ctx_get(ctx, scope, key) != NULL);
    return 1;
}


static int
ec_lua_vctx_set(lua_State *L)
{
    ec_lua_vctx_scope_t scope;
    ec_lua_ctx_t *ctx = ec_lua_check_vctx(L, &scope);
    const char *key = luaL_checkstring(L, 3);
    const char *value;

    switch (lua_type(L, 4)) {
    case LUA_TNIL:
    case LUA_TNONE:
        value = NULL;
        break;
    case LUA_TBOOLEAN:
        value = lua_toboolean(L, 4) ? "true" : "false";
        break;
    case LUA_TSTRING:
    case LUA_TNUMBER:
        value = lua_tostring(L, 4);
        break;
    default:
        return luaL_argerror(L, 4, "expected a string, number or boolean");
    }
    if (ec_lua_ctx_set(ctx, scope, key, value) != 0)
        return luaL_error(L, "cannot store context variable \"%s\": key or "
                          "value too long, or too many variables", key);
    return 0;
}


static int
ec_lua_vctx_delete(lua_State *L)
{
    ec_lua_vctx_scope_t scope;
    ec_lua_ctx_t *ctx = ec_lua_check_vctx(L, &scope);
    const char *key = luaL_checkstring(L, 3);

    ec_lua_ctx_set(ctx, scope, key, NULL);
    return 0;
}


/* msys.registerModule(name, table): only while a script loads, and name
 * must equal the name of the script stanza that loads it. */
static int
ec_lua_register_module(lua_State *L)
{
    ec_lua_t *E = ec_lua_from_state(L);
    const char *name = luaL_checkstring(L, 1);
    ec_lua_module_t *mod;

    luaL_checktype(L, 2, LUA_TTABLE);
    if (E->loading_name == NULL || E->loading_done)
        return luaL_error(L, "msys.registerModule(\"%s\") may only be "
                          "called while its script loads", name);
    if (strcmp(name, E->loading_name) != 0)
        return luaL_error(L, "msys.registerModule name \"%s\" does not "
                          "match the script stanza name \"%s\"", name,
                          E->loading_name);
    if (E->loading_registered)
        return luaL_error(L, "module \"%s\" is already registered", name);
    if (strlen(name) >= EC_LUA_NAME_MAX)
        return luaL_error(L, "module name \"%s\" is longer than %d bytes",
                          name, EC_LUA_NAME_MAX - 1);

    mod = &E->modules[E->nmodules];
    memset(mod, 0, sizeof(*mod));
    snprintf(mod->name, sizeof(mod->name), "%s", name);
    mod->path = E->loading_path;
    lua_pushvalue(L, 2);
    mod->table_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    E->nmodules++;
    E->loading_registered = 1;
    return 0;
}


static int
ec_lua_valid_scheme(const char *s)
{
    if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z')))
        return 0;
    for (; *s != '\0'; s++) {
        char c = *s;

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.' ||
              c == '_'))
            return 0;
    }
    return 1;
}


/* msys.registerAuth(scheme, table): only while scripts load. Momentum
 * documents the call from mod:init(), and ecconf also accepts it in the
 * script body. */
static int
ec_lua_register_auth(lua_State *L)
{
    static const char *const builtin[] = {
        "ac_auth", "file", "digest", NULL
    };
    ec_lua_t *E = ec_lua_from_state(L);
    const char *scheme = luaL_checkstring(L, 1);
    ec_lua_scheme_t *sc;
    size_t i;

    luaL_checktype(L, 2, LUA_TTABLE);
    if (E->loading_name == NULL || E->loading_done)
        return luaL_error(L, "msys.registerAuth(\"%s\") may only be called "
                          "while scripts load, e.g. from mod:init()",
                          scheme);
    if (!ec_lua_valid_scheme(scheme) || strlen(scheme) >= EC_LUA_NAME_MAX)
        return luaL_error(L, "invalid auth scheme name \"%s\"", scheme);
    for (i = 0; builtin[i] != NULL; i++)
        if (strcasecmp(scheme, builtin[i]) == 0)
            return luaL_error(L, "auth scheme \"%s\" is built in and cannot "
                              "be registered from Lua", scheme);
    if (ec_lua_has_scheme(E, scheme))
        return luaL_error(L, "auth scheme \"%s\" is already registered",
                          scheme);
    if (E->nschemes >= EC_LUA_MAX_SCHEMES)
        return luaL_error(L, "more than %d auth schemes",
                          EC_LUA_MAX_SCHEMES);

    sc = &E->schemes[E->nschemes];
    for (i = 0; scheme[i] != '\0'; i++)
        sc->name[i] = (char)(scheme[i] >= 'A' && scheme[i] <= 'Z' ?
                             scheme[i] - 'A' + 'a' : scheme[i]);
    sc->name[i] = '\0';
    snprintf(sc->module, sizeof(sc->module), "%s", E->loading_name);
    lua_pushvalue(L, 2);
    sc->table_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    E->nschemes++;
    return 0;
}


/* msys.type(x): the metatable name of ecconf userdata, else type(x). */
static int
ec_lua_type(lua_State *L)
{
    luaL_checkany(L, 1);
    if (lua_type(L, 1) == LUA_TUSERDATA && lua_getmetatable(L, 1)) {
        if (lua_getfield(L, -1, "__name") == LUA_TSTRING)
            return 1;
        lua_pop(L, 2);
    }
    lua_pushstring(L, luaL_typename(L, 1));
    return 1;
}


static void
ec_lua_set_int(lua_State *L, const char *name, lua_Integer v)
{
    lua_pushinteger(L, v);
    lua_setfield(L, -2, name);
}


static void
ec_lua_push_core(lua_State *L)
{
    static const luaL_Reg fns[] = {
        { "accept_construct_get_message_construct",
          ec_lua_get_message_construct },
        { "string_new", ec_lua_string_new },
        { "ec_sockaddr_family", ec_lua_sockaddr_family },
        { NULL, NULL }
    };

    luaL_newlib(L, fns);
    ec_lua_set_int(L, "EC_AUTH_OK", EC_AUTH_OK);
    ec_lua_set_int(L, "EC_AUTH_FAIL", EC_AUTH_FAIL);
    ec_lua_set_int(L, "EC_AUTH_ERROR", EC_AUTH_ERROR);
    ec_lua_set_int(L, "P_ESMTP", EC_PROTO_ESMTP);
    ec_lua_set_int(L, "P_HTTP", EC_PROTO_HTTP);
    ec_lua_set_int(L, "P_INTERNAL", EC_LUA_P_INTERNAL);
    ec_lua_set_int(L, "P_SMPP", EC_LUA_P_SMPP);
    ec_lua_set_int(L, "P_MM7", EC_LUA_P_MM7);
    ec_lua_set_int(L, "P_CONTROL", EC_LUA_P_CONTROL);
    ec_lua_set_int(L, "P_ECSTREAM", EC_LUA_P_ECSTREAM);
    ec_lua_set_int(L, "VCTX_MESS", EC_LUA_VCTX_MESS);
    ec_lua_set_int(L, "VCTX_CONN", EC_LUA_VCTX_CONN);
    ec_lua_set_int(L, "ECMESS_CTX_MESS", EC_LUA_VCTX_MESS);
    ec_lua_set_int(L, "ECMESS_CTX_CONN", EC_LUA_VCTX_CONN);
    ec_lua_set_int(L, "VALIDATE_CONT", EC_LUA_VALIDATE_CONT);
    ec_lua_set_int(L, "VALIDATE_DONE", EC_LUA_VALIDATE_DONE);
    ec_lua_set_int(L, "VALIDATE_AGAIN", EC_LUA_VALIDATE_AGAIN);
    ec_lua_set_int(L, "AF_INET", AF_INET);
    ec_lua_set_int(L, "AF_INET6", AF_INET6);
    ec_lua_set_int(L, "AF_UNIX", AF_UNIX);
}


static void
ec_lua_new_metatable(lua_State *L, const char *name, const luaL_Reg *meta,
                     const luaL_Reg *methods)
{
    luaL_newmetatable(L, name);
    luaL_setfuncs(L, meta, 0);
    if (methods != NULL) {
        lua_newtable(L);
        luaL_setfuncs(L, methods, 0);
        lua_setfield(L, -2, "__index");
    }
    lua_pop(L, 1);
}


static void
ec_lua_open_types(lua_State *L)
{
    static const luaL_Reg string_meta[] = {
        { "__len", ec_lua_string_len },
        { "__tostring", ec_lua_string_tostring },
        { "__concat", ec_lua_string_concat },
        { NULL, NULL }
    };
    static const luaL_Reg string_methods[] = {
        { "write", ec_lua_string_write },
        { "set", ec_lua_string_set },
        { "len", ec_lua_string_len },
        { NULL, NULL }
    };
    static const luaL_Reg sockaddr_meta[] = {
        { "__tostring", ec_lua_sockaddr_tostring },
        { "__index", ec_lua_sockaddr_index },
        { "__newindex", ec_lua_read_only },
        { NULL, NULL }
    };
    static const luaL_Reg ac_meta[] = {
        { "__index", ec_lua_ac_index },
        { "__newindex", ec_lua_read_only },
        { "__tostring", ec_lua_ac_tostring },
        { NULL, NULL }
    };
    static const luaL_Reg mc_meta[] = {
        { "__index", ec_lua_mc_index },
        { "__newindex", ec_lua_read_only },
        { NULL, NULL }
    };
    static const luaL_Reg vctx_meta[] = {
        { "__newindex", ec_lua_read_only },
        { NULL, NULL }
    };
    static const luaL_Reg vctx_methods[] = {
        { "get", ec_lua_vctx_get },
        { "set", ec_lua_vctx_set },
        { "exists", ec_lua_vctx_exists },
        { "delete", ec_lua_vctx_delete },
        { NULL, NULL }
    };

    ec_lua_new_metatable(L, EC_LUA_STRING_MT, string_meta, string_methods);
    ec_lua_new_metatable(L, EC_LUA_SOCKADDR_MT, sockaddr_meta, NULL);
    ec_lua_new_metatable(L, EC_LUA_AC_MT, ac_meta, NULL);
    ec_lua_new_metatable(L, EC_LUA_MC_MT, mc_meta, NULL);
    ec_lua_new_metatable(L, EC_LUA_VCTX_MT, vctx_meta, vctx_methods);
}


/* Creates the objects every ac_auth call reuses, so a call allocates
 * nothing for them. */
static void
ec_lua_make_call_objects(ec_lua_t *E)
{
    lua_State *L = E->L;

    E->ac = lua_newuserdatauv(L, sizeof(*E->ac), 0);
    memset(E->ac, 0, sizeof(*E->ac));
    luaL_setmetatable(L, EC_LUA_AC_MT);
    E->ac_ref = luaL_ref(L, LUA_REGISTRYINDEX);

    E->response = ec_lua_push_string(L, EC_AUTH_RESPONSE_MAX - 1);
    E->response_ref = luaL_ref(L, LUA_REGISTRYINDEX);

    lua_newuserdatauv(L, 1, 1);
    luaL_setmetatable(L, EC_LUA_MC_MT);
    lua_newuserdatauv(L, 1, 0);
    luaL_setmetatable(L, EC_LUA_VCTX_MT);
    lua_setiuservalue(L, -2, 1);
    E->mc_ref = luaL_ref(L, LUA_REGISTRYINDEX);
}


static int
ec_lua_return_upvalue(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    return 1;
}


/* require 'msys' and require 'msys.core' return the built-in tables; the
 * msys.extended.* modules return true because their methods are built
 * into the userdata already. */
static void
ec_lua_preload(lua_State *L, int msys_idx)
{
    static const char *const extended[] = {
        "msys.extended.ac", "msys.extended.vctx", "msys.extended.message",
        NULL
    };
    size_t i;

    lua_getglobal(L, "package");
    lua_getfield(L, -1, "preload");

    lua_pushvalue(L, msys_idx);
    lua_pushcclosure(L, ec_lua_return_upvalue, 1);
    lua_setfield(L, -2, "msys");

    lua_getfield(L, msys_idx, "core");
    lua_pushcclosure(L, ec_lua_return_upvalue, 1);
    lua_setfield(L, -2, "msys.core");

    for (i = 0; extended[i] != NULL; i++) {
        lua_pushboolean(L, 1);
        lua_pushcclosure(L, ec_lua_return_upvalue, 1);
        lua_setfield(L, -2, extended[i]);
    }
    lua_pop(L, 2);
}


static void
ec_lua_open_msys(lua_State *L)
{
    static const luaL_Reg fns[] = {
        { "registerModule", ec_lua_register_module },
        { "registerAuth", ec_lua_register_auth },
        { "log", ec_lua_print },
        { "type", ec_lua_type },
        { NULL, NULL }
    };

    luaL_newlib(L, fns);
    ec_lua_push_core(L);
    lua_setfield(L, -2, "core");
    ec_lua_preload(L, lua_gettop(L));
    lua_setglobal(L, "msys");
}


static int
ec_lua_open_all(lua_State *L)
{
    static const luaL_Reg libs[] = {
        { LUA_GNAME, luaopen_base },
        { LUA_LOADLIBNAME, luaopen_package },
        { LUA_COLIBNAME, luaopen_coroutine },
        { LUA_TABLIBNAME, luaopen_table },
        { LUA_STRLIBNAME, luaopen_string },
        { LUA_MATHLIBNAME, luaopen_math },
        { LUA_UTF8LIBNAME, luaopen_utf8 },
        { LUA_OSLIBNAME, luaopen_os },
        { LUA_DBLIBNAME, luaopen_debug },
        { NULL, NULL }
    };
    ec_lua_t *E = lua_touserdata(L, 1);
    const luaL_Reg *lib;

    for (lib = libs; lib->func != NULL; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }

    lua_pushcfunction(L, ec_lua_print);
    lua_setglobal(L, "print");
    lua_pushcfunction(L, ec_lua_pcall_fn);
    lua_setglobal(L, "pcall");
    lua_pushcfunction(L, ec_lua_xpcall_fn);
    lua_setglobal(L, "xpcall");
    ec_lua_wrap_global(L, "load", ec_lua_load_text);
    ec_lua_wrap_global(L, "collectgarbage", ec_lua_collectgarbage);
    ec_lua_trim_debug(L);
    ec_lua_trim_package(L);
    ec_lua_install_disabled(L);

    ec_lua_open_types(L);
    ec_lua_open_msys(L);
    ec_lua_make_call_objects(E);
    return 0;
}


int
ec_lua_open_libs(ec_lua_t *E)
{
    int status;

    /* Run protected: the memory limit may be hit while the libraries
     * load. */
    lua_pushcfunction(E->L, ec_lua_open_all);
    lua_pushlightuserdata(E->L, E);
    status = lua_pcall(E->L, 1, 0, 0);
    if (status != LUA_OK) {
        lua_pop(E->L, 1);
        return -1;
    }
    return 0;
}
