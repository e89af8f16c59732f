/* ecconf: tests for ecconfd's runtime configuration: the fallback chain
 * Listen::Peer > Listen > listener Peer > listener > global > default,
 * the choice of the longest matching Peer prefix, Relay_Hosts matching
 * and the scriptlet limits. Each test loads a configuration from a
 * string with ec_load_buffer and builds it with ec_rtconf_build. */
#include <arpa/inet.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "runtime/load.h"
#include "runtime/rtconf.h"
#include "runtime/rtconf_tree.h"
#include "lua/ec_lua.h"

typedef struct built {
    ec_rtconf_t *rc;
    char        *messages;      /* what the loader and builder printed */
    size_t       messages_len;
    unsigned     errors;
} built_t;

static const char chain_conf[] =
    "Hostname = \"global.test\"\n"
    "Idle_Time = 111\n"
    "Max_Message_Size = 7\n"
    "ESMTP_Listener {\n"
    "  Idle_Time = 222\n"
    "  Peer \"10.0.0.0/8\" { Idle_Time = 333 Banner_Hostname = \"lpeer8\" }\n"
    "  Peer \"10.1.0.0/16\" { Idle_Time = 334 }\n"
    "  Listen \"127.0.0.1:2525\" {\n"
    "    Idle_Time = 444\n"
    "    Peer \"10.1.2.0/24\" { Idle_Time = 555 }\n"
    "    Peer \"10.1.2.3\" { Banner_Hostname = \"peer32\" }\n"
    "    Peer \"10.0.0.0/8\" { Listener_Sessions = 9 }\n"
    "  }\n"
    "  Listen \"127.0.0.1:2526\" {\n"
    "    Relay_Hosts = ( \"192.0.2.0/24\" \"198.51.100.7\" )\n"
    "    Listen_Backlog = 17\n"
    "    Peer \"2001:db8::/32\" { Open_Relay = true }\n"
    "    Peer \"192.0.2.128/25\" { Enable = false }\n"
    "  }\n"
    "}\n"
    "HTTP_Listener {\n"
    "  Listen \"127.0.0.1:8025\" { Listener_Sessions = 3 }\n"
    "}\n";


static void
build(built_t *b, const char *text)
{
    FILE     *out;
    ec_diag_t diag;
    ec_tree_t *tree;

    memset(b, 0, sizeof(*b));
    out = open_memstream(&b->messages, &b->messages_len);
    assert_non_null(out);
    ec_diag_init(&diag, out, NULL);
    tree = ec_load_buffer("test.conf", text, strlen(text), NULL, &diag);
    assert_non_null(tree);
    assert_int_equal(diag.errors, 0);
    b->rc = ec_rtconf_build(tree, "test.conf", &diag);
    b->errors = diag.errors;
    fclose(out);
}


static void
unbuild(built_t *b)
{
    ec_rtconf_unref(b->rc);
    free(b->messages);
}


static const ec_rtlisten_t *
find_listen(const ec_rtconf_t *rc, const char *addr)
{
    unsigned i;

    for (i = 0; i < rc->nlistens; i++) {
        if (strcmp(rc->listens[i].addr_text, addr) == 0)
            return &rc->listens[i];
    }
    fail_msg("no Listen \"%s\"", addr);
    return NULL;
}


/* Effective settings of Listen addr for a client address (NULL: none). */
static void
resolve(const ec_rtconf_t *rc, const char *addr, const char *client,
        ec_settings_t *out)
{
    struct sockaddr_storage ss;
    struct sockaddr_in     *in4 = (struct sockaddr_in *) &ss;
    struct sockaddr_in6    *in6 = (struct sockaddr_in6 *) &ss;

    memset(&ss, 0, sizeof(ss));
    if (client == NULL) {
        ec_rtconf_resolve(find_listen(rc, addr), NULL, out);
        return;
    }
    if (inet_pton(AF_INET, client, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
    } else {
        assert_int_equal(inet_pton(AF_INET6, client, &in6->sin6_addr), 1);
        in6->sin6_family = AF_INET6;
    }
    ec_rtconf_resolve(find_listen(rc, addr), (struct sockaddr *) &ss, out);
}


static void
test_listen_beats_listener(void **state)
{
    built_t       b;
    ec_settings_t s;

    (void) state;
    build(&b, chain_conf);
    assert_non_null(b.rc);
    resolve(b.rc, "127.0.0.1:2525", NULL, &s);
    assert_int_equal(s.idle_time, 444);
    resolve(b.rc, "127.0.0.1:2525", "192.0.2.1", &s);
    assert_int_equal(s.idle_time, 444);
    assert_string_equal(s.hostname, "global.test");
    unbuild(&b);
}


static void
test_longest_listen_peer_wins(void **state)
{
    built_t       b;
    ec_settings_t s;

    (void) state;
    build(&b, chain_conf);
    assert_non_null(b.rc);

    /* The /32 wins over the /24 and /8, and it sets only the banner, so
     * Idle_Time falls through to the Listen, not to the /24. */
    resolve(b.rc, "127.0.0.1:2525", "10.1.2.3", &s);
    assert_string_equal(s.hostname, "peer32");
    assert_int_equal(s.idle_time, 444);
    assert_int_equal(s.listener_sessions, 0);

    resolve(b.rc, "127.0.0.1:2525", "10.1.2.4", &s);
    assert_int_equal(s.idle_time, 555);
    assert_string_equal(s.hostname, "global.test");

    resolve(b.rc, "127.0.0.1:2525", "10.9.9.9", &s);
    assert_int_equal(s.listener_sessions, 9);
    assert_int_equal(s.idle_time, 444);
    unbuild(&b);
}


static void
test_listener_peer_beats_listener(void **state)
{
    built_t       b;
    ec_settings_t s;

    (void) state;
    build(&b, chain_conf);
    assert_non_null(b.rc);

    resolve(b.rc, "127.0.0.1:2526", "10.1.5.5", &s);
    assert_int_equal(s.idle_time, 334);
    assert_string_equal(s.hostname, "global.test");

    resolve(b.rc, "127.0.0.1:2526", "10.200.0.1", &s);
    assert_int_equal(s.idle_time, 333);
    assert_string_equal(s.hostname, "lpeer8");

    resolve(b.rc, "127.0.0.1:2526", "192.0.2.1", &s);
    assert_int_equal(s.idle_time, 222);

    /* A Listen Peer that matches wins over the listener Peer, but a
     * listener Peer still fills what the Listen does not set. */
    resolve(b.rc, "127.0.0.1:2525", "10.1.2.4", &s);
    assert_int_equal(s.idle_time, 555);
    resolve(b.rc, "127.0.0.1:2525", "10.200.0.1", &s);
    assert_string_equal(s.hostname, "lpeer8");
    assert_int_equal(s.idle_time, 444);
    unbuild(&b);
}


static void
test_global_and_defaults(void **state)
{
    built_t       b;
    ec_settings_t s;

    (void) state;
    build(&b, chain_conf);
    assert_non_null(b.rc);
    resolve(b.rc, "127.0.0.1:8025", "192.0.2.1", &s);
    assert_int_equal(s.idle_time, 111);
    assert_int_equal(s.max_message_size, 7);
    assert_int_equal(s.listener_sessions, 3);
    assert_int_equal(s.listen_backlog, 500);
    assert_int_equal(s.enable, 1);
    unbuild(&b);

    build(&b, "ESMTP_Listener { Listen \"127.0.0.1:25\" { } }\n");
    assert_non_null(b.rc);
    resolve(b.rc, "127.0.0.1:25", "192.0.2.1", &s);
    assert_int_equal(s.idle_time, 300);
    assert_int_equal(s.listen_backlog, 500);
    assert_int_equal(s.max_message_size, 0);
    assert_int_equal(s.listener_sessions, 0);
    assert_int_equal(s.enable, 1);
    assert_int_equal(s.open_relay, 0);
    assert_int_equal(s.relay_host, 0);
    assert_non_null(s.hostname);
    unbuild(&b);
}


static void
test_relay_and_enable_per_peer(void **state)
{
    built_t       b;
    ec_settings_t s;

    (void) state;
    build(&b, chain_conf);
    assert_non_null(b.rc);

    resolve(b.rc, "127.0.0.1:2526", "192.0.2.1", &s);
    assert_int_equal(s.relay_host, 1);
    assert_int_equal(s.enable, 1);
    assert_int_equal(s.listen_backlog, 17);
    resolve(b.rc, "127.0.0.1:2526", "198.51.100.7", &s);
    assert_int_equal(s.relay_host, 1);
    resolve(b.rc, "127.0.0.1:2526", "198.51.100.8", &s);
    assert_int_equal(s.relay_host, 0);

    /* The /25 Peer turns clients away but keeps the Listen's relay list. */
    resolve(b.rc, "127.0.0.1:2526", "192.0.2.200", &s);
    assert_int_equal(s.enable, 0);
    assert_int_equal(s.relay_host, 1);

    resolve(b.rc, "127.0.0.1:2526", "2001:db8::1", &s);
    assert_int_equal(s.open_relay, 1);
    resolve(b.rc, "127.0.0.1:2526", "2001:db9::1", &s);
    assert_int_equal(s.open_relay, 0);
    resolve(b.rc, "127.0.0.1:2526", "::1", &s);
    assert_int_equal(s.open_relay, 0);
    unbuild(&b);
}


/* The pathway chain sits between the listener and the global scope:
 * Pathway_Group::Pathway, then Pathway, then the Pathway_Group. A Peer
 * that names another pathway takes that one's values. */
static void
test_pathway_chain(void **state)
{
    built_t       b;
    ec_settings_t s;

    (void) state;
    build(&b,
        "Pathway \"edge\" { Idle_Time = 222 Max_Message_Size = 5 }\n"
        "Pathway_Group \"grp\" {\n"
        "  Listener_Sessions = 7\n"
        "  Pathway \"edge\" { Idle_Time = 333 }\n"
        "}\n"
        "Pathway \"inner\" { Idle_Time = 444 }\n"
        "ESMTP_Listener {\n"
        "  Listen \"127.0.0.1:2525\" {\n"
        "    pathway = \"edge\"\n"
        "    Peer \"10.0.0.0/8\" { pathway = \"inner\" }\n"
        "  }\n"
        "  Listen \"127.0.0.1:2526\" {\n"
        "    Max_Message_Size = 9\n"
        "  }\n"
        "}\n");
    assert_non_null(b.rc);
    resolve(b.rc, "127.0.0.1:2525", "192.0.2.1", &s);
    assert_int_equal(s.idle_time, 333);
    assert_int_equal(s.max_message_size, 5);
    assert_int_equal(s.listener_sessions, 7);
    resolve(b.rc, "127.0.0.1:2525", "10.1.1.1", &s);
    assert_int_equal(s.idle_time, 444);
    assert_int_equal(s.max_message_size, 0);
    resolve(b.rc, "127.0.0.1:2526", "192.0.2.1", &s);
    assert_int_equal(s.idle_time, 300);
    assert_int_equal(s.max_message_size, 9);
    unbuild(&b);
}


/* A Listen may hold thousands of Peers (one per partner host); the last
 * one must still match. */
static void
test_many_peers(void **state)
{
    built_t       b;
    ec_settings_t s;
    char         *conf = NULL;
    size_t        len = 0;
    FILE         *out = open_memstream(&conf, &len);
    int           i;

    (void) state;
    assert_non_null(out);
    fprintf(out, "ESMTP_Listener {\n  Listen \"127.0.0.1:2525\" {\n");
    for (i = 0; i < 3000; i++) {
        fprintf(out, "    Peer \"10.%d.%d.1\" { Idle_Time = %d }\n",
            i / 256, i % 256, 1000 + i);
    }
    fprintf(out, "  }\n}\n");
    fclose(out);
    build(&b, conf);
    assert_non_null(b.rc);
    resolve(b.rc, "127.0.0.1:2525", "10.11.183.1", &s);
    assert_int_equal(s.idle_time, 1000 + 11 * 256 + 183);
    resolve(b.rc, "127.0.0.1:2525", "10.0.0.1", &s);
    assert_int_equal(s.idle_time, 1000);
    unbuild(&b);
    free(conf);
}


static void
test_cidr_parse_and_match(void **state)
{
    ec_cidr_t    c;
    ec_netaddr_t a;
    struct sockaddr_in in4;

    (void) state;
    memset(&in4, 0, sizeof(in4));
    in4.sin_family = AF_INET;
    inet_pton(AF_INET, "10.1.2.3", &in4.sin_addr);
    assert_int_equal(ec_netaddr_from_sockaddr(&a,
            (struct sockaddr *) &in4), 0);

    assert_int_equal(ec_cidr_parse(&c, "10.1.2.0/24"), 0);
    assert_int_equal(c.prefix, 24);
    assert_true(ec_cidr_match(&c, &a));
    assert_int_equal(ec_cidr_parse(&c, "10.1.3.0/24"), 0);
    assert_false(ec_cidr_match(&c, &a));
    assert_int_equal(ec_cidr_parse(&c, "10.1.2.3"), 0);
    assert_int_equal(c.prefix, 32);
    assert_true(ec_cidr_match(&c, &a));
    assert_int_equal(ec_cidr_parse(&c, "0.0.0.0/0"), 0);
    assert_true(ec_cidr_match(&c, &a));
    assert_int_equal(ec_cidr_parse(&c, "2001:db8::/32"), 0);
    assert_false(ec_cidr_match(&c, &a));

    assert_int_not_equal(ec_cidr_parse(&c, "10.1.2.0/33"), 0);
    assert_int_not_equal(ec_cidr_parse(&c, "not-an-address"), 0);
}


static void
test_scriptlet_limits_read(void **state)
{
    built_t         b;
    ec_lua_config_t cfg;

    (void) state;
    build(&b, "scriptlet \"scriptlet\" {\n"
              "  max_instructions = 1000\n"
              "  max_memory = 1048576\n"
              "  timeout = 25\n"
              "}\n");
    assert_non_null(b.rc);
    ec_rtconf_lua_config(b.rc, &cfg);
    assert_int_equal(cfg.max_instructions, 1000);
    assert_int_equal(cfg.max_memory, 1048576);
    assert_int_equal(cfg.timeout_ms, 25);
    unbuild(&b);

    /* Unset limits take the module table's defaults. */
    build(&b, "scriptlet \"scriptlet\" { }\n");
    assert_non_null(b.rc);
    ec_rtconf_lua_config(b.rc, &cfg);
    assert_int_equal(cfg.max_instructions, 10000000);
    assert_int_equal(cfg.max_memory, 67108864);
    assert_int_equal(cfg.timeout_ms, 5000);
    unbuild(&b);
}


/* Without a scriptlet stanza the limits stay 0, which ec_lua_new() reads
 * as its own defaults: those must equal the module table's, or a stanza
 * that omits a limit would get a different value from no stanza. */
static void
test_scriptlet_defaults_agree(void **state)
{
    static const struct {
        const char *key;
        long long   lua_default;
    } limits[] = {
        { "max_instructions", EC_LUA_DEFAULT_MAX_INSTRUCTIONS },
        { "max_memory", EC_LUA_DEFAULT_MAX_MEMORY },
        { "timeout", EC_LUA_DEFAULT_TIMEOUT_MS },
    };
    built_t         b;
    ec_lua_config_t cfg;
    const char     *dflt;
    long long       min;
    long long       max;
    size_t          i;

    (void) state;
    build(&b, "Hostname = \"mx.test\"\n");
    assert_non_null(b.rc);
    ec_rtconf_lua_config(b.rc, &cfg);
    assert_int_equal(cfg.max_instructions, 0);
    assert_int_equal(cfg.max_memory, 0);
    assert_int_equal(cfg.timeout_ms, 0);
    unbuild(&b);

    for (i = 0; i < sizeof(limits) / sizeof(limits[0]); i++) {
        assert_int_equal(ec_rttree_table_range("scriptlet", limits[i].key,
                                               &dflt, &min, &max), 0);
        assert_non_null(dflt);
        assert_int_equal(strtoll(dflt, NULL, 10), limits[i].lua_default);
    }
}


static void
test_scriptlet_limit_invalid(void **state)
{
    built_t b;

    (void) state;
    build(&b, "scriptlet \"scriptlet\" {\n  max_instructions = 10\n}\n");
    assert_null(b.rc);
    assert_int_equal(b.errors, 1);
    assert_non_null(strstr(b.messages, "test.conf:2:22: error: invalid "
            "\"max_instructions\": expected an integer from 1000 to"));
    unbuild(&b);

    build(&b, "scriptlet \"scriptlet\" {\n  timeout = soon\n}\n");
    assert_null(b.rc);
    assert_int_equal(b.errors, 1);
    assert_non_null(strstr(b.messages, "\"timeout\""));
    unbuild(&b);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_listen_beats_listener),
        cmocka_unit_test(test_longest_listen_peer_wins),
        cmocka_unit_test(test_listener_peer_beats_listener),
        cmocka_unit_test(test_global_and_defaults),
        cmocka_unit_test(test_relay_and_enable_per_peer),
        cmocka_unit_test(test_pathway_chain),
        cmocka_unit_test(test_many_peers),
        cmocka_unit_test(test_cidr_parse_and_match),
        cmocka_unit_test(test_scriptlet_limits_read),
        cmocka_unit_test(test_scriptlet_defaults_agree),
        cmocka_unit_test(test_scriptlet_limit_invalid),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
