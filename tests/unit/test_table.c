/* ecconf: tests of the module table: lookups, suggestions, value checks,
 * schemes and coverage of the documented option list. */

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "runtime/table.h"

#define DATA_TSV "modules/data/momentum4-options.tsv"

static const ec_scope_t *
scope_path(const char *path)
{
    const ec_scope_t *s = ec_table_global();
    char buf[256], *word, *save = NULL;

    snprintf(buf, sizeof(buf), "%s", path);
    for (word = strtok_r(buf, "/", &save); word != NULL;
         word = strtok_r(NULL, "/", &save)) {
        s = ec_table_find_scope(s, word, strlen(word));
        if (s == NULL)
            return NULL;
    }
    return s;
}


static const ec_option_t *
option_at(const char *path, const char *name)
{
    const ec_scope_t *s = path[0] ? scope_path(path) : ec_table_global();

    if (s == NULL)
        return NULL;
    return ec_table_find_option(s, name, strlen(name));
}


static int
check(const ec_option_t *opt, const char *text, char *why, size_t len)
{
    why[0] = '\0';
    return ec_table_check_value(opt, text, strlen(text), why, len);
}


static void
test_core_scope_lookups(void **state)
{
    const ec_scope_t *esmtp, *listen, *peer;

    (void)state;
    esmtp = ec_table_find_scope(ec_table_global(), "ESMTP_Listener", 14);
    assert_non_null(esmtp);
    assert_int_equal(esmtp->core, EC_SCOPE_ESMTP_LISTENER);
    assert_int_equal(esmtp->naming, EC_NAMING_ANON);
    listen = ec_table_find_scope(esmtp, "Listen", 6);
    assert_non_null(listen);
    assert_int_equal(listen->instance, EC_TYPE_SOCKADDR);
    peer = ec_table_find_scope(listen, "peer", 4);
    assert_non_null(peer);
    assert_int_equal(peer->core, EC_SCOPE_PEER);
    assert_ptr_equal(ec_table_find_scope(esmtp, "PEER", 4), peer);
    assert_null(ec_table_find_scope(peer, "Listen", 6));
    assert_null(ec_table_find_scope(ec_table_global(), "Listen", 6));
    assert_non_null(scope_path("http_listener/listen/peer"));
    assert_non_null(scope_path("control_listener/listen"));
    assert_non_null(scope_path("pathway_group/pathway"));
    assert_non_null(scope_path("binding_group/binding"));
    assert_non_null(scope_path("binding/domain"));
    assert_non_null(scope_path("binding_group/host"));
    assert_non_null(scope_path("authorization/role"));
    assert_non_null(scope_path("snmp_traps/destination"));
    assert_non_null(scope_path("threadpool"));
    assert_non_null(scope_path("security"));
    assert_non_null(scope_path("debug_flags"));
    assert_non_null(scope_path("ecstream_listener/listen/peer"));
    assert_null(scope_path("ecstream_listener/pathway"));
}


static void
test_module_scope_lookups(void **state)
{
    const ec_scope_t *s;

    (void)state;
    s = scope_path("scriptlet/script");
    assert_non_null(s);
    assert_int_equal(s->naming, EC_NAMING_NAMED);
    assert_non_null(ec_table_find_option(s, "source", 6));
    assert_null(ec_table_find_option(s, "script_ttl", 10));
    assert_non_null(scope_path("auth_ds/Scheme/Authenticate"));
    assert_non_null(scope_path("auth_ds/scheme/querygroups"));
    assert_non_null(scope_path("auth_ds/scheme/enumgroups"));
    assert_null(scope_path("auth_ds/authenticate"));
    assert_non_null(scope_path("datasource"));
    assert_non_null(scope_path("dkim_sign/dk_domain"));
    assert_non_null(scope_path("cluster/logs"));
    assert_non_null(ec_table_scope_by_id("scriptlet.script"));
    assert_ptr_equal(ec_table_scope_by_id("LISTEN"), scope_path(
                     "esmtp_listener/listen"));
}


static void
test_option_lookups_every_scope(void **state)
{
    const ec_option_t *opts[600];
    char upper[128];
    size_t i, k, n, checked = 0;

    (void)state;
    for (i = 0; i < ec_table_scope_count(); i++) {
        const ec_scope_t *s = ec_table_scope_at(i);

        n = ec_table_scope_options(s, opts, 600);
        assert_true(n <= 600);
        for (k = 0; k < n; k++) {
            size_t j, len = strlen(opts[k]->name);

            assert_true(len < sizeof(upper));
            for (j = 0; j <= len; j++)
                upper[j] = (char)((opts[k]->name[j] >= 'a'
                                   && opts[k]->name[j] <= 'z')
                                  ? opts[k]->name[j] - 32
                                  : opts[k]->name[j]);
            assert_ptr_equal(ec_table_find_option(s, upper, len), opts[k]);
            checked++;
        }
        if ((s->flags & EC_SCOPE_MODULE) != 0) {
            assert_non_null(ec_table_find_option(s, "enabled", 7));
            assert_non_null(ec_table_find_option(s, "Debug_Level", 11));
        }
    }
    print_message("%zu option rows checked\n", checked);
    assert_true(checked > 1200);
}


static void
test_listener_options(void **state)
{
    const ec_option_t *o;

    (void)state;
    o = option_at("esmtp_listener", "Listen_Backlog");
    assert_non_null(o);
    assert_int_equal(o->type, EC_TYPE_INT);
    assert_string_equal(o->dflt, "500");
    assert_ptr_equal(option_at("esmtp_listener/listen", "listen_backlog"),
                     o);
    assert_null(option_at("esmtp_listener/listen/peer", "listen_backlog"));
    /* The option list omits Peer, but the vendor's RADIUS example uses
     * it there, so the table accepts it. */
    o = option_at("esmtp_listener/listen/peer", "AuthLoginParameters");
    assert_non_null(o);
    assert_null(ec_table_find_option_under(scope_path(
                "control_listener/listen/peer"),
                scope_path("control_listener"), "AuthPlainParameters", 19));
    assert_non_null(ec_table_find_option_under(scope_path(
                    "esmtp_listener/listen/peer"),
                    scope_path("esmtp_listener"), "AuthPlainParameters",
                    19));
    assert_non_null(ec_table_find_option_under(scope_path(
                    "http_listener/listen"), scope_path("http_listener"),
                    "enable_duravip", 14));
    o = option_at("esmtp_listener/listen", "AuthLoginParameters");
    assert_non_null(o);
    assert_int_equal(o->type, EC_TYPE_HASH);
    assert_non_null(ec_table_find_key(o, "URI", 3));
    assert_true(ec_table_find_key(o, "uri", 3)->flags & EC_OPT_REQUIRED);
    assert_int_equal(ec_table_find_key(o, "log_authentication", 18)->type,
                     EC_TYPE_BOOL);
    assert_int_equal(ec_table_find_key(o, "stored_cleartext", 16)->type,
                     EC_TYPE_BOOL);
    assert_non_null(ec_table_find_key(o, "realm", 5));
    assert_null(ec_table_find_key(o, "url", 3));
    o = option_at("esmtp_listener", "SMTP_Extensions");
    assert_true(o->flags & EC_OPT_ARRAY);
    assert_null(option_at("domain", "SMTP_Extensions"));
    o = option_at("http_listener", "Log_Requests_to_Paniclog");
    assert_int_equal(o->type, EC_TYPE_BOOL);
    o = option_at("esmtp_listener", "TLS_Verify_Mode");
    assert_int_equal(o->type, EC_TYPE_ENUM);
    o = option_at("", "Relay_Hosts");
    assert_int_equal(o->type, EC_TYPE_CIDR);
    o = option_at("esmtp_listener/listen", "File_Mode");
    assert_int_equal(o->type, EC_TYPE_PERMS);
    o = option_at("", "SpoolBase");
    assert_true(o->flags & EC_OPT_RESTART);
}


static void
test_module_options(void **state)
{
    const ec_option_t *o;

    (void)state;
    o = option_at("scriptlet", "max_instructions");
    assert_non_null(o);
    assert_true(o->flags & EC_OPT_EXTENSION);
    assert_int_equal(option_at("scriptlet", "max_memory")->type,
                     EC_TYPE_SIZE);
    assert_non_null(option_at("scriptlet", "timeout"));
    assert_string_equal(option_at("scriptlet", "script_ttl")->dflt, "300");
    o = option_at("ec_logger", "acctlog_log_mode");
    assert_int_equal(o->type, EC_TYPE_PERMS);
    assert_string_equal(o->dflt, "0644");
    assert_int_equal(option_at("ec_logger", "log_errors")->type,
                     EC_TYPE_BOOL);
    o = option_at("sqlite_logger", "database");
    assert_true(o->flags & EC_OPT_EXTENSION);
    o = option_at("ac_auth", "debug_level");
    assert_int_equal(o->type, EC_TYPE_ENUM);
    assert_string_equal(o->dflt, "ERROR");
    assert_true(option_at("datasource", "uri")->flags & EC_OPT_ARRAY);
    assert_non_null(option_at("datasource", "cache_size"));
    assert_non_null(option_at("datasource", "no_cache"));
    assert_non_null(option_at("auth_ds/scheme/authenticate",
                              "returns_password"));
    assert_non_null(option_at("dkim_sign/dk_domain", "base_domain"));
    assert_null(option_at("dkim_sign", "base_domain"));
    assert_non_null(option_at("custom_logger", "xfer_log_mode"));
    assert_non_null(option_at("bounce_logger", "bouncelog"));
    assert_non_null(option_at("alerting", "alerting_cache_ttl"));
    assert_null(option_at("httpsrv", "port"));
}


static void
test_open_module_scopes(void **state)
{
    const ec_scope_t *s;
    const ec_module_t *m;

    (void)state;
    s = scope_path("conntrol");
    assert_non_null(s);
    assert_true(s->flags & EC_SCOPE_OPEN);
    assert_null(ec_table_find_option(s, "banner", 6));
    m = ec_table_find_module("conntrol", 8);
    assert_non_null(m);
    assert_false(m->flags & EC_MOD_CHECKED);
    m = ec_table_find_module("ec_logger", 9);
    assert_true(m->flags & EC_MOD_CHECKED);
    assert_false(m->flags & EC_MOD_SINGLETON);
    m = ec_table_find_module("AUTH_DS", 7);
    assert_true(m->flags & EC_MOD_SINGLETON);
    assert_true(m->flags & EC_MOD_AUTOLOAD);
    assert_true(m->flags & EC_MOD_SCHEME_PER_SCOPE);
    assert_string_equal(m->scheme_scope->name, "Scheme");
    assert_true(ec_table_open_scope()->flags & EC_SCOPE_OPEN);
}


static void
test_misplaced_names(void **state)
{
    const ec_scope_t *where[16];
    char buf[256];
    size_t n;

    (void)state;
    n = ec_table_where("Listen", 6, where, 16);
    assert_int_equal(n, 6);
    assert_int_equal(ec_table_format_where("listen", 6, buf, sizeof(buf)),
                     0);
    assert_non_null(strstr(buf, "ESMTP_Listener"));
    assert_non_null(strstr(buf, "HTTP_Listener"));
    assert_int_equal(ec_table_format_where("source", 6, buf, sizeof(buf)),
                     0);
    assert_string_equal(buf, "scriptlet > script");
    assert_int_equal(ec_table_format_where("reconfig_message", 16, buf,
                                           sizeof(buf)), 0);
    assert_string_equal(buf, "ESMTP_Listener");
    assert_int_equal(ec_table_format_where("no_such_name", 12, buf,
                                           sizeof(buf)), -1);
}


static void
test_suggestions(void **state)
{
    const char *out[4];
    const ec_scope_t *esmtp = scope_path("esmtp_listener");
    size_t n;

    (void)state;
    n = ec_table_suggest(esmtp, "Listen_Backlg", 13, out, 4);
    assert_true(n >= 1);
    assert_string_equal(out[0], "listen_backlog");
    n = ec_table_suggest(esmtp, "SMTP_Extentions", 15, out, 4);
    assert_true(n >= 1);
    assert_string_equal(out[0], "smtp_extensions");
    n = ec_table_suggest(esmtp, "Lisetn", 6, out, 4);
    assert_true(n >= 1);
    assert_string_equal(out[0], "Listen");
    n = ec_table_suggest(ec_table_global(), "ec_loger", 8, out, 4);
    assert_true(n >= 1);
    assert_string_equal(out[0], "ec_logger");
    n = ec_table_suggest(esmtp, "completely_unrelated_word", 25, out, 4);
    assert_int_equal(n, 0);
}


static void
test_value_int_and_unsigned(void **state)
{
    const ec_option_t *o = option_at("", "Memory_Goal");
    const ec_option_t *port = option_at("", "remote_smtp_port");
    const ec_option_t *size = option_at("esmtp_listener",
                                        "Max_Message_Size");
    char why[256];

    (void)state;
    assert_int_equal(check(o, "90", why, sizeof(why)), 0);
    assert_int_equal(check(o, "abc", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "expected a whole number"));
    assert_int_equal(check(o, "9.5", why, sizeof(why)), -1);
    assert_int_equal(check(o, "101", why, sizeof(why)), -1);
    assert_string_equal(why, "value 101 is out of range 0..100");
    assert_int_equal(check(port, "70000", why, sizeof(why)), -1);
    assert_string_equal(why, "value 70000 is out of range 1..65535");
    assert_int_equal(check(port, "25", why, sizeof(why)), 0);
    assert_int_equal(check(option_at("", "gcm_ttl"), "-1", why,
                           sizeof(why)), 0);
    assert_int_equal(check(option_at("", "gcm_ttl"), "99999999999", why,
                           sizeof(why)), -1);
    assert_int_equal(check(size, "10485760", why, sizeof(why)), 0);
    assert_int_equal(check(size, "-5", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "expected a whole number"));
    assert_int_equal(check(option_at("", "max_dns_ttl"), "4294967296",
                           why, sizeof(why)), -1);
}


static void
test_value_bool(void **state)
{
    const ec_option_t *o = option_at("esmtp_listener", "Use_SSL");
    static const char *const good[] = {
        "true", "FALSE", "Yes", "no", "on", "OFF", "enabled", "Disabled",
        "1", "0"
    };
    char why[256];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        assert_int_equal(check(o, good[i], why, sizeof(why)), 0);
    assert_int_equal(check(o, "maybe", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "expected true or false"));
    assert_int_equal(check(o, "2", why, sizeof(why)), -1);
    assert_int_equal(ec_table_parse_bool("Enabled", 7), 1);
    assert_int_equal(ec_table_parse_bool("off", 3), 0);
    assert_int_equal(ec_table_parse_bool("of", 2), -1);
}


static void
test_value_enum_perms_float(void **state)
{
    const ec_option_t *mode = option_at("esmtp_listener", "TLS_Verify_Mode");
    const ec_option_t *perms = option_at("ec_logger", "mainlog_mode");
    const ec_option_t *lvl = option_at("alerting", "debug_level");
    const ec_option_t *fl = option_at("adaptive_sweep_rule",
                                      "low_threshold");
    char why[256];

    (void)state;
    assert_int_equal(check(mode, "require", why, sizeof(why)), 0);
    assert_int_equal(check(mode, "NONE", why, sizeof(why)), 0);
    assert_int_equal(check(mode, "optional", why, sizeof(why)), -1);
    assert_string_equal(why, "invalid value \"optional\": expected one of: "
                        "none, require");
    assert_int_equal(check(lvl, "debug", why, sizeof(why)), 0);
    assert_int_equal(check(lvl, "Critical", why, sizeof(why)), 0);
    assert_int_equal(check(lvl, "verbose", why, sizeof(why)), -1);
    assert_int_equal(check(perms, "0644", why, sizeof(why)), 0);
    assert_int_equal(check(perms, "660", why, sizeof(why)), 0);
    assert_int_equal(check(perms, "0648", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "octal"));
    assert_int_equal(check(perms, "17777", why, sizeof(why)), -1);
    assert_int_equal(check(fl, "0.2", why, sizeof(why)), 0);
    assert_int_equal(check(fl, "0.2x", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "decimal number"));
}


static void
test_value_sockaddr(void **state)
{
    const ec_scope_t *listen = scope_path("esmtp_listener/listen");
    static const char *const good[] = {
        ":25", "*:25", "127.0.0.1:25", "[::1]:587", "[*]:25", "[::]:25",
        "/var/run/momentum/ctl.sock", "mx.example.com:2525",
        "[fd82:1:2::aa4a]:587"
    };
    static const char *const bad[] = {
        "25", "127.0.0.1", ":0", ":70000", "[::1]", "[nothost]:25",
        "300.1.1.1:25", "::1:25", "", "host name:25", "*:"
    };
    char why[256];
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(ec_table_check_instance(listen, good[i],
                         strlen(good[i]), why, sizeof(why)), 0);
    }
    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(ec_table_check_instance(listen, bad[i],
                         strlen(bad[i]), why, sizeof(why)), -1);
        assert_true(strncmp(why, "invalid address", 15) == 0);
    }
    assert_int_equal(ec_table_check_instance(listen, "25", 2, why,
                     sizeof(why)), -1);
    assert_string_equal(why, "invalid address \"25\": expected HOST:PORT, "
                        ":PORT, [IPV6]:PORT or a socket path");
}


static void
test_value_cidr_throttle_regex(void **state)
{
    const ec_option_t *relay = option_at("", "Relay_Hosts");
    const ec_option_t *thr = option_at("", "Inbound_Throttle_Messages");
    const ec_option_t *re = option_at("", "Bounce_Pattern");
    const ec_scope_t *peer = scope_path("esmtp_listener/peer");
    char why[256];

    (void)state;
    assert_int_equal(check(relay, "127.0.0.0/8", why, sizeof(why)), 0);
    assert_int_equal(check(relay, "10.1.2.3", why, sizeof(why)), 0);
    assert_int_equal(check(relay, "fd82::/16", why, sizeof(why)), 0);
    assert_int_equal(check(relay, "10.0.0.0/33", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "invalid CIDR"));
    assert_int_equal(check(relay, "example.com", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "invalid CIDR \"example.com\""));
    assert_int_equal(ec_table_check_instance(peer, "0.0.0.0/0", 9, why,
                     sizeof(why)), 0);
    assert_int_equal(check(thr, "100", why, sizeof(why)), 0);
    assert_int_equal(check(thr, "100/60", why, sizeof(why)), 0);
    assert_int_equal(check(thr, "100/", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "invalid throttle"));
    assert_int_equal(check(re, "^bounce-\\d+-\\d+@", why, sizeof(why)),
                     0);
    assert_int_equal(check(re, "(abc", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "unbalanced"));
    assert_int_equal(check(re, "abc\\", why, sizeof(why)), -1);
}


static void
test_value_hash_keys_and_validators(void **state)
{
    const ec_option_t *o = option_at("esmtp_listener",
                                     "AuthPlainParameters");
    const ec_option_t *uri = ec_table_find_key(o, "uri", 3);
    const ec_option_t *banner = option_at("esmtp_listener",
                                          "Static_Banner");
    const ec_option_t *any = option_at("", "adaptive_scope");
    char why[256];

    (void)state;
    assert_int_equal(check(o, "x", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "expected a hash"));
    assert_int_equal(check(uri, "file:///etc/users", why, sizeof(why)), 0);
    assert_int_equal(check(uri, "ac_auth://", why, sizeof(why)), 0);
    assert_int_equal(check(uri, "/etc/users", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "invalid auth URI"));
    assert_int_equal(check(banner, "220 mx.example.com", why, sizeof(why)),
                     0);
    assert_int_equal(check(banner, "hello", why, sizeof(why)), -1);
    assert_non_null(strstr(why, "220"));
    assert_int_equal(any->type, EC_TYPE_ANY);
    assert_int_equal(check(any, "whatever it is", why, sizeof(why)), 0);
}


static void
test_schemes(void **state)
{
    const ec_module_t *m = NULL;
    const ec_scheme_t *s;

    (void)state;
    s = ec_table_find_scheme("file", 4, &m);
    assert_non_null(s);
    assert_null(m);
    assert_int_equal(s->cleartext, EC_CLEAR_YES);
    s = ec_table_find_scheme("DIGEST", 6, &m);
    assert_int_equal(s->cleartext, EC_CLEAR_NO);
    s = ec_table_find_scheme("groups", 6, &m);
    assert_true(s->flags & EC_SCHEME_AUTHZ_ONLY);
    s = ec_table_find_scheme("ac_auth", 7, &m);
    assert_non_null(s);
    assert_string_equal(m->name, "ac_auth");
    s = ec_table_find_scheme("radius", 6, &m);
    assert_string_equal(m->name, "auth_radius");
    s = ec_table_find_scheme("smtp_auth_proxy", 15, &m);
    assert_string_equal(m->name, "smtp_auth_proxy");
    assert_null(ec_table_find_scheme("ldap", 4, &m));
    assert_null(m);
    assert_null(ec_table_find_scheme("ecauth", 6, NULL));
}


/* Each documented option is legal in each scope the list gives it, and
 * each documented scope opens inside each parent the list gives it. */
static void
test_every_tsv_row_present(void **state)
{
    FILE *f = fopen(DATA_TSV, "r");
    char line[1024];
    size_t rows = 0;

    (void)state;
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof(line), f));
    while (fgets(line, sizeof(line), f) != NULL) {
        char *save = NULL, *rest = line, *name, *kind, *scopes, *where;
        int i;

        /* strsep keeps empty fields, which strtok would skip. */
        name = strsep(&rest, "\t");
        kind = strsep(&rest, "\t");
        for (i = 0; i < 3; i++)
            strsep(&rest, "\t");
        scopes = strsep(&rest, "\t\n");
        assert_non_null(scopes);
        for (where = strtok_r(scopes, ", ", &save); where != NULL;
             where = strtok_r(NULL, ", ", &save)) {
            const ec_scope_t *s = ec_table_scope_by_id(where);

            if (s == NULL && strcmp(where, "logs") == 0)
                s = ec_table_scope_by_id("cluster.logs");
            if (s == NULL)
                fail_msg("no scope \"%s\" for \"%s\"", where, name);
            if (strcmp(kind, "option") == 0
                && ec_table_find_option(s, name, strlen(name)) == NULL)
                fail_msg("option \"%s\" missing in %s", name, where);
            if (strcmp(kind, "scope") == 0
                && ec_table_find_scope(s, name, strlen(name)) == NULL)
                fail_msg("scope \"%s\" missing in %s", name, where);
        }
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 356);
}


static void
test_every_tsv_module_present(void **state)
{
    FILE *f = fopen("modules/data/momentum4-modules.tsv", "r");
    char line[256];
    size_t rows = 0;

    (void)state;
    assert_non_null(f);
    assert_non_null(fgets(line, sizeof(line), f));
    while (fgets(line, sizeof(line), f) != NULL) {
        char *tab = strchr(line, '\t');
        const ec_module_t *m;

        assert_non_null(tab);
        m = ec_table_find_module(line, (size_t)(tab - line));
        assert_non_null(m);
        assert_ptr_equal(ec_table_find_scope(ec_table_global(), line,
                         (size_t)(tab - line)), m->stanza);
        assert_int_equal((m->flags & EC_MOD_SINGLETON) != 0,
                         strncmp(tab + 1, "yes", 3) == 0);
        rows++;
    }
    fclose(f);
    assert_int_equal(rows, 87);
    assert_int_equal(ec_table_module_count(), 88);
}


/* Names that the example configurations marked valid use, as
 * scope/path:option (or a trailing / for a scope). */
static void
test_example_configs_accepted(void **state)
{
    static const char *const uses[] = {
        "esmtp_listener/listen/", "control_listener/listen:"
        "Enable_Authentication", "control_listener/listen:"
        "AuthDigestMD5Parameters", "esmtp_listener/peer:Relay_Hosts",
        "esmtp_listener/listen/peer:SMTP_Extensions",
        "esmtp_listener/listen:TLS_Client_CA",
        "esmtp_listener/listen:TLS_Protocols", "control_listener/listen:"
        "File_Mode", "auth_ds/scheme/authenticate:map",
        "auth_ds/scheme/authenticate:password_column", "datasource:uri",
        "control_listener:AuthorizationParameters",
        "control_listener:Enable_Authorization",
        "control_listener/listen/peer:Always_Deny",
        "authorization/role:allow", "esmtp_listener:Idle_Time",
        "auth_radius/", "esmtp_listener/listen/peer:AuthLoginParameters",
        "ac_auth:debug_level", "alerting/", "scriptlet/script:source",
        "ec_logger:acctlog", "httpsrv/", "http_listener:"
        "enable_authentication", "http_listener:Max_Request_Size",
        "http_listener/listen/peer:Always_Allow", "scriptlet:script_ttl",
        ":Message_Expiration", "binding:Message_Expiration",
        "binding/domain:Max_Resident_Active_Queue",
        "pathway:allow_null_envelope_sender", "pathway:idle_time",
        "pathway_group/pathway:banner_hostname",
        "esmtp_listener/listen:pathway", "esmtp_listener/listen/peer:"
        "pathway", "security:user", "security:Capabilities",
        "debug_flags:DEBUG", "debug_flags:CRITICAL", ":Gateway",
        "domain:Delivery_Method", "domain:Routes", ":Prohibited_Hosts",
        "ecstream_listener/listen:ECStream_Idle_Time",
        "ecstream_listener/listen/peer:ECStream_Max_Batch_Size",
        "conntrol/", ":Bounce_Domains", ":Bounce_Pattern",
        "esmtp_listener/listen:Concurrency", "esmtp_listener/listen:"
        "Pool_Name", "esmtp_listener/listen:Use_SSL",
    };
    size_t i;

    (void)state;
    for (i = 0; i < sizeof(uses) / sizeof(uses[0]); i++) {
        char path[128];
        const char *colon = strchr(uses[i], ':');
        size_t plen = colon ? (size_t)(colon - uses[i]) : strlen(uses[i]);

        memcpy(path, uses[i], plen);
        path[plen] = '\0';
        if (plen > 0 && path[plen - 1] == '/')
            path[plen - 1] = '\0';
        if (path[0] != '\0' && scope_path(path) == NULL)
            fail_msg("scope path \"%s\" not accepted", path);
        if (colon != NULL && option_at(path, colon + 1) == NULL)
            fail_msg("option \"%s\" not accepted", uses[i]);
    }
}


/* The compiler looks up about a million names on a large file. */
static void
test_lookup_speed(void **state)
{
    const ec_scope_t *listen = scope_path("esmtp_listener/listen");
    static const char *const names[] = {
        "smtp_extensions", "authloginparameters", "tls_certificate",
        "idle_time", "no_such_option", "max_message_size"
    };
    struct timespec t0, t1;
    size_t i, found = 0;
    double ms;

    (void)state;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (i = 0; i < 1000000; i++) {
        const char *n = names[i % 6];

        found += ec_table_find_option(listen, n, strlen(n)) != NULL;
    }
    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3
        + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    print_message("1e6 option lookups: %.1f ms\n", ms);
    assert_int_equal(found, 1000000 - 1000000 / 6 - (1000000 % 6 > 4));
    assert_true(ms < 2000.0);
}


static void
test_listings(void **state)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f;

    (void)state;
    f = open_memstream(&text, &len);
    assert_non_null(f);
    ec_table_print_modules(f);
    fclose(f);
    assert_non_null(strstr(text, "module ec_logger"));
    assert_non_null(strstr(text, "note: options of conntrol are not "
                           "checked"));
    assert_non_null(strstr(text, "any (type not established)"));
    free(text);

    f = open_memstream(&text, &len);
    ec_table_print_markdown(f);
    fclose(f);
    assert_non_null(strstr(text, "| `listen_backlog` | int"));
    assert_non_null(strstr(text, "### scriptlet"));
    free(text);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_core_scope_lookups),
        cmocka_unit_test(test_module_scope_lookups),
        cmocka_unit_test(test_option_lookups_every_scope),
        cmocka_unit_test(test_listener_options),
        cmocka_unit_test(test_module_options),
        cmocka_unit_test(test_open_module_scopes),
        cmocka_unit_test(test_misplaced_names),
        cmocka_unit_test(test_suggestions),
        cmocka_unit_test(test_value_int_and_unsigned),
        cmocka_unit_test(test_value_bool),
        cmocka_unit_test(test_value_enum_perms_float),
        cmocka_unit_test(test_value_sockaddr),
        cmocka_unit_test(test_value_cidr_throttle_regex),
        cmocka_unit_test(test_value_hash_keys_and_validators),
        cmocka_unit_test(test_schemes),
        cmocka_unit_test(test_every_tsv_row_present),
        cmocka_unit_test(test_every_tsv_module_present),
        cmocka_unit_test(test_example_configs_accepted),
        cmocka_unit_test(test_lookup_speed),
        cmocka_unit_test(test_listings),
    };

    ec_table_init();
    return cmocka_run_group_tests(tests, NULL, NULL);
}
