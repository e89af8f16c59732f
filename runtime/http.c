/* ecconf: HTTP_Listener. Every request is checked on its own: with
 * Enable_Authentication it needs HTTP Basic credentials, which go through
 * the scheme handler of AuthPlainParameters, the same as SMTP PLAIN. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/http.h>
#include <event2/http_struct.h>
#include <event2/keyvalq_struct.h>
#include <openssl/crypto.h>

#include "runtime/daemon.h"
#include "runtime/http.h"
#include "runtime/paniclog.h"
#include "runtime/sasl.h"

/* Larger than the Authorization limit, so that evhttp passes a too long
 * value to the handler, which records it, instead of rejecting the
 * request unseen. */
#define EC_HTTP_HEADER_MAX (64 * 1024)
#define EC_HTTP_AUTH_MAX   EC_SASL_BASIC_MAX

/* One HTTP connection counted against Listener_Sessions; freed when
 * libevent closes the connection. */
typedef struct ec_http_conn {
    ec_worker_t    *w;
    ec_socket_t    *sock;
    evutil_socket_t fd;
} ec_http_conn_t;

typedef struct ec_http_call {
    ec_wsock_t             *ws;
    const ec_rtlisten_t    *listen;
    struct evhttp_request  *req;
    ec_settings_t           set;
    ec_conn_info_t          conn;
    char                    remote[64];
    size_t                  bytes;
} ec_http_call_t;


static const char *
ec_http_method(enum evhttp_cmd_type cmd)
{
    switch (cmd) {
    case EVHTTP_REQ_GET:     return "GET";
    case EVHTTP_REQ_POST:    return "POST";
    case EVHTTP_REQ_HEAD:    return "HEAD";
    case EVHTTP_REQ_PUT:     return "PUT";
    case EVHTTP_REQ_DELETE:  return "DELETE";
    case EVHTTP_REQ_OPTIONS: return "OPTIONS";
    case EVHTTP_REQ_TRACE:   return "TRACE";
    case EVHTTP_REQ_CONNECT: return "CONNECT";
    case EVHTTP_REQ_PATCH:   return "PATCH";
    }
    return "UNKNOWN";
}


static void
ec_http_send(ec_http_call_t *c, int status, const char *reason,
        struct evbuffer *body)
{
    c->bytes = body != NULL ? evbuffer_get_length(body) : 0;
    evhttp_send_reply(c->req, status, reason, body);
}


static void
ec_http_send_text(ec_http_call_t *c, int status, const char *reason)
{
    struct evbuffer *body = evbuffer_new();

    evhttp_add_header(evhttp_request_get_output_headers(c->req),
            "Content-Type", "text/plain; charset=utf-8");
    evbuffer_add_printf(body, "%d %s\n", status, reason);
    ec_http_send(c, status, reason, body);
    evbuffer_free(body);
}


/* 401 with the Basic challenge; the realm is a quoted-string, so '"' and
 * '\' in it get a backslash. */
static void
ec_http_challenge(ec_http_call_t *c)
{
    const char *realm = c->set.plain != NULL && c->set.plain->realm != NULL
        ? c->set.plain->realm : c->set.hostname;
    char        value[600];
    size_t      n;
    size_t      i;

    n = (size_t) snprintf(value, sizeof(value), "Basic realm=\"");
    for (i = 0; realm[i] != '\0' && n < sizeof(value) - 40; i++) {
        if (realm[i] == '"' || realm[i] == '\\')
            value[n++] = '\\';
        value[n++] = realm[i];
    }
    snprintf(value + n, sizeof(value) - n, "\", charset=\"UTF-8\"");
    evhttp_add_header(evhttp_request_get_output_headers(c->req),
            "WWW-Authenticate", value);
    ec_http_send_text(c, 401, "Unauthorized");
}


static ec_auth_result_t
ec_http_check(ec_http_call_t *c, const ec_sasl_basic_t *basic)
{
    ec_auth_request_t req;
    ec_auth_reply_t   reply;
    ec_authoutcome_t  o;
    struct timespec   t0;
    struct timespec   t1;

    memset(&req, 0, sizeof(req));
    req.mechanism = "BASIC";
    req.username = basic->username;
    req.username_len = basic->username_len;
    req.password = basic->password;
    req.password_len = basic->password_len;
    req.realm = c->set.plain != NULL ? c->set.plain->realm : NULL;
    req.conn = &c->conn;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ec_authdispatch_check(&c->ws->w->gen->auth, c->set.plain,
            c->set.always_allow, c->set.always_deny, &req, &reply);
    clock_gettime(CLOCK_MONOTONIC, &t1);

    if (reply.result == EC_AUTH_ERROR) {
        char reason[300];

        ec_paniclog(EC_LOG_WARNING, "auth_tempfail",
                " conn=%llu listener=HTTP_Listener remote=%s mechanism=BASIC "
                "reason=%s", (unsigned long long) c->conn.conn_id, c->remote,
                ec_paniclog_quote_str(reason, sizeof(reason), reply.reason));
    }

    o.bind = c->set.plain;
    o.endpoint = c->listen->addr_text;
    o.req = &req;
    o.reply = &reply;
    o.result = ec_authdispatch_result(reply.result);
    o.reply_code = reply.result == EC_AUTH_OK ? 200
        : reply.result == EC_AUTH_FAIL ? 401 : 503;
    o.attempt = 1;
    o.duration_us = (t1.tv_sec - t0.tv_sec) * 1000000
        + (t1.tv_nsec - t0.tv_nsec) / 1000;
    ec_authdispatch_log(&c->ws->w->gen->auth, &o);
    return reply.result;
}


/* Record a Basic attempt that could not be decoded as malformed, with
 * the user-id when the decoder found one. */
static void
ec_http_record_malformed(ec_http_call_t *c, const ec_sasl_basic_t *basic,
        const char *reason)
{
    ec_auth_request_t req;
    ec_auth_reply_t   reply;
    ec_authoutcome_t  o;

    memset(&req, 0, sizeof(req));
    req.mechanism = "BASIC";
    req.username = basic->username;
    req.username_len = basic->username_len;
    req.conn = &c->conn;
    memset(&reply, 0, sizeof(reply));
    snprintf(reply.reason, sizeof(reply.reason), "%s", reason);

    o.bind = c->set.plain;
    o.endpoint = c->listen->addr_text;
    o.req = &req;
    o.reply = &reply;
    o.result = EC_AUTHLOG_MALFORMED;
    o.reply_code = 401;
    o.attempt = 1;
    o.duration_us = -1;
    ec_authdispatch_log(&c->ws->w->gen->auth, &o);
}


/* Returns 1 when the request may proceed; otherwise the reply is sent. */
static int
ec_http_authorize(ec_http_call_t *c)
{
    struct evkeyvalq *hdrs = evhttp_request_get_input_headers(c->req);
    const char       *value = evhttp_find_header(hdrs, "Authorization");
    char              buf[EC_SASL_DECODED_SIZE(EC_HTTP_AUTH_MAX)];
    ec_sasl_basic_t   basic;
    ec_sasl_status_t  st;
    ec_auth_result_t  result;
    ec_socket_t      *sock = c->ws->sock;

    if (!c->set.enable_authentication)
        return 1;
    if (value == NULL) {
        ec_http_challenge(c);
        return 0;
    }
    st = ec_sasl_basic_parse(value, strlen(value), buf, sizeof(buf),
            &basic);
    if (st != EC_SASL_OK) {
        ec_http_record_malformed(c, &basic, st == EC_SASL_ERR_TOO_LONG
                ? "header_too_long" : ec_sasl_status_name(st));
        OPENSSL_cleanse(buf, sizeof(buf));
        ec_http_challenge(c);
        return 0;
    }

    result = ec_http_check(c, &basic);
    OPENSSL_cleanse(buf, sizeof(buf));
    if (result == EC_AUTH_OK) {
        atomic_fetch_add(&sock->auth_pass, 1);
        return 1;
    }
    if (result == EC_AUTH_FAIL) {
        atomic_fetch_add(&sock->auth_fail, 1);
        ec_http_challenge(c);
    } else {
        atomic_fetch_add(&sock->auth_error, 1);
        evhttp_add_header(evhttp_request_get_output_headers(c->req),
                "Retry-After", "30");
        ec_http_send_text(c, 503, "Service Unavailable");
    }
    return 0;
}


static void
ec_http_route(ec_http_call_t *c)
{
    const char      *path = evhttp_uri_get_path(
            evhttp_request_get_evhttp_uri(c->req));
    struct evbuffer *body;

    if (path == NULL || strcmp(path, "/status") != 0) {
        ec_http_send_text(c, 404, "Not Found");
        return;
    }
    if (evhttp_request_get_command(c->req) != EVHTTP_REQ_GET
            && evhttp_request_get_command(c->req) != EVHTTP_REQ_HEAD) {
        evhttp_add_header(evhttp_request_get_output_headers(c->req),
                "Allow", "GET, HEAD");
        ec_http_send_text(c, 405, "Method Not Allowed");
        return;
    }
    body = evbuffer_new();
    ec_daemon_status_json(c->ws->w->d, body);
    evhttp_add_header(evhttp_request_get_output_headers(c->req),
            "Content-Type", "application/json");
    ec_http_send(c, 200, "OK", body);
    evbuffer_free(body);
}


static void
ec_http_log(ec_http_call_t *c, const struct timespec *t0)
{
    struct timespec t1;
    char            uri[600];
    char            listen[600];
    const char     *raw = evhttp_request_get_uri(c->req);
    double          ms;

    clock_gettime(CLOCK_MONOTONIC, &t1);
    ms = (double) (t1.tv_sec - t0->tv_sec) * 1e3
        + (double) (t1.tv_nsec - t0->tv_nsec) / 1e6;
    ec_paniclog_quote(uri, sizeof(uri), raw, strlen(raw));
    ec_paniclog(EC_LOG_INFO, "http_request",
            " listener=HTTP_Listener listen=%s remote=%s:%d method=%s "
            "uri=%s version=HTTP/%d.%d status=%d bytes=%zu ms=%.3f",
            ec_paniclog_quote_str(listen, sizeof(listen),
                c->listen->addr_text),
            c->remote, c->conn.remote_port,
            ec_http_method(evhttp_request_get_command(c->req)), uri,
            c->req->major, c->req->minor,
            evhttp_request_get_response_code(c->req), c->bytes, ms);
}


static void
ec_http_peer(ec_http_call_t *c, const struct sockaddr *sa)
{
    const struct sockaddr_in  *in4 = (const struct sockaddr_in *) sa;
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *) sa;

    snprintf(c->remote, sizeof(c->remote), "unix");
    if (sa != NULL && sa->sa_family == AF_INET) {
        inet_ntop(AF_INET, &in4->sin_addr, c->remote, sizeof(c->remote));
        c->conn.remote_port = ntohs(in4->sin_port);
    } else if (sa != NULL && sa->sa_family == AF_INET6) {
        inet_ntop(AF_INET6, &in6->sin6_addr, c->remote, sizeof(c->remote));
        c->conn.remote_port = ntohs(in6->sin6_port);
    }
    c->conn.protocol = EC_PROTO_HTTP;
    c->conn.listener = "HTTP_Listener";
    c->conn.remote_addr = c->remote;
    c->conn.local_addr = c->listen->addr_text;
    c->conn.conn_id = atomic_fetch_add(&c->ws->w->d->conn_ids, 1) + 1;
}


static void
ec_http_conn_closed(struct evhttp_connection *evcon, void *arg)
{
    ec_http_conn_t *hc = arg;
    ec_worker_t    *w = hc->w;

    if (hc->fd >= 0 && (size_t) hc->fd < w->nhttp_conns
            && w->http_conns[hc->fd] == evcon)
        w->http_conns[hc->fd] = NULL;
    atomic_fetch_sub(&hc->sock->sessions, 1);
    evhttp_connection_set_closecb(evcon, NULL, NULL);
    free(hc);
}


/* Records evcon under its descriptor. Returns 1 when it was already
 * counted, 0 when it is new. */
static int
ec_http_conn_seen(ec_worker_t *w, evutil_socket_t fd,
        struct evhttp_connection *evcon)
{
    size_t                     n;
    struct evhttp_connection **grown;

    if ((size_t) fd < w->nhttp_conns && w->http_conns[fd] == evcon)
        return 1;
    if ((size_t) fd >= w->nhttp_conns) {
        n = w->nhttp_conns != 0 ? w->nhttp_conns : 64;
        while (n <= (size_t) fd)
            n *= 2;
        grown = realloc(w->http_conns, n * sizeof(*grown));
        if (grown == NULL)
            abort();
        memset(grown + w->nhttp_conns, 0,
                (n - w->nhttp_conns) * sizeof(*grown));
        w->http_conns = grown;
        w->nhttp_conns = n;
    }
    w->http_conns[fd] = evcon;
    return 0;
}


/* Counts the connection of a first request in its socket's sessions.
 * When Listener_Sessions is reached, replies 503 with Retry-After and
 * closes the connection. A connection is counted from its first request
 * until it closes; one that never sends a request ends at Idle_Time. */
static int
ec_http_admit(ec_http_call_t *c)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(c->req);
    struct evkeyvalq         *headers;
    ec_http_conn_t           *hc;
    evutil_socket_t           fd;
    int                       limit = c->set.listener_sessions;

    fd = bufferevent_getfd(evhttp_connection_get_bufferevent(evcon));
    if (fd < 0 || ec_http_conn_seen(c->ws->w, fd, evcon))
        return 1;
    if (atomic_fetch_add(&c->ws->sock->sessions, 1) >= limit && limit > 0) {
        atomic_fetch_sub(&c->ws->sock->sessions, 1);
        atomic_fetch_add(&c->ws->sock->rejected, 1);
        c->ws->w->http_conns[fd] = NULL;
        headers = evhttp_request_get_output_headers(c->req);
        evhttp_add_header(headers, "Retry-After", "30");
        evhttp_add_header(headers, "Connection", "close");
        ec_http_send_text(c, 503, "Service Unavailable");
        return 0;
    }
    hc = malloc(sizeof(*hc));
    if (hc == NULL)
        abort();
    hc->w = c->ws->w;
    hc->sock = c->ws->sock;
    hc->fd = fd;
    evhttp_connection_set_closecb(evcon, ec_http_conn_closed, hc);

    /* The evhttp-wide timeout is the Listen's; a Peer may set its own. */
    if (c->set.idle_time > 0)
        evhttp_connection_set_timeout(evcon, c->set.idle_time);
    return 1;
}


static void
ec_http_request(struct evhttp_request *req, void *arg)
{
    ec_http_call_t          c;
    struct timespec         t0;
    const struct sockaddr  *sa;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    memset(&c, 0, sizeof(c));
    c.ws = arg;
    c.req = req;
    c.listen = ec_worker_listen(c.ws->w, c.ws->sock);
    if (c.listen == NULL) {
        evhttp_send_error(req, 503, NULL);
        return;
    }
    sa = evhttp_connection_get_addr(evhttp_request_get_connection(req));
    ec_rtconf_resolve(c.listen, sa, &c.set);
    ec_http_peer(&c, sa);

    if (ec_http_admit(&c)) {
        /* Enable = false in a Peer turns its clients away. */
        if (c.set.always_deny || !c.set.enable)
            ec_http_send_text(&c, 403, "Forbidden");
        else if (c.set.always_allow || ec_http_authorize(&c))
            ec_http_route(&c);
    }

    if (c.set.log_requests)
        ec_http_log(&c, &t0);
}


/* evhttp calls this for each new connection, so connections are counted
 * here. */
static struct bufferevent *
ec_http_new_conn(struct event_base *base, void *arg)
{
    ec_wsock_t *ws = arg;

    atomic_fetch_add(&ws->sock->connections, 1);
    return bufferevent_socket_new(base, -1, BEV_OPT_CLOSE_ON_FREE);
}


struct evhttp *
ec_http_open(ec_wsock_t *ws, int fd)
{
    struct evhttp *http = evhttp_new(ws->w->base);

    if (http == NULL)
        return NULL;
    evhttp_set_gencb(http, ec_http_request, ws);
    evhttp_set_bevcb(http, ec_http_new_conn, ws);
    evhttp_set_max_headers_size(http, EC_HTTP_HEADER_MAX);
    evhttp_set_max_body_size(http, 1024 * 1024);
    evhttp_set_allowed_methods(http, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD
            | EVHTTP_REQ_POST | EVHTTP_REQ_PUT | EVHTTP_REQ_DELETE
            | EVHTTP_REQ_OPTIONS | EVHTTP_REQ_PATCH);
    if (evhttp_accept_socket_with_handle(http, fd) == NULL) {
        evhttp_free(http);
        return NULL;
    }
    ws->http = http;
    ec_http_configure(ws);
    return http;
}


void
ec_http_configure(ec_wsock_t *ws)
{
    const ec_rtlisten_t *l = ec_worker_listen(ws->w, ws->sock);

    if (l != NULL && l->base.idle_time > 0)
        evhttp_set_timeout(ws->http, l->base.idle_time);
}
