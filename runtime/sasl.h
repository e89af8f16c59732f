/* ecconf: decoders for SMTP AUTH (RFC 4954) responses, the PLAIN
 * (RFC 4616), LOGIN and CRAM-MD5 (RFC 2195) mechanisms, and HTTP Basic
 * credentials (RFC 7617).
 *
 * Every function takes explicit lengths and reads no byte past them.
 * Decoded values may contain secrets: callers clear their buffers with
 * OPENSSL_cleanse() when done, and no function here logs anything. */
#ifndef EC_SASL_H
#define EC_SASL_H

#include <stddef.h>

/* Maximum length of an AUTH command or continuation line without CRLF.
 * RFC 4954 section 4 names 12288 octets as enough for deployed
 * mechanisms. */
#define EC_SASL_LINE_MAX 12288

/* Maximum length of an HTTP Authorization value. It is larger than an
 * AUTH line so that user names up to about 36 KiB still decode and get
 * their auth log row. */
#define EC_SASL_BASIC_MAX (48 * 1024)

/* Size of a buffer for the decoded form of n base64 characters plus the
 * terminating NUL that the decoders append. */
#define EC_SASL_DECODED_SIZE(n) ((n) / 4 * 3 + 1)

/* Size of a buffer for the base64 form of n bytes plus a NUL. */
#define EC_SASL_ENCODED_SIZE(n) (((n) + 2) / 3 * 4 + 1)

/* Decoder results. Each error has its own value so the listener can pick
 * the reply. EC_SASL_ERR_TOO_LONG is 500 5.5.6 and EC_SASL_CANCELLED is
 * 501 5.7.0. EC_SASL_ERR_NOSPACE and EC_SASL_ERR_RANDOM are internal
 * errors (454 4.7.0). The other errors are 501 5.5.2 in SMTP and 401 in
 * HTTP. */
typedef enum {
    EC_SASL_OK = 0,
    EC_SASL_CANCELLED,          /* the client sent "*" */
    EC_SASL_ERR_TOO_LONG,       /* line longer than EC_SASL_LINE_MAX */
    EC_SASL_ERR_BASE64,         /* bad character, padding or length */
    EC_SASL_ERR_NOSPACE,        /* output buffer too small */
    EC_SASL_ERR_PLAIN_FORMAT,   /* PLAIN message without exactly two NULs */
    EC_SASL_ERR_EMPTY_AUTHCID,  /* PLAIN with an empty authentication id */
    EC_SASL_ERR_EMPTY_PASSWORD, /* PLAIN with an empty password */
    EC_SASL_ERR_AUTHZID,        /* PLAIN authzid differs from authcid */
    EC_SASL_ERR_CONTROL,        /* NUL, CR, LF or other forbidden byte */
    EC_SASL_ERR_CRAM_FORMAT,    /* not "user SP 32-lowercase-hex" */
    EC_SASL_ERR_SCHEME,         /* HTTP: scheme not Basic or no token */
    EC_SASL_ERR_NO_COLON,       /* HTTP Basic: decoded text without ':' */
    EC_SASL_ERR_HOSTNAME,       /* CRAM-MD5: hostname unusable in msg-id */
    EC_SASL_ERR_RANDOM          /* RAND_bytes() failed */
} ec_sasl_status_t;

/* Kind of a client AUTH line, before any base64 decoding. */
typedef enum {
    EC_SASL_LINE_DATA = 0,      /* base64 text to decode */
    EC_SASL_LINE_EMPTY,         /* a zero-length response */
    EC_SASL_LINE_CANCEL,        /* "*" in a continuation */
    EC_SASL_LINE_ABSENT,        /* no initial response was given */
    EC_SASL_LINE_TOO_LONG       /* over EC_SASL_LINE_MAX */
} ec_sasl_line_t;

/* Stage of the exchange a client line belongs to. */
typedef enum {
    EC_SASL_INITIAL = 0,        /* the argument of "AUTH mech ..." */
    EC_SASL_CONTINUATION        /* a line sent after a 334 reply */
} ec_sasl_stage_t;

/* Parts of an RFC 4616 PLAIN message; the pointers refer to the decoded
 * message and the fields are not NUL-terminated. */
typedef struct ec_sasl_plain {
    const char     *authzid;
    size_t          authzid_len;    /* 0 when the client sent none */
    const char     *authcid;
    size_t          authcid_len;
    const char     *password;
    size_t          password_len;
} ec_sasl_plain_t;

/* A parsed CRAM-MD5 response. username points into the decoded response
 * and is not NUL-terminated; digest is a copy of the 32 hex digits. */
typedef struct ec_sasl_cram {
    const char     *username;
    size_t          username_len;
    char            digest[33];
} ec_sasl_cram_t;

/* HTTP Basic credentials. Both strings live in the caller's buffer and
 * are NUL-terminated; either may be empty. */
typedef struct ec_sasl_basic {
    const char     *username;
    size_t          username_len;
    const char     *password;
    size_t          password_len;
} ec_sasl_basic_t;

/* Short lowercase word for logs and replies, e.g. "bad_base64". */
const char *ec_sasl_status_name(ec_sasl_status_t status);

/* Decodes strict RFC 4648 base64: the length is a multiple of 4, "=" pads
 * only the last one or two positions, the unused bits before the padding
 * are zero, and any other byte (white space included) is rejected. An
 * empty input decodes to zero bytes. out receives a NUL after the data,
 * so outsize must be at least the decoded length plus one;
 * EC_SASL_DECODED_SIZE(inlen) is always enough. */
ec_sasl_status_t ec_sasl_base64_decode(const char *in, size_t inlen,
            unsigned char *out, size_t outsize, size_t *outlen);

/* Encodes inlen bytes as base64 followed by a NUL; outsize must be at
 * least EC_SASL_ENCODED_SIZE(inlen). */
ec_sasl_status_t ec_sasl_base64_encode(const unsigned char *in,
            size_t inlen, char *out, size_t outsize, size_t *outlen);

/* Classifies a client line given without its CRLF. In the initial
 * response, "=" is an empty response and an empty argument is
 * EC_SASL_LINE_ABSENT. In a continuation, an empty line and "=" are both
 * empty responses, because some clients send "=" there and it cannot be
 * mistaken for data, and "*" cancels. An initial "*" is classified as
 * data, so decoding rejects it as bad base64. */
ec_sasl_line_t ec_sasl_line_classify(const char *line, size_t len,
            ec_sasl_stage_t stage);

/* Classifies and decodes one client line: returns EC_SASL_CANCELLED for
 * "*", decodes empty responses to zero bytes, and returns
 * EC_SASL_ERR_BASE64 for an absent initial response. Output rules are
 * those of ec_sasl_base64_decode(). */
ec_sasl_status_t ec_sasl_response_decode(const char *line, size_t len,
            ec_sasl_stage_t stage, unsigned char *out, size_t outsize,
            size_t *outlen);

/* Splits a decoded PLAIN message "authzid NUL authcid NUL passwd".
 * Exactly two NULs are required, and authcid and passwd must not be
 * empty. An authzid equal to authcid, or empty, means "act as authcid".
 * Any other authzid requests proxy authorization, which ecconf does not
 * support, so it returns EC_SASL_ERR_AUTHZID and the listener replies
 * as for bad credentials. Bytes are not checked for valid UTF-8, so
 * clients that send Latin-1 passwords keep working. */
ec_sasl_status_t ec_sasl_plain_parse(const unsigned char *msg, size_t len,
            ec_sasl_plain_t *out);

/* Base64 prompts that LOGIN sends in its 334 replies: "Username:" for
 * step 0 and "Password:" for step 1. */
const char *ec_sasl_login_prompt(int step);

/* Decodes one LOGIN response (user name or password) like
 * ec_sasl_response_decode(), then rejects a value that contains NUL, CR
 * or LF with EC_SASL_ERR_CONTROL. The value in out is NUL-terminated. */
ec_sasl_status_t ec_sasl_login_decode(const char *line, size_t len,
            ec_sasl_stage_t stage, char *out, size_t outsize,
            size_t *outlen);

/* Writes a CRAM-MD5 challenge "<random.unixtime@hostname>" with a 64-bit
 * random number from RAND_bytes(), NUL-terminated. The caller
 * base64-encodes it for the 334 reply and keeps the plain text for the
 * check. hostname must be non-empty printable ASCII without space, "<"
 * or ">". */
ec_sasl_status_t ec_sasl_cram_challenge(const char *hostname, char *out,
            size_t outsize, size_t *outlen);

/* Parses a decoded CRAM-MD5 response "username SP digest" where digest is
 * exactly 32 lowercase hex digits. The user name is everything before the
 * last space, so it may itself contain spaces. It must not be empty or
 * contain NUL, CR or LF. */
ec_sasl_status_t ec_sasl_cram_parse(const unsigned char *msg, size_t len,
            ec_sasl_cram_t *out);

/* Parses an HTTP Authorization header value "Basic token68". The scheme
 * is case-insensitive, one or more spaces follow it, and spaces or tabs
 * around the value are ignored. The token is strict base64; its decoded
 * text is split at the first ':' into user-id and password, and neither
 * may contain a control character (0x00-0x1f, 0x7f). With
 * EC_SASL_ERR_CONTROL, out still has the user-id (for the auth log) but
 * no password. buf receives both strings and needs
 * EC_SASL_DECODED_SIZE(len) bytes at most. len is at most
 * EC_SASL_BASIC_MAX. */
ec_sasl_status_t ec_sasl_basic_parse(const char *value, size_t len,
            char *buf, size_t bufsize, ec_sasl_basic_t *out);

#endif
