/* ecconf: interned names, so a name is compared by pointer. */
#ifndef EC_INTERN_H
#define EC_INTERN_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/arena.h"

/* One spelling of a name and the lowercase key it folds to. Every
 * spelling of the same name shares one key pointer, and key->key == key. */
typedef struct ec_name {
    const char     *text;
    const struct ec_name *key;
    const char     *first;      /* on a key: the first spelling seen of
                                 * an option or hash key of that name */
    const char     *first_scope;    /* ... and of a scope */
    uint32_t        len;
    uint32_t        hash;
} ec_name_t;

typedef struct ec_intern {
    ec_arena_t     *arena;
    ec_name_t     **slots;
    size_t          nslots;     /* power of two */
    size_t          used;
} ec_intern_t;

void        ec_intern_init(ec_intern_t *in, ec_arena_t *arena);
void        ec_intern_free(ec_intern_t *in);

/* The entry of a text that ec_intern() returned (and only such a text). */
static inline const ec_name_t *
ec_intern_entry(const char *interned_text)
{
    return (const ec_name_t *) interned_text - 1;
}

/* Mark an interned name's spelling as the first of its key for scopes
 * (scope 1) or for options and hash keys (scope 0), unless the key
 * already has one. Scopes and options are tracked apart because a dump
 * may spell them differently ("Pathway" scope, "pathway" option). */
static inline void
ec_intern_note_spelling(const ec_name_t *n, int scope)
{
    ec_name_t *key = (ec_name_t *) n->key;

    if (scope && key->first_scope == NULL) {
        key->first_scope = n->text;
    } else if (!scope && key->first == NULL) {
        key->first = n->text;
    }
}

/* Intern text as written; the result's key is its lowercase form. */
const ec_name_t *ec_intern(ec_intern_t *in, const char *text, size_t len);

/* The same for a name (option, scope or hash key): the first spelling
 * of each key is remembered for dumps. Values never set it. */
const ec_name_t *ec_intern_name(ec_intern_t *in, const char *text,
                     size_t len);

#endif
