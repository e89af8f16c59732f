/* ecconf: check an ecelerity.conf and print it back. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/diag.h"
#include "runtime/dump.h"
#include "runtime/load.h"

#define EC_EXIT_INVALID 1
#define EC_EXIT_USAGE   2

typedef enum {
    EC_MODE_CHECK = 0,
    EC_MODE_DUMP
} ec_mode_t;

typedef struct ec_cli {
    ec_mode_t   mode;
    int         json;
    int         quiet;
    const char *search_path;
    const char *file;
} ec_cli_t;


static void
ec_usage(FILE *out)
{
    fputs(
"usage: ecconf [--check] [-q] FILE\n"
"       ecconf --dump [--json] FILE\n"
"\n"
"Check an ecelerity.conf and every file it includes, or print it back.\n"
"\n"
"  --check            report every error and warning; on success print one\n"
"                     confirming line (the default action)\n"
"  --dump             print the configuration as canonical text, includes\n"
"                     expanded between '# >>>' and '# <<<' marks\n"
"  --json             print the syntax tree as JSON (with --dump or alone)\n"
"  -I, --search-path DIRS\n"
"                     ':'-separated folders for relative includes, tried\n"
"                     after the including file's folder (default:\n"
"                     $EC_CONF_SEARCH_PATH)\n"
"  -q, --quiet        print nothing on success\n"
"  -h, --help         show this help\n"
"\n"
"Exit status: 0 valid, 1 invalid, 2 usage error.\n", out);
}


static int
ec_cli_parse(int argc, char **argv, ec_cli_t *cli)
{
    static const struct option longopts[] = {
        { "check", no_argument, NULL, 'c' },
        { "dump", no_argument, NULL, 'd' },
        { "json", no_argument, NULL, 'j' },
        { "search-path", required_argument, NULL, 'I' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    int c;

    memset(cli, 0, sizeof(*cli));
    while ((c = getopt_long(argc, argv, "cdjI:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 'c': cli->mode = EC_MODE_CHECK; break;
        case 'd': cli->mode = EC_MODE_DUMP; break;
        case 'j': cli->json = 1; break;
        case 'I': cli->search_path = optarg; break;
        case 'q': cli->quiet = 1; break;
        case 'h':
            ec_usage(stdout);
            exit(0);
        default:
            return -1;
        }
    }
    if (cli->json) {
        cli->mode = EC_MODE_DUMP;
    }
    if (optind != argc - 1) {
        fprintf(stderr, "ecconf: %s\n", optind >= argc
            ? "missing configuration file name"
            : "expected exactly one configuration file");
        return -1;
    }
    cli->file = argv[optind];
    return 0;
}


int
main(int argc, char **argv)
{
    ec_load_options_t opts;
    ec_diag_t         diag;
    ec_tree_t        *tree;
    ec_cli_t          cli;
    int               status;

    if (ec_cli_parse(argc, argv, &cli) != 0) {
        ec_usage(stderr);
        return EC_EXIT_USAGE;
    }

    memset(&opts, 0, sizeof(opts));
    opts.search_path = cli.search_path;
    ec_diag_init(&diag, stderr, NULL);
    tree = ec_load_file(cli.file, &opts, &diag);

    status = tree == NULL || diag.errors > 0 ? EC_EXIT_INVALID : 0;
    ec_diag_summary(&diag);
    if (status == 0 && cli.mode == EC_MODE_DUMP) {
        if (cli.json) {
            ec_dump_json(stdout, tree);
        } else {
            ec_dump_text(stdout, tree);
        }
    } else if (status == 0 && !cli.quiet) {
        printf("%s: configuration valid (%u file%s)\n", cli.file,
            tree->nfiles, tree->nfiles == 1 ? "" : "s");
    }
    if (fflush(stdout) != 0) {
        perror("ecconf: stdout");
        status = EC_EXIT_INVALID;
    }
    ec_tree_free(tree);
    return status;
}
