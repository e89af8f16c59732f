/* ecconf: "ecconf --dump --effective": every listener endpoint with the
 * value and source of each option that applies to it, as text or JSON. */
#include <string.h>

#include "runtime/compile_int.h"
#include "runtime/dump.h"
#include "runtime/effective.h"

#define EC_MAX_ROWS 1024
#define EC_SECRET   "(secret)"

typedef struct ec_edump {
    FILE               *out;
    const ec_compiled_t *c;
    int                 secrets;    /* print secrets as they are */
    int                 json;
    int                 depth;      /* text: indent level */
} ec_edump_t;

/* The rows that apply to one kind of endpoint of one kind of listener. */
typedef struct ec_rows {
    const ec_option_t  *rows[EC_MAX_ROWS];
    size_t              n;
} ec_rows_t;


static void
ec_rows_for(ec_rows_t *r, const char *scope_id, const ec_scope_t *listener)
{
    const ec_option_t *all[EC_MAX_ROWS];
    size_t             n, i;

    n = ec_table_scope_options(ec_table_scope_by_id(scope_id), all,
                               EC_MAX_ROWS);
    r->n = 0;
    for (i = 0; i < n && i < EC_MAX_ROWS; i++) {
        if (all[i]->scopes & EC_BIT(listener->core)) {
            r->rows[r->n++] = all[i];
        }
    }
}


/* The password of "scheme://user:password@host...", as offsets. */
static int
ec_uri_password(const char *s, size_t len, size_t *from, size_t *to)
{
    const char *sep = strstr(s, "://"), *auth, *end, *at, *colon;

    if (sep == NULL) {
        return 0;
    }
    auth = sep + 3;
    end = memchr(auth, '/', len - (size_t) (auth - s));
    end = end != NULL ? end : s + len;
    at = NULL;
    for (colon = auth; colon < end; colon++) {
        at = *colon == '@' ? colon : at;
    }
    colon = at != NULL ? memchr(auth, ':', (size_t) (at - auth)) : NULL;
    if (colon == NULL) {
        return 0;
    }
    *from = (size_t) (colon + 1 - s);
    *to = (size_t) (at - s);
    return 1;
}


static void
ec_put_text(ec_edump_t *d, const char *s, size_t len)
{
    if (d->json) {
        ec_json_string(d->out, s, len);
    } else {
        ec_dump_scalar(d->out, s, len);
    }
}


static void
ec_put_scalar(ec_edump_t *d, const char *s, size_t len, int secret)
{
    char   buf[1024];
    size_t from, to;

    if (secret && !d->secrets) {
        ec_put_text(d, EC_SECRET, sizeof(EC_SECRET) - 1);
    } else if (!d->secrets && ec_uri_password(s, len, &from, &to)) {
        if (len - (to - from) + sizeof(EC_SECRET) > sizeof(buf)) {
            ec_put_text(d, EC_SECRET, sizeof(EC_SECRET) - 1);
            return;
        }
        snprintf(buf, sizeof(buf), "%.*s%s%.*s", (int) from, s, EC_SECRET,
                 (int) (len - to), s + to);
        ec_put_text(d, buf, strlen(buf));
    } else {
        ec_put_text(d, s, len);
    }
}


static void
ec_put_hash(ec_edump_t *d, const ec_option_t *row, const ec_node_t *n)
{
    uint32_t i;

    fputs(d->json ? "{" : "[ ", d->out);
    for (i = 0; i < n->count; i++) {
        const ec_pair_t   *p = &n->u.pairs[i];
        const ec_option_t *key = ec_table_find_key(row, p->key.text,
                                                   p->key.len);
        int secret = key != NULL && (key->flags & EC_OPT_SECRET);

        if (d->json) {
            fputs(i > 0 ? ", " : "", d->out);
            ec_json_string(d->out, p->key.text, p->key.len);
            fputs(": ", d->out);
        } else {
            ec_dump_scalar(d->out, p->key.text, p->key.len);
            fputs(" = ", d->out);
        }
        ec_put_scalar(d, p->value.text, p->value.len, secret);
        fputs(d->json ? "" : " ", d->out);
    }
    fputs(d->json ? "}" : "]", d->out);
}


static void
ec_put_value(ec_edump_t *d, const ec_value_t *v)
{
    const ec_node_t *n = v->node;
    int              secret = (v->option->flags & EC_OPT_SECRET) != 0;
    uint32_t         i;

    if (n == NULL) {
        ec_put_scalar(d, v->dflt, strlen(v->dflt), secret);
    } else if (n->vkind == EC_VALUE_SCALAR) {
        ec_put_scalar(d, n->u.scalar.text, n->u.scalar.len, secret);
    } else if (n->vkind == EC_VALUE_ARRAY) {
        fputs(d->json ? "[" : "( ", d->out);
        for (i = 0; i < n->count; i++) {
            if (i > 0) {
                fputs(d->json ? ", " : " ", d->out);
            }
            ec_put_scalar(d, n->u.items[i].text, n->u.items[i].len, secret);
        }
        fputs(d->json ? "]" : " )", d->out);
    } else {
        ec_put_hash(d, v->option, n);
    }
}


static void
ec_indent(ec_edump_t *d)
{
    fprintf(d->out, "%*s", d->depth * 2, "");
}


static void
ec_node_source(const ec_compiled_t *c, const ec_node_t *n, char *buf,
    size_t len)
{
    snprintf(buf, len, "%s:%u", c->tree->files[n->name.file].path,
             (unsigned) n->name.line);
}


static void
ec_put_options(ec_edump_t *d, const ec_endpoint_t *ep, const ec_rows_t *r)
{
    ec_value_t v;
    char       src[4200];
    size_t     i;
    int        first = 1;

    fputs(d->json ? "\"options\": [" : "", d->out);
    for (i = 0; i < r->n; i++) {
        if (ec_effective_lookup(d->c, ep, r->rows[i], &v) != 0) {
            continue;
        }
        ec_value_source(d->c, &v, src, sizeof(src));
        if (d->json) {
            fprintf(d->out, "%s\n{\"name\": ", first ? "" : ",");
            ec_json_string(d->out, v.option->name, strlen(v.option->name));
            fputs(", \"value\": ", d->out);
            ec_put_value(d, &v);
            fputs(", \"source\": ", d->out);
            ec_json_string(d->out, src, strlen(src));
            fputs(", \"from\": ", d->out);
            ec_json_string(d->out, ec_origin_name(&v, ep),
                           strlen(ec_origin_name(&v, ep)));
            fputs("}", d->out);
        } else {
            ec_indent(d);
            fprintf(d->out, "%s = ", v.option->name);
            ec_put_value(d, &v);
            if (v.node == NULL) {
                fputs("  # default\n", d->out);
            } else {
                fprintf(d->out, "  # %s (%s)\n", src, ec_origin_name(&v, ep));
            }
        }
        first = 0;
    }
    fputs(d->json ? "]" : "", d->out);
}


/* Opens a scope: text "Name "instance" {  # FILE:LINE", JSON the start of
 * an object with its name, instance and source. */
static void
ec_open_scope(ec_edump_t *d, const char *name, const ec_node_t *n,
    const char *note, int first)
{
    const ec_scalar_t *inst = n->u.scope.instance;
    char               src[4200];

    ec_node_source(d->c, n, src, sizeof(src));
    if (d->json) {
        fprintf(d->out, "%s\n{\"scope\": \"%s\", \"instance\": ",
                first ? "" : ",", name);
        if (inst != NULL) {
            ec_json_string(d->out, inst->text, inst->len);
        } else {
            fputs("null", d->out);
        }
        fputs(", \"source\": ", d->out);
        ec_json_string(d->out, src, strlen(src));
        fputs(", ", d->out);
        return;
    }
    ec_indent(d);
    fputs(name, d->out);
    if (inst != NULL) {
        fputc(' ', d->out);
        ec_dump_scalar(d->out, inst->text, inst->len);
    }
    fprintf(d->out, " {  # %s%s\n", note, src);
    d->depth++;
}


static void
ec_close_scope(ec_edump_t *d)
{
    if (d->json) {
        fputs("}", d->out);
        return;
    }
    d->depth--;
    ec_indent(d);
    fputs("}\n", d->out);
}


static void
ec_put_peer(ec_edump_t *d, ec_endpoint_t *ep, const ec_peer_t *p,
    int listener_peer, const ec_rows_t *rows, int first)
{
    ec_open_scope(d, "Peer", p->scope.node,
                  listener_peer ? "listener Peer, " : "", first);
    if (d->json) {
        fprintf(d->out, "\"listener_peer\": %s, ",
                listener_peer ? "true" : "false");
    }
    ec_put_options(d, ep, rows);
    ec_close_scope(d);
}


static void
ec_put_listen(ec_edump_t *d, const ec_listen_t *l, const ec_rows_t *lrows,
    const ec_rows_t *prows, int first)
{
    ec_endpoint_t ep;
    uint32_t      i;

    memset(&ep, 0, sizeof(ep));
    ep.listener = l->listener;
    ep.listen = l;
    ec_open_scope(d, "Listen", l->scope.node, "", first);
    ec_put_options(d, &ep, lrows);
    fputs(d->json ? ", \"peers\": [" : "", d->out);
    for (i = 0; i < l->npeers; i++) {
        ep.peer = &l->peers[i];
        ec_put_peer(d, &ep, ep.peer, 0, prows, i == 0);
    }
    ep.peer = NULL;
    for (i = 0; i < l->listener->npeers; i++) {
        ep.lpeer = &l->listener->peers[i];
        ec_put_peer(d, &ep, ep.lpeer, 1, prows, i == 0 && l->npeers == 0);
    }
    fputs(d->json ? "]" : "", d->out);
    ec_close_scope(d);
}


static void
ec_put_listener(ec_edump_t *d, const ec_listener_t *l, int first)
{
    ec_rows_t lrows, prows;
    uint32_t  i;

    ec_rows_for(&lrows, "listen", l->kind);
    ec_rows_for(&prows, "peer", l->kind);
    ec_open_scope(d, l->kind->name, l->scope.node, "", first);
    fputs(d->json ? "\"listens\": [" : "", d->out);
    for (i = 0; i < l->nlistens; i++) {
        ec_put_listen(d, &l->listens[i], &lrows, &prows, i == 0);
    }
    fputs(d->json ? "]" : "", d->out);
    ec_close_scope(d);
}


static void
ec_effective_dump(FILE *out, const ec_compiled_t *c, int secrets, int json)
{
    ec_edump_t d = { out, c, secrets, json, 0 };
    uint32_t   i;

    fputs(json ? "{\"listeners\": [" : "", out);
    for (i = 0; i < c->nlisteners; i++) {
        if (!json && i > 0) {
            fputc('\n', out);
        }
        ec_put_listener(&d, &c->listeners[i], i == 0);
    }
    fputs(json ? "]}\n" : "", out);
}


void
ec_effective_dump_text(FILE *out, const ec_compiled_t *c, int show_secrets)
{
    ec_effective_dump(out, c, show_secrets, 0);
}


void
ec_effective_dump_json(FILE *out, const ec_compiled_t *c, int show_secrets)
{
    ec_effective_dump(out, c, show_secrets, 1);
}
