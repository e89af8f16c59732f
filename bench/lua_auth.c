/* Measures ec_lua_ac_auth calls per second with examples/ac_auth.lua, on
 * one thread. Build and run with bench/lua_auth.sh from the top of the
 * source tree. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lua/ec_lua.h"

static double
bench_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}


static double
bench_run(ec_lua_t *E, const char *user, const char *pass, long n,
          ec_auth_result_t want)
{
    static const ec_conn_info_t conn = {
        .protocol = EC_PROTO_ESMTP, .local_addr = "127.0.0.1",
        .local_port = 25, .remote_addr = "127.0.0.1", .remote_port = 40000,
        .conn_id = 1,
    };
    ec_auth_request_t req = {
        .mechanism = "LOGIN", .username = user,
        .username_len = strlen(user), .password = pass,
        .password_len = strlen(pass), .conn = &conn,
    };
    ec_lua_ctx_t *ctx = ec_lua_ctx_new();
    ec_auth_reply_t reply;
    double start;
    long i;

    start = bench_now();
    for (i = 0; i < n; i++) {
        if (ec_lua_ac_auth(E, &req, ctx, &reply) != want) {
            fprintf(stderr, "unexpected result: %s\n", reply.reason);
            exit(1);
        }
    }
    ec_lua_ctx_free(ctx);
    return (double)n / (bench_now() - start);
}


static void
bench_discard(void *arg, const char *line)
{
    (void)arg;
    (void)line;
}


int
main(int argc, char **argv)
{
    static const ec_lua_script_t scripts[] = {
        { "test_ac_auth", "examples/ac_auth.lua" },
    };
    ec_lua_config_t cfg = {
        .scripts = scripts, .nscripts = 1, .log = bench_discard,
    };
    long n = argc > 1 ? atol(argv[1]) : 1000000;
    char err[512];
    ec_lua_t *E;
    double pass, fail;

    E = ec_lua_new(&cfg, err, sizeof(err));
    if (E == NULL) {
        fprintf(stderr, "%s\n", err);
        return 1;
    }
    bench_run(E, "Test User", "test2006", n / 10, EC_AUTH_OK);
    pass = bench_run(E, "Test User", "test2006", n, EC_AUTH_OK);
    fail = bench_run(E, "Test User", "testx", n, EC_AUTH_FAIL);
    printf("lua_auth calls=%ld pass_per_sec=%.0f pass_us=%.2f "
           "fail_per_sec=%.0f fail_us=%.2f\n", n, pass, 1e6 / pass, fail,
           1e6 / fail);
    ec_lua_free(E);
    return 0;
}
