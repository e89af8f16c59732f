/* ecconf: libFuzzer target for the scanner, parser and dumps.
 *
 * Each input is parsed from memory; when it parses cleanly it is dumped,
 * the dump parsed again and dumped a second time, and the two dumps must
 * be identical. Includes resolve against the current folder, so run the
 * fuzzer from an empty folder. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runtime/diag.h"
#include "runtime/dump.h"
#include "runtime/load.h"


static char *
ec_fuzz_dump(ec_tree_t *tree, size_t *len)
{
    char *buf = NULL;
    FILE *out = open_memstream(&buf, len);

    if (out == NULL) {
        abort();
    }
    ec_dump_text(out, tree);
    fclose(out);
    return buf;
}


int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    ec_load_options_t opts = { "", 0 };
    ec_diag_t         diag;
    ec_tree_t        *tree, *again;
    FILE             *sink;
    char             *d1, *d2;
    size_t            l1, l2;

    sink = fopen("/dev/null", "w");
    ec_diag_init(&diag, sink, NULL);
    tree = ec_load_buffer("fuzz.conf", (const char *) data, size, &opts,
               &diag);
    if (tree == NULL || diag.errors > 0) {
        ec_tree_free(tree);
        fclose(sink);
        return 0;
    }

    ec_dump_json(sink, tree);
    d1 = ec_fuzz_dump(tree, &l1);
    ec_diag_init(&diag, sink, NULL);
    again = ec_load_buffer("dump.conf", d1, l1, &opts, &diag);
    if (diag.errors > 0) {
        fprintf(stderr, "dump does not parse back:\n%s\n", d1);
        abort();
    }
    d2 = ec_fuzz_dump(again, &l2);
    if (l1 != l2 || memcmp(d1, d2, l1) != 0) {
        fprintf(stderr, "second dump differs:\n%s\n---\n%s\n", d1, d2);
        abort();
    }
    free(d1);
    free(d2);
    ec_tree_free(again);
    ec_tree_free(tree);
    fclose(sink);
    return 0;
}
