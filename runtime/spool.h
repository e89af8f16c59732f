/* ecconf: the spool folder, one file per accepted message. */
#ifndef EC_SPOOL_H
#define EC_SPOOL_H

#include <stddef.h>
#include <stdint.h>

typedef struct ec_spool_msg ec_spool_msg_t;

/* Create folder, folder/tmp and folder/new when missing. Returns 0, or -1
 * with errno set. */
int     ec_spool_init(const char *folder);

/* Start a message in folder/tmp under a name unique to this process run
 * (time, pid, connection id, a sequence number). Returns NULL with errno
 * set when the file cannot be created. */
ec_spool_msg_t *ec_spool_begin(const char *folder, uint64_t conn_id);

int     ec_spool_write(ec_spool_msg_t *m, const void *data, size_t len);

/* Flush, fsync and rename the message into folder/new, then free m.
 * Returns 0, or -1 (the message is removed) with errno set. */
int     ec_spool_commit(ec_spool_msg_t *m);

/* Remove the unfinished message and free m. NULL is fine. */
void    ec_spool_abort(ec_spool_msg_t *m);

/* The message id (its file name), valid until commit or abort. */
const char *ec_spool_id(const ec_spool_msg_t *m);

#endif
