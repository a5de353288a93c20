/* SPDX-License-Identifier: LGPL-2.1-only */
/*
 * qx-privmap: guest side of v3-60-shmem-probe-reach (docs/shmem-xen.md §5). What can a client
 * whose target is a holder reach on its own? Through Linux's /dev/xen/privcmd
 * (IOCTL_PRIVCMD_MMAPBATCH_V2: the guest kernel calls XENMEM_add_to_physmap_batch on itself,
 * XENMAPSPACE_gmfn_foreign), map one page of domain DOM and print its first word:
 *   qx-privmap DOM GFN [DOM GFN]...   one "QXGUEST privmap dom=D gfn=G rc=R word=W" a pair
 * Static, no Xen headers: the ioctl's ABI is Linux's include/uapi/xen/privcmd.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

struct privcmd_mmapbatch_v2 {
    unsigned int num;
    uint16_t dom;
    uint64_t addr;
    const uint64_t *arr;
    int *err;
};
#define IOCTL_PRIVCMD_MMAPBATCH_V2 _IOC(_IOC_NONE, 'P', 4, sizeof(struct privcmd_mmapbatch_v2))

static void one(int fd, uint16_t dom, uint64_t gfn)
{
    void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    int err = 0, rc;
    struct privcmd_mmapbatch_v2 b = {.num = 1, .dom = dom, .arr = &gfn, .err = &err};

    if (p == MAP_FAILED) {
        printf("QXGUEST privmap dom=%u gfn=%#" PRIx64 " rc=mmap-%d\n", dom, gfn, errno);
        return;
    }
    b.addr = (uintptr_t)p;
    rc = ioctl(fd, IOCTL_PRIVCMD_MMAPBATCH_V2, &b) < 0 ? -errno : 0;
    if (!rc && !err)
        printf("QXGUEST privmap dom=%u gfn=%#" PRIx64 " rc=0 word=0x%08" PRIX32 "\n", dom, gfn,
               *(volatile uint32_t *)p);
    else
        printf("QXGUEST privmap dom=%u gfn=%#" PRIx64 " rc=%d err=%d\n", dom, gfn, rc, err);
    munmap(p, 4096);
}

int main(int argc, char **argv)
{
    int fd = open("/dev/xen/privcmd", O_RDWR);

    if (fd < 0) {
        printf("QXGUEST privmap open=%d\n", errno);
        return 1;
    }
    for (int i = 1; i + 1 < argc; i += 2)
        one(fd, (uint16_t)strtoul(argv[i], NULL, 0), strtoull(argv[i + 1], NULL, 0));
    close(fd);
    return 0;
}
