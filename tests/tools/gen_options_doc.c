/* ecconf: write the option reference (docs/options.md) to stdout from the
 * module table. */

#include <stdio.h>

#include "runtime/table.h"

int
main(void)
{
    ec_table_print_markdown(stdout);
    return 0;
}
