/* ecconf: ecconfd's main thread. It owns the listening sockets, the
 * running configuration and the signals; the workers do all the I/O. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <event2/event.h>
#include <event2/thread.h>

#include "runtime/daemon.h"
#include "runtime/authlog.h"
#include "runtime/daemon_socket.h"
#include "runtime/paniclog.h"
#include "runtime/spool.h"


void
ec_daemon_lock(ec_daemon_t *d)
{
    pthread_mutex_lock(&d->lock);
}


void
ec_daemon_unlock(ec_daemon_t *d)
{
    pthread_mutex_unlock(&d->lock);
}


/* Log each "FILE:LINE:COL: error: ..." line of a failed load as the
 * error= value, the key that every reload_failed line uses. The source
 * excerpt and caret lines that follow are for a terminal only. */
static void
ec_daemon_log_diag(const char *text, const char *event)
{
    const char *line = text;
    char        quoted[700];

    while (line != NULL && *line != '\0') {
        const char *end = strchr(line, '\n');
        size_t      len = end != NULL ? (size_t) (end - line) : strlen(line);

        if (memmem(line, len, "error: ", 7) != NULL)
            ec_paniclog(EC_LOG_ERROR, event, " error=%s",
                    ec_paniclog_quote(quoted, sizeof(quoted), line, len));
        line = end != NULL ? end + 1 : NULL;
    }
}


/* Build a generation from the file; diagnostics go to the log (and to
 * stderr in the foreground). */
static ec_rtconf_t *
ec_daemon_load(ec_daemon_t *d, const char *event)
{
    char        *text = NULL;
    size_t       len = 0;
    FILE        *mem = open_memstream(&text, &len);
    ec_diag_t    diag;
    ec_rtconf_t *rc;

    ec_diag_init(&diag, mem, NULL);
    rc = ec_rtconf_load(d->opts.conf_path, &diag);
    if (rc == NULL && diag.errors == 0)
        fprintf(mem, "%s: error: cannot read the configuration file\n",
                d->opts.conf_path);
    fclose(mem);

    if (rc == NULL) {
        /* The full diagnostics (source line, caret, include chain) go to
         * the terminal only at start. On reload stderr is the event log
         * in the foreground, and the event lines carry each message. */
        if (d->base == NULL)
            fputs(text, stderr);
        ec_daemon_log_diag(text, event);
    }
    free(text);
    return rc;
}


static int
ec_daemon_write_pidfile(const char *path)
{
    FILE *f = fopen(path, "we");

    if (f == NULL)
        return -1;
    fprintf(f, "%ld\n", (long) getpid());
    return fclose(f);
}


/* Apply a new generation: open its new sockets first, so a Listen that
 * cannot be opened rejects the reload with nothing changed. */
static int
ec_daemon_install(ec_daemon_t *d, ec_rtconf_t *rc)
{
    char     err[512];
    char     qerr[700];
    char     qpath[600];
    unsigned i;

    if (ec_spool_init(rc->spool) < 0) {
        snprintf(err, sizeof(err), "cannot create spool folder: %s",
                strerror(errno));
        ec_paniclog(EC_LOG_ERROR, "reload_failed", " error=%s path=%s",
                ec_paniclog_quote_str(qerr, sizeof(qerr), err),
                ec_paniclog_quote_str(qpath, sizeof(qpath), rc->spool));
        return -1;
    }
    ec_daemon_lock(d);
    if (ec_daemon_sockets_prepare(d, rc, err, sizeof(err)) < 0) {
        ec_daemon_unlock(d);
        ec_paniclog(EC_LOG_ERROR, "reload_failed", " error=%s",
                ec_paniclog_quote_str(qerr, sizeof(qerr), err));
        return -1;
    }
    ec_daemon_sockets_commit(d, rc);
    ec_rtconf_unref(d->rc);
    d->rc = rc;
    rc->generation = ++d->generation;
    ec_daemon_unlock(d);

    for (i = 0; i < d->nworkers; i++)
        ec_worker_post(&d->workers[i], ec_rtconf_ref(rc));
    ec_daemon_sockets_close_dead(d);
    return 0;
}


static void
ec_daemon_reload(ec_daemon_t *d)
{
    ec_rtconf_t *rc;
    char         conf[600];

    ec_paniclog(EC_LOG_INFO, "reload", " conf=%s",
            ec_paniclog_quote_str(conf, sizeof(conf), d->opts.conf_path));
    rc = ec_daemon_load(d, "reload_failed");
    if (rc == NULL) {
        ec_paniclog(EC_LOG_ERROR, "reload_rejected",
                " generation=%u reason=\"configuration has errors\"",
                d->generation);
        return;
    }
    if (ec_daemon_install(d, rc) < 0) {
        ec_rtconf_unref(rc);
        ec_paniclog(EC_LOG_ERROR, "reload_rejected",
                " generation=%u reason=\"cannot apply the configuration\"",
                d->generation);
        return;
    }
    if (d->rc->paniclog != NULL && !d->opts.foreground)
        ec_paniclog_open(d->rc->paniclog);
    ec_paniclog(EC_LOG_INFO, "reload_done", " generation=%u listens=%u",
            d->generation, d->rc->nlistens);
}


static void
ec_daemon_signal(evutil_socket_t sig, short what, void *arg)
{
    ec_daemon_t *d = arg;

    (void) what;
    if (sig == SIGHUP) {
        /* The acctlog is reopened at the next batch, after rotation. */
        if (d->authlog != NULL)
            ec_authlog_reopen(d->authlog);
        ec_daemon_reload(d);
        return;
    }
    ec_paniclog(EC_LOG_INFO, "stop", " signal=%s",
            sig == SIGTERM ? "TERM" : "INT");
    event_base_loopbreak(d->base);
}


static int
ec_daemon_detach(void)
{
    pid_t pid = fork();
    int   fd;

    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit(0);
    setsid();
    pid = fork();
    if (pid < 0)
        return -1;
    if (pid > 0)
        _exit(0);

    /* The working folder stays: relative defaults (spool, pid file)
     * are resolved against it on every reload. */
    fd = open("/dev/null", O_RDWR);
    if (fd >= 0) {
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (fd > 2)
            close(fd);
    }
    return 0;
}


static unsigned
ec_daemon_worker_count(const ec_daemon_t *d)
{
    long n = d->opts.workers;

    if (n == 0)
        n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1)
        n = 1;
    if (n > EC_DAEMON_MAX_WORKERS)
        n = EC_DAEMON_MAX_WORKERS;
    return (unsigned) n;
}


static int
ec_daemon_start_workers(ec_daemon_t *d)
{
    unsigned i;

    d->nworkers = ec_daemon_worker_count(d);
    d->workers = calloc(d->nworkers, sizeof(ec_worker_t));
    if (d->workers == NULL)
        return -1;
    for (i = 0; i < d->nworkers; i++) {
        if (ec_worker_start(&d->workers[i], d, i, d->rc) < 0) {
            d->nworkers = i;
            return -1;
        }
    }
    return 0;
}


/* Stop the workers and join them. A worker gets the drain time plus
 * EC_DAEMON_GRACE_S to leave its loop, because a Lua hook stuck in one C
 * call cannot be interrupted. Workers still running then are named in an
 * error line and left unjoined, and the return value -1 makes the caller
 * exit. */
static int
ec_daemon_stop_workers(ec_daemon_t *d)
{
    struct timespec deadline;
    unsigned        drain_s = d->opts.drain_s ? d->opts.drain_s
                                              : EC_DAEMON_DRAIN_S;
    char            stuck[EC_DAEMON_MAX_WORKERS * 4 + 1];
    size_t          n = 0;
    unsigned        i;

    for (i = 0; i < d->nworkers; i++)
        ec_worker_stop(&d->workers[i]);
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += (time_t) drain_s + EC_DAEMON_GRACE_S;

    stuck[0] = '\0';
    for (i = 0; i < d->nworkers; i++) {
        if (ec_worker_join_until(&d->workers[i], &deadline) == 0)
            continue;
        n += (size_t) snprintf(stuck + n, sizeof(stuck) - n, "%s%u",
                n > 0 ? "," : "", i);
    }
    if (n > 0) {
        ec_paniclog(EC_LOG_ERROR, "stop_timeout", " workers=%s "
                "wait_s=%u error=\"workers did not stop; exiting without "
                "them\"", stuck, drain_s + EC_DAEMON_GRACE_S);
        return -1;
    }
    free(d->workers);
    d->workers = NULL;
    return 0;
}


/* Sockets, pid file and detaching: everything before the workers run. */
static int
ec_daemon_setup(ec_daemon_t *d)
{
    char err[512];

    if (ec_spool_init(d->rc->spool) < 0) {
        fprintf(stderr, "ecconfd: error: cannot create spool folder "
                "\"%s\": %s\n", d->rc->spool, strerror(errno));
        return -1;
    }
    if (ec_daemon_sockets_prepare(d, d->rc, err, sizeof(err)) < 0) {
        fprintf(stderr, "ecconfd: error: %s\n", err);
        return -1;
    }
    ec_daemon_sockets_commit(d, d->rc);
    if (!d->opts.foreground && ec_daemon_detach() < 0)
        return -1;
    if (d->rc->paniclog != NULL && !d->opts.foreground
            && ec_paniclog_open(d->rc->paniclog) < 0)
        return -1;
    if (ec_daemon_write_pidfile(d->pidfile) < 0) {
        char path[600];

        ec_paniclog(EC_LOG_ERROR, "error", " error=\"cannot write pid "
                "file\" path=%s",
                ec_paniclog_quote_str(path, sizeof(path), d->pidfile));
        return -1;
    }
    d->pidfile_written = 1;
    return 0;
}


static void
ec_daemon_authlog_line(void *arg, const char *line)
{
    /* The writer reports its normal stop and its recoveries as well as
     * its failures; only the failures are warnings. */
    static const char *const info[] = {
        "event=authlog_stop ", "event=authlog_recovered ",
        "event=authlog_reopen "
    };
    size_t i;

    (void) arg;
    for (i = 0; i < sizeof(info) / sizeof(info[0]); i++) {
        if (strncmp(line, info[i], strlen(info[i])) == 0) {
            ec_paniclog_raw(EC_LOG_INFO, line);
            return;
        }
    }
    ec_paniclog_raw(EC_LOG_WARNING, line);
}


/* The auth log writer (SQLite database and acctlog) starts with the first
 * generation. A failure here stops the start, because an admin who
 * configured the log expects every attempt in it. Failures after the
 * start are retried by the writer and never affect authentication.
 * NOTE: a reload that changes sqlite_logger's database or ec_logger's
 * acctlog keeps the old paths until a restart. */
static int
ec_daemon_open_authlog(ec_daemon_t *d)
{
    ec_authlog_config_t cfg;
    char                err[512];
    char                text[600];
    char                qerr[700];
    char                qdb[600];
    char                qacct[600];

    if (d->rc->sqlite_db == NULL && d->rc->acctlog == NULL)
        return 0;
    memset(&cfg, 0, sizeof(cfg));
    cfg.db_path = d->rc->sqlite_db;
    cfg.acctlog_path = d->rc->acctlog;
    cfg.node = d->rc->hostname;
    cfg.log = ec_daemon_authlog_line;
    d->authlog = ec_authlog_open(&cfg, err, sizeof(err));
    if (d->authlog == NULL) {
        snprintf(text, sizeof(text), "cannot open the auth log: %s", err);
        ec_paniclog(EC_LOG_ERROR, "error", " error=%s database=%s acctlog=%s",
                ec_paniclog_quote_str(qerr, sizeof(qerr), text),
                ec_paniclog_quote_str(qdb, sizeof(qdb), d->rc->sqlite_db),
                ec_paniclog_quote_str(qacct, sizeof(qacct), d->rc->acctlog));
        return -1;
    }
    return 0;
}


/* Exit while a worker thread still runs: flush and close the auth log
 * (its writer thread stays ours), remove the pid file and leave with
 * _exit(), since exit() or freeing the configuration could race with the
 * stuck thread.
 * NOTE: a stuck hook that returns between the close and _exit() would
 * submit to the freed auth log; the window is a few microseconds. */
static void
ec_daemon_exit_stuck(ec_daemon_t *d)
{
    if (d->authlog != NULL)
        ec_authlog_close(d->authlog);
    if (d->pidfile_written)
        unlink(d->pidfile);
    ec_paniclog(EC_LOG_INFO, "exit", " status=1");
    ec_paniclog_close();
    _exit(1);
}


static int
ec_daemon_loop(ec_daemon_t *d)
{
    struct event *sig[3];
    const int     signals[3] = { SIGHUP, SIGTERM, SIGINT };
    unsigned      i;
    int           status = -1;

    d->base = event_base_new();
    if (d->base == NULL)
        return -1;
    for (i = 0; i < 3; i++) {
        sig[i] = evsignal_new(d->base, signals[i], ec_daemon_signal, d);
        evsignal_add(sig[i], NULL);
    }
    if (ec_daemon_open_authlog(d) == 0 && ec_daemon_start_workers(d) == 0) {
        char conf[600];

        ec_paniclog(EC_LOG_INFO, "start", " conf=%s workers=%u listens=%u "
                "pid=%ld",
                ec_paniclog_quote_str(conf, sizeof(conf), d->opts.conf_path),
                d->nworkers, d->rc->nlistens, (long) getpid());
        event_base_dispatch(d->base);
        status = 0;
    }
    if (ec_daemon_stop_workers(d) < 0)
        ec_daemon_exit_stuck(d);
    if (d->authlog != NULL)
        ec_authlog_close(d->authlog);
    for (i = 0; i < 3; i++)
        event_free(sig[i]);
    event_base_free(d->base);
    return status;
}


int
ec_daemon_run(const ec_daemon_options_t *opts)
{
    ec_daemon_t d;
    int         status = 1;

    memset(&d, 0, sizeof(d));
    d.opts = *opts;
    d.started = time(NULL);
    pthread_mutex_init(&d.lock, NULL);
    signal(SIGPIPE, SIG_IGN);
    evthread_use_pthreads();

    d.rc = ec_daemon_load(&d, "error");
    if (d.rc == NULL)
        return 1;
    if (opts->check_only) {
        printf("%s: configuration is valid (%u listens)\n", opts->conf_path,
                d.rc->nlistens);
        ec_rtconf_unref(d.rc);
        return 0;
    }
    d.rc->generation = d.generation = 1;
    snprintf(d.pidfile, sizeof(d.pidfile), "%s",
            opts->pidfile != NULL ? opts->pidfile : d.rc->pidfile);

    if (ec_daemon_setup(&d) == 0 && ec_daemon_loop(&d) == 0)
        status = 0;

    ec_daemon_sockets_free(&d);
    if (d.pidfile_written)
        unlink(d.pidfile);
    ec_paniclog(EC_LOG_INFO, "exit", " status=%d", status);
    ec_rtconf_unref(d.rc);
    ec_paniclog_close();
    pthread_mutex_destroy(&d.lock);
    return status;
}
