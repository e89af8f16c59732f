/* Unit tests for the embedded Lua runtime: loading, limits, the ac_auth
 * dispatch, schemes, the validation context and the dialect checks. Run
 * from the top of the source tree (fixtures are found by relative path). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "lua/ec_lua.h"

#define FIX "tests/fixtures/lua/"
#define SECRET "s3cret-Pa55"

typedef struct test_log {
    char            text[16384];
    int             lines;
} test_log_t;

static test_log_t test_log;


static void
test_log_cb(void *arg, const char *line)
{
    test_log_t *log = arg;
    size_t n = strlen(log->text);

    snprintf(log->text + n, sizeof(log->text) - n, "%s\n", line);
    log->lines++;
}


static ec_lua_t *
test_load(const ec_lua_script_t *scripts, size_t n, uint64_t max_insn,
          size_t max_mem, unsigned timeout_ms, char *err, size_t errlen)
{
    ec_lua_config_t cfg;

    memset(&cfg, 0, sizeof(cfg));
    cfg.scripts = scripts;
    cfg.nscripts = n;
    cfg.max_instructions = max_insn;
    cfg.max_memory = max_mem;
    cfg.timeout_ms = timeout_ms;
    cfg.log = test_log_cb;
    cfg.log_arg = &test_log;
    memset(&test_log, 0, sizeof(test_log));
    err[0] = '\0';
    return ec_lua_new(&cfg, err, errlen);
}


static ec_lua_t *
test_load_hooks(void)
{
    static const ec_lua_script_t scripts[] = {
        { "hooks", FIX "hooks.lua" },
        { "second", FIX "second.lua" },
    };
    char err[512];
    ec_lua_t *E;

    E = test_load(scripts, 2, 2000000, 8u * 1024 * 1024, 2000, err,
                  sizeof(err));
    if (E == NULL)
        fail_msg("load failed: %s", err);
    return E;
}


static const ec_conn_info_t test_conn = {
    .protocol = EC_PROTO_ESMTP,
    .listener = "ESMTP_Listener",
    .local_addr = "127.0.0.1",
    .local_port = 2525,
    .remote_addr = "127.0.0.2",
    .remote_port = 40001,
    .conn_id = 42,
    .tls = 0,
    .ehlo = "client.example",
};


static void
test_request(ec_auth_request_t *req, const char *user, const char *pass)
{
    memset(req, 0, sizeof(*req));
    req->mechanism = "LOGIN";
    req->username = user;
    req->username_len = strlen(user);
    req->password = pass;
    req->password_len = strlen(pass);
    req->conn = &test_conn;
}


static ec_auth_result_t
test_auth(ec_lua_t *E, const char *user, const char *pass,
          ec_lua_ctx_t *ctx, ec_auth_reply_t *reply)
{
    ec_auth_request_t req;

    test_request(&req, user, pass);
    return ec_lua_ac_auth(E, &req, ctx, reply);
}


static void
load_name_mismatch_is_error(void **state)
{
    static const ec_lua_script_t scripts[] = {
        { "mismatch", FIX "mismatch.lua" },
    };
    char err[512];

    (void)state;
    assert_null(test_load(scripts, 1, 0, 0, 0, err, sizeof(err)));
    assert_non_null(strstr(err, "\"other_name\""));
    assert_non_null(strstr(err, "\"mismatch\""));
    assert_non_null(strstr(err, "mismatch.lua:3: error:"));
}


static void
load_without_register_is_error(void **state)
{
    static const ec_lua_script_t scripts[] = {
        { "noregister", FIX "noregister.lua" },
    };
    char err[512];

    (void)state;
    assert_null(test_load(scripts, 1, 0, 0, 0, err, sizeof(err)));
    assert_non_null(strstr(err, "did not call msys.registerModule"));
}


static void
load_init_must_return_true(void **state)
{
    static const ec_lua_script_t scripts[] = {
        { "init_false", FIX "init_false.lua" },
    };
    char err[512];

    (void)state;
    assert_null(test_load(scripts, 1, 0, 0, 0, err, sizeof(err)));
    assert_non_null(strstr(err, "init() of module \"init_false\""));
    assert_non_null(strstr(err, "expected true"));
}


static void
load_syntax_error_gives_hint(void **state)
{
    static const ec_lua_script_t scripts[] = {
        { "neq", FIX "neq.lua" },
    };
    char err[512];

    (void)state;
    assert_null(test_load(scripts, 1, 0, 0, 0, err, sizeof(err)));
    assert_non_null(strstr(err, FIX "neq.lua:3: error:"));
    assert_non_null(strstr(err, "use '~=' for 'not equal' in Lua 5.4"));
}


static void
load_builtin_source_is_skipped(void **state)
{
    static const ec_lua_script_t scripts[] = {
        { "boot", NULL },
        { "test_ac_auth", "examples/ac_auth.lua" },
    };
    char err[512];
    ec_lua_t *E;

    (void)state;
    E = test_load(scripts, 2, 0, 0, 0, err, sizeof(err));
    assert_non_null(E);
    assert_true(ec_lua_has_ac_auth(E));
    ec_lua_free(E);
}


static void
resolve_source_search_order(void **state)
{
    char out[1024];

    (void)state;
    assert_int_equal(ec_lua_resolve_source("a.b", FIX "conf",
                                           FIX "search1:" FIX "search2",
                                           out, sizeof(out)), 0);
    assert_string_equal(out, FIX "conf/a/b.lua");

    assert_int_equal(ec_lua_resolve_source("c/d", FIX "conf",
                                           FIX "search1:" FIX "search2",
                                           out, sizeof(out)), 0);
    assert_string_equal(out, FIX "search1/c/d.lua");

    assert_int_equal(ec_lua_resolve_source("e.f", FIX "conf",
                                           FIX "search1::" FIX "search2",
                                           out, sizeof(out)), 0);
    assert_string_equal(out, FIX "search2/e/f.lua");

    assert_int_equal(ec_lua_resolve_source("msys.boot", FIX "conf", NULL,
                                           out, sizeof(out)), 1);
    assert_string_equal(out, "");
}


/* Folders before the last '/' keep their dots, so a checkout under a
 * folder such as /tmp/tmp.X still finds its scripts. */
static void
resolve_source_dotted_folders(void **state)
{
    char out[1024];
    char cwd[512];
    char source[700];
    char expected[700];

    (void)state;
    assert_int_equal(ec_lua_resolve_source(FIX "dot.dir/g", ".", NULL,
                                           out, sizeof(out)), 0);
    assert_string_equal(out, "./" FIX "dot.dir/g.lua");

    assert_int_equal(ec_lua_resolve_source("dot.dir/h.i",
                                           "tests/fixtures/lua", NULL, out,
                                           sizeof(out)), 0);
    assert_string_equal(out, FIX "dot.dir/h/i.lua");

    assert_non_null(getcwd(cwd, sizeof(cwd)));
    snprintf(source, sizeof(source), "%s/" FIX "dot.dir/h.i", cwd);
    snprintf(expected, sizeof(expected), "%s/" FIX "dot.dir/h/i.lua", cwd);
    assert_int_equal(ec_lua_resolve_source(source, "/nonexistent",
                                           "/nonexistent", out,
                                           sizeof(out)), 0);
    assert_string_equal(out, expected);

    snprintf(source, sizeof(source), "%s/" FIX "dot.dir/missing", cwd);
    assert_int_equal(ec_lua_resolve_source(source, NULL, NULL, out,
                                           sizeof(out)), -1);
    assert_non_null(strstr(out, "dot.dir/missing.lua"));
    assert_null(strstr(out, "dot/dir"));
}


static void
resolve_source_invalid_names(void **state)
{
    static const char *const invalid[] = {
        "a..b", ".a", "a.", "dir/", "dir/.a", "dir/a.", "/"
    };
    char out[1024];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(invalid) / sizeof(invalid[0]); i++) {
        assert_int_equal(ec_lua_resolve_source(invalid[i], FIX "conf", NULL,
                                               out, sizeof(out)), -1);
        assert_non_null(strstr(out, "invalid script source"));
    }
}


static void
resolve_source_error_lists_all(void **state)
{
    char out[1024];

    (void)state;
    assert_int_equal(ec_lua_resolve_source("x.y", FIX "conf",
                                           FIX "search1:" FIX "search2",
                                           out, sizeof(out)), -1);
    assert_non_null(strstr(out, "\"x.y\" not found"));
    assert_non_null(strstr(out, FIX "conf/x/y.lua"));
    assert_non_null(strstr(out, FIX "search1/x/y.lua"));
    assert_non_null(strstr(out, FIX "search2/x/y.lua"));

    assert_int_equal(ec_lua_resolve_source("a.b.lua", FIX "conf", NULL,
                                           out, sizeof(out)), -1);
    assert_non_null(strstr(out, "omit the \".lua\" suffix"));

    assert_int_equal(ec_lua_resolve_source("a..b", FIX "conf", NULL,
                                           out, sizeof(out)), -1);
    assert_non_null(strstr(out, "invalid script source"));
}


static void
check_file_syntax_error_format(void **state)
{
    char err[512];

    (void)state;
    assert_int_equal(ec_lua_check_file(FIX "neq.lua", err, sizeof(err)),
                     -1);
    assert_string_equal(err, FIX "neq.lua:3: error: 'then' expected near "
                        "'!'; use '~=' for 'not equal' in Lua 5.4");

    assert_int_equal(ec_lua_check_file(FIX "missing.lua", err,
                                       sizeof(err)), -1);
    assert_non_null(strstr(err, "cannot read script"));

    assert_int_equal(ec_lua_check_file("examples/ac_auth.lua", err,
                                       sizeof(err)), 0);
    assert_string_equal(err, "");
}


static void
check_file_warns_on_lua51_calls(void **state)
{
    char err[2048];

    (void)state;
    assert_int_equal(ec_lua_check_file(FIX "lib51.lua", err, sizeof(err)),
                     1);
    assert_non_null(strstr(err, FIX "lib51.lua:5: warning: 'table.getn' "
                           "does not exist in Lua 5.4"));
    assert_non_null(strstr(err, FIX "lib51.lua:6: warning: 'unpack' does "
                           "not exist in Lua 5.4; use 'table.unpack'"));
    assert_non_null(strstr(err, FIX "lib51.lua:7: warning: '0660'"));
    assert_non_null(strstr(err, "write 432"));
    /* Comments, strings and table.unpack are not reported. */
    assert_null(strstr(err, "lib51.lua:3:"));
    assert_null(strstr(err, "lib51.lua:4:"));
    assert_null(strstr(err, "lib51.lua:8:"));
}


static void
example_hook_three_cases(void **state)
{
    static const ec_lua_script_t scripts[] = {
        { "test_ac_auth", "examples/ac_auth.lua" },
    };
    ec_auth_reply_t reply;
    char err[512];
    ec_lua_t *E;

    (void)state;
    E = test_load(scripts, 1, 0, 0, 0, err, sizeof(err));
    assert_non_null(E);

    assert_int_equal(test_auth(E, "Test User", "test2006", NULL, &reply),
                     EC_AUTH_OK);
    assert_int_equal(reply.result, EC_AUTH_OK);
    assert_string_equal(reply.response, "");
    assert_string_equal(reply.module, "test_ac_auth");

    assert_int_equal(test_auth(E, "Test User", "testx", NULL, &reply),
                     EC_AUTH_FAIL);
    assert_string_equal(reply.response, "531 Get out of town");
    assert_string_equal(reply.module, "test_ac_auth");

    assert_int_equal(test_auth(E, "Test User", "wrong", NULL, &reply),
                     EC_AUTH_FAIL);
    assert_string_equal(reply.response, "");

    assert_int_equal(test_auth(E, "Other", "test2006", NULL, &reply),
                     EC_AUTH_FAIL);
    assert_string_equal(reply.response, "");

    /* The failure hook printed the user and the reply, never a password. */
    assert_non_null(strstr(test_log.text, "ac_auth failure\\x09Test User"));
    assert_non_null(strstr(test_log.text, "531 Get out of town"));
    assert_null(strstr(test_log.text, "testx"));
    assert_null(strstr(test_log.text, "test2006"));
    ec_lua_free(E);
}


static void
hook_response_and_failure_log(void **state)
{
    ec_lua_t *E = test_load_hooks();
    ec_lua_ctx_t *ctx = ec_lua_ctx_new();
    ec_auth_reply_t reply;

    (void)state;
    assert_int_equal(test_auth(E, "someone", SECRET, ctx, &reply),
                     EC_AUTH_FAIL);
    assert_string_equal(reply.response, "535 nope");
    assert_string_equal(reply.module, "hooks");
    assert_string_equal(reply.reason, "hook_rejected");
    assert_string_equal(ec_lua_ctx_get(ctx, EC_LUA_VCTX_CONN,
                                       "failure_logged"),
                        "someone 535 nope fail");
    assert_string_equal(ec_lua_ctx_get(ctx, EC_LUA_VCTX_CONN,
                                       "auth_status"), "fail");
    assert_string_equal(ec_lua_ctx_get(ctx, EC_LUA_VCTX_CONN, "auth_user"),
                        "someone");
    assert_null(ec_lua_ctx_get(ctx, EC_LUA_VCTX_CONN, "can_relay"));
    assert_non_null(strstr(test_log.text, "event=lua_print module=hooks"));

    assert_int_equal(test_auth(E, "crlf", SECRET, ctx, &reply),
                     EC_AUTH_FAIL);
    assert_string_equal(reply.response, "535 first");

    assert_null(strstr(test_log.text, SECRET));
    ec_lua_ctx_free(ctx);
    ec_lua_free(E);
}


static void
check_error_case(ec_lua_t *E, const char *user, const char *want)
{
    ec_auth_reply_t reply;
    int lines = test_log.lines;

    assert_int_equal(test_auth(E, user, SECRET, NULL, &reply),
                     EC_AUTH_ERROR);
    assert_int_equal(reply.result, EC_AUTH_ERROR);
    assert_string_equal(reply.module, "hooks");
    if (strstr(reply.reason, want) == NULL)
        fail_msg("%s: reason \"%s\" lacks \"%s\"", user, reply.reason,
                 want);
    if (strstr(reply.reason, "hooks.lua:") == NULL)
        fail_msg("%s: reason \"%s\" has no file:line", user, reply.reason);
    assert_int_equal(test_log.lines, lines + 1);
    assert_non_null(strstr(test_log.text, "event=lua_hook_error"));

    /* The state keeps working for the next call. */
    assert_int_equal(test_auth(E, "someone", "x", NULL, &reply),
                     EC_AUTH_FAIL);
    assert_string_equal(reply.response, "535 nope");
}


static void
hook_errors_give_auth_error(void **state)
{
    ec_lua_t *E = test_load_hooks();

    (void)state;
    check_error_case(E, "err_string", "hooks.lua:14: boom");
    check_error_case(E, "err_table", "error object is a table value");
    check_error_case(E, "err_nil", "error object is a nil value");
    check_error_case(E, "no_return", "returned nothing");
    check_error_case(E, "wrong_type", "returned string");
    check_error_case(E, "bad_number", "returned 7");
    check_error_case(E, "float_ok", "returned 0.0");
    check_error_case(E, "float_fail", "returned 1.0");
    check_error_case(E, "returns_error", "returned EC_AUTH_ERROR");
    check_error_case(E, "blocking", "os.execute is disabled");
    check_error_case(E, "io_read", "io.read is disabled");
    assert_null(strstr(test_log.text, SECRET));
    ec_lua_free(E);
}


static double
test_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}


static void
hook_limits_stop_loops(void **state)
{
    ec_lua_t *E = test_load_hooks();
    double start = test_now();

    (void)state;
    check_error_case(E, "loop", "instruction limit of 2000000 exceeded");
    check_error_case(E, "pcall_loop", "instruction limit");
    check_error_case(E, "coroutine_loop", "instruction limit");
    assert_true(test_now() - start < 5.0);
    ec_lua_free(E);
}


static void
hook_timeout_stops_loop(void **state)
{
    static const ec_lua_script_t scripts[] = {
        { "hooks", FIX "hooks.lua" },
    };
    char err[512];
    ec_lua_t *E;
    double start;

    (void)state;
    E = test_load(scripts, 1, UINT64_MAX / 2, 0, 50, err, sizeof(err));
    assert_non_null(E);
    start = test_now();
    check_error_case(E, "loop", "timed out after 50 ms");
    assert_true(test_now() - start < 2.0);
    ec_lua_free(E);
}


static void
hook_memory_bomb_is_contained(void **state)
{
    ec_lua_t *E = test_load_hooks();
    int i;

    (void)state;
    for (i = 0; i < 3; i++)
        check_error_case(E, "memory", "memory limit of 8388608 bytes");
    ec_lua_free(E);
}


static void
hook_state_survives_calls(void **state)
{
    ec_lua_t *E = test_load_hooks();
    ec_auth_reply_t reply;

    (void)state;
    assert_int_equal(test_auth(E, "counter", "x", NULL, &reply),
                     EC_AUTH_OK);
    assert_string_equal(reply.response, "250 calls 1 seen 1");
    assert_int_equal(test_auth(E, "err_string", "x", NULL, &reply),
                     EC_AUTH_ERROR);
    assert_int_equal(test_auth(E, "counter", "x", NULL, &reply),
                     EC_AUTH_OK);
    assert_string_equal(reply.response, "250 calls 3 seen 2");
    ec_lua_free(E);

    /* A new state starts from the script again. */
    E = test_load_hooks();
    assert_int_equal(test_auth(E, "counter", "x", NULL, &reply),
                     EC_AUTH_OK);
    assert_string_equal(reply.response, "250 calls 1 seen 1");
    ec_lua_free(E);
}


/* An accept construct works only during the call that received it. */
static void
hook_kept_ac_fails_later(void **state)
{
    ec_lua_t *E = test_load_hooks();
    ec_auth_reply_t reply;

    (void)state;
    assert_int_equal(test_auth(E, "keep_ac", "x", NULL, &reply),
                     EC_AUTH_OK);
    assert_int_equal(test_auth(E, "use_kept_ac", "x", NULL, &reply),
                     EC_AUTH_ERROR);
    assert_non_null(strstr(reply.reason, "outside of its hook call"));
    assert_int_equal(test_auth(E, "ac", "x", NULL, &reply), EC_AUTH_OK);
    ec_lua_free(E);
}


static void
hook_sees_context_variables(void **state)
{
    ec_lua_t *E = test_load_hooks();
    ec_lua_ctx_t *ctx = ec_lua_ctx_new();
    ec_auth_reply_t reply;

    (void)state;
    assert_int_equal(ec_lua_ctx_set(ctx, EC_LUA_VCTX_CONN, "greeting",
                                    "hello"), 0);
    assert_int_equal(test_auth(E, "ctx", "x", ctx, &reply), EC_AUTH_OK);
    assert_string_equal(reply.response, "250 hello 1 0");
    assert_string_equal(ec_lua_ctx_get(ctx, EC_LUA_VCTX_CONN, "from_lua"),
                        "yes");
    assert_string_equal(ec_lua_ctx_get(ctx, EC_LUA_VCTX_CONN,
                                       "auth_status"), "pass");
    assert_string_equal(ec_lua_ctx_get(ctx, EC_LUA_VCTX_CONN, "auth_user"),
                        "ctx");
    assert_string_equal(ec_lua_ctx_get(ctx, EC_LUA_VCTX_CONN, "auth_name"),
                        "LOGIN");
    assert_string_equal(ec_lua_ctx_get(ctx, EC_LUA_VCTX_CONN, "can_relay"),
                        "true");

    /* Without a context there is no message construct. */
    assert_int_equal(test_auth(E, "ctx", "x", NULL, &reply), EC_AUTH_FAIL);
    assert_string_equal(reply.response, "550 no message construct");

    ec_lua_ctx_clear(ctx, EC_LUA_VCTX_CONN);
    assert_null(ec_lua_ctx_get(ctx, EC_LUA_VCTX_CONN, "from_lua"));
    ec_lua_ctx_free(ctx);
    ec_lua_free(E);
}


static void
hook_reads_accept_construct(void **state)
{
    ec_lua_t *E = test_load_hooks();
    ec_auth_reply_t reply;

    (void)state;
    assert_int_equal(test_auth(E, "ac", "x", NULL, &reply), EC_AUTH_OK);
    assert_string_equal(reply.response,
                        "250 127.0.0.2:40001 127.0.0.2 127.0.0.1:2525 42 "
                        "true");
    ec_lua_free(E);
}


static void
scheme_auth_registered_from_init(void **state)
{
    static const ec_lua_script_t scripts[] = {
        { "myauth", FIX "scheme.lua" },
    };
    static const char *const params[] = { "realm", "example", NULL };
    ec_auth_request_t req;
    ec_auth_reply_t reply;
    char err[512];
    ec_lua_t *E;

    (void)state;
    E = test_load(scripts, 1, 0, 0, 0, err, sizeof(err));
    assert_non_null(E);
    assert_true(ec_lua_has_scheme(E, "myscheme"));
    assert_true(ec_lua_has_scheme(E, "MyScheme"));
    assert_false(ec_lua_has_scheme(E, "other"));
    assert_false(ec_lua_has_ac_auth(E));

    test_request(&req, "root", "letmein");
    assert_int_equal(ec_lua_scheme_auth(E, "myscheme", NULL, NULL, &req,
                                        &reply), EC_AUTH_OK);
    assert_string_equal(reply.module, "myauth");

    test_request(&req, "root", "wrong");
    assert_int_equal(ec_lua_scheme_auth(E, "myscheme", NULL, NULL, &req,
                                        &reply), EC_AUTH_FAIL);

    test_request(&req, "params", "x");
    assert_int_equal(ec_lua_scheme_auth(E, "myscheme", "/etc/users", params,
                                        &req, &reply), EC_AUTH_OK);

    test_request(&req, "boom", SECRET);
    assert_int_equal(ec_lua_scheme_auth(E, "myscheme", NULL, NULL, &req,
                                        &reply), EC_AUTH_ERROR);
    assert_non_null(strstr(reply.reason, "scheme.lua:16: scheme exploded"));

    test_request(&req, "root", "letmein");
    assert_int_equal(ec_lua_scheme_auth(E, "nosuch", NULL, NULL, &req,
                                        &reply), EC_AUTH_ERROR);

    /* ac_auth without any hook is a temporary failure too. */
    assert_int_equal(ec_lua_ac_auth(E, &req, NULL, &reply), EC_AUTH_ERROR);
    assert_null(strstr(test_log.text, SECRET));
    ec_lua_free(E);
}


static void
ac_auth_needs_cleartext(void **state)
{
    ec_lua_t *E = test_load_hooks();
    ec_auth_request_t req;
    ec_auth_reply_t reply;

    (void)state;
    test_request(&req, "someone", "x");
    req.mechanism = "CRAM-MD5";
    req.password = NULL;
    req.password_len = 0;
    assert_int_equal(ec_lua_ac_auth(E, &req, NULL, &reply), EC_AUTH_ERROR);
    assert_non_null(strstr(reply.reason, "cleartext"));
    ec_lua_free(E);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(load_name_mismatch_is_error),
        cmocka_unit_test(load_without_register_is_error),
        cmocka_unit_test(load_init_must_return_true),
        cmocka_unit_test(load_syntax_error_gives_hint),
        cmocka_unit_test(load_builtin_source_is_skipped),
        cmocka_unit_test(resolve_source_search_order),
        cmocka_unit_test(resolve_source_dotted_folders),
        cmocka_unit_test(resolve_source_invalid_names),
        cmocka_unit_test(resolve_source_error_lists_all),
        cmocka_unit_test(check_file_syntax_error_format),
        cmocka_unit_test(check_file_warns_on_lua51_calls),
        cmocka_unit_test(example_hook_three_cases),
        cmocka_unit_test(hook_response_and_failure_log),
        cmocka_unit_test(hook_errors_give_auth_error),
        cmocka_unit_test(hook_limits_stop_loops),
        cmocka_unit_test(hook_timeout_stops_loop),
        cmocka_unit_test(hook_memory_bomb_is_contained),
        cmocka_unit_test(hook_state_survives_calls),
        cmocka_unit_test(hook_kept_ac_fails_later),
        cmocka_unit_test(hook_sees_context_variables),
        cmocka_unit_test(hook_reads_accept_construct),
        cmocka_unit_test(scheme_auth_registered_from_init),
        cmocka_unit_test(ac_auth_needs_cleartext),
    };

    return cmocka_run_group_tests_name("lua", tests, NULL, NULL);
}
