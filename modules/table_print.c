/* ecconf: listings of the module table, as plain text for
 * "ecconf --modules" and as Markdown for docs/options.md. */

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "modules/table_defs.h"
#include "runtime/table.h"

enum { MAX_OPTIONS = 512 };

static const char *const core_scope_ids[EC_SCOPE__CORE_COUNT] = {
    [EC_SCOPE_GLOBAL] = "global",
    [EC_SCOPE_ESMTP_LISTENER] = "esmtp_listener",
    [EC_SCOPE_CONTROL_LISTENER] = "control_listener",
    [EC_SCOPE_HTTP_LISTENER] = "http_listener",
    [EC_SCOPE_ECSTREAM_LISTENER] = "ecstream_listener",
    [EC_SCOPE_XMPP_LISTENER] = "xmpp_listener",
    [EC_SCOPE_ECCLUSTER_LISTENER] = "eccluster_listener",
    [EC_SCOPE_MSGCSERVER_LISTENER] = "msgcserver_listener",
    [EC_SCOPE_LISTEN] = "listen",
    [EC_SCOPE_PEER] = "peer",
    [EC_SCOPE_PATHWAY] = "pathway",
    [EC_SCOPE_PATHWAY_GROUP] = "pathway_group",
    [EC_SCOPE_BINDING] = "binding",
    [EC_SCOPE_BINDING_GROUP] = "binding_group",
    [EC_SCOPE_DOMAIN] = "domain",
    [EC_SCOPE_HOST] = "host",
    [EC_SCOPE_THREADPOOL] = "threadpool",
    [EC_SCOPE_EVENTLOOP] = "eventloop",
    [EC_SCOPE_SECURITY] = "security",
    [EC_SCOPE_DEBUG_FLAGS] = "debug_flags",
    [EC_SCOPE_SNMP] = "snmp",
    [EC_SCOPE_SNMP_TRAPS] = "snmp_traps",
    [EC_SCOPE_SNMP_DESTINATION] = "destination",
    [EC_SCOPE_AUTHORIZATION] = "authorization",
    [EC_SCOPE_ROLE] = "role",
    [EC_SCOPE_AUTHZ_REPLICATE] = "replicate",
    [EC_SCOPE_ADAPTIVE_SWEEP_RULE] = "adaptive_sweep_rule",
    [EC_SCOPE_ADAPTIVE_BACKSTORE_LEVELDB] = "adaptive_backstore_leveldb",
    [EC_SCOPE_ADAPTIVE_BACKSTORE_RIAK] = "adaptive_backstore_riak",
    [EC_SCOPE_BINDING_AUTO_REPLUMB] = "binding_auto_replumb",
    [EC_SCOPE_BINDING_AUTO_REPLUMB_INTERVAL] =
        "binding_auto_replumb_interval",
};


/* "int 0..65535", "list of cidr", "enum: none|require",
 * "hash: uri* realm ...", "any (type not established)". */
static void
format_type(const ec_option_t *o, char *buf, size_t len)
{
    size_t used = 0, i;

    if (o->flags & EC_OPT_ARRAY)
        used += (size_t)snprintf(buf, len, "list of ");
    if (o->type == EC_TYPE_ANY) {
        snprintf(buf + used, len - used, "any (type not established)");
        return;
    }
    used += (size_t)snprintf(buf + used, len - used, "%s",
                             ec_table_type_name((ec_type_t)o->type));
    if ((o->flags & EC_OPT_RANGE) && used < len)
        used += (size_t)snprintf(buf + used, len - used, " %" PRId64 "..%"
                                 PRId64, o->min, o->max);
    for (i = 0; o->values != NULL && o->values[i] != NULL && used < len;
         i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                 i ? "|" : ": ", o->values[i]);
    for (i = 0; i < o->nkeys && used < len; i++)
        used += (size_t)snprintf(buf + used, len - used, "%s%s%s",
                                 i ? " " : ": ", o->keys[i].name,
                                 (o->keys[i].flags & EC_OPT_REQUIRED)
                                 ? "*" : "");
    if ((o->flags & EC_OPT_OPEN_KEYS) && used < len)
        snprintf(buf + used, len - used, "%s",
                 o->nkeys ? " ..." : " (any keys)");
}


static void
format_scopes(uint64_t bits, const char *sep, char *buf, size_t len)
{
    size_t used = 0, b;

    buf[0] = '\0';
    for (b = 0; b < EC_SCOPE__CORE_COUNT && used < len; b++) {
        if (bits & EC_BIT(b))
            used += (size_t)snprintf(buf + used, len - used, "%s%s",
                                     used ? sep : "", core_scope_ids[b]);
    }
}


static void
format_flags(uint16_t flags, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s%s%s%s",
             (flags & EC_OPT_ACTED) ? "ecconfd" : "accepted",
             (flags & EC_OPT_RESTART) ? ", restart" : "",
             (flags & EC_OPT_SECRET) ? ", secret" : "",
             (flags & EC_OPT_DEPRECATED) ? ", deprecated" : "",
             (flags & EC_OPT_EXTENSION) ? ", ecconf extension" : "");
}


static void
print_option_line(FILE *out, const ec_option_t *o, const char *where)
{
    char type[512], flags[96];

    format_type(o, type, sizeof(type));
    format_flags(o->flags, flags, sizeof(flags));
    fprintf(out, "    %-40s %s", o->name, type);
    if (o->dflt != NULL)
        fprintf(out, " = %s", o->dflt);
    fprintf(out, "  [%s]", flags);
    if (where != NULL)
        fprintf(out, "\n        in: %s", where);
    fputc('\n', out);
}


static const char *
naming_text(const ec_scope_t *s)
{
    switch (s->naming) {
    case EC_NAMING_ANON:
        return "anonymous";
    case EC_NAMING_NAMED:
        return "named";
    default:
        return "name optional";
    }
}


static void
print_scope_text(FILE *out, const ec_scope_t *s)
{
    static const ec_option_t *opts[MAX_OPTIONS];
    size_t n, i;

    fprintf(out, "  scope %s (%s%s%s)", s->name, naming_text(s),
            (s->flags & EC_SCOPE_OPEN) ? ", contents not checked" : "",
            (s->flags & EC_SCOPE_ACTED) ? ", ecconfd" : "");
    if (s->parent != NULL)
        fprintf(out, " in %s", s->parent->name);
    fputc('\n', out);
    if (s->core != EC_SCOPE_NONE)
        return;
    n = ec_table_scope_options(s, opts, MAX_OPTIONS);
    for (i = 0; i < n && i < MAX_OPTIONS; i++)
        print_option_line(out, opts[i], NULL);
}


static void
format_module_flags(const ec_module_t *m, char *buf, size_t len)
{
    snprintf(buf, len, "%s%s, %s, %s%s",
             (m->flags & EC_MOD_SINGLETON) ? "singleton" : "instances",
             (m->flags & EC_MOD_AUTOLOAD) ? ", auto-loaded" : "",
             (m->flags & EC_MOD_CHECKED) ? "options checked"
             : "options not checked",
             (m->flags & EC_MOD_ECCONFD) ? "ecconfd" : "accepted",
             (m->flags & EC_MOD_EXTENSION) ? ", ecconf extension" : "");
}


static void
print_module_text(FILE *out, const ec_module_t *m)
{
    char flags[160];
    size_t i;

    format_module_flags(m, flags, sizeof(flags));
    fprintf(out, "module %s (%s)\n", m->name, flags);
    for (i = 0; i < m->nschemes; i++)
        fprintf(out, "  scheme %s://\n", m->schemes[i].name);
    if (m->flags & EC_MOD_SCHEME_PER_SCOPE)
        fprintf(out, "  scheme NAME:// for each %s \"NAME\"\n",
                m->scheme_scope->name);
    if (!(m->flags & EC_MOD_CHECKED)) {
        fprintf(out, "  note: options of %s are not checked\n", m->name);
        return;
    }
    print_scope_text(out, m->stanza);
    for (i = 0; m->scopes != NULL && m->scopes[i] != NULL; i++)
        print_scope_text(out, m->scopes[i]);
}


void
ec_table_print_modules(FILE *out)
{
    char where[1024];
    size_t i;

    fprintf(out, "Core scopes\n");
    for (i = 0; i < EC_SCOPE__CORE_COUNT; i++) {
        const ec_scope_t *s = &ec_table_core_scopes[i];

        format_scopes(s->parents, " ", where, sizeof(where));
        fprintf(out, "  %-32s %s%s%s%s%s\n", s->name, naming_text(s),
                where[0] ? ", in: " : "", where,
                (s->flags & EC_SCOPE_OPEN) ? ", contents not checked" : "",
                (s->flags & EC_SCOPE_ACTED) ? ", ecconfd" : "");
    }
    fprintf(out, "\nCore schemes\n");
    for (i = 0; i < EC_TABLE_CORE_NSCHEMES; i++)
        fprintf(out, "  %s:// (%s)\n", ec_table_core_schemes[i].name,
                ec_table_core_schemes[i].help);
    fprintf(out, "\nCore options\n");
    for (i = 0; i < ec_table_core_option_count(); i++) {
        const ec_option_t *o = ec_table_core_option_at(i);

        format_scopes(o->scopes, " ", where, sizeof(where));
        print_option_line(out, o, where);
    }
    fprintf(out, "\nModules (every stanza also takes enabled and "
            "debug_level)\n");
    for (i = 0; i < ec_table_module_count(); i++)
        print_module_text(out, ec_table_module_at(i));
}


static void
print_md_option(FILE *out, const ec_option_t *o, const char *where)
{
    char type[512], flags[96];

    char *bar;

    format_type(o, type, sizeof(type));
    format_flags(o->flags, flags, sizeof(flags));
    /* A bare | would end the table cell. */
    while ((bar = strchr(type, '|')) != NULL)
        *bar = '/';
    fprintf(out, "| `%s` | %s | %s%s%s |", o->name, type,
            o->dflt ? "`" : "", o->dflt ? o->dflt : "", o->dflt ? "`" : "");
    if (where != NULL)
        fprintf(out, " %s |", where);
    fprintf(out, " %s |\n", flags);
}


static void
print_md_module(FILE *out, const ec_module_t *m)
{
    static const ec_option_t *opts[MAX_OPTIONS];
    const ec_scope_t *s;
    size_t i, k, n;

    fprintf(out, "\n### %s\n\n%s.\n", m->name, m->help ? m->help : "");
    for (i = 0; i == 0 || (m->scopes != NULL && m->scopes[i - 1] != NULL);
         i++) {
        s = i == 0 ? m->stanza : m->scopes[i - 1];
        fprintf(out, "\n`%s` (%s%s%s):\n\n", s->name, naming_text(s),
                s->parent ? ", inside " : "",
                s->parent ? s->parent->name : "");
        fprintf(out, "| option | type | default | ecconfd |\n"
                "|---|---|---|---|\n");
        n = ec_table_scope_options(s, opts, MAX_OPTIONS);
        for (k = 0; k < n && k < MAX_OPTIONS; k++)
            print_md_option(out, opts[k], NULL);
    }
}


void
ec_table_print_markdown(FILE *out)
{
    char where[1024], flags[160];
    size_t i;

    fprintf(out, "# ecelerity.conf options known to ecconf\n\n"
            "Generated by `build/tests/gen_options_doc` from the module "
            "table; do not edit.\nNames are case-insensitive. "
            "\"ecconfd\" marks what the daemon acts on; \"accepted\" "
            "options are\nchecked and listed but have no effect. "
            "\"any\" means the documentation\ndoes not establish the "
            "type, so any single value is accepted.\n");
    fprintf(out, "\n## Core scopes\n\n| scope | written | inside |\n"
            "|---|---|---|\n");
    for (i = 0; i < EC_SCOPE__CORE_COUNT; i++) {
        const ec_scope_t *s = &ec_table_core_scopes[i];

        format_scopes(s->parents, ", ", where, sizeof(where));
        fprintf(out, "| `%s` | %s%s | %s |\n", s->name, naming_text(s),
                (s->flags & EC_SCOPE_OPEN) ? ", not checked" : "", where);
    }
    fprintf(out, "\n## Core options\n\n"
            "| option | type | default | scopes | ecconfd |\n"
            "|---|---|---|---|---|\n");
    for (i = 0; i < ec_table_core_option_count(); i++) {
        const ec_option_t *o = ec_table_core_option_at(i);

        format_scopes(o->scopes, ", ", where, sizeof(where));
        print_md_option(out, o, where);
    }
    fprintf(out, "\n## Modules\n\nEvery module stanza also takes "
            "`enabled` (bool, default true) and `debug_level`\n(DEBUG, "
            "INFO, NOTICE, WARNING, ERROR or CRITICAL; default ERROR).\n\n"
            "| module | kind |\n|---|---|\n");
    for (i = 0; i < ec_table_module_count(); i++) {
        const ec_module_t *m = ec_table_module_at(i);

        format_module_flags(m, flags, sizeof(flags));
        fprintf(out, "| `%s` | %s |\n", m->name, flags);
    }
    for (i = 0; i < ec_table_module_count(); i++) {
        const ec_module_t *m = ec_table_module_at(i);

        if (m->flags & EC_MOD_CHECKED)
            print_md_module(out, m);
    }
}
