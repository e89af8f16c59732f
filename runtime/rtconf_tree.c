/* ecconf: read option values from the syntax tree for rtconf. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/rtconf_tree.h"
#include "runtime/table.h"


static const ec_node_t *
ec_rttree_find(const ec_node_t *n, const char *key, const ec_node_t *found)
{
    for (; n != NULL; n = n->next) {
        if (n->kind == EC_NODE_INCLUDE)
            found = ec_rttree_find(n->u.include.children, key, found);
        else if (n->kind == EC_NODE_OPTION && strcmp(n->key, key) == 0)
            found = n;
    }
    return found;
}


const ec_node_t *
ec_rttree_option(const ec_node_t *children, const char *key)
{
    return ec_rttree_find(children, key, NULL);
}


const ec_node_t *
ec_rtchain_option(const ec_rtchain_t *c, const char *key)
{
    const ec_node_t *opt;
    unsigned         i;

    for (i = 0; i < c->n; i++) {
        if (c->scopes[i] == NULL)
            continue;
        opt = ec_rttree_option(c->scopes[i], key);
        if (opt != NULL)
            return opt;
    }
    return NULL;
}


void
ec_rttree_scopes(const ec_node_t *n, const char *key,
        ec_rttree_visit_fn fn, void *arg)
{
    for (; n != NULL; n = n->next) {
        if (n->kind == EC_NODE_INCLUDE)
            ec_rttree_scopes(n->u.include.children, key, fn, arg);
        else if (n->kind == EC_NODE_SCOPE && strcmp(n->key, key) == 0)
            fn(n, arg);
    }
}


int
ec_rttree_parse_bool(const char *t)
{
    static const char *const yes[] = { "true", "yes", "on", "enabled", "1" };
    static const char *const no[] = { "false", "no", "off", "disabled", "0" };
    size_t i;

    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strcasecmp(t, yes[i]) == 0)
            return 1;
        if (strcasecmp(t, no[i]) == 0)
            return 0;
    }
    return -1;
}


int
ec_rttree_parse_int(const char *text, long long *out)
{
    char *end;

    errno = 0;
    *out = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0')
        return -1;
    return 0;
}


static const char *
ec_rtchain_scalar(const ec_rtchain_t *c, const char *key)
{
    const ec_node_t *opt = ec_rtchain_option(c, key);

    if (opt == NULL || opt->vkind != EC_VALUE_SCALAR)
        return NULL;
    return opt->u.scalar.text;
}


int
ec_rtchain_bool(const ec_rtchain_t *c, const char *key, int def)
{
    const char *text = ec_rtchain_scalar(c, key);
    int         v;

    if (text == NULL)
        return def;
    v = ec_rttree_parse_bool(text);
    return v < 0 ? def : v;
}


long long
ec_rtchain_int(const ec_rtchain_t *c, const char *key, long long def)
{
    const char *text = ec_rtchain_scalar(c, key);
    long long   v;

    if (text == NULL || ec_rttree_parse_int(text, &v) < 0)
        return def;
    return v;
}


const char *
ec_rtchain_string(const ec_rtchain_t *c, const char *key, const char *def)
{
    const char *text = ec_rtchain_scalar(c, key);

    return text != NULL ? text : def;
}


const ec_scalar_t *
ec_rttree_hash_get(const ec_node_t *opt, const char *key)
{
    const ec_scalar_t *found = NULL;
    uint32_t           i;

    if (opt->vkind != EC_VALUE_HASH)
        return NULL;
    for (i = 0; i < opt->count; i++) {
        if (strcasecmp(opt->u.pairs[i].key.text, key) == 0)
            found = &opt->u.pairs[i].value;
    }
    return found;
}


int
ec_rttree_table_range(const char *scope_id, const char *key,
        const char **dflt, long long *min, long long *max)
{
    const ec_scope_t  *scope = ec_table_scope_by_id(scope_id);
    const ec_option_t *row;

    if (scope == NULL)
        return -1;
    row = ec_table_find_option(scope, key, strlen(key));
    if (row == NULL)
        return -1;
    *dflt = row->dflt;
    *min = row->min;
    *max = row->max;
    return 0;
}
