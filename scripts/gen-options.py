#!/usr/bin/env python3
"""Generate modules/table_gen.c from the documented option and module lists.

Inputs: modules/data/momentum4-options.tsv and momentum4-modules.tsv (the
Momentum 4 option summary and module list as data) plus the TYPES overlay
below, which gives each option the type found on its documentation page.
Options missing from TYPES get EC_TYPE_ANY, which --modules reports as
"type not established".

Run from the top of the work tree:  python3 scripts/gen-options.py
The output is committed, so building needs no Python.
"""

import csv
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA = os.path.join(ROOT, "modules", "data")
OUT = os.path.join(ROOT, "modules", "table_gen.c")

# Core scope names in the TSV "scopes" column -> ec_core_scope_t.
CORE = {
    "global": "EC_SCOPE_GLOBAL",
    "esmtp_listener": "EC_SCOPE_ESMTP_LISTENER",
    "control_listener": "EC_SCOPE_CONTROL_LISTENER",
    "http_listener": "EC_SCOPE_HTTP_LISTENER",
    "ecstream_listener": "EC_SCOPE_ECSTREAM_LISTENER",
    "xmpp_listener": "EC_SCOPE_XMPP_LISTENER",
    "eccluster_listener": "EC_SCOPE_ECCLUSTER_LISTENER",
    "msgcserver_listener": "EC_SCOPE_MSGCSERVER_LISTENER",
    "listen": "EC_SCOPE_LISTEN",
    "peer": "EC_SCOPE_PEER",
    "pathway": "EC_SCOPE_PATHWAY",
    "pathway_group": "EC_SCOPE_PATHWAY_GROUP",
    "binding": "EC_SCOPE_BINDING",
    "binding_group": "EC_SCOPE_BINDING_GROUP",
    "domain": "EC_SCOPE_DOMAIN",
    "host": "EC_SCOPE_HOST",
    "threadpool": "EC_SCOPE_THREADPOOL",
    "security": "EC_SCOPE_SECURITY",
    "debug_flags": "EC_SCOPE_DEBUG_FLAGS",
    "snmp": "EC_SCOPE_SNMP",
    "snmp_traps": "EC_SCOPE_SNMP_TRAPS",
    "authorization": "EC_SCOPE_AUTHORIZATION",
    "adaptive_sweep_rule": "EC_SCOPE_ADAPTIVE_SWEEP_RULE",
    "role": "EC_SCOPE_ROLE",
}

# Scopes of the cluster module, whose options the TSV lists.
CLUSTER = {"cluster": "cluster", "logs": "cluster_logs"}

# Options whose rows come from elsewhere: the two options common to every
# module are added to each module stanza by the engine.
SKIP = {"enabled", "debug_level"}

# Modules whose rows are written by hand (modules/table_modules.c), and the
# C symbol of each.
HANDWRITTEN = {
    "ac_auth": "ec_mod_ac_auth",
    "alerting": "ec_mod_alerting",
    "auth_ds": "ec_mod_auth_ds",
    "bounce_logger": "ec_mod_bounce_logger",
    "custom_logger": "ec_mod_custom_logger",
    "dkim_sign": "ec_mod_dkim_sign",
    "ds_core": "ec_mod_ds_core",
    "ec_logger": "ec_mod_ec_logger",
    "httpsrv": "ec_mod_httpsrv",
    "scriptlet": "ec_mod_scriptlet",
}

# ecconf's own modules, not in the Momentum list.
EXTENSIONS = {"sqlite_logger": "ec_mod_sqlite_logger"}

# Canonical spelling where the module list differs from the documented
# stanza keyword.
SPELLING = {"ec_logger": "ec_logger", "live": "Live"}

# Auth URI schemes of modules whose options are not checked.
SCHEMES = {
    "auth_radius": ("radius", "EC_CLEAR_NO", "RADIUS servers"),
    "smtp_auth_proxy": ("smtp_auth_proxy", "EC_CLEAR_NO",
                        "forwards AUTH to another SMTP server"),
}

# Types from the per-option documentation pages. One line per option:
#   name type [arr] [restart] [secret] [acted] [deprecated] [open]
#        [v=a|b|c] [r=lo..hi] [d=default] [k=keyset] [fn=validator]
TYPES = """
_unsafe_spool bool
accept_queue_backlog int r=0..2147483647
adaptive_adjustment_interval int r=0..2147483647
adaptive_alert_email_destination string
adaptive_attempt_threshold int r=0..2147483647 d=2000
adaptive_enabled bool
adaptive_fbl_volume_threshold int r=0..2147483647
adaptive_notification_interval int r=0..2147483647
adaptive_outbound_throttle_messages throttle
adaptive_positive_adjustment_interval int r=0..2147483647
adaptive_rejection_rate_suspension_percentage int r=0..100
adaptive_retry_fuzz int r=0..2147483647
adaptive_sweep_rule_enabled bool
address_metrics_cleanse_interval int r=0..2147483647
address_metrics_lifetime int r=0..2147483647
allow_ip_literal bool
allow_null_envelope_sender bool
allow_trailing_whitespace_in_commands bool
always_allow bool acted
always_deny bool acted
arp_all_hosts bool
async_bounce_rendering bool
authcrammd5parameters hash k=auth acted
authdigestmd5parameters hash k=auth acted
authloginparameters hash k=auth acted
authorizationparameters hash k=authz
authplainparameters hash k=auth acted
backlog int restart r=0..2147483647
banner_hostname string acted
blackhole bool
body_timeout int r=0..2147483647
bounce_domains string arr
bounce_pattern regex
bounce_suppress_list string arr
capabilities string restart
chroot string restart
clear_mail_queue_maintainers bool
click_tracking_enabled bool
click_tracking_scheme enum v=http|https
cluster_group string
cluster_max_outbound_connections int
cluster_outbound_throttle_connections throttle
cluster_outbound_throttle_messages throttle
community string restart
concurrency int r=0..2147483647
connect_timeout int r=0..2147483647
connect_timeout_to_delay int r=0..2147483647
context hash open
control_client_timeout int r=0..2147483647
control_group string
critical enum arr v=TIME|FD|SMTP|LOG1|DNS|DNSDS|NET|SIG|MEM|DB|LIC|SSL|MOD|START|ALL
debug enum arr v=TIME|FD|SMTP|LOG1|DNS|DNSDS|NET|SIG|MEM|DB|LIC|SSL|MOD|START|ALL
default_charset string
delay_dsn_max_retry_interval int r=0..2147483647
delay_dsn_retry_interval int r=0..2147483647
delayed_binding_domain_fuzz int r=0..2147483647
delayed_queue_scan_interval int r=0..2147483647
delivery_method string d=ESMTP
delivery_pool string restart
delivery_response_timeout int r=0..2147483647
dir_mode perms
disable_chunked bool
disable_nagle_algorithm bool
disk_queue_drain_rate int r=0..2147483647
dns_cache_purge_interval int r=0..2147483647
dns_expire_interval int r=0..2147483647
dns_failures_to_purge int r=0..2147483647
dns_fallback_to_tcp bool
domain_for_unqualified_recipient_addresses string
domain_for_unqualified_sender_address string
drop_body_after_trans_fail int r=0..2147483647
duravip_balance_set_size int r=0..2147483647
ecstream_idle_time int r=0..2147483647
ecstream_max_batch_size int r=0..2147483647
ecstream_port int r=1..65535
ecstream_timeout int r=0..2147483647
ehlo_hostname string
ehlo_timeout int r=0..2147483647
enable bool acted
enable_authentication bool acted
enable_authorization bool
enable_duravip bool
error enum arr v=TIME|FD|SMTP|LOG1|DNS|DNSDS|NET|SIG|MEM|DB|LIC|SSL|MOD|START|ALL
event_loop string restart
events_per_iter int r=0..2147483647
expensive_batch_assessment bool
file_mode perms
force_fsync bool
fully_resolve_before_smtp bool
gateway string
gcm_authorization_token_id string secret
gcm_delay_while_idle bool
gcm_dry_run bool
gcm_ttl int
generate_bounces bool
generate_bounces_for_multi_recipient_policy_rejections bool
generate_delay_dsn bool
group string restart
growbuf_size size
heartbeat_start_delay int r=0..2147483647
heartbeats_per_sec int r=0..2147483647
high_threshold float
host_failure_retry int r=0..2147483647
hostname string acted
http_host string
http_method enum v=GET|POST|PUT
http_uri string
http_version enum v=1.0|1.1
idle_time int r=0..2147483647 acted
idle_timeout int r=0..2147483647
if_check_interval int r=0..2147483647
if_down_limit int r=0..2147483647
inbound_throttle_messages throttle
info enum arr v=TIME|FD|SMTP|LOG1|DNS|DNSDS|NET|SIG|MEM|DB|LIC|SSL|MOD|START|ALL
initial_hash_buckets int r=1..2147483647
inline_transfail_processing bool
keep_message_dicts_in_memory bool restart
large_message_threshold size
legacy_message_threshold size
license string restart
listen_backlog int r=0..2147483647 d=500 acted
listener_sessions int r=0..2147483647
lmtp_port int r=1..65535
local_changes_file string
local_changes_only bool
log_active_interval int r=0..2147483647
log_group string
log_idle_interval int r=0..2147483647
log_requests_to_paniclog bool acted
logfile string
low_threshold float
mail_queue_check_vm_interval int r=0..2147483647
mailerdaemon string
mailfrom_timeout int r=0..2147483647
maintainer_pool string restart
malloc2mmap_threshold size
masterdb_file string restart
match_cache_life int r=0..2147483647
match_cache_size int r=0..2147483647
max_deliveries_per_connection int r=0..2147483647
max_dns_ttl uint64 r=0..4294967295
max_message_size size acted
max_outbound_connections int r=0..2147483647
max_receptions_per_connection int r=0..2147483647
max_recipients_per_batch int r=0..2147483647
max_recipients_per_connection int r=0..2147483647
max_recipients_per_message int r=0..2147483647 acted
max_request_size size acted
max_resident_active_queue int r=0..2147483647
max_resident_messages int r=0..2147483647
max_resident_transfails int r=0..2147483647
max_retries int r=0..2147483647
max_retry_interval int r=0..2147483647
max_timed_events_per_iter int r=0..2147483647
memory_goal int r=0..100
memory_hwm int r=0..100
message_expiration int r=0..2147483647
migrate_connections_between_sibling_domains bool
mime_parse_large_messages_during_reception bool
min_dns_ttl int r=0..2147483647
mx_failures_fallback_to_a int r=0..2147483647
mx_failures_to_delay int r=0..2147483647
never_attempt_expired_messages bool
never_retry bool
nodeaddr string
nodename string
notice enum arr v=TIME|FD|SMTP|LOG1|DNS|DNSDS|NET|SIG|MEM|DB|LIC|SSL|MOD|START|ALL
only_use_best_mx_for_relay_domains bool
open_relay bool acted
open_tracking_enabled bool
open_tracking_scheme enum v=http|https
opendkim_sign bool restart
outbound_throttle_connections throttle
outbound_throttle_messages throttle
pathway string
pcre_cache_size int r=0..2147483647
pcre_cache_ttl int r=0..2147483647
permastore_interval int r=0..2147483647
pidfile string restart
pool_name string
prohibited_hosts cidr arr
rcptto_timeout int r=0..2147483647
received_hostname string
reconfig_message string acted
relay_domains string arr
relay_for_sending_domains string arr
relay_hosts cidr arr acted
remote_smtp_port int r=1..65535
require_ehlo bool acted
reserve_maintenance_interval int r=0..2147483647
resolv_conf string
retry_interval int r=0..2147483647
rfc2821_allow_whitespace_in_envelope bool
rfc2821_pedantic_address_rules bool
rfc2822_trace_headers bool
routes string arr
rset_timeout int r=0..2147483647
server_max_file_descriptors int r=0..2147483647
server_max_outbound_connections int r=0..2147483647
server_reserve_outbound_connections int r=0..2147483647
service_sessions int r=0..2147483647
siv_throttle_cache_size int r=0..2147483647 d=100
skip_hosts string arr
smtp_extensions string arr acted
soft_bounce_drain_rate int r=0..2147483647
spool_mode perms restart
spoolbase string restart acted
stack_size size restart
starttls_injection_policy string
state bool restart
static_banner string fn=ec_table_check_banner acted
supplemental_groups string arr restart
suspend_delivery bool
syscontact string restart
sysdescription string restart
syslocation string restart
tcp_buffer_size int r=0..2147483647
timeout int r=0..2147483647
timestampformat string
tls enum v=no|ifavailable|required
tls_allow_renegotiation bool
tls_ca string
tls_certificate string acted
tls_ciphers string acted
tls_client_ca string acted
tls_dhparams_file string
tls_enable_dhe_ciphers bool
tls_engine enum v=openssl|gnutls restart
tls_ifavailable_fallback bool
tls_key string acted
tls_protocols string acted
tls_verified_peer_can_relay bool
tls_verified_peer_is_authorized bool
tls_verify enum v=no|ca|host|optional
tls_verify_mode enum v=none|require acted
trace_smtp_mode perms restart
tracking_domain string
tracking_link_expiry int r=0..2147483647
transfail_drain_rate int r=0..2147483647
trap_destination string restart
trap_interval int r=0..2147483647 restart
umem_reap_interval int r=0..2147483647
unconditional_rebind bool
unlink_on_spool_in_failure bool
use_iflist_cache bool restart
use_ipv6 bool
use_mmap bool
use_sendfile bool
use_ssl bool acted
user string restart
view_balance_interval int r=0..2147483647
view_broadcast_interval int r=0..2147483647
view_mature_time int r=0..2147483647
warning enum arr v=TIME|FD|SMTP|LOG1|DNS|DNSDS|NET|SIG|MEM|DB|LIC|SSL|MOD|START|ALL
xmpp_dialback_secret string secret
"""

# Options the TSV does not list but the documentation places in these
# core scopes: inbound TLS 1.3 suites (4.6+), the PROXY protocol (4.2.11+)
# and the allow list of an Authorization Role.
EXTRA_CORE = [
    ("allow", "role", ""),
    ("TLSv13_Ciphersuites", "binding, binding_group, domain, "
     "esmtp_listener, global, http_listener, listen, pathway, "
     "pathway_group, peer", ""),
    ("Proxy_Protocol", "control_listener, ecstream_listener, "
     "esmtp_listener, http_listener, listen, peer, xmpp_listener", "false"),
    ("Proxy_Protocol_Timeout", "control_listener, ecstream_listener, "
     "esmtp_listener, http_listener, listen, peer, xmpp_listener", "60"),
]
EXTRA_TYPES = """
allow regex arr
tlsv13_ciphersuites string
proxy_protocol bool
proxy_protocol_timeout int r=0..2147483647
"""

# Scopes the option list leaves out but the vendor's own examples use:
# the RADIUS example sets AuthLoginParameters inside a Peer, and the other
# SMTP mechanisms take the same place (AuthDigestMD5Parameters is listed
# there already).
EXTRA_SCOPES = {
    "authloginparameters": ["peer"],
    "authplainparameters": ["peer"],
    "authcrammd5parameters": ["peer"],
}

FLAGS = {
    "arr": "EC_OPT_ARRAY", "restart": "EC_OPT_RESTART",
    "secret": "EC_OPT_SECRET", "acted": "EC_OPT_ACTED",
    "deprecated": "EC_OPT_DEPRECATED", "open": "EC_OPT_OPEN_KEYS",
}

KEYSETS = {
    "auth": ("ec_table_auth_keys", "EC_TABLE_AUTH_NKEYS"),
    "authz": ("ec_table_authz_keys", "EC_TABLE_AUTHZ_NKEYS"),
}


def parse_types(text):
    types = {}
    for line in text.strip().splitlines():
        words = line.split()
        spec = {"type": words[0 + 1], "flags": [], "values": None,
                "range": None, "dflt": None, "keys": None, "fn": None}
        for w in words[2:]:
            if w in FLAGS:
                spec["flags"].append(FLAGS[w])
            elif w.startswith("v="):
                spec["values"] = w[2:].split("|")
            elif w.startswith("r="):
                lo, hi = w[2:].split("..")
                spec["range"] = (int(lo), int(hi))
            elif w.startswith("d="):
                spec["dflt"] = w[2:]
            elif w.startswith("k="):
                spec["keys"] = KEYSETS[w[2:]]
            elif w.startswith("fn="):
                spec["fn"] = w[3:]
            else:
                sys.exit("gen-options: unknown word %r in %r" % (w, line))
        types[words[0].lower()] = spec
    return types


def clean_default(text):
    """Return (default or None, non-dynamic flag) from a TSV cell."""
    restart = "non-dynamic" in text
    text = re.sub(r"\(non-dynamic\)", "", text)
    text = re.sub(r"\(\d[\d.]*\)", "", text)
    text = text.split(", ")[0].strip()
    if text in ("", "NULL"):
        return None, restart
    return text, restart


def wrap(items, sep, indent, first=0):
    """Join items with sep, breaking lines to stay within 80 columns."""
    lines = []
    cur = ""
    width = 79 - indent
    for i, item in enumerate(items):
        piece = item + (sep.rstrip() if i < len(items) - 1 else "")
        limit = width - (first if not lines else 0)
        if cur and len(cur) + 1 + len(piece) > limit:
            lines.append(cur)
            cur = piece
        else:
            cur = (cur + " " + piece) if cur else piece
    lines.append(cur)
    return ("\n" + " " * indent).join(lines)


def wrap_tokens(tokens, indent, first=0):
    """Join tokens with spaces, breaking lines to stay within 80 columns;
    the first line starts first columns further right than indent."""
    lines = []
    cur = ""
    for tok in tokens:
        limit = 79 - indent + (first if not lines else 0) - (
            0 if lines else first * 2)
        limit = 79 - (indent if lines else indent - first + 2)
        if cur and len(cur) + 1 + len(tok) > limit:
            lines.append(cur)
            cur = tok
        else:
            cur = (cur + " " + tok) if cur else tok
    lines.append(cur)
    return ("\n" + " " * indent).join(lines)


def c_string(s):
    if s is None:
        return "NULL"
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_tsv(name):
    with open(os.path.join(DATA, name), newline="") as f:
        return list(csv.DictReader(f, delimiter="\t"))


class Emitter:
    def __init__(self):
        self.lines = []
        self.enums = {}

    def enum_symbol(self, values):
        key = tuple(values)
        if key not in self.enums:
            self.enums[key] = "ev_%d" % len(self.enums)
        return self.enums[key]

    def option(self, name, scopes, dflt, restart, spec):
        flags = list(spec["flags"]) if spec else []
        if restart and "EC_OPT_RESTART" not in flags:
            flags.append("EC_OPT_RESTART")
        ctype = "EC_TYPE_" + (spec["type"].upper() if spec else "ANY")
        if spec and spec["dflt"] is not None:
            dflt = spec["dflt"]
        values = keys = nkeys = "NULL"
        nkeys = "0"
        lo = hi = "0"
        fn = "NULL"
        if spec and spec["values"]:
            values = self.enum_symbol(spec["values"])
        if spec and spec["keys"]:
            keys, nkeys = spec["keys"]
        if spec and spec["range"]:
            flags.append("EC_OPT_RANGE")
            lo, hi = ("INT64_C(%d)" % spec["range"][0],
                      "INT64_C(%d)" % spec["range"][1])
        if spec and spec["fn"]:
            fn = spec["fn"]
        bits = ["EC_BIT(%s)" % CORE[s] for s in scopes] or ["0"]
        tokens = [c_string(name) + ",", ctype + ",",
                  (" | ".join(flags) or "0") + ","]
        tokens += [b + " |" for b in bits[:-1]] + [bits[-1] + ","]
        tokens += [v + "," for v in (c_string(dflt), values, keys, nkeys,
                                     lo, hi, fn)] + ["NULL },"]
        self.lines.append("    { " + wrap_tokens(tokens, 6, 2))


def main():
    types = parse_types(TYPES)
    types.update(parse_types(EXTRA_TYPES))
    options = read_tsv("momentum4-options.tsv")
    modules = read_tsv("momentum4-modules.tsv")

    core = {}
    cluster = {"cluster": {}, "logs": {}}
    for row in options:
        if row["kind"] != "option":
            continue
        name = row["name"]
        if name.lower() in SKIP:
            continue
        scopes = [s.strip() for s in row["scopes"].split(",") if s.strip()]
        dflt, restart = clean_default(row["default"])
        scopes += EXTRA_SCOPES.get(name.lower(), [])
        core_scopes = sorted(set(s for s in scopes if s in CORE),
                             key=list(CORE).index)
        for s in scopes:
            if s in CLUSTER:
                cluster[s].setdefault(name.lower(), (name, dflt, restart))
            elif s not in CORE:
                sys.exit("gen-options: unknown scope %r for %s" % (s, name))
        if not core_scopes:
            continue
        key = (name.lower(), tuple(core_scopes))
        old = core.get(key)
        if old is None or (old[2] is None and dflt is not None):
            core[key] = (name, core_scopes, dflt, restart)
    for name, scopes, dflt in EXTRA_CORE:
        scopes = [s.strip() for s in scopes.split(",")]
        core[(name.lower(), tuple(scopes))] = (name, scopes, dflt or None,
                                               False)

    em = Emitter()
    em.lines.append("const ec_option_t ec_table_core_options[] = {")
    for key in sorted(core):
        name, scopes, dflt, restart = core[key]
        em.option(name, scopes, dflt, restart, types.get(name.lower()))
    em.lines.append("};")
    em.lines.append("const size_t ec_table_core_noptions =")
    em.lines.append("    sizeof(ec_table_core_options) /"
                    " sizeof(ec_table_core_options[0]);")
    em.lines.append("")
    for scope, sym in CLUSTER.items():
        em.lines.append("static const ec_option_t %s_options[] = {" % sym)
        for key in sorted(cluster[scope]):
            name, dflt, restart = cluster[scope][key]
            em.option(name, [], dflt, restart, types.get(key))
        em.lines.append("};")
        em.lines.append("")

    head = [
        "/* ecconf: option and module rows generated from the Momentum 4",
        " * option and module lists. Do not edit: change",
        " * scripts/gen-options.py or modules/data/ and run it again. */",
        "",
        "#include \"modules/table_defs.h\"",
        "",
    ]
    for values, sym in em.enums.items():
        head.append("static const char *const %s[] = {" % sym)
        head.append("    " + wrap([c_string(v) for v in values] + ["NULL"],
                                  ",", 4))
        head.append("};")
    head.append("")

    tail = emit_modules(modules)
    with open(OUT, "w") as f:
        f.write("\n".join(head + em.lines + tail) + "\n")


def emit_modules(modules):
    out = []
    registry = []
    for row in modules:
        lname = row["module"].lower()
        yes = {"yes": True, "no": False}
        singleton = yes[row["singleton"]]
        auto = yes[row["auto_loaded"]]
        if lname in HANDWRITTEN:
            out.append("extern const ec_module_t %s;" % HANDWRITTEN[lname])
            registry.append(HANDWRITTEN[lname])
            continue
        name = SPELLING.get(lname, row["module"])
        sym = "ec_mod_" + re.sub(r"\W", "_", lname)
        flags = ["EC_MOD_SINGLETON"] if singleton else []
        if auto:
            flags.append("EC_MOD_AUTOLOAD")
        naming = "EC_NAMING_ANON" if singleton else "EC_NAMING_OPTIONAL"
        out.append("extern const ec_module_t %s;" % sym)
        if lname == "cluster":
            out.extend(cluster_scopes(sym))
        else:
            out.append(
                "static const ec_scope_t %s_stanza = {\n"
                "    %s, %s,\n    %s, EC_SCOPE_NONE, EC_TYPE_STRING,\n"
                "    EC_SCOPE_MODULE | EC_SCOPE_OPEN,"
                " EC_BIT(EC_SCOPE_GLOBAL), NULL,\n"
                "    NULL, 0, &%s, NULL\n};"
                % (sym, c_string(name), c_string(lname), naming, sym))
        schemes = "NULL"
        nschemes = "0"
        if lname in SCHEMES:
            sname, clear, text = SCHEMES[lname]
            out.append("static const ec_scheme_t %s_schemes[] = {\n"
                       "    { %s, %s, 0,\n      %s },\n};"
                       % (sym, c_string(sname), clear, c_string(text)))
            schemes = sym + "_schemes"
            nschemes = "1"
        subs = "%s_scopes" % sym if lname == "cluster" else "NULL"
        out.append(
            "const ec_module_t %s = {\n"
            "    %s, %s, %s,\n"
            "    &%s_stanza, %s,\n    %s, %s, NULL, NULL,\n"
            "    \"options not checked: only the stanza syntax is\"\n};"
            % (sym, c_string(name), " | ".join(flags) or "0",
               c_string(row["version"]), sym, subs, schemes, nschemes))
        out.append("")
        registry.append(sym)
    for name, sym in EXTENSIONS.items():
        out.append("extern const ec_module_t %s;" % sym)
        registry.append(sym)
    out.append("")
    out.append("const ec_module_t *const ec_table_modules[] = {")
    for sym in sorted(registry, key=str.lower):
        out.append("    &%s," % sym)
    out.append("};")
    out.append("const size_t ec_table_nmodules =")
    out.append("    sizeof(ec_table_modules) / sizeof(ec_table_modules[0]);")
    return out


def cluster_scopes(sym):
    """The cluster module: its own and its logs options come from the list;
    the other sub-scopes are accepted unchecked. The list places the logs
    scope at the top level, the cluster page inside the module, so both
    are accepted."""
    rows = []
    rows.append(
        "static const ec_scope_t %s_stanza = {\n"
        "    \"cluster\", \"cluster\", EC_NAMING_ANON, EC_SCOPE_NONE,"
        " EC_TYPE_STRING,\n"
        "    EC_SCOPE_MODULE | EC_SCOPE_OPEN, EC_BIT(EC_SCOPE_GLOBAL), NULL,"
        "\n    cluster_options,\n"
        "    sizeof(cluster_options) / sizeof(cluster_options[0]),\n"
        "    &%s, NULL\n};" % (sym, sym))
    rows.append(
        "static const ec_scope_t %s_logs = {\n"
        "    \"logs\", \"cluster.logs\", EC_NAMING_ANON, EC_SCOPE_NONE,"
        " EC_TYPE_STRING,\n"
        "    EC_SCOPE_OPEN, EC_BIT(EC_SCOPE_GLOBAL), &%s_stanza,\n"
        "    cluster_logs_options,\n"
        "    sizeof(cluster_logs_options) /"
        " sizeof(cluster_logs_options[0]),\n"
        "    &%s, NULL\n};" % (sym, sym, sym))
    for sub, parent, naming in (("manager", "logs", "EC_NAMING_OPTIONAL"),
                                ("replicate", "stanza", "EC_NAMING_NAMED"),
                                ("topology", "stanza", "EC_NAMING_NAMED")):
        pid = "cluster.logs" if parent == "logs" else "cluster"
        rows.append(
            "static const ec_scope_t %s_%s = {\n"
            "    %s, %s,\n    %s, EC_SCOPE_NONE, EC_TYPE_STRING,\n"
            "    EC_SCOPE_OPEN, 0, &%s_%s, NULL, 0, &%s, NULL\n};"
            % (sym, sub, c_string(sub.capitalize() if sub != "manager"
                                  else "manager"),
               c_string(pid + "." + sub), naming, sym, parent, sym))
    rows.append("static const ec_scope_t *const %s_scopes[] = {\n"
                "    &%s_logs, &%s_manager,\n    &%s_replicate, &%s_topology,"
                " NULL\n};" % (sym, sym, sym, sym, sym))
    return rows


if __name__ == "__main__":
    main()
