/* ecconf: check an ecelerity.conf and print it back. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/compile.h"
#include "runtime/diag.h"
#include "runtime/dump.h"
#include "runtime/effective.h"
#include "runtime/load.h"
#include "runtime/table.h"

#define EC_EXIT_INVALID 1
#define EC_EXIT_USAGE   2

typedef enum {
    EC_MODE_CHECK = 0,
    EC_MODE_DUMP,
    EC_MODE_MODULES
} ec_mode_t;

typedef struct ec_cli {
    ec_mode_t   mode;
    int         json;
    int         effective;
    int         secrets;
    int         markdown;
    int         strict;
    int         syntax_only;
    int         quiet;
    const char *search_path;
    const char *file;
} ec_cli_t;

enum {
    EC_OPT_LONG_EFFECTIVE = 256,
    EC_OPT_LONG_SECRETS,
    EC_OPT_LONG_MODULES,
    EC_OPT_LONG_MARKDOWN,
    EC_OPT_LONG_STRICT,
    EC_OPT_LONG_SYNTAX_ONLY
};


static void
ec_usage(FILE *out)
{
    fputs(
"usage: ecconf [--check] [--strict | --syntax-only] [-q] FILE\n"
"       ecconf --dump [--json] [--effective [--show-secrets]] FILE\n"
"       ecconf --modules [--markdown]\n"
"\n"
"Check an ecelerity.conf and every file it includes against the module\n"
"table, or print it back.\n"
"\n"
"  --check            report every error and warning; on success print one\n"
"                     confirming line (the default action)\n"
"  --strict           a password file or Lua script that cannot be read is\n"
"                     an error, not a warning (as ecconfd treats it)\n"
"  --syntax-only      parse only: skip the checks against the module table\n"
"  --dump             print the configuration as canonical text, includes\n"
"                     expanded between '# >>>' and '# <<<' marks\n"
"  --json             print the syntax tree as JSON (with --dump or alone)\n"
"  --effective        with --dump or --json: print each listener, Listen and\n"
"                     Peer with the value and source of every option that\n"
"                     applies to it\n"
"  --show-secrets     with --effective: print secrets instead of \"(secret)\"\n"
"  --modules          list every module, scope and option ecconf knows\n"
"  --markdown         with --modules: write the list as Markdown\n"
"  -I, --search-path DIRS\n"
"                     ':'-separated folders for relative includes and Lua\n"
"                     sources, tried after the including file's folder\n"
"                     (default: $EC_CONF_SEARCH_PATH)\n"
"  -q, --quiet        print nothing on success\n"
"  -h, --help         show this help\n"
"\n"
"Output is printed only when there is no error. Exit status: 0 valid\n"
"(warnings allowed), 1 invalid, 2 usage error.\n", out);
}


static int
ec_cli_option(int c, ec_cli_t *cli)
{
    switch (c) {
    case 'c': cli->mode = EC_MODE_CHECK; break;
    case 'd': cli->mode = EC_MODE_DUMP; break;
    case 'j': cli->json = 1; break;
    case 'I': cli->search_path = optarg; break;
    case 'q': cli->quiet = 1; break;
    case EC_OPT_LONG_EFFECTIVE: cli->effective = 1; break;
    case EC_OPT_LONG_SECRETS: cli->secrets = 1; break;
    case EC_OPT_LONG_MODULES: cli->mode = EC_MODE_MODULES; break;
    case EC_OPT_LONG_MARKDOWN: cli->markdown = 1; break;
    case EC_OPT_LONG_STRICT: cli->strict = 1; break;
    case EC_OPT_LONG_SYNTAX_ONLY: cli->syntax_only = 1; break;
    case 'h':
        ec_usage(stdout);
        exit(0);
    default:
        return -1;
    }
    return 0;
}


static int
ec_cli_parse(int argc, char **argv, ec_cli_t *cli)
{
    static const struct option longopts[] = {
        { "check", no_argument, NULL, 'c' },
        { "dump", no_argument, NULL, 'd' },
        { "json", no_argument, NULL, 'j' },
        { "effective", no_argument, NULL, EC_OPT_LONG_EFFECTIVE },
        { "show-secrets", no_argument, NULL, EC_OPT_LONG_SECRETS },
        { "modules", no_argument, NULL, EC_OPT_LONG_MODULES },
        { "markdown", no_argument, NULL, EC_OPT_LONG_MARKDOWN },
        { "strict", no_argument, NULL, EC_OPT_LONG_STRICT },
        { "syntax-only", no_argument, NULL, EC_OPT_LONG_SYNTAX_ONLY },
        { "search-path", required_argument, NULL, 'I' },
        { "quiet", no_argument, NULL, 'q' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 }
    };
    int c;

    memset(cli, 0, sizeof(*cli));
    while ((c = getopt_long(argc, argv, "cdjI:qh", longopts, NULL)) != -1) {
        if (ec_cli_option(c, cli) != 0) {
            return -1;
        }
    }
    if (cli->json && cli->mode == EC_MODE_CHECK) {
        cli->mode = EC_MODE_DUMP;
    }
    if (cli->effective && (cli->mode == EC_MODE_CHECK || cli->syntax_only)) {
        fprintf(stderr, "ecconf: --effective needs --dump or --json, "
            "and cannot go with --syntax-only\n");
        return -1;
    }
    if (cli->secrets && !cli->effective) {
        fprintf(stderr, "ecconf: --show-secrets needs --effective\n");
        return -1;
    }
    if (cli->markdown && cli->mode != EC_MODE_MODULES) {
        fprintf(stderr, "ecconf: --markdown needs --modules\n");
        return -1;
    }
    if (cli->strict && cli->syntax_only) {
        fprintf(stderr, "ecconf: --strict and --syntax-only exclude each "
            "other\n");
        return -1;
    }
    if (cli->mode == EC_MODE_MODULES) {
        return optind == argc ? 0 : (fprintf(stderr, "ecconf: --modules "
            "takes no configuration file\n"), -1);
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


static void
ec_print(const ec_cli_t *cli, ec_tree_t *tree, const ec_compiled_t *c)
{
    if (cli->mode == EC_MODE_DUMP && cli->effective) {
        if (cli->json) {
            ec_effective_dump_json(stdout, c, cli->secrets);
        } else {
            ec_effective_dump_text(stdout, c, cli->secrets);
        }
    } else if (cli->mode == EC_MODE_DUMP) {
        if (cli->json) {
            ec_dump_json(stdout, tree);
        } else {
            ec_dump_text(stdout, tree);
        }
    } else if (!cli->quiet) {
        printf("%s: configuration valid (%u file%s)\n", cli->file,
            tree->nfiles, tree->nfiles == 1 ? "" : "s");
    }
}


static int
ec_run(const ec_cli_t *cli)
{
    ec_load_options_t    lopts;
    ec_compile_options_t copts;
    ec_compiled_t       *c = NULL;
    ec_diag_t            diag;
    ec_tree_t           *tree;
    int                  status;

    memset(&lopts, 0, sizeof(lopts));
    lopts.search_path = cli->search_path;
    ec_diag_init(&diag, stderr, NULL);
    tree = ec_load_file(cli->file, &lopts, &diag);
    if (tree != NULL && diag.errors == 0 && !cli->syntax_only) {
        memset(&copts, 0, sizeof(copts));
        copts.strict = cli->strict;
        copts.endpoints = cli->effective;
        copts.search_path = cli->search_path;
        ec_compile(tree, &copts, &diag, &c);
    }

    status = tree == NULL || diag.errors > 0 ? EC_EXIT_INVALID : 0;
    ec_diag_summary(&diag);
    if (status == 0) {
        ec_print(cli, tree, c);
    }
    if (fflush(stdout) != 0) {
        perror("ecconf: stdout");
        status = EC_EXIT_INVALID;
    }
    ec_compiled_free(c);
    ec_tree_free(tree);
    return status;
}


int
main(int argc, char **argv)
{
    ec_cli_t cli;

    if (ec_cli_parse(argc, argv, &cli) != 0) {
        ec_usage(stderr);
        return EC_EXIT_USAGE;
    }
    ec_dump_set_spelling(ec_compile_spelling);
    if (cli.mode == EC_MODE_MODULES) {
        if (cli.markdown) {
            ec_table_print_markdown(stdout);
        } else {
            ec_table_print_modules(stdout);
        }
        return fflush(stdout) == 0 ? 0 : EC_EXIT_INVALID;
    }
    return ec_run(&cli);
}
