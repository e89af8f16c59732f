/* ecconf: bump allocator for syntax trees and compiled configurations. */
#ifndef EC_ARENA_H
#define EC_ARENA_H

#include <stddef.h>

typedef struct ec_arena_chunk ec_arena_chunk_t;

/* Memory handed out by an arena lives until ec_arena_free(). Allocation
 * failure aborts the process: a configuration that does not fit in memory
 * cannot be compiled anyway, and every caller stays simple. */
typedef struct ec_arena {
    ec_arena_chunk_t *chunks;
    char             *cur;
    size_t            left;
    size_t            total;    /* bytes requested from malloc */
} ec_arena_t;

void    ec_arena_init(ec_arena_t *a);
void   *ec_arena_alloc(ec_arena_t *a, size_t size);
void   *ec_arena_zalloc(ec_arena_t *a, size_t size);
char   *ec_arena_alloc_chars(ec_arena_t *a, size_t size);  /* unaligned */
char   *ec_arena_strndup(ec_arena_t *a, const char *s, size_t len);
void    ec_arena_free(ec_arena_t *a);

#endif
