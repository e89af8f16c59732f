/* ecconf: modules whose options the table checks in full, written by hand
 * from their Momentum 4 reference pages, plus ecconf's own sqlite_logger.
 * The other documented modules are generated into table_gen.c with their
 * stanza accepted unchecked. */

#include "modules/table_defs.h"

#define P EC_TYPE_PERMS
#define B EC_TYPE_BOOL
#define S EC_TYPE_STRING
#define I EC_TYPE_INT
#define MODULE_PARENT EC_BIT(EC_SCOPE_GLOBAL)

/* A module stanza scope: keyword, naming, flags, options, module. */
#define STANZA(n, naming, f, opts, nopts, mod) \
    { n, n, naming, EC_SCOPE_NONE, EC_TYPE_STRING, EC_SCOPE_MODULE | (f), \
      MODULE_PARENT, NULL, opts, nopts, mod, NULL }
/* A sub-scope inside another module scope. */
#define SUB(n, id, naming, f, parent, opts, nopts, mod, h) \
    { n, id, naming, EC_SCOPE_NONE, EC_TYPE_STRING, f, 0, parent, opts, \
      nopts, mod, h }

extern const ec_module_t ec_mod_ac_auth;
extern const ec_module_t ec_mod_alerting;
extern const ec_module_t ec_mod_auth_ds;
extern const ec_module_t ec_mod_bounce_logger;
extern const ec_module_t ec_mod_custom_logger;
extern const ec_module_t ec_mod_dkim_sign;
extern const ec_module_t ec_mod_ds_core;
extern const ec_module_t ec_mod_ec_logger;
extern const ec_module_t ec_mod_httpsrv;
extern const ec_module_t ec_mod_scriptlet;
extern const ec_module_t ec_mod_sqlite_logger;

/* ac_auth: authentication through the Lua hook ac_auth_perform_auth. Only
 * the common options are documented. */
static const ec_scope_t ac_auth_stanza = STANZA("ac_auth",
        EC_NAMING_OPTIONAL, EC_SCOPE_ACTED, NULL, 0, &ec_mod_ac_auth);
static const ec_scheme_t ac_auth_schemes[] = {
    { "ac_auth", EC_CLEAR_NO, EC_SCHEME_ECCONFD,
      "Lua hook ac_auth_perform_auth (LOGIN, PLAIN, HTTP Basic)" },
};
const ec_module_t ec_mod_ac_auth = {
    "ac_auth", EC_MOD_CHECKED | EC_MOD_ECCONFD, "4.2", &ac_auth_stanza,
    NULL, ac_auth_schemes, 1, NULL, NULL,
    "authentication by Lua hooks loaded through scriptlet"
};

/* alerting: a singleton that scriptlet requires. */
static const ec_option_t alerting_options[] = {
    EC_ROW_RANGE("alerting_cache_ttl", I, 0, "3600", 0, EC_INT_MAX,
                 "seconds an alert stays cached"),
    EC_ROW("alerting_cache_size", EC_TYPE_SIZE, 0, "1048576",
           "alert cache size in bytes"),
};
static const ec_scope_t alerting_stanza = STANZA("alerting",
        EC_NAMING_ANON, 0, alerting_options, EC_NROWS(alerting_options),
        &ec_mod_alerting);
const ec_module_t ec_mod_alerting = {
    "alerting", EC_MOD_SINGLETON | EC_MOD_CHECKED | EC_MOD_ECCONFD, "4.0",
    &alerting_stanza, NULL, NULL, 0, NULL, NULL,
    "alert mail; required by scriptlet (accepted, no effect in ecconfd)"
};

/* scriptlet: Lua policy scripts. max_instructions, max_memory and timeout
 * are ecconf's limits on each hook call; Momentum has no such options. */
static const ec_option_t scriptlet_options[] = {
    EC_ROW("always_gc", B, 0, "false", "collect garbage after every call"),
    EC_ROW_RANGE("gc_pause", I, 0, "200", 0, EC_INT_MAX,
                 "Lua collector pause, percent"),
    EC_ROW_RANGE("gc_stepmul", I, 0, "200", 0, EC_INT_MAX,
                 "Lua collector step multiplier, percent"),
    EC_ROW_RANGE("max_spare_per_master", I, 0, "5000", 0, EC_INT_MAX,
                 "spare Lua states kept per master state"),
    EC_ROW_RANGE("reap_interval", I, 0, "1", 0, EC_INT_MAX,
                 "seconds between expiries of spare states"),
    EC_ROW_RANGE("script_ttl", I, EC_OPT_ACTED, "300", 0, EC_INT_MAX,
                 "seconds a loaded script stays cached"),
    EC_ROW_RANGE("max_instructions", I, EC_OPT_ACTED | EC_OPT_EXTENSION,
                 "10000000", 1000, EC_INT_MAX,
                 "Lua VM instructions one hook call may run"),
    EC_ROW_RANGE("max_memory", EC_TYPE_SIZE,
                 EC_OPT_ACTED | EC_OPT_EXTENSION, "67108864", 65536,
                 INT64_MAX, "bytes one Lua state may allocate"),
    EC_ROW_RANGE("timeout", I, EC_OPT_ACTED | EC_OPT_EXTENSION, "5000", 1,
                 EC_INT_MAX, "milliseconds one hook call may run"),
};
static const ec_option_t script_options[] = {
    EC_ROW("source", S, EC_OPT_ACTED, NULL,
           "script path without .lua, with . or / separators"),
};
static const ec_scope_t scriptlet_stanza = STANZA("scriptlet",
        EC_NAMING_OPTIONAL, EC_SCOPE_ACTED, scriptlet_options,
        EC_NROWS(scriptlet_options), &ec_mod_scriptlet);
static const ec_scope_t scriptlet_script = SUB("script", "scriptlet.script",
        EC_NAMING_NAMED, EC_SCOPE_ACTED, &scriptlet_stanza, script_options,
        EC_NROWS(script_options), &ec_mod_scriptlet,
        "one Lua module; the name is the one given to msys.registerModule");
static const ec_scope_t *const scriptlet_scopes[] = {
    &scriptlet_script, NULL
};
const ec_module_t ec_mod_scriptlet = {
    "scriptlet", EC_MOD_CHECKED | EC_MOD_ECCONFD | EC_MOD_ONE_NAME, "4.0",
    &scriptlet_stanza, scriptlet_scopes, NULL, 0, NULL, NULL,
    "Lua policy scripts; every stanza must use the same instance name"
};

/* ec_logger: Momentum's main, panic, reject, accounting and import logs.
 * The shipped configuration sets the paths; the module itself has no
 * default for them. The mode option of acctlog is spelled
 * acctlog_log_mode in the reference, and the table keeps that spelling. */
static const ec_option_t ec_logger_options[] = {
    EC_ROW("mainlog", S, EC_OPT_ACTED, NULL,
           "path or jlog:// URI of the main log"),
    EC_ROW("paniclog", S, EC_OPT_ACTED, NULL,
           "path of the panic log (errors, module debug output)"),
    EC_ROW("rejectlog", S, 0, NULL, "path of the rejection log"),
    EC_ROW("acctlog", S, EC_OPT_ACTED, NULL,
           "path of the authentication and authorization log"),
    EC_ROW("importlog", S, 0, NULL, "path of the spool import log"),
    EC_ROW_RANGE("heartbeat", I, 0, "60", 0, EC_INT_MAX,
                 "seconds between heartbeat lines, 0 for none"),
    EC_ROW("mainlog_mode", P, EC_OPT_ACTED, "0644", NULL),
    EC_ROW("paniclog_mode", P, EC_OPT_ACTED, "0644", NULL),
    EC_ROW("rejectlog_mode", P, 0, "0644", NULL),
    EC_ROW("acctlog_log_mode", P, EC_OPT_ACTED, "0644", NULL),
    EC_ROW("importlog_mode", P, 0, "0644", NULL),
    EC_ROW("log_receptions", B, 0, "true", NULL),
    EC_ROW("log_deliveries", B, 0, "true", NULL),
    EC_ROW("log_transient_failures", B, 0, "true", NULL),
    EC_ROW("log_permanent_failures", B, 0, "true", NULL),
    EC_ROW("log_rejections", B, 0, "true", NULL),
    EC_ROW("log_errors", B, 0, "true", NULL),
};
static const ec_scope_t ec_logger_stanza = STANZA("ec_logger",
        EC_NAMING_OPTIONAL, EC_SCOPE_ACTED, ec_logger_options,
        EC_NROWS(ec_logger_options), &ec_mod_ec_logger);
const ec_module_t ec_mod_ec_logger = {
    "ec_logger", EC_MOD_CHECKED | EC_MOD_ECCONFD, "4.0", &ec_logger_stanza,
    NULL, NULL, 0, NULL, NULL, "Momentum-style text logs"
};

/* sqlite_logger: ecconf's authentication event log. */
static const ec_option_t sqlite_logger_options[] = {
    EC_ROW("database", S, EC_OPT_ACTED | EC_OPT_EXTENSION, NULL,
           "path of the SQLite file for authentication events"),
};
static const ec_scope_t sqlite_logger_stanza = STANZA("sqlite_logger",
        EC_NAMING_OPTIONAL, EC_SCOPE_ACTED | EC_SCOPE_EXTENSION,
        sqlite_logger_options, EC_NROWS(sqlite_logger_options),
        &ec_mod_sqlite_logger);
const ec_module_t ec_mod_sqlite_logger = {
    "sqlite_logger",
    EC_MOD_CHECKED | EC_MOD_ECCONFD | EC_MOD_EXTENSION, NULL,
    &sqlite_logger_stanza, NULL, NULL, 0, NULL, NULL,
    "ecconf extension: authentication events in SQLite"
};

/* custom_logger: user-defined formats per message stage. */
static const ec_option_t custom_logger_options[] = {
    EC_ROW_RANGE("concurrency", I, 0, "1", 1, EC_INT_MAX,
                 "logger threads"),
    EC_ROW("mainlog", S, 0, NULL, "one file for every stage"),
    EC_ROW("paniclog", S, 0, NULL, "file for error notices"),
    EC_ROW("mainlog_mode", P, 0, "0644", NULL),
    EC_ROW("paniclog_mode", P, 0, "0644", NULL),
    EC_ROW("delivery_logfile", S, 0, NULL, NULL),
    EC_ROW("delivery_format", S, 0, NULL, NULL),
    EC_ROW("delivery_log_mode", P, 0, "0644", NULL),
    EC_ROW("reception_logfile", S, 0, NULL, NULL),
    EC_ROW("reception_format", S, 0, NULL, NULL),
    EC_ROW("reception_log_mode", P, 0, "0644", NULL),
    EC_ROW("transient_failure_logfile", S, 0, NULL, NULL),
    EC_ROW("transient_failure_format", S, 0, NULL, NULL),
    EC_ROW("transient_failure_log_mode", P, 0, "0644", NULL),
    EC_ROW("permanent_failure_logfile", S, 0, NULL, NULL),
    EC_ROW("permanent_failure_format", S, 0, NULL, NULL),
    EC_ROW("permanent_failure_log_mode", P, 0, "0644", NULL),
    EC_ROW("xfer_logfile", S, 0, NULL, NULL),
    EC_ROW("xfer_format", S, 0, NULL, NULL),
    EC_ROW("xfer_log_mode", P, 0, "0644", NULL),
    EC_ROW("rejection_logfile", S, 0, NULL, NULL),
    EC_ROW("rejection_format", S, 0, NULL, NULL),
    EC_ROW("rejection_log_mode", P, 0, "0644", NULL),
    EC_ROW("log_deliveries", B, 0, "false", NULL),
    EC_ROW("log_receptions", B, 0, "false", NULL),
    EC_ROW("log_permanent_failures", B, 0, "false", NULL),
    EC_ROW("log_transient_failures", B, 0, "false", NULL),
    EC_ROW("log_errors", B, 0, "false", NULL),
    EC_ROW("log_rejections", B, 0, "false", NULL),
    EC_ROW("namespace", S, 0, NULL,
           "comma-separated macro namespaces for the formats"),
    EC_ROW("sanitize", EC_TYPE_ANY, 0, NULL,
           "how user-supplied data is cleaned"),
    EC_ROW("thread_pool", S, 0, NULL, "thread pool of the logger"),
};
static const ec_scope_t custom_logger_stanza = STANZA("custom_logger",
        EC_NAMING_OPTIONAL, 0, custom_logger_options,
        EC_NROWS(custom_logger_options), &ec_mod_custom_logger);
const ec_module_t ec_mod_custom_logger = {
    "custom_logger", EC_MOD_CHECKED, "4.0", &custom_logger_stanza, NULL,
    NULL, 0, NULL, NULL, "user-defined log formats"
};

/* bounce_logger: in-band and out-of-band bounces in one file. */
static const ec_option_t bounce_logger_options[] = {
    EC_ROW("bouncelog", S, 0, NULL, "path of the bounce log"),
    EC_ROW("bouncelog_mode", P, 0, "0644", NULL),
    EC_ROW_RANGE("heartbeat", I, 0, "60", 0, EC_INT_MAX,
                 "seconds between heartbeat lines"),
    EC_ROW("log_inband_bounces", B, 0, "true", NULL),
    EC_ROW("log_outofband_bounces", B, 0, "true", NULL),
    EC_ROW("log_transient_failures", B, 0, "true", NULL),
};
static const ec_scope_t bounce_logger_stanza = STANZA("bounce_logger",
        EC_NAMING_OPTIONAL, 0, bounce_logger_options,
        EC_NROWS(bounce_logger_options), &ec_mod_bounce_logger);
const ec_module_t ec_mod_bounce_logger = {
    "bounce_logger", EC_MOD_CHECKED, "4.0", &bounce_logger_stanza, NULL,
    NULL, 0, NULL, NULL, "bounce log"
};

/* dkim_sign: DKIM signing. The option list comes from the module's
 * configuration example and the signing parameters that its Lua and
 * Sieve interfaces override.
 * NOTE: the Momentum 4 reference page for this module was not available
 * when the rows were written, so a documented option may be missing. */
static const char *const dkim_canons[] = { "simple", "relaxed", NULL };
static const char *const dkim_digests[] = {
    "rsa-sha1", "rsa-sha256", NULL
};
#define DKIM_COMMON_OPTIONS \
    EC_ROW("sign_condition", S, 0, NULL, \
           "context variable that must be set to sign"), \
    EC_ROW_ENUM("digest", 0, NULL, dkim_digests, NULL), \
    EC_ROW_ENUM("header_canon", 0, NULL, dkim_canons, NULL), \
    EC_ROW_ENUM("body_canon", 0, NULL, dkim_canons, NULL), \
    EC_ROW("headerlist", S, 0, NULL, "colon-separated headers to sign"), \
    EC_ROW("key", S, EC_OPT_SECRET, NULL, \
           "private key path; %{d} and %{s} expand to domain, selector"), \
    EC_ROW("selector", S, 0, NULL, NULL), \
    EC_ROW("identity", S, 0, NULL, NULL), \
    EC_ROW_RANGE("body_length_limit", I, 0, NULL, 0, EC_INT_MAX, NULL), \
    EC_ROW_RANGE("lifetime", I, 0, NULL, 0, EC_INT_MAX, \
                 "seconds a signature stays valid")
static const ec_option_t dkim_sign_options[] = {
    DKIM_COMMON_OPTIONS,
};
static const ec_option_t dk_domain_options[] = {
    DKIM_COMMON_OPTIONS,
    EC_ROW("base_domain", S, 0, NULL, "parent domain that signs"),
};
static const ec_scope_t dkim_sign_stanza = STANZA("dkim_sign",
        EC_NAMING_OPTIONAL, 0, dkim_sign_options,
        EC_NROWS(dkim_sign_options), &ec_mod_dkim_sign);
static const ec_scope_t dkim_sign_domain = SUB("dk_domain",
        "dkim_sign.dk_domain", EC_NAMING_NAMED, 0, &dkim_sign_stanza,
        dk_domain_options, EC_NROWS(dk_domain_options), &ec_mod_dkim_sign,
        "signing settings for one sender domain");
static const ec_scope_t *const dkim_sign_scopes[] = {
    &dkim_sign_domain, NULL
};
const ec_module_t ec_mod_dkim_sign = {
    "dkim_sign", EC_MOD_CHECKED, "4.0", &dkim_sign_stanza, dkim_sign_scopes,
    NULL, 0, NULL, NULL, "DKIM signing"
};

/* auth_ds: every Scheme "name" registers the scheme name:// that queries
 * a ds_core Datasource. */
static const char *const auth_ds_types[] = {
    "clear", "digest-md5", "hmac_md5", "md5", "md5_base64", "md5_hex",
    "rfc2307", "sha1_base64", "sha1_hex", "smd5", "ssha1", "ucrypt", NULL
};
static const ec_option_t auth_ds_query_options[] = {
    EC_ROW("query", S, 0, NULL, "query run against the datasource"),
    EC_ROW("cache", S, 0, NULL, "name of the Datasource to query"),
    EC_ROW_HASH("map", 0, "query parameters, e.g. user = \"%{username}\""),
    EC_ROW_ENUM("type", 0, NULL, auth_ds_types,
                "how stored passwords are encrypted"),
    EC_ROW("returns_password", B, 0, "false",
           "the query returns a password rather than a truth value"),
    EC_ROW("password_column", S, 0, NULL, NULL),
    EC_ROW("type_column", S, 0, NULL, NULL),
    EC_ROW_HASH("type_map", 0, "column value to password type"),
    EC_ROW("group_column", S, 0, NULL, NULL),
};
static const ec_scope_t auth_ds_stanza = STANZA("auth_ds", EC_NAMING_ANON,
        0, NULL, 0, &ec_mod_auth_ds);
static const ec_scope_t auth_ds_scheme = SUB("Scheme", "auth_ds.scheme",
        EC_NAMING_NAMED, 0, &auth_ds_stanza, NULL, 0, &ec_mod_auth_ds,
        "registers the auth URI scheme NAME://");
static const ec_scope_t auth_ds_authenticate = SUB("Authenticate",
        "auth_ds.scheme.authenticate", EC_NAMING_ANON, 0, &auth_ds_scheme,
        auth_ds_query_options, EC_NROWS(auth_ds_query_options),
        &ec_mod_auth_ds, "query that checks a password");
static const ec_scope_t auth_ds_querygroups = SUB("QueryGroups",
        "auth_ds.scheme.querygroups", EC_NAMING_ANON, 0, &auth_ds_scheme,
        auth_ds_query_options, EC_NROWS(auth_ds_query_options),
        &ec_mod_auth_ds, "query for the groups of a user");
static const ec_scope_t auth_ds_enumgroups = SUB("EnumGroups",
        "auth_ds.scheme.enumgroups", EC_NAMING_ANON, 0, &auth_ds_scheme,
        auth_ds_query_options, EC_NROWS(auth_ds_query_options),
        &ec_mod_auth_ds, "query for every group");
static const ec_scope_t *const auth_ds_scopes[] = {
    &auth_ds_scheme, &auth_ds_authenticate, &auth_ds_querygroups,
    &auth_ds_enumgroups, NULL
};
const ec_module_t ec_mod_auth_ds = {
    "auth_ds",
    EC_MOD_SINGLETON | EC_MOD_AUTOLOAD | EC_MOD_CHECKED
    | EC_MOD_SCHEME_PER_SCOPE,
    "4.0", &auth_ds_stanza, auth_ds_scopes, NULL, 0, &auth_ds_scheme, NULL,
    "authentication against a datasource; one scheme per Scheme stanza"
};

/* ds_core: the Datasource scopes live at the top level, not inside the
 * module's own stanza. */
static const ec_option_t datasource_options[] = {
    EC_ROW("uri", S, EC_OPT_ARRAY | EC_OPT_SECRET, NULL,
           "driver:connection strings, used round-robin"),
    EC_ROW_RANGE("cache_size", I, 0, "1000", 0, EC_INT_MAX,
                 "cached query results"),
    EC_ROW_RANGE("cache_life", I, 0, "3600", 0, EC_INT_MAX,
                 "seconds a result stays cached"),
    EC_ROW("no_cache", B, 0, "false", NULL),
    EC_ROW_RANGE("max_rows", I, 0, "100", -1, EC_INT_MAX,
                 "rows fetched per query, -1 for no limit"),
    EC_ROW("pool", S, 0, "IO", "thread pool that runs the queries"),
    EC_ROW("serialized", B, 0, "true",
           "publish results across the cluster"),
    EC_ROW("assume_charset", S, 0, NULL,
           "charset of data whose encoding the driver cannot tell"),
};
static const ec_scope_t ds_core_stanza = STANZA("ds_core", EC_NAMING_ANON,
        0, NULL, 0, &ec_mod_ds_core);
static const ec_scope_t ds_core_datasource = {
    "Datasource", "datasource", EC_NAMING_NAMED, EC_SCOPE_NONE,
    EC_TYPE_STRING, 0, EC_BIT(EC_SCOPE_GLOBAL), NULL, datasource_options,
    EC_NROWS(datasource_options), &ec_mod_ds_core,
    "a cached connection to a data store"
};
static const ec_scope_t *const ds_core_scopes[] = {
    &ds_core_datasource, NULL
};
const ec_module_t ec_mod_ds_core = {
    "ds_core", EC_MOD_SINGLETON | EC_MOD_AUTOLOAD | EC_MOD_CHECKED, "4.0",
    &ds_core_stanza, ds_core_scopes, NULL, 0, NULL, NULL,
    "datasource query and cache layer"
};

/* httpsrv: the HTTP server under HTTP_Listener; common options only. */
static const ec_scope_t httpsrv_stanza = STANZA("httpsrv", EC_NAMING_ANON,
        0, NULL, 0, &ec_mod_httpsrv);
const ec_module_t ec_mod_httpsrv = {
    "httpsrv", EC_MOD_SINGLETON | EC_MOD_CHECKED | EC_MOD_ECCONFD, "4.0",
    &httpsrv_stanza, NULL, NULL, 0, NULL, NULL,
    "HTTP server infrastructure for HTTP_Listener"
};
