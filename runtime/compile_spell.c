/* ecconf: the documented spelling of each name in the module table, for
 * the dumps. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "runtime/compile_int.h"

/* Open addressing from a lowercase name to its spelling, built once. */
typedef struct ec_spelling {
    const char    **names;      /* table spelling, NULL when empty */
    size_t          cap;        /* power of two */
} ec_spelling_t;

static ec_spelling_t  g_spell;
static pthread_once_t g_spell_once = PTHREAD_ONCE_INIT;


static uint32_t
ec_spell_hash(const char *s)
{
    uint32_t h = 2166136261u;

    for (; *s != '\0'; s++) {
        unsigned char c = (unsigned char) *s;

        h ^= (c >= 'A' && c <= 'Z') ? c + 32u : c;
        h *= 16777619u;
    }
    return h;
}


static int
ec_has_upper(const char *s)
{
    for (; *s != '\0'; s++) {
        if (*s >= 'A' && *s <= 'Z') {
            return 1;
        }
    }
    return 0;
}


/* The first mixed-case spelling of a name wins; an all-lowercase row
 * records no case, so it is not stored. */
static void
ec_spell_add(const char *name)
{
    size_t i;

    if (!ec_has_upper(name)) {
        return;
    }
    for (i = ec_spell_hash(name) & (g_spell.cap - 1);
         g_spell.names[i] != NULL; i = (i + 1) & (g_spell.cap - 1)) {
        if (strcasecmp(g_spell.names[i], name) == 0) {
            return;
        }
    }
    g_spell.names[i] = name;
}


static void
ec_spell_add_rows(const ec_option_t *const *rows, size_t n)
{
    size_t i, k;

    for (i = 0; i < n; i++) {
        ec_spell_add(rows[i]->name);
        for (k = 0; k < rows[i]->nkeys; k++) {
            ec_spell_add(rows[i]->keys[k].name);
        }
    }
}


static void
ec_spell_build(void)
{
    size_t             nscopes = ec_table_scope_count(), total = 0, i, n;
    const ec_option_t **rows;

    for (i = 0; i < nscopes; i++) {
        total += ec_table_scope_options(ec_table_scope_at(i), NULL, 0) + 1;
    }
    g_spell.cap = 64;
    while (g_spell.cap < total * 2) {
        g_spell.cap <<= 1;
    }
    g_spell.names = calloc(g_spell.cap, sizeof(*g_spell.names));
    rows = calloc(total + 1, sizeof(*rows));
    if (g_spell.names == NULL || rows == NULL) {
        abort();
    }
    for (i = 0; i < nscopes; i++) {
        const ec_scope_t *s = ec_table_scope_at(i);

        ec_spell_add(s->name);
        n = ec_table_scope_options(s, rows, total);
        ec_spell_add_rows(rows, n);
    }
    free(rows);
}


const char *
ec_compile_spelling(const char *key)
{
    size_t i;

    pthread_once(&g_spell_once, ec_spell_build);
    for (i = ec_spell_hash(key) & (g_spell.cap - 1);
         g_spell.names[i] != NULL; i = (i + 1) & (g_spell.cap - 1)) {
        if (strcasecmp(g_spell.names[i], key) == 0) {
            return g_spell.names[i];
        }
    }
    return NULL;
}
