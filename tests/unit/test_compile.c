/* ecconf: tests of the compiler's checks: names, values, scope instances,
 * SMTP AUTH and TLS per endpoint, pools, auth URI binding and scriptlet
 * sources. Each asserts the exact message and its position. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/compile.h"
#include "runtime/load.h"

/* Configs are named as if they lived in tests/compile/, so relative
 * paths in them resolve against that folder (tests run from the
 * repository root). */
#define CONF "tests/compile/t.conf"

typedef struct run {
    char           *out;
    size_t          len;
    unsigned        errors;
    unsigned        warnings;
    int             rc;
    ec_tree_t      *tree;
    ec_compiled_t  *c;
} run_t;


static void
run_opts(run_t *r, const char *text, const ec_compile_options_t *opts)
{
    FILE     *f;
    ec_diag_t d;

    memset(r, 0, sizeof(*r));
    f = open_memstream(&r->out, &r->len);
    assert_non_null(f);
    ec_diag_init(&d, f, NULL);
    r->tree = ec_load_buffer(CONF, text, strlen(text), NULL, &d);
    assert_non_null(r->tree);
    assert_int_equal(d.errors, 0);
    r->rc = ec_compile(r->tree, opts, &d, &r->c);
    fclose(f);
    r->errors = d.errors;
    r->warnings = d.warnings;
}


static void
run(run_t *r, const char *text)
{
    ec_compile_options_t o;

    memset(&o, 0, sizeof(o));
    o.search_path = "";
    run_opts(r, text, &o);
}


static void
run_free(run_t *r)
{
    ec_compiled_free(r->c);
    ec_tree_free(r->tree);
    free(r->out);
}


/* Whether the diagnostics contain line as one whole line. */
static int
has_line(const run_t *r, const char *line)
{
    size_t      n = strlen(line);
    const char *p = r->out;

    while ((p = strstr(p, line)) != NULL) {
        if ((p == r->out || p[-1] == '\n') && (p[n] == '\n'
                                               || p[n] == '\0')) {
            return 1;
        }
        p += n;
    }
    return 0;
}


#define assert_line(r, line) do { \
        if (!has_line((r), (line))) { \
            fprintf(stderr, "missing: %s\ngot:\n%s", (line), (r)->out); \
            fail(); \
        } \
    } while (0)


static void
assert_clean(const run_t *r)
{
    if (r->len != 0) {
        fprintf(stderr, "expected no diagnostics, got:\n%s", r->out);
    }
    assert_int_equal(r->len, 0);
    assert_int_equal(r->rc, 0);
}


static void
test_unknown_option_suggests(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n  Listen \":25\" { Enabled = true }\n}\n");
    assert_line(&r, CONF ":2:18: error: \"Enabled\" is not valid in Listen; "
                "did you mean \"enable\"? (\"Enabled\" belongs in ac_auth, "
                "adaptive, alerting, alias, antivirus, apn and 82 more)");
    assert_int_equal(r.errors, 1);
    assert_int_equal(r.rc, -1);
    run_free(&r);
}


static void
test_misplaced_scope_belongs(void **state)
{
    run_t r;

    (void) state;
    run(&r, "Listen \":25\" { }\n");
    assert_line(&r, CONF ":1:1: error: \"Listen\" is not valid at global "
                "scope; it belongs in ESMTP_Listener, Control_Listener, "
                "HTTP_Listener, ECStream_Listener, XMPP_Listener or "
                "msgcserver_Listener");
    run_free(&r);
}


static void
test_unknown_option_plain(void **state)
{
    run_t r;

    (void) state;
    run(&r, "Frobnicate = 1\n");
    assert_line(&r, CONF ":1:1: error: unknown option \"Frobnicate\" at "
                "global scope");
    run_free(&r);
}


static void
test_unknown_hash_key(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n  Listen \":25\" {\n"
        "    SMTP_Extensions = ( \"AUTH LOGIN\" )\n"
        "    AuthLoginParameters = [ uri = \"file://passwd\" realmm = x ]\n"
        "  }\n}\n");
    assert_line(&r, CONF ":4:51: error: unknown key \"realmm\" in "
                "AuthLoginParameters; did you mean \"realm\"?");
    assert_int_equal(r.errors, 1);
    run_free(&r);
}


static void
test_missing_uri(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n"
        "  AuthPlainParameters = [ log_authentication = true ]\n}\n");
    assert_line(&r, CONF ":2:3: error: AuthPlainParameters has no \"uri\" "
                "key: add uri = \"...\", e.g. uri = "
                "\"file:///etc/momentum/passwd\"");
    run_free(&r);
}


static void
test_bad_values(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n"
        "  Listen_Backlog = many\n"
        "  Use_SSL = maybe\n"
        "  Accept_Queue_Backlog = -5\n"
        "  TLS_Verify_Mode = sometimes\n"
        "  Relay_Hosts = ( \"10.0.0.1\" \"banana\" )\n"
        "  Listen \":25\" { }\n}\n");
    assert_line(&r, CONF ":2:20: error: invalid number \"many\": expected a "
                "whole number");
    assert_line(&r, CONF ":3:13: error: invalid value \"maybe\": expected "
                "true or false (also yes/no, on/off, enabled/disabled, 1/0)");
    assert_line(&r, CONF ":4:26: error: value -5 is out of range "
                "0..2147483647");
    assert_line(&r, CONF ":5:21: error: invalid value \"sometimes\": "
                "expected one of: none, require");
    assert_line(&r, CONF ":6:30: error: invalid CIDR \"banana\": expected "
                "an IP address or ADDRESS/BITS");
    assert_int_equal(r.errors, 5);
    run_free(&r);
}


static void
test_bad_instances(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n  Listen \"nope\" { }\n"
        "  Listen \":25\" { Peer \"10.0.0.0/33\" { } }\n}\n");
    assert_line(&r, CONF ":2:10: error: invalid address \"nope\": expected "
                "HOST:PORT, :PORT, [IPV6]:PORT or a socket path");
    assert_line(&r, CONF ":3:23: error: invalid CIDR \"10.0.0.0/33\": the "
                "prefix length must be 0 to 32");
    run_free(&r);
}


static void
test_value_shapes(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n"
        "  Idle_Time = ( 1 2 )\n"
        "  Max_Message_Size = [ a = b ]\n"
        "  AuthLoginParameters = \"x\"\n"
        "  Relay_Hosts = \"10.0.0.1\"\n"
        "  Listen \":25\" { }\n}\n");
    assert_line(&r, CONF ":2:3: error: \"Idle_Time\" takes one value, not a "
                "list ( ... )");
    assert_line(&r, CONF ":3:3: error: \"Max_Message_Size\" takes one value, "
                "not a hash [ key = value ]");
    assert_line(&r, CONF ":4:3: error: \"AuthLoginParameters\" takes a hash: "
                "AuthLoginParameters = [ key = value ... ]");
    /* one value where a list is expected is a list of one */
    assert_int_equal(r.errors, 3);
    run_free(&r);
}


static void
test_scope_naming(void **state)
{
    run_t r;

    (void) state;
    run(&r, "HTTP_Listener \"x\" { Listen \":80\" { } }\nDomain { }\n");
    assert_line(&r, CONF ":1:15: error: HTTP_Listener takes no instance "
                "name: write HTTP_Listener { ... }");
    assert_line(&r, CONF ":2:1: error: Domain needs an instance name: write "
                "Domain \"NAME\" { ... }");
    run_free(&r);
}


static void
test_repeated_option(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n  Idle_Time = 1\n  idle_time = 2\n"
        "  Listen \":25\" { }\n}\n");
    assert_line(&r, CONF ":3:3: warning: \"idle_time\" is set again in "
                "ESMTP_Listener (first at " CONF ":2); the last value wins");
    assert_int_equal(r.warnings, 1);
    assert_int_equal(r.rc, 0);
    run_free(&r);
}


/* Two declarations of one instance merge: the repeat is found across
 * them and the later value is the effective one. */
static void
test_merged_instance_repeat(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n  Listen \":25\" { Idle_Time = 1 }\n}\n"
        "ESMTP_Listener {\n  Listen \":25\" { Idle_Time = 2 }\n}\n");
    assert_line(&r, CONF ":5:18: warning: \"Idle_Time\" is set again in "
                "Listen (first at " CONF ":2); the last value wins");
    assert_int_equal(r.c->nlisteners, 1);
    assert_int_equal(r.c->listeners[0].nlistens, 1);
    assert_int_equal(r.c->listeners[0].listens[0].index.nopts, 1);
    assert_int_equal(r.c->listeners[0].listens[0].index.opts[0].node
                     ->name.line, 5);
    run_free(&r);
}


/* More than 16 child scopes take the Bloom filter path of the grouping. */
static void
test_merged_instance_large_scope(void **state)
{
    ec_compile_options_t o;
    char                 conf[8192];
    size_t               used = 0;
    run_t                r;
    int                  i;

    (void) state;
    for (i = 0; i < 40; i++) {
        used += (size_t) snprintf(conf + used, sizeof(conf) - used,
            "Domain \"d%d.example\" { Max_Outbound_Connections = %d }\n",
            i, i + 1);
    }
    used += (size_t) snprintf(conf + used, sizeof(conf) - used,
        "Domain \"d7.example\" { Max_Outbound_Connections = 99 }\n"
        "ESMTP_Listener {\n  Listen \":25\" {\n");
    for (i = 0; i < 20; i++) {
        used += (size_t) snprintf(conf + used, sizeof(conf) - used,
            "    Peer \"10.0.0.%d\" { Idle_Time = %d }\n", i, i + 1);
    }
    snprintf(conf + used, sizeof(conf) - used,
        "    Peer \"10.0.0.3\" { Open_Relay = true }\n  }\n}\n");
    memset(&o, 0, sizeof(o));
    o.endpoints = 1;
    run_opts(&r, conf, &o);
    assert_line(&r, CONF ":41:23: warning: \"Max_Outbound_Connections\" is "
                "set again in Domain (first at " CONF ":8); the last value "
                "wins");
    assert_int_equal(r.warnings, 1);
    assert_int_equal(r.errors, 0);
    assert_int_equal(r.c->listeners[0].listens[0].npeers, 20);
    assert_non_null(r.c->listeners[0].listens[0].peers[3].scope.more);
    run_free(&r);
}


static void
test_auth_without_parameters(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n"
        "  SMTP_Extensions = ( \"AUTH LOGIN\" \"AUTH PLAIN\" )\n"
        "  AuthLoginParameters = [ uri = \"file://passwd\" ]\n"
        "  Listen \":25\" { }\n}\n");
    assert_line(&r, CONF ":2:36: error: \"AUTH PLAIN\" is enabled for Listen "
                "\":25\" but no AuthPlainParameters applies there: add "
                "AuthPlainParameters = [ uri = \"...\" ] to it or to an "
                "enclosing scope");
    assert_int_equal(r.errors, 1);
    run_free(&r);
}


static void
test_parameters_without_auth(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n  Listen \":25\" {\n"
        "    AuthLoginParameters = [ uri = \"file://passwd\" ]\n  }\n}\n");
    assert_line(&r, CONF ":3:5: warning: AuthLoginParameters is not used: no "
                "Listen or Peer that reads it lists \"AUTH LOGIN\" in "
                "SMTP_Extensions");
    assert_int_equal(r.errors, 0);
    run_free(&r);
}


/* A Peer switches AUTH on while the Listen contains the parameters. */
static void
test_auth_inherited_by_peer(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n  Listen \":587\" {\n"
        "    AuthLoginParameters = [ uri = \"file://passwd\" ]\n"
        "    Peer \"0.0.0.0/0\" { SMTP_Extensions = ( \"AUTH LOGIN\" ) }\n"
        "  }\n}\n");
    assert_clean(&r);
    run_free(&r);
}


/* One entry may list several mechanisms, as an EHLO reply does; each one
 * needs its parameter block. */
static void
test_auth_several_in_one_entry(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n"
        "  SMTP_Extensions = ( \"AUTH LOGIN PLAIN\" )\n"
        "  AuthLoginParameters = [ uri = \"file://passwd\" ]\n"
        "  Listen \":25\" { }\n}\n");
    assert_int_equal(r.errors, 1);
    assert_line(&r, CONF ":2:23: error: \"AUTH PLAIN\" is enabled for Listen "
        "\":25\" but no AuthPlainParameters applies there: add "
        "AuthPlainParameters = [ uri = \"...\" ] to it or to an "
        "enclosing scope");
    run_free(&r);
}


/* Two Listens that cannot both be bound fail at the position of the
 * second: the same address in two listeners, and a wildcard beside a
 * specific address on one port. */
static void
test_listen_address_clash(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener { Listen \"127.0.0.1:2600\" {} }\n"
        "HTTP_Listener { Listen \"127.0.0.1:2600\" {} }\n"
        "ECStream_Listener { Listen \":2601\" {}\n"
        "  Listen \"127.0.0.1:2601\" {} Listen \"127.0.0.1:2602\" {} }\n");
    assert_int_equal(r.errors, 2);
    assert_line(&r, CONF ":2:24: error: Listen \"127.0.0.1:2600\" in "
        "HTTP_Listener cannot be opened together with Listen "
        "\"127.0.0.1:2600\" in ESMTP_Listener at " CONF ":1: they use the "
        "same port");
    assert_line(&r, CONF ":4:10: error: Listen \"127.0.0.1:2601\" in "
        "ECStream_Listener cannot be opened together with Listen "
        "\":2601\" in ECStream_Listener at " CONF ":3: they use the same "
        "port");
    run_free(&r);
}


static void
test_auth_missing_for_one_peer(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n  Listen \":587\" {\n"
        "    Peer \"10.0.0.0/8\" { SMTP_Extensions = ( \"AUTH PLAIN\" ) }\n"
        "  }\n}\n");
    assert_line(&r, CONF ":3:45: error: \"AUTH PLAIN\" is enabled for Peer "
                "\"10.0.0.0/8\" in Listen \":587\" but no AuthPlainParameters "
                "applies there: add AuthPlainParameters = [ uri = \"...\" ] to "
                "it or to an enclosing scope");
    run_free(&r);
}


static void
test_ssl_with_starttls(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n  Use_SSL = true\n"
        "  Listen \":465\" { SMTP_Extensions = ( \"STARTTLS\" ) }\n}\n");
    assert_line(&r, CONF ":3:39: error: \"STARTTLS\" cannot be offered on "
                "Listen \":465\", which has Use_SSL = true: implicit TLS and "
                "STARTTLS exclude each other; remove \"STARTTLS\" or set "
                "Use_SSL = false");
    assert_line(&r, CONF ":2:3: note: Use_SSL is set here");
    run_free(&r);
}


static void
test_two_scriptlet_names(void **state)
{
    run_t r;

    (void) state;
    run(&r, "alerting { }\nscriptlet \"scriptlet\" { }\n"
        "scriptlet \"extra\" { }\n");
    assert_line(&r, CONF ":3:11: error: scriptlet instance \"extra\" differs "
                "from \"scriptlet\" declared at " CONF ":2: every scriptlet "
                "stanza must use the same instance name");
    assert_int_equal(r.errors, 1);
    run_free(&r);
}


static void
test_pool_names(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ThreadPool \"mine\" { Concurrency = 2 }\nESMTP_Listener {\n"
        "  Pool_Name = \"mine\"\n  Listen \":25\" { Pool_Name = \"IO\" }\n"
        "  Listen \":26\" { Pool_Name = \"nopool\" }\n}\n");
    assert_line(&r, CONF ":5:30: warning: no ThreadPool named \"nopool\": "
                "declare ThreadPool \"nopool\" { } or use a predefined pool "
                "(SwapOut, SwapIn, Unlink, Batch_Unlink, Close, CPU, IO, "
                "SpoolIn); Momentum runs the listener in the IO pool instead");
    assert_int_equal(r.warnings, 1);
    assert_int_equal(r.errors, 0);
    run_free(&r);
}


static void
test_listener_without_listen(void **state)
{
    run_t r;

    (void) state;
    run(&r, "HTTP_Listener {\n  Log_Requests_to_Paniclog = true\n}\n");
    assert_line(&r, CONF ":1:1: warning: HTTP_Listener has no Listen scope, "
                "so it opens no socket; add Listen \"ADDRESS\" { }");
    run_free(&r);
}


static void
test_unchecked_module_note(void **state)
{
    run_t r;

    (void) state;
    run(&r, "auth_radius { server \"a\" { secret = x } }\n"
        "auth_radius { anything = 1 }\n");
    assert_line(&r, CONF ":1:1: note: the options of module \"auth_radius\" "
                "are not checked: ecconf accepts any statement in its stanza");
    assert_int_equal(r.errors, 0);
    assert_int_equal(strstr(strstr(r.out, "note:") + 1, "note:") == NULL, 1);
    run_free(&r);
}


static void
test_unknown_scheme_suggests(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ac_auth { }\nHTTP_Listener {\n"
        "  AuthPlainParameters = [ uri = \"acauth://\" ]\n"
        "  Listen \":80\" { }\n}\n");
    assert_line(&r, CONF ":3:33: error: unknown auth scheme \"acauth\"; did "
                "you mean \"ac_auth://\"?");
    run_free(&r);
}


static void
test_module_scheme_needs_stanza(void **state)
{
    run_t r;

    (void) state;
    run(&r, "HTTP_Listener {\n  AuthPlainParameters = [ uri = \"ac_auth://\" ]"
        "\n  Listen \":80\" { }\n}\n");
    assert_line(&r, CONF ":2:33: error: scheme \"ac_auth://\" needs the "
                "ac_auth module, which is not declared: add \"ac_auth { }\" at "
                "the top level");
    run_free(&r);

    run(&r, "ac_auth { }\nHTTP_Listener {\n"
        "  AuthPlainParameters = [ uri = \"ac_auth://\" ]\n"
        "  Listen \":80\" { }\n}\n");
    assert_clean(&r);
    assert_int_equal(r.c->nbinds, 1);
    assert_int_equal(r.c->binds[0].kind, EC_BIND_MODULE);
    assert_string_equal(r.c->binds[0].module->name, "ac_auth");
    run_free(&r);
}


static void
test_ldap_is_not_a_scheme(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n  AuthLoginParameters = [ uri = "
        "\"ldaps://dir.example/\" ]\n  Listen \":25\" { }\n}\n");
    assert_line(&r, CONF ":2:33: error: \"ldaps://\" is a datasource address, "
                "not an auth scheme: reach LDAP through a ds_core Datasource "
                "and an auth_ds Scheme, then use that Scheme's name in the "
                "uri");
    run_free(&r);
}


static void
test_auth_ds_scheme_binds(void **state)
{
    run_t r;

    (void) state;
    run(&r, "auth_ds { Scheme \"ecauth\" { } }\nESMTP_Listener {\n"
        "  SMTP_Extensions = ( \"AUTH LOGIN\" )\n"
        "  AuthLoginParameters = [ uri = \"ecauth://\" ]\n"
        "  Listen \":25\" { }\n}\n");
    assert_clean(&r);
    assert_int_equal(r.c->binds[0].kind, EC_BIND_AUTH_DS);
    run_free(&r);
}


static void
test_cram_needs_cleartext(void **state)
{
    run_t r;

    (void) state;
    run(&r, "ESMTP_Listener {\n  SMTP_Extensions = ( \"AUTH CRAM-MD5\" )\n"
        "  AuthCramMD5Parameters = [ uri = \"digest://passwd\" ]\n"
        "  Listen \":25\" { }\n}\n");
    assert_line(&r, CONF ":3:35: error: CRAM-MD5 needs each user's cleartext "
                "password, which a \"digest://\" store does not keep: use a "
                "file:// store");
    run_free(&r);

    run(&r, "ESMTP_Listener {\n  SMTP_Extensions = ( \"AUTH CRAM-MD5\" )\n"
        "  AuthCramMD5Parameters = [ uri = \"file://passwd\" ]\n"
        "  Listen \":25\" { }\n}\n");
    assert_clean(&r);
    run_free(&r);
}


/* A relative path resolves against the folder of the file with the uri;
 * a missing file is a warning, and an error in strict mode. */
static void
test_password_file_paths(void **state)
{
    static const char conf[] = "ESMTP_Listener {\n"
        "  SMTP_Extensions = ( \"AUTH LOGIN\" )\n"
        "  AuthLoginParameters = [ uri = \"file://nosuch\" ]\n"
        "  Listen \":25\" { AuthLoginParameters = [ uri = \"file://passwd\" ] }"
        "\n}\n";
    ec_compile_options_t o;
    run_t                r;

    (void) state;
    run(&r, conf);
    assert_line(&r, CONF ":3:33: warning: cannot read password file "
                "\"tests/compile/nosuch\": No such file or directory");
    assert_int_equal(r.rc, 0);
    assert_string_equal(r.c->binds[1].path, "tests/compile/passwd");
    run_free(&r);

    memset(&o, 0, sizeof(o));
    o.strict = 1;
    run_opts(&r, conf, &o);
    assert_line(&r, CONF ":3:33: error: cannot read password file "
                "\"tests/compile/nosuch\": No such file or directory");
    assert_int_equal(r.rc, -1);
    run_free(&r);
}


static void
test_groups_only_for_authorization(void **state)
{
    run_t r;

    (void) state;
    run(&r, "Control_Listener {\n"
        "  AuthLoginParameters = [ uri = \"groups://passwd\" ]\n"
        "  Listen \"/tmp/ctl\" { }\n}\n");
    assert_line(&r, CONF ":2:33: error: \"groups://\" holds groups for "
                "AuthorizationParameters and cannot check passwords: use "
                "file://, digest:// or an auth module");
    run_free(&r);
}


static void
test_lua_register_auth(void **state)
{
    run_t r;

    (void) state;
    run(&r, "alerting { }\nscriptlet \"scriptlet\" {\n"
        "  script \"regauth\" { source = \"lua.regauth\" }\n}\n"
        "HTTP_Listener {\n  AuthPlainParameters = [ uri = \"myauth://\" ]\n"
        "  Listen \":80\" { }\n}\n");
    assert_clean(&r);
    assert_int_equal(r.c->binds[0].kind, EC_BIND_LUA);
    assert_string_equal(r.c->scripts[0].path,
                        "tests/compile/lua/regauth.lua");
    run_free(&r);
}


static void
test_lua_dynamic_scheme_warns(void **state)
{
    run_t r;

    (void) state;
    run(&r, "alerting { }\nscriptlet \"scriptlet\" {\n"
        "  script \"dynauth\" { source = \"lua.dynauth\" }\n}\n"
        "HTTP_Listener {\n  AuthPlainParameters = [ uri = \"dynauth://\" ]\n"
        "  Listen \":80\" { }\n}\n");
    assert_line(&r, CONF ":6:33: warning: no declared module registers the "
                "auth scheme \"dynauth\"; a Lua script calls "
                "msys.registerAuth with a name ecconf cannot read, so it may "
                "register it at run time");
    assert_int_equal(r.errors, 0);
    run_free(&r);
}


static void
test_lua_syntax_error(void **state)
{
    run_t r;

    (void) state;
    run(&r, "alerting { }\nscriptlet \"scriptlet\" {\n"
        "  script \"broken\" { source = \"lua.broken\" }\n}\n");
    assert_non_null(strstr(r.out, "tests/compile/lua/broken.lua:3: error: "));
    assert_line(&r, CONF ":3:30: note: script \"broken\" is loaded from here");
    assert_int_equal(r.errors, 1);
    run_free(&r);
}


static void
test_lua_source_missing(void **state)
{
    static const char conf[] = "alerting { }\nscriptlet \"scriptlet\" {\n"
        "  script \"boot\" { source = \"msys.boot\" }\n"
        "  script \"gone\" { source = \"lua.gone\" }\n}\n";
    ec_compile_options_t o;
    run_t                r;

    (void) state;
    run(&r, conf);
    assert_line(&r, CONF ":4:28: warning: script source \"lua.gone\" not "
                "found; tried tests/compile/lua/gone.lua");
    assert_int_equal(r.warnings, 1);
    run_free(&r);

    memset(&o, 0, sizeof(o));
    o.strict = 1;
    o.search_path = "";
    run_opts(&r, conf, &o);
    assert_int_equal(r.errors, 1);
    assert_non_null(strstr(r.out, CONF ":4:28: error: script source"));
    run_free(&r);
}


static void
test_spelling_from_table(void **state)
{
    (void) state;
    assert_string_equal(ec_compile_spelling("esmtp_listener", 1),
                        "ESMTP_Listener");
    assert_string_equal(ec_compile_spelling("listen", 1), "Listen");
    assert_null(ec_compile_spelling("no_such_name_here", 1));
    /* "Host" is a scope; as an option (auth_radius server host) the
     * name keeps the file's spelling */
    assert_string_equal(ec_compile_spelling("host", 1), "Host");
    assert_null(ec_compile_spelling("host", 0));
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unknown_option_suggests),
        cmocka_unit_test(test_misplaced_scope_belongs),
        cmocka_unit_test(test_unknown_option_plain),
        cmocka_unit_test(test_unknown_hash_key),
        cmocka_unit_test(test_missing_uri),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_bad_instances),
        cmocka_unit_test(test_value_shapes),
        cmocka_unit_test(test_scope_naming),
        cmocka_unit_test(test_repeated_option),
        cmocka_unit_test(test_merged_instance_repeat),
        cmocka_unit_test(test_merged_instance_large_scope),
        cmocka_unit_test(test_auth_without_parameters),
        cmocka_unit_test(test_parameters_without_auth),
        cmocka_unit_test(test_auth_inherited_by_peer),
        cmocka_unit_test(test_auth_several_in_one_entry),
        cmocka_unit_test(test_listen_address_clash),
        cmocka_unit_test(test_auth_missing_for_one_peer),
        cmocka_unit_test(test_ssl_with_starttls),
        cmocka_unit_test(test_two_scriptlet_names),
        cmocka_unit_test(test_pool_names),
        cmocka_unit_test(test_listener_without_listen),
        cmocka_unit_test(test_unchecked_module_note),
        cmocka_unit_test(test_unknown_scheme_suggests),
        cmocka_unit_test(test_module_scheme_needs_stanza),
        cmocka_unit_test(test_ldap_is_not_a_scheme),
        cmocka_unit_test(test_auth_ds_scheme_binds),
        cmocka_unit_test(test_cram_needs_cleartext),
        cmocka_unit_test(test_password_file_paths),
        cmocka_unit_test(test_groups_only_for_authorization),
        cmocka_unit_test(test_lua_register_auth),
        cmocka_unit_test(test_lua_dynamic_scheme_warns),
        cmocka_unit_test(test_lua_syntax_error),
        cmocka_unit_test(test_lua_source_missing),
        cmocka_unit_test(test_spelling_from_table),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
