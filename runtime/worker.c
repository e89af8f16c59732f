/* ecconf: worker threads. Every worker watches every listening socket
 * through its own dup() of it, so a worker can drop a socket on reload or
 * shutdown without touching the others, and the kernel hands each new
 * connection to whichever worker's accept() runs first. */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/thread.h>

#include "runtime/daemon.h"
#include "runtime/http.h"
#include "runtime/paniclog.h"
#include "runtime/smtp.h"
#include "runtime/worker.h"


static void
ec_worker_lua_line(void *arg, const char *line)
{
    (void) arg;
    ec_paniclog_raw(EC_LOG_INFO, line);
}


/* This worker's own Lua state for a generation. The scripts passed the
 * same load when the generation was built, so a failure here is rare
 * (memory); ac_auth:// then returns a temporary failure. */
static ec_lua_t *
ec_worker_lua(ec_worker_t *w, const ec_rtconf_t *rc)
{
    ec_lua_config_t cfg;
    ec_lua_t       *E;
    char            err[1024];
    char            quoted[1100];

    ec_rtconf_lua_config(rc, &cfg);
    cfg.log = ec_worker_lua_line;
    E = ec_lua_new(&cfg, err, sizeof(err));
    if (E == NULL)
        ec_paniclog(EC_LOG_ERROR, "lua_error", " worker=%u error=%s", w->id,
                ec_paniclog_quote(quoted, sizeof(quoted), err, strlen(err)));
    return E;
}


static ec_wgen_t *
ec_wgen_new(ec_worker_t *w, ec_rtconf_t *rc)
{
    ec_wgen_t *g = calloc(1, sizeof(*g));

    if (g == NULL)
        abort();
    g->refs = 1;
    g->rc = rc;
    g->auth.authlog = w->d->authlog;
    g->auth.lua = rc->nscripts > 0 ? ec_worker_lua(w, rc) : NULL;
    return g;
}


ec_wgen_t *
ec_wgen_ref(ec_wgen_t *g)
{
    g->refs++;
    return g;
}


void
ec_wgen_unref(ec_wgen_t *g)
{
    if (g == NULL || --g->refs > 0)
        return;
    ec_lua_free(g->auth.lua);
    ec_rtconf_unref(g->rc);
    free(g);
}


const ec_rtlisten_t *
ec_worker_listen(ec_worker_t *w, const ec_socket_t *sock)
{
    const ec_rtconf_t *rc = w->gen->rc;
    unsigned           i;

    for (i = 0; i < rc->nlistens; i++) {
        if (strcmp(rc->listens[i].key, sock->key) == 0
                && rc->listens[i].proto == sock->proto)
            return &rc->listens[i];
    }
    return NULL;
}


static void
ec_worker_accept(struct evconnlistener *lev, evutil_socket_t fd,
        struct sockaddr *sa, int salen, void *arg)
{
    (void) lev;
    ec_smtp_accept(arg, fd, sa, salen);
}


static int
ec_worker_add_sock(ec_worker_t *w, ec_socket_t *sock)
{
    ec_wsock_t *ws;
    int         fd;

    fd = dup(sock->fd);
    if (fd < 0 || evutil_make_socket_nonblocking(fd) < 0
            || evutil_make_socket_closeonexec(fd) < 0) {
        char listen[600];

        ec_paniclog(EC_LOG_ERROR, "worker_error",
                " worker=%u listen=%s error=dup_failed", w->id,
                ec_paniclog_quote_str(listen, sizeof(listen),
                    sock->addr_text));
        if (fd >= 0)
            close(fd);
        return -1;
    }

    ws = calloc(1, sizeof(*ws));
    if (ws == NULL)
        abort();
    ws->w = w;
    ws->sock = sock;
    if (sock->proto == EC_PROTO_HTTP) {
        ws->http = ec_http_open(ws, fd);
    } else {
        ws->lev = evconnlistener_new(w->base, ec_worker_accept, ws,
                LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 0, fd);
    }
    if (ws->http == NULL && ws->lev == NULL) {
        close(fd);
        free(ws);
        return -1;
    }
    w->socks[w->nsocks++] = ws;
    return 0;
}


static void
ec_worker_remove_sock(ec_worker_t *w, unsigned i)
{
    ec_wsock_t *ws = w->socks[i];

    if (ws->lev != NULL)
        evconnlistener_free(ws->lev);
    if (ws->http != NULL)
        evhttp_free(ws->http);
    free(ws);
    memmove(&w->socks[i], &w->socks[i + 1],
            (w->nsocks - i - 1) * sizeof(w->socks[0]));
    w->nsocks--;
}


static int
ec_worker_has_sock(ec_worker_t *w, const ec_socket_t *sock)
{
    unsigned i;

    for (i = 0; i < w->nsocks; i++) {
        if (w->socks[i]->sock == sock)
            return 1;
    }
    return 0;
}


/* Make this worker watch exactly the live sockets of the daemon. */
static void
ec_worker_sync_socks(ec_worker_t *w)
{
    ec_daemon_t *d = w->d;
    unsigned     i;

    ec_daemon_lock(d);
    for (i = w->nsocks; i-- > 0;) {
        if (!w->socks[i]->sock->live || w->stopping)
            ec_worker_remove_sock(w, i);
    }
    for (i = 0; i < d->nsocks && !w->stopping; i++) {
        ec_socket_t *s = d->socks[i];

        if (s->live && s->fd >= 0 && !ec_worker_has_sock(w, s)
                && w->nsocks < EC_WORKER_MAX_SOCKETS)
            ec_worker_add_sock(w, s);
    }
    ec_daemon_unlock(d);

    for (i = 0; i < w->nsocks; i++) {
        if (w->socks[i]->http != NULL)
            ec_http_configure(w->socks[i]);
    }
}


static void
ec_worker_drain_expired(evutil_socket_t fd, short what, void *arg)
{
    ec_worker_t *w = arg;

    (void) fd;
    (void) what;
    ec_paniclog(EC_LOG_WARNING, "drain_timeout",
            " worker=%u sessions=%u", w->id, w->nsessions);
    while (w->sessions != NULL)
        ec_smtp_shutdown(w->sessions);
    event_base_loopexit(w->base, NULL);
}


static void
ec_worker_begin_stop(ec_worker_t *w)
{
    struct timeval tv = { 0, 0 };

    w->stopping = 1;
    ec_worker_sync_socks(w);
    if (w->nsessions == 0) {
        event_base_loopexit(w->base, NULL);
        return;
    }
    tv.tv_sec = w->d->opts.drain_s ? w->d->opts.drain_s : EC_DAEMON_DRAIN_S;
    w->drain = evtimer_new(w->base, ec_worker_drain_expired, w);
    evtimer_add(w->drain, &tv);
}


static void
ec_worker_notified(evutil_socket_t fd, short what, void *arg)
{
    ec_worker_t *w = arg;
    ec_rtconf_t *rc;
    int          stop;
    ec_wgen_t   *old;

    (void) fd;
    (void) what;
    pthread_mutex_lock(&w->lock);
    rc = w->pending;
    w->pending = NULL;
    stop = w->stop;
    pthread_mutex_unlock(&w->lock);

    if (rc != NULL) {
        old = w->gen;
        w->gen = ec_wgen_new(w, rc);
        ec_wgen_unref(old);
    }
    if (stop && !w->stopping)
        ec_worker_begin_stop(w);
    else if (!w->stopping)
        ec_worker_sync_socks(w);
}


static void *
ec_worker_main(void *arg)
{
    ec_worker_t *w = arg;
    sigset_t     all;

    /* Signals belong to the main thread's event loop. */
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);

    ec_worker_sync_socks(w);
    event_base_dispatch(w->base);

    while (w->nsocks > 0)
        ec_worker_remove_sock(w, w->nsocks - 1);
    return NULL;
}


int
ec_worker_start(ec_worker_t *w, ec_daemon_t *d, unsigned id,
        ec_rtconf_t *rc)
{
    memset(w, 0, sizeof(*w));
    w->id = id;
    w->d = d;
    pthread_mutex_init(&w->lock, NULL);
    w->base = event_base_new();
    if (w->base == NULL)
        return -1;
    w->notify = event_new(w->base, -1, 0, ec_worker_notified, w);
    w->gen = ec_wgen_new(w, ec_rtconf_ref(rc));
    if (pthread_create(&w->thread, NULL, ec_worker_main, w) != 0)
        return -1;
    return 0;
}


void
ec_worker_post(ec_worker_t *w, ec_rtconf_t *rc)
{
    ec_rtconf_t *old;

    pthread_mutex_lock(&w->lock);
    old = w->pending;
    w->pending = rc;
    pthread_mutex_unlock(&w->lock);
    ec_rtconf_unref(old);
    event_active(w->notify, 0, 0);
}


void
ec_worker_stop(ec_worker_t *w)
{
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_mutex_unlock(&w->lock);
    event_active(w->notify, 0, 0);
}


/* Frees what the worker's thread used; the thread has been joined. */
static void
ec_worker_free(ec_worker_t *w)
{
    if (w->drain != NULL)
        event_free(w->drain);
    event_free(w->notify);
    ec_rtconf_unref(w->pending);
    ec_wgen_unref(w->gen);
    event_base_free(w->base);
    free(w->http_conns);
    pthread_mutex_destroy(&w->lock);
}


int
ec_worker_join_until(ec_worker_t *w, const struct timespec *deadline)
{
    if (pthread_timedjoin_np(w->thread, NULL, deadline) != 0)
        return -1;
    ec_worker_free(w);
    return 0;
}


void
ec_worker_session_added(ec_worker_t *w)
{
    w->nsessions++;
}


void
ec_worker_session_removed(ec_worker_t *w)
{
    w->nsessions--;
    if (w->stopping && w->nsessions == 0)
        event_base_loopexit(w->base, NULL);
}
