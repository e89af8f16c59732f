/* ecconf: the spool folder. Messages are written under tmp/ and renamed
 * into new/ once complete and on disk, so a reader of new/ never sees a
 * partial message. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runtime/spool.h"

struct ec_spool_msg {
    FILE           *f;
    char            id[96];
    char            tmp[PATH_MAX];
    char            final[PATH_MAX];
};

static atomic_ullong ec_spool_seq;


static int
ec_spool_mkdir(const char *path)
{
    if (mkdir(path, 0750) == 0 || errno == EEXIST)
        return 0;
    return -1;
}


int
ec_spool_init(const char *folder)
{
    char path[PATH_MAX];

    if (ec_spool_mkdir(folder) < 0)
        return -1;
    snprintf(path, sizeof(path), "%s/tmp", folder);
    if (ec_spool_mkdir(path) < 0)
        return -1;
    snprintf(path, sizeof(path), "%s/new", folder);
    return ec_spool_mkdir(path);
}


ec_spool_msg_t *
ec_spool_begin(const char *folder, uint64_t conn_id)
{
    ec_spool_msg_t *m = calloc(1, sizeof(*m));
    int             fd;

    if (m == NULL)
        return NULL;
    snprintf(m->id, sizeof(m->id), "%lld.%ld.%llu.%llu",
            (long long) time(NULL), (long) getpid(),
            (unsigned long long) conn_id,
            (unsigned long long) atomic_fetch_add(&ec_spool_seq, 1));
    snprintf(m->tmp, sizeof(m->tmp), "%s/tmp/%s", folder, m->id);
    snprintf(m->final, sizeof(m->final), "%s/new/%s", folder, m->id);

    fd = open(m->tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0640);
    if (fd < 0 || (m->f = fdopen(fd, "w")) == NULL) {
        if (fd >= 0)
            close(fd);
        free(m);
        return NULL;
    }
    return m;
}


int
ec_spool_write(ec_spool_msg_t *m, const void *data, size_t len)
{
    return fwrite(data, 1, len, m->f) == len ? 0 : -1;
}


int
ec_spool_commit(ec_spool_msg_t *m)
{
    int rc = 0;

    if (fflush(m->f) != 0 || fsync(fileno(m->f)) != 0)
        rc = -1;
    if (fclose(m->f) != 0)
        rc = -1;
    m->f = NULL;
    if (rc == 0 && rename(m->tmp, m->final) != 0)
        rc = -1;
    if (rc < 0)
        unlink(m->tmp);
    free(m);
    return rc;
}


void
ec_spool_abort(ec_spool_msg_t *m)
{
    if (m == NULL)
        return;
    if (m->f != NULL)
        fclose(m->f);
    unlink(m->tmp);
    free(m);
}


const char *
ec_spool_id(const ec_spool_msg_t *m)
{
    return m->id;
}
