/* ecconf: measures what kill -9 of a writing process loses.
 *
 *   authlog_crash -d DIR [-r ROUNDS] [-w BATCH_MS] [-R EVENTS_PER_SEC]
 *
 * Each round forks a child that submits events at a steady rate, with
 * session ids 1, 2, 3, ..., and publishes how many it submitted in shared
 * memory. The parent kills it with SIGKILL after 0.7 to 1.7 s, opens the
 * database and checks that the rows are exactly sessions 1..N (a gap-free
 * prefix) and that integrity_check passes. Loss is submitted minus N; it
 * is printed as events and as milliseconds of traffic. Exits 1 when a
 * round finds a gap, a corrupt file, or an unreadable database. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "runtime/authlog.h"

typedef struct shared {
    uint64_t        submitted;
    int             ready;
} shared_t;


static int64_t
mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}


static void
sleep_us(int64_t us)
{
    struct timespec ts = { us / 1000000, (long) (us % 1000000) * 1000 };

    nanosleep(&ts, NULL);
}


/* Runs in the child until it is killed. */
static void
child_main(const char *path, unsigned batch_ms, unsigned rate,
            shared_t *sh)
{
    ec_authlog_config_t cfg;
    ec_auth_event_t     ev;
    ec_authlog_t       *l;
    char                err[256];
    int64_t             start;
    int64_t             due;
    uint64_t            k;

    memset(&cfg, 0, sizeof(cfg));
    cfg.db_path = path;
    cfg.node = "crash-test";
    cfg.batch_ms = batch_ms;
    l = ec_authlog_open(&cfg, err, sizeof(err));
    if (l == NULL) {
        fprintf(stderr, "authlog_crash: %s\n", err);
        _exit(1);
    }
    __atomic_store_n(&sh->ready, 1, __ATOMIC_SEQ_CST);

    memset(&ev, 0, sizeof(ev));
    ev.protocol = EC_PROTO_ESMTP;
    ev.listener = "ESMTP_Listener";
    ev.remote_addr = "192.0.2.1";
    ev.remote_port = 1025;
    ev.mechanism = "PLAIN";
    ev.username = "crash";
    ev.username_len = 5;
    ev.result = EC_AUTHLOG_FAIL;
    ev.attempt = 1;
    ev.duration_us = -1;

    start = mono_us();
    for (k = 0;; k++) {
        due = start + (int64_t) (k * 1000000 / rate);
        if (due > mono_us()) {
            sleep_us(due - mono_us());
        }
        ev.session_id = k + 1;
        ec_authlog_submit(l, &ev);
        __atomic_store_n(&sh->submitted, k + 1, __ATOMIC_SEQ_CST);
    }
}


static long long
query_int(sqlite3 *db, const char *sql)
{
    sqlite3_stmt *st;
    long long     v = -1;

    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK) {
        return -1;
    }
    if (sqlite3_step(st) == SQLITE_ROW) {
        v = sqlite3_column_int64(st, 0);
    }
    sqlite3_finalize(st);
    return v;
}


/* Checks the database after a kill. Returns the row count, or -1 when the
 * rows are not a gap-free prefix or the file is damaged. */
static long long
check_database(const char *path)
{
    sqlite3      *db;
    sqlite3_stmt *st;
    long long     rows;
    long long     max_id;
    int           ok = 0;

    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE, NULL)
            != SQLITE_OK) {
        fprintf(stderr, "authlog_crash: cannot open %s: %s\n", path,
            sqlite3_errmsg(db));
        sqlite3_close(db);
        return -1;
    }
    rows = query_int(db, "SELECT count(*) FROM auth_events");
    max_id = query_int(db, "SELECT coalesce(max(session_id), 0)"
        " FROM auth_events");
    if (sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &st, NULL)
            == SQLITE_OK) {
        ok = sqlite3_step(st) == SQLITE_ROW
            && strcmp((const char *) sqlite3_column_text(st, 0), "ok") == 0;
        sqlite3_finalize(st);
    }
    sqlite3_close(db);

    if (!ok || rows < 0 || rows != max_id) {
        fprintf(stderr, "authlog_crash: %s: rows=%lld max_session=%lld"
            " integrity=%s\n", path, rows, max_id, ok ? "ok" : "failed");
        return -1;
    }
    return rows;
}


/* Starts each round from an empty file, even in a reused folder. */
static void
remove_database(const char *path)
{
    static const char *const suffixes[] = { "", "-wal", "-shm" };
    char                     name[600];
    size_t                   i;

    for (i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        snprintf(name, sizeof(name), "%s%s", path, suffixes[i]);
        unlink(name);
    }
}


static int
run_round(const char *dir, int round, unsigned batch_ms, unsigned rate,
            shared_t *sh, long long *lost)
{
    char      path[512];
    pid_t     pid;
    long long rows;
    uint64_t  submitted;
    int       status;

    snprintf(path, sizeof(path), "%s/crash-%d.db", dir, round);
    remove_database(path);
    memset(sh, 0, sizeof(*sh));
    pid = fork();
    if (pid < 0) {
        perror("authlog_crash: fork");
        return -1;
    }
    if (pid == 0) {
        child_main(path, batch_ms, rate, sh);
    }

    while (!__atomic_load_n(&sh->ready, __ATOMIC_SEQ_CST)) {
        if (waitpid(pid, &status, WNOHANG) == pid) {
            return -1;
        }
        sleep_us(1000);
    }
    sleep_us(700000 + (int64_t) (rand() % 1000) * 1000);
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    submitted = __atomic_load_n(&sh->submitted, __ATOMIC_SEQ_CST);

    rows = check_database(path);
    if (rows < 0) {
        return -1;
    }
    *lost = (long long) submitted - rows;
    printf("round %d: submitted=%llu rows=%lld lost=%lld (%.0f ms)\n",
        round, (unsigned long long) submitted, rows, *lost,
        *lost * 1000.0 / rate);
    return 0;
}


int
main(int argc, char **argv)
{
    const char *dir = NULL;
    unsigned    rounds = 5;
    unsigned    batch_ms = EC_AUTHLOG_BATCH_MS;
    unsigned    rate = 5000;
    shared_t   *sh;
    long long   lost;
    long long   max_lost = 0;
    long long   sum_lost = 0;
    unsigned    i;
    int         opt;

    while ((opt = getopt(argc, argv, "d:r:w:R:")) != -1) {
        switch (opt) {
        case 'd':
            dir = optarg;
            break;
        case 'r':
            rounds = (unsigned) strtoul(optarg, NULL, 10);
            break;
        case 'w':
            batch_ms = (unsigned) strtoul(optarg, NULL, 10);
            break;
        case 'R':
            rate = (unsigned) strtoul(optarg, NULL, 10);
            break;
        default:
            dir = NULL;
            break;
        }
    }
    if (dir == NULL || rounds == 0 || rate == 0) {
        fprintf(stderr, "usage: authlog_crash -d DIR [-r ROUNDS]"
            " [-w BATCH_MS] [-R EVENTS_PER_SEC]\n");
        return 2;
    }

    sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
        MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (sh == MAP_FAILED) {
        perror("authlog_crash: mmap");
        return 1;
    }
    srand((unsigned) time(NULL) ^ (unsigned) getpid());
    for (i = 0; i < rounds; i++) {
        if (run_round(dir, (int) i, batch_ms, rate, sh, &lost) != 0) {
            return 1;
        }
        sum_lost += lost;
        if (lost > max_lost) {
            max_lost = lost;
        }
    }
    printf("kill -9: batch window %u ms, %u events/s, %u rounds:"
        " max lost %lld events (%.0f ms), mean %.0f events (%.0f ms)\n",
        batch_ms, rate, rounds, max_lost, max_lost * 1000.0 / rate,
        (double) sum_lost / rounds, sum_lost * 1000.0 / rate / rounds);
    return 0;
}
