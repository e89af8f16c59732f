/* ecconf: interned names. */
#include <stdlib.h>
#include <string.h>

#include "runtime/intern.h"


static uint32_t
ec_intern_hash(const char *s, size_t len)
{
    uint32_t h = 2166136261u;   /* FNV-1a */
    size_t   i;

    for (i = 0; i < len; i++) {
        h ^= (unsigned char) s[i];
        h *= 16777619u;
    }
    return h;
}


void
ec_intern_init(ec_intern_t *in, ec_arena_t *arena)
{
    in->arena = arena;
    in->nslots = 256;
    in->used = 0;
    in->slots = calloc(in->nslots, sizeof(*in->slots));
    if (in->slots == NULL) {
        abort();
    }
}


void
ec_intern_free(ec_intern_t *in)
{
    free(in->slots);
    in->slots = NULL;
    in->nslots = 0;
    in->used = 0;
}


static void
ec_intern_grow(ec_intern_t *in)
{
    ec_name_t **old = in->slots;
    size_t      n = in->nslots, i, j, mask;

    in->nslots = n * 2;
    in->slots = calloc(in->nslots, sizeof(*in->slots));
    if (in->slots == NULL) {
        abort();
    }
    mask = in->nslots - 1;
    for (i = 0; i < n; i++) {
        if (old[i] == NULL) {
            continue;
        }
        for (j = old[i]->hash & mask; in->slots[j] != NULL;
             j = (j + 1) & mask) {
        }
        in->slots[j] = old[i];
    }
    free(old);
}


static const ec_name_t *
ec_intern_exact(ec_intern_t *in, const char *text, size_t len, int *created)
{
    uint32_t   h = ec_intern_hash(text, len);
    size_t     mask = in->nslots - 1, j;
    ec_name_t *n;

    *created = 0;
    for (j = h & mask; in->slots[j] != NULL; j = (j + 1) & mask) {
        n = in->slots[j];
        if (n->hash == h && n->len == len
            && memcmp(n->text, text, len) == 0) {
            return n;
        }
    }

    /* The text follows its entry, so ec_intern_entry() finds the entry
     * from the text alone. */
    n = ec_arena_alloc(in->arena, sizeof(*n) + len + 1);
    memcpy((char *) (n + 1), text, len);
    ((char *) (n + 1))[len] = '\0';
    n->text = (const char *) (n + 1);
    n->len = (uint32_t) len;
    n->hash = h;
    n->key = n;
    n->first = NULL;
    n->first_scope = NULL;
    in->slots[j] = n;
    *created = 1;
    if (++in->used * 2 > in->nslots) {
        ec_intern_grow(in);
    }
    return n;
}


const ec_name_t *
ec_intern_name(ec_intern_t *in, const char *text, size_t len)
{
    const ec_name_t *n = ec_intern(in, text, len);

    ec_intern_note_spelling(n, 0);
    return n;
}


const ec_name_t *
ec_intern(ec_intern_t *in, const char *text, size_t len)
{
    const ec_name_t *n, *key;
    char             small[128], *lower;
    size_t           i;
    int              created, has_upper = 0;

    n = ec_intern_exact(in, text, len, &created);
    if (!created) {
        return n;
    }
    for (i = 0; i < len; i++) {
        if (text[i] >= 'A' && text[i] <= 'Z') {
            has_upper = 1;
            break;
        }
    }
    if (!has_upper) {
        return n;               /* already its own key */
    }

    lower = len < sizeof(small) ? small : malloc(len);
    if (lower == NULL) {
        abort();
    }
    for (i = 0; i < len; i++) {
        char c = text[i];
        lower[i] = (c >= 'A' && c <= 'Z') ? (char) (c + 32) : c;
    }
    key = ec_intern_exact(in, lower, len, &created);
    if (lower != small) {
        free(lower);
    }
    ((ec_name_t *) n)->key = key;
    return n;
}
