/* ecconf: how many events per second the auth log writer sustains.
 *
 *   authlog_bench -d DIR [-n EVENTS] [-t THREADS] [-w BATCH_MS] [-r]
 *
 * THREADS submitters push EVENTS events in total as fast as they can,
 * each pausing while more than 200,000 are queued so memory stays flat.
 * The writer rate is EVENTS divided by the time from the first submit to
 * the return of close, which has then written every event. -r adds a
 * reader thread that runs the per-address view in a loop meanwhile.
 * Also prints the submit latency that sessions see (p50, p99 and p99.9
 * over the last 65,536 submits of each thread, and the maximum overall).
 * On a machine with fewer cores than threads the maximum includes time
 * the submitting thread was not scheduled. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "runtime/authlog.h"

#define BENCH_QUEUE_HIGH    200000
#define BENCH_SAMPLES       65536

typedef struct submitter {
    ec_authlog_t   *log;
    unsigned        index;
    uint64_t        count;
    uint64_t        first_session;
    uint32_t       *lat_ns;         /* one sample per submit, ring */
    uint64_t        max_ns;
} submitter_t;

typedef struct reader {
    const char     *path;
    volatile int    stop;
    uint64_t        queries;
} reader_t;


static int64_t
mono_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t) ts.tv_sec * 1000000000 + ts.tv_nsec;
}


static void *
submitter_main(void *arg)
{
    submitter_t       *s = arg;
    ec_auth_event_t    ev;
    ec_authlog_stats_t st;
    char               user[32];
    char               addr[32];
    int64_t            t0;
    int64_t            dt;
    uint64_t           i;

    memset(&ev, 0, sizeof(ev));
    ev.protocol = EC_PROTO_ESMTP;
    ev.listener = "ESMTP_Listener";
    ev.local_addr = "127.0.0.1";
    ev.local_port = 587;
    ev.remote_port = 40000;
    ev.attempt = 1;
    ev.mechanism = "PLAIN";
    ev.scheme = "file";
    ev.reason = "bad_password";
    ev.reply_code = 535;
    ev.duration_us = 120;

    for (i = 0; i < s->count; i++) {
        if (i % 1024 == 0) {
            ec_authlog_stats(s->log, &st);
            while (st.queued > BENCH_QUEUE_HIGH) {
                usleep(1000);
                ec_authlog_stats(s->log, &st);
            }
        }
        snprintf(user, sizeof(user), "user%llu",
            (unsigned long long) (i % 5000));
        snprintf(addr, sizeof(addr), "10.%u.%llu.%llu", s->index,
            (unsigned long long) (i / 250 % 256),
            (unsigned long long) (i % 250 + 1));
        ev.session_id = s->first_session + i;
        ev.username = user;
        ev.username_len = strlen(user);
        ev.remote_addr = addr;
        ev.result = i % 4 == 0 ? EC_AUTHLOG_PASS : EC_AUTHLOG_FAIL;

        t0 = mono_ns();
        ec_authlog_submit(s->log, &ev);
        dt = mono_ns() - t0;
        s->lat_ns[i % BENCH_SAMPLES] = (uint32_t) (dt > UINT32_MAX
            ? UINT32_MAX : dt);
        if ((uint64_t) dt > s->max_ns) {
            s->max_ns = (uint64_t) dt;
        }
    }
    return NULL;
}


static void *
reader_main(void *arg)
{
    reader_t     *r = arg;
    sqlite3      *db;
    sqlite3_stmt *st;

    if (sqlite3_open_v2(r->path, &db, SQLITE_OPEN_READONLY, NULL)
            != SQLITE_OK) {
        return NULL;
    }
    sqlite3_prepare_v2(db, "SELECT count(*) FROM auth_fail_by_addr_hour",
        -1, &st, NULL);
    while (!r->stop) {
        while (sqlite3_step(st) == SQLITE_ROW) {
        }
        sqlite3_reset(st);
        r->queries++;
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    return NULL;
}


static int
compare_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *) a;
    uint32_t y = *(const uint32_t *) b;

    return x < y ? -1 : x > y;
}


static void
print_line(void *arg, const char *line)
{
    (void) arg;
    fprintf(stderr, "authlog: %s\n", line);
}


int
main(int argc, char **argv)
{
    ec_authlog_config_t cfg;
    ec_authlog_stats_t  st;
    ec_authlog_t       *l;
    submitter_t        *subs;
    pthread_t          *tids;
    pthread_t           rtid;
    reader_t            reader;
    uint32_t           *all;
    const char         *dir = NULL;
    char                path[512];
    char                err[512];
    uint64_t            events = 1000000;
    uint64_t            max_ns = 0;
    unsigned            threads = 4;
    unsigned            batch_ms = EC_AUTHLOG_BATCH_MS;
    unsigned            i;
    size_t              nsamples;
    int                 with_reader = 0;
    int                 opt;
    int64_t             t0;
    double              secs;

    while ((opt = getopt(argc, argv, "d:n:t:w:r")) != -1) {
        switch (opt) {
        case 'd':
            dir = optarg;
            break;
        case 'n':
            events = strtoull(optarg, NULL, 10);
            break;
        case 't':
            threads = (unsigned) strtoul(optarg, NULL, 10);
            break;
        case 'w':
            batch_ms = (unsigned) strtoul(optarg, NULL, 10);
            break;
        case 'r':
            with_reader = 1;
            break;
        default:
            dir = NULL;
            break;
        }
    }
    if (dir == NULL || threads == 0 || events < threads) {
        fprintf(stderr, "usage: authlog_bench -d DIR [-n EVENTS]"
            " [-t THREADS] [-w BATCH_MS] [-r]\n");
        return 2;
    }

    snprintf(path, sizeof(path), "%s/bench.db", dir);
    unlink(path);
    memset(&cfg, 0, sizeof(cfg));
    cfg.db_path = path;
    cfg.node = "bench";
    cfg.batch_ms = batch_ms;
    cfg.max_queued = 2 * BENCH_QUEUE_HIGH;
    cfg.log = print_line;
    l = ec_authlog_open(&cfg, err, sizeof(err));
    if (l == NULL) {
        fprintf(stderr, "authlog_bench: %s\n", err);
        return 1;
    }

    memset(&reader, 0, sizeof(reader));
    reader.path = path;
    if (with_reader) {
        pthread_create(&rtid, NULL, reader_main, &reader);
    }

    subs = calloc(threads, sizeof(*subs));
    tids = calloc(threads, sizeof(*tids));
    t0 = mono_ns();
    for (i = 0; i < threads; i++) {
        subs[i].log = l;
        subs[i].index = i;
        subs[i].count = events / threads;
        subs[i].first_session = (uint64_t) i * subs[i].count + 1;
        subs[i].lat_ns = calloc(BENCH_SAMPLES, sizeof(uint32_t));
        pthread_create(&tids[i], NULL, submitter_main, &subs[i]);
    }
    for (i = 0; i < threads; i++) {
        pthread_join(tids[i], NULL);
    }
    ec_authlog_stats(l, &st);
    ec_authlog_close(l);
    secs = (double) (mono_ns() - t0) / 1e9;

    if (with_reader) {
        reader.stop = 1;
        pthread_join(rtid, NULL);
    }

    nsamples = 0;
    all = calloc((size_t) threads * BENCH_SAMPLES, sizeof(uint32_t));
    for (i = 0; i < threads; i++) {
        size_t n = subs[i].count < BENCH_SAMPLES
            ? subs[i].count : BENCH_SAMPLES;

        memcpy(all + nsamples, subs[i].lat_ns, n * sizeof(uint32_t));
        nsamples += n;
        if (subs[i].max_ns > max_ns) {
            max_ns = subs[i].max_ns;
        }
        free(subs[i].lat_ns);
    }
    qsort(all, nsamples, sizeof(uint32_t), compare_u32);

    printf("events=%llu threads=%u batch_ms=%u reader=%s seconds=%.2f"
        " events_per_sec=%.0f dropped=%llu\n",
        (unsigned long long) (events / threads * threads), threads, batch_ms,
        with_reader ? "yes" : "no", secs,
        (double) (events / threads * threads) / secs,
        (unsigned long long) st.dropped);
    printf("submit latency: p50=%u ns p99=%u ns p99.9=%u ns max=%llu ns",
        all[nsamples / 2], all[nsamples * 99 / 100],
        all[nsamples * 999 / 1000], (unsigned long long) max_ns);
    if (with_reader) {
        printf(" reader_queries=%llu", (unsigned long long) reader.queries);
    }
    printf("\n");

    free(all);
    free(subs);
    free(tids);
    unlink(path);
    return st.dropped == 0 ? 0 : 1;
}
