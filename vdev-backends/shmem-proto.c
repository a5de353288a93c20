/* SPDX-License-Identifier: LGPL-2.1-only */
/* shmem-proto.c: sending a protocol message with descriptors (the broker, tests, fuzzer). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "vdev-backends/shmem-proto.h"

ssize_t shmem_send(int sock, const struct shmem_msg *m, const int *fds, unsigned nfds, int flags)
{
    union {
        struct cmsghdr h;
        char buf[CMSG_SPACE(SHMEM_SEND_FDS_MAX * sizeof(int))];
    } ctl;
    struct iovec iov = {.iov_base = (void *)m, .iov_len = sizeof(*m)};
    struct msghdr mh = {.msg_iov = &iov, .msg_iovlen = 1};

    if (nfds > SHMEM_SEND_FDS_MAX) {
        errno = EINVAL;
        return -1;
    }
    if (nfds) {
        memset(&ctl, 0, sizeof(ctl));
        mh.msg_control = ctl.buf;
        mh.msg_controllen = CMSG_SPACE(nfds * sizeof(int));
        ctl.h.cmsg_level = SOL_SOCKET;
        ctl.h.cmsg_type = SCM_RIGHTS;
        ctl.h.cmsg_len = CMSG_LEN(nfds * sizeof(int));
        memcpy(CMSG_DATA(&ctl.h), fds, nfds * sizeof(int));
    }
    return sendmsg(sock, &mh, flags);
}
