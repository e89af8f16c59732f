/* ecconf: ecconfd's worker threads. Each has its own event_base and Lua
 * state and accepts from every listening socket. */
#ifndef EC_WORKER_H
#define EC_WORKER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <time.h>

#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>

#include "runtime/authdispatch.h"
#include "runtime/rtconf.h"

#define EC_WORKER_MAX_SOCKETS 128
#define EC_WORKER_LINE_MAX    (64 * 1024)

/* One listening socket. It outlives generations: a reload that keeps an
 * address keeps the socket, its counters and its session count. */
typedef struct ec_socket {
    char                key[EC_RTCONF_ADDR_MAX];
    char                addr_text[EC_RTCONF_ADDR_MAX];
    ec_proto_t          proto;
    const char         *listener;       /* static string */
    int                 fd;             /* -1 once closed */
    int                 live;           /* in the running configuration */
    char               *unix_path;      /* to unlink on close, or NULL */
    atomic_int          sessions;       /* open now, all workers */
    atomic_ullong       connections;
    atomic_ullong       auth_pass;
    atomic_ullong       auth_fail;
    atomic_ullong       auth_error;
    atomic_ullong       rejected;       /* Listener_Sessions full */
} ec_socket_t;

typedef struct ec_daemon ec_daemon_t;
typedef struct ec_worker ec_worker_t;
typedef struct ec_smtp ec_smtp_t;

/* A generation as one worker uses it: the shared configuration plus this
 * worker's Lua state. Sessions hold references; only the worker's own
 * thread touches refs. */
typedef struct ec_wgen {
    int             refs;
    ec_rtconf_t    *rc;
    ec_authctx_t    auth;
} ec_wgen_t;

/* This worker's accept side of one socket. */
typedef struct ec_wsock {
    ec_worker_t    *w;
    ec_socket_t    *sock;
    struct evconnlistener *lev;     /* ESMTP */
    struct evhttp  *http;           /* HTTP */
} ec_wsock_t;

struct ec_worker {
    unsigned        id;
    ec_daemon_t    *d;
    pthread_t       thread;
    struct event_base *base;
    struct event   *notify;
    struct event   *drain;
    pthread_mutex_t lock;           /* guards pending and stop */
    ec_rtconf_t    *pending;
    int             stop;
    int             stopping;
    ec_wgen_t      *gen;
    ec_wsock_t     *socks[EC_WORKER_MAX_SOCKETS];
    unsigned        nsocks;
    ec_smtp_t      *sessions;       /* list of open SMTP sessions */
    unsigned        nsessions;
    /* HTTP connections counted in their socket's sessions, indexed by
     * file descriptor, so a connection's later requests are not counted
     * again. */
    struct evhttp_connection **http_conns;
    size_t          nhttp_conns;
    char            line[EC_WORKER_LINE_MAX + 4];  /* scratch */
};

int         ec_worker_start(ec_worker_t *w, ec_daemon_t *d, unsigned id,
                ec_rtconf_t *rc);

/* Ask the worker, from any thread, to adopt rc (one reference moves to
 * the worker) and to sync its sockets with the daemon's table. */
void        ec_worker_post(ec_worker_t *w, ec_rtconf_t *rc);

/* Ask the worker to stop accepting, wait up to drain_s seconds for its
 * sessions, then leave its loop. */
void        ec_worker_stop(ec_worker_t *w);

/* Join the worker's thread and free its resources. Returns -1, with
 * nothing freed, when the thread is still running at deadline (an
 * absolute CLOCK_REALTIME time), e.g. stuck in one C call of a Lua
 * hook that the instruction hook cannot interrupt. */
int         ec_worker_join_until(ec_worker_t *w,
                const struct timespec *deadline);

ec_wgen_t  *ec_wgen_ref(ec_wgen_t *g);
void        ec_wgen_unref(ec_wgen_t *g);

/* The Listen of the worker's running generation that owns sock, or
 * NULL when the socket is no longer configured. */
const ec_rtlisten_t *ec_worker_listen(ec_worker_t *w,
                const ec_socket_t *sock);

/* Called by sessions. */
void        ec_worker_session_added(ec_worker_t *w);
void        ec_worker_session_removed(ec_worker_t *w);

#endif
