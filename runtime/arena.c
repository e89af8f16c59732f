/* ecconf: bump allocator. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "runtime/arena.h"

#define EC_ARENA_CHUNK  (256 * 1024)

struct ec_arena_chunk {
    ec_arena_chunk_t *next;
    max_align_t       data[];
};


void
ec_arena_init(ec_arena_t *a)
{
    memset(a, 0, sizeof(*a));
}


/* Allocate size bytes aligned to align (1 or 8). Strings take align 1,
 * so short ones do not each waste up to 7 bytes of padding. */
static void *
ec_arena_alloc_aligned(ec_arena_t *a, size_t size, size_t align)
{
    ec_arena_chunk_t *c;
    size_t            want, pad;
    void             *p;

    pad = (size_t) (-(uintptr_t) a->cur) & (align - 1);
    if (a->cur == NULL || size + pad > a->left) {
        want = size > EC_ARENA_CHUNK / 4 ? size + 8 : EC_ARENA_CHUNK;
        c = malloc(sizeof(*c) + want);
        if (c == NULL) {
            fprintf(stderr, "ecconf: out of memory (%zu bytes)\n", want);
            abort();
        }
        c->next = a->chunks;
        a->chunks = c;
        a->total += sizeof(*c) + want;
        if (want != EC_ARENA_CHUNK) {
            /* A large block gets a chunk of its own, so the current chunk
             * keeps serving small requests. */
            return c->data;
        }
        a->cur = (char *) c->data;
        a->left = want;
        pad = 0;
    }
    p = a->cur + pad;
    a->cur += pad + size;
    a->left -= pad + size;
    return p;
}


void *
ec_arena_alloc(ec_arena_t *a, size_t size)
{
    return ec_arena_alloc_aligned(a, size, 8);
}


char *
ec_arena_alloc_chars(ec_arena_t *a, size_t size)
{
    return ec_arena_alloc_aligned(a, size, 1);
}


void *
ec_arena_zalloc(ec_arena_t *a, size_t size)
{
    void *p = ec_arena_alloc(a, size);

    memset(p, 0, size);
    return p;
}


char *
ec_arena_strndup(ec_arena_t *a, const char *s, size_t len)
{
    char *p = ec_arena_alloc_aligned(a, len + 1, 1);

    memcpy(p, s, len);
    p[len] = '\0';
    return p;
}


void
ec_arena_free(ec_arena_t *a)
{
    ec_arena_chunk_t *c, *next;

    for (c = a->chunks; c != NULL; c = next) {
        next = c->next;
        free(c);
    }
    ec_arena_init(a);
}
