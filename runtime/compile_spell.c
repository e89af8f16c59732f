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
    unsigned char  *ambiguous;  /* rows spell the name in more than one
                                 * way ("Host" scope, "host" option) */
    size_t          cap;        /* power of two */
} ec_spelling_t;

static ec_spelling_t  g_spell;         /* options and hash keys */
static ec_spelling_t  g_spell_scope;   /* scope names */
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


/* Every row's spelling is recorded. A name that rows spell in more than
 * one way has no single documented spelling, so the dump keeps the
 * file's own. */
static void
ec_spell_add_to(ec_spelling_t *sp, const char *name)
{
    size_t i;

    for (i = ec_spell_hash(name) & (sp->cap - 1);
         sp->names[i] != NULL; i = (i + 1) & (sp->cap - 1)) {
        if (strcasecmp(sp->names[i], name) == 0) {
            if (strcmp(sp->names[i], name) != 0) {
                sp->ambiguous[i] = 1;
            }
            return;
        }
    }
    sp->names[i] = name;
}


static void
ec_spell_add(const char *name)
{
    ec_spell_add_to(&g_spell, name);
}


static void
ec_spell_alloc(ec_spelling_t *sp, size_t total)
{
    sp->cap = 64;
    while (sp->cap < total * 2) {
        sp->cap <<= 1;
    }
    sp->names = calloc(sp->cap, sizeof(*sp->names));
    sp->ambiguous = calloc(sp->cap, 1);
    if (sp->names == NULL || sp->ambiguous == NULL) {
        abort();
    }
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
    ec_spell_alloc(&g_spell, total);
    ec_spell_alloc(&g_spell_scope, nscopes);
    rows = calloc(total + 1, sizeof(*rows));
    if (rows == NULL) {
        abort();
    }
    for (i = 0; i < nscopes; i++) {
        const ec_scope_t *s = ec_table_scope_at(i);

        ec_spell_add_to(&g_spell_scope, s->name);
        n = ec_table_scope_options(s, rows, total);
        ec_spell_add_rows(rows, n);
    }
    free(rows);
}


const char *
ec_compile_spelling(const char *key, int scope)
{
    ec_spelling_t *sp = scope ? &g_spell_scope : &g_spell;
    size_t         i;

    pthread_once(&g_spell_once, ec_spell_build);
    for (i = ec_spell_hash(key) & (sp->cap - 1);
         sp->names[i] != NULL; i = (i + 1) & (sp->cap - 1)) {
        if (strcasecmp(sp->names[i], key) == 0) {
            /* An all-lowercase row records no case: keep the file's. */
            if (sp->ambiguous[i] || !ec_has_upper(sp->names[i])) {
                return NULL;
            }
            return sp->names[i];
        }
    }
    return NULL;
}
