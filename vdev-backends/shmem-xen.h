/* SPDX-License-Identifier: LGPL-2.1-only */
/* shmem-xen.h: the registry's hypervisor side with libxenctrl (docs/shmem-xen.md §1). */
#ifndef QX_SHMEM_XEN_H
#define QX_SHMEM_XEN_H

#include <stdio.h>

#include "vdev-backends/shmem-registry.h"

struct shmem_xen;

extern const struct shmem_ops shmem_xen_ops;

/* Opens libxenctrl; NULL (the reason on log) when it cannot. log gets one line per failed
 * hypercall that the registry's caller may not see (frees, destroys). */
struct shmem_xen *shmem_xen_open(FILE *log);
void shmem_xen_close(struct shmem_xen *x);

#endif
