/* ecconf: the file:// and digest:// password stores.
 *
 * file://PATH reads lines "user:password" (split at the first ':').
 * digest://PATH reads htdigest lines "user:realm:hash", where hash is the
 * hex MD5 of "user:realm:password" as Apache's htdigest and Momentum's
 * ec_md5passwd write it. In both, a line whose first byte is '#' is a
 * comment, blank lines are skipped and CRLF line ends are accepted.
 *
 * A loaded store never changes. Worker threads share it through
 * ec_pwstore_ref() and ec_pwstore_unref(), so a reload can install a new
 * store while sessions finish on the old one. */
#ifndef EC_AUTH_FILE_H
#define EC_AUTH_FILE_H

#include <stddef.h>

#include "runtime/auth.h"

typedef enum {
    EC_PWSTORE_FILE = 1,        /* file://, cleartext passwords */
    EC_PWSTORE_DIGEST = 2       /* digest://, htdigest MD5 hashes */
} ec_pwstore_kind_t;

typedef struct ec_pwstore ec_pwstore_t;

/* Receives one problem found while loading: the file, the line number
 * (from 1) and a lowercase message without the line's content, so no
 * password or hash reaches a log. The line is skipped. */
typedef void (*ec_pwstore_report_fn)(void *arg, const char *path,
            unsigned long line, const char *message);

/* Largest password file ec_pwstore_load() reads, in bytes. */
#define EC_PWSTORE_MAX_BYTES (64UL * 1024 * 1024)

/* Splits "file://PATH" or "digest://PATH" (scheme case-insensitive).
 * Returns 0 and sets kind and path (a pointer into uri) on success, or -1
 * for another scheme or an empty path. */
int ec_pwstore_parse_uri(const char *uri, ec_pwstore_kind_t *kind,
            const char **path);

/* Returns 1 when stores of this kind keep cleartext passwords, which
 * CRAM-MD5 needs to compute its HMAC, so the compiler can reject
 * CRAM-MD5 bound to digest://. */
int ec_pwstore_has_cleartext(ec_pwstore_kind_t kind);

/* Reads and indexes a password file. Malformed lines, empty passwords and
 * repeated users (or user and realm pairs) go to report, when not NULL,
 * and are skipped. For a repeated user the first line wins. Returns NULL
 * with a message in err when the file cannot be opened or read, or is
 * larger than EC_PWSTORE_MAX_BYTES. The new store has one reference. */
ec_pwstore_t *ec_pwstore_load(ec_pwstore_kind_t kind, const char *path,
            ec_pwstore_report_fn report, void *arg, char *err,
            size_t errlen);

/* Adds a reference and returns s. Safe from any thread. */
ec_pwstore_t *ec_pwstore_ref(ec_pwstore_t *s);

/* Drops a reference; the last one clears the secrets with
 * OPENSSL_cleanse() and frees the store. NULL is ignored. */
void ec_pwstore_unref(ec_pwstore_t *s);

/* Checks req against the store and fills reply.
 *
 * LOGIN, PLAIN and BASIC carry a cleartext password. A file store
 * compares it with the stored one. A digest store computes
 * MD5(user:realm:password) and compares it with the stored hash, using
 * req->realm when set and otherwise every line of that user.
 * CRAM-MD5 compares req->digest with HMAC-MD5(password, challenge), which
 * only a file store can compute. A digest store returns EC_AUTH_ERROR
 * with reason "cram_md5_needs_cleartext".
 *
 * An unknown user gives EC_AUTH_FAIL with reason "unknown_user", a wrong
 * password EC_AUTH_FAIL with "bad_password". Both paths compute the same
 * hashes and compare in constant time, so response time does not tell
 * them apart beyond the hash table probe. A user name containing NUL,
 * ':' or a newline cannot be in the file and fails as unknown. */
ec_auth_result_t ec_pwstore_check(const ec_pwstore_t *s,
            const ec_auth_request_t *req, ec_auth_reply_t *reply);

ec_pwstore_kind_t ec_pwstore_kind(const ec_pwstore_t *s);
const char *ec_pwstore_path(const ec_pwstore_t *s);

/* Number of lines indexed (users, or user and realm pairs). */
size_t ec_pwstore_count(const ec_pwstore_t *s);

#endif
