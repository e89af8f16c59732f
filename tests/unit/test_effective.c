/* ecconf: tests of effective values: one case per link of the inbound
 * fallback chain, Peer matching, and the dumps with their redaction. */

#include <arpa/inet.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runtime/compile.h"
#include "runtime/effective.h"
#include "runtime/load.h"

/* Max_Receptions_Per_Connection is legal at every link: global, the
 * listener, Listen, Peer and both pathway scopes. */
static const char chain_conf[] =
    "Max_Receptions_Per_Connection = 1\n"                      /* 1 */
    "Pathway_Group \"grp\" {\n"                                 /* 2 */
    "  Max_Receptions_Per_Connection = 2\n"                    /* 3 */
    "  Pathway \"edge\" { Max_Receptions_Per_Connection = 3 }\n" /* 4 */
    "}\n"                                                      /* 5 */
    "Pathway \"edge\" { Max_Receptions_Per_Connection = 4 }\n"   /* 6 */
    "ESMTP_Listener {\n"                                       /* 7 */
    "  Max_Receptions_Per_Connection = 5\n"                    /* 8 */
    "  Peer \"10.0.0.0/8\" { Max_Receptions_Per_Connection = 6 }\n" /* 9 */
    "  Listen \":25\" {\n"                                      /* 10 */
    "    Max_Receptions_Per_Connection = 7\n"                  /* 11 */
    "    pathway = \"edge\"\n"                                  /* 12 */
    "    Peer \"10.1.0.0/16\" { Max_Receptions_Per_Connection = 8 }\n"
    "    Peer \"10.1.2.0/24\" { Idle_Time = 9 }\n"              /* 14 */
    "  }\n"
    "}\n";

typedef struct fixture {
    ec_tree_t      *tree;
    ec_compiled_t  *c;
    unsigned        errors;
} fixture_t;


static void
load(fixture_t *f, const char *text)
{
    ec_compile_options_t o;
    ec_diag_t            d;
    FILE                *null = fopen("/dev/null", "w");

    assert_non_null(null);
    ec_diag_init(&d, null, NULL);
    f->tree = ec_load_buffer("t.conf", text, strlen(text), NULL, &d);
    assert_non_null(f->tree);
    memset(&o, 0, sizeof(o));
    o.endpoints = 1;
    ec_compile(f->tree, &o, &d, &f->c);
    f->errors = d.errors;
    fclose(null);
}


static void
unload(fixture_t *f)
{
    ec_compiled_free(f->c);
    ec_tree_free(f->tree);
}


static void
endpoint(const fixture_t *f, ec_endpoint_t *ep, int peer, int lpeer)
{
    const ec_listener_t *l = &f->c->listeners[0];

    memset(ep, 0, sizeof(*ep));
    ep->listener = l;
    ep->listen = &l->listens[0];
    ep->peer = peer >= 0 ? &l->listens[0].peers[peer] : NULL;
    ep->lpeer = lpeer >= 0 && (uint32_t) lpeer < l->npeers
                ? &l->peers[lpeer] : NULL;
}


/* The effective Max_Receptions_Per_Connection of ep, with its origin. */
static const char *
receptions(const fixture_t *f, const ec_endpoint_t *ep, int *origin)
{
    ec_value_t v;

    assert_int_equal(ec_effective_get(f->c, ep,
                     "max_receptions_per_connection", &v), 0);
    *origin = v.origin;
    return ec_value_text(&v);
}


static void
test_chain_listen_peer(void **state)
{
    fixture_t     f;
    ec_endpoint_t ep;
    int           origin;

    (void) state;
    load(&f, chain_conf);
    assert_int_equal(f.errors, 0);
    endpoint(&f, &ep, 0, 0);
    assert_string_equal(receptions(&f, &ep, &origin), "8");
    assert_int_equal(origin, EC_FROM_PEER);
    unload(&f);
}


static void
test_chain_listen(void **state)
{
    fixture_t     f;
    ec_endpoint_t ep;
    int           origin;

    (void) state;
    load(&f, chain_conf);
    endpoint(&f, &ep, 1, 0);    /* that Peer sets only Idle_Time */
    assert_string_equal(receptions(&f, &ep, &origin), "7");
    assert_int_equal(origin, EC_FROM_LISTEN);
    unload(&f);
}


/* Each link below is uncovered by deleting the statement of the link
 * above it from the config. */
static void
test_chain_lower_links(void **state)
{
    static const struct {
        const char *drop;       /* line text removed from chain_conf */
        const char *value;
        int         origin;
    } links[] = {
        { "    Max_Receptions_Per_Connection = 7\n", "6",
          EC_FROM_LISTENER_PEER },
        { "  Peer \"10.0.0.0/8\" { Max_Receptions_Per_Connection = 6 }\n",
          "5", EC_FROM_LISTENER },
        { "  Max_Receptions_Per_Connection = 5\n", "3",
          EC_FROM_GROUP_PATHWAY },
        { "  Pathway \"edge\" { Max_Receptions_Per_Connection = 3 }\n", "4",
          EC_FROM_PATHWAY },
        { "Pathway \"edge\" { Max_Receptions_Per_Connection = 4 }\n", "1",
          EC_FROM_GLOBAL },
    };
    char          conf[sizeof(chain_conf)], *p;
    fixture_t     f;
    ec_endpoint_t ep;
    size_t        i;
    int           origin;

    (void) state;
    memcpy(conf, chain_conf, sizeof(conf));
    for (i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
        p = strstr(conf, links[i].drop);
        assert_non_null(p);
        memmove(p, p + strlen(links[i].drop),
                strlen(p + strlen(links[i].drop)) + 1);
        load(&f, conf);
        endpoint(&f, &ep, 1, 0);
        assert_string_equal(receptions(&f, &ep, &origin), links[i].value);
        assert_int_equal(origin, links[i].origin);
        unload(&f);
    }
}


/* The group's own value shows once no Pathway named "edge" sets one. */
static void
test_chain_pathway_group(void **state)
{
    fixture_t     f;
    ec_endpoint_t ep;
    int           origin;

    (void) state;
    load(&f, "Pathway_Group \"grp\" {\n  Max_Receptions_Per_Connection = 2\n"
         "  Pathway \"edge\" { }\n}\nESMTP_Listener {\n"
         "  Listen \":25\" { pathway = \"edge\" }\n}\n");
    assert_int_equal(f.errors, 0);
    endpoint(&f, &ep, -1, -1);
    assert_string_equal(receptions(&f, &ep, &origin), "2");
    assert_int_equal(origin, EC_FROM_PATHWAY_GROUP);
    unload(&f);
}


static void
test_chain_default_and_unset(void **state)
{
    fixture_t     f;
    ec_endpoint_t ep;
    ec_value_t    v;
    char          src[64];

    (void) state;
    load(&f, "ESMTP_Listener { Listen \":25\" { } }\n");
    endpoint(&f, &ep, -1, -1);
    assert_int_equal(ec_effective_get(f.c, &ep, "Listen_Backlog", &v), 0);
    assert_int_equal(v.origin, EC_FROM_DEFAULT);
    assert_string_equal(ec_value_text(&v), "500");
    ec_value_source(f.c, &v, src, sizeof(src));
    assert_string_equal(src, "default");
    assert_int_equal(ec_effective_get(f.c, &ep, "Banner_Hostname", &v), 1);
    assert_int_equal(ec_effective_get(f.c, &ep, "Hostname", &v), -1);
    unload(&f);
}


static void
test_value_source_line(void **state)
{
    fixture_t     f;
    ec_endpoint_t ep;
    ec_value_t    v;
    char          src[64];

    (void) state;
    load(&f, chain_conf);
    endpoint(&f, &ep, -1, -1);
    assert_int_equal(ec_effective_get(f.c, &ep, "pathway", &v), 0);
    ec_value_source(f.c, &v, src, sizeof(src));
    assert_string_equal(src, "t.conf:12");
    assert_string_equal(ec_origin_name(&v, &ep), "Listen");
    unload(&f);
}


static void
test_match_most_specific(void **state)
{
    fixture_t           f;
    ec_endpoint_t       ep;
    struct sockaddr_in  in;
    struct sockaddr_in6 in6;

    (void) state;
    load(&f, chain_conf);
    memset(&in, 0, sizeof(in));
    in.sin_family = AF_INET;
    inet_pton(AF_INET, "10.1.2.3", &in.sin_addr);
    ec_effective_endpoint(&f.c->listeners[0].listens[0],
                          (struct sockaddr *) &in, &ep);
    assert_ptr_equal(ep.peer, &f.c->listeners[0].listens[0].peers[1]);
    assert_ptr_equal(ep.lpeer, &f.c->listeners[0].peers[0]);

    memset(&in6, 0, sizeof(in6));
    in6.sin6_family = AF_INET6;
    inet_pton(AF_INET6, "::ffff:10.1.9.9", &in6.sin6_addr);
    ec_effective_endpoint(&f.c->listeners[0].listens[0],
                          (struct sockaddr *) &in6, &ep);
    assert_ptr_equal(ep.peer, &f.c->listeners[0].listens[0].peers[0]);

    inet_pton(AF_INET, "192.0.2.1", &in.sin_addr);
    ec_effective_endpoint(&f.c->listeners[0].listens[0],
                          (struct sockaddr *) &in, &ep);
    assert_null(ep.peer);
    assert_null(ep.lpeer);
    unload(&f);
}


static char *
dump(const fixture_t *f, int json, int secrets)
{
    char  *out = NULL;
    size_t len = 0;
    FILE  *fp = open_memstream(&out, &len);

    assert_non_null(fp);
    if (json) {
        ec_effective_dump_json(fp, f->c, secrets);
    } else {
        ec_effective_dump_text(fp, f->c, secrets);
    }
    fclose(fp);
    return out;
}


static void
test_dump_text_and_json(void **state)
{
    fixture_t f;
    char     *text, *json;

    (void) state;
    load(&f, chain_conf);
    text = dump(&f, 0, 0);
    assert_non_null(strstr(text, "  Listen :25 {  # t.conf:10\n"));
    assert_non_null(strstr(text, "    max_receptions_per_connection = 7  "
                           "# t.conf:11 (Listen)\n"));
    assert_non_null(strstr(text, "    Peer 10.0.0.0/8 {  # listener Peer, "
                           "t.conf:9\n"));
    assert_non_null(strstr(text, "    listen_backlog = 500  # default\n"));
    json = dump(&f, 1, 0);
    assert_non_null(strstr(json, "{\"name\": \"max_receptions_per_connection"
                           "\", \"value\": \"8\", \"source\": \"t.conf:13\", "
                           "\"from\": \"Peer\"}"));
    free(text);
    free(json);
    unload(&f);
}


static void
test_dump_redacts_secrets(void **state)
{
    fixture_t f;
    char     *hidden, *shown;

    (void) state;
    load(&f, "auth_ds { Scheme \"dsx\" { } }\nESMTP_Listener {\n"
         "  SMTP_Extensions = ( \"AUTH LOGIN\" )\n"
         "  AuthLoginParameters = [ uri = \"dsx://user:pw@host/\" ]\n"
         "  Listen \":25\" { }\n}\n");
    assert_int_equal(f.errors, 0);
    hidden = dump(&f, 0, 0);
    shown = dump(&f, 0, 1);
    assert_non_null(strstr(hidden, "uri = \"dsx://user:(secret)@host/\""));
    assert_null(strstr(hidden, "pw@"));
    assert_non_null(strstr(shown, "uri = dsx://user:pw@host/"));
    free(hidden);
    free(shown);
    unload(&f);
}


int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_chain_listen_peer),
        cmocka_unit_test(test_chain_listen),
        cmocka_unit_test(test_chain_lower_links),
        cmocka_unit_test(test_chain_pathway_group),
        cmocka_unit_test(test_chain_default_and_unset),
        cmocka_unit_test(test_value_source_line),
        cmocka_unit_test(test_match_most_specific),
        cmocka_unit_test(test_dump_text_and_json),
        cmocka_unit_test(test_dump_redacts_secrets),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
