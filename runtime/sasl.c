/* ecconf: SASL mechanism and HTTP Basic decoders. */
#include <inttypes.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "runtime/sasl.h"

/* Length of "SP" plus the 32 hex digits that end a CRAM-MD5 response. */
#define EC_SASL_CRAM_TAIL 33

static int ec_sasl_base64_value(unsigned char c);
static int ec_sasl_has_nul_or_newline(const unsigned char *p, size_t len);
static int ec_sasl_has_control(const unsigned char *p, size_t len);

static const char *const ec_sasl_status_names[] = {
    [EC_SASL_OK] = "ok",
    [EC_SASL_CANCELLED] = "cancelled",
    [EC_SASL_ERR_TOO_LONG] = "line_too_long",
    [EC_SASL_ERR_BASE64] = "bad_base64",
    [EC_SASL_ERR_NOSPACE] = "buffer_too_small",
    [EC_SASL_ERR_PLAIN_FORMAT] = "malformed_plain",
    [EC_SASL_ERR_EMPTY_AUTHCID] = "empty_authcid",
    [EC_SASL_ERR_EMPTY_PASSWORD] = "empty_password",
    [EC_SASL_ERR_AUTHZID] = "authzid_not_supported",
    [EC_SASL_ERR_CONTROL] = "control_character",
    [EC_SASL_ERR_CRAM_FORMAT] = "malformed_cram_md5",
    [EC_SASL_ERR_SCHEME] = "not_basic",
    [EC_SASL_ERR_NO_COLON] = "missing_colon",
    [EC_SASL_ERR_HOSTNAME] = "bad_hostname",
    [EC_SASL_ERR_RANDOM] = "random_failed"
};


const char *
ec_sasl_status_name(ec_sasl_status_t status)
{
    size_t n = sizeof(ec_sasl_status_names) / sizeof(ec_sasl_status_names[0]);

    if ((size_t) status >= n || ec_sasl_status_names[status] == NULL) {
        return "unknown";
    }
    return ec_sasl_status_names[status];
}


ec_sasl_status_t
ec_sasl_base64_decode(const char *in, size_t inlen, unsigned char *out,
    size_t outsize, size_t *outlen)
{
    const unsigned char *u = (const unsigned char *) in;
    unsigned char        last[3];
    size_t               pad, decoded, head, i;

    *outlen = 0;
    if (inlen > INT_MAX) {
        return EC_SASL_ERR_TOO_LONG;
    }
    if (inlen % 4 != 0) {
        return EC_SASL_ERR_BASE64;
    }
    if (inlen == 0) {
        if (outsize < 1) {
            return EC_SASL_ERR_NOSPACE;
        }
        out[0] = '\0';
        return EC_SASL_OK;
    }

    /* Padding may fill only the last two positions ("xx==" or "xxx=");
     * an "=" anywhere else fails the alphabet check below. */
    pad = 0;
    if (u[inlen - 1] == '=') {
        pad = u[inlen - 2] == '=' ? 2 : 1;
    }
    for (i = 0; i < inlen - pad; i++) {
        if (ec_sasl_base64_value(u[i]) < 0) {
            return EC_SASL_ERR_BASE64;
        }
    }

    /* The bits of the last character that fall into the padding must be
     * zero, otherwise two different texts decode to the same bytes. */
    if (pad == 2 && (ec_sasl_base64_value(u[inlen - 3]) & 0x0f) != 0) {
        return EC_SASL_ERR_BASE64;
    }
    if (pad == 1 && (ec_sasl_base64_value(u[inlen - 2]) & 0x03) != 0) {
        return EC_SASL_ERR_BASE64;
    }

    decoded = inlen / 4 * 3 - pad;
    if (outsize < decoded + 1) {
        return EC_SASL_ERR_NOSPACE;
    }

    /* EVP_DecodeBlock() writes three bytes for every group, padding
     * included, so the last group goes through a small buffer and only
     * its real bytes reach out. */
    head = inlen - 4;
    if (head > 0 && EVP_DecodeBlock(out, u, (int) head) < 0) {
        return EC_SASL_ERR_BASE64;
    }
    if (EVP_DecodeBlock(last, u + head, 4) < 0) {
        OPENSSL_cleanse(out, head / 4 * 3);
        return EC_SASL_ERR_BASE64;
    }
    memcpy(out + head / 4 * 3, last, 3 - pad);
    OPENSSL_cleanse(last, sizeof(last));

    out[decoded] = '\0';
    *outlen = decoded;
    return EC_SASL_OK;
}


ec_sasl_status_t
ec_sasl_base64_encode(const unsigned char *in, size_t inlen, char *out,
    size_t outsize, size_t *outlen)
{
    int n;

    *outlen = 0;
    if (inlen > INT_MAX / 4 * 3 - 3) {
        return EC_SASL_ERR_TOO_LONG;
    }
    if (outsize < EC_SASL_ENCODED_SIZE(inlen)) {
        return EC_SASL_ERR_NOSPACE;
    }

    n = EVP_EncodeBlock((unsigned char *) out, in, (int) inlen);
    *outlen = (size_t) n;
    return EC_SASL_OK;
}


ec_sasl_line_t
ec_sasl_line_classify(const char *line, size_t len, ec_sasl_stage_t stage)
{
    if (len > EC_SASL_LINE_MAX) {
        return EC_SASL_LINE_TOO_LONG;
    }
    if (len == 0) {
        return stage == EC_SASL_INITIAL ? EC_SASL_LINE_ABSENT
                                        : EC_SASL_LINE_EMPTY;
    }
    if (len == 1 && line[0] == '=') {
        return EC_SASL_LINE_EMPTY;
    }
    if (len == 1 && line[0] == '*' && stage == EC_SASL_CONTINUATION) {
        return EC_SASL_LINE_CANCEL;
    }
    return EC_SASL_LINE_DATA;
}


ec_sasl_status_t
ec_sasl_response_decode(const char *line, size_t len, ec_sasl_stage_t stage,
    unsigned char *out, size_t outsize, size_t *outlen)
{
    *outlen = 0;

    switch (ec_sasl_line_classify(line, len, stage)) {
    case EC_SASL_LINE_TOO_LONG:
        return EC_SASL_ERR_TOO_LONG;
    case EC_SASL_LINE_CANCEL:
        return EC_SASL_CANCELLED;
    case EC_SASL_LINE_ABSENT:
        return EC_SASL_ERR_BASE64;
    case EC_SASL_LINE_EMPTY:
        if (outsize < 1) {
            return EC_SASL_ERR_NOSPACE;
        }
        out[0] = '\0';
        return EC_SASL_OK;
    case EC_SASL_LINE_DATA:
        break;
    }
    return ec_sasl_base64_decode(line, len, out, outsize, outlen);
}


ec_sasl_status_t
ec_sasl_plain_parse(const unsigned char *msg, size_t len,
    ec_sasl_plain_t *out)
{
    const unsigned char *nul1, *nul2;
    size_t               rest;

    memset(out, 0, sizeof(*out));

    nul1 = len > 0 ? memchr(msg, '\0', len) : NULL;
    if (nul1 == NULL) {
        return EC_SASL_ERR_PLAIN_FORMAT;
    }
    rest = len - (size_t) (nul1 + 1 - msg);
    nul2 = rest > 0 ? memchr(nul1 + 1, '\0', rest) : NULL;
    if (nul2 == NULL) {
        return EC_SASL_ERR_PLAIN_FORMAT;
    }
    rest = len - (size_t) (nul2 + 1 - msg);
    out->authzid = (const char *) msg;
    out->authzid_len = (size_t) (nul1 - msg);
    out->authcid = (const char *) nul1 + 1;
    out->authcid_len = (size_t) (nul2 - nul1 - 1);
    if (rest > 0 && memchr(nul2 + 1, '\0', rest) != NULL) {
        /* Extra NULs: the user is known, the password field is not
         * trusted and stays unset. */
        return EC_SASL_ERR_PLAIN_FORMAT;
    }

    out->authzid = (const char *) msg;
    out->authzid_len = (size_t) (nul1 - msg);
    out->authcid = (const char *) nul1 + 1;
    out->authcid_len = (size_t) (nul2 - nul1 - 1);
    out->password = (const char *) nul2 + 1;
    out->password_len = rest;

    if (out->authcid_len == 0) {
        return EC_SASL_ERR_EMPTY_AUTHCID;
    }
    if (out->password_len == 0) {
        return EC_SASL_ERR_EMPTY_PASSWORD;
    }
    if (out->authzid_len > 0
        && (out->authzid_len != out->authcid_len
            || memcmp(out->authzid, out->authcid, out->authcid_len) != 0)) {
        return EC_SASL_ERR_AUTHZID;
    }
    return EC_SASL_OK;
}


const char *
ec_sasl_login_prompt(int step)
{
    /* base64 of "Username:" and "Password:", the prompts deployed LOGIN
     * servers send; clients ignore the text and count the steps. */
    switch (step) {
    case 0:
        return "VXNlcm5hbWU6";
    case 1:
        return "UGFzc3dvcmQ6";
    default:
        return NULL;
    }
}


ec_sasl_status_t
ec_sasl_login_decode(const char *line, size_t len, ec_sasl_stage_t stage,
    char *out, size_t outsize, size_t *outlen)
{
    ec_sasl_status_t status;

    status = ec_sasl_response_decode(line, len, stage, (unsigned char *) out,
                                     outsize, outlen);
    if (status != EC_SASL_OK) {
        return status;
    }

    if (ec_sasl_has_nul_or_newline((const unsigned char *) out, *outlen)) {
        OPENSSL_cleanse(out, *outlen);
        *outlen = 0;
        return EC_SASL_ERR_CONTROL;
    }
    return EC_SASL_OK;
}


ec_sasl_status_t
ec_sasl_cram_challenge(const char *hostname, char *out, size_t outsize,
    size_t *outlen)
{
    const unsigned char *h;
    uint64_t             nonce;
    int                  n;

    *outlen = 0;
    if (hostname == NULL || hostname[0] == '\0') {
        return EC_SASL_ERR_HOSTNAME;
    }
    for (h = (const unsigned char *) hostname; *h != '\0'; h++) {
        if (*h <= ' ' || *h >= 0x7f || *h == '<' || *h == '>') {
            return EC_SASL_ERR_HOSTNAME;
        }
    }

    if (RAND_bytes((unsigned char *) &nonce, sizeof(nonce)) != 1) {
        return EC_SASL_ERR_RANDOM;
    }

    n = snprintf(out, outsize, "<%" PRIu64 ".%lld@%s>", nonce,
                 (long long) time(NULL), hostname);
    if (n < 0 || (size_t) n >= outsize) {
        if (outsize > 0) {
            out[0] = '\0';
        }
        return EC_SASL_ERR_NOSPACE;
    }
    *outlen = (size_t) n;
    return EC_SASL_OK;
}


ec_sasl_status_t
ec_sasl_cram_parse(const unsigned char *msg, size_t len, ec_sasl_cram_t *out)
{
    const unsigned char *hex;
    size_t               i;

    memset(out, 0, sizeof(*out));

    /* At least one byte of user name, the space and 32 digits. */
    if (len < EC_SASL_CRAM_TAIL + 1) {
        return EC_SASL_ERR_CRAM_FORMAT;
    }
    if (msg[len - EC_SASL_CRAM_TAIL] != ' ') {
        return EC_SASL_ERR_CRAM_FORMAT;
    }

    hex = msg + len - EC_SASL_CRAM_TAIL + 1;
    for (i = 0; i < EC_SASL_CRAM_TAIL - 1; i++) {
        if (!((hex[i] >= '0' && hex[i] <= '9')
              || (hex[i] >= 'a' && hex[i] <= 'f'))) {
            return EC_SASL_ERR_CRAM_FORMAT;
        }
    }

    out->username = (const char *) msg;
    out->username_len = len - EC_SASL_CRAM_TAIL;
    if (ec_sasl_has_nul_or_newline(msg, out->username_len)) {
        out->username = NULL;
        out->username_len = 0;
        return EC_SASL_ERR_CONTROL;
    }
    memcpy(out->digest, hex, EC_SASL_CRAM_TAIL - 1);
    out->digest[EC_SASL_CRAM_TAIL - 1] = '\0';
    return EC_SASL_OK;
}


ec_sasl_status_t
ec_sasl_basic_parse(const char *value, size_t len, char *buf, size_t bufsize,
    ec_sasl_basic_t *out)
{
    ec_sasl_status_t status;
    const char      *token;
    char            *colon;
    size_t           start, end, decoded;

    memset(out, 0, sizeof(*out));
    if (len > EC_SASL_BASIC_MAX) {
        return EC_SASL_ERR_TOO_LONG;
    }

    /* Spaces and tabs around a field value are not part of it. */
    start = 0;
    while (start < len && (value[start] == ' ' || value[start] == '\t')) {
        start++;
    }
    end = len;
    while (end > start && (value[end - 1] == ' ' || value[end - 1] == '\t')) {
        end--;
    }

    if (end - start < 6 || strncasecmp(value + start, "Basic", 5) != 0
        || value[start + 5] != ' ') {
        return EC_SASL_ERR_SCHEME;
    }
    start += 5;
    while (start < end && value[start] == ' ') {
        start++;
    }
    token = value + start;

    status = ec_sasl_base64_decode(token, end - start, (unsigned char *) buf,
                                   bufsize, &decoded);
    if (status != EC_SASL_OK) {
        return status;
    }

    colon = memchr(buf, ':', decoded);
    if (colon == NULL) {
        OPENSSL_cleanse(buf, decoded);
        return EC_SASL_ERR_NO_COLON;
    }
    if (ec_sasl_has_control((const unsigned char *) buf, decoded)) {
        *colon = '\0';
        /* The user-id stays for the auth log; the password goes. */
        OPENSSL_cleanse(colon + 1, decoded - (size_t) (colon - buf) - 1);
        out->username = buf;
        out->username_len = (size_t) (colon - buf);
        return EC_SASL_ERR_CONTROL;
    }
    *colon = '\0';

    out->username = buf;
    out->username_len = (size_t) (colon - buf);
    out->password = colon + 1;
    out->password_len = decoded - out->username_len - 1;
    return EC_SASL_OK;
}


static int
ec_sasl_base64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    if (c == '+') {
        return 62;
    }
    if (c == '/') {
        return 63;
    }
    return -1;
}


static int
ec_sasl_has_nul_or_newline(const unsigned char *p, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (p[i] == '\0' || p[i] == '\r' || p[i] == '\n') {
            return 1;
        }
    }
    return 0;
}


static int
ec_sasl_has_control(const unsigned char *p, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        if (p[i] < 0x20 || p[i] == 0x7f) {
            return 1;
        }
    }
    return 0;
}
