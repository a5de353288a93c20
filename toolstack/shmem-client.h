/* SPDX-License-Identifier: LGPL-2.1-only */
/* The toolstack's side of vdev shmem: it introduces a new domain to qvm-xl-shmemd, the broker
 * of shared-memory regions (vdev-backends/shmem-proto.h), and hands the connection to the
 * domain's qvm-xl-backend, so that the unprivileged backend can only ever speak for its own
 * domain. */
#ifndef QX_SHMEM_CLIENT_H
#define QX_SHMEM_CLIENT_H

#include <stdint.h>
#include <stdio.h>

struct qx_shmem_links {
    char **specs; /* the backend's --device specs, shmem ones rewritten (owned) */
    int *fds;     /* the broker connections the backend inherits, -1 where none */
    size_t n;
};

/* The broker program: $QVMXL_SHMEMD, else LIBEXECDIR/qvm-xl-shmemd. Its socket:
 * $QVMXL_SHMEMD_SOCKET, else SHMEM_SOCKET_PATH. */
const char *qx_shmemd_program(void);
const char *qx_shmemd_socket(void);

/* True when @spec is a shmem device ("shmem,..."). */
int qx_shmem_spec(const char *spec);

/* Splits a shmem spec's options between the broker (window, allow, deny, create, subst: into
 * @hello, for HELLO) and the device (the rest and window, plus fd=@fd: into @dev). Both are
 * malloc'ed. Returns 0, or -1 on a malformed spec or no memory. */
int qx_shmem_split(const char *spec, int fd, char **hello, char **dev);

/* For each shmem spec of @specs: connects to the broker (starting it when nobody listens),
 * introduces @domid with HELLO and rewrites the spec for the backend. Returns 0, or -1 with
 * a message on @err (everything opened is closed again). */
int qx_shmem_connect(uint32_t domid, char *const *specs, size_t n, struct qx_shmem_links *l,
                     FILE *err);
/* Closes this process's copies of the connections (after the backend was forked: it keeps its
 * own) and frees the specs. */
void qx_shmem_links_dispose(struct qx_shmem_links *l);

#endif
