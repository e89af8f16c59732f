/* ecconf: rows shared between the files that make up the module table.
 * Only runtime/table.c and modules/table_*.c include this. */
#ifndef EC_TABLE_DEFS_H
#define EC_TABLE_DEFS_H

#include <stddef.h>
#include <stdint.h>

#include "runtime/table.h"

/* Generated from the documented option list (modules/table_gen.c). */
extern const ec_option_t ec_table_core_options[];
extern const size_t ec_table_core_noptions;
extern const ec_module_t *const ec_table_modules[];
extern const size_t ec_table_nmodules;

/* Core scopes, indexed by ec_core_scope_t (modules/table_core.c). */
extern const ec_scope_t ec_table_core_scopes[EC_SCOPE__CORE_COUNT];

/* Options that every module stanza accepts. */
extern const ec_option_t ec_table_module_common[];
#define EC_TABLE_MODULE_NCOMMON 2

/* Keys of the Auth*Parameters and AuthorizationParameters hashes. */
extern const ec_option_t ec_table_auth_keys[];
#define EC_TABLE_AUTH_NKEYS 4
extern const ec_option_t ec_table_authz_keys[];
#define EC_TABLE_AUTHZ_NKEYS 2

/* Schemes of the core: file, digest, groups. */
extern const ec_scheme_t ec_table_core_schemes[];
#define EC_TABLE_CORE_NSCHEMES 3

/* Row builders for hand-written module options: a plain row, an enum, a
 * row with a numeric range, and a hash whose keys are not checked. */
#define EC_ROW(n, t, f, d, h) \
    { n, t, f, 0, d, NULL, NULL, 0, 0, 0, NULL, h }
#define EC_ROW_ENUM(n, f, d, v, h) \
    { n, EC_TYPE_ENUM, f, 0, d, v, NULL, 0, 0, 0, NULL, h }
#define EC_ROW_RANGE(n, t, f, d, lo, hi, h) \
    { n, t, (f) | EC_OPT_RANGE, 0, d, NULL, NULL, 0, lo, hi, NULL, h }
#define EC_ROW_HASH(n, f, h) \
    { n, EC_TYPE_HASH, (f) | EC_OPT_OPEN_KEYS, 0, NULL, NULL, NULL, 0, 0, \
      0, NULL, h }
#define EC_NROWS(a) ((uint16_t)(sizeof(a) / sizeof((a)[0])))
#define EC_INT_MAX  INT64_C(2147483647)

/* Validators used by generated rows. */
int     ec_table_check_banner(const ec_option_t *opt, const char *text,
            size_t len, char *why, size_t whylen);
int     ec_table_check_auth_uri(const ec_option_t *opt, const char *text,
            size_t len, char *why, size_t whylen);

#endif
