/* ecconfd: run the ESMTP and HTTP listeners of an ecelerity.conf. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime/daemon.h"

static void
ec_usage(FILE *out)
{
    fprintf(out,
        "usage: ecconfd [-f] [-t] [-c FILE] [-w WORKERS] [-p PIDFILE]\n"
        "  -c FILE     configuration file (default ecelerity.conf)\n"
        "  -f          stay in the foreground and log to stderr\n"
        "  -t          check the configuration and exit\n"
        "  -w WORKERS  worker threads (default: one per online core)\n"
        "  -p PIDFILE  pid file (overrides the Pidfile option)\n"
        "  -d SECONDS  how long SIGTERM waits for sessions (default %d)\n",
        EC_DAEMON_DRAIN_S);
}


static int
ec_parse_count(const char *text, unsigned *out)
{
    char *end;
    long  v = strtol(text, &end, 10);

    if (*text == '\0' || *end != '\0' || v < 1 || v > 100000)
        return -1;
    *out = (unsigned) v;
    return 0;
}


int
main(int argc, char **argv)
{
    ec_daemon_options_t opts = { .conf_path = "ecelerity.conf" };
    int                 c;

    while ((c = getopt(argc, argv, "c:d:fhp:tw:")) != -1) {
        switch (c) {
        case 'c': opts.conf_path = optarg; break;
        case 'f': opts.foreground = 1; break;
        case 't': opts.check_only = 1; break;
        case 'p': opts.pidfile = optarg; break;
        case 'h': ec_usage(stdout); return 0;
        case 'w':
            if (ec_parse_count(optarg, &opts.workers) < 0) {
                fprintf(stderr, "ecconfd: invalid worker count \"%s\": "
                        "expected 1 or more\n", optarg);
                return 2;
            }
            break;
        case 'd':
            if (ec_parse_count(optarg, &opts.drain_s) < 0) {
                fprintf(stderr, "ecconfd: invalid drain time \"%s\": "
                        "expected seconds, 1 or more\n", optarg);
                return 2;
            }
            break;
        default:
            ec_usage(stderr);
            return 2;
        }
    }
    if (optind != argc) {
        ec_usage(stderr);
        return 2;
    }
    return ec_daemon_run(&opts);
}
