/* ecconf: Lua states with limits, script loading and the protected call
 * that every hook goes through. */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

#include "lua/ec_lua_int.h"

static void *ec_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
static void ec_lua_count_hook(lua_State *L, lua_Debug *ar);
static int ec_lua_message_handler(lua_State *L);
static int ec_lua_load_script(ec_lua_t *E, const ec_lua_script_t *script,
                              char *err, size_t errlen);
static int ec_lua_init_module(ec_lua_t *E, ec_lua_module_t *mod,
                              char *err, size_t errlen);
static int ec_lua_scan_callouts(ec_lua_t *E, ec_lua_module_t *mod,
                                char *err, size_t errlen);


void
ec_lua_format(char *out, size_t outlen, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(out, outlen, fmt, ap);
    va_end(ap);
}


ec_lua_t *
ec_lua_from_state(lua_State *L)
{
    void *ud = NULL;

    lua_getallocf(L, &ud);
    return ud;
}


static uint64_t
ec_lua_now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}


/* Counts every byte the state uses and rejects growth past mem_max.
 * Shrinking and freeing never fail, as Lua requires. */
static void *
ec_lua_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    ec_lua_t *E = ud;
    void *p;

    if (ptr == NULL)
        osize = 0;              /* osize is a type tag for new blocks */

    if (nsize == 0) {
        free(ptr);
        E->mem_used -= osize;
        return NULL;
    }
    if (nsize > osize && E->mem_used - osize + nsize > E->mem_max)
        return NULL;

    p = realloc(ptr, nsize);
    if (p == NULL)
        return NULL;
    E->mem_used = E->mem_used - osize + nsize;
    return p;
}


static void
ec_lua_abort(lua_State *L, ec_lua_t *E, const char *what)
{
    E->aborting = 1;
    ec_lua_format(E->abort_reason, sizeof(E->abort_reason), "%s: %s",
             E->where[0] != '\0' ? E->where : "?", what);
    lua_pushstring(L, E->abort_reason);
    lua_error(L);
}


/* Runs every EC_LUA_HOOK_STEP instructions in every thread of the state.
 * Once a limit fired it raises again at each run, so a script that
 * catches the error (coroutine.resume) still unwinds soon after. */
static void
ec_lua_count_hook(lua_State *L, lua_Debug *ar)
{
    ec_lua_t *E = ec_lua_from_state(L);
    char what[64];

    if (!E->in_call)
        return;
    if (E->aborting) {
        lua_pushstring(L, E->abort_reason);
        lua_error(L);
    }

    if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0)
        snprintf(E->where, sizeof(E->where), "%s:%d", ar->short_src,
                 ar->currentline);

    E->instructions += EC_LUA_HOOK_STEP;
    if (E->instructions > E->max_instructions) {
        snprintf(what, sizeof(what), "instruction limit of %" PRIu64
                 " exceeded", E->max_instructions);
        ec_lua_abort(L, E, what);
    }
    if (ec_lua_now_ns() > E->deadline_ns) {
        snprintf(what, sizeof(what), "timed out after %u ms",
                 E->timeout_ms);
        ec_lua_abort(L, E, what);
    }
}


/* Finds the innermost Lua function on the stack as "file:line". */
static int
ec_lua_where(lua_State *L, char *out, size_t outlen)
{
    lua_Debug ar;
    int level;

    for (level = 1; lua_getstack(L, level, &ar); level++) {
        if (!lua_getinfo(L, "Sl", &ar) || ar.currentline <= 0)
            continue;
        snprintf(out, outlen, "%s:%d", ar.short_src, ar.currentline);
        return 1;
    }
    return 0;
}


/* Returns 1 when msg starts with "something:123:". */
static int
ec_lua_has_position(const char *msg)
{
    const char *colon = strchr(msg, ':');
    const char *p;

    if (colon == NULL || colon == msg)
        return 0;
    p = colon + 1;
    if (*p < '0' || *p > '9')
        return 0;
    while (*p >= '0' && *p <= '9')
        p++;
    return *p == ':';
}


/* Turns any error value into a string that starts with file:line. A
 * table's __tostring is not called: it would run script code while the
 * state is already failing. */
static int
ec_lua_message_handler(lua_State *L)
{
    ec_lua_t *E = ec_lua_from_state(L);
    char where[EC_AUTH_REASON_MAX] = "?";
    const char *msg;

    if (E->aborting)
        return 1;

    ec_lua_where(L, where, sizeof(where));
    if (lua_type(L, 1) == LUA_TSTRING) {
        msg = lua_tostring(L, 1);
        if (ec_lua_has_position(msg))
            return 1;
        lua_pushfstring(L, "%s: %s", where, msg);
        return 1;
    }
    lua_pushfstring(L, "%s: error object is a %s value", where,
                    luaL_typename(L, 1));
    return 1;
}


int
ec_lua_pcall(ec_lua_t *E, int nargs, int nresults, char *reason,
             size_t reasonlen)
{
    lua_State *L = E->L;
    int base = lua_gettop(L) - nargs;
    int status;

    lua_pushcfunction(L, ec_lua_message_handler);
    lua_insert(L, base);

    E->in_call = 1;
    E->aborting = 0;
    E->instructions = 0;
    E->where[0] = '\0';
    E->deadline_ns = ec_lua_now_ns() + (uint64_t)E->timeout_ms * 1000000u;
    lua_sethook(L, ec_lua_count_hook, LUA_MASKCOUNT, EC_LUA_HOOK_STEP);

    status = lua_pcall(L, nargs, nresults, base);
    E->in_call = 0;

    /* A limit that fired inside a coroutine the script caught still
     * fails the whole call. */
    if (status == LUA_OK && E->aborting) {
        lua_pop(L, nresults);
        lua_pushstring(L, E->abort_reason);
        status = LUA_ERRRUN;
    }
    if (status == LUA_OK) {
        lua_remove(L, base);
        return LUA_OK;
    }

    if (E->aborting)
        snprintf(reason, reasonlen, "%s", E->abort_reason);
    else if (status == LUA_ERRMEM)
        snprintf(reason, reasonlen, "%s: memory limit of %zu bytes "
                 "exceeded", E->where[0] != '\0' ? E->where : "?",
                 E->mem_max);
    else if (lua_type(L, -1) == LUA_TSTRING)
        snprintf(reason, reasonlen, "%s", lua_tostring(L, -1));
    else
        snprintf(reason, reasonlen, "?: error object is a %s value",
                 luaL_typename(L, -1));
    lua_settop(L, base - 1);
    E->aborting = 0;

    /* Give back what the failed call built, so that the next call starts
     * with the memory the module keeps and nothing more. */
    lua_gc(L, LUA_GCCOLLECT);
    return status;
}


/* Writes text into out as a double-quoted value: quotes and backslashes
 * are escaped, and bytes below 0x20 or from 0x7f become \xNN, the same
 * rule as ecconfd's own log lines. */
static void
ec_lua_quote(const char *text, char *out, size_t outlen)
{
    size_t n = 0;
    const unsigned char *p;

    if (outlen < 3) {
        if (outlen > 0)
            out[0] = '\0';
        return;
    }
    out[n++] = '"';
    for (p = (const unsigned char *)text; *p != '\0'; p++) {
        char esc[5];
        size_t k;

        if (*p == '"' || *p == '\\')
            snprintf(esc, sizeof(esc), "\\%c", *p);
        else if (*p < 0x20 || *p >= 0x7f)
            snprintf(esc, sizeof(esc), "\\x%02x", *p);
        else
            snprintf(esc, sizeof(esc), "%c", *p);
        k = strlen(esc);
        if (n + k + 2 > outlen)
            break;
        memcpy(out + n, esc, k);
        n += k;
    }
    out[n++] = '"';
    out[n] = '\0';
}


/* Writes name into out bare when it is printable ASCII without '"', '\\',
 * '=' or spaces, else quoted as ec_lua_quote does. Module names come from
 * the configuration, where a quoted stanza name may hold any byte. */
static void
ec_lua_log_name(const char *name, char *out, size_t outlen)
{
    const unsigned char *p;

    for (p = (const unsigned char *)name; *p != '\0'; p++)
        if (*p <= ' ' || *p >= 0x7f || *p == '"' || *p == '\\' || *p == '=')
            break;
    if (*name != '\0' && *p == '\0')
        snprintf(out, outlen, "%s", name);
    else
        ec_lua_quote(name, out, outlen);
}


void
ec_lua_log_line(ec_lua_t *E, const char *level, const char *event,
                const char *module, const char *hook, const char *key,
                const char *text)
{
    char quoted[1024];
    char name[200];
    char line[1500];
    int n;

    if (E->log == NULL)
        return;
    ec_lua_quote(text != NULL ? text : "", quoted, sizeof(quoted));
    n = snprintf(line, sizeof(line), "level=%s event=%s", level, event);
    if (module != NULL && n >= 0 && (size_t)n < sizeof(line)) {
        ec_lua_log_name(module, name, sizeof(name));
        n += snprintf(line + n, sizeof(line) - n, " module=%s", name);
    }
    if (hook != NULL && n >= 0 && (size_t)n < sizeof(line)) {
        ec_lua_log_name(hook, name, sizeof(name));
        n += snprintf(line + n, sizeof(line) - n, " hook=%s", name);
    }
    if (n >= 0 && (size_t)n < sizeof(line))
        snprintf(line + n, sizeof(line) - n, " %s=%s", key, quoted);
    E->log(E->log_arg, line);
}


void
ec_lua_format_error(const char *path, const char *msg, char *out,
                    size_t outlen)
{
    const char *colon;

    if (ec_lua_has_position(msg)) {
        colon = strchr(msg, ':');
        colon = strchr(colon + 1, ':');
        snprintf(out, outlen, "%.*s: error:%s", (int)(colon - msg), msg,
                 colon + 1);
        return;
    }
    snprintf(out, outlen, "%s: error: %s", path, msg);
}


ec_lua_t *
ec_lua_new(const ec_lua_config_t *cfg, char *err, size_t errlen)
{
    ec_lua_t *E;
    size_t i;

    E = calloc(1, sizeof(*E));
    if (E == NULL) {
        snprintf(err, errlen, "lua: out of memory");
        return NULL;
    }
    E->log = cfg->log;
    E->log_arg = cfg->log_arg;
    E->max_instructions = cfg->max_instructions != 0 ?
        cfg->max_instructions : EC_LUA_DEFAULT_MAX_INSTRUCTIONS;
    E->mem_max = cfg->max_memory != 0 ?
        cfg->max_memory : EC_LUA_DEFAULT_MAX_MEMORY;
    E->timeout_ms = cfg->timeout_ms != 0 ?
        cfg->timeout_ms : EC_LUA_DEFAULT_TIMEOUT_MS;
    E->ac_ref = E->response_ref = E->mc_ref = LUA_NOREF;

    E->L = lua_newstate(ec_lua_alloc, E);
    if (E->L == NULL || ec_lua_open_libs(E) != 0) {
        snprintf(err, errlen, "lua: cannot create a state within the "
                 "memory limit of %zu bytes", E->mem_max);
        goto fail;
    }

    for (i = 0; i < cfg->nscripts; i++) {
        if (cfg->scripts[i].path == NULL)
            continue;
        if (ec_lua_load_script(E, &cfg->scripts[i], err, errlen) != 0)
            goto fail;
    }
    E->loading_done = 1;
    return E;

fail:
    /* deinit() runs only for modules whose init() succeeded. */
    ec_lua_free(E);
    return NULL;
}


/* Adds the folder of the script to package.path, so that it can require
 * helper files that sit beside it. Runs as a protected call. */
static int
ec_lua_add_package_dir(lua_State *L)
{
    const char *path = lua_touserdata(L, 1);
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash != NULL ? (size_t)(slash - path) : 1;
    const char *dir = slash != NULL ? path : ".";

    lua_getglobal(L, "package");
    lua_pushlstring(L, dir, dirlen);
    lua_pushliteral(L, "/?.lua;");
    lua_pushlstring(L, dir, dirlen);
    lua_pushliteral(L, "/?/init.lua;");
    lua_getfield(L, -5, "path");
    lua_concat(L, 5);
    lua_setfield(L, -2, "path");
    return 0;
}


static int
ec_lua_method_trampoline(lua_State *L)
{
    ec_lua_method_call_t *c = lua_touserdata(L, 1);
    lua_Debug ar;
    int nargs = 0;

    lua_settop(L, 0);
    lua_rawgeti(L, LUA_REGISTRYINDEX, c->table_ref);
    if (lua_getfield(L, 1, c->method) != LUA_TFUNCTION) {
        if (c->optional) {
            c->missing = 1;
            return 0;
        }
        return luaL_error(L, "%s is not a function", c->method);
    }
    lua_insert(L, 1);

    lua_pushvalue(L, 1);
    if (lua_getinfo(L, ">S", &ar))
        ec_lua_format(c->defined, sizeof(c->defined), "%s:%d", ar.short_src,
                      ar.linedefined);

    if (c->push_args != NULL)
        nargs = c->push_args(L, c->arg);
    lua_call(L, 1 + nargs, c->nresults);
    return c->nresults;
}


int
ec_lua_call_method(ec_lua_t *E, ec_lua_method_call_t *c, char *reason,
                   size_t reasonlen)
{
    c->missing = 0;
    snprintf(c->defined, sizeof(c->defined), "?");
    lua_pushcfunction(E->L, ec_lua_method_trampoline);
    lua_pushlightuserdata(E->L, c);
    return ec_lua_pcall(E, 1, c->nresults, reason, reasonlen);
}


static int
ec_lua_load_script(ec_lua_t *E, const ec_lua_script_t *script, char *err,
                   size_t errlen)
{
    lua_State *L = E->L;
    char reason[512];
    int status;
    char *path;

    if (E->nmodules >= EC_LUA_MAX_MODULES) {
        snprintf(err, errlen, "%s: error: more than %d scripts",
                 script->path, EC_LUA_MAX_MODULES);
        return -1;
    }
    path = strdup(script->path);
    if (path == NULL) {
        snprintf(err, errlen, "%s: error: out of memory", script->path);
        return -1;
    }
    E->paths[E->nmodules] = path;

    status = luaL_loadfilex(L, path, "t");
    if (status != LUA_OK) {
        const char *msg = lua_tostring(L, -1);

        if (status == LUA_ERRFILE)
            snprintf(err, errlen, "%s: error: cannot read script: %s",
                     path, msg != NULL ? msg : "?");
        else
            ec_lua_dialect_hint(path, msg != NULL ? msg : "?", err,
                                errlen);
        lua_pop(L, 1);
        return -1;
    }

    lua_pushcfunction(L, ec_lua_add_package_dir);
    lua_pushlightuserdata(L, path);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        snprintf(err, errlen, "%s: error: out of memory", path);
        lua_pop(L, 2);
        return -1;
    }
    E->loading_name = script->name;
    E->loading_path = path;
    E->loading_registered = 0;
    status = ec_lua_pcall(E, 0, 0, reason, sizeof(reason));
    E->loading_name = NULL;
    if (status != LUA_OK) {
        ec_lua_format_error(path, reason, err, errlen);
        return -1;
    }
    if (!E->loading_registered) {
        snprintf(err, errlen, "%s: error: script \"%s\" did not call "
                 "msys.registerModule(\"%s\", table)", path, script->name,
                 script->name);
        return -1;
    }
    return ec_lua_init_module(E, &E->modules[E->nmodules - 1], err,
                              errlen);
}


/* Calls mod:init() if defined; it must return true. */
static int
ec_lua_init_module(ec_lua_t *E, ec_lua_module_t *mod, char *err,
                   size_t errlen)
{
    lua_State *L = E->L;
    ec_lua_method_call_t call = {
        .table_ref = mod->table_ref,
        .method = "init",
        .optional = 1,
        .nresults = 1,
    };
    char reason[512];
    int ok;

    E->loading_name = mod->name;
    E->call_module = mod->name;
    if (ec_lua_call_method(E, &call, reason, sizeof(reason)) != LUA_OK) {
        E->loading_name = NULL;
        ec_lua_format_error(mod->path, reason, err, errlen);
        return -1;
    }
    E->loading_name = NULL;

    ok = call.missing || (lua_isboolean(L, -1) && lua_toboolean(L, -1));
    if (!ok) {
        snprintf(err, errlen, "%s: error: init() of module \"%s\" "
                 "returned %s, expected true", call.defined, mod->name,
                 luaL_typename(L, -1));
        lua_pop(L, 1);
        return -1;
    }
    lua_pop(L, 1);
    mod->initialized = 1;
    return ec_lua_scan_callouts(E, mod, err, errlen);
}


static int
ec_lua_has_prefix(const char *key)
{
    static const char *const prefixes[] = {
        "init", "deinit", "ac_auth_", "validate_", "core_", NULL
    };
    size_t i;

    for (i = 0; prefixes[i] != NULL; i++)
        if (strncmp(key, prefixes[i], strlen(prefixes[i])) == 0)
            return 1;
    return 0;
}


/* Records which hooks the module table defines, and returns whether any
 * key names a callout that ecconf recognizes. Runs as a protected call. */
static int
ec_lua_scan_table(lua_State *L)
{
    ec_lua_module_t *mod = lua_touserdata(L, 1);
    int usable = 0;

    lua_rawgeti(L, LUA_REGISTRYINDEX, mod->table_ref);
    lua_getfield(L, -1, "ac_auth_perform_auth");
    mod->has_perform_auth = lua_isfunction(L, -1);
    lua_pop(L, 1);
    lua_getfield(L, -1, "ac_auth_log_auth_failure");
    mod->has_log_failure = lua_isfunction(L, -1);
    lua_pop(L, 1);

    lua_pushnil(L);
    while (lua_next(L, -2) != 0) {
        if (lua_type(L, -2) == LUA_TSTRING && lua_isfunction(L, -1) &&
            ec_lua_has_prefix(lua_tostring(L, -2)))
            usable = 1;
        lua_pop(L, 1);
    }
    lua_pushboolean(L, usable);
    return 1;
}


/* Warns, as Momentum does, about a table with no usable callout. */
static int
ec_lua_scan_callouts(ec_lua_t *E, ec_lua_module_t *mod, char *err,
                     size_t errlen)
{
    lua_State *L = E->L;
    int usable;

    lua_pushcfunction(L, ec_lua_scan_table);
    lua_pushlightuserdata(L, mod);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        snprintf(err, errlen, "%s: error: out of memory", mod->path);
        lua_pop(L, 1);
        return -1;
    }
    usable = lua_toboolean(L, -1);
    lua_pop(L, 1);
    if (!usable)
        ec_lua_log_line(E, "warning", "lua_no_callouts", mod->name, NULL,
                        "text", "no usable methods found in the table "
                        "passed to msys.registerModule");
    return 0;
}


void
ec_lua_free(ec_lua_t *E)
{
    char reason[512];
    size_t i;

    if (E == NULL)
        return;

    for (i = 0; E->L != NULL && i < E->nmodules; i++) {
        ec_lua_module_t *mod = &E->modules[i];
        ec_lua_method_call_t call = {
            .table_ref = mod->table_ref,
            .method = "deinit",
            .optional = 1,
        };

        if (!mod->initialized)
            continue;
        E->call_module = mod->name;
        if (ec_lua_call_method(E, &call, reason, sizeof(reason)) != LUA_OK)
            ec_lua_log_line(E, "error", "lua_hook_error", mod->name,
                            "deinit", "reason", reason);
    }

    if (E->L != NULL)
        lua_close(E->L);
    for (i = 0; i < EC_LUA_MAX_MODULES; i++)
        free(E->paths[i]);
    free(E);
}
