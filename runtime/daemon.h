/* ecconf: ecconfd's main thread: sockets, workers, signals, reload. */
#ifndef EC_DAEMON_H
#define EC_DAEMON_H

#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

#include <event2/buffer.h>

#include "runtime/rtconf.h"
#include "runtime/worker.h"

#define EC_DAEMON_MAX_WORKERS 256
#define EC_DAEMON_DRAIN_S     10
/* Seconds a worker gets after the drain time to close its sessions and
 * leave its loop before the daemon exits without it. */
#define EC_DAEMON_GRACE_S     2

typedef struct ec_daemon_options {
    const char     *conf_path;
    const char     *pidfile;        /* overrides Pidfile, or NULL */
    int             foreground;
    int             check_only;
    unsigned        workers;        /* 0: one per core */
    unsigned        drain_s;        /* 0: EC_DAEMON_DRAIN_S */
} ec_daemon_options_t;

struct ec_daemon {
    ec_daemon_options_t opts;
    struct event_base *base;
    pthread_mutex_t lock;           /* guards socks and rc */
    ec_socket_t    *socks[EC_WORKER_MAX_SOCKETS];
    unsigned        nsocks;
    ec_rtconf_t    *rc;
    unsigned        generation;
    ec_worker_t    *workers;
    unsigned        nworkers;
    time_t          started;
    char            pidfile[4096];
    int             pidfile_written;
    atomic_ullong   conn_ids;
    void           *authlog;        /* ec_authlog_t, or NULL */
};

/* Run until SIGTERM or SIGINT. Returns the exit status. */
int         ec_daemon_run(const ec_daemon_options_t *opts);

/* Append the /status JSON document to out. */
void        ec_daemon_status_json(ec_daemon_t *d, struct evbuffer *out);

/* The worker list is read under d->lock; sockets in d->socks stay
 * allocated until the daemon exits. */
void        ec_daemon_lock(ec_daemon_t *d);
void        ec_daemon_unlock(ec_daemon_t *d);

#endif
